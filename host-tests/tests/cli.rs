//! The command line through the harness's command mode: the real component
//! run as `wasi:cli/run` (wasmtime-wasi, a preopened directory, real HTTP to
//! the emulator), driving the seed program verbatim and the other verbs.
//! Each step asserts the output a person reads and the calls Cloudflare saw.

mod common;

use chrono::TimeDelta;
use cloudflare_emulator::{Fault, FaultKind, Scope};
use common::cli::{Cli, SEED};
use common::*;
use host_tests::command::Outcome;
use serde_json::Value;

#[test]
fn the_seed_program_verbatim_through_its_whole_life() {
    let cli = Cli::new(SEED);

    let out = cli.ok(&["preview"]);
    assert!(out.stdout.contains(" +  myApp  (cloudflare:AccessServiceToken)  create"), "{}", out.stdout);
    assert!(out.stdout.contains("+ 1 to create"), "{}", out.stdout);
    assert_eq!(take_calls(&cli.emu), Vec::<String>::new(), "preview makes no call");

    let out = cli.ok(&["up", "--yes"]);
    assert!(out.stdout.contains("+ 1 created"), "{}", out.stdout);
    assert!(out.stderr.contains("myApp: create"), "progress on stderr: {}", out.stderr);
    assert_eq!(take_calls(&cli.emu), [format!("POST /accounts/{ACCOUNT}/access/service_tokens")]);
    let state = cli.state();
    let token = &cli.emu.tokens()[0];
    assert_eq!(state["resources"][0]["id"], token.id.as_str());
    assert_eq!(state["resources"][0]["outputs"]["clientSecret"]["value"], token.client_secret.as_str(), "the secret is kept, marked as a secret");
    assert_eq!(state["resources"][0]["outputs"]["clientSecret"]["4dabf18193072939515e22adb298388d"], "1b47061264138c4ac30d75fd1eb44270");
    assert!(!out.stdout.contains(&token.client_secret) && !out.stderr.contains(&token.client_secret));

    let out = cli.ok(&["preview"]);
    assert!(out.stdout.contains("no changes") && out.stdout.contains("1 unchanged"), "{}", out.stdout);
    assert_eq!(take_calls(&cli.emu), Vec::<String>::new());

    cli.clock.advance(TimeDelta::days(340));
    let out = cli.ok(&["preview"]);
    assert!(out.stdout.contains(" ↻  myApp  (cloudflare:AccessServiceToken)  renew"), "{}", out.stdout);
    assert!(out.stdout.contains("expires at 2027-11-28T12:00:00Z, inside the 30-day renewal window"), "{}", out.stdout);
    assert!(out.stdout.contains("~ expiresAt: \"2027-11-28T12:00:00Z\" => (known after apply)"), "{}", out.stdout);
    assert!(out.stdout.contains("↻ 1 to renew"), "{}", out.stdout);
    assert_eq!(take_calls(&cli.emu), Vec::<String>::new(), "the renewal shows in preview without touching anything");

    cli.ok(&["up", "--yes"]);
    assert_eq!(take_calls(&cli.emu), [format!("POST /accounts/{ACCOUNT}/access/service_tokens/{}/refresh", token.id)]);
    assert_eq!(cli.state()["resources"][0]["outputs"]["expiresAt"], "2028-11-02T12:00:00Z");

    cli.write_program(&SEED.replace("name: CI/CD app renewed", "name: CI/CD app"));
    let out = cli.ok(&["up", "--yes"]);
    assert!(out.stdout.contains("~ name: \"CI/CD app renewed\" => \"CI/CD app\""), "{}", out.stdout);
    assert_eq!(take_calls(&cli.emu), [format!("PUT /accounts/{ACCOUNT}/access/service_tokens/{}", token.id)]);
    assert_eq!(cli.emu.tokens()[0].name, "CI/CD app");

    let out = cli.ok(&["destroy", "--yes"]);
    assert!(out.stdout.contains("- 1 deleted"), "{}", out.stdout);
    assert_eq!(take_calls(&cli.emu), [format!("DELETE /accounts/{ACCOUNT}/access/service_tokens/{}", token.id)]);
    assert!(cli.emu.tokens().is_empty());
    assert_eq!(cli.state()["resources"], serde_json::json!([]));
}

