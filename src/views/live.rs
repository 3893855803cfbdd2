//! The live panel: open a real WebSocket from the page, exchange messages,
//! close with a chosen code, and watch every event on a timeline. Browsers
//! hide the opening handshake from scripts, so a connection to the lab
//! server carries `?id=`, and the page fetches the lab's record of that
//! handshake and lints its bytes with the core. All judgement lives in
//! `crate::live`; this module only wires it to the browser.
//!
//! Nothing here connects on its own: only the Connect button opens a socket.
//! The panel's state outlives the view, so switching views keeps the
//! connection and its timeline.

use std::cell::OnceCell;
use std::sync::Arc;
use std::time::Duration;

use handshake::Severity;
use leptos::prelude::*;
use leptos::reactive::owner::Owner;
use leptos::task::spawn_local;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{BinaryType, CloseEvent, MessageEvent, WebSocket};

use crate::dom;
use crate::live::close::{self as closing, CloseCall};
use crate::live::record::{Paired, Record};
use crate::live::target::{self, Target};
use crate::live::timeline::{self, Content, Entry, Kind};
use crate::live::{bytes, hex};

/// Where `cargo xtask serve` (and `cargo run -p handshake-lab`) puts the lab.
const LAB_PROBE: &str = handshake::lab::INDEX_URL;
const LAB_ECHO: &str = handshake::lab::ECHO_URL;
/// The default when no lab answers: a public echo server.
const PUBLIC_ECHO: &str = "wss://echo.websocket.org";
/// How long a lab server has to describe itself.
const PROBE_MS: i32 = 1500;
/// How long the lab has to hand over a record.
const RECORD_MS: i32 = 4000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Idle,
    /// Asking whether a loopback server is a lab server.
    Checking,
    Connecting,
    Open,
    Closing,
    Closed,
}

impl Phase {
    /// A socket exists that is not closed (or one is about to).
    fn is_live(self) -> bool {
        matches!(self, Phase::Checking | Phase::Connecting | Phase::Open | Phase::Closing)
    }
}

/// What the status line shows.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Status {
    phase: Phase,
    url: String,
    protocol: String,
    extensions: String,
}

/// A record on show, and whether the browser opened that connection.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Shown {
    paired: Paired,
    opened: bool,
    /// Where the record came from.
    source: String,
}

/// A connection to the lab, paired with its record by `id`.
#[derive(Debug, Clone)]
struct Pairing {
    target: Target,
    id: String,
}

/// The socket and its handlers. Dropping it detaches the handlers (and
/// closes a socket still open), so no event reaches a dropped closure.
struct Conn {
    ws: WebSocket,
    target: Target,
    lab: Option<Pairing>,
    opened: bool,
    /// `/mirror`: the first message is the record.
    awaiting_mirror: bool,
    _handlers: (OnEvent, OnMessage, OnEvent, OnClose),
}

type OnEvent = Closure<dyn FnMut(web_sys::Event)>;
type OnMessage = Closure<dyn FnMut(MessageEvent)>;
type OnClose = Closure<dyn FnMut(CloseEvent)>;

impl Drop for Conn {
    fn drop(&mut self) {
        self.ws.set_onopen(None);
        self.ws.set_onmessage(None);
        self.ws.set_onerror(None);
        self.ws.set_onclose(None);
        if self.ws.ready_state() < WebSocket::CLOSING {
            let _ = self.ws.close();
        }
    }
}

