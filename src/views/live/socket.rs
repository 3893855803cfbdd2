//! The socket state machine: Connect, open, messages, send and close, each
//! checked the way the browser checks it before the call.

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{BinaryType, CloseEvent, MessageEvent, WebSocket};

use crate::dom;
use crate::live::close::{self as closing, CloseCall};
use crate::live::hex;
use crate::live::probe_hint;
use crate::live::target::{self, Target};
use crate::live::timeline::{self, Content, Kind};

use super::js::{js_error, page_origin};
use super::lab::{fetch_record, probe, record_of, show_record};
use super::state::{Conn, Live, OnClose, OnEvent, OnMessage, Pairing, Phase, Status};

/// Refuses to call the constructor, saying why.
pub(super) fn refuse(live: Live, why: String) {
    live.log(Kind::Error, format!("new WebSocket() was not called. {why}"), None);
    live.connect_problem.set(Some(why));
    live.set_phase(Phase::Idle);
}

pub(super) fn connect(live: Live) {
    live.connect_problem.set(None);
    live.send_problem.set(None);
    live.close_problem.set(None);
    if live.phase().is_live() {
        live.connect_problem.set(Some("A connection is still open: Disconnect first.".into()));
        return;
    }
    let page_secure = window().location().protocol().is_ok_and(|p| p == "https:");
    let target = match target::parse(&live.url.get_untracked(), page_secure) {
        Ok(t) => t,
        Err(why) => return refuse(live, why),
    };
    let protocols = match target::protocols(&live.protocols.get_untracked()) {
        Ok(p) => p,
        Err(why) => return refuse(live, why),
    };
    let generation = live.generation.get_value() + 1;
    live.generation.set_value(generation);
    live.started.set_value(js_sys::Date::now());
    live.record.set(None);
    live.record_note.set(None);
    live.status.set(Status {
        phase: Phase::Checking,
        url: target.url(),
        protocol: String::new(),
        extensions: String::new(),
    });
    spawn_local(async move {
        let lab = match target.probe_url() {
            Some(url) => probe(live, &url).await,
            None => false,
        };
        if !live.current(generation) {
            return;
        }
        let pairing = lab.then(|| {
            let fresh = target::new_id(
                dom::random_bytes::<8>()
                    .unwrap_or_else(|| (js_sys::Math::random() * 2f64.powi(53)).to_bits().to_le_bytes()),
            );
            let (target, id) = target.with_id(&fresh);
            Pairing { target, id }
        });
        open(live, generation, pairing.as_ref().map_or(&target, |p| &p.target).clone(), pairing, protocols);
    });
}

