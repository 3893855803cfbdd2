//! How a wasm32 build is run on this machine (see ../shared/toolchain.md).

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::tools::{node_tools_bin, tools_bin};
use crate::{Result, state_dir};

const WASM_LD: &str = "/usr/lib/llvm-22/bin/wasm-ld";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Toolchain {
    /// rustup's stable with its downloaded wasm32 std (the normal path).
    Rustup,
    /// Debian's rustc-web, with std for wasm32 built from rust-web-src (offline).
    Debian,
}

impl Toolchain {
    /// Prepares `cmd` (trunk, or cargo) to build for wasm32 with this toolchain and
    /// to find trunk, wasm-bindgen and wasm-opt.
    pub fn configure(self, cmd: &mut Command) -> Result {
        let mut first = Vec::new();
        if self == Toolchain::Debian {
            // Trunk runs `cargo` from PATH, and that cargo runs `rustc` from PATH: both
            // must be Debian's, so they go first as symlinks.
            first.push(debian_shims()?);
            cmd.env("RUSTC", "/usr/bin/rustc")
                .env("RUSTDOC", "/usr/bin/rustdoc")
                .env("RUSTC_BOOTSTRAP", "1")
                .env("CARGO_UNSTABLE_BUILD_STD", "std,panic_abort")
                .env("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER", WASM_LD)
                .env_remove("RUSTUP_TOOLCHAIN");
        }
        first.push(tools_bin());
        first.push(node_tools_bin());
        cmd.env("PATH", path_with(&first)?);
        Ok(())
    }
}

/// PATH with `first` ahead of the current entries.
pub fn path_with(first: &[PathBuf]) -> Result<OsString> {
    let current = std::env::var_os("PATH").unwrap_or_default();
    let all = first.iter().cloned().chain(std::env::split_paths(&current));
    std::env::join_paths(all).map_err(|e| format!("cannot build PATH: {e}"))
}

fn debian_shims() -> Result<PathBuf> {
    let dir = state_dir().join("debian-shims");
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    for tool in ["cargo", "rustc", "rustdoc"] {
        let link = dir.join(tool);
        if std::fs::read_link(&link).ok().as_deref() != Some(Path::new(&format!("/usr/bin/{tool}"))) {
            let _ = std::fs::remove_file(&link);
            std::os::unix::fs::symlink(format!("/usr/bin/{tool}"), &link)
                .map_err(|e| format!("cannot link {}: {e}", link.display()))?;
        }
    }
    Ok(dir)
}
