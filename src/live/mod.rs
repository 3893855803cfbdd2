//! The live panel's logic, in plain functions the host tests run: the URL and
//! subprotocol checks the WebSocket constructor makes, pairing a connection
//! with the lab server's record, close codes and reasons, hex, and the
//! timeline's wording. `views::live` is the thin browser shell over it.

pub mod close;
pub mod hex;
pub mod lab_status;
pub mod probe_hint;
pub mod record;
pub mod target;
pub mod timeline;

/// `1 byte`, `2 bytes`.
pub fn bytes(n: usize) -> String {
    if n == 1 { "1 byte".to_string() } else { format!("{n} bytes") }
}
