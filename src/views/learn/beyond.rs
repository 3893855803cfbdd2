//! How to simulate an upgrade, HTTP/2 and HTTP/3, masking, the closing
//! handshake, close codes, and the rule catalogue.

use handshake::accept;
use handshake::rules::CATALOGUE;
use leptos::prelude::*;

use crate::components::{CopyButton, RuleWhy, code_text, severity_class};
use crate::install::GetTools;
use crate::route;
use crate::simulate;
use crate::state::{AppState, RFC_KEY};
use handshake::reason_phrase;

use super::{Cite, ExampleLink, RuleLinks, Table, rfc6455};

#[component]
pub(super) fn Simulate() -> impl IntoView {
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
pub(super) fn Http2() -> impl IntoView {
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
pub(super) fn CloseCodes() -> impl IntoView {
    use handshake::close::{CODES, CodeRange};
    let yes_no = |b: bool| if b { "yes" } else { "no" };
    let capitalised = crate::analysis::capitalise;
    // The core's codes, then the two ranges applications use.
    let rows = CODES
        .iter()
        .map(move |c| {
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
            <Table label="Close codes table" heads=&["Code", "Name", "Meaning", "Sent on the wire", "From a script"]>
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
            </Table>
        </section>
    }
}

#[component]
pub(super) fn Masking() -> impl IntoView {
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
pub(super) fn Closing() -> impl IntoView {
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
pub(super) fn Rules() -> impl IntoView {
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
                        let status = r.status.map(|s| format!(" A server answers {s} {}.", reason_phrase(s)));
                        view! {
                            <li id=format!("rule-{}", r.id) tabindex="-1">
                                <div class="finding-head">
                                    <span class=severity_class(r.severity)>{r.severity.as_str()}</span>
                                    <code class="rule-id">{r.id}</code>
                                    <a class="rfc" href=r.rfc_url target="_blank" rel="noopener noreferrer">{r.rfc}</a>
                                </div>
                                <p>{code_text(r.message)} "." {status}</p>
                                <RuleWhy rule=r />
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </section>
    }
}
