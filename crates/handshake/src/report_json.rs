//! The lint as the stable JSON report (documented in crates/cli/README.md):
//! serde for the shape, serde_json to write it, with `": "` and `", "`
//! between the parts and control bytes and DEL escaped as `\u00XX`, so
//! captured bytes never reach a terminal raw.

use std::io::{self, Write};

use serde::Serialize;
use serde::ser::{SerializeStruct, Serializer};
use serde_json::ser::{CharEscape, Formatter};

use crate::field::Field;
use crate::head::{Head, Header};
use crate::report::{Finding, Lint};
use crate::rule::Answer;

impl Lint<'_> {
    /// The stable JSON report (documented in crates/cli/README.md).
    pub fn to_json(&self) -> String {
        to_string(self)
    }
}

/// Appends `s` as a JSON string literal, quotes included (RFC 8259 §7), as the
/// report writes strings. The lab server writes its records with this as well.
pub fn write_json_string(out: &mut String, s: &str) {
    out.push_str(&to_string(s));
}

fn to_string(value: &(impl Serialize + ?Sized)) -> String {
    let mut out = Vec::with_capacity(1024);
    let mut ser = serde_json::Serializer::with_formatter(&mut out, Spaced);
    // Writing to memory does not fail, and every value here serializes.
    let _ = value.serialize(&mut ser);
    String::from_utf8(out).unwrap_or_default()
}

/// serde_json's compact output with a space after each `:` and `,`, and
/// every control byte and DEL as `\u00XX`.
struct Spaced;

impl Formatter for Spaced {
    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        if first { Ok(()) } else { w.write_all(b", ") }
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        if first { Ok(()) } else { w.write_all(b", ") }
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(b": ")
    }

    fn write_string_fragment<W: ?Sized + Write>(&mut self, w: &mut W, fragment: &str) -> io::Result<()> {
        let mut parts = fragment.split('\u{7f}');
        w.write_all(parts.next().unwrap_or("").as_bytes())?;
        for part in parts {
            w.write_all(b"\\u007f")?;
            w.write_all(part.as_bytes())?;
        }
        Ok(())
    }

    fn write_char_escape<W: ?Sized + Write>(&mut self, w: &mut W, escape: CharEscape) -> io::Result<()> {
        let byte = match escape {
            CharEscape::Quote => return w.write_all(b"\\\""),
            CharEscape::ReverseSolidus => return w.write_all(b"\\\\"),
            CharEscape::Solidus => return w.write_all(b"/"),
            CharEscape::LineFeed => return w.write_all(b"\\n"),
            CharEscape::CarriageReturn => return w.write_all(b"\\r"),
            CharEscape::Tab => return w.write_all(b"\\t"),
            CharEscape::Backspace => 0x08,
            CharEscape::FormFeed => 0x0c,
            CharEscape::AsciiControl(byte) => byte,
        };
        write!(w, "\\u{byte:04x}")
    }
}

impl Serialize for Head<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_struct("Head", 10)?;
        m.serialize_field("kind", if self.is_request() { "request" } else { "response" })?;
        m.serialize_field("method", &self.method())?;
        m.serialize_field("target", &self.target())?;
        m.serialize_field("version", &self.version())?;
        m.serialize_field("status", &self.status())?;
        m.serialize_field("reason", &self.reason())?;
        m.serialize_field("line", &self.line)?;
        m.serialize_field("span", &self.span)?;
        m.serialize_field("headers", self.headers())?;
        m.serialize_field("body", &self.body.as_ref().map(Body))?;
        m.end()
    }
}

impl Serialize for Header<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_struct("Header", 5)?;
        m.serialize_field("name", self.name.as_str())?;
        m.serialize_field("value", self.value.as_str())?;
        m.serialize_field("line", &self.name.line)?;
        m.serialize_field("span", &self.span)?;
        m.serialize_field("value_span", &self.value.span)?;
        m.end()
    }
}

/// A body: where it is, not what it holds.
struct Body<'f>(&'f Field<'f>);

impl Serialize for Body<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_struct("Body", 2)?;
        m.serialize_field("line", &self.0.line)?;
        m.serialize_field("span", &self.0.span)?;
        m.end()
    }
}

impl Serialize for Finding {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_struct("Finding", 7)?;
        m.serialize_field("rule", self.rule.id)?;
        m.serialize_field("severity", &self.severity)?;
        m.serialize_field("message", &self.message)?;
        m.serialize_field("rfc", self.rule.rfc)?;
        m.serialize_field("line", &self.line)?;
        m.serialize_field("span", &self.span)?;
        m.serialize_field("side", &self.side)?;
        m.end()
    }
}

/// A status as a number, `null` for a server that accepts the request, or
/// `"closes"` / `"varies"` (documented in crates/cli/README.md).
impl Serialize for Answer {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Answer::Status(code) => s.serialize_u16(*code),
            Answer::Accepts => s.serialize_none(),
            Answer::Closes => s.serialize_str("closes"),
            Answer::Varies => s.serialize_str("varies"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::write_json_string;

    #[test]
    fn json_strings_escape_quotes_backslashes_and_control_bytes() {
        let mut out = String::new();
        write_json_string(&mut out, "a\"b\\c\r\n\t\u{1}\u{7f}é");
        assert_eq!(out, r#""a\"b\\c\r\n\t\u0001\u007fé""#);
    }
}
