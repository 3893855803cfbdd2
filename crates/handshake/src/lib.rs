//! The WebSocket opening handshake, without I/O: compute `Sec-WebSocket-Accept`,
//! parse captured handshakes (raw HTTP, curl, HAR, DevTools, HTTP/2 pseudo-headers)
//! and lint them against RFC 6455, RFC 7692, RFC 8441/9220 and RFC 9110/9112.

pub mod accept;
mod base64;
pub mod head;
