//! The field names the rules look up, classified once per field so a lookup
//! compares a byte.

use super::scan::word;

/// The field names the rules look up, classified once per field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Known {
    Other,
    Name(u8),
}

/// The known names (lowercase), and whether each takes a single value and
/// has no rule of its own for repeats (RFC 9110 §5.3).
const KNOWN: [(&str, bool); 24] = [
    ("host", false),
    ("upgrade", false),
    ("connection", false),
    ("sec-websocket-key", false),
    ("sec-websocket-accept", false),
    ("sec-websocket-version", false),
    ("sec-websocket-protocol", false),
    ("sec-websocket-extensions", false),
    ("origin", true),
    ("content-length", true),
    ("transfer-encoding", false),
    ("allow", false),
    ("content-type", true),
    ("authorization", true),
    ("user-agent", true),
    ("referer", true),
    ("date", true),
    ("server", true),
    ("location", true),
    ("keep-alive", false),
    ("proxy-connection", false),
    ("te", false),
    (":method", false),
    (":protocol", false),
];

/// The names of [`KNOWN`], by index.
pub(super) const KNOWN_NAMES: [&str; KNOWN.len()] = {
    let mut names = [""; KNOWN.len()];
    let mut i = 0;
    while i < KNOWN.len() {
        names[i] = KNOWN[i].0;
        i += 1;
    }
    names
};

/// The singleton flags of [`KNOWN`], by index.
pub(super) const SINGLETON: [bool; KNOWN.len()] = {
    let mut t = [false; KNOWN.len()];
    let mut i = 0;
    while i < KNOWN.len() {
        t[i] = KNOWN[i].1;
        i += 1;
    }
    t
};

/// [`SINGLETON`] as bits.
pub(super) const SINGLETON_BITS: u32 = {
    let mut bits = 0;
    let mut i = 0;
    while i < KNOWN.len() {
        if SINGLETON[i] {
            bits |= 1 << i;
        }
        i += 1;
    }
    bits
};

/// No name in a row of [`BY_LENGTH`].
const NONE: u8 = u8::MAX;

/// For each name length, the known names of that length (at most three,
/// padded with [`NONE`]): only those can match.
const BY_LENGTH: [[u8; 3]; 25] = {
    let mut t = [[NONE; 3]; 25];
    let mut i = 0;
    while i < KNOWN.len() {
        let row = &mut t[KNOWN[i].0.len()];
        let mut j = 0;
        while row[j] != NONE {
            j += 1;
        }
        row[j] = i as u8;
        i += 1;
    }
    t
};

/// [`KNOWN_NAMES`] padded to 24 bytes, and for each a mask with 0x20 where
/// the name has a letter: `b | mask == lower` is an ASCII case-insensitive
/// compare, eight bytes at a time.
const KNOWN_LOWER: [[u8; 24]; KNOWN_NAMES.len()] = known_tables().0;
const KNOWN_MASK: [[u8; 24]; KNOWN_NAMES.len()] = known_tables().1;

const fn known_tables() -> ([[u8; 24]; KNOWN_NAMES.len()], [[u8; 24]; KNOWN_NAMES.len()]) {
    let mut lower = [[0u8; 24]; KNOWN_NAMES.len()];
    let mut mask = [[0u8; 24]; KNOWN_NAMES.len()];
    let mut i = 0;
    while i < KNOWN_NAMES.len() {
        let b = KNOWN_NAMES[i].as_bytes();
        let mut j = 0;
        while j < b.len() {
            lower[i][j] = b[j];
            if b[j].is_ascii_lowercase() {
                mask[i][j] = 0x20;
            }
            j += 1;
        }
        i += 1;
    }
    (lower, mask)
}

/// Whether `name` (of the same length) is known name `i`, ignoring ASCII case.
#[inline]
fn eq_known(name: &[u8], i: usize) -> bool {
    let (lower, mask) = (&KNOWN_LOWER[i], &KNOWN_MASK[i]);
    let n = name.len();
    if n < 8 {
        // Padded with zeros, as the tables are.
        let w = name.iter().rev().fold(0, |w, &b| w << 8 | u64::from(b));
        return w | word(&mask[..8]) == word(&lower[..8]);
    }
    let mut at = 0;
    while at + 8 < n {
        if word(&name[at..at + 8]) | word(&mask[at..at + 8]) != word(&lower[at..at + 8]) {
            return false;
        }
        at += 8;
    }
    // The last eight bytes (overlapping the previous word when short).
    let at = n - 8;
    word(&name[at..n]) | word(&mask[at..n]) == word(&lower[at..n])
}

impl Known {
    pub(crate) fn of(name: &str) -> Known {
        // Only names of the same length can match: a few candidates at most.
        let Some(row) = BY_LENGTH.get(name.len()) else {
            return Known::Other;
        };
        let name = name.as_bytes();
        for &i in row {
            if i == NONE {
                break;
            }
            if eq_known(name, usize::from(i)) {
                return Known::Name(i);
            }
        }
        Known::Other
    }

    /// The known name `name` (lowercase), for lookups written in the rules;
    /// evaluated at compile time (an unknown name does not compile).
    pub(crate) const fn lower(name: &str) -> Known {
        let mut i = 0;
        while i < KNOWN_NAMES.len() {
            let (a, b) = (KNOWN_NAMES[i].as_bytes(), name.as_bytes());
            if a.len() == b.len() {
                let mut j = 0;
                while j < a.len() && a[j] == b[j] {
                    j += 1;
                }
                if j == a.len() {
                    return Known::Name(i as u8);
                }
            }
            i += 1;
        }
        panic!("not one of KNOWN_NAMES");
    }

    /// The index of a known name, for per-head tables.
    pub(crate) fn index(self) -> Option<usize> {
        match self {
            Known::Other => None,
            Known::Name(i) => Some(usize::from(i)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_names_by_length() {
        for (i, name) in KNOWN_NAMES.iter().enumerate() {
            assert_eq!(Known::of(name), Known::Name(i as u8), "{name}");
            assert_eq!(Known::of(&name.to_ascii_uppercase()), Known::Name(i as u8));
        }
        assert_eq!(Known::of("x-host"), Known::Other);
        // Only letters fold: a byte 0x20 away from a non-letter is no match.
        assert_eq!(Known::of("sec\rwebsocket\rkey"), Known::Other);
        assert_eq!(Known::of("Sec-WebSocket-Ke\x19"), Known::Other);
        assert_eq!(Known::of("\x1amethod"), Known::Other);
        assert_eq!(Known::of("HOSt"), Known::Name(0));
        let singletons: Vec<&str> =
            (0..KNOWN_NAMES.len()).filter(|&i| SINGLETON[i]).map(|i| KNOWN_NAMES[i]).collect();
        assert_eq!(
            singletons,
            [
                "origin",
                "content-length",
                "content-type",
                "authorization",
                "user-agent",
                "referer",
                "date",
                "server",
                "location"
            ]
        );
        assert_eq!(Known::of(""), Known::Other);
    }
}
