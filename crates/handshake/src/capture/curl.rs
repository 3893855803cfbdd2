//! `curl -v` output (`> ` request lines, `< ` response lines, `* ` notes) and
//! `curl --trace-ascii` output (`=> Send header` / `<= Recv header` blocks of
//! `0000: text` lines, long lines wrapped at 64 characters).
//!
//! Pasted as people run it: `curl -v URL 2>&1` mixes the response body
//! (stdout) into the trace, usually after the last note because stdout is
//! buffered; without `-s` the progress meter's updates start lines of their
//! own or of the next trace line; with `-i` a copy of the head precedes the
//! body. The body is kept with the response it follows.

use std::borrow::Cow;

use super::{Exchange, push_head};
use crate::head::{self, Ending, Field, Head, Kind, Line, Span};

/// A line only curl writes.
pub fn is_curl_line(b: &[u8]) -> bool {
    b.starts_with(b"> ")
        || b.starts_with(b"< ")
        || b.starts_with(b"* ")
        || b == b">"
        || b == b"<"
        || b.starts_with(b"== Info:")
        || b.starts_with(b"=> Send")
        || b.starts_with(b"<= Recv")
}

/// The width of one progress meter update after its `\r` (curl 7.x and 8.x:
/// three percent-and-size pairs, two speeds, three times, the current speed).
const METER_WIDTH: usize = 78;

/// `b` without the progress meter updates that begin it, or `None` when the
/// line is nothing but the meter or its two header lines. Each update starts
/// with `\r` and has no line end, so the next line curl writes shares its line
/// (`\r  0  0 ... --:--:--     0*   Trying 127.0.0.1:80...`). A text box turns
/// the `\r` into a line end, so an update may also start a line.
pub fn past_meter(b: &[u8]) -> Option<&[u8]> {
    if !matches!(b.first(), Some(b'\r' | b' ' | b'\t' | b'0'..=b'9')) {
        return Some(b);
    }
    let mut rest = b;
    loop {
        let after = rest.strip_prefix(b"\r").unwrap_or(rest);
        match meter_len(after) {
            0 => break,
            len => rest = &after[len..],
        }
    }
    let words = rest.trim_ascii_start();
    let header = words.starts_with(b"% Total") || (words.starts_with(b"Dload") && words.ends_with(b"Speed"));
    if header || (rest.is_empty() && !b.is_empty()) { None } else { Some(rest) }
}

/// The length of the meter update that starts `b`, or 0: a percentage
/// (`%3d `), then at most one update's width of its characters, with the
/// colons of its three time columns (`--:--:--`, ` 0:00:01`).
fn meter_len(b: &[u8]) -> usize {
    let percent = matches!(b, [b' ' | b'0'..=b'9', b' ' | b'0'..=b'9', b'0'..=b'9', b' ', ..]);
    let len = b.iter().take(METER_WIDTH).take_while(|&&c| is_meter_byte(c)).count();
    if percent && b[..len].iter().filter(|&&c| c == b':').count() >= 6 { len } else { 0 }
}

fn is_meter_byte(c: u8) -> bool {
    matches!(c, b' ' | b'0'..=b'9' | b'-' | b':' | b'.' | b'k' | b'M' | b'G' | b'T' | b'P' | b'E')
}

/// What curl writes besides the trace and the body: `{ [157 bytes data]`
/// (`-v` without `-s`, `}` for sent data) and its error line `curl: (28) …`.
fn is_noise(b: &[u8]) -> bool {
    ((b.starts_with(b"{ [") || b.starts_with(b"} [")) && b.ends_with(b"data]")) || b.starts_with(b"curl: (")
}

/// `>` or `<` followed by a space or nothing: a line of the trace. `<html>`
/// is a body line.
fn marker(b: &[u8]) -> Option<Kind> {
    let kind = match b.first() {
        Some(b'>') => Kind::Request,
        Some(b'<') => Kind::Response,
        _ => return None,
    };
    matches!(b.get(1), None | Some(b' ')).then_some(kind)
}

