//! A token's life as Terraform drives the provider: each step is the RPCs
//! one Terraform command makes, built as Terraform core builds them (see
//! `support/mod.rs`), against the Cloudflare API emulator, with the exact
//! API calls each step makes.

mod support;

use cloudflare_emulator::{duration, Scope, DEFAULT_API_TOKEN};
use serde_json::{json, Value};
use support::*;

/// The seed program's token, as its `resource "cfaccess_service_token"` block.
fn seed_config(schema: &Schema) -> Value {
    schema.object(json!({"name": "CI/CD app", "account_id": ACCOUNT, "duration": "8760h", "min_days_for_renewal": 30}))
}

/// The attributes the API computes.
const COMPUTED: [&str; 4] = ["id", "client_id", "client_secret", "expires_at"];

fn text<'a>(state: &'a Value, name: &str) -> &'a str {
    state[name].as_str().unwrap_or_else(|| panic!("{name} is not a string in {state}"))
}

#[test]
fn the_seed_token_lives_its_life_as_terraform_drives_it() {
    let emu = emulator();
    let mut tf = Terraform::start(&[]);
    let schema = tf.resource();
    tf.configure_emulator(&emu.base_url(), DEFAULT_API_TOKEN, 1000);
    let config = seed_config(&schema);

    // terraform plan: a create, what the API computes unknown, no call.
    let plan = tf.plan(&Value::Null, &config);
    assert_eq!(plan.action, Action::Create);
    assert!(plan.diagnostics.is_empty(), "{}", describe(&plan.diagnostics));
    for name in COMPUTED {
        assert!(is_unknown(&plan.planned[name]), "{name} is known after apply: {}", plan.planned);
    }
    for name in ["name", "account_id", "zone_id", "duration", "min_days_for_renewal"] {
        assert_eq!(plan.planned[name], config[name], "{name} as configured");
    }
    assert_eq!(calls(&emu), Vec::<String>::new(), "a plan makes no call");

    // terraform apply: one POST; every value the plan knew is unchanged
    // (checked attribute by attribute in `apply`, as Terraform does).
    let state = tf.apply(&Value::Null, &plan, &config);
    assert_eq!(calls(&emu), [format!("POST {}", account_tokens())]);
    let stored = emu.tokens().into_iter().next().expect("the token exists");
    assert_eq!((text(&state, "id"), text(&state, "client_id"), text(&state, "client_secret")), (stored.id.as_str(), stored.client_id.as_str(), stored.client_secret.as_str()));
    assert_eq!(epoch_seconds(text(&state, "expires_at")), stored.expires_at.timestamp());
    let known: Vec<&String> = plan.planned.as_object().unwrap().iter().filter(|(_, v)| !is_unknown(v)).map(|(k, _)| k).collect();
    for name in known {
        assert_eq!(state[name], plan.planned[name], "{name} was planned known and must not change at apply");
    }

    // The next terraform plan: the stored state (its JSON) upgraded, read
    // (one GET, no drift), planned: no change, no call.
    let upgraded = tf.upgrade(&state);
    assert_eq!(upgraded, state, "an upgrade at the same version changes nothing");
    assert_eq!(calls(&emu), Vec::<String>::new());
    let read = tf.read(&upgraded);
    assert_eq!(read, state, "a read right after the create finds no drift");
    let token_path = format!("{}/{}", account_tokens(), stored.id);
    assert_eq!(calls(&emu), [format!("GET {token_path}")]);
    let plan = tf.plan(&read, &config);
    assert_eq!((plan.action, &plan.planned), (Action::NoOp, &read), "planned == prior: {}", describe(&plan.diagnostics));
    assert!(plan.diagnostics.is_empty(), "{}", describe(&plan.diagnostics));
    assert_eq!(calls(&emu), Vec::<String>::new());

    // 340 days later, the next run: a fresh provider process whose clock is
    // 340 days on, as the API's is.
    emu.clock().advance(duration::parse("8160h").unwrap());
    tf.restart(&[(CLOCK_OFFSET, "29376000")]);
    tf.configure_emulator(&emu.base_url(), DEFAULT_API_TOKEN, 1000);
    let upgraded = tf.upgrade(&state);
    let read = tf.read(&upgraded);
    assert_eq!(read, state, "a read never renews: it changes nothing");
    assert_eq!(calls(&emu), [format!("GET {token_path}")], "and makes only one GET");
    let plan = tf.plan(&read, &config);
    assert_eq!(plan.action, Action::Update);
    assert!(is_unknown(&plan.planned["expires_at"]), "the renewal shows as expires_at (known after apply): {}", plan.planned);
    for (name, value) in read.as_object().unwrap().iter().filter(|(k, _)| *k != "expires_at") {
        assert_eq!(&plan.planned[name], value, "a renewal changes only expires_at");
    }
    let warnings = plan.warnings();
    assert_eq!(warnings.len(), 1, "{}", describe(&plan.diagnostics));
    let summary = warnings[0]["summary"].as_str().unwrap();
    let detail = warnings[0]["detail"].as_str().unwrap();
    assert!(summary.contains("Renewal"), "{summary}");
    assert!(detail.contains("30-day renewal window"), "the warning gives the reason: {detail}");
    assert_eq!(path_attribute(&warnings[0]["attribute"]).as_deref(), Some("expires_at"));
    assert_eq!(calls(&emu), Vec::<String>::new(), "planning the renewal makes no call");
    // terraform apply's apply walk runs in a provider process of its own.
    tf.restart(&[(CLOCK_OFFSET, "29376000")]);
    tf.configure_emulator(&emu.base_url(), DEFAULT_API_TOKEN, 1000);
    let renewed = tf.apply(&read, &plan, &config);
    assert_eq!(calls(&emu), [format!("POST {token_path}/refresh")]);
    assert_eq!(renewed["client_secret"], state["client_secret"], "a renewal keeps the secret");
    assert_eq!(renewed["client_id"], state["client_id"]);
    let renewed_stored = emu.tokens().into_iter().next().unwrap();
    assert_eq!(epoch_seconds(text(&renewed, "expires_at")), renewed_stored.expires_at.timestamp());
    assert!(epoch_seconds(text(&renewed, "expires_at")) >= epoch_seconds(text(&state, "expires_at")) + 339 * 86_400, "renewed for a year from now: {renewed}");

    // A rename is one PUT, in place.
    let renamed_config = schema.object(json!({"name": "CI/CD app renamed", "account_id": ACCOUNT, "duration": "8760h", "min_days_for_renewal": 30}));
    let plan = tf.plan(&renewed, &renamed_config);
    assert_eq!((plan.action, plan.replaces.len()), (Action::Update, 0));
    assert_eq!(plan.planned["name"], "CI/CD app renamed");
    assert_eq!(calls(&emu), Vec::<String>::new());
    let renamed = tf.apply(&renewed, &plan, &renamed_config);
    assert_eq!(calls(&emu), [format!("PUT {token_path}")]);
    assert_eq!((&renamed["name"], &renamed["id"], &renamed["client_secret"]), (&json!("CI/CD app renamed"), &state["id"], &state["client_secret"]));

    // Another account replaces the token: requires_replace names account_id,
    // and the replacement is planned as a create.
    let moved_config = schema.object(json!({"name": "CI/CD app renamed", "account_id": OTHER_ACCOUNT, "duration": "8760h", "min_days_for_renewal": 30}));
    let plan = tf.plan(&renamed, &moved_config);
    let named: Vec<Option<String>> = plan.response["requires_replace"].as_array().unwrap().iter().map(path_attribute).collect();
    assert!(named.contains(&Some("account_id".into())), "{}", plan.response);
    assert_eq!((plan.action, &plan.replaces), (Action::Replace, &vec!["account_id".to_string()]));
    assert!(is_unknown(&plan.planned["id"]) && is_unknown(&plan.planned["client_secret"]), "a new token: {}", plan.planned);
    assert_eq!(calls(&emu), Vec::<String>::new());

    // terraform destroy: PlanResourceChange with null config and proposed
    // state plans null; ApplyResourceChange with planned null is one DELETE.
    let plan = tf.plan_destroy(&renamed);
    assert!(plan.diagnostics.is_empty(), "{}", describe(&plan.diagnostics));
    assert_eq!(calls(&emu), Vec::<String>::new());
    let gone = tf.apply(&renamed, &plan, &Value::Null);
    assert!(gone.is_null(), "{gone}");
    assert_eq!(calls(&emu), [format!("DELETE {token_path}")]);
    assert!(emu.tokens().is_empty());

    let stopped = tf.stop();
    assert_eq!((&stopped["exit_code"], &stopped["exited_within_2s"]), (&json!(0), &json!(true)), "{stopped}");
    assert_no_secret_leaked(&mut tf, &emu, &[]);
}

