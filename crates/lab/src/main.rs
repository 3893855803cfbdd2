//! `handshake-lab [--listen ADDR] [--allow-origin ORIGIN]...`: see the README.

fn main() -> std::process::ExitCode {
    handshake_lab::run_cli(std::env::args().skip(1))
}
