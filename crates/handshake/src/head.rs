//! An HTTP/1 message head (start line and header fields, RFC 9112 §2-§5) that
//! borrows the captured text and keeps the byte span and line number of every
//! part, so a finding can point at what it is about.
//!
//! The parser is lenient on purpose: it never fails; whatever a strict parser
//! would reject is recorded as a [`HeadProblem`] and parsing goes on, so the lint
//! can report every problem at once.

use std::borrow::Cow;

/// A byte range `[start, end)` in the linted input.
pub type Span = (usize, usize);

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

/// A piece of the captured text: its (decoded) text, where it is, and on which
/// line (1-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field<'a> {
    pub text: Cow<'a, str>,
    pub span: Span,
    pub line: usize,
}

impl<'a> Field<'a> {
    /// A field over `bytes` found at `offset`: borrowed when the bytes are UTF-8,
    /// otherwise decoded lossily.
    pub fn from_bytes(bytes: &'a [u8], offset: usize, line: usize) -> Field<'a> {
        let text = match std::str::from_utf8(bytes) {
            Ok(text) => Cow::Borrowed(text),
            Err(_) => Cow::Owned(String::from_utf8_lossy(bytes).into_owned()),
        };
        Field { text, span: (offset, offset + bytes.len()), line }
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }
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

/// The field names the rules look up, classified once per field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Known {
    Other,
    Name(u8),
}

/// Names with an index for fast lookup (lowercase).
const KNOWN_NAMES: [&str; 24] = [
    "host",
    "upgrade",
    "connection",
    "sec-websocket-key",
    "sec-websocket-accept",
    "sec-websocket-version",
    "sec-websocket-protocol",
    "sec-websocket-extensions",
    "origin",
    "content-length",
    "transfer-encoding",
    "allow",
    "content-type",
    "authorization",
    "user-agent",
    "referer",
    "date",
    "server",
    "location",
    "keep-alive",
    "proxy-connection",
    "te",
    ":method",
    ":protocol",
];

/// Which of [`KNOWN_NAMES`] take a single value and have no rule of their
/// own for repeats (RFC 9110 §5.3).
const SINGLETON: [bool; KNOWN_NAMES.len()] = {
    let mut t = [false; KNOWN_NAMES.len()];
    let mut i = 8;
    while i <= 18 {
        // origin, content-length, content-type .. location; not
        // transfer-encoding (10) or allow (11), which are lists.
        t[i] = i != 10 && i != 11;
        i += 1;
    }
    t
};

/// [`SINGLETON`] as bits.
const SINGLETON_BITS: u32 = {
    let mut bits = 0;
    let mut i = 0;
    while i < KNOWN_NAMES.len() {
        if SINGLETON[i] {
            bits |= 1 << i;
        }
        i += 1;
    }
    bits
};

/// [`KNOWN_NAMES`] padded to 24 bytes, and for each a mask with 0x20 where
/// the name has a letter: `b | mask == lower` is an ASCII case-insensitive
/// compare, eight bytes at a time.
const KNOWN_LOWER: [[u8; 24]; KNOWN_NAMES.len()] = known_tables().0;
const KNOWN_MASK: [[u8; 24]; KNOWN_NAMES.len()] = known_tables().1;

const fn known_tables() -> ([[u8; 24]; KNOWN_NAMES.len()], [[u8; 24]; KNOWN_NAMES.len()]) {
    let mut lower = [[0u8; 24]; KNOWN_NAMES.len()];
    let mut mask = [[0u8; 24]; KNOWN_NAMES.len()];
    let mut i = 0;
    while i < KNOWN_NAMES.len() {
        let b = KNOWN_NAMES[i].as_bytes();
        let mut j = 0;
        while j < b.len() {
            lower[i][j] = b[j];
            if b[j].is_ascii_lowercase() {
                mask[i][j] = 0x20;
            }
            j += 1;
        }
        i += 1;
    }
    (lower, mask)
}

/// Whether `name` (of the same length) is known name `i`, ignoring ASCII case.
#[inline]
fn eq_known(name: &[u8], i: usize) -> bool {
    let (lower, mask) = (&KNOWN_LOWER[i], &KNOWN_MASK[i]);
    let n = name.len();
    if n < 8 {
        // Padded with zeros, as the tables are.
        let w = name.iter().rev().fold(0, |w, &b| w << 8 | u64::from(b));
        return w | word(&mask[..8]) == word(&lower[..8]);
    }
    let mut at = 0;
    while at + 8 < n {
        if word(&name[at..at + 8]) | word(&mask[at..at + 8]) != word(&lower[at..at + 8]) {
            return false;
        }
        at += 8;
    }
    // The last eight bytes (overlapping the previous word when short).
    let at = n - 8;
    word(&name[at..n]) | word(&mask[at..n]) == word(&lower[at..n])
}

impl Known {
    pub(crate) fn of(name: &str) -> Known {
        // Only names of the same length can match: a few candidates at most.
        let candidates: &[u8] = match name.len() {
            2 => &[21],
            4 => &[0, 16],
            5 => &[11],
            6 => &[8, 17],
            7 => &[1, 15, 22],
            8 => &[18],
            9 => &[23],
            10 => &[2, 14, 19],
            12 => &[12],
            13 => &[13],
            14 => &[9],
            16 => &[20],
            17 => &[3, 10],
            20 => &[4],
            21 => &[5],
            22 => &[6],
            24 => &[7],
            _ => &[],
        };
        let name = name.as_bytes();
        candidates.iter().find(|&&i| eq_known(name, usize::from(i))).map_or(Known::Other, |&i| Known::Name(i))
    }

