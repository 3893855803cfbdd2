//! Headers copied from browser DevTools: "Request Headers" / "Response
//! Headers" sections (Chromium lists the response first), a "General" section
//! (`Request URL`, `Request Method`, `Status Code`), `Name: value` lines or a
//! name and its value on two lines; with or without the start line.

use std::borrow::Cow;

use super::{Exchange, push_head};
use crate::head::{self, Field, Head, Kind, Line, Span};

const SECTIONS: [(&str, Option<Kind>); 3] =
    [("general", None), ("request headers", Some(Kind::Request)), ("response headers", Some(Kind::Response))];

const GENERAL_KEYS: [&str; 5] =
    ["request url", "request method", "status code", "remote address", "referrer policy"];

fn starts_with_ignore_case(b: &[u8], prefix: &str) -> bool {
    b.len() >= prefix.len() && b[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
}

/// A section title (`Response Headers (12)`, `Request Headers view source`).
fn section(b: &[u8]) -> Option<Option<Kind>> {
    let t = b.trim_ascii();
    SECTIONS.iter().find_map(|(name, kind)| {
        let rest = starts_with_ignore_case(t, name).then(|| &t[name.len()..])?;
        (rest.is_empty() || rest[0] == b' ' || rest[0] == b'\t' || rest[0] == b'(').then_some(*kind)
    })
}

/// A `General` key line (`Request URL:`), with the key's index.
fn general_key(b: &[u8]) -> Option<usize> {
    let t = b.trim_ascii_start();
    GENERAL_KEYS.iter().position(|k| {
        starts_with_ignore_case(t, k)
            && t.get(k.len()..).is_some_and(|r| r.trim_ascii_start().starts_with(b":"))
    })
}

/// A line only a DevTools copy has.
pub fn is_marker(b: &[u8]) -> bool {
    section(b).is_some() || general_key(b).is_some()
}

/// A line of a block, or a field whose name and value were on two lines.
enum Item<'a> {
    Line(Line<'a>),
    Pair(Field<'a>, Field<'a>, Span),
}

/// A block of field lines for one head.
struct Block<'a> {
    kind: Option<Kind>,
    lines: Vec<Item<'a>>,
}

fn is_token_line(b: &[u8]) -> bool {
    let t = b.trim_ascii();
    !t.is_empty() && t.iter().all(|&c| head::is_tchar(c))
}

