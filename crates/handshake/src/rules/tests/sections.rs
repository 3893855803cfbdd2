//! Section numbers from the tables of contents of the documents the
//! catalogue cites, so that a rule cannot name a section that does not exist.
//!
//! RFC 6455: the whole table of contents, copied from the RFC's text.
//! RFC 9112: sections 2 to 6 of its table of contents. The others: the
//! sections the catalogue names, each looked up in the RFC's table of contents.

pub const RFC_SECTIONS: &[(&str, &[&str])] = &[
    (
        "6455",
        &[
            "1", "1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7", "1.8", "1.9", "2", "2.1", "3", "4", "4.1",
            "4.2", "4.2.1", "4.2.2", "4.3", "4.4", "5", "5.1", "5.2", "5.3", "5.4", "5.5", "5.5.1", "5.5.2",
            "5.5.3", "5.6", "5.7", "5.8", "6", "6.1", "6.2", "7", "7.1", "7.1.1", "7.1.2", "7.1.3", "7.1.4",
            "7.1.5", "7.1.6", "7.1.7", "7.2", "7.2.1", "7.2.2", "7.2.3", "7.3", "7.4", "7.4.1", "7.4.2", "8",
            "8.1", "9", "9.1", "9.2", "10", "10.1", "10.2", "10.3", "10.4", "10.5", "10.6", "10.7", "10.8",
            "11", "11.1", "11.1.1", "11.1.2", "11.2", "11.3", "11.3.1", "11.3.2", "11.3.3", "11.3.4",
            "11.3.5", "11.4", "11.5", "11.6", "11.7", "11.8", "11.9", "12", "13", "14", "14.1", "14.2",
        ],
    ),
    // Compression Extensions for WebSocket.
    ("7692", &["5", "7", "7.1", "7.1.1.1", "7.1.1.2", "7.1.2", "7.1.2.1", "7.1.2.2"]),
    // Bootstrapping WebSockets with HTTP/2: SETTINGS, extended CONNECT, its use.
    ("8441", &["3", "4", "5", "5.1"]),
    // HTTP Semantics: field order, Connection, Upgrade, Content-Length, GET,
    // 405, 426, 502, 504.
    (
        "9110",
        &["2.5", "5.3", "7.6.1", "7.8", "8.6", "9.3.1", "15.5.6", "15.5.22", "15.6.3", "15.6.5", "15.6.6"],
    ),
    // HTTP/1.1.
    (
        "9112",
        &[
            "2", "2.1", "2.2", "2.3", "3", "3.1", "3.2", "3.2.1", "3.2.2", "3.2.3", "3.2.4", "3.3", "4", "5",
            "5.1", "5.2", "6", "6.1", "6.2", "6.3",
        ],
    ),
    // HTTP/2: connection-specific fields, request pseudo-headers, CONNECT, Upgrade.
    ("9113", &["8.2.2", "8.3.1", "8.5", "8.6"]),
    // Base64: canonical encoding.
    ("4648", &["3.5"]),
    // 431 Request Header Fields Too Large.
    ("6585", &["5"]),
];

/// Anchors of the WHATWG WebSockets standard (ids of its published
/// index.html), for rules that only browsers enforce.
pub const WHATWG_ANCHORS: &[&str] = &[
    "concept-websocket-establish",
    "dom-websocket-websocket",
    "dom-websocket-close",
    "dom-closeevent-wasclean",
];
