//! The Learn view as static HTML, rendered on the host by the same components
//! the page mounts: `cargo xtask dist` writes it into `learn.html`, so the
//! explainer reads, prints and is found by search engines without the module
//! (issue #12). The app replaces it with the live view, markup for markup.

use leptos::prelude::*;

use crate::route;
use crate::state::AppState;

/// Leptos spawns effects through an executor; none of them runs here.
struct NoEffects;

impl any_spawner::CustomExecutor for NoEffects {
    fn spawn(&self, _: any_spawner::PinnedFuture<()>) {}
    fn spawn_local(&self, _: any_spawner::PinnedLocalFuture<()>) {}
    fn poll_local(&self) {}
}

/// The Learn view's HTML as a first visit to `#/learn` renders it.
pub fn learn() -> String {
    let _ = any_spawner::Executor::init_custom_executor(NoEffects);
    Owner::new().with(|| {
        provide_context(AppState::new(&route::parse("#/learn"), None));
        view! { <crate::views::learn::LearnView /> }.to_html()
    })
}
