//! The client side of `probe` and `audit`: a `ws://` or `wss://` URL, one TCP
//! (and TLS) connection with a deadline, the response head read under the lab's
//! limits, a bounded body, and the closing handshake after a 101. Blocking
//! std sockets; TLS by rustls with the ring provider.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};
use rustls::{ClientConfig, ClientConnection, RootCertStore, StreamOwned};

/// A response head is read with the lab's limits on a request head.
pub use handshake::lab::{MAX_HEAD_BYTES, MAX_HEADERS};
/// Most body bytes kept after a refusal's head.
pub const MAX_BODY_BYTES: usize = 64 * 1024;
/// Time the server has to answer our Close (the lab's `CLOSE_TIMEOUT`).
pub const CLOSE_WAIT: Duration = Duration::from_secs(2);
/// Bytes read while waiting for the server's Close (its data frames are skipped).
const MAX_CLOSE_READ: usize = 1 << 20;

/// A WebSocket URL, split for connecting (RFC 6455 §3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WsUrl {
    pub secure: bool,
    /// As written, without brackets for IPv6.
    pub host: String,
    pub port: u16,
    /// Path and query: the request-target (origin-form).
    pub target: String,
}

impl WsUrl {
    /// Reads `ws://` and `wss://` URLs (`http://` and `https://` are taken as
    /// their WebSocket twins, as browsers do since 2023).
    pub fn parse(text: &str) -> Result<WsUrl, String> {
        let bad = |why: &str| format!("bad URL {text:?}: {why}");
        let (scheme, rest) =
            text.split_once("://").ok_or_else(|| bad("expected ws://host/path or wss://host/path"))?;
        let secure = match scheme.to_ascii_lowercase().as_str() {
            "ws" | "http" => false,
            "wss" | "https" => true,
            _ => return Err(bad("the scheme must be ws or wss")),
        };
        if rest.contains('#') {
            return Err(bad("a WebSocket URL has no fragment (RFC 6455 §3)"));
        }
        let end = rest.find(['/', '?']).unwrap_or(rest.len());
        let (authority, target) = rest.split_at(end);
        if authority.contains('@') {
            return Err(bad("user information is not sent in a WebSocket handshake"));
        }
        let (host, port) = match authority.strip_prefix('[') {
            Some(v6) => {
                let (host, after) =
                    v6.split_once(']').ok_or_else(|| bad("an IPv6 address needs its closing ]"))?;
                (host, after.strip_prefix(':'))
            }
            None => match authority.rsplit_once(':') {
                Some((host, port)) => (host, Some(port)),
                None => (authority, None),
            },
        };
        if host.is_empty() || host.bytes().any(|b| b.is_ascii_whitespace() || b.is_ascii_control()) {
            return Err(bad("no host"));
        }
        let port = match port {
            None | Some("") => {
                if secure {
                    443
                } else {
                    80
                }
            }
            Some(p) => p.parse().map_err(|_| bad("the port is not a number from 0 to 65535"))?,
        };
        let target = if target.starts_with('/') { target.to_string() } else { format!("/{target}") };
        if target.bytes().any(|b| b <= b' ' || b == 0x7f) {
            return Err(bad("spaces and control characters must be percent-encoded"));
        }
        Ok(WsUrl { secure, host: host.to_string(), port, target })
    }

    fn default_port(&self) -> u16 {
        if self.secure { 443 } else { 80 }
    }

    fn host_for_uri(&self) -> String {
        if self.host.contains(':') { format!("[{}]", self.host) } else { self.host.clone() }
    }

    /// The Host field value: the port only when it is not the default (RFC 6455 §4.1 item 4).
    pub fn host_header(&self) -> String {
        if self.port == self.default_port() {
            self.host_for_uri()
        } else {
            format!("{}:{}", self.host_for_uri(), self.port)
        }
    }

    /// The origin of a page served by the same host (`http` for ws, `https` for wss).
    pub fn same_origin(&self) -> String {
        format!("{}://{}", if self.secure { "https" } else { "http" }, self.host_header())
    }

    /// `ws://host:port/target`, for messages.
    pub fn display(&self) -> String {
        format!("{}://{}{}", if self.secure { "wss" } else { "ws" }, self.host_header(), self.target)
    }

