//! The findings, written into the static shell with the app's classes
//! (src/views/lint/results.rs), so the app's list takes their place unchanged.

use handshake::capture::wire_line_ends;
use handshake::report::{Counts, capitalise, in_display_order};
use handshake::{ExchangeReport, InputError};
use web_sys::Element;

use crate::dom::{self, el};

thread_local! {
    /// The shell's "What you will get" panel, shown again when the editor is emptied.
    static PLACEHOLDER: Option<Element> = dom::query(".lint-results .placeholder-panel")
        .and_then(|p| p.clone_node_with_deep(true).ok())
        .and_then(|n| wasm_bindgen::JsCast::dyn_into(n).ok());
}

/// Lints the editor's `text` and shows the findings, or why it cannot be read.
pub fn show(text: String) {
    let (Some(results), Some(status)) = (dom::query(".lint-results"), dom::query(".lint-input .status-line"))
    else {
        return;
    };
    // Keep the placeholder (the first use copies it) before the results are cleared.
    PLACEHOLDER.with(|_| {});
    results.set_text_content(None);
    for note in ["p.muted", "p.error-note:not(.app-failure)", "p.summary"] {
        if let Some(old) = status.query_selector(note).ok().flatten() {
            old.remove();
        }
    }
    let text = wire_line_ends(text);
    let summary = match handshake::lint(text.as_bytes()) {
        Err(InputError::Empty) => {
            if let Some(p) = PLACEHOLDER.with(|p| p.as_ref().and_then(|p| p.clone_node_with_deep(true).ok()))
            {
                let _ = results.append_child(&p);
            }
            return;
        }
        Err(e) => el("p", "error-note", &capitalise(&e.to_string())),
        Ok(lint) => {
            let many = lint.exchanges.len() > 1;
            for exchange in &lint.exchanges {
                dom::append(&results, &exchange_findings(exchange, many));
            }
            let counts = Counts::of(lint.exchanges.iter().flat_map(|e| &e.findings));
            el(
                "p",
                "summary",
                &format!("{}. The verdict and the corrected exchange follow.", capitalise(&counts.summary())),
            )
        }
    };
    let _ = status.prepend_with_node_1(&summary);
}

/// One exchange's findings, as the app lists them.
fn exchange_findings(exchange: &ExchangeReport, many: bool) -> Element {
    let panel = el("section", "findings-panel", "");
    let title = if many { format!("Findings: {}", exchange.title("→")) } else { "Findings".into() };
    dom::append(&panel, &el("h3", "", &title));
    let findings = in_display_order(&exchange.findings);
    if findings.is_empty() {
        dom::append(
            &panel,
            &el("p", "ok-note", "No findings: this exchange follows every rule the linter checks."),
        );
        return panel;
    }
    let list = el("ol", "findings", "");
    for f in &findings {
        let item = el("li", "finding", "");
        let head = el("div", "finding-head", "");
        let severity = f.severity.as_str();
        dom::append(&head, &el("span", &format!("badge {severity}"), severity));
        dom::append(&head, &el("code", "rule-id", f.rule.id));
        dom::append(&head, &el("span", "side", f.side.as_str()));
        let rfc = el("a", "rfc", f.rule.rfc);
        for (name, value) in [("href", f.rule.rfc_url), ("target", "_blank"), ("rel", "noopener noreferrer")]
        {
            let _ = rfc.set_attribute(name, value);
        }
        dom::append(&head, &rfc);
        dom::append(&item, &head);
        let message = el("p", "finding-message", "");
        if let Some(line) = f.line {
            dom::append(&message, &el("span", "line-no", &format!("Line {line}")));
            let _ = message.append_with_str_1(" ");
        }
        let _ = message.append_with_str_1(&f.message);
        dom::append(&item, &message);
        dom::append(&list, &item);
    }
    dom::append(&panel, &list);
    panel
}