#[test]
fn up_without_yes_asks_and_a_refusal_changes_nothing() {
    let cli = Cli::new(SEED);
    let out = cli.run_with(&["up"], cli.env(), "no\n");
    assert_eq!(out.status, 1);
    assert!(out.stderr.contains("Do you want to perform this update?") && out.stderr.contains("declined"), "{}", out.stderr);
    assert!(cli.emu.requests().is_empty());
    let out = cli.run_with(&["up"], cli.env(), "yes\n");
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert_eq!(cli.emu.tokens().len(), 1);
}

#[test]
fn import_then_rotate_recovers_a_secret() {
    let cli = Cli::new(&format!(
        "resources:\n  myApp:\n    type: cloudflare:AccessServiceToken\n    properties:\n      accountId: {ACCOUNT}\n      name: made by hand\n      duration: 720h\noutputs:\n  secret: ${{myApp.clientSecret}}\n  clientId: ${{myApp.clientId}}\n"
    ));
    let token = cli.emu.insert_token(Scope::Account(ACCOUNT.into()), "made by hand", Some("720h"));
    cli.emu.clear_requests();
    let out = cli.ok(&["import", "myApp", &format!("{ACCOUNT}/{}", token.id)]);
    assert!(out.stdout.contains("rotate myApp"), "{}", out.stdout);
    assert_eq!(take_calls(&cli.emu), [format!("GET /accounts/{ACCOUNT}/access/service_tokens/{}", token.id)]);
    assert_eq!(cli.state()["resources"][0]["outputs"]["clientSecret"]["value"], Value::Null);

    let out = cli.ok(&["preview"]);
    assert!(out.stdout.contains("no changes"), "the imported token matches the program: {}", out.stdout);

    cli.ok(&["rotate", "myApp"]);
    assert_eq!(take_calls(&cli.emu), [format!("POST /accounts/{ACCOUNT}/access/service_tokens/{}/rotate", token.id)]);
    let live = cli.emu.tokens()[0].clone();
    assert_eq!(cli.state()["resources"][0]["outputs"]["clientSecret"]["value"], live.client_secret.as_str());
    assert_eq!(cli.state()["resources"][0]["outputs"]["clientId"], token.client_id.as_str(), "client id unchanged");

    let hidden = cli.ok(&["outputs"]);
    assert!(hidden.stdout.contains("secret: [secret]") && !hidden.stdout.contains(&live.client_secret), "{}", hidden.stdout);
    assert!(hidden.stdout.contains(&token.client_id));
    let shown = cli.ok(&["outputs", "--show-secrets"]);
    assert!(shown.stdout.contains(&live.client_secret), "{}", shown.stdout);
}

#[test]
fn get_looks_up_an_existing_token_without_managing_it() {
    let cli = Cli::new("");
    let token = cli.emu.insert_token(Scope::Zone(ZONE.into()), "shared", None);
    cli.write_program(&format!(
        "resources:\n  shared:\n    type: cloudflare:index/accessServiceToken:AccessServiceToken\n    get:\n      id: {}\n      state:\n        zoneId: {ZONE}\noutputs:\n  sharedClientId: ${{shared.clientId}}\n",
        token.id
    ));
    cli.emu.clear_requests();
    let out = cli.ok(&["up", "--yes"]);
    assert_eq!(
        take_calls(&cli.emu),
        [format!("GET /zones/{ZONE}/access/service_tokens/{}", token.id), format!("GET /zones/{ZONE}/access/service_tokens/{}", token.id)],
        "read once for the preview and once for the update"
    );
    assert!(out.stdout.contains(&format!("sharedClientId: \"{}\"", token.client_id)), "{}", out.stdout);
    let out = cli.ok(&["destroy", "--yes"]);
    assert!(!out.stdout.contains("- 1 deleted"), "{}", out.stdout);
    assert_eq!(take_calls(&cli.emu), Vec::<String>::new(), "a looked-up token is never deleted");
    assert_eq!(cli.emu.tokens().len(), 1);
}

