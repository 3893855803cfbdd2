//! The client's opening handshake (RFC 6455 §4.1, read by the server per
//! §4.2.1), and the HTTP rules it rests on (RFC 9110, RFC 9112).

use super::deflate;
use crate::accept::{self, KeyProblem};
use crate::capture::Format;
use crate::head::Known;
use crate::head::{Field, Head, is_token};
use crate::headers::{self, Extension, GrammarError};
use crate::report::Findings;
use crate::rule::Answer::{Accepts, Closes, Status, Varies};
use crate::rule::{Rule, Severity};

pub const METHOD: Rule = Rule::new(
    "req.method",
    Severity::Error,
    "RFC 6455 §4.1",
    "https://www.rfc-editor.org/rfc/rfc6455#section-4.1",
    "The request method is not GET",
    "The opening handshake is a GET request (methods are case-sensitive: `get` is not GET). A server answers 405 Method Not Allowed, and RFC 9110 §15.5.6 requires that 405 to carry `Allow: GET`. ws, python websockets and gorilla all answer 405 (but ws answers 400 to a method Node's parser does not know, such as `get`, and closes the connection on CONNECT); only python websockets adds the Allow header.",
    "Send the handshake with `GET`.",
)
.refused(405)
.answers(Status(405), Status(405), Status(405));

pub const HTTP_VERSION: Rule = Rule::new(
    "req.http-version",
    Severity::Error,
    "RFC 6455 §4.1",
    "https://www.rfc-editor.org/rfc/rfc6455#section-4.1",
    "The request is not HTTP/1.1 or later",
    "The handshake needs HTTP/1.1 or later, and a server must ignore Upgrade in an HTTP/1.0 request (RFC 9110 §7.8). Servers disagree on the answer: python websockets answers 505 (and closes the connection on a version other than 1.0 or 1.1), while ws and gorilla do not check the version and answer 101 (Go's server answers 505 to another version, such as HTTP/0.9); 400 Bad Request is the plain RFC 6455 answer.",
    "Send `HTTP/1.1` in the request line.",
)
.refused(400)
.answers(Accepts, Status(505), Accepts);

pub const HTTP_VERSION_MAJOR: Rule = Rule::new(
    "req.http-version.major",
    Severity::Error,
    "RFC 9110 §15.6.6",
    "https://www.rfc-editor.org/rfc/rfc9110#section-15.6.6",
    "The request line names an HTTP major version other than 1",
    "A request line is HTTP/1 syntax (RFC 9112 §2.3): HTTP/2 and HTTP/3 have none, frame their messages in binary and carry a WebSocket over extended CONNECT (RFC 8441, RFC 9220), which this linter reads as pseudo-headers. `HTTP/2.0` in a request line is no HTTP/2 request, and a server that does not support the major version it names answers 505 HTTP Version Not Supported. Measured: gorilla (Go's server) answers 505 and python websockets closes the connection; ws answers 400, except to `HTTP/2.0`, which Node's parser reads, and ws then switches protocols.",
    "Send `HTTP/1.1` in the request line. Over HTTP/2, open the WebSocket with extended CONNECT (RFC 8441).",
)
.refused(505)
.answers(Varies, Closes, Status(505));

pub const HTTP_VERSION_MINOR: Rule = Rule::new(
    "req.http-version.minor",
    Severity::Warning,
    "RFC 9110 §2.5",
    "https://www.rfc-editor.org/rfc/rfc9110#section-2.5",
    "The request is a minor version of HTTP/1 newer than 1.1",
    "No HTTP/1.2 exists. RFC 9110 §2.5 asks a server to read a minor version newer than it knows as the newest it implements, so to a conforming server this request is HTTP/1.1, and it meets RFC 6455's \"at least 1.1\". Real servers refuse it, measured: ws answers 400 (Node's parser knows no HTTP/1.2) and python websockets closes the connection; only gorilla (Go's server reads any HTTP/1.x) switches protocols.",
    "Send `HTTP/1.1` in the request line.",
);

