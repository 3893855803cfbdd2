//! Load on loopback: 1,000 concurrent WebSockets to `/echo`, 100 messages each,
//! every echo checked, the lab's memory measured. Bounded: fixed counts and a
//! 60 s hard timeout; it stops by itself.
//!
//! The figures go to stderr directly (not through libtest's capture, so they show
//! without `--nocapture`) and to `handshake-lab-load.json` in cargo's test tmp dir.
//! For release figures: `cargo test -p handshake-lab --release --test load`.

mod common;

use std::io::Write;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::Lab;
use futures_util::{SinkExt, StreamExt};
use tokio::sync::Barrier;
use tokio_tungstenite::tungstenite::Message;

const CONNECTIONS: usize = 1_000;
const MESSAGES: usize = 100;
const HARD_TIMEOUT: Duration = Duration::from_secs(60);

/// `VmRSS` (or `VmHWM`, the peak) of a process, in KiB.
fn memory_kib(pid: u32, field: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|status| {
            status.lines().find_map(|line| {
                let rest = line.strip_prefix(field)?.strip_prefix(':')?;
                rest.trim().trim_end_matches("kB").trim().parse().ok()
            })
        })
        .unwrap_or(0)
}

/// One client: open, wait for all the others, then 100 round trips, each checked.
async fn client(lab_url: String, id: usize, opened: Arc<Barrier>) -> Result<usize, String> {
    let connected = tokio_tungstenite::connect_async(&lab_url).await;
    opened.wait().await;
    let (mut ws, _) = connected.map_err(|e| format!("connection {id}: {e}"))?;
    for n in 0..MESSAGES {
        let sent = format!("c{id}-m{n}");
        ws.send(Message::text(sent.clone()))
            .await
            .map_err(|e| format!("connection {id} message {n}: send: {e}"))?;
        match ws.next().await {
            Some(Ok(Message::Text(got))) if got.as_str() == sent => {}
            other => return Err(format!("connection {id} message {n}: got {other:?}")),
        }
    }
    ws.close(None).await.map_err(|e| format!("connection {id}: close: {e}"))?;
    Ok(MESSAGES)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_connections_echo_every_message() {
    let lab = Lab::start();
    let pid = lab.pid();
    let rss_before = memory_kib(pid, "VmRSS");
    let started = Instant::now();
    let opened = Arc::new(Barrier::new(CONNECTIONS + 1));
    let url = lab.url("/echo");
    let tasks: Vec<_> =
        (0..CONNECTIONS).map(|id| tokio::spawn(client(url.clone(), id, opened.clone()))).collect();
    let run = async {
        opened.wait().await;
        let opened_after = started.elapsed();
        let rss_open = memory_kib(pid, "VmRSS");
        let mut echoed = 0;
        let mut errors = Vec::new();
        for task in tasks {
            match task.await {
                Ok(Ok(n)) => echoed += n,
                Ok(Err(e)) => errors.push(e),
                Err(e) => errors.push(format!("task: {e}")),
            }
        }
        (opened_after, rss_open, echoed, errors)
    };
    let (opened_after, rss_open, echoed, errors) = tokio::time::timeout(HARD_TIMEOUT, run)
        .await
        .expect("the load test finishes within its hard timeout");
    let elapsed = started.elapsed();
    // Let the lab drop the closed connections before the last reading.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let rss_after = memory_kib(pid, "VmRSS");
    let rss_peak = memory_kib(pid, "VmHWM");

    let profile = if cfg!(debug_assertions) { "debug" } else { "release" };
    let figures = format!(
        "handshake-lab load ({profile}): {CONNECTIONS} connections x {MESSAGES} messages = {echoed} echoes checked, \
         {} errors, all open after {} ms, total {} ms ({:.0} round trips/s); \
         lab RSS {rss_before} KiB idle, {rss_open} KiB with all open, {rss_after} KiB after, peak {rss_peak} KiB",
        errors.len(),
        opened_after.as_millis(),
        elapsed.as_millis(),
        echoed as f64 / elapsed.as_secs_f64(),
    );
    let json = format!(
        "{{\"profile\":\"{profile}\",\"connections\":{CONNECTIONS},\"messages_per_connection\":{MESSAGES},\
         \"echoes_checked\":{echoed},\"errors\":{},\"open_ms\":{},\"elapsed_ms\":{},\
         \"rss_kib_before\":{rss_before},\"rss_kib_open\":{rss_open},\"rss_kib_after\":{rss_after},\"rss_kib_peak\":{rss_peak}}}\n",
        errors.len(),
        opened_after.as_millis(),
        elapsed.as_millis(),
    );
    let _ = std::fs::write(
        std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("handshake-lab-load.json"),
        json,
    );
    // Straight to the stderr handle: libtest captures print macros, not this.
    let _ = writeln!(std::io::stderr().lock(), "{figures}");

    assert!(errors.is_empty(), "{figures}\nfirst errors: {:?}", &errors[..errors.len().min(5)]);
    assert_eq!(echoed, CONNECTIONS * MESSAGES, "{figures}");
}
