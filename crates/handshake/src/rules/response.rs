//! The server's opening handshake (RFC 6455 §4.2.2) as the client checks it
//! (§4.1), on its own; checks against the request are in `pair`.

use super::deflate;
use crate::head::Known;
use crate::head::{Field, Head, Header};
use crate::headers::{self, Extension};
use crate::report::Findings;
use crate::rule::{Rule, Severity};

pub const STATUS: Rule = Rule::new(
    "res.status",
    Severity::Error,
    "RFC 6455 §4.1",
    "https://www.rfc-editor.org/rfc/rfc6455#section-4.1",
    "The response status is not 101 Switching Protocols",
    "Only 101 completes the handshake; any other status means the server did not switch, and the browser reports a bare error (close code 1006) without the status. The tester's checklist: missing upgrade headers → expect 400 or 426; unsupported version → 426 Upgrade Required; the server refusing the upgrade → 403 (origin) or 404 (path); 401 asks for credentials (ws's verifyClient uses it for a refused origin); 405 means the method was not GET; 3xx redirects are allowed by RFC 6455 (§4.2.2 step 3) but browsers do not follow them (the WebSocket fetch uses redirect mode \"error\"); 500 is the server's own failure; 502 Bad Gateway and 504 Gateway Timeout come from a proxy or gateway that got an invalid answer, or none in time, from the server behind it (RFC 9110 §15.6.3, §15.6.5). A proxy that strips Upgrade usually passes on what the backend answered to the plain GET it then sees: a 400 or 426 from a WebSocket server, or a 200 from an ordinary page (proxy.upgrade-dropped and proxy.bad-gateway name such a proxy); 200 means something answered as plain HTTP and ignored the upgrade.",
    "Fix the request (see the request findings) or the server's routing, origin policy or proxy so that it answers 101.",
);

pub const ALLOW_405: Rule = Rule::new(
    "res.405.allow",
    Severity::Error,
    "RFC 9110 §15.5.6",
    "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.6",
    "A 405 response without an Allow header",
    "The origin server must send Allow with a 405, listing the methods it accepts (`Allow: GET` for a WebSocket endpoint). python websockets does; ws and gorilla do not.",
    "Add `Allow: GET` to the 405 response.",
);

pub const UPGRADE: Rule = Rule::new(
    "res.upgrade",
    Severity::Error,
    "RFC 6455 §4.1",
    "https://www.rfc-editor.org/rfc/rfc6455#section-4.1",
    "The response's Upgrade is not `websocket`",
    "The client must fail the connection if the 101 lacks `Upgrade: websocket` (case-insensitive). A 426 response must also carry Upgrade (RFC 9110 §15.5.22) to say what to upgrade to.",
    "Send `Upgrade: websocket`.",
);

pub const CONNECTION: Rule = Rule::new(
    "res.connection",
    Severity::Error,
    "RFC 6455 §4.1",
    "https://www.rfc-editor.org/rfc/rfc6455#section-4.1",
    "The response's Connection does not contain `Upgrade`",
    "The client must fail the connection if the 101 lacks a Connection field containing the token `Upgrade`. Browsers accept `keep-alive, Upgrade`; tungstenite's client wants exactly `Upgrade`.",
    "Send `Connection: Upgrade`.",
);

pub const ACCEPT_MISSING: Rule = Rule::new(
    "res.accept.missing",
    Severity::Error,
    "RFC 6455 §4.1",
    "https://www.rfc-editor.org/rfc/rfc6455#section-4.1",
    "Sec-WebSocket-Accept is missing",
    "The 101 must prove the server read the key: Sec-WebSocket-Accept = base64(SHA-1(key + 258EAFA5-E914-47DA-95CA-C5AB0DC85B11)). Without it every client fails the connection.",
    "Compute the accept value from the request's key and send it.",
);

pub const ACCEPT_DUPLICATE: Rule = Rule::new(
    "res.accept.duplicate",
    Severity::Error,
    "RFC 6455 §11.3.3",
    "https://www.rfc-editor.org/rfc/rfc6455#section-11.3.3",
    "Sec-WebSocket-Accept appears more than once",
    "The accept field must not appear more than once in a response; clients read the repeated values joined with a comma, which never matches.",
    "Send one Sec-WebSocket-Accept.",
);

pub const PROTOCOL_EMPTY: Rule = Rule::new(
    "res.protocol.empty",
    Severity::Error,
    "RFC 6455 §4.2.2",
    "https://www.rfc-editor.org/rfc/rfc6455#section-4.2.2",
    "Sec-WebSocket-Protocol is present but empty",
    "The server selects one of the offered subprotocols or leaves the field out; an empty value is neither, and browsers fail the connection.",
    "Leave the field out when no subprotocol is selected.",
);