pub const TARGET: Rule = Rule::new(
    "req.target",
    Severity::Error,
    "RFC 6455 §4.1",
    "https://www.rfc-editor.org/rfc/rfc6455#section-4.1",
    "The request target is neither a path nor an absolute http or https URI",
    "A client sends the path and query of the WebSocket URI (origin-form, `/chat?room=1`) or the same resource as an absolute http or https URI (RFC 6455 §4.1 item 3); servers must accept the absolute form too (RFC 9112 §3.2.2). A ws or wss URI in the request line is req.target.ws-uri. A fragment (`#...`) is not allowed in a WebSocket URI (RFC 6455 §3), and browsers refuse such URLs before sending anything. A server answers 400 (or 404 when the path is valid but unknown). ws and gorilla refuse a target that is not a path or URI (`chat`) with 400 but pass a fragment, `*` or another scheme's URI on to the application; python websockets passes them all on.",
    "Send the path and query only, e.g. `GET /chat?room=1 HTTP/1.1`.",
)
.refused(400)
.answers(Varies, Accepts, Varies);

pub const TARGET_WS_URI: Rule = Rule::new(
    "req.target.ws-uri",
    Severity::Warning,
    "RFC 6455 §4.1",
    "https://www.rfc-editor.org/rfc/rfc6455#section-4.1",
    "The request line names a ws:// or wss:// URI",
    "On the wire the client sends the path and query (`GET /chat HTTP/1.1`) or the same resource as an absolute http or https URI; RFC 6455 §4.1 item 3 does not allow a ws or wss URI there, and the server side (§4.2.1 item 1) expects only those forms too. Chromium's DevTools, though, writes the ws URL into the request line of the raw request it shows: that is DevTools' display, and the browser sent the path. A head copied from DevTools gets this warning and nothing else; a head captured on the wire (or printed by curl -v) really broke the rule, and a strict server may answer 400. ws, python websockets and gorilla accept it.",
    "Send the path and query, e.g. `GET /chat HTTP/1.1` (or `GET http://example.com/chat HTTP/1.1` through a proxy).",
);

pub const HOST: Rule = Rule::new(
    "req.host",
    Severity::Error,
    "RFC 9112 §3.2",
    "https://www.rfc-editor.org/rfc/rfc9112#section-3.2",
    "Host is missing, repeated or invalid",
    "An HTTP/1.1 request carries exactly one valid Host field (RFC 6455 §4.1 item 4 requires it too). A server must answer 400 to a request that lacks Host, repeats it, or has an invalid value. Go's HTTP server refuses a missing, repeated or unreadable Host before gorilla sees the request (it lets `example.com:http` pass); Node's server answers 400 to an HTTP/1.1 request without Host only when it is not an upgrade, so ws and python websockets accept a handshake without Host.",
    "Send `Host: example.com` (with `:port` when it is not the default) exactly once.",
)
.refused(400)
.answers(Accepts, Accepts, Status(400));

pub const UPGRADE: Rule = Rule::new(
    "req.upgrade",
    Severity::Error,
    "RFC 6455 §4.2.1",
    "https://www.rfc-editor.org/rfc/rfc6455#section-4.2.1",
    "Upgrade does not contain `websocket`",
    "The request must carry `Upgrade: websocket` (case-insensitive). Without it this is a plain GET. The tester's checklist expects 400 or 426 here: 426 Upgrade Required with `Upgrade: websocket` tells the client what to do (RFC 9110 §15.5.22); python websockets answers 426 and gorilla 400; a ws server answers 426 when Upgrade is absent (Node never hands it the request) and 400 when it names another protocol.",
    "Add `Upgrade: websocket`.",
)
.refused(426)
.answers(Varies, Status(426), Status(400));

