//! Fuzz lint() and everything a caller does with its result: nothing may
//! panic, spans stay inside the input, and the corrected version lints clean.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(lint) = handshake::lint(data) else {
        return;
    };
    let _ = lint.to_json();
    for e in &lint.exchanges {
        for body in e.request.iter().chain(&e.response).filter_map(|h| h.body.as_ref()) {
            assert!(body.span.0 <= body.span.1 && body.span.1 <= data.len(), "body span {:?} outside the input", body.span);
        }
        for f in &e.findings {
            if let Some((s, t)) = f.span {
                assert!(s <= t && t <= data.len(), "{} span {s}..{t} outside the input", f.rule.id);
            }
        }
        let fixed = handshake::correct::corrected(e);
        let again = handshake::lint(fixed.as_bytes()).expect("corrected version is recognisable");
        assert!(!again.has_errors(), "corrected version has errors:\n{fixed}");
    }
});
