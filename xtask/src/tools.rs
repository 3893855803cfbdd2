//! Where the tools setup installs live (setup puts them there; the wasm build
//! and the tests run them from there).

use std::path::PathBuf;

use crate::{root, state_dir};

/// The tools `cargo install` puts here, ahead of anything else on PATH.
pub fn tools_bin() -> PathBuf {
    state_dir().join("tools").join("bin")
}

/// wasm-opt from the npm package, in the project's ignored tool folder.
pub fn node_tools_bin() -> PathBuf {
    root().join(".tools").join("node_modules").join(".bin")
}

pub fn venv_python() -> PathBuf {
    root().join(".tools").join("venv").join("bin").join("python")
}
