//! One function per header grammar of the handshake (RFC 9110 §5.6 lists,
//! RFC 6455 §4.3 and §9.1), with a `build_*` inverse where the corrected
//! capture needs one. Parsers borrow the value and report the byte offset (in
//! the value) of the first thing that does not fit the grammar.

use std::borrow::Cow;

use crate::head::{self, find_byte, is_ows, is_tchar, is_token, tchar_len};

/// Where and why a value does not fit its grammar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GrammarError {
    /// Byte offset in the value.
    pub offset: usize,
    pub expected: &'static str,
}

impl GrammarError {
    pub fn message(&self, header: &str) -> String {
        format!("{header}: expected {} at character {}", self.expected, self.offset + 1)
    }
}

/// The elements of an RFC 9110 §5.6.1 list (`#element`): split on commas
/// (outside quoted strings), trimmed of OWS, empty elements skipped as
/// recipients must. Yields each element with its offset in the value.
pub fn list_elements(value: &str) -> ListElements<'_> {
    // A single token (the common case) is its own only element; a token has
    // no `"` either.
    let single = !value.is_empty() && tchar_len(value.as_bytes()) == value.len();
    let has_quote = !single && find_byte(value.as_bytes(), b'"').is_some();
    ListElements { value, pos: 0, has_quote, single }
}

/// Where the element (or parameter) starting at `start` ends: the first
/// `separator` outside a quoted string, or the end. Without any `"` in the
/// bytes there is no quoted string, so a word-at-a-time search does.
fn element_end(bytes: &[u8], start: usize, separator: u8, has_quote: bool) -> usize {
    if !has_quote {
        return find_byte(&bytes[start..], separator).map_or(bytes.len(), |p| start + p);
    }
    let mut i = start;
    let mut quoted = false;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => quoted = !quoted,
            b'\\' if quoted => i += 1,
            b if b == separator && !quoted => break,
            _ => {}
        }
        i += 1;
    }
    i.min(bytes.len())
}

/// `bytes` without leading and trailing space and tab: (leading count, rest).
fn trim_ows(s: &str) -> (usize, &str) {
    let (lead, trimmed) = head::trim_ows(s.as_bytes());
    // Space and tab are ASCII, so these are character boundaries.
    (lead, &s[lead..lead + trimmed.len()])
}

/// Iterator; see [`list_elements`].
#[derive(Debug, Clone)]
pub struct ListElements<'a> {
    value: &'a str,
    pos: usize,
    /// Whether `value` has a `"` at all (otherwise no quoted strings).
    has_quote: bool,
    /// Whether `value` is one token, not yet returned.
    single: bool,
}

