//! The panel's timeline: one entry per thing that happened to a connection,
//! with its time, and message contents cut to a size a page can show.

use super::{bytes, hex};

/// Entries kept; older ones are dropped (and counted).
pub const MAX_ENTRIES: usize = 500;
/// Bytes of a text message shown.
pub const MAX_SHOWN_TEXT: usize = 8 * 1024;
/// Bytes of a binary message shown as hex.
pub const MAX_SHOWN_BYTES: usize = 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Connecting,
    Open,
    /// A message sent.
    Out,
    /// A message received.
    In,
    Error,
    /// `close()` called.
    Closing,
    Close,
    /// The lab server's record of the handshake.
    Record,
    /// Something the page refused to do, or a note.
    Note,
}

impl Kind {
    pub fn label(self) -> &'static str {
        match self {
            Kind::Connecting => "connecting",
            Kind::Open => "open",
            Kind::Out => "sent",
            Kind::In => "received",
            Kind::Error => "error",
            Kind::Closing => "closing",
            Kind::Close => "close",
            Kind::Record => "record",
            Kind::Note => "note",
        }
    }

    /// The entry's CSS class.
    pub fn class(self) -> &'static str {
        match self {
            Kind::Connecting => "ev ev-connecting",
            Kind::Open => "ev ev-open",
            Kind::Out => "ev ev-out",
            Kind::In => "ev ev-in",
            Kind::Error => "ev ev-error",
            Kind::Closing => "ev ev-closing",
            Kind::Close => "ev ev-close",
            Kind::Record => "ev ev-record",
            Kind::Note => "ev ev-note",
        }
    }
}

/// A message's content as the page shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Content {
    Text(String),
    Hex(String),
    /// A Blob still being read.
    Pending,
    /// A shell command, shown with a copy button (`live::probe_hint`).
    Command(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Unique within the page, in order.
    pub seq: u64,
    /// Wall-clock time, `hh:mm:ss.mmm`.
    pub clock: String,
    /// Since Connect was pressed, `+12 ms`.
    pub elapsed: String,
    pub kind: Kind,
    pub summary: String,
    pub content: Option<Content>,
}

/// `hh:mm:ss.mmm`.
pub fn clock(hours: u32, minutes: u32, seconds: u32, millis: u32) -> String {
    format!("{hours:02}:{minutes:02}:{seconds:02}.{millis:03}")
}

/// `+12 ms`, `+1.234 s`, `+2 min 5 s`.
pub fn elapsed(ms: f64) -> String {
    let ms = ms.max(0.0);
    if ms < 1000.0 {
        format!("+{} ms", ms.round() as u64)
    } else if ms < 60_000.0 {
        // Integer digits: no float formatting in the module.
        let ms = ms.round() as u64;
        format!("+{}.{:03} s", ms / 1000, ms % 1000)
    } else {
        let s = (ms / 1000.0).round() as u64;
        format!("+{} min {} s", s / 60, s % 60)
    }
}

/// `text, 5 bytes` or `binary, 3 bytes`.
pub fn message_summary(text: bool, len: usize) -> String {
    format!("{}, {}", if text { "text" } else { "binary" }, bytes(len))
}

/// A text message as shown: at most [`MAX_SHOWN_TEXT`] bytes (cut at a
/// character boundary), then how many more there were.
pub fn text_content(text: &str) -> Content {
    if text.len() <= MAX_SHOWN_TEXT {
        return Content::Text(text.to_string());
    }
    let mut cut = MAX_SHOWN_TEXT;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    Content::Text(format!("{} … ({} not shown)", &text[..cut], bytes(text.len() - cut)))
}

/// A binary message as shown: hex of at most [`MAX_SHOWN_BYTES`] bytes.
pub fn binary_content(data: &[u8]) -> Content {
    Content::Hex(hex::format(data, MAX_SHOWN_BYTES))
}

/// Appends `entry`, dropping the oldest over [`MAX_ENTRIES`]; returns how
/// many were dropped.
pub fn push<E>(entries: &mut Vec<E>, entry: E) -> usize {
    entries.push(entry);
    let over = entries.len().saturating_sub(MAX_ENTRIES);
    entries.drain(..over);
    over
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times() {
        assert_eq!(clock(9, 5, 3, 7), "09:05:03.007");
        assert_eq!(elapsed(-3.0), "+0 ms");
        assert_eq!(elapsed(12.4), "+12 ms");
        assert_eq!(elapsed(1234.0), "+1.234 s");
        assert_eq!(elapsed(1234.6), "+1.235 s");
        assert_eq!(elapsed(59_999.9), "+60.000 s");
        assert_eq!(elapsed(125_000.0), "+2 min 5 s");
    }

    #[test]
    fn contents_are_cut_to_size() {
        assert_eq!(text_content("hi"), Content::Text("hi".into()));
        let long = "é".repeat(MAX_SHOWN_TEXT);
        let Content::Text(shown) = text_content(&long) else { panic!() };
        assert!(
            shown.ends_with(&format!("… ({} not shown)", bytes(long.len() - MAX_SHOWN_TEXT))),
            "{}",
            &shown[shown.len() - 40..]
        );
        assert_eq!(binary_content(&[0, 255]), Content::Hex("00 ff".into()));
        let Content::Hex(hex) = binary_content(&[7; MAX_SHOWN_BYTES + 2]) else { panic!() };
        assert!(hex.ends_with("(2 bytes not shown)"));
        assert_eq!(message_summary(true, 1), "text, 1 byte");
        assert_eq!(message_summary(false, 3), "binary, 3 bytes");
    }

    #[test]
    fn the_oldest_entries_go() {
        let mut entries = Vec::new();
        let entry = |seq| Entry {
            seq,
            clock: String::new(),
            elapsed: String::new(),
            kind: Kind::Note,
            summary: String::new(),
            content: None,
        };
        for seq in 0..MAX_ENTRIES as u64 {
            assert_eq!(push(&mut entries, entry(seq)), 0);
        }
        assert_eq!(push(&mut entries, entry(MAX_ENTRIES as u64)), 1);
        assert_eq!((entries.len(), entries[0].seq), (MAX_ENTRIES, 1));
    }
}