    /// The known name `name` (lowercase), for lookups written in the rules;
    /// evaluated at compile time (an unknown name does not compile).
    pub(crate) const fn lower(name: &str) -> Known {
        let mut i = 0;
        while i < KNOWN_NAMES.len() {
            let (a, b) = (KNOWN_NAMES[i].as_bytes(), name.as_bytes());
            if a.len() == b.len() {
                let mut j = 0;
                while j < a.len() && a[j] == b[j] {
                    j += 1;
                }
                if j == a.len() {
                    return Known::Name(i as u8);
                }
            }
            i += 1;
        }
        panic!("not one of KNOWN_NAMES");
    }

    /// The index of a known name, for per-head tables.
    pub(crate) fn index(self) -> Option<usize> {
        match self {
            Known::Other => None,
            Known::Name(i) => Some(usize::from(i)),
        }
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

/// RFC 9110 §5.6.2 tchar, as a table (the parser's hottest check).
static TCHAR: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        t[i] = matches!(b,
            b'!' | b'#' | b'$' | b'%' | b'&' | b'\'' | b'*' | b'+' | b'-' | b'.' |
            b'^' | b'_' | b'`' | b'|' | b'~' | b'0'..=b'9' | b'a'..=b'z' | b'A'..=b'Z');
        i += 1;
    }
    t
};

/// `true` for RFC 9110 §5.6.2 tchar.
pub fn is_tchar(b: u8) -> bool {
    TCHAR[usize::from(b)]
}

/// How many leading bytes are tchars: table lookups combined four at a time,
/// without a branch per byte.
#[inline]
pub(crate) fn tchar_len(bytes: &[u8]) -> usize {
    let mut at = 0;
    for c in bytes.chunks_exact(4) {
        if !(TCHAR[usize::from(c[0])]
            & TCHAR[usize::from(c[1])]
            & TCHAR[usize::from(c[2])]
            & TCHAR[usize::from(c[3])])
        {
            break;
        }
        at += 4;
    }
    at + bytes[at..].iter().take_while(|&&b| is_tchar(b)).count()
}

/// `true` when `s` is a non-empty RFC 9110 token.
pub fn is_token(s: &str) -> bool {
    !s.is_empty() && tchar_len(s.as_bytes()) == s.len()
}

const LO: u64 = 0x0101_0101_0101_0101;
const HI: u64 = 0x8080_8080_8080_8080;

/// Eight bytes as a word.
fn word(chunk: &[u8]) -> u64 {
    let mut w = [0u8; 8];
    w.copy_from_slice(chunk);
    u64::from_le_bytes(w)
}

/// Bit 7 set in each zero byte of `x`. Only the lowest set bit is exact (a
/// borrow can flag a byte above a zero byte), which is all the scans use.
#[inline(always)]
fn zero_bytes(x: u64) -> u64 {
    x.wrapping_sub(LO) & !x & HI
}

/// Bit 7 set in each byte of `x` that may be a control character: every
/// byte below 0x20 and DEL, and also 0x80-0x9f and 0xff (the low seven bits
/// alone are tested, so no carry crosses bytes and every flag is exact).
#[inline(always)]
fn maybe_control_bytes(x: u64) -> u64 {
    // (b & 0x7f) + 1 is below 0x21 (taken modulo 0x80) for exactly those bytes.
    let low = ((x & !HI) + LO) & !HI;
    !(low + LO * (0x80 - 0x21)) & HI
}

/// The first byte of `hay` that `flags` marks, eight bytes at a time (the
/// last word overlapping the one before), or for input shorter than a word
/// the first that `is` holds for.
#[inline(always)]
fn first_flagged(hay: &[u8], flags: impl Fn(u64) -> u64, is: impl Fn(u8) -> bool) -> Option<usize> {
    let n = hay.len();
    if n < 8 {
        return hay.iter().position(|&b| is(b));
    }
    let found = |at: usize| {
        let f = flags(word(&hay[at..at + 8]));
        (f != 0).then(|| at + (f.trailing_zeros() / 8) as usize)
    };
    let mut at = 0;
    while at + 8 <= n {
        if let Some(i) = found(at) {
            return Some(i);
        }
        at += 8;
    }
    // Bytes before `at` were not flagged, so the lowest flag in the last word
    // is the first even where it overlaps the previous one.
    if at < n { found(n - 8) } else { None }
}

/// The first `byte` in `hay`, eight bytes at a time.
pub fn find_byte(hay: &[u8], byte: u8) -> Option<usize> {
    let pattern = LO * u64::from(byte);
    first_flagged(hay, |x| zero_bytes(x ^ pattern), |b| b == byte)
}

/// What [`maybe_control_bytes`] flags, a byte at a time.
fn maybe_control(b: u8) -> bool {
    matches!(b & 0x7f, 0..0x20 | 0x7f)
}

/// RFC 9110 §5.5: a field value has no CR, LF, NUL or other control
/// character but HTAB (obs-text is allowed). Eight bytes at a time.
pub fn is_field_value(value: &[u8]) -> bool {
    let mut rest = value;
    // Each byte found must be a HTAB or above 0x7f; look on after it.
    while let Some(i) = first_flagged(rest, maybe_control_bytes, maybe_control) {
        if rest[i] != b'\t' && rest[i] < 0x80 {
            return false;
        }
        rest = &rest[i + 1..];
    }
    true
}

/// Where the line at the start of `rest` ends: the index of its LF, if any,
/// and whether the line is known to have no control character (RFC 9110
/// §5.5) before its line end. One scan for the common case: the first
/// control character is the CR of the CRLF.
fn line_end(rest: &[u8]) -> (Option<usize>, bool) {
    match first_flagged(rest, maybe_control_bytes, maybe_control) {
        None => (None, true),
        Some(i) if rest[i] == b'\n' => (Some(i), true),
        Some(i) if rest[i] == b'\r' && rest.get(i + 1) == Some(&b'\n') => (Some(i + 1), true),
        // A HTAB, a stray control or a byte above 0x7f: find the LF, and
        // leave the check to the parser.
        Some(i) => (find_byte(&rest[i..], b'\n').map(|p| p + i), false),
    }
}

fn is_ows(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

#[inline(always)]
fn trim_ows(bytes: &[u8]) -> (usize, &[u8]) {
    let start = bytes.iter().position(|&b| !is_ows(b)).unwrap_or(bytes.len());
    let end = bytes.iter().rposition(|&b| !is_ows(b)).map_or(start, |p| p + 1);
    (start, &bytes[start..end])
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

/// How a line ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    Crlf,
    Lf,
    /// The input ended.
    Eof,
}

/// One line of captured text (without its line end). Its bytes are borrowed
/// from the input, or owned when the capture format had to rebuild the line
/// (curl's `--trace-ascii` wraps long lines).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line<'a> {
    pub bytes: Cow<'a, [u8]>,
    /// The same bytes as text, when known to be UTF-8 (a fast path).
    pub text: Option<&'a str>,
    pub offset: usize,
    /// 1-based.
    pub number: usize,
    pub ending: Ending,
    /// Known to hold no control character (RFC 9110 §5.5), so its field value
    /// needs no check; `false` when not known.
    pub clean: bool,
}

impl<'a> Line<'a> {
    pub fn is_blank(&self) -> bool {
        self.bytes.iter().all(|&b| is_ows(b))
    }

