//! The accept calculator: Sec-WebSocket-Key in, Sec-WebSocket-Accept out
//! (RFC 6455 §4.2.2).

use handshake::accept;
use leptos::prelude::*;

/// The key from RFC 6455 §1.3, so the page opens on the RFC's own example.
const RFC_KEY: &str = "dGhlIHNhbXBsZSBub25jZQ==";

/// An input for the key and the accept value computed from its exact bytes.
#[component]
pub fn AcceptCalculator() -> impl IntoView {
    let (key, set_key) = signal(RFC_KEY.to_string());
    let accept_value = move || accept::accept(&key.read());
    view! {
        <section aria-labelledby="accept-title">
            <h2 id="accept-title">"Accept calculator"</h2>
            <label>
                "Sec-WebSocket-Key"
                <input
                    type="text"
                    spellcheck="false"
                    autocomplete="off"
                    prop:value=key
                    on:input=move |ev| set_key.set(event_target_value(&ev))
                />
            </label>
            <p class="result">
                <span id="accept-label">"Sec-WebSocket-Accept"</span>
                " "
                <output aria-labelledby="accept-label" aria-live="polite">{accept_value}</output>
            </p>
        </section>
    }
}