#[test]
fn bad_programs_are_reported_with_line_and_column() {
    let cases: [(&str, &str); 5] = [
        ("resources:\n  myApp:\n    type: cloudflare:index/record:Record\n    properties:\n      name: x\n", "Pulumi.yaml:3:11: "),
        (&SEED.replace("accountId:", "acountId:"), "Pulumi.yaml:6:7: "),
        ("resources:\n  myApp: [unclosed\n", "Pulumi.yaml:"),
        ("resources:\n  a:\n    type: cloudflare:AccessServiceToken\n    properties:\n      accountId: f037e56e89293a057740de681ac9abbe\n      name: ${nope.clientId}\n", "Pulumi.yaml:6:"),
        ("resources:\n  a:\n    type: cloudflare:AccessServiceToken\n    properties:\n      accountId: f037e56e89293a057740de681ac9abbe\n      zoneId: 0da42c8d2132a9ddaf714f9e7c920711\n      name: both\n", "Pulumi.yaml:5:7: a.accountId: conflicts with zoneId"),
    ];
    for (program, expected) in cases {
        let cli = Cli::new(program);
        let out = cli.fails(&["check"]);
        assert!(out.stderr.contains(expected), "expected {expected:?} in:\n{}", out.stderr);
        assert!(cli.emu.requests().is_empty());
    }
    let cli = Cli::new(&SEED.replace("accountId:", "acountId:"));
    assert!(cli.fails(&["check"]).stderr.contains("did you mean \"accountId\""));
    let cli = Cli::new("resources:\n  myApp:\n    type: cloudflare:index/record:Record\n");
    assert!(cli.fails(&["preview"]).stderr.contains("does not manage"));
}

#[test]
fn an_interrupted_up_leaves_a_valid_state() {
    let cli = Cli::new(&format!(
        "resources:\n  first:\n    type: cloudflare:AccessServiceToken\n    properties:\n      accountId: {ACCOUNT}\n      name: first\n  second:\n    type: cloudflare:AccessServiceToken\n    properties:\n      zoneId: {ZONE}\n      name: ${{first.clientId}}-peer\n"
    ));
    cli.emu.inject_fault(Fault::new("/zones/", FaultKind::DropConnection).method("POST"));
    let out = cli.fails(&["up", "--yes"]);
    assert!(out.stderr.contains("nothing was created, so it is safe to run it again"), "{}", out.stderr);
    let state = cli.state();
    assert_eq!(state["version"], 1);
    let names: Vec<&str> = state["resources"].as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["first"], "the first resource was saved before the second step failed");
    assert!(!cli.dir.join("access-tokens.state.json.tmp").exists());
    // The next run resumes from that state: only the second is still to create.
    cli.emu.clear_faults();
    let out = cli.ok(&["preview"]);
    assert!(out.stdout.contains("+ 1 to create") && out.stdout.contains("1 unchanged"), "{}", out.stdout);
}

#[test]
fn credentials_are_required_only_for_calls_and_named_when_missing() {
    let cli = Cli::new(SEED);
    let no_credentials = vec![("CLOUDFLARE_BASE_URL".to_string(), cli.emu.base_url())];
    let out = cli.run_with(&["preview"], no_credentials.clone(), "");
    assert_eq!(out.status, 0, "a preview of creations needs no credentials: {}", out.stderr);
    let out = cli.run_with(&["up", "--yes"], no_credentials, "");
    assert_eq!(out.status, 1);
    assert!(out.stderr.contains("CLOUDFLARE_API_TOKEN") && out.stderr.contains("CLOUDFLARE_EMAIL and CLOUDFLARE_API_KEY"), "{}", out.stderr);
    assert!(cli.emu.requests().is_empty(), "reported before any call");
}

