//! Views and the state kept in the URL fragment, so a reload or a shared link
//! lands on the same view with the same input. The fragment never reaches a
//! server, and nothing here opens a connection.
//!
//! ```text
//! #/lint?ex=wrong-accept        an example, by id
//! #/lint?c=R0VUIC9jaGF0...      the capture itself, base64url of its UTF-8
//! #/accept?key=dGhl...%3D%3D    the key, percent-encoded
//! #/learn?at=rule-req.upgrade&url=ws%3A%2F%2F...
//! #/live
//! ```

use handshake::examples::EXAMPLES;

use handshake::base64;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};

/// The views, in navigation order. A new view is a variant here plus its
/// slug and label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    Lint,
    Accept,
    Learn,
    Live,
}

impl View {
    pub const ALL: [View; 4] = [View::Lint, View::Accept, View::Learn, View::Live];

    /// The path segment after `#/`.
    pub fn slug(self) -> &'static str {
        match self {
            View::Lint => "lint",
            View::Accept => "accept",
            View::Learn => "learn",
            View::Live => "live",
        }
    }

    /// The navigation label.
    pub fn label(self) -> &'static str {
        match self {
            View::Lint => "Lint",
            View::Accept => "Accept",
            View::Learn => "Learn",
            View::Live => "Live",
        }
    }

    pub fn from_slug(slug: &str) -> Option<View> {
        View::ALL.into_iter().find(|v| v.slug() == slug)
    }

    /// `#/slug`, the view without state.
    pub fn href(self) -> String {
        format!("#/{}", self.slug())
    }
}

/// Longest fragment the page writes into the address. Browsers take far more,
/// but links this long are already cut by mail and chat clients; a capture
/// over it stays on the page and a note says the link will not carry it.
pub const MAX_FRAGMENT: usize = 16 * 1024;

/// A parsed fragment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    pub view: View,
    pub params: Vec<(String, String)>,
    /// The fragment named no known view (the landing view is shown).
    pub unknown: Option<String>,
}

impl Route {
    /// The first value of `name`.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

/// Parses `location.hash` (with or without its `#`). An empty fragment is the
/// landing view, the linter.
pub fn parse(hash: &str) -> Route {
    let hash = hash.strip_prefix('#').unwrap_or(hash);
    let hash = hash.strip_prefix('/').unwrap_or(hash);
    let (path, query) = hash.split_once('?').unwrap_or((hash, ""));
    let params = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (n, v) = p.split_once('=').unwrap_or((p, ""));
            (percent_decode(n), percent_decode(v))
        })
        .collect();
    let path = path.trim_end_matches('/');
    match View::from_slug(path) {
        Some(view) => Route { view, params, unknown: None },
        None if path.is_empty() => Route { view: View::Lint, params, unknown: None },
        None => Route { view: View::Lint, params, unknown: Some(percent_decode(path)) },
    }
}

/// `#/view?name=value&...`, values percent-encoded; empty values are left out.
pub fn fragment(view: View, params: &[(&str, &str)]) -> String {
    let mut out = view.href();
    let mut sep = '?';
    for (name, value) in params.iter().filter(|(_, v)| !v.is_empty()) {
        out.push(sep);
        out.push_str(name);
        out.push('=');
        out.push_str(&percent_encode(value));
        sep = '&';
    }
    out
}

/// The fragment for a view's state, or the bare view with how long the state
/// would have made it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Share {
    Fits(String),
    TooBig { view: String, needed: usize },
}

impl Share {
    pub fn href(&self) -> &str {
        match self {
            Share::Fits(href) | Share::TooBig { view: href, .. } => href,
        }
    }
}

fn share(view: View, params: &[(&str, &str)]) -> Share {
    let full = fragment(view, params);
    if full.len() <= MAX_FRAGMENT {
        Share::Fits(full)
    } else {
        Share::TooBig { view: view.href(), needed: full.len() }
    }
}

/// The linter's fragment: an unchanged example by id, anything else as
/// base64url (so line ends and every byte survive).
pub fn lint_share(capture: &str) -> Share {
    if capture.is_empty() {
        return Share::Fits(View::Lint.href());
    }
    if let Some(example) = EXAMPLES.iter().find(|e| e.text == capture) {
        return share(View::Lint, &[("ex", example.id)]);
    }
    // Measure before encoding a capture of several MiB.
    let needed = "#/lint?c=".len() + capture.len().div_ceil(3) * 4;
    if needed > MAX_FRAGMENT {
        return Share::TooBig { view: View::Lint.href(), needed };
    }
    share(View::Lint, &[("c", &base64::encode_url(capture.as_bytes()))])
}

