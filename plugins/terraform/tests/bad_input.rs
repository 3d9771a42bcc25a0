//! What Terraform (or something pretending to be it) may send that is wrong:
//! values that are not msgpack, of the wrong types, with attributes the
//! schema lacks; requests that are not protobuf; credentials Cloudflare
//! refuses. Each is an error diagnostic (or an error status), never a crash,
//! never a secret in a message, and the provider keeps serving. And many
//! applies at once share one rate limit.

mod support;

use cloudflare_emulator::DEFAULT_API_TOKEN;
use serde_json::{json, Value};
use std::time::Duration;
use support::*;

/// The error diagnostics of `response`, which must have some.
fn refused(what: &str, response: &Value) -> Vec<Value> {
    let problems = errors(&response["diagnostics"]);
    assert!(!problems.is_empty(), "{what}: an error diagnostic, not {response}");
    problems
}

/// Every attribute of the resource, as a raw msgpack map (`$msgpack`), with `changes`.
fn raw_object(schema: &Schema, changes: Value) -> Value {
    let mut o = schema.object(json!({"name": "x", "account_id": ACCOUNT}));
    for (k, v) in changes.as_object().unwrap() {
        o[k] = v.clone();
    }
    json!({ "$msgpack": o })
}

#[test]
fn values_that_are_not_what_the_schema_says_are_error_diagnostics() {
    let emu = emulator();
    let mut tf = Terraform::start(&[]);
    let schema = tf.resource();
    tf.configure_emulator(&emu.base_url(), DEFAULT_API_TOKEN, 1000);
    let config = schema.object(json!({"name": "x", "account_id": ACCOUNT}));
    let planned = tf.plan(&Value::Null, &config).planned;

    // Not msgpack at all: 0xc1 is never used; 0x93 announces an array of 3 and ends.
    for garbage in ["c1", "93", "de00", "a5ab"] {
        let bytes = json!({"$msgpack_hex": garbage});
        for (rpc, request) in [
            ("ValidateResourceConfig", json!({"type_name": TOKEN, "config": bytes})),
            ("ReadResource", json!({"type_name": TOKEN, "current_state": bytes})),
            ("PlanResourceChange", json!({"type_name": TOKEN, "prior_state": null, "proposed_new_state": bytes, "config": config})),
            ("PlanResourceChange", json!({"type_name": TOKEN, "prior_state": bytes, "proposed_new_state": config, "config": config})),
            ("ApplyResourceChange", json!({"type_name": TOKEN, "prior_state": null, "planned_state": bytes, "config": config})),
            ("ValidateProviderConfig", json!({"config": bytes})),
            ("ValidateDataResourceConfig", json!({"type_name": TOKEN, "config": bytes})),
            ("ReadDataSource", json!({"type_name": TOKEN, "config": bytes})),
        ] {
            let response = tf.ok(rpc, request);
            let problems = refused(&format!("{rpc} {garbage}"), &response);
            assert!(problems[0]["summary"].as_str().unwrap().contains("cannot read"), "{rpc} {garbage}: {}", describe(&problems));
        }
    }

    // Wrong types, an attribute the schema does not have, not an object.
    let cases = [
        ("a number for a string", raw_object(&schema, json!({"name": 5}))),
        ("a string for a number", raw_object(&schema, json!({"min_days_for_renewal": "thirty"}))),
        ("a list for a string", raw_object(&schema, json!({"account_id": [ACCOUNT]}))),
        ("a bool for a number", raw_object(&schema, json!({"client_secret_version": true}))),
        ("an unknown attribute", {
            let mut o = raw_object(&schema, json!({}));
            o["$msgpack"]["acount_id"] = json!(ACCOUNT);
            o
        }),
        ("a string for the object", json!({"$msgpack": "name=x"})),
    ];
    for (what, value) in &cases {
        for (rpc, request) in [
            ("ValidateResourceConfig", json!({"type_name": TOKEN, "config": value})),
            ("PlanResourceChange", json!({"type_name": TOKEN, "prior_state": null, "proposed_new_state": value, "config": value})),
            ("ApplyResourceChange", json!({"type_name": TOKEN, "prior_state": null, "planned_state": value, "config": config})),
            ("ReadResource", json!({"type_name": TOKEN, "current_state": value})),
        ] {
            let response = tf.ok(rpc, request);
            refused(&format!("{rpc} with {what}"), &response);
            assert!(response.get("new_state").is_none_or(Value::is_null) && response.get("planned_state").is_none_or(Value::is_null), "{rpc} with {what}: no value: {response}");
        }
    }
    // An object short of an attribute (go-cty refuses it; the provider's
    // decoder reads the missing one as null, which Terraform never relies on).
    let mut short = raw_object(&schema, json!({}));
    short["$msgpack"].as_object_mut().unwrap().remove("zone_id");
    let tolerated = tf.ok("ValidateResourceConfig", json!({"type_name": TOKEN, "config": short}));
    assert_eq!(tolerated["diagnostics"], json!([]), "{tolerated}");
    // The JSON form of DynamicValue (which Terraform never sends) is read too.
    let json_form = tf.ok("ValidateResourceConfig", json!({"type_name": TOKEN, "config": {"$json": {"name": "x", "account_id": ACCOUNT}}}));
    assert_eq!(json_form["diagnostics"], json!([]), "{json_form}");

    // A resource type this provider does not have, and a state it cannot read.
    for rpc in ["ReadResource", "PlanResourceChange", "ApplyResourceChange", "ImportResourceState", "UpgradeResourceState"] {
        let mut request = json!({"type_name": "cloudflare_record"});
        match rpc {
            "ReadResource" => request["current_state"] = raw_object(&schema, json!({})),
            "PlanResourceChange" => request["proposed_new_state"] = raw_object(&schema, json!({})),
            "ApplyResourceChange" => request["planned_state"] = raw_object(&schema, json!({})),
            "ImportResourceState" => request["id"] = json!(format!("{ACCOUNT}/x")),
            _ => request["raw_state"] = json!({"name": "x"}),
        }
        let response = tf.ok(rpc, request);
        let problems = refused(&format!("{rpc} of another type"), &response);
        assert!(problems[0]["detail"].as_str().unwrap().contains("cloudflare_record"), "{rpc}: {}", describe(&problems));
    }
    let upgrade = |tf: &mut Terraform, version: i64, raw: Value| tf.ok("UpgradeResourceState", json!({"type_name": TOKEN, "version": version, "raw_state": raw}));
    let mut state = planned.clone();
    for k in ["id", "client_id", "client_secret", "client_secret_version", "expires_at", "duration"] {
        state[k] = json!(null);
    }
    refused("a state that is not JSON", &upgrade(&mut tf, 0, json!({"$text": "{not json"})));
    refused("a state from a newer schema", &upgrade(&mut tf, 1, state.clone()));
    let mut extra = state.clone();
    extra["last_seen_at"] = json!("2026-01-01T00:00:00Z");
    refused("a state with an attribute the schema lacks", &upgrade(&mut tf, 0, extra));
    let mut wrong = state.clone();
    wrong["min_days_for_renewal"] = json!("thirty");
    refused("a state of the wrong type", &upgrade(&mut tf, 0, wrong));
    let moved = tf.ok("MoveResourceState", json!({"source_provider_address": "registry.terraform.io/cloudflare/cloudflare", "source_type_name": "cloudflare_zero_trust_access_service_token", "source_schema_version": 500, "source_state": {"$text": "[1,2"}, "target_type_name": TOKEN}));
    refused("a moved state that is not JSON", &moved);

    // Still serving, and nothing reached the API.
    assert_eq!(tf.ok("GetMetadata", json!({}))["resources"], json!([{"type_name": TOKEN}]));
    assert_eq!(calls(&emu), Vec::<String>::new(), "no bad value reached the API");
    let plan = tf.plan(&Value::Null, &config);
    let created = tf.apply(&Value::Null, &plan, &config);
    assert_eq!(calls(&emu), [format!("POST {}", account_tokens())], "and it still works: {created}");
    let stderr = tf.stderr();
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_no_secret_leaked(&mut tf, &emu, &[]);
}

