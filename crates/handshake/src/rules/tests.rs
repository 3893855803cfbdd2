//! Every rule fires on a case made for it and stays quiet on a near miss.

use super::CATALOGUE;
use crate::lint;
use crate::rule::Answer;

mod sections;

const REQUEST: &str = "GET /chat HTTP/1.1\r\n\
Host: server.example.com\r\n\
Upgrade: websocket\r\n\
Connection: Upgrade\r\n\
Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\
Origin: http://example.com\r\n\
Sec-WebSocket-Protocol: chat, superchat\r\n\
Sec-WebSocket-Version: 13\r\n\
Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n\
\r\n";

const RESPONSE: &str = "HTTP/1.1 101 Switching Protocols\r\n\
Upgrade: websocket\r\n\
Connection: Upgrade\r\n\
Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\
Sec-WebSocket-Protocol: chat\r\n\
Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits=15\r\n\
\r\n";

const H2: &str = ":method: CONNECT\n\
:protocol: websocket\n\
:scheme: https\n\
:path: /chat\n\
:authority: server.example.com\n\
sec-websocket-version: 13\n\
origin: http://example.com\n\
sec-websocket-protocol: chat\n\
\n\
:status: 200\n\
sec-websocket-protocol: chat\n";

/// `text` with `from` replaced by `to` (which must be there).
fn sub(text: &str, from: &str, to: &str) -> String {
    assert!(text.contains(from), "{from:?} not in the base text");
    text.replacen(from, to, 1)
}

/// The pair with edits to the request and to the response.
fn pair(req: &[(&str, &str)], res: &[(&str, &str)]) -> String {
    let mut q = REQUEST.to_string();
    for (from, to) in req {
        q = sub(&q, from, to);
    }
    let mut r = RESPONSE.to_string();
    for (from, to) in res {
        r = sub(&r, from, to);
    }
    q + &r
}

fn req(from: &str, to: &str) -> String {
    pair(&[(from, to)], &[])
}

fn res(from: &str, to: &str) -> String {
    pair(&[], &[(from, to)])
}

fn h2(from: &str, to: &str) -> String {
    sub(H2, from, to)
}

/// The base request as DevTools' Headers tab gives it, with the ws URL in
/// the request line.
fn devtools_copy() -> String {
    let request = sub(REQUEST, "GET /chat", "GET ws://server.example.com/chat").replace("\r\n", "\n");
    format!("Request Headers\n{request}")
}

const KEY_LINE: &str = "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
const END: &str = "\r\n\r\n";

