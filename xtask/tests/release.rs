//! The release path, as far as it runs here: `cargo package` of the three
//! publishable crates, `cargo install --locked --path` of both commands (a local
//! release build, given the hosted origin as the release workflow gives it),
//! their `--version`, and the release workflow naming both binaries and every
//! target. Slow-ish: `cargo package` and the release build each keep a target
//! directory of their own under target/tmp, so a second run rebuilds little (the
//! first, on a cold machine, takes minutes).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const CRATES: [&str; 3] = ["handshake-core", "handshake-cli", "handshake-lab"];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("the workspace root").to_path_buf()
}

/// The hosted origin a release build is given, as .github/workflows/release.yml does.
const PAGES_ORIGIN: &str = "https://handshake-lab.github.io";

/// Runs cargo with `target` as its target directory.
fn cargo(target: &Path, args: &[&str]) -> Output {
    let output = Command::new(env!("CARGO"))
        .current_dir(root())
        .env("CARGO_TARGET_DIR", target)
        .env_remove("HANDSHAKE_LAB_PAGES_ORIGIN")
        .args(args)
        .output()
        .expect("cargo runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "cargo {}: {}\n{stderr}", args.join(" "), output.status);
    output
}

/// Where `cargo package` verifies the crates: a target directory of its own, kept
/// so a second run rebuilds only this workspace's crates. Cargo takes a registry
/// crate it built once for good, and the packaged core is one (cargo's local
/// overlay registry, same name and version every run): so its unpacked copy under
/// `$CARGO_HOME/registry/src/-<hash>/` and its fingerprints here go first, or the
/// CLI and the lab would be verified against the core as it was packaged before.
fn package_target() -> PathBuf {
    let target = Path::new(env!("CARGO_TARGET_TMPDIR")).join("package-target");
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cargo")))
        .expect("CARGO_HOME or HOME");
    let registries = std::fs::read_dir(home.join("registry").join("src")).into_iter().flatten().flatten();
    // Overlay registries are named `-<hash>`; crates.io's is `index.crates.io-<hash>`.
    let overlays = registries.filter(|r| r.file_name().to_string_lossy().starts_with('-')).map(|r| r.path());
    let fingerprints =
        std::fs::read_dir(target.join("debug").join(".fingerprint")).into_iter().flatten().flatten();
    let stale = overlays
        .flat_map(|r| CRATES.map(|name| r.join(format!("{name}-{}", env!("CARGO_PKG_VERSION")))))
        .chain(
            fingerprints
                .filter(|f| {
                    CRATES.iter().any(|name| f.file_name().to_string_lossy().starts_with(&format!("{name}-")))
                })
                .map(|f| f.path()),
        );
    for dir in stale.filter(|dir| dir.exists()).collect::<Vec<_>>() {
        std::fs::remove_dir_all(&dir).expect("remove a stale packaged copy or its fingerprint");
    }
    target
}

#[test]
fn crates_package_and_commands_install() {
    // Packaged together, so the CLI and the lab are verified against the core
    // packaged here (cargo's local overlay), not a crates.io copy.
    let mut args = vec!["package", "--locked", "--allow-dirty"];
    for name in CRATES {
        args.extend(["-p", name]);
    }
    let package_target = package_target();
    let out = cargo(&package_target, &args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    // crates.io asks for these; cargo warns when one is missing.
    assert!(!stderr.contains("manifest has no"), "{stderr}");
    for name in CRATES {
        let krate =
            package_target.join("package").join(format!("{name}-{}.crate", env!("CARGO_PKG_VERSION")));
        assert!(krate.is_file(), "{} missing\n{stderr}", krate.display());
    }

    // `cargo install --locked --path`: what a tester runs (the `--git` form needs
    // GitHub). Built as the release workflow builds, with the hosted origin, so in a
    // target directory of its own (kept, so a second run rebuilds little): the
    // tree's own binaries stay without it.
    let install_root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("release-install");
    let release_target = Path::new(env!("CARGO_TARGET_TMPDIR")).join("release-target");
    for (dir, bin) in [("crates/cli", "handshake"), ("crates/lab", "handshake-lab")] {
        let root_arg = install_root.to_str().expect("a UTF-8 path");
        let mut install = Command::new(env!("CARGO"));
        install
            .current_dir(root())
            .env("CARGO_TARGET_DIR", &release_target)
            .env("HANDSHAKE_LAB_PAGES_ORIGIN", PAGES_ORIGIN)
            .args(["install", "--locked", "--force", "--quiet", "--path", dir, "--root", root_arg]);
        let out = install.output().expect("cargo install runs");
        assert!(out.status.success(), "cargo install {dir}: {}", String::from_utf8_lossy(&out.stderr));
        let exe = install_root.join("bin").join(format!("{bin}{}", std::env::consts::EXE_SUFFIX));
        let out = Command::new(&exe).arg("--version").output().expect("the installed command runs");
        assert!(out.status.success(), "{} --version: {}", exe.display(), out.status);
        assert_eq!(String::from_utf8_lossy(&out.stdout), format!("{bin} {}\n", env!("CARGO_PKG_VERSION")));
    }

    // The lab built with the hosted origin shares its records with it, with no flags.
    let lab = install_root.join("bin").join(format!("handshake-lab{}", std::env::consts::EXE_SUFFIX));
    let help = Command::new(&lab).arg("--help").output().expect("--help");
    assert!(
        String::from_utf8_lossy(&help.stdout).contains(PAGES_ORIGIN),
        "{}",
        String::from_utf8_lossy(&help.stdout)
    );
    let mut child = Command::new(&lab)
        .args(["--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the lab starts");
    let mut ready = String::new();
    BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut ready).expect("a ready line");
    let addr =
        ready.trim().strip_prefix("handshake-lab listening on ws://").expect("the ready line").to_string();
    let head = |origin: &str| {
        let mut stream = TcpStream::connect(&addr).expect("connects");
        write!(stream, "GET / HTTP/1.1\r\nHost: {addr}\r\nOrigin: {origin}\r\n\r\n").expect("sent");
        let mut answer = String::new();
        let _ = stream.read_to_string(&mut answer);
        answer.split("\r\n\r\n").next().unwrap_or_default().to_ascii_lowercase()
    };
    let shared = head(PAGES_ORIGIN);
    let other = head("https://elsewhere.github.io");
    let _ = child.kill();
    let _ = child.wait();
    assert!(shared.contains(&format!("access-control-allow-origin: {PAGES_ORIGIN}")), "{shared}");
    assert!(!other.contains("access-control-allow-origin"), "{other}");
}

#[test]
fn release_workflow_builds_both_commands_for_every_target() {
    let path = root().join(".github/workflows/release.yml");
    let workflow = std::fs::read_to_string(&path).expect("the release workflow");
    assert!(workflow.contains("tags: ['v*']"), "runs on version tags");
    assert!(workflow.contains("-p handshake-cli -p handshake-lab"), "builds both packages");
    assert!(workflow.contains("for bin in handshake handshake-lab"), "ships both binaries");
    for target in [
        "x86_64-unknown-linux-gnu",
        "aarch64-unknown-linux-gnu",
        "aarch64-apple-darwin",
        "x86_64-pc-windows-msvc",
    ] {
        assert!(workflow.contains(&format!("target: {target}")), "{target} missing");
    }
    assert!(workflow.contains("sha256sum") && workflow.contains("SHA256SUMS"), "checksums");
    assert!(workflow.contains("HANDSHAKE_LAB_PAGES_ORIGIN"), "the hosted origin joins the lab's defaults");
}