impl<'a> Iterator for ListElements<'a> {
    type Item = (usize, &'a str);

    fn next(&mut self) -> Option<(usize, &'a str)> {
        let bytes = self.value.as_bytes();
        if self.single {
            self.single = false;
            self.pos = bytes.len() + 1;
            return Some((0, self.value));
        }
        loop {
            if self.pos > bytes.len() {
                return None;
            }
            let start = self.pos;
            let end = element_end(bytes, start, b',', self.has_quote);
            self.pos = end + 1;
            let raw = &bytes[start..end];
            let lead = raw.iter().take_while(|&&b| is_ows(b)).count();
            let trail = raw[lead..].iter().rev().take_while(|&&b| is_ows(b)).count();
            let (s, e) = (start + lead, end - trail);
            if s < e {
                return Some((s, self.value.get(s..e).unwrap_or("")));
            }
        }
    }
}

/// `1#token` (RFC 9110 §5.6.1, §5.6.2): Connection, Sec-WebSocket-Protocol.
/// Each element is a token, or an error at the first bad byte.
pub fn parse_token_list(value: &str) -> impl Iterator<Item = Result<&str, GrammarError>> {
    list_elements(value).map(|(offset, element)| match element.bytes().position(|b| !is_tchar(b)) {
        None => Ok(element),
        Some(bad) => Err(GrammarError {
            offset: offset + bad,
            expected: "a token (letters, digits or !#$%&'*+-.^_`|~) or a comma",
        }),
    })
}

/// `Connection = #connection-option` (RFC 9110 §7.6.1): whether it is a valid
/// token list, and whether it names `upgrade` (RFC 6455 §4.1: it must).
pub fn parse_connection(value: &str) -> Result<bool, GrammarError> {
    // A single token (the common case) is the whole list.
    if is_token(value) {
        return Ok(value.eq_ignore_ascii_case("upgrade"));
    }
    let mut upgrade = false;
    for token in parse_token_list(value) {
        upgrade |= token?.eq_ignore_ascii_case("upgrade");
    }
    Ok(upgrade)
}

/// `Upgrade = #protocol`, `protocol = protocol-name ["/" protocol-version]`
/// (RFC 9110 §7.8): the protocols, each split into name and optional version.
pub fn parse_upgrade(value: &str) -> impl Iterator<Item = Result<(&str, Option<&str>), GrammarError>> {
    list_elements(value).map(|(offset, element)| {
        let (name, version) = match element.split_once('/') {
            Some((n, v)) => (n, Some(v)),
            None => (element, None),
        };
        if !is_token(name) {
            let bad = name.bytes().position(|b| !is_tchar(b)).unwrap_or(0);
            return Err(GrammarError { offset: offset + bad, expected: "a protocol name token" });
        }
        if let Some(v) = version
            && !is_token(v)
        {
            return Err(GrammarError {
                offset: offset + name.len() + 1,
                expected: "a protocol version token",
            });
        }
        Ok((name, version))
    })
}

/// Whether an Upgrade value offers or confirms `websocket` (ASCII
/// case-insensitive, RFC 6455 §4.1 and §4.2.1).
pub fn upgrade_has_websocket(value: &str) -> bool {
    parse_upgrade(value).any(|p| matches!(p, Ok((name, None)) if name.eq_ignore_ascii_case("websocket")))
}

/// `Sec-WebSocket-Protocol` (RFC 6455 §4.1, §11.3.4): `1#token` of subprotocol
/// names. Same grammar as [`parse_token_list`]; named for the header.
pub fn parse_protocol_list(value: &str) -> impl Iterator<Item = Result<&str, GrammarError>> {
    parse_token_list(value)
}

/// The value of `Sec-WebSocket-Protocol` lists, comma-joined.
pub fn build_protocol_list<'a>(protocols: impl IntoIterator<Item = &'a str>) -> String {
    protocols.into_iter().collect::<Vec<_>>().join(", ")
}

/// One extension of a `Sec-WebSocket-Extensions` list (RFC 6455 §9.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extension<'a> {
    pub name: &'a str,
    /// Parameters in order, with their values unquoted.
    pub params: Vec<(&'a str, Option<Cow<'a, str>>)>,
    /// The extension as written.
    pub text: &'a str,
    /// Offset of `text` in the header value.
    pub offset: usize,
}

impl Extension<'_> {
    pub fn param(&self, name: &str) -> Option<&Option<Cow<'_, str>>> {
        self.params.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v)
    }
}

/// Unquote an RFC 9110 §5.6.4 quoted-string (with its quotes); `None` when
/// malformed.
fn unquote(s: &str) -> Option<Cow<'_, str>> {
    let inner = s.strip_prefix('"')?.strip_suffix('"')?;
    if !inner.contains('\\') {
        return (!inner.contains('"')).then_some(Cow::Borrowed(inner));
    }
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push(chars.next()?),
            '"' => return None,
            c => out.push(c),
        }
    }
    Some(Cow::Owned(out))
}

/// `Sec-WebSocket-Extensions` (RFC 6455 §9.1):
/// `extension = extension-token *( ";" extension-param )`,
/// `extension-param = token [ "=" (token | quoted-string) ]`, where a quoted
/// value must be a token once unescaped.
pub fn parse_extension_list(value: &str) -> Result<Vec<Extension<'_>>, GrammarError> {
    let mut extensions = Vec::new();
    push_extension_list(value, &mut extensions, |e| e)?;
    Ok(extensions)
}

/// [`parse_extension_list`] appending to `out`, each extension through `wrap`;
/// on an error `out` is left as it was.
pub(crate) fn push_extension_list<'a, T>(
    value: &'a str,
    out: &mut Vec<T>,
    wrap: impl Fn(Extension<'a>) -> T,
) -> Result<(), GrammarError> {
    let len = out.len();
    if plain_extension_list(value, |e| out.push(wrap(e))).is_some() {
        return Ok(());
    }
    out.truncate(len);
    out.extend(parse_any_extension_list(value)?.into_iter().map(wrap));
    Ok(())
}