/// (rule, a capture that fires it, a near miss that must not).
fn cases() -> Vec<(&'static str, String, String)> {
    let many = |n: usize| (0..n).map(|i| format!("X-{i}: v\r\n")).collect::<String>();
    vec![
        (
            "http.start-line",
            req("GET /chat HTTP/1.1", "GET /chat HTTP/1.1 x"),
            req("GET /chat HTTP/1.1", "GET  /chat HTTP/1.1"),
        ),
        ("http.line-ending", pair(&[], &[]).replace("\r\n", "\n"), pair(&[], &[])),
        (
            "http.obs-fold",
            req("Origin: http://example.com\r\n", "Origin: http://example.com\r\n  more\r\n"),
            req("Origin: http://example.com", "Origin:  http://example.com "),
        ),
        ("http.header.syntax", req("Host: server", "Host : server"), req("Host: server", "Host:server")),
        (
            "http.header.duplicate",
            req(
                "Origin: http://example.com\r\n",
                "Origin: http://example.com\r\nOrigin: http://example.com\r\n",
            ),
            req(
                "Sec-WebSocket-Protocol: chat, superchat\r\n",
                "Sec-WebSocket-Protocol: chat\r\nSec-WebSocket-Protocol: superchat\r\n",
            ),
        ),
        (
            "http.too-large",
            req("Host: server.example.com\r\n", &format!("Host: server.example.com\r\n{}", many(300))),
            req("Host: server.example.com\r\n", &format!("Host: server.example.com\r\n{}", many(200))),
        ),
        ("req.method", req("GET /chat", "POST /chat"), pair(&[], &[])),
        (
            "req.http-version",
            req("HTTP/1.1\r\nHost", "HTTP/1.0\r\nHost"),
            req("HTTP/1.1\r\nHost", "HTTP/1.2\r\nHost"),
        ),
        // Not DIGIT "." DIGIT (RFC 9112 §2.3).
        (
            "req.http-version",
            req("HTTP/1.1\r\nHost", "HTTP/2\r\nHost"),
            req("HTTP/1.1\r\nHost", "HTTP/2.0\r\nHost"),
        ),
        (
            "req.http-version.major",
            req("HTTP/1.1\r\nHost", "HTTP/2.0\r\nHost"),
            req("HTTP/1.1\r\nHost", "HTTP/1.9\r\nHost"),
        ),
        (
            "req.http-version.minor",
            req("HTTP/1.1\r\nHost", "HTTP/1.2\r\nHost"),
            req("HTTP/1.1\r\nHost", "HTTP/3.0\r\nHost"),
        ),
        ("req.target", req("/chat", "/chat#top"), req("/chat", "http://server.example.com/chat?x=1")),
        (
            "req.target.ws-uri",
            req("GET /chat", "GET wss://server.example.com/chat"),
            req("GET /chat", "GET https://server.example.com/chat"),
        ),
        // Chromium's DevTools shows the ws URL in the request line: not the wire.
        ("req.target.ws-uri", req("GET /chat", "GET WS://server.example.com/chat"), devtools_copy()),
        (
            "req.host",
            req("Host: server.example.com\r\n", ""),
            req("server.example.com\r\n", "server.example.com:8080\r\n"),
        ),
        (
            "req.upgrade",
            req("Upgrade: websocket", "Upgrade: websockets"),
            req("Upgrade: websocket", "Upgrade: WebSocket"),
        ),
        (
            "req.connection",
            req("Connection: Upgrade", "Connection: keep-alive"),
            req("Connection: Upgrade", "Connection: keep-alive, Upgrade"),
        ),
        ("req.key.missing", req(KEY_LINE, ""), pair(&[], &[])),
        ("req.key.duplicate", req(KEY_LINE, &format!("{KEY_LINE}{KEY_LINE}")), pair(&[], &[])),
        (
            "req.key.invalid",
            req("dGhlIHNhbXBsZSBub25jZQ==", "abc123=="),
            req("dGhlIHNhbXBsZSBub25jZQ==", "AQIDBAUGBwgJCgsMDQ4PEC=="),
        ),
        (
            "req.key.noncanonical",
            req("dGhlIHNhbXBsZSBub25jZQ==", "AQIDBAUGBwgJCgsMDQ4PEC=="),
            req("dGhlIHNhbXBsZSBub25jZQ==", "AQIDBAUGBwgJCgsMDQ4PEA=="),
        ),
        ("req.version.missing", req("Sec-WebSocket-Version: 13\r\n", ""), pair(&[], &[])),
        (
            "req.version.duplicate",
            req(
                "Sec-WebSocket-Version: 13\r\n",
                "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Version: 13\r\n",
            ),
            pair(&[], &[]),
        ),
        ("req.version.unsupported", req("Version: 13", "Version: 8"), pair(&[], &[])),
        ("req.origin.missing", req("Origin: http://example.com\r\n", ""), pair(&[], &[])),
        (
            "req.protocol.syntax",
            req("chat, superchat", "chat superchat"),
            req("chat, superchat", "chat,superchat"),
        ),
        (
            "req.protocol.duplicate",
            req("chat, superchat", "chat, chat"),
            req("chat, superchat", "chat, Chat"),
        ),
        (
            "req.extensions.syntax",
            req("deflate; client_max_window_bits\r\n", "deflate; =15\r\n"),
            req("deflate; client_max_window_bits\r\n", "deflate; client_max_window_bits=\"15\"\r\n"),
        ),
        ("req.body", req(END, "\r\n\r\nhello"), req(END, "\r\nContent-Length: 0\r\n\r\n")),
        ("h2.method", h2(":method: CONNECT", ":method: GET"), H2.to_string()),
        ("h2.protocol", h2(":protocol: websocket\n", ""), H2.to_string()),
        ("h2.pseudo", h2(":authority: server.example.com\n", ""), H2.to_string()),
        ("h2.scheme", h2(":scheme: https", ":scheme: wss"), h2(":scheme: https", ":scheme: http")),
        ("h2.scheme", h2(":scheme: https", ":scheme: ws"), h2(":scheme: https", ":scheme: HTTPS")),
        (
            "h2.connection-specific",
            h2("origin:", "connection: upgrade\norigin:"),
            h2("origin:", "te: trailers\norigin:"),
        ),
        (
            "h2.key-present",
            h2("origin:", "sec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==\norigin:"),
            H2.to_string(),
        ),
        ("h2.status", h2(":status: 200", ":status: 101"), h2(":status: 200", ":status: 204")),
        ("res.status", res("101 Switching Protocols", "404 Not Found"), pair(&[], &[])),
        (
            "res.405.allow",
            res("101 Switching Protocols", "405 Method Not Allowed"),
            res("101 Switching Protocols\r\n", "405 Method Not Allowed\r\nAllow: GET\r\n"),
        ),
        (
            "res.upgrade",
            res("Upgrade: websocket", "Upgrade: h2c"),
            res("Upgrade: websocket", "Upgrade: WEBSOCKET"),
        ),
        (
            "res.connection",
            res("Connection: Upgrade", "Connection: close"),
            res("Connection: Upgrade", "Connection: keep-alive, upgrade"),
        ),
        (
            "res.accept.missing",
            res("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n", ""),
            pair(&[], &[]),
        ),
        (
            "res.accept.duplicate",
            res(
                "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n",
                "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n",
            ),
            pair(&[], &[]),
        ),
        (
            "res.protocol.empty",
            res("Sec-WebSocket-Protocol: chat", "Sec-WebSocket-Protocol: "),
            pair(&[], &[]),
        ),
        (
            "res.protocol.multiple",
            res("Sec-WebSocket-Protocol: chat", "Sec-WebSocket-Protocol: chat, superchat"),
            res("Sec-WebSocket-Protocol: chat", "Sec-WebSocket-Protocol: superchat"),
        ),
        (
            "res.extensions.syntax",
            res("deflate; client_max_window_bits=15", "deflate; client_max_window_bits=\"1 5\""),
            res("deflate; client_max_window_bits=15", "deflate; client_max_window_bits=\"15\""),
        ),
        ("res.101.body", res(END, "\r\nContent-Length: 0\r\n\r\n"), pair(&[], &[])),
        (
            "res.accept.mismatch",
            res("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", "xyz456=="),
            res("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", " s3pPLMBiTxaQ9kYGzzhZRbK+xOo= "),
        ),
        (
            "res.version-header",
            pair(&[("Version: 13", "Version: 8")], &[("101 Switching Protocols", "426 Upgrade Required")]),
            pair(
                &[("Version: 13", "Version: 8")],
                &[("101 Switching Protocols\r\n", "426 Upgrade Required\r\nSec-WebSocket-Version: 13\r\n")],
            ),
        ),
        (
            "res.protocol.not-offered",
            res("Protocol: chat", "Protocol: v2.chat"),
            res("Protocol: chat", "Protocol: superchat"),
        ),
        (
            "res.protocol.missing",
            res("Sec-WebSocket-Protocol: chat\r\n", ""),
            pair(
                &[("Sec-WebSocket-Protocol: chat, superchat\r\n", "")],
                &[("Sec-WebSocket-Protocol: chat\r\n", "")],
            ),
        ),
        (
            "res.extensions.not-offered",
            req("Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n", ""),
            pair(&[], &[]),
        ),
        (
            "pmd.param.unknown",
            res("max_window_bits=15", "max_window_bits=15; foo"),
            res("max_window_bits=15", "max_window_bits=15; server_no_context_takeover"),
        ),
        (
            "pmd.param.duplicate",
            res("client_max_window_bits=15", "server_no_context_takeover; server_no_context_takeover"),
            res("client_max_window_bits=15", "server_no_context_takeover; client_no_context_takeover"),
        ),
        (
            "pmd.param.value",
            res("max_window_bits=15", "max_window_bits=16"),
            res("max_window_bits=15", "max_window_bits=8"),
        ),
        (
            "pmd.response.multiple",
            res("max_window_bits=15", "max_window_bits=15, permessage-deflate"),
            pair(&[], &[]),
        ),
        (
            "pmd.response.client-window-not-offered",
            req("deflate; client_max_window_bits", "deflate"),
            pair(&[], &[]),
        ),
        (
            "pmd.response.server-window-larger",
            pair(
                &[("client_max_window_bits\r\n", "server_max_window_bits=10\r\n")],
                &[("client_max_window_bits=15", "server_max_window_bits=12")],
            ),
            pair(
                &[("client_max_window_bits\r\n", "server_max_window_bits=10\r\n")],
                &[("client_max_window_bits=15", "server_max_window_bits=10")],
            ),
        ),
        (
            "proxy.upgrade-dropped",
            res(
                "HTTP/1.1 101 Switching Protocols\r\n",
                "HTTP/1.1 426 Upgrade Required\r\nServer: nginx/1.22.1\r\n",
            ),
            res(
                "HTTP/1.1 101 Switching Protocols\r\n",
                "HTTP/1.1 426 Upgrade Required\r\nServer: uvicorn\r\n",
            ),
        ),
        (
            "proxy.bad-gateway",
            res("HTTP/1.1 101 Switching Protocols\r\n", "HTTP/1.1 502 Bad Gateway\r\nServer: nginx\r\n"),
            res("HTTP/1.1 101 Switching Protocols\r\n", "HTTP/1.1 503 Service Unavailable\r\n"),
        ),
    ]
}

