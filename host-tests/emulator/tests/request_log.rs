//! The request log and reproducible ids.

mod common;
use cloudflare_emulator::{
    AuthUsed, Clock, Emulator, EmulatorConfig, DEFAULT_API_EMAIL, DEFAULT_API_KEY,
    DEFAULT_API_TOKEN,
};
use common::*;
use serde_json::{json, Value};

#[test]
fn every_request_is_recorded_in_arrival_order() {
    let emu = start();
    let api = Api::new(&emu);
    let created = api
        .post(&accounts(""), json!({"name": "logged", "duration": "1h"}))
        .result();
    api.get(&accounts("?name=a%20b&page=2&per_page=10"));
    Api::with_headers(&emu, &[]).get(&accounts(""));
    Api::with_headers(
        &emu,
        &[
            ("x-auth-email", DEFAULT_API_EMAIL),
            ("x-auth-key", DEFAULT_API_KEY),
        ],
    )
    .delete(&accounts(&format!("/{}", created["id"].as_str().unwrap())));
    api.send(
        "PUT",
        &accounts("/f174e90a-fafe-4643-bbbc-4a0ed4fc8415"),
        Some("not json"),
    );

    let log = emu.requests();
    assert_eq!(log.len(), 5);
    assert_eq!(log[0].method, "POST");
    assert_eq!(
        log[0].path,
        format!("/client/v4/accounts/{ACCOUNT}/access/service_tokens")
    );
    assert_eq!(
        log[0].body,
        Some(json!({"name": "logged", "duration": "1h"}))
    );
    assert_eq!(log[0].auth, AuthUsed::Bearer);
    assert_eq!(log[0].content_type.as_deref(), Some("application/json"));
    assert!(log[0]
        .user_agent
        .as_deref()
        .is_some_and(|ua| ua.starts_with("ureq")));
    assert_eq!(log[0].status, 201);

    assert_eq!(
        log[1].query,
        vec![
            ("name".into(), "a b".into()),
            ("page".into(), "2".into()),
            ("per_page".into(), "10".into())
        ]
    );
    assert_eq!(log[1].query_param("per_page"), Some("10"));
    assert_eq!(log[1].body, None);
    assert_eq!(log[1].status, 200);

    assert_eq!((log[2].auth, log[2].status), (AuthUsed::None, 400));
    assert_eq!(
        (log[3].method.as_str(), log[3].auth, log[3].status),
        ("DELETE", AuthUsed::ApiKey, 200)
    );
    assert_eq!(log[4].body, Some(Value::String("not json".into())));
    assert_eq!(log[4].status, 400);

    let shown = format!("{log:?}");
    assert!(
        !shown.contains(DEFAULT_API_TOKEN) && !shown.contains(DEFAULT_API_KEY),
        "credentials leaked: {shown}"
    );
    emu.clear_requests();
    assert!(emu.requests().is_empty());
}

fn run_script(seed: Option<u64>) -> Vec<Value> {
    let emu = Emulator::start(EmulatorConfig {
        seed,
        clock: Clock::fixed(t0()),
        ..Default::default()
    })
    .unwrap();
    let api = Api::new(&emu);
    let a = api.create("a");
    let b = api.post(&zones(""), json!({"name": "b"})).result();
    let rotated = api
        .send(
            "POST",
            &accounts(&format!("/{}/rotate", a["id"].as_str().unwrap())),
            None,
        )
        .result();
    vec![a, b, rotated]
}

#[test]
fn a_seed_reproduces_ids_client_ids_and_secrets() {
    assert_eq!(run_script(Some(99)), run_script(Some(99)));
    assert_ne!(
        run_script(Some(99))[0]["id"],
        run_script(Some(100))[0]["id"]
    );
    assert_ne!(
        run_script(None)[0]["client_secret"],
        run_script(None)[0]["client_secret"]
    );
}

#[test]
fn config_debug_shows_no_credentials() {
    let shown = format!("{:?}", EmulatorConfig::default());
    assert!(
        !shown.contains(DEFAULT_API_TOKEN)
            && !shown.contains(DEFAULT_API_KEY)
            && !shown.contains(DEFAULT_API_EMAIL),
        "{shown}"
    );
}
