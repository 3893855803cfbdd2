//! The results of one exchange: the picker among several, the verdict, a
//! refusal's body, the findings and the corrected version.

use std::sync::Arc;

use handshake::report::{Answered, VerdictWords};
use handshake::{Finding, Severity};
use leptos::prelude::*;

use crate::analysis::{self, Analysis, Outcome, PageExchange};
use crate::components::{CopyButton, RuleWhy, code_text, severity_class};
use crate::state::AppState;

use super::Place;

/// Chooses among the exchanges of a capture that holds several (HAR files).
#[component]
pub(super) fn ExchangePicker(
    /// The chosen exchange.
    index: RwSignal<usize>,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let titles = Memo::new(move |_| {
        state.analysis.with(|a| match &a.outcome {
            Outcome::Linted(r) if r.exchanges.len() > 1 => r
                .exchanges
                .iter()
                .enumerate()
                .map(|(i, e)| {
                    let c = analysis::Counts::of(&e.findings);
                    format!("{}. {} ({})", i + 1, e.title, c.summary())
                })
                .collect(),
            _ => Vec::new(),
        })
    });
    move || {
        let titles = titles.get();
        (!titles.is_empty()).then(|| {
            view! {
                <label class="exchange-picker">
                    "Exchange"
                    <select on:change=move |ev| {
                        index.set(event_target_value(&ev).parse().unwrap_or(0));
                    }>
                        {titles
                            .into_iter()
                            .enumerate()
                            .map(|(i, t)| {
                                view! {
                                    <option value=i.to_string() prop:selected=move || index.get() == i>
                                        {t}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </label>
            }
        })
    }
}

/// A verdict question's answer: a yes/no/unknown badge and its sentence.
fn answered(a: Answered) -> impl IntoView {
    let class = match a.answer {
        Some(true) => "badge ok",
        Some(false) => "badge error",
        None => "badge muted",
    };
    view! {
        <span class=class>{a.word()}</span>
        " "
        {a.sentence}
    }
}

/// Would a browser and a server accept this exchange, and what a server
/// should answer (the core's words: `Verdict::in_words`).
#[component]
pub(super) fn VerdictPanel(
    /// The exchange judged.
    exchange: PageExchange,
) -> impl IntoView {
    let words = exchange.verdict.in_words(exchange.has_response, exchange.extended_connect);
    view! {
        <section class="verdict" aria-labelledby="verdict-title">
            <h3 id="verdict-title">"Verdict"</h3>
            <dl>
                <dt>{words.browser.question}</dt>
                <dd>{answered(words.browser)}</dd>
                <dt>{words.server.question}</dt>
                <dd>{answered(words.server)}</dd>
                <dt>{VerdictWords::STATUS_QUESTION}</dt>
                <dd>
                    {words.status.map(|code| view! { <strong class="status-code">{code}</strong> })}
                    {words.status_sentence}
                </dd>
            </dl>
        </section>
    }
}

/// The findings of one exchange. Choosing one highlights its line in the
/// capture and moves there.
#[component]
pub(super) fn FindingsList(
    /// The findings, in display order.
    findings: Vec<Finding>,
    /// The chosen finding (an index into `findings`).
    selected: RwSignal<Option<usize>>,
    /// Selects a finding's place in the editor: (index, line, byte span).
    jump: Callback<Place>,
    /// The lint whose lines the findings show, when the capture is not in
    /// the editor.
    lines: Option<Arc<Analysis>>,
) -> impl IntoView {
    let empty = findings.is_empty();
    let items = findings
        .into_iter()
        .enumerate()
        .map(|(i, f)| {
            let r = f.rule;
            let rfc_url = r.rfc_url;
            let details = view! {
                <RuleWhy rule=r>
                    <p>
                        <a href=format!("#/learn?at=rule-{}", r.id)>"This rule on the Learn page"</a>
                    </p>
                </RuleWhy>
            };
            let span = f.span;
            let message = f.message.clone();
            let body = match f.line {
                Some(line) => view! {
                    <button type="button" class="finding-jump" on:click=move |_| jump.run((i, line, span))>
                        <span class="line-no">{format!("Line {line}")}</span>
                        " "
                        {code_text(&message)}
                    </button>
                    {lines.as_ref().map(|a| view! { <pre class="line-excerpt">{a.excerpt(line)}</pre> })}
                }
                .into_any(),
                None => view! { <p class="finding-message">{code_text(&message)}</p> }.into_any(),
            };
            view! {
                <li class="finding" class:current=move || selected.get() == Some(i)>
                    <div class="finding-head">
                        <span class=severity_class(f.severity)>{f.severity.as_str()}</span>
                        <code class="rule-id">{f.rule.id}</code>
                        <span class="side">{f.side.as_str()}</span>
                        <a class="rfc" href=rfc_url target="_blank" rel="noopener noreferrer">
                            {f.rule.rfc}
                        </a>
                    </div>
                    {body}
                    {details}
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="findings-panel" aria-labelledby="findings-title">
            <h3 id="findings-title">"Findings"</h3>
            <ol class="findings" aria-labelledby="findings-title">
                {items}
            </ol>
            {empty.then(|| view! { <p class="ok-note">"No findings: this exchange follows every rule the linter checks."</p> })}
        </section>
    }
}

/// The body a refusal came with (an error page, the server's reason), as
/// text: a browser never shows it.
#[component]
pub(super) fn RefusalBody(
    /// The body's text.
    body: String,
) -> impl IntoView {
    view! {
        <section class="corrected-panel refusal-body" aria-labelledby="refusal-body-title">
            <h3 id="refusal-body-title">"The response's body"</h3>
            <p class="muted">
                "What the server, or a proxy in front of it, sent with its refusal. A browser never shows it: scripts see only close code 1006."
            </p>
            <pre tabindex="0" aria-labelledby="refusal-body-title">{body}</pre>
        </section>
    }
}

/// The core's corrected request and response, ready to copy.
#[component]
pub(super) fn Corrected(
    /// The exchange corrected.
    exchange: PageExchange,
) -> impl IntoView {
    let clean = !exchange.findings.iter().any(|f| f.severity != Severity::Info);
    let text = exchange.corrected.clone();
    let copy_text = Signal::derive(move || text.clone());
    view! {
        <section class="corrected-panel" aria-labelledby="corrected-title">
            <h3 id="corrected-title">"Corrected version"</h3>
            <p class="muted">
                {if clean {
                    "Nothing needs fixing; this is the same handshake written out plainly."
                } else {
                    "The request and the response a correct client and server would exchange, keeping what the capture got right (path, host, key, offers) and fixing the rest."
                }}
            </p>
            <pre class="corrected" tabindex="0" aria-labelledby="corrected-title">{exchange.corrected}</pre>
            <CopyButton what="the corrected handshake" text=copy_text />
        </section>
    }
}
