//! The landing linter: the module index.html loads first. A slow phone should
//! show findings as soon as the core alone allows (issue #12), so this module
//! is the core's lint and a few DOM calls, without Leptos. It lints what is
//! pasted into the static shell's editor and lists the findings in the shell,
//! then loads the app module (the root package), which replaces the shell with
//! the full views: the verdict, each server's answer, the corrected exchange,
//! and the Accept, Learn and Live views.
//!
//! Everything here is written as text (`textContent`), never as HTML.

mod app;
mod dom;
mod findings;

use web_sys::HtmlTextAreaElement;

/// What the address asks for, as far as this module is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Wanted {
    /// The bare linter (`#/lint`, or no fragment): this module lints.
    Lint,
    /// The linter with a shared capture or example, or an address the app will
    /// explain: the app reads it (src/route.rs).
    LintLater,
    /// Another view, by its slug (`#/learn`: `learn`).
    View(&'static str),
}

impl Wanted {
    /// Reads a fragment as src/route.rs does: `#/view?name=value&...`.
    fn of(hash: &str) -> Wanted {
        let hash = hash.strip_prefix('#').unwrap_or(hash);
        let hash = hash.strip_prefix('/').unwrap_or(hash);
        let (path, query) = hash.split_once('?').unwrap_or((hash, ""));
        let shared = query.split('&').any(|p| p.starts_with("c=") || p.starts_with("ex="));
        match path.trim_end_matches('/') {
            "" | "lint" if !shared => Wanted::Lint,
            "accept" => Wanted::View("accept"),
            "learn" => Wanted::View("learn"),
            "live" => Wanted::View("live"),
            _ => Wanted::LintLater,
        }
    }

    fn now() -> Wanted {
        Wanted::of(&dom::window().location().hash().unwrap_or_default())
    }
}

fn main() {
    let wanted = Wanted::now();
    if wanted == Wanted::Lint {
        lint_the_editor();
    }
    dom::show_wanted(wanted);
    // Until the app is there, the navigation's links only switch what the
    // shell shows; the app reads the address when it mounts.
    dom::on(&dom::window(), "hashchange", || {
        if !app::mounted() {
            dom::show_wanted(Wanted::now());
        }
    });
    dom::mark_ready();
    // After the findings have been painted: the app's module is not needed
    // for them, so it must not share the slow link with them.
    dom::after_next_paint(app::load);
}

/// Lints the editor's text now and after every edit, until the app replaces it.
fn lint_the_editor() {
    let Some(editor) = dom::by_id::<HtmlTextAreaElement>("capture") else { return };
    findings::show(editor.value());
    let source = editor.clone();
    dom::on(&editor, "input", move || findings::show(source.value()));
}

#[cfg(test)]
mod tests {
    use super::Wanted;

    #[test]
    fn reads_the_address_as_the_app_does() {
        for lint in ["", "#", "#/", "#/lint", "#/lint/", "#lint", "#/lint?x=1"] {
            assert_eq!(Wanted::of(lint), Wanted::Lint, "{lint}");
        }
        for later in ["#/lint?c=R0VU", "#/lint?x=1&ex=wrong-accept", "#/nowhere", "#/Lint"] {
            assert_eq!(Wanted::of(later), Wanted::LintLater, "{later}");
        }
        assert_eq!(Wanted::of("#/learn?at=rule-req.upgrade"), Wanted::View("learn"));
        assert_eq!(Wanted::of("#/accept?key=abc"), Wanted::View("accept"));
        assert_eq!(Wanted::of("#/live/"), Wanted::View("live"));
    }
}