/// The panel's state: signals owned by the app's root, so they outlive the
/// view, and the socket in local storage.
#[derive(Clone, Copy)]
struct Live {
    url: RwSignal<String>,
    /// The reader typed a URL: the lab probe must not replace it.
    url_touched: StoredValue<bool>,
    lab_hint: RwSignal<String>,
    /// URLs offered in the URL field: the lab's WebSocket routes.
    suggestions: RwSignal<Vec<String>>,
    protocols: RwSignal<String>,
    message: RwSignal<String>,
    send_binary: RwSignal<bool>,
    arraybuffer: RwSignal<bool>,
    close_code: RwSignal<String>,
    close_reason: RwSignal<String>,
    events: RwSignal<Vec<Arc<Entry>>>,
    dropped: RwSignal<usize>,
    status: RwSignal<Status>,
    buffered: RwSignal<u32>,
    connect_problem: RwSignal<Option<String>>,
    send_problem: RwSignal<Option<String>>,
    close_problem: RwSignal<Option<String>>,
    record: RwSignal<Option<Arc<Shown>>>,
    record_note: RwSignal<Option<String>>,
    conn: StoredValue<Option<Conn>, LocalStorage>,
    /// Bumped per Connect: events of an older socket are ignored.
    generation: StoredValue<u64>,
    seq: StoredValue<u64>,
    /// When Connect was pressed (ms since the epoch).
    started: StoredValue<f64>,
    /// Origins known to be lab servers.
    labs: StoredValue<Vec<String>>,
    probed: RwSignal<bool>,
}

impl Live {
    fn new() -> Live {
        Live {
            url: RwSignal::new(PUBLIC_ECHO.to_string()),
            url_touched: StoredValue::new(false),
            lab_hint: RwSignal::new(String::new()),
            suggestions: RwSignal::new(Vec::new()),
            protocols: RwSignal::new(String::new()),
            message: RwSignal::new("Hello, WebSocket".to_string()),
            send_binary: RwSignal::new(false),
            arraybuffer: RwSignal::new(false),
            close_code: RwSignal::new("1000".to_string()),
            close_reason: RwSignal::new(String::new()),
            events: RwSignal::new(Vec::new()),
            dropped: RwSignal::new(0),
            status: RwSignal::new(Status {
                phase: Phase::Idle,
                url: String::new(),
                protocol: String::new(),
                extensions: String::new(),
            }),
            buffered: RwSignal::new(0),
            connect_problem: RwSignal::new(None),
            send_problem: RwSignal::new(None),
            close_problem: RwSignal::new(None),
            record: RwSignal::new(None),
            record_note: RwSignal::new(None),
            conn: StoredValue::new_local(None),
            generation: StoredValue::new(0),
            seq: StoredValue::new(0),
            started: StoredValue::new(js_sys::Date::now()),
            labs: StoredValue::new(Vec::new()),
            probed: RwSignal::new(false),
        }
    }

    fn phase(&self) -> Phase {
        self.status.with_untracked(|s| s.phase)
    }

    fn set_phase(&self, phase: Phase) {
        self.status.update(|s| s.phase = phase);
    }

    fn current(&self, generation: u64) -> bool {
        self.generation.get_value() == generation
    }

    /// Adds a timeline entry; returns its sequence number.
    fn log(&self, kind: Kind, summary: impl Into<String>, content: Option<Content>) -> u64 {
        let seq = self.seq.get_value() + 1;
        self.seq.set_value(seq);
        let now = js_sys::Date::new_0();
        let entry = Entry {
            seq,
            clock: timeline::clock(
                now.get_hours(),
                now.get_minutes(),
                now.get_seconds(),
                now.get_milliseconds(),
            ),
            elapsed: timeline::elapsed(now.get_time() - self.started.get_value()),
            kind,
            summary: summary.into(),
            content,
        };
        let mut dropped = 0;
        self.events.update(|events| dropped = timeline::push(events, Arc::new(entry)));
        if dropped > 0 {
            self.dropped.update(|d| *d += dropped);
        }
        seq
    }

    /// Replaces the content of entry `seq` (a Blob read later).
    fn fill(&self, seq: u64, content: Content) {
        self.events.update(|events| {
            if let Some(e) = events.iter_mut().find(|e| e.seq == seq) {
                *e = Arc::new(Entry { content: Some(content), ..Entry::clone(e) });
            }
        });
    }

