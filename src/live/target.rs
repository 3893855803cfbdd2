//! The URL and subprotocols typed into the panel, checked the way the
//! WebSocket constructor checks them (WHATWG WebSockets, `new WebSocket(url,
//! protocols)`), so each refusal is explained in words before the browser
//! throws. And the lab server's pairing: `?id=` on the way out, `/last?id=`
//! for the record afterwards.

/// Where a connection goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// `wss` (or `https`) rather than `ws` (or `http`).
    pub secure: bool,
    /// `host[:port]` as typed (without any user info).
    pub authority: String,
    /// The host, lower-cased; IPv6 addresses keep their brackets.
    pub host: String,
    /// The port, explicit or the scheme's default (80, 443).
    pub port: u16,
    /// Path and query, at least `/`.
    pub resource: String,
}

/// Hosts a page may read with `fetch` under the site's CSP
/// (`connect-src http://127.0.0.1:* http://localhost:*`).
const PROBE_HOSTS: [&str; 2] = ["127.0.0.1", "localhost"];

impl Target {
    /// The URL given to the constructor (http and https written as ws and wss,
    /// as the constructor maps them).
    pub fn url(&self) -> String {
        format!("{}://{}{}", if self.secure { "wss" } else { "ws" }, self.authority, self.resource)
    }

    /// `http(s)://host:port`, where the lab answers plain HTTP.
    pub fn http_origin(&self) -> String {
        format!("{}://{}", if self.secure { "https" } else { "http" }, self.authority)
    }

    /// The path, without the query.
    pub fn path(&self) -> &str {
        self.resource.split_once('?').map_or(self.resource.as_str(), |(p, _)| p)
    }

    /// The first value of query parameter `name`, as written.
    pub fn param(&self, name: &str) -> Option<&str> {
        let (_, query) = self.resource.split_once('?')?;
        query.split('&').find_map(|p| match p.split_once('=') {
            Some((n, v)) if n == name => Some(v),
            None if p == name => Some(""),
            _ => None,
        })
    }

    /// This machine: `localhost`, `127.x.x.x` or `[::1]`.
    pub fn is_loopback(&self) -> bool {
        is_loopback_host(&self.host)
    }

    /// `http://host:port/`, where a lab server describes itself, when the
    /// page may ask (plain ws:// to 127.0.0.1 or localhost).
    pub fn probe_url(&self) -> Option<String> {
        (!self.secure && PROBE_HOSTS.contains(&self.host.as_str()))
            .then(|| format!("{}/", self.http_origin()))
    }

    /// The same target carrying `?id=`, so the lab keeps its record under
    /// that id; a usable `id` already in the URL is kept. Returns the id used.
    pub fn with_id(&self, fresh: &str) -> (Target, String) {
        if let Some(id) = self.param("id").filter(|id| is_lab_id(id)) {
            return (self.clone(), id.to_string());
        }
        // An unusable id is replaced, so the lab sees exactly one.
        let (path, query) = self.resource.split_once('?').unwrap_or((&self.resource, ""));
        let mut resource = path.to_string();
        let mut sep = '?';
        for param in query.split('&').filter(|p| !p.is_empty() && *p != "id" && !p.starts_with("id=")) {
            resource.push(sep);
            resource.push_str(param);
            sep = '&';
        }
        resource.push_str(&format!("{sep}id={fresh}"));
        (Target { resource, ..self.clone() }, fresh.to_string())
    }

    /// Where the lab serves the record of the handshake that carried `id`.
    pub fn record_url(&self, id: &str) -> String {
        format!("{}/last?id={id}", self.http_origin())
    }
}

/// `localhost`, `*.localhost`, `127.x.x.x` or `[::1]` (lower-case).
pub fn is_loopback_host(host: &str) -> bool {
    host == "localhost"
        || host.ends_with(".localhost")
        || host == "[::1]"
        || host.strip_prefix("127.").is_some_and(|rest| {
            rest.split('.').count() == 3 && rest.split('.').all(|n| n.parse::<u8>().is_ok())
        })
}

