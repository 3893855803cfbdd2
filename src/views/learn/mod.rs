//! The explainer: what `101 Switching Protocols` means, the exchange byte by
//! byte, the headers, the tester's checklist, failures and their status codes,
//! version negotiation, redirects, authentication, cross-site hijacking, mixed
//! content, the API's exceptions, TLS, how to simulate an upgrade, HTTP/2 and
//! HTTP/3, masking, the closing handshake, close codes, and the rule
//! catalogue. Rule texts, examples and accept values come from the core.
//! The page frame and table of contents are here; the sections live in
//! `basics` (why, exchange, headers, checklist), `failures` (status codes
//! through TLS) and `beyond` (simulate, HTTP/2, masking, closing, close codes,
//! the rule catalogue).

use leptos::prelude::*;

use crate::dom;
use crate::state::AppState;

mod basics;
mod beyond;
mod failures;

use basics::{Checklist, Exchange, Headers, Why};
use beyond::{CloseCodes, Closing, Http2, Masking, Rules, Simulate};
use failures::{ApiErrors, Auth, Failures, Hijacking, MixedContent, Redirects, Tls, Versions};

/// The sections, in page order: (id, title).
const SECTIONS: &[(&str, &str)] = &[
    ("why", "Why HTTP switches protocols"),
    ("exchange", "The exchange, step by step"),
    ("headers", "The Sec-WebSocket headers"),
    ("checklist", "A tester's checklist"),
    ("failures", "Failures and their status codes"),
    ("versions", "Version negotiation"),
    ("redirects", "Redirects"),
    ("auth", "Authentication from a browser"),
    ("hijacking", "Cross-site WebSocket hijacking"),
    ("mixed-content", "Mixed content"),
    ("api-errors", "Exceptions the browser API throws"),
    ("tls", "TLS, SNI and close code 1015"),
    ("simulate", "Simulate an upgrade"),
    ("h2", "HTTP/2 and HTTP/3"),
    ("masking", "Masking"),
    ("closing", "The closing handshake"),
    ("close-codes", "Close codes"),
    ("rules", "Every rule the linter checks"),
];

/// Links to rules of the catalogue, by id (a host test holds every id used on
/// this page to the catalogue).
#[component]
fn RuleLinks(
    /// Rule ids, as in `handshake::rules::CATALOGUE`.
    ids: &'static [&'static str],
) -> impl IntoView {
    view! {
        <span class="rule-links">
            {ids
                .iter()
                .map(|id| {
                    view! {
                        <a href=format!("#/learn?at=rule-{id}")>
                            <code>{*id}</code>
                        </a>
                        " "
                    }
                })
                .collect_view()}
        </span>
    }
}

/// A link that opens an example in the linter.
#[component]
fn ExampleLink(
    /// The example's id in `handshake::examples::EXAMPLES`.
    id: &'static str,
) -> impl IntoView {
    let title = handshake::examples::example(id).map_or(id, |e| e.title);
    view! { <a href=format!("#/lint?ex={id}")>{title}</a> }
}

/// The explainer view.
#[component]
pub fn LearnView() -> impl IntoView {
    let state = expect_context::<AppState>();
    // Show the section (or rule) the address names.
    Effect::new(move |_| {
        let at = state.learn_at.get();
        if !at.is_empty() {
            request_animation_frame(move || dom::focus_id(&at));
        }
    });
    view! {
        <section class="view learn" aria-labelledby="view-title">
            <h2 id="view-title" tabindex="-1">"Learn the WebSocket handshake"</h2>
            <p class="lede">
                "How a plain HTTP request turns into a WebSocket, what each header proves, "
                "and how to test a server's side of it. Every example opens in the linter or the calculator."
            </p>
            <nav class="toc" aria-label="On this page">
                <ol>
                    {SECTIONS
                        .iter()
                        .map(|(id, title)| view! { <li><a href=format!("#/learn?at={id}")>{*title}</a></li> })
                        .collect_view()}
                </ol>
            </nav>
            <Why />
            <Exchange />
            <Headers />
            <Checklist />
            <Failures />
            <Versions />
            <Redirects />
            <Auth />
            <Hijacking />
            <MixedContent />
            <ApiErrors />
            <Tls />
            <Simulate />
            <Http2 />
            <Masking />
            <Closing />
            <CloseCodes />
            <Rules />
        </section>
    }
}

/// A table that scrolls on its own on a narrow screen (focusable, so a
/// keyboard can scroll it), with its column heads.
#[component]
fn Table(
    /// The table's accessible name.
    label: &'static str,
    /// The column heads.
    heads: &'static [&'static str],
    /// The table's class, if any.
    #[prop(optional)]
    class: Option<&'static str>,
    /// The rows.
    children: Children,
) -> impl IntoView {
    view! {
        <div class="table-wrap" tabindex="0" role="group" aria-label=label>
            <table class=class>
                <thead>
                    <tr>{heads.iter().map(|h| view! { <th scope="col">{*h}</th> }).collect_view()}</tr>
                </thead>
                <tbody>{children()}</tbody>
            </table>
        </div>
    }
}

/// A link to a section of a standard, opening in a new tab.
#[component]
fn Cite(
    /// The section's address.
    #[prop(into)]
    href: String,
    children: Children,
) -> impl IntoView {
    view! {
        <a href=href target="_blank" rel="noopener noreferrer">
            {children()}
        </a>
    }
}

const RFC6455: &str = "https://www.rfc-editor.org/rfc/rfc6455";

/// `RFC 6455 §x` linked to the section.
fn rfc6455(section: &'static str) -> impl IntoView {
    view! { <Cite href=format!("{RFC6455}#section-{section}")>{format!("RFC 6455 §{section}")}</Cite> }
}