pub const CONNECTION: Rule = Rule::new(
    "req.connection",
    Severity::Error,
    "RFC 6455 §4.2.1",
    "https://www.rfc-editor.org/rfc/rfc6455#section-4.2.1",
    "Connection does not contain the `Upgrade` token",
    "Connection is a comma-separated token list that must include `Upgrade` (case-insensitive); `keep-alive, Upgrade` (as Firefox sends) is valid. The `Upgrade` option in Connection is what makes Upgrade a hop-by-hop field: RFC 9110 §7.8 requires every sender of Upgrade to list it there (§7.6.1), so that proxies consume it instead of forwarding it. Without it the request is not a valid upgrade request (RFC 6455 §4.1 item 6, §4.2.1 item 4) and the server does not switch. RFC 6455 suggests 400; python websockets answers 426, gorilla 400, and a ws server answers 426 (Node does not see an upgrade at all).",
    "Send `Connection: Upgrade`.",
)
.refused(400)
.answers(Status(426), Status(426), Status(400));

pub const KEY_MISSING: Rule = Rule::new(
    "req.key.missing",
    Severity::Error,
    "RFC 6455 §4.2.1",
    "https://www.rfc-editor.org/rfc/rfc6455#section-4.2.1",
    "Sec-WebSocket-Key is missing",
    "The server proves it understood the handshake by hashing the client's key into Sec-WebSocket-Accept; without a key there is nothing to prove. Servers answer 400.",
    "Send `Sec-WebSocket-Key:` with 16 random bytes in base64 (a fresh value per connection).",
)
.refused(400)
.answers(Status(400), Status(400), Status(400));

pub const KEY_DUPLICATE: Rule = Rule::new(
    "req.key.duplicate",
    Severity::Error,
    "RFC 6455 §11.3.1",
    "https://www.rfc-editor.org/rfc/rfc6455#section-11.3.1",
    "Sec-WebSocket-Key appears more than once",
    "The key must not appear more than once in a request. ws sees the values joined with a comma (an invalid key) and python websockets rejects repeated values, both with 400; gorilla uses the first.",
    "Send one Sec-WebSocket-Key.",
)
.refused(400)
.answers(Status(400), Status(400), Accepts);

pub const KEY_INVALID: Rule = Rule::new(
    "req.key.invalid",
    Severity::Error,
    "RFC 6455 §4.2.1",
    "https://www.rfc-editor.org/rfc/rfc6455#section-4.2.1",
    "Sec-WebSocket-Key is not base64 of 16 bytes",
    "The client must send a randomly chosen 16-byte value, base64-encoded: 22 characters and `==` (RFC 6455 §4.1 item 7). A server reading the handshake expects a key that decodes to 16 bytes (§4.2.1 item 5) and must stop and answer with an error such as 400 when the handshake does not match (§4.2.1, its opening paragraph). Surrounding whitespace is allowed, inner whitespace is not. ws and python websockets answer 400 (ws checks the shape with a regular expression, websockets decodes it). gorilla 1.5.0 and tungstenite only check that a key is present and accept it; later gorilla releases decode it and answer 400.",
    "Generate 16 random bytes and base64-encode them, e.g. `dGhlIHNhbXBsZSBub25jZQ==`.",
)
.refused(400)
.answers(Status(400), Status(400), Accepts);

pub const KEY_NONCANONICAL: Rule = Rule::new(
    "req.key.noncanonical",
    Severity::Warning,
    "RFC 4648 §3.5",
    "https://www.rfc-editor.org/rfc/rfc4648#section-3.5",
    "Sec-WebSocket-Key is not canonical base64",
    "The last character sets bits that carry no data, so the same 16 bytes have a canonical spelling that differs. Strict decoders (Rust's base64 crate by default, Go's Encoding.Strict) reject it; ws, python websockets and gorilla accept it. RFC 6455's own example key `AQIDBAUGBwgJCgsMDQ4PEC==` has this defect. The accept value is computed over the key as sent either way.",
    "Encode the key with a standard base64 encoder.",
);

