//! Provider operations driven natively through a scripted transport: which
//! calls each operation makes (or does not make), what it returns, and the
//! retry policy. The same code runs in the component; host-tests prove it
//! end to end against the emulator.

mod common;

use access_service_token::connection::{Connection, Credentials};
use access_service_token::model::{Computed, Outcome, TokenArgs};
use access_service_token::provider::{self, Client};
use access_service_token::requests::{ApiRequest, Method};
use access_service_token::secret::Secret;
use access_service_token::transport::{RawResponse, Transport, TransportFailure};
use access_service_token::Error;
use common::*;

fn at(s: &str) -> chrono::DateTime<chrono::Utc> {
    common::t(s)
}
use serde_json::{json, Value};
use std::collections::VecDeque;

/// Answers from a script, records what was sent and every wait.
#[derive(Default)]
struct Scripted {
    answers: VecDeque<Result<RawResponse, TransportFailure>>,
    sent: Vec<ApiRequest>,
    slept: Vec<u64>,
    clock: Option<chrono::DateTime<chrono::Utc>>,
}

impl Scripted {
    fn answering(answers: Vec<Result<RawResponse, TransportFailure>>) -> Self {
        Scripted { answers: answers.into(), ..Default::default() }
    }

    fn calls(&self) -> Vec<(Method, String, Option<Value>)> {
        self.sent.iter().map(|r| (r.method, r.path.clone(), r.body.clone())).collect()
    }
}

impl Transport for Scripted {
    fn send(&mut self, _base: &str, request: &ApiRequest) -> Result<RawResponse, TransportFailure> {
        self.sent.push(request.clone());
        self.answers.pop_front().expect("the script has an answer for every call")
    }

    fn sleep_ms(&mut self, ms: u64) {
        self.slept.push(ms);
    }

    fn now(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.clock
    }
}

fn list(tokens: Vec<Value>) -> Result<RawResponse, TransportFailure> {
    let body = json!({"success": true, "errors": [], "messages": [], "result": tokens, "result_info": {"page": 1, "per_page": 1000, "count": 0, "total_count": 0}});
    Ok(RawResponse { status: 200, headers: vec![], body: body.to_string().into_bytes() })
}

fn listed(id: &str, name: &str, created_at: &str) -> Value {
    json!({"id": id, "name": name, "client_id": "0123456789abcdef0123456789abcdef.access", "created_at": created_at, "expires_at": "2027-11-28T12:00:00Z"})
}

fn lost() -> Result<RawResponse, TransportFailure> {
    Err(TransportFailure { message: "POST …: the connection was closed before a response".into(), maybe_sent: true, retryable: true })
}

fn token(extra: Value) -> Result<RawResponse, TransportFailure> {
    let mut result = json!({
        "id": TOKEN_ID, "name": "CI/CD app renewed", "client_id": "88bf3b6d86161464f6509f7219099e57.access",
        "expires_at": "2027-11-28T12:00:00Z", "duration": "8760h", "client_secret_version": 1
    });
    result.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
    let body = json!({"success": true, "errors": [], "messages": [], "result": result});
    Ok(RawResponse { status: 200, headers: vec![], body: body.to_string().into_bytes() })
}

fn failure(status: u16, code: u32, headers: Vec<(&str, &str)>) -> Result<RawResponse, TransportFailure> {
    let body = json!({"success": false, "errors": [{"code": code, "message": "scripted"}], "messages": [], "result": null});
    Ok(RawResponse { status, headers: headers.into_iter().map(|(k, v)| (k.into(), v.into())).collect(), body: body.to_string().into_bytes() })
}

fn conn() -> Connection {
    Connection::new(Credentials::ApiToken(Secret::new("tok")))
}

const NOW: &str = "2026-11-28T12:00:00Z";
const ITEM: &str = "/accounts/f037e56e89293a057740de681ac9abbe/access/service_tokens/f174e90a-fafe-4643-bbbc-4a0ed4fc8415";
const ZONE_ITEM: &str = "/zones/0da42c8d2132a9ddaf714f9e7c920711/access/service_tokens/f174e90a-fafe-4643-bbbc-4a0ed4fc8415";

