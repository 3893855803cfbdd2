//! `cargo xtask setup`: make this machine ready, saying what each step does.
//!
//! Idempotent: every step first checks whether its tool is already there, at the
//! right version, and installs only what is missing.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use crate::proc::{self, version_of};
pub use crate::tools::{node_tools_bin, tools_bin, venv_python};
use crate::wasm::Toolchain;
use crate::{Result, root, state_dir};

pub const TRUNK_VERSION: &str = "0.21.14";
/// binaryen 132 from npm: Debian's binaryen 108 breaks wasm-bindgen 0.2.130's output.
pub const BINARYEN_VERSION: &str = "132.0.0";
/// python `websockets`, a real peer for the lab server's tests.
pub const PY_WEBSOCKETS_VERSION: &str = "17.4";
/// What rustup cannot download on a closed network is built from Debian's sources.
const DEBIAN_WASM_PACKAGES: &[&str] = &["rustc-web", "cargo-web", "rust-web-src", "lld-22"];
const RUSTUP_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Clone, Copy)]
pub struct Needs {
    /// trunk, wasm-bindgen, wasm-opt: to build the app.
    pub build: bool,
    /// Chromium, chromedriver, node and python test packages: to run the tests.
    pub test: bool,
}

impl Needs {
    pub const ALL: Needs = Needs { build: true, test: true };
    pub const BUILD: Needs = Needs { build: true, test: false };
}

fn step(what: &str, state: &str) {
    println!("setup: {what}: {state}");
}

pub fn run(needs: Needs) -> Result<Toolchain> {
    println!("setup: checking this machine (tools kept in {})", state_dir().display());
    let toolchain = wasm_target()?;
    if needs.build {
        wasm_bindgen()?;
        trunk()?;
        wasm_opt()?;
    }
    if needs.test {
        chromium()?;
        curl()?;
        openssl()?;
        proxies()?;
        gorilla()?;
        node_packages()?;
        python_peers()?;
    }
    println!("setup: ready");
    Ok(toolchain)
}

fn wasm_target() -> Result<Toolchain> {
    const WHAT: &str = "wasm32-unknown-unknown target";
    let have_rustup = version_of("rustup").is_some();
    if have_rustup && rustup_has_wasm() {
        step(WHAT, "installed by rustup");
        return Ok(Toolchain::Rustup);
    }
    if debian_packages_installed(DEBIAN_WASM_PACKAGES) {
        step(WHAT, "Debian's rustc-web, std built from source (rustup has no wasm32 std here)");
        return Ok(Toolchain::Debian);
    }
    if have_rustup {
        step(WHAT, "missing; asking rustup for it");
        let mut add = Command::new("rustup");
        add.args(["target", "add", "wasm32-unknown-unknown"]);
        if proc::run_with_timeout(&mut add, RUSTUP_TIMEOUT).unwrap_or(false) && rustup_has_wasm() {
            step(WHAT, "installed by rustup");
            return Ok(Toolchain::Rustup);
        }
        step(WHAT, "rustup could not download it; using Debian's rustc-web and building std from source");
    }
    apt_install(DEBIAN_WASM_PACKAGES)?;
    Ok(Toolchain::Debian)
}

fn rustup_has_wasm() -> bool {
    proc::output(Command::new("rustup").args(["target", "list", "--installed"]))
        .is_some_and(|list| list.lines().any(|l| l.trim() == "wasm32-unknown-unknown"))
}

fn debian_packages_installed(packages: &[&str]) -> bool {
    packages.iter().all(|p| {
        proc::output(Command::new("dpkg-query").args(["-W", "-f=${Status}", p]))
            .is_some_and(|s| s == "install ok installed")
    })
}

fn is_root() -> bool {
    proc::output(Command::new("id").arg("-u")).as_deref() == Some("0")
}

