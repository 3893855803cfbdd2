//! Running child processes: echo the command, fail with a sentence, optional timeout.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::Result;

/// A command that runs in the repository root.
pub fn cmd(program: &str) -> Command {
    let mut cmd = Command::new(program);
    cmd.current_dir(crate::root());
    cmd
}

fn describe(cmd: &Command) -> String {
    let mut s = cmd.get_program().to_string_lossy().into_owned();
    for arg in cmd.get_args() {
        s.push(' ');
        s.push_str(&arg.to_string_lossy());
    }
    s
}

/// Runs to completion with inherited stdio; a non-zero exit is an error.
pub fn run(cmd: &mut Command) -> Result {
    let what = describe(cmd);
    println!("$ {what}");
    let status = cmd.status().map_err(|e| format!("could not start `{what}`: {e}"))?;
    if status.success() { Ok(()) } else { Err(format!("`{what}` failed ({status})")) }
}

/// Runs quietly and returns trimmed stdout, or None if it cannot start or fails.
pub fn output(cmd: &mut Command) -> Option<String> {
    let out = cmd.stderr(Stdio::null()).output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// Whether a program answers `--version` (it exists on PATH and runs).
pub fn version_of(program: &str) -> Option<String> {
    output(Command::new(program).arg("--version"))
}

/// Runs with inherited stdio but kills the command after `limit`; Ok(false) on timeout.
pub fn run_with_timeout(cmd: &mut Command, limit: Duration) -> Result<bool> {
    let what = describe(cmd);
    println!("$ {what}   (giving up after {} s)", limit.as_secs());
    let mut child = cmd.spawn().map_err(|e| format!("could not start `{what}`: {e}"))?;
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            return if status.success() { Ok(true) } else { Err(format!("`{what}` failed ({status})")) };
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            return Ok(false);
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// Runs, echoing stdout line by line, and hands every line to `seen`.
/// Returns whether the command succeeded.
pub fn run_tee(cmd: &mut Command, mut seen: impl FnMut(&str)) -> Result<bool> {
    let what = describe(cmd);
    println!("$ {what}");
    let mut child =
        cmd.stdout(Stdio::piped()).spawn().map_err(|e| format!("could not start `{what}`: {e}"))?;
    if let Some(stdout) = child.stdout.take() {
        for line in BufReader::new(stdout).lines().map_while(|l| l.ok()) {
            println!("{line}");
            seen(&line);
        }
    }
    Ok(child.wait().map_err(|e| e.to_string())?.success())
}

/// A child process that is killed when dropped (servers started for a test run).
pub struct Guard(pub Child);

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
