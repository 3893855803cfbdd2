//! WebSockets over HTTP/2 and HTTP/3: extended CONNECT (RFC 8441, RFC 9220).

use crate::head::Head;
use crate::head::Known;
use crate::report::Findings;
use crate::rule::Rule;
use crate::rule::Severity;

pub const METHOD: Rule = Rule::new(
    "h2.method",
    Severity::Error,
    "RFC 8441 §4",
    "https://www.rfc-editor.org/rfc/rfc8441#section-4",
    "The HTTP/2 handshake is not an extended CONNECT",
    "Over HTTP/2 and HTTP/3 the handshake is `:method: CONNECT` with `:protocol: websocket`, not a GET with Upgrade. The server must first have sent SETTINGS_ENABLE_CONNECT_PROTOCOL = 1; without it browsers fall back to HTTP/1.1.",
    "Send `:method: CONNECT` and `:protocol: websocket`.",
)
.refused(400);

pub const PROTOCOL: Rule = Rule::new(
    "h2.protocol",
    Severity::Error,
    "RFC 8441 §5",
    "https://www.rfc-editor.org/rfc/rfc8441#section-5",
    "`:protocol` is missing or not `websocket`",
    "The extended CONNECT names the protocol to tunnel in the :protocol pseudo-header; for WebSockets it is `websocket`. A CONNECT without :protocol is a plain TCP tunnel request.",
    "Send `:protocol: websocket`.",
)
.refused(400);

pub const PSEUDO: Rule = Rule::new(
    "h2.pseudo",
    Severity::Error,
    "RFC 8441 §4",
    "https://www.rfc-editor.org/rfc/rfc8441#section-4",
    "`:scheme`, `:path` or `:authority` is missing",
    "An extended CONNECT must carry :scheme and :path (RFC 8441 §4), unlike a classic CONNECT, which omits them. It also carries :authority: clients that make HTTP/2 requests must send it (RFC 9113 §8.3.1), and for a WebSocket it holds what Host held in HTTP/1.1 (RFC 8441 §5). :path is the path and query of the WebSocket URI. The request is malformed without them.",
    "Send `:scheme: https`, `:path: /chat` and `:authority: example.com`.",
)
.refused(400);

pub const SCHEME: Rule = Rule::new(
    "h2.scheme",
    Severity::Error,
    "RFC 8441 §5",
    "https://www.rfc-editor.org/rfc/rfc8441#section-5",
    "`:scheme` is not `https` or `http`",
    "The extended CONNECT names the HTTP scheme of the target, not the WebSocket one: `https` for a wss:// URL and `http` for a ws:// URL (RFC 8441 §5). The rest of the target (:authority, :path) is the WebSocket URL's. `ws` or `wss` here usually means a client or proxy copied the URL's scheme.",
    "Send `:scheme: https` for wss:// (or `:scheme: http` for ws://).",
)
.refused(400);

pub const CONNECTION_SPECIFIC: Rule = Rule::new(
    "h2.connection-specific",
    Severity::Error,
    "RFC 9113 §8.2.2",
    "https://www.rfc-editor.org/rfc/rfc9113#section-8.2.2",
    "A connection-specific header field in an HTTP/2 or HTTP/3 message",
    "Connection, Upgrade, Keep-Alive, Proxy-Connection and Transfer-Encoding (and TE other than `trailers`) belong to HTTP/1.1 hops; an HTTP/2 or HTTP/3 message containing them is malformed (RFC 9114 §4.2 for HTTP/3) and is reset with a stream error.",
    "Remove the HTTP/1.1 upgrade headers; the extended CONNECT replaces them.",
)
.refused(400);

pub const KEY_PRESENT: Rule = Rule::new(
    "h2.key-present",
    Severity::Warning,
    "RFC 8441 §5",
    "https://www.rfc-editor.org/rfc/rfc8441#section-5",
    "Sec-WebSocket-Key or Sec-WebSocket-Accept in an HTTP/2 handshake",
    "Over HTTP/2 and HTTP/3 the key and accept are not processed: RFC 8441 §5 says the :protocol pseudo-header supersedes them. Their presence suggests an HTTP/1.1 handshake translated by a proxy, and servers ignore them.",
    "Leave Sec-WebSocket-Key and Sec-WebSocket-Accept out.",
);

