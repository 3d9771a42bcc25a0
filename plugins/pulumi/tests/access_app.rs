//! End to end through the real resource plugin, with a client at the door:
//! the plugin started as the engine starts it (the provider component in
//! wasmtime inside it), driven over gRPC by Pulumi's own generated stubs the
//! way the engine builds each request, against the emulator on loopback —
//! and, after each step, a client presenting the token to the emulator's
//! Access application (`CF-Access-Client-Id` / `CF-Access-Client-Secret`),
//! to show what the change means to whoever uses the token.
//!
//! Each scenario asserts the exact API calls (method, path, body) from the
//! emulator's request log; the client's requests go to the Access
//! application's own log and never count among them.
//!
//! How the engine builds each request (pulumi/pulumi at the commit in
//! `/work/shared/reference/pulumi/README.md`):
//! - Check: `continueStepsFromImport` in `pkg/resource/deploy/step_generator.go`
//!   sends the stored inputs as `olds` and the program's as `news`; with no
//!   old resource (a first `up`, or one a refresh found gone) `news` only.
//! - Diff: `diffResource` (same file) sends the stored outputs as `olds`, the
//!   stored inputs as `oldInputs` and Check's inputs as `news`.
//! - Create: `CreateStep.Apply` (`pkg/resource/deploy/step.go`) sends Check's
//!   inputs as `properties`.
//! - Update: `UpdateStep.Apply` (same file) sends the stored outputs as
//!   `olds`, the stored inputs as `oldInputs`, Check's inputs as `news`.
//! - Refresh: `RefreshStep.Apply` (same file) reads with the stored outputs as
//!   `properties` and the stored inputs as `inputs`; a blank id answered means
//!   the resource is gone, and the engine drops it from the state.
//! - Each of them is marshalled by `provider.Check`/`Diff`/`Create`/`Read`/
//!   `Update` in `sdk/go/common/resource/plugin/provider_plugin.go`, which
//!   adds the URN's `name` and `type`.
//!
//! The client of the Access application is the emulator's own
//! (`cloudflare_emulator::client`): one GET with the two headers over
//! real HTTP on loopback.

mod support;

use chrono::{DateTime, SecondsFormat, Utc};
use cloudflare_emulator::{CleanupAction, Clock, Emulator, EmulatorConfig, InactivityCleanup, Scope, DEFAULT_API_TOKEN};
use serde_json::{json, Value};
use support::*;

const CLOCK_OFFSET: &str = "ACCESS_SERVICE_TOKEN_CLOCK_OFFSET_SECONDS";
const NAME: &str = "CI/CD app";

/// The seed program's inputs: `{name, accountId, minDaysForRenewal: 30}`.
fn seed_inputs() -> Value {
    json!({"name": NAME, "accountId": ACCOUNT, "minDaysForRenewal": 30})
}

/// The seed inputs with `more` set.
fn seed_with(more: Value) -> Value {
    let mut inputs = seed_inputs();
    for (k, v) in more.as_object().unwrap() {
        inputs[k] = v.clone();
    }
    inputs
}

fn account() -> Scope {
    Scope::Account(ACCOUNT.into())
}

fn tokens_path() -> String {
    format!("/client/v4/accounts/{ACCOUNT}/access/service_tokens")
}

fn token_path(id: &str) -> String {
    format!("{}/{id}", tokens_path())
}

/// One API call as the emulator logged it: `METHOD path` and the body.
type Call = (String, Option<Value>);

fn call(method_path: String, body: Option<Value>) -> Call {
    (method_path, body)
}

/// What the engine stores for one resource: its id, outputs and inputs.
#[derive(Clone, Debug)]
struct Stored {
    id: String,
    outputs: Value,
    inputs: Value,
}

impl Stored {
    fn client_id(&self) -> &str {
        self.outputs["clientId"].as_str().expect("a client id")
    }

    fn secret(&self) -> &str {
        self.outputs["clientSecret"]["value"].as_str().expect("a client secret")
    }
}

/// The emulator, the plugin of the current run, and the engine's stubs.
struct World {
    emu: Emulator,
    /// How far the emulator's clock has been moved; each run's plugin gets
    /// the same offset, so the component sees the same "now".
    offset: chrono::Duration,
    engine: Engine,
    plugin: Plugin,
    /// The engine's own service, which the plugin sends its diagnostics to.
    host: FakeEngine,
}

