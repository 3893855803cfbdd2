//! Failures and their status codes, version negotiation, redirects,
//! authentication, cross-site hijacking, mixed content, the API's exceptions
//! and TLS.

use handshake::reason_phrase;
use handshake::report::{Answer, ServerAnswers};
use handshake::rules::CATALOGUE;
use leptos::prelude::*;

use super::{Cite, ExampleLink, RuleLinks, Table, rfc6455};

/// What a status means in answer to a handshake.
const STATUSES: &[(&str, &str, &str)] = &[
    ("101", "The only success over HTTP/1.1: the connection is now a WebSocket.", "clean-browser"),
    ("400", "The request is malformed: a bad key, a missing or repeated Host, a bad header.", ""),
    ("401", "Credentials are needed first (Node's ws also uses it to refuse an origin).", ""),
    ("403", "The server refuses this Origin.", "refused-origin"),
    ("404", "Nothing speaks WebSocket at this path.", "unknown-path"),
    ("405", "The method was not GET; the answer must carry Allow: GET.", "method-not-allowed"),
    (
        "426",
        "Upgrade required: the upgrade headers are missing, or the version is not spoken.",
        "unsupported-version",
    ),
    (
        "3xx",
        "A redirect. RFC 6455 allows it, but browsers do not follow redirects for WebSockets: the connection fails.",
        "",
    ),
    ("200", "Something answered as plain HTTP and ignored the upgrade.", ""),
    (
        "502, 503, 504",
        "A gateway in front of the server got an invalid answer or no connection (502) or no answer in time (504) from the server behind it, or had no server to pass the request to (503, as HAProxy answers when its backend is down). A proxy that merely drops Upgrade usually passes on the backend's answer to a plain GET instead: 400 or 426 from a WebSocket server, 200 from a web page.",
        "proxy-bad-gateway",
    ),
];

