//! An HTTP/1 message head (start line and header fields, RFC 9112 §2-§5) that
//! borrows the captured text and keeps the byte span and line number of every
//! part, so a finding can point at what it is about.
//!
//! The parser is lenient on purpose: it never fails; whatever a strict parser
//! would reject is recorded as a [`HeadProblem`] and parsing goes on, so the lint
//! can report every problem at once.

mod known;
mod lines;
mod scan;
mod start_line;
mod uri;

use std::borrow::Cow;

pub use crate::field::{Field, Span};
pub(crate) use known::Known;
use known::{KNOWN_NAMES, SINGLETON, SINGLETON_BITS};
pub use lines::{Ending, Line, Lines, lines, lines_str};
pub use scan::{find_byte, is_field_value, is_tchar, is_token};
pub(crate) use scan::{is_ows, tchar_len, trim_ows};
pub use start_line::{StartLine, parse_start_line};
pub use uri::{UriParts, origin_form, split_uri};

/// Most bytes of one head that are read (start line, fields and line ends).
pub const MAX_HEAD_BYTES: usize = 64 * 1024;
/// Most header fields of one head that are kept.
pub const MAX_HEADERS: usize = 256;

/// No field with a known name (see `Head::first`).
const NO_FIELD: u16 = u16::MAX;

/// Fields reserved for a request (a browser's handshake has about 15) and
/// for a response (a 101 has a handful); more only grow the list.
const REQUEST_FIELDS: usize = 16;
const RESPONSE_FIELDS: usize = 8;

/// Request or response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Request,
    Response,
}

/// One header field line: `name: value`. `value` is trimmed of optional
/// whitespace (RFC 9110 §5.5); `span` covers the whole field line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header<'a> {
    pub name: Field<'a>,
    pub value: Field<'a>,
    pub span: Span,
    /// The name classified once, so lookups compare a byte.
    known: Known,
}

impl<'a> Header<'a> {
    pub fn new(name: Field<'a>, value: Field<'a>, span: Span) -> Header<'a> {
        let known = Known::of(name.as_str());
        Header { name, value, span, known }
    }
}

/// What a strict HTTP/1.1 parser would object to in a head.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeadProblemKind {
    /// A line ended by LF alone (RFC 9112 §2.2 allows a recipient to accept it).
    BareLf,
    /// A field line continued on the next line (obs-fold, RFC 9112 §5.2).
    ObsFold,
    /// The start line is neither a request line nor a status line (RFC 9112 §3, §4).
    StartLine,
    /// A field line without a colon.
    NoColon,
    /// A field name that is empty or not a token (RFC 9110 §5.1).
    FieldName,
    /// Whitespace between the field name and the colon (RFC 9112 §5.1).
    WhitespaceBeforeColon,
    /// CR, NUL or another control character in a field value (RFC 9110 §5.5).
    FieldValue,
    /// More than [`MAX_HEADERS`] fields.
    TooManyHeaders,
    /// More than [`MAX_HEAD_BYTES`] bytes.
    TooLarge,
}

/// A problem found while parsing, with where it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeadProblem {
    pub kind: HeadProblemKind,
    pub line: usize,
    pub span: Span,
}

/// A message head.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head<'a> {
    pub kind: Kind,
    /// The whole start line, when there is one (DevTools copies may lack it).
    pub start_line: Option<Field<'a>>,
    pub method: Option<Field<'a>>,
    pub target: Option<Field<'a>>,
    /// `HTTP/1.1`, or for HTTP/2 and HTTP/3 captures whatever the capture says.
    pub version: Option<Field<'a>>,
    /// The status code as written (three digits for a valid status line).
    pub status: Option<Field<'a>>,
    pub reason: Option<Field<'a>>,
    /// The fields in order (read with [`Head::headers`]).
    headers: Vec<Header<'a>>,
    /// Bytes after the head that belong to this message (a body, or data sent
    /// before the handshake completed).
    pub body: Option<Field<'a>>,
    /// From the first byte of the start line (or first field) to the end of the
    /// last line read.
    pub span: Span,
    /// Line of the first byte.
    pub line: usize,
    pub problems: Vec<HeadProblem>,
    /// Bytes counted against [`MAX_HEAD_BYTES`].
    size: usize,
    /// For each of [`KNOWN_NAMES`], the index of its first field
    /// ([`NO_FIELD`] when none), and bit `i` of `repeated` when more than one
    /// field has name `i`: lookups go straight to the fields.
    first: [u16; KNOWN_NAMES.len()],
    repeated: u32,
}

