//! `close(code, reason)` as the browser allows it, checked before the call,
//! and a close event told in words. The codes' meanings are the core's
//! (`handshake::close`, RFC 6455 §7.4).

use handshake::close::{self as codes, CodeRange};

/// The largest reason `close()` takes (WHATWG WebSockets, close()): a Close
/// frame's payload is at most 125 bytes (RFC 6455 §5.5), two of them the code
/// (§5.5.1).
pub const MAX_REASON_BYTES: usize = 123;

/// What to pass to `close()`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CloseCall {
    /// `None`: `close()` without a code (the Close frame then carries none,
    /// and the peer reports 1005).
    pub code: Option<u16>,
    pub reason: String,
}

/// `1000 Normal Closure`, or just `4000` for a code without a name.
pub fn code_name(code: u16) -> String {
    match codes::name(code) {
        Some(name) => format!("{code} {name}"),
        None => code.to_string(),
    }
}

/// Checks the typed code and reason the way `WebSocket.close()` does (WHATWG
/// WebSockets): a code is 1000 or 3000-4999, a reason at most 123 bytes of
/// UTF-8. A reason without a code closes with 1000, as the standard says.
pub fn check(code: &str, reason: &str) -> Result<CloseCall, String> {
    let code = code.trim();
    let mut problems = Vec::new();
    let parsed = if code.is_empty() {
        (!reason.is_empty()).then_some(1000)
    } else if !code.bytes().all(|b| b.is_ascii_digit()) {
        problems.push(format!(
            "{code:?} is not a close code: a close code is a whole number, 1000 or 3000-4999."
        ));
        None
    } else {
        match code.parse::<u16>() {
            Ok(n) => {
                if let Some(why) = refusal(n) {
                    problems.push(why);
                }
                Some(n)
            }
            Err(_) => {
                problems.push(format!(
                    "{code} is not a close code: codes are two bytes on the wire (0-65535), and a page may send only 1000 or 3000-4999."
                ));
                None
            }
        }
    };
    let len = reason.len();
    if len > MAX_REASON_BYTES {
        let multibyte = if len == reason.chars().count() {
            String::new()
        } else {
            format!(" ({} characters: those outside ASCII take 2-4 bytes each)", reason.chars().count())
        };
        problems.push(format!(
            "The reason is {len} bytes of UTF-8{multibyte}; close() takes at most {MAX_REASON_BYTES} (WHATWG WebSockets), because a control frame's payload is at most 125 bytes (RFC 6455 §5.5) and a Close frame's first 2 are the code (§5.5.1). Shorten it by {}.",
            super::bytes(len - MAX_REASON_BYTES)
        ));
    }
    if problems.is_empty() {
        Ok(CloseCall { code: parsed, reason: reason.to_string() })
    } else {
        Err(problems.join(" "))
    }
}

/// Why a page may not close with `code`, or `None` when it may.
pub fn refusal(code: u16) -> Option<String> {
    if code == 1000 || (3000..=4999).contains(&code) {
        return None;
    }
    let rule = "a page may close only with 1000 (Normal Closure) or a code from 3000 to 4999 (WHATWG WebSockets, close())";
    let why = match codes::lookup(code) {
        Some(c) if !c.sent => format!(
            "{} is never sent in a Close frame: {} (RFC 6455 §7.4.1)",
            code_name(code),
            c.meaning.trim_end_matches(" (reported locally, never sent)")
        ),
        Some(c) => format!(
            "{} belongs to the browser and the server, which send it when {} ({})",
            code_name(code),
            c.meaning,
            // 1012-1014 were registered after RFC 6455.
            if code > 1011 { "IANA WebSocket Close Code Number Registry" } else { "RFC 6455 §7.4.1" }
        ),
        None => match codes::range(code) {
            CodeRange::Protocol => format!(
                "{code} is reserved for the protocol and its future extensions, and is not defined (RFC 6455 §7.4.2)"
            ),
            CodeRange::Unused => format!("{code} is below 1000: those codes are not used (RFC 6455 §7.4.2)"),
            _ => format!("{code} is above 4999, outside every range of RFC 6455 §7.4.2"),
        },
    };
    Some(format!("The browser refuses close code {code}: {rule}. {}.", crate::analysis::capitalise(&why)))
}