#[test]
fn a_new_account_replaces_the_token_delete_then_create() {
    let emu = emulator();
    let mut tf = Terraform::start(&[]);
    let schema = tf.resource();
    tf.configure_emulator(&emu.base_url(), DEFAULT_API_TOKEN, 1000);
    let config = schema.object(json!({"name": "moving", "account_id": ACCOUNT}));
    let plan = tf.plan(&Value::Null, &config);
    let state = tf.apply(&Value::Null, &plan, &config);
    assert_eq!(calls(&emu), [format!("POST {}", account_tokens())]);

    let moved = schema.object(json!({"name": "moving", "account_id": OTHER_ACCOUNT}));
    let plan = tf.plan(&state, &moved);
    assert_eq!((plan.action, &plan.replaces), (Action::Replace, &vec!["account_id".to_string()]));
    let replaced = tf.apply(&state, &plan, &moved);
    let other = tokens_path(&format!("accounts/{OTHER_ACCOUNT}"));
    assert_eq!(calls(&emu), [format!("DELETE {}/{}", account_tokens(), text(&state, "id")), format!("POST {other}")]);
    assert_eq!(replaced["account_id"], OTHER_ACCOUNT);
    assert_ne!(replaced["id"], state["id"]);
    let live = emu.tokens();
    assert_eq!(live.len(), 1);
    assert_eq!((live[0].id.as_str(), &live[0].scope), (text(&replaced, "id"), &Scope::Account(OTHER_ACCOUNT.into())));
    assert_no_secret_leaked(&mut tf, &emu, &[]);
}