    fn authority(&self) -> String {
        format!("{}:{}", self.host_for_uri(), self.port)
    }
}

/// How the TLS server is checked.
#[derive(Debug, Clone, Default)]
pub struct TlsOptions {
    /// PEM file of extra trusted certificates (a private CA).
    pub cacert: Option<String>,
}

impl TlsOptions {
    /// The client configuration: webpki roots plus `cacert`, offering ALPN
    /// `http/1.1` as browsers do for a WebSocket over HTTP/1.1.
    pub fn config(&self) -> Result<Arc<ClientConfig>, String> {
        let mut roots = RootCertStore { roots: webpki_roots::TLS_SERVER_ROOTS.to_vec() };
        if let Some(path) = &self.cacert {
            let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(path)
                .map_err(|e| format!("cannot read --cacert {path}: {e}"))?
                .collect::<Result<_, _>>()
                .map_err(|e| format!("cannot read --cacert {path}: {e}"))?;
            if certs.is_empty() {
                return Err(format!("--cacert {path}: no PEM certificate in it"));
            }
            for cert in certs {
                roots.add(cert).map_err(|e| format!("--cacert {path}: {e}"))?;
            }
        }
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| format!("TLS set-up: {e}"))?
            .with_root_certificates(roots)
            .with_no_client_auth();
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Arc::new(config))
    }
}

/// One connection: plain TCP or TLS over it.
pub enum Stream {
    Plain(TcpStream),
    Tls(Box<StreamOwned<ClientConnection, TcpStream>>),
}

impl Stream {
    fn tcp(&self) -> &TcpStream {
        match self {
            Stream::Plain(s) => s,
            Stream::Tls(s) => &s.sock,
        }
    }

    /// Sends TLS close_notify (best effort) and shuts the socket down.
    pub fn finish(mut self) {
        if let Stream::Tls(s) = &mut self {
            s.conn.send_close_notify();
            let _ = s.conn.complete_io(&mut s.sock);
        }
        let _ = self.tcp().shutdown(std::net::Shutdown::Both);
    }
}

impl Read for Stream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Stream::Plain(s) => s.read(buf),
            Stream::Tls(s) => s.read(buf),
        }
    }
}

impl Write for Stream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Stream::Plain(s) => s.write(buf),
            Stream::Tls(s) => s.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Stream::Plain(s) => s.flush(),
            Stream::Tls(s) => s.flush(),
        }
    }
}

/// When each step finished.
#[derive(Debug, Clone, Copy, Default)]
pub struct Timings {
    pub connect: Duration,
    pub tls: Option<Duration>,
    /// From the request written to the first response byte.
    pub first_byte: Option<Duration>,
}

/// Why a connection or a read failed: one line naming what failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetError(pub String);

/// A deadline for everything one connection does.
#[derive(Debug, Clone, Copy)]
pub struct Deadline {
    end: Instant,
    total: Duration,
}

impl Deadline {
    pub fn after(total: Duration) -> Deadline {
        Deadline { end: Instant::now() + total, total }
    }

    fn left(&self) -> Option<Duration> {
        self.end.checked_duration_since(Instant::now()).filter(|d| !d.is_zero())
    }

    fn timeout(&self, what: &str) -> NetError {
        NetError(format!("timed out after {} {what}", seconds(self.total)))
    }

    /// Sets the socket's timeouts to the time left, or fails with `what`.
    fn arm(&self, stream: &TcpStream, what: &str) -> Result<(), NetError> {
        let left = self.left().ok_or_else(|| self.timeout(what))?;
        let _ = stream.set_read_timeout(Some(left));
        let _ = stream.set_write_timeout(Some(left));
        Ok(())
    }
}

fn seconds(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s.fract() == 0.0 { format!("{s:.0} s") } else { format!("{s:.1} s") }
}

fn is_timeout(e: &io::Error) -> bool {
    matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut)
}