/// A close event in words: the code and what it means, the reason, and
/// whether the closing handshake completed.
pub fn describe(code: u16, reason: &str, was_clean: bool) -> String {
    let meaning = codes::meaning(code);
    let reason = if reason.is_empty() { "no reason".to_string() } else { format!("reason {reason:?}") };
    let clean = if was_clean {
        "wasClean: true (both sides sent a Close frame, then the TCP connection closed)"
    } else {
        "wasClean: false (the connection ended without a completed closing handshake)"
    };
    format!("{}: {meaning}; {reason}; {clean}.", code_name(code))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allowed_calls() {
        assert_eq!(check("", ""), Ok(CloseCall { code: None, reason: String::new() }));
        assert_eq!(check("1000", ""), Ok(CloseCall { code: Some(1000), reason: String::new() }));
        assert_eq!(check(" 4000 ", "bye"), Ok(CloseCall { code: Some(4000), reason: "bye".into() }));
        assert_eq!(check("3000", ""), Ok(CloseCall { code: Some(3000), reason: String::new() }));
        assert_eq!(check("4999", ""), Ok(CloseCall { code: Some(4999), reason: String::new() }));
        // A reason alone closes with 1000 (WHATWG close(): "If reason is present ... code is 1000").
        assert_eq!(check("", "done"), Ok(CloseCall { code: Some(1000), reason: "done".into() }));
        let max = "é".repeat(61) + "a";
        assert_eq!(max.len(), 123);
        assert!(check("1000", &max).is_ok());
    }

    #[test]
    fn refused_codes_say_why() {
        let e = check("1005", "").unwrap_err();
        assert!(
            e.contains("refuses close code 1005") && e.contains("1005 No Status Received is never sent"),
            "{e}"
        );
        let e = check("1001", "").unwrap_err();
        assert!(e.contains("1001 Going Away belongs to the browser and the server"), "{e}");
        let e = check("2000", "").unwrap_err();
        assert!(e.contains("2000 is reserved for the protocol"), "{e}");
        let e = check("999", "").unwrap_err();
        assert!(e.contains("below 1000"), "{e}");
        let e = check("5000", "").unwrap_err();
        assert!(e.contains("above 4999"), "{e}");
        assert!(check("70000", "").unwrap_err().contains("0-65535"));
        assert!(check("abc", "").unwrap_err().contains("not a close code"));
        assert!(check("-1", "").unwrap_err().contains("not a close code"));
        for code in [0, 999, 1001, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535] {
            assert!(refusal(code).is_some(), "{code}");
        }
    }

    #[test]
    fn long_reasons_are_refused_in_bytes() {
        let e = check("1000", &"x".repeat(124)).unwrap_err();
        assert!(e.contains("124 bytes") && e.contains("by 1 byte.") && !e.contains("characters"), "{e}");
        let e = check("4000", &"é".repeat(62)).unwrap_err();
        assert!(e.contains("124 bytes of UTF-8 (62 characters"), "{e}");
        let both = check("1005", &"x".repeat(200)).unwrap_err();
        assert!(both.contains("1005") && both.contains("200 bytes"), "{both}");
    }

    #[test]
    fn close_events_in_words() {
        let d = describe(1000, "", true);
        assert!(d.starts_with("1000 Normal Closure: the purpose") && d.contains("wasClean: true"), "{d}");
        let d = describe(1006, "", false);
        assert!(d.contains("1006 Abnormal Closure") && d.contains("wasClean: false"), "{d}");
        let d = describe(4000, "bye", true);
        assert!(d.starts_with("4000: for private use") && d.contains("reason \"bye\""), "{d}");
    }
}
