//! The lab's one door to the core: every judgement of a handshake comes from
//! `handshake` (the lab decides nothing about validity itself).

use handshake::{Severity, lint};

/// What the core says about a request before the lab answers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Judgement {
    /// The status a conforming server answers with, when it must refuse.
    pub refuse_with: Option<u16>,
    /// Why, from the core's first error finding.
    pub why: String,
}

/// Lints a request head on its own; a request the core cannot read at all is a
/// bad request (RFC 9110 §15.5.1).
pub fn request(head: &[u8]) -> Judgement {
    let lint = match lint(head) {
        Ok(lint) => lint,
        Err(error) => {
            return Judgement { refuse_with: Some(400), why: error.to_string() };
        }
    };
    let Some(exchange) = lint.exchanges.first() else {
        return Judgement { refuse_with: Some(400), why: "no request found".to_owned() };
    };
    let why = exchange
        .findings
        .iter()
        .find(|f| f.severity == Severity::Error)
        .map(|f| format!("{} ({}): {}", f.rule.id, f.rule.rfc, f.message))
        .unwrap_or_default();
    Judgement { refuse_with: exchange.verdict.expected_status, why }
}

/// The core's lint report of a request and the response the lab sent, as JSON
/// (the request and response concatenated are a raw HTTP capture).
pub fn exchange(request: &[u8], response: &[u8]) -> String {
    let mut capture = Vec::with_capacity(request.len() + response.len());
    capture.extend_from_slice(request);
    capture.extend_from_slice(response);
    match lint(&capture) {
        Ok(lint) => lint.to_json(),
        Err(error) => format!("{{\"error\":{}}}", crate::json::string(&error.to_string())),
    }
}

/// `Sec-WebSocket-Accept` for a key (RFC 6455 §4.2.2, step 5.4).
pub fn accept(key: &str) -> String {
    handshake::accept::accept(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    const VALID: &[u8] = b"GET /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n\
        Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\
        Sec-WebSocket-Version: 13\r\n\r\n";

    #[test]
    fn a_valid_request_is_not_refused() {
        assert_eq!(request(VALID).refuse_with, None);
    }

    #[test]
    fn the_core_decides_the_refusal() {
        let plain = request(b"GET /echo HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        assert_eq!(plain.refuse_with, Some(426));
        assert!(!plain.why.is_empty());
        assert_eq!(request(b"\x16\x03\x01 not http\r\n\r\n").refuse_with, Some(400));
    }

    #[test]
    fn the_exchange_report_is_the_cores_json() {
        let json = exchange(VALID, b"HTTP/1.1 101 Switching Protocols\r\n\r\n");
        assert!(json.starts_with("{\"format\": "), "{json}");
        assert!(json.contains("\"exchanges\": ["), "{json}");
    }
}
