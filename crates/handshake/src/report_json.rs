//! The lint written as the stable JSON report (by hand: no serde in the
//! core). The shape is documented in crates/cli/README.md.

use std::fmt::Write;

use crate::head::{Field, Head, Span};
use crate::report::{ExchangeReport, Finding, Lint, Verdict};
use crate::rule::Answer;

impl Lint<'_> {
    /// The stable JSON report (documented in crates/cli/README.md).
    pub fn to_json(&self) -> String {
        lint_json(self)
    }
}

/// Appends `s` as a JSON string literal, quotes included (RFC 8259 §7). DEL is
/// escaped too, so captured control bytes never reach a terminal raw. The lab server
/// writes its records with this as well.
pub fn write_json_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn opt_string(out: &mut String, s: Option<&str>) {
    match s {
        Some(s) => write_json_string(out, s),
        None => out.push_str("null"),
    }
}

/// A status as a number, `null` for a server that accepts the request, or
/// `"closes"` / `"varies"` (documented in crates/cli/README.md).
fn answer(out: &mut String, a: Answer) {
    match a {
        Answer::Status(code) => opt_num(out, Some(code)),
        Answer::Accepts => out.push_str("null"),
        Answer::Closes => out.push_str("\"closes\""),
        Answer::Varies => out.push_str("\"varies\""),
    }
}

fn opt_num<T: std::fmt::Display>(out: &mut String, n: Option<T>) {
    match n {
        Some(n) => {
            let _ = write!(out, "{n}");
        }
        None => out.push_str("null"),
    }
}

fn opt_bool(out: &mut String, b: Option<bool>) {
    out.push_str(match b {
        Some(true) => "true",
        Some(false) => "false",
        None => "null",
    });
}

fn span(out: &mut String, s: Span) {
    let _ = write!(out, "[{}, {}]", s.0, s.1);
}

/// `"key": ` (with a leading comma unless first).
fn key(out: &mut String, first: &mut bool, k: &str) {
    if !*first {
        out.push_str(", ");
    }
    *first = false;
    write_json_string(out, k);
    out.push_str(": ");
}

fn head(out: &mut String, h: &Head<'_>) {
    let mut first = true;
    out.push('{');
    key(out, &mut first, "kind");
    write_json_string(out, if h.is_request() { "request" } else { "response" });
    key(out, &mut first, "method");
    opt_string(out, h.method());
    key(out, &mut first, "target");
    opt_string(out, h.target());
    key(out, &mut first, "version");
    opt_string(out, h.version());
    key(out, &mut first, "status");
    opt_num(out, h.status());
    key(out, &mut first, "reason");
    opt_string(out, h.reason());
    key(out, &mut first, "line");
    let _ = write!(out, "{}", h.line);
    key(out, &mut first, "span");
    span(out, h.span);
    key(out, &mut first, "headers");
    out.push('[');
    for (i, field) in h.headers().iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        let mut f = true;
        out.push('{');
        key(out, &mut f, "name");
        write_json_string(out, field.name.as_str());
        key(out, &mut f, "value");
        write_json_string(out, field.value.as_str());
        key(out, &mut f, "line");
        let _ = write!(out, "{}", field.name.line);
        key(out, &mut f, "span");
        span(out, field.span);
        key(out, &mut f, "value_span");
        span(out, field.value.span);
        out.push('}');
    }
    out.push(']');
    key(out, &mut first, "body");
    match &h.body {
        Some(Field { span: s, line, .. }) => {
            let _ = write!(out, "{{\"line\": {line}, \"span\": ");
            span(out, *s);
            out.push('}');
        }
        None => out.push_str("null"),
    }
    out.push('}');
}

fn verdict(out: &mut String, v: &Verdict) {
    let mut first = true;
    out.push('{');
    key(out, &mut first, "browser_accepts");
    opt_bool(out, v.browser_accepts);
    key(out, &mut first, "server_accepts");
    opt_bool(out, v.server_accepts);
    key(out, &mut first, "expected_status");
    opt_num(out, v.expected_status);
    key(out, &mut first, "servers");
    match v.servers {
        Some(s) => {
            out.push_str("{\"ws\": ");
            answer(out, s.ws);
            out.push_str(", \"websockets\": ");
            answer(out, s.websockets);
            out.push_str(", \"gorilla\": ");
            answer(out, s.gorilla);
            out.push('}');
        }
        None => out.push_str("null"),
    }
    out.push('}');
}

fn finding(out: &mut String, f: &Finding) {
    let mut first = true;
    out.push('{');
    key(out, &mut first, "rule");
    write_json_string(out, f.rule.id);
    key(out, &mut first, "severity");
    write_json_string(out, f.severity.as_str());
    key(out, &mut first, "message");
    write_json_string(out, &f.message);
    key(out, &mut first, "rfc");
    write_json_string(out, f.rule.rfc);
    key(out, &mut first, "line");
    opt_num(out, f.line);
    key(out, &mut first, "span");
    match f.span {
        Some(s) => span(out, s),
        None => out.push_str("null"),
    }
    key(out, &mut first, "side");
    write_json_string(out, f.side.as_str());
    out.push('}');
}

fn exchange(out: &mut String, e: &ExchangeReport<'_>) {
    let mut first = true;
    out.push('{');
    key(out, &mut first, "h2");
    out.push_str(if e.h2 { "true" } else { "false" });
    for (name, h) in [("request", &e.request), ("response", &e.response)] {
        key(out, &mut first, name);
        match h {
            Some(h) => head(out, h),
            None => out.push_str("null"),
        }
    }
    key(out, &mut first, "expected_accept");
    opt_string(out, e.expected_accept.as_deref());
    key(out, &mut first, "negotiated_protocol");
    opt_string(out, e.negotiated_protocol.as_deref());
    key(out, &mut first, "negotiated_extensions");
    out.push('[');
    for (i, x) in e.negotiated_extensions.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        write_json_string(out, x);
    }
    out.push(']');
    key(out, &mut first, "verdict");
    verdict(out, &e.verdict);
    key(out, &mut first, "findings");
    out.push('[');
    for (i, f) in e.findings.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        finding(out, f);
    }
    out.push_str("]}");
}

/// The whole report.
fn lint_json(lint: &Lint<'_>) -> String {
    let mut out = String::with_capacity(1024);
    out.push_str("{\"format\": ");
    write_json_string(&mut out, lint.format.as_str());
    let _ = write!(out, ", \"skipped\": {}, \"exchanges\": [", lint.skipped);
    for (i, e) in lint.exchanges.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        exchange(&mut out, e);
    }
    out.push_str("]}");
    out
}

#[cfg(test)]
mod tests {
    use super::write_json_string;

    #[test]
    fn json_strings_escape_quotes_backslashes_and_control_bytes() {
        let mut out = String::new();
        write_json_string(&mut out, "a\"b\\c\r\n\t\u{1}\u{7f}é");
        assert_eq!(out, r#""a\"b\\c\r\n\t\u0001\u007fé""#);
    }
}
