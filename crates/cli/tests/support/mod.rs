//! What both test files need: the built `handshake` binary, run on some input.

use std::io::Write;
use std::process::{Command, Output, Stdio};

pub const BIN: &str = env!("CARGO_BIN_EXE_handshake");

/// Runs the binary with `args`, writing `stdin` to it. `no_color`: with
/// `NO_COLOR=1` set; otherwise with `NO_COLOR` removed.
pub fn run(args: &[&str], stdin: &[u8], no_color: bool) -> Output {
    let mut command = Command::new(BIN);
    if no_color {
        command.env("NO_COLOR", "1");
    } else {
        command.env_remove("NO_COLOR");
    }
    let mut child = command
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run handshake");
    let mut pipe = child.stdin.take().unwrap();
    // The child may exit without reading (usage errors); ignore a broken pipe.
    let _ = pipe.write_all(stdin);
    drop(pipe);
    child.wait_with_output().unwrap()
}
