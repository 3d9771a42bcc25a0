//! The plugin driven as the Pulumi engine drives it: started as a process,
//! its port read from stdout, and every call made through Pulumi's own
//! generated gRPC stubs, against the Cloudflare API emulator on loopback.

mod support;

use chrono::{DateTime, Utc};
use cloudflare_emulator::{Clock, Emulator, EmulatorConfig, Scope, DEFAULT_API_TOKEN};
use serde_json::{json, Value};
use std::time::Duration;
use support::*;

const CLOCK_OFFSET: &str = "ACCESS_SERVICE_TOKEN_CLOCK_OFFSET_SECONDS";

fn emulator() -> Emulator {
    Emulator::start(EmulatorConfig { clock: Clock::system(), seed: Some(13), ..EmulatorConfig::default() }).expect("start the emulator")
}

/// The API calls since the last look, as `METHOD path`, and forgets them.
fn calls(emu: &Emulator) -> Vec<String> {
    let seen = emu.requests().into_iter().map(|r| format!("{} {}", r.method, r.path)).collect();
    emu.clear_requests();
    seen
}

fn tokens_path(scope: &str) -> String {
    format!("/client/v4/{scope}/access/service_tokens")
}

/// No client secret: absent, null, or a secret-wrapped null.
fn no_secret(properties: &Value) -> bool {
    match properties.get("clientSecret") {
        None | Some(Value::Null) => true,
        Some(s) => s.get("value").is_some_and(Value::is_null),
    }
}

fn seed_inputs() -> Value {
    json!({"name": "CI/CD app", "accountId": ACCOUNT, "duration": "8760h", "minDaysForRenewal": 30})
}

#[test]
fn starts_as_the_engine_expects_and_describes_itself() {
    let plugin = Plugin::start(&[]);
    let mut engine = Engine::connect(&plugin);
    let handshake = engine.ok("Handshake", json!({"engineAddress": "127.0.0.1:1", "rootDirectory": "/", "programDirectory": "/"}));
    assert_eq!((handshake["acceptSecrets"].as_bool(), handshake["acceptResources"].as_bool()), (Some(true), Some(true)));
    assert_eq!(engine.ok("GetPluginInfo", json!({}))["version"], env!("CARGO_PKG_VERSION"));

    let text = engine.ok("GetSchema", json!({"version": 0}))["schema"].as_str().expect("a schema string").to_string();
    let schema: Value = serde_json::from_str(&text).expect("the schema is JSON");
    let meta: Value = serde_json::from_str(include_str!("data/pulumi-package-metaschema.json")).unwrap();
    let validator = jsonschema::draft202012::new(&meta).expect("the metaschema compiles");
    let errors: Vec<String> = validator.iter_errors(&schema).map(|e| format!("{} at {}", e, e.instance_path())).collect();
    assert!(errors.is_empty(), "the schema breaks Pulumi's metaschema: {errors:#?}");
    let resource = &schema["resources"][TOKEN_TYPE];
    assert_eq!(resource["properties"]["clientSecret"]["secret"], true);
    assert_eq!(resource["inputProperties"]["accountId"]["replaceOnChanges"], true);
    assert_eq!(resource["inputProperties"]["zoneId"]["replaceOnChanges"], true);
    assert!(schema["functions"]["cloudflare-access-service-token:index:getAccessServiceToken"].is_object());
    for key in ["apiToken", "apiKey"] {
        assert_eq!(schema["config"]["variables"][key]["secret"], true, "{key} is a secret");
    }
    assert_eq!(schema["version"], env!("CARGO_PKG_VERSION"));

    assert_eq!(engine.ok("GetMapping", json!({"key": "terraform", "provider": "cloudflare"}))["provider"], "");
    engine.ok("Attach", json!({"address": "127.0.0.1:1"}));
    for rpc in ["Construct", "Call", "Parameterize", "GetMappings"] {
        assert_eq!(engine.call(rpc, json!({})).unwrap_err().code, "UNIMPLEMENTED", "{rpc}");
    }
}