fn fired(text: &str) -> Vec<&'static str> {
    match lint(text.as_bytes()) {
        Ok(l) => l.exchanges.iter().flat_map(|e| e.findings.iter().map(|f| f.rule.id)).collect(),
        Err(e) => panic!("{e}: {text}"),
    }
}

#[test]
fn every_rule_fires_and_has_a_near_miss() {
    for (id, fire, miss) in cases() {
        assert!(fired(&fire).contains(&id), "{id} did not fire on:\n{fire}\nfired: {:?}", fired(&fire));
        assert!(!fired(&miss).contains(&id), "{id} fired on its near miss:\n{miss}");
    }
}

#[test]
fn every_catalogue_entry_has_cases() {
    let cases = cases();
    for rule in CATALOGUE {
        assert!(cases.iter().any(|c| c.0 == rule.id), "no test case for {}", rule.id);
    }
    for case in &cases {
        assert!(super::rule(case.0).is_some(), "{} is not in the catalogue", case.0);
    }
}

#[test]
fn catalogue_is_well_formed() {
    for (i, rule) in CATALOGUE.iter().enumerate() {
        assert!(CATALOGUE[..i].iter().all(|r| r.id != rule.id), "{} twice", rule.id);
        assert!(!rule.message.is_empty() && !rule.explanation.is_empty() && !rule.fix.is_empty());
        assert!(!rule.message.ends_with('.'), "{}: one-line message without a full stop", rule.id);
    }
}