/// [`parse_extension_list`] for any value: element by element, part by part.
fn parse_any_extension_list(value: &str) -> Result<Vec<Extension<'_>>, GrammarError> {
    let mut extensions = Vec::new();
    let has_quote = find_byte(value.as_bytes(), b'"').is_some();
    for (offset, text) in list_elements(value) {
        let mut parts = split_params(text, has_quote);
        let (name_at, name) = parts.next().unwrap_or((0, ""));
        if !is_token(name) {
            return Err(GrammarError { offset: offset + name_at, expected: "an extension name token" });
        }
        let mut params = Vec::new();
        for (at, part) in parts {
            let at = offset + at;
            let (pname, pvalue) = match find_byte(part.as_bytes(), b'=') {
                // `=` is ASCII: both sides are on character boundaries.
                Some(eq) => {
                    let (n, v) = (&part[..eq], &part[eq + 1..]);
                    let n_len = n.bytes().rposition(|b| !is_ows(b)).map_or(0, |p| p + 1);
                    let v_lead = v.bytes().take_while(|&b| is_ows(b)).count();
                    (&n[..n_len], Some(&v[v_lead..]))
                }
                None => (part, None),
            };
            if !is_token(pname) {
                return Err(GrammarError { offset: at, expected: "a parameter name token" });
            }
            let pvalue = match pvalue {
                None => None,
                Some(v) if v.starts_with('"') => match unquote(v) {
                    // RFC 6455 §9.1: after unescaping, the value must be a token.
                    Some(u) if is_token(&u) => Some(u),
                    _ => {
                        return Err(GrammarError {
                            offset: at + pname.len() + 1,
                            expected: "a quoted token",
                        });
                    }
                },
                Some(v) if is_token(v) => Some(Cow::Borrowed(v)),
                Some(_) => {
                    return Err(GrammarError {
                        offset: at + pname.len() + 1,
                        expected: "a parameter value token",
                    });
                }
            };
            params.push((pname, pvalue));
        }
        extensions.push(Extension { name, params, text, offset });
    }
    Ok(extensions)
}

/// [`parse_extension_list`] in one pass for the common case: tokens, OWS and
/// separators only (RFC 6455 §9.1 without a quoted string, nothing malformed). Each extension is
/// passed to `found`; `None` as soon as the list is not plain, for the
/// general parser to read (and report).
fn plain_extension_list<'a>(value: &'a str, mut found: impl FnMut(Extension<'a>)) -> Option<()> {
    let bytes = value.as_bytes();
    let skip_ows = |mut i: usize| {
        while bytes.get(i).is_some_and(|&b| is_ows(b)) {
            i += 1;
        }
        i
    };
    // The token at `i` (non-empty) and where it ends.
    let token = |i: usize| {
        let end = i + tchar_len(&bytes[i..]);
        (end > i).then(|| (&value[i..end], end))
    };
    let mut i = 0;
    loop {
        // Empty list elements are skipped (RFC 9110 §5.6.1).
        while bytes.get(i).is_some_and(|&b| is_ows(b) || b == b',') {
            i += 1;
        }
        if i == bytes.len() {
            return Some(());
        }
        let offset = i;
        let (name, mut end) = token(i)?;
        let mut params = Vec::new();
        i = skip_ows(end);
        while bytes.get(i) == Some(&b';') {
            let (pname, pname_end) = token(skip_ows(i + 1))?;
            end = pname_end;
            i = skip_ows(end);
            let mut pvalue = None;
            if bytes.get(i) == Some(&b'=') {
                let (v, v_end) = token(skip_ows(i + 1))?;
                pvalue = Some(Cow::Borrowed(v));
                end = v_end;
                i = skip_ows(end);
            }
            params.push((pname, pvalue));
        }
        if i < bytes.len() && bytes[i] != b',' {
            return None;
        }
        found(Extension { name, params, text: &value[offset..end], offset });
    }
}

/// Split an extension on `;` (outside quotes), trimmed, with offsets.
/// `has_quote`: whether the text may contain a `"`.
fn split_params(text: &str, has_quote: bool) -> impl Iterator<Item = (usize, &str)> {
    let bytes = text.as_bytes();
    let mut pos = 0;
    std::iter::from_fn(move || {
        if pos > bytes.len() {
            return None;
        }
        let start = pos;
        let end = element_end(bytes, start, b';', has_quote);
        pos = end + 1;
        let (lead, trimmed) = trim_ows(text.get(start..end).unwrap_or(""));
        Some((start + lead, trimmed))
    })
}