#[test]
fn replays_the_recorded_pulumi_check_and_create() {
    let recording: Value = serde_json::from_str(include_str!("../../../reference/fixtures/pulumi-v5.49.0-grpc-check-create-AccessServiceToken.json")).unwrap();
    let (check, create) = (&recording[0], &recording[1]);
    let emu = emulator();
    let plugin = Plugin::start(&[]);
    let mut engine = Engine::connect(&plugin);
    engine.configure(&emu.base_url(), DEFAULT_API_TOKEN);

    // pulumi-cloudflare 5.49.0, which made the recording, has no `enabled`
    // input: this provider fills it in as it fills in `minDaysForRenewal`
    // (true, listed in `__defaults`), and otherwise answers as recorded.
    let mut want_inputs = check["response"]["inputs"].clone();
    want_inputs["enabled"] = json!(true);
    want_inputs["__defaults"].as_array_mut().unwrap().push(json!("enabled"));
    let checked = engine.ok("Check", check["request"].clone());
    assert_eq!(checked, json!({"inputs": want_inputs, "failures": []}), "Check answers as the recorded provider did, plus enabled");

    let created = engine.ok("Create", create["request"].clone());
    let (got, recorded) = (&created["properties"], &create["response"]["properties"]);
    let keys = |v: &Value| {
        let mut k = v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
        k.sort();
        k
    };
    // The recorded outputs, plus the two this provider adds that
    // pulumi-cloudflare 5.49.0 lacks: `enabled` and `createdAt` (the API's
    // `created_at`). `lastSeenAt` stays out until the token has authenticated.
    let mut want_keys = keys(recorded);
    want_keys.extend(["createdAt".to_string(), "enabled".to_string()]);
    want_keys.sort();
    assert_eq!(keys(got), want_keys, "Create answers with the recorded properties, plus createdAt and enabled");
    assert_eq!(got["enabled"], true);
    assert_eq!(got.get("lastSeenAt"), None, "a token that never authenticated has no lastSeenAt: {got}");
    assert_eq!(got["id"], created["id"]);
    assert_eq!(got["clientSecret"][SECRET_SIG], SECRET_VAL, "clientSecret comes back as a secret");
    let token = emu.tokens().into_iter().next().expect("one token at the API");
    assert_eq!(got["clientSecret"]["value"], token.client_secret);
    assert_eq!((got["name"].clone(), got["duration"].clone(), got["zoneId"].clone()), (json!("test-token"), json!("forever"), Value::Null));
    let created_at = got["createdAt"].as_str().expect("createdAt is a string").parse::<DateTime<Utc>>().expect("createdAt is a time");
    assert_eq!(created_at, token.created_at, "createdAt is the API's created_at");
    let account = check["request"]["news"]["accountId"].as_str().unwrap();
    assert_eq!(calls(&emu), [format!("POST {}", tokens_path(&format!("accounts/{account}")))]);
    plugin.assert_no_secret_logged(&[DEFAULT_API_TOKEN, &token.client_secret]);
}

