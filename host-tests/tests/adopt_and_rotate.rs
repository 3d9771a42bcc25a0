//! Import in its three id forms, lookup of unmanaged tokens, and explicit
//! rotation, through the component against the emulator.

mod common;

use cloudflare_emulator::Scope;
use common::*;
use host_tests::harness::wit;

#[test]
fn import_in_all_three_forms_has_a_complete_state_without_secret() {
    let mut w = world();
    let account_token = w.emu.insert_token(Scope::Account(ACCOUNT.into()), "made elsewhere", Some("720h"));
    let zone_token = w.emu.insert_token(Scope::Zone(ZONE.into()), "zone token", None);
    w.emu.clear_requests();
    let forms = [
        (format!("{ACCOUNT}/{}", account_token.id), &account_token, format!("/accounts/{ACCOUNT}")),
        (format!("accounts/{ACCOUNT}/{}", account_token.id), &account_token, format!("/accounts/{ACCOUNT}")),
        (format!("zones/{ZONE}/{}", zone_token.id), &zone_token, format!("/zones/{ZONE}")),
    ];
    for (id, token, prefix) in forms {
        let s = w.session.import(&w.conn, &id).unwrap().unwrap();
        assert_eq!(take_calls(&w.emu), [format!("GET {prefix}/access/service_tokens/{}", token.id)], "{id}");
        assert_eq!(s.id, token.id);
        assert_eq!(s.client_id, token.client_id);
        assert_eq!(s.client_secret, None, "Cloudflare never returns the secret again");
        assert_eq!(s.args.name, token.name);
        assert_eq!(s.args.duration.as_deref(), Some(token.duration.as_str()));
        assert_eq!(s.args.client_secret_version, Some(1));
        assert_eq!(s.expires_at.as_deref(), Some(token.expires_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true).as_str()));
        assert_eq!((s.args.account_id.is_some(), s.args.zone_id.is_some()), (prefix.starts_with("/accounts"), prefix.starts_with("/zones")));
        // The imported state matches a program that declares the same token: no change.
        let declared = wit::TokenArgs { min_days_for_renewal: 0, ..s.args.clone() };
        assert!(!w.session.diff(&s, &declared, now(&w.clock)).unwrap().unwrap().changes);
    }
}

#[test]
fn malformed_import_ids_are_refused_without_a_call() {
    let mut w = world();
    for bad in ["not-an-id", "zones/abc/def", "users/f037e56e89293a057740de681ac9abbe/f174e90a-fafe-4643-bbbc-4a0ed4fc8415"] {
        match w.session.import(&w.conn, bad).unwrap() {
            Err(wit::Error::InvalidInput(f)) => assert!(f[0].reason.contains("zones/<zone_id>/<token_id>"), "{bad}: {f:?}"),
            other => panic!("{bad}: {other:?}"),
        }
    }
    assert_eq!(take_calls(&w.emu), Vec::<String>::new());
}

#[test]
fn importing_a_missing_token_is_not_found() {
    let mut w = world();
    let id = format!("{ACCOUNT}/f174e90a-fafe-4643-bbbc-4a0ed4fc8415");
    assert!(matches!(w.session.import(&w.conn, &id).unwrap(), Err(wit::Error::NotFound(f)) if f.status == 404));
}

#[test]
fn get_looks_up_an_unmanaged_token_read_only() {
    let mut w = world();
    let token = w.emu.insert_token(Scope::Zone(ZONE.into()), "shared token", None);
    w.emu.clear_requests();
    let s = w.session.get(&w.conn, &wit::Scope::Zone(ZONE.into()), &token.id).unwrap().unwrap();
    assert_eq!((s.id.as_str(), s.args.name.as_str(), s.client_secret.as_ref()), (token.id.as_str(), "shared token", None));
    assert_eq!(take_calls(&w.emu), [format!("GET /zones/{ZONE}/access/service_tokens/{}", token.id)]);
    let missing = w.session.get(&w.conn, &wit::Scope::Zone(ZONE.into()), "f174e90a-fafe-4643-bbbc-4a0ed4fc8415").unwrap();
    assert!(matches!(missing, Err(wit::Error::NotFound(_))));
}