pub const PROTOCOL_MULTIPLE: Rule = Rule::new(
    "res.protocol.multiple",
    Severity::Error,
    "RFC 6455 §11.3.4",
    "https://www.rfc-editor.org/rfc/rfc6455#section-11.3.4",
    "The response selects more than one subprotocol",
    "The response carries at most one Sec-WebSocket-Protocol field (RFC 6455 §11.3.4), holding the one subprotocol the server selected (§4.2.2 step 5 item 5; its grammar is a single token, §4.3). A list, or the field twice, is not a selection: clients fail the connection.",
    "Answer with the single subprotocol the server chose.",
);

pub const EXTENSIONS_SYNTAX: Rule = Rule::new(
    "res.extensions.syntax",
    Severity::Error,
    "RFC 6455 §9.1",
    "https://www.rfc-editor.org/rfc/rfc6455#section-9.1",
    "The response's Sec-WebSocket-Extensions does not follow the extension-list grammar",
    "A client that receives a malformed extension list must fail the connection.",
    "Write e.g. `Sec-WebSocket-Extensions: permessage-deflate; server_no_context_takeover`.",
);

pub const BODY_101: Rule = Rule::new(
    "res.101.body",
    Severity::Warning,
    "RFC 9110 §8.6",
    "https://www.rfc-editor.org/rfc/rfc9110#section-8.6",
    "The 101 response has Content-Length or Transfer-Encoding",
    "A server must not send Content-Length (RFC 9110 §8.6) or Transfer-Encoding (RFC 9112 §6.1) in a 1xx response: after the 101 the bytes are WebSocket frames, not a body. Browsers ignore the field, but proxies and HTTP libraries may wait for a body that never comes, or eat the first frames.",
    "Remove Content-Length and Transfer-Encoding from the 101.",
);

/// What a non-101 status means, in the words of the tester's checklist.
pub(crate) fn status_message(code: u16, reason: Option<&str>) -> String {
    let what = match code {
        200..=299 => "the server (or a proxy) answered as plain HTTP and ignored the upgrade",
        300..=399 => "a redirect: browsers do not follow redirects for WebSockets, the connection fails",
        400 => {
            "the server refused the handshake as malformed; check Upgrade, Connection, Sec-WebSocket-Key and Sec-WebSocket-Version (checklist: missing headers → expect 400/426)"
        }
        401 => {
            "the server wants credentials (a cookie or a token); ws's verifyClient also answers 401 to a refused origin"
        }
        403 => {
            "the server refused the upgrade, most often because of the Origin (checklist: server refusing upgrade → 403/404)"
        }
        404 => "no WebSocket endpoint at this path (checklist: server refusing upgrade → 403/404)",
        405 => "the handshake must be a GET",
        426 => {
            "the server wants an upgrade it did not get, or a WebSocket version it supports (checklist: unsupported version → expect 426)"
        }
        431 => "the request head is too large for the server",
        500..=599 => {
            "the server failed or is unavailable (500, 503), or a gateway in front of it got an invalid answer (502) or none in time (504) from the server behind it"
        }
        _ => "only 101 Switching Protocols completes the handshake",
    };
    match reason {
        Some(r) => format!("{code} {r}: {what}"),
        None => format!("{code}: {what}"),
    }
}

