//! Why the apply does what it does, shown on the resource: the plugin's
//! `Diff` sends each planned action's reason to the engine's own gRPC
//! service (`pulumirpc.Engine/Log`, `proto/pulumi/engine.proto`) as an info
//! message on the resource's URN, as Pulumi's Go providers log through
//! `HostClient.Log` (`sdk/go/pulumi/provider/host.go`); `pulumi preview` and
//! `pulumi up` print it with the resource.
//!
//! The engine is played twice, with Pulumi's own generated Python stubs: its
//! gRPC service (`support/fake_engine.py`, `EngineServicer`), which records
//! each `Log` request, and its client of the plugin (`support/engine.py`).
//! The plugin is started as the engine starts it — the engine's address as
//! its one argument (`NewProvider` in
//! `sdk/go/common/resource/plugin/provider_plugin.go`) — and `Handshake`
//! names the same address again, as the engine's does. Tokens live at the
//! emulator on loopback.

mod support;

use chrono::{DateTime, TimeDelta, Utc};
use cloudflare_emulator::{Clock, Emulator, EmulatorConfig, DEFAULT_API_TOKEN};
use serde_json::{json, Value};
use std::time::{Duration, Instant};
use support::*;

const CLOCK_OFFSET: &str = "ACCESS_SERVICE_TOKEN_CLOCK_OFFSET_SECONDS";
const NAME: &str = "CI/CD app";

fn emulator() -> Emulator {
    Emulator::start(EmulatorConfig { clock: Clock::system(), seed: Some(41), ..EmulatorConfig::default() }).expect("start the emulator")
}

fn seed_inputs() -> Value {
    json!({"name": NAME, "accountId": ACCOUNT, "duration": "8760h", "minDaysForRenewal": 30})
}

fn renamed_inputs() -> Value {
    json!({"name": "CI/CD app renamed", "accountId": ACCOUNT, "duration": "8760h", "minDaysForRenewal": 30})
}

/// What the engine stores for one resource.
#[derive(Clone, Debug)]
struct Stored {
    id: String,
    outputs: Value,
    inputs: Value,
}

/// The plugin of one `pulumi` command, started by the engine at
/// `engine_address` (`None`: no argument), handshaken with `handshake_address`
/// (`None`: no Handshake, as an older engine) and configured for `emu`.
fn run(emu: &Emulator, engine_address: Option<&str>, handshake_address: Option<&str>, offset: TimeDelta) -> (Plugin, Engine) {
    let seconds = offset.num_seconds().to_string();
    let env = [(CLOCK_OFFSET, seconds.as_str())];
    let plugin = match engine_address {
        Some(address) => Plugin::start_with_engine(address, &env),
        None => Plugin::start_without_engine(&env),
    };
    let mut engine = Engine::connect(&plugin);
    if let Some(address) = handshake_address {
        let dir = env!("CARGO_MANIFEST_DIR");
        engine.ok("Handshake", json!({"engineAddress": address, "rootDirectory": dir, "programDirectory": dir, "configureWithUrn": true}));
    }
    engine.configure(&emu.base_url(), DEFAULT_API_TOKEN);
    (plugin, engine)
}

fn check(engine: &mut Engine, name: &str, olds: Option<&Value>, news: Value) -> Value {
    let mut request = json!({"urn": urn(name), "name": name, "type": TOKEN_TYPE, "news": news});
    if let Some(olds) = olds {
        request["olds"] = olds.clone();
    }
    let checked = engine.ok("Check", request);
    assert_eq!(checked["failures"], json!([]), "{checked}");
    checked["inputs"].clone()
}

/// `pulumi up` of the seed program with nothing in the state: Check, Create.
fn create(engine: &mut Engine, name: &str) -> Stored {
    let inputs = check(engine, name, None, seed_inputs());
    let created = engine.ok("Create", json!({"urn": urn(name), "name": name, "type": TOKEN_TYPE, "properties": inputs, "preview": false}));
    Stored { id: created["id"].as_str().expect("an id").to_string(), outputs: created["properties"].clone(), inputs }
}

