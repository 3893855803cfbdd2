//! A small JSON reader (RFC 8259) that keeps where every string is, for HAR
//! files: header values point back into the pasted text. Depth is limited so
//! deep nesting cannot exhaust the stack.

use std::borrow::Cow;

use crate::field::Field;

/// Deepest nesting read (a HAR file needs about 6).
pub const MAX_DEPTH: usize = 64;

/// A string as written: the bytes between its quotes and where they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JsonStr<'a> {
    pub raw: &'a [u8],
    pub offset: usize,
    pub line: usize,
    escaped: bool,
}

impl<'a> JsonStr<'a> {
    /// The decoded string as a field pointing at its text (without quotes).
    pub fn field(&self) -> Field<'a> {
        if !self.escaped {
            return Field::from_bytes(self.raw, self.offset, self.line);
        }
        Field {
            text: Cow::Owned(unescape(self.raw)),
            span: (self.offset, self.offset + self.raw.len()),
            line: self.line,
        }
    }

    /// Whether it decodes to `s`.
    pub fn is(&self, s: &str) -> bool {
        if self.escaped { unescape(self.raw) == s } else { self.raw == s.as_bytes() }
    }
}

/// Position of a container.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pos {
    pub offset: usize,
    pub line: usize,
}

/// A JSON value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value<'a> {
    Null,
    Bool(bool),
    /// A number as written.
    Number(JsonStr<'a>),
    String(JsonStr<'a>),
    Array(Vec<Value<'a>>, Pos),
    Object(Vec<(JsonStr<'a>, Value<'a>)>, Pos),
}

impl<'a> Value<'a> {
    /// The member `key` of an object.
    pub fn get(&self, key: &str) -> Option<&Value<'a>> {
        match self {
            Value::Object(members, _) => members.iter().find(|(k, _)| k.is(key)).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&[Value<'a>]> {
        match self {
            Value::Array(items, _) => Some(items),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&JsonStr<'a>> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn pos(&self) -> Option<Pos> {
        match self {
            Value::Array(_, p) | Value::Object(_, p) => Some(*p),
            _ => None,
        }
    }
}

/// Why the text is not JSON, and where.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JsonError {
    pub message: &'static str,
    pub offset: usize,
    pub line: usize,
}

struct Parser<'a> {
    input: &'a [u8],
    pos: usize,
    line: usize,
    depth: usize,
}

/// Parse one JSON document (surrounding whitespace allowed).
pub fn parse(input: &[u8]) -> Result<Value<'_>, JsonError> {
    let mut p = Parser { input, pos: 0, line: 1, depth: 0 };
    // A UTF-8 byte order mark is tolerated.
    if input.starts_with(&[0xEF, 0xBB, 0xBF]) {
        p.pos = 3;
    }
    let value = p.value()?;
    p.skip_ws();
    if p.pos < input.len() {
        return Err(p.error("unexpected text after the JSON value"));
    }
    Ok(value)
}

impl<'a> Parser<'a> {
    fn error(&self, message: &'static str) -> JsonError {
        JsonError { message, offset: self.pos, line: self.line }
    }

    fn skip_ws(&mut self) {
        while let Some(&b) = self.input.get(self.pos) {
            match b {
                b'\n' => self.line += 1,
                b' ' | b'\t' | b'\r' => {}
                _ => break,
            }
            self.pos += 1;
        }
    }

    fn expect(&mut self, word: &'static [u8], message: &'static str) -> Result<(), JsonError> {
        if self.input[self.pos..].starts_with(word) {
            self.pos += word.len();
            Ok(())
        } else {
            Err(self.error(message))
        }
    }

    fn value(&mut self) -> Result<Value<'a>, JsonError> {
        self.skip_ws();
        let Some(&b) = self.input.get(self.pos) else {
            return Err(self.error("the JSON ends too early"));
        };
        match b {
            b'{' => self.object(),
            b'[' => self.array(),
            b'"' => self.string().map(Value::String),
            b't' => self.expect(b"true", "expected a value").map(|_| Value::Bool(true)),
            b'f' => self.expect(b"false", "expected a value").map(|_| Value::Bool(false)),
            b'n' => self.expect(b"null", "expected a value").map(|_| Value::Null),
            b'-' | b'0'..=b'9' => Ok(self.number()),
            _ => Err(self.error("expected a value")),
        }
    }

    fn enter(&mut self) -> Result<Pos, JsonError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error("the JSON is nested too deeply"));
        }
        let pos = Pos { offset: self.pos, line: self.line };
        self.pos += 1;
        Ok(pos)
    }

    fn object(&mut self) -> Result<Value<'a>, JsonError> {
        let pos = self.enter()?;
        let mut members = Vec::new();
        self.skip_ws();
        if self.input.get(self.pos) == Some(&b'}') {
            self.pos += 1;
            self.depth -= 1;
            return Ok(Value::Object(members, pos));
        }
        loop {
            self.skip_ws();
            if self.input.get(self.pos) != Some(&b'"') {
                return Err(self.error("expected a member name in quotes"));
            }
            let key = self.string()?;
            self.skip_ws();
            if self.input.get(self.pos) != Some(&b':') {
                return Err(self.error("expected ':' after a member name"));
            }
            self.pos += 1;
            let value = self.value()?;
            members.push((key, value));
            self.skip_ws();
            match self.input.get(self.pos) {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    self.depth -= 1;
                    return Ok(Value::Object(members, pos));
                }
                _ => return Err(self.error("expected ',' or '}'")),
            }
        }
    }

    fn array(&mut self) -> Result<Value<'a>, JsonError> {
        let pos = self.enter()?;
        let mut items = Vec::new();
        self.skip_ws();
        if self.input.get(self.pos) == Some(&b']') {
            self.pos += 1;
            self.depth -= 1;
            return Ok(Value::Array(items, pos));
        }
        loop {
            items.push(self.value()?);
            self.skip_ws();
            match self.input.get(self.pos) {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    self.depth -= 1;
                    return Ok(Value::Array(items, pos));
                }
                _ => return Err(self.error("expected ',' or ']'")),
            }
        }
    }

    fn string(&mut self) -> Result<JsonStr<'a>, JsonError> {
        self.pos += 1;
        let start = self.pos;
        let mut escaped = false;
        loop {
            let Some(&b) = self.input.get(self.pos) else {
                return Err(self.error("a string is not closed"));
            };
            match b {
                b'"' => break,
                b'\\' => {
                    escaped = true;
                    self.pos += 2;
                }
                0..=0x1f => return Err(self.error("a control character inside a string")),
                _ => self.pos += 1,
            }
        }
        let s = JsonStr { raw: &self.input[start..self.pos], offset: start, line: self.line, escaped };
        self.pos += 1;
        Ok(s)
    }

    fn number(&mut self) -> Value<'a> {
        let start = self.pos;
        while self
            .input
            .get(self.pos)
            .is_some_and(|b| matches!(b, b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E'))
        {
            self.pos += 1;
        }
        Value::Number(JsonStr {
            raw: &self.input[start..self.pos],
            offset: start,
            line: self.line,
            escaped: false,
        })
    }
}

