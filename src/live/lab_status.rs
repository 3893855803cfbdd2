//! Is a lab server there, and does it share its records with this page? Told
//! apart before any connection, from two plain GETs:
//!
//! - `GET /.well-known/handshake-lab` says only that a lab answers, and its
//!   version; the lab lets any origin read it.
//! - `GET /` is readable only from the origins the lab allows (CORS), like the
//!   records: a record holds what the browser sent, cookies for 127.0.0.1
//!   included, so the lab keeps its allow-list, and a page it does not allow is
//!   shown the exact command that adds its origin.
//!
//! The address looked at is the URL field's when it names ws:// on this
//! machine, else 127.0.0.1:9001. The state is kept per address for the page's
//! life; "Check again" asks anew.

use std::cell::OnceCell;
use std::time::Duration;

use leptos::prelude::*;
use leptos::reactive::owner::Owner;
use leptos::task::spawn_local;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::components::CopyButton;
use crate::live::target;

/// Where `handshake-lab` listens by default.
pub const DEFAULT_LISTEN: &str = handshake::lab::ADDRESS;
/// Origins a lab allows without `--allow-origin` (`cargo xtask serve`'s).
const LAB_DEFAULT_ORIGINS: [&str; 2] = ["http://127.0.0.1:8080", "http://localhost:8080"];
/// How long a lab has to answer each GET.
const LOOK_MS: i32 = 1500;
/// A typed address is looked at once typing pauses.
const SETTLE: Duration = Duration::from_millis(400);

/// What the page knows of the lab at one address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LabState {
    Looking,
    /// Nothing at the address says it is a lab.
    Absent,
    /// A lab answers, but does not let this origin read `GET /` and the records.
    NotShared {
        version: Option<String>,
    },
    /// A lab that shares its records with this page.
    Shared {
        version: Option<String>,
    },
}

/// The state from what was read: whether `GET /` was readable and named a lab,
/// and the well-known answer's version (`None`: nothing readable said "lab").
pub fn classify(index_readable: bool, about: Option<Option<String>>) -> LabState {
    match (index_readable, about) {
        (true, about) => LabState::Shared { version: about.flatten() },
        (false, Some(version)) => LabState::NotShared { version },
        (false, None) => LabState::Absent,
    }
}

/// Where to look: the lab's HTTP base and the address `--listen` takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// `http://host:port/`.
    pub base: String,
    /// `host:port` as the reader wrote it.
    pub shown: String,
    /// `127.0.0.1:port`: the lab listens on IP addresses only.
    pub listen: String,
}

impl Place {
    /// The URL field's address when it is plain ws:// to 127.0.0.1 or
    /// localhost (the hosts the page may fetch), else the default.
    pub fn of(url_field: &str) -> Place {
        target::parse(url_field, false)
            .ok()
            .and_then(|t| {
                let base = t.probe_url()?;
                Some(Place {
                    base,
                    shown: format!("{}:{}", t.host, t.port),
                    listen: format!("127.0.0.1:{}", t.port),
                })
            })
            .unwrap_or_else(Place::default_lab)
    }

    pub fn default_lab() -> Place {
        Place {
            base: format!("http://{DEFAULT_LISTEN}/"),
            shown: DEFAULT_LISTEN.to_string(),
            listen: DEFAULT_LISTEN.to_string(),
        }
    }

    pub fn is_default(&self) -> bool {
        self.listen == DEFAULT_LISTEN
    }
}

/// The command that starts a lab at `place` sharing its records with `origin`.
pub fn start_command(place: &Place, origin: &str) -> String {
    let mut command = String::from("handshake-lab");
    if !place.is_default() {
        command.push_str(&format!(" --listen {}", place.listen));
    }
    if !LAB_DEFAULT_ORIGINS.contains(&origin) && origin.starts_with("http") {
        command.push_str(&format!(" --allow-origin {origin}"));
    }
    command
}

/// What the page says of `state` at `place`, seen from `origin`.
pub fn message(state: &LabState, place: &Place, origin: &str, page_is_local: bool) -> String {
    let at = &place.shown;
    let version =
        |v: &Option<String>| v.as_ref().map(|v| format!(" (handshake-lab {v})")).unwrap_or_default();
    match state {
        LabState::Looking => format!("Looking for a lab server at {at}…"),
        LabState::Absent => format!(
            "No lab server answers at {at}{}{}. The lab shows both sides of each handshake; get it as below, then start it with:",
            if place.is_default() { ", so the default is a public echo server" } else { "" },
            if page_is_local { "" } else { " (or the browser did not let this page reach this machine)" },
        ),
        LabState::NotShared { version: v } => format!(
            "A lab server answers at {at}{}, but it does not share its records with this page ({origin}): a connection works, but the page cannot show its handshake. Records hold what the browser sent, cookies included, so the lab shares them only with the origins it is given. Stop it and start it with:",
            version(v)
        ),
        LabState::Shared { version: v } => format!(
            "A lab server answers at {at}{} and shares its records with this page: connections to it show both sides of the handshake.{}",
            version(v),
            if place.is_default() { " Its routes are suggested in the URL field." } else { "" }
        ),
    }
}

