//! The explainer: what `101 Switching Protocols` means, the exchange byte by
//! byte, the headers, the tester's checklist, failures and their status codes,
//! version negotiation, redirects, authentication, cross-site hijacking, mixed
//! content, the API's exceptions, TLS, how to simulate an upgrade, HTTP/2 and
//! HTTP/3, masking, the closing handshake, close codes, and the rule
//! catalogue. Rule texts, examples and accept values come from the core.

use handshake::Severity;
use handshake::accept;
use handshake::rules::CATALOGUE;
use leptos::prelude::*;

use crate::components::{CopyButton, code_text};
use crate::dom;
use crate::install::GetTools;
use crate::route;
use crate::simulate;
use crate::state::{AppState, RFC_KEY};
use handshake::reason_phrase;
use handshake::report::{Answer, ServerAnswers};

/// The sections, in page order: (id, title).
const SECTIONS: &[(&str, &str)] = &[
    ("why", "Why HTTP switches protocols"),
    ("exchange", "The exchange, step by step"),
    ("headers", "The Sec-WebSocket headers"),
    ("checklist", "A tester's checklist"),
    ("failures", "Failures and their status codes"),
    ("versions", "Version negotiation"),
    ("redirects", "Redirects"),
    ("auth", "Authentication from a browser"),
    ("hijacking", "Cross-site WebSocket hijacking"),
    ("mixed-content", "Mixed content"),
    ("api-errors", "Exceptions the browser API throws"),
    ("tls", "TLS, SNI and close code 1015"),
    ("simulate", "Simulate an upgrade"),
    ("h2", "HTTP/2 and HTTP/3"),
    ("masking", "Masking"),
    ("closing", "The closing handshake"),
    ("close-codes", "Close codes"),
    ("rules", "Every rule the linter checks"),
];

/// Links to rules of the catalogue, by id (a host test holds every id used on
/// this page to the catalogue).
#[component]
fn RuleLinks(
    /// Rule ids, as in `handshake::rules::CATALOGUE`.
    ids: &'static [&'static str],
) -> impl IntoView {
    view! {
        <span class="rule-links">
            {ids
                .iter()
                .map(|id| {
                    view! {
                        <a href=format!("#/learn?at=rule-{id}")>
                            <code>{*id}</code>
                        </a>
                        " "
                    }
                })
                .collect_view()}
        </span>
    }
}

/// A link that opens an example in the linter.
#[component]
fn ExampleLink(
    /// The example's id in `handshake::examples::EXAMPLES`.
    id: &'static str,
) -> impl IntoView {
    let title = handshake::examples::example(id).map_or(id, |e| e.title);
    view! { <a href=format!("#/lint?ex={id}")>{title}</a> }
}

/// The explainer view.
#[component]
pub fn LearnView() -> impl IntoView {
    let state = expect_context::<AppState>();
    // Show the section (or rule) the address names.
    Effect::new(move |_| {
        let at = state.learn_at.get();
        if !at.is_empty() {
            request_animation_frame(move || dom::focus_id(&at));
        }
    });
    view! {
        <section class="view learn" aria-labelledby="view-title">
            <h2 id="view-title" tabindex="-1">"Learn the WebSocket handshake"</h2>
            <p class="lede">
                "How a plain HTTP request turns into a WebSocket, what each header proves, "
                "and how to test a server's side of it. Every example opens in the linter or the calculator."
            </p>
            <nav class="toc" aria-label="On this page">
                <ol>
                    {SECTIONS
                        .iter()
                        .map(|(id, title)| view! { <li><a href=format!("#/learn?at={id}")>{*title}</a></li> })
                        .collect_view()}
                </ol>
            </nav>
            <Why />
            <Exchange />
            <Headers />
            <Checklist />
            <Failures />
            <Versions />
            <Redirects />
            <Auth />
            <Hijacking />
            <MixedContent />
            <ApiErrors />
            <Tls />
            <Simulate />
            <Http2 />
            <Masking />
            <Closing />
            <CloseCodes />
            <Rules />
        </section>
    }
}

