//! The lab's routes, read from the request-target.

use crate::limits::MAX_ID_LEN;

/// How a deliberately broken 101 is broken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Breakage {
    /// `Sec-WebSocket-Accept` is not the one for the client's key (RFC 6455 §4.1, step 4).
    Accept,
    /// `Upgrade` is not `websocket` (RFC 6455 §4.1, step 2).
    Upgrade,
    /// `Connection` lacks `Upgrade` (RFC 6455 §4.1, step 3).
    Connection,
    /// `Sec-WebSocket-Protocol` names a protocol the client never offered (RFC 6455 §4.1, step 6).
    Protocol,
}

/// Where a request goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// `GET /`: the routes, as JSON.
    Index,
    /// `GET /.well-known/handshake-lab`: only that this is a lab, and its version,
    /// readable from any origin (RFC 8615 well-known URI).
    About,
    /// `GET /last?id=`: the record of a handshake, as JSON.
    Last,
    /// `/echo`: every message sent back.
    Echo,
    /// `/mirror`: the handshake as JSON first, then echo.
    Mirror,
    /// `/subprotocol`: the first offered subprotocol is chosen, then echo.
    Subprotocol,
    /// `/reject/{status}`: the upgrade refused with that status.
    Reject(u16),
    /// `/bad/{what}`: a 101 broken on purpose, then echo for clients that accept it.
    Bad(Breakage),
    /// `/close/{code}`: the lab closes with that code right after the open.
    Close(u16),
    /// Anything else.
    Unknown,
}

/// Statuses `/reject/{status}` answers with.
pub const REJECT_STATUSES: [u16; 4] = [400, 403, 404, 426];

impl Route {
    /// The route for a request-target's path (origin-form or absolute-form).
    pub fn from_target(target: &str) -> Route {
        let path = path_of(target);
        let mut segments = path.trim_start_matches('/').split('/');
        match (segments.next(), segments.next(), segments.next()) {
            (Some(""), None, None) => Route::Index,
            (Some("last"), None, None) => Route::Last,
            (Some(".well-known"), Some("handshake-lab"), None) => Route::About,
            (Some("echo"), None, None) => Route::Echo,
            (Some("mirror"), None, None) => Route::Mirror,
            (Some("subprotocol"), None, None) => Route::Subprotocol,
            (Some("reject"), Some(status), None) => match status.parse() {
                Ok(s) if REJECT_STATUSES.contains(&s) => Route::Reject(s),
                _ => Route::Unknown,
            },
            (Some("bad"), Some(what), None) => match what {
                "accept" => Route::Bad(Breakage::Accept),
                "upgrade" => Route::Bad(Breakage::Upgrade),
                "connection" => Route::Bad(Breakage::Connection),
                "protocol" => Route::Bad(Breakage::Protocol),
                _ => Route::Unknown,
            },
            (Some("close"), Some(code), None) => match code.parse() {
                Ok(code) if is_sendable_close_code(code) => Route::Close(code),
                _ => Route::Unknown,
            },
            _ => Route::Unknown,
        }
    }

    /// `websocket` or `http`, as `GET /` lists it.
    pub fn kind(self) -> &'static str {
        if self.is_websocket() { "websocket" } else { "http" }
    }

    /// What a client sees, as `GET /` lists it.
    pub fn outcome(self) -> &'static str {
        match self {
            Route::Index | Route::About | Route::Last => "200",
            Route::Echo | Route::Mirror | Route::Subprotocol => "open",
            Route::Reject(_) => "refused",
            Route::Bad(_) => "broken",
            Route::Close(_) => "closes",
            Route::Unknown => "404",
        }
    }

    /// Whether the route is a WebSocket endpoint (the rest are plain HTTP).
    pub fn is_websocket(self) -> bool {
        !matches!(self, Route::Index | Route::About | Route::Last | Route::Unknown)
    }
}

