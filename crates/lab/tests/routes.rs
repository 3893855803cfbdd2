//! Every route of a real `handshake-lab` process, driven by tungstenite's client
//! and by raw TCP writes.

mod common;

use common::{ACCEPT, KEY, Lab, field, read_response_head, split_response, upgrade_request};
use futures_util::{SinkExt, StreamExt};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::error::{ProtocolError, SubProtocolError};
use tokio_tungstenite::tungstenite::protocol::Role;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::{Error, Message};

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

#[tokio::test]
async fn index_lists_every_route() {
    let lab = Lab::start();
    let (status, head, body) = lab.get("/", None).await;
    assert_eq!(status, 200, "{head}");
    assert_eq!(field(&head, "Content-Type"), Some("application/json"));
    let index = json(&body);
    let paths: Vec<&str> =
        index["routes"].as_array().expect("routes").iter().filter_map(|r| r["path"].as_str()).collect();
    for path in [
        "/echo",
        "/mirror",
        "/subprotocol",
        "/reject/400",
        "/reject/403",
        "/reject/404",
        "/reject/426",
        "/bad/accept",
        "/bad/upgrade",
        "/bad/connection",
        "/bad/protocol",
        "/close/{code}",
        "/last?id={id}",
    ] {
        assert!(paths.contains(&path), "{path} missing from {paths:?}");
    }
    assert_eq!(index["limits"]["max_message_bytes"], 1 << 20);

    // An upgrade to something other than websocket is still plain HTTP.
    let request = format!(
        "GET / HTTP/1.1\r\nHost: {}\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n\r\n",
        lab.addr()
    );
    let (status, head, _) = split_response(&lab.raw(request.as_bytes()).await);
    assert_eq!(status, 200, "{head}");
}

#[tokio::test]
async fn cors_only_for_the_apps_origins() {
    let lab = Lab::start_with(&["--allow-origin", "http://127.0.0.1:43123"]);
    for origin in ["http://127.0.0.1:8080", "http://localhost:8080", "http://127.0.0.1:43123"] {
        let (_, head, _) = lab.get("/", Some(origin)).await;
        assert_eq!(field(&head, "Access-Control-Allow-Origin"), Some(origin), "{head}");
    }
    let (_, head, _) = lab.get("/last", Some("http://evil.example")).await;
    assert_eq!(field(&head, "Access-Control-Allow-Origin"), None, "{head}");
    assert_eq!(field(&head, "Vary"), Some("Origin"));
    let (_, head, _) = lab.get("/", None).await;
    assert_eq!(field(&head, "Access-Control-Allow-Origin"), None, "{head}");
}

#[tokio::test]
async fn echo_sends_back_text_and_binary() {
    let lab = Lab::start();
    let (mut ws, response) = lab.connect("/echo").await.expect("open");
    assert_eq!(response.status(), 101);
    ws.send(Message::text("hello, lab")).await.expect("sent");
    assert_eq!(ws.next().await.expect("a reply").expect("ok"), Message::text("hello, lab"));
    let bytes: Vec<u8> = (0..=255).collect();
    ws.send(Message::binary(bytes.clone())).await.expect("sent");
    assert_eq!(ws.next().await.expect("a reply").expect("ok"), Message::binary(bytes));
    ws.send(Message::Ping("p".into())).await.expect("sent");
    assert_eq!(ws.next().await.expect("a reply").expect("ok"), Message::Pong("p".into()));
    ws.close(None).await.expect("closed");
}

