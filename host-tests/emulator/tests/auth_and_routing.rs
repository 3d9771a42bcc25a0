//! Credentials, routing, identifiers and methods: the errors a client meets
//! before any token logic, with the API's statuses and codes.

mod common;
use cloudflare_emulator::{DEFAULT_API_EMAIL, DEFAULT_API_KEY};
use common::*;
use serde_json::json;

const TOKEN_ID: &str = "f174e90a-fafe-4643-bbbc-4a0ed4fc8415";

#[test]
fn no_credentials_is_400_9106() {
    let emu = start();
    let r = Api::with_headers(&emu, &[]).get(&accounts(""));
    assert_eq!(r.error(), (400, 9106));
    assert_eq!(
        r.json()["errors"][0]["message"],
        "Missing X-Auth-Key, X-Auth-Email or Authorization headers"
    );
}

#[test]
fn unknown_bearer_token_is_403_9109() {
    let emu = start();
    let r =
        Api::with_headers(&emu, &[("authorization", "Bearer not-a-real-token")]).get(&accounts(""));
    assert_eq!(r.error(), (403, 9109));
    assert_eq!(r.json()["errors"][0]["message"], "Invalid access token");
}

#[test]
fn malformed_authorization_header_is_400_6003() {
    let emu = start();
    let r = Api::with_headers(&emu, &[("authorization", "Basic dXNlcjpwYXNz")]).get(&accounts(""));
    assert_eq!(r.error(), (400, 6003));
}

#[test]
fn global_api_key_works_and_wrong_or_partial_pairs_are_403_10000() {
    let emu = start();
    let ok = Api::with_headers(
        &emu,
        &[
            ("x-auth-email", DEFAULT_API_EMAIL),
            ("x-auth-key", DEFAULT_API_KEY),
        ],
    );
    assert_eq!(ok.get(&accounts("")).status, 200);
    let wrong = Api::with_headers(
        &emu,
        &[("x-auth-email", DEFAULT_API_EMAIL), ("x-auth-key", "wrong")],
    );
    assert_eq!(wrong.get(&accounts("")).error(), (403, 10000));
    let email_only = Api::with_headers(&emu, &[("x-auth-email", DEFAULT_API_EMAIL)]);
    assert_eq!(email_only.get(&accounts("")).error(), (403, 10000));
    let key_only = Api::with_headers(&emu, &[("x-auth-key", DEFAULT_API_KEY)]);
    let r = key_only.get(&accounts(""));
    assert_eq!(r.error(), (403, 10000));
    assert_eq!(r.json()["errors"][0]["message"], "Authentication error");
}

#[test]
fn configured_credentials_replace_the_defaults() {
    let emu = cloudflare_emulator::Emulator::start(cloudflare_emulator::EmulatorConfig {
        credentials: cloudflare_emulator::Credentials {
            api_tokens: vec!["only-this".into()],
            api_keys: vec![],
        },
        ..Default::default()
    })
    .unwrap();
    assert_eq!(Api::new(&emu).get(&accounts("")).error(), (403, 9109));
    assert_eq!(
        Api::with_headers(&emu, &[("authorization", "Bearer only-this")])
            .get(&accounts(""))
            .status,
        200
    );
}

#[test]
fn malformed_account_or_zone_ids_are_400_7003() {
    let emu = start();
    let api = Api::new(&emu);
    for bad in [
        "nothex",
        "023e105f4ecef8ad9ca31a8372d0c35",
        "023e105f4ecef8ad9ca31a8372d0c3533",
        "023e105f4ecef8ad9ca31a8372d0c35g",
    ] {
        for scope in ["accounts", "zones"] {
            let path = format!("/{scope}/{bad}/access/service_tokens");
            let r = api.get(&path);
            assert_eq!(r.error(), (400, 7003), "{path}");
            let message = r.json()["errors"][0]["message"]
                .as_str()
                .unwrap()
                .to_string();
            assert_eq!(
                message,
                format!("Could not route to /client/v4{path}, perhaps your object identifier is invalid?")
            );
        }
    }
}

