//! `handshake probe URL`: send the opening handshake a browser sends, read
//! what the server answers, close cleanly after a 101, and lint the exchange
//! as `handshake lint` would. A browser reports only 1006 for a refused
//! upgrade; this shows the refusal.

use std::io::{self, Write};
use std::time::Duration;

use crate::net::{self, Closing, Deadline, Stream, Timings, TlsOptions, WsUrl};
use crate::{OutputFormat, text, use_colour};

/// The whole probe's time limit, as the lab gives a request head (its `HEAD_TIMEOUT`).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// Options shared by `probe` and `audit`.
#[derive(Debug, Clone)]
pub struct Options {
    pub url: WsUrl,
    pub origin: Option<String>,
    pub protocols: Vec<String>,
    /// `-H 'Name: value'`: replaces the field of that name, or is added; an
    /// empty value removes the field (as curl's -H does).
    pub headers: Vec<(String, String)>,
    pub key: Option<String>,
    pub format: OutputFormat,
    pub raw: bool,
    pub tls: TlsOptions,
    pub timeout: Duration,
}

impl Options {
    /// A browser's handshake to `url`, nothing added, reported as text.
    pub fn new(url: WsUrl, timeout: Duration) -> Options {
        Options {
            url,
            origin: None,
            protocols: Vec::new(),
            headers: Vec::new(),
            key: None,
            format: OutputFormat::Text,
            raw: false,
            tls: TlsOptions::default(),
            timeout,
        }
    }
}

/// Reads the command line of `probe` (and `audit`, which takes the same
/// request options). `probe`: `--raw` and `--key` are probe's alone.
pub fn options(args: &[String], usage: &str, probe: bool) -> Result<Options, String> {
    let mut url = None;
    let mut opts = Options::new(
        WsUrl { secure: false, host: String::new(), port: 0, target: String::new() },
        if probe { DEFAULT_TIMEOUT } else { crate::audit::CASE_TIMEOUT },
    );
    let mut i = 0;
    while i < args.len() {
        let arg = args[i].as_str();
        let (name, inline) = match arg.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n, Some(v.to_string())),
            _ => (arg, None),
        };
        let takes_value = matches!(
            name,
            "--origin" | "--protocol" | "-H" | "--header" | "--key" | "--format" | "--cacert" | "--timeout"
        );
        let has_inline = inline.is_some();
        let value = if takes_value {
            match inline {
                Some(v) => v,
                None => {
                    i += 1;
                    args.get(i).cloned().ok_or_else(|| format!("{name} needs a value\n{usage}"))?
                }
            }
        } else {
            String::new()
        };
        match name {
            "--origin" => opts.origin = Some(value),
            "--protocol" => opts.protocols.push(value),
            "-H" | "--header" => opts.headers.push(header(&value)?),
            "--key" if probe => opts.key = Some(value),
            "--cacert" => opts.tls.cacert = Some(value),
            "--format" => {
                opts.format = match value.as_str() {
                    "text" => OutputFormat::Text,
                    "json" => OutputFormat::Json,
                    other => return Err(format!("unknown format {other:?}: use text or json")),
                }
            }
            "--timeout" => {
                let secs: f64 =
                    value.parse().map_err(|_| format!("--timeout takes seconds, not {value:?}"))?;
                if !(0.1..=600.0).contains(&secs) {
                    return Err("--timeout is from 0.1 to 600 seconds".into());
                }
                opts.timeout = Duration::from_secs_f64(secs);
            }
            "--raw" if probe && !has_inline => opts.raw = true,
            _ if arg.starts_with('-') => return Err(format!("unknown option {arg:?}\n{usage}")),
            _ if url.is_some() => return Err(format!("one URL only\n{usage}")),
            _ => url = Some(WsUrl::parse(arg)?),
        }
        i += 1;
    }
    opts.url = url.ok_or_else(|| format!("missing URL\n{usage}"))?;
    if opts.raw && opts.format == OutputFormat::Json {
        return Err("--raw and --format json do not go together".into());
    }
    Ok(opts)
}

