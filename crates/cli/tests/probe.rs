//! `handshake probe` and `handshake audit` against real servers on loopback:
//! the built lab (`handshake-lab --listen 127.0.0.1:0`), a TLS front for it
//! with a generated certificate, and small misbehaving servers.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Arc, OnceLock};
use std::thread;
use std::time::{Duration, Instant};

use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::{ServerConfig, ServerConnection, StreamOwned};

mod support;

use support::BIN;

fn handshake(args: &[&str], stdin: &[u8]) -> Output {
    support::run(args, stdin, true)
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_str(&out(o)).unwrap_or_else(|e| panic!("{e}: {}\n{}", out(o), err(o)))
}

/// The lab binary: `LAB_BIN`, or beside this package's binary, built once if absent.
fn lab_bin() -> PathBuf {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT
        .get_or_init(|| {
            if let Some(bin) = std::env::var_os("LAB_BIN") {
                return PathBuf::from(bin);
            }
            let bin = PathBuf::from(BIN).with_file_name("handshake-lab");
            if !bin.exists() {
                let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
                let status = Command::new(cargo)
                    .args(["build", "--quiet", "-p", "handshake-lab"])
                    .status()
                    .expect("cargo build -p handshake-lab");
                assert!(status.success(), "cargo build -p handshake-lab failed");
            }
            bin
        })
        .clone()
}

/// A lab on 127.0.0.1:0, killed on drop.
struct Lab {
    child: Child,
    port: u16,
}

impl Lab {
    fn start() -> Lab {
        let mut child = Command::new(lab_bin())
            .args(["--listen", "127.0.0.1:0"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the lab starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let port = line
            .trim_end()
            .strip_prefix("handshake-lab listening on ws://127.0.0.1:")
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("unexpected ready line {line:?}"));
        Lab { child, port }
    }

    fn url(&self, path: &str) -> String {
        format!("ws://127.0.0.1:{}{path}", self.port)
    }

    /// `GET path` as plain HTTP; the body.
    fn get(&self, path: &str) -> String {
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        write!(s, "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").unwrap();
        let mut text = String::new();
        s.read_to_string(&mut text).unwrap();
        text.split_once("\r\n\r\n").map(|(_, body)| body.to_string()).unwrap_or_default()
    }
}

impl Drop for Lab {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A CA and a certificate for `localhost` it signed; the CA's PEM in a file.
struct Pki {
    ca_pem: PathBuf,
    cert: CertificateDer<'static>,
    key: Vec<u8>,
}

fn pki() -> &'static Pki {
    static PKI: OnceLock<Pki> = OnceLock::new();
    PKI.get_or_init(|| {
        use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair};
        let ca_key = KeyPair::generate().unwrap();
        let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
        ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca.distinguished_name.push(DnType::CommonName, "handshake test CA");
        let ca_cert = ca.self_signed(&ca_key).unwrap();
        let key = KeyPair::generate().unwrap();
        let cert = CertificateParams::new(vec!["localhost".to_string()])
            .unwrap()
            .signed_by(&key, &ca_cert, &ca_key)
            .unwrap();
        let dir =
            PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("probe-pki-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let ca_pem = dir.join("ca.pem");
        std::fs::write(&ca_pem, ca_cert.pem()).unwrap();
        Pki { ca_pem, cert: cert.der().clone(), key: key.serialize_der() }
    })
}

/// A TLS front on 127.0.0.1:0 with the `localhost` certificate, relaying each
/// connection to 127.0.0.1:`backend` (a wss:// face for the lab).
fn tls_front(backend: u16) -> u16 {
    let p = pki();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![p.cert.clone()], PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(p.key.clone())))
        .unwrap();
    let config = Arc::new(config);
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    thread::spawn(move || {
        for tcp in listener.incoming().flatten() {
            let config = config.clone();
            thread::spawn(move || relay(tcp, config, backend));
        }
    });
    port
}