#[test]
fn the_seed_token_lives_its_life_over_grpc() {
    let emu = emulator();
    let mut plugin = Plugin::start(&[]);
    let mut engine = Engine::connect(&plugin);
    let config = json!({"apiToken": secret(DEFAULT_API_TOKEN), "baseUrl": emu.base_url()});
    let checked_config = engine.ok("CheckConfig", json!({"urn": "urn:pulumi:dev::seed::pulumi:providers:cloudflare-access-service-token::default", "olds": {}, "news": config}));
    assert_eq!(checked_config, json!({"inputs": config, "failures": []}), "the token stays a secret in the provider's inputs");
    let provider_urn = "urn:pulumi:dev::seed::pulumi:providers:cloudflare-access-service-token::default";
    let same = engine.ok("DiffConfig", json!({"urn": provider_urn, "olds": config, "news": config}));
    assert_eq!(same["changes"], "DIFF_NONE");
    let rotated_key = json!({"apiToken": secret("another-token"), "baseUrl": emu.base_url()});
    let new_key = engine.ok("DiffConfig", json!({"urn": provider_urn, "olds": config, "news": rotated_key}));
    assert_eq!((new_key["changes"].as_str(), &new_key["diffs"], &new_key["replaces"]), (Some("DIFF_SOME"), &json!(["apiToken"]), &json!([])), "a new API token updates the provider, it replaces no token");
    assert_eq!((&new_key["detailedDiff"], &new_key["hasDetailedDiff"]), (&json!({"apiToken": {"kind": "UPDATE", "inputDiff": true}}), &json!(true)));
    let limited = json!({"apiToken": secret(DEFAULT_API_TOKEN), "baseUrl": emu.base_url(), "requestsPerSecond": 5});
    let added = engine.ok("DiffConfig", json!({"urn": provider_urn, "olds": config, "news": limited}));
    assert_eq!(added["detailedDiff"], json!({"requestsPerSecond": {"kind": "ADD", "inputDiff": true}}), "a new setting is an addition");
    let removed = engine.ok("DiffConfig", json!({"urn": provider_urn, "olds": limited, "news": config}));
    assert_eq!(removed["detailedDiff"], json!({"requestsPerSecond": {"kind": "DELETE", "inputDiff": true}}), "a dropped setting is a deletion");
    engine.ok("Configure", json!({"args": config, "acceptSecrets": true, "acceptResources": true}));

    let inputs = engine.ok("Check", json!({"urn": urn("seed"), "olds": {}, "news": seed_inputs()}))["inputs"].clone();
    assert_eq!(inputs["minDaysForRenewal"], 30);

    let planned = engine.ok("Create", json!({"urn": urn("seed"), "properties": inputs, "preview": true}));
    assert_eq!(planned["id"], "");
    assert_eq!((planned["properties"]["clientId"].as_str(), planned["properties"]["expiresAt"].as_str()), (Some(UNKNOWN), Some(UNKNOWN)));
    assert_eq!(calls(&emu), Vec::<String>::new(), "a preview makes no call");

    let created = engine.ok("Create", json!({"urn": urn("seed"), "properties": inputs}));
    let account_tokens = tokens_path(&format!("accounts/{ACCOUNT}"));
    assert_eq!(calls(&emu), [format!("POST {account_tokens}")]);
    let id = created["id"].as_str().unwrap().to_string();
    let state = created["properties"].clone();
    let stored = emu.tokens().into_iter().find(|t| t.id == id).expect("the token exists");
    assert_eq!(state["clientSecret"], secret(stored.client_secret.clone()));

    let read = engine.ok("Read", json!({"id": id, "urn": urn("seed"), "properties": state, "inputs": inputs}));
    assert_eq!((read["id"].as_str(), &read["properties"]), (Some(id.as_str()), &state), "a read right after create finds no drift");
    assert_eq!(read["inputs"], inputs, "and hands back the inputs Check stored");
    assert_eq!(calls(&emu), [format!("GET {account_tokens}/{id}")]);
    let unchanged = engine.ok("Diff", json!({"id": id, "urn": urn("seed"), "olds": state, "news": inputs}));
    assert_eq!(unchanged["changes"], "DIFF_NONE");

    // 340 days on: the engine starts the plugin afresh for the next run.
    drop(engine);
    drop(plugin);
    emu.clock().advance(chrono::Duration::days(340));
    plugin = Plugin::start(&[(CLOCK_OFFSET, &(340 * 86_400).to_string())]);
    let mut engine = Engine::connect(&plugin);
    engine.ok("Configure", json!({"args": config, "acceptSecrets": true, "acceptResources": true}));
    let renewal = engine.ok("Diff", json!({"id": id, "urn": urn("seed"), "olds": state, "news": inputs}));
    assert_eq!(renewal["changes"], "DIFF_SOME");
    assert!(renewal["detailedDiff"]["expiresAt"].is_object(), "the renewal shows as a change of expiresAt: {renewal}");
    assert_eq!(renewal["replaces"], json!([]));
    let previewed = engine.ok("Update", json!({"id": id, "urn": urn("seed"), "olds": state, "news": inputs, "preview": true}));
    assert_eq!(previewed["properties"]["expiresAt"], UNKNOWN);
    assert_eq!(calls(&emu), Vec::<String>::new());
    let renewed = engine.ok("Update", json!({"id": id, "urn": urn("seed"), "olds": state, "news": inputs}))["properties"].clone();
    assert_eq!(calls(&emu), [format!("POST {account_tokens}/{id}/refresh")]);
    let expiry = |v: &Value| v["expiresAt"].as_str().unwrap().parse::<DateTime<Utc>>().unwrap();
    assert!(expiry(&renewed) > expiry(&state) + chrono::Duration::days(300), "renewed: {renewed}");
    assert_eq!(renewed["clientSecret"], state["clientSecret"], "a renewal keeps the secret");

    let renamed_inputs = json!({"name": "CI/CD app renamed", "accountId": ACCOUNT, "duration": "8760h", "minDaysForRenewal": 30});
    let rename = engine.ok("Diff", json!({"id": id, "urn": urn("seed"), "olds": renewed, "news": renamed_inputs}));
    assert_eq!((rename["changes"].as_str(), &rename["replaces"]), (Some("DIFF_SOME"), &json!([])));
    assert_eq!(rename["detailedDiff"]["name"]["kind"], "UPDATE", "{rename}");
    let renamed = engine.ok("Update", json!({"id": id, "urn": urn("seed"), "olds": renewed, "news": renamed_inputs}))["properties"].clone();
    assert_eq!(renamed["name"], "CI/CD app renamed");
    assert_eq!(calls(&emu), [format!("PUT {account_tokens}/{id}")]);

    let moved_inputs = json!({"name": "CI/CD app renamed", "accountId": "023e105f4ecef8ad9ca31a8372d0c353", "duration": "8760h", "minDaysForRenewal": 30});
    let moved = engine.ok("Diff", json!({"id": id, "urn": urn("seed"), "olds": renamed, "news": moved_inputs}));
    assert_eq!(moved["replaces"], json!(["accountId"]), "a new account is a replacement");
    assert_eq!(moved["detailedDiff"]["accountId"]["kind"], "UPDATE_REPLACE", "{moved}");
    assert_eq!(moved["deleteBeforeReplace"], false);

    engine.ok("Delete", json!({"id": id, "urn": urn("seed"), "properties": renamed}));
    assert_eq!(calls(&emu), [format!("DELETE {account_tokens}/{id}")]);
    let gone = engine.ok("Read", json!({"id": id, "urn": urn("seed"), "properties": renamed, "inputs": renamed_inputs}));
    assert_eq!((&gone["id"], gone.get("properties")), (&json!(""), None), "a deleted token reads as gone: {gone}");
    plugin.assert_no_secret_logged(&[DEFAULT_API_TOKEN, &stored.client_secret]);
}