impl World {
    fn new() -> World {
        let emu = Emulator::start(EmulatorConfig { clock: Clock::system(), seed: Some(29), ..EmulatorConfig::default() }).expect("start the emulator");
        let host = FakeEngine::start();
        let (plugin, engine) = Self::run(&emu, &host, chrono::Duration::zero());
        World { emu, offset: chrono::Duration::zero(), engine, plugin, host }
    }

    /// A fresh plugin, as the engine starts one per `pulumi` command, configured.
    fn run(emu: &Emulator, host: &FakeEngine, offset: chrono::Duration) -> (Plugin, Engine) {
        let seconds = offset.num_seconds().to_string();
        let plugin = Plugin::start_with_engine(&host.address, &[(CLOCK_OFFSET, &seconds)]);
        let mut engine = Engine::connect(&plugin);
        engine.configure(&emu.base_url(), DEFAULT_API_TOKEN);
        (plugin, engine)
    }

    /// Time passes (`by`, whole seconds) and the next `pulumi` command starts
    /// the plugin afresh, its clock as far on as the emulator's.
    fn later(&mut self, by: chrono::Duration) {
        self.emu.clock().advance(by);
        self.offset += by;
        // The engine goes first, then its plugin (dropped when replaced).
        let (plugin, engine) = Self::run(&self.emu, &self.host, self.offset);
        self.engine = engine;
        self.plugin = plugin;
    }

    fn now(&self) -> DateTime<Utc> {
        self.emu.clock().now()
    }

    /// The API calls since the last look, and forgets them.
    fn calls(&self) -> Vec<Call> {
        let seen = self.emu.requests().into_iter().map(|r| (format!("{} {}", r.method, r.path), r.body)).collect();
        self.emu.clear_requests();
        seen
    }

    /// Check as the engine sends it: `olds` are the stored inputs (`None`:
    /// no old resource, so no `olds` at all). Returns the checked inputs.
    fn check(&mut self, name: &str, olds: Option<&Value>, news: Value) -> Value {
        let mut request = json!({"urn": urn(name), "name": name, "type": TOKEN_TYPE, "news": news});
        if let Some(olds) = olds {
            request["olds"] = olds.clone();
        }
        let checked = self.engine.ok("Check", request);
        assert_eq!(checked["failures"], json!([]), "{checked}");
        checked["inputs"].clone()
    }

    /// Create with Check's inputs; what the engine then stores.
    fn create(&mut self, name: &str, inputs: &Value) -> Stored {
        let created = self.engine.ok("Create", json!({"urn": urn(name), "name": name, "type": TOKEN_TYPE, "properties": inputs, "preview": false}));
        let id = created["id"].as_str().expect("an id").to_string();
        assert!(!id.is_empty(), "{created}");
        Stored { id, outputs: created["properties"].clone(), inputs: inputs.clone() }
    }

    /// A refresh: `None` when the plugin says the token is gone.
    fn refresh(&mut self, name: &str, stored: &Stored) -> Option<Stored> {
        let read = self.engine.ok("Read", json!({"id": stored.id, "urn": urn(name), "name": name, "type": TOKEN_TYPE, "properties": stored.outputs, "inputs": stored.inputs}));
        if read["id"] == "" {
            assert_eq!((read.get("properties"), read.get("inputs")), (None, None), "gone: no properties, no inputs: {read}");
            return None;
        }
        Some(Stored { id: read["id"].as_str().unwrap().to_string(), outputs: read["properties"].clone(), inputs: read["inputs"].clone() })
    }

    /// Diff of the stored resource against Check's inputs.
    fn diff(&mut self, name: &str, stored: &Stored, news: &Value) -> Value {
        self.engine.ok(
            "Diff",
            json!({"id": stored.id, "urn": urn(name), "name": name, "type": TOKEN_TYPE, "olds": stored.outputs, "oldInputs": stored.inputs, "news": news, "ignoreChanges": []}),
        )
    }

    /// Update (or, with `preview`, its plan); the new outputs.
    fn update(&mut self, name: &str, stored: &Stored, news: &Value, preview: bool) -> Value {
        let request = json!({"id": stored.id, "urn": urn(name), "name": name, "type": TOKEN_TYPE, "olds": stored.outputs, "oldInputs": stored.inputs, "news": news, "preview": preview});
        self.engine.ok("Update", request)["properties"].clone()
    }

