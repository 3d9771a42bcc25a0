//! The service token lifecycle: create, get, update, refresh, rotate, delete,
//! with expiry computed from the injectable clock.

mod common;
use chrono::Duration;
use cloudflare_emulator::ids::{is_object_id, is_uuid, is_well_formed_secret};
use cloudflare_emulator::Scope;
use common::*;
use serde_json::{json, Value};

fn token_path(created: &Value) -> String {
    accounts(&format!("/{}", created["id"].as_str().unwrap()))
}

#[test]
fn create_returns_the_token_with_its_secret() {
    let emu = start();
    let api = Api::new(&emu);
    let r = api.post(&accounts(""), json!({"name": "CI/CD token"}));
    assert_eq!(r.status, 201);
    let t = r.result();
    assert!(is_uuid(t["id"].as_str().unwrap()));
    assert_eq!(t["name"], "CI/CD token");
    let client_id = t["client_id"].as_str().unwrap();
    assert!(
        client_id.ends_with(".access") && is_object_id(&client_id[..32]) && client_id.len() == 39
    );
    let secret = t["client_secret"].as_str().unwrap();
    assert!(is_well_formed_secret(secret), "{secret}");
    assert_eq!(t["created_at"], "2025-01-01T00:00:00Z");
    assert_eq!(t["updated_at"], "2025-01-01T00:00:00Z");
    assert_eq!(ts(&t["expires_at"]), t0() + Duration::hours(8760));
    assert_eq!(t["duration"], "8760h");
    assert_eq!(t["client_secret_version"], 1);
    assert_eq!(t["enabled"], true);
    assert_eq!(emu.issued_secrets(), vec![secret.to_string()]);
    let stored = emu.tokens();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].scope, Scope::Account(ACCOUNT.into()));
    assert_eq!(stored[0].client_secret, secret);
}

#[test]
fn create_accepts_the_optional_fields() {
    let emu = start();
    let api = Api::new(&emu);
    let t = api
        .post(
            &accounts(""),
            json!({"name": "n", "duration": "60m", "client_secret_version": 3, "enabled": false,
                   "previous_client_secret_expires_at": "2030-01-01T00:00:00Z"}),
        )
        .result();
    assert_eq!(t["client_secret_version"], 3);
    assert_eq!(t["enabled"], false);
    assert_eq!(
        t["previous_client_secret_expires_at"],
        "2030-01-01T00:00:00Z"
    );
    assert_eq!(ts(&t["expires_at"]), t0() + Duration::minutes(60));
}

#[test]
fn durations_follow_go_syntax_and_forever_is_36500_days() {
    let emu = start();
    let api = Api::new(&emu);
    for (duration, expected) in [
        ("2h45m", Duration::minutes(165)),
        ("30m", Duration::minutes(30)),
        ("1.5h", Duration::minutes(90)),
        ("300s", Duration::seconds(300)),
        ("forever", Duration::days(36_500)),
    ] {
        let t = api
            .post(
                &accounts(""),
                json!({"name": duration, "duration": duration}),
            )
            .result();
        assert_eq!(t["duration"], duration);
        assert_eq!(ts(&t["expires_at"]), t0() + expected, "{duration}");
    }
}

#[test]
fn invalid_create_bodies_are_400_12130() {
    let emu = start();
    let api = Api::new(&emu);
    let cases = [
        json!({}).to_string(),
        json!({"name": ""}).to_string(),
        json!({"name": "   "}).to_string(),
        json!({"name": 5}).to_string(),
        json!({"name": "x", "duration": "1y"}).to_string(),
        json!({"name": "x", "duration": "-1h"}).to_string(),
        json!({"name": "x", "enabled": "yes"}).to_string(),
        json!({"name": "x", "client_secret_version": 0}).to_string(),
        json!({"name": "x", "previous_client_secret_expires_at": "tomorrow"}).to_string(),
        json!(["name"]).to_string(),
        "{not json".to_string(),
        String::new(),
    ];
    for body in cases {
        let r = api.send("POST", &accounts(""), Some(&body));
        assert_eq!(r.error(), (400, 12130), "{body}");
        let message = r.json()["errors"][0]["message"]
            .as_str()
            .unwrap()
            .to_string();
        assert!(
            message.starts_with("access.api.error.invalid_request: "),
            "{message}"
        );
    }
    assert!(emu.tokens().is_empty());
    assert!(emu.issued_secrets().is_empty());
}

