//! A lab server's record of one handshake, linted here by the core from the
//! recorded bytes (the lint report inside the record is not trusted), and
//! what it tells about a connection the browser describes only as 1006.

use handshake::report::Counts;
use handshake::{Finding, Severity, Verdict};

/// The fields of the lab's record the page uses (`GET /last?id=`, or the
/// first message on `/mirror`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Record {
    pub id: Option<String>,
    /// The request-target the lab saw.
    pub target: String,
    /// The status the lab answered.
    pub status: Option<u16>,
    /// The lab's own note (why it refused or broke the response).
    pub note: String,
    /// The request as received, byte for byte (invalid UTF-8 as U+FFFD).
    pub request: String,
    /// The response as sent.
    pub response: String,
}

/// A record and the core's lint of its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paired {
    pub record: Record,
    /// The response's start line, e.g. `HTTP/1.1 426 Upgrade Required`.
    pub status_line: String,
    /// The core's verdict; `None` when it could not read the bytes.
    pub verdict: Option<Verdict>,
    /// Errors first, then warnings, then info; in byte order within each.
    pub findings: Vec<Finding>,
    /// Why the core could not lint the bytes at all.
    pub unreadable: Option<String>,
    /// What the response negotiated.
    pub protocol: Option<String>,
    pub extensions: Vec<String>,
}

impl Paired {
    /// Lints the recorded request and response together, as one capture.
    pub fn of(record: Record) -> Paired {
        let status_line = record.response.lines().next().unwrap_or_default().trim_end().to_string();
        let capture = format!("{}{}", record.request, record.response);
        let mut paired = Paired {
            record: Record::default(),
            status_line,
            verdict: None,
            findings: Vec::new(),
            unreadable: None,
            protocol: None,
            extensions: Vec::new(),
        };
        match handshake::lint(capture.as_bytes()) {
            Ok(lint) => match lint.exchanges.first() {
                Some(exchange) => {
                    paired.verdict = Some(exchange.verdict);
                    paired.findings = crate::analysis::in_display_order(&exchange.findings);
                    paired.protocol = exchange.negotiated_protocol.clone();
                    paired.extensions = exchange.negotiated_extensions.clone();
                }
                None => paired.unreadable = Some("the record holds no handshake".into()),
            },
            Err(e) => paired.unreadable = Some(e.to_string()),
        }
        paired.record = record;
        paired
    }

    /// The findings of one severity.
    #[cfg(test)]
    pub fn count(&self, severity: Severity) -> usize {
        self.findings.iter().filter(|f| f.severity == severity).count()
    }

    /// `lints clean`, or `2 errors, 1 warning` (info findings are counted only
    /// when there is nothing else).
    pub fn summary(&self) -> String {
        if let Some(why) = &self.unreadable {
            return format!("the core could not read the record: {why}");
        }
        let counts = Counts::of(&self.findings);
        counts.problems().unwrap_or_else(|| match counts.info {
            0 => "lints clean".into(),
            n => format!("lints clean ({n} info)"),
        })
    }

    /// What happened, in words, from the server's side. `opened`: the browser
    /// fired `open` for this connection.
    pub fn story(&self, opened: bool) -> String {
        let first_error = self.findings.iter().find(|f| f.severity == Severity::Error);
        let accepted = self.verdict.and_then(|v| v.browser_accepts);
        if opened {
            return match (accepted, first_error) {
                (Some(false), Some(f)) => format!(
                    "The browser opened the connection, although the core says a browser must refuse this response: {} ({}).",
                    f.message, f.rule.rfc
                ),
                _ => format!("The lab answered {} and the browser accepted it.", self.status_line),
            };
        }
        let hidden = "the browser fired error and then close with 1006, and it never shows a page the status or the headers";
        match self.record.status {
            Some(101) => match first_error.filter(|f| f.side == handshake::report::Side::Response) {
                Some(f) => format!(
                    "The lab answered 101 Switching Protocols, but the response breaks a rule the browser checks: {} ({}). A client must fail the connection when the response is wrong (RFC 6455 §4.1), so {hidden}.",
                    f.message, f.rule.rfc
                ),
                None => "The lab's record shows nothing wrong with the handshake: the connection failed after it, or elsewhere.".into(),
            },
            Some(status) => format!(
                "The lab answered {} ({status}) instead of 101 Switching Protocols, so the handshake failed: {hidden}.",
                if self.status_line.is_empty() { status.to_string() } else { format!("{:?}", self.status_line) }
            ),
            None => format!("The lab recorded the request but no status; {hidden}."),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const REQUEST: &str = "GET /echo?id=ab HTTP/1.1\r\nHost: 127.0.0.1:9001\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\
        Origin: http://127.0.0.1:8080\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n";

    fn record(status: u16, response: &str) -> Record {
        Record {
            id: Some("ab".into()),
            target: "/echo?id=ab".into(),
            status: Some(status),
            note: String::new(),
            request: REQUEST.into(),
            response: response.into(),
        }
    }

    #[test]
    fn a_good_handshake_lints_clean() {
        let p = Paired::of(record(
            101,
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
             Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n",
        ));
        assert_eq!(p.unreadable, None);
        assert_eq!(p.count(Severity::Error) + p.count(Severity::Warning), 0, "{:?}", p.findings);
        assert!(p.summary().starts_with("lints clean"));
        assert_eq!(p.verdict.and_then(|v| v.browser_accepts), Some(true));
        assert_eq!(p.status_line, "HTTP/1.1 101 Switching Protocols");
        assert!(p.story(true).contains("accepted it"));
    }

    #[test]
    fn a_wrong_accept_is_the_reason_for_1006() {
        let p = Paired::of(record(
            101,
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
             Sec-WebSocket-Accept: C/0nmHhBztSRGR1CwL6Tf4ZjwpY=\r\n\r\n",
        ));
        assert_eq!(p.verdict.and_then(|v| v.browser_accepts), Some(false));
        assert_eq!(p.findings[0].severity, Severity::Error);
        assert!(p.findings.iter().any(|f| f.rule.id.starts_with("res.accept")), "{:?}", p.findings);
        let story = p.story(false);
        assert!(story.contains("breaks a rule the browser checks") && story.contains("1006"), "{story}");
        assert!(p.summary().contains("error"));
    }

    #[test]
    fn a_refusal_names_the_status() {
        let p = Paired::of(record(
            426,
            "HTTP/1.1 426 Upgrade Required\r\nUpgrade: websocket\r\nConnection: Upgrade, close\r\n\
             Sec-WebSocket-Version: 13\r\nContent-Length: 4\r\n\r\nno.\n",
        ));
        let story = p.story(false);
        assert!(story.contains("\"HTTP/1.1 426 Upgrade Required\" (426) instead of 101"), "{story}");
        assert!(story.contains("1006"));
    }

    #[test]
    fn unreadable_bytes_are_said_so() {
        let p = Paired::of(Record { status: Some(400), ..Record::default() });
        assert!(p.unreadable.is_some());
        assert!(p.summary().starts_with("the core could not read"));
        assert!(p.story(false).contains("400"));
    }
}
