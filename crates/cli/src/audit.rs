//! `handshake audit URL`: a report card for a server. One request per request
//! rule of the core's catalogue that HTTP/1.1 can express, each breaking that
//! rule alone, plus the valid handshake; one connection at a time, each
//! bounded in time. For each: what RFC 6455 and RFC 9110 require, what the
//! server answered, pass or fail.

use std::io::{self, Write};
use std::time::Duration;

use handshake::report::Severity;
use handshake::rules::{CATALOGUE, Rule};

use crate::net::WsUrl;
use crate::probe::{self, Options};
use crate::{OutputFormat, Style, use_colour};

/// Each case's time limit (connect, request, answer, close); the audit takes
/// at most this times the number of cases.
pub const CASE_TIMEOUT: Duration = Duration::from_secs(5);

/// The request a case sends: a start line, field lines (raw), the line end.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    pub target: String,
    pub version: String,
    pub lines: Vec<String>,
    pub eol: &'static str,
}

impl Request {
    fn browser(opts: &Options) -> Request {
        let fields = probe::browser_fields(opts, &probe::fresh_key());
        Request {
            method: "GET".into(),
            target: opts.url.target.clone(),
            version: "HTTP/1.1".into(),
            lines: fields.into_iter().map(|(n, v)| format!("{n}: {v}")).collect(),
            eol: "\r\n",
        }
    }

    fn position(&self, name: &str) -> Option<usize> {
        self.lines.iter().position(|l| l.split(':').next().is_some_and(|n| n.eq_ignore_ascii_case(name)))
    }

    fn remove(&mut self, name: &str) {
        if let Some(i) = self.position(name) {
            self.lines.remove(i);
        }
    }

    fn set(&mut self, name: &str, value: &str) {
        let line = format!("{name}: {value}");
        match self.position(name) {
            Some(i) => self.lines[i] = line,
            None => self.lines.push(line),
        }
    }

    /// A second copy of `name`, right after the first.
    fn repeat(&mut self, name: &str) {
        if let Some(i) = self.position(name) {
            let copy = self.lines[i].clone();
            self.lines.insert(i + 1, copy);
        }
    }

    pub fn bytes(&self) -> Vec<u8> {
        let eol = self.eol;
        let mut out = format!("{} {} {}{eol}", self.method, self.target, self.version);
        for line in &self.lines {
            out.push_str(line);
            out.push_str(eol);
        }
        out.push_str(eol);
        out.into_bytes()
    }
}