pub const VERSION_MISSING: Rule = Rule::new(
    "req.version.missing",
    Severity::Error,
    "RFC 6455 §4.2.1",
    "https://www.rfc-editor.org/rfc/rfc6455#section-4.2.1",
    "Sec-WebSocket-Version is missing",
    "The request must say `Sec-WebSocket-Version: 13` (RFC 6455 §4.1 item 9). Without the field the handshake is malformed, and a server that finds a malformed handshake stops and answers with an error such as 400 Bad Request (§4.2.1). The 426 Upgrade Required with a `Sec-WebSocket-Version` list of supported versions (§4.2.2) is for a version the server does not speak: see req.version.unsupported. ws, python websockets and gorilla all answer 400 here.",
    "Send `Sec-WebSocket-Version: 13`.",
)
.refused(400)
.answers(Status(400), Status(400), Status(400));

pub const VERSION_DUPLICATE: Rule = Rule::new(
    "req.version.duplicate",
    Severity::Error,
    "RFC 6455 §11.3.5",
    "https://www.rfc-editor.org/rfc/rfc6455#section-11.3.5",
    "Sec-WebSocket-Version appears more than once in the request",
    "Sec-WebSocket-Version must not appear more than once in a request (RFC 6455 §11.3.5), where its grammar is a single version (`Sec-WebSocket-Version-Client = version`, §4.3); only a response may list several. ws sees the values joined and python websockets rejects repeated values (400); gorilla accepts if any copy says 13.",
    "Send `Sec-WebSocket-Version: 13` once.",
)
.refused(400)
.answers(Status(400), Status(400), Accepts);

pub const VERSION_UNSUPPORTED: Rule = Rule::new(
    "req.version.unsupported",
    Severity::Error,
    "RFC 6455 §4.2.2",
    "https://www.rfc-editor.org/rfc/rfc6455#section-4.2.2",
    "Sec-WebSocket-Version is not 13",
    "Version 13 is the only version of RFC 6455 (8 was a draft, 9-12 are reserved). For a version it does not speak, a server aborts with an error such as 426 Upgrade Required and must list the versions it does speak in `Sec-WebSocket-Version`, so the client can retry with one of them (§4.2.2, §4.4); the tester's checklist expects 426. In practice python websockets answers 400 without the header and gorilla 400 with it; ws answers 400 with `Sec-WebSocket-Version: 13, 8`, but still accepts version 8 itself.",
    "Send `Sec-WebSocket-Version: 13`.",
)
.refused(426)
.answers(Varies, Status(400), Status(400));

pub const ORIGIN_MISSING: Rule = Rule::new(
    "req.origin.missing",
    Severity::Warning,
    "RFC 6455 §4.1",
    "https://www.rfc-editor.org/rfc/rfc6455#section-4.1",
    "No Origin: this request did not come from a browser",
    "Browsers always send Origin, and servers use it to refuse cross-site pages (403, or 401 from ws's verifyClient). Non-browser clients may omit it, so a server that requires Origin refuses them, and one that trusts its absence skips its origin check.",
    "Send `Origin: https://your.site` when testing what a browser would get.",
);

pub const PROTOCOL_SYNTAX: Rule = Rule::new(
    "req.protocol.syntax",
    Severity::Error,
    "RFC 6455 §4.1",
    "https://www.rfc-editor.org/rfc/rfc6455#section-4.1",
    "Sec-WebSocket-Protocol is not a comma-separated list of tokens",
    "Subprotocol names are non-empty tokens (no spaces, slashes, quotes or other separators), separated by commas. Browsers throw SyntaxError before sending such a list; ws and python websockets answer 400, gorilla passes the raw values on.",
    "Write e.g. `Sec-WebSocket-Protocol: chat, superchat`.",
)
.refused(400)
.answers(Status(400), Status(400), Accepts);

