//! Where the local lab server (crates/lab) listens by default, and how large a
//! head it reads: the one place the lab, `cargo xtask serve`, the page and
//! `handshake probe` take these from.

macro_rules! address {
    () => {
        "127.0.0.1:9001"
    };
}

/// The lab's default listening address.
pub const ADDRESS: &str = address!();
/// Its echo route.
pub const ECHO_URL: &str = concat!("ws://", address!(), "/echo");
/// Its index, where it describes itself over plain HTTP.
pub const INDEX_URL: &str = concat!("http://", address!(), "/");

/// Largest head (start line, field lines, blank line) the lab reads, and
/// `handshake probe` reads back; a longer request is answered 431 (RFC 6585 §5).
pub const MAX_HEAD_BYTES: usize = 16 * 1024;

/// Most field lines in such a head; more are answered 431 (RFC 6585 §5).
/// Python websockets allows 128, tungstenite 124.
pub const MAX_HEADERS: usize = 128;