/// `Name: value` from `-H`, refusing what cannot be sent as one field line.
fn header(text: &str) -> Result<(String, String), String> {
    let (name, value) = text.split_once(':').ok_or_else(|| format!("-H {text:?}: expected 'Name: value'"))?;
    let token = |b: u8| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b);
    if name.is_empty() || !name.bytes().all(token) {
        return Err(format!("-H {text:?}: the field name must be a token, with no space before the colon"));
    }
    if value.bytes().any(|b| matches!(b, b'\r' | b'\n' | 0)) {
        return Err(format!("-H {text:?}: a value cannot hold CR, LF or NUL"));
    }
    Ok((name.to_string(), value.trim().to_string()))
}

/// The opening handshake's fields in the order Chromium sends them (seen on
/// the wire from Chromium 156; Accept-Encoding, which it sends after the
/// version, is left out so a refusal's body stays text), then `-H` fields.
pub fn browser_fields(opts: &Options, key: &str) -> Vec<(String, String)> {
    let origin = opts.origin.clone().unwrap_or_else(|| opts.url.same_origin());
    let mut fields: Vec<(String, String)> = [
        ("Host", opts.url.host_header()),
        ("Connection", "Upgrade".to_string()),
        ("Pragma", "no-cache".to_string()),
        ("Cache-Control", "no-cache".to_string()),
        ("User-Agent", format!("handshake-probe/{}", env!("CARGO_PKG_VERSION"))),
        ("Upgrade", "websocket".to_string()),
        ("Origin", origin),
        ("Sec-WebSocket-Version", "13".to_string()),
        ("Accept-Language", "en-US,en;q=0.9".to_string()),
        ("Sec-WebSocket-Key", key.to_string()),
        ("Sec-WebSocket-Extensions", "permessage-deflate; client_max_window_bits".to_string()),
    ]
    .into_iter()
    .map(|(n, v)| (n.to_string(), v))
    .collect();
    if !opts.protocols.is_empty() {
        fields.push(("Sec-WebSocket-Protocol".to_string(), opts.protocols.join(", ")));
    }
    for (name, value) in &opts.headers {
        match fields.iter().position(|(n, _)| n.eq_ignore_ascii_case(name)) {
            Some(i) if value.is_empty() => {
                fields.remove(i);
            }
            Some(i) => fields[i] = (name.clone(), value.clone()),
            None if value.is_empty() => {}
            None => fields.push((name.clone(), value.clone())),
        }
    }
    fields
}

