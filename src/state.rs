//! The app's state, shared by every view through context: what the reader
//! typed in each view survives switching views, and the address always says
//! which view is open with which input (see `route`).

use std::sync::Arc;
use std::time::Duration;

use leptos::prelude::*;

use crate::analysis::Analysis;
use crate::route::{self, Route, Share, View};

/// The RFC 6455 §1.3 sample key: the accept calculator opens on it.
pub const RFC_KEY: &str = handshake::accept::SAMPLE_KEY;

/// The simulation's default target: the lab server `cargo xtask serve` starts.
pub const LAB_ECHO_URL: &str = handshake::lab::ECHO_URL;

/// Captures larger than this are linted after the page has painted a
/// progress note, so the page never freezes without saying why.
pub const BIG_CAPTURE: usize = 64 * 1024;

/// Loaded captures larger than this are linted in full but kept out of the
/// editor until the reader asks: Chromium takes about 0.2 s per MiB to lay out
/// a text box (0.9 s for 5 MiB, measured), and again after every key typed.
pub const EDITOR_MAX: usize = 1024 * 1024;

#[derive(Debug, Clone, Copy)]
pub struct AppState {
    pub view: RwSignal<View>,
    /// A note about the address itself (an unknown view, a damaged link).
    pub route_note: RwSignal<Option<String>>,
    /// The accept calculator's `Sec-WebSocket-Key`.
    pub key: RwSignal<String>,
    /// The text in the linter's editor. Set (and so written into the editor)
    /// only when text comes from elsewhere: an example, a file, a link. Typing
    /// updates it silently.
    pub editor: RwSignal<Arc<str>>,
    /// The loaded capture is larger than `EDITOR_MAX` and kept out of the
    /// editor; findings then show their line instead of selecting it.
    pub held: RwSignal<bool>,
    /// The latest lint, and the text it was made from.
    pub analysis: RwSignal<Arc<Analysis>>,
    /// Bytes being linted, while a big capture is being linted.
    pub busy: RwSignal<Option<usize>>,
    /// Where the capture came from when it was loaded (a file name or an
    /// example title), shown with it.
    pub source: RwSignal<Option<String>>,
    /// A message about a file that could not be read.
    pub file_error: RwSignal<Option<String>>,
    /// The Learn view's section to show (`at`).
    pub learn_at: RwSignal<String>,
    /// The URL typed into the Learn view's simulation.
    pub sim_url: RwSignal<String>,
    /// What the ARIA live region says.
    pub announce: RwSignal<String>,
    /// Set when the address could not hold the current input.
    pub too_big: RwSignal<Option<usize>>,
    /// Bumped on each commit; a deferred lint of an older text is dropped.
    generation: StoredValue<u64>,
}

impl AppState {
    /// The state a first visit to `route` starts with; `typed` is what the
    /// reader typed into the static shell's editor before the module loaded.
    pub fn new(route: &Route, typed: Option<String>) -> AppState {
        let state = AppState {
            view: RwSignal::new(route.view),
            route_note: RwSignal::new(None),
            key: RwSignal::new(RFC_KEY.to_string()),
            editor: RwSignal::new(Arc::from("")),
            held: RwSignal::new(false),
            analysis: RwSignal::new(Arc::new(Analysis::of(Arc::from("")))),
            busy: RwSignal::new(None),
            source: RwSignal::new(None),
            file_error: RwSignal::new(None),
            learn_at: RwSignal::new(String::new()),
            sim_url: RwSignal::new(LAB_ECHO_URL.to_string()),
            announce: RwSignal::new(String::new()),
            too_big: RwSignal::new(None),
            generation: StoredValue::new(0),
        };
        state.apply(route);
        if let Some(typed) = typed.filter(|t| !t.trim().is_empty()) {
            // Typed into a text box, so read with CRLF line ends as typing is.
            state.load(crate::analysis::wire_line_ends(typed), None);
        }
        state
    }

    /// Takes the input a route carries. A route without input keeps the
    /// current one, so moving between views loses nothing.
    pub fn apply(&self, route: &Route) {
        if self.view.get_untracked() != route.view {
            self.view.set(route.view);
        }
        self.route_note.set(
            route
                .unknown
                .as_ref()
                .map(|u| format!("There is no view called {u:?} here; this is the linter.")),
        );
        match route.view {
            View::Lint => match route::lint_capture(route) {
                Ok(Some(text)) => {
                    let source = route
                        .param("ex")
                        .and_then(handshake::examples::example)
                        .map(|e| format!("Example: {}", e.title));
                    self.load(text, source);
                }
                Ok(None) => {}
                Err(note) => self.route_note.set(Some(note)),
            },
            View::Accept => {
                if let Some(key) = route.param("key") {
                    self.key.set(key.to_string());
                }
            }
            View::Learn => {
                self.learn_at.set(route.param("at").unwrap_or_default().to_string());
                if let Some(url) = route.param("url") {
                    self.sim_url.set(url.to_string());
                }
            }
            View::Live => {}
        }
    }

    /// The fragment that describes the current view and its input.
    pub fn share(&self) -> Share {
        match self.view.get() {
            View::Lint => route::lint_share(&self.analysis.with(|a| a.text.clone())),
            View::Accept => route::accept_share(&self.key.get()),
            View::Learn => route::learn_share(&self.learn_at.get(), &self.sim_url.get()),
            View::Live => Share::Fits(View::Live.href()),
        }
    }

    /// Puts `text` in the editor (or holds it out, above `EDITOR_MAX`) and lints it.
    pub fn load(&self, text: String, source: Option<String>) {
        let text: Arc<str> = Arc::from(text);
        self.held.set(text.len() > EDITOR_MAX);
        self.editor.set(text.clone());
        self.source.set(source);
        self.file_error.set(None);
        self.commit(text);
    }

    /// Text the reader typed: lint it, leaving the editor alone.
    pub fn typed(&self, text: String) {
        let text: Arc<str> = Arc::from(crate::analysis::wire_line_ends(text));
        self.editor.update_untracked(|e| *e = text.clone());
        self.source.set(None);
        self.commit(text);
    }

    /// Lints `text` now, or, when it is big, once a progress note has painted.
    fn commit(&self, text: Arc<str>) {
        let generation = self.generation.get_value() + 1;
        self.generation.set_value(generation);
        if text.len() < BIG_CAPTURE {
            self.finish(text);
            return;
        }
        self.busy.set(Some(text.len()));
        let state = *self;
        // Two frames: the first paints the note, the timeout runs after it.
        request_animation_frame(move || {
            set_timeout(
                move || {
                    if state.generation.get_value() == generation {
                        state.finish(text);
                    }
                },
                Duration::ZERO,
            );
        });
    }

    fn finish(&self, text: Arc<str>) {
        let analysis = Analysis::of(text);
        let summary = match &analysis.outcome {
            crate::analysis::Outcome::Empty => String::new(),
            crate::analysis::Outcome::Unreadable(message) => message.clone(),
            crate::analysis::Outcome::Linted(report) => format!(
                "{} ({}): {}.",
                crate::analysis::format_name(report.format),
                match report.exchanges.len() {
                    1 => "1 exchange".to_string(),
                    n => format!("{n} exchanges"),
                },
                analysis.counts().summary()
            ),
        };
        self.analysis.set(Arc::new(analysis));
        self.busy.set(None);
        self.announce.set(summary);
    }
}