#[test]
fn existing_tokens_import_in_every_id_form_and_a_token_deleted_outside_reads_as_gone() {
    let emu = emulator();
    let mut tf = Terraform::start(&[]);
    let schema = tf.resource();
    tf.configure_emulator(&emu.base_url(), DEFAULT_API_TOKEN, 1000);
    let account_token = emu.insert_token(Scope::Account(ACCOUNT.into()), "legacy", Some("8760h"));
    let zone_token = emu.insert_token(Scope::Zone(ZONE.into()), "zone legacy", None);

    let forms = [
        (format!("{ACCOUNT}/{}", account_token.id), &account_token, format!("{}/{}", account_tokens(), account_token.id)),
        (format!("accounts/{ACCOUNT}/{}", account_token.id), &account_token, format!("{}/{}", account_tokens(), account_token.id)),
        (format!("zones/{ZONE}/{}", zone_token.id), &zone_token, format!("{}/{}", tokens_path(&format!("zones/{ZONE}")), zone_token.id)),
    ];
    let mut imported = Vec::new();
    for (id, token, path) in &forms {
        // terraform import: ImportResourceState, then ReadResource of it.
        let state = tf.import(id).unwrap_or_else(|d| panic!("import {id}: {}", describe(&d)));
        assert_eq!(calls(&emu), [format!("GET {path}"), format!("GET {path}")], "import {id}: one GET to import, one to read");
        assert_eq!((text(&state, "id"), text(&state, "name"), text(&state, "client_id")), (token.id.as_str(), token.name.as_str(), token.client_id.as_str()), "import {id}");
        assert!(state["client_secret"].is_null(), "Cloudflare never shows a secret again: {state}");
        let zone = id.starts_with("zones/");
        assert_eq!((state["account_id"].is_null(), state["zone_id"].is_null()), (zone, !zone), "import {id}: {state}");
        assert_eq!(epoch_seconds(text(&state, "expires_at")), token.expires_at.timestamp());
        imported.push(state);
    }
    assert_eq!(imported[0], imported[1], "both account forms import the same state");

    // The imported token under its configuration: no change to plan.
    let config = schema.object(json!({"name": "legacy", "account_id": ACCOUNT, "duration": "8760h"}));
    let state = tf.upgrade(&imported[0]);
    let read = tf.read(&state);
    let plan = tf.plan(&read, &config);
    assert_eq!(plan.action, Action::NoOp, "planned {} over {read}: {}", plan.planned, describe(&plan.diagnostics));
    calls(&emu);

    // Deleted behind Terraform's back: the read says gone (null), so the
    // next plan creates it again.
    assert!(emu.remove_token(&Scope::Account(ACCOUNT.into()), &account_token.id));
    let gone = tf.read(&state);
    assert!(gone.is_null(), "a token deleted outside reads as null: {gone}");
    assert_eq!(calls(&emu), [format!("GET {}/{}", account_tokens(), account_token.id)]);
    let plan = tf.plan(&gone, &config);
    assert_eq!(plan.action, Action::Create);
    assert_eq!(calls(&emu), Vec::<String>::new());

    // An id in none of the three forms is refused before any call.
    let bad = tf.import("not-an-import-id").expect_err("a malformed import id");
    let detail = bad[0]["detail"].as_str().unwrap();
    assert!(detail.contains("\"not-an-import-id\"") && detail.contains("zones/<zone_id>/<token_id>"), "it says which forms work: {detail}");
    assert_eq!(calls(&emu), Vec::<String>::new());

    // Importing a token that does not exist fails with a diagnostic.
    let missing = format!("{ACCOUNT}/{}", account_token.id);
    let not_found = tf.import(&missing).expect_err("no such token");
    assert!(not_found[0]["summary"].as_str().unwrap().contains("Not found") && not_found[0]["detail"].as_str().unwrap().contains("HTTP 404"), "{}", describe(&not_found));
    assert_eq!(calls(&emu), [format!("GET {}/{}", account_tokens(), account_token.id)]);
    assert_no_secret_leaked(&mut tf, &emu, &[]);
}

