//! Raw HTTP/1.1: a request, a response, or both pasted together (request
//! first). CRLF or bare LF line ends; the bare LFs are reported by the rules.

use super::{Exchange, curl, push_head};
use crate::head::{self, Field, Kind, Known, Line};

/// Every head in the text, in order, with any bytes between a head and the
/// next start line kept as that head's body.
pub fn parse(input: &[u8]) -> Vec<Exchange<'_>> {
    let mut exchanges = Vec::new();
    // Validate UTF-8 once; fields then borrow the text directly.
    let text = std::str::from_utf8(input).ok();
    let lines_at = |offset, number| match text {
        Some(t) => head::lines_str(t, offset, number),
        None => head::lines(input, offset, number),
    };
    let (mut offset, mut number) = (0, 1);
    let mut mistyped_response = false;
    loop {
        // `curl -i` without `-s` prints its progress meter before the head.
        let mut lines = lines_at(offset, number);
        while matches!(input.get(lines.offset()), Some(b'\r' | b' ' | b'0'..=b'9'))
            && lines.clone().next().is_some_and(|l| curl::past_meter(&l.bytes).is_none_or(|b| b.is_empty()))
        {
            lines.next();
        }
        let Some((mut h, next, next_number)) = head::parse_head_from(lines) else {
            break;
        };
        if std::mem::take(&mut mistyped_response) && h.start_line.is_none() {
            // Its start line is reported by `http.start-line`.
            h.kind = Kind::Response;
        }
        // The body runs to the next start line (or the end).
        let mut body_end = next;
        let mut lines = lines_at(next, next_number);
        let mut resume = (input.len(), 0);
        let mut first_body_line = None;
        while let Some(line) = lines.next() {
            if head::parse_start_line(&line.bytes).is_some() {
                resume = (line.offset, line.number);
                break;
            }
            // Right after a request head, a line with a three-digit word that is
            // followed by fields is a response whose status line is mistyped
            // (`HTP/1.1 101`), not a body (RFC 9112 §4).
            if h.is_request()
                && first_body_line.is_none()
                && has_status_code(&line)
                && !is_field(&line)
                && lines.clone().next().is_some_and(|next| is_field(&next))
            {
                (resume, mistyped_response) = ((line.offset, line.number), true);
                break;
            }
            if !line.is_blank() {
                first_body_line.get_or_insert(line.number);
                body_end = line.offset + line.bytes.len();
            }
        }
        // A response's Content-Length, when given, ends its body sooner
        // (RFC 9112 §6.3); a body cut short by the paste stays what it is.
        if h.kind == Kind::Response
            && let Some(length) = h
                .known_field(const { Known::lower("content-length") })
                .and_then(|f| f.value.as_str().parse::<usize>().ok())
        {
            body_end = body_end.min(next.saturating_add(length));
        }
        if let Some(body_line) = first_body_line {
            let start = next + input[next..body_end].iter().take_while(|b| b.is_ascii_whitespace()).count();
            if start < body_end {
                h.body = Some(Field::from_bytes(&input[start..body_end], start, body_line));
            }
        }
        push_head(&mut exchanges, h, false);
        if resume.0 >= input.len() {
            break;
        }
        (offset, number) = resume;
    }
    exchanges
}

/// A three-digit word, and no `HTTP/` inside (`helloHTTP/1.1 101` is a body
/// glued to a response, reported as `req.body`).
fn has_status_code(line: &Line<'_>) -> bool {
    line.bytes.split(|&b| b == b' ').any(|w| w.len() == 3 && w.iter().all(u8::is_ascii_digit))
        && !line.bytes.windows(5).any(|w| w.eq_ignore_ascii_case(b"HTTP/"))
}

/// `token ":"`: the shape of a header field line (RFC 9110 §5.1).
fn is_field(line: &Line<'_>) -> bool {
    let name_len = head::tchar_len(&line.bytes);
    name_len > 0 && line.bytes.get(name_len) == Some(&b':')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_then_response() {
        let text =
            "GET / HTTP/1.1\r\nHost: a\r\n\r\nHTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n";
        let ex = parse(text.as_bytes());
        assert_eq!(ex.len(), 1);
        assert!(ex[0].request.is_some() && ex[0].response.is_some());
        assert_eq!(ex[0].response.as_ref().unwrap().line, 4);
        assert!(ex[0].request.as_ref().unwrap().body.is_none());
    }

    #[test]
    fn body_and_lone_response() {
        let text = "GET / HTTP/1.1\nHost: a\n\nhello\nworld\n\nHTTP/1.1 404 Not Found\n\nHTTP/1.1 200 OK\n";
        let ex = parse(text.as_bytes());
        assert_eq!(ex.len(), 2);
        let body = ex[0].request.as_ref().unwrap().body.as_ref().unwrap();
        assert_eq!(body.as_str(), "hello\nworld");
        assert_eq!(body.line, 4);
        assert!(ex[1].request.is_none());
    }

    #[test]
    fn mistyped_status_line_after_a_request_is_the_response() {
        let text =
            "GET / HTTP/1.1\r\nHost: a\r\n\r\nHTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n";
        let ex = parse(text.as_bytes());
        assert_eq!(ex.len(), 1);
        assert!(ex[0].request.as_ref().unwrap().body.is_none());
        let response = ex[0].response.as_ref().expect("a response");
        assert!(response.start_line.is_none());
        assert_eq!(response.line, 4);
    }

    #[test]
    fn content_length_ends_a_response_body() {
        let text =
            "HTTP/1.1 426 Upgrade Required\r\nContent-Length: 15\r\n\r\nmissing Upgrade\r\nuser@host:~$ \r\n";
        let ex = parse(text.as_bytes());
        assert_eq!(ex.len(), 1);
        let body = ex[0].response.as_ref().unwrap().body.as_ref().unwrap();
        assert_eq!((body.as_str(), body.line), ("missing Upgrade", 4));
        // A paste that turned CRLF into LF is shorter than it says: the next
        // start line still ends it.
        let text = "HTTP/1.1 502 Bad Gateway\nContent-Length: 40\n\n<html>\n</html>\nHTTP/1.1 200 OK\n\n";
        let ex = parse(text.as_bytes());
        assert_eq!(ex.len(), 2);
        assert_eq!(ex[0].response.as_ref().unwrap().body.as_ref().unwrap().as_str(), "<html>\n</html>");
        // Content-Length: 0 has no body.
        let text = "HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n\r\n";
        assert!(parse(text.as_bytes())[0].response.as_ref().unwrap().body.is_none());
    }

    #[test]
    fn a_body_of_plain_lines_stays_a_body() {
        // Near miss: the first body line has no status code.
        let text = "POST / HTTP/1.1\r\nHost: a\r\n\r\nname=value\r\nmore: text\r\n";
        let ex = parse(text.as_bytes());
        assert_eq!(ex.len(), 1);
        assert!(ex[0].response.is_none());
        assert!(ex[0].request.as_ref().unwrap().body.is_some());
    }
}