    fn with_ws<T>(&self, f: impl FnOnce(&WebSocket) -> T) -> Option<T> {
        self.conn.with_value(|c| c.as_ref().map(|c| f(&c.ws)))
    }

    /// Reads `bufferedAmount` now, and again while it is not zero.
    fn watch_buffered(self) {
        let amount = self.with_ws(WebSocket::buffered_amount).unwrap_or(0);
        self.buffered.set(amount);
        if amount > 0 {
            set_timeout(move || self.watch_buffered(), Duration::from_millis(50));
        }
    }
}

thread_local! {
    static LIVE: OnceCell<Live> = const { OnceCell::new() };
}

/// The panel's state, made once under the app's root owner.
fn live() -> Live {
    LIVE.with(|cell| {
        *cell.get_or_init(|| {
            let mut root = Owner::current();
            while let Some(parent) = root.as_ref().and_then(Owner::parent) {
                root = Some(parent);
            }
            match root {
                Some(root) => root.with(Live::new),
                None => Live::new(),
            }
        })
    })
}

/// `SyntaxError: The URL ...`, from a thrown DOMException (or anything).
fn js_error(e: &JsValue) -> String {
    let field =
        |name: &str| js_sys::Reflect::get(e, &JsValue::from_str(name)).ok().and_then(|v| v.as_string());
    match (field("name"), field("message")) {
        (Some(name), Some(message)) => format!("{name}: {message}"),
        (_, Some(message)) => message,
        _ => e.as_string().unwrap_or_else(|| "an unknown error".to_string()),
    }
}

/// This page's origin, e.g. `https://example.github.io`.
fn page_origin() -> String {
    window().location().origin().unwrap_or_default()
}

/// A promise that resolves after `ms`.
async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let _ = window().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
    });
    let _ = JsFuture::from(promise).await;
}

/// Why a fetch gave no JSON.
enum FetchError {
    Status(u16),
    Failed(String),
}

/// GETs `url` as JSON within `ms`.
async fn fetch_json(url: &str, ms: i32) -> Result<JsValue, FetchError> {
    let timeout = js_sys::Promise::new(&mut |_, reject| {
        let _ = window().set_timeout_with_callback_and_timeout_and_arguments_0(&reject, ms);
    });
    let race = js_sys::Promise::race(&js_sys::Array::of2(&window().fetch_with_str(url), &timeout));
    let response: web_sys::Response = match JsFuture::from(race).await {
        Ok(r) => r.dyn_into().map_err(|_| FetchError::Failed("not an HTTP response".into()))?,
        Err(e) if e.is_undefined() => return Err(FetchError::Failed(format!("no answer within {ms} ms"))),
        Err(e) => return Err(FetchError::Failed(js_error(&e))),
    };
    if !response.ok() {
        return Err(FetchError::Status(response.status()));
    }
    let json = response.json().map_err(|e| FetchError::Failed(js_error(&e)))?;
    JsFuture::from(json).await.map_err(|_| FetchError::Failed("the answer is not JSON".into()))
}

fn string_field(value: &JsValue, name: &str) -> Option<String> {
    js_sys::Reflect::get(value, &JsValue::from_str(name)).ok()?.as_string()
}

/// The lab's record, from its JSON; only the fields the page uses.
fn record_of(value: &JsValue) -> Result<Record, String> {
    let (Some(request), Some(response)) = (string_field(value, "request"), string_field(value, "response"))
    else {
        return Err("the answer is not a lab record (no request and response)".into());
    };
    let status = js_sys::Reflect::get(value, &JsValue::from_str("status"))
        .ok()
        .and_then(|v| v.as_f64())
        .filter(|s| (100.0..1000.0).contains(s))
        .map(|s| s as u16);
    Ok(Record {
        id: string_field(value, "id"),
        target: string_field(value, "target").unwrap_or_default(),
        status,
        note: string_field(value, "note").unwrap_or_default(),
        request,
        response,
    })
}