    /// `pulumi up` of the seed program with nothing in the state: Check,
    /// Create; asserts the one POST.
    fn seed(&mut self, name: &str) -> Stored {
        let inputs = self.check(name, None, seed_inputs());
        assert_eq!((&inputs["enabled"], &inputs["__defaults"]), (&json!(true), &json!(["enabled"])), "{inputs}");
        let stored = self.create(name, &inputs);
        assert_eq!(self.calls(), [call(format!("POST {}", tokens_path()), Some(json!({"name": NAME})))], "one POST creates the seed token");
        stored
    }

    /// A client of the Access application presenting these credentials:
    /// the status and the JSON answer.
    fn client(&self, client_id: &str, secret: &str) -> (u16, Value) {
        let answer = self.emu.present(&account(), client_id, secret);
        (answer.status, answer.body)
    }

    /// The client presenting the stored client id and secret.
    fn client_with(&self, stored: &Stored) -> (u16, Value) {
        self.client(stored.client_id(), stored.secret())
    }
}

/// A refused client, with the Access application's reason.
fn refused(reason: &str) -> (u16, Value) {
    (403, json!({"authenticated": false, "reason": reason}))
}

/// An admitted client: which token, and with which of its secrets.
fn admitted(stored: &Stored, which: &str) -> (u16, Value) {
    (200, json!({"authenticated": true, "client_id": stored.client_id(), "service_token_id": stored.id, "secret": which}))
}

fn time(v: &Value) -> DateTime<Utc> {
    v.as_str().unwrap_or_else(|| panic!("a time: {v}")).parse().unwrap_or_else(|e| panic!("{v}: {e}"))
}

#[test]
fn the_seed_token_lets_a_client_in_and_its_last_use_reads_back_without_a_diff() {
    let mut w = World::new();
    let stored = w.seed("seed");
    assert_eq!(stored.outputs["enabled"], true);
    assert_eq!(stored.outputs.get("lastSeenAt"), None, "never used yet: {}", stored.outputs);

    assert_eq!(w.client_with(&stored), admitted(&stored, "current"), "the new token lets its client in");
    let seen_at = w.emu.app_requests().last().expect("the client's request is logged").at;
    assert_eq!(w.calls(), [], "a client's request is no API call");

    // `pulumi refresh`: the token's last use reads back as an output.
    let refreshed = w.refresh("seed", &stored).expect("the token exists");
    assert_eq!(w.calls(), [call(format!("GET {}", token_path(&stored.id)), None)]);
    assert_eq!(time(&refreshed.outputs["lastSeenAt"]), seen_at, "lastSeenAt is when the client got in");
    let mut want = stored.outputs.clone();
    want["lastSeenAt"] = refreshed.outputs["lastSeenAt"].clone();
    assert_eq!(refreshed.outputs, want, "lastSeenAt is the only output that changed");
    assert_eq!(refreshed.inputs, stored.inputs, "the inputs read back as Check stored them");

    // The next `pulumi up` of the same program: nothing to do.
    let inputs = w.check("seed", Some(&refreshed.inputs), seed_inputs());
    assert_eq!(inputs, refreshed.inputs);
    let diff = w.diff("seed", &refreshed, &inputs);
    assert_eq!(diff["changes"], "DIFF_NONE", "lastSeenAt is never a reason for a diff: {diff}");
    assert_eq!((&diff["diffs"], &diff["detailedDiff"], &diff["replaces"]), (&json!([]), &json!({}), &json!([])), "{diff}");
    assert_eq!(w.calls(), [], "Check and Diff make no call");
    w.plugin.assert_no_secret_logged(&[DEFAULT_API_TOKEN, stored.secret()]);
}