impl<'a> Head<'a> {
    /// An empty head of `kind` starting at `offset` on `line`.
    pub fn new(kind: Kind, offset: usize, line: usize) -> Head<'a> {
        Head {
            kind,
            start_line: None,
            method: None,
            target: None,
            version: None,
            status: None,
            reason: None,
            // Reserved once the start line says what the head is (or at the
            // first field), so a response's small list stays small.
            headers: Vec::new(),
            body: None,
            span: (offset, offset),
            line,
            problems: Vec::new(),
            size: 0,
            first: [NO_FIELD; KNOWN_NAMES.len()],
            repeated: 0,
        }
    }

    /// The header fields, in order.
    pub fn headers(&self) -> &[Header<'a>] {
        &self.headers
    }

    pub fn is_request(&self) -> bool {
        self.kind == Kind::Request
    }

    pub fn method(&self) -> Option<&str> {
        self.method.as_ref().map(Field::as_str)
    }

    pub fn target(&self) -> Option<&str> {
        self.target.as_ref().map(Field::as_str)
    }

    pub fn version(&self) -> Option<&str> {
        self.version.as_ref().map(Field::as_str)
    }

    /// The status code, when it is three digits.
    pub fn status(&self) -> Option<u16> {
        let s = self.status.as_ref()?.as_str();
        if s.len() == 3 && s.bytes().all(|b| b.is_ascii_digit()) { s.parse().ok() } else { None }
    }

    pub fn reason(&self) -> Option<&str> {
        self.reason.as_ref().map(Field::as_str)
    }

    /// The value of the first field called `name` (ASCII case-insensitive).
    #[inline]
    pub fn header(&self, name: &str) -> Option<&str> {
        self.header_field(name).map(|h| h.value.as_str())
    }

    /// The first field called `name` (ASCII case-insensitive).
    #[inline]
    pub fn header_field(&self, name: &str) -> Option<&Header<'a>> {
        self.headers_named(name).next()
    }

    /// The second occurrence of each singleton field that is repeated
    /// (RFC 9110 §5.3: Origin, Content-Length, Content-Type, Authorization,
    /// User-Agent, Referer, Date, Server, Location). One pass over the fields.
    pub(crate) fn repeated_singletons<'h>(&'h self) -> Vec<&'h Header<'a>> {
        let mut repeated = Vec::new();
        if self.repeated & SINGLETON_BITS == 0 {
            return repeated;
        }
        let mut seen = [0u8; KNOWN_NAMES.len()];
        for h in &self.headers {
            if let Some(i) = h.known.index()
                && SINGLETON[i]
            {
                seen[i] = seen[i].saturating_add(1);
                if seen[i] == 2 {
                    repeated.push(h);
                }
            }
        }
        repeated
    }

    /// Every field with the known name `known`, in order (a byte compare per
    /// field: the names were classified when the fields were added). Starts
    /// at the first such field, and stops there when it is the only one.
    #[inline]
    pub(crate) fn known_fields<'h>(&'h self, known: Known) -> impl Iterator<Item = &'h Header<'a>> {
        let fields = match known.index() {
            None => &self.headers[..],
            Some(i) => match usize::from(self.first[i]) {
                at if at == usize::from(NO_FIELD) => &[],
                at if self.repeated >> i & 1 != 0 => &self.headers[at..],
                at => &self.headers[at..=at],
            },
        };
        fields.iter().filter(move |h| h.known == known)
    }

    /// The first field with the known name `known`.
    #[inline]
    pub(crate) fn known_field(&self, known: Known) -> Option<&Header<'a>> {
        self.known_fields(known).next()
    }

    /// Every field called `name` (ASCII case-insensitive), in order.
    #[inline]
    pub fn headers_named<'h>(&'h self, name: &str) -> impl Iterator<Item = &'h Header<'a>> {
        self.headers.iter().filter(move |h| h.name.text.eq_ignore_ascii_case(name))
    }

    fn problem(&mut self, kind: HeadProblemKind, line: usize, span: Span) {
        self.problems.push(HeadProblem { kind, line, span });
    }

    /// Whether the limits stopped the parser reading this head.
    pub fn truncated(&self) -> bool {
        self.problems
            .iter()
            .any(|p| matches!(p.kind, HeadProblemKind::TooLarge | HeadProblemKind::TooManyHeaders))
    }

    /// Count `len` more bytes against [`MAX_HEAD_BYTES`]; `false` (and a
    /// problem, once) when the limit is passed.
    fn charge(&mut self, len: usize, line: usize, span: Span) -> bool {
        if self.size > MAX_HEAD_BYTES {
            return false;
        }
        self.size += len;
        if self.size > MAX_HEAD_BYTES {
            self.problem(HeadProblemKind::TooLarge, line, span);
            return false;
        }
        true
    }

    /// Add a field whose name and value are already separated (HAR, DevTools),
    /// checking the name and value grammar and the field limit.
    pub fn push_header(&mut self, name: Field<'a>, value: Field<'a>, span: Span) {
        if self.charge(name.text.len() + value.text.len() + 4, name.line, span) {
            self.insert_header(name, value, span);
        }
    }

    /// Add a field already charged against [`MAX_HEAD_BYTES`].
    fn insert_header(&mut self, name: Field<'a>, value: Field<'a>, span: Span) {
        self.insert_header_checked(Header::new(name, value, span), false, false);
    }

    /// [`Head::insert_header`]; `name_is_token` and `value_is_clean` when the
    /// caller has already seen that the name is a token and that the value
    /// has no control character.
    #[inline(always)]
    fn insert_header_checked(&mut self, header: Header<'a>, name_is_token: bool, value_is_clean: bool) {
        let Header { name, value, span, .. } = &header;
        let (line, span) = (name.line, *span);
        if self.headers.len() >= MAX_HEADERS {
            if !self.truncated() {
                self.problem(HeadProblemKind::TooManyHeaders, line, span);
            }
            return;
        }
        // RFC 9110 §5.1: field-name = token.
        // An HTTP/2 pseudo-header (`:path`) is a token after the colon.
        if !name_is_token && !is_token(name.text.strip_prefix(':').unwrap_or(&name.text)) {
            self.problem(HeadProblemKind::FieldName, line, name.span);
        }
        // RFC 9110 §5.5: CR, LF and NUL are invalid in a value; other controls
        // but HTAB are not field-vchar.
        if !value_is_clean && !is_field_value(value.text.as_bytes()) {
            self.problem(HeadProblemKind::FieldValue, line, value.span);
        }
        self.span.1 = self.span.1.max(span.1);
        if self.headers.capacity() == 0 {
            self.headers.reserve_exact(REQUEST_FIELDS);
        }
        if let Some(i) = header.known.index() {
            if self.first[i] == NO_FIELD {
                // Below MAX_HEADERS, so below NO_FIELD.
                self.first[i] = self.headers.len() as u16;
            } else {
                self.repeated |= 1 << i;
            }
        }
        self.headers.push(header);
    }

    /// Parse one line of a head. The first line may be a start line; later
    /// lines are field lines (or obs-fold continuations). Returns `false` once
    /// the limits stop reading.
    pub fn push_line(&mut self, line: Line<'a>) -> bool {
        let bytes: &[u8] = &line.bytes;
        let span = (line.offset, line.offset + bytes.len());
        if self.start_line.is_none() && self.headers.is_empty() && self.span.0 == self.span.1 {
            self.span = (line.offset, line.offset);
            self.line = line.number;
        }
        let ending_len = match line.ending {
            Ending::Crlf => 2,
            Ending::Lf => 1,
            Ending::Eof => 0,
        };
        if !self.charge(bytes.len() + ending_len, line.number, span) {
            return false;
        }
        if line.ending == Ending::Lf {
            // RFC 9112 §2.2: the line terminator is CRLF.
            self.problem(HeadProblemKind::BareLf, line.number, (span.1, span.1 + 1));
        }
        self.span.1 = span.1 + ending_len;
        let first = self.start_line.is_none() && self.headers.is_empty();
        if first && let Some(start) = parse_start_line(bytes) {
            self.apply_start_line(&line, start);
            return true;
        }
        // RFC 9112 §5.2: obs-fold continues the previous field's value.
        if bytes.first().is_some_and(|&b| is_ows(b)) {
            self.problem(HeadProblemKind::ObsFold, line.number, span);
            if let Some(last) = self.headers.last_mut() {
                let (_, more) = trim_ows(bytes);
                if !more.is_empty() {
                    let mut joined = last.value.text.to_string();
                    joined.push(' ');
                    joined.push_str(&String::from_utf8_lossy(more));
                    last.value.text = Cow::Owned(joined);
                    last.value.span.1 = span.1;
                    last.span.1 = span.1;
                }
                return true;
            }
        }
        // The common case in one scan: a token name right before the colon
        // (no whitespace before it, nothing to trim, no need to check again).
        // `:` is not a tchar, so the name is a token right before the first
        // colon exactly when every byte before that colon is a tchar.
        let token_len = tchar_len(bytes);
        if token_len > 0 && bytes.get(token_len) == Some(&b':') {
            let (lead, value) = trim_ows(&bytes[token_len + 1..]);
            let value_start = token_len + 1 + lead;
            let name = line.field(0, token_len);
            let value = line.field(value_start, value_start + value.len());
            self.insert_header_checked(Header::new(name, value, span), true, line.clean);
            return !self.truncated();
        }
        let colon = find_byte(bytes, b':');
        // An HTTP/2 pseudo-header line (`:method: GET`) keeps its leading colon.
        let colon = match colon {
            Some(0) => bytes[1..].iter().position(|&b| b == b':').map(|p| p + 1),
            other => other,
        };
        let Some(colon) = colon else {
            let kind = if first { HeadProblemKind::StartLine } else { HeadProblemKind::NoColon };
            self.problem(kind, line.number, span);
            return true;
        };
        let name_len = bytes[..colon].iter().rposition(|&b| !is_ows(b)).map_or(0, |p| p + 1);
        if name_len < colon {
            // RFC 9112 §5.1: no whitespace between field name and colon.
            self.problem(
                HeadProblemKind::WhitespaceBeforeColon,
                line.number,
                (line.offset + name_len, line.offset + colon),
            );
        }
        let (lead, value) = trim_ows(&bytes[colon + 1..]);
        let value_start = colon + 1 + lead;
        let name = line.field(0, name_len);
        let value = line.field(value_start, value_start + value.len());
        self.insert_header(name, value, span);
        !self.truncated()
    }

    /// [`Head::push_line`] for the next of `lines` when it is the common
    /// line, read straight from the text: a field line `token: value` after
    /// the first line (RFC 9110 §5.1: the name a token, no whitespace before
    /// the colon), ended by CRLF (RFC 9112 §2.2), without control characters
    /// (RFC 9110 §5.5), in text known to be UTF-8, within the limits.
    /// `false`, having read and changed nothing, for any other line: the
    /// general path then reads it and reports what it finds.
    #[inline(always)]
    fn push_plain_field_line(&mut self, lines: &mut Lines<'a>) -> bool {
        let Some(text) = lines.peek_clean_crlf() else {
            return false;
        };
        let bytes = text.as_bytes();
        let Some(name_len) = find_byte(bytes, b':') else {
            return false;
        };
        let size = self.size + bytes.len() + 2;
        if name_len == 0
            || (self.headers.is_empty() && self.start_line.is_none())
            || self.headers.len() >= MAX_HEADERS
            || size > MAX_HEAD_BYTES
        {
            return false;
        }
        // A known name is a token (and needs no byte-by-byte look).
        let known = Known::of(&text[..name_len]);
        if known == Known::Other && tchar_len(&bytes[..name_len]) < name_len {
            return false;
        }
        self.size = size;
        let (offset, number) = (lines.offset, lines.number);
        let field = |start: usize, end: usize| Field {
            text: Cow::Borrowed(&text[start..end]),
            span: (offset + start, offset + end),
            line: number,
        };
        let (lead, value) = trim_ows(&bytes[name_len + 1..]);
        let value_start = name_len + 1 + lead;
        let span = (offset, offset + bytes.len());
        self.span.1 = span.1 + 2;
        let header = Header {
            name: field(0, name_len),
            value: field(value_start, value_start + value.len()),
            span,
            known,
        };
        self.insert_header_checked(header, true, true);
        lines.offset += bytes.len() + 2;
        lines.number += 1;
        true
    }

    fn apply_start_line(&mut self, line: &Line<'a>, start: StartLine) {
        self.start_line = Some(line.field(0, line.bytes.len()));
        match start {
            StartLine::Request { method, target, version } => {
                self.kind = Kind::Request;
                self.headers.reserve_exact(REQUEST_FIELDS);
                self.method = Some(line.field(method.0, method.1));
                self.target = Some(line.field(target.0, target.1));
                self.version = Some(line.field(version.0, version.1));
            }
            StartLine::Status { version, status, reason } => {
                self.kind = Kind::Response;
                self.headers.reserve_exact(RESPONSE_FIELDS);
                self.version = Some(line.field(version.0, version.1));
                self.status = Some(line.field(status.0, status.1));
                self.reason = reason.map(|r| line.field(r.0, r.1));
            }
        }
    }
}

