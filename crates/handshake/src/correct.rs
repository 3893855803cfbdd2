//! A corrected handshake derived from a linted exchange: the request and the
//! 101 (or 200 over HTTP/2) a correct server would answer, keeping whatever
//! the input got right (path, host, key, offers, other headers) and fixing the
//! rest. The web UI shows it as "Corrected version".

use std::borrow::Cow;
use std::fmt::Write;

use crate::accept::{self, SAMPLE_KEY};
use crate::head::{self, Head, MAX_HEADERS, is_token};
use crate::headers::{self, Extension};
use crate::report::ExchangeReport;
use crate::rules::{deflate, request};

/// Fields the corrected handshake writes itself.
const HANDSHAKE_FIELDS: &[&str] = &[
    "host",
    "upgrade",
    "connection",
    "sec-websocket-key",
    "sec-websocket-accept",
    "sec-websocket-version",
    "sec-websocket-protocol",
    "sec-websocket-extensions",
    "origin",
    "content-length",
    "transfer-encoding",
    "keep-alive",
    "proxy-connection",
    "te",
    "allow",
];

/// Other fields kept, at most (the corrected head stays within the limits).
const MAX_KEPT: usize = MAX_HEADERS - 16;

/// What the corrected handshake negotiates.
struct Plan {
    /// HTTP/2 or HTTP/3 extended CONNECT.
    extended_connect: bool,
    scheme: &'static str,
    target: String,
    host: String,
    origin: String,
    key: String,
    protocols: Vec<String>,
    selected_protocol: Option<String>,
    offers: Vec<String>,
    accepted: Vec<String>,
}

/// The corrected request and response, as raw HTTP/1.1 (CRLF line ends) or,
/// for an HTTP/2 or HTTP/3 exchange, as pseudo-header lines.
pub fn corrected(report: &ExchangeReport<'_>) -> String {
    let plan = plan(report);
    let mut out = String::new();
    let eol = if plan.extended_connect { "\n" } else { "\r\n" };
    let line = |out: &mut String, name: &str, value: &str| {
        let _ = write!(out, "{name}: {value}{eol}");
    };
    if plan.extended_connect {
        for (n, v) in [
            (":method", "CONNECT"),
            (":protocol", "websocket"),
            (":scheme", if plan.scheme == "http" { "http" } else { "https" }),
            (":path", &plan.target),
            (":authority", &plan.host),
            ("sec-websocket-version", "13"),
            ("origin", &plan.origin),
        ] {
            line(&mut out, n, v);
        }
    } else {
        let _ = write!(out, "GET {} HTTP/1.1{eol}", plan.target);
        for (n, v) in [
            ("Host", plan.host.as_str()),
            ("Upgrade", "websocket"),
            ("Connection", "Upgrade"),
            ("Sec-WebSocket-Key", &plan.key),
            ("Sec-WebSocket-Version", "13"),
            ("Origin", &plan.origin),
        ] {
            line(&mut out, n, v);
        }
    }
    let name = |n: &'static str| if plan.extended_connect { n.to_ascii_lowercase() } else { n.to_string() };
    if !plan.protocols.is_empty() {
        line(&mut out, &name("Sec-WebSocket-Protocol"), &plan.protocols.join(", "));
    }
    if !plan.offers.is_empty() {
        line(&mut out, &name("Sec-WebSocket-Extensions"), &plan.offers.join(", "));
    }
    keep_other_fields(&mut out, report.request.as_deref(), plan.extended_connect, eol);
    out.push_str(eol);
    if plan.extended_connect {
        line(&mut out, ":status", "200");
    } else {
        let _ = write!(out, "HTTP/1.1 101 Switching Protocols{eol}");
        line(&mut out, "Upgrade", "websocket");
        line(&mut out, "Connection", "Upgrade");
        line(&mut out, "Sec-WebSocket-Accept", &accept::accept(&plan.key));
    }
    if let Some(p) = &plan.selected_protocol {
        line(&mut out, &name("Sec-WebSocket-Protocol"), p);
    }
    if !plan.accepted.is_empty() {
        line(&mut out, &name("Sec-WebSocket-Extensions"), &plan.accepted.join(", "));
    }
    // Other fields of a successful response are kept; a refusal's are not.
    let response = report.response.as_deref().filter(|r| matches!(r.status(), None | Some(101) | Some(200)));
    keep_other_fields(&mut out, response, plan.extended_connect, eol);
    out.push_str(eol);
    out
}

