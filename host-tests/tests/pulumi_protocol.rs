//! The `pulumi` interface through the real component against the emulator:
//! the recorded Pulumi v5.49.0 Check and Create exchange replayed, then each
//! protocol call with secrets and unknowns, and the stack state it yields.

mod common;

use chrono::TimeDelta;
use common::*;
use host_tests::harness::pulumi_wit as p;
use serde_json::{json, Value};

const SIG_KEY: &str = "4dabf18193072939515e22adb298388d";
const SIG: &str = "1b47061264138c4ac30d75fd1eb44270";
const UNKNOWN: &str = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

fn fixture(name: &str) -> Value {
    let path = format!("{}/../reference/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn keys(v: &Value) -> Vec<String> {
    let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
    k.sort();
    k
}

/// `keys` with `more` added, sorted as [`keys`] sorts.
fn plus(mut keys: Vec<String>, more: &[&str]) -> Vec<String> {
    keys.extend(more.iter().map(|k| k.to_string()));
    keys.sort();
    keys
}

fn is_uuid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.iter().map(|g| g.len()).eq([8, 4, 4, 4, 12]) && groups.iter().all(|g| g.chars().all(|c| c.is_ascii_hexdigit()))
}

#[test]
fn the_recorded_check_and_create_replay() {
    let mut w = world();
    let recorded = fixture("pulumi-v5.49.0-grpc-check-create-AccessServiceToken.json");
    let (check, create) = (&recorded[0], &recorded[1]);

    let req = p::CheckRequest {
        urn: check["request"]["urn"].as_str().unwrap().into(),
        olds: check["request"]["olds"].to_string(),
        news: check["request"]["news"].to_string(),
    };
    let answer = w.session.pulumi_check(&req).unwrap().unwrap();
    assert!(answer.failures.is_empty());
    let inputs: Value = serde_json::from_str(answer.inputs.as_deref().unwrap()).unwrap();
    // pulumi-cloudflare 5.49.0, which made the recording, has no `enabled`
    // input: Check fills it in as it fills in `minDaysForRenewal` (true,
    // listed in `__defaults`), and otherwise answers as recorded.
    let mut want_inputs = check["response"]["inputs"].clone();
    want_inputs["enabled"] = json!(true);
    want_inputs["__defaults"].as_array_mut().unwrap().push(json!("enabled"));
    assert_eq!(inputs, want_inputs, "Check answers exactly what the bridged provider answered, plus enabled");
    assert_eq!(take_calls(&w.emu), Vec::<String>::new());

    let req = p::CreateRequest {
        urn: create["request"]["urn"].as_str().unwrap().into(),
        properties: create["request"]["properties"].to_string(),
        preview: false,
    };
    let answer = w.session.pulumi_create(&w.conn, &req).unwrap().unwrap();
    let account = create["request"]["properties"]["accountId"].as_str().unwrap();
    assert_eq!(take_calls(&w.emu), [format!("POST /accounts/{account}/access/service_tokens")]);
    let props: Value = serde_json::from_str(&answer.properties).unwrap();
    let expected = &create["response"]["properties"];
    // The recorded outputs plus the two pulumi-cloudflare 5.49.0 lacks:
    // `enabled` and `createdAt` (the API's `created_at`); `lastSeenAt` stays
    // out until the token has authenticated.
    assert_eq!(keys(&props), plus(keys(expected), &["createdAt", "enabled"]), "the output keys of pulumi-cloudflare 5.49.0, plus createdAt and enabled");
    assert_eq!(props["enabled"], true);
    assert_eq!(props.get("lastSeenAt"), None, "never authenticated: {props}");
    let created_at = chrono::DateTime::parse_from_rfc3339(props["createdAt"].as_str().unwrap()).unwrap();
    assert_eq!(created_at, w.emu.tokens()[0].created_at, "createdAt is the API's created_at");
    assert!(is_uuid(&answer.id), "{}", answer.id);
    assert_eq!(props["id"], json!(answer.id));
    assert!(props["clientId"].as_str().unwrap().ends_with(".access"));
    assert!(chrono::DateTime::parse_from_rfc3339(props["expiresAt"].as_str().unwrap()).is_ok());
    assert_eq!(props["clientSecret"][SIG_KEY], SIG, "clientSecret is wrapped as a secret");
    assert_eq!(props["clientSecret"]["value"], json!(w.emu.tokens()[0].client_secret));
    for same in ["accountId", "duration", "minDaysForRenewal", "name", "zoneId"] {
        assert_eq!(props[same], expected[same], "{same}");
    }
    // `forever` is 36 500 days after the emulator's now, as recorded (2125 from 2025).
    assert_eq!(props["expiresAt"], "2126-11-04T12:00:00Z");

    // The stack state built from these outputs has the shape Pulumi exported.
    let stack_fixture = fixture("pulumi-v5.49.0-stack-state-AccessServiceToken.json");
    let ctx = access_service_token::pulumi::stack::StackContext {
        parent: stack_fixture["parent"].as_str(),
        provider: stack_fixture["provider"].as_str(),
        at: w.clock.now(),
    };
    let resource = access_service_token::pulumi::stack::resource(&req.urn, &answer.id, &inputs, &props, &ctx);
    assert_eq!(keys(&resource), keys(&stack_fixture));
    // The same additions as above, in the state the engine would store.
    assert_eq!(keys(&resource["outputs"]), plus(keys(&stack_fixture["outputs"]), &["createdAt", "enabled"]));
    assert_eq!(keys(&resource["inputs"]), plus(keys(&stack_fixture["inputs"]), &["enabled"]));
    assert_eq!(keys(&resource["outputs"]["clientSecret"]), keys(&stack_fixture["outputs"]["clientSecret"]));
    assert_eq!(resource["additionalSecretOutputs"], stack_fixture["additionalSecretOutputs"]);
    assert_eq!(resource["type"], stack_fixture["type"]);
    let plaintext = resource["outputs"]["clientSecret"]["plaintext"].as_str().unwrap();
    assert_eq!(serde_json::from_str::<Value>(plaintext).unwrap(), json!(w.emu.tokens()[0].client_secret));
    assert_eq!(keys(&resource["propertyDependencies"]), keys(&stack_fixture["propertyDependencies"]));
}