#[test]
fn disabling_locks_the_client_out_and_re_enabling_lets_it_back_in() {
    let mut w = World::new();
    let stored = w.seed("onoff");
    assert_eq!(w.client_with(&stored), admitted(&stored, "current"));

    // `enabled: false` in the program.
    let off = w.check("onoff", Some(&stored.inputs), seed_with(json!({"enabled": false})));
    assert_eq!((&off["enabled"], &off["__defaults"]), (&json!(false), &json!([])), "{off}");
    let diff = w.diff("onoff", &stored, &off);
    assert_eq!((diff["changes"].as_str(), &diff["diffs"], &diff["replaces"]), (Some("DIFF_SOME"), &json!(["enabled"]), &json!([])), "{diff}");
    assert_eq!(diff["detailedDiff"], json!({"enabled": {"kind": "UPDATE", "inputDiff": true}}), "an update in place, not a replacement");
    // `pulumi up` previews first: the plan, and no call.
    let planned = w.update("onoff", &stored, &off, true);
    assert_eq!((&planned["enabled"], &planned["clientId"]), (&json!(false), &stored.outputs["clientId"]), "{planned}");
    assert_eq!(w.calls(), []);
    let disabled = w.update("onoff", &stored, &off, false);
    assert_eq!(w.calls(), [call(format!("PUT {}", token_path(&stored.id)), Some(json!({"name": NAME, "enabled": false})))], "one PUT disables the token");
    assert_eq!(disabled["enabled"], false);
    for key in ["id", "clientId", "clientSecret", "expiresAt", "createdAt"] {
        assert_eq!(disabled[key], stored.outputs[key], "{key} is kept");
    }
    let stored = Stored { id: stored.id.clone(), outputs: disabled, inputs: off };
    assert_eq!(w.client_with(&stored), refused("disabled"), "a disabled token lets no client in");

    // `enabled: true` again.
    let on = w.check("onoff", Some(&stored.inputs), seed_with(json!({"enabled": true})));
    assert_eq!(on["enabled"], true);
    let diff = w.diff("onoff", &stored, &on);
    assert_eq!((diff["changes"].as_str(), &diff["diffs"], &diff["replaces"]), (Some("DIFF_SOME"), &json!(["enabled"]), &json!([])), "{diff}");
    assert_eq!(diff["detailedDiff"], json!({"enabled": {"kind": "UPDATE", "inputDiff": true}}));
    let enabled = w.update("onoff", &stored, &on, false);
    assert_eq!(w.calls(), [call(format!("PUT {}", token_path(&stored.id)), Some(json!({"name": NAME, "enabled": true})))], "one PUT enables it again");
    assert_eq!(enabled["enabled"], true);
    assert_eq!((&enabled["clientId"], &enabled["clientSecret"]), (&stored.outputs["clientId"], &stored.outputs["clientSecret"]), "same client id and secret");
    let stored = Stored { id: stored.id.clone(), outputs: enabled, inputs: on };
    assert_eq!(w.client_with(&stored), admitted(&stored, "current"), "the same credentials work again");
    w.plugin.assert_no_secret_logged(&[DEFAULT_API_TOKEN, stored.secret()]);
}

#[test]
fn a_rotation_with_a_grace_period_keeps_the_old_secret_working_until_it_ends() {
    let mut w = World::new();
    let stored = w.seed("rotated");
    let old = stored.clone();
    assert_eq!(w.client_with(&old), admitted(&old, "current"));

    // clientSecretVersion 1 → 2, the old secret good for one more hour.
    let grace_end = (w.now() + chrono::Duration::hours(1)).to_rfc3339_opts(SecondsFormat::Secs, true);
    let news = w.check("rotated", Some(&stored.inputs), seed_with(json!({"clientSecretVersion": 2, "previousClientSecretExpiresAt": grace_end})));
    let diff = w.diff("rotated", &stored, &news);
    assert_eq!((diff["changes"].as_str(), &diff["replaces"]), (Some("DIFF_SOME"), &json!([])), "a rotation is no replacement: {diff}");
    assert_eq!(
        diff["detailedDiff"],
        json!({
            "clientSecretVersion": {"kind": "ADD", "inputDiff": true},
            "previousClientSecretExpiresAt": {"kind": "ADD", "inputDiff": true},
            "clientSecret": {"kind": "UPDATE", "inputDiff": false},
        }),
        "two new inputs, and the apply issues a new secret"
    );
    assert_eq!(w.calls(), []);
    let rotated = w.update("rotated", &stored, &news, false);
    assert_eq!(
        w.calls(),
        [call(format!("PUT {}", token_path(&stored.id)), Some(json!({"name": NAME, "client_secret_version": 2, "previous_client_secret_expires_at": grace_end})))],
        "one PUT rotates the secret"
    );
    let new = Stored { id: stored.id.clone(), outputs: rotated, inputs: news };
    assert_eq!(new.client_id(), old.client_id(), "the client id never changes");
    assert_ne!(new.secret(), old.secret(), "a new secret is issued");
    assert_eq!(new.secret(), w.emu.tokens()[0].client_secret, "the outputs carry the API's new secret");

    assert_eq!(w.client_with(&new), admitted(&new, "current"), "the new secret works at once");
    assert_eq!(w.client_with(&old), admitted(&old, "previous"), "the old one still works during the grace period");
    w.emu.clock().advance(chrono::Duration::minutes(59));
    assert_eq!(w.client_with(&old), admitted(&old, "previous"), "a minute before the grace ends, still");
    w.emu.clock().advance(chrono::Duration::minutes(1));
    assert!(w.now() >= time(&json!(grace_end)));
    assert_eq!(w.client_with(&old), refused("previous_secret_expired"), "once the grace ends, the old secret is refused");
    assert_eq!(w.client_with(&new), admitted(&new, "current"), "and the new one works on");
    assert_eq!(w.emu.tokens()[0].client_id, old.client_id(), "the client id never changed at the API either");
    assert_eq!(w.calls(), [], "the clients made no API call");
    w.plugin.assert_no_secret_logged(&[DEFAULT_API_TOKEN, old.secret(), new.secret()]);
}