/// Asks `url` (`http://host:port/`) whether it is a lab server; a lab's
/// WebSocket routes become the URL field's suggestions.
async fn probe(live: Live, url: &str) -> bool {
    let origin = url.trim_end_matches('/').to_string();
    if live.labs.with_value(|labs| labs.contains(&origin)) {
        return true;
    }
    let Ok(about) = fetch_json(url, PROBE_MS).await else { return false };
    if string_field(&about, "name").as_deref() != Some("handshake-lab") {
        return false;
    }
    let ws_origin = origin.replacen("http://", "ws://", 1);
    let routes = js_sys::Reflect::get(&about, &JsValue::from_str("routes")).unwrap_or(JsValue::UNDEFINED);
    let suggestions: Vec<String> = js_sys::Array::from(&routes)
        .iter()
        .filter(|r| string_field(r, "kind").as_deref() == Some("websocket"))
        .filter_map(|r| string_field(&r, "path"))
        .map(|path| format!("{ws_origin}{}", path.replace("{code}", "4000")))
        .collect();
    live.suggestions.set(suggestions);
    live.labs.update_value(|labs| labs.push(origin));
    true
}

/// Whether this page is itself served from this machine over http (as by
/// `cargo xtask serve`): only then is asking 127.0.0.1 free of a permission prompt.
/// From a public https page, Chromium asks the reader before any request to the
/// local network, so there the probe waits for a click.
fn page_is_local() -> bool {
    let location = window().location();
    let host = location.hostname().unwrap_or_default();
    location.protocol().is_ok_and(|p| p == "http:")
        && matches!(host.as_str(), "127.0.0.1" | "localhost" | "[::1]")
}

/// Once per page: the default URL is the local lab when it answers. On a page not
/// served from this machine, the reader starts the probe (`ask` is the click).
fn probe_default(live: Live, ask: bool) {
    if live.probed.get_untracked() {
        return;
    }
    if !ask && !page_is_local() {
        live.lab_hint.set(
            "This page does not look for a local lab server on its own: the browser would ask your permission to reach this machine. Use the button to look for one at 127.0.0.1:9001.".into(),
        );
        return;
    }
    live.probed.set(true);
    spawn_local(async move {
        if probe(live, LAB_PROBE).await {
            if !live.url_touched.get_value() {
                live.url.set(LAB_ECHO.to_string());
            }
            live.lab_hint.set(
                "A lab server answers at 127.0.0.1:9001: connections to it show both sides of the handshake. Its routes are suggested in the URL field.".into(),
            );
        } else {
            live.lab_hint.set(
                "No lab server answers at 127.0.0.1:9001, so the default is a public echo server. Start one (cargo run -p handshake-lab) to see both sides of each handshake.".into(),
            );
        }
    });
}

/// Refuses to call the constructor, saying why.
fn refuse(live: Live, why: String) {
    live.log(Kind::Error, format!("new WebSocket() was not called. {why}"), None);
    live.connect_problem.set(Some(why));
    live.set_phase(Phase::Idle);
}