pub const PROTOCOL_DUPLICATE: Rule = Rule::new(
    "req.protocol.duplicate",
    Severity::Error,
    "RFC 6455 §4.1",
    "https://www.rfc-editor.org/rfc/rfc6455#section-4.1",
    "A subprotocol is offered twice",
    "The offered subprotocols must all be unique. Browsers throw SyntaxError for duplicates; ws answers 400; python websockets and gorilla accept them.",
    "Offer each subprotocol once.",
)
.refused(400)
.answers(Status(400), Accepts, Accepts);

pub const EXTENSIONS_SYNTAX: Rule = Rule::new(
    "req.extensions.syntax",
    Severity::Error,
    "RFC 6455 §9.1",
    "https://www.rfc-editor.org/rfc/rfc6455#section-9.1",
    "Sec-WebSocket-Extensions does not follow the extension-list grammar",
    "Extensions are `name; param; param=value, name2`, with token names and token (or quoted token) values. A recipient of a malformed value must fail the connection. python websockets answers 400; gorilla skips what it cannot parse, and a ws server only parses the header when permessage-deflate is enabled (it is off by default), so by default both accept the request.",
    "Write e.g. `Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits`.",
)
.refused(400)
.answers(Accepts, Status(400), Accepts);

pub const BODY: Rule = Rule::new(
    "req.body",
    Severity::Warning,
    "RFC 6455 §4.1",
    "https://www.rfc-editor.org/rfc/rfc6455#section-4.1",
    "The handshake request has a body, or data follows it",
    "Once it has sent the handshake, the client must wait for the server's response before sending anything more (RFC 6455 §4.1), so no WebSocket data may follow the request before the 101 arrives (tungstenite reports \"Junk after client request\"). Content in a GET has no defined meaning either: a client should not send it (RFC 9110 §9.3.1). python websockets refuses a request with Content-Length or Transfer-Encoding; other servers may read the bytes as the first frame and fail with a protocol error.",
    "Send the head alone (no Content-Length, no Transfer-Encoding) and wait for the response.",
);

/// What the request offered: subprotocols and extensions (well-formed ones).
#[derive(Debug, Default)]
pub(crate) struct Offers<'h> {
    /// The first Sec-WebSocket-Version value.
    pub version: Option<&'h str>,
    pub protocols: Vec<&'h str>,
    pub extensions: Vec<Extension<'h>>,
}

/// The start line, to point at when something is missing.
fn anchor<'h>(head: &'h Head<'_>) -> Option<&'h Field<'h>> {
    head.start_line.as_ref()
}

fn grammar_at(field: &Field<'_>, e: GrammarError) -> (usize, (usize, usize)) {
    let at = (field.span.0 + e.offset).min(field.span.1);
    (field.line, (at, (at + 1).min(field.span.1).max(at)))
}