/// A request head: `GET target HTTP/1.1`, the fields, the empty line.
pub fn head(target: &str, fields: &[(String, String)]) -> String {
    let mut out = format!("GET {target} HTTP/1.1\r\n");
    for (name, value) in fields {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str("\r\n");
    out
}

/// A fresh key: 16 random bytes in base64 (RFC 6455 §4.1 item 7).
pub fn fresh_key() -> String {
    handshake::base64::encode(&net::random::<16>())
}

/// One exchange on one connection: the request bytes sent, the response read.
pub struct Exchange {
    pub response: net::Response,
    pub timings: Timings,
    /// After a 101: how the closing handshake went.
    pub closing: Option<Closing>,
}

/// Connects, sends `request`, reads the answer and, after a 101, closes with 1000.
pub fn exchange(
    url: &WsUrl,
    tls: Option<&std::sync::Arc<rustls::ClientConfig>>,
    request: &[u8],
    timeout: Duration,
) -> Result<Exchange, String> {
    let deadline = Deadline::after(timeout);
    let (mut stream, mut timings) = net::connect(url, tls, deadline).map_err(|e| e.0)?;
    net::send(&mut stream, request, deadline).map_err(|e| e.0)?;
    let authority = format!("{}:{}", url.host, url.port);
    let response =
        net::read_response(&mut stream, deadline, &mut timings.first_byte).map_err(|e| e.message(&authority));
    let response = match response {
        Ok(r) => r,
        Err(e) => {
            stream.finish();
            return Err(e);
        }
    };
    let closing = (response.status == 101).then(|| close(&mut stream, &response, deadline));
    stream.finish();
    Ok(Exchange { response, timings, closing })
}

fn close(stream: &mut Stream, response: &net::Response, deadline: Deadline) -> Closing {
    net::close(stream, response.after_101.clone(), net::random::<4>(), deadline)
}

pub fn run(args: &[String]) -> Result<u8, String> {
    let opts = options(args, crate::USAGE, true)?;
    let tls = if opts.url.secure { Some(opts.tls.config()?) } else { None };
    let key = opts.key.clone().unwrap_or_else(fresh_key);
    let request = head(&opts.url.target, &browser_fields(&opts, &key));
    let ex = exchange(&opts.url, tls.as_ref(), request.as_bytes(), opts.timeout)?;
    let mut capture = request.into_bytes();
    capture.extend_from_slice(&ex.response.bytes());
    let lint = handshake::lint(&capture).map_err(|e| format!("the exchange cannot be linted: {e}"))?;
    let out = if opts.raw {
        capture.clone()
    } else if opts.format == OutputFormat::Json {
        json(&lint.to_json(), &opts.url, &ex).into_bytes()
    } else {
        let mut out = text(&lint, use_colour());
        out.push_str(&summary(&opts.url, &ex));
        out.into_bytes()
    };
    let mut stdout = io::stdout().lock();
    let _ = stdout.write_all(&out).and_then(|()| stdout.flush());
    if ex.response.body_cut {
        eprintln!(
            "handshake: note: the response body was cut at {} bytes (the limit is {})",
            ex.response.body.len(),
            net::MAX_BODY_BYTES
        );
    }
    Ok(u8::from(lint.has_errors()))
}

/// The probe's own lines after the lint: times and the closing handshake.
fn summary(url: &WsUrl, ex: &Exchange) -> String {
    let t = &ex.timings;
    let mut out = format!("\nprobe {}: connect {}", url.display(), net::ms(t.connect));
    if let Some(tls) = t.tls {
        out.push_str(&format!(", TLS {}", net::ms(tls)));
    }
    if let Some(first) = t.first_byte {
        out.push_str(&format!(", first byte {}", net::ms(first)));
    }
    out.push('\n');
    if let Some(closing) = &ex.closing {
        out.push_str(&format!("close: sent 1000, got {}\n", closing.describe()));
    }
    if ex.response.body_cut {
        out.push_str(&format!("the body was cut at {} bytes\n", ex.response.body.len()));
    }
    out
}

/// The lint's JSON with a `probe` member added (documented in crates/cli/README.md).
fn json(lint_json: &str, url: &WsUrl, ex: &Exchange) -> String {
    let t = &ex.timings;
    let ms =
        |d: Option<Duration>| d.map_or("null".to_string(), |d| format!("{:.3}", d.as_secs_f64() * 1000.0));
    let mut url_json = String::new();
    handshake::write_json_string(&mut url_json, &url.display());
    let closing = match &ex.closing {
        None => "null".to_string(),
        Some(c) => {
            let mut s = String::new();
            handshake::write_json_string(&mut s, &c.describe());
            let code = match c {
                Closing::Answered { code: Some(code), .. } => code.to_string(),
                _ => "null".to_string(),
            };
            format!("{{\"code\": {code}, \"description\": {s}}}")
        }
    };
    let probe = format!(
        "\"probe\": {{\"url\": {url_json}, \"connect_ms\": {}, \"tls_ms\": {}, \"first_byte_ms\": {}, \"body_cut\": {}, \"close\": {closing}}}",
        ms(Some(t.connect)),
        ms(t.tls),
        ms(t.first_byte),
        ex.response.body_cut
    );
    let body = lint_json.trim_end();
    match body.strip_suffix('}') {
        Some(open) => format!("{open}, {probe}}}\n"),
        None => format!("{body}\n"),
    }
}
