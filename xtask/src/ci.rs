//! The GitHub workflows, held to the README and to the pins (tests only): the test job
//! runs the README's test command through `.ci/run` in Debian 12, the Pages job builds
//! with `cargo xtask dist --public-url`, and every version a workflow's caches name is
//! the one Cargo.lock, Trunk.toml and `cargo xtask setup` pin.
//!
//! The YAML is read by indentation, which is all these two files use.

use crate::root;
use crate::setup::{BINARYEN_VERSION, PY_WEBSOCKETS_VERSION, TRUNK_VERSION, wasm_bindgen_version};

fn read(path: &str) -> String {
    std::fs::read_to_string(root().join(path)).unwrap_or_else(|e| panic!("cannot read {path}: {e}"))
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

fn blank(line: &str) -> bool {
    let t = line.trim();
    t.is_empty() || t.starts_with('#')
}

/// The lines under `jobs:` → `  <name>:`.
fn job<'a>(yaml: &'a str, name: &str) -> Vec<&'a str> {
    let header = format!("  {name}:");
    let mut lines = yaml.lines().skip_while(|l| *l != "jobs:").skip_while(|l| *l != header);
    assert!(lines.next().is_some(), "no job {name:?}");
    lines.take_while(|l| blank(l) || indent(l) > 2).filter(|l| !blank(l)).collect()
}

/// A job's steps, each as its lines.
fn steps<'a>(job: &[&'a str]) -> Vec<Vec<&'a str>> {
    let start = job.iter().position(|l| l.trim() == "steps:").expect("a job with steps") + 1;
    let Some(dash) = job.get(start).map(|l| indent(l)) else { return Vec::new() };
    let mut steps: Vec<Vec<&str>> = Vec::new();
    for line in job[start..].iter().take_while(|l| indent(l) >= dash) {
        if indent(line) == dash && line.trim_start().starts_with("- ") {
            steps.push(Vec::new());
        }
        if let Some(step) = steps.last_mut() {
            step.push(line);
        }
    }
    steps
}

/// The value of `name:` among `lines`: inline, or the lines of a `|` block.
fn field(lines: &[&str], name: &str) -> Option<String> {
    let key = format!("{name}:");
    let (at, value, key_indent) = lines.iter().enumerate().find_map(|(i, line)| {
        let body = line.trim_start();
        let (body, dash) = body.strip_prefix("- ").map_or((body, 0), |b| (b, 2));
        Some((i, body.strip_prefix(key.as_str())?.trim(), indent(line) + dash))
    })?;
    if value != "|" {
        return Some(value.trim_matches('"').to_string());
    }
    let block: Vec<&str> =
        lines[at + 1..].iter().take_while(|l| indent(l) > key_indent).map(|l| l.trim()).collect();
    Some(block.join("\n"))
}

fn runs(job: &[&str]) -> Vec<String> {
    steps(job).iter().filter_map(|s| field(s, "run")).collect()
}

/// `(path, key and restore-keys)` of every actions/cache step.
fn caches(job: &[&str]) -> Vec<(String, Vec<String>)> {
    steps(job)
        .iter()
        .filter(|s| field(s, "uses").is_some_and(|u| u.starts_with("actions/cache@")))
        .map(|s| {
            let keys = ["key", "restore-keys"].iter().filter_map(|k| field(s, k)).collect();
            (field(s, "path").expect("a cache has a path"), keys)
        })
        .collect()
}

/// The tools whose versions a cache key may name; each is checked against its pin.
const NAMED: &[&str] = &["wasm-bindgen", "trunk", "binaryen", "websockets", "rust"];

/// The `name-VERSION` pairs in a key such as `tools-wasm-bindgen-0.2.130-trunk-0.21.14`:
/// a version is a `-`-separated word that starts with a digit, named by what precedes it.
fn versions_named(key: &str) -> Vec<(&'static str, String)> {
    let mut found = Vec::new();
    let mut before = String::new();
    for word in key.split('-') {
        if word.starts_with(|c: char| c.is_ascii_digit()) {
            let name = NAMED.iter().find(|n| before == **n || before.ends_with(&format!("-{n}")));
            let name = name
                .unwrap_or_else(|| panic!("{key:?} names version {word} of {before:?}, which has no pin"));
            found.push((*name, word.to_string()));
            before.clear();
        } else {
            if !before.is_empty() {
                before.push('-');
            }
            before.push_str(word);
        }
    }
    found
}