#[test]
fn requests_that_are_not_protobuf_fail_cleanly_and_the_provider_stays_up() {
    let mut tf = Terraform::start(&[]);
    // type_name (field 1) sent as a number; a length that runs past the end;
    // a group wire type; field 0.
    for bytes in [&[0x08, 0x05][..], &[0x0a, 0x10, 0x61], &[0x0b, 0x0c], &[0x00, 0x01], &[0xff; 12]] {
        for rpc in ["ValidateResourceConfig", "PlanResourceChange", "ApplyResourceChange", "ReadResource", "ConfigureProvider"] {
            match tf.raw(rpc, bytes) {
                // grpc-go (terraform-plugin-go) answers Internal to a request
                // it cannot unmarshal; Terraform shows any error status as an
                // error diagnostic.
                Err(status) => assert!(["INTERNAL", "INVALID_ARGUMENT"].contains(&status.code.as_str()) && status.details.contains("decode"), "{rpc} {bytes:02x?}: {status:?}"),
                Ok(response) => panic!("{rpc} {bytes:02x?} decoded: {response}"),
            }
        }
    }
    // An empty request is a valid (all-default) message: a diagnostic, not a crash.
    let empty = tf.raw("ApplyResourceChange", &[]).expect("an empty message decodes");
    refused("an empty ApplyResourceChange", &empty);
    assert_eq!(tf.ok("GetMetadata", json!({}))["resources"], json!([{"type_name": TOKEN}]), "still serving");
    let stopped = tf.stop();
    assert_eq!((&stopped["exit_code"], &stopped["exited_within_2s"]), (&json!(0), &json!(true)), "{stopped}");
}

