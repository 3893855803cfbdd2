//! The lab server's side: asking whether a server is a lab, the default URL,
//! and fetching and showing the lab's record of a handshake.

use std::sync::Arc;

use handshake::lab::ADDRESS as LAB_ADDRESS;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsValue;

use crate::live::lab_status;
use crate::live::record::{Paired, Record};
use crate::live::timeline::Kind;

use super::js::{FetchError, fetch_json, page_origin, sleep, string_field};
use super::state::{LAB_ECHO, LAB_PROBE, Live, PROBE_MS, Pairing, RECORD_MS, Shown};

/// The lab's record, from its JSON; only the fields the page uses.
pub(super) fn record_of(value: &JsValue) -> Result<Record, String> {
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
pub(super) async fn probe(live: Live, url: &str) -> bool {
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
pub(super) fn page_is_local() -> bool {
    let location = window().location();
    let host = location.hostname().unwrap_or_default();
    location.protocol().is_ok_and(|p| p == "http:")
        && matches!(host.as_str(), "127.0.0.1" | "localhost" | "[::1]")
}

/// Once per page: the default URL is the local lab when it answers. On a page not
/// served from this machine, the reader starts the probe (`ask` is the click).
pub(super) fn probe_default(live: Live, ask: bool) {
    if live.probed.get_untracked() {
        return;
    }
    if !ask && !page_is_local() {
        live.lab_hint.set(
            format!("This page does not look for a local lab server on its own: the browser would ask your permission to reach this machine. Use the button to look for one at {LAB_ADDRESS}."),
        );
        return;
    }
    live.probed.set(true);
    lab_status::begin(LAB_PROBE);
    spawn_local(async move {
        let shared = probe(live, LAB_PROBE).await;
        if shared && !live.url_touched.get_value() {
            live.url.set(LAB_ECHO.to_string());
        }
        // What the lab status says now: shared, a lab that does not share, or none.
        live.lab_hint.set(String::new());
        lab_status::settle(LAB_PROBE, shared).await;
    });
}

/// `GET /last?id=`: the lab's record of this connection's handshake.
pub(super) async fn fetch_record(live: Live, generation: u64, pairing: Pairing, opened: bool) {
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

pub(super) fn show_record(live: Live, generation: u64, record: Record, opened: bool, source: String) {
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
