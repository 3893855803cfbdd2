//! After a failed connection to a server that is not the lab: the
//! `handshake probe` command that repeats the browser's opening handshake
//! (its URL, Origin and subprotocols) outside the browser, where the server's
//! answer is not hidden behind 1006.

use leptos::prelude::*;

use crate::components::CopyButton;

/// What the timeline says above the command.
pub const SUMMARY: &str = "The browser hides the server's answer. This command repeats its handshake (same URL, Origin and subprotocols) and shows what the server sent; with --raw its output can be pasted into the linter.";

/// `handshake probe URL --origin ORIGIN --protocol P...`, quoted for a POSIX shell.
pub fn command(url: &str, origin: &str, protocols: &[String]) -> String {
    let mut out = format!("handshake probe {}", quote(url));
    if !origin.is_empty() {
        out.push_str(&format!(" --origin {}", quote(origin)));
    }
    for p in protocols {
        out.push_str(&format!(" --protocol {}", quote(p)));
    }
    out
}

/// A word as the shell reads it: bare when it is plain, otherwise in single
/// quotes (a quote inside becomes `'\''`).
fn quote(word: &str) -> String {
    let plain =
        !word.is_empty() && word.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_./:@%+,=".contains(&b));
    if plain { word.to_string() } else { format!("'{}'", word.replace('\'', "'\\''")) }
}

/// The command in the event log, with its copy button.
#[component]
pub fn ProbeCommand(command: String) -> impl IntoView {
    let text = Signal::stored(command.clone());
    view! {
        <div class="ev-content ev-command">
            <pre aria-label="handshake probe command">{command}</pre>
            <CopyButton what="the handshake probe command" text=text />
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeats_url_origin_and_subprotocols() {
        assert_eq!(
            command("ws://127.0.0.1:9/", "http://127.0.0.1:8080", &[]),
            "handshake probe ws://127.0.0.1:9/ --origin http://127.0.0.1:8080"
        );
        assert_eq!(
            command(
                "wss://example.com/chat?room=1&x=2",
                "https://app.example",
                &["chat".into(), "v2.json".into()]
            ),
            "handshake probe 'wss://example.com/chat?room=1&x=2' --origin https://app.example --protocol chat --protocol v2.json"
        );
        // A file:// page sends `Origin: null`, and so does the probe.
        assert_eq!(command("ws://h/", "null", &[]), "handshake probe ws://h/ --origin null");
    }

    #[test]
    fn quotes_what_the_shell_would_read() {
        assert_eq!(quote("it's"), "'it'\\''s'");
        assert_eq!(quote("a b"), "'a b'");
        assert_eq!(quote("$(rm)"), "'$(rm)'");
        assert_eq!(quote(""), "''");
    }
}