/// Installs Debian packages as root (or with passwordless sudo); otherwise says the
/// exact command to run and stops.
fn apt_install(packages: &[&str]) -> Result {
    let list = packages.join(" ");
    let sudo: &[&str] = if is_root() {
        &[]
    } else if Command::new("sudo").args(["-n", "true"]).output().is_ok_and(|o| o.status.success()) {
        &["sudo", "-n"]
    } else {
        return Err(format!(
            "these Debian packages are needed: {list}\nrun as root:\n  apt-get update && apt-get install -y --no-install-recommends {list}\nthen run this command again"
        ));
    };
    let apt = |args: &[&str]| {
        let mut cmd = match sudo.split_first() {
            Some((first, rest)) => {
                let mut c = Command::new(first);
                c.args(rest).arg("apt-get");
                c
            }
            None => Command::new("apt-get"),
        };
        cmd.args(args).env("DEBIAN_FRONTEND", "noninteractive");
        cmd
    };
    step(&list, "installing with apt-get");
    // The package lists are empty on a new machine: fetch them once first.
    if !apt_lists_present() {
        proc::run(&mut apt(&["update"]))?;
    }
    let install = |apt: &dyn Fn(&[&str]) -> Command| {
        let mut cmd = apt(&["install", "-y", "--no-install-recommends"]);
        cmd.args(packages);
        proc::run(&mut cmd)
    };
    if install(&apt).is_err() {
        // Stale lists name files the mirror no longer has: refresh and try once more.
        proc::run(&mut apt(&["update"]))?;
        install(&apt)?;
    }
    Ok(())
}

fn apt_lists_present() -> bool {
    std::fs::read_dir("/var/lib/apt/lists")
        .map(|dir| dir.flatten().any(|e| e.file_name().to_string_lossy().ends_with("_Packages")))
        .unwrap_or(false)
}

/// A tool at an exact version: on PATH, or in our tools folder.
fn find_tool(program: &str, want: &str) -> Option<PathBuf> {
    let ours = tools_bin().join(program);
    [ours, PathBuf::from(program)]
        .into_iter()
        .find(|p| version_of(&p.to_string_lossy()).is_some_and(|v| v.split_whitespace().nth(1) == Some(want)))
}

fn cargo_install(krate: &str, version: &str, extra: &[&str]) -> Result {
    let mut cmd = proc::cmd("cargo");
    cmd.args(["install", krate, "--version", version, "--root"])
        .arg(state_dir().join("tools"))
        .args(extra)
        // These are build tools, not shipped code: trade their peak speed (trunk asks
        // for fat LTO and one codegen unit) for an install that takes minutes less on
        // 2 cores (trunk: 5m39s measured with these settings on an idle machine).
        .env("CARGO_PROFILE_RELEASE_LTO", "off")
        .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "16")
        .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "1");
    proc::run(&mut cmd)
}

/// The wasm-bindgen version in Cargo.lock: the CLI must equal it exactly.
pub fn wasm_bindgen_version() -> Result<String> {
    let lock = std::fs::read_to_string(root().join("Cargo.lock"))
        .map_err(|e| format!("cannot read Cargo.lock: {e}"))?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line == "name = \"wasm-bindgen\""
            && let Some(v) = lines.next().and_then(|l| l.strip_prefix("version = \""))
        {
            return Ok(v.trim_end_matches('"').to_string());
        }
    }
    Err("Cargo.lock names no wasm-bindgen package".into())
}

fn wasm_bindgen() -> Result {
    let version = wasm_bindgen_version()?;
    let what = format!("wasm-bindgen-cli {version}");
    if find_tool("wasm-bindgen", &version).is_some() {
        step(&what, "present");
        return Ok(());
    }
    step(&what, "installing (about 2 minutes)");
    // Without --locked: its lockfile pins a crate this registry index does not have.
    cargo_install("wasm-bindgen-cli", &version, &[])
}

fn trunk() -> Result {
    let what = format!("trunk {TRUNK_VERSION}");
    if find_tool("trunk", TRUNK_VERSION).is_some() {
        step(&what, "present");
        return Ok(());
    }
    step(&what, "installing (about 5 minutes)");
    // --locked: without it 0.21.14 resolves a lightningcss/cssparser pair that does not
    // build. No default features: they are TLS and the update check, and every trunk
    // run here is --offline on loopback.
    cargo_install("trunk", TRUNK_VERSION, &["--locked", "--no-default-features"])
}

