//! "How to simulate an upgrade": for a WebSocket URL the reader types, the
//! commands that perform the handshake and the response to expect. The page
//! only writes these commands; it never connects anywhere.

use handshake::accept;
use handshake::head::{origin_form, split_uri};

/// A WebSocket URL, taken apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// `wss` (or `https`) was asked for.
    pub secure: bool,
    /// host[:port], as written.
    pub authority: String,
    /// Path and query, at least `/`.
    pub path: String,
}

impl Target {
    /// The URL with a ws or wss scheme (as browsers map http and https).
    pub fn ws_url(&self) -> String {
        format!("{}://{}{}", if self.secure { "wss" } else { "ws" }, self.authority, self.path)
    }

    /// The same URL with an http or https scheme, for curl.
    pub fn http_url(&self) -> String {
        format!("{}://{}{}", if self.secure { "https" } else { "http" }, self.authority, self.path)
    }
}

/// Reads a WebSocket URL the way the WebSocket constructor does: ws, wss, http
/// or https; a host; no fragment.
pub fn parse_target(url: &str) -> Result<Target, String> {
    let url = url.trim();
    if url.is_empty() {
        return Err(format!("Type a WebSocket URL, such as {}.", handshake::lab::ECHO_URL));
    }
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("A URL cannot contain spaces or control characters.".into());
    }
    let uri = split_uri(url);
    let Some(scheme) = uri.scheme.map(|s| &url[s]) else {
        return Err("Start with ws:// or wss:// (http:// and https:// are read as ws:// and wss://).".into());
    };
    let secure = match scheme.to_ascii_lowercase().as_str() {
        "ws" | "http" => false,
        "wss" | "https" => true,
        _ => return Err(format!("{scheme}: is not a WebSocket scheme; use ws:// or wss://.")),
    };
    if url[uri.authority.start..].contains('#') {
        return Err("A WebSocket URL cannot have a fragment (#…): browsers refuse it (RFC 6455 §3).".into());
    }
    let authority = &url[uri.authority];
    // Credentials in a URL are not sent by browsers; keep the host only.
    let authority = authority.rsplit_once('@').map_or(authority, |(_, host)| host);
    if authority.is_empty() || authority.starts_with(':') {
        return Err("The URL has no host.".into());
    }
    if authority.contains(['<', '>', '"', '\'', '\\', '`', '{', '}', '|', '^']) {
        return Err("The host contains characters a URL cannot have there.".into());
    }
    let path = origin_form(&url[uri.path_and_query]).into_owned();
    Ok(Target { secure, authority: authority.to_string(), path })
}

/// `text` quoted for a POSIX shell.
pub fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "'\\''"))
}

/// curl performing the opening handshake by hand (any curl; it then waits on
/// the open connection).
pub fn curl(t: &Target, key: &str) -> String {
    format!(
        "curl --include --no-buffer --http1.1 \\\n  --header 'Connection: Upgrade' \\\n  --header 'Upgrade: websocket' \\\n  --header 'Sec-WebSocket-Version: 13' \\\n  --header {} \\\n  {}",
        shell_quote(&format!("Sec-WebSocket-Key: {key}")),
        shell_quote(&t.http_url())
    )
}

/// websocat, verbose so it logs the handshake.
pub fn websocat(t: &Target) -> String {
    format!("websocat -v {}", shell_quote(&t.ws_url()))
}

/// wscat (npm's `ws` command line client).
pub fn wscat(t: &Target) -> String {
    format!("wscat --connect {}", shell_quote(&t.ws_url()))
}

/// The response a correct server sends to the curl command's request.
pub fn expected_response(key: &str) -> String {
    format!(
        "HTTP/1.1 101 Switching Protocols\nUpgrade: websocket\nConnection: Upgrade\nSec-WebSocket-Accept: {}\n",
        accept::accept(key)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        let t = parse_target("ws://127.0.0.1:9001/echo?id=a").unwrap();
        assert_eq!(
            (t.secure, t.authority.as_str(), t.path.as_str()),
            (false, "127.0.0.1:9001", "/echo?id=a")
        );
        assert_eq!(t.http_url(), "http://127.0.0.1:9001/echo?id=a");
        let t = parse_target(" HTTPS://example.com ").unwrap();
        assert_eq!((t.ws_url(), t.http_url()), ("wss://example.com/".into(), "https://example.com/".into()));
        assert_eq!(parse_target("wss://user:pw@example.com?x").unwrap().ws_url(), "wss://example.com/?x");
        for bad in
            ["", "example.com", "ftp://x/", "ws://", "ws://x/#frag", "ws://a b/", "ws://:80/", "ws://<img>/"]
        {
            assert!(parse_target(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn commands_quote_what_they_are_given() {
        let t = parse_target("ws://x/it's").unwrap();
        assert_eq!(wscat(&t), "wscat --connect 'ws://x/it'\\''s'");
        assert_eq!(websocat(&t), "websocat -v 'ws://x/it'\\''s'");
        let c = curl(&t, "dGhlIHNhbXBsZSBub25jZQ==");
        assert!(c.contains("'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=='"));
        assert!(c.ends_with("'http://x/it'\\''s'"));
        assert!(expected_response("dGhlIHNhbXBsZSBub25jZQ==").contains("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="));
    }

    #[test]
    fn the_core_reads_the_curl_command_as_the_request_it_sends() {
        let t = parse_target("wss://example.com:8443/chat?room=it's").unwrap();
        let command = curl(&t, "dGhlIHNhbXBsZSBub25jZQ==");
        let lint = handshake::lint(command.as_bytes()).unwrap();
        assert_eq!(lint.format, handshake::Format::CurlCommand);
        let report = &lint.exchanges[0];
        let request = report.request.as_ref().unwrap();
        assert_eq!(request.target(), Some("/chat?room=it's"));
        assert_eq!(request.header("host"), Some("example.com:8443"));
        // It sends no Origin (a warning), and nothing is wrong with it.
        assert!(!lint.has_errors(), "{:?}", report.findings);
        assert_eq!(report.verdict.server_accepts, Some(true));
    }
}
