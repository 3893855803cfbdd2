//! base64 for what the page makes itself: a generated `Sec-WebSocket-Key`
//! (standard alphabet, padded, RFC 4648 §4) and the capture kept in the address
//! (URL-safe alphabet, unpadded, RFC 4648 §5). Judging a typed key is the core's
//! job (`handshake::accept::judge_key`), not this module's.

const STANDARD: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const URL_SAFE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

fn encode_with(bytes: &[u8], alphabet: &[u8; 64], pad: bool) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = (u32::from(chunk[0]) << 16)
            | (u32::from(*chunk.get(1).unwrap_or(&0)) << 8)
            | u32::from(*chunk.get(2).unwrap_or(&0));
        let digits = chunk.len() + 1;
        for i in 0..4 {
            if i < digits {
                out.push(char::from(alphabet[(n >> (18 - 6 * i) & 63) as usize]));
            } else if pad {
                out.push('=');
            }
        }
    }
    out
}

/// Standard padded base64 (a `Sec-WebSocket-Key` from 16 random bytes).
pub fn encode(bytes: &[u8]) -> String {
    encode_with(bytes, STANDARD, true)
}

/// URL-safe base64 without padding.
pub fn encode_url(bytes: &[u8]) -> String {
    encode_with(bytes, URL_SAFE, false)
}

/// Decodes URL-safe base64 (padding optional); `None` on any other character or
/// an impossible length.
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
        let bytes = n.to_be_bytes();
        out.extend_from_slice(&bytes[1..chunk.len()]);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc4648_vectors() {
        for (plain, coded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
        ] {
            assert_eq!(encode(plain.as_bytes()), coded);
            assert_eq!(decode_url(coded).as_deref(), Some(plain.as_bytes()));
        }
    }

    #[test]
    fn sixteen_bytes_make_a_key() {
        let key = encode(&[0u8; 16]);
        assert_eq!(key, "AAAAAAAAAAAAAAAAAAAAAA==");
        assert!(handshake::accept::judge_key(&key).is_empty());
    }

    #[test]
    fn url_safe_round_trip() {
        let bytes: Vec<u8> = (0..=255).collect();
        let coded = encode_url(&bytes);
        assert!(!coded.contains(['+', '/', '=']));
        assert_eq!(decode_url(&coded), Some(bytes));
        assert_eq!(decode_url("a"), None);
        assert_eq!(decode_url("ab+c"), None);
    }
}
