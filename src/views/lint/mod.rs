//! The linter: paste (or drop, or pick) a captured handshake and see, as you
//! type, what a browser and a server would make of it. Every finding, verdict
//! and correction is the core's (`handshake::lint`, `correct::corrected`).
//! The results of an exchange (verdict, findings, corrected version) are in
//! `results`.

use std::time::Duration;

use handshake::Severity;
use handshake::examples::{EXAMPLES, Example};
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::analysis::{self, Outcome, PageExchange, editor_range, human_size};
use crate::dom;
use crate::route::MAX_FRAGMENT;
use crate::state::{AppState, BIG_CAPTURE, EDITOR_MAX};

mod results;

use results::{Corrected, ExchangePicker, FindingsList, RefusalBody, VerdictPanel};

/// A finding's place: its index in the list, its line and its byte span.
type Place = (usize, usize, Option<handshake::head::Span>);

/// Reads a dropped or picked file into the linter.
pub fn load_file(state: AppState, file: web_sys::File) {
    let name = file.name();
    let size = file.size() as usize;
    if size > handshake::MAX_INPUT_BYTES {
        let message = format!("{name} is {}: the linter reads files of at most 8 MiB.", human_size(size));
        state.announce.set(message.clone());
        state.file_error.set(Some(message));
        return;
    }
    state.file_error.set(None);
    state.busy.set(Some(size));
    spawn_local(async move {
        match dom::read_text(&file).await {
            Ok(text) => state.load(text, Some(format!("File {name} ({})", human_size(size)))),
            Err(e) => {
                state.busy.set(None);
                let message = format!("{name}: {e}.");
                state.announce.set(message.clone());
                state.file_error.set(Some(message));
            }
        }
    });
}