#[component]
pub(super) fn Failures() -> impl IntoView {
    let refused: Vec<_> = CATALOGUE.iter().filter(|r| r.status.is_some()).collect();
    let code = |c: Option<u16>| c.map_or_else(|| "—".to_string(), |c| c.to_string());
    view! {
        <section id="failures" tabindex="-1" aria-labelledby="failures-title">
            <h3 id="failures-title">"Failures and their status codes"</h3>
            <p>
                "A refused handshake is an ordinary HTTP response. A script in a browser never sees its status: "
                "the WebSocket just fires an error and closes with code 1006, so the status is only visible in DevTools, in a capture, or from a tool like curl."
            </p>
            <Table label="Status codes" heads=&["Status", "Meaning for a handshake", "Example"]>
                {STATUSES
                    .iter()
                    .map(|(status, meaning, example)| {
                        let phrase = status.parse().map(reason_phrase).unwrap_or("");
                        view! {
                            <tr>
                                <th scope="row">{*status} " " {phrase}</th>
                                <td>{*meaning}</td>
                                <td>
                                    {(!example.is_empty()).then(|| view! { <ExampleLink id=*example /> })}
                                </td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </Table>
            <h4>"What real servers answer"</h4>
            <p>
                "Servers disagree on the status for the same mistake. For each rule a server must refuse: the status RFC 6455 and RFC 9110 point to, and what three common server libraries actually do, measured by this project's tests against ws 8.23, websockets 17.4 and gorilla 1.5.0: a status, \"accepts\" where they do not check, \"closes\" where they drop the connection without a response, and \"depends\" where the rule's explanation says on what. That is for a request that breaks that rule alone: each server checks in its own order and answers at its first objection, so for a request with several mistakes the linter's verdict gives each server's own answer. HTTP/2 rules have no column: these servers do not speak HTTP/2."
            </p>
            <Table label="What real servers answer" heads=&["Rule", "Status", "ws (Node)", "websockets (Python)", "gorilla (Go)"]>
                {refused
                    .into_iter()
                    .map(|r| {
                        let answer = |pick: fn(&ServerAnswers) -> Answer| {
                            r.servers.as_ref().map_or_else(|| "—".to_string(), |s| pick(s).describe())
                        };
                        view! {
                            <tr>
                                <th scope="row">
                                    <a href=format!("#/learn?at=rule-{}", r.id)>
                                        <code>{r.id}</code>
                                    </a>
                                </th>
                                <td>{code(r.status)}</td>
                                <td>{answer(|s| s.ws)}</td>
                                <td>{answer(|s| s.websockets)}</td>
                                <td>{answer(|s| s.gorilla)}</td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </Table>
        </section>
    }
}

#[component]
pub(super) fn Versions() -> impl IntoView {
    view! {
        <section id="versions" tabindex="-1" aria-labelledby="versions-title">
            <h3 id="versions-title">"Version negotiation"</h3>
            <p>
                "Sec-WebSocket-Version lets the two sides settle on a protocol version by retrying (" {rfc6455("4.4")}
                "). The client asks for the version it prefers. A server that does not speak it refuses the handshake "
                "(426 Upgrade Required is the example of " {rfc6455("4.2.2")} ", 400 the one of §4.4) and lists the versions it does speak "
                "in Sec-WebSocket-Version, in one field or several. A client that knows one of them may then repeat the handshake with it."
            </p>
            <p>
                "Today every client sends 13, the only version of RFC 6455: 9 to 12 are reserved and 7 and 8 were drafts. "
                "A refusal that lists no versions leaves the client nothing to retry with. A request without the field is not a negotiation "
                "at all but a malformed handshake, answered with 400."
            </p>
            <p>
                "Try the " <ExampleLink id="unsupported-version" /> " example; the rules: "
                <RuleLinks ids=&["req.version.unsupported", "req.version.missing", "res.version-header"] />
            </p>
        </section>
    }
}

#[component]
pub(super) fn Redirects() -> impl IntoView {
    view! {
        <section id="redirects" tabindex="-1" aria-labelledby="redirects-title">
            <h3 id="redirects-title">"Redirects"</h3>
            <p>
                "RFC 6455 lets a server answer the handshake with a 3xx redirect (" {rfc6455("4.2.2")}
                ", step 3) and leaves it to the client whether to follow (" {rfc6455("4.1")} "). Browsers never follow: "
                "the WebSocket fetch runs with redirect mode \"error\" ("
                <Cite href="https://websockets.spec.whatwg.org/#concept-websocket-establish">"WHATWG WebSockets"</Cite>
                "), so a 301, 302, 307 or 308 fails the connection and the page sees close code 1006. "
                "The standard's reason: with an open redirector on the same host, a script could otherwise be sent to any host on the internet."
            </p>
            <p>
                "The usual culprits are a server or proxy that redirects http to https, or /chat to /chat/, in front of the WebSocket path. "
                "Use the final URL (wss://, exact path) or exempt the WebSocket path from the redirect. Clients outside browsers choose for themselves; Node's ws, for one, follows only when its followRedirects option is set."
            </p>
        </section>
    }
}

#[component]
pub(super) fn Auth() -> impl IntoView {
    view! {
        <section id="auth" tabindex="-1" aria-labelledby="auth-title">
            <h3 id="auth-title">"Authentication from a browser"</h3>
            <p>
                "The browser's WebSocket API takes a URL and a list of subprotocols, nothing else: a page cannot add an Authorization header, or any other header, to the handshake. "
                "RFC 6455 leaves authentication to the usual HTTP means (" {rfc6455("10.5")}
                "), and a server may answer 401 (" {rfc6455("4.2.2")}
                ", step 2), but a script never sees that status: it gets an error and close code 1006. Pages use one of these instead:"
            </p>
            <ul>
                <li>
                    <strong>"Cookies."</strong>
                    " The browser sends the site's cookies with the handshake by itself. Then the server must check Origin, or any site can use them (see "
                    <a href="#/learn?at=hijacking">"cross-site hijacking"</a> ")."
                </li>
                <li>
                    <strong>"A token in the query string"</strong>
                    " (wss://api.example.com/feed?token=…). Simple, but URLs are written to server and proxy access logs and to monitoring tools, "
                    "so the token leaks there: make it a short-lived ticket that works once."
                </li>
                <li>
                    <strong>"A token in the subprotocol list"</strong>
                    " (new WebSocket(url, [\"chat\", token])). It travels in Sec-WebSocket-Protocol, which logs rarely keep. It must be a token "
                    "(no spaces, no / or =, so base64url without padding), and the server must answer with one of the offered values or the browser "
                    "fails the connection: it selects the real subprotocol, never the token."
                </li>
                <li>
                    <strong>"A token in the first message."</strong>
                    " The connection opens unauthenticated; the server closes it (1008 Policy Violation, say) when the token is wrong or late."
                </li>
            </ul>
        </section>
    }
}

#[component]
pub(super) fn Hijacking() -> impl IntoView {
    view! {
        <section id="hijacking" tabindex="-1" aria-labelledby="hijacking-title">
            <h3 id="hijacking-title">"Cross-site WebSocket hijacking"</h3>
            <p>
                "WebSockets are not covered by CORS: a page from any site may open a WebSocket to any server, and the browser sends that server's "
                "cookies with the handshake (the WebSocket fetch includes credentials). A server that trusts the cookie alone lets a page on another "
                "site open a connection in the user's name and read everything that comes back. That is cross-site WebSocket hijacking."
            </p>
            <p>
                "The defence is Origin. Browsers always send it and scripts cannot change it, so the server compares it with the origins of its own "
                "pages and refuses the others, with 403 Forbidden (" {rfc6455("10.2")} ", " {rfc6455("4.2.2")}
                "). Origin protects people using browsers and nothing more: a client that is not a browser can send any Origin it likes ("
                {rfc6455("1.6")} "), so an origin check never replaces authentication. A token the attacker's page cannot know "
                "(in the URL or the first message) closes the gap for cookie-based sessions."
            </p>
            <p>
                "Try the " <ExampleLink id="refused-origin" /> " example; the rule: " <RuleLinks ids=&["req.origin.missing"] />
            </p>
        </section>
    }
}

#[component]
pub(super) fn MixedContent() -> impl IntoView {
    view! {
        <section id="mixed-content" tabindex="-1" aria-labelledby="mixed-content-title">
            <h3 id="mixed-content-title">"Mixed content"</h3>
            <p>
                "A page loaded over https may not open an unencrypted ws:// connection to another host: that is mixed content, and the browser blocks it. "
                "Chromium throws a SecurityError from the WebSocket constructor, so the script gets an exception instead of an error event "
                "(this project's tests check it); the WHATWG standard itself leaves the block to Fetch's mixed-content check. "
                "Use wss:// from https pages."
            </p>
            <p>
                "Loopback addresses (ws://127.0.0.1, ws://localhost) count as trustworthy and are not mixed content; Chromium may ask for permission to reach the local network instead. "
                "The " <a href="#/live">"Live view"</a> " explains the block before it tries."
            </p>
        </section>
    }
}

#[component]
pub(super) fn ApiErrors() -> impl IntoView {
    view! {
        <section id="api-errors" tabindex="-1" aria-labelledby="api-errors-title">
            <h3 id="api-errors-title">"Exceptions the browser API throws"</h3>
            <p>
                <Cite href="https://websockets.spec.whatwg.org/#dom-websocket-websocket">"new WebSocket(url, protocols)"</Cite>
                " throws a SyntaxError (a DOMException) before anything goes on the network when:"
            </p>
            <ul>
                <li>"the URL does not parse;"</li>
                <li>"its scheme is not ws or wss (http and https are accepted and turned into ws and wss);"</li>
                <li>"it has a fragment (#…);"</li>
                <li>"a subprotocol is not a token (a space, a slash, an empty string) or is offered twice."</li>
            </ul>
            <p>
                <Cite href="https://websockets.spec.whatwg.org/#dom-websocket-close">"close(code, reason)"</Cite>
                " throws an InvalidAccessError when a code is given that is neither 1000 nor between 3000 and 4999, and a SyntaxError when the reason "
                "is longer than 123 bytes of UTF-8. send() throws an InvalidStateError while the socket is still connecting."
            </p>
            <p>
                "These are thrown at once, in the calling script. Everything that goes wrong later (DNS, a refused connection, TLS, a refused handshake) "
                "arrives instead as an error event and a close event with code 1006, with no detail."
            </p>
        </section>
    }
}

#[component]
pub(super) fn Tls() -> impl IntoView {
    view! {
        <section id="tls" tabindex="-1" aria-labelledby="tls-title">
            <h3 id="tls-title">"TLS, SNI and close code 1015"</h3>
            <p>
                "A wss:// connection begins with a TLS handshake, before any HTTP, and the client must send the server's name in the Server Name Indication "
                "extension (" {rfc6455("4.1")} "), so that a server hosting many names can pick the right certificate. A server that does not host the "
                "name asked for closes the connection (" {rfc6455("4.2.2")} ", step 1)."
            </p>
            <p>
                "When the TLS handshake fails, for instance because the certificate cannot be verified, RFC 6455 sets aside close code 1015 to report "
                "it; like 1005 and 1006 it is never sent in a Close frame (" {rfc6455("7.4.1")} "). Browsers do not use it: the WebSocket standard "
                "makes a TLS failure look to the script exactly like a refused connection or a failed handshake, code 1006 ("
                <Cite href="https://websockets.spec.whatwg.org/#feedback-from-the-protocol">"WHATWG WebSockets"</Cite>
                "). To see the real cause, try the same host with curl -v or openssl s_client -servername."
            </p>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_example_named_here_exists() {
        for id in STATUSES.iter().map(|s| s.2).filter(|e| !e.is_empty()) {
            assert!(handshake::examples::example(id).is_some(), "{id}");
        }
    }
}