fn wasm_opt() -> Result {
    let what = format!("wasm-opt (binaryen {BINARYEN_VERSION}, npm)");
    let bin = node_tools_bin().join("wasm-opt");
    let major = BINARYEN_VERSION.split('.').next().unwrap_or_default();
    if version_of(&bin.to_string_lossy()).is_some_and(|v| v.contains(&format!("version {major}"))) {
        step(&what, "present");
        return Ok(());
    }
    step(&what, "installing into .tools/");
    let dir = root().join(".tools");
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let mut cmd = proc::cmd("npm");
    cmd.args(["install", "--no-audit", "--no-fund", "--no-save", "--prefix"])
        .arg(&dir)
        .arg(format!("binaryen@{BINARYEN_VERSION}"));
    proc::run(&mut cmd)
}

/// The Debian `packages` that provide `what`, installed unless `present`.
fn system_packages(what: &str, present: bool, packages: &[&str]) -> Result {
    if present {
        step(what, "present");
        return Ok(());
    }
    apt_install(packages)
}

/// Debian's Chromium: the browser tests' and the bench's unless `CHROMIUM` names another.
const DEBIAN_CHROMIUM: &str = "/usr/bin/chromium";

/// The Chromium the browser tests and the bench drive: the one `CHROMIUM` names, else
/// Debian's.
pub fn chromium_path() -> PathBuf {
    given_chromium(std::env::var_os("CHROMIUM")).unwrap_or_else(|| PathBuf::from(DEBIAN_CHROMIUM))
}

/// `CHROMIUM` made absolute (node runs from the repository root); empty counts as unset.
fn given_chromium(var: Option<OsString>) -> Option<PathBuf> {
    let path = PathBuf::from(var.filter(|v| !v.is_empty())?);
    Some(std::path::absolute(&path).unwrap_or(path))
}

/// Where the tests' browser comes from.
#[derive(Debug, PartialEq)]
enum Browser {
    /// `CHROMIUM` names a browser that answers `--version`: used as it is, nothing installed.
    Given { path: PathBuf, version: String },
    /// `CHROMIUM` names something that does not run.
    Broken(PathBuf),
    /// No `CHROMIUM`: Debian's chromium and chromium-driver, installed unless present.
    Debian,
}

fn browser(var: Option<OsString>) -> Browser {
    let Some(path) = given_chromium(var) else { return Browser::Debian };
    match version_of(&path.to_string_lossy()) {
        Some(version) if !version.is_empty() => Browser::Given { path, version },
        _ => Browser::Broken(path),
    }
}

fn chromium() -> Result {
    match browser(std::env::var_os("CHROMIUM")) {
        Browser::Given { path, version } => {
            step(
                &format!("Chromium from CHROMIUM={} ({version})", path.display()),
                "present, nothing installed",
            );
            Ok(())
        }
        // Stop rather than install Debian's: the tests would still launch this path.
        Browser::Broken(path) => Err(format!(
            "CHROMIUM={0} does not run (`{0} --version` failed): point it at a Chromium or Chrome \
             executable, or unset it to use Debian's chromium",
            path.display()
        )),
        Browser::Debian => {
            let present = Path::new(DEBIAN_CHROMIUM).exists() && Path::new("/usr/bin/chromedriver").exists();
            system_packages("Chromium and chromedriver", present, &["chromium", "chromium-driver"])
        }
    }
}

/// valgrind counts the bench's instructions (`cargo xtask bench`).
pub fn valgrind() -> Result {
    system_packages("valgrind", version_of("valgrind").is_some(), &["valgrind"])
}

/// curl is a real client in the peer tests (its `-v` and `--trace-ascii` output).
fn curl() -> Result {
    system_packages("curl", version_of("curl").is_some(), &["curl"])
}

/// openssl makes the CA and certificate of the wss:// peer tests (e2e/peers/probe.test.mjs).
fn openssl() -> Result {
    let present = proc::output(Command::new("openssl").arg("version")).is_some();
    system_packages("openssl", present, &["openssl"])
}

/// nginx and HAProxy: real reverse proxies in front of the lab in the peer
/// tests (e2e/peers/proxies.test.mjs), started on loopback by the tests.
fn proxies() -> Result {
    let present = Path::new("/usr/sbin/nginx").exists() && Path::new("/usr/sbin/haproxy").exists();
    system_packages("nginx and HAProxy (Debian)", present, &["nginx-light", "haproxy"])
}