/// Per address (`Place::base`), what was found.
type Found = RwSignal<Vec<(String, LabState)>>;

thread_local! {
    static FOUND: OnceCell<Found> = const { OnceCell::new() };
}

/// The states, made once under the app's root owner so they outlive the view.
fn found() -> Found {
    FOUND.with(|cell| {
        *cell.get_or_init(|| {
            let mut root = Owner::current();
            while let Some(parent) = root.as_ref().and_then(Owner::parent) {
                root = Some(parent);
            }
            match root {
                Some(root) => root.with(|| RwSignal::new(Vec::new())),
                None => RwSignal::new(Vec::new()),
            }
        })
    })
}

fn set(base: &str, state: LabState) {
    found().update(|all| match all.iter_mut().find(|(b, _)| b == base) {
        Some(entry) => entry.1 = state,
        None => all.push((base.to_string(), state)),
    });
}

fn state_at(base: &str) -> Option<LabState> {
    found().with(|all| all.iter().find(|(b, _)| b == base).map(|(_, s)| s.clone()))
}

/// The live view's own probe of `base` has begun (it reads `GET /` itself).
pub fn begin(base: &str) {
    set(base, LabState::Looking);
}

/// Ends the live view's probe: `index_readable` is what its `GET /` found; the
/// well-known route tells a lab that does not share from no lab.
pub async fn settle(base: &str, index_readable: bool) {
    let about = about(base).await;
    set(base, classify(index_readable, about));
}

/// Looks at `base` from scratch: the well-known route first (readable from any
/// origin), then `GET /` only when a lab answered there.
async fn look(base: String) {
    set(&base, LabState::Looking);
    let about = about(&base).await;
    let index = about.is_some() && index_is_lab(&base).await;
    set(&base, classify(index, about));
}

/// `Some(version)` when `GET /.well-known/handshake-lab` names a lab.
async fn about(base: &str) -> Option<Option<String>> {
    let value = get_json(&format!("{base}.well-known/handshake-lab")).await?;
    (field(&value, "name").as_deref() == Some("handshake-lab")).then(|| field(&value, "version"))
}

async fn index_is_lab(base: &str) -> bool {
    get_json(base).await.is_some_and(|v| field(&v, "name").as_deref() == Some("handshake-lab"))
}

fn field(value: &JsValue, name: &str) -> Option<String> {
    js_sys::Reflect::get(value, &JsValue::from_str(name)).ok()?.as_string()
}

/// GETs `url` as JSON within `LOOK_MS`; `None` for no answer, a refused CORS
/// read, a status other than 200, or no JSON.
async fn get_json(url: &str) -> Option<JsValue> {
    let window = window();
    let timeout = js_sys::Promise::new(&mut |_, reject| {
        let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&reject, LOOK_MS);
    });
    let race = js_sys::Promise::race(&js_sys::Array::of2(&window.fetch_with_str(url), &timeout));
    let response: web_sys::Response = JsFuture::from(race).await.ok()?.dyn_into().ok()?;
    if response.status() != 200 {
        return None;
    }
    JsFuture::from(response.json().ok()?).await.ok()
}

