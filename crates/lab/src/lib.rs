//! `handshake-lab`: a local WebSocket server that shows a browser its own opening
//! handshake, linted by the core, and misbehaves on purpose on request.
//!
//! The lab reads the request head and writes the response head itself, so what it
//! records is exactly what crossed the wire; tungstenite does the framing after 101.
//! The library is the whole command ([`run_cli`]), so the load example can run the
//! server as a child process of itself.

use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

/// One line on stderr, prefixed with the program name.
macro_rules! log {
    ($($arg:tt)*) => {
        eprintln!("handshake-lab: {}", format_args!($($arg)*))
    };
}

mod cli;
mod http;
mod incoming;
mod json;
mod judge;
mod limits;
mod records;
mod response;
mod route;
mod server;
mod session;
mod upgrade;

/// The `handshake-lab` command with `args` (without the program name): serves
/// until SIGINT or SIGTERM.
pub fn run_cli(args: impl IntoIterator<Item = String>) -> ExitCode {
    let config = match cli::parse(args) {
        Ok(cli::Command::Run(config)) => config,
        Ok(cli::Command::Help) => {
            print!("{}", cli::usage());
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("handshake-lab: {message}\n\n{}", cli::usage());
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_io().enable_time().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            log!("cannot start the runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    let code = runtime.block_on(run(config));
    runtime.shutdown_timeout(Duration::from_millis(200));
    code
}

async fn run(config: server::Config) -> ExitCode {
    // Watch for signals before announcing readiness, so an early SIGTERM is caught.
    let stop = shutdown_signal();
    let listener = match tokio::net::TcpListener::bind(config.listen).await {
        Ok(listener) => listener,
        Err(error) => {
            log!("cannot listen on {}: {error}", config.listen);
            return ExitCode::FAILURE;
        }
    };
    let address = match listener.local_addr() {
        Ok(address) => address,
        Err(error) => {
            log!("no local address: {error}");
            return ExitCode::FAILURE;
        }
    };
    // The one stdout line: the test harness waits for it and reads the port.
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "handshake-lab listening on ws://{address}");
    let _ = stdout.flush();
    drop(stdout);

    let lab = Arc::new(server::Lab::new(config));
    tokio::select! {
        () = server::serve(listener, lab) => ExitCode::SUCCESS,
        signal = stop => {
            log!("{signal}: stopping");
            ExitCode::SUCCESS
        }
    }
}

/// Starts watching for SIGINT and SIGTERM now; the future resolves with the name
/// of the first one that arrives.
fn shutdown_signal() -> impl std::future::Future<Output = &'static str> {
    use tokio::signal::unix::{SignalKind, signal};
    let watched = (signal(SignalKind::interrupt()), signal(SignalKind::terminate()));
    async move {
        let (Ok(mut interrupt), Ok(mut terminate)) = watched else {
            log!("cannot watch for signals; stop with SIGKILL");
            return std::future::pending().await;
        };
        tokio::select! {
            _ = interrupt.recv() => "SIGINT",
            _ = terminate.recv() => "SIGTERM",
        }
    }
}
