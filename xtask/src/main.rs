//! `cargo xtask`: the project's own build, serve and test driver.
//!
//! Every command makes the machine ready first (`setup`), so the two commands in the
//! README work on a fresh machine: `cargo xtask serve` and `cargo xtask test`.

mod bench;
#[cfg(test)]
mod ci;
mod dist;
mod offline;
mod proc;
mod serve;
mod setup;
mod static_server;
mod test;
mod tools;
mod wasm;

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  setup                     make this machine ready (wasm target, trunk, wasm-bindgen,
                            wasm-opt, Chromium, node and python test packages)
  serve                     serve the app at http://127.0.0.1:8080 with live reload and
                            the lab server at ws://127.0.0.1:9001
  test                      fmt, clippy, every crate's tests, the release build and the
                            browser and peer tests; ends with one summary line
  e2e [FILE...]             only the release build and the browser and peer tests
  dist [--public-url /p/]   the release site in dist/ (GitHub Pages under a sub-path)
  bench [first-load]        speed and size figures, printed (nothing is asserted);
                            first-load: only the slow-phone first load, app against floor
  fuzz [SECONDS]            run the core's cargo-fuzz target for a bounded time (default 60)
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("setup") => setup::run(setup::Needs::ALL).map(|_| ()),
        Some("serve") => serve::run(),
        Some("test") => test::run(),
        Some("e2e") => test::run_e2e(&args[1..]),
        Some("dist") => dist::run_cli(&args[1..]),
        Some("bench") => bench::run(&args[1..]),
        Some("fuzz") => fuzz(&args[1..]),
        Some("-h" | "--help" | "help") => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        _ => {
            eprint!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Errors are plain sentences: what failed and what to do about it.
pub type Result<T = ()> = std::result::Result<T, String>;

/// The repository root (the parent of `xtask/`).
pub fn root() -> PathBuf {
    // `cargo run` (so `cargo xtask`) names xtask's directory at run time. The path
    // compiled in is only a fallback: a target directory shared by several clones
    // (CI keeps one in ~/.cache) may hold a binary built in another clone.
    let manifest = std::env::var_os("CARGO_MANIFEST_DIR")
        .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")), PathBuf::from);
    manifest.parent().map(PathBuf::from).unwrap_or(manifest)
}

/// Where tools that outlive a clone are kept: `$HANDSHAKE_LAB_HOME`, else
/// `~/.cache/handshake-lab`. CI clones afresh each run; this keeps its tools warm.
pub fn state_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("HANDSHAKE_LAB_HOME") {
        return PathBuf::from(dir);
    }
    let home = std::env::var_os("HOME").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("/tmp"));
    home.join(".cache").join("handshake-lab")
}

/// The cargo target directory in use (honours `CARGO_TARGET_DIR`).
pub fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => {
            let dir = PathBuf::from(dir);
            if dir.is_absolute() { dir } else { root().join(dir) }
        }
        None => root().join("target"),
    }
}

fn fuzz(args: &[String]) -> Result {
    let seconds: u32 = match args.first() {
        Some(s) => s.parse().map_err(|_| format!("fuzz takes a number of seconds, not {s:?}"))?,
        None => 60,
    };
    setup::cargo_fuzz()?;
    let mut cmd = proc::cmd("cargo");
    cmd.args(["+nightly", "fuzz", "run", "lint", "--fuzz-dir", "crates/handshake/fuzz", "--"])
        .arg(format!("-max_total_time={seconds}"));
    proc::run(&mut cmd)
}