/// The inverse of [`parse_extension_list`] for one extension.
pub fn build_extension(name: &str, params: &[(&str, Option<Cow<'_, str>>)]) -> String {
    let mut out = name.to_string();
    for (pname, pvalue) in params {
        out.push_str("; ");
        out.push_str(pname);
        if let Some(v) = pvalue {
            out.push('=');
            out.push_str(v);
        }
    }
    out
}

/// `upgrade` -> `Upgrade`, `sec-websocket-key` -> `Sec-Websocket-Key`.
pub fn title(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper = true;
    for c in name.chars() {
        out.push(if upper { c.to_ascii_uppercase() } else { c });
        upper = c == '-';
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists() {
        let v: Vec<_> = list_elements(" a ,, b,\"c,d\" ,").collect();
        assert_eq!(v, [(1, "a"), (6, "b"), (8, "\"c,d\"")]);
        assert_eq!(list_elements("").count(), 0);
        assert_eq!(list_elements(" , ").count(), 0);
    }

    #[test]
    fn quote_free_fast_path_agrees() {
        for text in [
            "",
            ",",
            "a,b",
            " a ;b; c=1 ,",
            "x;;y",
            ";",
            "a\\,b",
            "permessage-deflate; client_max_window_bits",
        ] {
            for sep in [b',', b';'] {
                for start in 0..=text.len() {
                    assert_eq!(
                        element_end(text.as_bytes(), start, sep, false),
                        element_end(text.as_bytes(), start, sep, true),
                        "{text:?} {start}"
                    );
                }
            }
        }
    }

    #[test]
    fn connection() {
        assert_eq!(parse_connection("Upgrade"), Ok(true));
        assert_eq!(parse_connection("keep-alive, Upgrade"), Ok(true));
        assert_eq!(parse_connection("keep-alive"), Ok(false));
        assert!(parse_connection("Upgrade; x").is_err());
    }

    #[test]
    fn upgrade() {
        assert!(upgrade_has_websocket("websocket"));
        assert!(upgrade_has_websocket("WebSocket"));
        assert!(upgrade_has_websocket("h2c, websocket"));
        assert!(!upgrade_has_websocket("websocket/13"));
        assert!(!upgrade_has_websocket("web socket"));
        let v: Vec<_> = parse_upgrade("HTTP/2.0, websocket").collect();
        assert_eq!(v, [Ok(("HTTP", Some("2.0"))), Ok(("websocket", None))]);
    }

    #[test]
    fn protocols() {
        let v: Vec<_> = parse_protocol_list("chat, superchat").collect();
        assert_eq!(v, [Ok("chat"), Ok("superchat")]);
        let v: Vec<_> = parse_protocol_list("chat v2").collect();
        assert_eq!(v[0].unwrap_err().offset, 4);
        assert_eq!(build_protocol_list(["a", "b"]), "a, b");
    }

    #[test]
    fn extensions() {
        let v =
            parse_extension_list("permessage-deflate; client_max_window_bits, x-foo; a=\"1\"; b=c").unwrap();
        assert_eq!(v.len(), 2);
        assert_eq!(v[0].name, "permessage-deflate");
        assert_eq!(v[0].params, [("client_max_window_bits", None)]);
        assert_eq!(v[1].name, "x-foo");
        assert_eq!(v[1].offset, 44);
        assert_eq!(v[1].params, [("a", Some(Cow::Borrowed("1"))), ("b", Some(Cow::Borrowed("c")))]);
        assert_eq!(build_extension(v[1].name, &v[1].params), "x-foo; a=1; b=c");
        assert!(parse_extension_list("permessage-deflate; a=\"1 2\"").is_err());
        assert!(parse_extension_list("permessage deflate").is_err());
        assert!(parse_extension_list("x; =1").is_err());
        assert!(parse_extension_list("x; a=\"\\1\"").is_ok());
        assert!(parse_extension_list("").unwrap().is_empty());
    }

    /// The one-pass parser agrees with the general one wherever it answers,
    /// and answers for plain lists.
    #[test]
    fn plain_extension_lists_agree() {
        let alphabet = ["a", "b", " ", "\t", ",", ";", "=", "\"", "\\", "é"];
        let mut values = vec![String::new()];
        for _ in 0..6 {
            let longer: Vec<String> =
                values.iter().flat_map(|v| alphabet.iter().map(move |c| format!("{v}{c}"))).collect();
            for v in &longer {
                let mut plain = Vec::new();
                if plain_extension_list(v, |e| plain.push(e)).is_some() {
                    assert_eq!(Ok(plain), parse_any_extension_list(v), "{v:?}");
                }
            }
            values = longer;
        }
        for v in ["permessage-deflate; client_max_window_bits", " a ; b = c , ,d;e", "x, y; z=1"] {
            assert!(plain_extension_list(v, |_| {}).is_some(), "{v:?}");
        }
    }
}
