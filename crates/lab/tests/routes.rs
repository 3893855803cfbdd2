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
    assert!(record.get("lint").is_some(), "{record}");
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
    assert!(record.get("lint").is_some());

    let (status, _, _) = lab.get("/last?id=never-seen", None).await;
    assert_eq!(status, 404);
    let (status, _, _) = lab.get("/last?id=%3Cscript%3E", None).await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn not_an_upgrade_is_refused_and_recorded() {
    let lab = Lab::start();
    // A plain GET to a WebSocket route: no Upgrade, no key.
    let request = format!("GET /echo?id=plain HTTP/1.1\r\nHost: {}\r\n\r\n", lab.addr());
    let (status, head, _) = split_response(&lab.raw(request.as_bytes()).await);
    assert!((400..500).contains(&status), "{head}");
    let (found, _, body) = lab.get("/last?id=plain", None).await;
    assert_eq!(found, 200);
    assert_eq!(json(&body)["status"], status);

    // An upgrade to a path that is no WebSocket endpoint.
    let (status, _, _) = split_response(&lab.raw(upgrade_request("/nowhere", "").as_bytes()).await);
    assert_eq!(status, 404);
    // Not HTTP at all.
    let (status, _, _) = split_response(&lab.raw(b"\x16\x03\x01hello\r\n\r\n").await);
    assert_eq!(status, 400);
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