    /// The field over bytes `start..end` of this line.
    #[inline(always)]
    pub fn field(&self, start: usize, end: usize) -> Field<'a> {
        let end = end.min(self.bytes.len());
        let start = start.min(end);
        if let Some(text) = self.text.and_then(|t| t.get(start..end)) {
            return Field {
                text: Cow::Borrowed(text),
                span: (self.offset + start, self.offset + end),
                line: self.number,
            };
        }
        self.field_slow(start, end)
    }

    /// [`Line::field`] when the line is not known to be UTF-8 (kept out of
    /// line: the common case borrows the text).
    #[cold]
    #[inline(never)]
    fn field_slow(&self, start: usize, end: usize) -> Field<'a> {
        match &self.bytes {
            Cow::Borrowed(b) => Field::from_bytes(&b[start..end], self.offset + start, self.number),
            Cow::Owned(v) => Field {
                text: Cow::Owned(String::from_utf8_lossy(&v[start..end]).into_owned()),
                span: (self.offset + start, self.offset + end),
                line: self.number,
            },
        }
    }
}

/// The lines of `input` from `offset`, numbered from `number`.
pub fn lines(input: &[u8], offset: usize, number: usize) -> Lines<'_> {
    Lines { input, text: None, offset, number }
}

/// [`lines`] of text already known to be UTF-8: fields borrow it without
/// validating each piece again.
pub fn lines_str(text: &str, offset: usize, number: usize) -> Lines<'_> {
    Lines { input: text.as_bytes(), text: Some(text), offset, number }
}

