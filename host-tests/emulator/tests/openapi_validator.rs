//! The OpenAPI request validator: conforming requests pass with their
//! operationId, and each kind of deviation is reported.

use cloudflare_emulator::openapi::OpenApi;
use cloudflare_emulator::{AuthUsed, LoggedRequest};
use serde_json::{json, Value};

const ACC: &str = "023e105f4ecef8ad9ca31a8372d0c353";
const TOKEN: &str = "f174e90a-fafe-4643-bbbc-4a0ed4fc8415";

fn spec() -> OpenApi {
    OpenApi::bundled().expect("reference document loads")
}

fn req(method: &str, rest: &str, query: &[(&str, &str)], body: Option<Value>) -> LoggedRequest {
    LoggedRequest {
        method: method.into(),
        path: format!("/client/v4{rest}"),
        query: query
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        content_type: body.as_ref().map(|_| "application/json".to_string()),
        body,
        auth: AuthUsed::Bearer,
        user_agent: None,
        content_length: None,
        transfer_encoding: None,
        body_len: 0,
        status: 200,
        at_ms: 0,
    }
}

fn problems(r: &LoggedRequest) -> String {
    spec()
        .validate(r)
        .expect_err("expected problems")
        .join("\n")
}

#[test]
fn the_document_has_the_twelve_service_token_operations() {
    let ids = spec().operation_ids().len();
    assert_eq!(ids, 12);
    assert!(OpenApi::load("/nonexistent.json").is_err());
}

#[test]
fn conforming_requests_pass_with_their_operation_id() {
    let s = spec();
    let ok = |r: LoggedRequest| s.validate(&r).unwrap_or_else(|p| panic!("{p:?}"));
    let coll = format!("/accounts/{ACC}/access/service_tokens");
    let one = format!("{coll}/{TOKEN}");
    assert_eq!(
        ok(req(
            "POST",
            &coll,
            &[],
            Some(
                json!({"name": "x", "duration": "8760h", "enabled": true, "client_secret_version": 1,
            "previous_client_secret_expires_at": "2030-01-01T00:00:00Z"})
            )
        )),
        "access-service-tokens-create-a-service-token"
    );
    assert_eq!(
        ok(req(
            "GET",
            &coll,
            &[
                ("page", "2"),
                ("per_page", "50"),
                ("name", "x"),
                ("search", "y")
            ],
            None
        )),
        "access-service-tokens-list-service-tokens"
    );
    assert_eq!(
        ok(req("GET", &one, &[], None)),
        "access-service-tokens-get-a-service-token"
    );
    assert_eq!(
        ok(req(
            "PUT",
            &one,
            &[],
            Some(json!({"client_secret_version": 2.0}))
        )),
        "access-service-tokens-update-a-service-token"
    );
    assert_eq!(
        ok(req("DELETE", &one, &[], None)),
        "access-service-tokens-delete-a-service-token"
    );
    assert_eq!(
        ok(req("POST", &format!("{one}/refresh"), &[], None)),
        "access-service-tokens-refresh-a-service-token"
    );
    assert_eq!(
        ok(req("POST", &format!("{one}/rotate"), &[], None)),
        "access-service-tokens-rotate-a-service-token"
    );
    assert_eq!(
        ok(req(
            "POST",
            &format!("/zones/{ACC}/access/service_tokens"),
            &[],
            Some(json!({"name": "z"}))
        )),
        "zone-level-access-service-tokens-create-a-service-token"
    );
}

#[test]
fn an_unknown_body_field_is_reported() {
    let p = problems(&req(
        "POST",
        &format!("/accounts/{ACC}/access/service_tokens"),
        &[],
        Some(json!({"name": "x", "nmae": "y"})),
    ));
    assert!(p.contains("property nmae is not declared"), "{p}");
}

#[test]
fn wrong_types_missing_required_fields_and_bad_timestamps_are_reported() {
    let coll = format!("/accounts/{ACC}/access/service_tokens");
    let p = problems(&req(
        "POST",
        &coll,
        &[],
        Some(json!({"name": 5, "enabled": "yes", "client_secret_version": "2"})),
    ));
    assert!(p.contains("body.name: expected string, got integer"), "{p}");
    assert!(p.contains("body.enabled: expected boolean"), "{p}");
    assert!(
        p.contains("body.client_secret_version: expected number"),
        "{p}"
    );
    let p = problems(&req("POST", &coll, &[], Some(json!({"duration": "1h"}))));
    assert!(p.contains("required property name is missing"), "{p}");
    let p = problems(&req(
        "PUT",
        &format!("{coll}/{TOKEN}"),
        &[],
        Some(json!({"previous_client_secret_expires_at": "soon"})),
    ));
    assert!(p.contains("not an RFC 3339 date-time"), "{p}");
    let p = problems(&req("POST", &coll, &[], Some(json!(["x"]))));
    assert!(p.contains("expected object"), "{p}");
    let p = problems(&req("POST", &coll, &[], None));
    assert!(p.contains("request body is required"), "{p}");
    let mut not_json = req("POST", &coll, &[], Some(Value::String("name=x".into())));
    not_json.content_type = Some("application/x-www-form-urlencoded".into());
    let p = problems(&not_json);
    assert!(
        p.contains("expected application/json") && p.contains("not valid JSON"),
        "{p}"
    );
}

#[test]
fn bad_path_ids_are_reported() {
    let p = problems(&req(
        "GET",
        &format!("/accounts/{ACC}0000/access/service_tokens"),
        &[],
        None,
    ));
    assert!(
        p.contains("path parameter account_id") && p.contains("longer than 32"),
        "{p}"
    );
    let p = problems(&req(
        "GET",
        &format!("/zones/{ACC}/access/service_tokens/{TOKEN}-0000"),
        &[],
        None,
    ));
    assert!(
        p.contains("path parameter service_token_id") && p.contains("longer than 36"),
        "{p}"
    );
}

#[test]
fn unknown_or_mistyped_query_parameters_are_reported() {
    let coll = format!("/accounts/{ACC}/access/service_tokens");
    let p = problems(&req("GET", &coll, &[("limit", "5")], None));
    assert!(p.contains("query parameter limit is not declared"), "{p}");
    let p = problems(&req("GET", &coll, &[("per_page", "ten")], None));
    assert!(
        p.contains("query parameter per_page") && p.contains("not of type integer"),
        "{p}"
    );
    let p = problems(&req("GET", &coll, &[("per_page", "1001")], None));
    assert!(p.contains("above the maximum"), "{p}");
}

#[test]
fn undocumented_routes_and_methods_are_reported() {
    let p = problems(&req(
        "POST",
        &format!("/zones/{ACC}/access/service_tokens/{TOKEN}/rotate"),
        &[],
        None,
    ));
    assert!(p.contains("no operation matches"), "{p}");
    let p = problems(&req(
        "PATCH",
        &format!("/accounts/{ACC}/access/service_tokens/{TOKEN}"),
        &[],
        Some(json!({})),
    ));
    assert!(p.contains("no PATCH operation"), "{p}");
    let mut outside = req("GET", "/x", &[], None);
    outside.path = "/accounts/x".into();
    assert!(problems(&outside).contains("does not start with /client/v4"));
    let p = problems(&req(
        "GET",
        &format!("/accounts/{ACC}/access/service_tokens/{TOKEN}"),
        &[],
        Some(json!({"a": 1})),
    ));
    assert!(p.contains("takes no request body"), "{p}");
}