#[test]
fn credentials_cloudflare_refuses_are_diagnostics_without_the_token() {
    let emu = emulator();
    let mut tf = Terraform::start(&[]);
    let schema = tf.resource();
    let config = schema.object(json!({"name": "x", "account_id": ACCOUNT}));

    // Before ConfigureProvider nothing that needs the API can run.
    let plan = tf.plan(&Value::Null, &config);
    assert_eq!(plan.action, Action::Create, "planning a create needs no credentials: {}", describe(&plan.diagnostics));
    let early = tf.ok("ApplyResourceChange", json!({"type_name": TOKEN, "prior_state": null, "planned_state": plan.planned, "config": config}));
    assert!(refused("an apply before ConfigureProvider", &early)[0]["summary"].as_str().unwrap().contains("not configured"), "{early}");

    // Configured with no credentials anywhere: the calls that need them say how to give them.
    assert!(tf.configure(json!({"base_url": emu.base_url()})).is_empty());
    let none = tf.ok("ApplyResourceChange", json!({"type_name": TOKEN, "prior_state": null, "planned_state": plan.planned, "config": config}));
    let detail = refused("an apply without credentials", &none)[0]["detail"].as_str().unwrap().to_string();
    assert!(detail.contains("api_token") && detail.contains("CLOUDFLARE_API_TOKEN"), "{detail}");
    assert_eq!(calls(&emu), Vec::<String>::new());

    // A token Cloudflare refuses: its answer as a diagnostic, not the token.
    let wrong = "wrong-token-0123456789abcdef";
    let token = emu.insert_token(cloudflare_emulator::Scope::Account(ACCOUNT.into()), "existing", None);
    tf.configure_emulator(&emu.base_url(), wrong, 1000);
    let created = tf.ok("ApplyResourceChange", json!({"type_name": TOKEN, "prior_state": null, "planned_state": plan.planned, "config": config}));
    let problems = refused("a create with a refused token", &created);
    assert!(problems[0]["summary"].as_str().unwrap().contains("refused the credentials") || problems[0]["summary"].as_str().unwrap().contains("Not allowed"), "{}", describe(&problems));
    assert!(problems[0]["detail"].as_str().unwrap().contains("HTTP 4"), "Cloudflare's status: {}", describe(&problems));
    assert!(created["new_state"].is_null(), "nothing created: {created}");
    assert_eq!(calls(&emu), [format!("POST {}", account_tokens())], "one attempt, no retry of a refusal");
    let imported = tf.ok("ImportResourceState", json!({"type_name": TOKEN, "id": format!("{ACCOUNT}/{}", token.id)}));
    refused("an import with a refused token", &imported);
    assert_eq!(emu.tokens().len(), 1);
    calls(&emu);

    // The right token again (a new ConfigureProvider replaces the old one).
    tf.configure_emulator(&emu.base_url(), DEFAULT_API_TOKEN, 1000);
    let state = tf.import(&format!("{ACCOUNT}/{}", token.id)).expect("import with the right token");
    assert_eq!(state["name"], "existing");
    assert_no_secret_leaked(&mut tf, &emu, &[wrong]);
}