#[test]
fn preview_create_makes_no_call_and_returns_unknowns() {
    let c = conn();
    let mut t = Scripted::default();
    let out = provider::create(&mut Client::new(&c, &mut t), &seed_args(), true).unwrap();
    match out {
        Outcome::Planned(p) => {
            assert_eq!((p.id, p.client_id, p.expires_at), (Computed::Unknown, Computed::Unknown, Computed::Unknown));
            assert_eq!(p.client_secret, Some(Computed::Unknown));
            assert_eq!(p.args, seed_args());
        }
        other => panic!("{other:?}"),
    }
    assert!(t.sent.is_empty());
}

#[test]
fn create_posts_once_and_keeps_the_secret() {
    let c = conn();
    let mut t = Scripted::answering(vec![token(json!({"client_secret": "cfast_new"}))]);
    let Outcome::Applied(s) = provider::create(&mut Client::new(&c, &mut t), &seed_args(), false).unwrap() else { panic!() };
    assert_eq!(t.calls(), [(Method::Post, "/accounts/f037e56e89293a057740de681ac9abbe/access/service_tokens".into(), Some(json!({"name": "CI/CD app renewed"})))]);
    assert_eq!(s.client_secret.as_ref().map(Secret::expose), Some("cfast_new"));
    assert_eq!(s.expires_at.as_deref(), Some("2027-11-28T12:00:00Z"));
}

#[test]
fn invalid_inputs_make_no_call() {
    let c = conn();
    let mut t = Scripted::default();
    let bad = TokenArgs { zone_id: Some(ZONE.into()), ..seed_args() };
    assert!(matches!(provider::create(&mut Client::new(&c, &mut t), &bad, false), Err(Error::InvalidInput(_))));
    assert!(t.sent.is_empty());
}

#[test]
fn account_renewal_alone_is_one_refresh() {
    let c = conn();
    let olds = state(seed_args(), "2026-12-10T12:00:00Z");
    let mut t = Scripted::answering(vec![token(json!({"expires_at": "2027-11-28T12:00:00Z"}))]);
    let Outcome::Applied(s) = provider::update(&mut Client::new(&c, &mut t), &olds, &seed_args(), at(NOW), false).unwrap() else { panic!() };
    assert_eq!(t.calls(), [(Method::Post, format!("{ITEM}/refresh"), None)]);
    assert_eq!(s.expires_at.as_deref(), Some("2027-11-28T12:00:00Z"));
    assert_eq!(s.client_secret, olds.client_secret, "the secret is carried over");
}

#[test]
fn zone_renewal_is_one_put_with_the_duration() {
    let c = conn();
    let olds = state(zone_args(), "2026-12-10T12:00:00Z");
    let mut t = Scripted::answering(vec![token(json!({}))]);
    provider::update(&mut Client::new(&c, &mut t), &olds, &zone_args(), at(NOW), false).unwrap();
    assert_eq!(t.calls(), [(Method::Put, ZONE_ITEM.into(), Some(json!({"name": "CI/CD app renewed", "duration": "8760h"})))]);
}

#[test]
fn rename_inside_the_window_is_one_put_that_also_renews() {
    let c = conn();
    let olds = state(seed_args(), "2026-12-10T12:00:00Z");
    let news = TokenArgs { name: "renamed".into(), duration: Some("720h".into()), ..seed_args() };
    let mut t = Scripted::answering(vec![token(json!({"name": "renamed"}))]);
    provider::update(&mut Client::new(&c, &mut t), &olds, &news, at(NOW), false).unwrap();
    assert_eq!(t.calls(), [(Method::Put, ITEM.into(), Some(json!({"name": "renamed", "duration": "720h"})))]);
}

#[test]
fn rename_outside_the_window_does_not_touch_the_expiry() {
    let c = conn();
    let olds = state(seed_args(), "2027-11-28T12:00:00Z");
    let news = TokenArgs { name: "renamed".into(), ..seed_args() };
    let mut t = Scripted::answering(vec![token(json!({"name": "renamed"}))]);
    let Outcome::Applied(s) = provider::update(&mut Client::new(&c, &mut t), &olds, &news, at(NOW), false).unwrap() else { panic!() };
    assert_eq!(t.calls(), [(Method::Put, ITEM.into(), Some(json!({"name": "renamed"})))]);
    assert_eq!(s.args.name, "renamed");
}

