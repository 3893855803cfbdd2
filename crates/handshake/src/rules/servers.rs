//! What ws, python websockets and gorilla answer to a whole request. Each reads
//! a request in its own order and answers at its first objection: first its
//! HTTP stack's parser (Node's llhttp and `http` server, websockets' own
//! parser, Go's `net/http`), then the library's handshake checks. Each order
//! below is read from the sources of node ws 8.23 on Node.js 20
//! (`lib/websocket-server.js` `handleUpgrade`, Node's `parserOnIncoming`),
//! python websockets 17.4 (`http11.py` `Request.parse`, `server.py`
//! `process_request`) and gorilla/websocket 1.5.0 on Go 1.19's `net/http`
//! (`readRequest`, `conn.readRequest`; gorilla's `Upgrade`), and measured by
//! e2e/peers/refusals.test.mjs with requests holding several defects.

use super::{Rule, http, request};
use crate::head::{Head, HeadProblemKind};
use crate::report::Answer::{self, Accepts, Closes, Status};
use crate::report::{Finding, ServerAnswers};

/// One check in a server's order: a rule, and what the server answers when
/// that rule fired on the request. `Accepts` means the server lets it pass
/// (it does not check this, or not this instance of it) and reads on.
struct Check {
    rule: &'static Rule,
    /// `None`: the rule's own table (`Rule::servers`) says it.
    answer: Option<fn(&Head<'_>) -> Answer>,
}

/// The rule's table answer for this server.
const fn table(rule: &'static Rule) -> Check {
    Check { rule, answer: None }
}

/// An answer that depends on the request.
const fn when(rule: &'static Rule, answer: fn(&Head<'_>) -> Answer) -> Check {
    Check { rule, answer: Some(answer) }
}

/// Node's `ws`, with the HTTP server it creates itself.
static WS: &[Check] = &[
    // llhttp, before any JavaScript runs: 400 (431 past Node's 16 KiB).
    table(&http::START_LINE),
    table(&http::HEADER_SYNTAX),
    when(&http::OBS_FOLD, |_| Status(400)),
    table(&http::TOO_LARGE),
    when(&request::METHOD, |req| if llhttp_method(req) { Accepts } else { Status(400) }),
    // llhttp reads HTTP/0.9 and 1.0 (ws does not look further) and no
    // other version below 1.1.
    when(&request::HTTP_VERSION, |req| match req.version() {
        Some("HTTP/1.0" | "HTTP/0.9") => Accepts,
        _ => Status(400),
    }),
    // Of the newer ones it reads only 2.0 (and ws then goes on as for 1.1).
    when(
        &request::HTTP_VERSION_MAJOR,
        |req| if req.version() == Some("HTTP/2.0") { Accepts } else { Status(400) },
    ),
    when(&request::HTTP_VERSION_MINOR, |_| Status(400)),
    when(&request::TARGET, parser_target),
    // Node hands a CONNECT it has read to a `connect` listener, and with
    // none drops the connection.
    when(&request::METHOD, |req| if connect(req) { Closes } else { Accepts }),
    // Node's http server: a request without both `Upgrade` and the
    // `upgrade` token in Connection is no upgrade; Node answers 400 to one in
    // HTTP/1.1 without Host (RFC 9112 §3.2), and ws's own handler 426.
    when(&request::HOST, |req| {
        let plain = !node_upgrade(req) && req.version() == Some("HTTP/1.1");
        if plain && req.header("host").is_none() { Status(400) } else { Accepts }
    }),
    when(&request::CONNECTION, |_| Status(426)),
    when(&request::UPGRADE, |req| if req.header("upgrade").is_none() { Status(426) } else { Accepts }),
    // ws's handleUpgrade: method, Upgrade, key, version, subprotocols. It
    // reads Sec-WebSocket-Extensions only with permessage-deflate on (off
    // by default).
    table(&request::METHOD),
    when(&request::UPGRADE, |_| Status(400)),
    table(&request::KEY_MISSING),
    table(&request::KEY_INVALID),
    table(&request::KEY_DUPLICATE),
    table(&request::VERSION_MISSING),
    // ws speaks the hybi draft's version 8 as well as 13.
    when(&request::VERSION_UNSUPPORTED, |req| {
        let eight = req.header("sec-websocket-version").is_some_and(|v| v.trim() == "8");
        if eight { Accepts } else { Status(400) }
    }),
    table(&request::VERSION_DUPLICATE),
    table(&request::PROTOCOL_SYNTAX),
    table(&request::PROTOCOL_DUPLICATE),
    // Not looked at: the extensions, Host in an upgrade.
    table(&request::EXTENSIONS_SYNTAX),
    table(&request::HOST),
];

