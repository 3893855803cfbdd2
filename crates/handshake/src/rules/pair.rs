//! The response checked against the request it answers (RFC 6455 §4.1 client
//! checks, §4.2.2).

use super::request::Offers;
use super::{deflate, response::Selection};
use crate::head::Head;
use crate::head::Known;
use crate::report::Findings;
use crate::rule::{Rule, Severity};

pub const ACCEPT_MISMATCH: Rule = Rule::new(
    "res.accept.mismatch",
    Severity::Error,
    "RFC 6455 §4.1",
    "https://www.rfc-editor.org/rfc/rfc6455#section-4.1",
    "Sec-WebSocket-Accept does not match the request's key",
    "The accept value must be base64(SHA-1(key + \"258EAFA5-E914-47DA-95CA-C5AB0DC85B11\")), computed over the key exactly as sent (trimmed, not decoded or re-encoded). Any other value and the client fails the connection. Common causes: hashing the decoded key, hex instead of base64, a different GUID, or an accept computed for another request's key.",
    "Compute the accept from the key of this request (see the expected value).",
);

pub const VERSION_HEADER: Rule = Rule::new(
    "res.version-header",
    Severity::Error,
    "RFC 6455 §4.2.2",
    "https://www.rfc-editor.org/rfc/rfc6455#section-4.2.2",
    "A version refusal without Sec-WebSocket-Version",
    "When a server refuses the client's WebSocket version (with 426, or 400 as in §4.4's example) it must list the versions it supports in Sec-WebSocket-Version (§4.2.2, §4.4), so the client can repeat the handshake with one of them. ws sends `13, 8` and gorilla `13`; python websockets sends nothing.",
    "Add `Sec-WebSocket-Version: 13` to the refusal.",
);

pub const PROTOCOL_NOT_OFFERED: Rule = Rule::new(
    "res.protocol.not-offered",
    Severity::Error,
    "RFC 6455 §4.1",
    "https://www.rfc-editor.org/rfc/rfc6455#section-4.1",
    "The response selects a subprotocol the client did not offer",
    "The server may only select one of the subprotocols in the request's Sec-WebSocket-Protocol (compared exactly, case-sensitive). Any other value, or any value when none was offered, makes the client fail the connection.",
    "Select one of the offered subprotocols, or leave Sec-WebSocket-Protocol out.",
);

pub const PROTOCOL_MISSING: Rule = Rule::new(
    "res.protocol.missing",
    Severity::Error,
    "WHATWG WebSockets",
    "https://websockets.spec.whatwg.org/#concept-websocket-establish",
    "The client offered subprotocols and the response selects none",
    "RFC 6455 lets a server leave Sec-WebSocket-Protocol out when it agrees to none of the offered subprotocols (§4.2.2, /subprotocol/). Browsers are stricter: when the page asked for subprotocols and the 101 names none, they fail the connection (WHATWG WebSockets, \"establish a WebSocket connection\"), and so do ws and tungstenite clients. python websockets, gorilla and coder/websocket clients accept it. This is an error because browsers fail.",
    "Select one of the offered subprotocols, or refuse the handshake (e.g. 400) if none is acceptable.",
);

pub const EXTENSIONS_NOT_OFFERED: Rule = Rule::new(
    "res.extensions.not-offered",
    Severity::Error,
    "RFC 6455 §4.1",
    "https://www.rfc-editor.org/rfc/rfc6455#section-4.1",
    "The response accepts an extension the client did not offer",
    "The server may only accept extensions the client offered; the client must fail the connection otherwise. Typical case: a proxy or server that always answers permessage-deflate.",
    "Only answer with extensions from the request's Sec-WebSocket-Extensions.",
);

/// What the response settled.
#[derive(Debug, Default)]
pub struct Negotiated {
    pub protocol: Option<String>,
    pub extensions: Vec<String>,
}

/// A successful response against its request (when known).
pub(crate) fn check(
    offers: Option<&Offers<'_>>,
    res: &Head<'_>,
    (protocol, accepted): Selection<'_>,
    expected_accept: Option<&str>,
    f: &mut Findings<'_>,
) -> Negotiated {
    let mut negotiated = Negotiated::default();
    // RFC 6455 §4.1 client item 4: accept = base64(SHA-1(key + GUID)).
    if let (Some(expected), Some(accept)) =
        (expected_accept, res.known_field(const { Known::lower("sec-websocket-accept") }))
        && accept.value.as_str() != expected
    {
        f.fire(
            &ACCEPT_MISMATCH,
            format!("Sec-WebSocket-Accept is {:?}; the key gives {expected:?}", accept.value.as_str()),
            Some(&accept.value),
        );
    }
    let Some(offers) = offers else {
        // Without the request, nothing can be compared.
        negotiated.protocol = protocol.map(|p| p.as_str().to_string());
        negotiated.extensions = accepted.iter().map(|(e, _)| e.text.to_string()).collect();
        return negotiated;
    };
    // RFC 6455 §4.1 client item 6: the selected subprotocol was offered.
    let offered = &offers.protocols;
    match protocol {
        Some(p) if offered.contains(&p.as_str()) => {
            negotiated.protocol = Some(p.as_str().to_string());
        }
        Some(p) => f.fire(
            &PROTOCOL_NOT_OFFERED,
            if offered.is_empty() {
                format!("the response selects {:?} but the client offered no subprotocol", p.as_str())
            } else {
                format!("the response selects {:?}; the client offered {}", p.as_str(), offered.join(", "))
            },
            Some(p),
        ),
        None if !offered.is_empty()
            && res.known_field(const { Known::lower("sec-websocket-protocol") }).is_none() =>
        {
            f.fire(
                &PROTOCOL_MISSING,
                format!("the client offered {} and the response selects none", offered.join(", ")),
                res.start_line.as_ref().or(res.status.as_ref()),
            )
        }
        None => {}
    }
    // RFC 6455 §4.1 client item 5: only offered extensions.
    for (ext, field) in &accepted {
        if !offers.extensions.iter().any(|o| o.name.eq_ignore_ascii_case(ext.name)) {
            f.fire(
                &EXTENSIONS_NOT_OFFERED,
                format!("the response accepts {} which the client did not offer", ext.name),
                Some(deflate::extension_at(ext, field)),
            );
            continue;
        }
        if ext.name.eq_ignore_ascii_case(deflate::NAME) {
            deflate::check_response_against_offers(ext, field, &offers.extensions, f);
        }
        negotiated.extensions.push(ext.text.to_string());
    }
    negotiated
}

/// A refusal (non-101) against the request: a version refusal must list the
/// supported versions (RFC 6455 §4.2.2 step 4).
pub(crate) fn check_refusal(offers: Option<&Offers<'_>>, res: &Head<'_>, f: &mut Findings<'_>) {
    let Some(code @ (400 | 426)) = res.status() else {
        return;
    };
    if res.known_field(const { Known::lower("sec-websocket-version") }).is_some() {
        return;
    }
    let version_refused = match offers {
        Some(offers) => offers.version != Some("13"),
        // Without the request, a 426 is the RFC's version refusal.
        None => code == 426,
    };
    if version_refused {
        f.fire(
            &VERSION_HEADER,
            format!("the {code} refuses the version but does not send Sec-WebSocket-Version: 13"),
            res.start_line.as_ref().or(res.status.as_ref()),
        );
    }
}
