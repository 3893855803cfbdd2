//! Intermediaries (RFC 9110 §3.7): a reverse proxy, load balancer or CDN
//! between the client and the WebSocket server that does not pass the
//! upgrade on, or cannot reach the server behind it. Recognised by what it
//! leaves in the response: `Via`, its `Server`, a request-id field, its error
//! page; each known one comes with its own fix.

use super::Rule;
use crate::head::Head;
use crate::report::{Findings, Severity};

pub const UPGRADE_DROPPED: Rule = Rule::new(
    "proxy.upgrade-dropped",
    Severity::Error,
    "RFC 9110 §7.6.1",
    "https://www.rfc-editor.org/rfc/rfc9110#section-7.6.1",
    "A proxy in front of the server did not pass the upgrade on",
    "Upgrade and Connection are hop-by-hop fields (RFC 9110 §7.6.1, §7.8): a proxy removes them from what it forwards unless it is told to pass the upgrade on, and it can only do so over HTTP/1.1. The WebSocket server behind it then sees a plain GET (or an HTTP/1.0 one) and refuses it with 400 or 426 (python websockets answers 505 to HTTP/1.0), or an application serves it as a page with 200. The request was a valid handshake, so the fields were lost on the way: the response shows an intermediary (Via, the Server of a proxy, a CDN's request id) or its body says the Upgrade or Connection header is missing. Measured with nginx 1.22 in front of the lab: without `proxy_set_header Upgrade`/`Connection` the lab's 426 comes back through nginx; without `proxy_http_version 1.1` its 400 for HTTP/1.0 does.",
    "Make every proxy on the way forward the upgrade. nginx: `proxy_http_version 1.1; proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection \"upgrade\";` in the location. Apache 2.4.47+: `ProxyPass /ws/ http://backend/ws/ upgrade=websocket` (older: mod_proxy_wstunnel and `ws://`). HAProxy: `mode http` passes it by itself; remove rules that delete Connection or Upgrade, set `timeout tunnel`. Traefik and Caddy pass it by themselves: look for middleware or `header_up` rules that strip the fields. AWS: an Application Load Balancer passes it; a Classic one needs a TCP listener. Cloudflare: WebSockets on (Network settings). ingress-nginx passes it by itself; raise `nginx.ingress.kubernetes.io/proxy-read-timeout` for long-lived sockets.",
);

pub const BAD_GATEWAY: Rule = Rule::new(
    "proxy.bad-gateway",
    Severity::Error,
    "RFC 9110 §15.6.3",
    "https://www.rfc-editor.org/rfc/rfc9110#section-15.6.3",
    "A proxy in front of the server could not reach it",
    "502 Bad Gateway, 503 Service Unavailable and 504 Gateway Timeout from an intermediary (RFC 9110 §15.6.3-§15.6.5) mean the request never got an answer from the WebSocket server behind it: the server is down, the proxy points at the wrong address or port, a firewall is in the way, or the server did not answer in time. The handshake itself may be fine. Measured on loopback: nginx 1.22 pointing at a closed port answers 502 with its HTML error page; HAProxy 2.6 answers 503 \"No server is available to handle this request\".",
    "Check that the WebSocket server runs and listens where the proxy sends requests (its address, port and path), that the proxy can reach it (its error log says `connection refused` or `timed out`), and its health checks and timeouts.",
);

/// A kind of intermediary: how it shows itself, and what to do about it.
struct Intermediary {
    name: &'static str,
    /// `(field, text)`: a response field whose value contains `text` (ASCII
    /// case-insensitive; `""`: any value), or with field `body`, the body.
    signs: &'static [(&'static str, &'static str)],
    /// How to make it pass the upgrade on (`None`: the rule's general fix).
    upgrade: Option<&'static str>,
    /// What to check when it cannot reach the server.
    gateway: Option<&'static str>,
}