/// The linter view.
#[component]
pub fn LintView() -> impl IntoView {
    let state = expect_context::<AppState>();
    let editor = NodeRef::<html::Textarea>::new();
    let timer = StoredValue::new(None::<TimeoutHandle>);
    let exchange_index = RwSignal::new(0usize);
    let finding_index = RwSignal::new(None::<usize>);
    let scroll_top = RwSignal::new(0i32);

    // Text from elsewhere (an example, a file, a link) goes into the editor,
    // unless it is too large for it (`EDITOR_MAX`).
    Effect::new(move |_| {
        let text = state.editor.get();
        let held = state.held.get();
        if let Some(el) = editor.get() {
            el.set_value(if held { "" } else { &text });
        }
    });
    // A new lint: keep the chosen exchange if it still exists; no finding chosen.
    Effect::new(move |_| {
        let n = state.analysis.with(|a| match &a.outcome {
            Outcome::Linted(r) => r.exchanges.len(),
            _ => 0,
        });
        exchange_index.update(|i| {
            if *i >= n {
                *i = 0
            }
        });
        finding_index.set(None);
    });
    // The lint of typed text still waiting for a pause, dropped.
    let cancel_typed_lint = move || {
        if let Some(handle) = timer.get_value() {
            handle.clear();
        }
    };
    on_cleanup(cancel_typed_lint);

    // Lint as the reader types, once they pause; longer pauses for big text.
    let on_input = move |_| {
        cancel_typed_lint();
        let big = state.editor.with_untracked(|t| t.len() >= BIG_CAPTURE);
        let delay = Duration::from_millis(if big { 400 } else { 150 });
        let handle = set_timeout_with_handle(
            move || {
                timer.set_value(None);
                if let Some(el) = editor.get_untracked() {
                    state.typed(el.value());
                }
            },
            delay,
        );
        timer.set_value(handle.ok());
    };

    let current = Memo::new(move |_| {
        let i = exchange_index.get();
        state.analysis.with(|a| match &a.outcome {
            Outcome::Linted(r) => r.exchanges.get(i).cloned(),
            _ => None,
        })
    });

    // A paste that becomes the whole capture and is too large for the editor
    // is held (`EDITOR_MAX`) before the browser lays it out in the text box.
    let on_paste = move |ev: web_sys::ClipboardEvent| {
        let Some(text) = ev.clipboard_data().and_then(|d| d.get_data("text").ok()) else { return };
        let Some(el) = editor.get_untracked() else { return };
        let replaces_all = el.text_length() == 0
            || (el.selection_start() == Ok(Some(0)) && el.selection_end() == Ok(Some(el.text_length())));
        if text.len() > EDITOR_MAX && replaces_all {
            ev.prevent_default();
            cancel_typed_lint();
            let source = format!("Pasted text ({})", human_size(text.len()));
            state.load(analysis::wire_line_ends(text), Some(source));
        }
    };

    // Choosing a finding selects what it points at in the editor.
    let jump = Callback::new(move |(i, line, span): Place| {
        finding_index.set(Some(i));
        // A held capture is not in the editor: the finding shows its line.
        if state.held.get_untracked() {
            return;
        }
        let Some(el) = editor.get_untracked() else { return };
        let value = el.value();
        let (from, to) = state.analysis.with_untracked(|a| editor_range(a, &value, line, span));
        let _ = el.focus();
        let _ = el.set_selection_range(from, to);
        // Bring the line to the upper third of the editor.
        let line_height = f64::from(el.scroll_height()) / (value.matches('\n').count() + 1) as f64;
        let top = (line as f64 - 1.0) * line_height - f64::from(el.client_height()) / 3.0;
        el.set_scroll_top(top.max(0.0) as i32);
        scroll_top.set(el.scroll_top());
    });

    view! {
        <section class="view" aria-labelledby="view-title">
            <h2 id="view-title" tabindex="-1">"Handshake linter"</h2>
            <p class="lede">
                "Paste a WebSocket opening handshake as raw HTTP, "
                <code>"curl -v"</code>
                " output, a "
                <code>"curl"</code>
                " command, a HAR file, headers copied from DevTools or HTTP/2 pseudo-headers. "
                "It is checked as you type, here in the page: nothing is sent anywhere."
            </p>
            <div class="lint-grid">
                <div class="lint-input">
                    <div class="toolbar">
                        <ExamplesMenu />
                        <label class="button file-pick">
                            "Open a capture file"
                            <input
                                type="file"
                                class="visually-hidden"
                                accept=".har,.json,.txt,.log,.http,text/plain,application/json"
                                on:change=move |ev| {
                                    let input: web_sys::HtmlInputElement = event_target(&ev);
                                    if let Some(file) = input.files().and_then(|f| f.get(0)) {
                                        load_file(state, file);
                                    }
                                    input.set_value("");
                                }
                            />
                        </label>
                    </div>
                    <label class="editor-label" for="capture">
                        "Captured handshake"
                    </label>
                    <HeldNote />
                    <div class="editor-wrap" hidden=move || state.held.get()>
                        <EditorMarks exchange=current selected=finding_index scroll_top=scroll_top />
                        <textarea
                            id="capture"
                            class="editor"
                            node_ref=editor
                            rows="12"
                            spellcheck="false"
                            autocomplete="off"
                            autocapitalize="off"
                            wrap="off"
                            aria-describedby="editor-hint"
                            placeholder="GET /chat HTTP/1.1\nHost: example.com\nUpgrade: websocket\n…"
                            on:input=on_input
                            on:paste=on_paste
                            on:scroll=move |_| {
                                if let Some(el) = editor.get_untracked() {
                                    scroll_top.set(el.scroll_top());
                                }
                            }
                        ></textarea>
                    </div>
                    <p id="editor-hint" class="hint">
                        "Or drop a file anywhere on the page. Typed and pasted lines are read as ending in CRLF, "
                        "as on the wire (a text box cannot keep CR); a file keeps its own line ends."
                    </p>
                    <StatusLine />
                </div>
                <div class="lint-results">
                    {move || match current.get() {
                        Some(ex) => view! {
                            <ExchangePicker index=exchange_index />
                            <VerdictPanel exchange=ex.clone() />
                            {ex.refusal_body.clone().map(|body| view! { <RefusalBody body=body /> })}
                            <FindingsList
                                findings=ex.findings.clone()
                                selected=finding_index
                                jump=jump
                                lines=state.held.get().then(|| state.analysis.get())
                            />
                            <Corrected exchange=ex />
                        }
                        .into_any(),
                        None => view! { <ResultsPlaceholder /> }.into_any(),
                    }}
                </div>
            </div>
        </section>
    }
}