/// Go and Debian's gorilla/websocket: a real server in the peer tests, built
/// offline in GOPATH mode.
fn gorilla() -> Result {
    let source = Path::new("/usr/share/gocode/src/github.com/gorilla/websocket/server.go");
    let present = source.exists() && proc::output(Command::new("go").arg("version")).is_some();
    system_packages(
        "go and gorilla/websocket (Debian)",
        present,
        &["golang-go", "golang-github-gorilla-websocket-dev"],
    )
}

fn node_packages() -> Result {
    let what = "node packages of the browser tests (e2e/)";
    let e2e = root().join("e2e");
    let stamp = e2e.join("node_modules").join(".package-lock.json");
    let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    if let (Some(installed), Some(locked)) = (modified(&stamp), modified(&e2e.join("package-lock.json")))
        && installed >= locked
    {
        step(what, "present");
        return Ok(());
    }
    step(what, "installing with npm ci");
    let mut cmd = proc::cmd("npm");
    cmd.current_dir(&e2e).args(["ci", "--no-audit", "--no-fund"]);
    proc::run(&mut cmd)
}

fn python_peers() -> Result {
    let what = format!("python websockets {PY_WEBSOCKETS_VERSION} (venv in .tools/)");
    let python = venv_python();
    let probe = |p: &Path| {
        proc::output(Command::new(p).args(["-c", "import websockets; print(websockets.__version__)"]))
    };
    if probe(&python).as_deref() == Some(PY_WEBSOCKETS_VERSION) {
        step(&what, "present");
        return Ok(());
    }
    step(&what, "installing");
    let venv = root().join(".tools").join("venv");
    if !python.exists() {
        proc::run(Command::new("python3").args(["-m", "venv"]).arg(&venv))?;
    }
    proc::run(
        Command::new(&python)
            .args(["-m", "pip", "install", "--quiet", "--disable-pip-version-check"])
            .arg(format!("websockets=={PY_WEBSOCKETS_VERSION}")),
    )
}

/// cargo-fuzz and a nightly toolchain, for `cargo xtask fuzz` only.
pub fn cargo_fuzz() -> Result {
    let nightly = proc::output(Command::new("rustup").args(["toolchain", "list"]))
        .is_some_and(|l| l.lines().any(|t| t.starts_with("nightly")));
    if !nightly {
        return Err("cargo fuzz needs a nightly toolchain: rustup toolchain install nightly".into());
    }
    if proc::output(Command::new("cargo").args(["fuzz", "--version"])).is_some() {
        step("cargo-fuzz", "present");
        return Ok(());
    }
    step("cargo-fuzz", "installing");
    proc::run(proc::cmd("cargo").args(["install", "cargo-fuzz", "--locked"]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_chromium_variable_means_debian_chromium() {
        assert_eq!(browser(None), Browser::Debian);
        assert_eq!(browser(Some(OsString::new())), Browser::Debian);
    }

    #[test]
    fn a_relative_chromium_is_taken_from_the_current_directory() {
        let cwd = std::env::current_dir().unwrap();
        assert_eq!(given_chromium(Some("bin/chrome".into())), Some(cwd.join("bin/chrome")));
    }

    /// Real executables, run for real: one that answers `--version`, one that fails,
    /// one that may not be run, and a path with nothing there.
    #[cfg(unix)]
    #[test]
    fn chromium_variable_is_used_only_when_it_runs() {
        use std::os::unix::fs::PermissionsExt;
        let dir = std::env::temp_dir().join(format!("xtask-chromium-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let script = |name: &str, body: &str, mode: u32| {
            let path = dir.join(name);
            std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
            path
        };
        let good = script("chromium", "echo 'Chromium 156.0.7000.1 built on Debian'", 0o755);
        let failing = script("failing", "exit 1", 0o755);
        let not_executable = script("not-executable", "echo 'Chromium 156'", 0o644);
        let missing = dir.join("missing");

        assert_eq!(
            browser(Some(good.clone().into())),
            Browser::Given { path: good, version: "Chromium 156.0.7000.1 built on Debian".into() }
        );
        for path in [failing, not_executable, missing] {
            assert_eq!(browser(Some(path.clone().into())), Browser::Broken(path));
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
