//! The property table (`src/schema.rs`) says the same as the code that acts
//! on each property: what replaces the token is what the diff replaces on,
//! what is secret is what the outputs wrap as a secret, and each engine's
//! spelling is found by name.

mod common;

use access_service_token::diff;
use access_service_token::model::TokenArgs;
use access_service_token::pulumi::bag;
use access_service_token::schema::{self, Role, PROPERTIES};
use common::*;
use serde_json::Value;

#[test]
fn the_properties_that_replace_the_token_are_those_the_diff_replaces_on() {
    let replacing: Vec<&str> = PROPERTIES.iter().filter(|p| p.replaces).map(|p| p.name).collect();
    assert_eq!(replacing, ["accountId", "zoneId"]);
    let olds = state(seed_args(), "2027-11-28T12:00:00Z");
    let moved = TokenArgs { account_id: Some("0123456789abcdef0123456789abcdef".into()), ..seed_args() };
    let r = diff::diff(&olds, &moved, t("2026-11-28T12:00:00Z")).unwrap();
    assert_eq!(r.replaces, ["accountId"]);
    assert!(replacing.contains(&r.replaces[0].as_str()));
}

#[test]
fn the_secret_properties_are_those_the_outputs_wrap_as_secrets() {
    let secret: Vec<&str> = PROPERTIES.iter().filter(|p| p.secret).map(|p| p.name).collect();
    assert_eq!(secret, ["clientSecret"]);
    let outputs = bag::outputs(&state(seed_args(), "2027-11-28T12:00:00Z"), &Default::default());
    let wrapped: Vec<&str> = outputs
        .as_object()
        .unwrap()
        .iter()
        .filter(|(_, v)| v.get(bag::SECRET_SIG_KEY).and_then(Value::as_str) == Some(bag::SECRET_SIG))
        .map(|(k, _)| k.as_str())
        .collect();
    assert_eq!(wrapped, secret);
}

#[test]
fn a_property_is_found_by_its_camel_case_name_with_its_terraform_spelling() {
    let p = schema::by_name("minDaysForRenewal").expect("a property");
    assert_eq!((p.snake, p.role), ("min_days_for_renewal", Role::Optional));
    assert_eq!(schema::by_name("lastSeenAt").map(|p| (p.snake, p.role)), Some(("last_seen_at", Role::Output)));
    assert!(schema::by_name("min_days_for_renewal").is_none(), "by the camelCase name only");
    assert!(schema::by_name("colour").is_none());
}

#[test]
fn every_input_decodes_and_every_output_is_written() {
    assert_eq!(schema::INPUTS.len() + schema::OUTPUTS.len(), PROPERTIES.len());
    let outputs = bag::outputs(
        &access_service_token::model::TokenState {
            created_at: Some("2026-11-28T12:00:00Z".into()),
            last_seen_at: Some("2026-11-28T13:00:00Z".into()),
            ..state(TokenArgs { client_secret_version: Some(2), previous_client_secret_expires_at: Some("2027-01-01T00:00:00Z".into()), ..seed_args() }, "2027-11-28T12:00:00Z")
        },
        &Default::default(),
    );
    for p in &PROPERTIES {
        assert!(outputs.get(p.name).is_some(), "{} is written to the outputs", p.name);
    }
}

#[test]
fn what_cloudflare_fills_is_kept_when_a_program_leaves_it_out() {
    let filled: Vec<&str> = PROPERTIES.iter().filter(|p| p.cloudflare_fills).map(|p| p.name).collect();
    assert_eq!(filled, ["duration", "clientSecretVersion"]);
    let olds = state(TokenArgs { duration: Some("720h".into()), client_secret_version: Some(3), ..seed_args() }, "2027-11-28T12:00:00Z");
    let r = diff::diff(&olds, &seed_args(), t("2026-11-28T12:00:00Z")).unwrap();
    assert!(!r.changes, "left out, they keep what the token has: {:?}", r.detailed_diff);
}