/// Resolves `host` with `lookup` within the deadline. The system's resolver
/// takes no timeout, so the lookup runs on a thread of its own, which is left
/// behind if it answers too late.
fn resolve(
    host: &str,
    deadline: Deadline,
    lookup: impl FnOnce() -> io::Result<Vec<SocketAddr>> + Send + 'static,
) -> Result<Vec<SocketAddr>, NetError> {
    let too_late = || deadline.timeout(&format!("resolving {host}"));
    let left = deadline.left().ok_or_else(too_late)?;
    let (answer, answered) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = answer.send(lookup());
    });
    match answered.recv_timeout(left) {
        Ok(Ok(addrs)) if !addrs.is_empty() => Ok(addrs),
        Ok(Ok(_)) => Err(NetError(format!("cannot resolve {host}: no address"))),
        Ok(Err(e)) => Err(NetError(format!("cannot resolve {host}: {e}"))),
        Err(_) => Err(too_late()),
    }
}

/// Resolves, connects and (for wss) completes the TLS handshake.
pub fn connect(
    url: &WsUrl,
    tls: Option<&Arc<ClientConfig>>,
    deadline: Deadline,
) -> Result<(Stream, Timings), NetError> {
    let authority = url.authority();
    let (host, port) = (url.host.clone(), url.port);
    let addrs =
        resolve(&url.host, deadline, move || (host.as_str(), port).to_socket_addrs().map(Iterator::collect))?;
    let start = Instant::now();
    let mut last = None;
    let mut tcp = None;
    for addr in &addrs {
        let left = deadline.left().ok_or_else(|| deadline.timeout(&format!("connecting to {authority}")))?;
        match TcpStream::connect_timeout(addr, left) {
            Ok(s) => {
                tcp = Some(s);
                break;
            }
            Err(e) => last = Some((addr, e)),
        }
    }
    let tcp = match (tcp, last) {
        (Some(tcp), _) => tcp,
        (None, Some((_, e))) if is_timeout(&e) => {
            return Err(deadline.timeout(&format!("connecting to {authority}")));
        }
        (None, Some((addr, e))) if e.kind() == io::ErrorKind::ConnectionRefused => {
            return Err(NetError(format!(
                "connection refused by {addr} ({authority}): nothing listens there"
            )));
        }
        (None, Some((addr, e))) => {
            return Err(NetError(format!("cannot connect to {addr} ({authority}): {e}")));
        }
        (None, None) => return Err(NetError(format!("cannot connect to {authority}"))),
    };
    let _ = tcp.set_nodelay(true);
    let mut timings = Timings { connect: start.elapsed(), ..Timings::default() };
    let Some(config) = tls.filter(|_| url.secure) else {
        return Ok((Stream::Plain(tcp), timings));
    };
    let name = ServerName::try_from(url.host.clone())
        .map_err(|_| NetError(format!("{:?} is not a name TLS can check", url.host)))?;
    let mut conn = ClientConnection::new(config.clone(), name)
        .map_err(|e| NetError(format!("TLS handshake with {authority} failed: {e}")))?;
    let mut tcp = tcp;
    let tls_start = Instant::now();
    while conn.is_handshaking() {
        deadline.arm(&tcp, &format!("in the TLS handshake with {authority}"))?;
        if let Err(e) = conn.complete_io(&mut tcp) {
            if is_timeout(&e) {
                return Err(deadline.timeout(&format!("in the TLS handshake with {authority}")));
            }
            let why = match e.get_ref().and_then(|inner| inner.downcast_ref::<rustls::Error>()) {
                Some(rustls::Error::InvalidCertificate(c)) => certificate_problem(c, &url.host),
                Some(other) => other.to_string(),
                None if e.kind() == io::ErrorKind::UnexpectedEof => {
                    "the server closed the connection (is it speaking TLS?)".to_string()
                }
                None => e.to_string(),
            };
            return Err(NetError(format!("TLS handshake with {authority} failed: {why}")));
        }
    }
    timings.tls = Some(tls_start.elapsed());
    Ok((Stream::Tls(Box::new(StreamOwned::new(conn, tcp))), timings))
}

