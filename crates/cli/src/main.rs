//! `handshake`: compute Sec-WebSocket-Accept and lint captured WebSocket
//! handshakes. A thin shell over the `handshake` core crate.

mod audit;
mod net;
mod probe;

use std::io::{self, IsTerminal, Read, Write};
use std::process::ExitCode;

use handshake::report::{Counts, Severity};
use handshake::{Lint, MAX_INPUT_BYTES, accept, rules};

const USAGE: &str = "\
usage:
  handshake accept KEY                           print Sec-WebSocket-Accept for KEY
  handshake lint [FILE|-] [--format text|json]   lint a captured handshake (stdin by default)
  handshake rules                                list every rule
  handshake probe URL [OPTIONS] [--raw]          send a browser's handshake to URL (ws:// or wss://),
                                                 close after a 101, lint the exchange
  handshake audit URL [OPTIONS]                  send the broken-request battery: a report card
  handshake --help | --version

probe and audit options: --origin ORIGIN, --protocol NAME (repeatable),
-H 'Name: value' (repeatable; an empty value removes the field), --cacert FILE
(PEM, trusted besides the webpki roots), --timeout SECONDS (probe: the whole
exchange, default 10; audit: each request, default 5), --format text|json;
probe only: --key KEY, --raw (print the request and response bytes only).
probe reads a response head of at most 16384 bytes and 128 fields, as the lab
reads a request, and at most 65536 bytes of a refusal's body.

lint reads raw HTTP, curl -v / --trace-ascii output, HAR files, DevTools header
copies and HTTP/2 pseudo-header lines; the format is detected.
exit status: 0 no errors, 1 errors found (audit: a case failed), 2 bad usage,
unreadable input, or (probe, audit) a failed DNS lookup, connection, TLS
handshake or a timeout.
Colour on a terminal unless NO_COLOR is set.";

/// Exit status for bad usage or unreadable input.
const USAGE_ERROR: u8 = 2;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(code) => ExitCode::from(code),
        Err(message) => {
            eprintln!("handshake: {message}");
            ExitCode::from(USAGE_ERROR)
        }
    }
}

fn run(args: &[String]) -> Result<u8, String> {
    let Some(command) = args.first() else {
        return Err(format!("missing command\n{USAGE}"));
    };
    let rest = &args[1..];
    match command.as_str() {
        "-h" | "--help" | "help" => {
            println!("{USAGE}");
            Ok(0)
        }
        "-V" | "--version" => {
            println!("handshake {}", env!("CARGO_PKG_VERSION"));
            Ok(0)
        }
        "accept" => cmd_accept(rest),
        "lint" => cmd_lint(rest),
        "rules" => cmd_rules(rest),
        "probe" => probe::run(rest),
        "audit" => audit::run(rest),
        other => Err(format!("unknown command {other:?}\n{USAGE}")),
    }
}

