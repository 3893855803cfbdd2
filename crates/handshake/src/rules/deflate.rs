//! permessage-deflate negotiation (RFC 7692 §7).

use crate::head::{Field, Span};
use crate::headers::Extension;
use crate::report::Findings;
use crate::rule::Rule;
use crate::rule::Severity;

/// The extension's name.
pub const NAME: &str = "permessage-deflate";

pub const PARAM_UNKNOWN: Rule = Rule::new(
    "pmd.param.unknown",
    Severity::Error,
    "RFC 7692 §7",
    "https://www.rfc-editor.org/rfc/rfc7692#section-7",
    "permessage-deflate has a parameter RFC 7692 does not define",
    "Only server_no_context_takeover, client_no_context_takeover, server_max_window_bits and client_max_window_bits exist. A server must decline an offer with another parameter (the connection goes on uncompressed, so in an offer this is a warning); a client must fail the connection when the response has one.",
    "Remove the parameter.",
);

pub const PARAM_DUPLICATE: Rule = Rule::new(
    "pmd.param.duplicate",
    Severity::Error,
    "RFC 7692 §7",
    "https://www.rfc-editor.org/rfc/rfc7692#section-7",
    "A permessage-deflate parameter appears twice",
    "Each parameter may appear once per extension. A server declines such an offer (a warning: the connection goes on uncompressed); a client fails the connection on such a response.",
    "Give each parameter once.",
);

pub const PARAM_VALUE: Rule = Rule::new(
    "pmd.param.value",
    Severity::Error,
    "RFC 7692 §7.1",
    "https://www.rfc-editor.org/rfc/rfc7692#section-7.1",
    "A permessage-deflate parameter has an invalid value",
    "The *_no_context_takeover parameters take no value. The *_max_window_bits values are 8 to 15 without leading zeros; client_max_window_bits may have no value only in an offer. A server declines an invalid offer (a warning); a client fails the connection on an invalid response.",
    "Use e.g. `client_max_window_bits=15` or `server_no_context_takeover`.",
);

pub const RESPONSE_MULTIPLE: Rule = Rule::new(
    "pmd.response.multiple",
    Severity::Error,
    "RFC 7692 §5",
    "https://www.rfc-editor.org/rfc/rfc7692#section-5",
    "The response accepts permessage-deflate more than once",
    "Every permessage-deflate element claims the RSV1 bit to mark compressed messages, and RFC 7692 §5 forbids a server to accept a compression extension together with another extension that uses RSV1 the same way; a client that gets such a response must fail the connection. Two elements would also leave it unable to tell which parameters are in force.",
    "Answer with one permessage-deflate element.",
);

pub const RESPONSE_CLIENT_WINDOW_NOT_OFFERED: Rule = Rule::new(
    "pmd.response.client-window-not-offered",
    Severity::Error,
    "RFC 7692 §7.1.2.2",
    "https://www.rfc-editor.org/rfc/rfc7692#section-7.1.2.2",
    "The response limits client_max_window_bits, which the client did not offer",
    "A client that does not offer client_max_window_bits may not support a smaller window, so the server must not include it in the response. Browsers fail the connection.",
    "Only send client_max_window_bits when the offer contains it.",
);

pub const RESPONSE_SERVER_WINDOW_LARGER: Rule = Rule::new(
    "pmd.response.server-window-larger",
    Severity::Error,
    "RFC 7692 §7.1.2.1",
    "https://www.rfc-editor.org/rfc/rfc7692#section-7.1.2.1",
    "The response's server_max_window_bits is missing or larger than offered",
    "When the client offers server_max_window_bits=N, a server accepts that offer by including server_max_window_bits with a value of N or less in its response (RFC 7692 §7.1.2.1); leaving the parameter out, or answering with more, breaks that rule. The client may not be able to inflate with a larger window and fails the connection. A server that cannot limit its window declines the offer instead.",
    "Answer with server_max_window_bits no larger than the offer, or decline the offer.",
);

const PARAMS: [&str; 4] = [
    "server_no_context_takeover",
    "client_no_context_takeover",
    "server_max_window_bits",
    "client_max_window_bits",
];

/// Where `ext` is in the header value `field` (clamped to the field).
pub(crate) fn extension_at(ext: &Extension<'_>, field: &Field<'_>) -> (usize, Span) {
    let start = (field.span.0 + ext.offset).min(field.span.1);
    let end = (start + ext.text.len()).min(field.span.1);
    (field.line, (start, end))
}