#[test]
fn get_never_shows_the_secret() {
    let emu = start();
    let api = Api::new(&emu);
    let created = api.create("x");
    let got = api.get(&token_path(&created)).result();
    assert!(got.get("client_secret").is_none(), "{got}");
    assert_eq!(got["last_seen_at"], Value::Null);
    for key in [
        "id",
        "name",
        "client_id",
        "created_at",
        "updated_at",
        "expires_at",
        "duration",
        "client_secret_version",
        "enabled",
    ] {
        assert_eq!(got[key], created[key], "{key}");
    }
}

#[test]
fn put_duration_resets_expiry_relative_to_the_moved_clock() {
    let emu = start();
    let api = Api::new(&emu);
    let created = api.create("x");
    emu.clock().advance(Duration::days(10));
    let now = t0() + Duration::days(10);
    let t = api
        .put(&token_path(&created), json!({"duration": "24h"}))
        .result();
    assert_eq!(ts(&t["expires_at"]), now + Duration::hours(24));
    assert_eq!(t["duration"], "24h");
    assert_eq!(ts(&t["updated_at"]), now);
    assert_eq!(t["created_at"], created["created_at"]);
    assert!(t.get("client_secret").is_none());
    assert_eq!(t["client_id"], created["client_id"]);
}

#[test]
fn put_without_duration_keeps_expiry() {
    let emu = start();
    let api = Api::new(&emu);
    let created = api.create("old");
    emu.clock().advance(Duration::hours(5));
    let t = api
        .put(
            &token_path(&created),
            json!({"name": "new", "enabled": false}),
        )
        .result();
    assert_eq!(t["name"], "new");
    assert_eq!(t["enabled"], false);
    assert_eq!(t["expires_at"], created["expires_at"]);
    assert_eq!(api.get(&token_path(&created)).result()["enabled"], false);
    assert_eq!(
        api.put(&token_path(&created), json!({"name": ""})).error(),
        (400, 12130)
    );
    assert_eq!(
        api.put(&token_path(&created), json!({"duration": "soon"}))
            .error(),
        (400, 12130)
    );
}

#[test]
fn put_with_a_higher_secret_version_rotates_the_secret() {
    let emu = start();
    let api = Api::new(&emu);
    let created = api.create("x");
    let old_secret = created["client_secret"].as_str().unwrap();
    let path = token_path(&created);

    let same = api.put(&path, json!({"client_secret_version": 1})).result();
    assert!(
        same.get("client_secret").is_none(),
        "same version must not rotate"
    );

    let bumped = api
        .put(&path, json!({"client_secret_version": 2, "previous_client_secret_expires_at": "2025-01-02T00:00:00Z"}))
        .result();
    let new_secret = bumped["client_secret"]
        .as_str()
        .expect("a version bump returns the new secret");
    assert!(is_well_formed_secret(new_secret));
    assert_ne!(new_secret, old_secret);
    assert_eq!(bumped["client_secret_version"], 2);
    assert_eq!(
        bumped["previous_client_secret_expires_at"],
        "2025-01-02T00:00:00Z"
    );
    assert_eq!(bumped["client_id"], created["client_id"]);
    assert_eq!(
        emu.issued_secrets(),
        vec![old_secret.to_string(), new_secret.to_string()]
    );

    // A float-typed version (the SDK types it as a number) works too.
    let again = api
        .put(&path, json!({"client_secret_version": 3.0}))
        .result();
    assert!(again["client_secret"].is_string());

    assert!(api.get(&path).result().get("client_secret").is_none());
    assert_eq!(
        api.put(&path, json!({"client_secret_version": 1})).error(),
        (400, 12130)
    );
    assert_eq!(
        api.put(&path, json!({"client_secret_version": 3.5}))
            .error(),
        (400, 12130)
    );
}

#[test]
fn refresh_moves_expiry_to_now_plus_duration() {
    let emu = start();
    let api = Api::new(&emu);
    let created = api
        .post(&accounts(""), json!({"name": "x", "duration": "720h"}))
        .result();
    emu.clock().advance(Duration::days(29));
    let t = api
        .send("POST", &format!("{}/refresh", token_path(&created)), None)
        .result();
    assert_eq!(
        ts(&t["expires_at"]),
        t0() + Duration::days(29) + Duration::hours(720)
    );
    assert!(t.get("client_secret").is_none());
    assert_eq!(t["client_secret_version"], 1);
    assert_eq!(
        api.get(&token_path(&created)).result()["expires_at"],
        t["expires_at"]
    );
}