#[test]
fn state_only_change_makes_no_call() {
    let c = conn();
    let olds = state(seed_args(), "2027-11-28T12:00:00Z");
    let news = TokenArgs { min_days_for_renewal: 7, ..seed_args() };
    let mut t = Scripted::default();
    let Outcome::Applied(s) = provider::update(&mut Client::new(&c, &mut t), &olds, &news, at(NOW), false).unwrap() else { panic!() };
    assert!(t.sent.is_empty());
    assert_eq!(s.args.min_days_for_renewal, 7);
    assert_eq!(s.expires_at, olds.expires_at);
}

#[test]
fn rotation_by_version_is_one_put_and_returns_the_new_secret() {
    let c = conn();
    let old = TokenArgs { client_secret_version: Some(1), ..zone_args() };
    let news = TokenArgs { client_secret_version: Some(2), previous_client_secret_expires_at: Some("2026-12-01T00:00:00Z".into()), ..zone_args() };
    let olds = state(old, "2027-11-28T12:00:00Z");
    // Preview: secret unknown, client id known, no call.
    let mut t = Scripted::default();
    let Outcome::Planned(p) = provider::update(&mut Client::new(&c, &mut t), &olds, &news, at(NOW), true).unwrap() else { panic!() };
    assert_eq!(p.client_secret, Some(Computed::Unknown));
    assert_eq!(p.client_id, Computed::Known(olds.client_id.clone()));
    assert_eq!(p.expires_at, Computed::Known("2027-11-28T12:00:00Z".into()));
    assert!(t.sent.is_empty());
    let mut t = Scripted::answering(vec![token(json!({"client_secret": "cfast_rotated", "client_secret_version": 2}))]);
    let Outcome::Applied(s) = provider::update(&mut Client::new(&c, &mut t), &olds, &news, at(NOW), false).unwrap() else { panic!() };
    assert_eq!(
        t.calls(),
        [(Method::Put, ZONE_ITEM.into(), Some(json!({"name": "CI/CD app renewed", "client_secret_version": 2, "previous_client_secret_expires_at": "2026-12-01T00:00:00Z"})))]
    );
    assert_eq!(s.client_secret.as_ref().map(Secret::expose), Some("cfast_rotated"));
    assert_eq!(s.client_id, olds.client_id);
}

#[test]
fn scope_change_is_refused_by_update() {
    let c = conn();
    let mut t = Scripted::default();
    let err = provider::update(&mut Client::new(&c, &mut t), &state(seed_args(), "2027-11-28T12:00:00Z"), &zone_args(), at(NOW), false).unwrap_err();
    assert!(err.to_string().contains("replaces the token"), "{err}");
    assert!(t.sent.is_empty());
}

#[test]
fn read_of_a_missing_token_is_none_and_delete_of_one_succeeds() {
    let c = conn();
    let s = state(seed_args(), "2027-11-28T12:00:00Z");
    let mut t = Scripted::answering(vec![failure(404, 1001, vec![]), failure(404, 1001, vec![])]);
    assert_eq!(provider::read(&mut Client::new(&c, &mut t), &s).unwrap(), None);
    provider::delete(&mut Client::new(&c, &mut t), &s).unwrap();
    assert_eq!(t.calls(), [(Method::Get, ITEM.into(), None), (Method::Delete, ITEM.into(), None)]);
}

#[test]
fn read_takes_live_name_and_expiry_and_keeps_the_secret() {
    let c = conn();
    let s = state(seed_args(), "2027-01-01T00:00:00Z");
    let mut t = Scripted::answering(vec![token(json!({"name": "renamed in the dashboard", "expires_at": "2027-06-01T00:00:00Z"}))]);
    let live = provider::read(&mut Client::new(&c, &mut t), &s).unwrap().unwrap();
    assert_eq!(live.args.name, "renamed in the dashboard");
    assert_eq!(live.expires_at.as_deref(), Some("2027-06-01T00:00:00Z"));
    assert_eq!(live.client_secret, s.client_secret);
    assert_eq!(t.calls().len(), 1);
}

#[test]
fn import_has_no_secret_and_a_complete_state() {
    let c = conn();
    let mut t = Scripted::answering(vec![token(json!({}))]);
    let s = provider::import(&mut Client::new(&c, &mut t), &format!("zones/{ZONE}/{TOKEN_ID}")).unwrap();
    assert_eq!(t.calls(), [(Method::Get, ZONE_ITEM.into(), None)]);
    assert_eq!(s.client_secret, None);
    assert_eq!(s.args.zone_id.as_deref(), Some(ZONE));
    assert_eq!(s.args.duration.as_deref(), Some("8760h"));
    assert_eq!(s.args.client_secret_version, Some(1));
}

