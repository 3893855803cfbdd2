//! Close codes (RFC 6455 §7.4): what each one means and whether it may be
//! sent in a Close frame.
//!
//! ```
//! use handshake::close::{self, CodeRange};
//! assert_eq!(close::name(1006), Some("Abnormal Closure"));
//! assert!(!close::may_be_sent(1006));
//! assert_eq!(close::range(4000), CodeRange::Private);
//! ```

/// A close code that RFC 6455 §7.4.1 defines or that IANA registered for
/// the protocol (1012-1014, in the "WebSocket Close Code Number Registry").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CloseCode {
    pub code: u16,
    /// The registry's name, e.g. `Going Away`.
    pub name: &'static str,
    /// What an endpoint means by it, in one sentence.
    pub meaning: &'static str,
    /// Whether an endpoint may put it in a Close frame. 1004 is reserved;
    /// 1005, 1006 and 1015 only report what happened locally (§7.4.1: they
    /// "MUST NOT be set as a status code in a Close control frame").
    pub sent: bool,
}

/// The protocol's codes, in order.
pub const CODES: &[CloseCode] = &[
    CloseCode {
        code: 1000,
        name: "Normal Closure",
        meaning: "the purpose for which the connection was established has been fulfilled",
        sent: true,
    },
    CloseCode {
        code: 1001,
        name: "Going Away",
        meaning: "the endpoint is going away: a server going down, or a browser navigating away from the page",
        sent: true,
    },
    CloseCode {
        code: 1002,
        name: "Protocol Error",
        meaning: "the endpoint is closing because of a protocol error",
        sent: true,
    },
    CloseCode {
        code: 1003,
        name: "Unsupported Data",
        meaning: "the endpoint received a type of data it cannot accept (e.g. binary on a text-only endpoint)",
        sent: true,
    },
    CloseCode {
        code: 1004,
        name: "Reserved",
        meaning: "reserved; a meaning may be defined in the future",
        sent: false,
    },
    CloseCode {
        code: 1005,
        name: "No Status Received",
        meaning: "the Close frame carried no status code (reported locally, never sent)",
        sent: false,
    },
    CloseCode {
        code: 1006,
        name: "Abnormal Closure",
        meaning: "the connection was closed without a Close frame: the handshake failed, or the connection dropped (reported locally, never sent)",
        sent: false,
    },
    CloseCode {
        code: 1007,
        name: "Invalid Frame Payload Data",
        meaning: "a message's data did not match its type (e.g. a text message that is not UTF-8)",
        sent: true,
    },
    CloseCode {
        code: 1008,
        name: "Policy Violation",
        meaning: "a message violated the endpoint's policy (a generic code when no other fits)",
        sent: true,
    },
    CloseCode {
        code: 1009,
        name: "Message Too Big",
        meaning: "a message was too big for the endpoint to process",
        sent: true,
    },
    CloseCode {
        code: 1010,
        name: "Mandatory Extension",
        meaning: "the client expected the server to negotiate an extension and it did not",
        sent: true,
    },
    CloseCode {
        code: 1011,
        name: "Internal Error",
        meaning: "the server met an unexpected condition that kept it from fulfilling the request",
        sent: true,
    },
    CloseCode {
        code: 1012,
        name: "Service Restart",
        meaning: "the server is restarting; the client may reconnect",
        sent: true,
    },
    CloseCode {
        code: 1013,
        name: "Try Again Later",
        meaning: "the server is overloaded or otherwise unavailable for now; try again later",
        sent: true,
    },
    CloseCode {
        code: 1014,
        name: "Bad Gateway",
        meaning: "a gateway or proxy received an invalid response from the server behind it",
        sent: true,
    },
    CloseCode {
        code: 1015,
        name: "TLS Handshake",
        meaning: "the TLS handshake failed, e.g. the server's certificate could not be verified (reported locally, never sent)",
        sent: false,
    },
];