/// The HTTP/1.1 request checks. Returns, when the request has a key, the
/// expected accept value and what is wrong with the key.
pub(crate) fn check(
    req: &Head<'_>,
    format: Format,
    f: &mut Findings<'_>,
) -> Option<(String, Vec<KeyProblem>)> {
    // RFC 6455 §4.1 item 2: "The method of the request MUST be GET".
    if let Some(method) = &req.method
        && method.as_str() != "GET"
    {
        f.fire(&METHOD, format!("the method is {}, not GET", method.as_str()), Some(method));
    }
    // RFC 6455 §4.1 item 2: "the HTTP version MUST be at least 1.1", in the
    // `HTTP/` DIGIT "." DIGIT of an HTTP/1 request line (RFC 9112 §2.3).
    if let Some(version) = &req.version {
        let v = version.as_str();
        match http1_version(v) {
            Some((b'1', b'1')) => {}
            Some((b'1', minor)) if minor > b'1' => {
                f.fire(
                    &HTTP_VERSION_MINOR,
                    format!("the request is {v}, which servers do not read as HTTP/1.1"),
                    Some(version),
                );
            }
            Some((major, _)) if major > b'1' => {
                f.fire(
                    &HTTP_VERSION_MAJOR,
                    format!("the request line says {v}: a server answers 505"),
                    Some(version),
                );
            }
            _ => f.fire(&HTTP_VERSION, format!("the request is {v}, not HTTP/1.1"), Some(version)),
        }
    }
    // RFC 6455 §4.1 item 3 and §3; RFC 9112 §3.2.
    if let Some(target) = &req.target
        && let Some(problem) = target_problem(target.as_str())
    {
        f.fire(&TARGET, problem, Some(target));
    }
    // RFC 6455 §4.1 item 3: an absolute target is http or https. Only the
    // formats that hold the bytes sent: DevTools and HAR show the ws URL.
    if let Some(target) = &req.target
        && matches!(format, Format::Raw | Format::Curl)
        && let Some(scheme) = ws_scheme(target.as_str())
    {
        f.fire(
            &TARGET_WS_URI,
            format!("the request target is a {scheme}:// URI; on the wire it is the path and query"),
            Some(target),
        );
    }
    // RFC 9112 §3.2: exactly one valid Host.
    let mut hosts = req.known_fields(const { Known::lower("host") });
    match (hosts.next(), hosts.next()) {
        (None, _) => f.fire(&HOST, "Host is missing", anchor(req)),
        (Some(_), Some(second)) => f.fire(&HOST, "Host appears more than once", Some(&second.name)),
        (Some(host), None) => {
            if !valid_host(host.value.as_str()) {
                f.fire(
                    &HOST,
                    format!("Host {:?} is not a valid host[:port]", host.value.as_str()),
                    Some(&host.value),
                );
            }
        }
    }
    // RFC 6455 §4.2.1 item 3: an Upgrade header field containing "websocket".
    check_list_header(
        req,
        "upgrade",
        &UPGRADE,
        |v| {
            // A single token (the common case) is the whole list.
            if is_token(v) {
                return Ok(v.eq_ignore_ascii_case("websocket"));
            }
            // One pass: the first grammar error, else whether `websocket` is there.
            let mut websocket = false;
            for protocol in headers::parse_upgrade(v) {
                websocket |= matches!(protocol?, (name, None) if name.eq_ignore_ascii_case("websocket"));
            }
            Ok(websocket)
        },
        "websocket",
        f,
    );
    // RFC 6455 §4.2.1 item 4: a Connection header field including "Upgrade".
    check_list_header(req, "connection", &CONNECTION, headers::parse_connection, "Upgrade", f);
    // RFC 6455 §4.2.1 item 5 and §11.3.1: one key, base64 of 16 bytes.
    let mut keys = req.known_fields(const { Known::lower("sec-websocket-key") });
    let key = keys.next();
    if let Some(second) = keys.next() {
        f.fire_plain(&KEY_DUPLICATE, Some(&second.name));
    }
    let expected_accept = match key {
        None => {
            f.fire_plain(&KEY_MISSING, anchor(req));
            None
        }
        Some(key) => {
            let problems = accept::judge_key(key.value.as_str());
            let invalid: Vec<String> =
                problems.iter().filter(|p| p.is_invalid()).map(KeyProblem::message).collect();
            if !invalid.is_empty() {
                f.fire(&KEY_INVALID, format!("Sec-WebSocket-Key: {}", invalid.join("; ")), Some(&key.value));
            } else if let Some(p) = problems.first() {
                f.fire(&KEY_NONCANONICAL, format!("Sec-WebSocket-Key is {}", p.message()), Some(&key.value));
            }
            Some((accept::accept(key.value.as_str()), problems))
        }
    };
    check_body(req, f);
    expected_accept
}

/// RFC 9110 §9.3.1 and RFC 6455 §4.1: nothing follows the head.
fn check_body(req: &Head<'_>, f: &mut Findings<'_>) {
    if let Some(body) = &req.body {
        f.fire(&BODY, format!("{} bytes follow the request head", body.span.1 - body.span.0), Some(body));
    } else if let Some(te) = req.known_field(const { Known::lower("transfer-encoding") }) {
        f.fire(&BODY, "the request has Transfer-Encoding", Some(&te.name));
    } else if let Some(cl) = req.known_field(const { Known::lower("content-length") })
        && cl.value.as_str() != "0"
    {
        f.fire(&BODY, format!("the request has Content-Length: {}", cl.value.as_str()), Some(&cl.name));
    }
}

