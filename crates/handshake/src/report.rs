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

/// What each of three common servers answers a request; `None` where it does
/// not refuse on that ground.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServerAnswers {
    /// Node's `ws`.
    pub ws: Option<u16>,
    /// Python's `websockets`.
    pub websockets: Option<u16>,
    /// Go's `gorilla/websocket`.
    pub gorilla: Option<u16>,
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
    /// For a request a server must refuse: what ws, websockets and gorilla
    /// answer (for the first refusing rule).
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