fn hex4(b: &[u8]) -> Option<u32> {
    let s = std::str::from_utf8(b.get(..4)?).ok()?;
    u32::from_str_radix(s, 16).ok()
}

/// Decode the escapes of a JSON string body (invalid ones become U+FFFD).
fn unescape(raw: &[u8]) -> String {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        if raw[i] != b'\\' {
            out.push(raw[i]);
            i += 1;
            continue;
        }
        let c = raw.get(i + 1).copied().unwrap_or(b'\\');
        i += 2;
        let ch = match c {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let hi = hex4(raw.get(i..).unwrap_or_default());
                i += 4;
                match hi {
                    Some(hi @ 0xD800..=0xDBFF) if raw.get(i..i + 2) == Some(b"\\u") => {
                        match hex4(raw.get(i + 2..).unwrap_or_default()) {
                            Some(lo @ 0xDC00..=0xDFFF) => {
                                i += 6;
                                char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))
                                    .unwrap_or('\u{fffd}')
                            }
                            _ => '\u{fffd}',
                        }
                    }
                    Some(code) => char::from_u32(code).unwrap_or('\u{fffd}'),
                    None => '\u{fffd}',
                }
            }
            _ => '\u{fffd}',
        };
        let mut buf = [0u8; 4];
        out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_and_positions() {
        let text = "{\"a\": [1, true, null],\n \"b\": \"x\\u00e9\\n\", \"c\": \"plain\"}";
        let v = parse(text.as_bytes()).unwrap();
        assert_eq!(v.get("a").unwrap().as_array().unwrap().len(), 3);
        let b = v.get("b").unwrap().as_str().unwrap().field();
        assert_eq!(b.as_str(), "xé\n");
        assert_eq!(b.line, 2);
        let c = v.get("c").unwrap().as_str().unwrap().field();
        assert_eq!(&text[c.span.0..c.span.1], "plain");
        assert!(matches!(c.text, Cow::Borrowed(_)));
    }

    #[test]
    fn errors() {
        assert!(parse(b"{").is_err());
        assert!(parse(b"{\"a\" 1}").is_err());
        assert!(parse(b"[1,]").is_err());
        assert!(parse(b"\"abc").is_err());
        assert!(parse(b"{} x").is_err());
        let deep = "[".repeat(100_000);
        assert_eq!(parse(deep.as_bytes()).unwrap_err().message, "the JSON is nested too deeply");
        let e = parse(b"{\n\n  x").unwrap_err();
        assert_eq!(e.line, 3);
    }

    #[test]
    fn surrogates_and_bad_escapes() {
        let v = parse(b"\"\\ud83d\\ude00 \\ud800 \\q\"").unwrap();
        assert_eq!(v.as_str().unwrap().field().as_str(), "\u{1f600} \u{fffd} \u{fffd}");
    }
}
