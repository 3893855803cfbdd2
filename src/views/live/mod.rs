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

mod js;
mod lab;
mod socket;
mod state;

use std::sync::Arc;

use leptos::prelude::*;
use web_sys::BinaryType;

use crate::install::GetTools;
use crate::live::bytes;
use crate::live::lab_status::LabStatus;
use crate::live::probe_hint::ProbeCommand;
use crate::live::timeline::{Content, Entry};

use lab::{page_is_local, probe_default};
use socket::{close, connect, send};
pub use state::Live;
use state::{Phase, Shown, Status};

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
                    <span class=badge>{f.severity.as_str()}</span>
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
        Content::Command(command) => view! { <ProbeCommand command /> }.into_any(),
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
    let live = expect_context::<Live>();
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
            <LabStatus
                url=live.url
                allowed=Signal::derive(move || live.probed.get() || page_is_local())
                page_is_local=page_is_local()
                on_shared=move |ws: String| {
                    if !live.url_touched.get_value() {
                        live.url.set(format!("{ws}/echo"));
                    }
                }
            />
            <details class="get-tools-details">
                <summary>"Get the lab server and the command line tool"</summary>
                <GetTools />
            </details>
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
