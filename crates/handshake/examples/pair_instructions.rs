//! The bench's pair workload, for instruction counts under callgrind (wall
//! clock is noisy on a shared machine). `run_lint` and `run_tungstenite` are
//! never inlined so callgrind can count each alone:
//!
//! ```text
//! cargo build --profile bench -p handshake-core --example pair_instructions
//! valgrind --tool=callgrind --toggle-collect='*run_lint*' target/release/examples/pair_instructions 1000
//! valgrind --tool=callgrind --toggle-collect='*run_tungstenite*' target/release/examples/pair_instructions 1000
//! ```
//!
//! Divide the reported instructions by the iteration count.

use std::hint::black_box;

use handshake::examples::example;
use tungstenite::handshake::machine::TryParse;
use tungstenite::handshake::server::{Request, create_response};

#[inline(never)]
fn run_lint(pair: &[u8]) {
    let l = handshake::lint(black_box(pair)).unwrap();
    black_box(&l);
}

#[inline(never)]
fn run_tungstenite(request: &[u8]) {
    let (size, req) = Request::try_parse(black_box(request)).unwrap().unwrap();
    assert_eq!(size, request.len());
    let res = create_response(&req).unwrap();
    black_box(&res);
}

fn main() {
    let n: u32 = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(1000);
    let pair = example("clean-browser").expect("example").text.as_bytes();
    let split = pair.windows(4).position(|w| w == b"\r\n\r\n").expect("request head") + 4;
    let request = &pair[..split];
    for _ in 0..n {
        run_lint(pair);
    }
    for _ in 0..n {
        run_tungstenite(request);
    }
}
