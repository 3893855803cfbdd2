//! What the linter shows, computed once per capture from the core's `lint`:
//! owned, so it can live in a signal after the borrowed report is gone. Every
//! judgement here is the core's; this module only arranges it for display.

use std::sync::Arc;

use handshake::correct::corrected;
use handshake::{Finding, Format, InputError, Severity, Verdict};

/// A linted capture and the text it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Analysis {
    pub text: Arc<str>,
    /// Byte offset of the start of each line (line `n` starts at `line_starts[n - 1]`).
    pub line_starts: Vec<usize>,
    pub outcome: Outcome,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing pasted yet.
    Empty,
    /// The core could not read it at all.
    Unreadable(String),
    Linted(Report),
}

/// The lint of a whole capture.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub format: Format,
    /// HAR entries that are not WebSocket handshakes.
    pub skipped: usize,
    pub exchanges: Vec<Exchange>,
}

/// One request/response pair and what the core found in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exchange {
    /// e.g. `GET /chat → 101 Switching Protocols`.
    pub title: String,
    pub h2: bool,
    pub has_request: bool,
    pub has_response: bool,
    pub verdict: Verdict,
    /// Errors first, then warnings, then notes; in text order within each.
    pub findings: Vec<Finding>,
    /// The core's corrected request and response.
    pub corrected: String,
    pub expected_accept: Option<String>,
    /// First line of the exchange in the text.
    pub line: usize,
}

/// How many findings of each severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub errors: usize,
    pub warnings: usize,
    pub notes: usize,
}

impl Counts {
    pub fn of<'f>(findings: impl IntoIterator<Item = &'f Finding>) -> Counts {
        let mut c = Counts::default();
        for f in findings {
            match f.severity {
                Severity::Error => c.errors += 1,
                Severity::Warning => c.warnings += 1,
                Severity::Info => c.notes += 1,
            }
        }
        c
    }

    /// "2 errors, 1 warning", or "no problems found" (notes are counted only
    /// when there is nothing else).
    pub fn summary(self) -> String {
        let mut parts = Vec::new();
        for (n, one, many) in [(self.errors, "error", "errors"), (self.warnings, "warning", "warnings")] {
            if n > 0 {
                parts.push(format!("{n} {}", if n == 1 { one } else { many }));
            }
        }
        if parts.is_empty() {
            return match self.notes {
                0 => "no problems found".to_string(),
                1 => "no problems found, 1 note".to_string(),
                n => format!("no problems found, {n} notes"),
            };
        }
        parts.join(", ")
    }
}

impl Analysis {
    /// Lints `text` with the core and keeps what the page shows.
    pub fn of(text: Arc<str>) -> Analysis {
        let line_starts = line_starts(&text);
        let outcome = match handshake::lint(text.as_bytes()) {
            Err(InputError::Empty) => Outcome::Empty,
            Err(e) => Outcome::Unreadable(capitalise(&e.to_string())),
            Ok(lint) => Outcome::Linted(Report {
                format: lint.format,
                skipped: lint.skipped,
                exchanges: lint
                    .exchanges
                    .iter()
                    .map(|report| {
                        let mut findings = report.findings.clone();
                        findings.sort_by_key(|f| (f.severity, f.span.map_or(usize::MAX, |s| s.0)));
                        let head = report.request.as_ref().or(report.response.as_ref());
                        Exchange {
                            title: title(report),
                            h2: report.h2,
                            has_request: report.request.is_some(),
                            has_response: report.response.is_some(),
                            verdict: report.verdict,
                            findings,
                            corrected: corrected(report),
                            expected_accept: report.expected_accept.clone(),
                            line: head.map_or(1, |h| h.line),
                        }
                    })
                    .collect(),
            }),
        };
        Analysis { text, line_starts, outcome }
    }

    /// Counts over every exchange.
    pub fn counts(&self) -> Counts {
        match &self.outcome {
            Outcome::Linted(r) => Counts::of(r.exchanges.iter().flat_map(|e| &e.findings)),
            _ => Counts::default(),
        }
    }