fn open(live: Live, generation: u64, target: Target, lab: Option<Pairing>, protocols: Vec<String>) {
    let url = target.url();
    let list = js_sys::Array::new();
    for p in &protocols {
        list.push(&JsValue::from_str(p));
    }
    let ws = match WebSocket::new_with_str_sequence(&url, &list) {
        Ok(ws) => ws,
        Err(e) => return refuse(live, format!("The browser refused: {}.", js_error(&e))),
    };
    ws.set_binary_type(if live.arraybuffer.get_untracked() {
        BinaryType::Arraybuffer
    } else {
        BinaryType::Blob
    });
    let offered = if protocols.is_empty() {
        "no subprotocols".to_string()
    } else {
        format!("subprotocols {}", protocols.join(", "))
    };
    let paired = match &lab {
        Some(p) => format!("; a lab server, so the page asks for its record of this handshake (id={})", p.id),
        None => String::new(),
    };
    live.log(Kind::Connecting, format!("new WebSocket(\"{url}\"), {offered}{paired}"), None);
    live.status.set(Status {
        phase: Phase::Connecting,
        url,
        protocol: String::new(),
        extensions: String::new(),
    });

    let on_open = OnEvent::new(move |_| {
        if !live.current(generation) {
            return;
        }
        let (protocol, extensions) = live.with_ws(|ws| (ws.protocol(), ws.extensions())).unwrap_or_default();
        let shown = |v: &str| if v.is_empty() { "none".to_string() } else { format!("\"{v}\"") };
        live.log(
            Kind::Open,
            format!("protocol {}; extensions {}", shown(&protocol), shown(&extensions)),
            None,
        );
        live.status.update(|s| {
            s.phase = Phase::Open;
            s.protocol = protocol;
            s.extensions = extensions;
        });
        let opened = live.conn.try_update_value(|c| {
            let c = c.as_mut()?;
            c.opened = true;
            Some((c.lab.clone(), c.awaiting_mirror, c.target.probe_url()))
        });
        match opened.flatten() {
            Some((Some(pairing), false, _)) => spawn_local(fetch_record(live, generation, pairing, true)),
            Some((None, _, Some(probe))) => {
                let origin = page_origin();
                live.log(
                    Kind::Note,
                    format!(
                        "The page could not read {probe}: this is not a lab server, or a lab that does not share its records with {origin} (start it with --allow-origin {origin}). This handshake stays hidden."
                    ),
                    None,
                );
            }
            _ => {}
        }
    });
    let on_message = OnMessage::new(move |ev: MessageEvent| {
        if live.current(generation) {
            received(live, generation, ev.data());
        }
    });
    let on_error = OnEvent::new(move |_| {
        if live.current(generation) {
            live.log(Kind::Error, "The browser fired error, with no detail; the close event follows.", None);
        }
    });
    let offered_protocols = protocols.clone();
    let on_close = OnClose::new(move |ev: CloseEvent| {
        if !live.current(generation) {
            return;
        }
        live.log(Kind::Close, closing::describe(ev.code(), &ev.reason(), ev.was_clean()), None);
        live.set_phase(Phase::Closed);
        live.buffered.set(live.with_ws(WebSocket::buffered_amount).unwrap_or(0));
        let failed = live
            .conn
            .with_value(|c| c.as_ref().filter(|c| !c.opened).map(|c| (c.lab.clone(), c.target.clone())));
        match failed {
            Some((Some(pairing), _)) => {
                live.log(
                    Kind::Note,
                    "The browser says only 1006. The lab server kept its side: asking it for the record.",
                    None,
                );
                spawn_local(fetch_record(live, generation, pairing, false));
            }
            Some((None, target)) => {
                live.log(Kind::Note, target::failure_hint(&target, &page_origin()), None);
                if ev.code() == 1006 {
                    let command = probe_hint::command(&target.url(), &page_origin(), &offered_protocols);
                    live.log(Kind::Note, probe_hint::SUMMARY, Some(Content::Command(command)));
                }
            }
            None => {}
        }
    });
    ws.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    ws.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    ws.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    ws.set_onclose(Some(on_close.as_ref().unchecked_ref()));
    let awaiting_mirror = lab.as_ref().is_some_and(|p| p.target.path() == "/mirror");
    // Replacing the old connection drops (and detaches) its handlers.
    live.conn.set_value(Some(Conn {
        ws,
        target,
        lab,
        opened: false,
        awaiting_mirror,
        _handlers: (on_open, on_message, on_error, on_close),
    }));
    live.buffered.set(0);
}

/// A message event: text, an ArrayBuffer, or a Blob read afterwards.
fn received(live: Live, generation: u64, data: JsValue) {
    if let Some(text) = data.as_string() {
        live.log(Kind::In, timeline::message_summary(true, text.len()), Some(timeline::text_content(&text)));
        let pairing = live
            .conn
            .try_update_value(|c| {
                let c = c.as_mut()?;
                let mirror = std::mem::take(&mut c.awaiting_mirror);
                c.lab.clone().filter(|_| mirror)
            })
            .flatten();
        if let Some(pairing) = pairing {
            let parsed = js_sys::JSON::parse(&text).map_err(|_| "the first message is not JSON".to_string());
            match parsed.and_then(|v| record_of(&v)) {
                Ok(record) => {
                    show_record(live, generation, record, true, "the first message on /mirror".into())
                }
                Err(why) => {
                    live.log(
                        Kind::Note,
                        format!("No record from /mirror: {why}; asking GET /last instead."),
                        None,
                    );
                    spawn_local(fetch_record(live, generation, pairing, true));
                }
            }
        }
    } else if let Some(buffer) = data.dyn_ref::<js_sys::ArrayBuffer>() {
        let bytes = js_sys::Uint8Array::new(buffer).to_vec();
        live.log(
            Kind::In,
            timeline::message_summary(false, bytes.len()),
            Some(timeline::binary_content(&bytes)),
        );
    } else if let Some(blob) = data.dyn_ref::<web_sys::Blob>() {
        let size = blob.size() as usize;
        let seq = live.log(
            Kind::In,
            format!("{} (binaryType \"blob\")", timeline::message_summary(false, size)),
            Some(Content::Pending),
        );
        let read = JsFuture::from(blob.array_buffer());
        spawn_local(async move {
            let content = match read.await {
                Ok(buffer) => timeline::binary_content(&js_sys::Uint8Array::new(&buffer).to_vec()),
                Err(e) => Content::Text(format!("(the Blob could not be read: {})", js_error(&e))),
            };
            live.fill(seq, content);
        });
    }
}

