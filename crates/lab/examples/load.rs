//! `cargo run --release -p handshake-lab --example load`: the load figures for
//! `cargo xtask bench`. Starts the lab as a child process of itself on
//! 127.0.0.1:0 (so the lab's memory is its own), drives 1,000 concurrent
//! WebSockets x 100 echoes against it on loopback, prints the figures and a JSON
//! line, and exits non-zero if an echo was lost. Bounded: 60 s hard timeout.

#[path = "../tests/support/load.rs"]
mod load;

use std::io::{BufRead, BufReader};
use std::process::{Command, ExitCode, Stdio};

/// Run as the lab itself: `load --serve [handshake-lab flags]`.
const SERVE: &str = "--serve";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some(SERVE) {
        return handshake_lab::run_cli(args.into_iter().skip(1));
    }
    let Ok(me) = std::env::current_exe() else {
        eprintln!("load: cannot find my own executable");
        return ExitCode::FAILURE;
    };
    let mut lab = match Command::new(me)
        .args([SERVE, "--listen", "127.0.0.1:0"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
    {
        Ok(lab) => lab,
        Err(error) => {
            eprintln!("load: cannot start the lab: {error}");
            return ExitCode::FAILURE;
        }
    };
    let mut ready = String::new();
    if let Some(stdout) = lab.stdout.take() {
        let _ = BufReader::new(stdout).read_line(&mut ready);
    }
    let Some(url) = ready.trim_end().strip_prefix("handshake-lab listening on ") else {
        eprintln!("load: the lab did not say it was listening ({ready:?})");
        let _ = lab.kill();
        return ExitCode::FAILURE;
    };
    let echo_url = format!("{url}/echo");
    let pid = lab.id();
    let figures = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime.block_on(load::run(&echo_url, pid)),
        Err(error) => {
            eprintln!("load: no runtime: {error}");
            let _ = lab.kill();
            return ExitCode::FAILURE;
        }
    };
    let _ = lab.kill();
    let _ = lab.wait();
    println!("{figures}");
    println!("{}", figures.to_json());
    if figures.ok() { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}
