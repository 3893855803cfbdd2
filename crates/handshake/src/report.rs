//! What a lint says about one exchange: findings, the expected accept, what
//! was negotiated, and a verdict.

use crate::accept::KeyProblem;
use crate::capture::Format;
use crate::head::{Field, Head, Span};
use crate::rule::Rule;
pub use crate::rule::{Answer, ServerAnswers, Severity};

/// Which message a finding is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize), serde(rename_all = "lowercase"))]
pub enum Side {
    Request,
    /// The response (also for checks of the response against the request).
    Response,
}

impl Side {
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Request => "request",
            Side::Response => "response",
        }
    }
}

/// One broken (or noted) rule, pointing at where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The rule broken, e.g. `res.accept.mismatch`, with its RFC section,
    /// explanation, fix and server answers.
    pub rule: &'static Rule,
    /// Usually the rule's severity; `pmd.param.*` findings in an offer are
    /// warnings (a server declines the offer, not the handshake).
    pub severity: Severity,
    /// What is wrong here, in one line.
    pub message: String,
    /// 1-based line in the input.
    pub line: Option<usize>,
    /// Byte range in the input.
    pub span: Option<Span>,
    pub side: Side,
}

/// Would this handshake work?
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Verdict {
    /// Would a browser accept this response? `None` without a response.
    pub browser_accepts: Option<bool>,
    /// Would a standards-following server accept this request? `None` without
    /// a request.
    pub server_accepts: Option<bool>,
    /// For a request a server must refuse: the status it should answer.
    pub expected_status: Option<u16>,
    /// For a request a server must refuse: what ws, websockets and gorilla do
    /// with this request, each at its own first objection (rules/servers.rs).
    pub servers: Option<ServerAnswers>,
}

/// One question of the verdict answered: yes, no or unknown (`None`), and a sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Answered {
    pub question: &'static str,
    pub answer: Option<bool>,
    pub sentence: &'static str,
}

impl Answered {
    /// "yes", "no" or "unknown".
    pub fn word(self) -> &'static str {
        match self.answer {
            Some(true) => "yes",
            Some(false) => "no",
            None => "unknown",
        }
    }
}

/// The verdict as a reader is told it (the page's panel and the landing linter).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerdictWords {
    /// Would a browser accept the response?
    pub browser: Answered,
    /// Would a server accept the request?
    pub server: Answered,
    /// Which status a server should send, e.g. `400 Bad Request`, when there
    /// is a request; then what follows it.
    pub status: Option<String>,
    pub status_sentence: String,
}

impl VerdictWords {
    pub const STATUS_QUESTION: &str = "Which status should a server send?";
}

impl Verdict {
    /// The verdict in words, for an exchange with or without a response, over
    /// HTTP/1.1 or as an extended CONNECT (RFC 8441 §5: answered with 2xx).
    pub fn in_words(&self, has_response: bool, extended_connect: bool) -> VerdictWords {
        let browser = Answered {
            question: "Would a browser accept the response?",
            answer: self.browser_accepts,
            sentence: match self.browser_accepts {
                Some(true) => "The response completes the handshake.",
                Some(false) => "A browser fails the connection; scripts see only close code 1006.",
                None if has_response => "Without the request the accept value cannot be checked.",
                None => "The capture has no response.",
            },
        };
        let server = Answered {
            question: "Would a server accept the request?",
            answer: self.server_accepts,
            sentence: match self.server_accepts {
                Some(true) => "A server following RFC 6455 switches protocols.",
                Some(false) => "A server following RFC 6455 refuses it.",
                None => "The capture has no request.",
            },
        };
        let (status, status_sentence) = match (self.server_accepts, self.expected_status) {
            (_, Some(code)) => {
                let servers = self.servers.map(|s| {
                    let say = |name: &str, answer: Answer| match answer {
                        Answer::Status(c) => format!("{name} {c}"),
                        Answer::Accepts => format!("{name} accepts it"),
                        Answer::Closes => format!("{name} closes the connection without a response"),
                        Answer::Varies => format!("{name}: it depends (see the rule)"),
                    };
                    format!(
                        " What real servers answer to this request: {}, {}, {}.",
                        say("Node's ws", s.ws),
                        say("Python's websockets", s.websockets),
                        say("Go's gorilla", s.gorilla)
                    )
                });
                let sentence = format!(" — the request must be refused.{}", servers.unwrap_or_default());
                (Some(format!("{code} {}", reason_phrase(code))), sentence)
            }
            (Some(true), None) if extended_connect => (
                Some("200".into()),
                " — over HTTP/2 and HTTP/3 a successful extended CONNECT is answered with 2xx, not 101."
                    .into(),
            ),
            (Some(true), None) => (
                Some("101 Switching Protocols".into()),
                " — the request is a valid opening handshake.".into(),
            ),
            _ => (None, "The capture has no request to judge.".into()),
        };
        VerdictWords { browser, server, status, status_sentence }
    }
}

