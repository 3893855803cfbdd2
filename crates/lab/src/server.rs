//! The accept loop and one connection's life: read the head, answer it, then
//! hand an open connection to tungstenite.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use handshake::headers::upgrade_has_websocket;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;

use crate::http;
use crate::incoming::{self, HeadError};
use crate::judge;
use crate::limits::{Limits, MAX_REFUSING, RECORDS_KEPT};
use crate::records::{Record, Records};
use crate::response::Response;
use crate::route::{self, Route};
use crate::session::{self, Session};
use crate::upgrade::{self, Answer};

/// What the server runs with.
#[derive(Debug, Clone)]
pub struct Config {
    pub listen: SocketAddr,
    /// Origins that may read `GET /` and `GET /last` (CORS).
    pub allowed_origins: Vec<String>,
    pub limits: Limits,
}

/// The server's shared state.
#[derive(Debug)]
pub struct Lab {
    config: Config,
    records: Records,
    connections: Arc<Semaphore>,
    refusing: Arc<Semaphore>,
}

impl Lab {
    pub fn new(config: Config) -> Lab {
        let connections = Arc::new(Semaphore::new(config.limits.max_connections));
        Lab {
            config,
            records: Records::new(RECORDS_KEPT),
            connections,
            refusing: Arc::new(Semaphore::new(MAX_REFUSING)),
        }
    }
}

/// Accepts connections until the task is dropped.
pub async fn serve(listener: TcpListener, lab: Arc<Lab>) {
    loop {
        let (stream, peer) = match listener.accept().await {
            Ok(accepted) => accepted,
            Err(error) => {
                // Out of file descriptors and the like: back off, keep serving.
                log!("accept failed: {error}");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        match lab.connections.clone().try_acquire_owned() {
            Ok(permit) => {
                let lab = lab.clone();
                tokio::spawn(async move {
                    connection(stream, peer, &lab).await;
                    drop(permit);
                });
            }
            Err(_) => match lab.refusing.clone().try_acquire_owned() {
                Ok(permit) => {
                    let lab = lab.clone();
                    tokio::spawn(async move {
                        at_capacity(stream, peer, &lab).await;
                        drop(permit);
                    });
                }
                Err(_) => log!("{peer} over capacity, too many refusals pending -> closed"),
            },
        }
    }
}

/// Over the connection limit: 503 (RFC 9110 §15.6.4) once the head is in.
async fn at_capacity(mut stream: TcpStream, peer: SocketAddr, lab: &Lab) {
    let limits = &lab.config.limits;
    let _ =
        incoming::read_head(&mut stream, limits.max_head_bytes, limits.max_headers, Duration::from_secs(1))
            .await;
    log!("{peer} at capacity ({} connections) -> 503", limits.max_connections);
    let why = format!("the lab is at its limit of {} connections", limits.max_connections);
    send_and_close(stream, &Response::refusal(503, &why).to_bytes()).await;
}

/// One connection: a plain HTTP request or a WebSocket handshake.
async fn connection(mut stream: TcpStream, peer: SocketAddr, lab: &Lab) {
    let limits = &lab.config.limits;
    let incoming = match incoming::read_head(
        &mut stream,
        limits.max_head_bytes,
        limits.max_headers,
        limits.head_timeout,
    )
    .await
    {
        Ok(incoming) => incoming,
        Err(error) => return head_failed(stream, peer, error).await,
    };
    let (summary, reply) = reply(&incoming.head, lab);
    let (answer, target) = match reply {
        Reply::Plain(response) => {
            log!("{peer} {summary} -> {}", response.status);
            return send_and_close(stream, &response.to_bytes()).await;
        }
        Reply::Handshake { answer, target } => (answer, target),
    };

    let response = answer.response.to_bytes();
    let mut record = Record::new(peer, &target, route::id_of(&target));
    record.status = answer.response.status;
    record.lint = judge::exchange(&incoming.head, &response);
    record.note = answer.note;
    record.request = incoming.head;
    record.response = response;
    let record = Arc::new(record);
    lab.records.push(record.clone());
    log!("{peer} {summary} -> {} {}", record.status, record.note);

    let Some(session) = answer.session else {
        return send_and_close(stream, &record.response).await;
    };
    if stream.write_all(&record.response).await.is_err() {
        return;
    }
    let first = (session == Session::Mirror).then(|| record.to_json());
    drop(record);
    session::run(stream, incoming.rest, session, first, limits, peer).await;
}

/// How the lab replies to a head.
enum Reply {
    /// A plain HTTP answer, not recorded.
    Plain(Response),
    /// A WebSocket handshake answer, recorded.
    Handshake { answer: Answer, target: String },
}

/// The reply to a request head, and the request line for the log.
fn reply(head: &[u8], lab: &Lab) -> (String, Reply) {
    let request = handshake::head::parse_head(head, 0, 1).map(|(request, _, _)| request);
    let (Some(request), Some(method), Some(target)) = (
        request.as_ref(),
        request.as_ref().and_then(|r| r.method()),
        request.as_ref().and_then(|r| r.target()),
    ) else {
        let response = Response::refusal(400, "no request line (RFC 9112 §3)");
        return ("(no request line)".to_owned(), Reply::Plain(response));
    };
    let summary = format!("{} {}", method.escape_debug(), target.escape_debug());
    let route = Route::from_target(target);
    // No WebSocket route and no upgrade to websocket asked: plain HTTP.
    let asks_websocket =
        request.headers_named("Upgrade").any(|field| upgrade_has_websocket(field.value.as_str()));
    if !route.is_websocket() && !asks_websocket {
        let limits = &lab.config.limits;
        let origins = &lab.config.allowed_origins;
        let response = http::answer(route, request, &lab.records, limits, origins);
        return (summary, Reply::Plain(response));
    }
    let answer = upgrade::answer(route, request, head);
    let target = target.to_owned();
    (summary, Reply::Handshake { answer, target })
}

/// Answers a head that could not be read whole, when there is someone to answer.
async fn head_failed(stream: TcpStream, peer: SocketAddr, error: HeadError) {
    let response = match error {
        HeadError::TooLarge { limit } => {
            log!("{peer} request head over {limit} bytes -> 431");
            Response::refusal(431, &format!("the request head is over {limit} bytes"))
        }
        HeadError::TooManyHeaders { count, limit } => {
            log!("{peer} {count} header fields, over {limit} -> 431");
            Response::refusal(431, &format!("{count} header fields, over the limit of {limit}"))
        }
        HeadError::TimedOut => {
            log!("{peer} request head did not arrive in time -> 408");
            Response::refusal(408, "the request head did not arrive in time")
        }
        HeadError::Closed { received } => {
            log!("{peer} closed after {received} bytes, before a whole request head");
            return;
        }
    };
    send_and_close(stream, &response.to_bytes()).await;
}

/// Writes a final response, then closes gently: shut down our side and read what
/// the client still sends for a moment, so the close is not a reset that could
/// destroy the response before the client reads it (RFC 9112 §9.6).
async fn send_and_close(mut stream: TcpStream, response: &[u8]) {
    if stream.write_all(response).await.is_err() {
        return;
    }
    let _ = stream.shutdown().await;
    let _ = tokio::time::timeout(Duration::from_secs(1), async {
        let mut sink = [0u8; 16 * 1024];
        let mut drained = 0usize;
        while let Ok(n) = stream.read(&mut sink).await {
            drained += n;
            if n == 0 || drained > 4 * 1024 * 1024 {
                break;
            }
        }
    })
    .await;
}
