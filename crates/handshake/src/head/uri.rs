//! Cutting a URI into scheme, authority and origin-form target (RFC 3986
//! §3, RFC 9112 §3.2.1).

use std::borrow::Cow;

/// A URI's pieces as byte ranges of its text (RFC 3986 §3): `scheme "://"
/// authority`, then the path and query; the fragment is left out. Without
/// `://` there is no scheme and the text starts at the authority.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UriParts {
    pub scheme: Option<std::ops::Range<usize>>,
    pub authority: std::ops::Range<usize>,
    pub path_and_query: std::ops::Range<usize>,
}

pub fn split_uri(uri: &str) -> UriParts {
    let (scheme, after) = match uri.find("://") {
        Some(i) => (Some(0..i), i + 3),
        None => (None, 0),
    };
    let end = uri[after..].find(['/', '?', '#']).map_or(uri.len(), |i| after + i);
    let fragment = uri[end..].find('#').map_or(uri.len(), |i| end + i);
    UriParts { scheme, authority: after..end, path_and_query: end..fragment }
}

/// A path and query as an origin-form target (RFC 9112 §3.2.1): `/` before a
/// bare query, and `/` for nothing.
pub fn origin_form(path_and_query: &str) -> Cow<'_, str> {
    if path_and_query.starts_with('/') {
        Cow::Borrowed(path_and_query)
    } else {
        Cow::Owned(format!("/{path_and_query}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uri_pieces() {
        let uri = "wss://user@example.com:443/chat?room=1#top";
        let parts = split_uri(uri);
        assert_eq!(parts.scheme.map(|s| &uri[s]), Some("wss"));
        assert_eq!(&uri[parts.authority], "user@example.com:443");
        assert_eq!(&uri[parts.path_and_query], "/chat?room=1");
        let bare = "example.com?q";
        let parts = split_uri(bare);
        assert_eq!((parts.scheme, &bare[parts.authority.clone()]), (None, "example.com"));
        assert_eq!(origin_form(&bare[parts.path_and_query]), "/?q");
        assert_eq!(origin_form(""), "/");
    }
}
