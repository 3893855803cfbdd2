//! Why HTTP switches protocols, the exchange byte by byte, the headers and
//! the tester's checklist.

use handshake::accept;
use leptos::prelude::*;

use crate::state::RFC_KEY;

use super::{ExampleLink, RuleLinks, Table};

#[component]
pub(super) fn Why() -> impl IntoView {
    view! {
        <section id="why" tabindex="-1" aria-labelledby="why-title">
            <h3 id="why-title">"Why HTTP switches protocols"</h3>
            <p>
                "Most HTTP status codes report how a request went. "
                <strong>"101 Switching Protocols"</strong>
                " is different: it reports that the conversation is about to change language. "
                "The client asked, in its request, to stop speaking HTTP on this connection; "
                "the server agrees, sends the 101, and from the next byte on both sides speak the new protocol over the same TCP connection."
            </p>
            <p>
                "Why bother? HTTP is one question, one answer. A chat, a price ticker, a multiplayer game, a shared document "
                "or a map following a delivery rider needs either side to speak at any moment. "
                "Polling with repeated requests is slow and wasteful; a WebSocket keeps one connection open "
                "and lets both ends send messages whenever they like, with a few bytes of framing each."
            </p>
            <p>
                "Starting as HTTP is what makes this deployable: the handshake goes to the usual ports (80 and 443), "
                "passes through the same proxies and load balancers, carries cookies and an "
                <code>"Origin"</code>
                ", and can be refused with an ordinary status code. Only a 101 switches; any other status means the connection is still plain HTTP."
            </p>
        </section>
    }
}

/// One step of the exchange: what happens, and which lines of the bytes it is about.
struct Step {
    title: &'static str,
    text: &'static str,
    lines: &'static [usize],
}

const STEPS: &[Step] = &[
    Step {
        title: "The client opens a connection",
        text: "A TCP connection to the server, port 80 for ws:// or 443 for wss:// (with TLS set up first). Nothing WebSocket-specific has happened yet.",
        lines: &[],
    },
    Step {
        title: "It asks for a resource with GET",
        text: "The request line names the path and query of the WebSocket URL (ws://example.com/chat?room=1 asks for /chat?room=1) and HTTP/1.1 (a server must ignore Upgrade in HTTP/1.0). Host says which site is meant.",
        lines: &[0, 1],
    },
    Step {
        title: "It asks to switch protocols",
        text: "Upgrade names the protocol wanted. Connection: Upgrade declares Upgrade a hop-by-hop field, and HTTP requires it whenever Upgrade is sent (RFC 9110 §7.8). Every proxy removes hop-by-hop fields before forwarding a request; a proxy that supports WebSockets asks its own next hop for the upgrade again, and one that does not passes on a plain GET.",
        lines: &[2, 3],
    },
    Step {
        title: "It sends a fresh nonce and the version",
        text: "Sec-WebSocket-Key is 16 random bytes in base64, new for every connection. Sec-WebSocket-Version: 13 is the only version in use.",
        lines: &[4, 5],
    },
    Step {
        title: "A browser says which page is asking",
        text: "Browsers always add Origin, so the server can refuse pages from other sites. An empty line (CR LF twice in a row) ends the request head.",
        lines: &[6, 7],
    },
    Step {
        title: "The server checks and agrees",
        text: "If the method, the headers, the key, the version and the origin are all acceptable, the server answers 101 Switching Protocols. Otherwise it answers with an error status and the connection stays HTTP.",
        lines: &[8],
    },
    Step {
        title: "The server proves it understood",
        text: "It repeats Upgrade and Connection, and sends Sec-WebSocket-Accept: the SHA-1 of the key followed by a fixed GUID, in base64. The client computes the same value and gives up if the two differ.",
        lines: &[9, 10, 11],
    },
    Step {
        title: "From here on: frames",
        text: "After the empty line that ends the 101, no more HTTP is spoken on this connection. Both sides send WebSocket frames (text, binary, ping, pong) until one of them starts the closing handshake with a Close frame.",
        lines: &[12],
    },
];

