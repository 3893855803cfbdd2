//! A button that copies a value and says "Copied" for a moment.

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::dom;
use crate::state::AppState;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CopyState {
    Idle,
    Copied,
    Failed,
}

/// Copies `text` to the clipboard. The button reads "Copy" followed, for
/// screen readers, by `what` (so several copy buttons stay distinct), or the
/// visible `label`; then "Copied" (or "Copy failed") for two seconds. The live
/// region says so too.
#[component]
pub fn CopyButton(
    /// What is copied, e.g. "the accept value" (read by screen readers only).
    what: &'static str,
    /// The text to copy, read when the button is pressed.
    text: Signal<String>,
    /// The visible label, "Copy" unless given.
    #[prop(optional)]
    label: Option<&'static str>,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let (copied, set_copied) = signal(CopyState::Idle);
    let on_click = move |_| {
        let value = text.get_untracked();
        spawn_local(async move {
            let ok = dom::copy(value).await;
            set_copied.set(if ok { CopyState::Copied } else { CopyState::Failed });
            state.announce.set(if ok {
                format!("Copied {what}.")
            } else {
                "Copying failed: select the text and copy it with the keyboard.".to_string()
            });
            // The button may be gone in two seconds (its view closed): then there is nothing to reset.
            set_timeout(
                move || {
                    set_copied.try_set(CopyState::Idle);
                },
                Duration::from_secs(2),
            );
        });
    };
    view! {
        <button type="button" class="copy" class:done=move || copied.get() == CopyState::Copied on:click=on_click>
            {move || match copied.get() {
                CopyState::Idle => label.unwrap_or("Copy"),
                CopyState::Copied => "Copied",
                CopyState::Failed => "Copy failed",
            }}
            {label.is_none().then(|| view! { <span class="visually-hidden">" " {what}</span> })}
        </button>
    }
}
