//! Good and broken captures for the web UI's examples menu, covering the
//! tester's checklist of the seed article. Each lists the error and warning
//! rules it must fire, and a test holds it to exactly those.

/// One example capture.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Example {
    /// Stable id (for URLs).
    pub id: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    pub text: &'static str,
    /// The error and warning rule ids it fires, exactly.
    pub expect: &'static [&'static str],
}

/// Every example, the clean one first.
pub static EXAMPLES: &[Example] = &[
    Example {
        id: "clean-browser",
        title: "A clean browser handshake",
        description: "What Chromium sends and a correct server answers: 101, the right accept, permessage-deflate negotiated.",
        text: "GET /chat HTTP/1.1\r\n\
Host: example.com\r\n\
Connection: Upgrade\r\n\
Pragma: no-cache\r\n\
Cache-Control: no-cache\r\n\
User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36\r\n\
Upgrade: websocket\r\n\
Origin: https://example.com\r\n\
Sec-WebSocket-Version: 13\r\n\
Accept-Encoding: gzip, deflate, br, zstd\r\n\
Accept-Language: en-US,en;q=0.9\r\n\
Sec-WebSocket-Key: x3JJHMbDL1EzLkh9GBhXDw==\r\n\
Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n\
\r\n\
HTTP/1.1 101 Switching Protocols\r\n\
Upgrade: websocket\r\n\
Connection: Upgrade\r\n\
Sec-WebSocket-Accept: HSmrc0sMlYUkAGmm5OPpG2HaGWk=\r\n\
Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits=15\r\n\
\r\n",
        expect: &[],
    },
    Example {
        id: "missing-upgrade-headers",
        title: "Missing upgrade headers (426)",
        description: "A plain GET to a WebSocket endpoint: no Upgrade, no Connection. The checklist expects 400 or 426; this server answers 426 and says what to upgrade to.",
        text: "GET /chat HTTP/1.1\r\n\
Host: example.com\r\n\
Origin: https://example.com\r\n\
Sec-WebSocket-Key: x3JJHMbDL1EzLkh9GBhXDw==\r\n\
Sec-WebSocket-Version: 13\r\n\
\r\n\
HTTP/1.1 426 Upgrade Required\r\n\
Upgrade: websocket\r\n\
Connection: Upgrade\r\n\
Content-Length: 0\r\n\
\r\n",
        expect: &["req.upgrade", "req.connection", "res.status"],
    },
    Example {
        id: "unsupported-version",
        title: "Unsupported version (426 with Sec-WebSocket-Version)",
        description: "The client speaks draft version 8; the server refuses with 426 and lists the version it supports, as RFC 6455 §4.2.2 requires.",
        text: "GET /chat HTTP/1.1\r\n\
Host: example.com\r\n\
Upgrade: websocket\r\n\
Connection: Upgrade\r\n\
Origin: https://example.com\r\n\
Sec-WebSocket-Key: x3JJHMbDL1EzLkh9GBhXDw==\r\n\
Sec-WebSocket-Version: 8\r\n\
\r\n\
HTTP/1.1 426 Upgrade Required\r\n\
Upgrade: websocket\r\n\
Sec-WebSocket-Version: 13\r\n\
Content-Length: 0\r\n\
\r\n",
        expect: &["req.version.unsupported", "res.status"],
    },
    Example {
        id: "refused-origin",
        title: "Refused origin (403)",
        description: "A well-formed handshake from a page the server does not trust: it refuses the upgrade with 403 Forbidden.",
        text: "GET /chat HTTP/1.1\r\n\
Host: example.com\r\n\
Upgrade: websocket\r\n\
Connection: Upgrade\r\n\
Origin: https://evil.example\r\n\
Sec-WebSocket-Key: x3JJHMbDL1EzLkh9GBhXDw==\r\n\
Sec-WebSocket-Version: 13\r\n\
\r\n\
HTTP/1.1 403 Forbidden\r\n\
Content-Type: text/plain\r\n\
Content-Length: 16\r\n\
\r\n",
        expect: &["res.status"],
    },
    Example {
        id: "unknown-path",
        title: "Unknown path (404)",
        description: "The handshake is fine but nothing serves WebSockets at /chatt: 404 Not Found.",
        text: "GET /chatt HTTP/1.1\r\n\
Host: example.com\r\n\
Upgrade: websocket\r\n\
Connection: Upgrade\r\n\
Origin: https://example.com\r\n\
Sec-WebSocket-Key: x3JJHMbDL1EzLkh9GBhXDw==\r\n\
Sec-WebSocket-Version: 13\r\n\
\r\n\
HTTP/1.1 404 Not Found\r\n\
Content-Length: 0\r\n\
\r\n",
        expect: &["res.status"],
    },
    Example {
        id: "wrong-accept",
        title: "A wrong Sec-WebSocket-Accept",
        description: "The server answers 101 but its accept value is not base64(SHA-1(key + GUID)) of this key (here: the placeholder from the seed article). Browsers fail the connection.",
        text: "GET /chat HTTP/1.1\r\n\
Host: example.com\r\n\
Upgrade: websocket\r\n\
Connection: Upgrade\r\n\
Origin: https://example.com\r\n\
Sec-WebSocket-Key: x3JJHMbDL1EzLkh9GBhXDw==\r\n\
Sec-WebSocket-Version: 13\r\n\
\r\n\
HTTP/1.1 101 Switching Protocols\r\n\
Upgrade: websocket\r\n\
Connection: Upgrade\r\n\
Sec-WebSocket-Accept: xyz456==\r\n\
\r\n",
        expect: &["res.accept.mismatch"],
    },
    Example {
        id: "protocol-not-offered",
        title: "A subprotocol the client never offered",
        description: "The client asks for chat.v1 or chat.v2; the server picks graphql-ws. The client must fail the connection.",
        text: "GET /chat HTTP/1.1\r\n\
Host: example.com\r\n\
Upgrade: websocket\r\n\
Connection: Upgrade\r\n\
Origin: https://example.com\r\n\
Sec-WebSocket-Key: x3JJHMbDL1EzLkh9GBhXDw==\r\n\
Sec-WebSocket-Version: 13\r\n\
Sec-WebSocket-Protocol: chat.v1, chat.v2\r\n\
\r\n\
HTTP/1.1 101 Switching Protocols\r\n\
Upgrade: websocket\r\n\
Connection: Upgrade\r\n\
Sec-WebSocket-Accept: HSmrc0sMlYUkAGmm5OPpG2HaGWk=\r\n\
Sec-WebSocket-Protocol: graphql-ws\r\n\
\r\n",
        expect: &["res.protocol.not-offered"],
    },
    Example {
        id: "method-not-allowed",
        title: "POST instead of GET (405)",
        description: "The handshake must be a GET. The server answers 405 but forgets the Allow header RFC 9110 requires.",
        text: "POST /chat HTTP/1.1\r\n\
Host: example.com\r\n\
Upgrade: websocket\r\n\
Connection: Upgrade\r\n\
Origin: https://example.com\r\n\
Sec-WebSocket-Key: x3JJHMbDL1EzLkh9GBhXDw==\r\n\
Sec-WebSocket-Version: 13\r\n\
\r\n\
HTTP/1.1 405 Method Not Allowed\r\n\
Content-Length: 0\r\n\
\r\n",
        expect: &["req.method", "res.status", "res.405.allow"],
    },
    Example {
        id: "curl-verbose",
        title: "A curl -v capture",
        description: "curl 8 speaks WebSockets: `curl -v ws://localhost:8080/echo`. It sends no Origin, so a server that checks origins treats it as a non-browser client.",
        text: "*   Trying 127.0.0.1:8080...\n\
* Connected to localhost (127.0.0.1) port 8080\n\
> GET /echo HTTP/1.1\n\
> Host: localhost:8080\n\
> User-Agent: curl/8.5.0\n\
> Accept: */*\n\
> Upgrade: websocket\n\
> Sec-WebSocket-Version: 13\n\
> Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\n\
> Connection: Upgrade\n\
>\n\
< HTTP/1.1 101 Switching Protocols\n\
< Upgrade: websocket\n\
< Connection: Upgrade\n\
< Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\n\
<\n\
* Received 101, Switching to WebSocket\n",
        expect: &["req.origin.missing"],
    },
    Example {
        id: "har",
        title: "A small HAR file",
        description: "Exported from DevTools' Network panel: the page load is skipped, the WebSocket entry is linted.",
        text: r#"{
  "log": {
    "version": "1.2",
    "creator": {"name": "WebInspector", "version": "537.36"},
    "entries": [
      {
        "_resourceType": "document",
        "request": {"method": "GET", "url": "https://example.com/", "httpVersion": "HTTP/1.1",
          "headers": [{"name": "Host", "value": "example.com"}]},
        "response": {"status": 200, "statusText": "OK", "httpVersion": "HTTP/1.1",
          "headers": [{"name": "Content-Type", "value": "text/html"}]}
      },
      {
        "_resourceType": "websocket",
        "request": {
          "method": "GET",
          "url": "wss://example.com/chat",
          "httpVersion": "HTTP/1.1",
          "headers": [
            {"name": "Host", "value": "example.com"},
            {"name": "Connection", "value": "Upgrade"},
            {"name": "Upgrade", "value": "websocket"},
            {"name": "Origin", "value": "https://example.com"},
            {"name": "Sec-WebSocket-Version", "value": "13"},
            {"name": "Sec-WebSocket-Key", "value": "AQIDBAUGBwgJCgsMDQ4PEA=="},
            {"name": "Sec-WebSocket-Extensions", "value": "permessage-deflate; client_max_window_bits"}
          ]
        },
        "response": {
          "status": 101,
          "statusText": "Switching Protocols",
          "httpVersion": "HTTP/1.1",
          "headers": [
            {"name": "Upgrade", "value": "websocket"},
            {"name": "Connection", "value": "Upgrade"},
            {"name": "Sec-WebSocket-Accept", "value": "C/0nmHhBztSRGR1CwL6Tf4ZjwpY="}
          ]
        }
      }
    ]
  }
}
"#,
        expect: &[],
    },
    Example {
        id: "devtools-copy",
        title: "Headers copied from DevTools",
        description: "Chromium's Headers tab, copied as text: the response headers come first and there are no start lines; the General section gives the method, URL and status.",
        text: "General\n\
Request URL: wss://example.com/chat\n\
Request Method: GET\n\
Status Code: 101 Switching Protocols\n\
\n\
Response Headers\n\
Connection: Upgrade\n\
Sec-WebSocket-Accept: HSmrc0sMlYUkAGmm5OPpG2HaGWk=\n\
Upgrade: websocket\n\
\n\
Request Headers\n\
Connection: Upgrade\n\
Host: example.com\n\
Origin: https://example.com\n\
Sec-WebSocket-Key: x3JJHMbDL1EzLkh9GBhXDw==\n\
Sec-WebSocket-Version: 13\n\
Upgrade: websocket\n",
        expect: &[],
    },
    Example {
        id: "copy-as-curl",
        title: "A curl command (Copy as cURL)",
        description: "DevTools' \"Copy as cURL\" on a WebSocket request: the linter reads the request the command sends, Host taken from the URL as curl adds it.",
        text: "curl 'wss://example.com/chat' \\\n  \
-H 'Upgrade: websocket' \\\n  \
-H 'Origin: https://example.com' \\\n  \
-H 'Cache-Control: no-cache' \\\n  \
-H 'Accept-Language: en-GB,en;q=0.9' \\\n  \
-H 'Pragma: no-cache' \\\n  \
-H 'Connection: Upgrade' \\\n  \
-H 'Sec-WebSocket-Key: x3JJHMbDL1EzLkh9GBhXDw==' \\\n  \
-H 'User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36' \\\n  \
-H 'Sec-WebSocket-Version: 13' \\\n  \
-H 'Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits'\n",
        expect: &[],
    },
    Example {
        id: "h2-extended-connect",
        title: "HTTP/2 extended CONNECT",
        description: "RFC 8441: over HTTP/2 the handshake is a CONNECT with :protocol websocket, and success is 200, not 101. No key, no accept.",
        text: ":method: CONNECT\n\
:protocol: websocket\n\
:scheme: https\n\
:path: /chat\n\
:authority: example.com\n\
sec-websocket-version: 13\n\
origin: https://example.com\n\
sec-websocket-protocol: chat\n\
\n\
:status: 200\n\
sec-websocket-protocol: chat\n",
        expect: &[],
    },
    Example {
        id: "proxy-upgrade-dropped",
        title: "nginx drops the upgrade (426 through a proxy)",
        description: "Real `curl -v URL 2>&1` through nginx 1.22 in front of the lab, with `proxy_set_header Upgrade` and `Connection` left out: Upgrade and Connection are hop-by-hop, so the server sees a plain GET and its 426 comes back through nginx, with its reason as the body.",
        text: include_str!("capture/testdata/nginx-426-v.txt"),
        expect: &["res.status", "proxy.upgrade-dropped"],
    },
    Example {
        id: "proxy-http-1.0",
        title: "nginx speaks HTTP/1.0 to the server (400 through a proxy)",
        description: "Real `curl -v URL 2>&1` through nginx 1.22 without `proxy_http_version 1.1`: nginx forwards the upgrade over HTTP/1.0, which cannot upgrade, and the lab's 400 comes back.",
        text: include_str!("capture/testdata/nginx-400-v.txt"),
        expect: &["res.status", "proxy.upgrade-dropped"],
    },
    Example {
        id: "proxy-bad-gateway",
        title: "nginx cannot reach the server (502)",
        description: "Real `curl -v URL 2>&1` through nginx 1.22 pointing at a closed port: its 502 page, written by curl after the trace, is the response's body, not a second exchange.",
        text: include_str!("capture/testdata/nginx-502-v.txt"),
        expect: &["req.origin.missing", "res.status", "proxy.bad-gateway"],
    },
    Example {
        id: "proxy-no-server",
        title: "HAProxy has no server to send to (503)",
        description: "Real `curl -v URL 2>&1` through HAProxy 2.6 whose only server is down: a 503 signed only by its error page, and curl's progress meter on the status line.",
        text: include_str!("capture/testdata/haproxy-503-v.txt"),
        expect: &["req.origin.missing", "res.status", "proxy.bad-gateway"],
    },
];

