//! Provider operations driven natively through a scripted transport: which
//! calls each operation makes (or does not make), what it returns, and the
//! retry policy. The same code runs in the component; host-tests prove it
//! end to end against the emulator.

mod common;

use access_service_token::connection::{Connection, Credentials};
use access_service_token::model::{Computed, Outcome, TokenArgs, TokenState};
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
    /// Jitter randomness; `None`: the trait's default (no jitter).
    random: Option<u64>,
    /// `send_all` answers its requests last first, as a network may.
    reversed: bool,
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

    fn send_all(&mut self, base: &str, requests: &[ApiRequest], on_answer: &mut dyn FnMut(usize, Result<RawResponse, TransportFailure>)) {
        let mut order: Vec<usize> = (0..requests.len()).collect();
        if self.reversed {
            order.reverse();
        }
        for i in order {
            let answer = self.send(base, &requests[i]);
            on_answer(i, answer);
        }
    }

    fn sleep_ms(&mut self, ms: u64) {
        self.slept.push(ms);
    }

    fn random_u64(&mut self) -> u64 {
        self.random.unwrap_or(u64::MAX)
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
    assert_eq!(calls.len(), 2, "one create, one list: a short page is the last");
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

// Paging: a list stops on the page that says it is the last.

fn page(tokens: Vec<Value>, info: Option<Value>) -> Result<RawResponse, TransportFailure> {
    let mut body = json!({"success": true, "errors": [], "messages": [], "result": tokens});
    if let Some(info) = info {
        body["result_info"] = info;
    }
    Ok(RawResponse { status: 200, headers: vec![], body: body.to_string().into_bytes() })
}

fn uuid(n: u32) -> String {
    format!("{n:08x}-0000-4000-8000-000000000000")
}

#[test]
fn an_api_that_answers_every_page_with_the_same_token_is_refused_not_counted() {
    let c = conn();
    let same = || page(vec![listed(&uuid(1), "CI/CD app renewed", "2026-11-28T12:00:01Z")], Some(json!({"page": 1, "per_page": 1})));
    let mut t = Scripted::answering(vec![lost(), same(), same(), same()]);
    t.clock = Some(at(NOW));
    let err = provider::create(&mut Client::new(&c, &mut t), &seed_args(), false).unwrap_err();
    // The create's outcome stays unknown: a transport error, which keeps its pending record.
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    let text = err.to_string();
    assert!(text.contains("page 2") && text.contains("service_tokens?name=CI/CD app renewed") && !text.contains("import it"), "{text}");
    assert_eq!(t.sent.len(), 3, "the create, page 1, and page 2 that repeated it");
}

#[test]
fn list_all_reads_exactly_the_pages_the_totals_announce() {
    let c = conn();
    let scope = seed_args().scope().unwrap();
    let tok = |n| listed(&uuid(n), "t", "2026-01-01T00:00:00Z");
    let info = json!({"per_page": 2, "total_count": 4});
    let mut t = Scripted::answering(vec![page(vec![tok(1), tok(2)], Some(info.clone())), page(vec![tok(3), tok(4)], Some(info))]);
    let all = provider::list_all(&mut Client::new(&c, &mut t), &scope).unwrap();
    assert_eq!(all.len(), 4);
    assert_eq!(t.sent.len(), 2, "no empty page is asked for");
    let pages: Vec<Option<&str>> = t.sent.iter().map(|r| r.query.iter().find(|(k, _)| k == "page").map(|(_, v)| v.as_str())).collect();
    assert_eq!(pages, [Some("1"), Some("2")]);
    // Without result_info: full pages go on, the short one ends it, and a
    // token shown on two pages (the list shifted) is taken once.
    let mut t = Scripted::answering(vec![
        page((1..=1000).map(tok).collect(), None),
        page((1000..=1500).map(tok).collect(), None),
    ]);
    let all = provider::list_all(&mut Client::new(&c, &mut t), &scope).unwrap();
    assert_eq!((all.len(), t.sent.len()), (1500, 2));
}

// Concurrent creates: each outcome handed over with its index as it is known.

fn created(id: &str, name: &str, secret: &str) -> Result<RawResponse, TransportFailure> {
    token(json!({"id": id, "name": name, "client_secret": secret}))
}

fn named(name: &str) -> TokenArgs {
    TokenArgs { name: name.into(), ..seed_args() }
}

/// Runs `create_many`, returning the outcomes by index and the order they came in.
fn create_many(t: &mut Scripted, news: &[TokenArgs]) -> (Vec<Result<Outcome, Error>>, Vec<usize>) {
    let c = conn();
    create_many_on(&c, t, news)
}

fn create_many_on(c: &Connection, t: &mut Scripted, news: &[TokenArgs]) -> (Vec<Result<Outcome, Error>>, Vec<usize>) {
    let mut got: Vec<Option<Result<Outcome, Error>>> = news.iter().map(|_| None).collect();
    let mut order = Vec::new();
    provider::create_many(&mut Client::new(c, t), news, &mut |i, outcome| {
        assert!(got[i].is_none(), "outcome {i} delivered twice");
        got[i] = Some(outcome);
        order.push(i);
    });
    (got.into_iter().map(|o| o.expect("every create has an outcome")).collect(), order)
}

fn secret_of(outcome: &Result<Outcome, Error>) -> Option<String> {
    match outcome {
        Ok(Outcome::Applied(s)) => s.client_secret.as_ref().map(|s| s.expose().to_string()),
        other => panic!("{other:?}"),
    }
}

fn posts(t: &Scripted) -> Vec<String> {
    t.sent.iter().filter(|r| r.method == Method::Post).map(|r| r.body.as_ref().map(|b| b["name"].to_string()).unwrap_or_default()).collect()
}

#[test]
fn concurrent_creates_are_handed_over_as_they_arrive_with_their_index() {
    let mut t = Scripted::answering(vec![created(&uuid(2), "b", "cfast_b"), created(&uuid(1), "a", "cfast_a")]);
    t.reversed = true;
    let (outcomes, order) = create_many(&mut t, &[named("a"), named("b")]);
    assert_eq!(order, [1, 0], "in the order the answers came");
    assert_eq!((secret_of(&outcomes[0]).as_deref(), secret_of(&outcomes[1]).as_deref()), (Some("cfast_a"), Some("cfast_b")));
    assert_eq!(posts(&t), ["\"b\"", "\"a\""]);
}

#[test]
fn a_rate_limited_create_in_a_batch_is_retried_alone_after_the_others() {
    let mut t = Scripted::answering(vec![failure(429, 971, vec![]), created(&uuid(2), "b", "cfast_b"), created(&uuid(1), "a", "cfast_a")]);
    let (outcomes, order) = create_many(&mut t, &[named("a"), named("b")]);
    assert_eq!(order, [1, 0]);
    assert_eq!(secret_of(&outcomes[0]).as_deref(), Some("cfast_a"));
    assert_eq!(posts(&t), ["\"a\"", "\"b\"", "\"a\""]);
}

#[test]
fn a_create_never_sent_is_retried_and_one_the_host_refuses_is_not() {
    let not_sent = |retryable| Err(TransportFailure { message: "POST …: connection refused".into(), maybe_sent: false, retryable });
    let mut t = Scripted::answering(vec![not_sent(true), not_sent(false), created(&uuid(1), "a", "cfast_a")]);
    let (outcomes, order) = create_many(&mut t, &[named("a"), named("b")]);
    assert_eq!(order, [1, 0]);
    assert_eq!(secret_of(&outcomes[0]).as_deref(), Some("cfast_a"));
    assert!(matches!(&outcomes[1], Err(Error::Transport(m)) if m.contains("connection refused")), "{:?}", outcomes[1]);
    assert_eq!(posts(&t), ["\"a\"", "\"b\"", "\"a\""]);
}

#[test]
fn creates_in_a_batch_that_may_have_been_made_are_reconciled_never_retried() {
    let cut_short = Ok(RawResponse { status: 200, headers: vec![], body: b"{\"success\": tr".to_vec() });
    let mut t = Scripted::answering(vec![
        failure(502, 0, vec![]),
        cut_short,
        lost(),
        list(vec![listed(&uuid(1), "a", "2026-11-28T12:00:01Z")]),
        list(vec![]),
        list(vec![listed(&uuid(3), "c", "2026-11-28T11:59:31Z")]),
    ]);
    t.clock = Some(at(NOW));
    let (outcomes, order) = create_many(&mut t, &[named("a"), named("b"), named("c")]);
    assert_eq!(order, [0, 1, 2]);
    assert!(matches!(&outcomes[0], Ok(Outcome::Applied(s)) if s.id == uuid(1) && s.client_secret.is_none()), "{:?}", outcomes[0]);
    let b = outcomes[1].as_ref().unwrap_err().to_string();
    assert!(b.contains("HTTP 200 with an answer cut short (14 bytes)") && b.contains("safe to run it again"), "{b}");
    assert!(matches!(&outcomes[2], Ok(Outcome::Applied(s)) if s.id == uuid(3)), "29 s before the attempt is within the clock skew: {:?}", outcomes[2]);
    assert_eq!(posts(&t).len(), 3, "no create is sent twice");
    let listed_names: Vec<String> = t.sent.iter().filter(|r| r.method == Method::Get).map(|r| r.query.iter().find(|(k, _)| k == "name").unwrap().1.clone()).collect();
    assert_eq!(listed_names, ["a", "b", "c"]);
}

#[test]
fn a_5xx_create_in_a_batch_that_made_nothing_names_the_status() {
    let mut t = Scripted::answering(vec![failure(503, 0, vec![]), list(vec![listed(&uuid(1), "a", "2026-11-28T11:59:29Z")])]);
    t.clock = Some(at(NOW));
    let (outcomes, _) = create_many(&mut t, &[named("a")]);
    let err = outcomes[0].as_ref().unwrap_err().to_string();
    assert!(err.contains("HTTP 503") && err.contains("no token named \"a\"") && err.contains("since 2026-11-28T11:59:30Z"), "31 s before is too early: {err}");
}

#[test]
fn a_lost_create_without_a_clock_says_to_list_before_creating_again() {
    let mut t = Scripted::answering(vec![lost()]);
    let (outcomes, _) = create_many(&mut t, &[named("a")]);
    let err = outcomes[0].as_ref().unwrap_err().to_string();
    assert!(err.contains("list the tokens named \"a\" in this account before creating again"), "{err}");
    assert_eq!(t.sent.len(), 1);
}

#[test]
fn refusals_and_bad_answers_in_a_batch_are_errors_of_their_own() {
    let no_secret = token(json!({"id": uuid(3), "name": "c"}));
    let mut t = Scripted::answering(vec![failure(403, 9109, vec![]), no_secret]);
    let bad = TokenArgs { zone_id: Some(ZONE.into()), ..named("b") };
    let (outcomes, order) = create_many(&mut t, &[named("a"), bad, named("c")]);
    assert_eq!(order, [1, 0, 2], "the invalid one is refused before anything is sent");
    assert!(matches!(outcomes[0], Err(Error::Unauthorized(_))), "{:?}", outcomes[0]);
    assert!(matches!(outcomes[1], Err(Error::InvalidInput(_))), "{:?}", outcomes[1]);
    assert!(matches!(&outcomes[2], Err(Error::Internal(m)) if m.contains("no client secret")), "{:?}", outcomes[2]);
    assert_eq!(posts(&t), ["\"a\"", "\"c\""]);
}

#[test]
fn a_batch_to_a_refused_url_makes_no_call() {
    let c = conn().with_base_url("http://10.1.2.3/client/v4");
    let mut t = Scripted::default();
    let (outcomes, order) = create_many_on(&c, &mut t, &[named("a"), named("b")]);
    assert_eq!(order, [0, 1]);
    assert!(outcomes.iter().all(|o| o.as_ref().is_err_and(|e| e.to_string().contains("only to https"))));
    assert!(t.sent.is_empty());
}

// The retry schedule.

#[test]
fn backoff_doubles_with_equal_jitter() {
    let c = conn();
    let s = state(seed_args(), "2027-01-01T00:00:00Z");
    for (random, waits) in [(0, [250, 500]), (u64::MAX / 2, [375, 750]), (u64::MAX, [500, 1000])] {
        let mut t = Scripted::answering(vec![failure(503, 0, vec![]), failure(503, 0, vec![]), token(json!({}))]);
        t.random = Some(random);
        provider::read(&mut Client::new(&c, &mut t), &s).unwrap();
        assert_eq!(t.slept, waits, "random {random}");
    }
}

#[test]
fn backoff_stops_doubling_after_twenty_steps_and_respects_the_cap() {
    let mut c = conn();
    c.retry.max_attempts = 23;
    c.retry.initial_backoff_ms = 1;
    c.retry.max_backoff_ms = u32::MAX;
    let s = state(seed_args(), "2027-01-01T00:00:00Z");
    let mut answers: Vec<_> = (0..22).map(|_| failure(500, 0, vec![])).collect();
    answers.push(token(json!({})));
    let mut t = Scripted::answering(answers);
    provider::read(&mut Client::new(&c, &mut t), &s).unwrap();
    let mut expected: Vec<u64> = (0..=20).map(|k| 1u64 << k).collect();
    expected.push(1 << 20);
    assert_eq!(t.slept, expected);
    c.retry.max_backoff_ms = 700;
    let mut t = Scripted::answering(vec![failure(500, 0, vec![]), failure(500, 0, vec![]), failure(500, 0, vec![]), token(json!({}))]);
    c.retry.initial_backoff_ms = 300;
    provider::read(&mut Client::new(&c, &mut t), &s).unwrap();
    assert_eq!(t.slept, [300, 600, 700]);
}

#[test]
fn zero_attempts_still_sends_once_and_failures_say_how_many_attempts() {
    let mut c = conn();
    c.retry.max_attempts = 0;
    let s = state(seed_args(), "2027-01-01T00:00:00Z");
    let mut t = Scripted::answering(vec![failure(503, 0, vec![])]);
    assert!(provider::read(&mut Client::new(&c, &mut t), &s).is_err());
    assert_eq!(t.sent.len(), 1);
    let c = conn();
    let dropped = || Err(TransportFailure { message: "GET …: timed out".into(), maybe_sent: true, retryable: true });
    let mut t = Scripted::answering(vec![dropped(), dropped(), dropped()]);
    let err = provider::read(&mut Client::new(&c, &mut t), &s).unwrap_err();
    assert_eq!(err, Error::Transport("GET …: timed out (after 3 attempts)".into()));
    assert_eq!(t.slept, [500, 1000]);
}

#[test]
fn a_cut_short_read_is_retried_but_an_html_error_page_is_not() {
    let c = conn();
    let s = state(seed_args(), "2027-01-01T00:00:00Z");
    let cut_short = Ok(RawResponse { status: 200, headers: vec![], body: b"{\"success\": tr".to_vec() });
    let mut t = Scripted::answering(vec![cut_short, token(json!({}))]);
    assert!(provider::read(&mut Client::new(&c, &mut t), &s).unwrap().is_some());
    assert_eq!((t.sent.len(), t.slept.as_slice()), (2, [500].as_slice()), "retried without a retry-after hint");
    let html = Ok(RawResponse { status: 404, headers: vec![], body: b"<html>not found</html>".to_vec() });
    let mut t = Scripted::answering(vec![html]);
    assert_eq!(provider::read(&mut Client::new(&c, &mut t), &s).unwrap(), None);
    assert_eq!(t.sent.len(), 1);
}

// What the end-to-end tests see only indirectly.

#[test]
fn check_returns_the_checked_inputs_or_every_failure() {
    assert_eq!(provider::check(&seed_args()).unwrap(), seed_args());
    let bad = TokenArgs { zone_id: Some(ZONE.into()), ..seed_args() };
    assert!(matches!(provider::check(&bad), Err(Error::InvalidInput(_))));
}

#[test]
fn a_create_answered_with_a_cut_short_body_is_reconciled_not_retried() {
    let c = conn();
    let cut_short = Ok(RawResponse { status: 201, headers: vec![], body: b"{\"success\": tr".to_vec() });
    let mut t = Scripted::answering(vec![cut_short, list(vec![listed(&uuid(9), "CI/CD app renewed", "2026-11-28T12:00:01Z")])]);
    t.clock = Some(at(NOW));
    let Outcome::Applied(s) = provider::create(&mut Client::new(&c, &mut t), &seed_args(), false).unwrap() else { panic!() };
    assert_eq!((s.id.as_str(), t.sent.len()), (uuid(9).as_str(), 2));
}

#[test]
fn a_failure_on_the_first_attempt_is_reported_as_it_is() {
    let c = conn();
    let s = state(seed_args(), "2027-01-01T00:00:00Z");
    let mut t = Scripted::answering(vec![Err(TransportFailure { message: "GET …: refused by policy".into(), maybe_sent: true, retryable: false })]);
    assert_eq!(provider::read(&mut Client::new(&c, &mut t), &s).unwrap_err(), Error::Transport("GET …: refused by policy".into()));
}

#[test]
fn a_read_keeps_an_unset_duration_unset() {
    let c = conn();
    let s = state(seed_args(), "2027-01-01T00:00:00Z");
    assert_eq!(s.args.duration, None);
    let mut t = Scripted::answering(vec![token(json!({"duration": "8760h"}))]);
    let live = provider::read(&mut Client::new(&c, &mut t), &s).unwrap().unwrap();
    assert_eq!(live.args.duration, None, "the default is not written into the inputs");
    let s = state(TokenArgs { duration: Some("720h".into()), ..seed_args() }, "2027-01-01T00:00:00Z");
    let mut t = Scripted::answering(vec![token(json!({"duration": "8760h"}))]);
    let live = provider::read(&mut Client::new(&c, &mut t), &s).unwrap().unwrap();
    assert_eq!(live.args.duration.as_deref(), Some("8760h"), "a set duration follows the live one (drift)");
}

#[test]
fn a_scope_change_names_the_property_that_moved() {
    let c = conn();
    let mut t = Scripted::default();
    let olds = state(seed_args(), "2027-11-28T12:00:00Z");
    for (news, property) in [(zone_args(), "accountId"), (TokenArgs { account_id: Some(ACCOUNT_2.into()), ..seed_args() }, "accountId")] {
        let Err(Error::InvalidInput(f)) = provider::update(&mut Client::new(&c, &mut t), &olds, &news, at(NOW), false) else { panic!() };
        assert_eq!(f[0].property, property);
    }
    let zone_olds = state(zone_args(), "2027-11-28T12:00:00Z");
    let other_zone = TokenArgs { zone_id: Some("0da42c8d2132a9ddaf714f9e7c920712".into()), ..zone_args() };
    let Err(Error::InvalidInput(f)) = provider::update(&mut Client::new(&c, &mut t), &zone_olds, &other_zone, at(NOW), false) else { panic!() };
    assert_eq!(f[0].property, "zoneId");
    assert!(t.sent.is_empty());
}

#[test]
fn a_preview_of_a_duration_change_alone_leaves_the_expiry_unknown() {
    let c = conn();
    let mut t = Scripted::default();
    let olds = state(seed_args(), "2027-11-28T12:00:00Z");
    let news = TokenArgs { duration: Some("720h".into()), ..seed_args() };
    let Outcome::Planned(p) = provider::update(&mut Client::new(&c, &mut t), &olds, &news, at(NOW), true).unwrap() else { panic!() };
    assert_eq!(p.expires_at, Computed::Unknown);
    let renamed = TokenArgs { name: "renamed".into(), ..seed_args() };
    let Outcome::Planned(p) = provider::update(&mut Client::new(&c, &mut t), &olds, &renamed, at(NOW), true).unwrap() else { panic!() };
    assert_eq!(p.expires_at, Computed::Known("2027-11-28T12:00:00Z".into()), "a rename does not touch the expiry");
    assert!(t.sent.is_empty());
}

#[test]
fn a_read_of_an_unrotated_token_adds_no_secret_version_but_a_rotation_outside_shows() {
    let live = |version: Option<u64>| -> access_service_token::responses::ApiToken {
        serde_json::from_value(json!({"id": "t1", "name": "ci", "client_id": "c.access", "expires_at": "2027-01-01T00:00:00Z", "client_secret_version": version})).unwrap()
    };
    let state = access_service_token::model::TokenState {
        id: "t1".into(),
        args: TokenArgs { name: "ci".into(), ..TokenArgs::default() },
        client_id: "c.access".into(),
        client_secret: None,
        expires_at: Some("2027-01-01T00:00:00Z".into()),
        created_at: None,
        last_seen_at: None,
    };
    assert_eq!(provider::merge_live(&state, live(Some(1))).args.client_secret_version, None, "version 1 is where every token starts: no drift");
    assert_eq!(provider::merge_live(&state, live(Some(2))).args.client_secret_version, Some(2), "rotated elsewhere: drift");
    let mut versioned = state.clone();
    versioned.args.client_secret_version = Some(1);
    assert_eq!(provider::merge_live(&versioned, live(Some(1))).args.client_secret_version, Some(1), "a stated version stays");
}

// `enabled`: disabling and enabling in place, creating disabled, and a token
// disabled outside the program read back as drift.

#[test]
fn disabling_is_one_put_carrying_enabled_false_and_keeps_the_secret() {
    let c = conn();
    let olds = state(seed_args(), "2027-11-28T12:00:00Z");
    let news = TokenArgs { enabled: false, ..seed_args() };
    let mut t = Scripted::answering(vec![token(json!({"enabled": false}))]);
    let Outcome::Applied(s) = provider::update(&mut Client::new(&c, &mut t), &olds, &news, at(NOW), false).unwrap() else { panic!() };
    assert_eq!(t.calls(), [(Method::Put, ITEM.into(), Some(json!({"name": "CI/CD app renewed", "enabled": false})))]);
    assert!(!s.args.enabled);
    assert_eq!((s.id.as_str(), &s.client_id, &s.client_secret), (olds.id.as_str(), &olds.client_id, &olds.client_secret), "same id, client id and secret");
}

#[test]
fn enabling_again_is_one_put_carrying_enabled_true() {
    let c = conn();
    let olds = state(TokenArgs { enabled: false, ..seed_args() }, "2027-11-28T12:00:00Z");
    let mut t = Scripted::answering(vec![token(json!({"enabled": true}))]);
    provider::update(&mut Client::new(&c, &mut t), &olds, &seed_args(), at(NOW), false).unwrap();
    assert_eq!(t.calls(), [(Method::Put, ITEM.into(), Some(json!({"name": "CI/CD app renewed", "enabled": true})))]);
}

#[test]
fn a_rename_of_an_enabled_token_leaves_enabled_out_of_the_put() {
    let c = conn();
    let olds = state(seed_args(), "2027-11-28T12:00:00Z");
    let news = TokenArgs { name: "renamed".into(), ..seed_args() };
    let mut t = Scripted::answering(vec![token(json!({"name": "renamed"}))]);
    provider::update(&mut Client::new(&c, &mut t), &olds, &news, at(NOW), false).unwrap();
    assert_eq!(t.calls()[0].2, Some(json!({"name": "renamed"})), "a PUT without enabled keeps it as it is");
}

#[test]
fn a_token_created_disabled_is_one_post_saying_so() {
    let c = conn();
    let mut t = Scripted::answering(vec![token(json!({"client_secret": "cfast_new", "enabled": false, "created_at": "2026-11-28T12:00:00Z"}))]);
    let news = TokenArgs { enabled: false, ..seed_args() };
    let Outcome::Applied(s) = provider::create(&mut Client::new(&c, &mut t), &news, false).unwrap() else { panic!() };
    assert_eq!(t.calls(), [(Method::Post, "/accounts/f037e56e89293a057740de681ac9abbe/access/service_tokens".into(), Some(json!({"name": "CI/CD app renewed", "enabled": false})))]);
    assert!(!s.args.enabled);
    assert_eq!(s.created_at.as_deref(), Some("2026-11-28T12:00:00Z"));
    assert_eq!(s.last_seen_at, None, "never seen yet");
}

#[test]
fn a_read_brings_back_enabled_and_last_seen_at_and_an_api_without_enabled_changes_nothing() {
    let olds = state(seed_args(), "2027-11-28T12:00:00Z");
    let live = |extra: Value| -> access_service_token::responses::ApiToken {
        let mut v = json!({"id": TOKEN_ID, "name": "CI/CD app renewed", "client_id": olds.client_id, "expires_at": "2027-11-28T12:00:00Z"});
        v.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        serde_json::from_value(v).unwrap()
    };
    let disabled = provider::merge_live(&olds, live(json!({"enabled": false, "last_seen_at": "2026-10-01T00:00:00Z"})));
    assert!(!disabled.args.enabled, "disabled outside the program: drift");
    assert_eq!(disabled.last_seen_at.as_deref(), Some("2026-10-01T00:00:00Z"));
    assert_eq!(disabled.client_secret, olds.client_secret);
    let unknown = provider::merge_live(&TokenState { args: TokenArgs { enabled: false, ..seed_args() }, ..olds.clone() }, live(json!({})));
    assert!(!unknown.args.enabled, "an answer without enabled keeps what the state says");
}

#[test]
fn an_imported_token_keeps_its_enabled_state() {
    let c = conn();
    let mut t = Scripted::answering(vec![token(json!({"enabled": false}))]);
    let s = provider::import(&mut Client::new(&c, &mut t), &format!("f037e56e89293a057740de681ac9abbe/{TOKEN_ID}")).unwrap();
    assert!(!s.args.enabled);
}
