//! What happens after the 101: tungstenite does the framing, the lab echoes,
//! mirrors or closes, within the message-size and idle limits.

use std::net::SocketAddr;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use tokio::io::AsyncReadExt;
use tokio::net::TcpStream;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::{CloseFrame, Role, WebSocketConfig};
use tokio_tungstenite::tungstenite::{Error, Message};

use crate::limits::{CLOSE_TIMEOUT, Limits, READ_BUFFER_BYTES};

/// The session a route runs once the connection is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Session {
    /// Every text and binary message is sent back as it came.
    Echo,
    /// The handshake record as the first message, then echo.
    Mirror,
    /// A Close frame with this code right away.
    Close(u16),
}

/// Runs `session` on an open connection; `rest` is what the client sent after its
/// request head, `first` the mirror's first message.
pub async fn run(
    stream: TcpStream,
    rest: Vec<u8>,
    session: Session,
    first: Option<String>,
    limits: &Limits,
    peer: SocketAddr,
) {
    let config = WebSocketConfig::default()
        .read_buffer_size(READ_BUFFER_BYTES)
        // Room for one echoed message on top of the write buffer, no more.
        .max_write_buffer_size(2 * limits.max_message_bytes + 256 * 1024)
        .max_message_size(Some(limits.max_message_bytes))
        .max_frame_size(Some(limits.max_message_bytes));
    let mut ws = WebSocketStream::from_partially_read(stream, rest, Role::Server, Some(config)).await;
    match session {
        Session::Echo => echo(ws, limits.idle_timeout, peer).await,
        Session::Mirror => {
            if let Some(first) = first
                && ws.send(Message::text(first)).await.is_err()
            {
                return;
            }
            echo(ws, limits.idle_timeout, peer).await;
        }
        Session::Close(code) => {
            let reason = format!("closed on purpose by /close/{code}");
            close(ws, CloseCode::from(code), &reason).await;
        }
    }
}

/// Echoes until the peer closes, breaks a limit or goes quiet.
async fn echo(mut ws: WebSocketStream<TcpStream>, idle: Duration, peer: SocketAddr) {
    loop {
        let message = match tokio::time::timeout(idle, ws.next()).await {
            Err(_) => {
                log!("{peer} idle for {} ms -> close 1001", idle.as_millis());
                return close(ws, CloseCode::Away, "idle timeout").await;
            }
            Ok(None) => return,
            Ok(Some(Ok(message))) => message,
            Ok(Some(Err(error))) => return fail(ws, error, peer).await,
        };
        match message {
            Message::Text(_) | Message::Binary(_) => {
                // A peer that stops reading holds no slot for longer than the idle limit.
                match tokio::time::timeout(idle, ws.send(message)).await {
                    Ok(Ok(())) => {}
                    Ok(Err(_)) => return,
                    Err(_) => {
                        log!("{peer} did not read its echo for {} ms -> dropped", idle.as_millis());
                        return;
                    }
                }
            }
            // Pings are answered by tungstenite (RFC 6455 §5.5.2), and so is the
            // peer's Close (§5.5.1); the stream ends after it.
            Message::Ping(_) | Message::Pong(_) | Message::Close(_) | Message::Frame(_) => {}
        }
    }
}

/// Closes after a read error with the code the error calls for (RFC 6455 §7.4.1).
async fn fail(ws: WebSocketStream<TcpStream>, error: Error, peer: SocketAddr) {
    let (code, reason) = match &error {
        Error::Capacity(_) => (CloseCode::Size, "message too big"),
        Error::Utf8(_) => (CloseCode::Invalid, "text is not UTF-8"),
        Error::Protocol(_) => (CloseCode::Protocol, "protocol error"),
        // The connection is gone: nothing to close.
        _ => {
            log!("{peer} connection lost: {error}");
            return;
        }
    };
    log!("{peer} {error} -> close {}", u16::from(code));
    close(ws, code, reason).await;
}

/// Sends a Close frame, waits a bounded time for the peer's (RFC 6455 §7.1.1: the
/// server closes the TCP connection after the exchange), then drops the connection.
async fn close(mut ws: WebSocketStream<TcpStream>, code: CloseCode, reason: &str) {
    let frame = CloseFrame { code, reason: reason.into() };
    if ws.close(Some(frame)).await.is_err() {
        return;
    }
    let waited = tokio::time::timeout(CLOSE_TIMEOUT, async {
        loop {
            match ws.next().await {
                Some(Ok(_)) => continue,
                None => return,
                // Unreadable rest (say, the tail of an oversized message): read it
                // raw and drop it, so the close is not turned into a reset.
                Some(Err(_)) => {
                    let mut sink = [0u8; 16 * 1024];
                    while let Ok(n) = ws.get_mut().read(&mut sink).await {
                        if n == 0 {
                            return;
                        }
                    }
                    return;
                }
            }
        }
    })
    .await;
    drop(waited);
}