/// What to say when a connection to `target` failed and the browser said
/// only 1006; `page_origin` is this page's, e.g. `https://example.github.io`.
pub fn failure_hint(target: &Target, page_origin: &str) -> String {
    let mut hint = String::from(
        "A browser never tells a page why a connection failed: a refused connection, a failed DNS lookup or TLS handshake, and a handshake answered without 101 all end in 1006.",
    );
    let page_host = page_origin.split_once("://").map_or(page_origin, |(_, rest)| rest);
    let page_host = match page_host.strip_prefix('[') {
        Some(v6) => format!("[{}]", v6.split(']').next().unwrap_or_default()),
        None => page_host.split(':').next().unwrap_or_default().to_ascii_lowercase(),
    };
    if target.is_loopback() && !is_loopback_host(&page_host) {
        hint.push_str(
            " This page does not come from this machine, so Chromium lets it reach 127.0.0.1 or localhost only with your permission (local network access); declined or blocked, the connection fails the same way.",
        );
    }
    if target.probe_url().is_some() {
        hint.push_str(&format!(
            " If a lab server runs there, start it with --allow-origin {page_origin} so this page can read its records and show both sides of the handshake."
        ));
    } else {
        hint.push_str(&format!(
            " Connect to a lab server (cargo run -p handshake-lab, then {}) to see what the server received and answered.",
            handshake::lab::ECHO_URL
        ));
    }
    hint
}

/// The ids the lab accepts: 1-64 of `A-Z a-z 0-9 - _ . ~`.
pub fn is_lab_id(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~'))
}

/// A fresh id for `?id=` from random bytes: 16 hex digits.
pub fn new_id(random: [u8; 8]) -> String {
    super::hex::format(&random, 8).replace(' ', "")
}

/// Reads the typed URL as the constructor would, refusing what it refuses
/// (and a relative URL, which it would resolve against this page: almost
/// never what was meant). `page_secure`: the page itself came over https.
pub fn parse(text: &str, page_secure: bool) -> Result<Target, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err(format!(
            "Type a WebSocket URL first, such as wss://echo.websocket.org or {}.",
            handshake::lab::ECHO_URL
        ));
    }
    let scheme_end = text.find(':').filter(|&i| {
        let scheme = &text[..i];
        scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
    });
    let Some(scheme_end) = scheme_end else {
        return Err(format!(
            "{text:?} has no scheme, so the browser would read it relative to this page. A WebSocket URL starts with ws:// or wss://: did you mean wss://{}?",
            text.trim_start_matches('/')
        ));
    };
    let scheme = text[..scheme_end].to_ascii_lowercase();
    let rest = &text[scheme_end + 1..];
    let secure = match scheme.as_str() {
        "ws" | "http" => false,
        "wss" | "https" => true,
        _ if rest.starts_with(|c: char| c.is_ascii_digit()) => {
            return Err(format!(
                "{text:?} has no scheme: the browser reads {:?} as one. Did you mean ws://{text}?",
                &text[..=scheme_end]
            ));
        }
        _ => {
            return Err(format!(
                "The scheme {:?} is not allowed: the constructor takes ws:// and wss:// (and http:// and https://, which it maps to them).",
                &text[..=scheme_end]
            ));
        }
    };
    if let Some((_, fragment)) = rest.split_once('#') {
        return Err(format!(
            "WebSocket URLs cannot carry a fragment (#{fragment}): a fragment never reaches the server, so the constructor refuses it. Remove the # and what follows."
        ));
    }
    let rest = rest.trim_start_matches(['/', '\\']);
    let authority_end = rest.find(['/', '?', '\\']).unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    let authority = authority.rsplit_once('@').map_or(authority, |(_, a)| a);
    let (host, port) = match authority.strip_prefix('[') {
        Some(v6) => match v6.split_once(']') {
            Some((addr, after)) => (format!("[{}]", addr.to_ascii_lowercase()), after.strip_prefix(':')),
            None => {
                return Err(format!(
                    "The host {authority:?} opens a [ for an IPv6 address but never closes it."
                ));
            }
        },
        None => match authority.rsplit_once(':') {
            Some((h, p)) => (h.to_ascii_lowercase(), Some(p)),
            None => (authority.to_ascii_lowercase(), None),
        },
    };
    if host.is_empty() || host == "[]" {
        return Err(format!(
            "{text:?} names no host: after {}:// comes the server's name or address.",
            scheme
        ));
    }
    let default_port = if secure { 443 } else { 80 };
    let port = match port {
        None | Some("") => default_port,
        Some(p) => match p.parse::<u16>() {
            Ok(n) if p.bytes().all(|b| b.is_ascii_digit()) => n,
            _ => return Err(format!("The port {p:?} is not a number from 0 to 65535.")),
        },
    };
    let mut resource = rest[authority_end..].replace('\\', "/");
    if !resource.starts_with('/') {
        resource.insert(0, '/');
    }
    let target = Target { secure, authority: authority.to_string(), host, port, resource };
    if page_secure && !secure && !target.is_loopback() {
        return Err(format!(
            "This page was loaded over https, so the browser refuses an unencrypted ws:// connection to {} (mixed content). Use wss://{}{}.",
            target.host, target.authority, target.resource
        ));
    }
    Ok(target)
}