    /// The text of line `n` (1-based), without its line end.
    pub fn line(&self, n: usize) -> &str {
        let Some(&start) = self.line_starts.get(n.wrapping_sub(1)) else { return "" };
        let end = self.line_starts.get(n).copied().unwrap_or(self.text.len());
        self.text[start..end].trim_end_matches(['\n', '\r'])
    }

    /// Number of lines.
    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }
}

/// Longest part of one line the source view shows (HAR files are often
/// one long line).
pub const MAX_LINE_SHOWN: usize = 300;

/// What the source view shows of a line: text before the marked part, the
/// marked part, the text after, and whether the line was cut at either end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Excerpt<'t> {
    pub before: &'t str,
    pub marked: &'t str,
    pub after: &'t str,
    pub cut_start: bool,
    pub cut_end: bool,
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The part of `line` (which starts at byte `line_start` of the text) to
/// show, with `mark` (a byte range of the text) marked when it falls on it.
pub fn excerpt(line: &str, line_start: usize, mark: Option<(usize, usize)>) -> Excerpt<'_> {
    let len = line.len();
    let (ms, me) = match mark {
        Some((s, e)) if s <= line_start + len && e >= line_start => {
            let ms = s.saturating_sub(line_start).min(len);
            (ms, e.saturating_sub(line_start).clamp(ms, len))
        }
        _ => (0, 0),
    };
    let (from, to) = if len <= MAX_LINE_SHOWN {
        (0, len)
    } else {
        let from = floor_boundary(line, ms.saturating_sub(MAX_LINE_SHOWN / 3));
        (from, floor_boundary(line, from + MAX_LINE_SHOWN))
    };
    let ms = floor_boundary(line, ms.clamp(from, to));
    let me = floor_boundary(line, me.clamp(ms, to));
    Excerpt {
        before: &line[from..ms],
        marked: &line[ms..me],
        after: &line[me..to],
        cut_start: from > 0,
        cut_end: to < len,
    }
}

/// "5.2 MiB", "12 KiB", "300 bytes".
pub fn human_size(bytes: usize) -> String {
    match bytes {
        0..1024 => format!("{bytes} bytes"),
        1024..1_048_576 => format!("{} KiB", bytes.div_ceil(1024)),
        _ => format!("{:.1} MiB", bytes as f64 / 1_048_576.0),
    }
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Byte offsets where lines start; a line ends at LF (CRLF stays on its line).
pub fn line_starts(text: &str) -> Vec<usize> {
    let mut starts = vec![0];
    starts.extend(text.bytes().enumerate().filter(|&(_, b)| b == b'\n').map(|(i, _)| i + 1));
    if starts.len() > 1 && starts.last() == Some(&text.len()) {
        starts.pop();
    }
    starts
}

fn title(report: &handshake::ExchangeReport<'_>) -> String {
    let request = report.request.as_ref().map(|r| {
        let method = r.method().unwrap_or("?");
        let target = r.target().unwrap_or("");
        let target: String = if target.chars().count() > 60 {
            target.chars().take(59).chain(['…']).collect()
        } else {
            target.into()
        };
        format!("{method} {target}")
    });
    let response = report.response.as_ref().map(|r| match r.status() {
        Some(code) => format!("{code} {}", r.reason().filter(|s| !s.is_empty()).unwrap_or(reason(code))),
        None => "a response".to_string(),
    });
    match (request, response) {
        (Some(q), Some(s)) => format!("{q} → {s}"),
        (Some(q), None) => format!("{q} (no response)"),
        (None, Some(s)) => format!("(no request) {s}"),
        (None, None) => "an empty exchange".to_string(),
    }
}

/// How the page names a capture format.
pub fn format_name(format: Format) -> &'static str {
    match format {
        Format::Raw => "raw HTTP/1.1",
        Format::Curl => "curl -v output",
        Format::Har => "HAR file",
        Format::Devtools => "headers copied from DevTools",
        Format::H2 => "HTTP/2 or HTTP/3 pseudo-headers",
    }
}

