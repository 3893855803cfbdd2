//! Text from the core's catalogue, where `backticks` mark code.

use leptos::prelude::*;

/// `text` with each `backticked` part in a `<code>` element. Every part is a
/// text node; text with an odd number of backticks is shown as it is.
pub fn code_text(text: &str) -> impl IntoView + use<> {
    let balanced = text.matches('`').count().is_multiple_of(2);
    let parts: Vec<(bool, String)> = if balanced {
        text.split('`').enumerate().map(|(i, part)| (i % 2 == 1, part.to_string())).collect()
    } else {
        vec![(false, text.to_string())]
    };
    parts
        .into_iter()
        .map(|(code, part)| if code { view! { <code>{part}</code> }.into_any() } else { part.into_any() })
        .collect_view()
}
