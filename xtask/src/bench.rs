//! `cargo xtask bench`: speed and size, measured and printed. Nothing here asserts a
//! time; budgets are printed beside the figures.

use std::io::Write;
use std::path::Path;

use crate::setup::{self, Needs};
use crate::{Result, dist, proc, root, static_server, target_dir};

/// The app's first load may weigh at most this many times a Leptos counter's (gzip).
const SIZE_BUDGET_VS_COUNTER: f64 = 3.0;

pub fn run(args: &[String]) -> Result {
    match args {
        [] => {}
        [part] if part == "first-load" => {
            let toolchain = setup::run(Needs::ALL)?;
            let sites = target_dir().join("bench-site");
            dist::build(toolchain, &root(), "/", &sites.join("app"))?;
            dist::build(toolchain, &root().join("xtask").join("size-floor"), "/", &sites.join("floor"))?;
            return first_load(&sites);
        }
        _ => return Err("usage: cargo xtask bench [first-load]".into()),
    }
    let toolchain = setup::run(Needs::ALL)?;

    println!("\n== lint speed: handshake-core against tungstenite, same bytes, same run");
    proc::run(proc::cmd("cargo").args(["bench", "-p", "handshake-core", "--bench", "lint"]))?;
    instructions()?;

    println!("\n== first-load size of the release site (opt-level z, lto, wasm-opt -Oz)");
    let sites = target_dir().join("bench-site");
    let build = |name: &str, app: &Path| -> Result<Size> {
        let dir = sites.join(name);
        dist::build(toolchain, app, "/", &dir)?;
        Size::of(&dir)
    };
    let app = build("app", &root())?;
    let counter = build("counter", &root().join("xtask").join("size-baseline"))?;
    let floor = build("floor", &root().join("xtask").join("size-floor"))?;
    println!(
        "{:<34} {:>10} {:>10} {:>10} {:>8}",
        "first load (html+css+js+wasm)", "raw B", "gzip -9 B", "brotli B", "x counter"
    );
    app.print("handshake lab", &counter);
    counter.print("leptos counter (baseline)", &counter);
    floor.print("counter + core lint (floor)", &counter);
    let budget = (SIZE_BUDGET_VS_COUNTER * counter.gzip as f64) as usize;
    let verdict = if app.gzip <= budget { "within budget" } else { "OVER BUDGET" };
    let (gap, side) = if app.gzip >= floor.gzip {
        (app.gzip - floor.gzip, "above")
    } else {
        (floor.gzip - app.gzip, "below")
    };
    println!(
        "budget {SIZE_BUDGET_VS_COUNTER:.1} x counter = {budget} B gzip: {verdict}; the first load (the landing \
         linter) is {gap} B gzip {side} the floor; the app module follows once the findings are on screen"
    );
    let app_dir = sites.join("app");
    for file in dist::first_load_files(&app_dir)? {
        let bytes = std::fs::read(&file).map_err(|e| e.to_string())?;
        let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        println!("  {name:<44} {:>9} B raw {:>9} B gzip", bytes.len(), gzip(&bytes));
    }

    println!("\n== the page with a 5 MiB HAR (release site, headless Chromium)");
    let app_port = static_server::spawn(app_dir, "/")?;
    proc::run(
        proc::cmd("node")
            .arg(root().join("e2e").join("bench").join("big-har.mjs"))
            .env("APP_URL", format!("http://127.0.0.1:{app_port}/"))
            .env("CHROMIUM", setup::chromium_path()),
    )?;

    first_load(&sites)?;

    if root().join("crates/lab/examples/load.rs").exists() {
        println!("\n== lab server load (loopback, bounded)");
        proc::run(proc::cmd("cargo").args([
            "run",
            "--quiet",
            "--release",
            "-p",
            "handshake-lab",
            "--example",
            "load",
        ]))?;
    }
    Ok(())
}

