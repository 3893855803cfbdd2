//! Loading the app's module, through index.html's `handshakeApp` (which reads
//! the hashed names and SRI digests `cargo xtask dist` writes). A failed load
//! says why and offers a retry; the landing linter keeps working meanwhile.

use std::cell::RefCell;

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::Element;

use crate::dom::{self, el};

#[wasm_bindgen]
extern "C" {
    /// index.html's loader: imports the app's JS, instantiates its wasm (whose
    /// start function mounts the app) and resolves when that is done.
    #[wasm_bindgen(catch, js_namespace = handshakeApp, js_name = load)]
    fn load_app() -> Result<js_sys::Promise, JsValue>;
}

thread_local! {
    /// Why the last load failed, while it stands.
    static FAILURE: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Has the app mounted? (It sets `data-ready`, and then owns the page.)
pub fn mounted() -> bool {
    dom::document().document_element().is_some_and(|h| h.has_attribute("data-ready"))
}

/// What a view waiting for the app says.
pub fn status() -> &'static str {
    if FAILURE.with_borrow(Option::is_some) {
        "This view is part of the app, which did not load."
    } else {
        "Loading…"
    }
}

/// Starts loading the app's module.
pub fn load() {
    let done = Closure::<dyn FnMut(JsValue)>::new(|_| {});
    let failed = Closure::<dyn FnMut(JsValue)>::new(|error: JsValue| fail(describe(&error)));
    match load_app() {
        Ok(promise) => {
            let _ = promise.then2(&done, &failed);
        }
        Err(error) => fail(describe(&error)),
    }
    // At most one of the two runs, once; both live as long as the page.
    done.forget();
    failed.forget();
}

fn describe(error: &JsValue) -> String {
    match error.dyn_ref::<js_sys::Error>() {
        Some(e) => String::from(e.message()),
        None => error.as_string().unwrap_or_else(|| "unknown error".into()),
    }
}

fn fail(reason: String) {
    FAILURE.set(Some(reason));
    if let Some(status) = dom::query(".lint-input .status-line") {
        show_failure_in(&status);
    }
    if let Some(wait) = dom::waiting_view() {
        say_status(&wait);
        show_failure_in(&wait);
    }
}

/// Brings the waiting view's note up to date with the load.
fn say_status(wait: &Element) {
    if let Some(note) = wait.query_selector(".app-status").ok().flatten() {
        note.set_text_content(Some(status()));
    }
}

/// Appends the failure, if there is one, with its retry button, to `parent`.
pub fn show_failure_in(parent: &Element) {
    let Some(reason) = FAILURE.with_borrow(Clone::clone) else { return };
    let note =
        el("p", "error-note app-failure", &format!("The rest of Handshake Lab did not load: {reason}. "));
    let _ = note.set_attribute("role", "alert");
    let retry = el("button", "", "Try again");
    let _ = retry.set_attribute("type", "button");
    dom::on(&retry, "click", retry_now);
    dom::append(&note, &retry);
    dom::append(parent, &note);
}

fn retry_now() {
    FAILURE.set(None);
    for note in dom::query_all::<Element>(".app-failure") {
        note.remove();
    }
    if let Some(wait) = dom::waiting_view() {
        say_status(&wait);
    }
    load();
}
