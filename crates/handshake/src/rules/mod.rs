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
mod servers;

use crate::capture::{Exchange, Format};
use crate::head::Head;
use crate::report::{ExchangeReport, Finding, Findings, Side, Verdict};
pub use crate::rule::Rule;
use crate::rule::Severity;

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
    request::HTTP_VERSION_MAJOR,
    request::HTTP_VERSION_MINOR,
    request::TARGET,
    request::TARGET_WS_URI,
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
    h2::SCHEME,
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
    let Exchange { request, response, extended_connect: h2 } = exchange;
    let mut findings = Vec::new();
    let mut key = None;
    let mut offers = None;
    if let Some(req) = &request {
        let mut f = Findings { list: &mut findings, side: Side::Request };
        http::check(req, format, &mut f);
        if h2 {
            h2::check_request(req, &mut f);
        } else {
            key = request::check(req, format, &mut f);
        }
        offers = Some(request::check_negotiation(req, &mut f));
    }
    let request_findings = findings.len();
    let (expected_accept, key_problems) = key.unzip();
    let mut negotiated = pair::Negotiated::default();
    if let Some(res) = &response {
        let mut f = Findings { list: &mut findings, side: Side::Response };
        http::check(res, format, &mut f);
        let success = if h2 { h2::check_response(res, &mut f) } else { response::check(res, &mut f) };
        if success {
            let extensions = response::check_negotiation(res, &mut f);
            negotiated = pair::check(offers.as_ref(), res, extensions, expected_accept.as_deref(), &mut f);
        } else if !h2 {
            pair::check_refusal(offers.as_ref(), res, &mut f);
            let request_valid = !f.list[..request_findings].iter().any(|x| x.severity == Severity::Error);
            proxy::check(request.as_deref(), request_valid, res, &mut f);
        }
    }
    let verdict = verdict(&findings, request_findings, request.as_deref(), response.as_deref(), h2);
    ExchangeReport {
        request,
        response,
        extended_connect: h2,
        expected_accept,
        key_problems,
        negotiated_protocol: negotiated.protocol,
        negotiated_extensions: negotiated.extensions,
        verdict,
        findings,
    }
}

/// Would a browser accept the response, and a server the request? The first
/// `request_findings` of `findings` are about the request.
fn verdict(
    findings: &[Finding],
    request_findings: usize,
    request: Option<&Head<'_>>,
    response: Option<&Head<'_>>,
    h2: bool,
) -> Verdict {
    let has_request = request.is_some();
    let (req, res) = findings.split_at(request_findings);
    let first_request_error = req.iter().find(|f| f.severity == Severity::Error);
    let server_accepts = has_request.then_some(first_request_error.is_none());
    let refusal = first_request_error.map(|f| f.rule);
    let browser_accepts = response.and_then(|head| {
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
        // Each server's own answer to the whole request (servers.rs).
        servers: refusal.and_then(|r| r.servers).and(request).map(|head| servers::answers(head, req)),
    }
}

#[cfg(test)]
mod tests;