#[tokio::test]
async fn mirror_shows_the_exact_request_and_response() {
    let lab = Lab::start();
    // Unusual but valid spelling: the mirror must return it byte for byte.
    let request = upgrade_request("/mirror?id=m1", "X-Odd:   spaced  \r\nsec-websocket-extensions: x\r\n");
    let mut stream = TcpStream::connect(lab.addr()).await.expect("connect");
    stream.write_all(request.as_bytes()).await.expect("written");
    let (head, rest) = read_response_head(&mut stream).await;
    assert!(head.starts_with("HTTP/1.1 101 Switching Protocols\r\n"), "{head}");
    assert_eq!(field(&head, "Sec-WebSocket-Accept"), Some(ACCEPT));
    let mut ws = WebSocketStream::from_partially_read(stream, rest, Role::Client, None).await;
    let first = ws.next().await.expect("a first message").expect("ok");
    let record = json(first.to_text().expect("text"));
    assert_eq!(record["request"], request.as_str());
    assert_eq!(record["response"], head.as_str());
    assert_eq!(record["id"], "m1");
    assert_eq!(record["status"], 101);
    let verdict = &record["lint"]["exchanges"][0]["verdict"];
    assert_eq!(verdict["server_accepts"], true, "{record}");
    assert_eq!(verdict["browser_accepts"], true, "{record}");
    ws.send(Message::text("after")).await.expect("sent");
    assert_eq!(ws.next().await.expect("echo").expect("ok"), Message::text("after"));
}

#[tokio::test]
async fn subprotocol_picks_the_first_offered() {
    let lab = Lab::start();
    let (mut ws, response) = lab.connect_offering("/subprotocol", "chat, superchat").await.expect("open");
    let chosen = response.headers().get("Sec-WebSocket-Protocol");
    assert_eq!(chosen.and_then(|v| v.to_str().ok()), Some("chat"));
    ws.send(Message::text("x")).await.expect("sent");
    assert_eq!(ws.next().await.expect("echo").expect("ok"), Message::text("x"));
    let (_, response) = lab.connect("/subprotocol").await.expect("open");
    assert!(response.headers().get("Sec-WebSocket-Protocol").is_none());
}

#[tokio::test]
async fn reject_answers_each_status_with_its_fields() {
    let lab = Lab::start();
    for status in [400u16, 403, 404, 426] {
        let bytes = lab.raw(upgrade_request(&format!("/reject/{status}"), "").as_bytes()).await;
        let (got, head, body) = split_response(&bytes);
        assert_eq!(got, status, "{head}");
        assert_eq!(field(&head, "Content-Length"), Some(body.len().to_string().as_str()));
        if status == 426 {
            // RFC 9110 §15.5.22 and RFC 6455 §4.2.2.
            assert_eq!(field(&head, "Upgrade"), Some("websocket"), "{head}");
            assert_eq!(field(&head, "Sec-WebSocket-Version"), Some("13"), "{head}");
        }
        match lab.connect(&format!("/reject/{status}")).await {
            Err(Error::Http(response)) => assert_eq!(response.status(), status),
            other => panic!("/reject/{status}: {other:?}"),
        }
    }
}

#[tokio::test]
async fn bad_routes_fail_tungstenites_client() {
    let lab = Lab::start();
    let cases: [(&str, ProtocolError); 3] = [
        ("/bad/accept", ProtocolError::SecWebSocketAcceptKeyMismatch),
        ("/bad/upgrade", ProtocolError::MissingUpgradeWebSocketHeader),
        ("/bad/connection", ProtocolError::MissingConnectionUpgradeHeader),
    ];
    for (path, expected) in cases {
        match lab.connect(path).await {
            Err(Error::Protocol(got)) => assert_eq!(got, expected, "{path}"),
            other => panic!("{path}: {other:?}"),
        }
    }
    match lab.connect("/bad/protocol").await {
        Err(Error::Protocol(ProtocolError::SecWebSocketSubProtocolError(e))) => {
            assert_eq!(e, SubProtocolError::ServerSentSubProtocolNoneRequested)
        }
        other => panic!("/bad/protocol: {other:?}"),
    }
    match lab.connect_offering("/bad/protocol", "chat").await {
        Err(Error::Protocol(ProtocolError::SecWebSocketSubProtocolError(e))) => {
            assert_eq!(e, SubProtocolError::InvalidSubProtocol)
        }
        other => panic!("/bad/protocol offering chat: {other:?}"),
    }
}