#[component]
pub(super) fn Exchange() -> impl IntoView {
    let accept_value = accept::accept(RFC_KEY);
    let lines: Vec<String> = vec![
        "GET /chat HTTP/1.1".into(),
        "Host: example.com".into(),
        "Upgrade: websocket".into(),
        "Connection: Upgrade".into(),
        format!("Sec-WebSocket-Key: {RFC_KEY}"),
        "Sec-WebSocket-Version: 13".into(),
        "Origin: https://example.com".into(),
        String::new(),
        "HTTP/1.1 101 Switching Protocols".into(),
        "Upgrade: websocket".into(),
        "Connection: Upgrade".into(),
        format!("Sec-WebSocket-Accept: {accept_value}"),
        String::new(),
    ];
    let (step, set_step) = signal(0usize);
    let line = move |i: usize, text: String| {
        view! {
            <span class="byte-line" class:lit=move || STEPS[step.get()].lines.contains(&i)>
                {text}
                <span class="crlf" aria-hidden="true">"\\r\\n"</span>
            </span>
            "\n"
        }
    };
    let request: Vec<_> = lines.iter().take(8).cloned().enumerate().map(|(i, t)| line(i, t)).collect();
    let response: Vec<_> = lines.into_iter().enumerate().skip(8).map(|(i, t)| line(i, t)).collect();
    view! {
        <section id="exchange" tabindex="-1" aria-labelledby="exchange-title">
            <h3 id="exchange-title">"The exchange, step by step"</h3>
            <p>
                "These are the real bytes of a handshake, using the sample key from RFC 6455. "
                "Each line ends with the two bytes CR LF (shown as \\r\\n). Step through it:"
            </p>
            <div class="stepper">
                <div class="step-controls">
                    <button
                        type="button"
                        on:click=move |_| set_step.update(|s| *s = s.saturating_sub(1))
                        prop:disabled=move || step.get() == 0
                    >
                        "Previous step"
                    </button>
                    <span class="step-count">{move || format!("Step {} of {}", step.get() + 1, STEPS.len())}</span>
                    <button
                        type="button"
                        on:click=move |_| set_step.update(|s| *s = (*s + 1).min(STEPS.len() - 1))
                        prop:disabled=move || step.get() + 1 == STEPS.len()
                    >
                        "Next step"
                    </button>
                </div>
                <div class="step-text" aria-live="polite">
                    <h4>{move || STEPS[step.get()].title}</h4>
                    <p>{move || STEPS[step.get()].text}</p>
                </div>
                <div class="bytes">
                    <p class="direction">"Client → server"</p>
                    <pre>{request}</pre>
                    <p class="direction">"Server → client"</p>
                    <pre>{response}</pre>
                </div>
            </div>
            <p>
                "The accept value above is computed live by the same code as the "
                <a href=crate::route::accept_share(RFC_KEY).href().to_string()>"accept calculator"</a>
                "; the whole exchange is the linter's "
                <ExampleLink id="clean-browser" />
                " example, minus a browser's extra headers."
            </p>
        </section>
    }
}

/// A row of the header table.
struct HeaderRow {
    name: &'static str,
    sent_by: &'static str,
    purpose: &'static str,
    example: &'static str,
    rules: &'static [&'static str],
}

