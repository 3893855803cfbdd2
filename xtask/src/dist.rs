//! `cargo xtask dist`: the release site, and the release build the tests run against.

use std::path::{Path, PathBuf};
use std::process::Command;

use base64::Engine as _;
use sha2::{Digest, Sha256, Sha384};

use crate::setup::{self, Needs};
use crate::wasm::Toolchain;
use crate::{Result, proc, root};

pub fn run_cli(args: &[String]) -> Result {
    let public_url = match args {
        [] => "/".to_string(),
        [flag, url] if flag == "--public-url" => url.clone(),
        [arg] if arg.starts_with("--public-url=") => arg["--public-url=".len()..].to_string(),
        _ => return Err("usage: cargo xtask dist [--public-url /sub-path/]".into()),
    };
    let toolchain = setup::run(Needs::BUILD)?;
    let dist = root().join("dist");
    build(toolchain, &root(), &public_url, &dist)?;
    println!("dist: the site is in {} (public URL {public_url})", dist.display());
    Ok(())
}

/// `trunk build --release --offline` of the app in `app_dir` into `dist`, then the
/// Content-Security-Policy is written into its index.html.
pub fn build(toolchain: Toolchain, app_dir: &Path, public_url: &str, dist: &Path) -> Result {
    let mut trunk = Command::new("trunk");
    trunk
        .current_dir(app_dir)
        .args(["build", "--release", "--offline", "--public-url", public_url, "--dist"])
        .arg(dist);
    toolchain.configure(&mut trunk)?;
    proc::run(&mut trunk)?;
    if app_dir == root() {
        name_the_app_module(dist)?;
        write_learn_page(dist)?;
        write_csp(&dist.join("index.html"))?;
        write_csp(&dist.join("learn.html"))?;
        crate::offline::write_worker(dist)?;
    }
    Ok(())
}

/// The app's module, named after its binary: Trunk writes it as a
/// `worker`-type asset (`APP.js`, `APP_bg.wasm`), which it leaves unhashed and
/// does not boot (index.html; the landing linter loads it).
const APP: &str = "handshake-web";

/// Gives the app's module content-hashed names, as Trunk gives the landing
/// linter's, and writes those names and their SRI digests into index.html's
/// `<meta name="handshake-app">`, where the landing linter reads them.
fn name_the_app_module(dist: &Path) -> Result {
    let read = |name: &str| {
        std::fs::read(dist.join(name)).map_err(|e| format!("cannot read {name} in {}: {e}", dist.display()))
    };
    let (app_js, app_wasm) = (format!("{APP}.js"), format!("{APP}_bg.wasm"));
    let (js, wasm) = (read(&app_js)?, read(&app_wasm)?);
    let digest = Sha256::new().chain_update(&js).chain_update(&wasm).finalize();
    let hash: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
    let (js_name, wasm_name) = (format!("{APP}-{hash}.js"), format!("{APP}-{hash}_bg.wasm"));
    // The glue names its wasm only as a default; keep even that true.
    let js = String::from_utf8_lossy(&js).replace(&format!("'{app_wasm}'"), &format!("'{wasm_name}'"));
    let write = |name: &str, bytes: &[u8]| {
        std::fs::write(dist.join(name), bytes).map_err(|e| format!("cannot write {name}: {e}"))
    };
    write(&js_name, js.as_bytes())?;
    write(&wasm_name, &wasm)?;
    for old in [app_js, app_wasm] {
        std::fs::remove_file(dist.join(&old)).map_err(|e| format!("cannot remove {old}: {e}"))?;
    }
    let sri = |bytes: &[u8]| {
        format!("sha384-{}", base64::engine::general_purpose::STANDARD.encode(Sha384::digest(bytes)))
    };
    let meta = format!(
        "<meta name=\"handshake-app\" data-js=\"{js_name}\" data-wasm=\"{wasm_name}\" data-js-integrity=\"{}\" data-wasm-integrity=\"{}\">",
        sri(js.as_bytes()),
        sri(&wasm)
    );
    let index = dist.join("index.html");
    let html =
        std::fs::read_to_string(&index).map_err(|e| format!("cannot read {}: {e}", index.display()))?;
    let at =
        html.find("<meta name=\"handshake-app\"").ok_or("index.html has no <meta name=\"handshake-app\">")?;
    let end = at + html[at..].find('>').ok_or("index.html: unclosed handshake-app meta")? + 1;
    let html = format!("{}{meta}{}", &html[..at], &html[end..]);
    std::fs::write(&index, html).map_err(|e| format!("cannot write {}: {e}", index.display()))?;
    println!("dist: the app module is {js_name} and {wasm_name}");
    Ok(())
}

/// Runs before anything reads the address of learn.html: a section's own
/// address there (`learn.html#why`, what the static links use) becomes the
/// app's (`#/learn?at=why`).
const LEARN_ADDRESS: &str = "<script>
      const learnAddress = () => {
        const at = location.hash.slice(1);
        if (!at.startsWith('/')) history.replaceState(null, '', '#/learn' + (at ? '?at=' + at : ''));
      };
      learnAddress();
      addEventListener('hashchange', learnAddress);
    </script>";

