//! The WebSocket opening handshake, without I/O: compute `Sec-WebSocket-Accept`,
//! parse captured handshakes (raw HTTP, curl, HAR, DevTools, HTTP/2 pseudo-headers)
//! and lint them against RFC 6455, RFC 7692, RFC 8441/9220 and RFC 9110/9112.
//!
//! ```
//! let lint = handshake::lint(b"GET /chat HTTP/1.1\r\nHost: example.com\r\n\r\n").unwrap();
//! assert!(lint.has_errors());
//! assert_eq!(lint.exchanges[0].verdict.expected_status, Some(426));
//! ```

pub mod accept;
pub mod base64;
pub mod capture;
pub mod close;
pub mod correct;
pub mod examples;
pub mod head;
pub mod headers;
mod json;
mod output;
pub mod report;
pub mod rules;

use std::fmt;

pub use capture::Format;
pub use output::write_json_string;
pub use report::{ExchangeReport, Finding, Severity, Verdict, reason_phrase};

/// Largest input read: 8 MiB.
pub const MAX_INPUT_BYTES: usize = 8 * 1024 * 1024;

/// Why an input could not be linted at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputError {
    /// Nothing but whitespace.
    Empty,
    /// More than [`MAX_INPUT_BYTES`].
    TooLarge { len: usize },
    /// No supported capture format recognised.
    Unrecognised,
    /// JSON that is not a readable HAR file.
    Har { message: String, line: usize },
    /// A curl command quoted for Windows cmd, which is not read.
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

/// The lint of a whole capture.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lint<'a> {
    pub format: Format,
    pub exchanges: Vec<ExchangeReport<'a>>,
    /// Entries that are not WebSocket handshakes (HAR).
    pub skipped: usize,
}

impl Lint<'_> {
    /// Whether any exchange has an error-severity finding.
    pub fn has_errors(&self) -> bool {
        self.exchanges.iter().any(ExchangeReport::has_errors)
    }

    /// The stable JSON report (documented in crates/cli/README.md).
    pub fn to_json(&self) -> String {
        output::lint_json(self)
    }
}

/// Detect the format of `input`, parse it and check every exchange.
pub fn lint(input: &[u8]) -> Result<Lint<'_>, InputError> {
    if input.len() > MAX_INPUT_BYTES {
        return Err(InputError::TooLarge { len: input.len() });
    }
    if input.iter().all(u8::is_ascii_whitespace) {
        return Err(InputError::Empty);
    }
    let capture = capture::parse(input).map_err(|e| match e {
        capture::CaptureError::Unrecognised => InputError::Unrecognised,
        capture::CaptureError::Har { message, line } => InputError::Har { message, line },
        capture::CaptureError::CurlForCmd => InputError::CurlForCmd,
    })?;
    let format = capture.format;
    Ok(Lint {
        format,
        exchanges: capture.exchanges.into_iter().map(|e| rules::check(e, format)).collect(),
        skipped: capture.skipped,
    })
}