#[test]
fn existing_tokens_are_imported_looked_up_and_listed() {
    let emu = emulator();
    let plugin = Plugin::start(&[]);
    let mut engine = Engine::connect(&plugin);
    engine.configure(&emu.base_url(), DEFAULT_API_TOKEN);
    let account_token = emu.insert_token(Scope::Account(ACCOUNT.into()), "legacy", Some("8760h"));
    let zone_token = emu.insert_token(Scope::Zone(ZONE.into()), "zone legacy", None);

    for id in [format!("{ACCOUNT}/{}", account_token.id), format!("accounts/{ACCOUNT}/{}", account_token.id), format!("zones/{ZONE}/{}", zone_token.id)] {
        let imported = engine.ok("Read", json!({"id": id, "urn": urn("imported"), "properties": {}, "inputs": {}}));
        let want = if id.starts_with("zones/") { &zone_token } else { &account_token };
        assert_eq!(imported["id"], want.id, "import of {id}");
        assert_eq!(imported["properties"]["name"], want.name);
        assert_eq!(imported["properties"]["clientId"], want.client_id);
        assert!(no_secret(&imported["properties"]), "no secret after an import: {imported}");
        assert_eq!(imported["inputs"]["name"], want.name, "import gives inputs for the program");
    }

    let found = engine.ok("Invoke", json!({"tok": "cloudflare-access-service-token:index:getAccessServiceToken", "args": {"accountId": ACCOUNT, "tokenId": account_token.id}}));
    assert_eq!(found["failures"], json!([]));
    assert_eq!((found["return"]["name"].as_str(), found["return"]["clientId"].as_str()), (Some("legacy"), Some(account_token.client_id.as_str())));
    assert!(no_secret(&found["return"]), "{found}");
    let both = engine.ok("Invoke", json!({"tok": "cloudflare-access-service-token:index:getAccessServiceToken", "args": {"accountId": ACCOUNT, "zoneId": ZONE, "tokenId": account_token.id}}));
    assert!(!both["failures"].as_array().unwrap().is_empty(), "both scopes fail: {both}");
    let missing = engine.call("Invoke", json!({"tok": "cloudflare-access-service-token:index:getAccessServiceToken", "args": {"accountId": ACCOUNT, "tokenId": "6f0a3c1e-0000-4000-8000-000000000000"}}));
    assert_eq!(missing.unwrap_err().code, "NOT_FOUND");
    // Each call leaves one line on stderr: what, on what, and how it ended.
    let log = plugin.stderr();
    assert!(log.lines().any(|l| l == "Invoke cloudflare-access-service-token:index:getAccessServiceToken: ok"), "{log}");
    assert!(log.lines().any(|l| l.starts_with("Invoke cloudflare-access-service-token:index:getAccessServiceToken: NotFound: ")), "{log}");

    for n in 0..2 {
        emu.insert_token(Scope::Account(ACCOUNT.into()), &format!("more {n}"), None);
    }
    emu.clear_requests();
    let first = engine.ok("List", json!({"token": TOKEN_TYPE, "query": {"accountId": ACCOUNT}, "pageSize": 2}));
    let first = first.as_array().unwrap();
    assert_eq!(first.len(), 3, "two tokens and a continuation: {first:?}");
    let continuation = first[2]["continuation"]["continuationToken"].as_str().expect("a continuation token").to_string();
    let second = engine.ok("List", json!({"token": TOKEN_TYPE, "query": {"accountId": ACCOUNT}, "pageSize": 2, "continuationToken": continuation}));
    let second = second.as_array().unwrap();
    assert_eq!(second.len(), 1, "the last token and no continuation: {second:?}");
    assert_eq!(calls(&emu).len(), 2, "one API call a page");
    let mut ids: Vec<String> = first[..2].iter().chain(second.iter()).map(|r| r["result"]["id"].as_str().unwrap().to_string()).collect();
    ids.sort();
    assert_eq!(ids.len(), 3);
    assert!(ids.contains(&format!("accounts/{ACCOUNT}/{}", account_token.id)), "ids are import ids: {ids:?}");
    // `limit` caps the results in all: a page cut short by it ends the
    // listing; a page that just fits it still offers the next one.
    let capped = engine.ok("List", json!({"token": TOKEN_TYPE, "query": {"accountId": ACCOUNT}, "pageSize": 2, "limit": 1}));
    let capped = capped.as_array().unwrap();
    assert!(capped.len() == 1 && capped[0]["result"]["id"].is_string(), "one token and no continuation: {capped:?}");
    let fits = engine.ok("List", json!({"token": TOKEN_TYPE, "query": {"accountId": ACCOUNT}, "pageSize": 2, "limit": 2}));
    let fits = fits.as_array().unwrap();
    assert!(fits.len() == 3 && fits[2]["continuation"]["continuationToken"].is_string(), "two tokens and a continuation: {fits:?}");
    let reimported = engine.ok("Read", json!({"id": ids[0], "urn": urn("bulk"), "properties": {}, "inputs": {}}));
    assert!(!reimported["id"].as_str().unwrap().is_empty(), "a listed id imports");
    plugin.assert_no_secret_logged(&[DEFAULT_API_TOKEN, &account_token.client_secret, &zone_token.client_secret]);
}