#[test]
fn parallel_applies_share_one_rate_limit() {
    let emu = emulator();
    emu.set_latency(Duration::from_millis(100));
    let mut tf = Terraform::start(&[]);
    let schema = tf.resource();
    tf.configure_emulator(&emu.base_url(), DEFAULT_API_TOKEN, 5);
    // terraform apply -parallelism=10 of ten tokens: each planned, then all applied at once.
    let configs: Vec<Value> = (0..10).map(|i| schema.object(json!({"name": format!("parallel {i}"), "account_id": ACCOUNT}))).collect();
    let plans: Vec<Plan> = configs.iter().map(|c| tf.plan(&Value::Null, c)).collect();
    assert_eq!(calls(&emu), Vec::<String>::new());
    let applies = configs
        .iter()
        .zip(&plans)
        .map(|(c, p)| ("ApplyResourceChange", json!({"type_name": TOKEN, "prior_state": null, "planned_state": p.planned, "config": c, "planned_private": p.planned_private})))
        .collect();
    let results = tf.parallel(applies);
    for (result, plan) in results.iter().zip(&plans) {
        let response = result.as_ref().expect("an answer");
        assert_eq!(errors(&response["diagnostics"]), Vec::<Value>::new(), "{response}");
        let inconsistent = assert_object_compatible(&schema, &plan.planned, &response["new_state"]);
        assert!(inconsistent.is_empty(), "{inconsistent:?}");
    }
    let mut arrivals: Vec<u64> = emu.requests().iter().filter(|r| r.method == "POST").map(|r| r.at_ms).collect();
    arrivals.sort();
    assert_eq!(arrivals.len(), 10, "ten POSTs");
    assert_eq!(emu.tokens().len(), 10);
    let busiest_second = arrivals.iter().map(|t| arrivals.iter().filter(|u| **u >= *t && **u < t + 1000).count()).max().unwrap();
    // 5 a second, +2 for scheduling jitter on a loaded machine; without the
    // shared limit all ten arrive within a few milliseconds.
    assert!(busiest_second <= 7, "at most 5 a second (+2 for jitter), saw {busiest_second} in one second: {arrivals:?}");
    assert!(arrivals[9] - arrivals[0] >= 1500, "ten calls at 5/s take about 1.8 s, not {} ms", arrivals[9] - arrivals[0]);
    let names: std::collections::BTreeSet<String> = results.iter().map(|r| r.as_ref().unwrap()["new_state"]["name"].as_str().unwrap().to_string()).collect();
    assert_eq!(names.len(), 10, "each apply got its own token");
    assert_no_secret_leaked(&mut tf, &emu, &[]);
}

#[test]
fn a_provider_setting_not_known_yet_is_never_replaced_by_the_environment() {
    let emu = emulator();
    let base_url = emu.base_url();
    let mut tf = Terraform::start(&[("CLOUDFLARE_API_TOKEN", DEFAULT_API_TOKEN), ("CLOUDFLARE_BASE_URL", &base_url)]);
    let schema = tf.resource();
    let token = emu.insert_token(cloudflare_emulator::Scope::Account(ACCOUNT.into()), "existing", None);
    let id = format!("{ACCOUNT}/{}", token.id);

    // Settings the block leaves out come from the CLI's environment.
    assert!(tf.configure(json!({})).is_empty());
    let state = tf.import(&id).expect("imported with the environment's token");
    assert_eq!(calls(&emu).len(), 2);

    // A setting that depends on a resource not created yet is unknown at
    // plan time: no call may use the environment's (or the default) value
    // in its place; the calls that need the API say why they cannot run.
    for (block, named) in [(json!({"api_token": unknown()}), "api_token"), (json!({"base_url": unknown(), "api_token": DEFAULT_API_TOKEN}), "base_url")] {
        let diagnostics = tf.configure(block.clone());
        assert!(diagnostics.is_empty(), "Terraform configures with unknowns during plan: {}", describe(&diagnostics));
        let read = tf.read_response(&state);
        let problems = refused(&format!("a read with {block}"), &read);
        assert!(problems[0]["summary"].as_str().unwrap().contains("not known yet"), "{}", describe(&problems));
        assert!(problems[0]["detail"].as_str().unwrap().contains(named), "{}", describe(&problems));
        refused("an import with unknown settings", &tf.ok("ImportResourceState", json!({"type_name": TOKEN, "id": id})));
        assert_eq!(calls(&emu), Vec::<String>::new(), "no call with a setting Terraform did not choose");
        // Planning a new token needs no call, so it still works.
        let plan = tf.plan(&Value::Null, &schema.object(json!({"name": "next", "account_id": ACCOUNT})));
        assert_eq!(plan.action, Action::Create, "{}", describe(&plan.diagnostics));
    }
    assert_no_secret_leaked(&mut tf, &emu, &[]);
}
