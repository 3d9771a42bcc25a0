//! `enabled`, `created_at` and `last_seen_at` as Terraform drives them,
//! each step the RPCs one Terraform command makes (see `support/mod.rs`),
//! against the Cloudflare API emulator, with the exact API calls and their
//! bodies: a token disabled in place by its configuration and enabled
//! again; one disabled outside Terraform (by a person, by the account's
//! inactivity cleanup), read back disabled and planned enabled again with
//! the reason; one created disabled; and `last_seen_at`, read on refresh,
//! never making a plan non-empty.

mod support;

use cloudflare_emulator::{CleanupAction, InactivityCleanup, Scope, StoredToken, DEFAULT_API_TOKEN};
use serde_json::{json, Value};
use support::*;

fn account() -> Scope {
    Scope::Account(ACCOUNT.into())
}

fn text<'a>(state: &'a Value, name: &str) -> &'a str {
    state[name].as_str().unwrap_or_else(|| panic!("{name} is not a string in {state}"))
}

/// The emulator's token `id`, as it is now.
fn stored(emu: &cloudflare_emulator::Emulator, id: &str) -> StoredToken {
    emu.tokens().into_iter().find(|t| t.id == id).unwrap_or_else(|| panic!("no token {id}"))
}

/// Every attribute of `planned` equals `prior`'s, but those named.
fn assert_only_changes(prior: &Value, planned: &Value, changed: &[&str]) {
    for (name, value) in prior.as_object().unwrap() {
        if !changed.contains(&name.as_str()) {
            assert_eq!(&planned[name], value, "{name} must not change: planned {planned} over {prior}");
        }
    }
    for name in changed {
        assert_ne!(&planned[*name], &prior[*name], "{name} changes");
    }
}

/// `present_token` with the state's client id and secret: the status.
fn works(emu: &cloudflare_emulator::Emulator, state: &Value) -> u16 {
    present_token(emu, &account(), text(state, "client_id"), text(state, "client_secret")).0
}

/// A created token: the plan and apply of `config`, one POST; the state.
fn create(tf: &mut Terraform, emu: &cloudflare_emulator::Emulator, config: &Value) -> (Value, Option<Value>) {
    let plan = tf.plan(&Value::Null, config);
    assert_eq!(plan.action, Action::Create, "{}", describe(&plan.diagnostics));
    let state = tf.apply(&Value::Null, &plan, config);
    let sent = calls_with_bodies(emu);
    assert_eq!(sent.iter().map(|(c, _)| c.clone()).collect::<Vec<_>>(), [format!("POST {}", account_tokens())]);
    (state, sent[0].1.clone())
}