#[tokio::test]
async fn close_route_closes_with_its_code() {
    let lab = Lab::start();
    let (mut ws, _) = lab.connect("/close/4000").await.expect("open");
    match ws.next().await {
        Some(Ok(Message::Close(Some(frame)))) => assert_eq!(frame.code, CloseCode::from(4000)),
        other => panic!("{other:?}"),
    }
    let (mut ws, _) = lab.connect("/close/1000").await.expect("open");
    match ws.next().await {
        Some(Ok(Message::Close(Some(frame)))) => assert_eq!(frame.code, CloseCode::Normal),
        other => panic!("{other:?}"),
    }
    // 1006 is never sent on the wire (RFC 6455 §7.4.1): no such resource.
    let (status, _, _) = split_response(&lab.raw(upgrade_request("/close/1006", "").as_bytes()).await);
    assert_eq!(status, 404);
}

#[tokio::test]
async fn last_explains_a_failed_handshake() {
    let lab = Lab::start();
    assert!(lab.connect("/bad/accept?id=page-42").await.is_err());
    let (status, head, body) = lab.get("/last?id=page-42", Some("http://127.0.0.1:8080")).await;
    assert_eq!(status, 200, "{head}");
    assert_eq!(field(&head, "Access-Control-Allow-Origin"), Some("http://127.0.0.1:8080"));
    let record = json(&body);
    assert_eq!(record["id"], "page-42");
    assert_eq!(record["target"], "/bad/accept?id=page-42");
    assert_eq!(record["status"], 101);
    let request = record["request"].as_str().expect("request");
    assert!(request.starts_with("GET /bad/accept?id=page-42 HTTP/1.1\r\n"), "{request}");
    let response = record["response"].as_str().expect("response");
    assert!(response.starts_with("HTTP/1.1 101 "), "{response}");
    assert!(record["note"].as_str().expect("note").contains("Sec-WebSocket-Accept"));
    let exchange = &record["lint"]["exchanges"][0];
    assert_eq!(exchange["verdict"]["browser_accepts"], false, "{record}");
    let key = request
        .split("\r\n")
        .find_map(|l| l.strip_prefix("Sec-WebSocket-Key: "))
        .expect("tungstenite sent a key");
    assert_eq!(exchange["expected_accept"], handshake::accept::accept(key));
    assert_ne!(response, format!("Sec-WebSocket-Accept: {}", handshake::accept::accept(key)));

    let (status, _, _) = lab.get("/last?id=never-seen", None).await;
    assert_eq!(status, 404);
    let (status, _, _) = lab.get("/last?id=%3Cscript%3E", None).await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn not_an_upgrade_is_refused_as_the_core_says_and_recorded() {
    let lab = Lab::start();
    // A plain GET to a WebSocket route: the core expects 426 (RFC 9110 §15.5.22).
    let request = format!("GET /echo?id=plain HTTP/1.1\r\nHost: {}\r\n\r\n", lab.addr());
    let (status, head, _) = split_response(&lab.raw(request.as_bytes()).await);
    assert_eq!(status, 426, "{head}");
    assert_eq!(field(&head, "Upgrade"), Some("websocket"), "{head}");
    assert_eq!(field(&head, "Sec-WebSocket-Version"), Some("13"), "{head}");
    let (found, _, body) = lab.get("/last?id=plain", None).await;
    assert_eq!(found, 200);
    let record = json(&body);
    assert_eq!(record["status"], 426);
    assert_eq!(record["lint"]["exchanges"][0]["verdict"]["expected_status"], 426);

    // Each refusal comes from the core's verdict, with the fields its status needs.
    let cases = [
        ("version 12", "Sec-WebSocket-Version: 13", "Sec-WebSocket-Version: 12"),
        ("no key", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n", ""),
        ("short key", "dGhlIHNhbXBsZSBub25jZQ==", "SW52YWxpZEtleQ=="),
        ("POST", "GET /echo", "POST /echo"),
        ("HTTP/1.0", "HTTP/1.1", "HTTP/1.0"),
    ];
    for (what, from, to) in cases {
        let request = upgrade_request("/echo", "").replacen(from, to, 1);
        let (status, head, _) = split_response(&lab.raw(request.as_bytes()).await);
        let expected = expected_status(&request);
        assert_eq!(Some(status), expected, "{what}: {head}");
        if status == 405 {
            assert_eq!(field(&head, "Allow"), Some("GET"), "{head}");
        }
        if status == 426 {
            assert_eq!(field(&head, "Upgrade"), Some("websocket"), "{head}");
        }
    }

    // An upgrade to a path that is no WebSocket endpoint.
    let (status, _, _) = split_response(&lab.raw(upgrade_request("/nowhere", "").as_bytes()).await);
    assert_eq!(status, 404);
    // Not HTTP at all.
    let (status, _, _) = split_response(&lab.raw(b"\x16\x03\x01hello\r\n\r\n").await);
    assert_eq!(status, 400);
}

/// The status the core expects a server to refuse `request` with.
fn expected_status(request: &str) -> Option<u16> {
    let lint = handshake::lint(request.as_bytes()).expect("a lintable request");
    lint.exchanges[0].verdict.expected_status
}

#[tokio::test]
async fn the_core_sees_every_deliberate_breakage() {
    let lab = Lab::start();
    let cases = [
        ("/echo", None),
        ("/bad/accept", Some("res.accept.mismatch")),
        ("/bad/upgrade", Some("res.upgrade")),
        ("/bad/connection", Some("res.connection")),
        ("/bad/protocol", Some("res.protocol.not-offered")),
        ("/reject/403", Some("res.status")),
    ];
    for (n, (path, rule)) in cases.into_iter().enumerate() {
        let id = format!("breakage-{n}");
        let opened = lab.connect(&format!("{path}?id={id}")).await;
        assert_eq!(opened.is_ok(), rule.is_none(), "{path}");
        let (_, _, body) = lab.get(&format!("/last?id={id}"), None).await;
        let record = json(&body);
        let exchange = &record["lint"]["exchanges"][0];
        let errors: Vec<&str> = exchange["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter(|f| f["severity"] == "error")
            .filter_map(|f| f["rule"].as_str())
            .collect();
        assert_eq!(exchange["verdict"]["server_accepts"], true, "{path}: {record}");
        match rule {
            None => {
                assert!(errors.is_empty(), "{path}: {errors:?}");
                assert_eq!(exchange["verdict"]["browser_accepts"], true);
            }
            Some(rule) => {
                assert!(errors.contains(&rule), "{path}: {rule} not in {errors:?}");
                assert_eq!(exchange["verdict"]["browser_accepts"], false);
            }
        }
    }
}

#[tokio::test]
async fn refusals_carry_what_the_core_checks() {
    let lab = Lab::start();
    for status in [400u16, 403, 404, 426] {
        let id = format!("refusal-{status}");
        let _ = lab.raw(upgrade_request(&format!("/reject/{status}?id={id}"), "").as_bytes()).await;
        let (_, _, body) = lab.get(&format!("/last?id={id}"), None).await;
        let record = json(&body);
        let rules: Vec<&str> = record["lint"]["exchanges"][0]["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter(|f| f["side"] == "response")
            .filter_map(|f| f["rule"].as_str())
            .collect();
        // Only the refusal itself: no missing Upgrade or Sec-WebSocket-Version.
        assert_eq!(rules, ["res.status"], "/reject/{status}: {record}");
    }
}

#[tokio::test]
async fn raw_handshake_gets_the_rfc_accept() {
    let lab = Lab::start();
    let mut stream = TcpStream::connect(lab.addr()).await.expect("connect");
    stream.write_all(upgrade_request("/echo", "").as_bytes()).await.expect("written");
    let (head, _) = read_response_head(&mut stream).await;
    // RFC 6455 §4.2.2's example key gets the example accept.
    assert_eq!(
        head,
        format!(
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
             Sec-WebSocket-Accept: {ACCEPT}\r\n\r\n"
        )
    );
    let _ = KEY;
}

#[tokio::test]
async fn exits_cleanly_on_sigterm() {
    let lab = Lab::start();
    let log = lab.log.clone();
    let status = lab.terminate();
    assert!(status.success(), "{status:?}");
    let log = std::fs::read_to_string(log).unwrap_or_default();
    assert!(log.contains("SIGTERM"), "{log}");
}
