//! The smallest page that lints on its first load: a textarea and, as plain text,
//! what the issue asks the linter to show: the core's report (verdict, findings with
//! rule, message and RFC section), each rule's explanation and fix, and the
//! corrected exchange. The yardstick for what the app's own views add.

use leptos::prelude::*;

fn report(capture: &str) -> String {
    // A text box keeps only LF: read its lines as ending in CRLF, as the app does.
    let capture = capture.replace('\n', "\r\n");
    let lint = match handshake::lint(capture.as_bytes()) {
        Ok(lint) => lint,
        Err(e) => return e.to_string(),
    };
    let mut out = format!("{lint:#?}");
    for exchange in &lint.exchanges {
        for finding in &exchange.findings {
            let rule = finding.rule;
            out.push_str(&format!("\n{}: {}\n{}\n", rule.id, rule.explanation, rule.fix));
        }
        out.push_str(&handshake::correct::corrected(exchange));
    }
    out
}

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(|| {
        let (capture, set_capture) = signal(String::new());
        view! {
            <label>
                "Captured handshake"
                <textarea on:input=move |ev| set_capture.set(event_target_value(&ev))></textarea>
            </label>
            <pre>{move || report(&capture.read())}</pre>
        }
    })
}
