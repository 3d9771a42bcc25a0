//! The emulator as an Access application: `enabled` and `last_seen_at` on
//! tokens, the `/access-app/...` route that admits service tokens by their
//! headers (current secret, previous secret within its grace period), and the
//! inactivity cleanup that disables or deletes idle tokens as the clock moves.

mod common;
use chrono::Duration;
use cloudflare_emulator::openapi::OpenApi;
use cloudflare_emulator::{
    AppOutcome, CleanupAction, Denial, Emulator, Fault, FaultKind, InactivityCleanup, Scope,
};
use common::*;
use serde_json::{json, Value};

fn account() -> Scope {
    Scope::Account(ACCOUNT.into())
}

fn token_path(created: &Value) -> String {
    accounts(&format!("/{}", created["id"].as_str().unwrap()))
}

/// A request to the Access application of `scope` with these credentials.
fn app(emu: &Emulator, scope: &Scope, client_id: &str, secret: &str) -> Resp {
    app_with(
        emu,
        scope,
        &[
            ("cf-access-client-id", client_id),
            ("cf-access-client-secret", secret),
        ],
    )
}

fn app_with(emu: &Emulator, scope: &Scope, headers: &[(&str, &str)]) -> Resp {
    let mut api = Api::with_headers(emu, headers);
    api.base = emu.access_app_url(scope);
    api.get("")
}

/// Presents a created (or rotated) token's client id and this secret.
fn present(emu: &Emulator, token: &Value, secret: &Value) -> Resp {
    app(
        emu,
        &account(),
        token["client_id"].as_str().unwrap(),
        secret.as_str().unwrap(),
    )
}

/// The status and, for a refusal, the reason of an app answer.
fn verdict(r: &Resp) -> (u16, String) {
    let body = r.json();
    let reason = body["reason"].as_str().unwrap_or("").to_string();
    assert_eq!(body["authenticated"], r.status == 200, "{}", r.text);
    (r.status, reason)
}

fn admitted() -> (u16, String) {
    (200, String::new())
}

fn denied(reason: &str) -> (u16, String) {
    (403, reason.to_string())
}

fn cleanup(action: CleanupAction, after_days: u32) -> Option<InactivityCleanup> {
    Some(InactivityCleanup::new(action, after_days).unwrap())
}

#[test]
fn enabled_defaults_to_true_and_round_trips_through_get_list_and_put() {
    let emu = start();
    let api = Api::new(&emu);
    let created = api.create("ci");
    assert_eq!(created["enabled"], true);
    let path = token_path(&created);
    assert_eq!(api.get(&path).result()["enabled"], true);
    assert_eq!(api.get(&accounts("")).result()[0]["enabled"], true);

    let disabled = api.put(&path, json!({"enabled": false})).result();
    assert_eq!(disabled["enabled"], false);
    for key in ["id", "client_id", "client_secret_version", "expires_at"] {
        assert_eq!(disabled[key], created[key], "{key}");
    }
    assert!(disabled.get("client_secret").is_none(), "{disabled}");
    assert_eq!(api.get(&path).result()["enabled"], false);
    assert_eq!(api.get(&accounts("")).result()[0]["enabled"], false);
    let stored = &emu.tokens()[0];
    assert!(!stored.enabled);
    assert_eq!(stored.client_secret, created["client_secret"]);
    assert_eq!(emu.issued_secrets().len(), 1, "disabling issues no secret");

    // A PUT without `enabled` leaves it alone; `enabled: true` turns it back on.
    assert_eq!(
        api.put(&path, json!({"name": "renamed"})).result()["enabled"],
        false
    );
    assert_eq!(
        api.put(&path, json!({"enabled": true})).result()["enabled"],
        true
    );
    assert_eq!(
        api.post(&accounts(""), json!({"name": "off", "enabled": false}))
            .result()["enabled"],
        false
    );
    let spec = OpenApi::bundled().unwrap();
    for r in emu.requests() {
        spec.validate(&r).unwrap_or_else(|p| panic!("{p:?}"));
    }
}

