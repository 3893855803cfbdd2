//! Response heads the lab writes itself, byte for byte.

/// A response: status, header fields in order, body.
#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    fields: Vec<(&'static str, String)>,
    body: Vec<u8>,
}

/// The `Sec-WebSocket-Version` the lab speaks (RFC 6455 §4.4: a refusal of the
/// version lists the versions the server understands).
pub const SUPPORTED_VERSION: &str = "13";

impl Response {
    /// The 101 that completes the opening handshake (RFC 6455 §4.2.2, step 5):
    /// `Upgrade: websocket`, `Connection: Upgrade`, the accept value and, when one
    /// was chosen, the single subprotocol. No body and no Content-Length
    /// (RFC 9110 §8.6).
    pub fn switching_protocols(accept: &str, protocol: Option<&str>) -> Response {
        let mut response = Response::bare(101)
            .field("Upgrade", "websocket")
            .field("Connection", "Upgrade")
            .field("Sec-WebSocket-Accept", accept);
        if let Some(protocol) = protocol {
            response = response.field("Sec-WebSocket-Protocol", protocol);
        }
        response
    }

    /// A refusal with the fields its status needs and a one-line text body.
    /// The connection is closed after it (RFC 9112 §9.6).
    pub fn refusal(status: u16, why: &str) -> Response {
        let response = match status {
            // A server that sends 426 MUST send Upgrade (RFC 9110 §15.5.22), and a
            // sender of Upgrade MUST list it in Connection (RFC 9110 §7.8). RFC 6455
            // §4.2.2 adds the versions understood.
            426 => Response::bare(426)
                .field("Upgrade", "websocket")
                .field("Connection", "Upgrade, close")
                .field("Sec-WebSocket-Version", SUPPORTED_VERSION),
            // RFC 6455 §4.4 answers an unknown version with 400 plus the versions too.
            400 => Response::bare(400)
                .field("Connection", "close")
                .field("Sec-WebSocket-Version", SUPPORTED_VERSION),
            // 405 MUST carry Allow (RFC 9110 §15.5.6).
            405 => Response::bare(405).field("Allow", "GET").field("Connection", "close"),
            // 503 may say when to retry (RFC 9110 §10.2.3).
            503 => Response::bare(503).field("Retry-After", "1").field("Connection", "close"),
            _ => Response::bare(status).field("Connection", "close"),
        };
        response.text(format!("{status} {}: {why}\n", reason(status)))
    }

    /// A JSON answer to a plain HTTP request; closes the connection after it.
    pub fn json(status: u16, body: String) -> Response {
        Response::bare(status)
            .field("Content-Type", "application/json")
            .field("Cache-Control", "no-store")
            .field("Connection", "close")
            .body(body.into_bytes())
    }

    /// A status line with no fields yet.
    pub fn bare(status: u16) -> Response {
        Response { status, fields: Vec::new(), body: Vec::new() }
    }

    /// Adds a header field.
    pub fn field(mut self, name: &'static str, value: impl Into<String>) -> Response {
        self.fields.push((name, value.into()));
        self
    }

    /// Removes every field named `name`.
    pub fn without(mut self, name: &str) -> Response {
        self.fields.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        self
    }

    /// Replaces the value of the field named `name`, or adds it.
    pub fn replace(self, name: &'static str, value: impl Into<String>) -> Response {
        self.without(name).field(name, value)
    }

    fn text(self, body: String) -> Response {
        self.field("Content-Type", "text/plain; charset=utf-8").body(body.into_bytes())
    }

    fn body(mut self, body: Vec<u8>) -> Response {
        self.fields.push(("Content-Length", body.len().to_string()));
        self.body = body;
        self
    }

    /// The head and body as sent (RFC 9112 §4: status-line, fields, CRLF).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = format!("HTTP/1.1 {} {}\r\n", self.status, reason(self.status));
        for (name, value) in &self.fields {
            out.push_str(name);
            out.push_str(": ");
            out.push_str(value);
            out.push_str("\r\n");
        }
        out.push_str("\r\n");
        let mut bytes = out.into_bytes();
        bytes.extend_from_slice(&self.body);
        bytes
    }
}

/// The reason phrase of a status (RFC 9110 §15).
pub fn reason(status: u16) -> &'static str {
    match status {
        101 => "Switching Protocols",
        200 => "OK",
        204 => "No Content",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        426 => "Upgrade Required",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        505 => "HTTP Version Not Supported",
        _ => "Unknown",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_the_rfc_101() {
        let bytes = Response::switching_protocols("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", Some("chat")).to_bytes();
        assert_eq!(
            String::from_utf8_lossy(&bytes),
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
             Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nSec-WebSocket-Protocol: chat\r\n\r\n"
        );
    }

    #[test]
    fn refusals_carry_what_their_status_needs() {
        let r = String::from_utf8_lossy(&Response::refusal(426, "x").to_bytes()).into_owned();
        assert!(r.starts_with("HTTP/1.1 426 Upgrade Required\r\n"));
        assert!(r.contains("\r\nUpgrade: websocket\r\n"));
        assert!(r.contains("\r\nSec-WebSocket-Version: 13\r\n"));
        let r = String::from_utf8_lossy(&Response::refusal(405, "x").to_bytes()).into_owned();
        assert!(r.contains("\r\nAllow: GET\r\n"));
        let body = "404 Not Found: x\n";
        let r = String::from_utf8_lossy(&Response::refusal(404, "x").to_bytes()).into_owned();
        assert!(r.ends_with(&format!("Content-Length: {}\r\n\r\n{body}", body.len())));
    }
}
