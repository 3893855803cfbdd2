//! A piece of captured text and where it is: what every parsed part (a
//! method, a header value, a JSON string) is, so a finding can point at it.

use std::borrow::Cow;

/// A byte range `[start, end)` in the linted input.
pub type Span = (usize, usize);

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
