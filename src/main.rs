//! Handshake Lab in the browser: a thin Leptos shell over `handshake-core`.

mod accept;

use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// The whole page.
#[component]
fn App() -> impl IntoView {
    view! {
        <header class="site-header">
            <h1>"Handshake Lab"</h1>
            <p class="tagline">"The WebSocket opening handshake, computed, linted and explained."</p>
        </header>
        <main>
            <accept::AcceptCalculator />
        </main>
    }
}

fn main() {
    console_error_panic_hook::set_once();
    // Replace the static shell in #app (index.html) with the live app.
    let root = document().get_element_by_id("app").and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok());
    match root {
        Some(root) => {
            root.set_inner_html("");
            leptos::mount::mount_to(root, App).forget();
        }
        None => leptos::mount::mount_to_body(App),
    }
}
