//! A real `handshake-lab` process for the tests, and raw-socket helpers.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::handshake::client::Response;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// The RFC 6455 §1.3 example key and its accept value.
pub const KEY: &str = "dGhlIHNhbXBsZSBub25jZQ==";
pub const ACCEPT: &str = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

pub type Client = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// The lab binary, started with `--listen 127.0.0.1:0` and killed on drop.
pub struct Lab {
    child: Child,
    pub port: u16,
    pub log: PathBuf,
}

impl Lab {
    pub fn start() -> Lab {
        Lab::start_with(&[])
    }

    pub fn start_with(args: &[&str]) -> Lab {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
        let log = dir.join(format!("lab-{}-{:?}.log", std::process::id(), std::thread::current().id()));
        let stderr = std::fs::File::create(&log).expect("a log file");
        let mut child = Command::new(env!("CARGO_BIN_EXE_handshake-lab"))
            .args(["--listen", "127.0.0.1:0"])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .expect("the lab starts");
        let stdout = child.stdout.take().expect("stdout");
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).expect("a ready line");
        let port = line
            .trim_end()
            .strip_prefix("handshake-lab listening on ws://127.0.0.1:")
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("unexpected ready line {line:?}"));
        Lab { child, port, log }
    }

    pub fn url(&self, path: &str) -> String {
        format!("ws://127.0.0.1:{}{path}", self.port)
    }

    pub fn addr(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// What the lab wrote on stderr so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Sends SIGTERM and waits for the exit status.
    pub fn terminate(mut self) -> std::process::ExitStatus {
        let _ = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status();
        self.child.wait().expect("the lab exits")
    }

    /// Opens a WebSocket with tungstenite's client.
    pub async fn connect(
        &self,
        path: &str,
    ) -> Result<(Client, Response), tokio_tungstenite::tungstenite::Error> {
        tokio_tungstenite::connect_async(self.url(path)).await
    }

    /// Opens a WebSocket offering `protocols` in `Sec-WebSocket-Protocol`.
    pub async fn connect_offering(
        &self,
        path: &str,
        protocols: &str,
    ) -> Result<(Client, Response), tokio_tungstenite::tungstenite::Error> {
        let mut request = self.url(path).into_client_request().expect("a request");
        request
            .headers_mut()
            .insert("Sec-WebSocket-Protocol", HeaderValue::from_str(protocols).expect("a header value"));
        tokio_tungstenite::connect_async(request).await
    }

    /// Sends `request` raw and reads until the lab closes (bounded).
    pub async fn raw(&self, request: &[u8]) -> Vec<u8> {
        let mut stream = TcpStream::connect(self.addr()).await.expect("a connection");
        stream.write_all(request).await.expect("request written");
        read_to_close(&mut stream).await
    }

    /// `GET path` with an optional `Origin`, as plain HTTP: status, head, body.
    pub async fn get(&self, path: &str, origin: Option<&str>) -> (u16, String, String) {
        let origin = origin.map_or(String::new(), |o| format!("Origin: {o}\r\n"));
        let request = format!("GET {path} HTTP/1.1\r\nHost: {}\r\n{origin}\r\n", self.addr());
        let bytes = self.raw(request.as_bytes()).await;
        split_response(&bytes)
    }
}

impl Drop for Lab {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A valid opening handshake request for `path` (RFC 6455 §4.1), plus `extra` lines.
pub fn upgrade_request(path: &str, extra: &str) -> String {
    format!(
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Key: {KEY}\r\nSec-WebSocket-Version: 13\r\n{extra}\r\n"
    )
}

/// Reads until EOF, at most 5 s.
pub async fn read_to_close(stream: &mut TcpStream) -> Vec<u8> {
    let mut out = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut out)).await;
    out
}

/// Reads a response head (empty line included); returns it and any bytes after.
pub async fn read_response_head(stream: &mut TcpStream) -> (String, Vec<u8>) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let rest = buf.split_off(end + 4);
            return (String::from_utf8_lossy(&buf).into_owned(), rest);
        }
        let n = tokio::time::timeout(Duration::from_secs(5), stream.read(&mut chunk))
            .await
            .expect("a response in time")
            .expect("readable");
        assert!(n > 0, "closed before a whole head: {:?}", String::from_utf8_lossy(&buf));
        buf.extend_from_slice(&chunk[..n]);
    }
}

/// Status, head and body of a whole response.
pub fn split_response(bytes: &[u8]) -> (u16, String, String) {
    let text = String::from_utf8_lossy(bytes).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {text:?}"));
    (status, head.to_owned(), body.to_owned())
}

/// The value of the first field called `name` in a response head.
pub fn field<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.split("\r\n").skip(1).find_map(|line| {
        let (n, v) = line.split_once(':')?;
        n.eq_ignore_ascii_case(name).then(|| v.trim())
    })
}