pub(super) fn send(live: Live) {
    live.send_problem.set(None);
    let why = match live.phase() {
        Phase::Open => None,
        Phase::Idle | Phase::Checking => Some("Not connected: press Connect first."),
        Phase::Connecting => {
            Some("The socket is still connecting: send() throws InvalidStateError until the open event.")
        }
        Phase::Closing | Phase::Closed => Some(
            "The connection is closing or closed: the browser would drop the message silently (it only adds its size to bufferedAmount).",
        ),
    };
    if let Some(why) = why {
        live.send_problem.set(Some(why.to_string()));
        return;
    }
    let text = live.message.get_untracked();
    let sent = if live.send_binary.get_untracked() {
        let data = match hex::parse(&text) {
            Ok(data) => data,
            Err(why) => {
                live.send_problem.set(Some(why));
                return;
            }
        };
        live.with_ws(|ws| ws.send_with_u8_array(&data)).map(|r| {
            r.map(|()| (timeline::message_summary(false, data.len()), timeline::binary_content(&data)))
        })
    } else {
        live.with_ws(|ws| ws.send_with_str(&text))
            .map(|r| r.map(|()| (timeline::message_summary(true, text.len()), timeline::text_content(&text))))
    };
    match sent {
        Some(Ok((summary, content))) => {
            live.log(Kind::Out, summary, Some(content));
            live.watch_buffered();
        }
        Some(Err(e)) => live.send_problem.set(Some(format!("The browser refused: {}.", js_error(&e)))),
        None => live.send_problem.set(Some("Not connected: press Connect first.".into())),
    }
}

/// `close()` with the typed code and reason (`Some`), or none (Disconnect).
pub(super) fn close(live: Live, typed: bool) {
    live.close_problem.set(None);
    let call = if typed {
        match closing::check(&live.close_code.get_untracked(), &live.close_reason.get_untracked()) {
            Ok(call) => call,
            Err(why) => {
                live.log(Kind::Note, format!("close() was not called. {why}"), None);
                live.close_problem.set(Some(why));
                return;
            }
        }
    } else {
        CloseCall { code: None, reason: String::new() }
    };
    if !matches!(live.phase(), Phase::Connecting | Phase::Open) {
        live.close_problem.set(Some("There is no open connection to close.".into()));
        return;
    }
    let result = live.with_ws(|ws| match call.code {
        None => ws.close(),
        Some(code) => ws.close_with_code_and_reason(code, &call.reason),
    });
    match result {
        Some(Ok(())) => {
            let called = match call.code {
                None => "close()".to_string(),
                Some(code) if call.reason.is_empty() => format!("close({code})"),
                Some(code) => format!("close({code}, {:?})", call.reason),
            };
            live.log(
                Kind::Closing,
                format!("{called}: the browser sends a Close frame and waits for the server's."),
                None,
            );
            live.set_phase(Phase::Closing);
        }
        Some(Err(e)) => live.close_problem.set(Some(format!("The browser refused: {}.", js_error(&e)))),
        None => live.close_problem.set(Some("There is no open connection to close.".into())),
    }
}