fn cmd_accept(args: &[String]) -> Result<u8, String> {
    let [key] = args else {
        return Err(format!("accept takes exactly one KEY\n{USAGE}"));
    };
    println!("{}", accept::accept(key));
    // The value is computed whatever the key; say what is wrong with it.
    for problem in accept::judge_key(key) {
        eprintln!("handshake: note: {}", problem.message());
    }
    Ok(0)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OutputFormat {
    Text,
    Json,
}

fn cmd_lint(args: &[String]) -> Result<u8, String> {
    let mut format = OutputFormat::Text;
    let mut path: Option<&str> = None;
    let mut i = 0;
    while i < args.len() {
        let arg = args[i].as_str();
        let value = if arg == "--format" {
            i += 1;
            Some(args.get(i).map(String::as_str).ok_or("--format needs a value: text or json")?)
        } else {
            arg.strip_prefix("--format=")
        };
        match value {
            Some("text") => format = OutputFormat::Text,
            Some("json") => format = OutputFormat::Json,
            Some(other) => return Err(format!("unknown format {other:?}: use text or json")),
            None if arg.starts_with('-') && arg != "-" => {
                return Err(format!("unknown option {arg:?}\n{USAGE}"));
            }
            None if path.is_some() => return Err(format!("lint takes one FILE\n{USAGE}")),
            None => path = Some(arg),
        }
        i += 1;
    }
    let input = read_input(path.unwrap_or("-"))?;
    let lint = handshake::lint(&input).map_err(|e| e.to_string())?;
    let out = match format {
        OutputFormat::Json => lint.to_json() + "\n",
        OutputFormat::Text => text(&lint, use_colour()),
    };
    let mut stdout = io::stdout().lock();
    // A closed pipe (`| head`) is not an error worth a message.
    let _ = stdout.write_all(out.as_bytes()).and_then(|()| stdout.flush());
    Ok(u8::from(lint.has_errors()))
}

/// Read FILE (or stdin for `-`), at most the core's input limit.
fn read_input(path: &str) -> Result<Vec<u8>, String> {
    let limit = MAX_INPUT_BYTES as u64 + 1;
    let mut buf = Vec::new();
    let result = if path == "-" {
        io::stdin().lock().take(limit).read_to_end(&mut buf)
    } else {
        std::fs::File::open(path).and_then(|f| f.take(limit).read_to_end(&mut buf))
    };
    let name = if path == "-" { "standard input" } else { path };
    result.map_err(|e| format!("cannot read {name}: {e}"))?;
    Ok(buf)
}

fn use_colour() -> bool {
    io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

struct Style {
    on: bool,
}

impl Style {
    fn paint(&self, code: &str, s: &str) -> String {
        if self.on { format!("\x1b[{code}m{s}\x1b[0m") } else { s.to_string() }
    }

    fn severity(&self, s: Severity) -> String {
        let label = format!("{:<7}", s.as_str());
        match s {
            Severity::Error => self.paint("1;31", &label),
            Severity::Warning => self.paint("33", &label),
            Severity::Info => self.paint("36", &label),
        }
    }
}

fn yes_no(b: Option<bool>) -> &'static str {
    match b {
        Some(true) => "yes",
        Some(false) => "no",
        None => "unknown",
    }
}

/// The human-readable report.
fn text(lint: &Lint<'_>, colour: bool) -> String {
    let s = Style { on: colour };
    let mut out = String::new();
    let n = lint.exchanges.len();
    out.push_str(&format!(
        "format: {} ({n} exchange{}{})\n",
        lint.format.as_str(),
        if n == 1 { "" } else { "s" },
        if lint.skipped > 0 { format!(", {} other entries skipped", lint.skipped) } else { String::new() }
    ));
    let counts = Counts::of(lint.exchanges.iter().flat_map(|e| &e.findings));
    for (i, e) in lint.exchanges.iter().enumerate() {
        out.push('\n');
        out.push_str(&s.paint("1", &format!("exchange {}: {}", i + 1, e.title("->"))));
        out.push('\n');
        if let Some(a) = &e.expected_accept {
            out.push_str(&format!("  expected accept: {a}\n"));
        }
        if let Some(p) = &e.negotiated_protocol {
            out.push_str(&format!("  subprotocol: {p}\n"));
        }
        if !e.negotiated_extensions.is_empty() {
            out.push_str(&format!("  extensions: {}\n", e.negotiated_extensions.join(", ")));
        }
        let v = &e.verdict;
        if e.response.is_some() {
            out.push_str(&format!("  browser accepts the response: {}\n", yes_no(v.browser_accepts)));
        }
        if e.request.is_some() {
            out.push_str(&format!("  server accepts the request: {}", yes_no(v.server_accepts)));
            if let Some(status) = v.expected_status {
                out.push_str(&format!("; it should answer {status}"));
                if let Some(servers) = v.servers {
                    out.push_str(&format!(
                        " (ws {}, websockets {}, gorilla {})",
                        servers.ws.describe(),
                        servers.websockets.describe(),
                        servers.gorilla.describe()
                    ));
                }
            }
            out.push('\n');
        }
        if e.findings.is_empty() {
            out.push_str(&format!("  {}\n", s.paint("32", "no findings")));
        }
        for f in &e.findings {
            let line = f.line.map_or(String::new(), |l| format!("line {l}: "));
            out.push_str(&format!(
                "  {} {} {line}{} ({})\n",
                s.severity(f.severity),
                s.paint("1", f.rule.id),
                f.message,
                f.rule.rfc
            ));
            out.push_str(&format!("          {} {}\n", s.paint("2", "fix:"), f.rule.fix));
        }
    }
    let Counts { errors, warnings, .. } = counts;
    out.push_str(&format!(
        "\n{errors} error{}, {warnings} warning{}\n",
        if errors == 1 { "" } else { "s" },
        if warnings == 1 { "" } else { "s" }
    ));
    out
}

fn cmd_rules(args: &[String]) -> Result<u8, String> {
    if !args.is_empty() {
        return Err(format!("rules takes no arguments\n{USAGE}"));
    }
    let mut out = String::new();
    for r in rules::CATALOGUE {
        out.push_str(&format!("{:<42} {:<7} {:<18} {}\n", r.id, r.severity.as_str(), r.rfc, r.message));
    }
    let _ = io::stdout().lock().write_all(out.as_bytes());
    Ok(0)
}