#[test]
fn enabled_false_disables_the_token_in_place_with_one_put_and_true_enables_it_again() {
    let emu = emulator();
    let mut tf = Terraform::start(&[]);
    let schema = tf.resource();
    let enabled = schema.attribute("enabled");
    assert_eq!((&enabled.ty, enabled.optional, enabled.computed, enabled.required), (&json!("bool"), true, true, false), "optional, planned at its default");
    for name in ["created_at", "last_seen_at"] {
        let a = schema.attribute(name);
        assert_eq!((&a.ty, a.optional, a.computed), (&json!("string"), false, true), "{name}");
    }
    tf.configure_emulator(&emu.base_url(), DEFAULT_API_TOKEN, 1000);

    // Left out, `enabled` is planned true; created_at is known after apply;
    // last_seen_at is null (a new token has never authenticated).
    let config = schema.object(json!({"name": "CI/CD app", "account_id": ACCOUNT}));
    let plan = tf.plan(&Value::Null, &config);
    assert_eq!((&plan.planned["enabled"], is_unknown(&plan.planned["created_at"]), &plan.planned["last_seen_at"]), (&json!(true), true, &Value::Null), "{}", plan.planned);
    let state = tf.apply(&Value::Null, &plan, &config);
    let sent = calls_with_bodies(&emu);
    assert_eq!(sent.len(), 1);
    let body = sent[0].1.as_ref().expect("a body");
    assert!(body.get("enabled").is_none(), "an enabled token is created without saying so: {body}");
    let token = stored(&emu, text(&state, "id"));
    assert_eq!((&state["enabled"], epoch_seconds(text(&state, "created_at")), &state["last_seen_at"]), (&json!(true), token.created_at.timestamp(), &Value::Null));

    // enabled = false: an update of `enabled` only, with a warning that
    // says what it does; no call.
    let disabled_config = schema.object(json!({"name": "CI/CD app", "account_id": ACCOUNT, "enabled": false}));
    let read = tf.read(&state);
    assert_eq!(read, state);
    calls(&emu);
    let plan = tf.plan(&read, &disabled_config);
    assert_eq!((plan.action, plan.replaces.len()), (Action::Update, 0), "{}", describe(&plan.diagnostics));
    assert_only_changes(&read, &plan.planned, &["enabled"]);
    assert_eq!(plan.planned["enabled"], false);
    let warnings = plan.warnings();
    assert_eq!(warnings.len(), 1, "{}", describe(&plan.diagnostics));
    assert_eq!(path_attribute(&warnings[0]["attribute"]).as_deref(), Some("enabled"));
    assert!(warnings[0]["detail"].as_str().unwrap().contains("enabled true → false"), "{}", describe(&plan.diagnostics));
    assert_eq!(calls(&emu), Vec::<String>::new(), "a plan makes no call");

    // terraform apply: exactly one PUT, carrying `"enabled": false`; the
    // same token, client id and secret, which no longer authenticate.
    let token_path = format!("{}/{}", account_tokens(), text(&state, "id"));
    let off = tf.apply(&read, &plan, &disabled_config);
    let sent = calls_with_bodies(&emu);
    assert_eq!(sent.iter().map(|(c, _)| c.as_str()).collect::<Vec<_>>(), [format!("PUT {token_path}")]);
    assert_eq!(sent[0].1.as_ref().unwrap()["enabled"], false, "{:?}", sent[0].1);
    assert_only_changes(&state, &off, &["enabled"]);
    assert!(!stored(&emu, text(&state, "id")).enabled);
    let (status, answer) = present_token(&emu, &account(), text(&off, "client_id"), text(&off, "client_secret"));
    assert_eq!((status, &answer["reason"]), (403, &json!("disabled")));

    // Nothing more to do: the read finds it disabled, as configured.
    let read = tf.read(&off);
    assert_eq!(read, off);
    let plan = tf.plan(&read, &disabled_config);
    assert_eq!((plan.action, &plan.planned), (Action::NoOp, &read), "{}", describe(&plan.diagnostics));
    assert!(plan.diagnostics.is_empty(), "{}", describe(&plan.diagnostics));
    calls(&emu);

    // enabled = true again: one PUT carrying `"enabled": true`.
    let enabled_config = schema.object(json!({"name": "CI/CD app", "account_id": ACCOUNT, "enabled": true}));
    let plan = tf.plan(&read, &enabled_config);
    assert_eq!(plan.action, Action::Update);
    assert_only_changes(&read, &plan.planned, &["enabled"]);
    let on = tf.apply(&read, &plan, &enabled_config);
    let sent = calls_with_bodies(&emu);
    assert_eq!(sent.iter().map(|(c, _)| c.as_str()).collect::<Vec<_>>(), [format!("PUT {token_path}")]);
    assert_eq!(sent[0].1.as_ref().unwrap()["enabled"], true);
    assert_eq!(on, state, "the same token as created, enabled");
    assert_eq!(works(&emu, &on), 200);
    assert_no_secret_leaked(&mut tf, &emu, &[]);
}