#[test]
fn the_current_secret_is_admitted_and_sets_last_seen_at() {
    let emu = start();
    let api = Api::new(&emu);
    let created = api.create("ci");
    assert!(created.get("last_seen_at").is_none(), "create result shape");
    assert_eq!(
        api.get(&token_path(&created)).result()["last_seen_at"],
        Value::Null
    );

    emu.clock().advance(Duration::hours(1));
    let r = present(&emu, &created, &created["client_secret"]);
    assert_eq!(verdict(&r), admitted());
    assert_eq!(r.json()["service_token_id"], created["id"]);
    assert_eq!(r.json()["secret"], "current");

    let seen = t0() + Duration::hours(1);
    let got = api.get(&token_path(&created)).result();
    assert_eq!(ts(&got["last_seen_at"]), seen);
    assert_eq!(
        got["updated_at"], created["updated_at"],
        "use is not an update"
    );
    assert_eq!(
        ts(&api.get(&accounts("")).result()[0]["last_seen_at"]),
        seen
    );
    assert_eq!(emu.tokens()[0].last_seen_at, Some(seen));

    // Any method and sub-path of the application is guarded the same way.
    let mut sub = Api::with_headers(
        &emu,
        &[
            (
                "CF-Access-Client-Id",
                created["client_id"].as_str().unwrap(),
            ),
            (
                "CF-Access-Client-Secret",
                created["client_secret"].as_str().unwrap(),
            ),
        ],
    );
    sub.base = emu.access_app_url(&account());
    assert_eq!(sub.send("POST", "/some/page", Some("{}")).status, 200);
}

#[test]
fn wrong_secrets_unknown_ids_and_missing_headers_are_refused() {
    let emu = start();
    let api = Api::new(&emu);
    let created = api.create("ci");
    let client_id = created["client_id"].as_str().unwrap();
    let secret = created["client_secret"].as_str().unwrap();

    let wrong = app(&emu, &account(), client_id, "not-the-secret");
    assert_eq!(verdict(&wrong), denied("wrong_secret"));
    let unknown = app(
        &emu,
        &account(),
        &format!("{}.access", "0".repeat(32)),
        secret,
    );
    assert_eq!(verdict(&unknown), denied("unknown_client_id"));
    let other_account = Scope::Account(OTHER_ACCOUNT.into());
    assert_eq!(
        verdict(&app(&emu, &other_account, client_id, secret)),
        denied("unknown_client_id"),
        "a token only opens its own account's application"
    );
    assert_eq!(
        verdict(&app_with(
            &emu,
            &account(),
            &[("cf-access-client-id", client_id)]
        )),
        denied("missing_headers")
    );
    assert_eq!(
        verdict(&app_with(&emu, &account(), &[])),
        denied("missing_headers")
    );
    assert_eq!(
        api.get(&token_path(&created)).result()["last_seen_at"],
        Value::Null
    );

    // Zone tokens open their zone's application, not the account's.
    let zone_token = api.post(&zones(""), json!({"name": "z"})).result();
    let (zid, zsecret) = (
        zone_token["client_id"].as_str().unwrap(),
        zone_token["client_secret"].as_str().unwrap(),
    );
    assert_eq!(
        verdict(&app(&emu, &Scope::Zone(ZONE.into()), zid, zsecret)),
        admitted()
    );
    assert_eq!(
        verdict(&app(&emu, &account(), zid, zsecret)),
        denied("unknown_client_id")
    );

    // A path naming no account or zone is no application.
    let mut bad = Api::with_headers(&emu, &[]);
    bad.base = format!("http://{}/access-app/accounts/nothex", emu.addr());
    assert_eq!(bad.get("").status, 404);
}

#[test]
fn a_disabled_token_is_refused_with_either_secret_until_re_enabled() {
    let emu = start();
    let api = Api::new(&emu);
    let created = api.create("ci");
    let path = token_path(&created);
    let rotated = api
        .post(
            &format!("{path}/rotate"),
            json!({"previous_client_secret_expires_at": "2025-01-02T00:00:00Z"}),
        )
        .result();
    api.put(&path, json!({"enabled": false})).result();
    assert_eq!(
        verdict(&present(&emu, &created, &rotated["client_secret"])),
        denied("disabled")
    );
    assert_eq!(
        verdict(&present(&emu, &created, &created["client_secret"])),
        denied("disabled")
    );
    api.put(&path, json!({"enabled": true})).result();
    assert_eq!(
        verdict(&present(&emu, &created, &rotated["client_secret"])),
        admitted()
    );
    assert_eq!(
        verdict(&present(&emu, &created, &created["client_secret"])),
        admitted()
    );
}

#[test]
fn an_expired_token_is_refused_until_refreshed() {
    let emu = start();
    let api = Api::new(&emu);
    let created = api
        .post(&accounts(""), json!({"name": "short", "duration": "1h"}))
        .result();
    emu.clock().advance(Duration::minutes(59));
    assert_eq!(
        verdict(&present(&emu, &created, &created["client_secret"])),
        admitted()
    );
    emu.clock().advance(Duration::minutes(1));
    assert_eq!(
        verdict(&present(&emu, &created, &created["client_secret"])),
        denied("expired")
    );
    api.send("POST", &format!("{}/refresh", token_path(&created)), None)
        .result();
    assert_eq!(
        verdict(&present(&emu, &created, &created["client_secret"])),
        admitted()
    );
}