/// Python's `websockets` (its own HTTP/1.1 parser).
static WEBSOCKETS: &[Check] = &[
    // Request.parse: anything it cannot read closes the connection without
    // a response (431 or 414 past its limits).
    table(&http::START_LINE),
    table(&http::HEADER_SYNTAX),
    when(&http::OBS_FOLD, |_| Closes),
    table(&http::TOO_LARGE),
    // It reads HTTP/1.0 (to refuse it below) and no other version.
    when(&request::HTTP_VERSION, |req| if req.version() == Some("HTTP/1.0") { Accepts } else { Closes }),
    table(&request::HTTP_VERSION_MAJOR),
    when(&request::HTTP_VERSION_MINOR, |_| Closes),
    // process_request, in this order.
    table(&request::METHOD),
    table(&request::HTTP_VERSION),
    table(&request::CONNECTION),
    table(&request::UPGRADE),
    table(&request::KEY_MISSING),
    table(&request::KEY_DUPLICATE),
    table(&request::KEY_INVALID),
    table(&request::VERSION_MISSING),
    table(&request::VERSION_DUPLICATE),
    table(&request::VERSION_UNSUPPORTED),
    table(&request::EXTENSIONS_SYNTAX),
    table(&request::PROTOCOL_SYNTAX),
    table(&request::PROTOCOL_DUPLICATE),
    // Not looked at.
    table(&request::TARGET),
    table(&request::HOST),
];

/// Go's `gorilla/websocket` on Go's `net/http` server.
static GORILLA: &[Check] = &[
    // net/http's readRequest, before the handler: 400 (431 past 1 MiB).
    table(&http::START_LINE),
    table(&http::TOO_LARGE),
    when(&request::TARGET, parser_target),
    when(&request::HTTP_VERSION, |req| if go_version(req).is_some() { Accepts } else { Status(400) }),
    // textproto reads a field line without a colon no further.
    when(&http::HEADER_SYNTAX, |req| {
        let no_colon = req.problems.iter().any(|p| p.kind == HeadProblemKind::NoColon);
        if no_colon { Status(400) } else { Accepts }
    }),
    when(&request::HOST, |req| if two_hosts(req) { Status(400) } else { Accepts }),
    // Then the server: HTTP/1.x only (505), Host, field names and values.
    when(&request::HTTP_VERSION, |req| match go_version(req) {
        Some(b'1') => Accepts,
        _ => Status(505),
    }),
    table(&request::HTTP_VERSION_MAJOR),
    // Any HTTP/1.x is read as 1.1: HTTP_VERSION_MINOR passes.
    when(&request::HOST, go_host),
    table(&http::HEADER_SYNTAX),
    // Upgrader.Upgrade, in this order.
    table(&request::CONNECTION),
    table(&request::UPGRADE),
    table(&request::METHOD),
    // Any copy whose token list holds 13 will do.
    when(&request::VERSION_MISSING, |_| Status(400)),
    when(&request::VERSION_UNSUPPORTED, gorilla_version),
    when(&request::VERSION_DUPLICATE, gorilla_version),
    table(&request::KEY_MISSING),
    // Only an empty key is refused.
    when(&request::KEY_INVALID, |req| {
        if req.header("sec-websocket-key").is_some_and(str::is_empty) { Status(400) } else { Accepts }
    }),
    table(&request::KEY_DUPLICATE),
    table(&request::PROTOCOL_SYNTAX),
    table(&request::PROTOCOL_DUPLICATE),
    table(&request::EXTENSIONS_SYNTAX),
];

/// What each server answers to `req`, given every finding on it.
pub(crate) fn answers(req: &Head<'_>, findings: &[Finding]) -> ServerAnswers {
    let first = |order: &[Check], pick: fn(ServerAnswers) -> Answer| {
        order
            .iter()
            .filter(|c| findings.iter().any(|f| f.rule.id == c.rule.id))
            .map(|c| match c.answer {
                Some(answer) => answer(req),
                None => c.rule.servers.map_or(Accepts, pick),
            })
            .find(|a| *a != Accepts)
            .unwrap_or(Accepts)
    };
    ServerAnswers {
        ws: first(WS, |s| s.ws),
        websockets: first(WEBSOCKETS, |s| s.websockets),
        gorilla: first(GORILLA, |s| s.gorilla),
    }
}

