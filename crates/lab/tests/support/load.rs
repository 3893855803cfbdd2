//! The load driver shared by `tests/load.rs` and `examples/load.rs`: concurrent
//! WebSockets to the lab's `/echo` on loopback, every echo checked, the lab's
//! memory read from `/proc/PID/status`. Bounded by its counts and a hard timeout.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use tokio::sync::Barrier;
use tokio_tungstenite::tungstenite::Message;

/// Connections open at once.
pub const CONNECTIONS: usize = 1_000;
/// Round trips on each connection.
pub const MESSAGES: usize = 100;
/// The whole run stops after this, finished or not.
pub const HARD_TIMEOUT: Duration = Duration::from_secs(60);

/// What a run measured.
#[derive(Debug)]
pub struct Figures {
    pub connections: usize,
    pub messages: usize,
    pub echoes_checked: usize,
    pub errors: Vec<String>,
    pub open: Duration,
    pub elapsed: Duration,
    pub rss_kib_before: u64,
    pub rss_kib_open: u64,
    pub rss_kib_after: u64,
    pub rss_kib_peak: u64,
}

impl Figures {
    pub fn ok(&self) -> bool {
        self.errors.is_empty() && self.echoes_checked == self.connections * self.messages
    }

    pub fn to_json(&self) -> String {
        format!(
            "{{\"profile\":\"{}\",\"connections\":{},\"messages_per_connection\":{},\"echoes_checked\":{},\
             \"errors\":{},\"open_ms\":{},\"elapsed_ms\":{},\"round_trips_per_s\":{:.0},\"rss_kib_before\":{},\
             \"rss_kib_open\":{},\"rss_kib_after\":{},\"rss_kib_peak\":{}}}",
            profile(),
            self.connections,
            self.messages,
            self.echoes_checked,
            self.errors.len(),
            self.open.as_millis(),
            self.elapsed.as_millis(),
            self.rate(),
            self.rss_kib_before,
            self.rss_kib_open,
            self.rss_kib_after,
            self.rss_kib_peak,
        )
    }

    fn rate(&self) -> f64 {
        self.echoes_checked as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

impl fmt::Display for Figures {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "handshake-lab load ({}): {} connections x {} messages = {} echoes checked, {} errors; \
             all open after {} ms, total {} ms ({:.0} round trips/s); lab RSS {} KiB idle, \
             {} KiB with all open, {} KiB after, peak {} KiB",
            profile(),
            self.connections,
            self.messages,
            self.echoes_checked,
            self.errors.len(),
            self.open.as_millis(),
            self.elapsed.as_millis(),
            self.rate(),
            self.rss_kib_before,
            self.rss_kib_open,
            self.rss_kib_after,
            self.rss_kib_peak,
        )?;
        for error in self.errors.iter().take(5) {
            write!(f, "\n  {error}")?;
        }
        Ok(())
    }
}

fn profile() -> &'static str {
    if cfg!(debug_assertions) { "debug" } else { "release" }
}

/// `VmRSS` (or `VmHWM`, the peak) of process `pid`, in KiB; 0 when unreadable.
pub fn memory_kib(pid: u32, field: &str) -> u64 {
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

/// One client: open, wait for all the others, then `MESSAGES` round trips, each checked.
async fn client(url: String, id: usize, opened: Arc<Barrier>) -> Result<usize, String> {
    let connected = tokio_tungstenite::connect_async(&url).await;
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

/// Runs the load against `echo_url`, served by process `pid`.
pub async fn run(echo_url: &str, pid: u32) -> Figures {
    let rss_kib_before = memory_kib(pid, "VmRSS");
    let started = Instant::now();
    let opened = Arc::new(Barrier::new(CONNECTIONS + 1));
    let tasks: Vec<_> =
        (0..CONNECTIONS).map(|id| tokio::spawn(client(echo_url.to_owned(), id, opened.clone()))).collect();
    let aborts: Vec<_> = tasks.iter().map(|t| t.abort_handle()).collect();
    let all = async {
        opened.wait().await;
        let open = started.elapsed();
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
        (open, rss_open, echoed, errors)
    };
    let (open, rss_kib_open, echoes_checked, errors) = match tokio::time::timeout(HARD_TIMEOUT, all).await {
        Ok(done) => done,
        Err(_) => {
            aborts.iter().for_each(|a| a.abort());
            let error = format!("hard timeout: not finished after {} s", HARD_TIMEOUT.as_secs());
            (started.elapsed(), 0, 0, vec![error])
        }
    };
    let elapsed = started.elapsed();
    // Give the lab a moment to drop the closed connections before the last reading.
    tokio::time::sleep(Duration::from_millis(200)).await;
    Figures {
        connections: CONNECTIONS,
        messages: MESSAGES,
        echoes_checked,
        errors,
        open,
        elapsed,
        rss_kib_before,
        rss_kib_open,
        rss_kib_after: memory_kib(pid, "VmRSS"),
        rss_kib_peak: memory_kib(pid, "VmHWM"),
    }
}
