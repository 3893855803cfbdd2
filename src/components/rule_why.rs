//! What the page says about a rule wherever it shows one: its severity badge
//! and its "Why it matters" (the explanation and the fix).

use handshake::Severity;
use handshake::rules::Rule;
use leptos::prelude::*;

use super::code_text;

/// The badge's classes for a severity.
pub fn severity_class(s: Severity) -> &'static str {
    match s {
        Severity::Error => "badge error",
        Severity::Warning => "badge warning",
        Severity::Info => "badge info",
    }
}

/// A rule's explanation and fix, folded under "Why it matters"; `children`
/// (a link, say) follow the fix.
#[component]
pub fn RuleWhy(rule: &'static Rule, #[prop(optional)] children: Option<Children>) -> impl IntoView {
    view! {
        <details>
            <summary>"Why it matters"</summary>
            <p>{code_text(rule.explanation)}</p>
            <p>
                <strong>"Fix: "</strong>
                {code_text(rule.fix)}
            </p>
            {children.map(|c| c())}
        </details>
    }
}
