//! A small static file server on loopback, for the browser tests: it serves a built
//! site under a sub-path, as GitHub Pages does.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::Result;

/// Serves `dir` at `http://127.0.0.1:PORT{prefix}` from a background thread; returns PORT.
pub fn spawn(dir: PathBuf, prefix: &'static str) -> Result<u16> {
    spawn_with(dir, prefix, None)
}

/// As `spawn`, but text and wasm go gzip-compressed to a client that accepts gzip,
/// as GitHub Pages sends them. Each file is compressed once, before it is first sent,
/// so the compression's time is not in the page's load.
pub fn spawn_gzip(dir: PathBuf, prefix: &'static str) -> Result<u16> {
    spawn_with(dir, prefix, Some(Arc::default()))
}

/// Gzip bodies already made, by file.
type Compressed = Arc<Mutex<HashMap<PathBuf, Arc<Vec<u8>>>>>;

fn spawn_with(dir: PathBuf, prefix: &'static str, gzip: Option<Compressed>) -> Result<u16> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| format!("cannot listen on loopback: {e}"))?;
    let port = listener.local_addr().map_err(|e| e.to_string())?.port();
    if let Some(cache) = &gzip {
        // Compress ahead of the first request.
        for file in crate::dist::first_load_files(&dir)? {
            if compressible(content_type(&file))
                && let Ok(body) = std::fs::read(&file)
            {
                cache.lock().map_err(|e| e.to_string())?.insert(file, Arc::new(gzip_best(&body)));
            }
        }
    }
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let dir = dir.clone();
            let gzip = gzip.clone();
            std::thread::spawn(move || {
                let _ = respond(stream, &dir, prefix, gzip.as_ref());
            });
        }
    });
    Ok(port)
}

fn respond(
    mut stream: TcpStream,
    dir: &Path,
    prefix: &str,
    gzip: Option<&Compressed>,
) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    // Only Accept-Encoding in the header block changes the answer.
    let mut accepts_gzip = false;
    let mut line = String::new();
    while reader.read_line(&mut line)? > 2 {
        if let Some((name, value)) = line.split_once(':')
            && name.trim().eq_ignore_ascii_case("accept-encoding")
            && value.to_ascii_lowercase().contains("gzip")
        {
            accepts_gzip = true;
        }
        line.clear();
    }
    let mut parts = request_line.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let path = target.split(['?', '#']).next().unwrap_or("");
    let file = path.strip_prefix(prefix).and_then(|rest| resolve(dir, rest));
    let (status, mut body, kind) = match (method, &file) {
        ("GET" | "HEAD", Some(file)) => match std::fs::read(file) {
            Ok(body) => ("200 OK", body, content_type(file)),
            Err(_) => ("404 Not Found", b"not found\n".to_vec(), "text/plain"),
        },
        ("GET" | "HEAD", None) => ("404 Not Found", b"not found\n".to_vec(), "text/plain"),
        _ => ("405 Method Not Allowed", Vec::new(), "text/plain"),
    };
    let mut encoding = "";
    if let (Some(cache), Some(file), true) = (gzip, &file, status == "200 OK" && compressible(kind)) {
        encoding = "Vary: Accept-Encoding\r\n";
        if accepts_gzip {
            let cached = cache.lock().ok().and_then(|c| c.get(file).cloned());
            body = match cached {
                Some(gz) => gz.to_vec(),
                None => gzip_best(&body),
            };
            encoding = "Content-Encoding: gzip\r\nVary: Accept-Encoding\r\n";
        }
    }
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\n{encoding}Content-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes())?;
    if method != "HEAD" {
        stream.write_all(&body)?;
    }
    Ok(())
}

/// The file for a request path below the prefix; never outside `dir`.
fn resolve(dir: &Path, rest: &str) -> Option<PathBuf> {
    let rel = Path::new(rest.trim_start_matches('/'));
    if rel.components().any(|c| !matches!(c, Component::Normal(_))) {
        return None;
    }
    let path = dir.join(rel);
    Some(if path.is_dir() { path.join("index.html") } else { path })
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or_default() {
        "html" => "text/html; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "css" => "text/css; charset=utf-8",
        "json" => "application/json",
        "webmanifest" => "application/manifest+json",
        "png" => "image/png",
        "svg" => "image/svg+xml",
        "ico" => "image/x-icon",
        _ => "application/octet-stream",
    }
}

/// What GitHub Pages compresses: text, JSON, SVG and wasm.
fn compressible(kind: &str) -> bool {
    kind.starts_with("text/") || matches!(kind, "application/wasm" | "application/json" | "image/svg+xml")
}

fn gzip_best(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let _ = enc.write_all(bytes);
    enc.finish().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_leaves_the_site() {
        let dir = Path::new("/site");
        assert_eq!(resolve(dir, "/app.js"), Some(PathBuf::from("/site/app.js")));
        assert_eq!(resolve(dir, "/../etc/passwd"), None);
        assert_eq!(resolve(dir, "/a/./b"), Some(PathBuf::from("/site/a/b")));
    }

    /// A client that accepts gzip gets the file gzip-compressed; one that does not, as is.
    #[test]
    fn gzips_text_for_a_client_that_accepts_it() {
        use std::io::Read;
        let dir = std::env::temp_dir().join(format!("handshake-gzip-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let page = "<!DOCTYPE html><p>hello</p>".repeat(50);
        std::fs::write(dir.join("index.html"), &page).unwrap();
        let port = spawn_gzip(dir.clone(), "/").unwrap();
        let get = |accept: &str| {
            let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
            write!(s, "GET / HTTP/1.1\r\nHost: x\r\n{accept}\r\n").unwrap();
            let mut answer = Vec::new();
            s.read_to_end(&mut answer).unwrap();
            let at = answer.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
            (String::from_utf8_lossy(&answer[..at]).into_owned(), answer[at..].to_vec())
        };
        let (head, body) = get("Accept-Encoding: gzip, deflate\r\n");
        assert!(head.contains("Content-Encoding: gzip"), "{head}");
        let mut text = String::new();
        flate2::read::GzDecoder::new(&body[..]).read_to_string(&mut text).unwrap();
        assert_eq!(text, page);
        let (head, body) = get("");
        assert!(!head.contains("Content-Encoding"), "{head}");
        assert_eq!(body, page.as_bytes());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