/// Relays one TLS connection to the backend until either side closes (at most 10 s).
fn relay(tcp: TcpStream, config: Arc<ServerConfig>, backend: u16) {
    let Ok(conn) = ServerConnection::new(config) else { return };
    let tick = Some(Duration::from_millis(10));
    tcp.set_read_timeout(tick).unwrap();
    let mut tls = StreamOwned::new(conn, tcp);
    let Ok(mut back) = TcpStream::connect(("127.0.0.1", backend)) else { return };
    back.set_read_timeout(tick).unwrap();
    let started = Instant::now();
    let mut buf = [0u8; 16384];
    while started.elapsed() < Duration::from_secs(10) {
        match tls.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => {
                if back.write_all(&buf[..n]).is_err() {
                    break;
                }
            }
            Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {}
            Err(_) => break,
        }
        match back.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => {
                if tls.write_all(&buf[..n]).and_then(|()| tls.flush()).is_err() {
                    break;
                }
            }
            Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {}
            Err(_) => break,
        }
    }
    tls.conn.send_close_notify();
    let _ = tls.flush();
    let _ = back.shutdown(Shutdown::Both);
}

/// A server that reads a request head and answers each connection with `answer`.
fn answering(answer: Vec<u8>) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    thread::spawn(move || {
        for mut tcp in listener.incoming().flatten() {
            let mut head = Vec::new();
            let mut byte = [0u8; 1];
            while !(head.ends_with(b"\r\n\r\n") || head.ends_with(b"\n\n"))
                && tcp.read(&mut byte).unwrap_or(0) == 1
            {
                head.push(byte[0]);
            }
            let _ = tcp.write_all(&answer);
            let _ = tcp.shutdown(Shutdown::Write);
            thread::sleep(Duration::from_millis(50));
        }
    });
    port
}

/// A port nothing listens on.
fn closed_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

#[test]
fn probe_of_the_lab_echo_lints_clean_and_closes_with_1000() {
    let lab = Lab::start();
    let o = handshake(&["probe", &lab.url("/echo")], b"");
    let text = out(&o);
    assert_eq!(o.status.code(), Some(0), "{text}{}", err(&o));
    assert!(text.starts_with("format: raw (1 exchange)\n"), "{text}");
    assert!(text.contains("GET /echo -> 101"), "{text}");
    assert!(text.contains("browser accepts the response: yes"), "{text}");
    assert!(text.contains("\n0 errors, 0 warnings\n"), "{text}");
    assert!(text.contains(&format!("probe ws://127.0.0.1:{}/echo: connect ", lab.port)), "{text}");
    assert!(text.contains("first byte"), "{text}");
    assert!(!text.contains("TLS"), "no TLS on ws://: {text}");
    assert!(text.contains("close: sent 1000, got the server's Close 1000"), "{text}");
}