/// The lint of one exchange (a request, its response, or both).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct ExchangeReport<'a> {
    /// Whether this is an HTTP/2 or HTTP/3 extended CONNECT (RFC 8441, RFC 9220).
    #[cfg_attr(feature = "serde", serde(rename = "h2"))]
    pub extended_connect: bool,
    pub request: Option<Box<Head<'a>>>,
    pub response: Option<Box<Head<'a>>>,
    /// accept(request key), when the request has a key.
    pub expected_accept: Option<String>,
    /// What is wrong with the request's key (nothing: empty), when an
    /// HTTP/1.1 request has one.
    #[cfg_attr(feature = "serde", serde(skip))]
    pub key_problems: Option<Vec<KeyProblem>>,
    /// The subprotocol the response selected (when valid and offered).
    pub negotiated_protocol: Option<String>,
    /// The extensions the response accepted, as written.
    pub negotiated_extensions: Vec<String>,
    pub verdict: Verdict,
    pub findings: Vec<Finding>,
}

impl ExchangeReport<'_> {
    pub fn has_errors(&self) -> bool {
        self.findings.iter().any(|f| f.severity == Severity::Error)
    }

    /// The first field called `name` in the request.
    pub fn request_header(&self, name: &str) -> Option<&str> {
        self.request.as_ref()?.header(name)
    }

    /// The first field called `name` in the response.
    pub fn response_header(&self, name: &str) -> Option<&str> {
        self.response.as_ref()?.header(name)
    }

    /// A one-line name for the exchange, such as `GET /chat -> 101 Switching
    /// Protocols`, with `arrow` between the sides. A target longer than 60
    /// characters is cut short with `…`; a missing reason phrase is filled in
    /// from [`reason_phrase`].
    pub fn title(&self, arrow: &str) -> String {
        let request = self.request.as_ref().map(|r| {
            let target = r.target().unwrap_or("?");
            let target: String = if target.chars().count() > 60 {
                target.chars().take(59).chain(['…']).collect()
            } else {
                target.into()
            };
            format!("{} {target}", r.method().unwrap_or("?"))
        });
        let response = self.response.as_ref().map(|r| match r.status() {
            Some(code) => {
                let reason = r.reason().filter(|s| !s.is_empty()).unwrap_or(reason_phrase(code));
                format!("{code} {reason}").trim_end().to_string()
            }
            None => "a response".to_string(),
        });
        match (request, response) {
            (Some(q), Some(r)) => format!("{q} {arrow} {r}"),
            (Some(q), None) => format!("{q} (no response)"),
            (None, Some(r)) => format!("(no request) {r}"),
            (None, None) => "an empty exchange".to_string(),
        }
    }
}

/// How many findings of each severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub errors: usize,
    pub warnings: usize,
    /// Findings of [`Severity::Info`].
    pub info: usize,
}

impl Counts {
    pub fn of<'f>(findings: impl IntoIterator<Item = &'f Finding>) -> Counts {
        let mut c = Counts::default();
        for f in findings {
            match f.severity {
                Severity::Error => c.errors += 1,
                Severity::Warning => c.warnings += 1,
                Severity::Info => c.info += 1,
            }
        }
        c
    }

    /// "2 errors, 1 warning"; `None` when there are neither.
    pub fn problems(self) -> Option<String> {
        let mut parts = Vec::new();
        for (n, one, many) in [(self.errors, "error", "errors"), (self.warnings, "warning", "warnings")] {
            if n > 0 {
                parts.push(format!("{n} {}", if n == 1 { one } else { many }));
            }
        }
        (!parts.is_empty()).then(|| parts.join(", "))
    }

    /// "2 errors, 1 warning", or "no problems found" (info findings are
    /// counted only when there is nothing else; "info" as the labels and the CLI say).
    pub fn summary(self) -> String {
        self.problems().unwrap_or_else(|| match self.info {
            0 => "no problems found".to_string(),
            n => format!("no problems found, {n} info"),
        })
    }
}

/// Findings as a reader sees them: errors first, then warnings, then info,
/// each in the order of its place in the capture (the rules report in check
/// order). The page and the landing linter list them so.
pub fn in_display_order(findings: &[Finding]) -> Vec<Finding> {
    let mut findings = findings.to_vec();
    findings.sort_by_key(|f| (f.severity, f.span.map_or(usize::MAX, |s| s.0)));
    findings
}