#[test]
fn explicit_rotation_account_posts_rotate_zone_reads_then_puts() {
    let c = conn();
    let s = state(seed_args(), "2027-01-01T00:00:00Z");
    let mut t = Scripted::answering(vec![token(json!({"client_secret": "cfast_r1", "client_secret_version": 2}))]);
    let r = provider::rotate(&mut Client::new(&c, &mut t), &s, Some("2026-12-01T00:00:00Z")).unwrap();
    assert_eq!(t.calls(), [(Method::Post, format!("{ITEM}/rotate"), Some(json!({"previous_client_secret_expires_at": "2026-12-01T00:00:00Z"})))]);
    assert_eq!(r.client_secret.as_ref().map(Secret::expose), Some("cfast_r1"));
    let z = state(zone_args(), "2027-01-01T00:00:00Z");
    let mut t = Scripted::answering(vec![token(json!({"client_secret_version": 4})), token(json!({"client_secret": "cfast_r2", "client_secret_version": 5}))]);
    provider::rotate(&mut Client::new(&c, &mut t), &z, None).unwrap();
    assert_eq!(
        t.calls(),
        [(Method::Get, ZONE_ITEM.into(), None), (Method::Put, ZONE_ITEM.into(), Some(json!({"name": "CI/CD app renewed", "client_secret_version": 5})))]
    );
}

// Retry policy.

#[test]
fn server_errors_are_retried_with_backoff() {
    let c = conn();
    let s = state(seed_args(), "2027-01-01T00:00:00Z");
    let mut t = Scripted::answering(vec![failure(503, 0, vec![]), failure(502, 0, vec![]), token(json!({}))]);
    assert!(provider::read(&mut Client::new(&c, &mut t), &s).unwrap().is_some());
    assert_eq!(t.sent.len(), 3);
    assert_eq!(t.slept, [500, 1000]);
}

#[test]
fn rate_limits_honour_retry_after_within_the_cap() {
    let c = conn();
    let s = state(seed_args(), "2027-01-01T00:00:00Z");
    let mut t = Scripted::answering(vec![failure(429, 971, vec![("retry-after", "7")]), failure(429, 971, vec![("retry-after", "300")]), token(json!({}))]);
    provider::read(&mut Client::new(&c, &mut t), &s).unwrap();
    assert_eq!(t.slept, [7_000, 30_000]);
}

#[test]
fn attempts_are_bounded_and_the_last_error_is_returned() {
    let c = conn();
    let s = state(seed_args(), "2027-01-01T00:00:00Z");
    let mut t = Scripted::answering(vec![failure(429, 971, vec![]), failure(429, 971, vec![]), failure(429, 971, vec![("retry-after", "60")])]);
    let err = provider::read(&mut Client::new(&c, &mut t), &s).unwrap_err();
    assert!(matches!(err, Error::RateLimited { retry_after_seconds: Some(60), .. }), "{err:?}");
    assert_eq!(t.sent.len(), 3);
}

#[test]
fn client_errors_are_not_retried() {
    let c = conn();
    let mut t = Scripted::answering(vec![failure(403, 9109, vec![])]);
    let err = provider::create(&mut Client::new(&c, &mut t), &seed_args(), false).unwrap_err();
    assert!(matches!(err, Error::Unauthorized(_)));
    assert_eq!(t.sent.len(), 1);
}

#[test]
fn failures_that_cannot_change_are_not_retried() {
    let c = conn();
    let s = state(seed_args(), "2027-01-01T00:00:00Z");
    let mut t = Scripted::answering(vec![Err(TransportFailure { message: "refused by policy".into(), maybe_sent: false, retryable: false })]);
    assert!(matches!(provider::read(&mut Client::new(&c, &mut t), &s), Err(Error::Transport(_))));
    assert_eq!(t.sent.len(), 1);
}

