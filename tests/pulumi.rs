//! The Pulumi protocol translation, natively: bags, secrets, unknowns,
//! `__defaults`, and the Check/Diff answers; Create/Update previews through
//! a transport that must not be called.

mod common;

use access_service_token::connection::{Connection, Credentials};
use access_service_token::diff::DiffKind;
use access_service_token::provider::Client;
use access_service_token::pulumi::{self, bag, Changes};
use access_service_token::requests::ApiRequest;
use access_service_token::secret::Secret;
use access_service_token::transport::{RawResponse, Transport, TransportFailure};
use common::*;
use serde_json::{json, Value};

const URN: &str = "urn:pulumi:test::access_policy::cloudflare:index/accessServiceToken:AccessServiceToken::token";
const UNKNOWN: &str = bag::UNKNOWN_STRING;
const NOW: &str = "2026-11-28T12:00:00Z";

fn recorded() -> Vec<Value> {
    serde_json::from_str(include_str!("../reference/fixtures/pulumi-v5.49.0-grpc-check-create-AccessServiceToken.json")).unwrap()
}

/// A transport for previews: any call is a test failure.
struct NoCalls;

impl Transport for NoCalls {
    fn send(&mut self, _: &str, r: &ApiRequest) -> Result<RawResponse, TransportFailure> {
        panic!("a preview made a call: {} {}", r.method.as_str(), r.path)
    }

    fn sleep_ms(&mut self, _: u64) {}
}

fn conn() -> Connection {
    Connection::new(Credentials::ApiToken(Secret::new("tok")))
}

fn old_outputs() -> Value {
    json!({
        "accountId": ACCOUNT, "clientId": "88bf3b6d86161464f6509f7219099e57.access",
        "clientSecret": bag::secret(json!("cfast_old")), "duration": "8760h", "expiresAt": "2027-11-28T12:00:00Z",
        "id": TOKEN_ID, "minDaysForRenewal": 30, "name": "CI/CD app renewed", "zoneId": null
    })
}

fn news() -> Value {
    json!({"__defaults": [], "accountId": ACCOUNT, "minDaysForRenewal": 30, "name": "CI/CD app renewed"})
}

#[test]
fn check_answers_what_the_bridged_provider_answered() {
    let call = &recorded()[0];
    let r = pulumi::check(call["request"]["urn"].as_str().unwrap(), &call["request"]["news"].to_string()).unwrap();
    assert!(r.failures.is_empty());
    // The bridged provider has no `enabled` yet; this one fills in its
    // default the same way as `minDaysForRenewal`'s, and lists it too.
    let mut expected = call["response"]["inputs"].clone();
    expected["enabled"] = json!(true);
    expected["__defaults"].as_array_mut().unwrap().push(json!("enabled"));
    assert_eq!(r.inputs.unwrap(), expected);
}

#[test]
fn check_returns_failures_or_inputs_never_both() {
    let r = pulumi::check(URN, &json!({"name": "x", "accountId": ACCOUNT, "zoneId": ZONE}).to_string()).unwrap();
    assert!(r.inputs.is_none());
    assert_eq!(r.failures.iter().map(|f| f.property.as_str()).collect::<Vec<_>>(), ["accountId", "zoneId"]);
    let r = pulumi::check(URN, &json!({"name": "x", "acountId": ACCOUNT}).to_string()).unwrap();
    assert!(r.failures.iter().any(|f| f.property == "acountId" && f.reason.contains("did you mean \"accountId\"")));
}

#[test]
fn check_skips_unknowns_and_keeps_secrets_wrapped() {
    let news = json!({"name": bag::secret(json!("secret name")), "accountId": UNKNOWN, "duration": "720h"});
    let r = pulumi::check(URN, &news.to_string()).unwrap();
    assert!(r.failures.is_empty(), "{:?}", r.failures);
    let inputs = r.inputs.unwrap();
    assert_eq!(inputs["accountId"], UNKNOWN);
    assert_eq!(inputs["name"], bag::secret(json!("secret name")));
    assert_eq!(inputs["__defaults"], json!(["minDaysForRenewal", "enabled"]));
    assert_eq!(inputs["minDaysForRenewal"], 0);
    assert_eq!(inputs["enabled"], true);
}

#[test]
fn check_refuses_types_it_does_not_implement() {
    let err = pulumi::check("urn:pulumi:s::p::cloudflare:index/record:Record::r", "{}").unwrap_err();
    assert!(err.to_string().contains("not \"cloudflare:index/record:Record\""), "{err}");
    for ty in pulumi::TYPE_TOKENS {
        assert!(pulumi::check(&format!("urn:pulumi:s::p::{ty}::t"), &news().to_string()).is_ok(), "{ty}");
    }
}

#[test]
fn no_change_diff() {
    let r = pulumi::diff(URN, TOKEN_ID, &old_outputs().to_string(), &news().to_string(), &[], t(NOW)).unwrap();
    assert_eq!(r.changes, Changes::None);
    assert!(r.diffs.is_empty() && r.replaces.is_empty() && r.detailed_diff.is_empty());
    assert_eq!(r.stables, ["name", "accountId", "minDaysForRenewal"]);
}

