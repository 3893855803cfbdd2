//! HAR 1.2 (as exported by Chromium and Firefox DevTools). Every WebSocket
//! entry (status 101, `_resourceType: websocket`, or an Upgrade: websocket
//! request) becomes one exchange; other entries are counted as skipped.

use super::json::{self, JsonStr, Value};
use super::{Exchange, InputError};
use crate::head::{Head, Kind, Span};
use crate::headers;

/// Exchanges and the number of entries skipped.
pub fn parse(input: &[u8]) -> Result<(Vec<Exchange<'_>>, usize), InputError> {
    let root = json::parse(input)
        .map_err(|e| InputError::Har { message: format!("not valid JSON: {}", e.message), line: e.line })?;
    let entries =
        root.get("log").and_then(|log| log.get("entries")).and_then(Value::as_array).ok_or_else(|| {
            InputError::Har { message: "no log.entries array: not a HAR file".into(), line: 1 }
        })?;
    let mut exchanges = Vec::new();
    let mut skipped = 0;
    for entry in entries {
        let request = entry.get("request");
        let response = entry.get("response");
        let is_websocket =
            entry.get("_resourceType").and_then(Value::as_str).is_some_and(|t| t.is("websocket"))
                || response
                    .and_then(|r| r.get("status"))
                    .is_some_and(|s| matches!(s, Value::Number(n) if n.raw == b"101"))
                || request.is_some_and(|r| {
                    header_pairs(r).any(|(n, v)| {
                        n.field().as_str().eq_ignore_ascii_case("upgrade")
                            && headers::upgrade_has_websocket(v.field().as_str())
                    })
                });
        if !is_websocket {
            skipped += 1;
            continue;
        }
        let request = request.map(|r| Box::new(head(r, Kind::Request)));
        let response = response.map(|r| Box::new(head(r, Kind::Response)));
        // Chromium writes an HTTP/2 extended CONNECT with its pseudo-headers.
        let h2 = request
            .as_ref()
            .is_some_and(|r| r.method() == Some("CONNECT") || r.header_field(":protocol").is_some());
        exchanges.push(Exchange { request, response, extended_connect: h2 });
    }
    Ok((exchanges, skipped))
}

/// `headers: [{name, value}, ...]` of a request or response object.
fn header_pairs<'v, 'a>(obj: &'v Value<'a>) -> impl Iterator<Item = (JsonStr<'a>, JsonStr<'a>)> + 'v {
    obj.get("headers")
        .and_then(Value::as_array)
        .unwrap_or_default()
        .iter()
        .filter_map(|h| Some((*h.get("name")?.as_str()?, *h.get("value")?.as_str()?)))
}

/// A head from a HAR request or response object.
fn head<'a>(obj: &Value<'a>, kind: Kind) -> Head<'a> {
    let pos = obj.pos().unwrap_or(json::Pos { offset: 0, line: 1 });
    let mut h = Head::new(kind, pos.offset, pos.line);
    let text =
        |key: &str| obj.get(key).and_then(Value::as_str).map(JsonStr::field).filter(|f| !f.text.is_empty());
    match kind {
        Kind::Request => {
            h.method = text("method");
            h.target = text("url");
        }
        Kind::Response => {
            h.status = match obj.get("status") {
                Some(Value::Number(n)) => Some(n.field()),
                _ => None,
            };
            h.reason = text("statusText");
        }
    }
    // Chromium writes "http/1.1", "h2" or "" here; only an HTTP/1 version is
    // a start-line version.
    h.version = text("httpVersion").filter(|v| v.as_str().to_ascii_uppercase().starts_with("HTTP/1"));
    if let Some(v) = h.version.as_mut() {
        v.text = v.text.to_ascii_uppercase().into();
    }
    for (name, value) in header_pairs(obj) {
        let span: Span = (name.offset.saturating_sub(1), value.offset + value.raw.len() + 1);
        h.push_header(name.field(), value.field(), span);
    }
    if let Some(m) = h.header_field(":method") {
        h.method = Some(m.value.clone());
    }
    if let Some(p) = h.header_field(":path") {
        h.target = Some(p.value.clone());
    }
    h.span.1 = h.span.1.max(pos.offset + 1);
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    const HAR: &str = r#"{"log": {"version": "1.2", "entries": [
  {"request": {"method": "GET", "url": "https://example.com/", "httpVersion": "HTTP/1.1", "headers": []},
   "response": {"status": 200, "statusText": "OK", "httpVersion": "HTTP/1.1", "headers": []}},
  {"_resourceType": "websocket",
   "request": {"method": "GET", "url": "wss://example.com/chat", "httpVersion": "HTTP/1.1",
     "headers": [{"name": "Host", "value": "example.com"}, {"name": "Sec-WebSocket-Key", "value": "dGhlIHNhbXBsZSBub25jZQ=="}]},
   "response": {"status": 101, "statusText": "Switching Protocols", "httpVersion": "HTTP/1.1",
     "headers": [{"name": "Upgrade", "value": "websocket"}]}}
]}}"#;

    #[test]
    fn websocket_entries_only() {
        let (ex, skipped) = parse(HAR.as_bytes()).unwrap();
        assert_eq!(skipped, 1);
        assert_eq!(ex.len(), 1);
        let req = ex[0].request.as_ref().unwrap();
        assert_eq!(req.method(), Some("GET"));
        assert_eq!(req.version(), Some("HTTP/1.1"));
        let key = req.header_field("sec-websocket-key").unwrap();
        assert_eq!(&HAR[key.value.span.0..key.value.span.1], "dGhlIHNhbXBsZSBub25jZQ==");
        assert_eq!(key.value.line, 6);
        let res = ex[0].response.as_ref().unwrap();
        assert_eq!(res.status(), Some(101));
        assert_eq!(res.header("upgrade"), Some("websocket"));
    }

    #[test]
    fn malformed() {
        assert!(matches!(parse(b"{\"log\": 1}"), Err(InputError::Har { .. })));
        assert!(matches!(parse(b"{\"log\": "), Err(InputError::Har { .. })));
    }
}
