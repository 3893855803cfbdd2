//! The release path, as far as it runs here: `cargo package` of the three
//! publishable crates, `cargo install --locked --path` of both commands (a local
//! release build), their `--version`, and the release workflow naming both
//! binaries and every target. Slow-ish (a release build); it reuses this build's
//! target directory, so a warm tree rebuilds little.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const CRATES: [&str; 3] = ["handshake-core", "handshake-cli", "handshake-lab"];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("the workspace root").to_path_buf()
}

/// This build's target directory: `CARGO_TARGET_TMPDIR` is `<target>/tmp`.
fn target_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).parent().expect("the target dir").to_path_buf()
}

fn cargo(args: &[&str]) -> Output {
    let output = Command::new(env!("CARGO"))
        .current_dir(root())
        .env("CARGO_TARGET_DIR", target_dir())
        .args(args)
        .output()
        .expect("cargo runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "cargo {}: {}\n{stderr}", args.join(" "), output.status);
    output
}

#[test]
fn crates_package_and_commands_install() {
    // Packaged together, so the CLI and the lab are verified against the core
    // packaged here (cargo's local overlay), not a crates.io copy.
    let mut args = vec!["package", "--locked", "--allow-dirty"];
    for name in CRATES {
        args.extend(["-p", name]);
    }
    let out = cargo(&args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    // crates.io asks for these; cargo warns when one is missing.
    assert!(!stderr.contains("manifest has no"), "{stderr}");
    for name in CRATES {
        let krate = target_dir().join("package").join(format!("{name}-{}.crate", env!("CARGO_PKG_VERSION")));
        assert!(krate.is_file(), "{} missing\n{stderr}", krate.display());
    }

    // `cargo install --locked --path`: what a tester runs (the `--git` form needs GitHub).
    let install_root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("release-install");
    for (dir, bin) in [("crates/cli", "handshake"), ("crates/lab", "handshake-lab")] {
        let root_arg = install_root.to_str().expect("a UTF-8 path");
        cargo(&["install", "--locked", "--force", "--quiet", "--path", dir, "--root", root_arg]);
        let exe = install_root.join("bin").join(format!("{bin}{}", std::env::consts::EXE_SUFFIX));
        let out = Command::new(&exe).arg("--version").output().expect("the installed command runs");
        assert!(out.status.success(), "{} --version: {}", exe.display(), out.status);
        assert_eq!(String::from_utf8_lossy(&out.stdout), format!("{bin} {}\n", env!("CARGO_PKG_VERSION")));
    }
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
