//! `curl -v` output (`> ` request lines, `< ` response lines, `* ` notes) and
//! `curl --trace-ascii` output (`=> Send header` / `<= Recv header` blocks of
//! `0000: text` lines, long lines wrapped at 64 characters).

use std::borrow::Cow;

use super::{Exchange, push_head};
use crate::head::{self, Ending, Head, Kind, Line};

/// A line only curl writes.
pub fn is_curl_line(b: &[u8]) -> bool {
    b.starts_with(b"> ")
        || b.starts_with(b"< ")
        || b.starts_with(b"* ")
        || b == b">"
        || b == b"<"
        || b.starts_with(b"== Info:")
        || b.starts_with(b"=> Send")
        || b.starts_with(b"<= Recv")
}

/// `XXXX: ` at the start of a trace line: the hex offset and where the text starts.
fn trace_offset(b: &[u8]) -> Option<(usize, usize)> {
    let colon = b.iter().position(|&c| c == b':')?;
    let hex = &b[..colon];
    if hex.len() < 4 || hex.len() > 8 || !hex.iter().all(u8::is_ascii_hexdigit) {
        return None;
    }
    let value = usize::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?;
    let text = colon + 1 + usize::from(b.get(colon + 1) == Some(&b' '));
    Some((value, text))
}

/// Builds heads from the lines curl shows for each direction.
struct Builder<'a> {
    exchanges: Vec<Exchange<'a>>,
    head: Option<Head<'a>>,
}

impl<'a> Builder<'a> {
    fn flush(&mut self) {
        if let Some(h) = self.head.take() {
            push_head(&mut self.exchanges, Box::new(h), false);
        }
    }

    fn push(&mut self, kind: Kind, line: Line<'a>) {
        if line.is_blank() {
            self.flush();
            return;
        }
        if self.head.as_ref().is_some_and(|h| h.kind != kind) {
            self.flush();
        }
        let head = self.head.get_or_insert_with(|| Head::new(kind, line.offset, line.number));
        head.kind = kind;
        head.push_line(line);
    }
}

/// A piece of a wrapped trace line.
struct Pending<'a> {
    kind: Kind,
    pieces: Vec<(usize, &'a [u8])>,
    number: usize,
    /// The dump offset the next piece has when it continues this line.
    next_dump: usize,
}

impl<'a> Pending<'a> {
    fn line(&self) -> Line<'a> {
        let offset = self.pieces.first().map_or(0, |p| p.0);
        let bytes = match self.pieces.as_slice() {
            [(_, one)] => Cow::Borrowed(*one),
            many => Cow::Owned(many.iter().flat_map(|p| p.1.iter().copied()).collect()),
        };
        Line { bytes, text: None, offset, number: self.number, ending: Ending::Crlf, clean: false }
    }
}

/// The exchanges in curl's output.
pub fn parse(input: &[u8]) -> Vec<Exchange<'_>> {
    let mut b = Builder { exchanges: Vec::new(), head: None };
    // --trace-ascii: which header block we are in, and a line being unwrapped.
    let mut block: Option<Kind> = None;
    let mut pending: Option<Pending<'_>> = None;
    for line in head::lines(input, 0, 1) {
        let bytes: &[u8] = match &line.bytes {
            Cow::Borrowed(x) => x,
            Cow::Owned(_) => continue,
        };
        if bytes.starts_with(b"=> ") || bytes.starts_with(b"<= ") || bytes.starts_with(b"== ") {
            if let Some(p) = pending.take() {
                b.push(p.kind, p.line());
            }
            block = if bytes.starts_with(b"=> Send header") {
                Some(Kind::Request)
            } else if bytes.starts_with(b"<= Recv header") {
                Some(Kind::Response)
            } else {
                None
            };
            continue;
        }
        if let Some(kind) = block
            && let Some((dump, text)) = trace_offset(bytes)
        {
            let piece = (line.offset + text, bytes.get(text..).unwrap_or_default());
            match pending.as_mut() {
                // Wrapped: this dump offset directly follows the last piece.
                Some(p) if p.kind == kind && p.next_dump == dump => {
                    p.pieces.push(piece);
                    p.next_dump = dump + piece.1.len();
                }
                _ => {
                    if let Some(p) = pending.take() {
                        b.push(p.kind, p.line());
                    }
                    pending = Some(Pending {
                        kind,
                        pieces: vec![piece],
                        number: line.number,
                        next_dump: dump + piece.1.len(),
                    });
                }
            }
            continue;
        }
        let kind = match bytes.first() {
            Some(b'>') => Kind::Request,
            Some(b'<') => Kind::Response,
            _ => continue,
        };
        let skip = 1 + usize::from(bytes.get(1) == Some(&b' '));
        let text = bytes.get(skip..).unwrap_or_default();
        b.push(
            kind,
            Line {
                bytes: Cow::Borrowed(text),
                text: None,
                offset: line.offset + skip,
                number: line.number,
                ending: Ending::Crlf,
                clean: line.clean,
            },
        );
    }
    if let Some(p) = pending.take() {
        b.push(p.kind, p.line());
    }
    b.flush();
    b.exchanges
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verbose() {
        let text = "*   Trying 127.0.0.1:8080...\n* Connected\n> GET /chat HTTP/1.1\n> Host: localhost:8080\n> Upgrade: websocket\n>\n< HTTP/1.1 101 Switching Protocols\n< Upgrade: websocket\n< \n* Connection #0 left intact\n";
        let ex = parse(text.as_bytes());
        assert_eq!(ex.len(), 1);
        let req = ex[0].request.as_ref().unwrap();
        assert_eq!(req.target(), Some("/chat"));
        assert_eq!(req.header("host"), Some("localhost:8080"));
        let host = req.header_field("host").unwrap();
        assert_eq!(&text[host.value.span.0..host.value.span.1], "localhost:8080");
        assert_eq!(host.value.line, 4);
        assert_eq!(ex[0].response.as_ref().unwrap().status(), Some(101));
        assert!(req.problems.is_empty());
    }

    #[test]
    fn trace_ascii_unwraps_long_lines() {
        let long = "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits";
        let (a, rest) = long.split_at(64);
        let text = format!(
            "== Info: Connected\n=> Send header, 120 bytes (0x78)\n0000: GET /chat HTTP/1.1\n0014: Host: x\n001d: {a}\n005d: {rest}\n0062: \n<= Recv header, 34 bytes (0x22)\n0000: HTTP/1.1 101 Switching Protocols\n<= Recv header, 20 bytes (0x14)\n0000: Upgrade: websocket\n<= Recv data, 2 bytes\n0000: ..\n"
        );
        let ex = parse(text.as_bytes());
        assert_eq!(ex.len(), 1, "{ex:?}");
        let req = ex[0].request.as_ref().unwrap();
        assert_eq!(
            req.header("sec-websocket-extensions"),
            Some("permessage-deflate; client_max_window_bits")
        );
        assert_eq!(req.header("host"), Some("x"));
        let res = ex[0].response.as_ref().unwrap();
        assert_eq!(res.status(), Some(101));
        assert_eq!(res.header("upgrade"), Some("websocket"));
    }
}
