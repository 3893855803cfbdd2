//! A `curl` command line, as DevTools' "Copy as cURL (bash)" writes it: the
//! request it sends. Words are read as a POSIX shell reads them ('single',
//! "double" and $'ANSI-C' quotes, backslash escapes, backslash-newline
//! continuations); one command per exchange, request only.
//!
//! The head is what curl puts on the wire: the method (`-X`, else POST when
//! data is sent, else GET), the URL's path and query as the target, HTTP/1.1,
//! `Host` from the URL unless a `-H 'Host: …'` replaces it, then the `-H`,
//! `-A`, `-e` and `-b` fields in order. curl's own `User-Agent` and `Accept`
//! are left out: no handshake rule reads them.

use std::borrow::Cow;

use super::Exchange;
use crate::head::{self, Field, Head, Kind, Span};

/// Options whose value is the next word, and the field they set (if any).
const WITH_VALUE: &[(&str, Option<&str>)] = &[
    ("-H", None),
    ("--header", None),
    ("-X", None),
    ("--request", None),
    ("--url", None),
    ("-A", Some("User-Agent")),
    ("--user-agent", Some("User-Agent")),
    ("-e", Some("Referer")),
    ("--referer", Some("Referer")),
    ("-b", Some("Cookie")),
    ("--cookie", Some("Cookie")),
    ("-d", None),
    ("--data", None),
    ("--data-raw", None),
    ("--data-binary", None),
    ("--data-ascii", None),
    ("--data-urlencode", None),
    ("-F", None),
    ("--form", None),
    ("-o", None),
    ("--output", None),
    ("-u", None),
    ("--user", None),
    ("-m", None),
    ("--max-time", None),
    ("--connect-timeout", None),
    ("-x", None),
    ("--proxy", None),
    ("-w", None),
    ("--write-out", None),
    ("--resolve", None),
    ("--connect-to", None),
    ("--cacert", None),
    ("--cert", None),
    ("--key", None),
    ("-c", None),
    ("--cookie-jar", None),
    ("--trace", None),
    ("--trace-ascii", None),
    ("--unix-socket", None),
];

/// Options that send a body, and so make curl's default method POST.
const DATA: &[&str] =
    &["-d", "--data", "--data-raw", "--data-binary", "--data-ascii", "--data-urlencode", "-F", "--form"];

/// A shell word: its text once quotes and escapes are gone, where it is.
#[derive(Debug)]
struct Word<'a> {
    field: Field<'a>,
    /// The word is one unquoted or quoted run of the input, so byte `i` of its
    /// text is byte `span.0 + shift + i` of the input (`shift` is 1 past a quote).
    exact: Option<usize>,
}

impl<'a> Word<'a> {
    fn text(&self) -> &str {
        self.field.as_str()
    }

    /// The part of the word from byte `from` to `to` of its text, with its own
    /// span when the word is exact, else the whole word's.
    fn part(&self, from: usize, to: usize) -> Field<'a> {
        let text = match &self.field.text {
            Cow::Borrowed(t) => Cow::Borrowed(&t[from..to]),
            Cow::Owned(t) => Cow::Owned(t[from..to].to_string()),
        };
        let span = match self.exact {
            Some(shift) => (self.field.span.0 + shift + from, self.field.span.0 + shift + to),
            None => self.field.span,
        };
        Field { text, span, line: self.field.line }
    }
}

/// Whether line `b` starts a curl command (an optional `$ ` prompt, then `curl`).
pub fn is_command(b: &[u8]) -> bool {
    let b = b.trim_ascii_start();
    let b = b.strip_prefix(b"$ ").unwrap_or(b).trim_ascii_start();
    b.strip_prefix(b"curl").is_some_and(|rest| rest.first().is_some_and(|&c| c == b' ' || c == b'\t'))
}

/// Whether the command is quoted for Windows cmd, as DevTools' "Copy as cURL
/// (cmd)" writes it: `^"…^"` around words, `^` at line ends.
pub fn is_for_cmd(input: &[u8]) -> bool {
    input.windows(2).any(|w| w[0] == b'^' && matches!(w[1], b'"' | b'\n' | b'\r'))
}

