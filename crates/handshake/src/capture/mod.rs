//! Captured handshakes in the formats people paste, detected automatically.
//! One file per format; each turns the text into [`Exchange`]s whose every
//! value keeps its byte span and line in the input.

pub mod curl;
pub mod curl_command;
pub mod devtools;
pub mod h2;
pub mod har;
pub mod raw;

use crate::head::{self, Head, Kind};

/// An input format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
    /// An HTTP/2 or HTTP/3 extended CONNECT.
    pub h2: bool,
}

/// What a capture held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Capture<'a> {
    pub format: Format,
    pub exchanges: Vec<Exchange<'a>>,
    /// Entries that are not WebSocket handshakes (HAR).
    pub skipped: usize,
}

/// Why a capture could not be read at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaptureError {
    /// Nothing in it looks like any supported format.
    Unrecognised,
    /// JSON that is not a readable HAR file: what and where.
    Har { message: String, line: usize },
    /// A curl command quoted for Windows cmd (`^` escapes), which is not read.
    CurlForCmd,
}

/// Group heads into exchanges: a request opens one, a response completes the
/// open one or stands alone.
pub(crate) fn push_head<'a>(exchanges: &mut Vec<Exchange<'a>>, head: Box<Head<'a>>, h2: bool) {
    match head.kind {
        Kind::Request => exchanges.push(Exchange { request: Some(head), response: None, h2 }),
        Kind::Response => match exchanges.last_mut() {
            Some(open) if open.response.is_none() => {
                open.h2 |= h2;
                open.response = Some(head);
            }
            _ => exchanges.push(Exchange { request: None, response: Some(head), h2 }),
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
pub fn parse(input: &[u8]) -> Result<Capture<'_>, CaptureError> {
    let format = detect(input).ok_or(CaptureError::Unrecognised)?;
    if format == Format::CurlCommand && curl_command::is_for_cmd(input) {
        return Err(CaptureError::CurlForCmd);
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
        return Err(CaptureError::Unrecognised);
    }
    Ok(Capture { format, exchanges, skipped })
}
