//! `terraform validate`: ValidateProviderConfig and ValidateResourceConfig,
//! before any ConfigureProvider (the validate walk configures nothing), with
//! values that may not be known yet; never an API call.

mod support;

use cloudflare_emulator::DEFAULT_API_TOKEN;
use serde_json::{json, Value};
use support::*;

/// The attribute each error diagnostic is about, in order.
fn error_paths(diagnostics: &[Value]) -> Vec<Option<String>> {
    diagnostics.iter().filter(|d| d["severity"] == "ERROR").map(|d| path_attribute(&d["attribute"])).collect()
}

/// Terraform's users know attributes by their Terraform names: no message
/// may use the component's camelCase names.
fn assert_terraform_words(diagnostics: &[Value]) {
    for d in diagnostics {
        let text = format!("{} {}", d["summary"], d["detail"]);
        for camel in ["accountId", "zoneId", "minDaysForRenewal", "clientSecretVersion", "previousClientSecretExpiresAt", "clientSecret", "clientId", "expiresAt", "tokenId"] {
            assert!(!text.contains(camel), "{camel} in a diagnostic: {text}");
        }
    }
}

#[test]
fn provider_configuration_is_validated_before_it_is_configured() {
    let mut tf = Terraform::start(&[]);
    let provider = tf.schemas().provider;
    let validate = |tf: &mut Terraform, block: Value| -> Vec<Value> {
        let response = tf.ok("ValidateProviderConfig", json!({"config": provider.object(block)}));
        response["diagnostics"].as_array().unwrap().clone()
    };
    assert_eq!(validate(&mut tf, json!({"api_token": "a-token", "base_url": "https://api.cloudflare.com/client/v4"})), Vec::<Value>::new());
    assert_eq!(validate(&mut tf, json!({})), Vec::<Value>::new(), "everything may come from the environment");
    assert_eq!(validate(&mut tf, json!({"api_token": unknown(), "requests_per_second": unknown()})), Vec::<Value>::new(), "values not known yet are tolerated");
    assert_eq!(error_paths(&validate(&mut tf, json!({"requests_per_second": 0}))), [Some("requests_per_second".into())]);
    assert_eq!(error_paths(&validate(&mut tf, json!({"request_timeout_ms": 1.5}))), [Some("request_timeout_ms".into())]);
    assert_eq!(error_paths(&validate(&mut tf, json!({"api_key": "a-key"}))), [Some("email".into())], "a global key needs its email");
    assert_eq!(error_paths(&validate(&mut tf, json!({"api_token": ""}))), [Some("api_token".into())]);
    let keyed = validate(&mut tf, json!({"api_key": "s3cr3t-global-key", "requests_per_second": -5}));
    assert_eq!(error_paths(&keyed), [Some("requests_per_second".into()), Some("email".into())], "{}", describe(&keyed));
    tf.assert_no_secret_logged(&["a-token", "s3cr3t-global-key"]);
}

