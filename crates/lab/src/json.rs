//! Just enough JSON writing for the lab's few shapes (no serde in the server).

/// `s` as a JSON string literal, quotes included (the core's writer, RFC 8259 §7).
pub fn string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    handshake::write_json_string(&mut out, s);
    out
}

/// Bytes received or sent on the wire as a JSON string. They are ASCII in practice;
/// any byte sequence that is not UTF-8 becomes U+FFFD.
pub fn wire(bytes: &[u8]) -> String {
    string(&String::from_utf8_lossy(bytes))
}

/// An optional string: the literal or `null`.
pub fn opt_string(s: Option<&str>) -> String {
    s.map_or_else(|| "null".to_owned(), string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_json_requires() {
        assert_eq!(string("a\"b\\c\r\n\u{1}"), r#""a\"b\\c\r\n\u0001""#);
        assert_eq!(wire(b"GET / HTTP/1.1\r\n"), r#""GET / HTTP/1.1\r\n""#);
        assert_eq!(wire(&[0x66, 0xff]), "\"f\u{fffd}\"");
        assert_eq!(opt_string(None), "null");
    }
}