#[test]
fn after_a_rotation_the_old_secret_works_until_its_grace_period_ends() {
    let emu = start();
    let api = Api::new(&emu);
    let created = api.create("ci");
    let rotated = api
        .post(
            &format!("{}/rotate", token_path(&created)),
            json!({"previous_client_secret_expires_at": "2025-01-01T01:00:00Z"}),
        )
        .result();
    let (old, new) = (&created["client_secret"], &rotated["client_secret"]);
    assert_ne!(old, new);
    assert_eq!(verdict(&present(&emu, &created, new)), admitted());
    let r = present(&emu, &created, old);
    assert_eq!(verdict(&r), admitted());
    assert_eq!(r.json()["secret"], "previous");

    emu.clock().advance(Duration::minutes(59));
    assert_eq!(verdict(&present(&emu, &created, old)), admitted());
    emu.clock().advance(Duration::minutes(1));
    assert_eq!(
        verdict(&present(&emu, &created, old)),
        denied("previous_secret_expired")
    );
    assert_eq!(verdict(&present(&emu, &created, new)), admitted());

    // Without a grace period the old secret stops at once.
    let again = api
        .send("POST", &format!("{}/rotate", token_path(&created)), None)
        .result();
    assert_eq!(
        verdict(&present(&emu, &created, new)),
        denied("previous_secret_expired")
    );
    assert_eq!(
        verdict(&present(&emu, &created, &again["client_secret"])),
        admitted()
    );
    assert_eq!(
        verdict(&present(&emu, &created, old)),
        denied("wrong_secret")
    );
}

#[test]
fn a_version_bumping_put_keeps_the_old_secret_for_its_grace_and_it_can_be_cut_short() {
    let emu = start();
    let api = Api::new(&emu);
    let zone = Scope::Zone(ZONE.into());
    let created = api.post(&zones(""), json!({"name": "z"})).result();
    let path = zones(&format!("/{}", created["id"].as_str().unwrap()));
    let bumped = api
        .put(
            &path,
            json!({"client_secret_version": 2,
                   "previous_client_secret_expires_at": "2025-01-01T02:00:00Z"}),
        )
        .result();
    let client_id = created["client_id"].as_str().unwrap();
    let (old, new) = (
        created["client_secret"].as_str().unwrap(),
        bumped["client_secret"].as_str().unwrap(),
    );
    emu.clock().advance(Duration::hours(1));
    assert_eq!(verdict(&app(&emu, &zone, client_id, old)), admitted());
    assert_eq!(verdict(&app(&emu, &zone, client_id, new)), admitted());

    // Moving the grace into the past invalidates the old secret (a leak).
    api.put(
        &path,
        json!({"previous_client_secret_expires_at": "2025-01-01T00:30:00Z"}),
    )
    .result();
    assert_eq!(
        verdict(&app(&emu, &zone, client_id, old)),
        denied("previous_secret_expired")
    );
    assert_eq!(verdict(&app(&emu, &zone, client_id, new)), admitted());
    assert_eq!(emu.tokens()[0].previous_client_secret.as_deref(), Some(old));
}

#[test]
fn inactivity_cleanup_disables_idle_tokens_and_keeps_recently_seen_ones() {
    let emu = start();
    let api = Api::new(&emu);
    let used = api.create("used");
    let idle = api.create("idle");
    let other = api
        .post(
            &format!("/accounts/{OTHER_ACCOUNT}/access/service_tokens"),
            json!({"name": "elsewhere"}),
        )
        .result();
    emu.set_inactivity_cleanup(&account(), cleanup(CleanupAction::Disable, 30));
    assert_eq!(
        emu.inactivity_cleanup(&account()),
        cleanup(CleanupAction::Disable, 30)
    );

    emu.clock().advance(Duration::days(20));
    assert_eq!(
        verdict(&present(&emu, &used, &used["client_secret"])),
        admitted()
    );
    emu.clock()
        .advance(Duration::days(10) - Duration::seconds(1));
    assert!(emu.tokens().iter().all(|t| t.enabled), "not yet 30 days");
    emu.clock().advance(Duration::seconds(1));

    let got = api.get(&token_path(&idle)).result();
    assert_eq!(got["enabled"], false);
    assert_eq!(ts(&got["updated_at"]), t0() + Duration::days(30));
    assert_eq!(got["client_id"], idle["client_id"]);
    assert_eq!(api.get(&token_path(&used)).result()["enabled"], true);
    assert_eq!(
        verdict(&present(&emu, &idle, &idle["client_secret"])),
        denied("disabled")
    );
    let elsewhere = emu
        .tokens()
        .into_iter()
        .find(|t| t.id == other["id"])
        .unwrap();
    assert!(elsewhere.enabled, "another account has no cleanup");

    // Re-enabling restarts the idle clock; so does being seen.
    api.put(&token_path(&idle), json!({"enabled": true}))
        .result();
    emu.clock().advance(Duration::days(29));
    assert_eq!(api.get(&token_path(&idle)).result()["enabled"], true);
    // `used` was last seen at day 20: idle for 30 days at day 50 (now day 59).
    let used_now = api.get(&token_path(&used)).result();
    assert_eq!(used_now["enabled"], false);
    assert_eq!(ts(&used_now["updated_at"]), t0() + Duration::days(50));
    emu.clock().advance(Duration::days(1));
    assert!(emu
        .tokens()
        .iter()
        .filter(|t| t.scope == account())
        .all(|t| !t.enabled));

    // Turned off, it stops acting.
    emu.set_inactivity_cleanup(&account(), None);
    api.put(&token_path(&idle), json!({"enabled": true}))
        .result();
    emu.clock().advance(Duration::days(400));
    assert_eq!(api.get(&token_path(&idle)).result()["enabled"], true);
}

