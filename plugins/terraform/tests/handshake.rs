//! The provider as Terraform finds it: started through go-plugin's handshake
//! (or refusing to run without it), and its schema held to the rules
//! Terraform checks before it uses one.

mod support;

use serde_json::{json, Value};
use std::process::Command;
use support::*;

#[test]
fn run_by_hand_without_the_cookie_it_explains_itself_and_exits_1() {
    // A person running the binary: no go-plugin variables at all.
    let out = Command::new(PROVIDER).env_remove("TF_PLUGIN_MAGIC_COOKIE").output().expect("run the provider");
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(out.stdout.is_empty(), "nothing on stdout (Terraform would read it as a handshake): {:?}", String::from_utf8_lossy(&out.stdout));
    let stderr = String::from_utf8_lossy(&out.stderr);
    for words in ["Terraform/OpenTofu provider plugin", "dev_overrides", "TF_REATTACH_PROVIDERS"] {
        assert!(stderr.contains(words), "the message says {words:?}: {stderr}");
    }

    // Launched by a go-plugin client that has every variable but the cookie.
    let mut tf = Terraform::driver();
    let answer = tf.launch(&[], false);
    assert_eq!((&answer["started"], &answer["exit_code"], &answer["stdout"]), (&json!(false), &json!(1), &json!("")), "{answer}");
    assert!(answer["stderr"].as_str().unwrap().contains("It is not meant to be run directly"), "{answer}");
}

#[test]
fn started_by_terraform_it_speaks_protocol_6_over_mutual_tls_and_stops_on_shutdown() {
    let mut tf = Terraform::driver();
    let started = tf.start_provider(&[]);
    // `1|6|unix|<socket>|grpc|<server certificate>`: go-plugin's line. The
    // driver connected with mTLS (our P-521 CA certificate, only the printed
    // certificate trusted) to get this far.
    let line = started["handshake"].as_str().unwrap();
    let parts: Vec<&str> = line.split('|').collect();
    assert_eq!(parts.len(), 6, "{line}");
    assert_eq!((parts[0], parts[1], parts[2], parts[4]), ("1", "6", "unix", "grpc"), "{line}");
    assert!(parts[5].len() > 50 && !parts[5].contains('='), "the certificate, unpadded base64: {line}");

    let schema = tf.ok("GetProviderSchema", json!({}));
    assert_eq!(schema["diagnostics"], json!([]));
    assert!(schema["resource_schemas"][TOKEN].is_object() && schema["data_source_schemas"][TOKEN].is_object(), "{schema}");
    let metadata = tf.ok("GetMetadata", json!({}));
    assert_eq!(metadata["resources"], json!([{"type_name": TOKEN}]));
    assert_eq!(metadata["data_sources"], json!([{"type_name": TOKEN}]));
    assert_eq!(metadata["server_capabilities"], schema["server_capabilities"]);

    // StopProvider (Ctrl-C) is answered; the provider keeps serving until Shutdown.
    let stop = tf.ok("StopProvider", json!({}));
    assert_eq!(stop["Error"], "", "{stop}");
    assert_eq!(tf.ok("GetMetadata", json!({}))["resources"], json!([{"type_name": TOKEN}]));

    let stopped = tf.stop();
    assert_eq!((&stopped["exit_code"], &stopped["exited_within_2s"]), (&json!(0), &json!(true)), "go-plugin kills a provider still running 2 s after Shutdown: {stopped}");
    assert_eq!(stopped["stdout_after_handshake"], "", "nothing after the handshake line on stdout");
    let stderr = tf.stderr();
    assert!(!stderr.contains("TLS handshake failed"), "{stderr}");
}

fn is_cty_type(t: &Value) -> bool {
    match t {
        Value::String(s) => ["string", "number", "bool", "dynamic"].contains(&s.as_str()),
        Value::Array(a) => match (a.first().and_then(Value::as_str), a.get(1)) {
            (Some("list" | "set" | "map"), Some(e)) => a.len() == 2 && is_cty_type(e),
            (Some("object"), Some(Value::Object(o))) => o.values().all(is_cty_type),
            (Some("tuple"), Some(Value::Array(e))) => e.iter().all(is_cty_type),
            _ => false,
        },
        _ => false,
    }
}