#[test]
fn account_change_diff_replaces_consistently() {
    let mut n = news();
    n["accountId"] = json!(ACCOUNT_2);
    let r = pulumi::diff(URN, TOKEN_ID, &old_outputs().to_string(), &n.to_string(), &[], t(NOW)).unwrap();
    assert_eq!(r.changes, Changes::Some);
    assert_eq!(r.replaces, ["accountId"]);
    assert_eq!(r.diffs, ["accountId"]);
    assert_eq!(r.detailed_diff, [("accountId".to_string(), DiffKind::UpdateReplace, true)]);
    assert!(!r.delete_before_replace);
    assert!(!r.stables.contains(&"accountId".to_string()));
}

#[test]
fn an_unknown_new_value_counts_as_a_change() {
    let mut n = news();
    n["name"] = json!(UNKNOWN);
    let r = pulumi::diff(URN, TOKEN_ID, &old_outputs().to_string(), &n.to_string(), &[], t(NOW)).unwrap();
    assert_eq!(r.changes, Changes::Some);
    assert_eq!(r.detailed_diff, [("name".to_string(), DiffKind::Update, true)]);
    n["name"] = json!("CI/CD app renewed");
    n["zoneId"] = json!(UNKNOWN);
    let r = pulumi::diff(URN, TOKEN_ID, &old_outputs().to_string(), &n.to_string(), &[], t(NOW)).unwrap();
    assert_eq!(r.replaces, ["zoneId"]);
}

#[test]
fn renewal_diff_shows_expires_at() {
    let mut olds = old_outputs();
    olds["expiresAt"] = json!("2026-12-10T12:00:00Z");
    let r = pulumi::diff(URN, TOKEN_ID, &olds.to_string(), &news().to_string(), &[], t(NOW)).unwrap();
    assert_eq!(r.changes, Changes::Some);
    assert_eq!(r.diffs, ["expiresAt"]);
    assert_eq!(r.detailed_diff, [("expiresAt".to_string(), DiffKind::Update, false)]);
    assert!(r.replaces.is_empty());
}

#[test]
fn ignore_changes_hides_a_difference() {
    let mut n = news();
    n["name"] = json!("renamed");
    let r = pulumi::diff(URN, TOKEN_ID, &old_outputs().to_string(), &n.to_string(), &["name".to_string()], t(NOW)).unwrap();
    assert_eq!(r.changes, Changes::None);
}

#[test]
fn preview_create_makes_no_call_and_returns_unknowns() {
    let c = conn();
    let mut t = NoCalls;
    let mut n = news();
    n["name"] = json!(UNKNOWN);
    let (id, props) = pulumi::create(&mut Client::new(&c, &mut t), URN, &n.to_string(), true).unwrap();
    assert_eq!(id, "");
    for key in ["id", "clientId", "expiresAt", "name"] {
        assert_eq!(props[key], UNKNOWN, "{key}");
    }
    assert_eq!(props["clientSecret"], bag::secret(json!(UNKNOWN)));
    assert_eq!(props["accountId"], ACCOUNT);
}

#[test]
fn preview_update_of_a_renewal_makes_no_call() {
    let c = conn();
    let mut olds = old_outputs();
    olds["expiresAt"] = json!("2026-12-10T12:00:00Z");
    let props = pulumi::update(&mut Client::new(&c, &mut NoCalls), URN, TOKEN_ID, &olds.to_string(), &news().to_string(), t(NOW), true).unwrap();
    assert_eq!(props["expiresAt"], UNKNOWN);
    assert_eq!(props["clientSecret"], bag::secret(json!("cfast_old")), "the secret round-trips, still wrapped");
    assert_eq!(props["clientId"], "88bf3b6d86161464f6509f7219099e57.access");
}

#[test]
fn outputs_wrap_the_client_secret_and_inputs_that_were_secret() {
    let old = bag::decode(&old_outputs().to_string(), "olds").unwrap();
    assert!(old.secret.contains("clientSecret"));
    let state = bag::state_of("", &old).unwrap();
    assert_eq!(state.client_secret.as_ref().map(Secret::expose), Some("cfast_old"));
    assert_eq!(state.id, TOKEN_ID);
    let secret_inputs = ["name".to_string()].into_iter().collect();
    let out = bag::outputs(&state, &secret_inputs);
    assert_eq!(out["clientSecret"], bag::secret(json!("cfast_old")));
    assert_eq!(out["name"], bag::secret(json!("CI/CD app renewed")));
    assert_eq!(out["zoneId"], Value::Null);
}

#[test]
fn malformed_bags_are_invalid_input() {
    assert!(pulumi::check(URN, "[1,2]").unwrap_err().to_string().contains("news: expected a JSON object"));
    assert!(pulumi::check(URN, "{").unwrap_err().to_string().contains("invalid JSON"));
}

