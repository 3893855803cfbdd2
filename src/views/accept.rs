//! The accept calculator: `Sec-WebSocket-Key` in, `Sec-WebSocket-Accept` out,
//! every step shown (RFC 6455 §4.2.2 step 5.4). The steps and the judgement of
//! the key are the core's (`accept_steps`, `judge_key`).

use handshake::accept::{self, GUID, KeyProblem};
use leptos::prelude::*;

use crate::components::CopyButton;
use crate::dom;
use crate::state::AppState;
use handshake::base64;

/// Most bytes of the typed key shown in hex.
const HEX_SHOWN: usize = 64;

/// Space-separated hex of at most [`HEX_SHOWN`] bytes.
fn hex_bytes(bytes: &[u8]) -> String {
    let mut out: Vec<String> = bytes.iter().take(HEX_SHOWN).map(|b| format!("{b:02x}")).collect();
    if bytes.len() > HEX_SHOWN {
        out.push(format!("… ({} more)", bytes.len() - HEX_SHOWN));
    }
    out.join(" ")
}

/// The calculator view.
#[component]
pub fn AcceptView() -> impl IntoView {
    let state = expect_context::<AppState>();
    let key = state.key;
    let steps = Memo::new(move |_| accept::accept_steps(&key.read()));
    let problems = Memo::new(move |_| accept::judge_key(&key.read()));
    let padded = move || key.with(|k| k.trim().len() != k.len() && !k.trim().is_empty());
    let generate = move |_| match dom::random_bytes::<16>() {
        Some(bytes) => {
            let fresh = base64::encode(&bytes);
            state.announce.set(format!("New key {fresh}; its accept is {}.", accept::accept(&fresh)));
            key.set(fresh);
        }
        None => state.announce.set("The browser gave no random bytes.".to_string()),
    };
    let accept_text = Signal::derive(move || steps.with(|s| s.accept.clone()));
    let header_line = Signal::derive(move || steps.with(|s| format!("Sec-WebSocket-Accept: {}", s.accept)));
    let hex_text = Signal::derive(move || steps.with(|s| s.sha1_hex.clone()));

    view! {
        <section class="view" aria-labelledby="view-title">
            <h2 id="view-title" tabindex="-1">"Accept calculator"</h2>
            <p class="lede">
                "A server proves it read the client's handshake by hashing the key with a fixed GUID. "
                "Type or paste a key, or make a fresh one; every step of the computation is shown."
            </p>
            <div class="key-row">
                <label class="grow">
                    "Sec-WebSocket-Key"
                    <input
                        type="text"
                        id="key-input"
                        spellcheck="false"
                        autocomplete="off"
                        autocapitalize="off"
                        aria-describedby="key-judgement"
                        prop:value=move || key.get()
                        on:input=move |ev| key.set(event_target_value(&ev))
                    />
                </label>
                <button type="button" class="primary" on:click=generate>"Generate key"</button>
            </div>
            <div id="key-judgement" class="judgement">
                {move || {
                    let problems = problems.get();
                    if problems.is_empty() {
                        view! {
                            <p class="ok-note">
                                <span class="badge ok">"valid"</span>
                                " Base64 of exactly 16 bytes, spelled canonically: any server accepts it."
                            </p>
                        }
                            .into_any()
                    } else {
                        view! {
                            <ul class="problems" aria-label="Key problems">
                                {problems
                                    .iter()
                                    .map(|p| {
                                        let (class, word) = if p.is_invalid() {
                                            ("badge error", "error")
                                        } else {
                                            ("badge warning", "warning")
                                        };
                                        let hint = match p {
                                            KeyProblem::NonCanonical { .. } => {
                                                " Lenient servers accept it; strict ones refuse it."
                                            }
                                            KeyProblem::Empty => "",
                                            _ => " A server following RFC 6455 answers 400 Bad Request.",
                                        };
                                        view! {
                                            <li>
                                                <span class=class>{word}</span>
                                                " "
                                                {crate::analysis::capitalise(&p.message())}
                                                "."
                                                {hint}
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                            <p class="note">
                                "The accept below is still computed over the characters exactly as typed, "
                                "as a server that does not check the key would compute it."
                            </p>
                        }
                            .into_any()
                    }
                }}
                <Show when=padded>
                    <p class="note">
                        "Whitespace around the key is dropped before hashing, as HTTP drops it around any header value."
                    </p>
                </Show>
            </div>

            <h3>"Step by step"</h3>
            <ol class="steps">
                <li>
                    <h4>"The key, as characters"</h4>
                    <p>
                        "The key is not decoded: its base64 text itself is hashed. "
                        {move || steps.with(|s| match s.key.len() {
                            1 => "1 byte".to_string(),
                            n => format!("{n} bytes"),
                        })}
                        ":"
                    </p>
                    <code class="value">{move || steps.with(|s| s.key.clone())}</code>
                    <code class="value hex">{move || steps.with(|s| hex_bytes(s.key.as_bytes()))}</code>
                </li>
                <li>
                    <h4>"Append the GUID"</h4>
                    <p>"RFC 6455 fixes this GUID; every server appends the same one."</p>
                    <code class="value">
                        <span class="part-key">{move || steps.with(|s| s.key.clone())}</span>
                        <span class="part-guid">{GUID}</span>
                    </code>
                </li>
                <li>
                    <h4>"SHA-1 of those bytes"</h4>
                    <p>"A 20-byte digest, here in hex:"</p>
                    <div class="value-row">
                        <code class="value">{move || hex_text.get()}</code>
                        <CopyButton what="the SHA-1 digest" text=hex_text />
                    </div>
                </li>
                <li>
                    <h4>"base64 of the digest"</h4>
                    <p>"The 20 digest bytes (not the hex) in base64: 28 characters ending in one \"=\"."</p>
                    <code class="value">{move || accept_text.get()}</code>
                </li>
            </ol>

            <div class="result">
                <span id="accept-label">"Sec-WebSocket-Accept"</span>
                <div class="value-row">
                    <output aria-labelledby="accept-label" class="value big">{move || accept_text.get()}</output>
                    <CopyButton what="the accept value" text=accept_text />
                    <CopyButton what="the header line" text=header_line label="Copy header line" />
                </div>
                <p class="note">
                    "The server sends it back in its 101 response; the client computes the same value and fails the connection if the two differ. "
                    <a href="#/lint?ex=wrong-accept">
                        "See a wrong accept in the linter"
                    </a>
                    "."
                </p>
            </div>
        </section>
    }
}