#[test]
fn the_data_source_reads_a_token_without_its_secret() {
    let emu = emulator();
    let mut tf = Terraform::start(&[]);
    let schemas = tf.schemas();
    assert!(schemas.data_source.attributes.iter().all(|a| a.name != "client_secret" && !a.sensitive), "the data source has no secret");
    tf.configure_emulator(&emu.base_url(), DEFAULT_API_TOKEN, 1000);
    let token = emu.insert_token(Scope::Account(ACCOUNT.into()), "looked up", Some("17520h"));
    let zone_token = emu.insert_token(Scope::Zone(ZONE.into()), "zone looked up", None);

    for (config, want, path) in [
        (json!({"token_id": token.id, "account_id": ACCOUNT}), &token, format!("{}/{}", account_tokens(), token.id)),
        (json!({"token_id": zone_token.id, "zone_id": ZONE}), &zone_token, format!("{}/{}", tokens_path(&format!("zones/{ZONE}")), zone_token.id)),
    ] {
        let config = schemas.data_source.object(config);
        let validated = tf.ok("ValidateDataResourceConfig", json!({"type_name": TOKEN, "config": config}));
        assert_eq!(validated["diagnostics"], json!([]));
        // planDataSource: the configuration wholly known, so it is read at plan time.
        let read = tf.ok("ReadDataSource", json!({"type_name": TOKEN, "config": config}));
        assert_eq!(read["diagnostics"], json!([]), "{read}");
        let state = &read["state"];
        assert!(wholly_known(state), "{state}");
        assert_eq!((text(state, "id"), text(state, "name"), text(state, "client_id"), text(state, "duration")), (want.id.as_str(), want.name.as_str(), want.client_id.as_str(), want.duration.as_str()));
        assert_eq!(state["token_id"], config["token_id"], "configured values come back as they were");
        assert_eq!((&state["account_id"], &state["zone_id"]), (&config["account_id"], &config["zone_id"]));
        assert_eq!(epoch_seconds(text(state, "expires_at")), want.expires_at.timestamp());
        assert_eq!((&state["enabled"], epoch_seconds(text(state, "created_at")), &state["last_seen_at"]), (&json!(true), want.created_at.timestamp(), &Value::Null), "{state}");
        assert!(!state.to_string().contains(&want.client_secret), "no secret in the data source: {state}");
        assert_eq!(calls(&emu), [format!("GET {path}")]);
    }

    // Values known only after apply: `terraform validate` accepts them (and
    // Terraform reads the data source at apply time, when they are known).
    let pending = schemas.data_source.object(json!({"token_id": unknown(), "account_id": unknown()}));
    let validated = tf.ok("ValidateDataResourceConfig", json!({"type_name": TOKEN, "config": pending}));
    assert_eq!(validated["diagnostics"], json!([]), "{validated}");

    let both = schemas.data_source.object(json!({"token_id": token.id, "account_id": ACCOUNT, "zone_id": ZONE}));
    let refused = tf.ok("ValidateDataResourceConfig", json!({"type_name": TOKEN, "config": both}));
    assert_eq!(errors(&refused["diagnostics"]).len(), 1, "{refused}");
    let missing = schemas.data_source.object(json!({"token_id": "6f0a3c1e-0000-4000-8000-000000000000", "account_id": ACCOUNT}));
    let not_found = tf.ok("ReadDataSource", json!({"type_name": TOKEN, "config": missing}));
    assert_eq!(errors(&not_found["diagnostics"]).len(), 1, "a token that does not exist is an error: {not_found}");
    assert_eq!(calls(&emu).len(), 1, "one GET");
    assert_no_secret_leaked(&mut tf, &emu, &[]);
}

