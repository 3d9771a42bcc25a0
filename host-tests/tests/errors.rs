//! Failures as a host sees them: bad credentials, API errors with
//! Cloudflare's code and message, an HTML 5xx, rate limits, a dropped
//! connection on create, and the egress policy. No error carries a secret.

mod common;

use cloudflare_emulator::{Fault, FaultKind};
use common::*;
use host_tests::harness::wit;

fn render(e: &wit::Error) -> String {
    format!("{e:?}")
}

#[test]
fn a_wrong_api_token_is_unauthorized_and_not_echoed() {
    let mut w = world();
    let conn = connection(&w.emu.base_url(), wit::Credentials::ApiToken("wrong-token-value-123".into()));
    let err = w.session.create(&conn, &seed_args(), false).unwrap().unwrap_err();
    match &err {
        wit::Error::Unauthorized(f) => assert_eq!((f.status, f.code, f.message.as_str()), (403, Some(9109), "Invalid access token")),
        other => panic!("{other:?}"),
    }
    assert!(!render(&err).contains("wrong-token-value-123"));
    assert_eq!(take_calls(&w.emu), [format!("POST /accounts/{ACCOUNT}/access/service_tokens")], "401/403 are not retried");
    assert!(w.emu.tokens().is_empty());
}

#[test]
fn a_wrong_api_key_is_unauthorized_and_a_right_one_works() {
    let mut w = world();
    let bad = connection(
        &w.emu.base_url(),
        wit::Credentials::ApiKey(wit::ApiKeyCredentials { email: cloudflare_emulator::DEFAULT_API_EMAIL.into(), key: "not-the-key-456".into() }),
    );
    let err = w.session.create(&bad, &seed_args(), false).unwrap().unwrap_err();
    assert!(matches!(&err, wit::Error::Unauthorized(f) if f.code == Some(10000)), "{err:?}");
    assert!(!render(&err).contains("not-the-key-456"));
    let good = connection(
        &w.emu.base_url(),
        wit::Credentials::ApiKey(wit::ApiKeyCredentials {
            email: cloudflare_emulator::DEFAULT_API_EMAIL.into(),
            key: cloudflare_emulator::DEFAULT_API_KEY.into(),
        }),
    );
    assert!(w.session.create(&good, &seed_args(), false).unwrap().is_ok());
    let auth: Vec<_> = w.emu.requests().iter().map(|r| r.auth).collect();
    assert_eq!(auth, [cloudflare_emulator::AuthUsed::ApiKey, cloudflare_emulator::AuthUsed::ApiKey]);
}

