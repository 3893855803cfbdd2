//! The few browser calls the page makes beyond rendering, each failing softly:
//! the address, focus, the clipboard, random bytes, files and the colour scheme.

use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// Writes `href` (a fragment) into the address without a new history entry
/// and without a `hashchange`.
pub fn replace_fragment(href: &str) {
    let window = window();
    if window.location().hash().ok().as_deref() == Some(href) {
        return;
    }
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(href));
    }
}

/// Moves focus to the element with `id` and brings it into view.
pub fn focus_id(id: &str) {
    if let Some(el) = document().get_element_by_id(id).and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = el.focus();
        let options = web_sys::ScrollIntoViewOptions::new();
        options.set_block(web_sys::ScrollLogicalPosition::Start);
        el.scroll_into_view_with_scroll_into_view_options(&options);
    }
}

/// 16 bytes from the browser's CSPRNG (RFC 6455 §4.1 asks for a random nonce).
pub fn random_bytes<const N: usize>() -> Option<[u8; N]> {
    let mut bytes = [0u8; N];
    let crypto = window().crypto().ok()?;
    crypto.get_random_values_with_u8_array(&mut bytes).ok()?;
    Some(bytes)
}

/// Puts `text` on the clipboard; false when the browser refuses (or has no
/// clipboard API, as on plain-HTTP pages).
pub async fn copy(text: String) -> bool {
    let navigator = window().navigator();
    let has_clipboard = js_sys::Reflect::get(&navigator, &JsValue::from_str("clipboard"))
        .map(|c| !c.is_undefined() && !c.is_null())
        .unwrap_or(false);
    if !has_clipboard {
        return false;
    }
    JsFuture::from(navigator.clipboard().write_text(&text)).await.is_ok()
}

/// The text of a file the reader dropped or picked.
pub async fn read_text(file: &web_sys::File) -> Result<String, String> {
    match JsFuture::from(file.text()).await {
        Ok(text) => text.as_string().ok_or_else(|| "the file is not text".to_string()),
        Err(_) => Err("the browser could not read the file".to_string()),
    }
}

/// The colour schemes the reader can pick.
pub const THEMES: [(&str, &str); 3] = [("auto", "Auto"), ("light", "Light"), ("dark", "Dark")];

const THEME_KEY: &str = "handshake-lab.theme";

/// The saved colour scheme, `auto` when none (or storage is off).
pub fn saved_theme() -> String {
    window()
        .local_storage()
        .ok()
        .flatten()
        .and_then(|s| s.get_item(THEME_KEY).ok().flatten())
        .filter(|t| THEMES.iter().any(|(id, _)| id == t))
        .unwrap_or_else(|| "auto".to_string())
}

/// Applies (`data-theme` on the root element, read by the style sheet) and
/// saves a colour scheme.
pub fn set_theme(theme: &str, save: bool) {
    if let Some(root) = document().document_element() {
        let _ = root.set_attribute("data-theme", theme);
    }
    if save && let Ok(Some(storage)) = window().local_storage() {
        let _ = storage.set_item(THEME_KEY, theme);
    }
}
