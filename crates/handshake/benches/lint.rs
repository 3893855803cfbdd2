//! Speed of lint(), printed (not asserted):
//! - a typical browser request/response pair, against tungstenite's
//!   server-side handshake on the same request bytes (parse the request with
//!   httparse into an http::Request, check it and build the 101 response);
//! - a generated 4 MiB HAR file, in MB/s.
//!
//! `cargo bench -p handshake-core --bench lint`

use std::hint::black_box;
use std::time::{Duration, Instant};

use handshake::examples::example;
use tungstenite::handshake::machine::TryParse;
use tungstenite::handshake::server::{Request, create_response};

/// A batch size that makes one batch of `f` take about 20 ms (after warm-up).
fn batch_for(f: &mut impl FnMut()) -> u32 {
    let mut batch = 1u32;
    loop {
        let t = Instant::now();
        for _ in 0..batch {
            f();
        }
        if t.elapsed() > Duration::from_millis(20) {
            return batch;
        }
        batch *= 2;
    }
}

fn time_batch(f: &mut impl FnMut(), batch: u32) -> f64 {
    let t = Instant::now();
    for _ in 0..batch {
        f();
    }
    t.elapsed().as_nanos() as f64 / f64::from(batch)
}

/// Nanoseconds per call of `a` and of `b`: the best of 15 rounds, each timing a
/// batch of `a` then a batch of `b`, so a slow spell of a shared machine hits
/// both sides alike rather than one of them.
fn ns_per_call_pair(mut a: impl FnMut(), mut b: impl FnMut()) -> (f64, f64) {
    let (batch_a, batch_b) = (batch_for(&mut a), batch_for(&mut b));
    (0..15).fold((f64::INFINITY, f64::INFINITY), |(best_a, best_b), _| {
        (best_a.min(time_batch(&mut a, batch_a)), best_b.min(time_batch(&mut b, batch_b)))
    })
}