#[test]
fn bad_input_over_the_wire_fails_cleanly_and_the_plugin_stays_up() {
    let emu = emulator();
    let plugin = Plugin::start(&[]);
    let mut engine = Engine::connect(&plugin);

    // Before Configure, nothing that needs credentials can run.
    let early = engine.call("Create", json!({"urn": urn("early"), "properties": seed_inputs()}));
    assert_eq!(early.unwrap_err().code, "FAILED_PRECONDITION");
    assert_eq!(engine.call("Read", json!({"id": "x", "urn": urn("early"), "properties": {}})).unwrap_err().code, "FAILED_PRECONDITION");
    let typo = engine.ok("CheckConfig", json!({"urn": "urn:pulumi:dev::seed::pulumi:providers:x::default", "olds": {}, "news": {"apiTokn": "x", "requestsPerSecond": "many"}}));
    let props: Vec<&str> = typo["failures"].as_array().unwrap().iter().map(|f| f["property"].as_str().unwrap()).collect();
    assert_eq!(props, ["apiTokn", "requestsPerSecond"]);
    assert_eq!(engine.call("Configure", json!({"args": {"requestsPerSecond": 0}})).unwrap_err().code, "INVALID_ARGUMENT");
    // Configured without credentials anywhere: the calls that need them say so.
    engine.ok("Configure", json!({"args": {"baseUrl": emu.base_url()}}));
    let no_credentials = engine.call("Delete", json!({"id": "x", "urn": urn("early"), "properties": {}})).unwrap_err();
    assert_eq!(no_credentials.code, "FAILED_PRECONDITION");
    assert!(no_credentials.details.contains("CLOUDFLARE_API_TOKEN"), "{}", no_credentials.details);
    engine.configure(&emu.base_url(), DEFAULT_API_TOKEN);

    let failures = |news: Value, engine: &mut Engine| -> Vec<String> {
        let r = engine.ok("Check", json!({"urn": urn("bad"), "olds": {}, "news": news}));
        assert!(r["inputs"].is_null(), "no inputs with failures: {r}");
        r["failures"].as_array().unwrap().iter().map(|f| f["property"].as_str().unwrap().to_string()).collect()
    };
    assert_eq!(failures(json!({"name": "x", "acountId": ACCOUNT}), &mut engine), ["acountId", "accountId"], "the typo, and the scope it leaves missing");
    assert_eq!(failures(json!({"name": "x", "accountId": ACCOUNT, "zoneId": ZONE}), &mut engine), ["accountId", "zoneId"]);
    let wrong_types = failures(json!({"name": 5, "accountId": ACCOUNT, "minDaysForRenewal": "soon", "duration": true}), &mut engine);
    for p in ["name", "minDaysForRenewal", "duration"] {
        assert!(wrong_types.iter().any(|f| f == p), "{p} in {wrong_types:?}");
    }
    let nested = failures(json!({"name": {"first": "x"}, "accountId": [ACCOUNT]}), &mut engine);
    assert_eq!(nested.len(), 2, "{nested:?}");
    assert_eq!(engine.call("Check", json!({"urn": "not a urn", "news": seed_inputs()})).unwrap_err().code, "INVALID_ARGUMENT");

    // Bytes that are not a CheckRequest at all: `news` (field 3) sent as a
    // number, then as a truncated message.
    assert_eq!(engine.raw("Check", &[0x18, 0x05]).unwrap_err().code, "INVALID_ARGUMENT");
    assert_eq!(engine.raw("Check", &[0x1a, 0x05, 0x0a, 0x03]).unwrap_err().code, "INVALID_ARGUMENT");
    assert_eq!(engine.ok("GetPluginInfo", json!({}))["version"], env!("CARGO_PKG_VERSION"), "the plugin is still serving");
    assert_eq!(calls(&emu), Vec::<String>::new(), "no bad input reached the API");
    plugin.assert_no_secret_logged(&[DEFAULT_API_TOKEN]);
}

#[test]
fn parallel_creates_share_one_rate_limit() {
    let emu = emulator();
    emu.set_latency(Duration::from_millis(100));
    let plugin = Plugin::start(&[]);
    let mut engine = Engine::connect(&plugin);
    engine.ok("Configure", json!({"args": {"apiToken": secret(DEFAULT_API_TOKEN), "baseUrl": emu.base_url(), "requestsPerSecond": 5}}));
    let creates = (0..10).map(|i| ("Create", json!({"urn": urn(&format!("t{i}")), "properties": {"name": format!("parallel {i}"), "accountId": ACCOUNT, "minDaysForRenewal": 0}}))).collect();
    let results = engine.parallel(creates);
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    let mut arrivals: Vec<u64> = emu.requests().iter().filter(|r| r.method == "POST").map(|r| r.at_ms).collect();
    arrivals.sort();
    assert_eq!(arrivals.len(), 10, "ten POSTs");
    assert_eq!(emu.tokens().len(), 10);
    let busiest_second = arrivals.iter().map(|t| arrivals.iter().filter(|u| **u >= *t && **u < t + 1000).count()).max().unwrap();
    // 5 a second, +2 for scheduling jitter on a loaded machine; without the
    // shared limit all ten arrive within a few milliseconds.
    assert!(busiest_second <= 7, "at most 5 a second (+2 for jitter), saw {busiest_second} in one second: {arrivals:?}");
    assert!(arrivals[9] - arrivals[0] >= 1500, "ten calls at 5/s take about 1.8 s, not {} ms", arrivals[9] - arrivals[0]);
    let secrets: Vec<String> = emu.tokens().into_iter().map(|t| t.client_secret).collect();
    let mut all: Vec<&str> = secrets.iter().map(String::as_str).collect();
    all.push(DEFAULT_API_TOKEN);
    plugin.assert_no_secret_logged(&all);
}