/// The lab's state at the URL field's address, the command that fixes it, and
/// "Check again". `allowed`: the page may send requests to this machine (it is
/// served from here, or the reader asked). `on_shared` gets the lab's `ws://`
/// origin when the default address turns out to share.
#[component]
pub fn LabStatus(
    #[prop(into)] url: Signal<String>,
    #[prop(into)] allowed: Signal<bool>,
    page_is_local: bool,
    #[prop(into)] on_shared: Callback<String>,
) -> impl IntoView {
    let origin = window().location().origin().unwrap_or_default();
    let place = Memo::new(move |_| Place::of(&url.get()));
    let state = Memo::new(move |_| {
        let base = place.with(|p| p.base.clone());
        found().with(|all| all.iter().find(|(b, _)| *b == base).map(|(_, s)| s.clone()))
    });
    // A new address in the URL field is looked at once typing pauses.
    Effect::new(move |_| {
        let base = place.with(|p| p.base.clone());
        if !allowed.get() || state_at(&base).is_some() {
            return;
        }
        set_timeout(
            move || {
                // The view may be gone by now (the reader moved on): then `place` is too.
                if place.try_with_untracked(|p| p.base == base) == Some(true) && state_at(&base).is_none() {
                    spawn_local(look(base));
                }
            },
            SETTLE,
        );
    });
    // Sharing at the default address: the URL field may default to it.
    Effect::new(move |_| {
        if matches!(state.get(), Some(LabState::Shared { .. })) && place.with(Place::is_default) {
            on_shared.run(place.with_untracked(|p| {
                p.base.replacen("http://", "ws://", 1).trim_end_matches('/').to_string()
            }));
        }
    });
    let command_origin = origin.clone();
    let command = Signal::derive(move || place.with(|p| start_command(p, &command_origin)));
    view! {
        {move || {
            let state = state.get()?;
            let text = place.with(|p| message(&state, p, &origin, page_is_local));
            let show_command = matches!(state, LabState::Absent | LabState::NotShared { .. });
            let can_retry = !matches!(state, LabState::Looking);
            Some(view! {
                <div class="live-hint lab-status" role="status">
                    <p>{text}</p>
                    {show_command.then(|| view! {
                        <div class="command">
                            <pre tabindex="0" aria-label="Command that starts the lab">{command}</pre>
                            <CopyButton what="the command that starts the lab" text=command />
                        </div>
                    })}
                    {can_retry.then(|| view! {
                        <button type="button" on:click=move |_| spawn_local(look(place.get_untracked().base))>
                            "Check again"
                        </button>
                    })}
                </div>
            })
        }}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOSTED: &str = "https://someone.github.io";

    #[test]
    fn three_states_before_any_connection() {
        assert_eq!(classify(false, None), LabState::Absent);
        assert_eq!(
            classify(false, Some(Some("0.1.0".into()))),
            LabState::NotShared { version: Some("0.1.0".into()) }
        );
        assert_eq!(
            classify(true, Some(Some("0.1.0".into()))),
            LabState::Shared { version: Some("0.1.0".into()) }
        );
        // A lab too old for the well-known route still shares.
        assert_eq!(classify(true, None), LabState::Shared { version: None });
    }

    #[test]
    fn the_place_follows_a_loopback_url() {
        assert_eq!(Place::of("wss://echo.websocket.org"), Place::default_lab());
        assert_eq!(Place::of(""), Place::default_lab());
        let typed = Place::of("ws://localhost:4555/echo?id=x");
        assert_eq!(typed.base, "http://localhost:4555/");
        assert_eq!(typed.shown, "localhost:4555");
        assert_eq!(typed.listen, "127.0.0.1:4555");
        assert!(Place::of("ws://127.0.0.1:9001/mirror").is_default());
        // wss:// is not where a lab answers (it serves plain ws only).
        assert_eq!(Place::of("wss://127.0.0.1:4555/"), Place::default_lab());
    }

    #[test]
    fn the_command_adds_this_origin_and_address() {
        let default = Place::default_lab();
        assert_eq!(start_command(&default, HOSTED), format!("handshake-lab --allow-origin {HOSTED}"));
        assert_eq!(start_command(&default, "http://127.0.0.1:8080"), "handshake-lab");
        assert_eq!(
            start_command(&Place::of("ws://127.0.0.1:4555/echo"), "http://127.0.0.1:3000"),
            "handshake-lab --listen 127.0.0.1:4555 --allow-origin http://127.0.0.1:3000"
        );
        // An opaque origin ("null", a file:// page) cannot be allowed.
        assert_eq!(start_command(&default, "null"), "handshake-lab");
    }

    #[test]
    fn messages_name_the_address_and_origin() {
        let place = Place::default_lab();
        let not_shared = LabState::NotShared { version: Some("0.1.0".into()) };
        let text = message(&not_shared, &place, HOSTED, false);
        assert!(
            text.starts_with(
                "A lab server answers at 127.0.0.1:9001 (handshake-lab 0.1.0), but it does not share"
            ),
            "{text}"
        );
        assert!(text.contains(HOSTED));
        assert!(
            message(&LabState::Absent, &place, HOSTED, true)
                .starts_with("No lab server answers at 127.0.0.1:9001")
        );
        assert!(message(&LabState::Absent, &place, HOSTED, false).contains("did not let this page reach"));
        let shared = message(&LabState::Shared { version: None }, &place, HOSTED, true);
        assert!(shared.starts_with("A lab server answers at 127.0.0.1:9001 and shares"), "{shared}");
    }
}