/// Why the server's certificate was refused, in words.
fn certificate_problem(c: &rustls::CertificateError, host: &str) -> String {
    use rustls::CertificateError as E;
    match c {
        E::UnknownIssuer => {
            "the server's certificate is not signed by a trusted authority (--cacert FILE trusts a private CA)".into()
        }
        E::NotValidForName | E::NotValidForNameContext { .. } => {
            format!("the server's certificate is not valid for the name {host:?} ({c})")
        }
        E::Expired | E::ExpiredContext { .. } => format!("the server's certificate has expired ({c})"),
        E::NotValidYet | E::NotValidYetContext { .. } => format!("the server's certificate is not valid yet ({c})"),
        _ => format!("the server's certificate is refused: {c}"),
    }
}

/// Writes all of `bytes`. A server may close before it has read everything
/// (a head too large): that is not an error here, its answer is read next.
pub fn send(stream: &mut Stream, bytes: &[u8], deadline: Deadline) -> Result<(), NetError> {
    deadline.arm(stream.tcp(), "sending the request")?;
    match stream.write_all(bytes).and_then(|()| stream.flush()) {
        Err(e) if is_timeout(&e) => Err(deadline.timeout("sending the request")),
        _ => Ok(()),
    }
}

/// A response as read: the head, at most [`MAX_BODY_BYTES`] of its body, and
/// for a 101 the bytes that followed the head (WebSocket frames).
#[derive(Debug, Clone, Default)]
pub struct Response {
    pub head: Vec<u8>,
    pub body: Vec<u8>,
    pub after_101: Vec<u8>,
    pub status: u16,
    /// The body was cut at the limit or by the deadline.
    pub body_cut: bool,
}

impl Response {
    /// The raw bytes `handshake lint` reads: the head and the body kept.
    pub fn bytes(&self) -> Vec<u8> {
        [self.head.as_slice(), self.body.as_slice()].concat()
    }

    /// The value of the first field `name`, if any.
    pub fn field(&self, name: &str) -> Option<String> {
        fields(&self.head).find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v)
    }

    /// Every value of the fields called `name`, joined by commas (RFC 9110 §5.3).
    pub fn list(&self, name: &str) -> String {
        fields(&self.head)
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// `(name, value)` of each field line of a head.
fn fields(head: &[u8]) -> impl Iterator<Item = (String, String)> + '_ {
    head.split(|&b| b == b'\n').skip(1).filter_map(|line| {
        let line = String::from_utf8_lossy(line);
        let (name, value) = line.split_once(':')?;
        Some((name.trim().to_string(), value.trim().to_string()))
    })
}

/// Where the head ends (just past its empty line), CRLF or bare LF.
fn head_end(buf: &[u8]) -> Option<usize> {
    (0..buf.len()).find_map(|i| {
        if buf[i] != b'\n' {
            return None;
        }
        match &buf[i + 1..] {
            [b'\n', ..] => Some(i + 2),
            [b'\r', b'\n', ..] => Some(i + 3),
            _ => None,
        }
    })
}

/// Reads into `buf`; `Ok(0)` at EOF. A reset after some bytes counts as EOF.
fn read_some(
    stream: &mut Stream,
    buf: &mut Vec<u8>,
    deadline: Deadline,
    what: &str,
) -> Result<usize, NetError> {
    deadline.arm(stream.tcp(), what)?;
    let mut chunk = [0u8; 8192];
    loop {
        match stream.read(&mut chunk) {
            Ok(n) => {
                buf.extend_from_slice(&chunk[..n]);
                return Ok(n);
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) if is_timeout(&e) => return Err(deadline.timeout(what)),
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::ConnectionReset
                        | io::ErrorKind::ConnectionAborted
                        | io::ErrorKind::UnexpectedEof
                ) =>
            {
                return Ok(0);
            }
            Err(e) => return Err(NetError(format!("reading the response failed: {e}"))),
        }
    }
}

/// Why no usable response arrived.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoResponse {
    /// The connection closed; `partial` bytes of a head had arrived.
    Closed {
        partial: usize,
    },
    /// The head is larger than [`MAX_HEAD_BYTES`] or has more than [`MAX_HEADERS`] fields.
    TooLarge(String),
    /// The first line is not an HTTP/1.x status line.
    NotHttp(String),
    Net(NetError),
}