#[test]
fn the_schema_is_one_terraform_accepts() {
    let mut tf = Terraform::start(&[]);
    let schemas = tf.schemas();
    for (what, schema) in [("provider", &schemas.provider), ("resource", &schemas.resource), ("data source", &schemas.data_source)] {
        assert!(!schema.description.is_empty(), "the {what} has a description");
        assert_eq!(schema.nested_blocks, 0);
        for a in &schema.attributes {
            let at = format!("{what} attribute {}", a.name);
            // configschema's InternalValidate: a name Terraform accepts, a
            // type, one of required/optional/computed (computed may join
            // optional, never required).
            assert!(!a.name.is_empty() && a.name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'), "{at}");
            assert!(is_cty_type(&a.ty), "{at}: a cty type's JSON, not {}", a.ty);
            assert!(a.required || a.optional || a.computed, "{at} is set some way");
            assert!(!(a.required && (a.optional || a.computed)), "{at}: required stands alone");
            assert!(!a.description.is_empty(), "{at} has a description");
        }
    }
    let r = &schemas.resource;
    assert_eq!(r.version, 0);
    let sensitive: Vec<&str> = r.attributes.iter().filter(|a| a.sensitive).map(|a| a.name.as_str()).collect();
    assert_eq!(sensitive, ["client_secret"]);
    assert!(r.attribute("client_secret").computed && !r.attribute("client_secret").optional);
    for scope in ["account_id", "zone_id"] {
        let a = r.attribute(scope);
        assert!(a.optional && !a.required && !a.computed, "{scope} is optional (exactly one is checked at validation)");
    }
    assert!(r.attribute("name").required);
    for computed in ["id", "client_id", "expires_at"] {
        assert!(r.attribute(computed).computed && !r.attribute(computed).optional, "{computed}");
    }
    for both in ["min_days_for_renewal", "duration", "client_secret_version"] {
        assert!(r.attribute(both).optional && r.attribute(both).computed, "{both} is optional and computed");
    }
    assert_eq!((&r.attribute("min_days_for_renewal").ty, &r.attribute("name").ty), (&json!("number"), &json!("string")));
    let provider_secrets: Vec<&str> = schemas.provider.attributes.iter().filter(|a| a.sensitive).map(|a| a.name.as_str()).collect();
    assert_eq!(provider_secrets, ["api_token", "api_key"]);
    assert!(schemas.data_source.attribute("token_id").required);
    // The type's implied provider is its text before the first `_`.
    assert!(TOKEN.starts_with("cfaccess_"));
    assert_eq!(
        schemas.capabilities,
        json!({"plan_destroy": true, "get_provider_schema_optional": true, "move_resource_state": true, "generate_resource_config": false})
    );
}

/// Runs one scenario of the go-plugin client (protocol/tests/python/
/// goplugin_client.py, written to go-plugin's `client.go`) against this
/// provider's own binary.
fn goplugin_scenario(name: &str) {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/protocol/tests/python/goplugin_client.py");
    let out = Command::new(python()).arg(script).arg(name).arg(PROVIDER).output().expect("run the go-plugin client");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "scenario {name}:\n{text}");
}

#[test]
fn only_the_certificate_terraform_handed_over_is_let_in() {
    // Another P-521 CA certificate made the same way, or none, under TLS 1.3
    // and 1.2: each handshake refused, and the provider still serves the
    // right client afterwards.
    goplugin_scenario("bad-clients");
}

#[test]
fn ctrl_c_does_not_stop_it_terraform_sends_stop_provider_instead() {
    // SIGINT to the whole process group, as Ctrl-C in a terminal sends it.
    goplugin_scenario("sigint");
}
