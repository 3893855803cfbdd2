//! The rule catalogue and the checks. Each rule is data (a [`Rule`] constant in
//! the file of its spec area) plus the check that fires it, in the same file.
//! [`CATALOGUE`] lists them all, in the order a server meets them.

pub mod deflate;
pub mod h2;
pub mod http;
pub mod pair;
pub mod proxy;
pub mod request;
pub mod response;

use crate::capture::{Exchange, Format};
use crate::report::{Answer, ExchangeReport, Findings, ServerAnswers, Severity, Side, Verdict};

/// One rule of the opening handshake.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// Stable id, e.g. `res.accept.mismatch`.
    pub id: &'static str,
    pub severity: Severity,
    /// The section it comes from, e.g. `RFC 6455 §4.1`.
    pub rfc: &'static str,
    pub rfc_url: &'static str,
    /// What is wrong, in one line.
    pub message: &'static str,
    /// Why it matters, and where real implementations disagree.
    pub explanation: &'static str,
    /// How to fix it.
    pub fix: &'static str,
    /// For a request rule: the status a standards-following server answers.
    pub status: Option<u16>,
    /// For a request rule: what ws, websockets and gorilla answer.
    pub servers: Option<ServerAnswers>,
}

impl Rule {
    /// A rule with no refusal status (response rules, warnings, notes).
    pub(crate) const fn new(
        id: &'static str,
        severity: Severity,
        rfc: &'static str,
        rfc_url: &'static str,
        message: &'static str,
        explanation: &'static str,
        fix: &'static str,
    ) -> Rule {
        Rule { id, severity, rfc, rfc_url, message, explanation, fix, status: None, servers: None }
    }

    /// The same rule for a request a server refuses with `status`.
    pub(crate) const fn refused(mut self, status: u16) -> Rule {
        self.status = Some(status);
        self
    }

    /// What ws, websockets and gorilla do with such a request.
    pub(crate) const fn answers(mut self, ws: Answer, websockets: Answer, gorilla: Answer) -> Rule {
        self.servers = Some(ServerAnswers { ws, websockets, gorilla });
        self
    }
}

/// Every rule, in check order.
pub static CATALOGUE: &[Rule] = &[
    http::START_LINE,
    http::LINE_ENDING,
    http::OBS_FOLD,
    http::HEADER_SYNTAX,
    http::HEADER_DUPLICATE,
    http::TOO_LARGE,
    request::METHOD,
    request::HTTP_VERSION,
    request::TARGET,
    request::HOST,
    request::UPGRADE,
    request::CONNECTION,
    request::KEY_MISSING,
    request::KEY_DUPLICATE,
    request::KEY_INVALID,
    request::KEY_NONCANONICAL,
    request::VERSION_MISSING,
    request::VERSION_DUPLICATE,
    request::VERSION_UNSUPPORTED,
    request::ORIGIN_MISSING,
    request::PROTOCOL_SYNTAX,
    request::PROTOCOL_DUPLICATE,
    request::EXTENSIONS_SYNTAX,
    request::BODY,
    h2::METHOD,
    h2::PROTOCOL,
    h2::PSEUDO,
    h2::CONNECTION_SPECIFIC,
    h2::KEY_PRESENT,
    h2::STATUS,
    response::STATUS,
    response::ALLOW_405,
    response::UPGRADE,
    response::CONNECTION,
    response::ACCEPT_MISSING,
    response::ACCEPT_DUPLICATE,
    response::PROTOCOL_EMPTY,
    response::PROTOCOL_MULTIPLE,
    response::EXTENSIONS_SYNTAX,
    response::BODY_101,
    pair::ACCEPT_MISMATCH,
    pair::VERSION_HEADER,
    pair::PROTOCOL_NOT_OFFERED,
    pair::PROTOCOL_MISSING,
    pair::EXTENSIONS_NOT_OFFERED,
    deflate::PARAM_UNKNOWN,
    deflate::PARAM_DUPLICATE,
    deflate::PARAM_VALUE,
    deflate::RESPONSE_MULTIPLE,
    deflate::RESPONSE_CLIENT_WINDOW_NOT_OFFERED,
    deflate::RESPONSE_SERVER_WINDOW_LARGER,
    proxy::UPGRADE_DROPPED,
    proxy::BAD_GATEWAY,
];

/// The rule with this id.
pub fn rule(id: &str) -> Option<&'static Rule> {
    CATALOGUE.iter().find(|r| r.id == id)
}

