//! What the linter shows, computed once per capture from the core's `lint`:
//! owned, so it can live in a signal after the borrowed report is gone. Every
//! judgement here is the core's; this module only arranges it for display.

use std::sync::Arc;

pub use handshake::capture::wire_line_ends;
use handshake::correct::corrected;
pub use handshake::report::Counts;
pub use handshake::report::{capitalise, in_display_order};
use handshake::{Finding, Format, InputError, Verdict};

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
    Linted(PageReport),
}

/// The lint of a whole capture.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageReport {
    pub format: Format,
    /// HAR entries that are not WebSocket handshakes.
    pub skipped: usize,
    pub exchanges: Vec<PageExchange>,
}

/// One request/response pair and what the core found in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageExchange {
    /// e.g. `GET /chat → 101 Switching Protocols`.
    pub title: String,
    pub extended_connect: bool,
    pub has_request: bool,
    pub has_response: bool,
    pub verdict: Verdict,
    /// Errors first, then warnings, then info; in text order within each.
    pub findings: Vec<Finding>,
    /// The core's corrected request and response.
    pub corrected: String,
    pub expected_accept: Option<String>,
    /// The body of a response that is not a 101 (an error page, a server's
    /// reason), as text, cut at [`BODY_CHARS`].
    pub refusal_body: Option<String>,
    /// First line of the exchange in the text.
    pub line: usize,
}