/// Iterator over lines; see [`lines`].
#[derive(Debug, Clone)]
pub struct Lines<'a> {
    input: &'a [u8],
    /// `input` as text, when it is UTF-8.
    text: Option<&'a str>,
    offset: usize,
    number: usize,
}

impl<'a> Lines<'a> {
    /// The text of the next line, without moving on, when the input is known
    /// to be UTF-8 and the line ends with CRLF and has no control character.
    #[inline(always)]
    fn peek_clean_crlf(&self) -> Option<&'a str> {
        let text = self.text?;
        let rest = text.as_bytes().get(self.offset..)?;
        match line_end(rest) {
            (Some(nl), true) if nl > 0 && rest[nl - 1] == b'\r' => {
                text.get(self.offset..self.offset + nl - 1)
            }
            _ => None,
        }
    }

    /// Where the next line starts.
    pub fn offset(&self) -> usize {
        self.offset
    }

    /// The number of the next line.
    pub fn number(&self) -> usize {
        self.number
    }
}

impl<'a> Iterator for Lines<'a> {
    type Item = Line<'a>;

    #[inline(always)]
    fn next(&mut self) -> Option<Line<'a>> {
        let rest = self.input.get(self.offset..).filter(|r| !r.is_empty())?;
        let (nl, clean) = line_end(rest);
        let (bytes, ending, consumed) = match nl {
            Some(nl) if nl > 0 && rest[nl - 1] == b'\r' => (&rest[..nl - 1], Ending::Crlf, nl + 1),
            Some(nl) => (&rest[..nl], Ending::Lf, nl + 1),
            None => (rest, Ending::Eof, rest.len()),
        };
        let text = self.text.and_then(|t| t.get(self.offset..self.offset + bytes.len()));
        let line = Line {
            bytes: Cow::Borrowed(bytes),
            text,
            offset: self.offset,
            number: self.number,
            ending,
            clean,
        };
        self.offset += consumed;
        self.number += 1;
        Some(line)
    }
}