const URN: &str = "urn:pulumi:dev::tokens::cloudflare:index/accessServiceToken:AccessServiceToken::myApp";

fn create(w: &mut World, news: &Value) -> (String, Value) {
    let req = p::CreateRequest { urn: URN.into(), properties: news.to_string(), preview: false };
    let r = w.session.pulumi_create(&w.conn, &req).unwrap().unwrap();
    (r.id, serde_json::from_str(&r.properties).unwrap())
}

fn seed_news() -> Value {
    json!({"__defaults": [], "accountId": ACCOUNT, "minDaysForRenewal": 30, "name": "CI/CD app renewed"})
}

#[test]
fn preview_create_with_unknowns_makes_no_call() {
    let mut w = world();
    let news = json!({"accountId": ACCOUNT, "minDaysForRenewal": 30, "name": UNKNOWN});
    let check = w.session.pulumi_check(&p::CheckRequest { urn: URN.into(), olds: "{}".into(), news: news.to_string() }).unwrap().unwrap();
    assert!(check.failures.is_empty());
    let req = p::CreateRequest { urn: URN.into(), properties: check.inputs.unwrap(), preview: true };
    let r = w.session.pulumi_create(&w.conn, &req).unwrap().unwrap();
    assert_eq!(r.id, "");
    let props: Value = serde_json::from_str(&r.properties).unwrap();
    for key in ["clientId", "expiresAt", "id", "name"] {
        assert_eq!(props[key], UNKNOWN, "{key}");
    }
    assert_eq!(props["clientSecret"], json!({SIG_KEY: SIG, "value": UNKNOWN}));
    assert_eq!(take_calls(&w.emu), Vec::<String>::new());
}

