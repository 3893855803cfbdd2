//! Nothing a user pastes may panic: arbitrary bytes and mutated real
//! captures go through lint(), to_json() and corrected().

use handshake::correct::corrected;
use handshake::examples::EXAMPLES;
use handshake::{Lint, lint};
use proptest::prelude::*;

/// Everything a caller does with a lint, checked for sanity.
fn exercise(input: &[u8]) {
    let Ok(l) = lint(input) else { return };
    check_spans(&l, input.len());
    let json = l.to_json();
    let parsed: serde_json::Value = serde_json::from_str(&json).expect("to_json is JSON");
    assert_eq!(parsed["exchanges"].as_array().map(Vec::len), Some(l.exchanges.len()));
    for e in &l.exchanges {
        let fixed = corrected(e);
        let again = lint(fixed.as_bytes()).expect("the corrected version is recognisable");
        assert!(
            !again.has_errors(),
            "corrected version has errors: {:?}\n{fixed}",
            again.exchanges.iter().flat_map(|e| &e.findings).collect::<Vec<_>>()
        );
    }
}

fn check_spans(l: &Lint<'_>, len: usize) {
    for e in &l.exchanges {
        for f in &e.findings {
            if let Some((s, t)) = f.span {
                assert!(s <= t && t <= len, "{} span {s}..{t} outside 0..{len}", f.rule.id);
            }
        }
        for h in e.request.iter().chain(&e.response) {
            for field in h.headers() {
                assert!(field.value.span.1 <= len && field.value.span.0 <= field.value.span.1);
            }
            if let Some(body) = &h.body {
                assert!(
                    body.span.0 <= body.span.1 && body.span.1 <= len,
                    "body span {:?} outside 0..{len}",
                    body.span
                );
            }
        }
    }
}

#[derive(Debug, Clone)]
enum Mutation {
    Delete(usize, usize),
    Insert(usize, Vec<u8>),
    Replace(usize, u8),
    Truncate(usize),
    DuplicateLine(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 0usize..40).prop_map(|(a, n)| Mutation::Delete(a, n)),
        (any::<usize>(), proptest::collection::vec(any::<u8>(), 1..8))
            .prop_map(|(a, b)| Mutation::Insert(a, b)),
        (
            any::<usize>(),
            prop_oneof![
                Just(b'\r'),
                Just(b'\n'),
                Just(b':'),
                Just(b' '),
                Just(b','),
                Just(b';'),
                Just(b'"'),
                Just(b'='),
                any::<u8>()
            ]
        )
            .prop_map(|(a, b)| Mutation::Replace(a, b)),
        any::<usize>().prop_map(Mutation::Truncate),
        any::<usize>().prop_map(Mutation::DuplicateLine),
    ]
}

fn apply(text: &[u8], mutations: &[Mutation]) -> Vec<u8> {
    let mut t = text.to_vec();
    for m in mutations {
        let at = |a: usize, t: &Vec<u8>| if t.is_empty() { 0 } else { a % (t.len() + 1) };
        match m {
            Mutation::Delete(a, n) => {
                let s = at(*a, &t);
                let e = (s + n).min(t.len());
                t.drain(s..e);
            }
            Mutation::Insert(a, bytes) => {
                let s = at(*a, &t);
                t.splice(s..s, bytes.iter().copied());
            }
            Mutation::Replace(a, b) => {
                if !t.is_empty() {
                    let i = a % t.len();
                    t[i] = *b;
                }
            }
            Mutation::Truncate(a) => {
                let s = at(*a, &t);
                t.truncate(s);
            }
            Mutation::DuplicateLine(a) => {
                let lines: Vec<&[u8]> = t.split_inclusive(|&b| b == b'\n').collect();
                if !lines.is_empty() {
                    let i = a % lines.len();
                    let mut out = Vec::with_capacity(t.len() * 2);
                    for (j, l) in lines.iter().enumerate() {
                        out.extend_from_slice(l);
                        if j == i {
                            out.extend_from_slice(l);
                        }
                    }
                    t = out;
                }
            }
        }
    }
    t
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes(input in proptest::collection::vec(any::<u8>(), 0..600)) {
        exercise(&input);
    }

    #[test]
    fn arbitrary_text_lines(lines in proptest::collection::vec("[ -~]{0,40}", 0..20)) {
        exercise(lines.join("\r\n").as_bytes());
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1500, ..ProptestConfig::default() })]

    #[test]
    fn mutated_examples(
        which in 0..EXAMPLES.len(),
        mutations in proptest::collection::vec(mutation(), 1..6),
    ) {
        exercise(&apply(EXAMPLES[which].text.as_bytes(), &mutations));
    }
}

#[test]
fn pathological_inputs() {
    let cases: Vec<Vec<u8>> = vec![
        vec![b'['; 1_000_000],
        format!(
            "{{\"log\": {{\"entries\": [{}]}}}}",
            "{\"request\": {\"headers\": [{\"name\": \"Upgrade\", \"value\": \"websocket\"}]}},".repeat(1000)
                + "{}"
        )
        .into_bytes(),
        b"GET / HTTP/1.1\r\n".iter().copied().chain(std::iter::repeat_n(b'a', 200_000)).collect(),
        b"\xff\xfe\x00GET / HTTP/1.1\r\n\r\n".to_vec(),
        b"> \n< \n> GET\n".to_vec(),
        b":status\n:method\n".to_vec(),
        b"Request Headers\nSec-WebSocket-Accept:\n".to_vec(),
        "GET /é HTTP/1.1\r\nHost: é\r\nSec-WebSocket-Key: ééééééééééé==\r\n\r\n".as_bytes().to_vec(),
    ];
    for c in cases {
        exercise(&c);
    }
}