#[test]
fn rotate_issues_a_new_secret_and_bumps_the_version() {
    let emu = start();
    let api = Api::new(&emu);
    let created = api.create("x");
    emu.clock().advance(Duration::minutes(1));
    let rotate = format!("{}/rotate", token_path(&created));

    let t = api.send("POST", &rotate, None).result();
    let secret = t["client_secret"].as_str().unwrap();
    assert!(is_well_formed_secret(secret));
    assert_ne!(secret, created["client_secret"].as_str().unwrap());
    assert_eq!(t["client_secret_version"], 2);
    assert_eq!(
        ts(&t["previous_client_secret_expires_at"]),
        t0() + Duration::minutes(1),
        "defaults to now"
    );
    assert_eq!(
        t["expires_at"], created["expires_at"],
        "rotation does not extend the token"
    );

    let t = api
        .post(
            &rotate,
            json!({"previous_client_secret_expires_at": "2030-01-01T00:00:00Z"}),
        )
        .result();
    assert_eq!(t["client_secret_version"], 3);
    assert_eq!(
        t["previous_client_secret_expires_at"],
        "2030-01-01T00:00:00Z"
    );
    assert_eq!(emu.issued_secrets().len(), 3);
    assert_eq!(
        api.post(&rotate, json!({"previous_client_secret_expires_at": 5}))
            .error(),
        (400, 12130)
    );
}

#[test]
fn delete_returns_the_token_then_it_is_gone() {
    let emu = start();
    let api = Api::new(&emu);
    let created = api.create("x");
    let path = token_path(&created);
    let deleted = api.delete(&path).result();
    assert_eq!(deleted["id"], created["id"]);
    assert_eq!(deleted["name"], "x");
    assert!(deleted.get("client_secret").is_none());
    assert_eq!(api.get(&path).error(), (404, 12135));
    assert_eq!(api.delete(&path).error(), (404, 12135));
    assert!(emu.tokens().is_empty());
}

#[test]
fn zone_scope_supports_create_get_list_update_delete() {
    let emu = start();
    let api = Api::new(&emu);
    let r = api.post(&zones(""), json!({"name": "zone token", "duration": "48h"}));
    assert_eq!(r.status, 201);
    let created = r.result();
    assert!(created["client_secret"].is_string());
    let path = zones(&format!("/{}", created["id"].as_str().unwrap()));
    assert!(api.get(&path).result().get("client_secret").is_none());
    assert_eq!(api.get(&zones("")).result().as_array().unwrap().len(), 1);
    emu.clock().advance(Duration::hours(1));
    let updated = api
        .put(&path, json!({"name": "renamed", "duration": "48h"}))
        .result();
    assert_eq!(ts(&updated["expires_at"]), t0() + Duration::hours(49));
    assert_eq!(api.delete(&path).result()["name"], "renamed");
    assert_eq!(emu.tokens().len(), 0);
}

#[test]
fn seeded_and_removed_tokens_are_visible_over_http() {
    let emu = start();
    let api = Api::new(&emu);
    let seeded = emu.insert_token(Scope::Zone(ZONE.into()), "imported", Some("forever"));
    assert!(is_well_formed_secret(&seeded.client_secret));
    assert_eq!(seeded.expires_at, t0() + Duration::days(36_500));
    let path = zones(&format!("/{}", seeded.id));
    let got = api.get(&path).result();
    assert_eq!(got["name"], "imported");
    assert_eq!(got["client_id"], seeded.client_id.as_str());
    assert_eq!(emu.issued_secrets(), vec![seeded.client_secret.clone()]);
    assert!(emu.remove_token(&Scope::Zone(ZONE.into()), &seeded.id));
    assert!(!emu.remove_token(&Scope::Zone(ZONE.into()), &seeded.id));
    assert_eq!(api.get(&path).error(), (404, 12135));
}

#[test]
fn debug_output_redacts_secrets() {
    let emu = start();
    let token = emu.insert_token(Scope::Account(ACCOUNT.into()), "x", None);
    let shown = format!("{token:?} {:?}", emu.tokens());
    assert!(!shown.contains(&token.client_secret), "{shown}");
    assert!(shown.contains("<redacted>"));
}
