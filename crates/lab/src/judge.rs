//! The lab's one door to the core: every judgement of a handshake comes from
//! `handshake` (the lab decides nothing about validity itself).

/// What the core says about a request before the lab answers it.
#[derive(Debug, Clone)]
pub struct Judgement {
    /// The status a conforming server answers with, when it is not 101.
    pub refuse_with: Option<u16>,
}

/// Lints a request head on its own (interim: the core's `lint` has not landed).
pub fn request(_head: &[u8]) -> Judgement {
    Judgement { refuse_with: None }
}

/// The core's lint report of a request and the response the lab sent, as JSON
/// (interim: `null` until the core's `lint` lands).
pub fn exchange(_request: &[u8], _response: &[u8]) -> String {
    "null".to_owned()
}

/// `Sec-WebSocket-Accept` for a key (RFC 6455 §4.2.2, step 5.4).
pub fn accept(key: &str) -> String {
    handshake::accept::accept(key)
}
