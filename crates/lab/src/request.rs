//! Interim: the few request fields the lab routes on, read from the head.
//!
//! This only splits lines; it judges nothing (the core does). It goes away when
//! the core's head parser (`handshake::head`) lands; the accessors mirror its API.

/// A request head split into its request line and header fields.
#[derive(Debug, Clone)]
pub struct RequestHead {
    method: String,
    target: String,
    fields: Vec<(String, String)>,
}

impl RequestHead {
    /// Splits `head` into lines; `None` when there is no request line at all.
    pub fn parse(head: &[u8]) -> Option<RequestHead> {
        let text = String::from_utf8_lossy(head);
        let mut lines = text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l));
        let mut request_line = lines.next()?.split(' ');
        let method = request_line.next().filter(|m| !m.is_empty())?.to_owned();
        let target = request_line.next().filter(|t| !t.is_empty())?.to_owned();
        let fields = lines
            .take_while(|l| !l.is_empty())
            .filter_map(|l| l.split_once(':'))
            .map(|(name, value)| (name.trim().to_owned(), value.trim().to_owned()))
            .collect();
        Some(RequestHead {
            method,
            target,
            fields,
        })
    }

    pub fn method(&self) -> &str {
        &self.method
    }

    pub fn target(&self) -> &str {
        &self.target
    }

    /// The first field named `name` (names are case-insensitive, RFC 9110 §5.1).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Every field named `name`, in order.
    pub fn headers_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.fields
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_request_line_and_fields() {
        let head = RequestHead::parse(
            b"GET /echo?id=1 HTTP/1.1\r\nHost: a\r\nsec-websocket-protocol: x, y\r\n\
              Sec-WebSocket-Protocol: z\r\n\r\n",
        )
        .expect("a head");
        assert_eq!(head.method(), "GET");
        assert_eq!(head.target(), "/echo?id=1");
        assert_eq!(head.header("HOST"), Some("a"));
        let protocols: Vec<_> = head.headers_named("Sec-WebSocket-Protocol").collect();
        assert_eq!(protocols, ["x, y", "z"]);
        assert!(RequestHead::parse(b"\r\n\r\n").is_none());
    }
}
