//! The start line of a head: a request line or a status line (RFC 9112
//! §3, §4).

use super::scan::{is_tchar, trim_ows};

/// A recognised start line, as byte ranges within the line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StartLine {
    Request { method: (usize, usize), target: (usize, usize), version: (usize, usize) },
    Status { version: (usize, usize), status: (usize, usize), reason: Option<(usize, usize)> },
}

/// `HTTP/` followed by something (the version is judged by the rules).
fn looks_like_version(bytes: &[u8]) -> bool {
    matches!(bytes, [b'H' | b'h', b'T' | b't', b'T' | b't', b'P' | b'p', b'/', _, ..])
}

/// Recognise a request line (`method SP target SP HTTP-version`, RFC 9112 §3)
/// or a status line (`HTTP-version SP status-code SP [reason]`, RFC 9112 §4).
/// Extra spaces are tolerated here and judged by the rules. `None` when the
/// line is neither.
pub fn parse_start_line(bytes: &[u8]) -> Option<StartLine> {
    // The non-empty runs between spaces, as ranges.
    let mut pos = 0;
    let mut parts = std::iter::from_fn(|| {
        while bytes.get(pos) == Some(&b' ') {
            pos += 1;
        }
        let start = pos;
        while pos < bytes.len() && bytes[pos] != b' ' {
            pos += 1;
        }
        (start < pos).then_some((start, pos))
    });
    let first = parts.next()?;
    if looks_like_version(&bytes[first.0..first.1]) {
        let status = parts.next()?;
        // The reason phrase is the rest of the line after the status code.
        let reason = bytes.get(status.1 + 1..).and_then(|r| {
            let (lead, r) = trim_ows(r);
            let start = status.1 + 1 + lead;
            (!r.is_empty()).then_some((start, start + r.len()))
        });
        return Some(StartLine::Status { version: first, status, reason });
    }
    let target = parts.next()?;
    let version = parts.next()?;
    if parts.next().is_some()
        || !looks_like_version(&bytes[version.0..version.1])
        || !bytes[first.0..first.1].iter().all(|&b| is_tchar(b))
    {
        return None;
    }
    Some(StartLine::Request { method: first, target, version })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn start_lines() {
        assert_eq!(
            parse_start_line(b"GET /chat HTTP/1.1"),
            Some(StartLine::Request { method: (0, 3), target: (4, 9), version: (10, 18) })
        );
        assert_eq!(
            parse_start_line(b"HTTP/1.1 404  Not Found "),
            Some(StartLine::Status { version: (0, 8), status: (9, 12), reason: Some((14, 23)) })
        );
        assert!(parse_start_line(b"HTTP/1.1 101").is_some());
        assert!(parse_start_line(b"Host: x").is_none());
        assert!(parse_start_line(b"GET /chat").is_none());
        assert!(parse_start_line(b"").is_none());
        assert!(parse_start_line(b"\xff\xfe HTTP/1.1").is_none());
    }
}