#[test]
fn probe_sends_chromiums_fields_in_chromiums_order_and_json_keeps_the_lint_schema() {
    let lab = Lab::start();
    let o = handshake(
        &[
            "probe",
            &lab.url("/subprotocol"),
            "--protocol",
            "chat",
            "--protocol",
            "superchat",
            "--format",
            "json",
        ],
        b"",
    );
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let v = json(&o);
    assert_eq!(v["format"], "raw");
    let e = &v["exchanges"][0];
    let names: Vec<&str> =
        e["request"]["headers"].as_array().unwrap().iter().map(|h| h["name"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        [
            "Host",
            "Connection",
            "Pragma",
            "Cache-Control",
            "User-Agent",
            "Upgrade",
            "Origin",
            "Sec-WebSocket-Version",
            "Accept-Language",
            "Sec-WebSocket-Key",
            "Sec-WebSocket-Extensions",
            "Sec-WebSocket-Protocol"
        ]
    );
    assert_eq!(e["response"]["status"], 101);
    assert_eq!(e["negotiated_protocol"], "chat");
    assert_eq!(e["verdict"]["browser_accepts"], true);
    let p = &v["probe"];
    assert_eq!(p["url"], format!("ws://127.0.0.1:{}/subprotocol", lab.port));
    assert!(p["connect_ms"].as_f64().unwrap() >= 0.0, "{p}");
    assert!(p["first_byte_ms"].as_f64().unwrap() >= 0.0, "{p}");
    assert!(p["tls_ms"].is_null(), "{p}");
    assert_eq!(p["close"]["code"], 1000, "{p}");
}

#[test]
fn raw_output_is_what_the_lab_recorded_and_lints_as_the_probe_printed() {
    let lab = Lab::start();
    let url = lab.url("/echo?id=probe-raw");
    let key = "dGhlIHNhbXBsZSBub25jZQ==";
    let args = [
        "probe",
        url.as_str(),
        "--key",
        key,
        "--origin",
        "https://app.example",
        "-H",
        "X-Trace: 7",
        "-H",
        "Pragma:",
    ];
    let raw = handshake(&[&args[..], &["--raw"]].concat(), b"");
    assert_eq!(raw.status.code(), Some(0), "{}", err(&raw));
    let bytes = out(&raw);
    let record: serde_json::Value = serde_json::from_str(&lab.get("/last?id=probe-raw")).unwrap();
    let request = record["request"].as_str().unwrap();
    let response = record["response"].as_str().unwrap();
    assert_eq!(bytes, format!("{request}{response}"), "the bytes the lab received and sent, nothing else");
    assert!(request.contains(&format!("\r\nSec-WebSocket-Key: {key}\r\n")), "{request}");
    assert!(request.contains("\r\nOrigin: https://app.example\r\n"), "{request}");
    assert!(request.ends_with("X-Trace: 7\r\n\r\n"), "{request}");
    assert!(!request.contains("Pragma"), "an empty -H value removes the field: {request}");
    assert!(response.contains("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"), "{response}");
    // `handshake lint` of the raw output prints what the probe printed before its own lines.
    let linted = handshake(&["lint", "-"], bytes.as_bytes());
    let probed = handshake(&args, b"");
    let probed = out(&probed);
    let (lint_part, probe_part) = probed.split_once("\nprobe ").unwrap();
    assert_eq!(lint_part, out(&linted));
    assert!(probe_part.contains("close: sent 1000, got the server's Close 1000"), "{probe_part}");
}

#[test]
fn probe_of_the_labs_broken_routes_names_each_fault() {
    let lab = Lab::start();
    for (path, extra, rule) in [
        ("/bad/accept", &[][..], "res.accept.mismatch"),
        ("/bad/upgrade", &[][..], "res.upgrade"),
        ("/bad/connection", &[][..], "res.connection"),
        ("/bad/protocol", &["--protocol", "chat"][..], "res.protocol.not-offered"),
        ("/reject/403", &[][..], "res.status"),
        ("/reject/426", &[][..], "res.status"),
    ] {
        let url = lab.url(path);
        let o = handshake(&[&["probe", url.as_str()][..], extra].concat(), b"");
        let text = out(&o);
        assert_eq!(o.status.code(), Some(1), "{path}: {text}{}", err(&o));
        assert!(text.contains(rule), "{path}: {rule} missing in\n{text}");
        assert!(text.contains("browser accepts the response: no"), "{path}: {text}");
    }
    // A refusal's body is read with the head: the lab explains itself in it.
    let o =
        handshake(&["probe", &lab.url("/echo"), "-H", "Sec-WebSocket-Version: 8", "--format", "json"], b"");
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    let v = json(&o);
    let e = &v["exchanges"][0];
    assert_eq!(e["response"]["status"], 426);
    assert_eq!(e["verdict"]["expected_status"], 426);
    assert!(v["probe"]["close"].is_null());
    // The lab closes after its own Close code; the probe reports it.
    let o = handshake(&["probe", &lab.url("/close/4001")], b"");
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert!(out(&o).contains("close: sent 1000, got the server's Close 4001"), "{}", out(&o));
}

#[test]
fn wss_through_a_tls_front_with_a_private_ca() {
    let lab = Lab::start();
    let front = tls_front(lab.port);
    let ca = pki().ca_pem.to_str().unwrap();
    let url = format!("wss://localhost:{front}/echo");
    let o = handshake(&["probe", &url, "--cacert", ca], b"");
    let text = out(&o);
    assert_eq!(o.status.code(), Some(0), "{text}{}", err(&o));
    assert!(text.contains(&format!("probe wss://localhost:{front}/echo: connect ")), "{text}");
    assert!(text.contains(", TLS "), "{text}");
    assert!(text.contains("close: sent 1000, got the server's Close 1000"), "{text}");
    let v = json(&handshake(&["probe", &url, "--cacert", ca, "--format", "json"], b""));
    assert!(v["probe"]["tls_ms"].as_f64().is_some(), "{}", v["probe"]);
    assert_eq!(v["exchanges"][0]["request"]["headers"][0]["value"], format!("localhost:{front}"));

    // Without the CA, the wrong name, or plain TCP on the TLS port: exit 2, one clear line.
    for (args, says) in [
        (
            vec!["probe", url.as_str()],
            "not signed by a trusted authority (--cacert FILE trusts a private CA)",
        ),
        (
            vec!["probe", &format!("wss://127.0.0.1:{front}/echo"), "--cacert", ca],
            "not valid for the name \"127.0.0.1\"",
        ),
        (vec!["probe", &format!("wss://127.0.0.1:{}/echo", lab.port)], "TLS handshake with 127.0.0.1:"),
    ] {
        let o = handshake(&args, b"");
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", out(&o));
        let e = err(&o);
        assert!(e.contains(says), "{args:?}: {e}");
        assert_eq!(e.lines().count(), 1, "{e}");
        assert!(out(&o).is_empty());
    }
    let o = handshake(&["probe", &url, "--cacert", "/nonexistent/ca.pem"], b"");
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("cannot read --cacert /nonexistent/ca.pem"), "{}", err(&o));
}