#[test]
fn a_token_id_that_is_not_a_uuid_is_400_7003() {
    let emu = start();
    let api = Api::new(&emu);
    assert_eq!(api.get(&accounts("/not-a-uuid")).error(), (400, 7003));
    assert_eq!(api.delete(&zones("/1234")).error(), (400, 7003));
    assert_eq!(
        api.post(
            &accounts("/f174e90afafe4643bbbc4a0ed4fc8415/refresh"),
            json!({})
        )
        .error(),
        (400, 7003)
    );
}

#[test]
fn zone_refresh_and_rotate_do_not_exist() {
    let emu = start();
    let api = Api::new(&emu);
    for action in ["refresh", "rotate"] {
        let r = api.post(&zones(&format!("/{TOKEN_ID}/{action}")), json!({}));
        assert_eq!(r.error(), (404, 7000), "zone {action}");
        assert_eq!(r.json()["errors"][0]["message"], "No route for that URI");
    }
}

#[test]
fn unknown_routes_are_404_7000_even_without_credentials() {
    let emu = start();
    let api = Api::with_headers(&emu, &[]);
    for path in [
        "/user/tokens",
        &format!("/accounts/{ACCOUNT}/access/apps"),
        &accounts("/x/y/z"),
        &accounts("/"),
    ] {
        assert_eq!(api.get(path).error(), (404, 7000), "{path}");
    }
}

#[test]
fn wrong_methods_are_405_10405_with_allow() {
    let emu = start();
    let api = Api::new(&emu);
    let r = api.send("PATCH", &accounts(&format!("/{TOKEN_ID}")), Some("{}"));
    assert_eq!(r.error(), (405, 10405));
    assert_eq!(r.header("allow"), Some("GET, PUT, DELETE"));
    assert_eq!(api.delete(&zones("")).error(), (405, 10405));
    assert_eq!(
        api.get(&accounts(&format!("/{TOKEN_ID}/rotate"))).error(),
        (405, 10405)
    );
}

#[test]
fn missing_tokens_are_404_12135_on_every_operation() {
    let emu = start();
    let api = Api::new(&emu);
    let one = accounts(&format!("/{TOKEN_ID}"));
    assert_eq!(api.get(&one).error(), (404, 12135));
    assert_eq!(api.put(&one, json!({"name": "x"})).error(), (404, 12135));
    assert_eq!(api.delete(&one).error(), (404, 12135));
    assert_eq!(
        api.post(&format!("{one}/refresh"), json!({})).error(),
        (404, 12135)
    );
    assert_eq!(
        api.post(&format!("{one}/rotate"), json!({})).error(),
        (404, 12135)
    );
    assert_eq!(
        api.get(&zones(&format!("/{TOKEN_ID}"))).error(),
        (404, 12135)
    );
}

#[test]
fn each_account_and_zone_is_its_own_namespace() {
    let emu = start();
    let api = Api::new(&emu);
    let created = api.create("mine");
    let id = created["id"].as_str().unwrap();
    assert_eq!(api.get(&accounts(&format!("/{id}"))).status, 200);
    assert_eq!(
        api.get(&format!(
            "/accounts/{OTHER_ACCOUNT}/access/service_tokens/{id}"
        ))
        .error(),
        (404, 12135)
    );
    assert_eq!(
        api.get(&format!("/zones/{ACCOUNT}/access/service_tokens/{id}"))
            .error(),
        (404, 12135)
    );
    assert_eq!(
        api.get(&format!("/accounts/{OTHER_ACCOUNT}/access/service_tokens"))
            .result(),
        json!([])
    );
}

#[test]
fn every_answer_is_a_json_envelope_with_a_ray_id() {
    let emu = start();
    let api = Api::new(&emu);
    for r in [
        api.get(&accounts("")),
        Api::with_headers(&emu, &[]).get(&accounts("")),
        api.get("/nope"),
    ] {
        assert_eq!(r.header("content-type"), Some("application/json"));
        assert!(r.header("cf-ray").is_some_and(|v| v.ends_with("-EMU")));
        let body = r.json();
        for key in ["success", "errors", "messages", "result"] {
            assert!(body.get(key).is_some(), "{key} missing in {body}");
        }
    }
}