/// Diff as the engine sends it: the stored outputs and inputs, Check's inputs.
fn diff(engine: &mut Engine, name: &str, stored: &Stored, news: &Value) -> Value {
    engine.ok(
        "Diff",
        json!({"id": stored.id, "urn": urn(name), "name": name, "type": TOKEN_TYPE, "olds": stored.outputs, "oldInputs": stored.inputs, "news": news, "ignoreChanges": []}),
    )
}

/// One `Log` request as the engine's stubs decode it (JSON mapping, defaults
/// included): severity INFO, on the resource `name`, no stream, not ephemeral.
fn info(name: &str, message: &str) -> Value {
    json!({"severity": "INFO", "message": message, "urn": urn(name), "streamId": 0, "ephemeral": false})
}

fn secret_of(stored: &Stored) -> String {
    stored.outputs["clientSecret"]["value"].as_str().expect("a client secret").to_string()
}

/// No secret in any message the engine received.
fn assert_no_secret_in(logs: &[Value], secrets: &[&str]) {
    let text = serde_json::to_string(logs).unwrap();
    for s in secrets {
        assert!(!text.contains(s), "a secret reached the engine's log: {text}");
    }
}

#[test]
fn a_token_disabled_outside_the_program_shows_why_it_is_enabled_again() {
    let emu = emulator();
    let fake = FakeEngine::start();
    let (plugin, mut engine) = run(&emu, Some(&fake.address), Some(&fake.address), TimeDelta::zero());
    let stored = create(&mut engine, "off");
    let unchanged = diff(&mut engine, "off", &stored, &stored.inputs);
    assert_eq!(unchanged["changes"], "DIFF_NONE");
    assert_eq!(fake.take_logs(0), Vec::<Value>::new(), "no change, nothing to say");

    // A person disables the token with the API, outside the program.
    let url = format!("{}/accounts/{ACCOUNT}/access/service_tokens/{}", emu.base_url(), stored.id);
    let bearer = format!("Bearer {DEFAULT_API_TOKEN}");
    let (status, answer) = cloudflare_emulator::client::send("PUT", &url, &[("Authorization", &bearer)], Some(&json!({"name": NAME, "enabled": false}))).expect("PUT to the emulator");
    assert_eq!((status, &answer["result"]["enabled"]), (200, &json!(false)), "{answer}");

    // `pulumi preview --refresh`: Read finds it disabled; Check and Diff of
    // the unchanged program plan enabling it again, and say why.
    let read = engine.ok("Read", json!({"id": stored.id, "urn": urn("off"), "name": "off", "type": TOKEN_TYPE, "properties": stored.outputs, "inputs": stored.inputs}));
    let refreshed = Stored { id: stored.id.clone(), outputs: read["properties"].clone(), inputs: read["inputs"].clone() };
    assert_eq!(refreshed.outputs["enabled"], false, "{read}");
    let news = check(&mut engine, "off", Some(&refreshed.inputs), seed_inputs());
    let planned = diff(&mut engine, "off", &refreshed, &news);
    assert_eq!((planned["changes"].as_str(), &planned["diffs"]), (Some("DIFF_SOME"), &json!(["enabled"])), "{planned}");

    let created_at = refreshed.outputs["createdAt"].as_str().expect("createdAt");
    let logs = fake.take_logs(1);
    assert_eq!(
        logs,
        [info(
            "off",
            &format!(
                "update: enabled false → true: the token is disabled at Cloudflare: a person disabled it (outside this program, or with an earlier `enabled: false`), or the account's inactivity cleanup did after the token went unused for its set 30 to 365 days (it has never authenticated since it was created at {created_at}); it is re-enabled in place with the same client id and secret"
            )
        )],
        "one info message on the resource, the core's reason after the action's kind"
    );
    assert_no_secret_in(&logs, &[DEFAULT_API_TOKEN, &secret_of(&stored)]);
    assert!(!plugin.stderr().contains("cannot log to the engine"), "{}", plugin.stderr());
    plugin.assert_no_secret_logged(&[DEFAULT_API_TOKEN, &secret_of(&stored)]);
}

/// `<days> days <hours> h left`, as the core words a time left.
fn left(d: TimeDelta) -> String {
    format!("{} days {} h left", d.num_days(), d.num_hours() % 24)
}

