//! What a lint says about one exchange: findings, the expected accept, what
//! was negotiated, and a verdict.

use crate::head::{Field, Head, Span};
use crate::rules::Rule;

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// A MUST is broken and the handshake fails.
    Error,
    /// A SHOULD is broken, or an interop hazard real clients or servers trip on.
    Warning,
    /// A note.
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// Which message a finding is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
    /// The rule id, e.g. `res.accept.mismatch`.
    pub rule: &'static str,
    /// Usually the rule's severity; `pmd.param.*` findings in an offer are
    /// warnings (a server declines the offer, not the handshake).
    pub severity: Severity,
    /// What is wrong here, in one line.
    pub message: String,
    /// The RFC section, e.g. `RFC 6455 §4.1`.
    pub rfc: &'static str,
    /// 1-based line in the input.
    pub line: Option<usize>,
    /// Byte range in the input.
    pub span: Option<Span>,
    pub side: Side,
}

/// What a server does with a request that breaks a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// It refuses with this status.
    Status(u16),
    /// It does not check this and answers 101.
    Accepts,
    /// It closes the connection without a response.
    Closes,
    /// It depends on the details; the rule's explanation says how. A verdict
    /// makes it concrete for its request where the linter can tell.
    Varies,
}

impl Answer {
    /// One word for a table or a terse line: `400`, `accepts`, `closes` or
    /// `depends`.
    pub fn describe(self) -> String {
        match self {
            Answer::Status(code) => code.to_string(),
            Answer::Accepts => "accepts".into(),
            Answer::Closes => "closes".into(),
            Answer::Varies => "depends".into(),
        }
    }
}

/// What three common servers do with a request, measured against these
/// versions by the peer tests (e2e/peers/refusals.test.mjs): node `ws` 8.23
/// on Node.js 20, python `websockets` 17.4, Go `gorilla/websocket` 1.5.0.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServerAnswers {
    /// Node's `ws`.
    pub ws: Answer,
    /// Python's `websockets`.
    pub websockets: Answer,
    /// Go's `gorilla/websocket`.
    pub gorilla: Answer,
}

/// Would this handshake work?
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
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

/// The lint of one exchange (a request, its response, or both).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExchangeReport<'a> {
    pub request: Option<Box<Head<'a>>>,
    pub response: Option<Box<Head<'a>>>,
    /// Whether this is an HTTP/2 or HTTP/3 extended CONNECT (RFC 8441, RFC 9220).
    pub h2: bool,
    /// accept(request key), when the request has a key.
    pub expected_accept: Option<String>,
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

/// Collects findings for one side of an exchange.
#[derive(Debug)]
pub(crate) struct Findings<'f> {
    pub list: &'f mut Vec<Finding>,
    pub side: Side,
}

impl Findings<'_> {
    /// Record that `rule` fired, pointing at `at`.
    pub fn fire(&mut self, rule: &'static Rule, message: impl Into<String>, at: Option<&Field<'_>>) {
        self.fire_at(rule, rule.severity, message, at.map(|f| (f.line, f.span)));
    }

    /// Record that `rule` fired with an explicit severity and place.
    pub fn fire_at(
        &mut self,
        rule: &'static Rule,
        severity: Severity,
        message: impl Into<String>,
        at: Option<(usize, Span)>,
    ) {
        let message = message.into();
        self.list.push(Finding {
            rule: rule.id,
            severity,
            message: if message.is_empty() { rule.message.to_string() } else { message },
            rfc: rule.rfc,
            line: at.map(|a| a.0),
            span: at.map(|a| a.1),
            side: self.side,
        });
    }
}

#[cfg(test)]
mod tests {
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
