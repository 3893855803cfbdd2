//! HTTP/1.1 framing (RFC 9110, RFC 9112): line ends, folding, field syntax,
//! duplicates and size limits. These apply to both messages.

use crate::capture::Format;
use crate::head::{Head, HeadProblemKind, MAX_HEAD_BYTES, MAX_HEADERS};
use crate::report::Findings;
use crate::rule::Answer::{Closes, Status, Varies};
use crate::rule::Rule;
use crate::rule::Severity;

pub const START_LINE: Rule = Rule::new(
    "http.start-line",
    Severity::Error,
    "RFC 9112 §3",
    "https://www.rfc-editor.org/rfc/rfc9112#section-3",
    "The first line is neither a request line nor a status line",
    "A request starts with `method SP request-target SP HTTP-version` and a response with `HTTP-version SP status-code SP reason`. A first line that is neither cannot be parsed by a server or a browser; a server answers 400. ws and gorilla do; python websockets closes the connection without a response.",
    "Start the request with `GET /path HTTP/1.1` or the response with `HTTP/1.1 101 Switching Protocols`.",
)
.refused(400)
.answers(Status(400), Closes, Status(400));

pub const LINE_ENDING: Rule = Rule::new(
    "http.line-ending",
    Severity::Warning,
    "RFC 9112 §2.2",
    "https://www.rfc-editor.org/rfc/rfc9112#section-2.2",
    "Lines end with a bare LF instead of CRLF",
    "HTTP/1.1 lines end with CRLF. RFC 9112 lets a recipient accept a bare LF, and browsers and Go's server (so gorilla) do; but Node's server (so ws) answers 400, python websockets closes the connection without a response, and some proxies mis-frame it. Pasted text often loses its CRs; if the bytes on the wire had CRLF, ignore this.",
    "End every line of the head, and the empty line after it, with \\r\\n.",
);

pub const OBS_FOLD: Rule = Rule::new(
    "http.obs-fold",
    Severity::Warning,
    "RFC 9112 §5.2",
    "https://www.rfc-editor.org/rfc/rfc9112#section-5.2",
    "A header field is folded onto a continuation line",
    "Line folding (a line starting with a space or tab) is obsolete. A server must either reject the request with 400 or replace the fold with spaces. Node's server (so ws) answers 400, python websockets closes the connection without a response, httparse (tungstenite, hyper) rejects it, and Go's server (so gorilla) accepts it.",
    "Put each header field on one line.",
);

pub const HEADER_SYNTAX: Rule = Rule::new(
    "http.header.syntax",
    Severity::Error,
    "RFC 9112 §5.1",
    "https://www.rfc-editor.org/rfc/rfc9112#section-5.1",
    "A header field line is malformed",
    "A field line is `name: value`, the name a token with no whitespace before the colon, and the value free of CR, LF, NUL and other control characters. A server must answer 400 to whitespace before the colon (it was used for request smuggling); a browser fails a response it cannot parse. ws and gorilla answer 400; python websockets closes the connection without a response.",
    "Write `Name: value` with a token name, the colon right after it, and a printable value.",
)
.refused(400)
.answers(Status(400), Closes, Status(400));

pub const HEADER_DUPLICATE: Rule = Rule::new(
    "http.header.duplicate",
    Severity::Warning,
    "RFC 9110 §5.3",
    "https://www.rfc-editor.org/rfc/rfc9110#section-5.3",
    "A header field that takes one value appears more than once",
    "Only list-valued fields may be repeated; for a singleton field such as Origin or Content-Length, recipients disagree on which copy wins (first, last, or reject), which is how request smuggling starts.",
    "Send the field once.",
);

pub const TOO_LARGE: Rule = Rule::new(
    "http.too-large",
    Severity::Error,
    "RFC 6585 §5",
    "https://www.rfc-editor.org/rfc/rfc6585#section-5",
    "The head is larger than a server accepts",
    "Servers limit the head, each its own way, and answer 431 Request Header Fields Too Large past the limit: Node (so ws) at 16 KiB in all, whatever the number of fields; python websockets at 128 fields or an 8 KiB line; Go (so gorilla) at 1 MiB; hyper at 100 fields and tungstenite at 124. This linter reads at most 64 KiB and 256 fields of a head and stops there, so which of those servers refuses depends on the head.",
    "Trim the head: drop unneeded headers and large cookies.",
)
.refused(431)
.answers(Varies, Varies, Varies);

/// Check the framing of one head.
pub(crate) fn check(head: &Head<'_>, format: Format, f: &mut Findings<'_>) {
    let bare_lf = head.problems.iter().filter(|p| p.kind == HeadProblemKind::BareLf).count();
    let mut lf_reported = false;
    for p in &head.problems {
        let at = Some((p.line, p.span));
        match p.kind {
            // RFC 9112 §2.2: only a raw capture has the line ends of the wire.
            HeadProblemKind::BareLf => {
                if format == Format::Raw && !lf_reported {
                    lf_reported = true;
                    let message = if bare_lf == 1 {
                        "a line ends with a bare LF instead of CRLF".to_string()
                    } else {
                        format!("{bare_lf} lines end with a bare LF instead of CRLF")
                    };
                    f.fire(&LINE_ENDING, message, at);
                }
            }
            HeadProblemKind::ObsFold => f.fire_plain(&OBS_FOLD, at),
            HeadProblemKind::StartLine => f.fire(
                &START_LINE,
                if head.is_request() {
                    "the first line is not a request line (`GET /path HTTP/1.1`)"
                } else {
                    "the first line is not a status line (`HTTP/1.1 101 Switching Protocols`)"
                },
                at,
            ),
            HeadProblemKind::NoColon => f.fire(&HEADER_SYNTAX, "a header line without a colon", at),
            HeadProblemKind::FieldName => {
                f.fire(&HEADER_SYNTAX, "the field name is empty or not a token", at)
            }
            HeadProblemKind::WhitespaceBeforeColon => {
                f.fire(&HEADER_SYNTAX, "whitespace between the field name and the colon", at)
            }
            HeadProblemKind::FieldValue => {
                f.fire(&HEADER_SYNTAX, "a control character (CR, NUL, ...) in the field value", at)
            }
            HeadProblemKind::TooManyHeaders => f.fire(
                &TOO_LARGE,
                format!("more than {MAX_HEADERS} header fields; the rest were not read"),
                at,
            ),
            HeadProblemKind::TooLarge => f.fire(
                &TOO_LARGE,
                format!("the head is larger than {} KiB; the rest was not read", MAX_HEAD_BYTES / 1024),
                at,
            ),
        }
    }
    // RFC 9110 §5.3: a singleton field must not be repeated.
    for second in head.repeated_singletons() {
        f.fire(
            &HEADER_DUPLICATE,
            format!("{} appears more than once", second.name.as_str()),
            Some(&second.name),
        );
    }
}