#[test]
fn a_token_disabled_outside_terraform_reads_as_disabled_and_the_plan_enables_it_again_with_the_reason() {
    let emu = emulator();
    let mut tf = Terraform::start(&[]);
    let schemas = tf.schemas();
    tf.configure_emulator(&emu.base_url(), DEFAULT_API_TOKEN, 1000);
    let config = schemas.resource.object(json!({"name": "CI/CD app", "account_id": ACCOUNT}));
    let (state, _) = create(&mut tf, &emu, &config);
    let id = text(&state, "id").to_string();
    let token_path = format!("{}/{id}", account_tokens());

    // A person disables it (a PUT outside Terraform).
    set_enabled_outside(&emu, &format!("accounts/{ACCOUNT}"), &id, false);
    calls(&emu);

    // terraform plan's refresh: one GET; the state says disabled.
    let read = tf.read(&state);
    assert_eq!(calls(&emu), [format!("GET {token_path}")]);
    assert_only_changes(&state, &read, &["enabled"]);
    assert_eq!(read["enabled"], false);

    // The data source sees it too.
    let looked_up = tf.ok("ReadDataSource", json!({"type_name": TOKEN, "config": schemas.data_source.object(json!({"token_id": id, "account_id": ACCOUNT}))}));
    assert_eq!((&looked_up["state"]["enabled"], &looked_up["state"]["created_at"], &looked_up["state"]["last_seen_at"]), (&json!(false), &state["created_at"], &Value::Null), "{looked_up}");
    calls(&emu);

    // The plan, whether the configuration leaves `enabled` out or says
    // true: an update of `enabled` to true, and a warning naming both
    // possible causes, with when the token last authenticated (never).
    let explicit = schemas.resource.object(json!({"name": "CI/CD app", "account_id": ACCOUNT, "enabled": true}));
    let mut plans = Vec::new();
    for config in [&config, &explicit] {
        let plan = tf.plan(&read, config);
        assert_eq!((plan.action, plan.replaces.len()), (Action::Update, 0), "{}", describe(&plan.diagnostics));
        assert_only_changes(&read, &plan.planned, &["enabled"]);
        assert_eq!(plan.planned["enabled"], true);
        let warnings = plan.warnings();
        assert_eq!(warnings.len(), 1, "{}", describe(&plan.diagnostics));
        let (summary, detail) = (warnings[0]["summary"].as_str().unwrap(), warnings[0]["detail"].as_str().unwrap());
        assert!(summary.contains("enabl"), "{summary}");
        assert!(detail.contains("enabled false → true") && detail.contains("a person disabled it") && detail.contains("inactivity cleanup"), "both causes: {detail}");
        assert!(detail.contains(&format!("never authenticated since it was created at {}", text(&state, "created_at"))), "{detail}");
        assert!(!detail.contains("lastSeenAt") && !detail.contains("createdAt"), "Terraform's words: {detail}");
        assert_eq!(path_attribute(&warnings[0]["attribute"]).as_deref(), Some("enabled"));
        plans.push(plan);
    }
    assert_eq!(calls(&emu), Vec::<String>::new(), "planning makes no call");

    // terraform apply: one PUT with `"enabled": true`; the same client id
    // and secret work again.
    let on = tf.apply(&read, &plans[0], &config);
    let sent = calls_with_bodies(&emu);
    assert_eq!(sent.iter().map(|(c, _)| c.as_str()).collect::<Vec<_>>(), [format!("PUT {token_path}")]);
    assert_eq!(sent[0].1.as_ref().unwrap()["enabled"], true);
    assert_eq!(on, state);
    assert_eq!(works(&emu, &on), 200);
    calls(&emu);

    // Later the account's inactivity cleanup disables it, 30 days after it
    // last authenticated: the read says disabled, still last seen then, and
    // the warning gives that time.
    let read = tf.read(&on);
    let seen = text(&read, "last_seen_at").to_string();
    assert_eq!(epoch_seconds(&seen), stored(&emu, &id).last_seen_at.unwrap().timestamp());
    emu.set_inactivity_cleanup(&account(), Some(InactivityCleanup::new(CleanupAction::Disable, 30).unwrap()));
    emu.clock().advance(cloudflare_emulator::duration::parse("745h").unwrap());
    assert!(!stored(&emu, &id).enabled, "the cleanup disabled it");
    calls(&emu);
    let cleaned = tf.read(&read);
    assert_eq!(calls(&emu), [format!("GET {token_path}")]);
    assert_only_changes(&read, &cleaned, &["enabled"]);
    let plan = tf.plan(&cleaned, &config);
    assert_eq!(plan.action, Action::Update);
    assert_only_changes(&cleaned, &plan.planned, &["enabled"]);
    let detail = plan.warnings()[0]["detail"].as_str().unwrap().to_string();
    assert!(detail.contains(&format!("it last authenticated at {seen}")), "{detail}");
    let on = tf.apply(&cleaned, &plan, &config);
    assert_eq!(calls(&emu), [format!("PUT {token_path}")]);
    assert_eq!((&on["enabled"], &on["client_id"], &on["client_secret"]), (&json!(true), &state["client_id"], &state["client_secret"]));
    assert_eq!(works(&emu, &on), 200, "re-enabled, it restarts the inactivity clock");
    assert_no_secret_leaked(&mut tf, &emu, &[]);
}

