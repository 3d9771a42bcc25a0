//! Every request builder, for both scopes, checked against the OpenAPI subset
//! in `reference/`: the path matches a template of the spec, the method is
//! declared there, body fields are declared properties with required ones
//! present, query parameters are declared. Plus headers and Debug safety.

mod common;

use access_service_token::connection::{Connection, Credentials};
use access_service_token::model::{Scope, TokenId};
use access_service_token::requests::{self, ApiRequest, Method, TokenBody};
use access_service_token::secret::Secret;
use common::*;
use serde_json::Value;

fn spec() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/reference/cloudflare-access-service-tokens.openapi.json");
    serde_json::from_str(&std::fs::read_to_string(path).expect("read the OpenAPI subset")).expect("parse it")
}

fn resolve<'a>(spec: &'a Value, v: &'a Value) -> &'a Value {
    match v.get("$ref").and_then(Value::as_str) {
        Some(r) => {
            let mut cur = spec;
            for part in r.trim_start_matches("#/").split('/') {
                cur = &cur[part];
            }
            resolve(spec, cur)
        }
        None => v,
    }
}

fn template_matches(template: &str, path: &str) -> bool {
    let t: Vec<&str> = template.split('/').collect();
    let p: Vec<&str> = path.split('/').collect();
    t.len() == p.len() && t.iter().zip(&p).all(|(a, b)| (a.starts_with('{') && !b.is_empty()) || a == b)
}

/// Validates one request; returns the operationId.
fn validate(spec: &Value, req: &ApiRequest) -> String {
    let paths = spec["paths"].as_object().unwrap();
    let (template, item) = paths
        .iter()
        .find(|(t, _)| template_matches(t, &req.path))
        .unwrap_or_else(|| panic!("{} matches no path of the spec", req.path));
    let op = item
        .get(req.method.as_str().to_ascii_lowercase())
        .unwrap_or_else(|| panic!("{template} has no {}", req.method.as_str()));
    let params: Vec<&Value> = op["parameters"].as_array().map(|a| a.iter().collect()).unwrap_or_default();
    for (name, _) in &req.query {
        assert!(
            params.iter().any(|p| p["in"] == "query" && p["name"] == name.as_str()),
            "{template}: query parameter {name} is not in the spec"
        );
    }
    match (&req.body, op.get("requestBody")) {
        (Some(body), Some(rb)) => {
            let schema = resolve(spec, &rb["content"]["application/json"]["schema"]);
            let props = schema["properties"].as_object().expect("body schema has properties");
            for (k, v) in body.as_object().expect("body is an object") {
                let prop = props.get(k).unwrap_or_else(|| panic!("{template}: body field {k} is not declared"));
                let ty = resolve(spec, prop)["type"].as_str().unwrap_or("string");
                let ok = match ty {
                    "string" => v.is_string(),
                    "integer" | "number" => v.is_number(),
                    "boolean" => v.is_boolean(),
                    _ => true,
                };
                assert!(ok, "{template}: body field {k} should be a {ty}, is {v}");
            }
            for r in schema["required"].as_array().into_iter().flatten() {
                assert!(body.get(r.as_str().unwrap()).is_some(), "{template}: required field {r} missing");
            }
        }
        (Some(_), None) => panic!("{template} {} takes no body", req.method.as_str()),
        (None, Some(rb)) => assert!(rb["required"] != true, "{template}: body required"),
        (None, None) => {}
    }
    op["operationId"].as_str().unwrap_or_default().to_string()
}

fn conn() -> Connection {
    Connection::new(Credentials::ApiToken(Secret::new("test-api-token-value")))
}

#[test]
fn every_operation_in_both_scopes_matches_the_spec() {
    let spec = spec();
    let c = conn();
    let id = TokenId::parse(TOKEN_ID).unwrap();
    let full = TokenBody {
        name: Some("n".into()),
        duration: Some("8760h".into()),
        client_secret_version: Some(2),
        previous_client_secret_expires_at: Some("2030-01-01T00:00:00Z".into()),
        enabled: Some(false),
    };
    let mut seen = Vec::new();
    for scope in [Scope::account(ACCOUNT).unwrap(), Scope::zone(ZONE).unwrap()] {
        let prefix = scope.path_prefix();
        let cases = [
            (requests::create(&c, &scope, &full), Method::Post, format!("{prefix}/access/service_tokens")),
            (requests::get(&c, &scope, &id), Method::Get, format!("{prefix}/access/service_tokens/{TOKEN_ID}")),
            (requests::list(&c, &scope, 2, 1000, Some("CI")), Method::Get, format!("{prefix}/access/service_tokens")),
            (requests::update(&c, &scope, &id, &full), Method::Put, format!("{prefix}/access/service_tokens/{TOKEN_ID}")),
            (requests::delete(&c, &scope, &id), Method::Delete, format!("{prefix}/access/service_tokens/{TOKEN_ID}")),
        ];
        for (req, method, path) in cases {
            assert_eq!((req.method, req.path.as_str()), (method, path.as_str()));
            seen.push(validate(&spec, &req));
        }
    }
    let account = Scope::account(ACCOUNT).unwrap();
    let refresh = requests::refresh(&c, &account, &id).unwrap();
    assert_eq!((refresh.method, refresh.path.clone()), (Method::Post, format!("/accounts/{ACCOUNT}/access/service_tokens/{TOKEN_ID}/refresh")));
    assert_eq!(refresh.body, None);
    seen.push(validate(&spec, &refresh));
    let rotate = requests::rotate(&c, &account, &id, Some("2030-01-01T00:00:00Z")).unwrap();
    assert_eq!(rotate.path, format!("/accounts/{ACCOUNT}/access/service_tokens/{TOKEN_ID}/rotate"));
    assert_eq!(rotate.body, Some(serde_json::json!({"previous_client_secret_expires_at": "2030-01-01T00:00:00Z"})));
    seen.push(validate(&spec, &rotate));
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 12, "every operation of the subset is built: {seen:?}");
}