/// Parse a head from `input` at `offset` (line `number`): lines up to and
/// including the first blank line. Returns the head and where the next byte
/// after it is. Leading blank lines are skipped. `None` when only blank lines
/// remain.
pub fn parse_head(input: &[u8], offset: usize, number: usize) -> Option<(Box<Head<'_>>, usize, usize)> {
    parse_head_from(lines(input, offset, number))
}

/// [`parse_head`] over the given lines. The head is boxed where it is built
/// (it is large, and it moves on into an exchange and its report).
pub fn parse_head_from(mut lines: Lines<'_>) -> Option<(Box<Head<'_>>, usize, usize)> {
    let first = lines.by_ref().find(|line| !line.is_blank())?;
    let mut head = Box::new(Head::new(Kind::Request, first.offset, first.number));
    let mut reading = head.push_line(first);
    loop {
        if reading && head.push_plain_field_line(&mut lines) {
            continue;
        }
        let Some(line) = lines.next() else {
            break;
        };
        if line.is_blank() {
            break;
        }
        // Past the limits, skip to the end of the head without keeping it.
        if reading {
            reading = head.push_line(line);
        }
    }
    let (offset, number) = (lines.offset(), lines.number());
    Some((head, offset, number))
}

#[cfg(test)]
mod tests {
    use super::*;

