//! The released site's service worker (assets/sw.js): after `trunk build`, its
//! `VERSION` and `FILES` lines are written from the files in the site, so each
//! release is a new worker with a cache named after a hash of its files.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::Result;

const WORKER: &str = "sw.js";

/// Writes the worker's list of released files and its version into `site/sw.js`
/// (again, when it was written before). A site without the worker is left alone.
pub fn write_worker(site: &Path) -> Result {
    let worker = site.join(WORKER);
    if !worker.is_file() {
        return Ok(());
    }
    let files = released_files(site)?;
    let version = version(site, &files)?;
    let text = read(&worker)?;
    // Every page is index.html, cached as the site's root (`./`).
    let urls: Vec<String> =
        files.iter().map(|f| if f == "index.html" { "'./'".into() } else { format!("'{f}'") }).collect();
    let text = set_line(&text, "const VERSION = ", &format!("const VERSION = '{version}';"))?;
    let text = set_line(&text, "const FILES = ", &format!("const FILES = [{}];", urls.join(", ")))?;
    std::fs::write(&worker, text).map_err(|e| format!("cannot write {}: {e}", worker.display()))?;
    println!("dist: service worker {version}, {} files cached", files.len());
    Ok(())
}

/// Every file of the site but the worker, as `/`-separated paths, sorted.
fn released_files(site: &Path) -> Result<Vec<String>> {
    let mut files = Vec::new();
    let mut dirs = vec![PathBuf::new()];
    while let Some(rel) = dirs.pop() {
        let dir = site.join(&rel);
        let entries = std::fs::read_dir(&dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
        for entry in entries.flatten() {
            let rel = rel.join(entry.file_name());
            if entry.path().is_dir() {
                dirs.push(rel);
                continue;
            }
            let name =
                rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
            if name.contains(['\'', '\\', '\n']) {
                return Err(format!("{name:?}: a released file name the worker cannot list"));
            }
            if name != WORKER {
                files.push(name);
            }
        }
    }
    files.sort();
    Ok(files)
}

/// The first 16 hex digits of SHA-256 over every file's name and bytes.
fn version(site: &Path, files: &[String]) -> Result<String> {
    let mut hash = Sha256::new();
    for name in files {
        hash.update(name.as_bytes());
        hash.update([0]);
        hash.update(std::fs::read(site.join(name)).map_err(|e| format!("cannot read {name}: {e}"))?);
        hash.update([0]);
    }
    Ok(hash.finalize().iter().take(8).map(|b| format!("{b:02x}")).collect())
}

/// `text` with its one line that starts with `start` replaced by `line`.
fn set_line(text: &str, start: &str, line: &str) -> Result<String> {
    let mut found = 0;
    let out: Vec<&str> = text
        .lines()
        .map(|l| {
            if l.starts_with(start) {
                found += 1;
                line
            } else {
                l
            }
        })
        .collect();
    if found != 1 {
        return Err(format!("{WORKER}: expected one line starting {start:?}, found {found}"));
    }
    Ok(out.join("\n") + "\n")
}

fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

/// For the browser tests: `next` becomes a copy of the released `site` with one
/// file changed (index.html gains `<meta name="release" content="next">`), and its
/// worker rewritten as `dist` writes it: a second release of the same site.
pub fn next_release(site: &Path, next: &Path) -> Result {
    let _ = std::fs::remove_dir_all(next);
    for name in released_files(site)?.iter().map(String::as_str).chain([WORKER]) {
        let to = next.join(name);
        if let Some(dir) = to.parent() {
            std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        }
        std::fs::copy(site.join(name), &to).map_err(|e| format!("cannot copy {name}: {e}"))?;
    }
    let index = next.join("index.html");
    let html = read(&index)?;
    let charset = "<meta charset=\"utf-8\">";
    let html = html.replacen(charset, &format!("{charset}\n    <meta name=\"release\" content=\"next\">"), 1);
    std::fs::write(&index, html).map_err(|e| format!("cannot write {}: {e}", index.display()))?;
    write_worker(next)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(name: &str, files: &[(&str, &str)]) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("xtask-offline-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        for (file, body) in files {
            let path = dir.join(file);
            std::fs::create_dir_all(path.parent().expect("a parent")).expect("dir");
            std::fs::write(path, body).expect("write");
        }
        dir
    }

    const WORKER_SOURCE: &str = include_str!("../../assets/sw.js");

    fn written(dir: &Path) -> (String, String) {
        let text = read(&dir.join(WORKER)).expect("the worker");
        let line = |start: &str| text.lines().find(|l| l.starts_with(start)).expect(start).to_string();
        (line("const VERSION = "), line("const FILES = "))
    }

    #[test]
    fn lists_the_released_files_and_versions_them_by_content() {
        let files = [
            ("index.html", "<meta charset=\"utf-8\"><title>x</title>"),
            ("app-1a2b.js", "js"),
            ("app-1a2b_bg.wasm", "wasm"),
            ("snippets/x/inline0.js", "s"),
            (WORKER, WORKER_SOURCE),
        ];
        let a = site("a", &files);
        write_worker(&a).expect("written");
        let (version, list) = written(&a);
        // Sorted by file name; index.html is listed as the site's root.
        assert_eq!(list, "const FILES = ['app-1a2b.js', 'app-1a2b_bg.wasm', './', 'snippets/x/inline0.js'];");
        assert!(
            version.starts_with("const VERSION = '") && version.len() == "const VERSION = '';".len() + 16
        );
        // Writing again gives the same worker.
        write_worker(&a).expect("written again");
        assert_eq!(written(&a).0, version);

        // One changed file: a new version, so a new worker and a new cache.
        let b = site("b", &[]);
        next_release(&a, &b).expect("the next release");
        let (next_version, next_list) = written(&b);
        assert_ne!(next_version, version);
        assert_eq!(next_list, list);
        assert!(
            read(&b.join("index.html")).expect("index").contains("<meta name=\"release\" content=\"next\">")
        );
        let _ = std::fs::remove_dir_all(a);
        let _ = std::fs::remove_dir_all(b);
    }

    #[test]
    fn the_source_worker_caches_nothing_until_written() {
        assert!(WORKER_SOURCE.contains("\nconst VERSION = 'dev';\n"));
        assert!(WORKER_SOURCE.contains("\nconst FILES = [];\n"));
    }
}
