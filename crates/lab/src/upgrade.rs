//! The lab's answer to a WebSocket handshake: the core judges the request, then the
//! route picks a 101, a broken 101 or a refusal.

use handshake::head::Head;
use handshake::headers::parse_protocol_list;

use crate::judge;
use crate::response::Response;
use crate::route::{Breakage, Route};
use crate::session::Session;

/// What to send, what to run after it, and a one-line account of why.
#[derive(Debug)]
pub struct Answer {
    pub response: Response,
    /// The WebSocket session to run after a 101; `None` closes the connection.
    pub session: Option<Session>,
    pub note: String,
}

impl Answer {
    fn refuse(status: u16, note: impl Into<String>) -> Answer {
        let note = note.into();
        Answer { response: Response::refusal(status, &note), session: None, note }
    }

    fn open(response: Response, session: Session, note: impl Into<String>) -> Answer {
        Answer { response, session: Some(session), note: note.into() }
    }
}

/// A key other than the client's, so `/bad/accept` answers with the accept value
/// of RFC 6455 §1.3's example: the classic copied-from-the-RFC bug.
const RFC_EXAMPLE_KEY: &str = handshake::accept::SAMPLE_KEY;
const OTHER_KEY: &str = "x3JJHMbDL1EzLkh9GBhXDw==";

/// A subprotocol no client is expected to offer, for `/bad/protocol`.
const UNOFFERED_PROTOCOL: &str = "handshake-lab.unoffered";

/// Answers a handshake to `route`; `head` is the request exactly as received.
pub fn answer(route: Route, request: &Head<'_>, head: &[u8]) -> Answer {
    if !route.is_websocket() {
        // RFC 6455 §4.2.1: a resource the server does not serve is answered 404.
        return Answer::refuse(404, "no WebSocket endpoint at this path; GET / lists them");
    }
    let judgement = judge::request(head);
    if let Some(status) = judgement.refuse_with {
        let why = format!("not a valid opening handshake: {}", judgement.why);
        return Answer::refuse(status, why);
    }
    // The core found the request valid, so the key is there; no key, no accept value.
    let Some(key) = request.header("Sec-WebSocket-Key") else {
        return Answer::refuse(400, "no Sec-WebSocket-Key to answer");
    };
    let accept = judge::accept(key);
    match route {
        Route::Reject(status) => Answer::refuse(status, format!("refused on purpose by /reject/{status}")),
        Route::Echo => {
            Answer::open(Response::switching_protocols(&accept, None), Session::Echo, "opened; echoing")
        }
        Route::Mirror => Answer::open(
            Response::switching_protocols(&accept, None),
            Session::Mirror,
            "opened; the first message is this record, then echo",
        ),
        Route::Subprotocol => match first_offered_protocol(request) {
            Some(protocol) => Answer::open(
                Response::switching_protocols(&accept, Some(&protocol)),
                Session::Echo,
                format!("opened with the first offered subprotocol {protocol:?}; echoing"),
            ),
            // RFC 6455 §4.2.2 step 5.4: no protocol chosen, no header.
            None => Answer::open(
                Response::switching_protocols(&accept, None),
                Session::Echo,
                "opened without a subprotocol (none offered); echoing",
            ),
        },
        Route::Close(code) => Answer::open(
            Response::switching_protocols(&accept, None),
            Session::Close(code),
            format!("opened; closing with {code} on purpose"),
        ),
        Route::Bad(breakage) => {
            let (response, note) = broken(breakage, key, &accept, request);
            Answer::open(response, Session::Echo, note)
        }
        Route::Index | Route::About | Route::Last | Route::Unknown => {
            Answer::refuse(404, "no WebSocket endpoint at this path")
        }
    }
}

/// A 101 broken in one way, and the sentence saying how.
fn broken(breakage: Breakage, key: &str, accept: &str, request: &Head<'_>) -> (Response, String) {
    let good = Response::switching_protocols(accept, None);
    match breakage {
        Breakage::Accept => {
            let other = if key.trim() == RFC_EXAMPLE_KEY { OTHER_KEY } else { RFC_EXAMPLE_KEY };
            let wrong = judge::accept(other);
            (
                good.replace("Sec-WebSocket-Accept", wrong.as_str()),
                format!(
                    "broken on purpose: Sec-WebSocket-Accept {wrong} is the value for key {other}, not for this request's key (RFC 6455 §4.1)"
                ),
            )
        }
        Breakage::Upgrade => (
            good.replace("Upgrade", "h2c"),
            "broken on purpose: Upgrade is h2c, not websocket (RFC 6455 §4.1)".to_owned(),
        ),
        Breakage::Connection => (
            good.replace("Connection", "keep-alive"),
            "broken on purpose: Connection is keep-alive, without Upgrade (RFC 6455 §4.1)".to_owned(),
        ),
        Breakage::Protocol => {
            let offered = offered_protocols(request);
            let mut protocol = UNOFFERED_PROTOCOL.to_owned();
            while offered.iter().any(|p| p == &protocol) {
                protocol.push('x');
            }
            let note = format!(
                "broken on purpose: Sec-WebSocket-Protocol {protocol} was never offered (RFC 6455 §4.1)"
            );
            (good.field("Sec-WebSocket-Protocol", protocol), note)
        }
    }
}

/// The first subprotocol the client offered (RFC 6455 §4.2.2 step 5.4: the
/// server selects one of the offered values).
fn first_offered_protocol(request: &Head<'_>) -> Option<String> {
    offered_protocols(request).into_iter().next()
}

/// Every offered subprotocol, in order, over all `Sec-WebSocket-Protocol` lines.
fn offered_protocols(request: &Head<'_>) -> Vec<String> {
    request
        .headers_named("Sec-WebSocket-Protocol")
        .flat_map(|field| parse_protocol_list(field.value.as_str()))
        .filter_map(Result::ok)
        .map(str::to_owned)
        .collect()
}