#[test]
fn explicit_rotation_keeps_the_client_id_and_returns_a_new_secret() {
    let mut w = world();
    // Account scope: POST …/rotate with the grace period.
    let created = applied(w.session.create(&w.conn, &seed_args(), false).unwrap().unwrap());
    take_calls(&w.emu);
    let rotated = w.session.rotate(&w.conn, &created, Some("2026-12-01T00:00:00Z")).unwrap().unwrap();
    assert_eq!(bodies(&w.emu), [Some(serde_json::json!({"previous_client_secret_expires_at": "2026-12-01T00:00:00Z"}))]);
    assert_eq!(take_calls(&w.emu), [format!("POST /accounts/{ACCOUNT}/access/service_tokens/{}/rotate", created.id)]);
    assert_eq!(rotated.client_id, created.client_id);
    assert_ne!(rotated.client_secret, created.client_secret);
    assert_eq!(rotated.client_secret.as_deref(), Some(w.emu.tokens()[0].client_secret.as_str()));
    assert_eq!(rotated.args.client_secret_version, Some(2));

    // An imported token has no secret: rotation recovers one. Zone scope has
    // no rotate route: the live version is read, then a PUT bumps it.
    let zone_token = w.emu.insert_token(Scope::Zone(ZONE.into()), "zone", None);
    let imported = w.session.import(&w.conn, &format!("zones/{ZONE}/{}", zone_token.id)).unwrap().unwrap();
    take_calls(&w.emu);
    let recovered = w.session.rotate(&w.conn, &imported, None).unwrap().unwrap();
    let item = format!("/zones/{ZONE}/access/service_tokens/{}", zone_token.id);
    assert_eq!(bodies(&w.emu)[1], Some(serde_json::json!({"name": "zone", "client_secret_version": 2})));
    assert_eq!(take_calls(&w.emu), [format!("GET {item}"), format!("PUT {item}")]);
    assert_eq!(recovered.client_id, zone_token.client_id);
    let live = w.emu.tokens().into_iter().find(|t| t.id == zone_token.id).unwrap();
    assert_eq!(recovered.client_secret.as_deref(), Some(live.client_secret.as_str()));
    assert_ne!(live.client_secret, zone_token.client_secret);
}

#[test]
fn rotation_by_version_in_the_program() {
    let mut w = world();
    let v1 = wit::TokenArgs { client_secret_version: Some(1), ..zone_args() };
    let created = applied(w.session.create(&w.conn, &v1, false).unwrap().unwrap());
    take_calls(&w.emu);
    let v2 = wit::TokenArgs { client_secret_version: Some(2), previous_client_secret_expires_at: Some("2026-11-29T12:00:00Z".into()), ..zone_args() };
    let d = w.session.diff(&created, &v2, now(&w.clock)).unwrap().unwrap();
    assert_eq!(actions(&d), [wit::ActionKind::Rotate]);
    match w.session.update(&w.conn, &created, &v2, None, true).unwrap().unwrap() {
        wit::ApplyOutcome::Planned(p) => {
            assert!(matches!(p.client_secret, Some(wit::Computed::Unknown)));
            assert_eq!(p.client_id, wit::Computed::Known(created.client_id.clone()));
        }
        other => panic!("{other:?}"),
    }
    let rotated = applied(w.session.update(&w.conn, &created, &v2, None, false).unwrap().unwrap());
    assert_eq!(
        bodies(&w.emu),
        [Some(serde_json::json!({"name": "CI/CD app renewed", "client_secret_version": 2, "previous_client_secret_expires_at": "2026-11-29T12:00:00Z"}))]
    );
    assert_eq!(take_calls(&w.emu), [format!("PUT /zones/{ZONE}/access/service_tokens/{}", created.id)]);
    assert_eq!(rotated.client_id, created.client_id);
    assert_eq!(rotated.client_secret.as_deref(), Some(w.emu.tokens()[0].client_secret.as_str()));
    assert_ne!(rotated.client_secret, created.client_secret);
}