#[test]
fn cancel_lets_the_call_in_flight_finish_then_stops() {
    let emu = emulator();
    emu.set_latency(Duration::from_millis(800));
    let mut plugin = Plugin::start(&[]);
    let mut engine = Engine::connect(&plugin);
    engine.configure(&emu.base_url(), DEFAULT_API_TOKEN);
    let mut canceller = Engine::connect(&plugin);
    let in_flight = std::thread::spawn(move || engine.call("Create", json!({"urn": urn("late"), "properties": {"name": "late", "accountId": ACCOUNT, "minDaysForRenewal": 0}})));
    // Cancel once the create has reached the API.
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while !emu.requests().iter().any(|r| r.method == "POST") {
        assert!(std::time::Instant::now() < deadline, "the create never reached the API");
        std::thread::sleep(Duration::from_millis(5));
    }
    canceller.ok("Cancel", json!({}));
    let created = in_flight.join().unwrap().expect("the create in flight finishes");
    assert_eq!(created["properties"]["name"], "late");
    let status = plugin.wait_exit(Duration::from_secs(30)).expect("the plugin stops after Cancel");
    assert!(status.success(), "{status:?}: {}", plugin.stderr());
}

#[test]
fn sigterm_stops_the_plugin_cleanly() {
    let mut plugin = Plugin::start(&[]);
    let sent = std::process::Command::new("kill").args(["-TERM", &plugin.pid().to_string()]).status().expect("run kill");
    assert!(sent.success());
    let status = plugin.wait_exit(Duration::from_secs(30)).expect("the plugin stops on SIGTERM");
    assert!(status.success(), "a clean stop, not death by the signal: {status:?}: {}", plugin.stderr());
}

#[test]
fn a_plugin_that_cannot_start_says_why_and_exits_non_zero() {
    let out = std::process::Command::new(PLUGIN).arg("127.0.0.1:1").env(CLOCK_OFFSET, "soon").output().expect("run the plugin");
    assert!(!out.status.success(), "{:?}", out.status);
    assert!(out.stdout.is_empty(), "no port printed");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(&format!("{CLOCK_OFFSET} must be a whole number of seconds, found \"soon\"")), "{stderr}");
}

#[test]
fn the_plugin_stops_when_the_engine_goes_away() {
    let mut plugin = Plugin::start(&[]);
    assert!(plugin.wait_exit(Duration::from_millis(1500)).is_none(), "the plugin serves while the engine is there");
    plugin.close_engine();
    let status = plugin.wait_exit(Duration::from_secs(30)).expect("the plugin stops once the engine is gone");
    assert!(status.success(), "{status:?}: {}", plugin.stderr());
    assert!(plugin.stderr().contains("is gone"), "{}", plugin.stderr());
}

#[test]
fn credentials_come_from_the_environment_and_api_errors_keep_their_meaning() {
    let emu = emulator();
    // The CLI's variables, when the program's config names no credentials.
    let plugin = Plugin::start(&[("CLOUDFLARE_API_TOKEN", DEFAULT_API_TOKEN), ("CLOUDFLARE_BASE_URL", &emu.base_url())]);
    let mut engine = Engine::connect(&plugin);
    engine.ok("Configure", json!({"args": {}, "acceptSecrets": true}));
    let created = engine.ok("Create", json!({"urn": urn("env"), "properties": {"name": "from env", "accountId": ACCOUNT, "minDaysForRenewal": 0}}));
    assert_eq!(calls(&emu), [format!("POST {}", tokens_path(&format!("accounts/{ACCOUNT}")))]);
    let id = created["id"].as_str().unwrap();

    // A token Cloudflare refuses: UNAUTHENTICATED, with the API's words and not the token.
    let wrong = "wrong-token-0123456789";
    engine.ok("Configure", json!({"args": {"apiToken": secret(wrong), "baseUrl": emu.base_url()}}));
    let refused = engine.call("Read", json!({"id": id, "urn": urn("env"), "properties": created["properties"], "inputs": {}})).unwrap_err();
    assert_eq!(refused.code, "UNAUTHENTICATED", "{refused:?}");
    assert!(!refused.details.contains(wrong), "{}", refused.details);
    // A token that does not exist: Delete is a success (already gone), an import is NOT_FOUND.
    engine.configure(&emu.base_url(), DEFAULT_API_TOKEN);
    let missing = engine.call("Read", json!({"id": format!("{ACCOUNT}/6f0a3c1e-0000-4000-8000-000000000000"), "urn": urn("env"), "properties": {}, "inputs": {}}));
    match missing {
        Ok(answer) => assert_eq!((&answer["id"], answer.get("properties")), (&json!(""), None), "an import of nothing finds nothing: {answer}"),
        Err(status) => assert_eq!(status.code, "NOT_FOUND"),
    }
    let secret_value = emu.tokens()[0].client_secret.clone();
    plugin.assert_no_secret_logged(&[DEFAULT_API_TOKEN, wrong, &secret_value]);
}

/// A ref to another resource as the engine sends one to a provider that
/// accepts resources (`MarshalPropertyValue` with `KeepResources` in
/// pulumi/pulumi `sdk/go/common/resource/plugin/rpc.go`): the signature, the
/// URN, and the id (`""` while it is not known).
fn resource_reference(id: &str) -> Value {
    json!({SECRET_SIG: "5cf8f73096256a8f31e491e813e4eb8e", "urn": "urn:pulumi:dev::seed::cloudflare:index/account:Account::main", "id": id})
}