/// Fields the input had that the handshake does not write itself, once each,
/// without syntax problems.
fn keep_other_fields(out: &mut String, head: Option<&Head<'_>>, h2: bool, eol: &str) {
    let Some(head) = head else { return };
    let mut kept: Vec<&str> = Vec::new();
    for h in head.headers() {
        let name = h.name.as_str();
        let lower = name.to_ascii_lowercase();
        let bad_value = h.value.as_str().bytes().any(|b| (b < 0x20 && b != b'\t') || b == 0x7f);
        if kept.len() >= MAX_KEPT
            || name.starts_with(':')
            || !is_token(name)
            || bad_value
            || HANDSHAKE_FIELDS.contains(&lower.as_str())
            || kept.iter().any(|k| k.eq_ignore_ascii_case(name))
        {
            continue;
        }
        kept.push(name);
        let shown = if h2 { Cow::Owned(lower) } else { Cow::Borrowed(name) };
        let _ = write!(out, "{shown}: {}{eol}", h.value.as_str());
    }
}

/// `scheme://authority/path?query` split into scheme, authority and
/// origin-form target.
fn split_absolute(target: &str) -> Option<(&str, &str, String)> {
    let uri = head::split_uri(target);
    let path = head::origin_form(&target[uri.path_and_query]).into_owned();
    Some((&target[uri.scheme?], &target[uri.authority], path))
}

fn plan(report: &ExchangeReport<'_>) -> Plan {
    let req = report.request.as_ref();
    let h2 = report.extended_connect;
    let header = |name: &str| req.and_then(|r| r.header(name));
    // Target: origin-form, without a fragment.
    let raw_target = req.and_then(|r| if h2 { r.header(":path") } else { r.target() }).unwrap_or("/");
    let raw_target = raw_target.split('#').next().unwrap_or("/");
    let absolute = split_absolute(raw_target);
    let mut target = match &absolute {
        Some((_, _, path)) => path.clone(),
        None => raw_target.to_string(),
    };
    if request::target_problem(&target).is_some() {
        target = "/".to_string();
    }
    let scheme: &'static str = match absolute.as_ref().map(|a| a.0.to_ascii_lowercase()) {
        Some(s) if s == "http" || s == "ws" => "http",
        Some(_) => "https",
        None => match header(":scheme") {
            Some("http") => "http",
            Some(_) => "https",
            None => "http",
        },
    };
    let host =
        [header(if h2 { ":authority" } else { "host" }), header("host"), absolute.as_ref().map(|a| a.1)]
            .into_iter()
            .flatten()
            .find(|h| request::valid_host(h))
            .unwrap_or("example.com")
            .to_string();
    let origin = header("origin")
        .filter(|o| !o.is_empty() && o.bytes().all(|b| b > b' ' && b != 0x7f))
        .map_or_else(|| format!("{scheme}://{host}"), str::to_string);
    // The key: kept when usable, canonicalised when it only lacks that (as
    // the checks judged it).
    let key = match report.key_problems.as_deref() {
        Some([]) => header("sec-websocket-key").map_or(SAMPLE_KEY, str::trim).to_string(),
        Some([accept::KeyProblem::NonCanonical { canonical }]) => canonical.clone(),
        _ => SAMPLE_KEY.to_string(),
    };
    // Offered subprotocols: valid tokens, once each.
    let mut protocols: Vec<String> = Vec::new();
    for h in req.into_iter().flat_map(|r| r.headers_named("sec-websocket-protocol")) {
        for p in headers::parse_protocol_list(h.value.as_str()).filter_map(Result::ok) {
            if !protocols.iter().any(|q| q == p) {
                protocols.push(p.to_string());
            }
        }
    }
    let res = report.response.as_ref();
    let chosen = res
        .and_then(|r| r.header("sec-websocket-protocol"))
        .map(str::trim)
        .filter(|p| protocols.iter().any(|q| q == p));
    let selected_protocol = chosen.map(str::to_string).or_else(|| protocols.first().cloned());
    // Offered extensions: well-formed ones; permessage-deflate with valid
    // parameters only.
    let offered: Vec<Extension<'_>> = req
        .into_iter()
        .flat_map(|r| r.headers_named("sec-websocket-extensions"))
        .filter_map(|h| headers::parse_extension_list(h.value.as_str()).ok())
        .flatten()
        .map(|e| clean_deflate(e, true))
        .collect();
    let offers: Vec<String> = offered.iter().map(|e| headers::build_extension(e.name, &e.params)).collect();
    // Accepted extensions: those offered, permessage-deflate once and within
    // the offer.
    let mut accepted = Vec::new();
    let mut deflate_done = false;
    for ext in res
        .into_iter()
        .flat_map(|r| r.headers_named("sec-websocket-extensions"))
        .filter_map(|h| headers::parse_extension_list(h.value.as_str()).ok())
        .flatten()
    {
        let Some(offer) = offered.iter().find(|o| o.name.eq_ignore_ascii_case(ext.name)) else {
            continue;
        };
        if ext.name.eq_ignore_ascii_case(deflate::NAME) {
            if deflate_done {
                continue;
            }
            deflate_done = true;
            let mut ext = clean_deflate(ext, false);
            fit_to_offer(&mut ext, offer);
            accepted.push(headers::build_extension(ext.name, &ext.params));
        } else {
            accepted.push(ext.text.to_string());
        }
    }
    Plan {
        extended_connect: h2,
        scheme,
        target,
        host,
        origin,
        key,
        protocols,
        selected_protocol,
        offers,
        accepted,
    }
}