/// `learn.html`: index.html with the Learn view in place of the linter's shell,
/// rendered on the host by the app's own components (src/prerender.rs), so the
/// explainer reads, prints and is found by search engines without the module.
/// With it, the landing linter leaves the view shown and the app replaces it.
fn write_learn_page(dist: &Path) -> Result {
    println!("$ cargo run --quiet -p {APP} (Learn as static HTML)");
    let out = Command::new("cargo")
        .current_dir(root())
        .args(["run", "--quiet", "-p", APP])
        .output()
        .map_err(|e| format!("could not start cargo: {e}"))?;
    let learn = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() || !learn.starts_with("<section") {
        return Err(format!("rendering Learn failed:\n{}", String::from_utf8_lossy(&out.stderr)));
    }
    // Without the module the table of contents links to the sections' ids.
    let learn = learn
        .replacen("<section ", "<section data-static-view=\"learn\" ", 1)
        .replace("href=\"#/learn?at=", "href=\"#");
    let index = std::fs::read_to_string(dist.join("index.html"))
        .map_err(|e| format!("cannot read index.html: {e}"))?;
    let (open, close) = ("<main id=\"main\">", "</main>");
    let (Some(start), Some(end)) = (index.find(open), index.find(close)) else {
        return Err("index.html has no <main id=\"main\">...</main>".into());
    };
    let page = format!("{}{open}{learn}{}", &index[..start], &index[end..])
        .replacen(
            "<title>Handshake Lab: WebSocket handshake validator</title>",
            "<title>Learn the WebSocket handshake: Handshake Lab</title>",
            1,
        )
        .replacen("<meta charset=\"utf-8\">", &format!("<meta charset=\"utf-8\">\n    {LEARN_ADDRESS}"), 1);
    std::fs::write(dist.join("learn.html"), page).map_err(|e| format!("cannot write learn.html: {e}"))?;
    println!("dist: learn.html holds the Learn view as static HTML ({} bytes of it)", learn.len());
    Ok(())
}

/// The policy of the released page. Trunk boots the module from an inline script, so
/// that script is allowed by its hash, never by 'unsafe-inline'. `connect-src` admits
/// any ws:/wss: URL the reader types into the live panel, and the local lab server's
/// HTTP records.
const CSP: &str = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval' {hashes}; \
    style-src 'self'; img-src 'self' data:; font-src 'self'; manifest-src 'self'; worker-src 'self'; \
    connect-src 'self' ws: wss: http://127.0.0.1:* http://localhost:*; \
    base-uri 'none'; form-action 'none'; object-src 'none'";

fn write_csp(index: &Path) -> Result {
    let html = std::fs::read_to_string(index).map_err(|e| format!("cannot read {}: {e}", index.display()))?;
    let hashes: Vec<String> = inline_scripts(&html)
        .map(|body| {
            let digest = Sha256::digest(body.as_bytes());
            format!("'sha256-{}'", base64::engine::general_purpose::STANDARD.encode(digest))
        })
        .collect();
    let policy = CSP.replace("{hashes}", &hashes.join(" "));
    let meta = format!("<meta http-equiv=\"Content-Security-Policy\" content=\"{policy}\">");
    let Some(at) = html.find("<meta charset=\"utf-8\">").map(|i| i + "<meta charset=\"utf-8\">".len()) else {
        return Err(format!("{} has no <meta charset=\"utf-8\"> to place the CSP after", index.display()));
    };
    let out = format!("{}\n    {meta}{}", &html[..at], &html[at..]);
    std::fs::write(index, out).map_err(|e| format!("cannot write {}: {e}", index.display()))?;
    println!("dist: Content-Security-Policy written ({} inline script hash(es))", hashes.len());
    Ok(())
}

/// The bodies of `<script ...>` elements that have no `src`.
fn inline_scripts(html: &str) -> impl Iterator<Item = &str> {
    html.match_indices("<script").filter_map(move |(at, _)| {
        let open_end = at + html[at..].find('>')?;
        let tag = &html[at..open_end];
        let body_start = open_end + 1;
        let body_end = body_start + html[body_start..].find("</script>")?;
        (!tag.contains(" src=")).then(|| &html[body_start..body_end])
    })
}

/// What a first visit loads before its findings: HTML, CSS, JS and wasm, but
/// not the service worker, another page (learn.html) or the app module, which
/// the landing linter loads once its findings are on screen.
pub fn first_load_files(dist: &Path) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let entries = std::fs::read_dir(dist).map_err(|e| format!("cannot read {}: {e}", dist.display()))?;
    for entry in entries.flatten() {
        let path = entry.path();
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or_default();
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let later = name == "sw.js" || name == "learn.html" || name.starts_with(&format!("{APP}-"));
        if matches!(ext, "html" | "css" | "js" | "wasm") && !later {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_only_inline_scripts() {
        let html = r#"<script type="module">boot()</script><script src="a.js"></script><script>x</script>"#;
        assert_eq!(inline_scripts(html).collect::<Vec<_>>(), ["boot()", "x"]);
    }
}