/// One exchange per command that starts a line.
pub fn parse(input: &[u8]) -> Vec<Exchange<'_>> {
    commands(input)
        .into_iter()
        .filter_map(|words| request(&words, input))
        .map(|head| Exchange { request: Some(Box::new(head)), response: None, extended_connect: false })
        .collect()
}

/// The commands of `input`, each as its words, `curl` first (a `$` prompt dropped).
fn commands(input: &[u8]) -> Vec<Vec<Word<'_>>> {
    let mut commands = Vec::new();
    let mut words = Vec::new();
    let (mut at, mut line) = (0, 1);
    loop {
        // Blanks and backslash-newline continuations between words.
        while at < input.len() {
            match input[at] {
                b' ' | b'\t' | b'\r' => at += 1,
                b'\\' if input.get(at + 1) == Some(&b'\n') => (at, line) = (at + 2, line + 1),
                b'\\' if input[at + 1..].starts_with(b"\r\n") => (at, line) = (at + 3, line + 1),
                _ => break,
            }
        }
        // An unescaped line end, or the end, closes the command.
        if at >= input.len() || input[at] == b'\n' {
            if words.first().is_some_and(|w: &Word<'_>| w.text() == "$") {
                words.remove(0);
            }
            if words.first().is_some_and(|w| w.text() == "curl") {
                commands.push(std::mem::take(&mut words));
            }
            words.clear();
            if at >= input.len() {
                return commands;
            }
            (at, line) = (at + 1, line + 1);
            continue;
        }
        let (word, end, lines) = word(input, at, line);
        words.push(word);
        (at, line) = (end, line + lines);
    }
}

/// The word starting at `start`; where it ends, and how many line ends it spans.
fn word(input: &[u8], start: usize, line: usize) -> (Word<'_>, usize, usize) {
    let mut text = Vec::new();
    let (mut at, mut lines) = (start, 0);
    // The input bytes the text is, while the word is one run (quoted or not)
    // copied as it stands.
    let mut verbatim: Option<(usize, usize)> = None;
    while at < input.len() && !matches!(input[at], b' ' | b'\t' | b'\r' | b'\n') {
        let run_start = at;
        let before = text.len();
        let mut escaped = false;
        match input[at] {
            b'\'' => {
                let end = find(input, at + 1, b'\'');
                text.extend_from_slice(&input[at + 1..end]);
                lines += count_lines(&input[at + 1..end]);
                at = (end + 1).min(input.len());
            }
            b'$' if input.get(at + 1) == Some(&b'\'') => {
                at = ansi_c(input, at + 2, &mut text);
                escaped = true;
            }
            b'"' => {
                at += 1;
                while at < input.len() && input[at] != b'"' {
                    match (input[at], input.get(at + 1)) {
                        (b'\\', Some(&c)) if matches!(c, b'"' | b'\\' | b'$' | b'`') => {
                            text.push(c);
                            (at, escaped) = (at + 2, true);
                        }
                        (b'\\', Some(b'\n')) => (at, lines, escaped) = (at + 2, lines + 1, true),
                        (c, _) => {
                            lines += usize::from(c == b'\n');
                            text.push(c);
                            at += 1;
                        }
                    }
                }
                at = (at + 1).min(input.len());
            }
            b'\\' => match input.get(at + 1) {
                Some(b'\n') => (at, lines, escaped) = (at + 2, lines + 1, true),
                Some(&c) => {
                    text.push(c);
                    (at, escaped) = (at + 2, true);
                }
                None => at += 1,
            },
            _ => {
                while at < input.len()
                    && !matches!(input[at], b' ' | b'\t' | b'\r' | b'\n' | b'\'' | b'"' | b'\\')
                    && !(input[at] == b'$' && input.get(at + 1) == Some(&b'\''))
                {
                    at += 1;
                }
                text.extend_from_slice(&input[run_start..at]);
            }
        }
        let from = run_start + usize::from(matches!(input[run_start], b'\'' | b'"'));
        verbatim = (run_start == start && !escaped).then_some((from, from + text.len() - before));
    }
    let span = (start, at);
    let field = match verbatim {
        Some((from, to)) => Field::from_bytes(&input[from..to], start, line),
        None => Field { text: Cow::Owned(String::from_utf8_lossy(&text).into_owned()), span, line },
    };
    // Text offsets are input offsets only while the text is the input's own
    // bytes (not decoded lossily from invalid UTF-8).
    let exact = verbatim.filter(|_| matches!(field.text, Cow::Borrowed(_))).map(|(from, _)| from - start);
    (Word { field: Field { span, ..field }, exact }, at, lines)
}