const HEADER_ROWS: &[HeaderRow] = &[
    HeaderRow {
        name: "Sec-WebSocket-Key",
        sent_by: "client",
        purpose: "A fresh random nonce (16 bytes, base64). The server folds it into its accept value to prove it read a WebSocket handshake: a script cannot use XHR or a form to talk to a WebSocket server, and a server that does not speak WebSocket is not taken for one (RFC 6455 §1.3, §1.6, §11.3.1). It is no secret and no credential: it gives neither authentication nor privacy.",
        example: "",
        rules: &["req.key.missing", "req.key.invalid", "req.key.noncanonical"],
    },
    HeaderRow {
        name: "Sec-WebSocket-Accept",
        sent_by: "server",
        purpose: "base64 of SHA-1(key + GUID): proof that this server read this very request.",
        example: "wrong-accept",
        rules: &["res.accept.missing", "res.accept.mismatch", "res.accept.duplicate"],
    },
    HeaderRow {
        name: "Sec-WebSocket-Version",
        sent_by: "client (server when refusing)",
        purpose: "13, the only version in use. A server that does not speak the client's version refuses and lists the versions it does speak.",
        example: "unsupported-version",
        rules: &["req.version.missing", "req.version.unsupported", "res.version-header"],
    },
    HeaderRow {
        name: "Sec-WebSocket-Protocol",
        sent_by: "both",
        purpose: "The client offers application protocols (chat.v1, graphql-ws…) in order of preference; the server picks one of them, or none.",
        example: "protocol-not-offered",
        rules: &["req.protocol.syntax", "res.protocol.not-offered", "res.protocol.missing"],
    },
    HeaderRow {
        name: "Sec-WebSocket-Extensions",
        sent_by: "both",
        purpose: "The client offers extensions such as permessage-deflate compression, with parameters; the server accepts some of them, possibly with adjusted parameters.",
        example: "clean-browser",
        rules: &["req.extensions.syntax", "res.extensions.not-offered", "pmd.param.value"],
    },
];

