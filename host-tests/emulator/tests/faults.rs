//! Scripted faults: each kind as a client sees it, their matching rules, and
//! that faulted requests still reach the request log.

mod common;
use cloudflare_emulator::{Fault, FaultKind};
use common::*;
use std::time::{Duration, Instant};

#[test]
fn respond_answers_exactly_what_was_scripted_then_runs_out() {
    let emu = start();
    let api = Api::new(&emu);
    emu.inject_fault(
        Fault::new(
            "/service_tokens",
            FaultKind::Respond {
                status: 503,
                body: "try later".into(),
                content_type: "text/plain".into(),
                headers: vec![("x-scripted".into(), "yes".into())],
            },
        )
        .times(1),
    );
    let r = api.get(&accounts(""));
    assert_eq!(r.status, 503);
    assert_eq!(r.text, "try later");
    assert_eq!(r.header("content-type"), Some("text/plain"));
    assert_eq!(r.header("x-scripted"), Some("yes"));
    assert_eq!(api.get(&accounts("")).status, 200, "times(1) is used up");
}

#[test]
fn html_is_a_cloudflare_style_error_page_not_json() {
    let emu = start();
    let api = Api::new(&emu);
    emu.inject_fault(Fault::new("", FaultKind::Html(502)));
    let r = api.get(&accounts(""));
    assert_eq!(r.status, 502);
    assert!(r.header("content-type").unwrap().starts_with("text/html"));
    assert!(r.text.contains("<html") && r.text.contains("502"));
    assert!(serde_json::from_str::<serde_json::Value>(&r.text).is_err());
    emu.clear_faults();
    assert_eq!(api.get(&accounts("")).status, 200);
}

#[test]
fn rate_limited_is_429_with_retry_after_and_code_971() {
    let emu = start();
    let api = Api::new(&emu);
    emu.inject_fault(
        Fault::new(
            "",
            FaultKind::RateLimited {
                retry_after_secs: 7,
            },
        )
        .times(2),
    );
    let r = api.get(&accounts(""));
    assert_eq!(r.error(), (429, 971));
    assert_eq!(r.header("retry-after"), Some("7"));
    assert_eq!(
        r.json()["errors"][0]["message"],
        "Please wait and consider throttling your request speed"
    );
    assert_eq!(api.get(&accounts("")).status, 429);
    assert_eq!(api.get(&accounts("")).status, 200);
}

#[test]
fn delay_still_answers_normally() {
    let emu = start();
    let api = Api::new(&emu);
    emu.inject_fault(
        Fault::new("", FaultKind::Delay(Duration::from_millis(20)))
            .method("POST")
            .times(1),
    );
    let r = api.post(&accounts(""), serde_json::json!({"name": "slow"}));
    assert_eq!(r.status, 201);
    assert_eq!(emu.tokens().len(), 1);
}

#[test]
fn drop_connection_gives_the_client_a_transport_error() {
    let emu = start();
    let api = Api::new(&emu);
    emu.inject_fault(
        Fault::new("/service_tokens", FaultKind::DropConnection)
            .method("POST")
            .times(1),
    );
    let outcome = api.try_send("POST", &accounts(""), Some(r#"{"name":"lost"}"#));
    assert!(
        outcome.is_err(),
        "expected a transport error, got {outcome:?}"
    );
    assert!(emu.tokens().is_empty(), "a dropped request is not handled");
    let log = emu.requests();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].status, 0);
    assert_eq!(
        api.post(&accounts(""), serde_json::json!({"name": "ok"}))
            .status,
        201
    );
}

#[test]
fn faults_match_on_method_and_path_and_come_before_auth() {
    let emu = start();
    let api = Api::new(&emu);
    emu.inject_fault(Fault::new("/refresh", FaultKind::Html(500)).method("post"));
    emu.inject_fault(Fault::new("/zones/", FaultKind::Html(504)));
    assert_eq!(api.get(&accounts("")).status, 200);
    assert_eq!(
        api.send(
            "POST",
            &accounts("/f174e90a-fafe-4643-bbbc-4a0ed4fc8415/refresh"),
            None
        )
        .status,
        500
    );
    assert_eq!(
        Api::with_headers(&emu, &[]).get(&zones("")).status,
        504,
        "faults apply before authentication"
    );
    let statuses: Vec<u16> = emu.requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses, [200, 500, 504]);
}

#[test]
fn latency_is_added_to_every_request() {
    let emu = start();
    let api = Api::new(&emu);
    emu.set_latency(Duration::from_millis(30));
    let started = Instant::now();
    assert_eq!(api.get(&accounts("")).status, 200);
    assert!(started.elapsed() >= Duration::from_millis(30));
    emu.set_latency(Duration::ZERO);
}