impl NoResponse {
    pub fn message(&self, authority: &str) -> String {
        match self {
            NoResponse::Closed { partial: 0 } => {
                format!("{authority} closed the connection without a response")
            }
            NoResponse::Closed { partial } => {
                format!(
                    "{authority} closed the connection in the middle of the response head ({partial} bytes)"
                )
            }
            NoResponse::TooLarge(why) | NoResponse::NotHttp(why) => {
                format!("the response from {authority} {why}")
            }
            NoResponse::Net(e) => e.0.clone(),
        }
    }
}

/// Reads the response head under the lab's limits, then the body of a
/// refusal (at most [`MAX_BODY_BYTES`]; to its length, its last chunk, EOF or
/// the deadline). `first_byte` gets the time to the first byte.
pub fn read_response(
    stream: &mut Stream,
    deadline: Deadline,
    first_byte: &mut Option<Duration>,
) -> Result<Response, NoResponse> {
    let sent = Instant::now();
    let mut buf = Vec::new();
    let end = loop {
        if let Some(end) = head_end(&buf) {
            break end;
        }
        if buf.len() > MAX_HEAD_BYTES {
            return Err(NoResponse::TooLarge(format!(
                "has a head larger than {MAX_HEAD_BYTES} bytes (the lab's limit)"
            )));
        }
        let n = read_some(stream, &mut buf, deadline, "waiting for the response").map_err(NoResponse::Net)?;
        if first_byte.is_none() && n > 0 {
            *first_byte = Some(sent.elapsed());
        }
        if n == 0 {
            return Err(NoResponse::Closed { partial: buf.len() });
        }
    };
    if end > MAX_HEAD_BYTES {
        return Err(NoResponse::TooLarge(format!(
            "has a head larger than {MAX_HEAD_BYTES} bytes (the lab's limit)"
        )));
    }
    let rest = buf.split_off(end);
    let head = buf;
    let lines = head.split(|&b| b == b'\n').filter(|l| !l.is_empty() && *l != b"\r").count();
    if lines > MAX_HEADERS + 1 {
        return Err(NoResponse::TooLarge(format!(
            "has more than {MAX_HEADERS} header fields (the lab's limit)"
        )));
    }
    let first = String::from_utf8_lossy(head.split(|&b| b == b'\n').next().unwrap_or_default()).into_owned();
    let status = first
        .strip_prefix("HTTP/1.")
        .and_then(|r| r.get(2..5))
        .and_then(|s| s.parse::<u16>().ok())
        .ok_or_else(|| {
            NoResponse::NotHttp(format!(
                "does not start with an HTTP/1.x status line: {:?}",
                first.trim_end()
            ))
        })?;
    let mut response = Response { head, status, ..Response::default() };
    if status == 101 {
        response.after_101 = rest;
        return Ok(response);
    }
    response.body = rest;
    read_body(stream, deadline, &mut response);
    Ok(response)
}

/// How a refusal's body ends (RFC 9112 §6.3).
fn read_body(stream: &mut Stream, deadline: Deadline, r: &mut Response) {
    if matches!(r.status, 100..=199 | 204 | 304) {
        r.body.clear();
        return;
    }
    let chunked = r.list("Transfer-Encoding").to_ascii_lowercase().contains("chunked");
    let length = if chunked { None } else { r.field("Content-Length").and_then(|v| v.parse::<usize>().ok()) };
    loop {
        let done = match length {
            Some(n) => r.body.len() >= n,
            None if chunked => chunked_complete(&r.body),
            None => false,
        };
        if done {
            if let Some(n) = length {
                r.body.truncate(n);
            }
            return;
        }
        if r.body.len() >= MAX_BODY_BYTES {
            r.body.truncate(MAX_BODY_BYTES);
            r.body_cut = true;
            return;
        }
        match read_some(stream, &mut r.body, deadline, "reading the body") {
            Ok(0) => return,
            Ok(_) => {}
            Err(_) => {
                r.body_cut = true;
                return;
            }
        }
    }
}

/// Whether a chunked body has arrived up to its last chunk and trailer (RFC 9112 §7.1).
fn chunked_complete(mut body: &[u8]) -> bool {
    loop {
        let Some(eol) = body.windows(2).position(|w| w == b"\r\n") else { return false };
        let line = String::from_utf8_lossy(&body[..eol]);
        let size = line.split(';').next().unwrap_or_default().trim();
        let Ok(size) = usize::from_str_radix(size, 16) else { return false };
        body = &body[eol + 2..];
        if size == 0 {
            // Trailer fields, then an empty line.
            return body.starts_with(b"\r\n") || body.windows(4).any(|w| w == b"\r\n\r\n");
        }
        if body.len() < size + 2 {
            return false;
        }
        body = &body[size + 2..];
    }
}