#[component]
pub(super) fn Headers() -> impl IntoView {
    view! {
        <section id="headers" tabindex="-1" aria-labelledby="headers-title">
            <h3 id="headers-title">"The Sec-WebSocket headers"</h3>
            <p>
                "Scripts in a page may not set headers whose names start with "
                <code>"Sec-"</code>
                ", so a server that sees them knows a browser (or a deliberate client), not a script forging a request, wrote them. "
                "Each name below opens a place to try it."
            </p>
            <Table label="Header table" class="headers-table" heads=&["Header", "Sent by", "What it is for", "Rules"]>
                {HEADER_ROWS
                    .iter()
                    .map(|row| {
                        let (href, what) = match row.name {
                            "Sec-WebSocket-Key" | "Sec-WebSocket-Accept" => {
                                (crate::route::accept_share(RFC_KEY).href().to_string(), "in the accept calculator")
                            }
                            _ => (format!("#/lint?ex={}", row.example), "in the linter"),
                        };
                        let example = (!row.example.is_empty())
                            .then(|| view! { " Example: " <ExampleLink id=row.example /> "." });
                        view! {
                            <tr>
                                <th scope="row">
                                    <a href=href>
                                        <code>{row.name}</code>
                                        <span class="visually-hidden">" " {what}</span>
                                    </a>
                                </th>
                                <td>{row.sent_by}</td>
                                <td>{row.purpose} {example}</td>
                                <td>
                                    <RuleLinks ids=row.rules />
                                </td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </Table>
        </section>
    }
}

/// An item of the tester's checklist and the rules that check it.
struct CheckItem {
    check: &'static str,
    why: &'static str,
    rules: &'static [&'static str],
    example: &'static str,
}

const CHECKLIST: &[CheckItem] = &[
    CheckItem {
        check: "The request carries the upgrade headers",
        why: "Without Upgrade: websocket and Connection: Upgrade (and a key and version) the server sees an ordinary GET and will not switch.",
        rules: &[
            "req.upgrade",
            "req.connection",
            "req.key.missing",
            "req.version.missing",
            "req.host",
            "req.method",
        ],
        example: "missing-upgrade-headers",
    },
    CheckItem {
        check: "The response status is 101",
        why: "Only 101 Switching Protocols means the protocol changed (any 2xx for HTTP/2 and HTTP/3). Anything else is a refusal, whatever its body says.",
        rules: &["res.status", "h2.status"],
        example: "refused-origin",
    },
    CheckItem {
        check: "Sec-WebSocket-Accept matches the key",
        why: "Clients recompute it and drop the connection on a mismatch: it shows that the server read this WebSocket handshake, so a server that does not speak WebSocket is never mistaken for one.",
        rules: &["res.accept.mismatch", "res.accept.missing", "res.accept.duplicate"],
        example: "wrong-accept",
    },
    CheckItem {
        check: "The connection stays open after the handshake",
        why: "The 101 hands the same TCP connection over to WebSocket, so it must not announce a body length or close the connection. Watching it stay open takes a live connection (the Live view).",
        rules: &["res.connection", "res.upgrade", "res.101.body"],
        example: "",
    },
    CheckItem {
        check: "What follows the switch is WebSocket frames",
        why: "No HTTP bodies or JSON responses after the 101, and no data from the client before it: both sides must wait for the handshake to finish.",
        rules: &["req.body", "res.101.body"],
        example: "",
    },
    CheckItem {
        check: "Closing uses a proper close code",
        why: "A Close frame carries a code from the table below, or none at all. 1004 is reserved, and 1005, 1006 and 1015 are only reported locally: none of the four is ever sent. This happens after the handshake, so a capture of the handshake cannot show it: try it in the Live view.",
        rules: &[],
        example: "",
    },
    CheckItem {
        check: "Missing upgrade headers → 400 or 426",
        why: "426 Upgrade Required with Upgrade: websocket tells the client what it should have asked for; 400 is also common.",
        rules: &["req.upgrade", "req.connection"],
        example: "missing-upgrade-headers",
    },
    CheckItem {
        check: "Unsupported version → 426 with Sec-WebSocket-Version",
        why: "The refusal must list the versions the server speaks, so the client can retry with one of them.",
        rules: &["req.version.unsupported", "res.version-header"],
        example: "unsupported-version",
    },
    CheckItem {
        check: "A refused upgrade → 403 or 404",
        why: "403 Forbidden for an origin the server does not trust, 404 Not Found for a path where nothing speaks WebSocket.",
        rules: &["res.status", "req.origin.missing"],
        example: "unknown-path",
    },
];

#[component]
pub(super) fn Checklist() -> impl IntoView {
    view! {
        <section id="checklist" tabindex="-1" aria-labelledby="checklist-title">
            <h3 id="checklist-title">"A tester's checklist"</h3>
            <p>
                "What to verify when testing a WebSocket endpoint, and the lint rules that verify it in a captured handshake. "
                "The last three are failure cases: send a broken request on purpose and check the status."
            </p>
            <ol class="checklist">
                {CHECKLIST
                    .iter()
                    .map(|item| {
                        view! {
                            <li>
                                <strong>{item.check}</strong>
                                <p>{item.why}</p>
                                {(!item.rules.is_empty())
                                    .then(|| view! { <p>"Checked by: " <RuleLinks ids=item.rules /></p> })}
                                {(!item.example.is_empty())
                                    .then(|| view! { <p>"Try: " <ExampleLink id=item.example /></p> })}
                                {item.rules.is_empty()
                                    .then(|| {
                                        view! {
                                            <p>
                                                "See the " <a href="#/learn?at=close-codes">"close codes"</a>
                                                ", then close a real connection in the " <a href="#/live">"Live view"</a> "."
                                            </p>
                                        }
                                    })}
                            </li>
                        }
                    })
                    .collect_view()}
            </ol>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_and_example_named_here_exists() {
        let rules = HEADER_ROWS.iter().flat_map(|r| r.rules).chain(CHECKLIST.iter().flat_map(|c| c.rules));
        for id in rules {
            assert!(handshake::rules::rule(id).is_some(), "{id}");
        }
        let examples = HEADER_ROWS
            .iter()
            .map(|r| r.example)
            .chain(CHECKLIST.iter().map(|c| c.example))
            .filter(|e| !e.is_empty());
        for id in examples {
            assert!(handshake::examples::example(id).is_some(), "{id}");
        }
        for step in STEPS {
            assert!(step.lines.iter().all(|&l| l <= 12));
        }
    }
}