/// In place of the editor, for a loaded capture too large for it: what it is,
/// why it is not shown, and the ways back to an editor.
#[component]
fn HeldNote() -> impl IntoView {
    let state = expect_context::<AppState>();
    move || {
        state.held.get().then(|| {
            let size = human_size(state.editor.with(|t| t.len()));
            // Either way the note goes: keyboard focus moves on to the editor.
            let to_editor = || request_animation_frame(|| dom::focus_id("capture"));
            view! {
                <div class="held-note">
                    <p>
                        {format!("This capture ({size}) is linted in full but not put in the editor: ")}
                        "a text box this large takes the browser seconds to lay out, and again after every key. "
                        "Each finding shows its line instead."
                    </p>
                    <div class="actions">
                        <button
                            type="button"
                            on:click=move |_| {
                                state.held.set(false);
                                to_editor();
                            }
                        >
                            "Show it in the editor"
                        </button>
                        <button
                            type="button"
                            on:click=move |_| {
                                state.load(String::new(), None);
                                to_editor();
                            }
                        >
                            "Clear"
                        </button>
                    </div>
                </div>
            }
        })
    }
}

/// What the results column says before there is anything to lint (the static
/// shell in index.html shows the same).
#[component]
fn ResultsPlaceholder() -> impl IntoView {
    view! {
        <section class="placeholder-panel" aria-labelledby="placeholder-title">
            <h3 id="placeholder-title">"What you will get"</h3>
            <ul>
                <li>"A verdict: would a browser accept the response, would a server accept the request, and which status a server should send."</li>
                <li>"Findings, each with its rule, the RFC section and why it matters; choose one to select its line in the capture."</li>
                <li>"A corrected request and response, ready to copy."</li>
            </ul>
        </section>
    }
}

/// Highlights, behind the editor's text, the lines that have findings.
#[component]
fn EditorMarks(
    /// The exchange whose findings are marked.
    exchange: Memo<Option<PageExchange>>,
    /// The chosen finding, marked more strongly.
    selected: RwSignal<Option<usize>>,
    /// The editor's scroll position, followed by the marks.
    scroll_top: RwSignal<i32>,
) -> impl IntoView {
    let marks = move || {
        let ex = exchange.get()?;
        let chosen = selected.get().and_then(|i| ex.findings.get(i)).and_then(|f| f.line);
        let mut lines: Vec<(usize, Severity)> = Vec::new();
        for f in &ex.findings {
            let Some(line) = f.line else { continue };
            match lines.iter_mut().find(|(l, _)| *l == line) {
                Some((_, sev)) => *sev = (*sev).min(f.severity),
                None => lines.push((line, f.severity)),
            }
        }
        Some(
            lines
                .into_iter()
                .map(|(line, sev)| {
                    let class = match sev {
                        Severity::Error => "mark-line sev-error",
                        Severity::Warning => "mark-line sev-warning",
                        Severity::Info => "mark-line sev-info",
                    };
                    view! {
                        <div
                            class=class
                            class:current=chosen == Some(line)
                            style:top=mark_top(line)
                        ></div>
                    }
                })
                .collect_view(),
        )
    };
    view! {
        <div class="editor-marks" aria-hidden="true">
            <div class="editor-marks-inner" style:transform=move || format!("translateY({}px)", -scroll_top.get())>
                {marks}
            </div>
        </div>
    }
}

/// Where the mark of editor line `line` (from 1) starts: the editor's 0.5rem
/// padding plus 1.5rem per line before it (style/main.css), in integer tenths.
fn mark_top(line: usize) -> String {
    let tenths = 5 + 15 * line.saturating_sub(1);
    format!("{}.{}rem", tenths / 10, tenths % 10)
}

