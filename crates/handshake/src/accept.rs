//! `Sec-WebSocket-Accept` from `Sec-WebSocket-Key` (RFC 6455 §4.2.2, step 5.4),
//! and a judgement of the key itself (RFC 6455 §4.1, §11.3.1).

use crate::base64;

/// The GUID RFC 6455 §1.3 appends to the key.
pub const GUID: &str = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

/// The sample key of RFC 6455 §1.3 (and §4.2.2's worked example).
pub const SAMPLE_KEY: &str = "dGhlIHNhbXBsZSBub25jZQ==";

/// Bytes a `Sec-WebSocket-Key` decodes to (RFC 6455 §4.1: "a randomly selected
/// 16-byte value that has been base64-encoded").
pub const KEY_DECODED_LEN: usize = 16;

/// The `Sec-WebSocket-Accept` value for `key`: base64(SHA-1(key + GUID)), computed
/// over the key's bytes with surrounding whitespace trimmed (RFC 6455 §4.2.2;
/// the key is not decoded, so a malformed key still has an accept value).
pub fn accept(key: &str) -> String {
    base64::encode_20(&sha1(trimmed(key)))
}

/// `key` without surrounding whitespace (`str::trim`), with no search when it
/// starts and ends with a visible ASCII character (as keys do).
fn trimmed(key: &str) -> &str {
    let b = key.as_bytes();
    if b.first().is_some_and(u8::is_ascii_graphic) && b.last().is_some_and(u8::is_ascii_graphic) {
        key
    } else {
        key.trim()
    }
}

fn sha1(trimmed_key: &str) -> [u8; 20] {
    let mut h = sha1_smol::Sha1::new();
    h.update(trimmed_key.as_bytes());
    h.update(GUID.as_bytes());
    h.digest().bytes()
}

/// Every intermediate value of the accept computation, for the UI to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AcceptSteps {
    /// The key as used: trimmed of surrounding whitespace.
    pub key: String,
    /// `key` followed by [`GUID`].
    pub concatenated: String,
    /// SHA-1 of `concatenated`.
    pub sha1: [u8; 20],
    /// `sha1` as 40 lowercase hex digits.
    pub sha1_hex: String,
    /// base64 of `sha1`: the `Sec-WebSocket-Accept` value.
    pub accept: String,
}

/// The accept computation step by step.
pub fn accept_steps(key: &str) -> AcceptSteps {
    let key = trimmed(key);
    let sha1 = sha1(key);
    let sha1_hex = sha1.iter().map(|b| format!("{b:02x}")).collect();
    AcceptSteps {
        key: key.to_string(),
        concatenated: format!("{key}{GUID}"),
        sha1,
        sha1_hex,
        accept: base64::encode(&sha1),
    }
}

/// Something wrong with a `Sec-WebSocket-Key` value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyProblem {
    /// Nothing but whitespace.
    Empty,
    /// Whitespace inside the value (surrounding whitespace is allowed).
    InnerWhitespace { offset: usize },
    /// A character outside the base64 alphabet.
    NotBase64 { offset: usize, found: char },
    /// Padding missing, misplaced or too long.
    Padding,
    /// Decodes, but is not the canonical spelling of its bytes (non-zero trailing
    /// bits): strict decoders reject it. `canonical` is the canonical spelling.
    NonCanonical { canonical: String },
    /// Does not decode to 16 bytes.
    WrongLength { decoded_len: usize },
}

impl KeyProblem {
    /// A one-line description.
    pub fn message(&self) -> String {
        match self {
            KeyProblem::Empty => "the key is empty".to_string(),
            KeyProblem::InnerWhitespace { offset } => {
                format!("the key contains whitespace at character {}", offset + 1)
            }
            KeyProblem::NotBase64 { offset, found } => format!(
                "{found:?} at character {} is not in the base64 alphabet (A-Z a-z 0-9 + /)",
                offset + 1
            ),
            KeyProblem::Padding => {
                "base64 padding is wrong: a 16-byte key is 22 characters followed by \"==\"".to_string()
            }
            KeyProblem::NonCanonical { canonical } => format!(
                "not canonical base64 (unused bits are set): strict decoders reject it; canonical spelling is {canonical}"
            ),
            KeyProblem::WrongLength { decoded_len } => {
                format!("decodes to {decoded_len} bytes, not {KEY_DECODED_LEN}")
            }
        }
    }

