//! `cargo xtask serve`: the app with live reload, and the lab server beside it.

use std::process::Command;

use crate::setup::{self, Needs};
use crate::{Result, proc, test};

pub const APP_ADDR: &str = "127.0.0.1:8080";
pub const LAB_ADDR: &str = handshake::lab::ADDRESS;

pub fn run() -> Result {
    let toolchain = setup::run(Needs::BUILD)?;
    proc::run(proc::cmd("cargo").args(["build", "--quiet", "-p", "handshake-lab"]))?;
    let (_lab, lab_url) = test::start_lab(LAB_ADDR, &[])?;
    println!("serve: lab server at {lab_url}");
    println!("serve: app at http://{APP_ADDR}/ (Ctrl-C stops both)");
    let (address, port) = APP_ADDR.split_once(':').unwrap_or((APP_ADDR, "8080"));
    let mut trunk = Command::new("trunk");
    trunk.current_dir(crate::root()).args(["serve", "--offline", "--address", address, "--port", port]);
    toolchain.configure(&mut trunk)?;
    proc::run(&mut trunk)
}