/// What RFC 6455 and RFC 9110 accept as the answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// The valid handshake: a 101 a browser accepts.
    Open,
    /// One of these statuses, never 101.
    Refuse(&'static [u16]),
    /// One of these statuses with `Sec-WebSocket-Version: 13` (RFC 6455 §4.2.2), never 101.
    RefuseVersion(&'static [u16]),
    /// 101, or 400 (a recipient may accept the form or refuse it); not silence.
    OpenOr400,
    /// 101 without permessage-deflate (RFC 7692 §5: the server declines the
    /// offer), or 400.
    Decline,
    /// 431 or 400 past the server's limit, or 101 (RFC 9110 §5.4 sets no limit).
    Limit,
}

impl Expect {
    pub fn describe(self) -> String {
        let statuses = |list: &[u16]| {
            let mut words: Vec<String> = list.iter().map(|s| s.to_string()).collect();
            let last = words.pop().unwrap_or_default();
            if words.is_empty() { last } else { format!("{} or {last}", words.join(", ")) }
        };
        let extras = |list: &[u16]| {
            let mut s = String::new();
            if list.contains(&405) {
                s.push_str("; 405 with Allow: GET (RFC 9110 §15.5.6)");
            }
            if list.contains(&426) {
                s.push_str("; 426 with Upgrade: websocket (RFC 9110 §15.5.22)");
            }
            s
        };
        match self {
            Expect::Open => "101 with the right Sec-WebSocket-Accept, which a browser accepts".into(),
            Expect::Refuse(list) => format!("{}{}; never 101", statuses(list), extras(list)),
            Expect::RefuseVersion(list) => format!(
                "{} with Sec-WebSocket-Version: 13, the version it speaks (RFC 6455 §4.2.2){}; never 101",
                statuses(list),
                extras(list)
            ),
            Expect::OpenOr400 => {
                "101 (the form may be accepted) or 400; an answer, not a closed connection".into()
            }
            Expect::Decline => {
                "101 without permessage-deflate (the offer is declined, RFC 7692 §5), or 400".into()
            }
            Expect::Limit => {
                "431 (RFC 6585 §5) or 400 past its limit, or 101 if it reads heads this large".into()
            }
        }
    }
}

/// One request of the battery.
#[derive(Debug, Clone, Copy)]
pub struct Case {
    pub id: &'static str,
    /// The rule it breaks (`None`: the valid handshake).
    pub rule: Option<&'static str>,
    pub what: &'static str,
    pub change: fn(&mut Request),
    pub expect: Expect,
}

const fn case(
    id: &'static str,
    rule: &'static str,
    what: &'static str,
    change: fn(&mut Request),
    expect: Expect,
) -> Case {
    Case { id, rule: Some(rule), what, change, expect }
}

const BAD_REQUEST: &[u16] = &[400];
const NO_UPGRADE: &[u16] = &[400, 426];

/// The battery, by rule; [`cases`] puts it in the catalogue's order.
pub static CASES: &[Case] = &[
    case(
        "start-line",
        "http.start-line",
        "a fourth word in the request line",
        |r| r.version.push_str(" extra"),
        Expect::Refuse(BAD_REQUEST),
    ),
    case("bare-lf", "http.line-ending", "bare LF line ends", |r| r.eol = "\n", Expect::OpenOr400),
    case(
        "obs-fold",
        "http.obs-fold",
        "a folded field",
        |r| r.lines.push("X-Fold: a\r\n b".into()),
        Expect::OpenOr400,
    ),
    case(
        "no-colon",
        "http.header.syntax",
        "a field line without a colon",
        |r| r.lines.push("No colon here".into()),
        Expect::Refuse(BAD_REQUEST),
    ),
    case(
        "space-before-colon",
        "http.header.syntax",
        "a space before the colon",
        |r| r.lines.push("X-Test : 1".into()),
        Expect::Refuse(BAD_REQUEST),
    ),
    case("too-large", "http.too-large", "a 66 KB head of 260 fields", too_large, Expect::Limit),
    case("post", "req.method", "POST", |r| r.method = "POST".into(), Expect::Refuse(&[400, 405])),
    case(
        "http-1.0",
        "req.http-version",
        "HTTP/1.0",
        |r| r.version = "HTTP/1.0".into(),
        Expect::Refuse(&[400, 426, 505]),
    ),
    case(
        "http-2.0",
        "req.http-version.major",
        "HTTP/2.0 in the request line",
        |r| r.version = "HTTP/2.0".into(),
        Expect::Refuse(&[400, 505]),
    ),
    case(
        "bad-target",
        "req.target",
        "a target that is not a path (chat)",
        |r| r.target = "chat".into(),
        Expect::Refuse(&[400, 404]),
    ),
    case("no-host", "req.host", "no Host", |r| r.remove("Host"), Expect::Refuse(BAD_REQUEST)),
    case("no-upgrade", "req.upgrade", "no Upgrade", |r| r.remove("Upgrade"), Expect::Refuse(NO_UPGRADE)),
    case(
        "upgrade-h2c",
        "req.upgrade",
        "Upgrade: h2c",
        |r| r.set("Upgrade", "h2c"),
        Expect::Refuse(NO_UPGRADE),
    ),
    case(
        "no-connection",
        "req.connection",
        "no Connection",
        |r| r.remove("Connection"),
        Expect::Refuse(NO_UPGRADE),
    ),
    case(
        "connection-keep-alive",
        "req.connection",
        "Connection: keep-alive",
        |r| r.set("Connection", "keep-alive"),
        Expect::Refuse(NO_UPGRADE),
    ),
    case(
        "no-key",
        "req.key.missing",
        "no Sec-WebSocket-Key",
        |r| r.remove("Sec-WebSocket-Key"),
        Expect::Refuse(BAD_REQUEST),
    ),
    case(
        "two-keys",
        "req.key.duplicate",
        "Sec-WebSocket-Key twice",
        |r| r.repeat("Sec-WebSocket-Key"),
        Expect::Refuse(BAD_REQUEST),
    ),
    case(
        "bad-key",
        "req.key.invalid",
        "a key of 15 bytes",
        |r| r.set("Sec-WebSocket-Key", "AAAAAAAAAAAAAAAAAAAA"),
        Expect::Refuse(BAD_REQUEST),
    ),
    case(
        "no-version",
        "req.version.missing",
        "no Sec-WebSocket-Version",
        |r| r.remove("Sec-WebSocket-Version"),
        Expect::Refuse(NO_UPGRADE),
    ),
    case(
        "two-versions",
        "req.version.duplicate",
        "Sec-WebSocket-Version twice",
        |r| r.repeat("Sec-WebSocket-Version"),
        Expect::Refuse(BAD_REQUEST),
    ),
    case(
        "version-8",
        "req.version.unsupported",
        "version 8, an IETF draft",
        |r| r.set("Sec-WebSocket-Version", "8"),
        Expect::RefuseVersion(NO_UPGRADE),
    ),
    case(
        "version-12",
        "req.version.unsupported",
        "version 12",
        |r| r.set("Sec-WebSocket-Version", "12"),
        Expect::RefuseVersion(NO_UPGRADE),
    ),
    case(
        "protocol-syntax",
        "req.protocol.syntax",
        "a subprotocol that is not a token (chat/1)",
        |r| r.set("Sec-WebSocket-Protocol", "chat/1"),
        Expect::Refuse(BAD_REQUEST),
    ),
    case(
        "protocol-twice",
        "req.protocol.duplicate",
        "one subprotocol offered twice",
        |r| r.set("Sec-WebSocket-Protocol", "chat, chat"),
        Expect::Refuse(BAD_REQUEST),
    ),
    case(
        "extensions-syntax",
        "req.extensions.syntax",
        "a malformed extension list",
        |r| r.set("Sec-WebSocket-Extensions", "permessage-deflate; ="),
        Expect::Refuse(BAD_REQUEST),
    ),
    case(
        "pmd-unknown",
        "pmd.param.unknown",
        "permessage-deflate with a parameter RFC 7692 does not define",
        |r| r.set("Sec-WebSocket-Extensions", "permessage-deflate; x_window=1"),
        Expect::Decline,
    ),
    case(
        "pmd-twice",
        "pmd.param.duplicate",
        "a permessage-deflate parameter twice",
        |r| {
            r.set(
                "Sec-WebSocket-Extensions",
                "permessage-deflate; server_no_context_takeover; server_no_context_takeover",
            )
        },
        Expect::Decline,
    ),
    case(
        "pmd-value",
        "pmd.param.value",
        "server_max_window_bits=7 (below 8)",
        |r| r.set("Sec-WebSocket-Extensions", "permessage-deflate; server_max_window_bits=7"),
        Expect::Decline,
    ),
];

/// The valid handshake, sent first.
pub const VALID: Case =
    Case { id: "valid", rule: None, what: "the browser's handshake", change: |_| {}, expect: Expect::Open };

/// Request rules the audit does not send, and why.
pub static NOT_SENT: &[(&str, &str)] = &[
    (
        "http.header.duplicate",
        "RFC 9110 §5.3 leaves a repeated singleton field to the recipient: no answer is wrong",
    ),
    (
        "req.key.noncanonical",
        "RFC 4648 §3.5 lets a decoder accept or refuse the key: 101 and 400 are both right",
    ),
    ("req.origin.missing", "a server may require Origin or not (RFC 6455 §10.2): no answer is wrong"),
    (
        "req.http-version.minor",
        "RFC 9110 §2.5 asks a server to read HTTP/1.2 as HTTP/1.1 (a SHOULD): 101 is the answer it asks for, and a refusal breaks no MUST",
    ),
    ("req.body", "RFC 9110 §9.3.1 gives a GET's content no meaning: no answer is wrong"),
    (
        "req.target.ws-uri",
        "a ws URI as the target breaks the client's side of RFC 6455 §4.1 only; a server may accept it as an absolute-form target (RFC 9112 §3.2.2) or refuse it: no answer is wrong",
    ),
    ("h2.method", H2),
    ("h2.protocol", H2),
    ("h2.pseudo", H2),
    ("h2.connection-specific", H2),
    ("h2.key-present", H2),
    ("h2.scheme", H2),
];

const H2: &str = "HTTP/2 and HTTP/3 extended CONNECT (RFC 8441, RFC 9220): the audit speaks HTTP/1.1";

/// 260 fields of 250 bytes: past the core's 64 KiB and 256-field reading limits.
fn too_large(r: &mut Request) {
    for i in 0..260 {
        r.lines.push(format!("X-Filler-{i:03}: {}", "x".repeat(236)));
    }
}

/// Whether a rule is about the request a client sends.
pub fn concerns_request(rule: &Rule) -> bool {
    let id = rule.id;
    rule.status.is_some()
        || id.starts_with("req.")
        || id.starts_with("http.")
        || id.starts_with("pmd.param.")
        || (id.starts_with("h2.") && id != "h2.status")
}

/// The valid handshake, then the cases in the catalogue's order (the order
/// a server meets the rules).
pub fn cases() -> Vec<Case> {
    let mut out = vec![VALID];
    for rule in CATALOGUE {
        out.extend(CASES.iter().filter(|c| c.rule == Some(rule.id)));
    }
    out
}

/// What a case got.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub case: Case,
    pub status: Option<u16>,
    pub got: String,
    pub pass: bool,
}