/// The reason phrase of the status codes a handshake meets (RFC 9110 §15).
pub fn reason(code: u16) -> &'static str {
    match code {
        101 => "Switching Protocols",
        200 => "OK",
        301 => "Moved Permanently",
        302 => "Found",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        426 => "Upgrade Required",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        505 => "HTTP Version Not Supported",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use handshake::examples::EXAMPLES;

    #[test]
    fn every_example_shows_its_rules() {
        for ex in EXAMPLES {
            let a = Analysis::of(ex.text.into());
            let Outcome::Linted(report) = &a.outcome else { panic!("{} did not lint", ex.id) };
            for id in ex.expect {
                assert!(
                    report.exchanges.iter().flat_map(|e| &e.findings).any(|f| f.rule == *id),
                    "{}: {id}",
                    ex.id
                );
            }
            assert!(report.exchanges.iter().all(|e| !e.corrected.is_empty()));
        }
    }

    #[test]
    fn findings_errors_first() {
        let ex = handshake::examples::example("missing-upgrade-headers").unwrap();
        let a = Analysis::of(ex.text.into());
        let Outcome::Linted(report) = &a.outcome else { panic!() };
        let sev: Vec<_> = report.exchanges[0].findings.iter().map(|f| f.severity).collect();
        let mut sorted = sev.clone();
        sorted.sort();
        assert_eq!(sev, sorted);
        assert_eq!(report.exchanges[0].title, "GET /chat → 426 Upgrade Required");
        assert_eq!(a.counts().summary(), "3 errors");
    }

    #[test]
    fn empty_and_unreadable() {
        assert_eq!(Analysis::of("  \n".into()).outcome, Outcome::Empty);
        let Outcome::Unreadable(msg) = Analysis::of("<img src=x onerror=alert(1)>".into()).outcome else {
            panic!()
        };
        assert!(msg.starts_with("Nothing recognisable"), "{msg}");
    }

    #[test]
    fn lines() {
        let a = Analysis::of("a\r\nbb\n\nc".into());
        assert_eq!(a.line_count(), 4);
        assert_eq!((a.line(1), a.line(2), a.line(3), a.line(4), a.line(5)), ("a", "bb", "", "c", ""));
        assert_eq!(line_starts("a\n"), [0]);
        assert_eq!(line_starts(""), [0]);
    }

    #[test]
    fn summaries() {
        let c = |errors, warnings, notes| Counts { errors, warnings, notes }.summary();
        assert_eq!(c(2, 1, 0), "2 errors, 1 warning");
        assert_eq!(c(1, 0, 5), "1 error");
        assert_eq!(c(0, 2, 0), "2 warnings");
        assert_eq!(c(0, 0, 0), "no problems found");
        assert_eq!(c(0, 0, 1), "no problems found, 1 note");
    }

    #[test]
    fn excerpts() {
        let e = excerpt("Host: x", 10, Some((16, 17)));
        assert_eq!((e.before, e.marked, e.after), ("Host: ", "x", ""));
        assert!(!e.cut_start && !e.cut_end);
        let e = excerpt("Host: x", 10, None);
        assert_eq!((e.before, e.marked, e.after), ("", "", "Host: x"));
        let long = format!("{}é{}", "a".repeat(1000), "b".repeat(1000));
        let e = excerpt(&long, 0, Some((1000, 1002)));
        assert_eq!(e.marked, "é");
        assert!(e.cut_start && e.cut_end);
        assert!(e.before.len() + e.marked.len() + e.after.len() <= MAX_LINE_SHOWN);
        // A mark on another line marks nothing.
        let e = excerpt("abc", 0, Some((50, 60)));
        assert_eq!(e.marked, "");
    }

    #[test]
    fn sizes() {
        assert_eq!(human_size(300), "300 bytes");
        assert_eq!(human_size(12 * 1024), "12 KiB");
        assert_eq!(human_size(5 * 1024 * 1024 + 200 * 1024), "5.2 MiB");
    }
}
