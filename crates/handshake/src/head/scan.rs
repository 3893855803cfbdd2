//! Byte scanning for the head parser: RFC 9110 tchar and field-value
//! checks, optional whitespace, and finding a byte or a line end eight bytes
//! at a time. Measured against the `memchr` crate (2.8) on the lint bench's
//! pair (callgrind, instructions per lint): 20,502 with these scans; 20,756
//! with `memchr` for `find_byte`; 26,095 with `memchr` also finding each
//! line's LF (it then needs a second pass for the control-character check
//! that `line_end` does in the same one). The heads are short, so a call's
//! set-up costs more than it saves.

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

pub(super) const LO: u64 = 0x0101_0101_0101_0101;
pub(super) const HI: u64 = 0x8080_8080_8080_8080;

/// Eight bytes as a word.
pub(super) fn word(chunk: &[u8]) -> u64 {
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
pub(super) fn line_end(rest: &[u8]) -> (Option<usize>, bool) {
    match first_flagged(rest, maybe_control_bytes, maybe_control) {
        None => (None, true),
        Some(i) if rest[i] == b'\n' => (Some(i), true),
        Some(i) if rest[i] == b'\r' && rest.get(i + 1) == Some(&b'\n') => (Some(i + 1), true),
        // A HTAB, a stray control or a byte above 0x7f: find the LF, and
        // leave the check to the parser.
        Some(i) => (find_byte(&rest[i..], b'\n').map(|p| p + i), false),
    }
}

/// RFC 9110 §5.6.3 OWS: a space or a horizontal tab.
pub(crate) fn is_ows(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// `bytes` without leading and trailing OWS, and how many bytes led.
#[inline(always)]
pub(crate) fn trim_ows(bytes: &[u8]) -> (usize, &[u8]) {
    let start = bytes.iter().position(|&b| !is_ows(b)).unwrap_or(bytes.len());
    let end = bytes.iter().rposition(|&b| !is_ows(b)).map_or(start, |p| p + 1);
    (start, &bytes[start..end])
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
