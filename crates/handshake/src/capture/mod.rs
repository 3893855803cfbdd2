//! Captured handshakes in the formats people paste, detected automatically.
//! One file per format; each turns the text into [`Exchange`]s whose every
//! value keeps its byte span and line in the input.

pub mod curl;
pub mod curl_command;
pub mod devtools;
pub mod h2;
pub mod har;
mod json;
pub mod raw;

use std::fmt;

use crate::head::{self, Head, Kind};

/// A text box's value as it would cross the wire. A text box cannot hold CR
/// (its value has LF line ends only), so text with LF and no CR at all is read
/// with CRLF line ends (RFC 9112 §2.2); anything with a CR is kept as it is.
pub fn wire_line_ends(editor: String) -> String {
    if editor.contains('\r') || !editor.contains('\n') { editor } else { editor.replace('\n', "\r\n") }
}

/// An input format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize), serde(rename_all = "kebab-case"))]
pub enum Format {
    /// Raw HTTP/1.1: a request, a response, or both (request first).
    Raw,
    /// `curl -v` or `curl --trace-ascii` output.
    Curl,
    /// A `curl` command line (DevTools' "Copy as cURL"): the request it sends.
    CurlCommand,
    /// HAR 1.2 JSON from Chromium or Firefox DevTools.
    Har,
    /// Headers copied from DevTools, with or without the start line.
    Devtools,
    /// HTTP/2 or HTTP/3 extended CONNECT as pseudo-header lines.
    H2,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Raw => "raw",
            Format::Curl => "curl",
            Format::CurlCommand => "curl-command",
            Format::Har => "har",
            Format::Devtools => "devtools",
            Format::H2 => "h2",
        }
    }
}

/// A request and the response to it; either may be missing. The heads are
/// boxed: they are large, and an exchange moves from capture to report.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Exchange<'a> {
    pub request: Option<Box<Head<'a>>>,
    pub response: Option<Box<Head<'a>>>,
    /// An HTTP/2 or HTTP/3 extended CONNECT (RFC 8441, RFC 9220).
    pub extended_connect: bool,
}

/// What a capture held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Capture<'a> {
    pub format: Format,
    pub exchanges: Vec<Exchange<'a>>,
    /// Entries that are not WebSocket handshakes (HAR).
    pub skipped: usize,
}

/// Largest input read: 8 MiB.
pub const MAX_INPUT_BYTES: usize = 8 * 1024 * 1024;

/// Why an input could not be read at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputError {
    /// Nothing but whitespace.
    Empty,
    /// More than [`MAX_INPUT_BYTES`].
    TooLarge { len: usize },
    /// Nothing in it looks like any supported format.
    Unrecognised,
    /// JSON that is not a readable HAR file: what and where.
    Har { message: String, line: usize },
    /// A curl command quoted for Windows cmd (`^` escapes), which is not read.
    CurlForCmd,
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InputError::Empty => write!(f, "the input is empty"),
            InputError::TooLarge { len } => {
                write!(f, "the input is {len} bytes; the limit is 8 MiB ({MAX_INPUT_BYTES} bytes)")
            }
            InputError::Unrecognised => write!(
                f,
                "nothing recognisable: expected an HTTP request or response, curl -v output, a curl command, a HAR file, DevTools headers or HTTP/2 pseudo-headers"
            ),
            InputError::Har { message, line } => write!(f, "malformed HAR (line {line}): {message}"),
            InputError::CurlForCmd => write!(
                f,
                "this curl command is quoted for Windows cmd (^ escapes), which is not read: copy it as cURL (bash) instead"
            ),
        }
    }
}

impl std::error::Error for InputError {}

/// Group heads into exchanges: a request opens one, a response completes the
/// open one or stands alone.
pub(crate) fn push_head<'a>(exchanges: &mut Vec<Exchange<'a>>, head: Box<Head<'a>>, extended_connect: bool) {
    match head.kind {
        Kind::Request => exchanges.push(Exchange { request: Some(head), response: None, extended_connect }),
        Kind::Response => match exchanges.last_mut() {
            Some(open) if open.response.is_none() => {
                open.extended_connect |= extended_connect;
                open.response = Some(head);
            }
            _ => exchanges.push(Exchange { request: None, response: Some(head), extended_connect }),
        },
    }
}

/// Guess the format from the first lines.
pub fn detect(input: &[u8]) -> Option<Format> {
    let first = input.iter().position(|b| !b.is_ascii_whitespace())?;
    if input[first] == b'{' {
        return Some(Format::Har);
    }
    let mut saw_header = false;
    // Past curl's progress meter (printed without -s), which is no part of any format.
    let lines = head::lines(input, 0, 1).filter(|l| !l.is_blank()).filter_map(|l| {
        let skip = l.bytes.len() - curl::past_meter(&l.bytes).filter(|b| !b.is_empty())?.len();
        Some((l, skip))
    });
    for (i, (line, skip)) in lines.take(40).enumerate() {
        let b: &[u8] = &line.bytes[skip..];
        if i == 0 && curl_command::is_command(b) {
            // `curl -v` output pasted with the command that made it is the output.
            let output = head::lines(input, 0, 1).take(200).any(|l| curl::is_curl_line(&l.bytes));
            return Some(if output { Format::Curl } else { Format::CurlCommand });
        }
        if curl::is_curl_line(b) {
            return Some(Format::Curl);
        }
        if h2::is_pseudo_line(b) {
            return Some(Format::H2);
        }
        if devtools::is_marker(b) {
            return Some(Format::Devtools);
        }
        // A start line first (or a malformed one: its rule will say so).
        if !saw_header && (head::parse_start_line(b).is_some() || b.windows(5).any(|w| w == b"HTTP/")) {
            return Some(Format::Raw);
        }
        saw_header |= b.contains(&b':');
    }
    saw_header.then_some(Format::Devtools)
}

/// Detect the format and parse the capture.
pub fn parse(input: &[u8]) -> Result<Capture<'_>, InputError> {
    if input.len() > MAX_INPUT_BYTES {
        return Err(InputError::TooLarge { len: input.len() });
    }
    if input.iter().all(u8::is_ascii_whitespace) {
        return Err(InputError::Empty);
    }
    let format = detect(input).ok_or(InputError::Unrecognised)?;
    if format == Format::CurlCommand && curl_command::is_for_cmd(input) {
        return Err(InputError::CurlForCmd);
    }
    let (exchanges, skipped) = match format {
        Format::Raw => (raw::parse(input), 0),
        Format::Curl => (curl::parse(input), 0),
        Format::CurlCommand => (curl_command::parse(input), 0),
        Format::Har => har::parse(input)?,
        Format::Devtools => (devtools::parse(input), 0),
        Format::H2 => (h2::parse(input), 0),
    };
    if exchanges.is_empty() && skipped == 0 {
        return Err(InputError::Unrecognised);
    }
    Ok(Capture { format, exchanges, skipped })
}
