//! The findings, written into the static shell with the app's classes
//! (src/views/lint/results.rs), so the app's list takes their place unchanged.

use handshake::capture::wire_line_ends;
use handshake::report::VerdictWords;
use handshake::report::{Counts, capitalise, in_display_order};
use handshake::{ExchangeReport, InputError, Rule};
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
                if many {
                    dom::append(&results, &el("h3", "exchange-title", &exchange.title("→")));
                }
                dom::append(&results, &verdict(exchange));
                dom::append(&results, &exchange_findings(exchange));
            }
            let counts = Counts::of(lint.exchanges.iter().flat_map(|e| &e.findings));
            el("p", "summary", &format!("{}. Loading the corrected version…", capitalise(&counts.summary())))
        }
    };
    let _ = status.prepend_with_node_1(&summary);
}

/// Would a browser and a server accept it, and what a server should answer:
/// the core's words, as the app's panel says them.
fn verdict(exchange: &ExchangeReport) -> Element {
    let words = exchange.verdict.in_words(exchange.response.is_some(), exchange.extended_connect);
    let panel = el("section", "verdict", "");
    dom::append(&panel, &el("h3", "", "Verdict"));
    let list = el("dl", "", "");
    for a in [words.browser, words.server] {
        dom::append(&list, &el("dt", "", a.question));
        let badge = match a.answer {
            Some(true) => "badge ok",
            Some(false) => "badge error",
            None => "badge muted",
        };
        let answer = el("dd", "", "");
        dom::append(&answer, &el("span", badge, a.word()));
        let _ = answer.append_with_str_1(&format!(" {}", a.sentence));
        dom::append(&list, &answer);
    }
    dom::append(&list, &el("dt", "", VerdictWords::STATUS_QUESTION));
    let status = el("dd", "", "");
    if let Some(code) = &words.status {
        dom::append(&status, &el("strong", "status-code", code));
    }
    let _ = status.append_with_str_1(&words.status_sentence);
    dom::append(&list, &status);
    dom::append(&panel, &list);
    panel
}

/// One exchange's findings, as the app lists them.
fn exchange_findings(exchange: &ExchangeReport) -> Element {
    let panel = el("section", "findings-panel", "");
    dom::append(&panel, &el("h3", "", "Findings"));
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
        dom::append(&item, &why(f.rule));
        dom::append(&list, &item);
    }
    dom::append(&panel, &list);
    panel
}

/// The rule's explanation and fix, folded under "Why it matters" (the app's
/// `RuleWhy`), and its place on the Learn page.
fn why(rule: &Rule) -> Element {
    let details = el("details", "", "");
    dom::append(&details, &el("summary", "", "Why it matters"));
    let explanation = el("p", "", "");
    code_text(&explanation, rule.explanation);
    dom::append(&details, &explanation);
    let fix = el("p", "", "");
    dom::append(&fix, &el("strong", "", "Fix: "));
    code_text(&fix, rule.fix);
    dom::append(&details, &fix);
    let learn = el("a", "", "This rule on the Learn page");
    let _ = learn.set_attribute("href", &format!("#/learn?at=rule-{}", rule.id));
    let more = el("p", "", "");
    dom::append(&more, &learn);
    dom::append(&details, &more);
    details
}

/// `text` into `parent`, its `backticked` parts as `<code>`
/// (`handshake::rule::code_spans`, as src/components/code_text.rs renders them).
fn code_text(parent: &Element, text: &str) {
    for (code, part) in handshake::rule::code_spans(text) {
        if code {
            dom::append(parent, &el("code", "", part));
        } else {
            let _ = parent.append_with_str_1(part);
        }
    }
}