#[test]
fn resource_configuration_errors_point_at_their_attributes_and_make_no_call() {
    let emu = emulator();
    let mut tf = Terraform::start(&[]);
    let schema = tf.resource();
    let config = |attrs: Value| schema.object(attrs);

    let fine = tf.validate(&config(json!({"name": "CI/CD app", "account_id": ACCOUNT, "duration": "8760h", "min_days_for_renewal": 30})));
    assert_eq!(fine, Vec::<Value>::new());
    let zone = tf.validate(&config(json!({"name": "CI/CD app", "zone_id": ZONE})));
    assert_eq!(zone, Vec::<Value>::new());

    let both = tf.validate(&config(json!({"name": "x", "account_id": ACCOUNT, "zone_id": ZONE})));
    let paths = error_paths(&both);
    assert!(!paths.is_empty() && paths.iter().all(|p| p.as_deref() == Some("account_id") || p.as_deref() == Some("zone_id")), "{}", describe(&both));
    assert!(paths.contains(&Some("zone_id".into())), "{}", describe(&both));
    assert_terraform_words(&both);

    let neither = tf.validate(&config(json!({"name": "x"})));
    assert_eq!(error_paths(&neither).len(), 1, "{}", describe(&neither));
    assert!(matches!(error_paths(&neither)[0].as_deref(), Some("account_id") | Some("zone_id")), "{}", describe(&neither));
    assert_terraform_words(&neither);

    let bad_id = tf.validate(&config(json!({"name": "x", "account_id": "not-an-account"})));
    assert_eq!(error_paths(&bad_id), [Some("account_id".into())], "{}", describe(&bad_id));
    assert!(bad_id[0]["detail"].as_str().unwrap().contains("32 hexadecimal"), "{}", describe(&bad_id));

    let several = tf.validate(&config(json!({"name": "x", "zone_id": "abc", "duration": "a while", "min_days_for_renewal": -1})));
    let mut found: Vec<String> = error_paths(&several).into_iter().map(|p| p.unwrap_or_default()).collect();
    found.sort();
    assert_eq!(found, ["duration", "min_days_for_renewal", "zone_id"], "every problem at once: {}", describe(&several));
    assert_terraform_words(&several);

    // `terraform validate` of a module whose values come from elsewhere:
    // unknowns are not errors.
    let pending = tf.validate(&config(json!({"name": unknown(), "account_id": unknown(), "duration": unknown(), "min_days_for_renewal": unknown()})));
    assert_eq!(pending, Vec::<Value>::new(), "{}", describe(&pending));
    let one_known = tf.validate(&config(json!({"name": "x", "account_id": ACCOUNT, "zone_id": unknown()})));
    assert_eq!(one_known, Vec::<Value>::new(), "an unknown zone_id may yet be null: {}", describe(&one_known));

    // Configured, it still validates without a call.
    tf.configure_emulator(&emu.base_url(), DEFAULT_API_TOKEN, 1000);
    assert_eq!(tf.validate(&config(json!({"name": "x", "account_id": ACCOUNT}))), Vec::<Value>::new());
    let wrong_type = tf.ok("ValidateResourceConfig", json!({"type_name": "cfaccess_other", "config": {"$msgpack": {}}}));
    assert_eq!(errors(&wrong_type["diagnostics"]).len(), 1, "{wrong_type}");
    assert_eq!(calls(&emu), Vec::<String>::new(), "validation makes no API call");
    assert_no_secret_leaked(&mut tf, &emu, &[]);
}

#[test]
fn a_rotation_is_planned_with_a_warning_in_terraform_words() {
    let emu = emulator();
    let mut tf = Terraform::start(&[]);
    let schema = tf.resource();
    tf.configure_emulator(&emu.base_url(), DEFAULT_API_TOKEN, 1000);
    let config = schema.object(json!({"name": "rotating", "account_id": ACCOUNT, "client_secret_version": 1}));
    let plan = tf.plan(&Value::Null, &config);
    let state = tf.apply(&Value::Null, &plan, &config);
    calls(&emu);

    let rotate = schema.object(json!({"name": "rotating", "account_id": ACCOUNT, "client_secret_version": 2}));
    let plan = tf.plan(&state, &rotate);
    assert_eq!(plan.action, Action::Update);
    assert!(is_unknown(&plan.planned["client_secret"]), "a new secret, known after apply: {}", plan.planned);
    assert_eq!((&plan.planned["client_id"], &plan.planned["id"]), (&state["client_id"], &state["id"]), "the client id stays");
    let warnings = plan.warnings();
    assert_eq!(warnings.len(), 1, "{}", describe(&plan.diagnostics));
    assert_eq!(path_attribute(&warnings[0]["attribute"]).as_deref(), Some("client_secret"));
    assert_terraform_words(&plan.diagnostics);
    assert_eq!(calls(&emu), Vec::<String>::new());
    let rotated = tf.apply(&state, &plan, &rotate);
    assert_eq!(calls(&emu), [format!("PUT {}/{}", account_tokens(), state["id"].as_str().unwrap())]);
    assert_ne!(rotated["client_secret"], state["client_secret"]);
    assert_eq!(rotated["client_secret"], emu.tokens()[0].client_secret);
    assert_no_secret_leaked(&mut tf, &emu, &[]);
}