#[test]
fn zones_have_no_refresh_or_rotate_route() {
    let zone = Scope::zone(ZONE).unwrap();
    let id = TokenId::parse(TOKEN_ID).unwrap();
    let err = requests::refresh(&conn(), &zone, &id).unwrap_err().to_string();
    assert!(err.contains("no zone-level refresh route"), "{err}");
    assert!(requests::rotate(&conn(), &zone, &id, None).is_err());
}

#[test]
fn bodies_carry_only_the_fields_given() {
    let scope = Scope::account(ACCOUNT).unwrap();
    let req = requests::create(&conn(), &scope, &TokenBody { name: Some("CI/CD token".into()), ..Default::default() });
    assert_eq!(req.body, Some(serde_json::json!({"name": "CI/CD token"})));
    // The documented "renew by extending the duration" request is what update builds.
    let renew = requests::update(&conn(), &scope, &TokenId::parse(TOKEN_ID).unwrap(), &TokenBody { duration: Some("17520h".into()), ..Default::default() });
    let fixture: Value = serde_json::from_str(include_str!("../reference/fixtures/docs-update-service-token-renew-duration.request.json")).unwrap();
    assert_eq!(renew.body, Some(fixture));
}

#[test]
fn headers_authenticate_and_name_the_project() {
    let scope = Scope::account(ACCOUNT).unwrap();
    let req = requests::create(&conn(), &scope, &TokenBody::default());
    let header = |n: &str| req.headers.iter().find(|(k, _)| k == n).map(|(_, v)| v.expose().to_string());
    assert_eq!(header("Authorization").as_deref(), Some("Bearer test-api-token-value"));
    assert_eq!(header("Content-Type").as_deref(), Some("application/json"));
    assert!(header("User-Agent").unwrap().starts_with("cloudflare-access-service-token-wasm/"));
    let key = Connection::new(Credentials::ApiKey { email: "ops@example.com".into(), key: Secret::new("global-key-value") });
    let req = requests::get(&key, &scope, &TokenId::parse(TOKEN_ID).unwrap());
    let names: Vec<&str> = req.headers.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(names, ["User-Agent", "X-Auth-Email", "X-Auth-Key"], "no Content-Type without a body");
}

#[test]
fn debug_output_of_requests_and_connections_hides_credentials() {
    let scope = Scope::account(ACCOUNT).unwrap();
    let req = requests::create(&conn(), &scope, &TokenBody::default());
    let text = format!("{req:?} {:?}", conn());
    assert!(!text.contains("test-api-token-value"), "{text}");
    assert!(text.contains("[secret]"));
    let key = Connection::new(Credentials::ApiKey { email: "ops@example.com".into(), key: Secret::new("global-key-value") });
    assert!(!format!("{key:?} {:?}", requests::get(&key, &scope, &TokenId::parse(TOKEN_ID).unwrap())).contains("global-key-value"));
}

#[test]
fn urls_join_base_path_and_encoded_query() {
    let scope = Scope::account(ACCOUNT).unwrap();
    let req = requests::list(&conn(), &scope, 1, 5000, Some("CI/CD app"));
    assert_eq!(
        req.url("http://127.0.0.1:8787/client/v4/"),
        format!("http://127.0.0.1:8787/client/v4/accounts/{ACCOUNT}/access/service_tokens?page=1&per_page=1000&name=CI%2FCD%20app")
    );
}

#[test]
fn only_the_create_counts_as_a_create_the_call_never_retried_blindly() {
    // A create that may have reached Cloudflare is not sent again (it could
    // make a second token); every other call, a list of the same collection
    // or another POST (refresh, rotate) included, is retried.
    let c = conn();
    let id = TokenId::parse(TOKEN_ID).unwrap();
    for scope in [Scope::account(ACCOUNT).unwrap(), Scope::zone(ZONE).unwrap()] {
        assert!(requests::create(&c, &scope, &TokenBody::default()).is_create());
        assert!(!requests::list(&c, &scope, 1, 50, None).is_create(), "a list GETs the create's path");
        assert!(!requests::get(&c, &scope, &id).is_create());
        assert!(!requests::update(&c, &scope, &id, &TokenBody::default()).is_create());
        assert!(!requests::delete(&c, &scope, &id).is_create());
    }
    let account = Scope::account(ACCOUNT).unwrap();
    assert!(!requests::refresh(&c, &account, &id).unwrap().is_create(), "refresh is a POST too");
    assert!(!requests::rotate(&c, &account, &id, None).unwrap().is_create(), "rotate is a POST too");
}