#[test]
fn a_token_created_disabled_is_one_post_with_enabled_false() {
    let emu = emulator();
    let mut tf = Terraform::start(&[]);
    let schema = tf.resource();
    tf.configure_emulator(&emu.base_url(), DEFAULT_API_TOKEN, 1000);
    let config = schema.object(json!({"name": "not yet", "account_id": ACCOUNT, "enabled": false}));
    let plan = tf.plan(&Value::Null, &config);
    assert_eq!(plan.planned["enabled"], false);
    assert!(plan.diagnostics.is_empty(), "{}", describe(&plan.diagnostics));
    let (state, body) = create(&mut tf, &emu, &config);
    let body = body.expect("a body");
    assert_eq!((&body["name"], &body["enabled"]), (&json!("not yet"), &json!(false)), "{body}");
    assert_eq!(state["enabled"], false);
    let token = stored(&emu, text(&state, "id"));
    assert!(!token.enabled);
    assert_eq!(present_token(&emu, &account(), &token.client_id, &token.client_secret).0, 403);

    let read = tf.read(&state);
    assert_eq!(read, state, "no drift");
    let plan = tf.plan(&read, &config);
    assert_eq!((plan.action, &plan.planned), (Action::NoOp, &read), "{}", describe(&plan.diagnostics));
    assert_eq!(calls(&emu), [format!("GET {}/{}", account_tokens(), token.id)]);
    assert_no_secret_leaked(&mut tf, &emu, &[]);
}

