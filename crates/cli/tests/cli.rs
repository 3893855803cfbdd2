//! The built `handshake` binary: commands, output formats and exit codes.

use std::process::Output;

mod support;

const GOOD: &str = "GET /chat HTTP/1.1\r\nHost: server.example.com\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nOrigin: http://example.com\r\nSec-WebSocket-Version: 13\r\n\r\nHTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n";

fn run(args: &[&str], stdin: &[u8]) -> Output {
    support::run(args, stdin, false)
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

fn temp_file(name: &str, content: &[u8]) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("handshake-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, content).unwrap();
    path
}

#[test]
fn accept_prints_the_value_alone() {
    let o = run(&["accept", "dGhlIHNhbXBsZSBub25jZQ=="], b"");
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stdout(&o), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\n");
    assert!(stderr(&o).is_empty());
}

#[test]
fn accept_of_a_bad_key_still_prints_and_notes_on_stderr() {
    let o = run(&["accept", "abc123=="], b"");
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stdout(&o).lines().count(), 1);
    assert!(stderr(&o).contains("decodes to 4 bytes"), "{}", stderr(&o));
}

#[test]
fn lint_clean_pair_from_stdin_exits_0() {
    for args in [&["lint"][..], &["lint", "-"][..]] {
        let o = run(args, GOOD.as_bytes());
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let out = stdout(&o);
        assert!(out.contains("format: raw"), "{out}");
        assert!(out.contains("no findings"), "{out}");
        assert!(!out.contains('\x1b'), "no colour when stdout is not a terminal");
    }
}

#[test]
fn lint_errors_exit_1_with_text() {
    let bad = GOOD.replace("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", "xyz456==");
    let o = run(&["lint"], bad.as_bytes());
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(out.contains("res.accept.mismatch"), "{out}");
    assert!(out.contains("browser accepts the response: no"), "{out}");
    assert!(out.contains("1 error"), "{out}");
}

#[test]
fn lint_json_is_stable_and_parses() {
    let bad = GOOD.replace("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", "xyz456==");
    let path = temp_file("bad.txt", bad.as_bytes());
    for args in [
        vec!["lint", path.to_str().unwrap(), "--format", "json"],
        vec!["lint", "--format=json", path.to_str().unwrap()],
    ] {
        let o = run(&args, b"");
        assert_eq!(o.status.code(), Some(1));
        let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
        assert_eq!(v["format"], "raw");
        let e = &v["exchanges"][0];
        assert_eq!(e["expected_accept"], "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
        assert_eq!(e["verdict"]["browser_accepts"], false);
        assert_eq!(e["verdict"]["server_accepts"], true);
        assert!(e["verdict"]["expected_status"].is_null());
        assert_eq!(e["request"]["method"], "GET");
        assert_eq!(e["response"]["status"], 101);
        let f = &e["findings"][0];
        assert_eq!(f["rule"], "res.accept.mismatch");
        assert_eq!(f["severity"], "error");
        assert_eq!(f["rfc"], "RFC 6455 §4.1");
        assert_eq!(f["line"], 12);
        let span = f["span"].as_array().unwrap();
        let (s, t) = (span[0].as_u64().unwrap() as usize, span[1].as_u64().unwrap() as usize);
        assert_eq!(&bad[s..t], "xyz456==");
    }
}

#[test]
fn lint_json_for_a_bad_request_names_the_status() {
    let bad =
        GOOD.replace("Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key", "Sec-WebSocket-Key");
    let o = run(&["lint", "--format", "json"], bad.as_bytes());
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let verdict = &v["exchanges"][0]["verdict"];
    assert_eq!(verdict["server_accepts"], false);
    assert_eq!(verdict["expected_status"], 426);
    assert_eq!(verdict["servers"]["websockets"], 426);
}

#[test]
fn unreadable_file_exits_2() {
    let o = run(&["lint", "/nonexistent/capture.txt"], b"");
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("cannot read /nonexistent/capture.txt"), "{}", stderr(&o));
    assert!(stdout(&o).is_empty());
}

#[test]
fn unrecognisable_or_empty_input_exits_2() {
    let o = run(&["lint"], b"hello there, nothing here");
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("nothing recognisable"), "{}", stderr(&o));
    // DevTools' "Copy as cURL (cmd)": said so, rather than read wrongly.
    let o = run(&["lint"], b"curl ^\"https://example.com/chat^\" ^\n  -H ^\"Upgrade: websocket^\"\n");
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("quoted for Windows cmd"), "{}", stderr(&o));
    let o = run(&["lint"], b"  \n ");
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("empty"), "{}", stderr(&o));
    let o = run(&["lint"], b"{\"log\": ");
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("malformed HAR"), "{}", stderr(&o));
}

#[test]
fn too_large_input_exits_2_naming_the_limit() {
    let big = vec![b'a'; 8 * 1024 * 1024 + 10];
    let path = temp_file("big.txt", &big);
    let o = run(&["lint", path.to_str().unwrap()], b"");
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("8 MiB"), "{}", stderr(&o));
}

#[test]
fn bad_usage_exits_2() {
    for args in [
        vec![],
        vec!["frobnicate"],
        vec!["accept"],
        vec!["accept", "a", "b"],
        vec!["lint", "--format", "xml"],
        vec!["lint", "--format"],
        vec!["lint", "--colour"],
        vec!["lint", "a", "b"],
    ] {
        let o = run(&args, b"");
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(!stderr(&o).is_empty(), "{args:?}");
    }
}

#[test]
fn help_version_and_rules() {
    let o = run(&["--help"], b"");
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("handshake lint"));
    let o = run(&["--version"], b"");
    assert!(stdout(&o).starts_with("handshake "));
    let o = run(&["rules"], b"");
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("res.accept.mismatch"));
}