/// The example with this id.
pub fn example(id: &str) -> Option<&'static Example> {
    EXAMPLES.iter().find(|e| e.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Severity, lint, rules};

    #[test]
    fn each_example_fires_exactly_its_rules() {
        for ex in EXAMPLES {
            let lint = lint(ex.text.as_bytes()).unwrap_or_else(|e| panic!("{}: {e}", ex.id));
            let mut fired: Vec<&str> = lint
                .exchanges
                .iter()
                .flat_map(|e| &e.findings)
                .filter(|f| f.severity != Severity::Info)
                .map(|f| f.rule.id)
                .collect();
            fired.sort_unstable();
            fired.dedup();
            let mut expect = ex.expect.to_vec();
            expect.sort_unstable();
            assert_eq!(fired, expect, "{}", ex.id);
            assert!(expect.iter().all(|id| rules::rule(id).is_some()));
        }
    }

    #[test]
    fn formats_and_ids() {
        let format = |id| lint(example(id).unwrap().text.as_bytes()).unwrap().format.as_str();
        assert_eq!(format("clean-browser"), "raw");
        assert_eq!(format("curl-verbose"), "curl");
        assert_eq!(format("har"), "har");
        assert_eq!(format("devtools-copy"), "devtools");
        assert_eq!(format("copy-as-curl"), "curl-command");
        assert_eq!(format("h2-extended-connect"), "h2");
        for (i, ex) in EXAMPLES.iter().enumerate() {
            assert!(EXAMPLES[..i].iter().all(|e| e.id != ex.id));
        }
        let har = lint(example("har").unwrap().text.as_bytes()).unwrap();
        assert_eq!(har.skipped, 1);
        assert_eq!(har.exchanges[0].verdict.browser_accepts, Some(true));
    }
}