/// A state of cloudflare/terraform-provider-cloudflare v5's
/// `cloudflare_zero_trust_access_service_token` (schema version 500), as its
/// state file holds it.
fn v5_state(token: &cloudflare_emulator::StoredToken, expires_at: &str) -> Value {
    json!({
        "id": token.id, "account_id": ACCOUNT, "zone_id": null, "name": token.name, "duration": token.duration,
        "client_id": token.client_id, "client_secret": token.client_secret, "expires_at": expires_at,
        "client_secret_version": 1, "previous_client_secret_expires_at": null,
    })
}

/// A state of v4's `cloudflare_access_service_token` (SDKv2, schema version 0).
fn v4_state(token: &cloudflare_emulator::StoredToken, expires_at: &str) -> Value {
    json!({
        "id": token.id, "account_id": ACCOUNT, "zone_id": null, "name": token.name, "duration": token.duration,
        "client_id": token.client_id, "client_secret": token.client_secret, "expires_at": expires_at,
        "min_days_for_renewal": 30, "client_secret_version": 1, "previous_client_secret_expires_at": "",
    })
}

#[test]
fn a_cloudflare_provider_state_moves_here_with_its_secret_and_no_call() {
    let emu = emulator();
    let mut tf = Terraform::start(&[]);
    let schemas = tf.schemas();
    assert_eq!(schemas.capabilities["move_resource_state"], true, "Terraform requires it for a moved block across types");
    tf.configure_emulator(&emu.base_url(), DEFAULT_API_TOKEN, 1000);

    for (source_type, version, make) in [
        ("cloudflare_zero_trust_access_service_token", 500, v5_state as fn(&cloudflare_emulator::StoredToken, &str) -> Value),
        ("cloudflare_access_service_token", 0, v4_state),
    ] {
        let token = emu.insert_token(Scope::Account(ACCOUNT.into()), &format!("moved from {source_type}"), Some("8760h"));
        // The emulator's own rendering of the time, as the Cloudflare provider stored it.
        let expires_at = token.expires_at.to_rfc3339();
        let source = make(&token, &expires_at);
        calls(&emu);
        // moved { from = <source_type>.x  to = cfaccess_service_token.x }:
        // MoveResourceState with the raw, un-upgraded source state
        // (`internal/refactoring/cross_provider_move.go`).
        let moved = tf.ok(
            "MoveResourceState",
            json!({
                "source_provider_address": "registry.terraform.io/cloudflare/cloudflare",
                "source_type_name": source_type,
                "source_schema_version": version,
                "source_state": source,
                "target_type_name": TOKEN,
            }),
        );
        assert_eq!(moved["diagnostics"], json!([]), "{moved}");
        let target = moved["target_state"].clone();
        assert!(wholly_known(&target), "Terraform refuses unknowns in a moved state: {target}");
        assert_eq!(target["client_secret"], token.client_secret, "the secret is kept");
        assert_eq!((text(&target, "id"), text(&target, "client_id"), text(&target, "name")), (token.id.as_str(), token.client_id.as_str(), token.name.as_str()));
        let min_days = if version == 0 { 30 } else { 0 };
        assert_eq!(target["min_days_for_renewal"], min_days, "v4's renewal window is kept; v5 has none");
        assert_eq!((&target["enabled"], &target["created_at"], &target["last_seen_at"]), (&json!(true), &Value::Null, &Value::Null), "enabled, and the times read at the next refresh");
        assert_eq!(calls(&emu), Vec::<String>::new(), "a move makes no call");

        // Then it is a state like any other: upgraded, read, planned.
        let state = tf.upgrade(&target);
        let read = tf.read(&state);
        assert_eq!(read["client_secret"], token.client_secret);
        assert_eq!(epoch_seconds(text(&read, "created_at")), token.created_at.timestamp(), "the refresh reads when it was created");
        assert_eq!(calls(&emu), [format!("GET {}/{}", account_tokens(), token.id)]);
        let config = schemas.resource.object(json!({"name": token.name, "account_id": ACCOUNT, "duration": "8760h", "min_days_for_renewal": min_days}));
        let plan = tf.plan(&read, &config);
        assert_eq!(plan.action, Action::NoOp, "{} over {read}", plan.planned);
    }

    let other = tf.ok(
        "MoveResourceState",
        json!({"source_provider_address": "registry.terraform.io/hashicorp/random", "source_type_name": "random_password", "source_schema_version": 3, "source_state": {"id": "none", "result": "s3cr3t-password"}, "target_type_name": TOKEN}),
    );
    assert_eq!(errors(&other["diagnostics"]).len(), 1, "another resource type cannot move here: {other}");
    assert!(other["target_state"].is_null());
    assert_no_secret_leaked(&mut tf, &emu, &["s3cr3t-password"]);
}