/// Known intermediaries, the more specific first; a bare `Via` last.
static INTERMEDIARIES: &[Intermediary] = &[
    Intermediary {
        name: "Cloudflare",
        signs: &[("server", "cloudflare"), ("cf-ray", "")],
        upgrade: Some(
            "WebSockets are on by default at Cloudflare (Network settings); check that the origin, or a proxy at the origin, passes the upgrade on",
        ),
        gateway: Some(
            "Cloudflare could not get an answer from your origin: check that it runs, the DNS record's address and port, and a firewall that lets Cloudflare's addresses in",
        ),
    },
    Intermediary {
        name: "Amazon CloudFront",
        signs: &[("x-amz-cf-id", ""), ("via", "cloudfront"), ("server", "cloudfront")],
        upgrade: Some(
            "CloudFront passes WebSockets when the origin request policy forwards the Sec-WebSocket-* headers (e.g. AllViewer); check the behaviour's policy and the origin's own proxy",
        ),
        gateway: Some(
            "CloudFront could not reach the origin: check the origin's domain, port and protocol, and that it answers within the origin response timeout",
        ),
    },
    Intermediary {
        name: "an AWS load balancer",
        signs: &[("server", "awselb"), ("x-amzn-requestid", ""), ("x-amzn-trace-id", "")],
        upgrade: Some(
            "an Application Load Balancer passes WebSockets by itself; a Classic Load Balancer's HTTP listener does not: use a TCP/SSL listener or an ALB",
        ),
        gateway: Some(
            "check the target group: healthy targets, the port they listen on, their security groups (502: a target refused or closed the connection; 504: no answer within the idle timeout)",
        ),
    },
    Intermediary {
        name: "Envoy",
        signs: &[
            ("server", "envoy"),
            ("x-envoy-upstream-service-time", ""),
            ("body", "upstream connect error"),
        ],
        upgrade: Some(
            "add `upgrade_configs: [{upgrade_type: websocket}]` to the HTTP connection manager or the route (Istio sets it; check overrides)",
        ),
        gateway: Some(
            "\"upstream connect error or disconnect/reset before headers\" means the cluster's endpoints are down or unreachable: check the service's endpoints and ports",
        ),
    },
    Intermediary {
        name: "Varnish",
        signs: &[("via", "varnish"), ("x-varnish", ""), ("body", "backend fetch failed")],
        upgrade: Some(
            "Varnish does not proxy WebSockets: in vcl_recv, `if (req.http.upgrade ~ \"(?i)websocket\") { return (pipe); }`, and copy Upgrade and Connection in vcl_pipe",
        ),
        gateway: Some("\"Backend fetch failed\": check the backend's host and port in the VCL and its probe"),
    },
    Intermediary {
        name: "HAProxy",
        signs: &[
            ("body", "no server is available to handle this request"),
            ("body", "the server returned an invalid or incomplete response"),
            ("body", "the server didn't respond in time"),
        ],
        upgrade: Some(
            "in `mode http` HAProxy passes the upgrade by itself: remove `http-request del-header`/`set-header` rules on Connection or Upgrade, and set `timeout tunnel` for long-lived sockets",
        ),
        gateway: Some(
            "check the backend's `server` lines (address and port) and their health in the stats page or log (`<NOSRV>`, `SC` termination), and `timeout connect`/`timeout server`",
        ),
    },
    Intermediary {
        name: "Caddy",
        signs: &[("server", "caddy")],
        upgrade: Some(
            "Caddy's reverse_proxy passes the upgrade by itself: look for `header_up` rules that remove Connection or Upgrade, and an h2c-only transport",
        ),
        gateway: Some(
            "check the reverse_proxy upstream's address; Caddy's log says `dial tcp …: connection refused`",
        ),
    },
    Intermediary {
        name: "Traefik",
        signs: &[("server", "traefik")],
        upgrade: Some(
            "Traefik passes the upgrade by itself: look for a middleware that removes Connection or Upgrade (headers, buffering)",
        ),
        gateway: Some("check the service's load balancer servers (URL and port) and their health check"),
    },
    Intermediary {
        name: "Apache",
        signs: &[("server", "apache")],
        upgrade: Some(
            "Apache 2.4.47+: `ProxyPass /ws/ http://backend/ws/ upgrade=websocket`; older: load mod_proxy_wstunnel and `ProxyPass /ws/ ws://backend/ws/`",
        ),
        gateway: Some(
            "check the ProxyPass target is up (error_log: `AH00957`, `AH01114`: connection refused), and ProxyTimeout",
        ),
    },
    Intermediary {
        name: "nginx",
        signs: &[("server", "nginx"), ("server", "openresty"), ("body", "<center>nginx")],
        upgrade: Some(
            "in the location: `proxy_http_version 1.1; proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection \"upgrade\";` (ingress-nginx does this by itself: check snippets that override it)",
        ),
        gateway: Some(
            "check that `proxy_pass` names the server's address and port and that it runs (nginx's error log: `connect() failed (111: Connection refused)` or `upstream timed out`), and raise `proxy_read_timeout` (60 s) for idle sockets; on ingress-nginx, the Service's endpoints",
        ),
    },
    Intermediary {
        name: "a CDN",
        signs: &[
            ("server", "akamaighost"),
            ("x-served-by", "cache-"),
            ("x-fastly-request-id", ""),
            ("x-azure-ref", ""),
            ("x-vercel-id", ""),
            ("x-nf-request-id", ""),
        ],
        upgrade: None,
        gateway: None,
    },
    Intermediary {
        name: "a proxy",
        signs: &[("via", ""), ("server", "kong"), ("server", "microsoft-azure-application-gateway")],
        upgrade: None,
        gateway: None,
    },
];

