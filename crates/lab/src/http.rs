//! Plain HTTP (no upgrade): `GET /` lists the routes, `GET /last?id=` returns a
//! handshake record. Both are read by the web app, so they carry CORS for its
//! origins only: a record holds what the browser sent, cookies included.
//! `GET /.well-known/handshake-lab` says only that this is a lab and its version,
//! to any origin, so a page the lab does not share with can still tell it is there.

use handshake::head::Head;

use crate::json;
use crate::limits::{Limits, RECORDS_KEPT};
use crate::records::Records;
use crate::response::Response;
use crate::route::{self, Route};

/// Answers a plain HTTP request.
pub fn answer(
    route: Route,
    request: &Head<'_>,
    records: &Records,
    limits: &Limits,
    allowed_origins: &[String],
) -> Response {
    if route == Route::About {
        return about(request.method());
    }
    let response = if request.method() != Some("GET") {
        // RFC 9110 §15.5.6: 405 with Allow.
        Response::json(405, error_json("only GET is served")).field("Allow", "GET")
    } else {
        match route {
            Route::Index => Response::json(200, index_json(limits)),
            Route::Last => last(request.target().unwrap_or_default(), records),
            _ => Response::json(404, error_json("no such resource; GET / lists the routes")),
        }
    };
    cors(response, request.header("Origin"), allowed_origins)
}

/// `GET /.well-known/handshake-lab`: `{"name":"handshake-lab","version":...}`, with
/// `Access-Control-Allow-Origin: *` (Fetch standard, CORS protocol: a credential-less
/// answer any page may read), never cached, since a lab comes and goes.
fn about(method: Option<&str>) -> Response {
    let response = if method == Some("GET") {
        Response::json(200, about_json())
    } else {
        Response::json(405, error_json("only GET is served")).field("Allow", "GET")
    };
    response.field("Access-Control-Allow-Origin", "*").field("Cache-Control", "no-store")
}

/// The body of `GET /.well-known/handshake-lab`: nothing about requests or records.
fn about_json() -> String {
    format!("{{\"name\":\"handshake-lab\",\"version\":{}}}", json::string(env!("CARGO_PKG_VERSION")))
}

/// `GET /last?id=ID`: the newest record with that id; without `id`, the newest.
fn last(target: &str, records: &Records) -> Response {
    let id = route::id_of(target);
    if id.is_none() && route::has_id_param(target) {
        return Response::json(400, error_json("id must be 1 to 64 characters from A-Z a-z 0-9 - _ . ~"));
    }
    match records.find(id) {
        Some(record) => Response::json(200, record.to_json()),
        None => Response::json(404, error_json("no handshake recorded with this id (or it aged out)")),
    }
}

/// `Access-Control-Allow-Origin` for an allowed origin only (Fetch standard, CORS
/// protocol); `Vary: Origin` always, since the answer depends on it (RFC 9110 §12.5.5).
fn cors(response: Response, origin: Option<&str>, allowed: &[String]) -> Response {
    let response = response.field("Vary", "Origin");
    match origin {
        Some(origin) if allowed.iter().any(|a| a == origin) => {
            response.field("Access-Control-Allow-Origin", origin)
        }
        _ => response,
    }
}

fn error_json(message: &str) -> String {
    format!("{{\"error\":{}}}", json::string(message))
}

/// Each route: its path and one sentence (its kind and what a client sees
/// come from [`Route`]).
const ROUTES: &[(&str, &str)] = &[
    ("/", "this list, as JSON"),
    ("/.well-known/handshake-lab", "only that this is a lab and its version, readable from any origin"),
    (
        "/last?id={id}",
        "the record (request, response, lint report) of the newest handshake that carried ?id={id}; 404 when none",
    ),
    ("/echo", "echoes every message"),
    (
        "/mirror",
        "first message: the handshake record as JSON (the exact request and response bytes and the core's lint report); then echoes",
    ),
    ("/subprotocol", "selects the first offered subprotocol; then echoes"),
    ("/reject/400", "answers 400 Bad Request"),
    ("/reject/403", "answers 403 Forbidden, as for a refused Origin"),
    ("/reject/404", "answers 404 Not Found"),
    ("/reject/426", "answers 426 Upgrade Required with Upgrade: websocket and Sec-WebSocket-Version: 13"),
    ("/bad/accept", "101 with a Sec-WebSocket-Accept for another key"),
    ("/bad/upgrade", "101 with Upgrade: h2c"),
    ("/bad/connection", "101 with Connection: keep-alive"),
    ("/bad/protocol", "101 selecting a subprotocol the client never offered"),
    ("/close/{code}", "opens, then the server closes with {code} (1000-1003, 1007-1013, 3000-4999)"),
];

/// The body of `GET /`.
fn index_json(limits: &Limits) -> String {
    let routes: Vec<String> = ROUTES
        .iter()
        .map(|(path, description)| {
            let route = Route::from_target(&path.replace("{code}", "1000"));
            let (kind, outcome) = (route.kind(), route.outcome());
            format!(
                "{{\"path\":{},\"kind\":{},\"outcome\":{},\"description\":{}}}",
                json::string(path),
                json::string(kind),
                json::string(outcome),
                json::string(description)
            )
        })
        .collect();
    format!(
        "{{\"name\":\"handshake-lab\",\"version\":{},\"routes\":[{}],\
         \"query\":{{\"id\":{}}},\
         \"limits\":{{\"max_head_bytes\":{},\"max_headers\":{},\"max_message_bytes\":{},\
         \"max_connections\":{},\"idle_timeout_ms\":{},\"head_timeout_ms\":{},\"records_kept\":{}}}}}",
        json::string(env!("CARGO_PKG_VERSION")),
        routes.join(","),
        json::string(
            "any WebSocket route takes ?id=ID (1-64 of A-Z a-z 0-9 - _ . ~); GET /last?id=ID then returns that handshake's record"
        ),
        limits.max_head_bytes,
        limits.max_headers,
        limits.max_message_bytes,
        limits.max_connections,
        limits.idle_timeout.as_millis(),
        limits.head_timeout.as_millis(),
        RECORDS_KEPT,
    )
}