/// The index of the next `quote` from `at`, or the end.
fn find(input: &[u8], at: usize, quote: u8) -> usize {
    input[at.min(input.len())..].iter().position(|&b| b == quote).map_or(input.len(), |i| at + i)
}

fn count_lines(b: &[u8]) -> usize {
    b.iter().filter(|&&c| c == b'\n').count()
}

/// A `$'…'` body from `at` into `text`, with its escapes (`\n`, `\r`, `\t`,
/// `\\`, `\'`, `\"`, `\xHH`, `\uHHHH`, as DevTools writes them); returns where
/// it ends.
fn ansi_c(input: &[u8], mut at: usize, text: &mut Vec<u8>) -> usize {
    while at < input.len() && input[at] != b'\'' {
        if input[at] != b'\\' || at + 1 >= input.len() {
            text.push(input[at]);
            at += 1;
            continue;
        }
        let hex = |from: usize, len: usize| {
            input
                .get(from..from + len)
                .and_then(|h| u32::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok())
        };
        let (c, used) = match input[at + 1] {
            b'n' => (Some('\n'), 2),
            b'r' => (Some('\r'), 2),
            b't' => (Some('\t'), 2),
            b'\\' | b'\'' | b'"' => (Some(char::from(input[at + 1])), 2),
            b'x' => (hex(at + 2, 2).and_then(char::from_u32), 4),
            b'u' => (hex(at + 2, 4).and_then(char::from_u32), 6),
            _ => (None, 1),
        };
        match c {
            Some(c) => text.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes()),
            None => text.push(b'\\'),
        }
        at += used;
    }
    (at + 1).min(input.len())
}

/// The request curl sends for `words` (`curl` first), if it names a URL.
fn request<'a>(words: &[Word<'a>], input: &'a [u8]) -> Option<Head<'a>> {
    let curl = &words[0];
    let mut url = None;
    let mut method = None;
    let mut sends_data = None;
    let mut fields: Vec<(Field<'a>, Field<'a>, Span)> = Vec::new();
    let mut rest = words[1..].iter();
    while let Some(word) = rest.next() {
        let text = word.text();
        if let Some(value) = text.strip_prefix("-H").filter(|v| !v.is_empty() && !text.starts_with("--")) {
            // `-H'Name: value'`: the value joined to the option.
            let at = text.len() - value.len();
            fields.extend(header(word, at));
            continue;
        }
        let Some(&(option, sets)) = WITH_VALUE.iter().find(|(o, _)| *o == text) else {
            if !text.starts_with('-') && url.is_none() {
                url = Some(word);
            }
            continue;
        };
        let Some(value) = rest.next() else { break };
        match (option, sets) {
            ("-H" | "--header", _) => fields.extend(header(value, 0)),
            ("-X" | "--request", _) => method = Some(value.field.clone()),
            ("--url", _) => url = Some(value),
            ("-b" | "--cookie", _) if !value.text().contains('=') => {} // a cookie file
            (_, Some(name)) => {
                let name = Field { text: Cow::Borrowed(name), span: word.field.span, line: word.field.line };
                fields.push((name, value.field.clone(), (word.field.span.0, value.field.span.1)));
            }
            _ if DATA.contains(&option) => sends_data = Some(word),
            _ => {}
        }
    }
    let url = url?;
    let (authority, target) = split_url(url);
    let implied = |text: &'static str, at: &Word<'a>| Field { text: Cow::Borrowed(text), ..at.field.clone() };
    let mut head = Head::new(Kind::Request, curl.field.span.0, curl.field.line);
    head.method =
        Some(method.unwrap_or_else(|| implied(if sends_data.is_some() { "POST" } else { "GET" }, curl)));
    head.target = Some(target);
    head.version = Some(implied("HTTP/1.1", curl));
    if !fields.iter().any(|(name, _, _)| name.as_str().eq_ignore_ascii_case("host")) {
        let name = Field { text: Cow::Borrowed("Host"), ..authority.clone() };
        let span = authority.span;
        head.push_header(name, authority, span);
    }
    for (name, value, span) in fields {
        head.push_header(name, value, span);
    }
    let end = words.last().map_or(curl.field.span.1, |w| w.field.span.1);
    head.span = (curl.field.span.0, end.min(input.len()));
    Some(head)
}