#[test]
fn refresh_reports_drift_and_the_next_up_repairs_it() {
    let cli = Cli::new(SEED);
    cli.ok(&["up", "--yes"]);
    let token = cli.emu.tokens()[0].clone();
    cli.emu.remove_token(&Scope::Account(ACCOUNT.into()), &token.id);
    take_calls(&cli.emu);
    let out = cli.ok(&["refresh"]);
    assert!(out.stdout.contains("deleted outside this program"), "{}", out.stdout);
    assert_eq!(take_calls(&cli.emu), [format!("GET /accounts/{ACCOUNT}/access/service_tokens/{}", token.id)]);
    let out = cli.ok(&["preview"]);
    assert!(out.stdout.contains("+ 1 to create"), "{}", out.stdout);
}

#[test]
fn preview_json_is_machine_readable_and_redacted() {
    let cli = Cli::new(&format!("{SEED}outputs:\n  secret: ${{myApp.clientSecret}}\n"));
    let out = cli.ok(&["preview", "--json"]);
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["steps"][0]["op"], "create");
    assert_eq!(v["steps"][0]["name"], "myApp");
    assert_eq!(v["summary"]["create"], 1);
    cli.ok(&["up", "--yes"]);
    let out = cli.ok(&["outputs", "--json"]);
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["secret"], "[secret]");
}

#[test]
fn every_verb_has_help() {
    let cli = Cli::new(SEED);
    for verb in ["check", "preview", "up", "refresh", "destroy", "import", "rotate", "outputs"] {
        let out = cli.ok(&[verb, "--help"]);
        assert!(out.stdout.starts_with(&format!("Usage: {verb}")), "{verb}: {}", out.stdout);
    }
    assert!(cli.ok(&["--help"]).stdout.contains("Commands:"));
    assert!(cli.fails(&["deploy"]).stderr.contains("unknown command"));
    assert!(cli.emu.requests().is_empty());
}

#[test]
fn json_programs_with_config_variables_and_interpolated_outputs() {
    let cli = Cli::new("");
    std::fs::remove_file(cli.dir.join("Pulumi.yaml")).unwrap();
    let program = serde_json::json!({
        "name": "tokens",
        "runtime": "yaml",
        "config": {"team": {"type": "string"}, "renewDays": {"type": "integer", "default": 14}},
        "variables": {"prefix": "ci-${team}"},
        "resources": {
            "app": {"type": "cloudflare:AccessServiceToken", "properties": {
                "accountId": ACCOUNT, "name": "${prefix}-app", "minDaysForRenewal": "${renewDays}", "duration": "720h"
            }}
        },
        "outputs": {"header": "CF-Access-Client-Id: ${app.clientId}", "secret": {"fn::secret": "${app.clientSecret}"}}
    });
    std::fs::write(cli.dir.join("Pulumi.json"), program.to_string()).unwrap();
    assert!(cli.fails(&["preview"]).stderr.contains("config team: required: pass --config team=<value>"));
    let out = cli.ok(&["up", "--yes", "--config", "team=payments"]);
    let token = cli.emu.tokens()[0].clone();
    assert_eq!(token.name, "ci-payments-app");
    assert_eq!(cli.state()["resources"][0]["inputs"]["minDaysForRenewal"], 14);
    assert!(out.contains_line(&format!("header: \"CF-Access-Client-Id: {}\"", token.client_id)), "{}", out.stdout);
    assert!(out.stdout.contains("secret: [secret]"));
}