/// The capture a linter route carries: `Ok(None)` when it carries none.
pub fn lint_capture(route: &Route) -> Result<Option<String>, String> {
    if let Some(id) = route.param("ex") {
        return match handshake::examples::example(id) {
            Some(example) => Ok(Some(example.text.to_string())),
            None => Err(format!("The link names an example that does not exist ({id:?}).")),
        };
    }
    match route.param("c") {
        Some(coded) => match base64::decode_url(coded) {
            Some(bytes) => Ok(Some(String::from_utf8_lossy(&bytes).into_owned())),
            None => {
                Err("The capture in the link is damaged (it is not base64url); it was cut short, perhaps."
                    .into())
            }
        },
        None => Ok(None),
    }
}

/// The accept calculator's fragment.
pub fn accept_share(key: &str) -> Share {
    share(View::Accept, &[("key", key)])
}

/// The explainer's fragment: the section to show and the URL typed into the
/// simulation.
pub fn learn_share(at: &str, url: &str) -> Share {
    share(View::Learn, &[("at", at), ("url", url)])
}

/// Every byte but RFC 3986's unreserved characters (§2.3).
const RESERVED: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// Percent-encodes every byte but RFC 3986's unreserved characters.
pub fn percent_encode(text: &str) -> String {
    utf8_percent_encode(text, RESERVED).to_string()
}

/// Decodes `%XX` escapes (and `+` as a space, as forms write it); a broken
/// escape is kept as written, bytes that are not UTF-8 become U+FFFD.
pub fn percent_decode(text: &str) -> String {
    percent_decode_str(&text.replace('+', " ")).decode_utf8_lossy().into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn landing_and_views() {
        assert_eq!(parse("").view, View::Lint);
        assert_eq!(parse("#").view, View::Lint);
        assert_eq!(parse("#/").view, View::Lint);
        for view in View::ALL {
            assert_eq!(parse(&view.href()).view, view);
            assert_eq!(parse(&format!("{}/", view.href())).view, view);
        }
        let unknown = parse("#/nowhere?x=1");
        assert_eq!((unknown.view, unknown.unknown.as_deref()), (View::Lint, Some("nowhere")));
    }

    #[test]
    fn params_round_trip() {
        let key = "dGhl IHNh+/==&?#é<script>";
        let href = fragment(View::Accept, &[("key", key), ("empty", "")]);
        assert!(!href[1..].contains(['<', ' ', '#', '+', '&', '?', '=']) || href[1..].contains("?key="));
        assert!(!href["#/accept?key=".len()..].contains(['<', ' ', '#', '+', '&', '?', '=']));
        let route = parse(&href);
        assert_eq!(route.view, View::Accept);
        assert_eq!(route.param("key"), Some(key));
        assert_eq!(route.param("empty"), None);
    }

    #[test]
    fn broken_escapes_are_kept() {
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
        assert_eq!(percent_decode("%41%42"), "AB");
        assert_eq!(percent_decode("%FF"), "\u{fffd}");
    }

    #[test]
    fn captures_by_example_or_content() {
        let example = &EXAMPLES[1];
        let Share::Fits(href) = lint_share(example.text) else { panic!("an example fits") };
        assert_eq!(href, format!("#/lint?ex={}", example.id));
        assert_eq!(lint_capture(&parse(&href)), Ok(Some(example.text.to_string())));

        let text = "GET / HTTP/1.1\r\nHost: é\r\n\r\n";
        let Share::Fits(href) = lint_share(text) else { panic!("a short capture fits") };
        assert!(href.starts_with("#/lint?c="));
        assert_eq!(lint_capture(&parse(&href)), Ok(Some(text.to_string())));

        assert_eq!(lint_share(""), Share::Fits("#/lint".into()));
        assert!(lint_capture(&parse("#/lint?ex=nope")).is_err());
        assert!(lint_capture(&parse("#/lint?c=%%%")).is_err());
        assert_eq!(lint_capture(&parse("#/lint")), Ok(None));
    }

    #[test]
    fn too_big_to_share() {
        let big = "x".repeat(MAX_FRAGMENT);
        match lint_share(&big) {
            Share::TooBig { view, needed } => {
                assert_eq!(view, "#/lint");
                assert!(needed > MAX_FRAGMENT);
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(accept_share(&big), Share::TooBig { .. }));
        assert!(matches!(accept_share("abc"), Share::Fits(_)));
    }
}