pub const STATUS: Rule = Rule::new(
    "h2.status",
    Severity::Error,
    "RFC 8441 §5",
    "https://www.rfc-editor.org/rfc/rfc8441#section-5",
    "The HTTP/2 response status is not 2xx",
    "Over HTTP/2 and HTTP/3 success is any 2xx (usually 200), not 101: 101 does not exist in HTTP/2 (RFC 9113 §8.6). Any other status refuses the tunnel; see res.status for what the common codes mean.",
    "Answer the extended CONNECT with `:status: 200`.",
);

const CONNECTION_HEADERS: [&str; 5] =
    ["connection", "upgrade", "keep-alive", "proxy-connection", "transfer-encoding"];

/// RFC 9113 §8.2.2: connection-specific fields.
fn check_connection_specific(head: &Head<'_>, f: &mut Findings<'_>) {
    for h in head.headers() {
        let name = h.name.as_str();
        let te_not_trailers =
            name.eq_ignore_ascii_case("te") && !h.value.as_str().eq_ignore_ascii_case("trailers");
        if te_not_trailers || CONNECTION_HEADERS.iter().any(|c| c.eq_ignore_ascii_case(name)) {
            f.fire(
                &CONNECTION_SPECIFIC,
                format!("{name} is connection-specific and not allowed in HTTP/2 or HTTP/3"),
                Some(&h.name),
            );
        }
    }
}

/// The extended CONNECT request.
pub(crate) fn check_request(req: &Head<'_>, f: &mut Findings<'_>) {
    let anchor = req.headers().first().map(|h| &h.name);
    // RFC 8441 §4: ":method" is CONNECT.
    match req.known_field(const { Known::lower(":method") }) {
        Some(m) if m.value.as_str() == "CONNECT" => {}
        Some(m) => f.fire(&METHOD, format!(":method is {}, not CONNECT", m.value.as_str()), Some(&m.value)),
        None => f.fire(&METHOD, ":method is missing", anchor),
    }
    // RFC 8441 §4-§5: ":protocol" is websocket.
    match req.known_field(const { Known::lower(":protocol") }) {
        Some(p) if p.value.as_str() == "websocket" => {}
        Some(p) => f.fire(
            &PROTOCOL,
            format!(":protocol is {:?}, not \"websocket\"", p.value.as_str()),
            Some(&p.value),
        ),
        None => f.fire(&PROTOCOL, ":protocol is missing", anchor),
    }
    // RFC 8441 §4: ":scheme" and ":path" are included; ":authority" too.
    for pseudo in [":scheme", ":path", ":authority"] {
        if req.header_field(pseudo).is_none() {
            f.fire(&PSEUDO, format!("{pseudo} is missing"), anchor);
        }
    }
    // RFC 8441 §5: "https" for wss, "http" for ws.
    if let Some(scheme) = req.header_field(":scheme")
        && !["https", "http"].iter().any(|s| s.eq_ignore_ascii_case(scheme.value.as_str()))
    {
        f.fire(
            &SCHEME,
            format!(
                ":scheme is {:?}; a WebSocket over HTTP/2 or HTTP/3 uses https or http",
                scheme.value.as_str()
            ),
            Some(&scheme.value),
        );
    }
    check_connection_specific(req, f);
    // RFC 8441 §5: no Sec-WebSocket-Key.
    if let Some(k) = req.known_field(const { Known::lower("sec-websocket-key") }) {
        f.fire(&KEY_PRESENT, "Sec-WebSocket-Key is not used over HTTP/2 or HTTP/3", Some(&k.name));
    }
}

/// The response to an extended CONNECT. Returns whether it is a success.
pub(crate) fn check_response(res: &Head<'_>, f: &mut Findings<'_>) -> bool {
    check_connection_specific(res, f);
    if let Some(a) = res.known_field(const { Known::lower("sec-websocket-accept") }) {
        f.fire(&KEY_PRESENT, "Sec-WebSocket-Accept is not used over HTTP/2 or HTTP/3", Some(&a.name));
    }
    // RFC 8441 §5: a 2xx status code accepts the tunnel.
    match res.status() {
        Some(200..=299) => true,
        Some(code) => {
            let meaning = if code == 101 {
                "101, which does not exist in HTTP/2 or HTTP/3 (success is 200)".to_string()
            } else {
                super::response::status_message(code, None)
            };
            f.fire(&STATUS, format!(":status is {meaning}"), res.status.as_ref());
            false
        }
        None => {
            f.fire(&STATUS, ":status is missing or not three digits", res.status.as_ref());
            false
        }
    }
}