/// The HTTP/1.1 response on its own. Returns whether it is (or may be, when
/// the status line is missing) a 101 to check further.
pub(crate) fn check(res: &Head<'_>, f: &mut Findings<'_>) -> bool {
    let anchor = res.start_line.as_ref();
    match res.status() {
        Some(101) => {}
        None if res.status.is_none() => {}
        None => {
            // RFC 9112 §4: status-code = 3DIGIT.
            f.fire(&STATUS, "the status code is not three digits", res.status.as_ref());
            return false;
        }
        Some(code) => {
            // RFC 6455 §4.1: "If the status code received from the server is not
            // 101, the client handles the response per HTTP procedures."
            f.fire(&STATUS, status_message(code, res.reason()), res.status.as_ref());
            // RFC 9110 §15.5.6: a 405 carries Allow.
            if code == 405 && res.known_field(const { Known::lower("allow") }).is_none() {
                f.fire_plain(&ALLOW_405, anchor);
            }
            // RFC 9110 §15.5.22: a 426 carries Upgrade.
            if code == 426 && res.known_field(const { Known::lower("upgrade") }).is_none() {
                f.fire(&UPGRADE, "a 426 response without Upgrade", anchor);
            }
            return false;
        }
    }
    // RFC 6455 §4.1 client item 2: Upgrade is "websocket", case-insensitive.
    let mut upgrades = res.known_fields(const { Known::lower("upgrade") });
    match (upgrades.next(), upgrades.next()) {
        (None, _) => f.fire(&UPGRADE, "Upgrade is missing", anchor),
        (Some(u), None) if u.value.as_str().eq_ignore_ascii_case("websocket") => {}
        (Some(u), _) => {
            f.fire(&UPGRADE, format!("Upgrade is {:?}, not \"websocket\"", u.value.as_str()), Some(&u.value))
        }
    }
    // RFC 6455 §4.1 client item 3: Connection contains the token "Upgrade".
    let mut connection = res.known_fields(const { Known::lower("connection") });
    match connection.next() {
        None => f.fire(&CONNECTION, "Connection is missing", anchor),
        Some(first) => {
            let upgrade = |c: &Header<'_>| headers::parse_connection(c.value.as_str()) == Ok(true);
            if !upgrade(first) && !connection.any(upgrade) {
                f.fire(
                    &CONNECTION,
                    format!("Connection: {} does not contain \"Upgrade\"", first.value.as_str()),
                    Some(&first.value),
                );
            }
        }
    }
    // RFC 6455 §4.1 client item 4 and §11.3.3: one Sec-WebSocket-Accept.
    let mut accepts = res.known_fields(const { Known::lower("sec-websocket-accept") });
    match (accepts.next(), accepts.next()) {
        (None, _) => f.fire_plain(&ACCEPT_MISSING, anchor),
        (Some(_), Some(second)) => f.fire_plain(&ACCEPT_DUPLICATE, Some(&second.name)),
        _ => {}
    }
    // RFC 9110 §8.6, RFC 9112 §6.1: no Content-Length or Transfer-Encoding in 1xx.
    for (name, known) in [
        ("content-length", const { Known::lower("content-length") }),
        ("transfer-encoding", const { Known::lower("transfer-encoding") }),
    ] {
        if let Some(h) = res.known_field(known) {
            f.fire(&BODY_101, format!("the 101 has {}", headers::title(name)), Some(&h.name));
        }
    }
    true
}

/// The selected subprotocol field (when there is exactly one, non-empty, with a
/// single element) and the accepted extensions with the field each is in.
pub(crate) type Selection<'h> = (Option<&'h Field<'h>>, Vec<(Extension<'h>, &'h Field<'h>)>);

/// Subprotocol and extension fields of a successful response (HTTP/1.1 or 2),
/// on their own.
pub(crate) fn check_negotiation<'h>(res: &'h Head<'h>, f: &mut Findings<'_>) -> Selection<'h> {
    // RFC 6455 §4.2.2 step 5 item 5 and §11.3.4: at most one field, one token.
    let mut protocols = res.known_fields(const { Known::lower("sec-websocket-protocol") });
    let protocol = match (protocols.next(), protocols.next()) {
        (None, _) => None,
        (Some(_), Some(second)) => {
            f.fire(&PROTOCOL_MULTIPLE, "Sec-WebSocket-Protocol appears more than once", Some(&second.name));
            None
        }
        (Some(p), None) => match headers::list_elements(p.value.as_str()).count() {
            0 => {
                f.fire_plain(&PROTOCOL_EMPTY, Some(&p.value));
                None
            }
            1 => Some(&p.value),
            n => {
                f.fire(
                    &PROTOCOL_MULTIPLE,
                    format!("Sec-WebSocket-Protocol lists {n} subprotocols"),
                    Some(&p.value),
                );
                None
            }
        },
    };
    // RFC 6455 §9.1: grammar; RFC 7692 §7: parameters and a single
    // permessage-deflate.
    let mut accepted = Vec::new();
    for h in res.known_fields(const { Known::lower("sec-websocket-extensions") }) {
        if let Err(e) = headers::push_extension_list(h.value.as_str(), &mut accepted, |e| (e, &h.value)) {
            let at = (h.value.span.0 + e.offset).min(h.value.span.1);
            f.fire(
                &EXTENSIONS_SYNTAX,
                e.message("Sec-WebSocket-Extensions"),
                Some((h.value.line, (at, (at + 1).min(h.value.span.1)))),
            );
        }
    }
    let mut deflates = 0;
    for (ext, field) in &accepted {
        if ext.name.eq_ignore_ascii_case(deflate::NAME) {
            deflates += 1;
            if deflates == 2 {
                f.fire_plain(&deflate::RESPONSE_MULTIPLE, Some(deflate::extension_at(ext, field)));
            }
            deflate::check_params(ext, field, false, f);
        }
    }
    (protocol, accepted)
}
