//! The main job, end to end through the real component in wasmtime against
//! the emulator over loopback: each step asserts the outputs and the exact
//! calls the emulator received.

mod common;

use chrono::TimeDelta;
use common::*;
use host_tests::harness::wit;

#[test]
fn account_token_lifecycle() {
    let mut w = world();
    let s = &mut w.session;

    // Preview create: zero calls, unknown outputs.
    match s.create(&w.conn, &seed_args(), true).unwrap().unwrap() {
        wit::ApplyOutcome::Planned(p) => {
            assert_eq!(p.id, wit::Computed::Unknown);
            assert_eq!(p.client_id, wit::Computed::Unknown);
            assert_eq!(p.expires_at, wit::Computed::Unknown);
            assert_eq!(p.client_secret, Some(wit::Computed::Unknown));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(take_calls(&w.emu), Vec::<String>::new());

    // Create: one POST; the secret is returned, and it is the one Cloudflare issued.
    let created = applied(s.create(&w.conn, &seed_args(), false).unwrap().unwrap());
    assert_eq!(bodies(&w.emu), [Some(serde_json::json!({"name": "CI/CD app renewed"}))]);
    assert_eq!(take_calls(&w.emu), [format!("POST /accounts/{ACCOUNT}/access/service_tokens")]);
    let stored = &w.emu.tokens()[0];
    assert_eq!(created.id, stored.id);
    assert_eq!(created.client_id, stored.client_id);
    assert_eq!(created.client_secret.as_deref(), Some(stored.client_secret.as_str()));
    assert_eq!(created.expires_at.as_deref(), Some("2027-11-28T12:00:00Z"), "8760h after the emulator's now");

    // No change: the diff says so and nothing is called.
    let d = s.diff(&created, &seed_args(), now(&w.clock)).unwrap().unwrap();
    assert!(!d.changes && d.actions.is_empty());
    assert_eq!(take_calls(&w.emu), Vec::<String>::new());

    // Rename: one PUT carrying the name only (the expiry is not reset).
    let renamed_args = wit::TokenArgs { name: "CI/CD app".into(), ..seed_args() };
    let d = s.diff(&created, &renamed_args, now(&w.clock)).unwrap().unwrap();
    assert_eq!(actions(&d), [wit::ActionKind::Update]);
    let renamed = applied(s.update(&w.conn, &created, &renamed_args, now(&w.clock), false).unwrap().unwrap());
    assert_eq!(bodies(&w.emu), [Some(serde_json::json!({"name": "CI/CD app"}))]);
    assert_eq!(take_calls(&w.emu), [format!("PUT /accounts/{ACCOUNT}/access/service_tokens/{}", created.id)]);
    assert_eq!(w.emu.tokens()[0].name, "CI/CD app");
    assert_eq!(renamed.expires_at, created.expires_at);
    assert_eq!(renamed.client_secret, created.client_secret, "the secret is carried over");

    // Move the shared clock into the 30-day window: the diff plans a renewal and says why.
    w.clock.advance(TimeDelta::days(340));
    let d = s.diff(&renamed, &renamed_args, now(&w.clock)).unwrap().unwrap();
    assert!(d.changes);
    assert_eq!(actions(&d), [wit::ActionKind::Renew]);
    assert!(d.actions[0].reason.contains("2027-11-28T12:00:00Z") && d.actions[0].reason.contains("30-day"), "{}", d.actions[0].reason);
    assert_eq!(d.detailed_diff[0].property, "expiresAt");
    assert_eq!(take_calls(&w.emu), Vec::<String>::new(), "diff and preview never call");

    // Preview of the update: expiresAt unknown, still no call. The wall clock
    // (the harness's injected one) decides, as `now` is not passed.
    match s.update(&w.conn, &renamed, &renamed_args, None, true).unwrap().unwrap() {
        wit::ApplyOutcome::Planned(p) => assert_eq!(p.expires_at, wit::Computed::Unknown),
        other => panic!("{other:?}"),
    }
    assert_eq!(take_calls(&w.emu), Vec::<String>::new());

    // Apply: exactly one POST /refresh, and the expiry moves a year past the new now.
    let renewed = applied(s.update(&w.conn, &renamed, &renamed_args, None, false).unwrap().unwrap());
    assert_eq!(take_calls(&w.emu), [format!("POST /accounts/{ACCOUNT}/access/service_tokens/{}/refresh", created.id)]);
    assert_eq!(renewed.expires_at.as_deref(), Some("2028-11-02T12:00:00Z"));
    assert_eq!(renewed.client_secret, created.client_secret);

    // Renewed: no change any more.
    assert!(!s.diff(&renewed, &renamed_args, now(&w.clock)).unwrap().unwrap().changes);

    // Delete: one DELETE; again: 404 = already gone = success.
    s.delete(&w.conn, &renewed).unwrap().unwrap();
    assert!(w.emu.tokens().is_empty());
    s.delete(&w.conn, &renewed).unwrap().unwrap();
    let path = format!("DELETE /accounts/{ACCOUNT}/access/service_tokens/{}", created.id);
    assert_eq!(take_calls(&w.emu), [path.clone(), path]);
    assert_eq!(w.emu.requests().len(), 0);
}

#[test]
fn zone_token_renews_with_a_put_carrying_the_duration() {
    let mut w = world();
    let s = &mut w.session;
    let args = wit::TokenArgs { duration: Some("720h".into()), min_days_for_renewal: 7, ..zone_args() };
    let created = applied(s.create(&w.conn, &args, false).unwrap().unwrap());
    assert_eq!(take_calls(&w.emu), [format!("POST /zones/{ZONE}/access/service_tokens")]);
    assert_eq!(created.expires_at.as_deref(), Some("2026-12-28T12:00:00Z"));

    w.clock.advance(TimeDelta::days(25));
    let d = s.diff(&created, &args, now(&w.clock)).unwrap().unwrap();
    assert_eq!(actions(&d), [wit::ActionKind::Renew]);
    let renewed = applied(s.update(&w.conn, &created, &args, now(&w.clock), false).unwrap().unwrap());
    assert_eq!(bodies(&w.emu), [Some(serde_json::json!({"name": "CI/CD app renewed", "duration": "720h"}))]);
    assert_eq!(take_calls(&w.emu), [format!("PUT /zones/{ZONE}/access/service_tokens/{}", created.id)]);
    assert_eq!(renewed.expires_at.as_deref(), Some("2027-01-22T12:00:00Z"));

    s.delete(&w.conn, &renewed).unwrap().unwrap();
    assert_eq!(take_calls(&w.emu), [format!("DELETE /zones/{ZONE}/access/service_tokens/{}", created.id)]);
    assert!(w.emu.tokens().is_empty());
}

#[test]
fn moving_from_account_to_zone_creates_the_new_token_before_deleting_the_old() {
    let mut w = world();
    let old = applied(w.session.create(&w.conn, &seed_args(), false).unwrap().unwrap());
    take_calls(&w.emu);
    let d = w.session.diff(&old, &zone_args(), now(&w.clock)).unwrap().unwrap();
    assert_eq!(d.replaces, ["accountId", "zoneId"]);
    assert!(!d.delete_before_replace);
    assert_eq!(actions(&d), [wit::ActionKind::Replace]);
    let kinds: Vec<_> = d.detailed_diff.iter().map(|p| (p.property.as_str(), p.kind)).collect();
    assert_eq!(kinds, [("accountId", wit::PropertyDiffKind::DeleteReplace), ("zoneId", wit::PropertyDiffKind::AddReplace)]);
    // Update refuses to move it, without a call.
    assert!(matches!(w.session.update(&w.conn, &old, &zone_args(), None, false).unwrap(), Err(wit::Error::InvalidInput(_))));
    assert_eq!(take_calls(&w.emu), Vec::<String>::new());

    let applied = host_tests::engine::up(&mut w.session, &w.conn, Some(&old), &zone_args(), now(&w.clock)).unwrap().unwrap();
    let new = applied.state().clone();
    assert!(matches!(applied, host_tests::engine::Applied::Replaced(..)));
    assert_eq!(
        take_calls(&w.emu),
        [format!("POST /zones/{ZONE}/access/service_tokens"), format!("DELETE /accounts/{ACCOUNT}/access/service_tokens/{}", old.id)]
    );
    assert_ne!(new.id, old.id);
    assert_eq!(new.args.zone_id.as_deref(), Some(ZONE));
    assert!(new.client_secret.is_some());
    let remaining: Vec<_> = w.emu.tokens().into_iter().map(|t| t.id).collect();
    assert_eq!(remaining, [new.id]);
}

#[test]
fn a_token_deleted_behind_our_back_reads_as_gone() {
    let mut w = world();
    let created = applied(w.session.create(&w.conn, &seed_args(), false).unwrap().unwrap());
    take_calls(&w.emu);
    // While it exists, read returns the live token and keeps the secret.
    let live = w.session.read(&w.conn, &created).unwrap().unwrap().unwrap();
    assert_eq!(live.client_secret, created.client_secret);
    assert_eq!(live.expires_at, created.expires_at);
    assert!(w.emu.remove_token(&cloudflare_emulator::Scope::Account(ACCOUNT.into()), &created.id));
    assert_eq!(w.session.read(&w.conn, &created).unwrap().unwrap(), None);
    let get = format!("GET /accounts/{ACCOUNT}/access/service_tokens/{}", created.id);
    assert_eq!(take_calls(&w.emu), [get.clone(), get]);
}

#[test]
fn renaming_in_the_dashboard_shows_as_drift_after_a_read() {
    let mut w = world();
    let created = applied(w.session.create(&w.conn, &seed_args(), false).unwrap().unwrap());
    // Someone renames it with another client (a direct API call here).
    let token = w.emu.tokens()[0].clone();
    let url = format!("{}/accounts/{ACCOUNT}/access/service_tokens/{}", w.emu.base_url(), token.id);
    let status = put_json(&url, r#"{"name":"renamed by hand"}"#);
    assert_eq!(status, 200);
    take_calls(&w.emu);
    let live = w.session.read(&w.conn, &created).unwrap().unwrap().unwrap();
    assert_eq!(live.args.name, "renamed by hand");
    let d = w.session.diff(&live, &seed_args(), now(&w.clock)).unwrap().unwrap();
    assert_eq!(actions(&d), [wit::ActionKind::Update]);
}

/// A minimal HTTP/1.1 PUT over a socket, to change the emulator's state the
/// way another client would.
fn put_json(url: &str, body: &str) -> u16 {
    use std::io::{Read, Write};
    let rest = url.strip_prefix("http://").unwrap();
    let (host, path) = rest.split_once('/').unwrap();
    let mut stream = std::net::TcpStream::connect(host).unwrap();
    write!(
        stream,
        "PUT /{path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        cloudflare_emulator::DEFAULT_API_TOKEN,
        body.len()
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0)
}