/// `s` with its first letter in upper case: an error message as a sentence.
pub fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The reason phrase of a status code a handshake meets (RFC 9110 §15), or ""
/// for others (the phrase is only advice: RFC 9112 §4).
pub fn reason_phrase(code: u16) -> &'static str {
    match code {
        101 => "Switching Protocols",
        200 => "OK",
        301 => "Moved Permanently",
        302 => "Found",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        426 => "Upgrade Required",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        505 => "HTTP Version Not Supported",
        _ => "",
    }
}

/// Where a finding points: at a field, or at a line and span inside one.
pub(crate) struct At(Option<(usize, Span)>);

impl From<Option<&Field<'_>>> for At {
    fn from(field: Option<&Field<'_>>) -> At {
        At(field.map(|f| (f.line, f.span)))
    }
}

impl From<Option<(usize, Span)>> for At {
    fn from(at: Option<(usize, Span)>) -> At {
        At(at)
    }
}

/// Collects findings for one side of an exchange.
#[derive(Debug)]
pub(crate) struct Findings<'f> {
    pub list: &'f mut Vec<Finding>,
    pub side: Side,
}

impl Findings<'_> {
    /// Record that `rule` fired, saying `message`, pointing at `at`.
    pub fn fire(&mut self, rule: &'static Rule, message: impl Into<String>, at: impl Into<At>) {
        self.fire_with(rule, rule.severity, message, at);
    }

    /// Record that `rule` fired, saying the rule's own message.
    pub fn fire_plain(&mut self, rule: &'static Rule, at: impl Into<At>) {
        self.fire_with(rule, rule.severity, rule.message, at);
    }

    /// Record that `rule` fired with a severity of its own (a problem in an
    /// offer, which a server declines rather than refusing the handshake).
    pub fn fire_with(
        &mut self,
        rule: &'static Rule,
        severity: Severity,
        message: impl Into<String>,
        at: impl Into<At>,
    ) {
        let At(at) = at.into();
        self.list.push(Finding {
            rule,
            severity,
            message: message.into(),
            line: at.map(|a| a.0),
            span: at.map(|a| a.1),
            side: self.side,
        });
    }
}

/// The lint of a whole capture.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Lint<'a> {
    pub format: Format,
    /// Entries that are not WebSocket handshakes (HAR).
    pub skipped: usize,
    pub exchanges: Vec<ExchangeReport<'a>>,
}

impl Lint<'_> {
    /// Whether any exchange has an error-severity finding.
    pub fn has_errors(&self) -> bool {
        self.exchanges.iter().any(ExchangeReport::has_errors)
    }
}

#[cfg(test)]
mod tests {
    fn words(example: &str) -> super::VerdictWords {
        let ex = crate::examples::example(example).unwrap();
        let lint = crate::lint(ex.text.as_bytes()).unwrap();
        let e = &lint.exchanges[0];
        e.verdict.in_words(e.response.is_some(), e.extended_connect)
    }

    #[test]
    fn the_verdict_in_words() {
        let good = words("clean-browser");
        assert_eq!((good.browser.word(), good.server.word()), ("yes", "yes"));
        assert_eq!(good.status.as_deref(), Some("101 Switching Protocols"));
        let refused = words("missing-upgrade-headers");
        assert_eq!(refused.server.word(), "no");
        assert_eq!(refused.status.as_deref(), Some("426 Upgrade Required"));
        assert!(
            refused.status_sentence.starts_with(" — the request must be refused. What real servers answer")
        );
        assert_eq!(words("h2-extended-connect").status.as_deref(), Some("200"));
        let answer_only = crate::lint(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n").unwrap();
        let w = answer_only.exchanges[0].verdict.in_words(true, false);
        assert_eq!((w.browser.word(), w.server.word(), w.status), ("unknown", "unknown", None));
        assert_eq!(w.browser.sentence, "Without the request the accept value cannot be checked.");
    }

    fn title(text: &str) -> String {
        crate::lint(text.as_bytes()).unwrap().exchanges[0].title("->")
    }

    #[test]
    fn titles_name_both_sides() {
        let request = "GET /chat HTTP/1.1\r\nHost: a\r\n\r\n";
        assert_eq!(title(request), "GET /chat (no response)");
        assert_eq!(
            title(&format!("{request}HTTP/1.1 101 Switching Protocols\r\n\r\n")),
            "GET /chat -> 101 Switching Protocols"
        );
        // A missing reason phrase is filled in; an unknown code stands alone.
        assert_eq!(title(&format!("{request}HTTP/1.1 426\r\n\r\n")), "GET /chat -> 426 Upgrade Required");
        assert_eq!(title("HTTP/1.1 299\r\n\r\n"), "(no request) 299");
        let long = format!("GET /{} HTTP/1.1\r\n\r\n", "a".repeat(80));
        assert_eq!(title(&long), format!("GET /{}… (no response)", "a".repeat(58)));
    }
}