#[test]
fn preview_refresh_shows_a_rename_made_elsewhere_being_undone() {
    let cli = Cli::new(SEED);
    cli.ok(&["up", "--yes"]);
    let token = cli.emu.tokens()[0].clone();
    // Renamed in the dashboard: the stored state does not know yet.
    cli.emu.remove_token(&Scope::Account(ACCOUNT.into()), &token.id);
    let renamed = cli.emu.insert_token(Scope::Account(ACCOUNT.into()), "renamed by hand", None);
    let mut state = cli.state();
    state["resources"][0]["id"] = Value::String(renamed.id.clone());
    std::fs::write(cli.dir.join("access-tokens.state.json"), state.to_string()).unwrap();
    take_calls(&cli.emu);
    let out = cli.ok(&["preview"]);
    assert!(out.stdout.contains("no changes"), "without --refresh the stored state is trusted: {}", out.stdout);
    let out = cli.ok(&["preview", "--refresh"]);
    assert!(out.stdout.contains("~ name: \"renamed by hand\" => \"CI/CD app renewed\""), "{}", out.stdout);
    assert_eq!(take_calls(&cli.emu), [format!("GET /accounts/{ACCOUNT}/access/service_tokens/{}", renamed.id)], "a refresh reads; it never writes");
    let stored = cli.state();
    assert_eq!(stored["resources"][0]["outputs"]["name"], "CI/CD app renewed", "preview --refresh does not write the state");
}

trait Lines {
    fn contains_line(&self, needle: &str) -> bool;
}

impl Lines for Outcome {
    fn contains_line(&self, needle: &str) -> bool {
        self.stdout.lines().any(|l| l.trim() == needle)
    }
}

#[test]
fn a_passphrase_encrypts_the_secrets_in_the_state() {
    let cli = Cli::new(SEED);
    let with = |pass: &str| {
        let mut env = cli.env();
        env.push(("ACCESS_TOKENS_PASSPHRASE".into(), pass.into()));
        env
    };
    let out = cli.run_with(&["up", "--yes"], with("correct horse"), "");
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert!(!out.stderr.contains("plain text"), "no warning with a passphrase");
    let secret = cli.emu.tokens()[0].client_secret.clone();
    let path = cli.dir.join("access-tokens.state.json");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(!text.contains(&secret), "the secret is not in the file");
    let state: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(state["encryption"]["kdf"], "argon2id");
    assert!(state["resources"][0]["outputs"]["clientSecret"]["ciphertext"].is_string());

    let shown = cli.run_with(&["outputs", "--show-secrets"], with("correct horse"), "");
    assert_eq!(shown.status, 0, "{}", shown.stderr);
    let preview = cli.run_with(&["preview"], with("correct horse"), "");
    assert!(preview.stdout.contains("no changes"), "{}", preview.stdout);

    let wrong = cli.run_with(&["up", "--yes"], with("wrong horse"), "");
    assert_eq!(wrong.status, 1);
    assert!(wrong.stderr.contains("wrong passphrase for access-tokens.state.json"), "{}", wrong.stderr);
    let none = cli.run_with(&["preview"], cli.env(), "");
    assert!(none.stderr.contains("are encrypted: set ACCESS_TOKENS_PASSPHRASE"), "{}", none.stderr);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text, "a failed open leaves the state untouched");
}

#[test]
fn without_a_passphrase_the_cli_warns_once_that_secrets_are_in_plain_text() {
    let cli = Cli::new(SEED);
    let out = cli.ok(&["up", "--yes"]);
    assert_eq!(out.stderr.matches("stored in plain text").count(), 1, "{}", out.stderr);
    assert!(out.stderr.contains("ACCESS_TOKENS_PASSPHRASE"));
}