/// The comma-separated subprotocols, as the constructor's list: each a token
/// (RFC 6455 §4.1: `Sec-WebSocket-Protocol` is 1#token, RFC 9110 §5.6.2), none
/// twice. Empty items (a trailing comma) are dropped.
pub fn protocols(text: &str) -> Result<Vec<String>, String> {
    let mut list: Vec<String> = Vec::new();
    for item in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        if !handshake::head::is_token(item) {
            return Err(format!(
                "{item:?} is not a valid subprotocol: a subprotocol is a token (letters, digits and !#$%&'*+-.^_`|~; no spaces, quotes or other punctuation), so the constructor refuses it."
            ));
        }
        if list.iter().any(|p| p == item) {
            return Err(format!(
                "The subprotocol {item:?} is listed twice; the constructor refuses duplicates."
            ));
        }
        list.push(item.to_string());
    }
    Ok(list)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(text: &str) -> Target {
        parse(text, false).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    #[test]
    fn reads_urls_like_the_constructor() {
        let t = ok("ws://127.0.0.1:9001/echo");
        assert_eq!(
            (t.secure, t.host.as_str(), t.port, t.resource.as_str()),
            (false, "127.0.0.1", 9001, "/echo")
        );
        assert_eq!(t.url(), "ws://127.0.0.1:9001/echo");
        let t = ok("  WSS://Echo.WebSocket.org ");
        assert_eq!(
            (t.secure, t.host.as_str(), t.port, t.resource.as_str()),
            (true, "echo.websocket.org", 443, "/")
        );
        assert_eq!(ok("https://example.com/a?b=c").url(), "wss://example.com/a?b=c");
        assert_eq!(ok("http://example.com?x").url(), "ws://example.com/?x");
        assert_eq!(ok("ws://[::1]:8080/").host, "[::1]");
        assert_eq!(ok("ws://user:pw@host:1/").authority, "host:1");
        assert_eq!(ok("ws://h:/").port, 80);
    }

    #[test]
    fn explains_what_the_constructor_refuses() {
        let err = |text: &str| parse(text, false).unwrap_err();
        assert!(err("").contains("Type a WebSocket URL"));
        assert!(err("ws://h/echo#top").contains("fragment (#top)"));
        assert!(err("ftp://h/").contains("\"ftp:\" is not allowed"));
        assert!(err("echo.websocket.org").contains("did you mean wss://echo.websocket.org?"));
        assert!(err("/echo").contains("no scheme"));
        assert!(err("localhost:9001/echo").contains("Did you mean ws://localhost:9001/echo?"));
        assert!(err("ws://h:99999/").contains("\"99999\" is not a number"));
        assert!(err("ws://h:8o/").contains("\"8o\""));
        assert!(err("ws://").contains("names no host"));
        assert!(err("ws://:80/").contains("names no host"));
        // As the URL standard reads it: extra slashes before the host are skipped.
        assert_eq!(ok("ws:///path").host, "path");
        assert!(err("ws://[::1/").contains("never closes"));
    }

    #[test]
    fn mixed_content_from_an_https_page() {
        let e = parse("ws://example.com/chat", true).unwrap_err();
        assert!(e.contains("mixed content") && e.contains("wss://example.com/chat"), "{e}");
        assert!(parse("wss://example.com/chat", true).is_ok());
        // Loopback is potentially trustworthy: browsers let it through.
        assert!(parse("ws://127.0.0.1:9001/echo", true).is_ok());
        assert!(parse("ws://localhost:9001/echo", true).is_ok());
    }

    #[test]
    fn loopback_and_probe() {
        assert!(ok("ws://127.0.0.1/").is_loopback());
        assert!(ok("ws://127.1.2.3/").is_loopback());
        assert!(ok("ws://localhost/").is_loopback());
        assert!(ok("ws://[::1]/").is_loopback());
        assert!(!ok("ws://127.0.0.1.example/").is_loopback());
        assert!(!ok("ws://example.com/").is_loopback());
        assert_eq!(ok("ws://127.0.0.1:9001/echo").probe_url().as_deref(), Some("http://127.0.0.1:9001/"));
        assert_eq!(ok("ws://localhost/echo").probe_url().as_deref(), Some("http://localhost/"));
        assert_eq!(ok("wss://127.0.0.1:9001/echo").probe_url(), None);
        assert_eq!(ok("ws://example.com/").probe_url(), None);
    }

    #[test]
    fn hints_for_a_failure() {
        let local = ok("ws://127.0.0.1:9001/echo");
        let from_web = failure_hint(&local, "https://someone.github.io");
        assert!(from_web.contains("local network access"), "{from_web}");
        assert!(from_web.contains("--allow-origin https://someone.github.io"), "{from_web}");
        let from_here = failure_hint(&local, "http://127.0.0.1:8080");
        assert!(
            !from_here.contains("local network access") && from_here.contains("--allow-origin"),
            "{from_here}"
        );
        assert!(!failure_hint(&local, "http://[::1]:8080").contains("local network access"));
        assert!(!failure_hint(&local, "http://localhost:8080").contains("local network access"));
        let remote = failure_hint(&ok("wss://example.com/"), "https://someone.github.io");
        assert!(remote.contains("1006") && remote.contains("cargo run -p handshake-lab"), "{remote}");
        assert!(!remote.contains("local network access"));
    }

    #[test]
    fn pairs_with_the_lab() {
        let t = ok("ws://127.0.0.1:9001/echo");
        let (paired, id) = t.with_id("0a1b");
        assert_eq!((paired.url().as_str(), id.as_str()), ("ws://127.0.0.1:9001/echo?id=0a1b", "0a1b"));
        assert_eq!(paired.record_url(&id), "http://127.0.0.1:9001/last?id=0a1b");
        assert_eq!(paired.path(), "/echo");
        let (paired, id) = ok("ws://127.0.0.1:9001/echo?x=1&id=mine").with_id("0a1b");
        assert_eq!((paired.url().as_str(), id.as_str()), ("ws://127.0.0.1:9001/echo?x=1&id=mine", "mine"));
        let (paired, _) = ok("ws://127.0.0.1:9001/echo?x=1&id=not%20ok").with_id("ff");
        assert_eq!(paired.resource, "/echo?x=1&id=ff");
        assert_eq!(new_id([0, 1, 2, 3, 0xfc, 0xfd, 0xfe, 0xff]), "00010203fcfdfeff");
        assert!(is_lab_id(&new_id([9; 8])));
        assert!(!is_lab_id("") && !is_lab_id(&"a".repeat(65)) && !is_lab_id("a b"));
    }

    #[test]
    fn subprotocols() {
        assert_eq!(protocols(""), Ok(vec![]));
        assert_eq!(protocols(" chat , superchat, "), Ok(vec!["chat".to_string(), "superchat".to_string()]));
        assert_eq!(protocols("a, A"), Ok(vec!["a".to_string(), "A".to_string()]));
        assert!(protocols("chat, chat").unwrap_err().contains("listed twice"));
        assert!(protocols("a b").unwrap_err().contains("not a valid subprotocol"));
        assert!(protocols("é").unwrap_err().contains("token"));
    }
}