/// Paste to findings on a slow phone, first-load bytes, first contentful paint and
/// what each view adds: the app against the floor, both served gzip-compressed.
fn first_load(sites: &Path) -> Result {
    println!("\n== first load on a slow phone: app against the floor (Slow 4G, 4x CPU, gzip)");
    let (app, floor) = (sites.join("app"), sites.join("floor"));
    let app_port = static_server::spawn_gzip(app.clone(), "/")?;
    let floor_port = static_server::spawn_gzip(floor.clone(), "/")?;
    proc::run(
        proc::cmd("node")
            .arg(root().join("e2e").join("bench").join("first-load.mjs"))
            .env("APP_URL", format!("http://127.0.0.1:{app_port}/"))
            .env("FLOOR_URL", format!("http://127.0.0.1:{floor_port}/"))
            .env("APP_DIR", &app)
            .env("FLOOR_DIR", &floor)
            .env("CHROMIUM", setup::chromium_path()),
    )
}

/// Instructions per pair under callgrind: unlike nanoseconds, the same on every
/// run of the same binary, whatever else the machine is doing.
fn instructions() -> Result {
    println!("\n== lint instructions: callgrind, same binary, same bytes, 1000 pairs each");
    setup::valgrind()?;
    let example = "pair_instructions";
    proc::run(
        proc::cmd("cargo")
            .args(["build", "--quiet", "--profile", "bench", "-p", "handshake-core"])
            .args(["--example", example]),
    )?;
    let exe = target_dir().join("release").join("examples").join(example);
    let count = |function: &str| -> Result<f64> {
        let out_file = std::env::temp_dir().join(format!("handshake-callgrind-{}.out", std::process::id()));
        let out = proc::cmd("valgrind")
            .arg("--tool=callgrind")
            .arg(format!("--callgrind-out-file={}", out_file.display()))
            .arg(format!("--toggle-collect=*{function}*"))
            .arg(&exe)
            .arg("1000")
            .output()
            .map_err(|e| format!("could not start valgrind: {e}"))?;
        let _ = std::fs::remove_file(&out_file);
        let stderr = String::from_utf8_lossy(&out.stderr);
        let collected = stderr
            .lines()
            .find_map(|l| l.split_once("Collected :").map(|(_, n)| n.trim().to_string()))
            .and_then(|n| n.parse::<f64>().ok())
            .ok_or_else(|| format!("valgrind printed no instruction count:\n{stderr}"))?;
        Ok(collected / 1000.0)
    };
    let (lint, tungstenite) = (count("run_lint")?, count("run_tungstenite")?);
    println!("lint pair: {lint:.0} instructions/pair");
    println!("tungstenite server handshake: {tungstenite:.0} instructions/pair");
    let ratio = lint / tungstenite;
    let verdict = if ratio <= 1.0 { "within target" } else { "OVER TARGET" };
    println!("instruction ratio lint/tungstenite: {ratio:.2} (target 1.0): {verdict}");
    Ok(())
}

struct Size {
    raw: usize,
    gzip: usize,
    brotli: usize,
}

impl Size {
    fn of(dist: &Path) -> Result<Size> {
        let mut size = Size { raw: 0, gzip: 0, brotli: 0 };
        for file in dist::first_load_files(dist)? {
            let bytes = std::fs::read(&file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
            size.raw += bytes.len();
            size.gzip += gzip(&bytes);
            size.brotli += brotli(&bytes);
        }
        Ok(size)
    }

    fn print(&self, name: &str, counter: &Size) {
        let ratio = self.gzip as f64 / counter.gzip as f64;
        println!("{name:<34} {:>10} {:>10} {:>10} {ratio:>8.2}", self.raw, self.gzip, self.brotli);
    }
}

fn gzip(bytes: &[u8]) -> usize {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let _ = enc.write_all(bytes);
    enc.finish().map(|v| v.len()).unwrap_or(0)
}

fn brotli(bytes: &[u8]) -> usize {
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams { quality: 11, ..Default::default() };
    let _ = brotli::BrotliCompress(&mut &bytes[..], &mut out, &params);
    out.len()
}