#[test]
fn inactivity_cleanup_can_delete_and_acts_from_when_it_is_set() {
    let emu = start();
    let api = Api::new(&emu);
    let old = api.create("old");
    emu.clock().advance(Duration::days(100));
    let fresh = api.create("fresh");
    emu.clear_requests();

    // `old` is already idle for 100 days: it goes as soon as the rule is set.
    emu.set_inactivity_cleanup(&account(), cleanup(CleanupAction::Delete, 45));
    let left: Vec<String> = emu.tokens().into_iter().map(|t| t.id).collect();
    assert_eq!(left, vec![fresh["id"].as_str().unwrap().to_string()]);
    assert_eq!(api.get(&token_path(&old)).error().0, 404);

    emu.clock().advance(Duration::days(45));
    assert_eq!(api.get(&token_path(&fresh)).error().0, 404);
    assert!(emu.tokens().is_empty());
    assert_eq!(emu.requests().len(), 2, "the cleanup makes no API calls");
}

#[test]
#[should_panic(expected = "between 30 and 365")]
fn inactivity_cleanup_days_are_range_checked() {
    let emu = start();
    emu.set_inactivity_cleanup(
        &account(),
        Some(InactivityCleanup {
            action: CleanupAction::Disable,
            after_days: 29,
        }),
    );
}

#[test]
fn app_requests_are_logged_apart_from_api_calls() {
    let emu = start();
    let api = Api::new(&emu);
    // A fault on every API path leaves the application alone.
    let created = api.create("ci");
    emu.inject_fault(Fault::new("", FaultKind::Html(502)));
    assert_eq!(
        verdict(&present(&emu, &created, &created["client_secret"])),
        admitted()
    );
    assert_eq!(api.get(&accounts("")).status, 502);
    emu.clear_faults();
    assert_eq!(
        verdict(&present(&emu, &created, &json!("nope"))),
        denied("wrong_secret")
    );

    let calls: Vec<(String, u16)> = emu
        .requests()
        .iter()
        .map(|r| (r.method.clone(), r.status))
        .collect();
    assert_eq!(calls, vec![("POST".into(), 201), ("GET".into(), 502)]);
    assert!(emu
        .requests()
        .iter()
        .all(|r| r.path.starts_with("/client/v4/")));

    let app_log = emu.app_requests();
    assert_eq!(app_log.len(), 2);
    assert_eq!(app_log[0].method, "GET");
    assert_eq!(app_log[0].path, format!("/access-app/accounts/{ACCOUNT}"));
    assert_eq!(app_log[0].scope, Some(account()));
    assert_eq!(
        app_log[0].client_id.as_deref(),
        created["client_id"].as_str()
    );
    assert_eq!(app_log[0].token_id.as_deref(), created["id"].as_str());
    assert_eq!(app_log[0].outcome, AppOutcome::AdmittedWithCurrentSecret);
    assert_eq!(app_log[0].at, t0());
    assert_eq!(app_log[1].outcome, AppOutcome::Denied(Denial::WrongSecret));
    assert_eq!(app_log[1].status(), 403);
    let secret = created["client_secret"].as_str().unwrap();
    assert!(
        !format!("{app_log:?}").contains(secret),
        "secrets are not logged"
    );
    emu.clear_app_requests();
    assert!(emu.app_requests().is_empty());
    assert_eq!(emu.requests().len(), 2);
}

#[test]
fn the_binary_takes_an_inactivity_cleanup_flag() {
    let bin = env!("CARGO_BIN_EXE_cloudflare-emulator");
    for bad in [
        format!("{ACCOUNT}:disable:29"),
        format!("{ACCOUNT}:archive:90"),
        "nothex:disable:90".to_string(),
    ] {
        let out = std::process::Command::new(bin)
            .args(["--inactivity-cleanup", &bad])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{bad}");
    }
    let help = std::process::Command::new(bin)
        .arg("--help")
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&help.stdout);
    assert!(
        help.contains("--inactivity-cleanup") && help.contains("/access-app/"),
        "{help}"
    );
}
