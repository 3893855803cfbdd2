//! Small bridges to the browser: errors, the page's origin, timers and a
//! JSON fetch with a time limit.

use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// `SyntaxError: The URL ...`, from a thrown DOMException (or anything).
pub(super) fn js_error(e: &JsValue) -> String {
    let field =
        |name: &str| js_sys::Reflect::get(e, &JsValue::from_str(name)).ok().and_then(|v| v.as_string());
    match (field("name"), field("message")) {
        (Some(name), Some(message)) => format!("{name}: {message}"),
        (_, Some(message)) => message,
        _ => e.as_string().unwrap_or_else(|| "an unknown error".to_string()),
    }
}

/// This page's origin, e.g. `https://example.github.io`.
pub(super) fn page_origin() -> String {
    window().location().origin().unwrap_or_default()
}

/// A promise that resolves after `ms`.
pub(super) async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let _ = window().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
    });
    let _ = JsFuture::from(promise).await;
}

/// Why a fetch gave no JSON.
pub(super) enum FetchError {
    Status(u16),
    Failed(String),
}

/// GETs `url` as JSON within `ms`.
pub(super) async fn fetch_json(url: &str, ms: i32) -> Result<JsValue, FetchError> {
    let timeout = js_sys::Promise::new(&mut |_, reject| {
        let _ = window().set_timeout_with_callback_and_timeout_and_arguments_0(&reject, ms);
    });
    let race = js_sys::Promise::race(&js_sys::Array::of2(&window().fetch_with_str(url), &timeout));
    let response: web_sys::Response = match JsFuture::from(race).await {
        Ok(r) => r.dyn_into().map_err(|_| FetchError::Failed("not an HTTP response".into()))?,
        Err(e) if e.is_undefined() => return Err(FetchError::Failed(format!("no answer within {ms} ms"))),
        Err(e) => return Err(FetchError::Failed(js_error(&e))),
    };
    if !response.ok() {
        return Err(FetchError::Status(response.status()));
    }
    let json = response.json().map_err(|e| FetchError::Failed(js_error(&e)))?;
    JsFuture::from(json).await.map_err(|_| FetchError::Failed("the answer is not JSON".into()))
}

pub(super) fn string_field(value: &JsValue, name: &str) -> Option<String> {
    js_sys::Reflect::get(value, &JsValue::from_str(name)).ok()?.as_string()
}
