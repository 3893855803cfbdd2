//! Reading a request head off the socket, byte for byte as the client sent it.

use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt};

/// A complete request head and whatever the client sent after it.
#[derive(Debug)]
pub struct IncomingHead {
    /// The head exactly as received: request line, header lines and the empty line.
    pub head: Vec<u8>,
    /// Bytes after the head (a client must send none before the response,
    /// RFC 6455 §4.1; they are handed to the framing layer untouched).
    pub rest: Vec<u8>,
}

/// Why no head could be read.
#[derive(Debug)]
pub enum HeadError {
    /// More than the byte limit arrived without the empty line that ends a head.
    TooLarge { limit: usize },
    /// The head has more header field lines than the limit.
    TooManyHeaders { count: usize, limit: usize },
    /// The head did not arrive in time.
    TimedOut,
    /// The peer closed (or reset) before a whole head arrived.
    Closed { received: usize },
}

/// Reads until the empty line that ends a request head (RFC 9112 §2.1), within
/// `max_bytes` and `timeout`. Bare LF line ends are tolerated here so that such
/// requests reach the linter rather than a timeout.
pub async fn read_head<S: AsyncRead + Unpin>(
    stream: &mut S,
    max_bytes: usize,
    max_headers: usize,
    timeout: Duration,
) -> Result<IncomingHead, HeadError> {
    let mut buf = Vec::with_capacity(1024);
    let reading = async {
        let mut chunk = [0u8; 4096];
        let mut scanned = 0;
        loop {
            if let Some(end) = head_end(&buf, scanned) {
                return Ok(end);
            }
            if buf.len() > max_bytes {
                return Err(HeadError::TooLarge { limit: max_bytes });
            }
            scanned = buf.len().saturating_sub(3);
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => {
                    return Err(HeadError::Closed { received: buf.len() });
                }
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        }
    };
    let end = tokio::time::timeout(timeout, reading).await.map_err(|_| HeadError::TimedOut)??;
    if end > max_bytes {
        return Err(HeadError::TooLarge { limit: max_bytes });
    }
    let rest = buf.split_off(end);
    let count = field_lines(&buf);
    if count > max_headers {
        return Err(HeadError::TooManyHeaders { count, limit: max_headers });
    }
    Ok(IncomingHead { head: buf, rest })
}

/// The index just past the empty line ending the head, searching from `from`.
fn head_end(buf: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    while i < buf.len() {
        if buf[i] == b'\n' {
            match buf.get(i + 1) {
                Some(b'\n') => return Some(i + 2),
                Some(b'\r') if buf.get(i + 2) == Some(&b'\n') => return Some(i + 3),
                _ => {}
            }
        }
        i += 1;
    }
    None
}

/// Header field lines in a head: every line but the request line and the empty one.
fn field_lines(head: &[u8]) -> usize {
    head.iter().filter(|&&b| b == b'\n').count().saturating_sub(2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_end_of_a_head() {
        let raw = b"GET / HTTP/1.1\r\nHost: a\r\n\r\nNEXT";
        assert_eq!(head_end(raw, 0), Some(raw.len() - 4));
        assert_eq!(head_end(b"GET / HTTP/1.1\nHost: a\n\nX", 0), Some(24));
        assert_eq!(head_end(b"GET / HTTP/1.1\r\nHost: a\r\n", 0), None);
        assert_eq!(field_lines(b"GET / HTTP/1.1\r\nHost: a\r\nA: b\r\n\r\n"), 2);
    }

    #[tokio::test]
    async fn splits_the_head_from_what_follows() {
        let mut input: &[u8] = b"GET / HTTP/1.1\r\nHost: a\r\n\r\n\x81\x00";
        let got = read_head(&mut input, 1024, 10, Duration::from_secs(1)).await.expect("a head");
        assert_eq!(got.head, b"GET / HTTP/1.1\r\nHost: a\r\n\r\n");
        assert_eq!(got.rest, b"\x81\x00");
    }

    #[tokio::test]
    async fn refuses_an_endless_head() {
        let long = vec![b'a'; 5000];
        let mut input: &[u8] = &long;
        let got = read_head(&mut input, 1024, 10, Duration::from_secs(1)).await;
        assert!(matches!(got, Err(HeadError::TooLarge { limit: 1024 })));
    }
}