/// A recognised start line, as byte ranges within the line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StartLine {
    Request { method: (usize, usize), target: (usize, usize), version: (usize, usize) },
    Status { version: (usize, usize), status: (usize, usize), reason: Option<(usize, usize)> },
}

/// `HTTP/` followed by something (the version is judged by the rules).
fn looks_like_version(bytes: &[u8]) -> bool {
    matches!(bytes, [b'H' | b'h', b'T' | b't', b'T' | b't', b'P' | b'p', b'/', _, ..])
}

/// Recognise a request line (`method SP target SP HTTP-version`, RFC 9112 §3)
/// or a status line (`HTTP-version SP status-code SP [reason]`, RFC 9112 §4).
/// Extra spaces are tolerated here and judged by the rules. `None` when the
/// line is neither.
pub fn parse_start_line(bytes: &[u8]) -> Option<StartLine> {
    // The non-empty runs between spaces, as ranges.
    let mut pos = 0;
    let mut parts = std::iter::from_fn(|| {
        while bytes.get(pos) == Some(&b' ') {
            pos += 1;
        }
        let start = pos;
        while pos < bytes.len() && bytes[pos] != b' ' {
            pos += 1;
        }
        (start < pos).then_some((start, pos))
    });
    let first = parts.next()?;
    if looks_like_version(&bytes[first.0..first.1]) {
        let status = parts.next()?;
        // The reason phrase is the rest of the line after the status code.
        let reason = bytes.get(status.1 + 1..).and_then(|r| {
            let (lead, r) = trim_ows(r);
            let start = status.1 + 1 + lead;
            (!r.is_empty()).then_some((start, start + r.len()))
        });
        return Some(StartLine::Status { version: first, status, reason });
    }
    let target = parts.next()?;
    let version = parts.next()?;
    if parts.next().is_some()
        || !looks_like_version(&bytes[version.0..version.1])
        || !bytes[first.0..first.1].iter().all(|&b| is_tchar(b))
    {
        return None;
    }
    Some(StartLine::Request { method: first, target, version })
}

/// A URI's pieces as byte ranges of its text (RFC 3986 §3): `scheme "://"
/// authority`, then the path and query; the fragment is left out. Without
/// `://` there is no scheme and the text starts at the authority.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct UriParts {
    pub scheme: Option<std::ops::Range<usize>>,
    pub authority: std::ops::Range<usize>,
    pub path_and_query: std::ops::Range<usize>,
}

pub(crate) fn split_uri(uri: &str) -> UriParts {
    let (scheme, after) = match uri.find("://") {
        Some(i) => (Some(0..i), i + 3),
        None => (None, 0),
    };
    let end = uri[after..].find(['/', '?', '#']).map_or(uri.len(), |i| after + i);
    let fragment = uri[end..].find('#').map_or(uri.len(), |i| end + i);
    UriParts { scheme, authority: after..end, path_and_query: end..fragment }
}