/// What happened to the closing handshake after a 101 (RFC 6455 §7).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Closing {
    /// The server's Close frame: its code (None: no body) and reason.
    Answered { code: Option<u16>, reason: String },
    /// The TCP connection ended without a Close frame.
    Dropped,
    /// No Close within [`CLOSE_WAIT`].
    Silent,
    /// A frame we cannot read (not a WebSocket).
    Garbled(String),
}

impl Closing {
    pub fn describe(&self) -> String {
        match self {
            Closing::Answered { code: Some(code), reason } if reason.is_empty() => {
                format!("the server's Close {code}")
            }
            Closing::Answered { code: Some(code), reason } => format!("the server's Close {code} {reason:?}"),
            Closing::Answered { code: None, .. } => "the server's Close, without a code".to_string(),
            Closing::Dropped => "the server dropped the connection without a Close frame".to_string(),
            Closing::Silent => format!("no Close from the server within {}", seconds(CLOSE_WAIT)),
            Closing::Garbled(why) => {
                format!("the server sent something that is not a WebSocket frame ({why})")
            }
        }
    }
}

/// Sends a masked Close 1000 (RFC 6455 §5.5.1) and waits, at most
/// [`CLOSE_WAIT`], for the server's Close, skipping data frames.
pub fn close(stream: &mut Stream, mut buf: Vec<u8>, mask: [u8; 4], deadline: Deadline) -> Closing {
    let payload = 1000u16.to_be_bytes();
    let mut frame = vec![0x88, 0x80 | payload.len() as u8];
    frame.extend_from_slice(&mask);
    frame.extend(payload.iter().enumerate().map(|(i, b)| b ^ mask[i % 4]));
    let wait = Deadline::after(CLOSE_WAIT.min(deadline.left().unwrap_or_default()));
    if send(stream, &frame, wait).is_err() {
        return Closing::Dropped;
    }
    let mut read = 0;
    loop {
        match parse_frame(&buf) {
            Err(why) => return Closing::Garbled(why),
            Ok(Some((opcode, payload, used))) => {
                if opcode == 0x8 {
                    let code = (payload.len() >= 2).then(|| u16::from_be_bytes([payload[0], payload[1]]));
                    let reason = String::from_utf8_lossy(payload.get(2..).unwrap_or_default()).into_owned();
                    return Closing::Answered { code, reason };
                }
                buf.drain(..used);
            }
            Ok(None) => {
                if read > MAX_CLOSE_READ {
                    return Closing::Silent;
                }
                match read_some(stream, &mut buf, wait, "waiting for the server's Close") {
                    Ok(0) => return Closing::Dropped,
                    Ok(n) => read += n,
                    Err(_) => return Closing::Silent,
                }
            }
        }
    }
}

/// A frame's opcode, payload, and the bytes it took.
type Frame<'a> = (u8, &'a [u8], usize);

/// One server frame at the start of `buf`: opcode, payload, bytes used;
/// `None` when incomplete (RFC 6455 §5.2). Servers do not mask.
fn parse_frame(buf: &[u8]) -> Result<Option<Frame<'_>>, String> {
    let [b0, b1, ..] = *buf else { return Ok(None) };
    let opcode = b0 & 0x0f;
    if !matches!(opcode, 0x0..=0x2 | 0x8..=0xa) {
        return Err(format!("opcode {opcode:#x}"));
    }
    let (len, mut at) = match b1 & 0x7f {
        126 if buf.len() >= 4 => (u64::from(u16::from_be_bytes([buf[2], buf[3]])), 4),
        127 if buf.len() >= 10 => (u64::from_be_bytes(buf[2..10].try_into().unwrap_or_default()), 10),
        126 | 127 => return Ok(None),
        n => (u64::from(n), 2),
    };
    if b1 & 0x80 != 0 {
        at += 4;
    }
    let len = usize::try_from(len).map_err(|_| "a frame too large".to_string())?;
    if len > MAX_CLOSE_READ {
        return Err(format!("a frame of {len} bytes"));
    }
    if buf.len() < at + len {
        return Ok(None);
    }
    Ok(Some((opcode, &buf[at..at + len], at + len)))
}

