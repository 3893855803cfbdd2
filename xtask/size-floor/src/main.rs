//! The smallest page that lints on its first load: a textarea and the core's JSON
//! report of it, as text. The yardstick for what the app's views may add.

use leptos::prelude::*;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(|| {
        let (capture, set_capture) = signal(String::new());
        let report = move || match handshake::lint(capture.read().as_bytes()) {
            Ok(lint) => lint.to_json(),
            Err(e) => e.to_string(),
        };
        view! {
            <label>
                "Captured handshake"
                <textarea on:input=move |ev| set_capture.set(event_target_value(&ev))></textarea>
            </label>
            <pre>{report}</pre>
        }
    })
}