#[test]
fn a_zone_token_renews_in_place_with_one_put() {
    // Cloudflare has no zone-level refresh route: a zone token renews with a
    // PUT carrying its duration.
    let emu = emulator();
    let mut tf = Terraform::start(&[]);
    let schema = tf.resource();
    tf.configure_emulator(&emu.base_url(), DEFAULT_API_TOKEN, 1000);
    let config = schema.object(json!({"name": "zone app", "zone_id": ZONE, "duration": "8760h", "min_days_for_renewal": 30}));
    let plan = tf.plan(&Value::Null, &config);
    let state = tf.apply(&Value::Null, &plan, &config);
    let zone_tokens = tokens_path(&format!("zones/{ZONE}"));
    assert_eq!(calls(&emu), [format!("POST {zone_tokens}")]);

    emu.clock().advance(duration::parse("8160h").unwrap());
    tf.restart(&[(CLOCK_OFFSET, "29376000")]);
    tf.configure_emulator(&emu.base_url(), DEFAULT_API_TOKEN, 1000);
    let upgraded = tf.upgrade(&state);
    let read = tf.read(&upgraded);
    assert_eq!(read, state);
    let plan = tf.plan(&read, &config);
    assert_eq!(plan.action, Action::Update);
    assert!(is_unknown(&plan.planned["expires_at"]));
    assert_eq!(plan.warnings().len(), 1, "{}", describe(&plan.diagnostics));
    calls(&emu);
    let renewed = tf.apply(&read, &plan, &config);
    assert_eq!(calls(&emu), [format!("PUT {zone_tokens}/{}", text(&state, "id"))]);
    assert_eq!((&renewed["client_secret"], &renewed["client_id"]), (&state["client_secret"], &state["client_id"]));
    assert!(epoch_seconds(text(&renewed, "expires_at")) > epoch_seconds(text(&state, "expires_at")) + 300 * 86_400, "{renewed}");
    let again = tf.plan(&renewed, &config);
    assert_eq!(again.action, Action::NoOp, "renewed, nothing more to do: {}", describe(&again.diagnostics));
    assert_no_secret_leaked(&mut tf, &emu, &[]);
}