/// `key = "value"` in Trunk.toml.
fn trunk_toml(key: &str) -> String {
    let toml = read("Trunk.toml");
    let line = toml.lines().find_map(|l| l.strip_prefix(key)?.trim_start().strip_prefix('='));
    line.unwrap_or_else(|| panic!("Trunk.toml sets no {key}")).trim().trim_matches('"').to_string()
}

/// The Rust release in the test job's image (`rust:1.95-bookworm`), if it is a rust image.
fn image_rust(image: &str) -> Option<&str> {
    image.strip_prefix("rust:")?.strip_suffix("-bookworm")
}

fn test_job_image() -> String {
    let test = read(".github/workflows/test.yml");
    let job = job(&test, "test");
    let head: Vec<&str> = job.iter().copied().take_while(|l| l.trim() != "steps:").collect();
    field(&head, "image").expect("the test job runs in a container image")
}

/// The version a cache key may name for `tool`.
fn pin(tool: &str) -> String {
    match tool {
        "wasm-bindgen" => wasm_bindgen_version().unwrap(),
        "trunk" => TRUNK_VERSION.into(),
        "binaryen" => BINARYEN_VERSION.into(),
        "websockets" => PY_WEBSOCKETS_VERSION.into(),
        "rust" => image_rust(&test_job_image()).expect("a rust image names the Rust release").into(),
        _ => unreachable!("{tool} is not in NAMED"),
    }
}

/// The last command of a shell script.
fn last_command(script: &str) -> &str {
    script.lines().map(str::trim).rfind(|l| !blank(l)).unwrap_or_default()
}

#[test]
fn test_job_runs_the_readme_test_command_through_ci_run() {
    let readme = read("README.md");
    let two = readme.split("## The two commands").nth(1).expect("README has its two commands");
    let two = two.split("\n## ").next().unwrap_or_default();
    assert!(two.lines().any(|l| l.starts_with("cargo xtask test ")), "the README's test command");

    assert_eq!(last_command(&read(".ci/run")), "cargo xtask test", ".ci/run runs the README's test command");
    let test = read(".github/workflows/test.yml");
    assert_eq!(runs(&job(&test, "test")).last().map(String::as_str), Some(".ci/run"));
}

#[test]
fn test_job_runs_in_debian_12() {
    let image = test_job_image();
    assert!(
        image == "debian:bookworm" || image_rust(&image).is_some_and(|v| v.starts_with("1.")),
        "the test job runs in {image:?}, not Debian 12 (bookworm)"
    );
}

#[test]
fn pages_job_builds_with_cargo_xtask_dist_public_url() {
    assert!(read("README.md").contains("| `cargo xtask dist [--public-url /repo/]` |"));
    let pages = read(".github/workflows/pages.yml");
    let runs = runs(&job(&pages, "build"));
    assert!(
        runs.iter().any(|r| r.starts_with("cargo xtask dist --public-url ")),
        "the Pages build runs no `cargo xtask dist --public-url`: {runs:?}"
    );
}