/// A resource reference as the engine sends it to a provider that accepts
/// resources (`MarshalPropertyValue` in pulumi/pulumi's `rpc.go`).
fn reference(id: Option<&str>) -> Value {
    let mut r = json!({bag::SECRET_SIG_KEY: bag::RESOURCE_REFERENCE_SIG, "urn": "urn:pulumi:dev::p::cloudflare:index/account:Account::main"});
    if let Some(id) = id {
        r["id"] = json!(id);
    }
    r
}

#[test]
fn a_resource_reference_stands_for_its_id_as_the_engine_reads_it() {
    let decoded = bag::decode(
        &json!({"accountId": reference(Some(ACCOUNT)), "zoneId": reference(Some("")), "name": reference(None), "duration": bag::secret(reference(Some("8760h")))}).to_string(),
        "news",
    )
    .unwrap();
    assert_eq!(decoded.known["accountId"], ACCOUNT, "a known id");
    assert!(decoded.unknown.contains("zoneId"), "an empty id is one not known yet");
    assert_eq!(decoded.known["name"], "urn:pulumi:dev::p::cloudflare:index/account:Account::main", "no id (a component): its URN");
    assert_eq!((&decoded.known["duration"], decoded.secret.contains("duration")), (&json!("8760h"), true), "a secret reference stays secret");
    let checked = pulumi::check(URN, &json!({"name": "x", "accountId": reference(Some(ACCOUNT))}).to_string()).unwrap();
    assert!(checked.failures.is_empty(), "{:?}", checked.failures);
    let not_hex = pulumi::check(URN, &json!({"name": "x", "accountId": reference(Some("acct-1"))}).to_string()).unwrap();
    assert_eq!(not_hex.failures[0].property, "accountId", "the id it stands for is validated like any account id");
}

fn read_with(inputs: Value) -> pulumi::ReadResponse {
    let mut t = Scripted::answering(vec![(200, token_body())]);
    let c = conn();
    let read = pulumi::read(&mut Client::new(&c, &mut t), URN, TOKEN_ID, &old_outputs().to_string(), &inputs.to_string()).unwrap();
    read.expect("the token exists")
}

#[test]
fn read_keeps_the_defaults_check_listed_while_they_hold() {
    let checked = |news: Value| pulumi::check(URN, &news.to_string()).unwrap().inputs.unwrap();
    // The program set minDaysForRenewal (30): Check lists no default, nor does Read.
    let stored = checked(json!({"name": "CI/CD app renewed", "accountId": ACCOUNT, "minDaysForRenewal": 30, "duration": "8760h"}));
    assert_eq!(read_with(stored.clone()).inputs, stored, "no drift: the inputs Check stored");
    // Left out: Check filled in 0 and listed it; the state says 30, so it no longer holds.
    let defaulted = checked(json!({"name": "CI/CD app renewed", "accountId": ACCOUNT, "duration": "8760h"}));
    assert_eq!(defaulted["__defaults"], json!(["minDaysForRenewal", "enabled"]));
    assert_eq!(read_with(defaulted).inputs["__defaults"], json!(["enabled"]), "30 is not the default; the token is still enabled");
    // An import (no inputs): none listed, as Check lists none for inputs that name every property.
    assert_eq!(read_with(json!({})).inputs["__defaults"], json!([]));
}

#[test]
fn read_of_a_token_that_is_gone_is_none_in_every_id_form() {
    let c = conn();
    let mut t = Scripted::answering(vec![(404, not_found())]);
    assert_eq!(pulumi::read(&mut Client::new(&c, &mut t), URN, TOKEN_ID, &old_outputs().to_string(), &news().to_string()).unwrap(), None, "refresh");
    for id in [format!("{ACCOUNT}/{TOKEN_ID}"), format!("accounts/{ACCOUNT}/{TOKEN_ID}"), format!("zones/{ZONE}/{TOKEN_ID}")] {
        let mut t = Scripted::answering(vec![(404, not_found())]);
        assert_eq!(pulumi::read(&mut Client::new(&c, &mut t), URN, &id, "", "").unwrap(), None, "import of {id}");
        assert_eq!(t.sent.len(), 1);
    }
}

#[test]
fn outputs_carry_enabled_always_and_the_times_cloudflare_knows() {
    use access_service_token::model::{TokenArgs, TokenState};
    let state = TokenState {
        id: TOKEN_ID.into(),
        args: TokenArgs { name: "n".into(), account_id: Some(ACCOUNT.into()), enabled: false, ..TokenArgs::default() },
        client_id: "c.access".into(),
        client_secret: None,
        expires_at: None,
        created_at: Some("2026-01-01T00:00:00Z".into()),
        last_seen_at: None,
    };
    let out = bag::outputs(&state, &Default::default());
    assert_eq!((&out["enabled"], &out["createdAt"]), (&json!(false), &json!("2026-01-01T00:00:00Z")));
    assert_eq!(out.get("lastSeenAt"), None, "left out until the token has authenticated");
    let back = bag::state_of(TOKEN_ID, &bag::decode(&out.to_string(), "olds").unwrap()).unwrap();
    assert_eq!(back, state, "a state bag reads back as the state it was written from");
}
