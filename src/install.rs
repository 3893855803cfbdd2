//! How a reader of the hosted page gets the lab server and the `handshake`
//! command without cloning the repository: `cargo install` from the repository,
//! or a binary from a release (built by .github/workflows/release.yml).

use leptos::prelude::*;

use crate::components::CopyButton;

/// The repository: the one the Pages workflow builds from (`HANDSHAKE_LAB_REPOSITORY`,
/// which .github/workflows/pages.yml sets from GitHub's context), else the
/// workspace's `repository` (Cargo.toml).
pub const REPOSITORY: &str = match option_env!("HANDSHAKE_LAB_REPOSITORY") {
    Some(repository) => repository,
    None => env!("CARGO_PKG_REPOSITORY"),
};

/// `cargo install` of one of the project's packages straight from the repository.
pub fn cargo_install(package: &str) -> String {
    format!("cargo install --locked --git {REPOSITORY} {package}")
}

/// Where the release binaries (and their SHA-256 checksums) are.
pub fn releases_url() -> String {
    format!("{REPOSITORY}/releases/latest")
}

/// The two ways to get both commands, with copy buttons.
#[component]
pub fn GetTools() -> impl IntoView {
    let lab = Signal::derive(|| cargo_install("handshake-lab"));
    let cli = Signal::derive(|| cargo_install("handshake-cli"));
    view! {
        <div class="get-tools">
            <p>
                "Get the lab server (" <code>"handshake-lab"</code> ") and the command line tool ("
                <code>"handshake"</code> ") with Rust's cargo:"
            </p>
            <div class="command">
                <code class="command-line">{lab}</code>
                <CopyButton what="the command that installs the lab server" text=lab />
            </div>
            <div class="command">
                <code class="command-line">{cli}</code>
                <CopyButton what="the command that installs the handshake command" text=cli />
            </div>
            <p>
                "Or download both for Linux, macOS or Windows, with SHA-256 checksums, from "
                <a href=releases_url() target="_blank" rel="noopener noreferrer">"the latest release"</a>
                ". Then run " <code>"handshake-lab"</code> " (it listens on " <code>{format!("ws://{}", handshake::lab::ADDRESS)}</code>
                ") and " <code>"handshake --help"</code> "."
            </p>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_name_the_packages_and_the_repository() {
        assert!(REPOSITORY.starts_with("https://github.com/"), "{REPOSITORY}");
        assert_eq!(
            cargo_install("handshake-lab"),
            format!("cargo install --locked --git {REPOSITORY} handshake-lab")
        );
        assert!(releases_url().ends_with("/releases/latest"));
    }
}