#[test]
fn a_token_that_does_not_exist_reads_as_no_properties_in_every_id_form() {
    let emu = emulator();
    let plugin = Plugin::start(&[]);
    let mut engine = Engine::connect(&plugin);
    engine.configure(&emu.base_url(), DEFAULT_API_TOKEN);
    let missing = "6f0a3c1e-0000-4000-8000-000000000000";
    for id in [format!("{ACCOUNT}/{missing}"), format!("accounts/{ACCOUNT}/{missing}"), format!("zones/{ZONE}/{missing}")] {
        // `pulumi import`: `ImportStep.Apply` (pkg/resource/deploy/step.go)
        // reads with no inputs and no state, which `provider.Read`
        // (sdk/go/common/resource/plugin/provider_plugin.go) marshals with
        // PropagateNil: neither field is sent.
        let import = json!({"id": id, "urn": urn("imported"), "name": "imported", "type": TOKEN_TYPE});
        // `AccessServiceToken.get(name, id)`: `ReadStep.Apply` sends the
        // resource's (empty) inputs as both inputs and state.
        let get = json!({"id": id, "urn": urn("looked-up"), "name": "looked-up", "type": TOKEN_TYPE, "properties": {}, "inputs": {}});
        for (what, request) in [("import", import), ("get", get)] {
            match engine.call("Read", request) {
                // The engine fails both only on a nil properties struct:
                // an empty one would be stored as an empty resource.
                Ok(answer) => {
                    assert_eq!(answer.get("properties"), None, "{what} of {id}: no properties, not an empty struct: {answer}");
                    assert_eq!(answer.get("inputs"), None, "{what} of {id}: no inputs: {answer}");
                    assert_eq!(answer["id"], "", "{what} of {id}");
                }
                Err(status) => assert_eq!(status.code, "NOT_FOUND", "{what} of {id}: {status:?}"),
            }
        }
    }
    assert_eq!(calls(&emu).len(), 6, "one GET for each read");
}

