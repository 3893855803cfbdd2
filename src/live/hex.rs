//! Bytes as hex, both ways: binary messages are typed and shown as hex.

/// Reads hex bytes: pairs of hex digits, with any whitespace, `:`, `,` or `-`
/// between bytes and an optional `0x` before each. Says where it stopped.
pub fn parse(text: &str) -> Result<Vec<u8>, String> {
    let mut bytes = Vec::with_capacity(text.len() / 2);
    let mut high: Option<(u8, usize)> = None;
    let mut chars = text.char_indices().peekable();
    let mut position = 0;
    while let Some((_, c)) = chars.next() {
        position += 1;
        if high.is_none() && c == '0' && matches!(chars.peek(), Some((_, 'x' | 'X'))) {
            chars.next();
            position += 1;
            continue;
        }
        if let Some(digit) = c.to_digit(16) {
            let digit = digit as u8;
            match high.take() {
                Some((h, _)) => bytes.push(h << 4 | digit),
                None => high = Some((digit, position)),
            }
        } else if c.is_whitespace() || matches!(c, ':' | ',' | '-') {
            if let Some((_, at)) = high {
                return Err(format!(
                    "The hex digit at character {at} has no partner: each byte is two digits (write 0{} for a single digit).",
                    text.chars().nth(at - 1).unwrap_or('0')
                ));
            }
        } else {
            return Err(format!(
                "{c:?} at character {position} is not a hex digit: binary messages are written as hex, e.g. 48 65 6c 6c 6f."
            ));
        }
    }
    if let Some((_, at)) = high {
        return Err(format!(
            "The hex digit at character {at} has no partner: each byte is two digits, so the count of digits must be even."
        ));
    }
    Ok(bytes)
}

/// `48 65 6c`: at most `max` bytes, then how many more there were.
pub fn format(bytes: &[u8], max: usize) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let shown = &bytes[..bytes.len().min(max)];
    let mut out = String::with_capacity(shown.len() * 3 + 24);
    for (i, &b) in shown.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    if bytes.len() > shown.len() {
        out.push_str(&format!(" … ({} not shown)", super::bytes(bytes.len() - shown.len())));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_common_spellings() {
        assert_eq!(parse("48656c6c6f"), Ok(b"Hello".to_vec()));
        assert_eq!(parse("48 65 6C 6c 6F"), Ok(b"Hello".to_vec()));
        assert_eq!(parse("0x00 0xFF"), Ok(vec![0, 255]));
        assert_eq!(parse("de:ad-be,ef\n"), Ok(vec![0xde, 0xad, 0xbe, 0xef]));
        assert_eq!(parse(""), Ok(vec![]));
        assert_eq!(parse("00"), Ok(vec![0]));
    }

    #[test]
    fn says_what_is_wrong() {
        let e = parse("48 6").unwrap_err();
        assert!(e.contains("character 4") && e.contains("even"), "{e}");
        let e = parse("4 8").unwrap_err();
        assert!(e.contains("character 1") && e.contains("04"), "{e}");
        let e = parse("4g").unwrap_err();
        assert!(e.contains("'g' at character 2"), "{e}");
        assert!(parse("é").unwrap_err().contains("not a hex digit"));
    }

    #[test]
    fn formats_and_truncates() {
        assert_eq!(format(b"Hi\0\xff", 16), "48 69 00 ff");
        assert_eq!(format(&[1, 2, 3], 2), "01 02 … (1 byte not shown)");
        assert_eq!(format(&[], 4), "");
        let all: Vec<u8> = (0..=255).collect();
        assert_eq!(parse(&format(&all, 256)), Ok(all));
    }
}
