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
pub mod field;
pub mod head;
pub mod headers;
pub mod lab;
pub mod report;
#[cfg(feature = "json")]
mod report_json;
pub mod rule;
pub mod rules;

pub use capture::{Format, InputError, MAX_INPUT_BYTES};
pub use report::{ExchangeReport, Finding, Lint, Verdict, reason_phrase};
#[cfg(feature = "json")]
pub use report_json::write_json_string;
pub use rule::{Rule, Severity};

/// Detect the format of `input`, parse it and check every exchange.
pub fn lint(input: &[u8]) -> Result<Lint<'_>, InputError> {
    let capture = capture::parse(input)?;
    let format = capture.format;
    Ok(Lint {
        format,
        exchanges: capture.exchanges.into_iter().map(|e| rules::check(e, format)).collect(),
        skipped: capture.skipped,
    })
}