/// `XXXX: ` at the start of a trace line: the hex offset and where the text starts.
fn trace_offset(b: &[u8]) -> Option<(usize, usize)> {
    let colon = b.iter().position(|&c| c == b':')?;
    let hex = &b[..colon];
    if hex.len() < 4 || hex.len() > 8 || !hex.iter().all(u8::is_ascii_hexdigit) {
        return None;
    }
    let value = usize::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?;
    let text = colon + 1 + usize::from(b.get(colon + 1) == Some(&b' '));
    Some((value, text))
}

/// Builds heads from the lines curl shows for each direction.
struct Builder<'a> {
    input: &'a [u8],
    exchanges: Vec<Exchange<'a>>,
    head: Option<Head<'a>>,
    /// The body of the last complete response, while it may still grow.
    body: Option<Body>,
}

/// The lines of a response body: where each is, whether it continues the one
/// before (a wrapped trace line), and whether other lines came between.
#[derive(Debug, Default)]
struct Body {
    pieces: Vec<(Span, bool)>,
    line: usize,
    gap: bool,
    /// A line not of the body was read since the last piece.
    pending_gap: bool,
    /// Reading a copy of the head that `curl -i` writes before the body.
    head_copy: bool,
}

impl Body {
    fn push(&mut self, span: Span, number: usize, wrapped: bool, blank: bool) {
        if self.pieces.is_empty() {
            if blank {
                return;
            }
            self.line = number;
        }
        self.gap |= std::mem::take(&mut self.pending_gap);
        self.pieces.push((span, wrapped));
    }

    /// A line that is not part of the body.
    fn skip(&mut self) {
        self.pending_gap = !self.pieces.is_empty();
    }

    /// The body as a field: borrowed when its lines are one run of the input,
    /// otherwise its lines joined.
    fn field<'a>(mut self, input: &'a [u8]) -> Option<Field<'a>> {
        while self.pieces.last().is_some_and(|((s, e), _)| input[*s..*e].iter().all(u8::is_ascii_whitespace))
        {
            self.pieces.pop();
        }
        let (((start, _), _), ((_, end), _)) = (self.pieces.first()?, self.pieces.last()?);
        if !self.gap {
            return Some(Field::from_bytes(&input[*start..*end], *start, self.line));
        }
        let mut joined = Vec::new();
        for (i, ((s, e), wrapped)) in self.pieces.iter().enumerate() {
            if i > 0 && !wrapped {
                joined.push(b'\n');
            }
            joined.extend_from_slice(&input[*s..*e]);
        }
        let text = String::from_utf8_lossy(&joined).into_owned();
        Some(Field { text: Cow::Owned(text), span: (*start, *end), line: self.line })
    }
}

impl<'a> Builder<'a> {
    fn flush(&mut self) {
        if let Some(h) = self.head.take() {
            let response = h.kind == Kind::Response;
            push_head(&mut self.exchanges, Box::new(h), false);
            if response {
                self.body = Some(Body::default());
            }
        }
    }

    /// Give the body read so far to the last response.
    fn end_body(&mut self) {
        let Some(body) = self.body.take() else {
            return;
        };
        let field = body.field(self.input);
        if let Some(res) = self.exchanges.last_mut().and_then(|e| e.response.as_mut()) {
            res.body = field;
        }
    }

    fn push(&mut self, kind: Kind, line: Line<'a>) {
        if line.is_blank() {
            self.flush();
            return;
        }
        if self.head.as_ref().is_some_and(|h| h.kind != kind) {
            self.flush();
        }
        if self.head.is_none() {
            self.end_body();
        }
        let head = self.head.get_or_insert_with(|| Head::new(kind, line.offset, line.number));
        head.kind = kind;
        head.push_line(line);
    }

    /// A line of `curl -v` that is not the trace: the body, a copy of the head
    /// (`-i`), or nothing of ours.
    fn push_plain(&mut self, bytes: &[u8], offset: usize, number: usize) {
        let Some(body) = self.body.as_mut().filter(|_| self.head.is_none()) else {
            return;
        };
        let blank = bytes.iter().all(u8::is_ascii_whitespace);
        if body.head_copy {
            body.head_copy = !blank;
            return;
        }
        if body.pieces.is_empty()
            && matches!(head::parse_start_line(bytes), Some(head::StartLine::Status { .. }))
        {
            body.head_copy = true;
            return;
        }
        body.push((offset, offset + bytes.len()), number, false, blank);
    }

