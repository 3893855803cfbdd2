//! The types every rule shares: what a rule is ([`Rule`]), how bad breaking it
//! is ([`Severity`]) and what real servers answer a request that breaks it
//! ([`ServerAnswers`]). A leaf: it depends on nothing else in the crate, so the
//! rules, the report and the outputs all build on it.

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize), serde(rename_all = "lowercase"))]
pub enum Severity {
    /// A MUST is broken and the handshake fails.
    Error,
    /// A SHOULD is broken, or an interop hazard real clients or servers trip on.
    Warning,
    /// A note.
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// What a server does with a request that breaks a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// It refuses with this status.
    Status(u16),
    /// It does not check this and answers 101.
    Accepts,
    /// It closes the connection without a response.
    Closes,
    /// It depends on the details; the rule's explanation says how. A verdict
    /// makes it concrete for its request where the linter can tell.
    Varies,
}

impl Answer {
    /// One word for a table or a terse line: `400`, `accepts`, `closes` or
    /// `depends`.
    pub fn describe(self) -> String {
        match self {
            Answer::Status(code) => code.to_string(),
            Answer::Accepts => "accepts".into(),
            Answer::Closes => "closes".into(),
            Answer::Varies => "depends".into(),
        }
    }
}

/// What three common servers do with a request, measured against these
/// versions by the peer tests (e2e/peers/refusals.test.mjs): node `ws` 8.23
/// on Node.js 20, python `websockets` 17.4, Go `gorilla/websocket` 1.5.0.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct ServerAnswers {
    /// Node's `ws`.
    pub ws: Answer,
    /// Python's `websockets`.
    pub websockets: Answer,
    /// Go's `gorilla/websocket`.
    pub gorilla: Answer,
}

/// One rule of the opening handshake.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// Stable id, e.g. `res.accept.mismatch`.
    pub id: &'static str,
    pub severity: Severity,
    /// The section it comes from, e.g. `RFC 6455 §4.1`.
    pub rfc: &'static str,
    pub rfc_url: &'static str,
    /// What is wrong, in one line.
    pub message: &'static str,
    /// Why it matters, and where real implementations disagree.
    pub explanation: &'static str,
    /// How to fix it.
    pub fix: &'static str,
    /// For a request rule: the status a standards-following server answers.
    pub status: Option<u16>,
    /// For a request rule: what ws, websockets and gorilla answer.
    pub servers: Option<ServerAnswers>,
}

impl Rule {
    /// A rule with no refusal status (response rules, warnings, notes).
    pub(crate) const fn new(
        id: &'static str,
        severity: Severity,
        rfc: &'static str,
        rfc_url: &'static str,
        message: &'static str,
        explanation: &'static str,
        fix: &'static str,
    ) -> Rule {
        Rule { id, severity, rfc, rfc_url, message, explanation, fix, status: None, servers: None }
    }

    /// The same rule for a request a server refuses with `status`.
    pub(crate) const fn refused(mut self, status: u16) -> Rule {
        self.status = Some(status);
        self
    }

    /// What ws, websockets and gorilla do with such a request.
    pub(crate) const fn answers(mut self, ws: Answer, websockets: Answer, gorilla: Answer) -> Rule {
        self.servers = Some(ServerAnswers { ws, websockets, gorilla });
        self
    }
}

/// A rule text's parts, each with whether it is code: the catalogue marks code
/// with `backticks`. Text whose backticks do not pair up is one plain part,
/// backticks and all. The page and the landing linter render rule texts so.
pub fn code_spans(text: &str) -> Vec<(bool, &str)> {
    if !text.matches('`').count().is_multiple_of(2) {
        return vec![(false, text)];
    }
    text.split('`').enumerate().map(|(i, part)| (i % 2 == 1, part)).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn code_is_what_backticks_pair_around() {
        assert_eq!(super::code_spans("Send `GET` now"), [(false, "Send "), (true, "GET"), (false, " now")]);
        assert_eq!(super::code_spans("a ` b"), [(false, "a ` b")]);
        assert_eq!(super::code_spans("plain"), [(false, "plain")]);
    }
}