/// `RFC 6455 §4.2.1` -> ("6455", "4.2.1").
fn rfc_and_section(rfc: &str) -> Option<(&str, &str)> {
    let (number, section) = rfc.strip_prefix("RFC ")?.split_once(" §")?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    (digits(number) && section.split('.').all(digits)).then_some((number, section))
}

#[test]
fn every_rule_links_to_the_section_it_names() {
    for rule in CATALOGUE {
        if let Some((number, section)) = rfc_and_section(rule.rfc) {
            let url = format!("https://www.rfc-editor.org/rfc/rfc{number}#section-{section}");
            assert_eq!(rule.rfc_url, url, "{}: the link is not the section {:?} names", rule.id, rule.rfc);
        } else {
            // A rule only browsers enforce cites the WHATWG standard.
            assert_eq!(
                rule.rfc, "WHATWG WebSockets",
                "{}: {:?} is neither `RFC n §x.y` nor WHATWG",
                rule.id, rule.rfc
            );
            let anchor = rule.rfc_url.strip_prefix("https://websockets.spec.whatwg.org/#");
            assert!(
                anchor.is_some_and(|a| sections::WHATWG_ANCHORS.contains(&a)),
                "{}: {} is not a known anchor of the WHATWG WebSockets standard",
                rule.id,
                rule.rfc_url
            );
        }
    }
}