    fn skip(&mut self) {
        if let Some(body) = self.body.as_mut() {
            body.skip();
        }
    }
}

/// A piece of a wrapped trace line.
struct Pending<'a> {
    kind: Kind,
    pieces: Vec<(usize, &'a [u8])>,
    number: usize,
    /// The dump offset the next piece has when it continues this line.
    next_dump: usize,
}

impl<'a> Pending<'a> {
    fn line(&self) -> Line<'a> {
        let offset = self.pieces.first().map_or(0, |p| p.0);
        let bytes = match self.pieces.as_slice() {
            [(_, one)] => Cow::Borrowed(*one),
            many => Cow::Owned(many.iter().flat_map(|p| p.1.iter().copied()).collect()),
        };
        Line { bytes, text: None, offset, number: self.number, ending: Ending::Crlf, clean: false }
    }
}

/// Which `--trace-ascii` block we are in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Block {
    Header(Kind),
    /// `<= Recv data`: the response body (or, after a 101, frames).
    Data,
}

/// The exchanges in curl's output.
pub fn parse(input: &[u8]) -> Vec<Exchange<'_>> {
    let mut b = Builder { input, exchanges: Vec::new(), head: None, body: None };
    // --trace-ascii: which block we are in, a line being unwrapped, and where
    // the last data piece ended in the dump.
    let mut block: Option<Block> = None;
    let mut trace = false;
    let mut pending: Option<Pending<'_>> = None;
    let mut data_dump = None;
    for line in head::lines(input, 0, 1) {
        let whole: &[u8] = match &line.bytes {
            Cow::Borrowed(x) => x,
            Cow::Owned(_) => continue,
        };
        let Some(bytes) = past_meter(whole) else {
            b.skip();
            continue;
        };
        let offset = line.offset + (whole.len() - bytes.len());
        if bytes.starts_with(b"=> ") || bytes.starts_with(b"<= ") || bytes.starts_with(b"== ") {
            trace = true;
            if let Some(p) = pending.take() {
                b.push(p.kind, p.line());
            }
            block = if bytes.starts_with(b"=> Send header") {
                Some(Block::Header(Kind::Request))
            } else if bytes.starts_with(b"<= Recv header") {
                Some(Block::Header(Kind::Response))
            } else if bytes.starts_with(b"<= Recv data") {
                Some(Block::Data)
            } else {
                None
            };
            data_dump = None;
            continue;
        }
        if let Some(block) = block
            && let Some((dump, text)) = trace_offset(bytes)
        {
            let piece = (offset + text, bytes.get(text..).unwrap_or_default());
            let kind = match block {
                Block::Header(kind) => kind,
                Block::Data => {
                    if let Some(body) = b.body.as_mut().filter(|_| b.head.is_none()) {
                        // Wrapped: this dump offset directly follows the last piece.
                        let wrapped = data_dump == Some(dump);
                        body.push((piece.0, piece.0 + piece.1.len()), line.number, wrapped, false);
                        // The dump offsets lie between the pieces.
                        body.gap = true;
                    }
                    data_dump = Some(dump + piece.1.len());
                    continue;
                }
            };
            match pending.as_mut() {
                // Wrapped: this dump offset directly follows the last piece.
                Some(p) if p.kind == kind && p.next_dump == dump => {
                    p.pieces.push(piece);
                    p.next_dump = dump + piece.1.len();
                }
                _ => {
                    if let Some(p) = pending.take() {
                        b.push(p.kind, p.line());
                    }
                    pending = Some(Pending {
                        kind,
                        pieces: vec![piece],
                        number: line.number,
                        next_dump: dump + piece.1.len(),
                    });
                }
            }
            continue;
        }
        // A line that is not in the dump ends the line being unwrapped, which
        // goes before it.
        if let Some(p) = pending.take() {
            b.push(p.kind, p.line());
        }
        let Some(kind) = marker(bytes) else {
            // In -v output, what is neither trace nor curl's own is the body
            // (stdout); --trace-ascii shows the body in its data blocks.
            if trace || bytes.starts_with(b"*") || is_noise(bytes) {
                b.skip();
            } else {
                b.push_plain(bytes, offset, line.number);
            }
            continue;
        };
        let skip = 1 + usize::from(bytes.get(1) == Some(&b' '));
        let text = bytes.get(skip..).unwrap_or_default();
        b.push(
            kind,
            Line {
                bytes: Cow::Borrowed(text),
                text: None,
                offset: offset + skip,
                number: line.number,
                ending: Ending::Crlf,
                clean: line.clean,
            },
        );
    }
    if let Some(p) = pending.take() {
        b.push(p.kind, p.line());
    }
    b.flush();
    b.end_body();
    b.exchanges
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verbose() {
        let text = "*   Trying 127.0.0.1:8080...\n* Connected\n> GET /chat HTTP/1.1\n> Host: localhost:8080\n> Upgrade: websocket\n>\n< HTTP/1.1 101 Switching Protocols\n< Upgrade: websocket\n< \n* Connection #0 left intact\n";
        let ex = parse(text.as_bytes());
        assert_eq!(ex.len(), 1);
        let req = ex[0].request.as_ref().unwrap();
        assert_eq!(req.target(), Some("/chat"));
        assert_eq!(req.header("host"), Some("localhost:8080"));
        let host = req.header_field("host").unwrap();
        assert_eq!(&text[host.value.span.0..host.value.span.1], "localhost:8080");
        assert_eq!(host.value.line, 4);
        assert_eq!(ex[0].response.as_ref().unwrap().status(), Some(101));
        assert!(req.problems.is_empty());
    }

    /// Real curl 7.88 output, recorded against nginx 1.22 and HAProxy 2.6 on
    /// loopback (testdata/; `2>&1` unless the name says `si`).
    fn recorded(name: &str) -> &'static [u8] {
        match name {
            "nginx-502-v" => include_bytes!("testdata/nginx-502-v.txt"),
            "nginx-502-vi" => include_bytes!("testdata/nginx-502-vi.txt"),
            "nginx-502-i" => include_bytes!("testdata/nginx-502-i.txt"),
            "nginx-502-si" => include_bytes!("testdata/nginx-502-si.txt"),
            "nginx-502-tls" => include_bytes!("testdata/nginx-502-tls.txt"),
            "nginx-502-trace-ascii" => include_bytes!("testdata/nginx-502-trace-ascii.txt"),
            "nginx-301-502-vL" => include_bytes!("testdata/nginx-301-502-vL.txt"),
            "haproxy-503-v" => include_bytes!("testdata/haproxy-503-v.txt"),
            _ => unreachable!("{name}"),
        }
    }

    const NGINX_502_PAGE: &str = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.22.1</center>\r\n</body>\r\n</html>";

    /// The one exchange of a capture, read the way `lint` reads it.
    fn one(input: &[u8]) -> Exchange<'_> {
        let capture = crate::capture::parse(input).unwrap();
        assert_eq!(capture.exchanges.len(), 1, "{:?}", capture.exchanges);
        capture.exchanges.into_iter().next().unwrap()
    }

    #[test]
    fn the_body_after_the_trace_stays_with_the_response() {
        for name in ["nginx-502-v", "nginx-502-vi", "nginx-502-tls"] {
            let input = recorded(name);
            assert_eq!(crate::capture::detect(input), Some(crate::Format::Curl), "{name}");
            let ex = one(input);
            assert_eq!(ex.request.as_ref().unwrap().target(), Some("/chat"), "{name}");
            let res = ex.response.as_ref().unwrap();
            assert_eq!(res.status(), Some(502), "{name}");
            assert!(res.problems.is_empty(), "{name}: {:?}", res.problems);
            let body = res.body.as_ref().expect("a body");
            // One run of the input (after `* Connection #0 … left intact`):
            // borrowed, and its span is that text.
            assert_eq!(body.as_str(), NGINX_502_PAGE, "{name}");
            assert_eq!(&input[body.span.0..body.span.1], NGINX_502_PAGE.as_bytes(), "{name}");
            assert_eq!(input[..body.span.0].iter().filter(|&&b| b == b'\n').count() + 1, body.line);
        }
    }

    #[test]
    fn a_progress_meter_before_a_trace_line_is_passed_over() {
        // HAProxy took three seconds: two meter updates share the status line.
        let input = recorded("haproxy-503-v");
        assert!(input.windows(17).any(|w| w == b"     0< HTTP/1.1 "));
        let ex = one(input);
        let res = ex.response.as_ref().unwrap();
        assert_eq!(res.status(), Some(503));
        assert_eq!(&input[res.status.as_ref().unwrap().span.0..][..3], b"503");
        assert_eq!(res.header("content-type"), Some("text/html"));
        let body = res.body.as_ref().unwrap().as_str();
        assert!(body.starts_with("<html><body><h1>503") && body.ends_with("</body></html>"), "{body:?}");
        // The meter alone, its header, and what follows it.
        assert_eq!(
            past_meter(b"  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current"),
            None
        );
        assert_eq!(
            past_meter(b"                                 Dload  Upload   Total   Spent    Left  Speed"),
            None
        );
        let update = "\r  0     0    0     0    0     0      0      0 --:--:-- --:--:-- --:--:--     0";
        assert_eq!(update.len(), METER_WIDTH + 1);
        assert_eq!(past_meter(update.as_bytes()), None);
        assert_eq!(past_meter(format!("{update}*   Trying").as_bytes()), Some(&b"*   Trying"[..]));
        // Glued to a body that starts with digits, the meter keeps its width.
        assert_eq!(past_meter(format!("{update}{update}42").as_bytes()), Some(&b"42"[..]));
        assert_eq!(past_meter(b"\rplain"), Some(&b"\rplain"[..]));
        // Its `\r` turned into a line end by a text box.
        assert_eq!(past_meter(&update.as_bytes()[1..]), None);
        assert_eq!(past_meter(b"100 Continue: 1:2:3"), Some(&b"100 Continue: 1:2:3"[..]));
        assert_eq!(past_meter(b"10:00:00 11:00:00 12:00:00"), Some(&b"10:00:00 11:00:00 12:00:00"[..]));
        assert_eq!(past_meter(b"<html>"), Some(&b"<html>"[..]));
    }

    #[test]
    fn as_the_page_reads_it_after_a_text_box() {
        // A text box keeps LF only (a lone CR too becomes LF); the page then
        // reads the lines with CRLF.
        for name in ["nginx-502-v", "nginx-502-vi", "nginx-502-tls", "haproxy-503-v", "nginx-502-i"] {
            let text = String::from_utf8_lossy(recorded(name)).replace("\r\n", "\n").replace('\r', "\n");
            let wire = text.replace('\n', "\r\n");
            let ex = one(wire.as_bytes());
            let res = ex.response.as_ref().unwrap();
            assert!(res.problems.is_empty(), "{name}: {:?}", res.problems);
            let body = res.body.as_ref().unwrap().as_str();
            assert!(body.starts_with("<html>") && body.ends_with("</html>"), "{name}: {body:?}");
        }
    }

    #[test]
    fn follow_redirects_gives_each_request_its_response() {
        let input = recorded("nginx-301-502-vL");
        let capture = crate::capture::parse(input).unwrap();
        let [first, second] = capture.exchanges.as_slice() else { panic!("{:?}", capture.exchanges) };
        assert_eq!(first.request.as_ref().unwrap().target(), Some("/old"));
        let redirect = first.response.as_ref().unwrap();
        assert_eq!(redirect.status(), Some(301));
        // curl ignores a redirect's body ("* Ignoring the response-body").
        assert!(redirect.body.is_none());
        assert_eq!(second.request.as_ref().unwrap().target(), Some("/chat"));
        let res = second.response.as_ref().unwrap();
        assert_eq!(res.status(), Some(502));
        assert_eq!(res.body.as_ref().unwrap().as_str(), NGINX_502_PAGE);
    }

    #[test]
    fn trace_ascii_data_is_the_body() {
        let input = recorded("nginx-502-trace-ascii");
        let ex = one(input);
        let res = ex.response.as_ref().unwrap();
        assert_eq!(res.status(), Some(502));
        // The data block's lines (curl drops their CRLFs), not the copy on stdout.
        let body = res.body.as_ref().unwrap();
        assert_eq!(body.as_str(), NGINX_502_PAGE.replace('\r', ""));
        assert_eq!(&input[body.span.0..][..6], b"<html>");
    }

    #[test]
    fn curl_i_is_raw_http_with_its_body() {
        for name in ["nginx-502-i", "nginx-502-si"] {
            let input = recorded(name);
            assert_eq!(crate::capture::detect(input), Some(crate::Format::Raw), "{name}");
            let ex = one(input);
            assert!(ex.request.is_none());
            let res = ex.response.as_ref().unwrap();
            assert_eq!(res.status(), Some(502), "{name}");
            assert_eq!(res.header("server"), Some("nginx/1.22.1"));
            assert_eq!(res.body.as_ref().unwrap().as_str(), NGINX_502_PAGE, "{name}");
        }
    }

    #[test]
    fn body_lines_between_trace_lines_are_joined() {
        // On a terminal stdout is not held back: the body comes before the
        // last meter update and note.
        let text = "> GET /chat HTTP/1.1\r\n> Host: a\r\n> \r\n< HTTP/1.1 426 Upgrade Required\r\n< Content-Length: 16\r\n< \r\n{ [16 bytes data]\nmissing\n\r100    16  100    16    0     0   4553      0 --:--:-- --:--:-- --:--:--  5333\nUpgrade\n* Connection #0 to host a left intact\n";
        let ex = one(text.as_bytes());
        let body = ex.response.as_ref().unwrap().body.as_ref().unwrap();
        assert_eq!(body.as_str(), "missing\nUpgrade");
        assert_eq!(&text[body.span.0..body.span.0 + 7], "missing");
        assert_eq!(body.line, 8);
        // `< ` with text is the trace; `<` followed by anything else is body.
        assert_eq!(marker(b"<"), Some(Kind::Response));
        assert_eq!(marker(b"< Server: x"), Some(Kind::Response));
        assert_eq!(marker(b"<html>"), None);
        assert_eq!(marker(b">>"), None);
    }

    #[test]
    fn trace_and_verbose_lines_mixed_stay_in_order() {
        // Found by the fuzzer: a dump line still being unwrapped went in after
        // the `> ` line below it, folding into that field backwards.
        let text = "=> Send header, 30 bytes\n0000: GET / HTTP/1.1\n0010:  folded\n> X: 1\n";
        let lint = crate::lint(text.as_bytes()).unwrap();
        for e in &lint.exchanges {
            for h in e.request.iter().chain(&e.response) {
                for f in h.headers() {
                    assert!(f.value.span.0 <= f.value.span.1 && f.span.0 <= f.span.1, "{f:?}");
                }
            }
            for f in &e.findings {
                assert!(f.span.is_none_or(|(s, t)| s <= t && t <= text.len()), "{f:?}");
            }
        }
    }

    #[test]
    fn trace_ascii_unwraps_long_lines() {
        let long = "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits";
        let (a, rest) = long.split_at(64);
        let text = format!(
            "== Info: Connected\n=> Send header, 120 bytes (0x78)\n0000: GET /chat HTTP/1.1\n0014: Host: x\n001d: {a}\n005d: {rest}\n0062: \n<= Recv header, 34 bytes (0x22)\n0000: HTTP/1.1 101 Switching Protocols\n<= Recv header, 20 bytes (0x14)\n0000: Upgrade: websocket\n<= Recv data, 2 bytes\n0000: ..\n"
        );
        let ex = parse(text.as_bytes());
        assert_eq!(ex.len(), 1, "{ex:?}");
        let req = ex[0].request.as_ref().unwrap();
        assert_eq!(
            req.header("sec-websocket-extensions"),
            Some("permessage-deflate; client_max_window_bits")
        );
        assert_eq!(req.header("host"), Some("x"));
        let res = ex[0].response.as_ref().unwrap();
        assert_eq!(res.status(), Some(101));
        assert_eq!(res.header("upgrade"), Some("websocket"));
    }
}