#[test]
fn last_seen_at_is_read_on_refresh_and_never_makes_a_plan_non_empty() {
    let emu = emulator();
    let mut tf = Terraform::start(&[]);
    let schema = tf.resource();
    tf.configure_emulator(&emu.base_url(), DEFAULT_API_TOKEN, 1000);
    let config = schema.object(json!({"name": "used", "account_id": ACCOUNT, "duration": "8760h"}));
    let (state, _) = create(&mut tf, &emu, &config);
    let id = text(&state, "id").to_string();
    let token_path = format!("{}/{id}", account_tokens());
    assert!(state["last_seen_at"].is_null(), "{state}");

    // A client authenticates at the Access application: no API call.
    let (status, answer) = present_token(&emu, &account(), text(&state, "client_id"), text(&state, "client_secret"));
    assert_eq!((status, &answer["service_token_id"]), (200, &json!(id)), "{answer}");
    assert_eq!(emu.app_requests().len(), 1);
    assert_eq!(calls(&emu), Vec::<String>::new());

    // The refresh reads last_seen_at (one GET); the plan is empty, both
    // over the refreshed state and over the state of before the use
    // (`-refresh=false`).
    let read = tf.read(&state);
    assert_eq!(calls(&emu), [format!("GET {token_path}")]);
    assert_only_changes(&state, &read, &["last_seen_at"]);
    let first_seen = text(&read, "last_seen_at").to_string();
    assert_eq!(epoch_seconds(&first_seen), stored(&emu, &id).last_seen_at.unwrap().timestamp());
    for prior in [&read, &state] {
        let plan = tf.plan(prior, &config);
        assert_eq!((plan.action, &plan.planned), (Action::NoOp, prior), "{}", describe(&plan.diagnostics));
        assert!(plan.diagnostics.is_empty(), "{}", describe(&plan.diagnostics));
    }
    assert_eq!(calls(&emu), Vec::<String>::new());

    // Used again an hour later: the next refresh shows the new time, and
    // the plan is still empty.
    emu.clock().advance(cloudflare_emulator::duration::parse("1h").unwrap());
    assert_eq!(present_token(&emu, &account(), text(&state, "client_id"), text(&state, "client_secret")).0, 200);
    let again = tf.read(&read);
    assert_only_changes(&read, &again, &["last_seen_at"]);
    assert!(epoch_seconds(text(&again, "last_seen_at")) >= epoch_seconds(&first_seen) + 3600, "{again}");
    let plan = tf.plan(&again, &config);
    assert_eq!((plan.action, &plan.planned), (Action::NoOp, &again));
    calls(&emu);

    // A rename planned over that state, and a use between the plan and the
    // apply: the PUT's answer shows the later time, but the apply keeps the
    // planned one (Terraform holds an apply to its plan); the next refresh
    // reads the new one.
    let renamed = schema.object(json!({"name": "used and renamed", "account_id": ACCOUNT, "duration": "8760h"}));
    let plan = tf.plan(&again, &renamed);
    assert_eq!(plan.action, Action::Update);
    assert_only_changes(&again, &plan.planned, &["name"]);
    emu.clock().advance(cloudflare_emulator::duration::parse("1h").unwrap());
    assert_eq!(present_token(&emu, &account(), text(&state, "client_id"), text(&state, "client_secret")).0, 200);
    let applied = tf.apply(&again, &plan, &renamed);
    assert_eq!(calls(&emu), [format!("PUT {token_path}")]);
    assert_eq!(applied["last_seen_at"], again["last_seen_at"]);
    let refreshed = tf.read(&applied);
    assert_only_changes(&applied, &refreshed, &["last_seen_at"]);
    assert_eq!(epoch_seconds(text(&refreshed, "last_seen_at")), stored(&emu, &id).last_seen_at.unwrap().timestamp());
    let plan = tf.plan(&refreshed, &renamed);
    assert_eq!(plan.action, Action::NoOp);
    assert_no_secret_leaked(&mut tf, &emu, &[]);
}

#[test]
fn a_state_stored_before_enabled_existed_upgrades_refreshes_and_plans_no_change() {
    let emu = emulator();
    let mut tf = Terraform::start(&[]);
    let schema = tf.resource();
    tf.configure_emulator(&emu.base_url(), DEFAULT_API_TOKEN, 1000);
    let config = schema.object(json!({"name": "older", "account_id": ACCOUNT, "duration": "8760h"}));
    let (state, _) = create(&mut tf, &emu, &config);
    // The state file as the provider wrote it before these attributes
    // existed (the same schema version).
    let mut older = state.clone();
    for name in ["enabled", "created_at", "last_seen_at"] {
        older.as_object_mut().unwrap().remove(name);
    }
    let upgraded = tf.upgrade(&older);
    assert_eq!((&upgraded["enabled"], &upgraded["created_at"], &upgraded["last_seen_at"]), (&Value::Null, &Value::Null, &Value::Null));
    // `terraform plan -refresh=false`: an enabled token, nothing to do.
    let plan = tf.plan(&upgraded, &config);
    assert_eq!((plan.action, &plan.planned), (Action::NoOp, &upgraded), "{}", describe(&plan.diagnostics));
    assert_eq!(calls(&emu), Vec::<String>::new());
    // The refresh reads all three; then nothing to do either.
    let read = tf.read(&upgraded);
    assert_eq!(read, state);
    let plan = tf.plan(&read, &config);
    assert_eq!(plan.action, Action::NoOp);
    assert_eq!(calls(&emu), [format!("GET {}/{}", account_tokens(), text(&state, "id"))]);
}