/// The hosted page's install commands name the repository the site is built from:
/// the Pages build sets `HANDSHAKE_LAB_REPOSITORY` from GitHub's context, which the
/// page reads at build time (src/install.rs), else Cargo.toml's placeholder stands.
#[test]
fn pages_build_names_its_repository_to_the_page() {
    let pages = read(".github/workflows/pages.yml");
    let dist = steps(&job(&pages, "build"))
        .into_iter()
        .find(|step| step.iter().any(|l| l.contains("cargo xtask dist --public-url")))
        .expect("the Pages build's dist step");
    assert!(
        dist.iter().any(
            |l| l.trim() == "HANDSHAKE_LAB_REPOSITORY: ${{ github.server_url }}/${{ github.repository }}"
        ),
        "the dist step does not set HANDSHAKE_LAB_REPOSITORY: {dist:?}"
    );
    assert!(read("src/install.rs").contains(r#"option_env!("HANDSHAKE_LAB_REPOSITORY")"#));
}

#[test]
fn test_job_caches_the_target_dir_of_ci_run() {
    let ci_run = read(".ci/run");
    let target = ci_run
        .lines()
        .find_map(|l| l.strip_prefix("export CARGO_TARGET_DIR=\"${CARGO_TARGET_DIR:-")?.strip_suffix("}\""))
        .expect(".ci/run sets a default CARGO_TARGET_DIR");
    let target = target.replace("$HOME", "~");
    let test = read(".github/workflows/test.yml");
    assert!(caches(&job(&test, "test")).iter().any(|(path, _)| path.lines().any(|p| p == target)));
    for file in ["test.yml", "pages.yml"] {
        let yaml = read(&format!(".github/workflows/{file}"));
        for var in ["CARGO_TARGET_DIR", "HANDSHAKE_LAB_HOME"] {
            let set = yaml.lines().any(|l| !blank(l) && l.contains(var));
            assert!(!set, "{file} sets {var}: its caches would miss what .ci/run builds");
        }
    }
}

#[test]
fn pins_agree_between_cargo_lock_trunk_toml_and_setup() {
    assert_eq!(trunk_toml("wasm_bindgen"), wasm_bindgen_version().unwrap());
    let major = BINARYEN_VERSION.split('.').next().unwrap();
    assert_eq!(trunk_toml("wasm_opt"), format!("version_{major}"));
}

/// Each cache key names the pinned version of everything its paths hold, and nothing
/// else: a pin that moves changes the key, and a stale key fails here.
#[test]
fn workflow_caches_are_keyed_on_the_pins() {
    let test = read(".github/workflows/test.yml");
    let pages = read(".github/workflows/pages.yml");
    let jobs = [("test.yml", job(&test, "test")), ("pages.yml", job(&pages, "build"))];
    for (file, job) in &jobs {
        let caches = caches(job);
        assert!(
            caches.iter().any(|(p, _)| p.contains(".cache/handshake-lab/tools")),
            "{file} caches no tools"
        );
        for (path, keys) in &caches {
            assert!(!keys.is_empty(), "{file}: the cache of {path} has no key");
            let held: &[(&str, &[&str])] = &[
                (".cache/handshake-lab/tools", &["wasm-bindgen", "trunk"]),
                (".tools/node_modules", &["binaryen"]),
                (".tools/venv", &["websockets"]),
                (".cache/handshake-lab/target", &["rust"]),
            ];
            for key in keys {
                let named = versions_named(key);
                for (tool, version) in &named {
                    assert_eq!(*version, pin(tool), "{file}: key {key:?} names {tool} {version}");
                }
                for (dir, tools) in held.iter().filter(|(dir, _)| path.contains(dir)) {
                    for tool in *tools {
                        assert!(
                            named.iter().any(|(t, _)| t == tool),
                            "{file}: key {key:?} of {dir} names no {tool}"
                        );
                    }
                }
            }
        }
    }
}

/// playwright-core's `engines` in e2e/package-lock.json: node >= this major.
fn playwright_node_major() -> u32 {
    let lock = read("e2e/package-lock.json");
    let entry = lock.split("\"node_modules/playwright-core\"").nth(1).expect("playwright-core is locked");
    let engines = entry.split("\"engines\"").nth(1).expect("playwright-core has engines");
    let want = engines.split("\"node\": \">=").nth(1).expect("a node >= engine");
    want.split(|c: char| !c.is_ascii_digit()).next().unwrap().parse().unwrap()
}

#[test]
fn workflow_node_is_one_the_browser_tests_run_on() {
    let min = playwright_node_major();
    let test = read(".github/workflows/test.yml");
    let node = field(&job(&test, "test"), "node-version").expect("the test job sets up node");
    let major: u32 = node.split('.').next().unwrap().parse().unwrap();
    assert!(major >= min, "the test job sets up node {node}; playwright-core needs >= {min}");
}

#[test]
fn key_versions_are_read_with_their_names() {
    assert_eq!(
        versions_named("tools-debian12-wasm-bindgen-0.2.130-trunk-0.21.14-x"),
        [("wasm-bindgen", "0.2.130".to_string()), ("trunk", "0.21.14".to_string())]
    );
    assert_eq!(
        versions_named("target-debian12-rust-1.95-${{ hashFiles('Cargo.lock') }}"),
        [("rust", "1.95".to_string())]
    );
    assert!(std::panic::catch_unwind(|| versions_named("tools-node-20")).is_err());
}