/// A list header that must contain `token`: missing, malformed, or lacking it.
fn check_list_header(
    head: &Head<'_>,
    name: &str,
    rule: &'static Rule,
    contains: impl Fn(&str) -> Result<bool, GrammarError>,
    token: &str,
    f: &mut Findings<'_>,
) {
    let mut found = false;
    let mut last = None;
    for h in head.known_fields(Known::of(name)) {
        last = Some(h);
        match contains(h.value.as_str()) {
            Ok(has) => found |= has,
            Err(e) => {
                f.fire(rule, e.message(h.name.as_str()), Some(grammar_at(&h.value, e)));
                return;
            }
        }
    }
    match last {
        None => f.fire(rule, format!("{} is missing", headers::title(name)), anchor(head)),
        Some(h) if !found => f.fire(
            rule,
            format!("{}: {} does not contain {token:?}", h.name.as_str(), h.value.as_str()),
            Some(&h.value),
        ),
        Some(_) => {}
    }
}

/// The major and minor digits of `HTTP/` DIGIT "." DIGIT (RFC 9112 §2.3).
pub(crate) fn http1_version(v: &str) -> Option<(u8, u8)> {
    match v.strip_prefix("HTTP/")?.as_bytes() {
        &[major, b'.', minor] if major.is_ascii_digit() && minor.is_ascii_digit() => Some((major, minor)),
        _ => None,
    }
}

/// What is wrong with a request-target, if anything.
pub(crate) fn target_problem(target: &str) -> Option<String> {
    if has_space_or_control(target) {
        return Some("the request target contains whitespace or a control character".into());
    }
    if target.contains('#') {
        return Some("the request target has a fragment (#...); WebSocket URIs have none".into());
    }
    if target.starts_with('/') {
        return None;
    }
    for scheme in ["http://", "https://", "ws://", "wss://"] {
        if target.len() > scheme.len()
            && target.get(..scheme.len()).is_some_and(|s| s.eq_ignore_ascii_case(scheme))
        {
            return None;
        }
    }
    Some(format!("the request target {target:?} is neither a path (/...) nor an http(s)/ws(s) URI"))
}

/// `ws` or `wss` when `target` is an absolute URI of that scheme.
fn ws_scheme(target: &str) -> Option<&'static str> {
    let (scheme, rest) = target.split_once("://")?;
    (!rest.is_empty()).then_some(())?;
    ["ws", "wss"].into_iter().find(|s| scheme.eq_ignore_ascii_case(s))
}

/// Whitespace or a control character (RFC 3986 allows neither in a URI).
pub(crate) fn has_space_or_control(text: &str) -> bool {
    text.bytes().any(|b| b <= b' ' || b == 0x7f)
}

/// RFC 9110 §7.2: `Host = uri-host [ ":" port ]`, checked loosely: non-empty,
/// no whitespace, userinfo, path or other delimiters, digits for the port.
pub(crate) fn valid_host(host: &str) -> bool {
    // One pass: no bad byte, and where the colons are.
    let (mut colons, mut last_colon) = (0, 0);
    for (i, b) in host.bytes().enumerate() {
        if b <= b' ' || b == 0x7f || matches!(b, b'/' | b'@' | b'?' | b'#' | b'\\' | b',') {
            return false;
        }
        if b == b':' {
            (colons, last_colon) = (colons + 1, i);
        }
    }
    if host.is_empty() {
        return false;
    }
    let (name, port) = if let Some(rest) = host.strip_prefix('[') {
        // IP-literal: [v6]:port
        match rest.split_once(']') {
            Some((_, "")) => return true,
            Some((_, after)) => match after.strip_prefix(':') {
                Some(port) => ("[v6]", port),
                None => return false,
            },
            None => return false,
        }
    } else if colons == 0 {
        (host, "0")
    } else if colons == 1 {
        (&host[..last_colon], &host[last_colon + 1..])
    } else {
        // The name before the last colon has a colon itself.
        return false;
    };
    !name.is_empty() && port.len() <= 5 && port.bytes().all(|b| b.is_ascii_digit())
}

