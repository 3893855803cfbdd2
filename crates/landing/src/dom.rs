//! The few DOM calls the landing linter makes, and what the shell shows while
//! the app loads. Text goes in as `textContent` only.

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{Document, Element, EventTarget, HtmlElement, Window};

use crate::Wanted;

pub fn window() -> Window {
    web_sys::window().expect("the landing linter runs in a window")
}

pub fn document() -> Document {
    window().document().expect("a window has a document")
}

pub fn by_id<T: JsCast>(id: &str) -> Option<T> {
    document().get_element_by_id(id)?.dyn_into().ok()
}

pub fn query(selector: &str) -> Option<Element> {
    document().query_selector(selector).ok().flatten()
}

/// Every element `selector` matches that is a `T`.
pub fn query_all<T: JsCast>(selector: &str) -> Vec<T> {
    let Ok(nodes) = document().query_selector_all(selector) else { return Vec::new() };
    (0..nodes.length()).filter_map(|i| nodes.item(i)?.dyn_into().ok()).collect()
}

/// `<tag class="class">text</tag>`.
pub fn el(tag: &str, class: &str, text: &str) -> Element {
    let e = document().create_element(tag).expect("a known tag name");
    if !class.is_empty() {
        e.set_class_name(class);
    }
    if !text.is_empty() {
        e.set_text_content(Some(text));
    }
    e
}

pub fn append(parent: &Element, child: &Element) {
    let _ = parent.append_child(child);
}

/// Calls `f` on every `event` at `target`, for the page's life.
pub fn on(target: &EventTarget, event: &str, f: impl FnMut() + 'static) {
    let f = Closure::<dyn FnMut()>::new(f);
    let _ = target.add_event_listener_with_callback(event, f.as_ref().unchecked_ref());
    f.forget();
}

/// Calls `f` in a task after the next frame has been painted.
pub fn after_next_paint(f: impl FnOnce() + 'static) {
    let task = Closure::once_into_js(f);
    let frame = Closure::once_into_js(move || {
        let _ = window().set_timeout_with_callback(task.unchecked_ref());
    });
    let _ = window().request_animation_frame(frame.unchecked_ref());
}

/// Tests and the bench know the landing linter has run by this attribute; the
/// app sets `data-ready` when it has mounted.
pub fn mark_ready() {
    if let Some(html) = document().document_element() {
        let _ = html.set_attribute("data-landing", "");
    }
}

const WAIT_ID: &str = "landing-wait";

/// The view standing in for one the app will show, if there is one.
pub fn waiting_view() -> Option<Element> {
    by_id(WAIT_ID)
}

/// The view the address asks for, if the page holds it as static HTML
/// (`<section data-static-view="lint">`: index.html's linter, learn.html's
/// explainer); else its title and a loading note in its place. Static views
/// not asked for are hidden, not removed: the app keeps what was typed.
pub fn show_wanted(wanted: Wanted) {
    let slug = match wanted {
        Wanted::Lint | Wanted::LintLater => "lint",
        Wanted::View(slug) => slug,
    };
    let mut shown = false;
    for section in query_all::<HtmlElement>("#main > [data-static-view]") {
        let this = section.get_attribute("data-static-view").is_some_and(|v| v == slug);
        section.set_hidden(!this);
        shown |= this;
    }
    let wait = waiting_view();
    if shown {
        if let Some(w) = wait {
            w.remove();
        }
        return;
    }
    let wait = wait.unwrap_or_else(|| {
        let section = el("section", "view", "");
        section.set_id(WAIT_ID);
        if let Some(main) = query("#main") {
            append(&main, &section);
        }
        section
    });
    wait.set_text_content(None);
    append(&wait, &el("h2", "", &handshake::report::capitalise(slug)));
    let note = el("p", "muted app-status", crate::app::status());
    let _ = note.set_attribute("role", "status");
    append(&wait, &note);
    crate::app::show_failure_in(&wait);
}