#[test]
fn a_create_that_may_have_been_sent_is_never_retried() {
    let c = conn();
    let mut t = Scripted::answering(vec![Err(TransportFailure { message: "POST …: the connection was closed before a response".into(), maybe_sent: true, retryable: true })]);
    let err = provider::create(&mut Client::new(&c, &mut t), &seed_args(), false).unwrap_err();
    assert_eq!(t.sent.len(), 1);
    assert!(err.to_string().contains("may have reached Cloudflare"), "{err}");
    let mut t = Scripted::answering(vec![failure(502, 0, vec![])]);
    assert!(provider::create(&mut Client::new(&c, &mut t), &seed_args(), false).is_err());
    assert_eq!(t.sent.len(), 1, "a 5xx on create is ambiguous too");
    // Not sent at all (connection refused): safe to retry.
    let mut t = Scripted::answering(vec![
        Err(TransportFailure { message: "refused".into(), maybe_sent: false, retryable: true }),
        token(json!({"client_secret": "cfast_x"})),
    ]);
    assert!(provider::create(&mut Client::new(&c, &mut t), &seed_args(), false).is_ok());
    assert_eq!(t.sent.len(), 2);
}

// A lost create is reconciled by listing the scope's tokens by name.

#[test]
fn a_lost_create_adopts_the_token_it_made_without_its_secret() {
    let c = conn();
    let mut t = Scripted::answering(vec![
        lost(),
        list(vec![listed("11111111-1111-4111-8111-111111111111", "CI/CD app renewed", "2026-11-28T12:00:01Z")]),
        list(vec![]),
    ]);
    t.clock = Some(at(NOW));
    let Outcome::Applied(s) = provider::create(&mut Client::new(&c, &mut t), &seed_args(), false).unwrap() else { panic!() };
    assert_eq!(s.id, "11111111-1111-4111-8111-111111111111");
    assert_eq!(s.client_secret, None, "the secret was only in the lost answer");
    let calls: Vec<String> = t.sent.iter().map(|r| format!("{} {} {:?}", r.method.as_str(), r.path, r.query)).collect();
    assert_eq!(calls.len(), 3);
    assert!(calls[0].starts_with("POST "));
    assert!(calls[1].contains("(\"name\", \"CI/CD app renewed\")"), "{}", calls[1]);
}

#[test]
fn a_lost_create_that_made_nothing_says_it_is_safe_to_retry() {
    let c = conn();
    // An older token of the same name does not count: it existed before the attempt.
    let mut t = Scripted::answering(vec![lost(), list(vec![listed("22222222-2222-4222-8222-222222222222", "CI/CD app renewed", "2026-01-01T00:00:00Z")]), list(vec![])]);
    t.clock = Some(at(NOW));
    let err = provider::create(&mut Client::new(&c, &mut t), &seed_args(), false).unwrap_err().to_string();
    assert!(err.contains("nothing was created, so it is safe to run it again"), "{err}");
}

#[test]
fn a_lost_create_with_two_candidates_is_ambiguous() {
    let c = conn();
    let mut t = Scripted::answering(vec![
        failure(502, 0, vec![]),
        list(vec![
            listed("33333333-3333-4333-8333-333333333333", "CI/CD app renewed", "2026-11-28T12:00:01Z"),
            listed("44444444-4444-4444-8444-444444444444", "CI/CD app renewed", "2026-11-28T12:00:02Z"),
        ]),
        list(vec![]),
    ]);
    t.clock = Some(at(NOW));
    let err = provider::create(&mut Client::new(&c, &mut t), &seed_args(), false).unwrap_err().to_string();
    assert!(err.contains("HTTP 502") && err.contains("2 tokens named") && err.contains("import it"), "{err}");
}

#[test]
fn egress_to_a_non_loopback_http_url_is_refused_before_any_call() {
    let c = conn().with_base_url("http://10.1.2.3/client/v4");
    let mut t = Scripted::default();
    let err = provider::create(&mut Client::new(&c, &mut t), &seed_args(), false).unwrap_err().to_string();
    assert!(err.contains("credentials are sent only to https URLs"), "{err}");
    assert!(t.sent.is_empty());
}

#[test]
fn retry_after_as_an_http_date_is_honoured() {
    let c = conn();
    let s = state(seed_args(), "2027-01-01T00:00:00Z");
    let mut t = Scripted::answering(vec![failure(429, 971, vec![("retry-after", "Sat, 28 Nov 2026 12:00:12 GMT")]), token(json!({}))]);
    t.clock = Some(at(NOW));
    provider::read(&mut Client::new(&c, &mut t), &s).unwrap();
    assert_eq!(t.slept, [12_000]);
}