fn judge(case: Case, request: &[u8], result: Result<probe::Exchange, String>) -> Outcome {
    let ex = match result {
        Ok(ex) => ex,
        Err(why) => {
            // No answer at all: never what the RFCs ask for.
            let got = if why.contains("without a response") {
                "no response: the connection closed".into()
            } else {
                why
            };
            return Outcome { case, status: None, got, pass: false };
        }
    };
    let r = &ex.response;
    let status = r.status;
    let allow_get = r.list("Allow").split(',').any(|m| m.trim() == "GET");
    let upgrade = r.list("Upgrade").to_ascii_lowercase().contains("websocket");
    let version = r.list("Sec-WebSocket-Version");
    let speaks_13 = version.split(',').any(|v| v.trim() == "13");
    let pmd = r
        .list("Sec-WebSocket-Extensions")
        .split(',')
        .any(|e| e.split(';').next().unwrap_or_default().trim().eq_ignore_ascii_case("permessage-deflate"));
    let mut got = status.to_string();
    let mut notes = Vec::new();
    // What a browser makes of a 101, from the core's lint of the pair.
    let browser_refuses = (status == 101).then(|| {
        let capture = [request, &r.bytes()].concat();
        handshake::lint(&capture).ok().and_then(|lint| {
            let e = lint.exchanges.first()?;
            e.findings
                .iter()
                .find(|f| f.severity == Severity::Error && is_response_rule(f.rule))
                .map(|f| f.rule.id.to_string())
        })
    });
    if let Some(Some(rule)) = &browser_refuses {
        notes.push(format!("a browser refuses it: {rule}"));
    }
    if status == 405 && !allow_get {
        notes.push("without Allow: GET".into());
    }
    if status == 426 && !upgrade {
        notes.push("without Upgrade: websocket".into());
    }
    if matches!(case.expect, Expect::RefuseVersion(_)) && status != 101 {
        notes.push(if version.is_empty() {
            "without Sec-WebSocket-Version".into()
        } else {
            format!("with Sec-WebSocket-Version: {version}")
        });
    }
    if matches!(case.expect, Expect::Decline) && status == 101 {
        notes.push(if pmd {
            "permessage-deflate accepted".into()
        } else {
            "permessage-deflate declined".into()
        });
    }
    if !notes.is_empty() {
        got = format!("{got}, {}", notes.join(", "));
    }
    let refusal_ok =
        |list: &[u16]| list.contains(&status) && (status != 405 || allow_get) && (status != 426 || upgrade);
    let browser_ok = browser_refuses.as_ref().is_some_and(Option::is_none);
    let pass = match case.expect {
        Expect::Open => status == 101 && browser_ok,
        Expect::Refuse(list) => refusal_ok(list),
        Expect::RefuseVersion(list) => refusal_ok(list) && speaks_13,
        Expect::OpenOr400 => status == 400 || (status == 101 && browser_ok),
        Expect::Decline => status == 400 || (status == 101 && !pmd && browser_ok),
        Expect::Limit => matches!(status, 400 | 431) || (status == 101 && browser_ok),
    };
    Outcome { case, status: Some(status), got, pass }
}

