//! A page on any origin can tell that a lab is there (and which version), while
//! the records stay with the allowed origins; `--version` names the build.

mod common;

use std::process::Command;

use common::{Lab, field};

const ELSEWHERE: &str = "http://127.0.0.1:47001";

#[tokio::test]
async fn any_origin_can_tell_a_lab_is_there_but_not_read_its_records() {
    let lab = Lab::start();
    // A handshake, so there is a record to withhold.
    let (ws, _) = lab.connect("/echo?id=secret1").await.expect("open");
    drop(ws);

    let (status, head, body) = lab.get("/.well-known/handshake-lab", Some(ELSEWHERE)).await;
    assert_eq!(status, 200, "{head}");
    assert_eq!(field(&head, "Access-Control-Allow-Origin"), Some("*"), "{head}");
    assert_eq!(field(&head, "Cache-Control"), Some("no-store"), "{head}");
    assert_eq!(field(&head, "Content-Type"), Some("application/json"));
    let about: serde_json::Value = serde_json::from_str(&body).expect("JSON");
    assert_eq!(
        about,
        serde_json::json!({"name": "handshake-lab", "version": env!("CARGO_PKG_VERSION")}),
        "only that it is a lab, and its version"
    );

    // The routes and the records are still for the allowed origins only.
    for path in ["/", "/last?id=secret1"] {
        let (status, head, _) = lab.get(path, Some(ELSEWHERE)).await;
        assert_eq!(status, 200, "{path}: {head}");
        assert_eq!(field(&head, "Access-Control-Allow-Origin"), None, "{path}: {head}");
    }
    // No other well-known path is served.
    let (status, head, _) = lab.get("/.well-known/other", Some(ELSEWHERE)).await;
    assert_eq!(status, 404, "{head}");
}

#[tokio::test]
async fn the_allow_origin_flag_shares_records_with_that_origin() {
    let lab = Lab::start_with(&["--allow-origin", ELSEWHERE]);
    let (_, head, _) = lab.get("/", Some(ELSEWHERE)).await;
    assert_eq!(field(&head, "Access-Control-Allow-Origin"), Some(ELSEWHERE), "{head}");
}

#[test]
fn version_and_defaults_are_printed() {
    let bin = env!("CARGO_BIN_EXE_handshake-lab");
    let out = Command::new(bin).arg("--version").output().expect("runs");
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!("handshake-lab {}\n", env!("CARGO_PKG_VERSION"))
    );
    let out = Command::new(bin).arg("--help").output().expect("runs");
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(
        help.contains("Origins allowed by default: http://127.0.0.1:8080, http://localhost:8080"),
        "{help}"
    );
    if let Some(pages) = option_env!("HANDSHAKE_LAB_PAGES_ORIGIN") {
        assert!(help.contains(pages.trim_end_matches('/')), "{help}");
    }
}
