//! `cargo xtask test`: every check the project has, in the order a failure is cheapest
//! to find, ending with one summary line of counts.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};

use crate::proc::{self, Guard};
use crate::setup::{self, Needs};
use crate::{Result, dist, offline, root, static_server, target_dir};

/// The sub-path the browser tests serve the site under, like GitHub Pages does.
const SITE_PREFIX: &str = "/handshake-lab/";

#[derive(Default)]
struct Counts {
    passed: u64,
    failed: u64,
    skipped: u64,
}

impl Counts {
    /// libtest: `test result: ok. 12 passed; 0 failed; 1 ignored; ...`
    fn cargo_line(&mut self, line: &str) {
        if let Some(rest) = line.strip_prefix("test result: ") {
            for part in rest.split(';') {
                let mut words = part.split_whitespace().rev();
                let (Some(kind), Some(n)) = (words.next(), words.next()) else { continue };
                let Ok(n) = n.parse::<u64>() else { continue };
                match kind {
                    "passed" => self.passed += n,
                    "failed" => self.failed += n,
                    "ignored" => self.skipped += n,
                    _ => {}
                }
            }
        }
    }

    /// node's spec reporter ends with `ℹ pass 5`, `ℹ fail 0`, `ℹ skipped 0`.
    fn node_line(&mut self, line: &str) {
        let mut words = line.split_whitespace();
        let (Some("ℹ"), Some(kind), Some(n)) = (words.next(), words.next(), words.next()) else { return };
        let Ok(n) = n.parse::<u64>() else { return };
        match kind {
            "pass" => self.passed += n,
            "fail" => self.failed += n,
            "skipped" | "todo" => self.skipped += n,
            _ => {}
        }
    }
}

pub fn run() -> Result {
    let toolchain = setup::run(Needs::ALL)?;
    let mut counts = Counts::default();
    let outcome = checks(toolchain, &mut counts);
    if let Err(e) = &outcome {
        println!("test: stopped: {e}");
    }
    // One closing line, read by people and CI alike.
    println!("summary: {} passed, {} failed, {} skipped", counts.passed, counts.failed, counts.skipped);
    match outcome {
        Ok(()) if counts.failed == 0 => Ok(()),
        Ok(()) => Err(format!("{} test(s) failed", counts.failed)),
        Err(e) => Err(e),
    }
}

fn checks(toolchain: crate::wasm::Toolchain, counts: &mut Counts) -> Result {
    proc::run(proc::cmd("cargo").args(["fmt", "--all", "--check"]))?;
    proc::run(proc::cmd("cargo").args(["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"]))?;

    let host_ok = proc::run_tee(proc::cmd("cargo").args(["test", "--workspace"]), |l| counts.cargo_line(l))?;
    if !host_ok {
        return Err("host tests failed".into());
    }

    browser_tests(toolchain, counts, &["e2e/"])
}

/// `cargo xtask e2e [PATH...]`: only the release build and the browser and peer tests
/// (all of e2e/, or the files named), for a quick loop while working on the page.
pub fn run_e2e(paths: &[String]) -> Result {
    let toolchain = setup::run(Needs::ALL)?;
    let mut counts = Counts::default();
    let paths: Vec<&str> =
        if paths.is_empty() { vec!["e2e/"] } else { paths.iter().map(String::as_str).collect() };
    let outcome = browser_tests(toolchain, &mut counts, &paths);
    println!("summary: {} passed, {} failed, {} skipped", counts.passed, counts.failed, counts.skipped);
    outcome
}

fn browser_tests(toolchain: crate::wasm::Toolchain, counts: &mut Counts, paths: &[&str]) -> Result {
    let site = target_dir().join("e2e-site");
    dist::build(toolchain, &root(), SITE_PREFIX, &site)?;
    // A second release of the same site, for the service worker's update test.
    let next_site = target_dir().join("e2e-site-next");
    offline::next_release(&site, &next_site)?;
    proc::run(proc::cmd("cargo").args(["build", "--quiet", "-p", "handshake-lab", "-p", "handshake-cli"]))?;

    let app_port = static_server::spawn(site.clone(), SITE_PREFIX)?;
    let app_origin = format!("http://127.0.0.1:{app_port}");
    let (_lab, lab_url) = start_lab("127.0.0.1:0", &[&app_origin])?;
    println!("test: app at {app_origin}{SITE_PREFIX}, lab server at {lab_url}");

    let bin = target_dir().join("debug");
    let mut node = proc::cmd("node");
    node.args(["--test", "--test-reporter=spec", "--test-concurrency=1"])
        .args(paths)
        .env("APP_URL", format!("{app_origin}{SITE_PREFIX}"))
        .env("LAB_URL", &lab_url)
        .env("SITE_DIR", &site)
        .env("SITE_NEXT_DIR", &next_site)
        .env("LAB_BIN", bin.join("handshake-lab"))
        .env("HANDSHAKE_BIN", bin.join("handshake"))
        .env("PEER_PYTHON", setup::venv_python())
        .env("SCREENSHOT_DIR", root().join("docs"))
        .env("CHROMIUM", setup::chromium_path());
    let browser_ok = proc::run_tee(&mut node, |l| counts.node_line(l))?;
    if !browser_ok {
        return Err("browser and peer tests failed".into());
    }
    Ok(())
}

/// Starts the built lab server on `listen` and waits for its ready line
/// (`handshake-lab listening on ws://127.0.0.1:PORT`); returns it and its URL.
pub fn start_lab(listen: &str, origins: &[&str]) -> Result<(Guard, String)> {
    let bin: PathBuf = target_dir().join("debug").join("handshake-lab");
    let mut cmd = Command::new(&bin);
    cmd.args(["--listen", listen]).stdout(Stdio::piped());
    for origin in origins {
        cmd.args(["--allow-origin", origin]);
    }
    let mut child = Guard(cmd.spawn().map_err(|e| format!("cannot start {}: {e}", bin.display()))?);
    let stdout = child.0.stdout.take().ok_or("lab server has no stdout")?;
    let mut lines = BufReader::new(stdout).lines();
    let first = lines.next().and_then(|l| l.ok()).unwrap_or_default();
    let url = first
        .strip_prefix("handshake-lab listening on ")
        .ok_or_else(|| format!("lab server did not say it was listening (it said {first:?})"))?
        .to_string();
    // Keep reading so the server never blocks on a full pipe.
    std::thread::spawn(move || lines.for_each(drop));
    Ok((child, url))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_libtest_and_node_lines() {
        let mut c = Counts::default();
        c.cargo_line(
            "test result: ok. 12 passed; 1 failed; 2 ignored; 0 measured; 0 filtered out; finished in 0.01s",
        );
        c.node_line("ℹ pass 5");
        c.node_line("ℹ fail 1");
        c.node_line("ℹ skipped 3");
        c.node_line("ℹ duration_ms 40.2");
        assert_eq!((c.passed, c.failed, c.skipped), (17, 2, 5));
    }
}