#[test]
fn network_failures_exit_2_with_one_line_naming_what_failed() {
    let port = closed_port();
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let silent_port = silent.local_addr().unwrap().port();
    let silent_url = format!("ws://127.0.0.1:{silent_port}/");
    let refused_url = format!("ws://127.0.0.1:{port}/");
    for (args, says) in [
        (vec!["probe", refused_url.as_str()], format!("connection refused by 127.0.0.1:{port}")),
        (vec!["probe", "ws://nosuch.invalid/"], "cannot resolve nosuch.invalid".to_string()),
        (
            vec!["probe", silent_url.as_str(), "--timeout", "0.5"],
            "timed out after 0.5 s waiting for the response".to_string(),
        ),
        (vec!["audit", refused_url.as_str()], format!("connection refused by 127.0.0.1:{port}")),
        (vec!["probe", "http//example.com"], "bad URL".to_string()),
        (vec!["probe", "ws://x/", "-H", "Bad Name: 1"], "the field name must be a token".to_string()),
        (vec!["probe"], "missing URL".to_string()),
    ] {
        let o = handshake(&args, b"");
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", out(&o));
        assert!(err(&o).contains(&says), "{args:?}: {}", err(&o));
        assert!(out(&o).is_empty(), "{args:?}");
    }
    drop(silent);
}

#[test]
fn the_response_reader_holds_the_labs_limits() {
    // The lab's own limits, from its GET /, are the ones the probe states and holds.
    let lab = Lab::start();
    let about: serde_json::Value = serde_json::from_str(&lab.get("/")).unwrap();
    let (bytes, fields) = (
        about["limits"]["max_head_bytes"].as_u64().unwrap(),
        about["limits"]["max_headers"].as_u64().unwrap(),
    );
    let help = out(&handshake(&["--help"], b""));
    assert!(
        help.contains(&format!("a response head of at most {bytes} bytes and {fields} fields")),
        "{help}"
    );

    let big_head = format!("HTTP/1.1 400 Bad Request\r\nX-Big: {}\r\n\r\n", "a".repeat(bytes as usize));
    let many = format!("HTTP/1.1 400 Bad Request\r\n{}\r\n", "X-F: 1\r\n".repeat(fields as usize + 1));
    for (answer, says) in [
        (big_head, format!("has a head larger than {bytes} bytes")),
        (many, format!("has more than {fields} header fields")),
        (
            "SSH-2.0-OpenSSH_9.2\r\n\r\n".to_string(),
            "does not start with an HTTP/1.x status line".to_string(),
        ),
        (String::new(), "closed the connection without a response".to_string()),
    ] {
        let port = answering(answer.into_bytes());
        let o = handshake(&["probe", &format!("ws://127.0.0.1:{port}/")], b"");
        assert_eq!(o.status.code(), Some(2), "{}", out(&o));
        assert!(err(&o).contains(&says), "{}", err(&o));
    }
    // At the limits exactly, the head is read and linted.
    let at_limit = format!("HTTP/1.1 400 Bad Request\r\n{}\r\n", "X-F: 1\r\n".repeat(fields as usize));
    let o = handshake(&["probe", &format!("ws://127.0.0.1:{}/", answering(at_limit.into_bytes()))], b"");
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));

    // A body is kept up to 64 KiB, with the head, as the response's body.
    let body = "<html>".repeat(20_000);
    let answer = format!("HTTP/1.1 502 Bad Gateway\r\nContent-Length: {}\r\n\r\n{body}", body.len());
    let port = answering(answer.into_bytes());
    let o = handshake(&["probe", &format!("ws://127.0.0.1:{port}/"), "--raw"], b"");
    assert_eq!(o.status.code(), Some(1));
    let raw = out(&o);
    let (_, kept) = raw.split_once("\r\n\r\nHTTP/1.1 502 Bad Gateway").unwrap();
    let (_, kept) = kept.split_once("\r\n\r\n").unwrap();
    assert_eq!(kept.len(), 64 * 1024);
    assert!(err(&o).contains("the response body was cut at 65536 bytes"), "{}", err(&o));
}