fn connect(live: Live) {
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

/// `GET /last?id=`: the lab's record of this connection's handshake.
async fn fetch_record(live: Live, generation: u64, pairing: Pairing, opened: bool) {
    let url = pairing.target.record_url(&pairing.id);
    live.record_note.set(Some(format!("Asking the lab for its record: GET {url}")));
    // The lab may still be writing the record when the browser reports.
    for attempt in 0..4 {
        let result = fetch_json(&url, RECORD_MS).await;
        if !live.current(generation) {
            return;
        }
        let why = match result {
            Ok(value) => match record_of(&value) {
                Ok(record) => return show_record(live, generation, record, opened, format!("GET {url}")),
                Err(why) => why,
            },
            Err(FetchError::Status(404)) if attempt < 3 => {
                sleep(150 * (attempt + 1)).await;
                continue;
            }
            Err(FetchError::Status(status)) => format!("the lab answered {status}"),
            Err(FetchError::Failed(why)) => format!(
                "{why}. A lab shares records only with the origins it allows: start it with --allow-origin {}",
                page_origin()
            ),
        };
        let message = format!("No record from GET {url}: {why}.");
        live.log(Kind::Note, message.clone(), None);
        live.record_note.set(Some(message));
        return;
    }
}

fn show_record(live: Live, generation: u64, record: Record, opened: bool, source: String) {
    if !live.current(generation) {
        return;
    }
    let paired = Paired::of(record);
    live.log(
        Kind::Record,
        format!(
            "From {source}: the lab answered \"{}\"; the core's lint: {}.",
            paired.status_line,
            paired.summary()
        ),
        None,
    );
    live.record_note.set(None);
    live.record.set(Some(Arc::new(Shown { paired, opened, source })));
}

fn send(live: Live) {
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
fn close(live: Live, typed: bool) {
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

fn status_text(s: &Status) -> String {
    let shown = |v: &str| if v.is_empty() { "none".to_string() } else { format!("\"{v}\"") };
    match s.phase {
        Phase::Idle => "Not connected.".into(),
        Phase::Checking => format!("Checking whether {} is a lab server…", s.url),
        Phase::Connecting => format!("CONNECTING (readyState 0): {}", s.url),
        Phase::Open => format!(
            "OPEN (readyState 1): {}; protocol {}; extensions {}",
            s.url,
            shown(&s.protocol),
            shown(&s.extensions)
        ),
        Phase::Closing => format!("CLOSING (readyState 2): {}", s.url),
        Phase::Closed => format!("CLOSED (readyState 3): {}", s.url),
    }
}

/// An alert paragraph, shown when `problem` holds something.
fn problem_view(problem: RwSignal<Option<String>>) -> impl IntoView {
    move || problem.get().map(|why| view! { <p class="live-problem" role="alert">{why}</p> })
}

fn severity_label(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// Both sides of the handshake, from the lab's record.
fn record_view(shown: Arc<Shown>) -> impl IntoView {
    let p = &shown.paired;
    let negotiated = match (&p.protocol, p.extensions.is_empty()) {
        (None, true) => "nothing".to_string(),
        (protocol, _) => {
            let mut parts = Vec::new();
            if let Some(protocol) = protocol {
                parts.push(format!("subprotocol \"{protocol}\""));
            }
            if !p.extensions.is_empty() {
                parts.push(format!("extensions \"{}\"", p.extensions.join(", ")));
            }
            parts.join(", ")
        }
    };
    let findings = p
        .findings
        .iter()
        .map(|f| {
            let class = format!("live-finding sev-{}", f.severity.as_str());
            let badge = format!("badge {}", f.severity.as_str());
            view! {
                <li class=class>
                    <span class=badge>{severity_label(f.severity)}</span>
                    " "
                    <code>{f.rule.id}</code>
                    " "
                    {f.message.clone()}
                    " "
                    <span class="live-rfc">"(" {f.rule.rfc} ")"</span>
                </li>
            }
        })
        .collect_view();
    let note = (!p.record.note.is_empty()).then(|| {
        view! { <p>"The lab's note: " {p.record.note.clone()}</p> }
    });
    view! {
        <section class="live-handshake" aria-labelledby="live-handshake-title">
            <h3 id="live-handshake-title">"Both sides of the handshake"</h3>
            <p class="live-story">{p.story(shown.opened)}</p>
            {note}
            <p>
                "From " {shown.source.clone()} ". The core's lint of these bytes: "
                <strong class="live-summary">{p.summary()}</strong> "; negotiated: " {negotiated} "."
            </p>
            <div class="live-heads">
                <figure>
                    <figcaption>
                        "Request, as the lab received it (" {bytes(p.record.request.len())} ")"
                    </figcaption>
                    <pre class="live-bytes" aria-label="Request bytes">{p.record.request.clone()}</pre>
                </figure>
                <figure>
                    <figcaption>
                        "Response, as the lab sent it (" {bytes(p.record.response.len())} ")"
                    </figcaption>
                    <pre class="live-bytes" aria-label="Response bytes">{p.record.response.clone()}</pre>
                </figure>
            </div>
            {p.findings.is_empty().then(|| view! { <p class="live-hint">"The core found nothing to report."</p> })}
            <ul class="live-findings" aria-label="Findings">{findings}</ul>
        </section>
    }
}

fn entry_view(entry: Arc<Entry>) -> impl IntoView {
    let content = entry.content.clone().map(|c| match c {
        Content::Text(text) => view! { <pre class="ev-content">{text}</pre> }.into_any(),
        Content::Hex(hex) => view! { <pre class="ev-content ev-hex">{hex}</pre> }.into_any(),
        Content::Pending => view! { <p class="ev-content">"reading the Blob…"</p> }.into_any(),
    });
    view! {
        <li class=entry.kind.class()>
            <span class="ev-when">
                <time>{entry.clock.clone()}</time>
                " "
                <span class="ev-elapsed">{entry.elapsed.clone()}</span>
            </span>
            " "
            <span class="ev-kind">{entry.kind.label()}</span>
            " "
            <span class="ev-summary">{entry.summary.clone()}</span>
            {content}
        </li>
    }
}

/// The live view.
#[component]
pub fn LiveView() -> impl IntoView {
    let live = live();
    probe_default(live, false);
    let phase = Memo::new(move |_| live.status.with(|s| s.phase));
    let list_ref = NodeRef::<leptos::html::Ol>::new();
    // Keep the newest entry in view.
    Effect::new(move |_| {
        live.events.track();
        if let Some(list) = list_ref.get() {
            list.set_scroll_top(list.scroll_height());
        }
    });

    view! {
        <section class="view live" aria-labelledby="view-title">
            <h2 id="view-title" tabindex="-1">"Live WebSocket"</h2>
            <p class="lede">
                "Open a real WebSocket from this page, exchange messages and close it with a chosen code. "
                "Browsers hide the opening handshake from scripts; when the URL points at the lab server, "
                "the page fetches the lab's record and shows both sides of the upgrade, linted here."
            </p>
            <form
                class="live-connect"
                on:submit=move |ev| {
                    ev.prevent_default();
                    connect(live);
                }
            >
                <label class="grow">
                    "WebSocket URL"
                    <input
                        type="text"
                        list="live-suggestions"
                        spellcheck="false"
                        autocomplete="off"
                        autocapitalize="off"
                        prop:value=move || live.url.get()
                        on:input=move |ev| {
                            live.url_touched.set_value(true);
                            live.url.set(event_target_value(&ev));
                        }
                    />
                </label>
                <datalist id="live-suggestions">
                    {move || {
                        live.suggestions.get().into_iter().map(|url| view! { <option value=url></option> }).collect_view()
                    }}
                </datalist>
                <label>
                    "Subprotocols"
                    <input
                        type="text"
                        placeholder="chat, superchat"
                        spellcheck="false"
                        autocomplete="off"
                        autocapitalize="off"
                        prop:value=move || live.protocols.get()
                        on:input=move |ev| live.protocols.set(event_target_value(&ev))
                    />
                </label>
                <div class="live-buttons">
                    <button type="submit" class="primary" prop:disabled=move || phase.get().is_live()>
                        "Connect"
                    </button>
                    <button
                        type="button"
                        prop:disabled=move || !matches!(phase.get(), Phase::Connecting | Phase::Open)
                        on:click=move |_| close(live, false)
                    >
                        "Disconnect"
                    </button>
                </div>
            </form>
            <p class="live-hint">
                {move || live.lab_hint.get()}
                <Show when=move || !live.probed.get() && !page_is_local()>
                    " "
                    <button type="button" on:click=move |_| probe_default(live, true)>
                        "Look for a local lab server"
                    </button>
                </Show>
            </p>
            {problem_view(live.connect_problem)}
            <p class="live-status" role="status">{move || live.status.with(status_text)}</p>

            <div class="live-controls">
                <form
                    class="live-send"
                    on:submit=move |ev| {
                        ev.prevent_default();
                        send(live);
                    }
                >
                    <label>
                        "Message"
                        <textarea
                            rows="3"
                            spellcheck="false"
                            prop:value=move || live.message.get()
                            on:input=move |ev| live.message.set(event_target_value(&ev))
                        ></textarea>
                    </label>
                    <div class="live-row">
                        <label>
                            "Send as"
                            <select on:change=move |ev| live.send_binary.set(event_target_value(&ev) == "binary")>
                                <option value="text" prop:selected=move || !live.send_binary.get()>"text"</option>
                                <option value="binary" prop:selected=move || live.send_binary.get()>
                                    "binary, from hex"
                                </option>
                            </select>
                        </label>
                        <label>
                            "binaryType"
                            <select on:change=move |ev| {
                                let arraybuffer = event_target_value(&ev) == "arraybuffer";
                                live.arraybuffer.set(arraybuffer);
                                live.with_ws(|ws| {
                                    ws.set_binary_type(
                                        if arraybuffer { BinaryType::Arraybuffer } else { BinaryType::Blob },
                                    )
                                });
                            }>
                                <option value="blob" prop:selected=move || !live.arraybuffer.get()>"blob"</option>
                                <option value="arraybuffer" prop:selected=move || live.arraybuffer.get()>
                                    "arraybuffer"
                                </option>
                            </select>
                        </label>
                        <button type="submit">"Send"</button>
                    </div>
                    <p class="live-buffered">
                        "bufferedAmount: " <output aria-label="bufferedAmount">{move || bytes(live.buffered.get() as usize)}</output>
                    </p>
                    {problem_view(live.send_problem)}
                </form>

                <form
                    class="live-close"
                    on:submit=move |ev| {
                        ev.prevent_default();
                        close(live, true);
                    }
                >
                    <label>
                        "Close code"
                        <input
                            type="text"
                            inputmode="numeric"
                            autocomplete="off"
                            prop:value=move || live.close_code.get()
                            on:input=move |ev| live.close_code.set(event_target_value(&ev))
                        />
                    </label>
                    <label>
                        "Close reason"
                        <input
                            type="text"
                            autocomplete="off"
                            prop:value=move || live.close_reason.get()
                            on:input=move |ev| live.close_reason.set(event_target_value(&ev))
                        />
                    </label>
                    <button type="submit">"Close"</button>
                    <p class="live-hint">
                        "A page may close with 1000 or 3000-4999, and a reason of at most 123 bytes of UTF-8."
                    </p>
                    {problem_view(live.close_problem)}
                </form>
            </div>

            <div class="live-timeline">
                <div class="live-row">
                    <h3 id="live-events-title">"Events"</h3>
                    <button
                        type="button"
                        on:click=move |_| {
                            live.events.set(Vec::new());
                            live.dropped.set(0);
                        }
                    >
                        "Clear"
                    </button>
                </div>
                {move || {
                    let n = live.dropped.get();
                    (n > 0).then(|| view! { <p class="live-hint">{format!("{n} older events were dropped.")}</p> })
                }}
                {move || {
                    live.events.with(Vec::is_empty).then(|| {
                        view! { <p class="live-hint">"Nothing yet: Connect opens a socket, and everything it does appears here."</p> }
                    })
                }}
                <ol class="events" aria-label="Events" node_ref=list_ref>
                    <For
                        each=move || live.events.get()
                        key=|e| (e.seq, !matches!(e.content, Some(Content::Pending)))
                        children=entry_view
                    />
                </ol>
            </div>

            {move || live.record_note.get().map(|note| view! { <p class="live-hint" role="status">{note}</p> })}
            {move || live.record.get().map(record_view)}
        </section>
    }
}