/// permessage-deflate with only known parameters, once each, with valid
/// values (RFC 7692 §7.1); other extensions unchanged.
fn clean_deflate(mut ext: Extension<'_>, offer: bool) -> Extension<'_> {
    if !ext.name.eq_ignore_ascii_case(deflate::NAME) {
        return ext;
    }
    let mut params: Vec<(&str, Option<Cow<'_, str>>)> = Vec::new();
    for (name, value) in std::mem::take(&mut ext.params) {
        let lower = name.to_ascii_lowercase();
        let ok = match lower.as_str() {
            "server_no_context_takeover" | "client_no_context_takeover" => value.is_none(),
            "server_max_window_bits" => value.as_deref().and_then(deflate::window_bits).is_some(),
            "client_max_window_bits" => match value.as_deref() {
                None => offer,
                Some(v) => deflate::window_bits(v).is_some(),
            },
            _ => false,
        };
        if ok && !params.iter().any(|(n, _)| n.eq_ignore_ascii_case(name)) {
            params.push((name, value));
        }
    }
    ext.params = params;
    ext
}

/// RFC 7692 §7.1.2: no client_max_window_bits unless offered; the server
/// window no larger than offered.
fn fit_to_offer(ext: &mut Extension<'_>, offer: &Extension<'_>) {
    if offer.param("client_max_window_bits").is_none() {
        ext.params.retain(|(n, _)| !n.eq_ignore_ascii_case("client_max_window_bits"));
    }
    if let Some(limit) =
        offer.param("server_max_window_bits").and_then(|v| v.as_deref().and_then(deflate::window_bits))
    {
        ext.params.retain(|(n, _)| !n.eq_ignore_ascii_case("server_max_window_bits"));
        ext.params.push(("server_max_window_bits", Some(Cow::Owned(limit.to_string()))));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Severity, examples::EXAMPLES, lint};

    /// The corrected version of every example lints clean.
    #[test]
    fn corrected_examples_lint_clean() {
        for ex in EXAMPLES {
            let l = lint(ex.text.as_bytes()).unwrap();
            for e in &l.exchanges {
                let fixed = corrected(e);
                let again = lint(fixed.as_bytes()).unwrap();
                let left: Vec<_> = again
                    .exchanges
                    .iter()
                    .flat_map(|e| &e.findings)
                    .filter(|f| f.severity != Severity::Info)
                    .collect();
                assert!(left.is_empty(), "{}: {left:?}\n{fixed}", ex.id);
                assert_eq!(again.exchanges.len(), 1, "{}", ex.id);
            }
        }
    }

    #[test]
    fn keeps_what_was_right() {
        let text = "POST /chat?room=1 HTTP/1.0\r\nHost: example.com:8080\r\nX-Trace: 1\r\nX-Trace: 2\r\nSec-WebSocket-Key: AQIDBAUGBwgJCgsMDQ4PEC==\r\nSec-WebSocket-Protocol: a, a, b\r\n\r\nHTTP/1.1 101 OK\r\nSec-WebSocket-Protocol: b\r\n\r\n";
        let l = lint(text.as_bytes()).unwrap();
        let fixed = corrected(&l.exchanges[0]);
        assert!(fixed.starts_with("GET /chat?room=1 HTTP/1.1\r\nHost: example.com:8080\r\n"), "{fixed}");
        assert!(fixed.contains("Sec-WebSocket-Key: AQIDBAUGBwgJCgsMDQ4PEA==\r\n"), "{fixed}");
        assert!(fixed.contains("Sec-WebSocket-Accept: C/0nmHhBztSRGR1CwL6Tf4ZjwpY=\r\n"), "{fixed}");
        assert!(fixed.contains("Sec-WebSocket-Protocol: a, b\r\n"), "{fixed}");
        assert!(fixed.contains("\r\nSec-WebSocket-Protocol: b\r\n"), "{fixed}");
        assert!(fixed.contains("Origin: http://example.com:8080\r\n"), "{fixed}");
        assert_eq!(fixed.matches("X-Trace").count(), 1);
        assert!(!lint(fixed.as_bytes()).unwrap().has_errors());
    }

    #[test]
    fn har_absolute_url_becomes_a_path() {
        let ex = crate::examples::example("har").unwrap();
        let l = lint(ex.text.as_bytes()).unwrap();
        let fixed = corrected(&l.exchanges[0]);
        assert!(fixed.starts_with("GET /chat HTTP/1.1\r\nHost: example.com\r\n"), "{fixed}");
        assert!(fixed.contains("Origin: https://example.com"));
    }
}