#[test]
fn a_killed_engine_leaves_no_plugin_running() {
    // The engine's process dies (kill -9 of `pulumi up`): the plugin's stderr
    // becomes a pipe with no reader and the engine's port closes.
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/support/engine_process.py");
    let mut engine = std::process::Command::new(engine_python())
        .arg(script)
        .arg(PLUGIN)
        .env("XDG_CACHE_HOME", test_tools::tools_dir().join("plugin-compile-cache"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("start the stand-in engine");
    let mut line = String::new();
    std::io::BufRead::read_line(&mut std::io::BufReader::new(engine.stdout.take().unwrap()), &mut line).expect("read the plugin's pid");
    let started: Value = serde_json::from_str(&line).unwrap_or_else(|e| panic!("{line:?}: {e}"));
    let pid = started["pid"].as_u64().expect("a pid") as u32;
    // The plugin serves, and logs to the engine's pipe, before the engine dies.
    let mut client = Engine::connect_to(&format!("127.0.0.1:{}", started["port"]), "provider");
    client.ok("Configure", json!({"args": {"apiToken": secret(DEFAULT_API_TOKEN)}}));
    drop(client);
    engine.kill().expect("kill the engine");
    engine.wait().unwrap();

    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while process_alive(pid) {
        if std::time::Instant::now() > deadline {
            let _ = std::process::Command::new("kill").args(["-KILL", &pid.to_string()]).status();
            panic!("the plugin (pid {pid}) still runs 10 s after its engine was killed");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// True while `pid` runs (a zombie waiting for its new parent counts as gone).
fn process_alive(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => stat.rsplit(')').next().is_some_and(|rest| !rest.trim_start().starts_with('Z')),
        Err(_) => false,
    }
}

#[test]
fn a_resource_reference_as_account_id_stands_for_its_id() {
    let emu = emulator();
    let plugin = Plugin::start(&[]);
    let mut engine = Engine::connect(&plugin);
    let handshake = engine.ok("Handshake", json!({"engineAddress": "127.0.0.1:1", "rootDirectory": "/", "programDirectory": "/"}));
    assert_eq!(handshake["acceptResources"], true, "the engine will send references");
    engine.configure(&emu.base_url(), DEFAULT_API_TOKEN);
    let news = json!({"name": "from a reference", "accountId": resource_reference(ACCOUNT), "minDaysForRenewal": 0});

    // Preview: the referenced account is still being created; its id is unknown.
    let unknown = json!({"name": "from a reference", "accountId": resource_reference(""), "minDaysForRenewal": 0});
    let checked = engine.ok("Check", json!({"urn": urn("ref"), "olds": {}, "news": unknown}));
    assert_eq!(checked["failures"], json!([]), "{checked}");
    let planned = engine.ok("Create", json!({"urn": urn("ref"), "properties": checked["inputs"], "preview": true}));
    assert_eq!(planned["properties"]["accountId"], UNKNOWN, "{planned}");

    let checked = engine.ok("Check", json!({"urn": urn("ref"), "olds": {}, "news": news}));
    assert_eq!(checked["failures"], json!([]), "{checked}");
    let created = engine.ok("Create", json!({"urn": urn("ref"), "properties": checked["inputs"]}));
    assert_eq!(calls(&emu), [format!("POST {}", tokens_path(&format!("accounts/{ACCOUNT}")))], "one POST, to the referenced account");
    assert_eq!(created["properties"]["accountId"], ACCOUNT);
    let same = engine.ok("Diff", json!({"id": created["id"], "urn": urn("ref"), "olds": created["properties"], "news": checked["inputs"]}));
    assert_eq!(same["changes"], "DIFF_NONE", "the reference and the id it stands for are the same account: {same}");
}

#[test]
fn configure_reads_args_over_the_deprecated_variables() {
    let emu = emulator();
    let plugin = Plugin::start(&[]);
    let mut engine = Engine::connect(&plugin);
    // As `provider.Configure` (sdk/go/common/resource/plugin/provider_plugin.go)
    // sends it: `variables` keyed `<package>:config:<key>`, secrets removed and
    // every value that is not a string written as JSON (a null input is
    // "null"), beside `args` with secrets and nulls as they are.
    let package = "cloudflare-access-service-token";
    let variables = json!({
        format!("{package}:config:apiToken"): DEFAULT_API_TOKEN,
        format!("{package}:config:baseUrl"): emu.base_url(),
        format!("{package}:config:requestTimeoutMs"): "null",
    });
    let args = json!({"apiToken": secret(DEFAULT_API_TOKEN), "baseUrl": emu.base_url(), "requestTimeoutMs": null});
    let checked = engine.ok("CheckConfig", json!({"urn": format!("urn:pulumi:dev::seed::pulumi:providers:{package}::default"), "olds": {}, "news": args}));
    assert_eq!(checked["failures"], json!([]));
    engine.ok(
        "Configure",
        json!({
            "variables": variables, "args": args, "acceptSecrets": true, "acceptResources": true,
            "sendsOldInputs": true, "sendsOldInputsToDelete": true,
            "urn": format!("urn:pulumi:dev::seed::pulumi:providers:{package}::default"), "name": "default", "type": format!("pulumi:providers:{package}"),
        }),
    );
    engine.ok("Create", json!({"urn": urn("configured"), "properties": {"name": "configured", "accountId": ACCOUNT, "minDaysForRenewal": 0}}));
    assert_eq!(calls(&emu).len(), 1);
    plugin.assert_no_secret_logged(&[DEFAULT_API_TOKEN]);
}

#[test]
fn a_refresh_that_finds_no_drift_hands_back_the_inputs_it_was_given() {
    let emu = emulator();
    let plugin = Plugin::start(&[]);
    let mut engine = Engine::connect(&plugin);
    engine.configure(&emu.base_url(), DEFAULT_API_TOKEN);
    let token = emu.insert_token(Scope::Account(ACCOUNT.into()), "imported", Some("8760h"));

    // `pulumi import`: `ImportStep.Apply` reads (no state, no inputs), then
    // checks the inputs it read against themselves, and stores what Check returns.
    let read = engine.ok("Read", json!({"id": format!("{ACCOUNT}/{}", token.id), "urn": urn("imported"), "name": "imported", "type": TOKEN_TYPE}));
    let checked = engine.ok("Check", json!({"urn": urn("imported"), "olds": read["inputs"], "news": read["inputs"]}));
    assert_eq!(checked["failures"], json!([]));
    let stored = checked["inputs"].clone();
    assert!(stored.get("__defaults").is_some(), "Check lists its defaults: {stored}");

    // `pulumi refresh`, twice: `RefreshStep.Apply` reads with the stored
    // state and inputs, and marks the resource modified unless the inputs
    // and outputs it gets back deep-equal the ones it had.
    let id = read["id"].clone();
    let first = engine.ok("Read", json!({"id": id, "urn": urn("imported"), "properties": read["properties"], "inputs": stored}));
    assert_eq!(first["inputs"], stored, "a refresh with no drift returns the inputs Check stored, __defaults included");
    assert_eq!(first["properties"], read["properties"]);
    let second = engine.ok("Read", json!({"id": id, "urn": urn("imported"), "properties": first["properties"], "inputs": first["inputs"]}));
    assert_eq!(second["inputs"], first["inputs"], "the second refresh changes nothing either");
    assert_eq!(second["properties"], first["properties"]);

    // A token the program created with minDaysForRenewal left to its default.
    // `enabled` is left out too: Check fills in both defaults and lists them.
    let inputs = engine.ok("Check", json!({"urn": urn("created"), "olds": {}, "news": {"name": "created", "accountId": ACCOUNT}}))["inputs"].clone();
    assert_eq!((&inputs["minDaysForRenewal"], &inputs["enabled"]), (&json!(0), &json!(true)), "{inputs}");
    assert_eq!(inputs["__defaults"], json!(["minDaysForRenewal", "enabled"]));
    let created = engine.ok("Create", json!({"urn": urn("created"), "properties": inputs}));
    let refreshed = engine.ok("Read", json!({"id": created["id"], "urn": urn("created"), "properties": created["properties"], "inputs": inputs}));
    assert_eq!(refreshed["inputs"], inputs, "the default stays listed while it holds");
}
