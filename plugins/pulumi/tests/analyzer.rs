//! The policy-pack analyzer driven as the Pulumi engine drives it (through
//! Pulumi's own generated stubs), with findings checked against the CLI's
//! `policy` scan of the same stack: one rule set, one message text.

mod support;

use chrono::{Duration as Days, SecondsFormat, Utc};
use serde_json::{json, Value};
use std::path::PathBuf;
use support::*;

const V5: &str = "cloudflare:index/accessServiceToken:AccessServiceToken";
const V6: &str = "cloudflare:index/zeroTrustAccessServiceToken:ZeroTrustAccessServiceToken";
const SECRET: &str = "cfast_analyzer_test_secret_value_0123456789";
const RULES: [&str; 11] = [
    "expired",
    "expires-soon",
    "never-renewed",
    "renewal-window-too-long",
    "non-expiring",
    "plaintext-secret",
    "scope-conflict",
    "scope-missing",
    "disabled",
    "idle",
    "never-used",
];

/// A policy pack directory with its `PulumiPolicy.yaml`.
fn pack(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("policy-pack-{test}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("PulumiPolicy.yaml"), "runtime: cloudflare-access-service-token\nname: token-guard\nversion: 1.2.0\n").unwrap();
    dir
}

fn start(test: &str) -> (Plugin, Engine) {
    let plugin = Plugin::start_analyzer(&pack(test), &[]);
    let engine = Engine::connect_analyzer(&plugin);
    (plugin, engine)
}

fn at(days_from_now: i64) -> String {
    (Utc::now() + Days::days(days_from_now)).to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// A healthy token: renewed 30 days ahead, a year long, half of it left, secret protected.
fn healthy() -> Value {
    json!({"name": "CI/CD app", "accountId": ACCOUNT, "duration": "8760h", "minDaysForRenewal": 30,
           "expiresAt": at(200), "id": "t", "clientId": "c.access", "clientSecret": secret(SECRET)})
}

fn with(mut base: Value, changes: Value) -> Value {
    for (k, v) in changes.as_object().unwrap() {
        if v.is_null() {
            base.as_object_mut().unwrap().remove(k);
        } else {
            base[k] = v.clone();
        }
    }
    base
}

fn urn_of(ty: &str, name: &str) -> String {
    format!("urn:pulumi:dev::seed::{ty}::{name}")
}

/// `Analyze` of one resource: the diagnostics' policy names.
fn analyze(engine: &mut Engine, ty: &str, properties: Value) -> Vec<Value> {
    let answer = engine.ok("Analyze", json!({"type": ty, "urn": urn_of(ty, "t"), "name": "t", "properties": properties}));
    answer["diagnostics"].as_array().unwrap().clone()
}

fn names(diagnostics: &[Value]) -> Vec<String> {
    diagnostics.iter().map(|d| d["policyName"].as_str().unwrap().to_string()).collect()
}

fn assert_no_secret(diagnostics: &[Value]) {
    let text = serde_json::to_string(diagnostics).unwrap();
    assert!(!text.contains(SECRET), "a secret reached a diagnostic: {text}");
}

#[test]
fn lists_every_rule_and_takes_the_engines_configuration() {
    let (plugin, mut engine) = start("info");
    engine.ok("Handshake", json!({"engineAddress": "127.0.0.1:1"}));
    assert_eq!(engine.ok("GetPluginInfo", json!({}))["version"], env!("CARGO_PKG_VERSION"));
    let info = engine.ok("GetAnalyzerInfo", json!({}));
    assert_eq!((info["name"].as_str(), info["version"].as_str()), (Some("token-guard"), Some("1.2.0")), "from PulumiPolicy.yaml");
    let policies = info["policies"].as_array().unwrap();
    assert_eq!(policies.iter().map(|p| p["name"].as_str().unwrap()).collect::<Vec<_>>(), RULES);
    let level = |name: &str| policies.iter().find(|p| p["name"] == name).unwrap()["enforcementLevel"].as_str().unwrap().to_string();
    assert_eq!((level("expired"), level("never-renewed"), level("non-expiring")), ("MANDATORY".into(), "ADVISORY".into(), "DISABLED".into()));
    assert_eq!((level("disabled"), level("idle"), level("never-used")), ("MANDATORY".into(), "ADVISORY".into(), "ADVISORY".into()));
    let soon = policies.iter().find(|p| p["name"] == "expires-soon").unwrap();
    assert_eq!(soon["configSchema"]["properties"]["expiresWithinDays"]["type"], "integer");
    for name in ["idle", "never-used"] {
        let idle = &policies.iter().find(|p| p["name"] == name).unwrap()["configSchema"]["properties"]["idleDays"];
        assert_eq!((idle["type"].as_str(), idle["default"].as_f64(), idle["minimum"].as_f64()), (Some("integer"), Some(90.0), Some(1.0)), "{name}");
    }
    let idle = policies.iter().find(|p| p["name"] == "idle").unwrap();
    assert!(idle["message"].as_str().unwrap().contains("Cloudflare's inactivity cleanup may disable or delete it"), "{idle}");
    assert!(policies.iter().all(|p| !p["description"].as_str().unwrap().is_empty() && !p["message"].as_str().unwrap().is_empty()));
    eprintln!("GetAnalyzerInfo policies:");
    for p in policies {
        eprintln!("| {} | {} | {} |", p["name"].as_str().unwrap(), p["enforcementLevel"].as_str().unwrap(), p["description"].as_str().unwrap());
    }

    // A year-long token with 200 days left: nothing by default; inside a
    // 400-day window once configured, at the configured level.
    assert_eq!(names(&analyze(&mut engine, TOKEN_TYPE, healthy())), Vec::<String>::new());
    engine.ok("Configure", json!({"policyConfig": {"expires-soon": {"enforcementLevel": "ADVISORY", "properties": {"expiresWithinDays": 400}}}}));
    let found = analyze(&mut engine, TOKEN_TYPE, healthy());
    assert_eq!(names(&found), ["expires-soon"]);
    assert_eq!(found[0]["enforcementLevel"], "ADVISORY");
    assert!(found[0]["message"].as_str().unwrap().contains("within the 400-day window"), "{found:?}");
    engine.ok("Configure", json!({"policyConfig": {"expires-soon": {"enforcementLevel": "DISABLED"}, "scope-missing": {"enforcementLevel": "REMEDIATE"}}}));
    assert_eq!(names(&analyze(&mut engine, TOKEN_TYPE, healthy())), Vec::<String>::new());
    let scopeless = analyze(&mut engine, TOKEN_TYPE, with(healthy(), json!({"accountId": null})));
    assert_eq!((names(&scopeless), scopeless[0]["enforcementLevel"].as_str()), (vec!["scope-missing".to_string()], Some("MANDATORY")), "remediate is enforced");

    for bad in [json!({"nope": {"enforcementLevel": "MANDATORY"}}), json!({"expires-soon": {"properties": {"expiresWithinDays": "many"}}}), json!({"expired": {"properties": {"x": 1}}})] {
        assert_eq!(engine.call("Configure", json!({"policyConfig": bad})).unwrap_err().code, "INVALID_ARGUMENT", "{bad}");
    }
    assert_eq!(engine.ok("Remediate", json!({"type": TOKEN_TYPE, "urn": urn_of(TOKEN_TYPE, "t"), "properties": healthy()})), json!({"remediations": [], "notApplicable": []}));
    plugin.assert_no_secret_logged(&[SECRET]);
}

#[test]
fn each_rule_fires_and_stays_quiet_on_every_token_type() {
    let (plugin, mut engine) = start("rules");
    let info = engine.ok("GetAnalyzerInfo", json!({}));
    let description = |rule: &str| info["policies"].as_array().unwrap().iter().find(|p| p["name"] == rule).unwrap()["description"].clone();
    engine.ok("Configure", json!({"policyConfig": {"non-expiring": {"enforcementLevel": "ADVISORY"}}}));
    let cases: [(&str, Value); 11] = [
        ("expired", json!({"expiresAt": at(-3)})),
        ("expires-soon", json!({"expiresAt": at(10)})),
        ("never-renewed", json!({"minDaysForRenewal": 0})),
        ("renewal-window-too-long", json!({"minDaysForRenewal": 400})),
        ("non-expiring", json!({"duration": "forever", "expiresAt": at(36_000)})),
        ("plaintext-secret", json!({"clientSecret": SECRET})),
        ("scope-conflict", json!({"zoneId": ZONE})),
        ("scope-missing", json!({"accountId": null})),
        ("disabled", json!({"enabled": false})),
        ("idle", json!({"createdAt": at(-400), "lastSeenAt": at(-100)})),
        ("never-used", json!({"createdAt": at(-100)})),
    ];
    for ty in [V5, V6, TOKEN_TYPE] {
        assert_eq!(names(&analyze(&mut engine, ty, healthy())), Vec::<String>::new(), "a healthy {ty}");
        for (rule, change) in &cases {
            let found = analyze(&mut engine, ty, with(healthy(), change.clone()));
            assert_eq!(names(&found), [*rule], "{ty} with {change}");
            let d = &found[0];
            assert_eq!((d["policyPackName"].as_str(), d["policyPackVersion"].as_str()), (Some("token-guard"), Some("1.2.0")));
            assert_eq!(d["urn"], urn_of(ty, "t"));
            assert_eq!(d["description"], description(rule), "the diagnostic describes its own policy");
            assert!(!d["message"].as_str().unwrap().is_empty());
            assert_no_secret(&found);
        }
    }
    assert_eq!(names(&analyze(&mut engine, "aws:s3/bucket:Bucket", json!({"accountId": null, "expiresAt": at(-3)}))), Vec::<String>::new(), "other types are not tokens");
    plugin.assert_no_secret_logged(&[SECRET]);
}

#[test]
fn a_preview_judges_what_is_known_and_nothing_unknown() {
    let (_plugin, mut engine) = start("preview");
    let planned = json!({"name": "CI/CD app", "accountId": ACCOUNT, "duration": "8760h", "minDaysForRenewal": 0,
                          "id": UNKNOWN, "clientId": UNKNOWN, "clientSecret": UNKNOWN, "expiresAt": UNKNOWN});
    let found = analyze(&mut engine, TOKEN_TYPE, planned.clone());
    assert_eq!(names(&found), ["never-renewed"], "known before it exists: {found:?}");
    eprintln!("preview of a token with minDaysForRenewal 0: {}", serde_json::to_string_pretty(&found).unwrap());
    let seed = with(planned.clone(), json!({"minDaysForRenewal": 30}));
    assert_eq!(names(&analyze(&mut engine, TOKEN_TYPE, seed.clone())), Vec::<String>::new(), "the seed token in preview");
    assert_eq!(names(&analyze(&mut engine, TOKEN_TYPE, with(seed.clone(), json!({"zoneId": ZONE})))), ["scope-conflict"]);
    let all_unknown = json!({"name": UNKNOWN, "accountId": UNKNOWN, "duration": UNKNOWN, "minDaysForRenewal": UNKNOWN, "expiresAt": UNKNOWN, "clientSecret": UNKNOWN,
                             "enabled": UNKNOWN, "createdAt": UNKNOWN, "lastSeenAt": UNKNOWN});
    assert_eq!(names(&analyze(&mut engine, TOKEN_TYPE, all_unknown)), Vec::<String>::new(), "no rule fires on an unknown value");
    // A create's preview: enabled from another resource, createdAt unknown, never seen.
    let new = with(seed.clone(), json!({"enabled": UNKNOWN, "createdAt": UNKNOWN}));
    assert_eq!(names(&analyze(&mut engine, TOKEN_TYPE, new.clone())), Vec::<String>::new());
    // An update's preview: created long ago, lastSeenAt unknown: neither idle nor never used.
    let update = with(seed.clone(), json!({"createdAt": at(-400), "lastSeenAt": UNKNOWN, "expiresAt": at(200)}));
    assert_eq!(names(&analyze(&mut engine, TOKEN_TYPE, update)), Vec::<String>::new());
    // Known before it exists: the program creates it disabled.
    let off = analyze(&mut engine, TOKEN_TYPE, with(new, json!({"enabled": false})));
    assert_eq!(names(&off), ["disabled"]);
    assert_eq!(
        off[0]["message"],
        "enabled is false in the configuration, so once applied the token authenticates nothing: every request presenting it is refused; if that is not meant, set enabled: true (or leave it out) and run `pulumi up` to enable it in place, with the same client id and secret"
    );
    assert_eq!(off[0]["enforcementLevel"], "MANDATORY");
}

#[test]
fn the_seed_token_340_days_on_expires_soon() {
    let plugin = Plugin::start_analyzer(&pack("aged"), &[("ACCESS_SERVICE_TOKEN_CLOCK_OFFSET_SECONDS", &(340 * 86_400).to_string())]);
    let mut engine = Engine::connect_analyzer(&plugin);
    let created_now = with(healthy(), json!({"expiresAt": at(365)}));
    let found = analyze(&mut engine, TOKEN_TYPE, created_now);
    assert_eq!(names(&found), ["expires-soon"]);
    eprintln!("the seed token 340 days after its create: {}", serde_json::to_string_pretty(&found).unwrap());
}

/// The defect of the `i % 6`th token of a [`stack`] (none for the last).
const STACK_RULES: [&str; 5] = ["expired", "expires-soon", "never-renewed", "idle", "never-used"];

/// A stack of `n` tokens with known defects, and other resources between them.
fn stack(n: usize) -> (Vec<Value>, Vec<(&'static str, usize)>) {
    let mut resources = Vec::new();
    for i in 0..n {
        let change = match i % 6 {
            0 => json!({"expiresAt": at(-1)}),
            1 => json!({"expiresAt": at(5)}),
            2 => json!({"minDaysForRenewal": 0}),
            3 => json!({"createdAt": at(-400), "lastSeenAt": at(-120)}),
            4 => json!({"createdAt": at(-200)}),
            _ => json!({"createdAt": at(-400), "lastSeenAt": at(-2)}),
        };
        let ty = [V5, V6, TOKEN_TYPE][i % 3];
        resources.push(json!({"type": ty, "urn": urn_of(ty, &format!("t{i}")), "name": format!("t{i}"), "properties": with(healthy(), change)}));
        if i % 5 == 0 {
            resources.push(json!({"type": "random:index/randomId:RandomId", "urn": urn_of("random:index/randomId:RandomId", &format!("r{i}")), "properties": {"hex": "ab"}}));
        }
    }
    let expected = STACK_RULES.iter().enumerate().map(|(k, rule)| (*rule, (0..n).filter(|i| i % 6 == k).count())).collect();
    (resources, expected)
}

#[test]
fn analyze_stack_matches_the_cli_scan_of_the_same_stack() {
    let (plugin, mut engine) = start("stack");
    let (resources, expected) = stack(1000);
    let answer = engine.ok("AnalyzeStack", json!({"resources": resources}));
    let diagnostics = answer["diagnostics"].as_array().unwrap();
    for (rule, count) in &expected {
        assert_eq!(diagnostics.iter().filter(|d| d["policyName"] == *rule).count(), *count, "{rule}");
    }
    assert_eq!(diagnostics.len(), expected.iter().map(|(_, c)| c).sum::<usize>());
    assert_no_secret(diagnostics);

    // The CLI's policy verb over the same stack as `pulumi stack export`
    // writes it (secrets encrypted): the same findings, word for word.
    let export = json!({"version": 3, "deployment": {"resources": resources.iter().map(|r| {
        let mut outputs = r["properties"].clone();
        if outputs.get("clientSecret").is_some() {
            outputs["clientSecret"] = json!({SECRET_SIG: SECRET_VAL, "ciphertext": "AAAA"});
        }
        json!({"urn": r["urn"], "type": r["type"], "custom": true, "id": "x", "outputs": outputs})
    }).collect::<Vec<_>>()}});
    let host = pulumi_provider::host::Host::<pulumi_provider::host::PolicyComponent>::load(false, 0).unwrap();
    let files = vec![component_host::policy_wit::InputFile { name: "stack.json".into(), text: export.to_string() }];
    let settings = component_host::policy_wit::Settings { now: None, policy_file: None, overrides: vec![], kind: None };
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let report = runtime
        .block_on(std::sync::Arc::new(host).call(pulumi_provider::host::Egress::none(), move |s| s.scan(&files, &settings, component_host::policy_wit::ReportFormat::Text)))
        .unwrap();
    let mut from_cli: Vec<(String, String, String)> = report.findings.into_iter().map(|f| (f.rule_id, f.address, f.message)).collect();
    let mut from_engine: Vec<(String, String, String)> = diagnostics
        .iter()
        .map(|d| (d["policyName"].as_str().unwrap().into(), d["urn"].as_str().unwrap().into(), d["message"].as_str().unwrap().into()))
        .collect();
    from_cli.sort();
    from_engine.sort();
    assert_eq!(from_engine, from_cli);
    plugin.assert_no_secret_logged(&[SECRET]);
}

/// gRPC's default message limit is 4 MiB; a stack with large resources of
/// other providers (scripts, certificates, rendered templates) passes it, and
/// the engine sends a whole stack in one `AnalyzeStack`.
#[test]
fn a_stack_larger_than_grpcs_default_limit_is_analyzed() {
    let (_plugin, mut engine) = start("large");
    let (mut resources, expected) = stack(8);
    let blob = "x".repeat(1 << 20);
    for i in 0..6 {
        let ty = "command:remote:Command";
        resources.push(json!({"type": ty, "urn": urn_of(ty, &format!("big{i}")), "properties": {"stdout": blob}}));
    }
    let request = json!({"resources": resources});
    assert!(request.to_string().len() > 6 << 20);
    let diagnostics = engine.ok("AnalyzeStack", request)["diagnostics"].as_array().unwrap().clone();
    assert_eq!(diagnostics.len(), expected.iter().map(|(_, c)| c).sum::<usize>(), "{diagnostics:?}");
}

#[test]
fn the_recorded_stack_is_judged_and_odd_input_does_not_crash() {
    let (plugin, mut engine) = start("recorded");
    let recorded: Value = serde_json::from_str(include_str!("../../../reference/fixtures/pulumi-v5.49.0-stack-state-AccessServiceToken.json")).unwrap();
    let mut outputs = recorded["outputs"].clone();
    outputs["clientSecret"] = secret("REDACTED BY PROVIDERTEST");
    let stack = json!({"resources": [
        {"type": "pulumi:pulumi:Stack", "urn": recorded["parent"], "properties": {}},
        {"type": recorded["type"], "urn": recorded["urn"], "name": "token", "properties": outputs},
    ]});
    assert_eq!(engine.ok("AnalyzeStack", stack.clone())["diagnostics"], json!([]), "a forever token: only the disabled non-expiring rule applies");
    engine.ok("Configure", json!({"policyConfig": {"non-expiring": {"enforcementLevel": "MANDATORY"}}}));
    let found = engine.ok("AnalyzeStack", stack)["diagnostics"].clone();
    assert_eq!(names(found.as_array().unwrap()), ["non-expiring"]);
    assert_eq!(found[0]["urn"], recorded["urn"]);

    for odd in [json!({"name": 5, "accountId": {"x": [1]}, "minDaysForRenewal": "soon", "duration": 1e300, "expiresAt": true}), json!({"expiresAt": "yesterday"}), json!({"clientSecret": [SECRET]})] {
        match engine.call("Analyze", json!({"type": V5, "urn": urn_of(V5, "odd"), "properties": odd})) {
            Ok(answer) => assert_no_secret(answer["diagnostics"].as_array().unwrap()),
            Err(status) => {
                assert_eq!(status.code, "INVALID_ARGUMENT", "{odd}: {status:?}");
                assert!(!status.details.contains(SECRET));
            }
        }
    }
    assert_eq!(engine.raw("Analyze", &[0x12, 0x05, 0x0a]).unwrap_err().code, "INVALID_ARGUMENT", "bytes that are not an AnalyzeRequest");
    assert_eq!(engine.ok("GetPluginInfo", json!({}))["version"], env!("CARGO_PKG_VERSION"), "still serving");
    plugin.assert_no_secret_logged(&[SECRET]);
}

#[test]
fn the_analyzers_component_cannot_reach_any_network() {
    use component_host::{PolicyHarness, PROVIDER_WASM, POLICY_WASM};
    let engine = wasmtime::Engine::default();
    // The analyzer's component imports nothing that reaches out...
    let policy = wasmtime::component::Component::new(&engine, POLICY_WASM).unwrap();
    let imports: Vec<String> = policy.component_type().imports(&engine).map(|(name, _)| name.to_string()).collect();
    for forbidden in ["wasi:http/", "wasi:sockets/", "wasi:filesystem/", "wasi:cli/environment"] {
        assert!(!imports.iter().any(|i| i.starts_with(forbidden)), "the policy component imports {forbidden}: {imports:?}");
    }
    assert!(PolicyHarness::new(engine.clone(), &policy).is_ok());
    // ...and the analyzer's linker has no network to give: a component that
    // asks for wasi:http (the provider) does not even link.
    let provider = wasmtime::component::Component::new(&engine, PROVIDER_WASM).unwrap();
    let refused = PolicyHarness::new(engine, &provider).err().expect("the provider cannot link without a network").to_string();
    assert!(refused.contains("wasi:http"), "{refused}");
}

#[test]
fn the_example_policy_pack_and_its_config_are_what_the_analyzer_takes() {
    let dir = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/policy-pack"));
    let plugin = Plugin::start_analyzer(dir, &[]);
    let mut engine = Engine::connect_analyzer(&plugin);
    let info = engine.ok("GetAnalyzerInfo", json!({}));
    assert_eq!((info["name"].as_str(), info["version"].as_str()), (Some("cloudflare-token-guard"), Some("0.1.0")));
    // `--policy-pack-config` as the engine sends it: a level, or an object of
    // `enforcementLevel` and the policy's properties.
    let file: Value = serde_json::from_str(&std::fs::read_to_string(dir.join("policy-config.json")).unwrap()).unwrap();
    let mut policy_config = serde_json::Map::new();
    for (policy, config) in file.as_object().unwrap() {
        let (level, properties) = match config {
            Value::String(level) => (level.to_uppercase(), json!({})),
            Value::Object(o) => {
                let mut props = o.clone();
                let level = props.remove("enforcementLevel").and_then(|l| l.as_str().map(str::to_uppercase)).unwrap_or("ADVISORY".into());
                (level, Value::Object(props))
            }
            other => panic!("unexpected config {other}"),
        };
        policy_config.insert(policy.clone(), json!({"enforcementLevel": level, "properties": properties}));
    }
    engine.ok("Configure", json!({"policyConfig": policy_config}));
    let found = analyze(&mut engine, TOKEN_TYPE, with(healthy(), json!({"expiresAt": at(40), "minDaysForRenewal": 0})));
    let mut got: Vec<(String, String)> = found.iter().map(|d| (d["policyName"].as_str().unwrap().into(), d["enforcementLevel"].as_str().unwrap().into())).collect();
    got.sort();
    assert_eq!(got, [("expires-soon".to_string(), "MANDATORY".to_string()), ("never-renewed".into(), "MANDATORY".into())], "the 45-day window and the stricter level apply");
}

#[test]
fn idle_days_is_configured_on_idle_or_never_used_and_both_must_agree() {
    let (_plugin, mut engine) = start("idle-days");
    let seen = |days_ago: i64| with(healthy(), json!({"createdAt": at(-400), "lastSeenAt": at(-days_ago)}));
    let created = |days_ago: i64| with(healthy(), json!({"createdAt": at(-days_ago)}));
    assert_eq!(names(&analyze(&mut engine, TOKEN_TYPE, seen(150))), ["idle"], "the default window is 90 days");
    assert_eq!(names(&analyze(&mut engine, TOKEN_TYPE, created(150))), ["never-used"]);
    let found = analyze(&mut engine, TOKEN_TYPE, seen(150));
    assert_eq!(found[0]["enforcementLevel"], "ADVISORY");
    assert!(found[0]["message"].as_str().unwrap().contains("more than 90 days ago (idleDays); Cloudflare's inactivity cleanup may disable or delete it"), "{found:?}");

    // Set on one policy: the window of both.
    engine.ok("Configure", json!({"policyConfig": {"idle": {"enforcementLevel": "MANDATORY", "properties": {"idleDays": 200}}}}));
    assert_eq!(names(&analyze(&mut engine, TOKEN_TYPE, seen(150))), Vec::<String>::new());
    assert_eq!(names(&analyze(&mut engine, TOKEN_TYPE, created(150))), Vec::<String>::new());
    let found = analyze(&mut engine, TOKEN_TYPE, seen(250));
    assert_eq!((names(&found), found[0]["enforcementLevel"].as_str()), (vec!["idle".to_string()], Some("MANDATORY")));
    assert!(found[0]["message"].as_str().unwrap().contains("more than 200 days ago (idleDays)"), "{found:?}");
    // The same value on both, or as text, is accepted.
    engine.ok("Configure", json!({"policyConfig": {"idle": {"enforcementLevel": "ADVISORY", "properties": {"idleDays": 30}}, "never-used": {"enforcementLevel": "ADVISORY", "properties": {"idleDays": "30"}}}}));
    assert_eq!(names(&analyze(&mut engine, TOKEN_TYPE, created(40))), ["never-used"]);

    for bad in [
        json!({"idle": {"properties": {"idleDays": 30}}, "never-used": {"properties": {"idleDays": 60}}}),
        json!({"idle": {"properties": {"idleDays": 0}}}),
        json!({"never-used": {"properties": {"idleDays": 36501}}}),
        json!({"idle": {"properties": {"idleDays": "soon"}}}),
        json!({"expires-soon": {"properties": {"idleDays": 30}}}),
        json!({"idle": {"properties": {"expiresWithinDays": 30}}}),
    ] {
        let status = engine.call("Configure", json!({"policyConfig": bad})).unwrap_err();
        assert_eq!(status.code, "INVALID_ARGUMENT", "{bad}");
        assert!(status.details.contains("idleDays") || status.details.contains("takes no property"), "{bad}: {status:?}");
    }
    // A refused configuration leaves the last good one in force.
    assert_eq!(names(&analyze(&mut engine, TOKEN_TYPE, created(40))), ["never-used"]);
}