/// `n` random bytes from the system (ring's generator).
pub fn random<const N: usize>() -> [u8; N] {
    use ring::rand::SecureRandom;
    let mut out = [0u8; N];
    // The system generator fails only on a broken system; zero bytes are still a valid mask.
    let _ = ring::rand::SystemRandom::new().fill(&mut out);
    out
}

/// Milliseconds with one decimal.
pub fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        let u = WsUrl::parse("ws://127.0.0.1:9001/echo?id=1").unwrap();
        assert_eq!(
            (u.secure, u.host.as_str(), u.port, u.target.as_str()),
            (false, "127.0.0.1", 9001, "/echo?id=1")
        );
        assert_eq!(u.host_header(), "127.0.0.1:9001");
        assert_eq!(u.same_origin(), "http://127.0.0.1:9001");
        let u = WsUrl::parse("wss://example.com").unwrap();
        assert_eq!((u.port, u.target.as_str(), u.host_header().as_str()), (443, "/", "example.com"));
        let u = WsUrl::parse("wss://[::1]:8443?x").unwrap();
        assert_eq!((u.host.as_str(), u.port, u.target.as_str()), ("::1", 8443, "/?x"));
        assert_eq!(u.host_header(), "[::1]:8443");
        for bad in [
            "example.com/chat",
            "ftp://x/",
            "ws://x/#top",
            "ws://u@x/",
            "ws:///",
            "ws://x:99999/",
            "ws://x/a b",
        ] {
            assert!(WsUrl::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_lookup_too_slow_for_the_deadline_is_a_timeout() {
        let slow = || {
            std::thread::sleep(Duration::from_secs(5));
            Ok(vec![SocketAddr::from(([127, 0, 0, 1], 9))])
        };
        let deadline = Deadline::after(Duration::from_millis(100));
        assert_eq!(
            resolve("slow.test", deadline, slow),
            Err(NetError("timed out after 0.1 s resolving slow.test".into()))
        );
        let fast = || Ok(vec![SocketAddr::from(([127, 0, 0, 1], 9))]);
        assert_eq!(
            resolve("fast.test", Deadline::after(Duration::from_secs(5)), fast).map(|a| a.len()),
            Ok(1)
        );
        let none = || Ok(vec![]);
        assert_eq!(
            resolve("none.test", Deadline::after(Duration::from_secs(5)), none),
            Err(NetError("cannot resolve none.test: no address".into()))
        );
    }

    #[test]
    fn heads_end_with_crlf_or_bare_lf() {
        assert_eq!(head_end(b"HTTP/1.1 101 OK\r\nA: b\r\n\r\nxx"), Some(25));
        assert_eq!(head_end(b"HTTP/1.1 101 OK\nA: b\n\nxx"), Some(22));
        assert_eq!(head_end(b"HTTP/1.1 101 OK\r\nA: b\r\n"), None);
    }

    #[test]
    fn chunked_bodies_end_at_the_last_chunk() {
        assert!(chunked_complete(b"5\r\nhello\r\n0\r\n\r\n"));
        assert!(!chunked_complete(b"5\r\nhello\r\n"));
        assert!(!chunked_complete(b"5\r\nhel"));
        assert!(chunked_complete(b"0\r\nX-T: 1\r\n\r\n"));
    }

    #[test]
    fn frames() {
        assert_eq!(parse_frame(&[0x88, 0x02, 0x03, 0xe8]), Ok(Some((0x8, &[0x03, 0xe8][..], 4))));
        assert_eq!(parse_frame(&[0x81, 0x05, b'h']), Ok(None));
        assert!(parse_frame(&[0x83, 0x00]).is_err());
        let mut long = vec![0x82, 126, 0x01, 0x00];
        long.extend(vec![0; 256]);
        assert_eq!(parse_frame(&long).unwrap().unwrap().2, 260);
    }
}