/// Check one exchange against every rule.
pub(crate) fn check<'a>(exchange: Exchange<'a>, format: Format) -> ExchangeReport<'a> {
    let Exchange { request, response, h2 } = exchange;
    let mut findings = Vec::new();
    let mut expected_accept = None;
    let mut offers = None;
    if let Some(req) = &request {
        let mut f = Findings { list: &mut findings, side: Side::Request };
        http::check(req, format, &mut f);
        if h2 {
            h2::check_request(req, &mut f);
        } else {
            expected_accept = request::check(req, &mut f);
        }
        offers = Some(request::check_negotiation(req, &mut f));
    }
    let request_findings = findings.len();
    let mut negotiated = pair::Negotiated::default();
    if let Some(res) = &response {
        let mut f = Findings { list: &mut findings, side: Side::Response };
        http::check(res, format, &mut f);
        let success = if h2 { h2::check_response(res, &mut f) } else { response::check(res, &mut f) };
        if success {
            let extensions = response::check_negotiation(res, &mut f);
            negotiated = pair::check(offers.as_ref(), res, extensions, expected_accept.as_deref(), &mut f);
        } else if !h2 {
            pair::check_refusal(request.as_deref(), res, &mut f);
            let request_valid = !f.list[..request_findings].iter().any(|x| x.severity == Severity::Error);
            proxy::check(request.as_deref(), request_valid, res, &mut f);
        }
    }
    let verdict = verdict(
        &findings,
        request_findings,
        request.as_deref(),
        response.as_deref().map(|r| (r, request.is_some(), h2)),
    );
    ExchangeReport {
        request,
        response,
        h2,
        expected_accept,
        negotiated_protocol: negotiated.protocol,
        negotiated_extensions: negotiated.extensions,
        verdict,
        findings,
    }
}

fn verdict(
    findings: &[crate::report::Finding],
    request_findings: usize,
    request: Option<&crate::head::Head<'_>>,
    response: Option<(&crate::head::Head<'_>, bool, bool)>,
) -> Verdict {
    let has_request = request.is_some();
    let (req, res) = findings.split_at(request_findings);
    let first_request_error = req.iter().find(|f| f.severity == Severity::Error);
    let server_accepts = has_request.then_some(first_request_error.is_none());
    let refusal = first_request_error.and_then(|f| rule(f.rule));
    let browser_accepts = response.and_then(|(head, has_request, h2)| {
        if res.iter().any(|f| f.severity == Severity::Error) {
            Some(false)
        } else if !has_request && !h2 && head.status() == Some(101) {
            // Without the request the accept value cannot be verified.
            None
        } else {
            Some(true)
        }
    });
    Verdict {
        browser_accepts,
        server_accepts,
        expected_status: first_request_error.map(|_| refusal.and_then(|r| r.status).unwrap_or(400)),
        servers: refusal.and_then(|r| Some(answers_for(r, r.servers?, request?))),
    }
}

/// A rule's server answers made concrete for this request where they depend on
/// it (measured by e2e/peers/refusals.test.mjs).
fn answers_for(rule: &Rule, mut answers: ServerAnswers, req: &crate::head::Head<'_>) -> ServerAnswers {
    use Answer::{Accepts, Status};
    match rule.id {
        // Node hands ws no request without an Upgrade field (its HTTP server
        // answers 426 itself); ws refuses any other value with 400.
        "req.upgrade" => answers.ws = if req.header("upgrade").is_some() { Status(400) } else { Status(426) },
        // ws speaks the hybi draft's version 8 as well as 13.
        "req.version.unsupported" => {
            let eight = req.header("sec-websocket-version").is_some_and(|v| v.trim() == "8");
            answers.ws = if eight { Accepts } else { Status(400) };
        }
        // Node's and Go's parsers refuse a target that is neither a path, `*`
        // nor an absolute URI (400), and pass the rest (a fragment, another
        // scheme) on to ws and gorilla, which do not look.
        "req.target" => {
            let target = req.target().unwrap_or("");
            let parses = target.starts_with('/') || target == "*" || has_scheme(target);
            let answer = if parses && !request::has_space_or_control(target) { Accepts } else { Status(400) };
            (answers.ws, answers.gorilla) = (answer, answer);
        }
        _ => {}
    }
    answers
}

/// `scheme ":"` (RFC 3986 §3.1): a letter, then letters, digits, `+`, `-`, `.`.
fn has_scheme(target: &str) -> bool {
    target.split_once(':').is_some_and(|(scheme, _)| {
        scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    })
}

#[cfg(test)]
mod tests;