/// Rules a browser checks in a response (and in the pair).
fn is_response_rule(rule: &Rule) -> bool {
    !concerns_request(rule)
}

pub fn run(args: &[String]) -> Result<u8, String> {
    let opts = probe::options(args, crate::USAGE, false)?;
    let tls = if opts.url.secure { Some(opts.tls.config()?) } else { None };
    let mut outcomes = Vec::new();
    for case in cases() {
        let mut request = Request::browser(&opts);
        (case.change)(&mut request);
        let bytes = request.bytes();
        let result = probe::exchange(&opts.url, tls.as_ref(), &bytes, opts.timeout);
        // The valid handshake must reach the server; otherwise nothing can be audited.
        if case.rule.is_none()
            && let Err(why) = &result
            && !why.contains("without a response")
            && !why.contains("in the middle of")
        {
            return Err(why.clone());
        }
        outcomes.push(judge(case, &bytes, result));
    }
    let out = match opts.format {
        OutputFormat::Json => json(&opts.url, &outcomes),
        OutputFormat::Text => table(&opts.url, &outcomes, use_colour()),
    };
    let mut stdout = io::stdout().lock();
    let _ = stdout.write_all(out.as_bytes()).and_then(|()| stdout.flush());
    Ok(u8::from(outcomes.iter().any(|o| !o.pass)))
}