/// ASCII case-insensitive `needle in hay`.
fn contains(hay: &str, needle: &str) -> bool {
    needle.is_empty()
        || hay.as_bytes().windows(needle.len()).any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

/// The intermediary the response shows, and the evidence: the field it was
/// found in, or its error page.
fn recognise(res: &Head<'_>) -> Option<(&'static Intermediary, String)> {
    INTERMEDIARIES.iter().find_map(|i| {
        i.signs.iter().find_map(|&(field, text)| {
            if field == "body" {
                res.body.as_ref().filter(|b| contains(b.as_str(), text))?;
                return Some((i, "its error page".to_string()));
            }
            let h = res.headers_named(field).find(|h| contains(h.value.as_str(), text))?;
            Some((i, format!("{}: {}", h.name.as_str(), h.value.as_str())))
        })
    })
}

/// A body that says the server did not see Upgrade or Connection (python
/// websockets: "missing Upgrade header", gorilla: "'upgrade' token not found
/// in 'Connection' header", the lab: "Upgrade is missing", aiohttp: "No
/// WebSocket UPGRADE hdr"). The reason phrase "Upgrade Required" alone says
/// nothing: the lab's refusal on purpose has it too.
fn body_says_upgrade_missing(res: &Head<'_>) -> bool {
    res.body.as_ref().is_some_and(|b| {
        let text = b.as_str();
        (contains(text, "upgrade") || contains(text, "connection"))
            && ["missing", "not found", "no websocket"].iter().any(|w| contains(text, w))
    })
}

/// RFC 9110 §7.6.1, §7.8, §15.6.3-§15.6.5: the response to an upgrade shows an
/// intermediary that dropped the upgrade, or that could not reach the server.
/// `request` is the request when the capture has it, and `valid` whether it is
/// a handshake a server must accept.
pub(crate) fn check(request: Option<&Head<'_>>, valid: bool, res: &Head<'_>, f: &mut Findings<'_>) {
    let Some(code) = res.status() else {
        return;
    };
    let anchor = res.status.as_ref();
    let seen = recognise(res);
    match code {
        // 502 and 504 come from a gateway by definition; 503 only with one.
        502..=504 => {
            let (name, fix, evidence) = match &seen {
                Some((i, evidence)) => (i.name, i.gateway, format!(" ({evidence})")),
                None if code != 503 => ("a gateway", None, String::new()),
                None => return,
            };
            let fix = fix.unwrap_or("check that the WebSocket server behind it runs and is reachable at the address the proxy uses");
            f.fire(
                &BAD_GATEWAY,
                format!("{code} from {name}{evidence}: the server behind it did not answer; {fix}"),
                anchor,
            );
        }
        // A refusal of a valid handshake, or a page instead of it (only with
        // the request: a 200 alone may answer anything).
        400 | 426 | 505 | 200 if valid && (request.is_some() || code != 200) => {
            let (name, fix, evidence) = match &seen {
                Some((i, evidence)) => (i.name, i.upgrade, evidence.clone()),
                // Without a sign of a proxy, only the server's own words say
                // the fields were lost, and only when the request had them.
                None if request.is_some() && body_says_upgrade_missing(res) => {
                    ("a proxy", None, "the body says the upgrade fields are missing".to_string())
                }
                None => return,
            };
            let fix =
                fix.unwrap_or("make it forward Upgrade and Connection over HTTP/1.1 (see the fix below)");
            f.fire(
                &UPGRADE_DROPPED,
                format!("{code} to a valid upgrade, through {name} ({evidence}): {fix}"),
                anchor,
            );
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use crate::lint;

    const REQUEST: &str = "GET /chat HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";

    fn proxy_findings(text: &str) -> Vec<(&'static str, String)> {
        let lint = lint(text.as_bytes()).unwrap();
        assert_eq!(lint.exchanges.len(), 1, "{text}");
        lint.exchanges[0]
            .findings
            .iter()
            .filter(|f| f.rule.id.starts_with("proxy."))
            .map(|f| (f.rule.id, f.message.clone()))
            .collect()
    }

    #[test]
    fn each_intermediary_is_named_with_its_fix() {
        for (fields, name, fix) in [
            ("Server: nginx/1.22.1\r\n", "nginx", "proxy_http_version 1.1"),
            ("Server: openresty\r\n", "nginx", "proxy_set_header Upgrade"),
            ("Server: Apache/2.4.57 (Debian)\r\n", "Apache", "upgrade=websocket"),
            ("Server: cloudflare\r\nCF-RAY: 8a1b-LHR\r\n", "Cloudflare", "Network settings"),
            ("Server: awselb/2.0\r\n", "an AWS load balancer", "Classic Load Balancer"),
            (
                "Via: 1.1 abc.cloudfront.net (CloudFront)\r\nX-Amz-Cf-Id: x\r\n",
                "Amazon CloudFront",
                "origin request policy",
            ),
            ("server: envoy\r\n", "Envoy", "upgrade_configs"),
            ("Server: Caddy\r\n", "Caddy", "header_up"),
            ("Via: 1.1 varnish\r\n", "Varnish", "return (pipe)"),
            ("Via: 1.1 corporate-proxy\r\n", "a proxy", "Upgrade and Connection"),
            ("X-Served-By: cache-lhr7361-LHR\r\n", "a CDN", "Upgrade and Connection"),
        ] {
            let text = format!("{REQUEST}HTTP/1.1 426 Upgrade Required\r\n{fields}Content-Length: 0\r\n\r\n");
            let found = proxy_findings(&text);
            assert_eq!(found.len(), 1, "{fields}: {found:?}");
            assert_eq!(found[0].0, "proxy.upgrade-dropped");
            assert!(found[0].1.contains(&format!("through {name} (")), "{fields}: {}", found[0].1);
            assert!(found[0].1.contains(fix), "{fields}: {}", found[0].1);
        }
    }

    #[test]
    fn an_error_page_names_its_proxy() {
        let haproxy = "HTTP/1.1 503 Service Unavailable\r\ncontent-length: 107\r\ncache-control: no-cache\r\ncontent-type: text/html\r\n\r\n<html><body><h1>503 Service Unavailable</h1>\nNo server is available to handle this request.\n</body></html>\n";
        let found = proxy_findings(&format!("{REQUEST}{haproxy}"));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0, "proxy.bad-gateway");
        assert!(found[0].1.starts_with("503 from HAProxy (its error page)"), "{}", found[0].1);
        assert!(found[0].1.contains("timeout connect"), "{}", found[0].1);
        // nginx with `server_tokens off` still signs its page.
        let nginx = "HTTP/1.1 502 Bad Gateway\r\nServer: nginx\r\nContent-Length: 5\r\n\r\n<html>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";
        let found = proxy_findings(nginx);
        assert_eq!(found[0].0, "proxy.bad-gateway");
        assert!(found[0].1.contains("proxy_pass"), "{}", found[0].1);
    }

    #[test]
    fn gateway_statuses() {
        // 502 and 504 are a gateway's by definition; 503 needs a sign.
        for (status, fires) in
            [("502 Bad Gateway", true), ("504 Gateway Timeout", true), ("503 Service Unavailable", false)]
        {
            let text = format!("{REQUEST}HTTP/1.1 {status}\r\nContent-Length: 0\r\n\r\n");
            let found = proxy_findings(&text);
            assert_eq!(found.iter().any(|f| f.0 == "proxy.bad-gateway"), fires, "{status}: {found:?}");
        }
        let text = format!("{REQUEST}HTTP/1.1 503 Service Unavailable\r\nVia: 1.1 lb\r\n\r\n");
        assert_eq!(proxy_findings(&text)[0].0, "proxy.bad-gateway");
        // Whatever the request: the server was not reached.
        let broken = REQUEST.replace("Upgrade: websocket\r\n", "");
        let text = format!("{broken}HTTP/1.1 502 Bad Gateway\r\nServer: nginx\r\n\r\n");
        assert_eq!(proxy_findings(&text)[0].0, "proxy.bad-gateway");
    }

    #[test]
    fn a_body_that_misses_the_upgrade_fields() {
        for body in [
            "Failed to open a WebSocket connection: missing Upgrade header.",
            "websocket: the client is not using the websocket protocol: 'upgrade' token not found in 'Connection' header",
            "426 Upgrade Required: not a valid opening handshake: req.upgrade (RFC 6455 §4.2.1): Upgrade is missing",
            "No WebSocket UPGRADE hdr: None\n Can \"Upgrade\" only to \"WebSocket\".",
        ] {
            let text = format!(
                "{REQUEST}HTTP/1.1 426 Upgrade Required\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            );
            assert_eq!(proxy_findings(&text).len(), 1, "{body}");
            // Without the request, the client may have left them out itself.
            let text =
                format!("HTTP/1.1 426 Upgrade Required\r\nContent-Length: {}\r\n\r\n{body}", body.len());
            assert!(proxy_findings(&text).is_empty(), "{body}");
        }
    }

    #[test]
    fn direct_refusals_and_broken_requests_get_neither() {
        // An application's own refusal (uvicorn), without a sign of a proxy.
        let uvicorn = "HTTP/1.1 403 Forbidden\r\ndate: Fri, 04 Dec 2026 10:00:00 GMT\r\nserver: uvicorn\r\ncontent-length: 0\r\n\r\n";
        assert!(proxy_findings(&format!("{REQUEST}{uvicorn}")).is_empty());
        // A 403 through nginx is the application's answer, passed on.
        let text = format!("{REQUEST}HTTP/1.1 403 Forbidden\r\nServer: nginx\r\n\r\n");
        assert!(proxy_findings(&text).is_empty());
        // The lab's refusal on purpose (as measured), and ws's bare reason
        // phrase: "Upgrade Required" says nothing of lost fields.
        for body in ["426 Upgrade Required: refused on purpose by /reject/426", "Upgrade Required"] {
            let text = format!(
                "{REQUEST}HTTP/1.1 426 Upgrade Required\r\nUpgrade: websocket\r\nConnection: Upgrade, close\r\nSec-WebSocket-Version: 13\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            );
            assert!(proxy_findings(&text).is_empty(), "{body}");
        }
        // The client left out Upgrade: nginx passed on the server's fair 426.
        let broken = REQUEST.replace("Upgrade: websocket\r\n", "");
        let text = format!("{broken}HTTP/1.1 426 Upgrade Required\r\nServer: nginx\r\n\r\nmissing Upgrade");
        assert!(proxy_findings(&text).is_empty());
        // A 101 through a proxy is a success.
        let text = format!(
            "{REQUEST}HTTP/1.1 101 Switching Protocols\r\nServer: nginx\r\nUpgrade: websocket\r\nConnection: upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n"
        );
        assert!(proxy_findings(&text).is_empty());
    }

    #[test]
    fn recorded_curl_captures_are_one_exchange_with_the_proxy_rule() {
        for (input, rule) in [
            (&include_bytes!("../capture/testdata/nginx-502-v.txt")[..], "proxy.bad-gateway"),
            (include_bytes!("../capture/testdata/nginx-502-si.txt"), "proxy.bad-gateway"),
            (include_bytes!("../capture/testdata/haproxy-503-v.txt"), "proxy.bad-gateway"),
        ] {
            let lint = lint(input).unwrap();
            assert_eq!(lint.exchanges.len(), 1);
            let rules: Vec<_> = lint.exchanges[0].findings.iter().map(|f| f.rule.id).collect();
            assert!(rules.contains(&rule), "{rules:?}");
            assert!(!rules.contains(&"http.start-line"), "{rules:?}");
        }
    }

    #[test]
    fn a_page_instead_of_the_upgrade() {
        let page =
            "HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\nContent-Type: text/html\r\n\r\n<!doctype html>";
        assert_eq!(proxy_findings(&format!("{REQUEST}{page}"))[0].0, "proxy.upgrade-dropped");
        // A 200 alone may answer any request.
        assert!(proxy_findings(page).is_empty());
        // A refusal alone is taken as the answer to a handshake.
        let refusal = "HTTP/1.1 426 Upgrade Required\r\nServer: nginx/1.22.1\r\n\r\n";
        assert_eq!(proxy_findings(refusal)[0].0, "proxy.upgrade-dropped");
    }
}