/// A window-bits value: 8..=15, no leading zero (RFC 7692 §7.1.2).
pub(crate) fn window_bits(value: &str) -> Option<u8> {
    if value.starts_with('0') || value.len() > 2 {
        return None;
    }
    value.parse().ok().filter(|b| (8..=15).contains(b))
}

/// RFC 7692 §7: parameter names, repetitions and values of one
/// permessage-deflate element. In an offer a problem makes the server decline
/// the offer (a warning); in a response the client fails (an error).
pub(crate) fn check_params(ext: &Extension<'_>, field: &Field<'_>, offer: bool, f: &mut Findings<'_>) {
    let at = Some(extension_at(ext, field));
    let severity = |rule: &Rule| if offer { Severity::Warning } else { rule.severity };
    let whose = if offer { "; a server declines this offer" } else { "" };
    for (i, (name, value)) in ext.params.iter().enumerate() {
        let Some(known) = PARAMS.iter().find(|p| p.eq_ignore_ascii_case(name)) else {
            f.fire_with(
                &PARAM_UNKNOWN,
                severity(&PARAM_UNKNOWN),
                format!("permessage-deflate has unknown parameter {name}{whose}"),
                at,
            );
            continue;
        };
        if ext.params[..i].iter().any(|(n, _)| n.eq_ignore_ascii_case(name)) {
            f.fire_with(
                &PARAM_DUPLICATE,
                severity(&PARAM_DUPLICATE),
                format!("{known} appears twice{whose}"),
                at,
            );
            continue;
        }
        let problem = match (known.ends_with("takeover"), value.as_deref()) {
            (true, Some(v)) => Some(format!("{known} takes no value, got {v:?}")),
            (true, None) => None,
            (false, Some(v)) if window_bits(v).is_none() => {
                Some(format!("{known}={v} is not a window size from 8 to 15"))
            }
            (false, Some(_)) => None,
            // RFC 7692 §7.1.2.2: only an offer may leave client_max_window_bits empty.
            (false, None) if offer && *known == "client_max_window_bits" => None,
            (false, None) => Some(format!("{known} needs a value from 8 to 15")),
        };
        if let Some(problem) = problem {
            f.fire_with(&PARAM_VALUE, severity(&PARAM_VALUE), format!("{problem}{whose}"), at);
        }
    }
}

/// RFC 7692 §7.1.2: the accepted element against the client's
/// permessage-deflate offers (other extensions in `all_offers` are ignored).
pub(crate) fn check_response_against_offers(
    accepted: &Extension<'_>,
    field: &Field<'_>,
    all_offers: &[Extension<'_>],
    f: &mut Findings<'_>,
) {
    let at = Some(extension_at(accepted, field));
    let answered =
        accepted.param("server_max_window_bits").map_or(Some(15), |v| v.as_deref().and_then(window_bits));
    // One pass over the permessage-deflate offers: whether there is one,
    // whether one has client_max_window_bits, whether one allows the
    // answered server window, and the largest server window offered.
    let (mut offered, mut client_window_offered, mut fits, mut limit) = (false, false, false, None);
    for offer in all_offers.iter().filter(|o| o.name.eq_ignore_ascii_case(NAME)) {
        offered = true;
        client_window_offered |= offer.param("client_max_window_bits").is_some();
        let offered_limit = offer.param("server_max_window_bits");
        let valid_limit = offered_limit.and_then(|v| v.as_deref().and_then(window_bits));
        limit = limit.max(valid_limit);
        fits |= match (offered_limit, valid_limit, answered) {
            (None, _, _) => true,
            (Some(_), Some(limit), Some(answered)) => answered <= limit,
            // An invalid value is reported by check_params.
            _ => true,
        };
    }
    // §7.1.2.2: no client_max_window_bits unless an offer had it.
    if accepted.param("client_max_window_bits").is_some() && !client_window_offered {
        f.fire_plain(&RESPONSE_CLIENT_WINDOW_NOT_OFFERED, at);
    }
    // §7.1.2.1: server_max_window_bits no larger than offered (absent = 15).
    if offered && !fits {
        let limit = limit.unwrap_or(15);
        f.fire(
            &RESPONSE_SERVER_WINDOW_LARGER,
            format!(
                "the response allows a {}-bit server window; the client offered at most {limit}",
                answered.unwrap_or(15)
            ),
            at,
        );
    }
}