#[test]
fn a_renewal_keeps_the_client_working_past_the_old_expiry() {
    let mut w = World::new();
    let stored = w.seed("renewed");
    assert_eq!(w.client_with(&stored), admitted(&stored, "current"));
    let old_expiry = time(&stored.outputs["expiresAt"]);

    // 340 days on, 25 days are left: inside the 30-day window.
    w.later(chrono::Duration::days(340));
    let news = w.check("renewed", Some(&stored.inputs), seed_inputs());
    let diff = w.diff("renewed", &stored, &news);
    assert_eq!((diff["changes"].as_str(), &diff["diffs"], &diff["replaces"]), (Some("DIFF_SOME"), &json!(["expiresAt"]), &json!([])), "{diff}");
    assert_eq!(diff["detailedDiff"], json!({"expiresAt": {"kind": "UPDATE", "inputDiff": false}}), "the renewal shows as a change of expiresAt");
    let renewed = w.update("renewed", &stored, &news, false);
    assert_eq!(w.calls(), [call(format!("POST {}/refresh", token_path(&stored.id)), None)], "one POST …/refresh renews the token");
    assert_eq!((&renewed["clientId"], &renewed["clientSecret"]), (&stored.outputs["clientId"], &stored.outputs["clientSecret"]), "a renewal keeps the credentials");
    let new_expiry = time(&renewed["expiresAt"]);
    assert!(new_expiry > old_expiry + chrono::Duration::days(300), "{new_expiry} after {old_expiry}");
    let renewed = Stored { id: stored.id.clone(), outputs: renewed, inputs: news };

    // Past the old expiry: the same client still gets in.
    w.emu.clock().advance(chrono::Duration::days(30));
    assert!(w.now() > old_expiry, "the clock is past the old expiry");
    assert_eq!(w.client_with(&renewed), admitted(&renewed, "current"), "the renewed token still lets its client in");
    assert_eq!(w.calls(), []);
    w.plugin.assert_no_secret_logged(&[DEFAULT_API_TOKEN, stored.secret()]);
}

