//! Handshake Lab in the browser: a thin Leptos shell over `handshake-core`.
//! The header, the navigation and the first view match the static shell in
//! index.html, so nothing moves when the module mounts.

mod analysis;
mod components;
mod dom;
mod install;
mod live;
#[cfg(not(target_arch = "wasm32"))]
mod prerender;
mod route;
mod simulate;
mod state;
mod views;

use leptos::ev;
use leptos::prelude::*;

use route::{Share, View};
use state::AppState;

/// The colour scheme control.
#[component]
fn ThemePicker() -> impl IntoView {
    let (theme, set_theme) = signal(dom::saved_theme());
    Effect::new(move |_| dom::set_theme(&theme.get(), false));
    view! {
        <label class="theme">
            "Colour scheme"
            <select on:change=move |ev| {
                let value = event_target_value(&ev);
                dom::set_theme(&value, true);
                set_theme.set(value);
            }>
                {dom::THEMES
                    .iter()
                    .map(|(id, label)| {
                        view! {
                            <option value=*id prop:selected=move || theme.get() == *id>
                                {*label}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
        </label>
    }
}

/// The whole page.
#[component]
fn App(
    /// What the reader typed into the static shell's editor before the module loaded.
    typed: Option<String>,
) -> impl IntoView {
    let route = route::parse(&window().location().hash().unwrap_or_default());
    let state = AppState::new(&route, typed);
    provide_context(state);
    // The live panel's socket and timeline outlive its view.
    provide_context(views::live::Live::new());

    // Links, the back button and edits of the address.
    let _ = window_event_listener(ev::hashchange, move |_| {
        let route = route::parse(&window().location().hash().unwrap_or_default());
        state.apply(&route);
        if !(route.view == View::Learn && route.param("at").is_some()) {
            request_animation_frame(|| dom::focus_id("view-title"));
        }
    });
    // Files dropped anywhere go to the linter (text dragged into the editor
    // keeps the browser's own behaviour).
    let carries_files = |ev: &web_sys::DragEvent| {
        ev.data_transfer().is_some_and(|d| d.types().includes(&wasm_bindgen::JsValue::from_str("Files"), 0))
    };
    let _ = window_event_listener(ev::dragover, move |ev| {
        if carries_files(&ev) {
            ev.prevent_default();
        }
    });
    let _ = window_event_listener(ev::drop, move |ev| {
        if !carries_files(&ev) {
            return;
        }
        ev.prevent_default();
        let Some(file) = ev.data_transfer().and_then(|d| d.files()).and_then(|f| f.get(0)) else { return };
        if state.view.get_untracked() != View::Lint {
            let _ = window().location().set_hash(&View::Lint.href());
        }
        views::lint::load_file(state, file);
    });
    // The address follows the view and its input.
    Effect::new(move |_| {
        let share = state.share();
        state.too_big.set(match &share {
            Share::TooBig { needed, .. } => Some(*needed),
            Share::Fits(_) => None,
        });
        dom::replace_fragment(share.href());
    });

    let view = move || match state.view.get() {
        View::Lint => view! { <views::lint::LintView /> }.into_any(),
        View::Accept => view! { <views::accept::AcceptView /> }.into_any(),
        View::Learn => view! { <views::learn::LearnView /> }.into_any(),
        View::Live => view! { <views::live::LiveView /> }.into_any(),
    };
    view! {
        <header class="site-header">
            <div class="brand">
                <h1>"Handshake Lab"</h1>
                <p class="tagline">
                    "The WebSocket opening handshake, computed, linted and explained. Nothing you paste leaves this page."
                </p>
            </div>
            <ThemePicker />
        </header>
        <nav class="views" aria-label="Views">
            <ul>
                {View::ALL
                    .into_iter()
                    .map(|v| {
                        view! {
                            <li>
                                <a
                                    href=v.href()
                                    aria-current=move || (state.view.get() == v).then_some("page")
                                    on:click=move |_| {
                                        // The current view's own link changes no address: move focus anyway.
                                        if state.view.get_untracked() == v {
                                            request_animation_frame(|| dom::focus_id("view-title"));
                                        }
                                    }
                                >
                                    {v.label()}
                                </a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </nav>
        <main id="main">{view}</main>
        <div id="announcer" class="visually-hidden" role="status" aria-live="polite" aria-atomic="true">
            {move || state.announce.get()}
        </div>
    }
}

/// The host build prints the Learn view as static HTML (see `prerender`).
#[cfg(not(target_arch = "wasm32"))]
fn main() {
    // The page itself mounts only in the browser; here it is only named, so
    // the host's checks see the whole app in use.
    let _page = App;
    print!("{}", prerender::learn());
}

#[cfg(target_arch = "wasm32")]
fn main() {
    use wasm_bindgen::JsCast;

    console_error_panic_hook::set_once();
    let document = document();
    // Keep anything typed into the static shell's editor while the module loaded
    // and, if the reader is typing there, the focus and the caret.
    let editor = || {
        leptos::prelude::document()
            .get_element_by_id("capture")
            .and_then(|el| el.dyn_into::<web_sys::HtmlTextAreaElement>().ok())
    };
    let shell_editor = editor();
    let typed = shell_editor.as_ref().map(|t| t.value());
    let caret = shell_editor
        .filter(|t| document.active_element().is_some_and(|a| js_sys::Object::is(&a, t)))
        .and_then(|t| Some((t.selection_start().ok()??, t.selection_end().ok()??)));
    let root = document.get_element_by_id("app").and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok());
    match root {
        Some(root) => {
            // Replace the static shell in #app with the live app, in one task.
            root.set_inner_html("");
            leptos::mount::mount_to(root, move || view! { <App typed /> }).forget();
        }
        None => leptos::mount::mount_to_body(move || view! { <App typed /> }),
    }
    if let Some((start, end)) = caret {
        // After the editor has its text.
        request_animation_frame(move || {
            if let Some(t) = editor() {
                let _ = t.focus();
                let _ = t.set_selection_range(start, end);
            }
        });
    }
    if let Some(html) = document.document_element() {
        let _ = html.set_attribute("data-ready", "");
    }
}