/// Node's and Go's parsers refuse a target that is neither a path, `*` nor
/// an absolute URI (400), and pass the rest (a fragment, another scheme) on.
/// They read CONNECT's target as an authority (`host:port`).
fn parser_target(req: &Head<'_>) -> Answer {
    let target = req.target().unwrap_or("");
    if connect(req) && !target.starts_with('/') && !request::has_space_or_control(target) {
        return Accepts;
    }
    let parses = target.starts_with('/') || target == "*" || has_scheme(target);
    if parses && !request::has_space_or_control(target) { Accepts } else { Status(400) }
}

/// `scheme ":"` (RFC 3986 §3.1): a letter, then letters, digits, `+`, `-`, `.`.
fn has_scheme(target: &str) -> bool {
    target.split_once(':').is_some_and(|(scheme, _)| {
        scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    })
}

/// The methods llhttp reads in a request (Node's `http.METHODS`); it answers
/// 400 to any other, such as `get`.
fn llhttp_method(req: &Head<'_>) -> bool {
    const METHODS: &str = "ACL BIND CHECKOUT CONNECT COPY DELETE GET HEAD LINK LOCK M-SEARCH MERGE MKACTIVITY \
        MKCALENDAR MKCOL MOVE NOTIFY OPTIONS PATCH POST PROPFIND PROPPATCH PURGE PUT QUERY REBIND REPORT SEARCH \
        SOURCE SUBSCRIBE TRACE UNBIND UNLINK UNLOCK UNSUBSCRIBE";
    req.method().is_some_and(|m| METHODS.split_ascii_whitespace().any(|known| known == m))
}

fn connect(req: &Head<'_>) -> bool {
    req.method() == Some("CONNECT")
}

/// Go's `ParseHTTPVersion`: the major digit of `HTTP/d.d`, or `None` when
/// the version is malformed (400).
fn go_version(req: &Head<'_>) -> Option<u8> {
    request::http1_version(req.version()?).map(|(major, _)| major)
}

/// Whether llhttp calls this an upgrade: an Upgrade field, and `upgrade`
/// among Connection's tokens.
fn node_upgrade(req: &Head<'_>) -> bool {
    req.header("upgrade").is_some() && has_token(req, "connection", "upgrade")
}

/// Whether a comma-separated field `name` holds `token` (case-insensitive)
/// in any of its copies, as gorilla's `tokenListContainsValue` reads it.
fn has_token(req: &Head<'_>, name: &str, token: &str) -> bool {
    req.headers_named(name).any(|h| h.value.as_str().split(',').any(|t| t.trim().eq_ignore_ascii_case(token)))
}

fn two_hosts(req: &Head<'_>) -> bool {
    req.headers_named("host").nth(1).is_some()
}

/// Go refuses (400) an HTTP/1.1 request without Host (but for CONNECT), or
/// one with a byte no host can hold; it passes the rest, port or not.
fn go_host(req: &Head<'_>) -> Answer {
    let refused = match req.header("host") {
        None => req.version() != Some("HTTP/1.0") && !connect(req),
        Some(host) => !host.bytes().all(go_host_byte),
    };
    if refused { Status(400) } else { Accepts }
}

/// golang.org/x/net/http/httpguts.ValidHostHeader's bytes.
fn go_host_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!$%&'()*+,-.:;=@[]_~".contains(&b)
}