#[test]
fn a_400_carries_cloudflares_code_and_message() {
    let mut w = world();
    let body = r#"{"success":false,"errors":[{"code":12130,"message":"access.api.error.invalid_request: name is too long"}],"messages":[],"result":null}"#;
    w.emu.inject_fault(
        Fault::new("/access/service_tokens", FaultKind::Respond { status: 400, body: body.into(), content_type: "application/json".into(), headers: vec![] })
            .method("POST")
            .times(1),
    );
    match w.session.create(&w.conn, &seed_args(), false).unwrap() {
        Err(wit::Error::Api(f)) => {
            assert_eq!((f.status, f.code), (400, Some(12130)));
            assert_eq!(f.message, "access.api.error.invalid_request: name is too long");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(w.emu.requests().len(), 1);
}

#[test]
fn an_html_502_on_read_is_retried_then_succeeds() {
    let mut w = world();
    let created = applied(w.session.create(&w.conn, &seed_args(), false).unwrap().unwrap());
    take_calls(&w.emu);
    w.emu.inject_fault(Fault::new(&created.id, FaultKind::Html(502)).method("GET").times(1));
    let live = w.session.read(&w.conn, &created).unwrap().unwrap();
    assert!(live.is_some());
    let statuses: Vec<u16> = w.emu.requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses, [502, 200]);
}

#[test]
fn a_persistent_html_502_is_a_clear_error_after_the_attempts() {
    let mut w = world();
    let created = applied(w.session.create(&w.conn, &seed_args(), false).unwrap().unwrap());
    take_calls(&w.emu);
    w.emu.inject_fault(Fault::new(&created.id, FaultKind::Html(502)));
    match w.session.read(&w.conn, &created).unwrap() {
        Err(wit::Error::Api(f)) => {
            assert_eq!((f.status, f.code), (502, None));
            assert!(f.message.contains("not Cloudflare's JSON envelope (text/html"), "{}", f.message);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(w.emu.requests().len(), 3, "max_attempts = 3");
}

#[test]
fn rate_limiting_reports_retry_after_once_the_attempts_are_spent() {
    let mut w = world();
    w.emu.inject_fault(Fault::new("", FaultKind::RateLimited { retry_after_secs: 42 }));
    let created = w.session.create(&w.conn, &seed_args(), false).unwrap();
    match created {
        Err(wit::Error::RateLimited(r)) => assert_eq!(r.retry_after_seconds, Some(42)),
        other => panic!("{other:?}"),
    }
    // A 429 means the create was refused, not applied: it is safe to retry.
    assert_eq!(w.emu.requests().len(), 3);
    assert!(w.emu.tokens().is_empty());
}

#[test]
fn a_create_whose_answer_is_lost_before_it_was_made_is_not_retried() {
    let mut w = world();
    w.emu.inject_fault(Fault::new("/access/service_tokens", FaultKind::DropConnection).method("POST").times(1));
    let err = w.session.create(&w.conn, &seed_args(), false).unwrap().unwrap_err();
    match &err {
        wit::Error::Transport(m) => assert!(m.contains("answer was lost") && m.contains("nothing was created, so it is safe to run it again"), "{m}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        take_calls(&w.emu),
        [format!("POST /accounts/{ACCOUNT}/access/service_tokens"), format!("GET /accounts/{ACCOUNT}/access/service_tokens")],
        "one POST, never repeated, then a list by name to learn what happened"
    );
    assert!(w.emu.tokens().is_empty());
}

#[test]
fn a_create_whose_answer_is_lost_after_it_was_made_adopts_the_token() {
    let mut w = world();
    w.emu.inject_fault(Fault::new("/access/service_tokens", FaultKind::DropAfterHandling).method("POST").times(1));
    let state = applied(w.session.create(&w.conn, &seed_args(), false).unwrap().unwrap());
    let tokens = w.emu.tokens();
    assert_eq!(tokens.len(), 1, "no duplicate");
    assert_eq!(state.id, tokens[0].id);
    assert_eq!(state.client_secret, None, "the secret was only in the lost answer: rotate to get one");
    let list = w.emu.requests().into_iter().find(|r| r.method == "GET").unwrap();
    assert_eq!(list.query_param("name"), Some("CI/CD app renewed"));
}

#[test]
fn a_create_answered_with_a_5xx_is_reconciled_not_repeated() {
    let mut w = world();
    w.emu.inject_fault(Fault::new("/access/service_tokens", FaultKind::Html(502)).method("POST").times(1));
    let err = w.session.create(&w.conn, &seed_args(), false).unwrap().unwrap_err();
    assert!(matches!(&err, wit::Error::Transport(m) if m.contains("HTTP 502") && m.contains("nothing was created")), "{err:?}");
    assert_eq!(w.emu.requests().iter().filter(|r| r.method == "POST").count(), 1);
}

#[test]
fn egress_to_plain_http_off_loopback_is_refused_before_any_call() {
    let mut w = world();
    for url in ["http://10.0.0.7/client/v4", "http://api.cloudflare.com/client/v4", "ftp://127.0.0.1/client/v4"] {
        let conn = connection(url, wit::Credentials::ApiToken("secret-token-value".into()));
        match w.session.create(&conn, &seed_args(), false).unwrap() {
            Err(wit::Error::InvalidInput(f)) => {
                assert_eq!(f[0].property, "baseUrl");
                assert!(f[0].reason.contains("credentials are sent only to https URLs") && !f[0].reason.contains("secret-token-value"));
            }
            other => panic!("{url}: {other:?}"),
        }
    }
    assert!(w.session.refused_requests().is_empty(), "refused inside the component, before reaching the host");
    assert!(w.emu.requests().is_empty());
}

#[test]
fn requests_to_any_other_origin_are_refused_by_the_host() {
    let w = world();
    let mut session = harness()
        .session(&host_tests::harness::session_config(&w.emu.base_url(), &w.clock))
        .unwrap();
    // Same host, another port: a different origin.
    let elsewhere = format!("http://127.0.0.1:{}/client/v4", w.emu.addr().port().wrapping_add(1).max(1));
    let conn = connection(&elsewhere, wit::Credentials::ApiToken("tok".into()));
    match session.create(&conn, &seed_args(), false).unwrap() {
        Err(wit::Error::Transport(m)) => assert!(m.contains("refused by the host's outgoing-request policy"), "{m}"),
        other => panic!("{other:?}"),
    }
    let port = w.emu.addr().port().wrapping_add(1).max(1);
    assert_eq!(session.refused_requests(), [format!("http://127.0.0.1:{port}")]);
    let conn = connection("https://api.cloudflare.com/client/v4", wit::Credentials::ApiToken("tok".into()));
    assert!(matches!(session.read(&conn, &dummy_state()).unwrap(), Err(wit::Error::Transport(_))));
    assert_eq!(session.refused_requests().len(), 2, "a refusal is final: not retried");
    assert!(session.refused_requests().contains(&"https://api.cloudflare.com:443".to_string()));
    assert!(w.emu.requests().is_empty());
}

fn dummy_state() -> wit::TokenState {
    wit::TokenState {
        id: "f174e90a-fafe-4643-bbbc-4a0ed4fc8415".into(),
        args: seed_args(),
        client_id: "88bf3b6d86161464f6509f7219099e57.access".into(),
        client_secret: None,
        expires_at: None,
        created_at: None, last_seen_at: None,
    }
}

#[test]
fn check_reports_every_failure_at_once_without_a_call() {
    let mut w = world();
    let args = wit::TokenArgs { name: "".into(), zone_id: Some(ZONE.into()), min_days_for_renewal: -3, duration: Some("1y".into()), ..seed_args() };
    match w.session.check(&args).unwrap() {
        Err(wit::Error::InvalidInput(f)) => {
            let props: Vec<&str> = f.iter().map(|f| f.property.as_str()).collect();
            assert_eq!(props, ["name", "accountId", "zoneId", "minDaysForRenewal", "duration"]);
            assert!(f[1].reason.contains("conflicts with zoneId"));
        }
        other => panic!("{other:?}"),
    }
    assert!(w.session.check(&seed_args()).unwrap().is_ok());
    assert!(w.emu.requests().is_empty());
}

#[test]
fn a_success_that_is_not_the_documented_answer_is_an_api_error_not_an_internal_one() {
    let mut w = world();
    let created = applied(w.session.create(&w.conn, &seed_args(), false).unwrap().unwrap());
    let respond = |content_type: &str, body: &str| FaultKind::Respond {
        status: 200,
        body: body.into(),
        content_type: content_type.into(),
        headers: vec![],
    };
    // A read whose answer is unreadable is tried again (3 attempts): every attempt gets it.
    w.emu.inject_fault(Fault::new(&created.id, respond("text/plain", "ok")).method("GET").times(3));
    match w.session.read(&w.conn, &created).unwrap() {
        Err(wit::Error::Api(f)) => {
            assert_eq!((f.status, f.code), (200, None));
            assert!(f.message.starts_with("a body that is not JSON (text/plain, 2 bytes), cf-ray ") && f.message.ends_with("-EMU"), "{}", f.message);
        }
        other => panic!("{other:?}"),
    }
    let wrong = r#"{"success": true, "errors": [], "messages": [], "result": 42}"#;
    w.emu.inject_fault(Fault::new(&created.id, respond("application/json", wrong)).method("GET").times(1));
    match w.session.read(&w.conn, &created).unwrap() {
        Err(wit::Error::Api(f)) => {
            assert_eq!((f.status, f.code), (200, None));
            let expected = "the result does not have the documented shape (invalid type: integer, expected a service token), cf-ray ";
            assert!(f.message.starts_with(expected) && f.message.ends_with("-EMU"), "{}", f.message);
        }
        other => panic!("{other:?}"),
    }
    let statuses: Vec<u16> = w.emu.requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses, [201, 200, 200, 200, 200], "a create, three attempts at the unreadable read, one at the wrong shape (not retried)");
}