#[component]
fn Why() -> impl IntoView {
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
fn Exchange() -> impl IntoView {
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
fn Headers() -> impl IntoView {
    view! {
        <section id="headers" tabindex="-1" aria-labelledby="headers-title">
            <h3 id="headers-title">"The Sec-WebSocket headers"</h3>
            <p>
                "Scripts in a page may not set headers whose names start with "
                <code>"Sec-"</code>
                ", so a server that sees them knows a browser (or a deliberate client), not a script forging a request, wrote them. "
                "Each name below opens a place to try it."
            </p>
            <div class="table-wrap" tabindex="0" role="group" aria-label="Header table">
                <table class="headers-table">
                    <thead>
                        <tr>
                            <th scope="col">"Header"</th>
                            <th scope="col">"Sent by"</th>
                            <th scope="col">"What it is for"</th>
                            <th scope="col">"Rules"</th>
                        </tr>
                    </thead>
                    <tbody>
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
                    </tbody>
                </table>
            </div>
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
fn Checklist() -> impl IntoView {
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
fn Failures() -> impl IntoView {
    let refused: Vec<_> = CATALOGUE.iter().filter(|r| r.status.is_some()).collect();
    let code = |c: Option<u16>| c.map_or_else(|| "—".to_string(), |c| c.to_string());
    view! {
        <section id="failures" tabindex="-1" aria-labelledby="failures-title">
            <h3 id="failures-title">"Failures and their status codes"</h3>
            <p>
                "A refused handshake is an ordinary HTTP response. A script in a browser never sees its status: "
                "the WebSocket just fires an error and closes with code 1006, so the status is only visible in DevTools, in a capture, or from a tool like curl."
            </p>
            <div class="table-wrap" tabindex="0" role="group" aria-label="Status codes">
                <table>
                    <thead>
                        <tr>
                            <th scope="col">"Status"</th>
                            <th scope="col">"Meaning for a handshake"</th>
                            <th scope="col">"Example"</th>
                        </tr>
                    </thead>
                    <tbody>
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
                    </tbody>
                </table>
            </div>
            <h4>"What real servers answer"</h4>
            <p>
                "Servers disagree on the status for the same mistake. For each rule a server must refuse: the status RFC 6455 and RFC 9110 point to, and what three common server libraries actually do, measured by this project's tests against ws 8.23, websockets 17.4 and gorilla 1.5.0: a status, \"accepts\" where they do not check, \"closes\" where they drop the connection without a response, and \"depends\" where the rule's explanation says on what. That is for a request that breaks that rule alone: each server checks in its own order and answers at its first objection, so for a request with several mistakes the linter's verdict gives each server's own answer. HTTP/2 rules have no column: these servers do not speak HTTP/2."
            </p>
            <div class="table-wrap" tabindex="0" role="group" aria-label="What real servers answer">
                <table>
                    <thead>
                        <tr>
                            <th scope="col">"Rule"</th>
                            <th scope="col">"Status"</th>
                            <th scope="col">"ws (Node)"</th>
                            <th scope="col">"websockets (Python)"</th>
                            <th scope="col">"gorilla (Go)"</th>
                        </tr>
                    </thead>
                    <tbody>
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
                    </tbody>
                </table>
            </div>
        </section>
    }
}

#[component]
fn Simulate() -> impl IntoView {
    let state = expect_context::<AppState>();
    let url = state.sim_url;
    // The calculator's key when it is a good one, else the RFC's sample key.
    let key = Memo::new(move |_| {
        state.key.with(|k| {
            if accept::judge_key(k).is_empty() { k.trim().to_string() } else { RFC_KEY.to_string() }
        })
    });
    let target = Memo::new(move |_| simulate::parse_target(&url.read()));
    let command = move |make: fn(&simulate::Target, &str) -> String| {
        Signal::derive(move || target.get().map(|t| make(&t, &key.get())).unwrap_or_default())
    };
    let curl = command(simulate::curl);
    let websocat = command(|t, _| simulate::websocat(t));
    let wscat = command(|t, _| simulate::wscat(t));
    let expected = Signal::derive(move || simulate::expected_response(&key.get()));
    let block = move |title: &'static str, what: &'static str, text: Signal<String>, note: &'static str| {
        view! {
            <h4>{title}</h4>
            <p class="muted">{note}</p>
            <div class="command">
                <pre tabindex="0">{move || text.get()}</pre>
                <CopyButton what=what text=text />
            </div>
        }
    };
    view! {
        <section id="simulate" tabindex="-1" aria-labelledby="simulate-title">
            <h3 id="simulate-title">"Simulate an upgrade"</h3>
            <p>
                "Most API tools stop at HTTP, but any tool that can send custom headers can perform the handshake: "
                "add the upgrade headers, send the GET, and check for 101. "
                "Type the endpoint's URL; the commands below are only written out, this page connects nowhere."
            </p>
            <label>
                "WebSocket URL"
                <input
                    type="url"
                    spellcheck="false"
                    autocomplete="off"
                    autocapitalize="off"
                    aria-describedby="sim-url-note"
                    prop:value=move || url.get()
                    on:input=move |ev| url.set(event_target_value(&ev))
                />
            </label>
            <p id="sim-url-note" class="muted">
                {move || match target.get() {
                    Ok(t) => format!("Connects to {} over {}.", t.authority, if t.secure { "TLS (wss)" } else { "plain TCP (ws)" }),
                    Err(e) => e,
                }}
            </p>
            <Show when=move || target.with(Result::is_ok)>
                {block(
                    "curl",
                    "the curl command",
                    curl,
                    "Any curl: the headers make the upgrade by hand. curl prints the response head, then waits on the open connection (stop it with Ctrl+C); it does not speak WebSocket frames.",
                )}
                <p>
                    <a href=move || route::lint_share(&curl.get()).href().to_string()>
                        "Lint the request this command sends"
                    </a>
                </p>
                {block(
                    "websocat",
                    "the websocat command",
                    websocat,
                    "A full client: lines you type are sent as text messages. -v logs what happens.",
                )}
                {block(
                    "wscat",
                    "the wscat command",
                    wscat,
                    "The command line client of Node's ws (npm install -g wscat).",
                )}
                {block(
                    "The response to expect",
                    "the expected response",
                    expected,
                    "From a correct server, to the curl command's key. The other two clients send keys of their own, so their accept values differ.",
                )}
            </Show>
            <p>
                "With the project's lab server running (" <code>"handshake-lab"</code> ", or "
                <code>"cargo xtask serve"</code> " in a clone), it listens on "
                <code>"ws://127.0.0.1:9001"</code> ": " <code>"/echo"</code> " answers 101 and echoes, "
                <code>"/reject/426"</code> ", " <code>"/reject/403"</code> " and " <code>"/reject/404"</code>
                " refuse, and " <code>"/bad/accept"</code> " sends a wrong accept, to see what a client does with each."
            </p>
            <GetTools />
        </section>
    }
}

#[component]
fn Http2() -> impl IntoView {
    view! {
        <section id="h2" tabindex="-1" aria-labelledby="h2-title">
            <h3 id="h2-title">"HTTP/2 and HTTP/3"</h3>
            <p>
                "HTTP/2 and HTTP/3 have no Upgrade mechanism and no 101: a connection carries many streams, and it cannot be handed over to another protocol. "
                <a href="https://www.rfc-editor.org/rfc/rfc8441" target="_blank" rel="noopener noreferrer">"RFC 8441"</a>
                " (HTTP/2) and "
                <a href="https://www.rfc-editor.org/rfc/rfc9220" target="_blank" rel="noopener noreferrer">"RFC 9220"</a>
                " (HTTP/3) instead turn one stream into a WebSocket with an extended CONNECT:"
            </p>
            <ul>
                <li>
                    "The server first advertises " <code>"SETTINGS_ENABLE_CONNECT_PROTOCOL = 1"</code>
                    "; without it the client must not try."
                </li>
                <li>
                    "The request is " <code>":method CONNECT"</code> " with " <code>":protocol websocket"</code>
                    ", plus " <code>":scheme"</code> ", " <code>":path"</code> " and " <code>":authority"</code> "."
                </li>
                <li>
                    "No Upgrade or Connection headers (they are forbidden in HTTP/2 and HTTP/3), and no key or accept: "
                    "RFC 8441 §5 says the :protocol pseudo-header supersedes them. "
                    <code>":scheme"</code> " is " <code>"https"</code> " for a wss:// URL and " <code>"http"</code>
                    " for ws://, never ws or wss; " <code>":path"</code> " is the path and query."
                </li>
                <li>"Success is any 2xx, normally 200. Version, Origin, Protocol and Extensions work as over HTTP/1.1, in lower case."</li>
                <li>"Many WebSockets then share one connection, each on its own stream."</li>
            </ul>
            <p>
                "Browsers use it only with a server that has advertised the setting on a connection they already have; otherwise they open an HTTP/1.1 connection for the WebSocket. "
                "Try the " <ExampleLink id="h2-extended-connect" /> " example; the rules: "
                <RuleLinks ids=&[
                    "h2.method",
                    "h2.protocol",
                    "h2.pseudo",
                    "h2.scheme",
                    "h2.connection-specific",
                    "h2.key-present",
                    "h2.status",
                ] />
            </p>
        </section>
    }
}

#[component]
fn CloseCodes() -> impl IntoView {
    use handshake::close::{CODES, CodeRange};
    let yes_no = |b: bool| if b { "yes" } else { "no" };
    let capitalised = crate::analysis::capitalise;
    // The core's codes, then the two ranges applications use.
    let rows = CODES
        .iter()
        .map(|c| {
            (
                c.code.to_string(),
                c.name,
                capitalised(c.meaning),
                c.sent,
                crate::live::close::refusal(c.code).is_none(),
            )
        })
        .chain([
            (
                "3000–3999".to_string(),
                "Registered",
                capitalised(CodeRange::Registered.describe()),
                true,
                true,
            ),
            ("4000–4999".to_string(), "Private use", capitalised(CodeRange::Private.describe()), true, true),
        ]);
    view! {
        <section id="close-codes" tabindex="-1" aria-labelledby="close-codes-title">
            <h3 id="close-codes-title">"Close codes"</h3>
            <p>
                "A Close frame may carry a two-byte code followed by a reason in UTF-8, or nothing at all; a Close without a code is reported as 1005 "
                "(RFC 6455 §5.5.1, §7.1.5). A control frame's payload is at most 125 bytes (§5.5), so a reason has at most 123, "
                "and close() refuses a longer one (WHATWG WebSockets). A script calling close() may only use 1000 or a code from 3000 to 4999; "
                "anything else throws. The codes are defined in RFC 6455 §7.4; 1012 to 1014 were added later, in the IANA registry only. "
                "A failed handshake never gets that far: the browser reports 1006."
            </p>
            <div class="table-wrap" tabindex="0" role="group" aria-label="Close codes table">
                <table>
                    <thead>
                        <tr>
                            <th scope="col">"Code"</th>
                            <th scope="col">"Name"</th>
                            <th scope="col">"Meaning"</th>
                            <th scope="col">"Sent on the wire"</th>
                            <th scope="col">"From a script"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {rows
                            .map(|(code, name, meaning, wire, script)| {
                                view! {
                                    <tr>
                                        <th scope="row">{code}</th>
                                        <td>{name}</td>
                                        <td>{meaning}</td>
                                        <td>{yes_no(wire)}</td>
                                        <td>{yes_no(script)}</td>
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
}

/// A link to a section of a standard, opening in a new tab.
#[component]
fn Cite(
    /// The section's address.
    #[prop(into)]
    href: String,
    children: Children,
) -> impl IntoView {
    view! {
        <a href=href target="_blank" rel="noopener noreferrer">
            {children()}
        </a>
    }
}

const RFC6455: &str = "https://www.rfc-editor.org/rfc/rfc6455";

/// `RFC 6455 §x` linked to the section.
fn rfc6455(section: &'static str) -> impl IntoView {
    view! { <Cite href=format!("{RFC6455}#section-{section}")>{format!("RFC 6455 §{section}")}</Cite> }
}

#[component]
fn Versions() -> impl IntoView {
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
fn Redirects() -> impl IntoView {
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
fn Auth() -> impl IntoView {
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
fn Hijacking() -> impl IntoView {
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
fn MixedContent() -> impl IntoView {
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
fn ApiErrors() -> impl IntoView {
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
fn Tls() -> impl IntoView {
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

#[component]
fn Masking() -> impl IntoView {
    view! {
        <section id="masking" tabindex="-1" aria-labelledby="masking-title">
            <h3 id="masking-title">"Masking"</h3>
            <p>
                "Every frame a client sends is masked: the client picks a fresh, unpredictable 32-bit key for each frame, puts it in the frame header "
                "and XORs the payload with it (" {rfc6455("5.3")} "). A server never masks, and each side must close the connection if the other "
                "gets this wrong (" {rfc6455("5.1")} ")."
            </p>
            <p>
                "Masking is not encryption: the key travels in clear next to the data, and it is applied over TLS too. It exists so that a script "
                "cannot choose the bytes that appear on the wire. Before WebSocket was standardised, experiments showed that data sent after an "
                "upgrade could be made to look like an HTTP request to a proxy that did not understand the upgrade, which then cached the attacker's "
                "answer and served it to other users: cache poisoning (" {rfc6455("10.3")}
                "). An unpredictable mask takes that control away. The handshake's key and accept do not do this job; they only prove that the server read a WebSocket handshake."
            </p>
        </section>
    }
}

#[component]
fn Closing() -> impl IntoView {
    view! {
        <section id="closing" tabindex="-1" aria-labelledby="closing-title">
            <h3 id="closing-title">"The closing handshake"</h3>
            <ol>
                <li>
                    "Either side starts: it sends a Close frame, with or without a code and reason, and sends no data after it."
                </li>
                <li>"The other side answers with a Close frame of its own, usually echoing the code (" {rfc6455("5.5.1")} ")."</li>
                <li>
                    "Once an endpoint has sent and received a Close, the TCP connection is shut. The server closes it first, at once; the client "
                    "waits for that and closes by itself only when the server takes too long, so that the server, not the client, keeps the "
                    "TIME_WAIT state (" {rfc6455("7.1.1")} ")."
                </li>
            </ol>
            <p>
                "A connection whose TCP closed after this exchange closed cleanly (" {rfc6455("7.1.4")} "). In the browser the close event then has "
                <Cite href="https://websockets.spec.whatwg.org/#dom-closeevent-wasclean">"wasClean"</Cite>
                " true and the code from the peer's Close frame, or 1005 when that frame had none (" {rfc6455("7.1.5")}
                "). When TCP ends without the exchange, wasClean is false and the code is 1006. close() without a code sends a Close frame with no body."
            </p>
            <p>"Close a real connection in the " <a href="#/live">"Live view"</a> " to see both sides of it."</p>
        </section>
    }
}

#[component]
fn Rules() -> impl IntoView {
    view! {
        <section id="rules" tabindex="-1" aria-labelledby="rules-title">
            <h3 id="rules-title">"Every rule the linter checks"</h3>
            <p>
                "The catalogue the linter, the command line tool and the lab server share, in the order a server meets them. "
                "Ids are stable: they appear in findings and in the command line tool's JSON."
            </p>
            <ul class="rule-list">
                {CATALOGUE
                    .iter()
                    .map(|r| {
                        let badge = match r.severity {
                            Severity::Error => "badge error",
                            Severity::Warning => "badge warning",
                            Severity::Info => "badge info",
                        };
                        let status = r.status.map(|s| format!(" A server answers {s} {}.", reason_phrase(s)));
                        view! {
                            <li id=format!("rule-{}", r.id) tabindex="-1">
                                <div class="finding-head">
                                    <span class=badge>{r.severity.as_str()}</span>
                                    <code class="rule-id">{r.id}</code>
                                    <a class="rfc" href=r.rfc_url target="_blank" rel="noopener noreferrer">{r.rfc}</a>
                                </div>
                                <p>{code_text(r.message)} "." {status}</p>
                                <details>
                                    <summary>"Why it matters"</summary>
                                    <p>{code_text(r.explanation)}</p>
                                    <p>
                                        <strong>"Fix: "</strong>
                                        {code_text(r.fix)}
                                    </p>
                                </details>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
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
            .chain(STATUSES.iter().map(|s| s.2))
            .filter(|e| !e.is_empty());
        for id in examples {
            assert!(handshake::examples::example(id).is_some(), "{id}");
        }
        for step in STEPS {
            assert!(step.lines.iter().all(|&l| l <= 12));
        }
    }
}
