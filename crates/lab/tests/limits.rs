//! Every limit: the right status or close code, one log line, and the lab keeps
//! serving afterwards.

mod common;

use std::time::Duration;

use common::{Lab, field, read_to_close, split_response, upgrade_request};
use futures_util::{SinkExt, StreamExt};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

/// The lab still completes a handshake and echoes.
async fn still_serves(lab: &Lab) {
    let (mut ws, _) = lab.connect("/echo").await.expect("the lab still serves");
    ws.send(Message::text("still here")).await.expect("sent");
    assert_eq!(ws.next().await.expect("echo").expect("ok"), Message::text("still here"));
}

fn log_lines(lab: &Lab, needle: &str) -> usize {
    lab.log().lines().filter(|l| l.contains(needle)).count()
}

#[tokio::test]
async fn oversized_head_gets_431() {
    let lab = Lab::start();
    let padding = format!("X-Padding: {}\r\n", "a".repeat(20 * 1024));
    let bytes = lab.raw(upgrade_request("/echo", &padding).as_bytes()).await;
    let (status, head, _) = split_response(&bytes);
    assert_eq!(status, 431, "{head}");
    still_serves(&lab).await;
    assert_eq!(log_lines(&lab, "-> 431"), 1, "{}", lab.log());
}

#[tokio::test]
async fn too_many_header_fields_get_431() {
    let lab = Lab::start_with(&["--max-headers", "10"]);
    let extra: String = (0..20).map(|i| format!("X-F{i}: {i}\r\n")).collect();
    let (status, _, _) = split_response(&lab.raw(upgrade_request("/echo", &extra).as_bytes()).await);
    assert_eq!(status, 431);
    still_serves(&lab).await;
}

#[tokio::test]
async fn message_over_1_mib_closes_with_1009() {
    let lab = Lab::start();
    let config = WebSocketConfig::default().max_message_size(None).max_frame_size(None);
    let (mut ws, _) = tokio_tungstenite::connect_async_with_config(lab.url("/echo"), Some(config), false)
        .await
        .expect("open");
    // Exactly 1 MiB is allowed.
    let limit = vec![7u8; 1 << 20];
    ws.send(Message::binary(limit.clone())).await.expect("sent");
    assert_eq!(ws.next().await.expect("echo").expect("ok"), Message::binary(limit));
    // One byte more is not (RFC 6455 §7.4.1: 1009).
    let _ = ws.send(Message::binary(vec![7u8; (1 << 20) + 1])).await;
    let close = tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            match ws.next().await {
                Some(Ok(Message::Close(frame))) => return frame,
                Some(Ok(_)) => continue,
                other => panic!("no Close frame: {other:?}"),
            }
        }
    })
    .await
    .expect("a Close in time");
    assert_eq!(close.map(|f| f.code), Some(CloseCode::Size));
    still_serves(&lab).await;
    assert_eq!(log_lines(&lab, "close 1009"), 1, "{}", lab.log());
}

#[tokio::test]
async fn connection_over_capacity_gets_503() {
    let lab = Lab::start_with(&["--max-connections", "2"]);
    let (first, _) = lab.connect("/echo").await.expect("first");
    let (_second, _) = lab.connect("/echo").await.expect("second");
    let bytes = lab.raw(upgrade_request("/echo", "").as_bytes()).await;
    let (status, head, _) = split_response(&bytes);
    assert_eq!(status, 503, "{head}");
    assert_eq!(field(&head, "Retry-After"), Some("1"));
    assert_eq!(log_lines(&lab, "-> 503"), 1, "{}", lab.log());
    // A slot frees when a connection ends.
    drop(first);
    let mut served = false;
    for _ in 0..50 {
        if let Ok((mut ws, _)) = lab.connect("/echo").await {
            ws.send(Message::text("in")).await.expect("sent");
            served = ws.next().await.is_some_and(|m| m.is_ok());
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(served, "{}", lab.log());
}

#[tokio::test]
async fn idle_connection_is_closed_with_1001() {
    let lab = Lab::start_with(&["--idle-timeout-ms", "300"]);
    let (mut ws, _) = lab.connect("/echo").await.expect("open");
    let started = std::time::Instant::now();
    match tokio::time::timeout(Duration::from_secs(5), ws.next()).await {
        Ok(Some(Ok(Message::Close(Some(frame))))) => assert_eq!(frame.code, CloseCode::Away),
        other => panic!("{other:?}"),
    }
    assert!(started.elapsed() >= Duration::from_millis(250));
    still_serves(&lab).await;
    assert_eq!(log_lines(&lab, "close 1001"), 1, "{}", lab.log());
}

#[tokio::test]
async fn slow_head_gets_408() {
    let lab = Lab::start_with(&["--head-timeout-ms", "300"]);
    let mut stream = TcpStream::connect(lab.addr()).await.expect("connect");
    stream.write_all(b"GET /echo HTTP/1.1\r\nHost: x\r\n").await.expect("written");
    let (status, _, _) = split_response(&read_to_close(&mut stream).await);
    assert_eq!(status, 408);
    still_serves(&lab).await;
}

#[tokio::test]
async fn a_peer_that_stops_reading_is_dropped() {
    let lab = Lab::start_with(&["--idle-timeout-ms", "300"]);
    let (ws, _) = lab.connect("/echo").await.expect("open");
    let (mut sink, _stream) = ws.split();
    // Send without ever reading: the echoes fill the socket buffers and the lab's
    // send stalls. Bounded: 64 MiB at most, 10 s at most.
    let writer = tokio::spawn(async move {
        let chunk = vec![1u8; 1 << 20];
        for _ in 0..64 {
            if sink.send(Message::binary(chunk.clone())).await.is_err() {
                break;
            }
        }
    });
    let mut dropped = false;
    for _ in 0..100 {
        if log_lines(&lab, "did not read its echo") == 1 {
            dropped = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    writer.abort();
    assert!(dropped, "{}", lab.log());
    still_serves(&lab).await;
}