#[test]
fn audit_the_lab_passes_every_case() {
    let lab = Lab::start();
    let o = handshake(&["audit", &lab.url("/echo"), "--format", "json"], b"");
    assert_eq!(o.status.code(), Some(0), "{}{}", out(&o), err(&o));
    let v = json(&o);
    assert_eq!(v["target"], lab.url("/echo"));
    let cases = v["cases"].as_array().unwrap();
    assert!(cases.len() >= 25, "{}", cases.len());
    assert_eq!(v["passed"], cases.len());
    assert_eq!(v["failed"], 0);
    assert_eq!(cases[0]["id"], "valid");
    assert!(cases[0]["rule"].is_null());
    for c in cases {
        assert_eq!(c["pass"], true, "{c}");
        for key in ["id", "expected", "got"] {
            assert!(c[key].as_str().is_some_and(|s| !s.is_empty()), "{key}: {c}");
        }
    }
    let by_id = |id: &str| cases.iter().find(|c| c["id"] == id).unwrap_or_else(|| panic!("no case {id}"));
    assert_eq!(by_id("version-8")["got"], "426, with Sec-WebSocket-Version: 13");
    assert_eq!(by_id("version-8")["rule"], "req.version.unsupported");
    assert_eq!(by_id("post")["status"], 405);
    assert_eq!(by_id("too-large")["status"], 431);
    assert_eq!(by_id("pmd-unknown")["got"], "101, permessage-deflate declined");

    let o = handshake(&["audit", &lab.url("/echo")], b"");
    let text = out(&o);
    assert_eq!(o.status.code(), Some(0));
    assert!(text.contains(&format!("score: {0}/{0} cases pass", cases.len())), "{text}");
    assert!(text.lines().any(|l| l.starts_with("pass  no-upgrade ") && l.contains("req.upgrade")), "{text}");
}

#[test]
fn audit_fails_a_server_that_breaks_the_rfc() {
    // /bad/accept answers every valid handshake with a wrong accept value.
    let lab = Lab::start();
    let o = handshake(&["audit", &lab.url("/bad/accept"), "--format", "json"], b"");
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    let v = json(&o);
    let valid = &v["cases"][0];
    assert_eq!(valid["pass"], false, "{valid}");
    assert_eq!(valid["got"], "101, a browser refuses it: res.accept.mismatch");
    assert!(v["failed"].as_u64().unwrap() >= 1);
    // A server that answers everything with a 101 fails every refusal.
    let port = answering(
        b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n".to_vec(),
    );
    let v = json(&handshake(&["audit", &format!("ws://127.0.0.1:{port}/"), "--format", "json"], b""));
    let no_key = v["cases"].as_array().unwrap().iter().find(|c| c["id"] == "no-key").unwrap();
    assert_eq!(no_key["pass"], false, "{no_key}");
    assert_eq!(no_key["status"], 101);
}