fn gorilla_version(req: &Head<'_>) -> Answer {
    if has_token(req, "sec-websocket-version", "13") { Accepts } else { Status(400) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint;
    use crate::report::Severity;

    const GOOD: &str = "GET /chat HTTP/1.1\r\nHost: server.example.com\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";

    /// The verdict's answers for `GOOD` with each `(from, to)` replaced.
    fn answers_to(edits: &[(&str, &str)]) -> (Answer, Answer, Answer) {
        let mut text = GOOD.to_string();
        for (from, to) in edits {
            assert!(text.contains(from), "{from:?}");
            text = text.replacen(from, to, 1);
        }
        let lint = lint(text.as_bytes()).unwrap();
        let s = lint.exchanges[0].verdict.servers.unwrap_or_else(|| panic!("no answers for {text}"));
        (s.ws, s.websockets, s.gorilla)
    }

    #[test]
    fn a_bare_get_is_refused_by_each_server_its_own_way() {
        // Issue #15: Node answers a plain HTTP/1.1 request without Host itself;
        // websockets objects to Connection first; Go to the missing Host.
        let lint = lint(b"GET / HTTP/1.1\r\n\r\n").unwrap();
        let s = lint.exchanges[0].verdict.servers.unwrap();
        assert_eq!((s.ws, s.websockets, s.gorilla), (Status(400), Status(426), Status(400)));
        // Without Host alone, only Go objects.
        assert_eq!(answers_to(&[("Host: server.example.com\r\n", "")]), (Accepts, Accepts, Status(400)));
    }

    #[test]
    fn each_server_stops_at_its_own_first_objection() {
        // ws reads the method before Upgrade's value; gorilla the other way round.
        assert_eq!(
            answers_to(&[("GET ", "POST "), ("Upgrade: websocket", "Upgrade: h2c")]),
            (Status(405), Status(405), Status(400))
        );
        // Without Connection Node never hands ws the request: 426 whatever the key.
        assert_eq!(
            answers_to(&[("Connection: Upgrade\r\n", ""), ("dGhlIHNhbXBsZSBub25jZQ==", "AAAA")]),
            (Status(426), Status(426), Status(400))
        );
        // websockets checks the method, then the version (505).
        assert_eq!(
            answers_to(&[("HTTP/1.1", "HTTP/1.0"), ("Host: server.example.com\r\n", ""), ("GET ", "POST ")]),
            (Status(405), Status(405), Status(405))
        );
        assert_eq!(
            answers_to(&[("HTTP/1.1", "HTTP/1.0"), ("Upgrade: websocket\r\n", "")]),
            (Status(426), Status(505), Status(400))
        );
        // ws reads the key before the version: version 8 does not save a bad key.
        assert_eq!(
            answers_to(&[
                ("Version: 13", "Version: 8"),
                ("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n", "")
            ]),
            (Status(400), Status(400), Status(400))
        );
        // A parser objection comes first: llhttp refuses `get`, websockets closes.
        assert_eq!(
            answers_to(&[("GET ", "get "), ("Connection: Upgrade", "Connection : Upgrade")]),
            (Status(400), Closes, Status(400))
        );
        assert_eq!(answers_to(&[("GET ", "get ")]), (Status(400), Status(405), Status(405)));
        assert_eq!(answers_to(&[("GET ", "CONNECT ")]), (Closes, Status(405), Status(405)));
        // HTTP/0.9: ws does not look, websockets cannot read it, Go answers 505.
        assert_eq!(answers_to(&[("HTTP/1.1", "HTTP/0.9")]), (Accepts, Closes, Status(505)));
        // A version none of the parsers can read.
        assert_eq!(answers_to(&[("HTTP/1.1", "HTTP/1")]), (Status(400), Closes, Status(400)));
        // Go reads two Hosts as a broken request (400) and a space before a
        // colon as a bad field name, after the version (505).
        let two_hosts = ("Upgrade: websocket", "Host: example.com\r\nUpgrade: websocket");
        assert_eq!(answers_to(&[("HTTP/1.1", "HTTP/0.9"), two_hosts]).2, Status(400));
        assert_eq!(answers_to(&[("HTTP/1.1", "HTTP/0.9"), ("Upgrade:", "Upgrade :")]).2, Status(505));
        // Node and Go read CONNECT's target as an authority.
        assert_eq!(answers_to(&[("GET /chat ", "CONNECT chat ")]), (Closes, Status(405), Status(405)));
        // A folded field stops ws and websockets; Go unfolds it.
        assert_eq!(
            answers_to(&[("Version: 13\r\n", "Version: 13\r\nX-Fold: a\r\n b\r\n"), ("GET ", "POST ")]),
            (Status(400), Closes, Status(405))
        );
    }

    #[test]
    fn go_refuses_only_hosts_it_cannot_read() {
        let with_host = |host: &str| {
            let host = format!("Host: {host}\r\n");
            answers_to(&[("Host: server.example.com\r\n", &host)]).2
        };
        assert_eq!(with_host("server.example.com:http"), Accepts);
        assert_eq!(with_host("a b"), Status(400));
        assert_eq!(answers_to(&[("HTTP/1.1", "HTTP/1.0"), ("Host: server.example.com\r\n", "")]).2, Accepts);
        // CONNECT needs no Host in Go: gorilla gets to the method.
        assert_eq!(answers_to(&[("GET ", "CONNECT "), ("Host: server.example.com\r\n", "")]).2, Status(405));
    }

    /// Every request rule with a server table is in each server's order, once
    /// as a table entry or with its own answer.
    #[test]
    fn every_order_holds_every_refusing_request_rule() {
        for (name, order) in [("ws", WS), ("websockets", WEBSOCKETS), ("gorilla", GORILLA)] {
            for rule in super::super::CATALOGUE.iter().filter(|r| r.servers.is_some()) {
                assert!(order.iter().any(|c| c.rule.id == rule.id), "{name} does not order {}", rule.id);
            }
            for check in order {
                let request_side = check.rule.id.starts_with("req.") || check.rule.id.starts_with("http.");
                assert!(request_side && check.rule.severity != Severity::Info, "{name}: {}", check.rule.id);
            }
        }
    }
}
