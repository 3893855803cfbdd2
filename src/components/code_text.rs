//! Text from the core's catalogue, where `backticks` mark code.

use leptos::prelude::*;

/// `text` with each `backticked` part in a `<code>` element. Every part is a
/// text node; text with an odd number of backticks is shown as it is.
pub fn code_text(text: &str) -> impl IntoView + use<> {
    handshake::rule::code_spans(text)
        .into_iter()
        .map(|(code, part)| {
            let part = part.to_string();
            if code { view! { <code>{part}</code> }.into_any() } else { part.into_any() }
        })
        .collect_view()
}