#[test]
fn every_rule_names_a_section_in_its_rfcs_table_of_contents() {
    for rule in CATALOGUE {
        let Some((number, section)) = rfc_and_section(rule.rfc) else { continue };
        let toc = sections::RFC_SECTIONS.iter().find(|(n, _)| *n == number);
        let Some((_, toc)) = toc else { panic!("{}: no table of contents for RFC {number}", rule.id) };
        assert!(toc.contains(&section), "{}: RFC {number} has no section {section}", rule.id);
    }
}

#[test]
fn the_section_checks_can_fail() {
    assert_eq!(rfc_and_section("RFC 6455 §4.2.1"), Some(("6455", "4.2.1")));
    for bad in ["RFC 6455", "RFC 6455 §", "RFC 6455 §4.x", "6455 §4.1", "WHATWG WebSockets"] {
        assert_eq!(rfc_and_section(bad), None, "{bad}");
    }
    let toc = |n: &str| sections::RFC_SECTIONS.iter().find(|(m, _)| *m == n).unwrap().1;
    // Sections a rule once named wrongly, or that never existed.
    assert!(
        !toc("6455").contains(&"4.2.3") && !toc("6455").contains(&"5.5.4") && !toc("7692").contains(&"6.3")
    );
}

#[test]
fn raw_captures_flag_a_ws_target_and_devtools_copies_do_not() {
    let ws = req("GET /chat", "GET ws://server.example.com/chat");
    let l = lint(ws.as_bytes()).unwrap();
    let e = &l.exchanges[0];
    let rules: Vec<_> = e.findings.iter().map(|f| (f.rule.id, f.severity)).collect();
    assert_eq!(rules, [("req.target.ws-uri", crate::Severity::Warning)]);
    assert_eq!(e.verdict.server_accepts, Some(true));
    let copy = devtools_copy();
    let l = lint(copy.as_bytes()).unwrap();
    assert_eq!(l.format, crate::capture::Format::Devtools);
    assert!(
        l.exchanges[0].findings.iter().all(|f| f.rule.id != "req.target.ws-uri"),
        "{:?}",
        l.exchanges[0].findings
    );
}

#[test]
fn clean_pairs_have_no_findings() {
    for text in [pair(&[], &[]), H2.to_string()] {
        let lint = lint(text.as_bytes()).unwrap();
        assert_eq!(lint.exchanges.len(), 1);
        let e = &lint.exchanges[0];
        assert!(e.findings.is_empty(), "{:?}", e.findings);
        assert_eq!(e.verdict.browser_accepts, Some(true));
        assert_eq!(e.verdict.server_accepts, Some(true));
        assert_eq!(e.verdict.expected_status, None);
        assert_eq!(e.negotiated_protocol.as_deref(), Some("chat"));
    }
}