    /// Whether a server following RFC 6455 must refuse a key with this problem.
    /// Only [`KeyProblem::NonCanonical`] is tolerated by the common servers.
    pub fn is_invalid(&self) -> bool {
        !matches!(self, KeyProblem::NonCanonical { .. })
    }
}

/// Whether `key` is 22 base64 characters, the last with its 4 unused bits
/// zero, and `==`: the canonical spelling of 16 bytes (what every browser
/// sends), which [`judge_key`] would find nothing wrong with.
fn is_canonical_key(key: &[u8]) -> bool {
    let [body @ .., last, b'=', b'='] = key else {
        return false;
    };
    body.len() == 21
        && body.iter().all(|&b| base64::value(b).is_some())
        && base64::value(*last).is_some_and(|v| v & 0x0f == 0)
}

/// Judge a key: base64 alphabet, canonical padding, decoded length 16, no inner
/// whitespace. An empty list means the key is good.
pub fn judge_key(key: &str) -> Vec<KeyProblem> {
    let key = trimmed(key);
    if is_canonical_key(key.as_bytes()) {
        return Vec::new();
    }
    let mut problems = Vec::new();
    if key.is_empty() {
        problems.push(KeyProblem::Empty);
        return problems;
    }
    // RFC 6455 §4.1: the value is base64; whitespace is only allowed around it
    // (RFC 9110 §5.5 optional whitespace), never inside.
    let compact: std::borrow::Cow<'_, [u8]> = if let Some(offset) = key.chars().position(char::is_whitespace)
    {
        problems.push(KeyProblem::InnerWhitespace { offset });
        key.bytes().filter(|b| !b.is_ascii_whitespace()).collect()
    } else {
        key.as_bytes().into()
    };
    let decoded = base64::decode(&compact);
    for error in &decoded.errors {
        match *error {
            base64::Base64Error::InvalidByte { offset, .. } => {
                // Report the character (not the byte) the user sees.
                let text = String::from_utf8_lossy(&compact);
                let prefix = String::from_utf8_lossy(&compact[..offset]);
                let index = prefix.chars().count();
                let found = text.chars().nth(index).unwrap_or('\u{fffd}');
                // Several bytes of one multibyte character count once.
                if !problems
                    .iter()
                    .any(|p| matches!(p, KeyProblem::NotBase64 { offset, .. } if *offset == index))
                {
                    problems.push(KeyProblem::NotBase64 { offset: index, found });
                }
            }
            base64::Base64Error::Padding => problems.push(KeyProblem::Padding),
            base64::Base64Error::NonZeroTrailingBits => {
                let mut canonical = base64::encode(&decoded.bytes);
                // Keep the spelling honest when padding was also wrong.
                if canonical.is_empty() {
                    canonical.push_str("(nothing)");
                }
                problems.push(KeyProblem::NonCanonical { canonical });
            }
        }
    }
    if decoded.bytes.len() != KEY_DECODED_LEN {
        problems.push(KeyProblem::WrongLength { decoded_len: decoded.bytes.len() });
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc6455_vector() {
        // RFC 6455 §4.2.2 (and §1.3).
        let steps = accept_steps("dGhlIHNhbXBsZSBub25jZQ==");
        assert_eq!(steps.sha1_hex, "b37a4f2cc0624f1690f64606cf385945b2bec4ea");
        assert_eq!(steps.accept, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
        assert_eq!(steps.concatenated, "dGhlIHNhbXBsZSBub25jZQ==258EAFA5-E914-47DA-95CA-C5AB0DC85B11");
        assert_eq!(accept("dGhlIHNhbXBsZSBub25jZQ=="), steps.accept);
        assert!(judge_key("dGhlIHNhbXBsZSBub25jZQ==").is_empty());
    }

    #[test]
    fn other_vectors() {
        assert_eq!(accept("x3JJHMbDL1EzLkh9GBhXDw=="), "HSmrc0sMlYUkAGmm5OPpG2HaGWk=");
        assert!(judge_key("x3JJHMbDL1EzLkh9GBhXDw==").is_empty());
        // The RFC's example key (§4.1) is not canonical; its accept is over its
        // own bytes, not over the canonical spelling.
        assert_eq!(accept("AQIDBAUGBwgJCgsMDQ4PEC=="), "OfS0wDaT5NoxF2gqm7Zj2YtetzM=");
        assert_eq!(accept("AQIDBAUGBwgJCgsMDQ4PEA=="), "C/0nmHhBztSRGR1CwL6Tf4ZjwpY=");
        assert_eq!(
            judge_key("AQIDBAUGBwgJCgsMDQ4PEC=="),
            [KeyProblem::NonCanonical { canonical: "AQIDBAUGBwgJCgsMDQ4PEA==".into() }]
        );
        assert!(judge_key("AQIDBAUGBwgJCgsMDQ4PEA==").is_empty());
    }

    #[test]
    fn canonical_fast_path_agrees_with_decoder() {
        let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=! ";
        let mut key = *b"x3JJHMbDL1EzLkh9GBhXDw==";
        for at in [0, 10, 20, 21, 22, 23] {
            for &c in alphabet {
                key[at] = c;
                let decoded = base64::decode(&key);
                let clean = decoded.errors.is_empty() && decoded.bytes.len() == KEY_DECODED_LEN;
                assert_eq!(is_canonical_key(&key), clean, "{}", String::from_utf8_lossy(&key));
            }
            key = *b"x3JJHMbDL1EzLkh9GBhXDw==";
        }
        assert!(!is_canonical_key(b"x3JJHMbDL1EzLkh9GBhXDw="));
        assert!(!is_canonical_key(b""));
    }

    #[test]
    fn surrounding_whitespace_is_trimmed() {
        assert_eq!(accept("  dGhlIHNhbXBsZSBub25jZQ==\t"), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
        assert!(judge_key(" dGhlIHNhbXBsZSBub25jZQ== ").is_empty());
    }

    #[test]
    fn bad_keys() {
        assert_eq!(judge_key("WHQ4eXhscUtKYjBvOGN3WEdtOEQ="), [KeyProblem::WrongLength { decoded_len: 20 }]);
        let p = judge_key("InvalidKey");
        assert!(p.contains(&KeyProblem::Padding), "{p:?}");
        assert!(p.contains(&KeyProblem::WrongLength { decoded_len: 7 }), "{p:?}");
        assert_eq!(judge_key(""), [KeyProblem::Empty]);
        assert_eq!(judge_key("   "), [KeyProblem::Empty]);
        assert_eq!(judge_key("dGhlIHNhbXBs ZSBub25jZQ=="), [KeyProblem::InnerWhitespace { offset: 12 }]);
        assert_eq!(
            judge_key("dGhlIHNhbXBsZSBub25jZQ!="),
            [KeyProblem::NotBase64 { offset: 22, found: '!' }, KeyProblem::Padding]
        );
        // The seed article's placeholder key.
        let p = judge_key("abc123==");
        assert_eq!(
            p,
            [
                KeyProblem::NonCanonical { canonical: "abc12w==".into() },
                KeyProblem::WrongLength { decoded_len: 4 }
            ]
        );
        // A multibyte character is reported once, by character position.
        let p = judge_key("dGhlIHNhbXBsZSBub25jZQé=");
        assert_eq!(p.len(), 3, "{p:?}");
        assert_eq!(p[0], KeyProblem::NotBase64 { offset: 22, found: 'é' });
        for problem in p {
            assert!(!problem.message().is_empty());
        }
    }
}