fn build(block: Block<'_>) -> Option<Head<'_>> {
    let (offset, number, start) = match block.lines.first()? {
        Item::Line(l) => (l.offset, l.number, head::parse_start_line(&l.bytes)),
        Item::Pair(name, _, _) => (name.span.0, name.line, None),
    };
    let kind = block.kind.unwrap_or_else(|| {
        let looks_like_response = match start {
            Some(head::StartLine::Status { .. }) => true,
            Some(head::StartLine::Request { .. }) => false,
            None => block.lines.iter().any(|item| match item {
                Item::Line(l) => starts_with_ignore_case(&l.bytes, "sec-websocket-accept"),
                Item::Pair(name, _, _) => name.as_str().eq_ignore_ascii_case("sec-websocket-accept"),
            }),
        };
        if looks_like_response { Kind::Response } else { Kind::Request }
    });
    let mut h = Head::new(kind, offset, number);
    for item in block.lines {
        match item {
            Item::Line(line) => {
                h.push_line(line);
            }
            Item::Pair(name, value, span) => h.push_header(name, value, span),
        }
    }
    h.kind = kind;
    Some(h)
}

/// The exchanges in a DevTools copy.
pub fn parse(input: &[u8]) -> Vec<Exchange<'_>> {
    let lines: Vec<Line<'_>> = head::lines(input, 0, 1).collect();
    let mut heads = Vec::new();
    let mut general: [Option<Field<'_>>; 3] = [None, None, None];
    let mut block = Block { kind: None, lines: Vec::new() };
    let mut declared = false;
    let mut i = 0;
    while i < lines.len() {
        let line = &lines[i];
        let b: &[u8] = &line.bytes;
        i += 1;
        if let Some(kind) = section(b) {
            heads.extend(build(std::mem::replace(&mut block, Block { kind, lines: Vec::new() })));
            declared = kind.is_some();
            continue;
        }
        if let Some(key) = general_key(b) {
            let colon = b.iter().position(|&c| c == b':').unwrap_or(0);
            let rest = &b[colon + 1..];
            let lead = rest.len() - rest.trim_ascii_start().len();
            let value = if rest.trim_ascii().is_empty() {
                // The value is on the next line.
                let next = lines.get(i).filter(|l| !l.is_blank());
                i += usize::from(next.is_some());
                next.map(|l| {
                    let lead = l.bytes.len() - l.bytes.trim_ascii_start().len();
                    l.field(lead, lead + l.bytes.trim_ascii().len())
                })
            } else {
                let start = colon + 1 + lead;
                Some(line.field(start, start + rest.trim_ascii().len()))
            };
            if let Some(slot) = general.get_mut(key) {
                *slot = value;
            }
            continue;
        }
        if line.is_blank() {
            if !declared {
                heads.extend(build(std::mem::replace(&mut block, Block { kind: None, lines: Vec::new() })));
            }
            continue;
        }
        // Trim the indentation DevTools copies carry.
        let lead = b.len() - b.trim_ascii_start().len();
        let text = &b[lead..];
        let ends_with_colon = text.trim_ascii_end().ends_with(b":") && text.len() > 1;
        let name_then_value = (ends_with_colon || is_token_line(text))
            && !text.contains(&b' ')
            && lines
                .get(i)
                .is_some_and(|n| !n.is_blank() && section(&n.bytes).is_none() && !n.bytes.contains(&b':'));
        if name_then_value && head::parse_start_line(text).is_none() {
            // `Name` (or `Name:`) on one line, its value on the next.
            let value_line = &lines[i];
            i += 1;
            let name_len = text.trim_ascii_end().len() - usize::from(ends_with_colon);
            let name = line.field(lead, lead + name_len);
            let v: &[u8] = &value_line.bytes;
            let v_lead = v.len() - v.trim_ascii_start().len();
            let value = value_line.field(v_lead, v_lead + v.trim_ascii().len());
            let span = (name.span.0, value.span.1);
            block.lines.push(Item::Pair(name, value, span));
            continue;
        }
        block.lines.push(Item::Line(Line {
            text: None,
            bytes: match &line.bytes {
                Cow::Borrowed(x) => Cow::Borrowed(&x[lead..]),
                Cow::Owned(x) => Cow::Owned(x[lead..].to_vec()),
            },
            offset: line.offset + lead,
            number: line.number,
            ending: line.ending,
            clean: line.clean,
        }));
    }
    heads.extend(build(block));
    let [url, method, status] = general;
    // Requests first (Chromium shows the response headers first), then pair.
    let (mut requests, mut responses): (Vec<_>, Vec<_>) = heads.into_iter().partition(Head::is_request);
    if requests.is_empty() && method.is_some() {
        requests.push(Head::new(Kind::Request, 0, 1));
    }
    if responses.is_empty() && status.is_some() {
        responses.push(Head::new(Kind::Response, 0, 1));
    }
    if let Some(req) = requests.first_mut() {
        if req.method.is_none() {
            req.method = method;
        }
        if req.target.is_none() {
            req.target = url;
        }
    }
    if let (Some(res), Some(status)) = (responses.first_mut(), status)
        && res.status.is_none()
    {
        // `101 Switching Protocols`: the code, then the reason.
        let text = status.as_str();
        let code_len = text.find(' ').unwrap_or(text.len());
        let reason = text[code_len..].trim();
        res.status = Some(Field {
            text: Cow::Owned(text[..code_len].to_string()),
            span: (status.span.0, status.span.0 + code_len),
            line: status.line,
        });
        if !reason.is_empty() {
            let at = status.span.1.saturating_sub(reason.len());
            res.reason = Some(Field {
                text: Cow::Owned(reason.to_string()),
                span: (at.max(status.span.0), status.span.1),
                line: status.line,
            });
        }
    }
    let mut exchanges = Vec::new();
    let mut responses = responses.into_iter();
    for req in requests {
        push_head(&mut exchanges, Box::new(req), false);
        if let Some(res) = responses.next() {
            push_head(&mut exchanges, Box::new(res), false);
        }
    }
    for res in responses {
        push_head(&mut exchanges, Box::new(res), false);
    }
    exchanges
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chromium_sections() {
        let text = "General\nRequest URL: wss://example.com/chat\nRequest Method: GET\nStatus Code: 101 Switching Protocols\n\nResponse Headers\nConnection: Upgrade\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\nUpgrade: websocket\n\nRequest Headers\nConnection: Upgrade\nHost: example.com\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\n";
        let ex = parse(text.as_bytes());
        assert_eq!(ex.len(), 1);
        let req = ex[0].request.as_ref().unwrap();
        assert_eq!(req.method(), Some("GET"));
        assert_eq!(req.target(), Some("wss://example.com/chat"));
        assert_eq!(req.header("host"), Some("example.com"));
        let res = ex[0].response.as_ref().unwrap();
        assert_eq!(res.status(), Some(101));
        assert_eq!(res.reason(), Some("Switching Protocols"));
        assert_eq!(res.header("upgrade"), Some("websocket"));
        let s = res.status.as_ref().unwrap();
        assert_eq!(&text[s.span.0..s.span.1], "101");
    }

    #[test]
    fn headers_only_and_two_line_values() {
        let text = "Host: example.com\nUpgrade: websocket\n\nUpgrade\nwebsocket\nSec-WebSocket-Accept:\ns3pPLMBiTxaQ9kYGzzhZRbK+xOo=\n";
        let ex = parse(text.as_bytes());
        assert_eq!(ex.len(), 1, "{ex:?}");
        assert_eq!(ex[0].request.as_ref().unwrap().header("host"), Some("example.com"));
        let res = ex[0].response.as_ref().unwrap();
        assert_eq!(res.header("upgrade"), Some("websocket"));
        assert_eq!(res.header("sec-websocket-accept"), Some("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="));
    }
}
