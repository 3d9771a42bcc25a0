//! Every file in `reference/fixtures` parses with the crate's own types:
//! responses through the envelope parser, request bodies as what the
//! builders send, Pulumi's recorded inputs through the property-bag check.

use access_service_token::properties::check_properties;
use access_service_token::responses::{self, ApiToken};
use access_service_token::transport::RawResponse;
use access_service_token::Error;
use serde_json::Value;
use std::path::PathBuf;

fn fixtures() -> Vec<(String, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("reference/fixtures");
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .expect("fixtures directory")
        .map(|e| {
            let p = e.expect("entry").path();
            (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read(&p).expect("read"))
        })
        .collect();
    out.sort();
    out
}

fn ok(body: &[u8]) -> RawResponse {
    RawResponse { status: 200, headers: vec![("content-type".into(), "application/json".into())], body: body.to_vec() }
}

#[test]
fn every_fixture_is_understood() {
    let all = fixtures();
    assert_eq!(all.len(), 18, "a fixture was added or removed: cover it here");
    for (name, body) in &all {
        if name.ends_with(".response.json") && name.contains("list") {
            let (tokens, _) = responses::parse_with_info::<Vec<ApiToken>>(&ok(body)).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(!tokens.is_empty(), "{name}");
            assert!(tokens.iter().all(|t| t.client_secret.is_none()), "{name}: lists never carry secrets");
        } else if name.ends_with(".response.json") {
            let token: ApiToken = responses::parse(&ok(body)).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(!token.id.is_empty() && token.client_id.contains(".access"), "{name}");
            let has_secret = name.contains("create") || name.contains("rotate");
            assert_eq!(token.client_secret.is_some(), has_secret, "{name}");
        } else if name.ends_with(".request.json") {
            let v: Value = serde_json::from_slice(body).unwrap_or_else(|e| panic!("{name}: {e}"));
            let known = ["name", "duration", "client_secret_version", "previous_client_secret_expires_at", "enabled"];
            assert!(v.as_object().unwrap().keys().all(|k| known.contains(&k.as_str())), "{name}");
        } else if name == "schema-error-response.example.json" {
            let resp = RawResponse { status: 400, headers: vec![], body: body.clone() };
            match responses::parse::<ApiToken>(&resp) {
                Err(Error::Api(f)) => assert_eq!((f.status, f.code, f.message.as_str()), (400, Some(7003), "No route for the URI")),
                other => panic!("{other:?}"),
            }
        } else if name.starts_with("pulumi-") && name.contains("grpc") {
            let calls: Vec<Value> = serde_json::from_slice(body).unwrap();
            let news = calls[0]["request"]["news"].as_object().unwrap();
            let args = check_properties(news).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(args.duration.as_deref(), Some("forever"));
            // Our check returns what the bridged provider's Check returned, less `__defaults`.
            let mut expected = calls[0]["response"]["inputs"].as_object().unwrap().clone();
            expected.remove("__defaults");
            assert_eq!(serde_json::to_value(&args).unwrap(), Value::Object(expected));
        } else if name.starts_with("pulumi-") && name.contains("state") {
            let resource: Value = serde_json::from_slice(body).unwrap();
            let mut inputs = resource["inputs"].as_object().unwrap().clone();
            inputs.remove("__defaults");
            let args = check_properties(&inputs).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(args.name, "test-token");
            assert_eq!(resource["outputs"]["expiresAt"], "2125-04-04T12:14:40Z");
        } else {
            panic!("unclassified fixture {name}");
        }
    }
}

#[test]
fn success_false_with_status_200_is_an_error() {
    let body = br#"{"success":false,"errors":[{"code":12130,"message":"access.api.error.invalid_request"}],"messages":[],"result":null}"#;
    match responses::parse::<ApiToken>(&ok(body)) {
        Err(Error::Api(f)) => assert_eq!((f.status, f.code), (200, Some(12130))),
        other => panic!("{other:?}"),
    }
}

#[test]
fn placeholder_errors_on_success_are_ignored() {
    // The generated doc examples carry `errors` items even with success: true.
    let body = include_bytes!("../reference/fixtures/docs-get-service-token.response.json");
    assert!(responses::parse::<ApiToken>(&ok(body)).is_ok());
}

#[test]
fn an_html_502_is_a_clear_error_quoting_the_status() {
    let resp = RawResponse {
        status: 502,
        headers: vec![("content-type".into(), "text/html".into())],
        body: b"<html><head><title>502 Bad Gateway</title></head><body>cloudflare</body></html>".to_vec(),
    };
    match responses::parse::<ApiToken>(&resp) {
        Err(Error::Api(f)) => {
            assert_eq!((f.status, f.code), (502, None));
            assert!(f.message.contains("not Cloudflare's JSON envelope (text/html") && f.message.contains("\"502 Bad Gateway\""), "{}", f.message);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn errors_map_to_kinds_a_caller_can_act_on() {
    let env = |code: u32, msg: &str| format!(r#"{{"success":false,"errors":[{{"code":{code},"message":"{msg}"}}],"messages":[],"result":null}}"#);
    let at = |status: u16, body: String, headers: Vec<(String, String)>| responses::parse::<ApiToken>(&RawResponse { status, headers, body: body.into_bytes() });
    assert!(matches!(at(400, env(9106, "Missing X-Auth-Key, X-Auth-Email or Authorization headers"), vec![]), Err(Error::Unauthorized(f)) if f.code == Some(9106)));
    assert!(matches!(at(403, env(9109, "Invalid access token"), vec![]), Err(Error::Unauthorized(_))));
    assert!(matches!(at(403, env(10000, "Authentication error"), vec![]), Err(Error::Unauthorized(_))));
    assert!(matches!(at(403, env(9999, "not entitled"), vec![]), Err(Error::Forbidden(_))));
    assert!(matches!(at(404, env(1001, "service token not found"), vec![]), Err(Error::NotFound(_))));
    assert!(matches!(
        at(429, env(971, "Please wait and consider throttling your request speed"), vec![("retry-after".into(), "17".into())]),
        Err(Error::RateLimited { retry_after_seconds: Some(17), .. })
    ));
    match at(400, env(12130, "access.api.error.invalid_request: name is required"), vec![]) {
        Err(Error::Api(f)) => assert_eq!(f.to_string(), "HTTP 400, Cloudflare error 12130: access.api.error.invalid_request: name is required"),
        other => panic!("{other:?}"),
    }
}