/// The examples menu: good and broken captures from the core's catalogue.
#[component]
fn ExamplesMenu() -> impl IntoView {
    let state = expect_context::<AppState>();
    let current = Memo::new(move |_| {
        state.analysis.with(|a| EXAMPLES.iter().find(|e| e.text == &*a.text).map(|e| e.id).unwrap_or(""))
    });
    let option = move |ex: &'static Example| {
        view! {
            <option value=ex.id prop:selected=move || current.get() == ex.id>
                {ex.title}
            </option>
        }
    };
    view! {
        <label class="examples">
            "Examples"
            <select on:change=move |ev| {
                if let Some(ex) = handshake::examples::example(&event_target_value(&ev)) {
                    state.load(ex.text.to_string(), Some(format!("Example: {}", ex.title)));
                }
            }>
                <option value="" prop:selected=move || current.get().is_empty()>
                    "Choose an example…"
                </option>
                <optgroup label="Good handshakes">
                    {EXAMPLES.iter().filter(|e| e.expect.is_empty()).map(option).collect_view()}
                </optgroup>
                <optgroup label="Broken handshakes">
                    {EXAMPLES.iter().filter(|e| !e.expect.is_empty()).map(option).collect_view()}
                </optgroup>
            </select>
        </label>
    }
}

/// What was detected, and the notes about the input and the address.
#[component]
fn StatusLine() -> impl IntoView {
    let state = expect_context::<AppState>();
    let example = Memo::new(move |_| state.analysis.with(|a| EXAMPLES.iter().find(|e| e.text == &*a.text)));
    view! {
        <div class="status-line">
            {move || {
                state
                    .busy
                    .get()
                    .map(|bytes| {
                        view! {
                            <p class="progress">
                                <progress aria-label="Linting"></progress>
                                " Linting " {human_size(bytes)} "…"
                            </p>
                        }
                    })
            }}
            {move || state.file_error.get().map(|e| view! { <p class="error-note">{e}</p> })}
            {move || state.route_note.get().map(|e| view! { <p class="note">{e}</p> })}
            {move || {
                state
                    .analysis
                    .with(|a| match &a.outcome {
                        Outcome::Empty => {
                            view! {
                                <p class="muted">
                                    "Nothing to lint yet: paste a capture, choose an example or open a file."
                                </p>
                            }
                                .into_any()
                        }
                        Outcome::Unreadable(message) => {
                            view! { <p class="error-note">{message.clone()}</p> }.into_any()
                        }
                        Outcome::Linted(report) => {
                            let counts = a.counts();
                            let exchanges = match report.exchanges.len() {
                                1 => "1 WebSocket exchange".to_string(),
                                n => format!("{n} WebSocket exchanges"),
                            };
                            let tally = if counts.errors > 0 {
                                "tally bad"
                            } else if counts.warnings > 0 {
                                "tally warn"
                            } else {
                                "tally good"
                            };
                            let skipped = (report.skipped > 0)
                                .then(|| format!(", {} other entries skipped", report.skipped));
                            view! {
                                <p class="detected">
                                    "Detected format: "
                                    <strong class="format">{analysis::format_name(report.format)}</strong>
                                    " · " {exchanges} {skipped} " · "
                                    <strong class=tally>{counts.summary()}</strong>
                                </p>
                            }
                                .into_any()
                        }
                    })
            }}
            {move || {
                state.source.get().map(|source| view! { <p class="muted source-name">{source}</p> })
            }}
            {move || example.get().map(|e| view! { <p class="example-description">{e.description}</p> })}
            {move || {
                state
                    .too_big
                    .get()
                    .map(|needed| {
                        view! {
                            <p class="note share-note">
                                "This capture is too big to keep in the address ("
                                {human_size(needed)}
                                " encoded; the limit is "
                                {human_size(MAX_FRAGMENT)}
                                "): a reload or a shared link opens the linter without it."
                            </p>
                        }
                    })
            }}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::mark_top;

    #[test]
    fn marks_sit_on_their_lines() {
        assert_eq!(mark_top(1), "0.5rem");
        assert_eq!(mark_top(2), "2.0rem");
        assert_eq!(mark_top(12), "17.0rem");
    }
}