#[test]
fn a_token_the_inactivity_cleanup_disabled_is_re_enabled_with_one_call() {
    let mut w = World::new();
    let stored = w.seed("idle");
    assert_eq!(w.client_with(&stored), admitted(&stored, "current"));
    let seen_at = w.emu.app_requests().last().unwrap().at;

    // Cloudflare disables the account's tokens idle for 30 days; 31 pass.
    w.emu.set_inactivity_cleanup(&account(), Some(InactivityCleanup { action: CleanupAction::Disable, after_days: 30 }));
    w.later(chrono::Duration::days(31));
    assert_eq!(w.client_with(&stored), refused("disabled"), "the idle token no longer lets its client in");

    // `pulumi refresh`: the token reads back disabled, in outputs and inputs.
    let refreshed = w.refresh("idle", &stored).expect("a disabled token still exists");
    assert_eq!(w.calls(), [call(format!("GET {}", token_path(&stored.id)), None)]);
    assert_eq!((&refreshed.outputs["enabled"], &refreshed.inputs["enabled"]), (&json!(false), &json!(false)), "{refreshed:?}");
    assert_eq!(time(&refreshed.outputs["lastSeenAt"]), seen_at, "it last authenticated before the cleanup");
    assert_eq!((refreshed.client_id(), refreshed.secret()), (stored.client_id(), stored.secret()), "credentials kept");

    // `pulumi up` of the unchanged program (`enabled` left to its default, true).
    let news = w.check("idle", Some(&refreshed.inputs), seed_inputs());
    assert_eq!((&news["enabled"], &news["__defaults"]), (&json!(true), &json!(["enabled"])), "{news}");
    let diff = w.diff("idle", &refreshed, &news);
    assert_eq!((diff["changes"].as_str(), &diff["diffs"], &diff["replaces"]), (Some("DIFF_SOME"), &json!(["enabled"]), &json!([])), "{diff}");
    assert_eq!(diff["detailedDiff"], json!({"enabled": {"kind": "UPDATE", "inputDiff": true}}), "the diff is an update of enabled, in place");
    // The reason reaches the engine as an info diagnostic on the resource
    // (the engine's `Log`), as `pulumi preview --refresh` shows it.
    let said: Vec<String> = w.host.take_logs(1).iter().map(|l| l["message"].as_str().unwrap_or_default().to_string()).collect();
    assert_eq!(said.len(), 1, "{said:?}");
    assert!(
        said[0].starts_with("update: enabled false → true: the token is disabled at Cloudflare: a person disabled it")
            && said[0].contains("or the account's inactivity cleanup did")
            && said[0].contains("(it last authenticated at "),
        "the diagnostic names both causes and when the token was last seen: {}",
        said[0]
    );
    assert_eq!(w.calls(), []);
    let enabled = w.update("idle", &refreshed, &news, false);
    assert_eq!(w.calls(), [call(format!("PUT {}", token_path(&stored.id)), Some(json!({"name": NAME, "enabled": true})))], "ONE call re-enables the token");
    assert_eq!(enabled["enabled"], true);
    let enabled = Stored { id: stored.id.clone(), outputs: enabled, inputs: news };
    assert_eq!((enabled.client_id(), enabled.secret()), (stored.client_id(), stored.secret()), "same client id and secret");
    assert_eq!(w.client_with(&enabled), admitted(&enabled, "current"), "the client gets in again");
    w.plugin.assert_no_secret_logged(&[DEFAULT_API_TOKEN, stored.secret()]);
}

#[test]
fn a_token_the_inactivity_cleanup_deleted_is_created_again_with_a_new_secret() {
    let mut w = World::new();
    let stored = w.seed("deleted");
    assert_eq!(w.client_with(&stored), admitted(&stored, "current"));

    // Cloudflare deletes the account's tokens idle for 30 days; 31 pass.
    w.emu.set_inactivity_cleanup(&account(), Some(InactivityCleanup { action: CleanupAction::Delete, after_days: 30 }));
    w.later(chrono::Duration::days(31));
    assert_eq!(w.emu.tokens().len(), 0, "the cleanup deleted it");
    assert_eq!(w.client_with(&stored), refused("unknown_client_id"));

    // `pulumi refresh`: gone, and the engine drops it from the state.
    assert!(w.refresh("deleted", &stored).is_none(), "a deleted token reads as gone");
    assert_eq!(w.calls(), [call(format!("GET {}", token_path(&stored.id)), None)]);

    // `pulumi up`: no old resource, so Check has no olds, then Create.
    let inputs = w.check("deleted", None, seed_inputs());
    assert_eq!(inputs, stored.inputs, "the same program, checked the same way");
    let again = w.create("deleted", &inputs);
    assert_eq!(w.calls(), [call(format!("POST {}", tokens_path()), Some(json!({"name": NAME})))], "one POST creates it again");
    assert_ne!(again.id, stored.id, "a new token");
    assert_ne!(again.secret(), stored.secret(), "the secret changed: the token was created again, so its clients need the new secret from the outputs");
    assert_eq!(again.secret(), w.emu.tokens()[0].client_secret);
    assert_eq!(w.client_with(&again), admitted(&again, "current"), "the new credentials let the client in");
    assert_eq!(w.client_with(&stored), refused("unknown_client_id"), "the old ones stay refused");
    w.plugin.assert_no_secret_logged(&[DEFAULT_API_TOKEN, stored.secret(), again.secret()]);
}