fn table(url: &WsUrl, outcomes: &[Outcome], colour: bool) -> String {
    let s = Style { on: colour };
    let mut out =
        format!("audit {}: {} requests, one connection at a time\n\n", url.display(), outcomes.len());
    out.push_str(&format!(
        "{:<4}  {:<22} {:<24} {:<44} {}\n",
        "", "case", "rule", "got", "RFC 6455 / RFC 9110 expect"
    ));
    for o in outcomes {
        let verdict = if o.pass { s.paint("32", "pass") } else { s.paint("1;31", "FAIL") };
        out.push_str(&format!(
            "{verdict}  {:<22} {:<24} {:<44} {}\n",
            o.case.id,
            o.case.rule.unwrap_or("-"),
            o.got,
            o.case.expect.describe()
        ));
    }
    let passed = outcomes.iter().filter(|o| o.pass).count();
    out.push_str("\nnot sent:\n");
    for (rule, why) in NOT_SENT {
        out.push_str(&format!("  {rule:<24} {why}\n"));
    }
    out.push_str(&format!("\nscore: {passed}/{} cases pass\n", outcomes.len()));
    out
}

fn json(url: &WsUrl, outcomes: &[Outcome]) -> String {
    let string = |s: &str| {
        let mut out = String::new();
        handshake::write_json_string(&mut out, s);
        out
    };
    let cases: Vec<String> = outcomes
        .iter()
        .map(|o| {
            format!(
                "{{\"id\": {}, \"rule\": {}, \"what\": {}, \"expected\": {}, \"got\": {}, \"status\": {}, \"pass\": {}}}",
                string(o.case.id),
                o.case.rule.map_or("null".to_string(), string),
                string(o.case.what),
                string(&o.case.expect.describe()),
                string(&o.got),
                o.status.map_or("null".to_string(), |s| s.to_string()),
                o.pass
            )
        })
        .collect();
    let passed = outcomes.iter().filter(|o| o.pass).count();
    format!(
        "{{\"target\": {}, \"cases\": [\n  {}\n], \"passed\": {passed}, \"failed\": {}}}\n",
        string(&url.display()),
        cases.join(",\n  "),
        outcomes.len() - passed
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use handshake::rules;

    fn opts() -> Options {
        Options::new(WsUrl::parse("ws://127.0.0.1:9001/echo").unwrap(), CASE_TIMEOUT)
    }

    fn lint_errors_and_rules(case: &Case) -> (Vec<&'static str>, Vec<&'static str>) {
        let mut r = Request::browser(&opts());
        (case.change)(&mut r);
        let bytes = r.bytes();
        let lint = handshake::lint(&bytes).unwrap();
        let e = &lint.exchanges[0];
        let errors = e.findings.iter().filter(|f| f.severity == Severity::Error).map(|f| f.rule.id).collect();
        (errors, e.findings.iter().map(|f| f.rule.id).collect())
    }

    #[test]
    fn every_request_rule_has_a_case_or_a_reason() {
        for rule in CATALOGUE.iter().filter(|r| concerns_request(r)) {
            let sent = CASES.iter().any(|c| c.rule == Some(rule.id));
            let reason = NOT_SENT.iter().any(|(id, _)| *id == rule.id);
            assert!(sent != reason, "{}: needs exactly one of a case and a reason not to send it", rule.id);
        }
        for (id, _) in NOT_SENT {
            assert!(rules::rule(id).is_some(), "{id} is not in the catalogue");
        }
        assert_eq!(cases().len(), CASES.len() + 1, "every case's rule is in the catalogue");
    }

    #[test]
    fn each_case_breaks_its_rule_alone() {
        let (errors, _) = lint_errors_and_rules(&VALID);
        assert!(errors.is_empty(), "the valid handshake: {errors:?}");
        for case in CASES {
            let rule = case.rule.unwrap();
            let (errors, fired) = lint_errors_and_rules(case);
            assert!(fired.contains(&rule), "{}: {rule} does not fire ({fired:?})", case.id);
            let expected: Vec<&str> = match rules::rule(rule).unwrap().severity {
                Severity::Error if !rule.starts_with("pmd.") => vec![rule],
                _ => vec![],
            };
            assert_eq!(errors, expected, "{}: the request must break {rule} alone", case.id);
        }
    }

    #[test]
    fn ids_are_unique() {
        let mut ids: Vec<&str> = cases().iter().map(|c| c.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), CASES.len() + 1);
    }

    #[test]
    fn expectations_read_as_the_rfcs_say() {
        assert_eq!(
            Expect::RefuseVersion(NO_UPGRADE).describe(),
            "400 or 426 with Sec-WebSocket-Version: 13, the version it speaks (RFC 6455 §4.2.2); 426 with Upgrade: websocket (RFC 9110 §15.5.22); never 101"
        );
        assert_eq!(
            Expect::Refuse(&[400, 405]).describe(),
            "400 or 405; 405 with Allow: GET (RFC 9110 §15.5.6); never 101"
        );
    }
}
