//! HTTP/2 and HTTP/3 extended CONNECT written as header lines: pseudo-headers
//! (`:method: CONNECT`, `:protocol: websocket`, `:status: 200`) and regular
//! fields (`sec-websocket-version: 13`).

use super::{Exchange, push_head};
use crate::head::{self, Head, Kind, Line};

/// `:name...` (leading whitespace allowed).
pub fn is_pseudo_line(b: &[u8]) -> bool {
    let t = b.trim_ascii_start();
    t.len() > 1 && t[0] == b':' && t[1].is_ascii_alphabetic()
}

/// Fill the start-line parts from the pseudo-headers.
fn finish(mut h: Head<'_>) -> Head<'_> {
    h.method = h.header_field(":method").map(|f| f.value.clone());
    h.target = h.header_field(":path").map(|f| f.value.clone());
    h.status = h.header_field(":status").map(|f| f.value.clone());
    h
}

/// Add `line` (a pseudo-header or a field line) to `head`.
fn push_field<'a>(head: &mut Head<'a>, line: &Line<'a>) {
    let b: &[u8] = &line.bytes;
    let lead = b.len() - b.trim_ascii_start().len();
    let span = (line.offset + lead, line.offset + b.len());
    // The name runs to the next ':' (after a pseudo-header's own), or to
    // whitespace for `:method CONNECT`.
    let skip = lead + usize::from(b.get(lead) == Some(&b':'));
    let end_of_name =
        b[skip..].iter().position(|&c| c == b':' || c == b' ' || c == b'\t').map_or(b.len(), |p| p + skip);
    let after = end_of_name + usize::from(b.get(end_of_name) == Some(&b':'));
    let value_start = after + b[after..].iter().take_while(|c| c.is_ascii_whitespace()).count();
    let value_end = value_start + b[value_start..].trim_ascii_end().len();
    head.push_header(line.field(lead, end_of_name), line.field(value_start, value_end), span);
}

/// The exchanges in the text.
pub fn parse(input: &[u8]) -> Vec<Exchange<'_>> {
    let mut exchanges = Vec::new();
    let mut current: Option<Head<'_>> = None;
    for line in head::lines(input, 0, 1) {
        if line.is_blank() {
            continue;
        }
        let b = line.bytes.trim_ascii_start();
        let kind = if b.starts_with(b":status") {
            Some(Kind::Response)
        } else if is_pseudo_line(b) {
            Some(Kind::Request)
        } else {
            None
        };
        // A pseudo-header of the other message starts a new head.
        let starts_new = match (&current, kind) {
            (None, _) => true,
            (Some(h), Some(k)) => h.kind != k || (k == Kind::Response && h.status.is_some()),
            _ => false,
        };
        if starts_new {
            if let Some(h) = current.take() {
                push_head(&mut exchanges, Box::new(finish(h)), true);
            }
            current = Some(Head::new(kind.unwrap_or(Kind::Request), line.offset, line.number));
        }
        if let Some(h) = current.as_mut() {
            push_field(h, &line);
            if kind == Some(Kind::Response) && h.status.is_none() {
                h.status = h.header_field(":status").map(|f| f.value.clone());
            }
        }
    }
    if let Some(h) = current.take() {
        push_head(&mut exchanges, Box::new(finish(h)), true);
    }
    exchanges
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extended_connect() {
        let text = ":method: CONNECT\n:protocol: websocket\n:scheme: https\n:path: /chat\n:authority: example.com\nsec-websocket-version: 13\n\n:status: 200\nsec-websocket-protocol: chat\n";
        let ex = parse(text.as_bytes());
        assert_eq!(ex.len(), 1);
        let req = ex[0].request.as_ref().unwrap();
        assert_eq!(req.method(), Some("CONNECT"));
        assert_eq!(req.target(), Some("/chat"));
        assert_eq!(req.header(":protocol"), Some("websocket"));
        assert_eq!(req.header("sec-websocket-version"), Some("13"));
        assert!(req.problems.is_empty(), "{:?}", req.problems);
        let res = ex[0].response.as_ref().unwrap();
        assert_eq!(res.status(), Some(200));
        assert!(ex[0].extended_connect);
        let p = req.header_field(":path").unwrap();
        assert_eq!(&text[p.value.span.0..p.value.span.1], "/chat");
        assert_eq!(&text[p.name.span.0..p.name.span.1], ":path");
    }

    #[test]
    fn space_separated_pseudo_headers() {
        let ex = parse(b"  :method CONNECT\n  :status 200\n");
        assert_eq!(ex[0].request.as_ref().unwrap().method(), Some("CONNECT"));
        assert_eq!(ex[0].response.as_ref().unwrap().status(), Some(200));
    }
}