#[test]
fn diff_update_read_and_delete_round_trip_secrets() {
    let mut w = world();
    let news = json!({"accountId": ACCOUNT, "minDaysForRenewal": 30, "name": {SIG_KEY: SIG, "value": "secret name"}});
    let (id, olds) = create(&mut w, &news);
    assert_eq!(olds["name"], json!({SIG_KEY: SIG, "value": "secret name"}), "a secret input stays secret in the outputs");
    take_calls(&w.emu);

    // No change.
    let d = w.session.pulumi_diff(&p::DiffRequest { urn: URN.into(), id: id.clone(), olds: olds.to_string(), news: news.to_string(), ignore_changes: vec![] }).unwrap().unwrap();
    assert_eq!(d.changes, p::DiffChanges::None);

    // accountId change: replace, consistently across the fields.
    let mut moved = news.clone();
    moved["accountId"] = json!(ACCOUNT_2);
    let d = w.session.pulumi_diff(&p::DiffRequest { urn: URN.into(), id: id.clone(), olds: olds.to_string(), news: moved.to_string(), ignore_changes: vec![] }).unwrap().unwrap();
    assert_eq!((d.changes, d.replaces.clone(), d.diffs.clone(), d.delete_before_replace), (p::DiffChanges::Some, vec!["accountId".to_string()], vec!["accountId".to_string()], false));
    assert_eq!(d.detailed_diff, [p::DetailedDiffEntry { path: "accountId".into(), kind: host_tests::harness::wit::PropertyDiffKind::UpdateReplace, input_diff: true }]);

    // Into the renewal window (the harness's clock is the component's wall clock).
    w.clock.advance(TimeDelta::days(340));
    let d = w.session.pulumi_diff(&p::DiffRequest { urn: URN.into(), id: id.clone(), olds: olds.to_string(), news: news.to_string(), ignore_changes: vec![] }).unwrap().unwrap();
    assert_eq!(d.diffs, ["expiresAt"]);
    let preview = w.session.pulumi_update(&w.conn, &p::UpdateRequest { urn: URN.into(), id: id.clone(), olds: olds.to_string(), news: news.to_string(), preview: true }).unwrap().unwrap();
    assert_eq!(serde_json::from_str::<Value>(&preview.properties).unwrap()["expiresAt"], UNKNOWN);
    assert_eq!(take_calls(&w.emu), Vec::<String>::new());
    let updated = w.session.pulumi_update(&w.conn, &p::UpdateRequest { urn: URN.into(), id: id.clone(), olds: olds.to_string(), news: news.to_string(), preview: false }).unwrap().unwrap();
    assert_eq!(take_calls(&w.emu), [format!("POST /accounts/{ACCOUNT}/access/service_tokens/{id}/refresh")]);
    let updated: Value = serde_json::from_str(&updated.properties).unwrap();
    assert_eq!(updated["clientSecret"], olds["clientSecret"], "the secret round-trips through update");
    assert_eq!(updated["expiresAt"], "2028-11-02T12:00:00Z");

    // Read keeps the secret and the secret-ness of inputs.
    let read = w.session.pulumi_read(&w.conn, &p::ReadRequest { urn: URN.into(), id: id.clone(), properties: updated.to_string(), inputs: news.to_string() }).unwrap().unwrap().expect("the token exists");
    assert_eq!(read.id, id);
    let props: Value = serde_json::from_str(&read.properties).unwrap();
    assert_eq!(props["clientSecret"], olds["clientSecret"]);
    assert_eq!(props["name"], json!({SIG_KEY: SIG, "value": "secret name"}));
    let inputs: Value = serde_json::from_str(&read.inputs).unwrap();
    assert_eq!(inputs["name"], json!({SIG_KEY: SIG, "value": "secret name"}));
    assert!(inputs.get("clientSecret").is_none(), "outputs are not inputs");

    // Delete, then Read says gone (no response at all), and Delete again succeeds.
    let del = p::DeleteRequest { urn: URN.into(), id: id.clone(), properties: updated.to_string() };
    w.session.pulumi_delete(&w.conn, &del).unwrap().unwrap();
    let gone = w.session.pulumi_read(&w.conn, &p::ReadRequest { urn: URN.into(), id: id.clone(), properties: updated.to_string(), inputs: news.to_string() }).unwrap().unwrap();
    assert_eq!(gone, None);
    w.session.pulumi_delete(&w.conn, &del).unwrap().unwrap();
    let item = format!("/accounts/{ACCOUNT}/access/service_tokens/{id}");
    assert_eq!(take_calls(&w.emu), [format!("GET {item}"), format!("DELETE {item}"), format!("GET {item}"), format!("DELETE {item}")]);
}

#[test]
fn read_with_an_import_id_adopts_the_token() {
    let mut w = world();
    let token = w.emu.insert_token(cloudflare_emulator::Scope::Zone(ZONE.into()), "imported", None);
    w.emu.clear_requests();
    let r = w
        .session
        .pulumi_read(&w.conn, &p::ReadRequest { urn: URN.into(), id: format!("zones/{ZONE}/{}", token.id), properties: "{}".into(), inputs: "{}".into() })
        .unwrap()
        .unwrap()
        .expect("the token exists");
    assert_eq!(r.id, token.id);
    let props: Value = serde_json::from_str(&r.properties).unwrap();
    assert_eq!(props["zoneId"], ZONE);
    assert_eq!(props["clientSecret"], json!({SIG_KEY: SIG, "value": null}), "no secret after an import");
    assert_eq!(take_calls(&w.emu), [format!("GET /zones/{ZONE}/access/service_tokens/{}", token.id)]);
}

#[test]
fn create_with_a_seed_program_and_a_wrong_type_is_refused() {
    let mut w = world();
    let (_, props) = create(&mut w, &seed_news());
    assert_eq!(props["minDaysForRenewal"], 30);
    let req = p::CreateRequest { urn: "urn:pulumi:dev::tokens::cloudflare:index/record:Record::r".into(), properties: seed_news().to_string(), preview: false };
    assert!(matches!(w.session.pulumi_create(&w.conn, &req).unwrap(), Err(host_tests::harness::wit::Error::InvalidInput(_))));
}