/// Checks that apply to HTTP/1.1 and HTTP/2 requests alike: version, origin,
/// subprotocols and extensions.
pub(crate) fn check_negotiation<'h>(req: &'h Head<'h>, f: &mut Findings<'_>) -> Offers<'h> {
    // RFC 6455 §4.2.1 item 6 and §11.3.5: one Sec-WebSocket-Version, 13.
    let mut versions = req.known_fields(const { Known::lower("sec-websocket-version") });
    match (versions.next(), versions.next()) {
        (None, _) => f.fire_plain(&VERSION_MISSING, anchor(req)),
        (Some(v), second) => {
            if let Some(second) = second {
                f.fire_plain(&VERSION_DUPLICATE, Some(&second.name));
            }
            if v.value.as_str() != "13" {
                f.fire(
                    &VERSION_UNSUPPORTED,
                    format!(
                        "Sec-WebSocket-Version is {:?}; only 13 is defined{}",
                        v.value.as_str(),
                        match v.value.as_str() {
                            "9" | "10" | "11" | "12" => " (9-12 are reserved)",
                            "8" | "7" => " (that was a draft of RFC 6455)",
                            _ => "",
                        }
                    ),
                    Some(&v.value),
                );
            }
        }
    }
    // RFC 6455 §4.1 item 8 and §10.2: browsers send Origin.
    if req.known_field(const { Known::lower("origin") }).is_none() {
        f.fire_plain(&ORIGIN_MISSING, anchor(req));
    }
    // RFC 6455 §4.1 item 10: 1#token, all unique.
    let mut offered: Vec<&str> = Vec::new();
    'fields: for h in req.known_fields(const { Known::lower("sec-websocket-protocol") }) {
        if headers::list_elements(h.value.as_str()).next().is_none() {
            f.fire(&PROTOCOL_SYNTAX, "Sec-WebSocket-Protocol is empty", Some(&h.value));
            continue;
        }
        for p in headers::parse_protocol_list(h.value.as_str()) {
            match p {
                Err(e) => {
                    f.fire(
                        &PROTOCOL_SYNTAX,
                        e.message("Sec-WebSocket-Protocol"),
                        Some(grammar_at(&h.value, e)),
                    );
                    continue 'fields;
                }
                Ok(p) if offered.contains(&p) => {
                    f.fire(
                        &PROTOCOL_DUPLICATE,
                        format!("the subprotocol {p:?} is offered twice"),
                        Some(&h.value),
                    );
                }
                Ok(p) => offered.push(p),
            }
        }
    }
    // RFC 6455 §9.1: the extension-list grammar; RFC 7692 §7 for the offers.
    let mut extensions = Vec::new();
    for h in req.known_fields(const { Known::lower("sec-websocket-extensions") }) {
        let start = extensions.len();
        match headers::push_extension_list(h.value.as_str(), &mut extensions, |e| e) {
            Err(e) => f.fire(
                &EXTENSIONS_SYNTAX,
                e.message("Sec-WebSocket-Extensions"),
                Some(grammar_at(&h.value, e)),
            ),
            Ok(()) => {
                for ext in extensions[start..].iter().filter(|e| e.name.eq_ignore_ascii_case(deflate::NAME)) {
                    deflate::check_params(ext, &h.value, true, f);
                }
            }
        }
    }
    let version = req.known_field(const { Known::lower("sec-websocket-version") }).map(|h| h.value.as_str());
    Offers { version, protocols: offered, extensions }
}