/// The ranges of RFC 6455 §7.4.2.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeRange {
    /// 0-999: not used.
    Unused,
    /// 1000-2999: this protocol, its revisions and extensions with a public
    /// specification.
    Protocol,
    /// 3000-3999: libraries, frameworks and applications, registered with IANA.
    Registered,
    /// 4000-4999: private use, agreed between the two endpoints.
    Private,
    /// 5000 and above: outside every range.
    Invalid,
}

impl CodeRange {
    /// The range in words, for a code without an entry of its own.
    pub fn describe(self) -> &'static str {
        match self {
            CodeRange::Unused => "codes below 1000 are not used (RFC 6455 §7.4.2)",
            CodeRange::Protocol => {
                "reserved for the protocol and its extensions; this one is not defined (RFC 6455 §7.4.2)"
            }
            CodeRange::Registered => {
                "for libraries, frameworks and applications, registered with IANA (RFC 6455 §7.4.2)"
            }
            CodeRange::Private => {
                "for private use: its meaning is whatever the two endpoints agreed (RFC 6455 §7.4.2)"
            }
            CodeRange::Invalid => "above 4999: outside every range RFC 6455 §7.4.2 defines",
        }
    }
}

/// The §7.4.2 range of `code`.
pub fn range(code: u16) -> CodeRange {
    match code {
        0..=999 => CodeRange::Unused,
        1000..=2999 => CodeRange::Protocol,
        3000..=3999 => CodeRange::Registered,
        4000..=4999 => CodeRange::Private,
        _ => CodeRange::Invalid,
    }
}

/// The protocol's entry for `code`, if it has one.
pub fn lookup(code: u16) -> Option<&'static CloseCode> {
    CODES.iter().find(|c| c.code == code)
}

/// The registered name of `code`, if it has one.
pub fn name(code: u16) -> Option<&'static str> {
    lookup(code).map(|c| c.name)
}

/// What `code` means, in one sentence: the entry's meaning, or its range's.
pub fn meaning(code: u16) -> &'static str {
    lookup(code).map_or_else(|| range(code).describe(), |c| c.meaning)
}

/// Whether `code` may appear in a Close frame on the wire: the defined codes
/// an endpoint may send (RFC 6455 §7.4.1, and 1012-1014 from the IANA
/// registry), and 3000-4999 (§7.4.2). RFC 6455 does not say what a receiver
/// does with any other code; failing the connection (with 1002) is what test
/// suites such as Autobahn expect, a convention rather than a rule.
pub fn may_be_sent(code: u16) -> bool {
    match lookup(code) {
        Some(c) => c.sent,
        None => matches!(range(code), CodeRange::Registered | CodeRange::Private),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_ordered_and_complete() {
        let codes: Vec<u16> = CODES.iter().map(|c| c.code).collect();
        assert_eq!(codes, (1000..=1015).collect::<Vec<_>>());
        assert!(CODES.iter().all(|c| !c.name.is_empty() && !c.meaning.is_empty()));
    }

    #[test]
    fn on_the_wire() {
        for code in
            [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4999]
        {
            assert!(may_be_sent(code), "{code}");
        }
        for code in [0, 999, 1004, 1005, 1006, 1015, 1016, 2000, 2999, 5000, u16::MAX] {
            assert!(!may_be_sent(code), "{code}");
        }
    }

    #[test]
    fn ranges_and_meanings() {
        assert_eq!(range(0), CodeRange::Unused);
        assert_eq!(range(1000), CodeRange::Protocol);
        assert_eq!(range(2999), CodeRange::Protocol);
        assert_eq!(range(3000), CodeRange::Registered);
        assert_eq!(range(4999), CodeRange::Private);
        assert_eq!(range(5000), CodeRange::Invalid);
        assert_eq!(name(1001), Some("Going Away"));
        assert_eq!(name(4000), None);
        assert!(meaning(1006).contains("without a Close frame"));
        assert!(meaning(4000).contains("private use"));
        assert!(meaning(2000).contains("not defined"));
    }
}
