//! The live panel's state: the socket with its handlers, and the signals the
//! view shows. Made once by the app (`provide_context`), so it outlives the
//! view and switching views keeps the connection and its timeline.

use std::sync::Arc;
use std::time::Duration;

use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use web_sys::{CloseEvent, MessageEvent, WebSocket};

use crate::live::record::Paired;
use crate::live::target::Target;
use crate::live::timeline::{self, Content, Entry, Kind};

/// Where `cargo xtask serve` (and `cargo run -p handshake-lab`) puts the lab.
pub(super) const LAB_PROBE: &str = handshake::lab::INDEX_URL;
pub(super) const LAB_ECHO: &str = handshake::lab::ECHO_URL;
/// The default when no lab answers: a public echo server.
pub(super) const PUBLIC_ECHO: &str = "wss://echo.websocket.org";
/// How long a lab server has to describe itself.
pub(super) const PROBE_MS: i32 = 1500;
/// How long the lab has to hand over a record.
pub(super) const RECORD_MS: i32 = 4000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Phase {
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
    pub(super) fn is_live(self) -> bool {
        matches!(self, Phase::Checking | Phase::Connecting | Phase::Open | Phase::Closing)
    }
}

/// What the status line shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Status {
    pub(super) phase: Phase,
    pub(super) url: String,
    pub(super) protocol: String,
    pub(super) extensions: String,
}

/// A record on show, and whether the browser opened that connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Shown {
    pub(super) paired: Paired,
    pub(super) opened: bool,
    /// Where the record came from.
    pub(super) source: String,
}

/// A connection to the lab, paired with its record by `id`.
#[derive(Debug, Clone)]
pub(super) struct Pairing {
    pub(super) target: Target,
    pub(super) id: String,
}

/// The socket and its handlers. Dropping it detaches the handlers (and
/// closes a socket still open), so no event reaches a dropped closure.
pub(super) struct Conn {
    pub(super) ws: WebSocket,
    pub(super) target: Target,
    pub(super) lab: Option<Pairing>,
    pub(super) opened: bool,
    /// `/mirror`: the first message is the record.
    pub(super) awaiting_mirror: bool,
    pub(super) _handlers: (OnEvent, OnMessage, OnEvent, OnClose),
}

pub(super) type OnEvent = Closure<dyn FnMut(web_sys::Event)>;
pub(super) type OnMessage = Closure<dyn FnMut(MessageEvent)>;
pub(super) type OnClose = Closure<dyn FnMut(CloseEvent)>;

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
pub struct Live {
    pub(super) url: RwSignal<String>,
    /// The reader typed a URL: the lab probe must not replace it.
    pub(super) url_touched: StoredValue<bool>,
    pub(super) lab_hint: RwSignal<String>,
    /// URLs offered in the URL field: the lab's WebSocket routes.
    pub(super) suggestions: RwSignal<Vec<String>>,
    pub(super) protocols: RwSignal<String>,
    pub(super) message: RwSignal<String>,
    pub(super) send_binary: RwSignal<bool>,
    pub(super) arraybuffer: RwSignal<bool>,
    pub(super) close_code: RwSignal<String>,
    pub(super) close_reason: RwSignal<String>,
    pub(super) events: RwSignal<Vec<Arc<Entry>>>,
    pub(super) dropped: RwSignal<usize>,
    pub(super) status: RwSignal<Status>,
    pub(super) buffered: RwSignal<u32>,
    pub(super) connect_problem: RwSignal<Option<String>>,
    pub(super) send_problem: RwSignal<Option<String>>,
    pub(super) close_problem: RwSignal<Option<String>>,
    pub(super) record: RwSignal<Option<Arc<Shown>>>,
    pub(super) record_note: RwSignal<Option<String>>,
    pub(super) conn: StoredValue<Option<Conn>, LocalStorage>,
    /// Bumped per Connect: events of an older socket are ignored.
    pub(super) generation: StoredValue<u64>,
    pub(super) seq: StoredValue<u64>,
    /// When Connect was pressed (ms since the epoch).
    pub(super) started: StoredValue<f64>,
    /// Origins known to be lab servers.
    pub(super) labs: StoredValue<Vec<String>>,
    pub(super) probed: RwSignal<bool>,
}

impl Live {
    pub fn new() -> Live {
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

    pub(super) fn phase(&self) -> Phase {
        self.status.with_untracked(|s| s.phase)
    }

    pub(super) fn set_phase(&self, phase: Phase) {
        self.status.update(|s| s.phase = phase);
    }

    pub(super) fn current(&self, generation: u64) -> bool {
        self.generation.get_value() == generation
    }

    /// Adds a timeline entry; returns its sequence number.
    pub(super) fn log(&self, kind: Kind, summary: impl Into<String>, content: Option<Content>) -> u64 {
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
    pub(super) fn fill(&self, seq: u64, content: Content) {
        self.events.update(|events| {
            if let Some(e) = events.iter_mut().find(|e| e.seq == seq) {
                *e = Arc::new(Entry { content: Some(content), ..Entry::clone(e) });
            }
        });
    }

    pub(super) fn with_ws<T>(&self, f: impl FnOnce(&WebSocket) -> T) -> Option<T> {
        self.conn.with_value(|c| c.as_ref().map(|c| f(&c.ws)))
    }

    /// Reads `bufferedAmount` now, and again while it is not zero.
    pub(super) fn watch_buffered(self) {
        let amount = self.with_ws(WebSocket::buffered_amount).unwrap_or(0);
        self.buffered.set(amount);
        if amount > 0 {
            set_timeout(move || self.watch_buffered(), Duration::from_millis(50));
        }
    }
}
