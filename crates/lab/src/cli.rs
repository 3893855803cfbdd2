//! `handshake-lab [--listen ADDR] [--allow-origin ORIGIN]... [limit flags]`

use std::net::SocketAddr;
use std::time::Duration;

use crate::limits::Limits;
use crate::server::Config;

/// The help text, with the defaults the lab really uses (this build's origins too).
pub fn usage() -> String {
    let l = Limits::default();
    format!(
        "\
usage: handshake-lab [--listen ADDR] [--allow-origin ORIGIN]...
       handshake-lab --version | --help

  --listen ADDR            loopback address to listen on (default {DEFAULT_LISTEN};
                           127.0.0.1:0 picks a free port)
  --allow-origin ORIGIN    an origin that may read GET / and GET /last (CORS), in
                           addition to the defaults below; repeat for more
limits (defaults in parentheses):
  --max-connections N      connections at once; the next gets 503 ({})
  --max-head-bytes N       request head size; larger gets 431 ({})
  --max-headers N          header fields per request; more gets 431 ({})
  --max-message-bytes N    message and frame size; larger closes with 1009 ({})
  --idle-timeout-ms N      silence before the lab closes with 1001 ({})
  --head-timeout-ms N      time for the request head to arrive; slower gets 408 ({})

Origins allowed by default: {}
When ready it prints one line on stdout: handshake-lab listening on ws://ADDR
",
        l.max_connections,
        l.max_head_bytes,
        l.max_headers,
        l.max_message_bytes,
        l.idle_timeout.as_millis(),
        l.head_timeout.as_millis(),
        default_origins().join(", "),
    )
}

/// The default listening address.
pub const DEFAULT_LISTEN: &str = handshake::lab::ADDRESS;

/// Origins the web app is served from by default (`cargo xtask serve`).
pub const DEFAULT_ORIGINS: [&str; 2] = ["http://127.0.0.1:8080", "http://localhost:8080"];

/// The hosted site's origin, set at build time by the release workflow
/// (`HANDSHAKE_LAB_PAGES_ORIGIN=https://OWNER.github.io`), so a lab installed from a
/// release shares its records with the hosted page without flags.
const PAGES_ORIGIN: Option<&str> = option_env!("HANDSHAKE_LAB_PAGES_ORIGIN");

/// The origins allowed without `--allow-origin`: the local ones, and the hosted
/// site's when this build knows it.
pub fn default_origins() -> Vec<String> {
    let pages = PAGES_ORIGIN.map(|o| o.trim().trim_end_matches('/')).filter(|o| !o.is_empty());
    DEFAULT_ORIGINS.iter().copied().chain(pages).map(str::to_owned).collect()
}

/// What the command line asks for.
#[derive(Debug)]
pub enum Command {
    Run(Config),
    Help,
    Version,
}

/// Reads the arguments (without the program name).
pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Command, String> {
    let mut listen: SocketAddr = DEFAULT_LISTEN.parse().map_err(|e| format!("default address: {e}"))?;
    let mut origins = default_origins();
    let mut limits = Limits::default();
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => (flag.to_owned(), Some(value.to_owned())),
            _ => (arg.clone(), None),
        };
        if flag == "-h" || flag == "--help" {
            return Ok(Command::Help);
        }
        if flag == "-V" || flag == "--version" {
            return Ok(Command::Version);
        }
        let mut value =
            || inline.clone().or_else(|| args.next()).ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--listen" => {
                let v = value()?;
                listen = v.parse().map_err(|_| format!("--listen {v}: not an IP:PORT address"))?;
                if !listen.ip().is_loopback() {
                    return Err(format!("--listen {v}: the lab listens on loopback addresses only"));
                }
            }
            "--allow-origin" => {
                let v = value()?;
                // Browsers send an origin without a trailing slash.
                let v = v.trim_end_matches('/').to_owned();
                if !origins.contains(&v) {
                    origins.push(v);
                }
            }
            "--max-connections" => limits.max_connections = count(&flag, &value()?)?,
            "--max-head-bytes" => limits.max_head_bytes = count(&flag, &value()?)?,
            "--max-headers" => limits.max_headers = count(&flag, &value()?)?,
            "--max-message-bytes" => limits.max_message_bytes = count(&flag, &value()?)?,
            "--idle-timeout-ms" => limits.idle_timeout = millis(&flag, &value()?)?,
            "--head-timeout-ms" => limits.head_timeout = millis(&flag, &value()?)?,
            _ => return Err(format!("unknown argument {arg}")),
        }
    }
    Ok(Command::Run(Config { listen, allowed_origins: origins, limits }))
}

fn count(flag: &str, value: &str) -> Result<usize, String> {
    match value.parse() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(format!("{flag} {value}: not a positive whole number")),
    }
}

fn millis(flag: &str, value: &str) -> Result<Duration, String> {
    count(flag, value).map(|ms| Duration::from_millis(ms as u64))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(args: &[&str]) -> Result<Config, String> {
        match parse(args.iter().map(|a| (*a).to_owned()))? {
            Command::Run(config) => Ok(config),
            other => Err(format!("{other:?}")),
        }
    }

    #[test]
    fn reads_flags() {
        let config = run(&[
            "--listen",
            "127.0.0.1:0",
            "--allow-origin",
            "http://127.0.0.1:5555/",
            "--allow-origin=http://localhost:5555",
            "--idle-timeout-ms=250",
        ])
        .expect("valid flags");
        assert_eq!(config.listen.port(), 0);
        assert_eq!(config.allowed_origins.len(), default_origins().len() + 2);
        assert!(config.allowed_origins.contains(&"http://127.0.0.1:5555".to_owned()));
        assert_eq!(config.limits.idle_timeout, Duration::from_millis(250));
        assert_eq!(run(&[]).expect("defaults").listen.port(), 9001);
    }

    #[test]
    fn usage_states_the_defaults() {
        let text = usage();
        assert!(text.contains("(default 127.0.0.1:9001;") && text.contains("431 (16384)"), "{text}");
    }

    #[test]
    fn refuses_bad_flags() {
        assert!(run(&["--listen", "0.0.0.0:9001"]).is_err());
        assert!(run(&["--listen"]).is_err());
        assert!(run(&["--max-connections", "0"]).is_err());
        assert!(run(&["--frobnicate"]).is_err());
        assert!(run(&["--help"]).is_err());
        assert!(matches!(parse(["--version".to_owned()]), Ok(Command::Version)));
    }

    #[test]
    fn defaults_include_the_local_app() {
        let origins = default_origins();
        assert_eq!(&origins[..2], DEFAULT_ORIGINS);
        // The hosted origin, when the build names one, without a trailing slash.
        assert_eq!(origins.len(), 2 + usize::from(PAGES_ORIGIN.is_some_and(|o| !o.trim().is_empty())));
        assert!(origins.iter().all(|o| !o.ends_with('/')));
        assert!(usage().contains(&origins.join(", ")));
    }
}