/// A HAR file of at least `size` bytes: page loads and WebSocket entries.
fn generate_har(size: usize) -> String {
    let mut entries = Vec::new();
    let mut total = 0;
    let mut i = 0;
    while total < size {
        let entry = if i % 4 == 0 {
            format!(
                r#"{{"_resourceType": "websocket", "startedDateTime": "2025-01-01T00:00:00.000Z", "time": 12,
  "request": {{"method": "GET", "url": "wss://example.com/socket/{i}", "httpVersion": "HTTP/1.1", "cookies": [], "queryString": [], "headersSize": -1, "bodySize": 0,
    "headers": [{{"name": "Host", "value": "example.com"}}, {{"name": "Connection", "value": "Upgrade"}}, {{"name": "Pragma", "value": "no-cache"}}, {{"name": "Upgrade", "value": "websocket"}}, {{"name": "Origin", "value": "https://example.com"}}, {{"name": "Sec-WebSocket-Version", "value": "13"}}, {{"name": "User-Agent", "value": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"}}, {{"name": "Sec-WebSocket-Key", "value": "x3JJHMbDL1EzLkh9GBhXDw=="}}, {{"name": "Sec-WebSocket-Extensions", "value": "permessage-deflate; client_max_window_bits"}}]}},
  "response": {{"status": 101, "statusText": "Switching Protocols", "httpVersion": "HTTP/1.1", "cookies": [], "content": {{"size": 0, "mimeType": "x-unknown"}}, "redirectURL": "", "headersSize": -1, "bodySize": 0,
    "headers": [{{"name": "Upgrade", "value": "websocket"}}, {{"name": "Connection", "value": "Upgrade"}}, {{"name": "Sec-WebSocket-Accept", "value": "HSmrc0sMlYUkAGmm5OPpG2HaGWk="}}, {{"name": "Sec-WebSocket-Extensions", "value": "permessage-deflate; client_max_window_bits=15"}}]}},
  "_webSocketMessages": [{{"type": "send", "time": 1.5, "opcode": 1, "data": "hello \"world\" {i}"}}, {{"type": "receive", "time": 1.6, "opcode": 1, "data": "hello \"world\" {i}"}}]}}"#
            )
        } else {
            format!(
                r#"{{"_resourceType": "script", "startedDateTime": "2025-01-01T00:00:00.000Z", "time": 30,
  "request": {{"method": "GET", "url": "https://example.com/static/app.{i}.js", "httpVersion": "HTTP/1.1", "cookies": [], "queryString": [], "headersSize": -1, "bodySize": 0,
    "headers": [{{"name": "Accept", "value": "*/*"}}, {{"name": "Referer", "value": "https://example.com/"}}, {{"name": "User-Agent", "value": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"}}]}},
  "response": {{"status": 200, "statusText": "OK", "httpVersion": "HTTP/1.1", "cookies": [], "content": {{"size": 1024, "mimeType": "text/javascript", "text": "console.log(\"{i}\");\n"}}, "redirectURL": "", "headersSize": -1, "bodySize": 1024,
    "headers": [{{"name": "Content-Type", "value": "text/javascript"}}, {{"name": "Cache-Control", "value": "max-age=31536000"}}]}}}}"#
            )
        };
        total += entry.len() + 2;
        entries.push(entry);
        i += 1;
    }
    format!(
        "{{\"log\": {{\"version\": \"1.2\", \"creator\": {{\"name\": \"bench\", \"version\": \"1\"}}, \"entries\": [\n{}\n]}}}}\n",
        entries.join(",\n")
    )
}

fn main() {
    // A typical browser pair: Chromium's request and a correct 101.
    let pair = example("clean-browser").expect("example").text.as_bytes();
    let split = pair.windows(4).position(|w| w == b"\r\n\r\n").expect("request head") + 4;
    let request = &pair[..split];

    // Both must succeed on these bytes, or the comparison means nothing.
    let l = handshake::lint(pair).expect("lint");
    assert!(!l.has_errors() && l.exchanges.len() == 1);
    let (size, req) = Request::try_parse(request).expect("parse").expect("complete");
    assert_eq!(size, request.len());
    let res = create_response(&req).expect("response");
    assert_eq!(res.headers()["Sec-WebSocket-Accept"], l.exchanges[0].expected_accept.as_deref().unwrap());

    let (lint_ns, tungstenite_ns) = ns_per_call_pair(
        || {
            let l = handshake::lint(black_box(pair)).unwrap();
            black_box(&l);
        },
        || {
            let (size, req) = Request::try_parse(black_box(request)).unwrap().unwrap();
            // tungstenite's server refuses bytes after the request ("Junk after client request").
            assert_eq!(size, request.len());
            let res = create_response(&req).unwrap();
            black_box(&res);
        },
    );
    println!("lint pair: {lint_ns:.0} ns/pair ({} bytes: request and response)", pair.len());
    println!(
        "tungstenite server handshake: {tungstenite_ns:.0} ns/pair ({} bytes: request; parse + create_response)",
        request.len()
    );
    println!("ratio: {:.2}", lint_ns / tungstenite_ns);

    let har = generate_har(4 * 1024 * 1024);
    let l = handshake::lint(har.as_bytes()).expect("har");
    let (exchanges, skipped) = (l.exchanges.len(), l.skipped);
    assert!(!l.has_errors());
    drop(l);
    let runs = 5;
    let t = Instant::now();
    for _ in 0..runs {
        black_box(handshake::lint(black_box(har.as_bytes())).unwrap());
    }
    let secs = t.elapsed().as_secs_f64() / f64::from(runs);
    println!(
        "har 4 MiB: {:.1} MB/s ({} bytes, {exchanges} exchanges, {skipped} entries skipped, {:.1} ms)",
        har.len() as f64 / 1e6 / secs,
        har.len(),
        secs * 1e3
    );
}
