//! Load on loopback, part of the normal suite: 1,000 concurrent WebSockets to
//! `/echo`, 100 messages each, every echo checked, the lab's memory measured.
//! Bounded: fixed counts and a 60 s hard timeout; it stops by itself.
//!
//! The figures go to stderr directly (not through libtest's capture, so they show
//! without `--nocapture`) and to `handshake-lab-load.json` in cargo's test tmp dir.
//! `cargo run --release -p handshake-lab --example load` prints release figures.

mod common;
#[path = "support/load.rs"]
mod load;

use std::io::Write;

use common::Lab;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_connections_echo_every_message() {
    let lab = Lab::start();
    let figures = load::run(&lab.url("/echo"), lab.pid()).await;
    let _ = std::fs::write(
        std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("handshake-lab-load.json"),
        figures.to_json() + "\n",
    );
    // Straight to the stderr handle: libtest captures the print macros, not this.
    let _ = writeln!(std::io::stderr().lock(), "{figures}");
    assert!(figures.ok(), "{figures}");
}