impl Analysis {
    /// Lints `text` with the core and keeps what the page shows.
    pub fn of(text: Arc<str>) -> Analysis {
        let line_starts = line_starts(&text);
        let outcome = match handshake::lint(text.as_bytes()) {
            Err(InputError::Empty) => Outcome::Empty,
            Err(e) => Outcome::Unreadable(capitalise(&e.to_string())),
            Ok(lint) => Outcome::Linted(PageReport {
                format: lint.format,
                skipped: lint.skipped,
                exchanges: lint
                    .exchanges
                    .iter()
                    .map(|report| {
                        let findings = in_display_order(&report.findings);
                        let head = report.request.as_ref().or(report.response.as_ref());
                        PageExchange {
                            title: report.title("→"),
                            extended_connect: report.extended_connect,
                            has_request: report.request.is_some(),
                            has_response: report.response.is_some(),
                            verdict: report.verdict,
                            findings,
                            corrected: corrected(report),
                            expected_accept: report.expected_accept.clone(),
                            refusal_body: report
                                .response
                                .as_ref()
                                .filter(|r| !report.extended_connect && r.status() != Some(101))
                                .and_then(|r| r.body.as_ref())
                                .map(|b| cut(b.as_str(), BODY_CHARS)),
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

    /// Line `n` as a finding shows it when the capture is kept out of the
    /// editor: at most `EXCERPT_CHARS` characters, then an ellipsis.
    pub fn excerpt(&self, n: usize) -> String {
        cut(self.line(n), EXCERPT_CHARS)
    }
}

/// How much of a line a finding shows in place of the editor.
pub const EXCERPT_CHARS: usize = 200;

/// How much of a refusal's body the page shows.
pub const BODY_CHARS: usize = 4000;

/// `text` up to `chars` characters, then an ellipsis.
fn cut(text: &str, chars: usize) -> String {
    match text.char_indices().nth(chars) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// "5.2 MiB", "12 KiB", "300 bytes".
pub fn human_size(bytes: usize) -> String {
    match bytes {
        0..1024 => format!("{bytes} bytes"),
        1024..1_048_576 => format!("{} KiB", bytes.div_ceil(1024)),
        // Tenths of a MiB, rounded, in integers: float formatting would add its
        // whole machinery to the module for this one figure.
        _ => {
            let tenths = (bytes * 10 + 524_288) / 1_048_576;
            format!("{}.{} MiB", tenths / 10, tenths % 10)
        }
    }
}

/// Where a finding on `line` (1-based) with byte `span` of the linted text is
/// in the editor's `value` (whose line ends may differ): a UTF-16 range for
/// `setSelectionRange`, the whole line when there is no span.
pub fn editor_range(
    analysis: &Analysis,
    value: &str,
    line: usize,
    span: Option<(usize, usize)>,
) -> (u32, u32) {
    let linted = analysis.line(line);
    let linted_start = analysis.line_starts.get(line.wrapping_sub(1)).copied().unwrap_or(0);
    let (cs, ce) = match span {
        Some((s, e)) => (
            s.saturating_sub(linted_start).min(linted.len()),
            e.saturating_sub(linted_start).min(linted.len()),
        ),
        None => (0, linted.len()),
    };
    // A text box also ends a line at a lone CR (curl's progress meter): the
    // editor's line counts those before the span, its column starts after them.
    let before = analysis.text.get(..linted_start).unwrap_or_default().as_bytes();
    let lone_before = before.windows(2).filter(|w| w[0] == b'\r' && w[1] != b'\n').count();
    let lone_inside = linted.as_bytes()[..cs].iter().filter(|&&b| b == b'\r').count();
    let column = linted.as_bytes()[..cs].iter().rposition(|&b| b == b'\r').map_or(0, |p| p + 1);
    let (line, cs, ce) = (line + lone_before + lone_inside, cs - column, ce.saturating_sub(column));
    // The same line in the editor's value.
    let start = if line <= 1 {
        0
    } else {
        value
            .bytes()
            .enumerate()
            .filter(|&(_, b)| b == b'\n')
            .nth(line - 2)
            .map_or(value.len(), |(i, _)| i + 1)
    };
    let end = value[start..].find('\n').map_or(value.len(), |i| start + i);
    let text = value[start..end].trim_end_matches('\r');
    let from = start + floor_boundary(text, cs);
    let to = start + floor_boundary(text, ce.max(cs));
    let utf16 = |byte: usize| value[..byte].encode_utf16().count() as u32;
    let from16 = utf16(from);
    (from16, from16 + value[from..to].encode_utf16().count() as u32)
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

/// How the page names a capture format.
pub fn format_name(format: Format) -> &'static str {
    match format {
        Format::Raw => "raw HTTP/1.1",
        Format::Curl => "curl -v output",
        Format::CurlCommand => "a curl command",
        Format::Har => "HAR file",
        Format::Devtools => "headers copied from DevTools",
        Format::H2 => "HTTP/2 or HTTP/3 pseudo-headers",
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
                    report.exchanges.iter().flat_map(|e| &e.findings).any(|f| f.rule.id == *id),
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
    fn a_refusal_shows_its_body_as_text() {
        let refusal = "GET /chat HTTP/1.1\r\nHost: a\r\n\r\nHTTP/1.1 502 Bad Gateway\r\nServer: nginx\r\n\r\n<html><script>alert(1)</script></html>\r\n";
        let Outcome::Linted(report) = Analysis::of(refusal.into()).outcome else { panic!() };
        // The text as it is: the view renders it as a text node.
        assert_eq!(
            report.exchanges[0].refusal_body.as_deref(),
            Some("<html><script>alert(1)</script></html>")
        );
        let long = format!("HTTP/1.1 400 Bad Request\r\n\r\n{}", "é".repeat(BODY_CHARS + 10));
        let Outcome::Linted(report) = Analysis::of(long.into()).outcome else { panic!() };
        let body = report.exchanges[0].refusal_body.clone().unwrap();
        assert_eq!(body.chars().count(), BODY_CHARS + 1);
        // A 101's "body" is WebSocket data, not a refusal's page.
        let ex = handshake::examples::example("clean-browser").unwrap();
        let Outcome::Linted(report) = Analysis::of(format!("{}frames", ex.text).into()).outcome else {
            panic!()
        };
        assert_eq!(report.exchanges[0].refusal_body, None);
    }

    #[test]
    fn excerpts_stop_at_a_character() {
        let long = format!("Cookie: {}", "é".repeat(300));
        let a = Analysis::of(format!("GET / HTTP/1.1\r\n{long}\r\n\r\n").into());
        assert_eq!(a.excerpt(1), "GET / HTTP/1.1");
        let cut = a.excerpt(2);
        assert_eq!(cut.chars().count(), EXCERPT_CHARS + 1);
        assert!(cut.starts_with("Cookie: éé") && cut.ends_with("é…"), "{cut}");
        assert_eq!(a.excerpt(99), "");
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
        assert_eq!(a.line_starts.len(), 4);
        assert_eq!((a.line(1), a.line(2), a.line(3), a.line(4), a.line(5)), ("a", "bb", "", "c", ""));
        assert_eq!(line_starts("a\n"), [0]);
        assert_eq!(line_starts(""), [0]);
    }

    #[test]
    fn summaries() {
        let c = |errors, warnings, info| Counts { errors, warnings, info }.summary();
        assert_eq!(c(2, 1, 0), "2 errors, 1 warning");
        assert_eq!(c(1, 0, 5), "1 error");
        assert_eq!(c(0, 2, 0), "2 warnings");
        assert_eq!(c(0, 0, 0), "no problems found");
        assert_eq!(c(0, 0, 1), "no problems found, 1 info");
        assert_eq!(c(0, 0, 3), "no problems found, 3 info");
    }

    #[test]
    fn sizes() {
        assert_eq!(human_size(300), "300 bytes");
        assert_eq!(human_size(12 * 1024), "12 KiB");
        assert_eq!(human_size(5 * 1024 * 1024 + 200 * 1024), "5.2 MiB");
        assert_eq!(human_size(8 * 1024 * 1024), "8.0 MiB");
        assert_eq!(human_size(1_048_576 + 52_428), "1.0 MiB");
    }

    #[test]
    fn typed_text_reads_as_crlf() {
        assert_eq!(wire_line_ends("a\nb\n".into()), "a\r\nb\r\n");
        assert_eq!(wire_line_ends("a\r\nb\n".into()), "a\r\nb\n");
        // Each example still fires exactly its rules once the editor has dropped its CRs.
        for ex in EXAMPLES {
            let lf = ex.text.replace("\r\n", "\n");
            let a = Analysis::of(wire_line_ends(lf).into());
            let b = Analysis::of(ex.text.into());
            let rules = |a: &Analysis| -> Vec<&str> {
                let Outcome::Linted(r) = &a.outcome else { return vec![] };
                r.exchanges.iter().flat_map(|e| &e.findings).map(|f| f.rule.id).collect()
            };
            assert_eq!(rules(&a), rules(&b), "{}", ex.id);
        }
    }

    #[test]
    fn ranges_in_the_editor() {
        let a = Analysis::of("GET / HTTP/1.1\r\nHost: é x\r\n\r\n".into());
        let value = "GET / HTTP/1.1\nHost: é x\n\n";
        // "x" on line 2: bytes 25..26 of the linted text.
        let x = a.text.find(" x").unwrap() + 1;
        assert_eq!(editor_range(&a, value, 2, Some((x, x + 1))), (23, 24));
        assert_eq!(&value.encode_utf16().collect::<Vec<_>>()[23..24], &[u16::from(b'x')]);
        assert_eq!(editor_range(&a, value, 1, None), (0, 14));
        // Out of range: an empty range at the end, never a panic.
        let end = value.encode_utf16().count() as u32;
        assert_eq!(editor_range(&a, value, 9, Some((400, 500))), (end, end));
        // Lone CRs (curl's progress meter) end lines in a text box.
        let a = Analysis::of("x\r1\r\n\r2 3< HTTP/1.1 503 No\r\n".into());
        let value = "x\n1\n\n2 3< HTTP/1.1 503 No\n";
        let code = a.text.find("503").unwrap();
        let (from, to) = editor_range(&a, value, 2, Some((code, code + 3)));
        assert_eq!(&value[from as usize..to as usize], "503");
    }
}