#[test]
fn refresh_reads_many_tokens_of_a_scope_with_the_paged_list() {
    const N: usize = 1500;
    let mut program = String::from("resources:\n");
    let cli = Cli::new("");
    let mut resources = Vec::new();
    for i in 0..N {
        let t = cli.emu.insert_token(Scope::Account(ACCOUNT.into()), &format!("token-{i}"), None);
        program.push_str(&format!("  t{i}:\n    type: cloudflare:AccessServiceToken\n    properties:\n      accountId: {ACCOUNT}\n      name: token-{i}\n"));
        resources.push(serde_json::json!({
            "name": format!("t{i}"), "type": "cloudflare:AccessServiceToken", "id": t.id,
            "inputs": {"accountId": ACCOUNT, "name": format!("token-{i}"), "minDaysForRenewal": 0},
            "outputs": {"accountId": ACCOUNT, "name": format!("token-{i}"), "minDaysForRenewal": 0, "id": t.id, "clientId": t.client_id,
                        "expiresAt": "2026-01-01T00:00:00Z", "zoneId": null, "duration": null,
                        "clientSecret": {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", "value": null}},
        }));
    }
    cli.write_program(&program);
    let state = serde_json::json!({"version": 1, "resources": resources, "outputs": {}});
    std::fs::write(cli.dir.join("access-tokens.state.json"), state.to_string()).unwrap();
    cli.emu.clear_requests();
    let out = cli.ok(&["refresh"]);
    let calls = take_calls(&cli.emu);
    assert_eq!(calls.len(), N.div_ceil(1000), "⌈N/1000⌉ list calls for {N} tokens: {calls:?}");
    assert!(calls.iter().all(|c| c == &format!("GET /accounts/{ACCOUNT}/access/service_tokens")));
    let refreshed = cli.state();
    assert_eq!(refreshed["resources"][N - 1]["outputs"]["expiresAt"], "2027-11-28T12:00:00Z", "expiry read from the list");
    assert!(out.stdout.contains(&format!("~ {N} updated")) || out.stdout.contains("updated"), "{}", &out.stdout[out.stdout.len().saturating_sub(300)..]);
    // A no-op preview of all of them makes no call.
    let out = cli.ok(&["preview"]);
    assert!(out.stdout.contains(&format!("{N} unchanged")), "{}", &out.stdout[out.stdout.len().saturating_sub(300)..]);
    assert_eq!(take_calls(&cli.emu), Vec::<String>::new());
}

fn many(n: usize) -> String {
    let mut program = String::from("resources:\n");
    for i in 0..n {
        program.push_str(&format!("  t{i}:\n    type: cloudflare:AccessServiceToken\n    properties:\n      accountId: {ACCOUNT}\n      name: token-{i}\n"));
    }
    program
}

#[test]
fn creates_run_concurrently_within_the_bound() {
    let mut cli = Cli::new(&many(40));
    cli.extra_env.push(("CLOUDFLARE_CONCURRENCY".into(), "5".into()));
    cli.extra_env.push(("CLOUDFLARE_REQUESTS_PER_SECOND".into(), "1000".into()));
    cli.emu.set_latency(std::time::Duration::from_millis(50));
    cli.ok(&["up", "--yes"]);
    let peak = cli.emu.peak_in_flight();
    assert!((2..=5).contains(&peak), "requests in flight at once: {peak} (bound 5)");
    assert_eq!(cli.emu.requests().len(), 40, "exactly one call per create");
    assert_eq!(cli.emu.tokens().len(), 40);
    assert_eq!(cli.state()["resources"].as_array().unwrap().len(), 40);
    assert!(cli.state().get("pending").is_none());
}

#[test]
fn the_rate_limiter_holds_with_creates_in_flight_together() {
    let cli = Cli::new(&many(12));
    cli.ok(&["up", "--yes"]);
    let times: Vec<u64> = cli.emu.requests().iter().map(|r| r.at_ms).collect();
    assert_eq!(times.len(), 12);
    // Default 4 requests/s with a burst of 4: at most 8 in any second (4 + 4·1).
    for (i, t) in times.iter().enumerate() {
        let in_window = times[i..].iter().take_while(|s| **s < t + 1000).count();
        assert!(in_window <= 8, "{in_window} requests within 1 s from {t} ms: {times:?}");
    }
}
