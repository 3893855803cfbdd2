//! Splitting captured text into lines (RFC 9112 §2.2), each with its offset,
//! number and line end.

use std::borrow::Cow;

use super::scan::{is_ows, line_end};
use crate::field::Field;

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
    pub(super) offset: usize,
    pub(super) number: usize,
}

impl<'a> Lines<'a> {
    /// The text of the next line, without moving on, when the input is known
    /// to be UTF-8 and the line ends with CRLF and has no control character.
    #[inline(always)]
    pub(super) fn peek_clean_crlf(&self) -> Option<&'a str> {
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