#[test]
fn verdicts() {
    let text = req("Upgrade: websocket\r\n", "");
    let l = lint(text.as_bytes()).unwrap();
    let v = l.exchanges[0].verdict;
    assert_eq!(v.server_accepts, Some(false));
    assert_eq!(v.expected_status, Some(426));
    let s = v.servers.unwrap();
    assert_eq!(
        (s.ws, s.websockets, s.gorilla),
        (Answer::Status(426), Answer::Status(426), Answer::Status(400))
    );
    // An Upgrade that names another protocol: Node hands it to ws, which answers 400.
    let text = req("Upgrade: websocket\r\n", "Upgrade: h2c\r\n");
    let s = lint(text.as_bytes()).unwrap().exchanges[0].verdict.servers.unwrap();
    assert_eq!(
        (s.ws, s.websockets, s.gorilla),
        (Answer::Status(400), Answer::Status(426), Answer::Status(400))
    );
    // ws accepts the hybi draft's version 8; a fragment in the target passes the parsers.
    let text = req("Sec-WebSocket-Version: 13", "Sec-WebSocket-Version: 8");
    let s = lint(text.as_bytes()).unwrap().exchanges[0].verdict.servers.unwrap();
    assert_eq!((s.ws, s.gorilla), (Answer::Accepts, Answer::Status(400)));
    let text = req("GET /chat", "GET /chat#top");
    let s = lint(text.as_bytes()).unwrap().exchanges[0].verdict.servers.unwrap();
    assert_eq!((s.ws, s.gorilla), (Answer::Accepts, Answer::Accepts));
    let text = req("GET /chat", "GET chat");
    let s = lint(text.as_bytes()).unwrap().exchanges[0].verdict.servers.unwrap();
    assert_eq!((s.ws, s.gorilla), (Answer::Status(400), Answer::Status(400)));

    let text = req("GET /chat", "POST /chat");
    let l = lint(text.as_bytes()).unwrap();
    assert_eq!(l.exchanges[0].verdict.expected_status, Some(405));

    let text = res("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", "xyz456==");
    let l = lint(text.as_bytes()).unwrap();
    let e = &l.exchanges[0];
    assert_eq!(e.verdict.browser_accepts, Some(false));
    assert_eq!(e.verdict.server_accepts, Some(true));
    assert_eq!(e.expected_accept.as_deref(), Some("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="));

    // A response alone: the accept cannot be checked.
    let l = lint(RESPONSE.as_bytes()).unwrap();
    assert_eq!(l.exchanges[0].verdict.browser_accepts, None);
    assert_eq!(l.exchanges[0].verdict.server_accepts, None);
    // A request alone.
    let l = lint(REQUEST.as_bytes()).unwrap();
    assert_eq!(l.exchanges[0].verdict.browser_accepts, None);
    assert_eq!(l.exchanges[0].verdict.server_accepts, Some(true));
}

#[test]
fn offers_with_bad_deflate_parameters_are_warnings() {
    let text = req("deflate; client_max_window_bits\r\n", "deflate; client_max_window_bits; foo=1\r\n");
    let l = lint(text.as_bytes()).unwrap();
    let f = l.exchanges[0].findings.iter().find(|f| f.rule.id == "pmd.param.unknown").unwrap();
    assert_eq!(f.severity, crate::Severity::Warning);
    assert_eq!(l.exchanges[0].verdict.server_accepts, Some(true));
}

#[test]
fn findings_point_at_the_text() {
    let text = res("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", "xyz456==");
    let l = lint(text.as_bytes()).unwrap();
    let f = l.exchanges[0].findings.iter().find(|f| f.rule.id == "res.accept.mismatch").unwrap();
    let (s, e) = f.span.unwrap();
    assert_eq!(&text[s..e], "xyz456==");
    assert_eq!(f.line, Some(14));
}

#[test]
fn corrected_versions_of_the_firing_cases_have_no_findings() {
    for (id, fire, _) in cases() {
        let l = lint(fire.as_bytes()).unwrap();
        for e in &l.exchanges {
            let fixed = crate::correct::corrected(e);
            let again = lint(fixed.as_bytes()).unwrap();
            let left: Vec<_> = again.exchanges.iter().flat_map(|e| &e.findings).collect();
            assert!(left.is_empty(), "{id}: {left:?}\n{fixed}");
        }
    }
}