#[test]
fn a_due_renewal_shows_why_and_each_action_is_one_message_in_order() {
    let emu = emulator();
    let fake = FakeEngine::start();
    let (plugin, mut engine) = run(&emu, Some(&fake.address), Some(&fake.address), TimeDelta::zero());
    let stored = create(&mut engine, "renewed");
    drop(engine);
    drop(plugin);

    // 340 days on, 25 days are left: inside the 30-day window. The engine
    // starts the plugin afresh for the next command.
    let offset = TimeDelta::days(340);
    emu.clock().advance(offset);
    let (plugin, mut engine) = run(&emu, Some(&fake.address), Some(&fake.address), offset);
    let news = check(&mut engine, "renewed", Some(&stored.inputs), seed_inputs());
    let before = Utc::now() + offset;
    let planned = diff(&mut engine, "renewed", &stored, &news);
    let after = Utc::now() + offset;
    assert_eq!((planned["changes"].as_str(), &planned["diffs"]), (Some("DIFF_SOME"), &json!(["expiresAt"])), "{planned}");
    let logs = fake.take_logs(1);
    assert_eq!(logs.len(), 1, "{logs:?}");
    let expires = stored.outputs["expiresAt"].as_str().expect("expiresAt");
    assert_renewal(&logs[0], expires, before, after);

    // A rename as well: two actions, two messages, in the plan's order.
    let renamed = check(&mut engine, "renewed", Some(&stored.inputs), renamed_inputs());
    let before = Utc::now() + offset;
    let planned = diff(&mut engine, "renewed", &stored, &renamed);
    let after = Utc::now() + offset;
    assert_eq!(planned["diffs"], json!(["name", "expiresAt"]), "{planned}");
    let logs = fake.take_logs(2);
    assert_eq!(logs.len(), 2, "{logs:?}");
    assert_eq!(logs[0], info("renewed", "update: name \"CI/CD app\" → \"CI/CD app renamed\""));
    assert_renewal(&logs[1], expires, before, after);
    assert_no_secret_in(&logs, &[DEFAULT_API_TOKEN, &secret_of(&stored)]);
    plugin.assert_no_secret_logged(&[DEFAULT_API_TOKEN, &secret_of(&stored)]);
}

/// `renew: expires at <expiresAt>, inside the 30-day renewal window at <now>
/// (<left>)`: `<now>` is the plugin's clock, to the second, between `before`
/// and `after`; `<left>` is counted from the exact instant, which lies within
/// the second `<now>` names.
fn assert_renewal(log: &Value, expires: &str, before: DateTime<Utc>, after: DateTime<Utc>) {
    let message = log["message"].as_str().expect("a message");
    assert_eq!(*log, info("renewed", message), "INFO on the resource, no stream, not ephemeral");
    let head = format!("renew: expires at {expires}, inside the 30-day renewal window at ");
    let rest = message.strip_prefix(&head).unwrap_or_else(|| panic!("{message:?} does not start with {head:?}"));
    let (at, _) = rest.split_once(" (").unwrap_or_else(|| panic!("{message:?}"));
    let now = at.parse::<DateTime<Utc>>().unwrap_or_else(|e| panic!("{at:?} in {message:?}: {e}"));
    assert!(now >= before - TimeDelta::seconds(1) && now <= after, "{now} is the plugin's clock, between {before} and {after}");
    let expiry = expires.parse::<DateTime<Utc>>().unwrap();
    let candidates = [expiry - now, expiry - now - TimeDelta::seconds(1)].map(|d| format!("{head}{at} ({})", left(d)));
    assert!(candidates.contains(&message.to_string()), "{message:?} is one of {candidates:?}");
}

/// A token created through a plugin of its own, for the Diffs below.
fn seeded(emu: &Emulator, name: &str) -> Stored {
    let (_plugin, mut engine) = run(emu, None, None, TimeDelta::zero());
    create(&mut engine, name)
}

/// The rename Diff (one action, `update`) through `engine`; succeeds.
fn rename(engine: &mut Engine, name: &str, stored: &Stored) -> Duration {
    let renamed = check(engine, name, Some(&stored.inputs), renamed_inputs());
    let started = Instant::now();
    let planned = diff(engine, name, stored, &renamed);
    let took = started.elapsed();
    assert_eq!((planned["changes"].as_str(), &planned["diffs"]), (Some("DIFF_SOME"), &json!(["name"])), "{planned}");
    took
}