/// Close codes an endpoint may put in a Close frame (RFC 6455 §7.4.1, §7.4.2);
/// 1005, 1006 and 1015 are never sent, 1004 and 1016-2999 are reserved.
pub fn is_sendable_close_code(code: u16) -> bool {
    tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode::from(code).is_allowed()
}

/// The path of a request-target: the origin-form path, or the path of an
/// absolute-form URI (RFC 9112 §3.2), without query or fragment. The core's
/// `split_uri` finds an absolute form's path and query.
pub fn path_of(target: &str) -> &str {
    let uri = handshake::head::split_uri(target);
    let path_and_query = if uri.scheme.is_some() { &target[uri.path_and_query] } else { target };
    let path = path_and_query.split(['?', '#']).next().unwrap_or_default();
    if path.is_empty() && uri.scheme.is_some() { "/" } else { path }
}

/// The value of the `id` query parameter when it is present and usable as a record
/// key: 1 to 64 characters from `A-Z a-z 0-9 - _ .` (URI unreserved, RFC 3986 §2.3).
pub fn id_of(target: &str) -> Option<&str> {
    let query = target.split_once('?')?.1;
    let query = query.split('#').next().unwrap_or(query);
    query.split('&').filter_map(|pair| pair.strip_prefix("id=")).find(|id| is_valid_id(id))
}

/// Whether the query names an `id` at all (valid or not).
pub fn has_id_param(target: &str) -> bool {
    target.split_once('?').is_some_and(|(_, q)| q.split('&').any(|p| p.starts_with("id=")))
}

fn is_valid_id(id: &str) -> bool {
    (1..=MAX_ID_LEN).contains(&id.len())
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_by_path() {
        assert_eq!(Route::from_target("/"), Route::Index);
        assert_eq!(Route::from_target("/?x=1"), Route::Index);
        assert_eq!(Route::from_target("/.well-known/handshake-lab"), Route::About);
        assert!(!Route::About.is_websocket());
        assert_eq!(Route::from_target("/last?id=abc"), Route::Last);
        assert_eq!(Route::from_target("/echo"), Route::Echo);
        assert_eq!(Route::from_target("http://127.0.0.1:9001/echo?id=1"), Route::Echo);
        assert_eq!(Route::from_target("ws://127.0.0.1:9001"), Route::Index);
        assert_eq!(path_of("ws://127.0.0.1:9001?x=/echo"), "/");
        assert_eq!(path_of("http://h/echo#top"), "/echo");
        assert_eq!(path_of("/last?id=a"), "/last");
        assert_eq!(Route::from_target("/reject/426"), Route::Reject(426));
        assert_eq!(Route::from_target("/reject/500"), Route::Unknown);
        assert_eq!(Route::from_target("/bad/accept?id=z"), Route::Bad(Breakage::Accept));
        assert_eq!(Route::from_target("/close/4000"), Route::Close(4000));
        assert_eq!(Route::from_target("/close/1000"), Route::Close(1000));
        assert_eq!(Route::from_target("/close/1006"), Route::Unknown);
        assert_eq!(Route::from_target("/close/1005"), Route::Unknown);
        assert_eq!(Route::from_target("/close/999"), Route::Unknown);
        assert_eq!(Route::from_target("/close/5000"), Route::Unknown);
        assert_eq!(Route::from_target("/echo/more"), Route::Unknown);
    }

    #[test]
    fn reads_the_id() {
        assert_eq!(id_of("/bad/accept?id=r4nd0m"), Some("r4nd0m"));
        assert_eq!(id_of("/x?a=1&id=k-9_z"), Some("k-9_z"));
        assert_eq!(id_of("/x?id=<script>"), None);
        assert_eq!(id_of("/x?id="), None);
        assert_eq!(id_of(&format!("/x?id={}", "a".repeat(65))), None);
        assert_eq!(id_of("/x"), None);
        assert!(has_id_param("/x?id=<>"));
        assert!(!has_id_param("/x?idx=1"));
    }
}