/// A path and query as an origin-form target (RFC 9112 §3.2.1): `/` before a
/// bare query, and `/` for nothing.
pub(crate) fn origin_form(path_and_query: &str) -> Cow<'_, str> {
    if path_and_query.starts_with('/') {
        Cow::Borrowed(path_and_query)
    } else {
        Cow::Owned(format!("/{path_and_query}"))
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

    #[test]
    fn uri_pieces() {
        let uri = "wss://user@example.com:443/chat?room=1#top";
        let parts = split_uri(uri);
        assert_eq!(parts.scheme.map(|s| &uri[s]), Some("wss"));
        assert_eq!(&uri[parts.authority], "user@example.com:443");
        assert_eq!(&uri[parts.path_and_query], "/chat?room=1");
        let bare = "example.com?q";
        let parts = split_uri(bare);
        assert_eq!((parts.scheme, &bare[parts.authority.clone()]), (None, "example.com"));
        assert_eq!(origin_form(&bare[parts.path_and_query]), "/?q");
        assert_eq!(origin_form(""), "/");
    }

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

    #[test]
    fn known_names_by_length() {
        for (i, name) in KNOWN_NAMES.iter().enumerate() {
            assert_eq!(Known::of(name), Known::Name(i as u8), "{name}");
            assert_eq!(Known::of(&name.to_ascii_uppercase()), Known::Name(i as u8));
        }
        assert_eq!(Known::of("x-host"), Known::Other);
        // Only letters fold: a byte 0x20 away from a non-letter is no match.
        assert_eq!(Known::of("sec\rwebsocket\rkey"), Known::Other);
        assert_eq!(Known::of("Sec-WebSocket-Ke\x19"), Known::Other);
        assert_eq!(Known::of("\x1amethod"), Known::Other);
        assert_eq!(Known::of("HOSt"), Known::Name(0));
        let singletons: Vec<&str> =
            (0..KNOWN_NAMES.len()).filter(|&i| SINGLETON[i]).map(|i| KNOWN_NAMES[i]).collect();
        assert_eq!(
            singletons,
            [
                "origin",
                "content-length",
                "content-type",
                "authorization",
                "user-agent",
                "referer",
                "date",
                "server",
                "location"
            ]
        );
        assert_eq!(Known::of(""), Known::Other);
    }

    #[test]
    fn word_at_a_time_scans() {
        let text = b"abcdefghijklmnopqrstuvwxyz:0123456789\n";
        for i in 0..text.len() {
            let hay = &text[i..];
            assert_eq!(find_byte(hay, b':'), hay.iter().position(|&b| b == b':'));
            assert_eq!(find_byte(hay, b'\n'), hay.iter().position(|&b| b == b'\n'));
        }
        assert_eq!(find_byte(b"", b':'), None);
        // Every byte value, at every place of a word and of a line.
        for b in 0..=255u8 {
            let flagged = maybe_control_bytes(LO * u64::from(b)) == HI;
            assert_eq!(flagged, maybe_control(b), "{b:#x}");
            assert_eq!(maybe_control_bytes(LO * u64::from(b)) == 0, !maybe_control(b), "{b:#x}");
            for len in [3, 12, 20] {
                for at in 0..len {
                    let mut v = vec![b'a'; len];
                    v[at] = b;
                    v.extend_from_slice(b"\r\nnext\r\n");
                    let nl = v.iter().position(|&c| c == b'\n');
                    let (end, clean) = line_end(&v);
                    assert_eq!(end, nl, "{b:#x} at {at} of {len}");
                    let line = &v[..nl.unwrap()];
                    let line = line.strip_suffix(b"\r").unwrap_or(line);
                    if clean {
                        assert!(is_field_value(line) && !line.contains(&b'\t'), "{b:#x} at {at} of {len}");
                    }
                    assert_eq!(clean, !maybe_control(b) || b == b'\n', "{b:#x} at {at} of {len}");
                }
            }
        }
        assert_eq!(line_end(b"no end"), (None, true));
        assert_eq!(line_end(b"no end\x01"), (None, false));
        for bad in [0u8, 1, b'\r', b'\n', 0x1f, 0x7f] {
            for at in 0..20 {
                let mut v = vec![b'a'; 20];
                v[at] = bad;
                assert!(!is_field_value(&v), "{bad} at {at}");
                v[at] = b'\t';
                assert!(is_field_value(&v));
                v[at] = 0x80;
                assert!(is_field_value(&v));
            }
        }
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
    fn start_lines() {
        assert_eq!(
            parse_start_line(b"GET /chat HTTP/1.1"),
            Some(StartLine::Request { method: (0, 3), target: (4, 9), version: (10, 18) })
        );
        assert_eq!(
            parse_start_line(b"HTTP/1.1 404  Not Found "),
            Some(StartLine::Status { version: (0, 8), status: (9, 12), reason: Some((14, 23)) })
        );
        assert!(parse_start_line(b"HTTP/1.1 101").is_some());
        assert!(parse_start_line(b"Host: x").is_none());
        assert!(parse_start_line(b"GET /chat").is_none());
        assert!(parse_start_line(b"").is_none());
        assert!(parse_start_line(b"\xff\xfe HTTP/1.1").is_none());
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