const RENAME: &str = "update: name \"CI/CD app\" → \"CI/CD app renamed\"";

#[test]
fn diff_succeeds_when_the_engine_log_is_unreachable() {
    let emu = emulator();
    let stored = seeded(&emu, "unreached");
    let fake = FakeEngine::start();

    // The Handshake names a port nobody listens on (bound, then closed):
    // the plugin sends there, is refused, and answers the Diff all the same.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().to_string();
    let (plugin, mut engine) = run(&emu, Some(&fake.address), Some(&closed), TimeDelta::zero());
    let took = rename(&mut engine, "unreached", &stored);
    assert!(took < Duration::from_secs(5), "a refused Log delays nothing: {took:?}");
    assert_eq!(fake.take_logs(0), Vec::<Value>::new(), "the Handshake's address is the one used");
    let log = plugin.stderr();
    assert!(log.contains(&format!("Diff {}: cannot log to the engine at {closed}: ", urn("unreached"))), "{log}");
    assert!(log.contains(&format!("Diff {}: {RENAME} (not shown: the engine's Log failed)", urn("unreached"))), "the reason goes to the plugin's own log: {log}");
    assert!(log.contains(&format!("Diff {}: ok", urn("unreached"))), "{log}");
}

#[test]
fn diff_succeeds_when_the_engine_log_fails_or_never_answers() {
    let emu = emulator();
    let stored = seeded(&emu, "failing");

    // The engine answers Log with INTERNAL: one try, then the rest of the
    // Diff's messages go to the local log. A rename and a rotation: two actions.
    let failing = FakeEngine::start_failing_log();
    let (plugin, mut engine) = run(&emu, Some(&failing.address), Some(&failing.address), TimeDelta::zero());
    let mut news = renamed_inputs();
    news["clientSecretVersion"] = json!(2);
    let news = check(&mut engine, "failing", Some(&stored.inputs), news);
    let planned = diff(&mut engine, "failing", &stored, &news);
    assert_eq!(planned["changes"], "DIFF_SOME", "{planned}");
    let rotate = "rotate: clientSecretVersion 1 → 2: a new client secret is issued, the client id stays; the previous secret stops working at once";
    assert_eq!(failing.take_logs(1), [info("failing", RENAME)], "one try only");
    let log = plugin.stderr();
    assert!(log.contains(&format!("Diff {}: cannot log to the engine at {}: Internal: this engine's Log fails (test)", urn("failing"), failing.address)), "{log}");
    assert!(log.contains(&format!("Diff {}: {RENAME} (not shown: the engine's Log failed)", urn("failing"))), "{log}");
    assert!(log.contains(&format!("Diff {}: {rotate} (not shown: the engine's Log failed: Internal: this engine's Log fails (test))", urn("failing"))), "{log}");
    drop(engine);
    drop(plugin);

    // An engine port that accepts and never answers: the Diff waits at most
    // the Log timeout, then answers.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let silent_address = silent.local_addr().unwrap().to_string();
    let fake = FakeEngine::start();
    let (plugin, mut engine) = run(&emu, Some(&fake.address), Some(&silent_address), TimeDelta::zero());
    let took = rename(&mut engine, "failing", &stored);
    let limit = pulumi_provider::engine::LOG_TIMEOUT + Duration::from_secs(4);
    assert!(took < limit, "the Diff took {took:?}, more than {limit:?}");
    let log = plugin.stderr();
    assert!(log.contains(&format!("Diff {}: cannot log to the engine at {silent_address}: ", urn("failing"))), "{log}");
    assert!(log.contains(&format!("Diff {}: ok", urn("failing"))), "{log}");
    drop(silent);

    // No engine address at all (no argument, no Handshake): the local log only.
    let (plugin, mut engine) = run(&emu, None, None, TimeDelta::zero());
    rename(&mut engine, "failing", &stored);
    let log = plugin.stderr();
    assert!(log.contains(&format!("Diff {}: {RENAME} (no engine address to show it at)", urn("failing"))), "{log}");
    assert_eq!(fake.take_logs(0), Vec::<Value>::new());
}