/// A `-H` value from byte `at` of `word`: `Name: value` (leading blanks of the
/// value dropped, as curl does), or `Name;` for an empty value. `Name:` alone
/// removes one of curl's own fields and sends nothing.
fn header<'a>(word: &Word<'a>, at: usize) -> Option<(Field<'a>, Field<'a>, Span)> {
    let text = &word.text()[at..];
    let (name_end, value_start) = match text.find(':') {
        Some(colon) => {
            let blanks = text[colon + 1..].len() - text[colon + 1..].trim_start_matches([' ', '\t']).len();
            (colon, colon + 1 + blanks)
        }
        None => (text.strip_suffix(';')?.len(), text.len()),
    };
    if text.contains(':') && value_start == text.len() {
        return None;
    }
    let name = word.part(at, at + name_end);
    let value = word.part(at + value_start, at + text.len());
    let span = (name.span.0, value.span.1.max(name.span.1));
    Some((name, value, span))
}

/// The authority (`Host` as curl sends it: no userinfo, no default port) and
/// the target (path and query, `/` when empty; no fragment) of a URL word.
fn split_url<'a>(url: &Word<'a>) -> (Field<'a>, Field<'a>) {
    let text = url.text();
    let uri = head::split_uri(text);
    // curl's default scheme is http.
    let scheme = uri.scheme.map_or("http", |s| &text[s]);
    let (after, end) = (uri.authority.start, uri.authority.end);
    let host_start = text[after..end].rfind('@').map_or(after, |i| after + i + 1);
    let default_port = match scheme.to_ascii_lowercase().as_str() {
        "http" | "ws" => ":80",
        "https" | "wss" => ":443",
        _ => "",
    };
    let host_end = if !default_port.is_empty() && text[host_start..end].ends_with(default_port) {
        end - default_port.len()
    } else {
        end
    };
    let authority = url.part(host_start, host_end);
    let mut target = url.part(uri.path_and_query.start, uri.path_and_query.end);
    // `?q` with no path, or nothing: curl sends `/` before it.
    if let Cow::Owned(path) = head::origin_form(&target.text) {
        target.text = Cow::Owned(path);
    }
    (authority, target)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What DevTools' "Copy as cURL (bash)" gives for a WebSocket.
    const DEVTOOLS: &str = "curl 'wss://example.com/chat?room=1' \\\n  -H 'Upgrade: websocket' \\\n  -H 'Origin: https://example.com' \\\n  -H 'Cache-Control: no-cache' \\\n  -H 'Connection: Upgrade' \\\n  -H 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==' \\\n  -H 'Sec-WebSocket-Version: 13' \\\n  -H 'Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits'\n";

    fn only_request(input: &str) -> Head<'_> {
        let mut ex = parse(input.as_bytes());
        assert_eq!(ex.len(), 1, "{input}");
        *ex.remove(0).request.unwrap()
    }

    #[test]
    fn devtools_copy_as_curl() {
        assert!(is_command(DEVTOOLS.as_bytes()));
        let req = only_request(DEVTOOLS);
        assert_eq!(req.method(), Some("GET"));
        assert_eq!(req.target(), Some("/chat?room=1"));
        assert_eq!(req.version(), Some("HTTP/1.1"));
        assert_eq!(req.header("host"), Some("example.com"));
        assert_eq!(req.header("sec-websocket-version"), Some("13"));
        let key = req.header_field("sec-websocket-key").unwrap();
        assert_eq!(&DEVTOOLS[key.value.span.0..key.value.span.1], "dGhlIHNhbXBsZSBub25jZQ==");
        assert_eq!(key.value.line, 6);
        let host = req.header_field("host").unwrap();
        assert_eq!(&DEVTOOLS[host.value.span.0..host.value.span.1], "example.com");
        assert!(req.problems.is_empty(), "{:?}", req.problems);
    }

    #[test]
    fn quotes_and_escapes() {
        let req = only_request(
            "curl -X POST \"http://h:8080/a b\" -H $'X-A: 1\\u00e9\\'' -H \"X-B: \\\"q\\\" \\$x\" -HX-C:\\ c --compressed -H 'X-D;'",
        );
        assert_eq!(req.method(), Some("POST"));
        assert_eq!(req.target(), Some("/a b"));
        assert_eq!(req.header("host"), Some("h:8080"));
        assert_eq!(req.header("x-a"), Some("1é'"));
        assert_eq!(req.header("x-b"), Some("\"q\" $x"));
        assert_eq!(req.header("x-c"), Some("c"));
        assert_eq!(req.header("x-d"), Some(""));
    }

    #[test]
    fn urls_as_curl_sends_them() {
        let host_target = |url: &str| {
            let input = format!("curl '{url}'");
            let req = only_request(&input);
            (req.header("host").unwrap().to_string(), req.target().unwrap().to_string())
        };
        assert_eq!(host_target("ws://user:pw@example.com:80"), ("example.com".into(), "/".into()));
        assert_eq!(host_target("wss://example.com:443/x#frag"), ("example.com".into(), "/x".into()));
        assert_eq!(host_target("https://example.com:8443?q=1"), ("example.com:8443".into(), "/?q=1".into()));
        assert_eq!(host_target("example.com/chat"), ("example.com".into(), "/chat".into()));
    }

    #[test]
    fn options_and_prompts() {
        // A prompt, data (POST), a Host of its own, a removed field, a cookie file.
        let req =
            only_request("$ curl -s -d x=1 -H 'Host: other' -H 'Accept:' -b jar.txt -A agent http://h/");
        assert_eq!(req.method(), Some("POST"));
        assert_eq!(req.header("host"), Some("other"));
        assert_eq!(req.header("accept"), None);
        assert_eq!(req.header("cookie"), None);
        assert_eq!(req.header("user-agent"), Some("agent"));
        // Two commands, two exchanges; a command without a URL is no request.
        assert_eq!(parse(b"curl http://a/\ncurl http://b/\ncurl -v\n").len(), 2);
        assert!(!is_command(b"curling is a sport"));
        assert!(!is_command(b"> GET / HTTP/1.1"));
    }

    #[test]
    fn spans_stay_in_the_input_with_invalid_utf8() {
        let input = b"curl 'http://h/' -H 'X-A: \x80\x80 v' -H X-B:\x80";
        let req = only_request_bytes(input);
        for field in req.headers() {
            assert!(field.name.span.1 <= input.len() && field.value.span.1 <= input.len(), "{field:?}");
            assert!(field.name.span.0 <= field.name.span.1 && field.value.span.0 <= field.value.span.1);
        }
        assert_eq!(req.header("x-a"), Some("\u{fffd}\u{fffd} v"));
    }

    fn only_request_bytes(input: &[u8]) -> Head<'_> {
        let mut ex = parse(input);
        assert_eq!(ex.len(), 1);
        *ex.remove(0).request.unwrap()
    }

    #[test]
    fn cmd_quoting_is_told_apart() {
        assert!(is_for_cmd(b"curl ^\"https://example.com/chat^\" ^\n  -H ^\"Upgrade: websocket^\""));
        assert!(!is_for_cmd(DEVTOOLS.as_bytes()));
    }

    #[test]
    fn unterminated_quotes_do_not_panic() {
        for input in
            ["curl 'http://h/", "curl \"http://h/\\", "curl $'\\u12", "curl $'\\x", "curl -H", "curl \\"]
        {
            let _ = parse(input.as_bytes());
        }
    }
}
