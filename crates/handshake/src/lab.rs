//! Where the local lab server (crates/lab) listens by default: the one place
//! the lab, `cargo xtask serve` and the page take its address from.

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
