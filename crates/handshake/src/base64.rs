//! base64 (RFC 4648). The standard alphabet (§4) is the one RFC 6455 uses:
//! an encoder and a strict decoder that says precisely what is wrong, so a key
//! can be judged. The URL-safe alphabet (§5), unpadded, is for text carried in
//! a URL (the web app keeps a shared capture in the address's fragment).

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const URL_SAFE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Encode bytes as padded standard base64.
pub fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    encode_into(bytes, &mut out);
    out
}

/// Append the padded standard base64 of `bytes` to `out`.
pub fn encode_into(bytes: &[u8], out: &mut String) {
    encode_with(bytes, ALPHABET, true, out);
}

/// Encode bytes as URL-safe base64 without padding (RFC 4648 §5).
pub fn encode_url(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    encode_with(bytes, URL_SAFE, false, &mut out);
    out
}

fn encode_with(bytes: &[u8], alphabet: &[u8; 64], pad: bool, out: &mut String) {
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], chunk.get(1).copied().unwrap_or(0), chunk.get(2).copied().unwrap_or(0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        // One character per 6 bits present: 2, 3 or 4 for 1, 2 or 3 bytes.
        for i in 0..=chunk.len() {
            out.push(char::from(alphabet[((n >> (18 - 6 * i)) & 63) as usize]));
        }
        if pad {
            out.extend(std::iter::repeat_n('=', 3 - chunk.len()));
        }
    }
}

/// Decode URL-safe base64, padded or not; `None` on any other character or a
/// length no encoding has.
pub fn decode_url(text: &str) -> Option<Vec<u8>> {
    let text = text.trim_end_matches('=').as_bytes();
    if text.len() % 4 == 1 {
        return None;
    }
    let value = |c: u8| URL_SAFE.iter().position(|&a| a == c).map(|v| v as u32);
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    for chunk in text.chunks(4) {
        let mut n = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            n |= value(c)? << (18 - 6 * i);
        }
        out.extend_from_slice(&n.to_be_bytes()[1..chunk.len()]);
    }
    Some(out)
}

/// The padded standard base64 of 20 bytes (a SHA-1 digest): 28 characters,
/// built in place, one allocation.
pub fn encode_20(bytes: &[u8; 20]) -> String {
    let sextet = |n: u32, shift: u32| ALPHABET[((n >> shift) & 63) as usize];
    let mut out = [b'='; 28];
    for (chunk, o) in bytes.chunks_exact(3).zip(out.chunks_exact_mut(4)) {
        let n = (u32::from(chunk[0]) << 16) | (u32::from(chunk[1]) << 8) | u32::from(chunk[2]);
        o.copy_from_slice(&[sextet(n, 18), sextet(n, 12), sextet(n, 6), sextet(n, 0)]);
    }
    // The last two bytes: three characters and one `=`.
    let n = (u32::from(bytes[18]) << 16) | (u32::from(bytes[19]) << 8);
    out[24..27].copy_from_slice(&[sextet(n, 18), sextet(n, 12), sextet(n, 6)]);
    // Every byte is from ALPHABET or `=`: ASCII.
    String::from_utf8(out.to_vec()).unwrap_or_default()
}

/// The 6-bit value of a base64 alphabet byte.
pub(crate) fn value(byte: u8) -> Option<u8> {
    match byte {
        b'A'..=b'Z' => Some(byte - b'A'),
        b'a'..=b'z' => Some(byte - b'a' + 26),
        b'0'..=b'9' => Some(byte - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    }
}

/// What a strict decoder objects to, in the order it checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Base64Error {
    /// A byte outside the alphabet (and not padding in padding position).
    InvalidByte { offset: usize, byte: u8 },
    /// Padding missing, misplaced, or the length is not a multiple of 4.
    Padding,
    /// Valid alphabet and padding, but the unused low bits of the last
    /// character are not zero: another spelling of the same bytes is canonical.
    NonZeroTrailingBits,
}

/// The result of a lenient decode: the bytes and every objection a strict
/// decoder would raise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    pub bytes: Vec<u8>,
    pub errors: Vec<Base64Error>,
}

/// Decode leniently (skipping bytes outside the alphabet, ignoring padding) and
/// collect what a strict RFC 4648 decoder would reject.
pub fn decode(text: &[u8]) -> Decoded {
    let mut errors = Vec::new();
    // Padding: only at the end, at most two, and the total a multiple of 4.
    let body_len = text.iter().rposition(|&b| b != b'=').map_or(0, |p| p + 1);
    let pad = text.len() - body_len;
    for (offset, &byte) in text[..body_len].iter().enumerate() {
        if value(byte).is_none() {
            errors.push(Base64Error::InvalidByte { offset, byte });
        }
    }
    let sextets = text[..body_len].iter().filter_map(|&b| value(b));
    let count = sextets.clone().count();
    let rem = count % 4;
    let padding_ok = text.len().is_multiple_of(4) && pad <= 2 && (rem == 0 || pad == 4 - rem) && rem != 1;
    if !padding_ok {
        errors.push(Base64Error::Padding);
    }
    let mut bytes = Vec::with_capacity(count * 3 / 4);
    let mut acc: u32 = 0;
    let mut bits = 0u32;
    for s in sextets {
        acc = (acc << 6) | u32::from(s);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            bytes.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    // A lone final character (6 bits) encodes no byte: that is a padding
    // error, not a trailing-bits one.
    if bits > 0 && bits < 6 && acc != 0 {
        errors.push(Base64Error::NonZeroTrailingBits);
    }
    Decoded { bytes, errors }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc4648_vectors() {
        // RFC 4648 §10.
        for (plain, coded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(encode(plain.as_bytes()), coded);
            let d = decode(coded.as_bytes());
            assert_eq!(d.bytes, plain.as_bytes());
            assert!(d.errors.is_empty(), "{coded}: {:?}", d.errors);
        }
    }

    #[test]
    fn url_safe_round_trip() {
        let bytes: Vec<u8> = (0..=255).collect();
        let coded = encode_url(&bytes);
        assert!(!coded.contains(['+', '/', '=']));
        assert_eq!(decode_url(&coded), Some(bytes));
        // RFC 4648 §10's vectors decode with or without their padding.
        assert_eq!(decode_url("Zm9vYmE=").as_deref(), Some(&b"fooba"[..]));
        assert_eq!(decode_url("Zm9vYmE").as_deref(), Some(&b"fooba"[..]));
        assert_eq!(encode_url(b"fooba"), "Zm9vYmE");
        assert_eq!(decode_url("a"), None);
        assert_eq!(decode_url("ab+c"), None);
    }

    #[test]
    fn encode_20_matches_encode() {
        let mut bytes = [0u8; 20];
        for i in 0..=255u8 {
            bytes.iter_mut().enumerate().for_each(|(j, b)| *b = i.wrapping_mul(j as u8 + 7));
            assert_eq!(encode_20(&bytes), encode(&bytes));
        }
    }

    #[test]
    fn strict_objections() {
        assert_eq!(decode(b"Zg").errors, [Base64Error::Padding]);
        assert_eq!(decode(b"Zg=").errors, [Base64Error::Padding]);
        assert_eq!(decode(b"Zh==").errors, [Base64Error::NonZeroTrailingBits]);
        assert_eq!(
            decode(b"Z!==").errors,
            [Base64Error::InvalidByte { offset: 1, byte: b'!' }, Base64Error::Padding]
        );
        assert_eq!(decode(b"Zm9v====").errors, [Base64Error::Padding]);
        assert_eq!(decode(b"Z===").errors, [Base64Error::Padding]);
    }
}
