//! Every input path of the lab is bounded; these are the bounds.

use std::time::Duration;

/// The head limits, shared with `handshake probe` (it reads responses as the lab
/// reads requests).
pub use handshake::lab::{MAX_HEAD_BYTES, MAX_HEADERS};

/// Largest message, and largest frame, a WebSocket may send the lab; a bigger one
/// closes the connection with 1009 (RFC 6455 §7.4.1).
pub const MAX_MESSAGE_BYTES: usize = 1 << 20;

/// Bytes tungstenite reads at a time per connection (its buffer is allocated up
/// front: its 128 KiB default would cost 128 MiB for 1,000 idle connections).
pub const READ_BUFFER_BYTES: usize = 8 * 1024;

/// Most connections served at once; the next one is answered 503 (RFC 9110 §15.6.4).
pub const MAX_CONNECTIONS: usize = 1024;

/// Connections over capacity that still get a 503; past these they are just closed.
pub const MAX_REFUSING: usize = 64;

/// Time a WebSocket may stay silent before the lab closes it with 1001.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(60);

/// Time the request head has to arrive; a slower one is answered 408 (RFC 9110 §15.5.9).
pub const HEAD_TIMEOUT: Duration = Duration::from_secs(10);

/// Time the lab waits for the peer's Close after sending its own (RFC 6455 §7.1.1).
pub const CLOSE_TIMEOUT: Duration = Duration::from_secs(2);

/// Handshake records kept for `GET /last`.
pub const RECORDS_KEPT: usize = 256;

/// Longest `id` query value the lab stores or looks up.
pub const MAX_ID_LEN: usize = 64;

/// The limits one server runs with: the constants above unless a flag overrides them.
#[derive(Debug, Clone)]
pub struct Limits {
    pub max_head_bytes: usize,
    pub max_headers: usize,
    pub max_message_bytes: usize,
    pub max_connections: usize,
    pub idle_timeout: Duration,
    pub head_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_head_bytes: MAX_HEAD_BYTES,
            max_headers: MAX_HEADERS,
            max_message_bytes: MAX_MESSAGE_BYTES,
            max_connections: MAX_CONNECTIONS,
            idle_timeout: IDLE_TIMEOUT,
            head_timeout: HEAD_TIMEOUT,
        }
    }
}