    const REQUEST: &str = "GET /chat HTTP/1.1\r\nHost: server.example.com\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n";

    #[test]
    fn request_with_spans() {
        let (head, next, line) = parse_head(REQUEST.as_bytes(), 0, 1).unwrap();
        assert_eq!(next, REQUEST.len());
        assert_eq!(line, 7);
        assert!(head.is_request());
        assert_eq!(head.method(), Some("GET"));
        assert_eq!(head.target(), Some("/chat"));
        assert_eq!(head.version(), Some("HTTP/1.1"));
        assert_eq!(head.header("host"), Some("server.example.com"));
        assert_eq!(head.header("UPGRADE"), Some("websocket"));
        assert!(head.problems.is_empty(), "{:?}", head.problems);
        let key = head.header_field("sec-websocket-key").unwrap();
        assert_eq!(key.value.line, 5);
        assert_eq!(&REQUEST[key.value.span.0..key.value.span.1], "dGhlIHNhbXBsZSBub25jZQ==");
        assert_eq!(&REQUEST[key.name.span.0..key.name.span.1], "Sec-WebSocket-Key");
    }
    #[test]
    fn response_and_status() {
        let text = "HTTP/1.1 101 Switching Protocols\nUpgrade: websocket\n\n";
        let (head, _, _) = parse_head(text.as_bytes(), 0, 1).unwrap();
        assert_eq!(head.kind, Kind::Response);
        assert_eq!(head.status(), Some(101));
        assert_eq!(head.reason(), Some("Switching Protocols"));
        assert_eq!(head.problems.len(), 2);
        assert!(head.problems.iter().all(|p| p.kind == HeadProblemKind::BareLf));
    }
    #[test]
    fn problems_are_recorded_not_fatal() {
        let text = "GET / HTTP/1.1\r\nHost : a\r\nX-Folded: one\r\n two\r\nno colon here\r\nBad Name: x\r\nV: a\x01b\r\n\r\n";
        let (head, _, _) = parse_head(text.as_bytes(), 0, 1).unwrap();
        let kinds: Vec<_> = head.problems.iter().map(|p| p.kind).collect();
        assert_eq!(
            kinds,
            [
                HeadProblemKind::WhitespaceBeforeColon,
                HeadProblemKind::ObsFold,
                HeadProblemKind::NoColon,
                HeadProblemKind::FieldName,
                HeadProblemKind::FieldValue,
            ]
        );
        assert_eq!(head.header("x-folded"), Some("one two"));
        assert_eq!(head.header("host"), Some("a"));
    }
    /// Text known to be UTF-8 takes the short path for plain field lines;
    /// the same bytes without that knowledge take the general one. Both
    /// give the same head, for plain lines and for every kind of odd one.
    #[test]
    fn short_path_agrees_with_general_path() {
        let pool = [
            "Host: a\r\n",
            "host:a \r\n",
            "X-A:\tb c\r\n",
            "X-B: \x01\r\n",
            "X-C: v\n",
            " folded\r\n",
            "\tfolded\r\n",
            "Bad Name: x\r\n",
            "NoColon\r\n",
            ":path: /\r\n",
            "Upgrade: websocket\r\n",
            "X-D: caf\u{e9}\r\n",
            "X-E: a\rb\r\n",
            "Name : v\r\n",
            "X-F: \x7f\r\n",
            "X-G: v",
            "\r\n",
        ];
        let mut texts = Vec::new();
        for start in ["GET / HTTP/1.1\r\n", "HTTP/1.1 101 OK\r\n", ""] {
            for a in pool {
                for b in pool {
                    for c in pool {
                        texts.push(format!("{start}{a}{b}{c}Host: z\r\n\r\nrest"));
                    }
                }
            }
        }
        texts.push(format!("GET / HTTP/1.1\r\n{}\r\n", "X: v\r\n".repeat(MAX_HEADERS + 5)));
        texts.push(format!("GET / HTTP/1.1\r\nA: {}\r\nB: c\r\n\r\n", "a".repeat(MAX_HEAD_BYTES - 30)));
        for text in &texts {
            let short = parse_head_from(lines_str(text, 0, 1));
            let general = parse_head_from(lines(text.as_bytes(), 0, 1));
            assert_eq!(short, general, "{text:?}");
        }
    }
    #[test]
    fn limits() {
        let mut text = String::from("GET / HTTP/1.1\r\n");
        for i in 0..300 {
            text.push_str(&format!("X-{i}: v\r\n"));
        }
        text.push_str("\r\nHTTP/1.1 101 OK\r\n\r\n");
        let (head, next, _) = parse_head(text.as_bytes(), 0, 1).unwrap();
        assert_eq!(head.headers().len(), MAX_HEADERS);
        assert!(head.truncated());
        assert!(text[next..].starts_with("HTTP/1.1 101"));

        let big = format!("GET / HTTP/1.1\r\nX: {}\r\n\r\n", "a".repeat(MAX_HEAD_BYTES));
        let (head, next, _) = parse_head(big.as_bytes(), 0, 1).unwrap();
        assert!(head.truncated());
        assert_eq!(head.problems[0].kind, HeadProblemKind::TooLarge);
        assert_eq!(next, big.len());
    }

    #[test]
    fn invalid_utf8_is_lossy_but_spans_stay_bytes() {
        let text = b"GET / HTTP/1.1\r\nX: a\xffb\r\n\r\n";
        let (head, _, _) = parse_head(text, 0, 1).unwrap();
        let x = head.header_field("x").unwrap();
        assert_eq!(x.value.as_str(), "a\u{fffd}b");
        assert_eq!(x.value.span, (19, 22));
    }
}
