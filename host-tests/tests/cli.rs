//! The command line through the harness's command mode: the real component
//! run as `wasi:cli/run` (wasmtime-wasi, a preopened directory, real HTTP to
//! the emulator), driving the seed program verbatim and the other verbs.
//! Each step asserts the output a person reads and the calls Cloudflare saw.

mod common;

use chrono::TimeDelta;
use cloudflare_emulator::{Fault, FaultKind, Gate, Scope};
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
    let cli = Cli::with_managed_tokens(N);
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

// ---------------------------------------------------------------- issue 12:
// messages that name the real cause, and previews that tell the truth.

fn respond(status: u16, content_type: &str, body: &str, headers: &[(&str, &str)]) -> FaultKind {
    FaultKind::Respond {
        status,
        body: body.into(),
        content_type: content_type.into(),
        headers: headers.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
    }
}

#[test]
fn a_program_that_is_not_utf8_is_named_as_such_not_as_missing() {
    let cli = Cli::new("");
    std::fs::write(cli.dir.join("Pulumi.yaml"), [&SEED.as_bytes()[..12], b"\xff", &SEED.as_bytes()[12..]].concat()).unwrap();
    for args in [&["preview"][..], &["-f", "Pulumi.yaml", "preview"][..], &["check"][..]] {
        let out = cli.fails(args);
        assert_eq!(out.stderr.trim_end(), "error: Pulumi.yaml is not UTF-8 text: invalid byte at offset 12", "{args:?}");
    }
    std::fs::write(cli.dir.join("policy.json"), b"{\"rules\": \"\xc3(\"}").unwrap();
    let out = cli.fails(&["policy", "Pulumi.yaml"]);
    assert!(out.stderr.contains("error: files: Pulumi.yaml is not UTF-8 text: invalid byte at offset 12"), "{}", out.stderr);
    std::fs::write(cli.dir.join("Pulumi.yaml"), SEED).unwrap();
    let out = cli.fails(&["policy", "Pulumi.yaml", "--policy", "policy.json"]);
    assert!(out.stderr.contains("error: files: policy.json is not UTF-8 text: invalid byte at offset 11"), "{}", out.stderr);
    assert!(cli.emu.requests().is_empty());
}

#[test]
fn the_first_refresh_after_up_reports_no_drift() {
    let cli = Cli::new(SEED);
    cli.ok(&["up", "--yes"]);
    let token = cli.emu.tokens()[0].clone();
    take_calls(&cli.emu);
    let out = cli.ok(&["refresh"]);
    assert!(out.stdout.contains("no changes") && out.stdout.contains("1 unchanged"), "{}", out.stdout);
    assert!(!out.stdout.contains("clientSecretVersion") && !out.stdout.contains("updated"), "{}", out.stdout);
    assert_eq!(take_calls(&cli.emu), [format!("GET /accounts/{ACCOUNT}/access/service_tokens/{}", token.id)]);
    let out = cli.ok(&["preview"]);
    assert!(out.stdout.contains("no changes"), "{}", out.stdout);
}

/// A zone token whose 40-day window is longer than its 720h life.
fn renews_forever() -> String {
    format!(
        "resources:\n  myApp:\n    type: cloudflare:AccessServiceToken\n    properties:\n      zoneId: {ZONE}\n      name: zone app\n      duration: 720h\n      minDaysForRenewal: 40\n"
    )
}

#[test]
fn a_renewal_window_as_long_as_the_lifetime_is_warned_about_by_check_and_preview() {
    let cli = Cli::new(&renews_forever());
    let words = "minDaysForRenewal is 40 days, not shorter than the token's lifetime (720h), so every run renews it";
    let warning = format!("warning: Pulumi.yaml:8:7: myApp: {words} [renewal-window-too-long]");
    for verb in [&["check"][..], &["preview"][..], &["up", "--yes"][..]] {
        let out = cli.ok(verb);
        assert!(out.stderr.lines().any(|l| l == warning), "{verb:?}: {}", out.stderr);
    }
    let out = cli.ok(&["policy", "Pulumi.yaml"]);
    assert!(out.stdout.contains(words), "the policy rule says the same: {}", out.stdout);
    let out = cli.ok(&["preview"]);
    assert!(out.stdout.contains("renew"), "right after the create it renews again, as the warning says: {}", out.stdout);

    let calm = Cli::new(&renews_forever().replace("minDaysForRenewal: 40", "minDaysForRenewal: 20"));
    let out = calm.ok(&["check"]);
    assert!(!out.stderr.contains("warning: Pulumi.yaml"), "{}", out.stderr);
}

#[test]
fn moving_a_token_from_its_zone_to_an_account_previews_the_zone_removed() {
    let cli = Cli::new(&renews_forever().replace("minDaysForRenewal: 40", "minDaysForRenewal: 10"));
    cli.ok(&["up", "--yes"]);
    cli.write_program(&renews_forever().replace("minDaysForRenewal: 40", "minDaysForRenewal: 10").replace(&format!("zoneId: {ZONE}"), &format!("accountId: {ACCOUNT}")));
    let out = cli.ok(&["preview"]);
    assert!(out.contains_line(&format!("- zoneId: \"{ZONE}\"")), "{}", out.stdout);
    assert!(out.contains_line(&format!("+ accountId: \"{ACCOUNT}\"")), "{}", out.stdout);
    assert!(!out.stdout.contains("zoneId: \"0da42c8d2132a9ddaf714f9e7c920711\" =>"), "{}", out.stdout);
    let json: Value = serde_json::from_str(&cli.ok(&["preview", "--json"]).stdout).unwrap();
    let zone = json["steps"][0]["changes"].as_array().unwrap().iter().find(|c| c["property"] == "zoneId").cloned().unwrap();
    assert_eq!(zone["new"], Value::Null, "{zone}");
}

#[test]
fn a_plain_text_200_on_create_says_it_is_not_json() {
    let cli = Cli::new(SEED);
    cli.emu.inject_fault(Fault::new("/access/service_tokens", respond(200, "text/plain", "ok", &[])).method("POST").times(1));
    let out = cli.fails(&["up", "--yes"]);
    assert!(
        out.stderr.contains(&format!("POST /accounts/{ACCOUNT}/access/service_tokens: HTTP 200 with a body that is not JSON (text/plain, 2 bytes), cf-ray ")),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("cut short"), "{}", out.stderr);

    let cli = Cli::new(SEED);
    let cut = r#"{"success": true, "errors": [], "result": {"id": "f174"#;
    cli.emu.inject_fault(Fault::new("/access/service_tokens", respond(200, "application/json", cut, &[])).method("POST").times(1));
    let out = cli.fails(&["up", "--yes"]);
    let cause = format!("POST /accounts/{ACCOUNT}/access/service_tokens: HTTP 200 with an answer cut short ({} bytes), cf-ray ", cut.len());
    assert!(out.stderr.contains(&cause), "a truncated JSON answer is still called cut short: {}", out.stderr);
}

#[test]
fn a_read_of_the_wrong_shape_is_an_api_error_with_its_ray_id() {
    let cli = Cli::new(SEED);
    cli.ok(&["up", "--yes"]);
    let token = cli.emu.tokens()[0].clone();
    let body = r#"{"success": true, "errors": [], "messages": [], "result": "cfast_looks_like_a_secret"}"#;
    cli.emu.inject_fault(Fault::new(&token.id, respond(200, "application/json", body, &[])).method("GET").times(1));
    let out = cli.fails(&["refresh"]);
    let last = out.stderr.lines().last().unwrap_or_default();
    let ray = last
        .strip_prefix("error: Cloudflare API error (HTTP 200: the result does not have the documented shape (invalid type: string, expected a service token), cf-ray ")
        .and_then(|rest| rest.strip_suffix(")"))
        .unwrap_or_else(|| panic!("{last}"));
    assert!(ray.ends_with("-EMU") && ray.len() == 20, "the emulator's cf-ray id is quoted: {ray}");
    assert!(!out.stderr.contains("cfast_looks_like_a_secret") && !out.stderr.contains("internal error"), "{}", out.stderr);
    // A read whose answer is unreadable is tried again: every attempt gets it.
    cli.emu.inject_fault(Fault::new(&token.id, respond(200, "text/plain", "ok", &[])).method("GET"));
    let out = cli.fails(&["refresh"]);
    let last = out.stderr.lines().last().unwrap_or_default();
    assert!(last.starts_with("error: Cloudflare API error (HTTP 200: a body that is not JSON (text/plain, 2 bytes), cf-ray "), "{last}");
}

// ---- The state lock: one run at a time writes a state file. ----

const LOCK: &str = "access-tokens.state.json.lock";

/// Two account tokens, the second named after the first's client id: two
/// creates one after the other.
fn chained() -> String {
    format!(
        "resources:\n  first:\n    type: cloudflare:AccessServiceToken\n    properties:\n      accountId: {ACCOUNT}\n      name: first\n  second:\n    type: cloudflare:AccessServiceToken\n    properties:\n      accountId: {ACCOUNT}\n      name: ${{first.clientId}}-peer\n"
    )
}

#[test]
fn a_second_up_while_the_first_is_inside_its_create_is_refused_by_the_lock() {
    let mut cli = Cli::new(&chained());
    cli.extra_env.push(("HOSTNAME".into(), "build-7".into()));
    // The first run's first create is made at Cloudflare and its answer held
    // until the second run has been refused: the first holds the lock all along.
    let gate = Gate::new();
    cli.emu.inject_fault(Fault::new("/access/service_tokens", FaultKind::HoldUntilOpened(gate.clone())).method("POST").times(1));
    let (first, refused) = std::thread::scope(|s| {
        let first = s.spawn(|| cli.run_with(&["up", "--yes"], cli.env(), ""));
        let inside = gate.wait_held(1, REACHES);
        let refused = cli.run_with(&["up", "--yes"], cli.env(), "");
        gate.open();
        assert!(inside, "the first run reached its create");
        (first.join().unwrap(), refused)
    });
    assert_eq!(first.status, 0, "the first run proceeds: {first:#?}");
    assert_eq!(refused.status, 1, "the second is refused: {refused:#?}");
    let expected = format!("error: state locked: access-tokens.state.json is locked by another run: `up` started at {START} (0 s ago) on host build-7, process unknown, run ");
    assert!(refused.stderr.contains(&expected), "{}", refused.stderr);
    assert!(refused.stderr.contains("nothing was done") && refused.stderr.contains("--force-unlock"), "{}", refused.stderr);
    assert!(refused.stdout.is_empty(), "refused before the preview: {}", refused.stdout);

    let tokens = cli.emu.tokens();
    assert_eq!(tokens.len(), 2, "no token created twice: {tokens:#?}");
    let posts = cli.emu.requests().iter().filter(|r| r.method == "POST").count();
    assert_eq!(posts, 2, "one create per resource");
    let state = cli.state();
    let stored = state["resources"].as_array().unwrap();
    assert_eq!(stored.len(), 2);
    for token in &tokens {
        let r = stored.iter().find(|r| r["id"] == token.id.as_str()).unwrap_or_else(|| panic!("token {} not in the state: {state}", token.id));
        assert_eq!(r["outputs"]["clientSecret"]["value"], token.client_secret.as_str(), "{}: its secret is kept", r["name"]);
    }
    assert!(state.get("pending").is_none());
    assert!(!cli.dir.join(LOCK).exists(), "the lock is released");
    let temporary: Vec<_> = std::fs::read_dir(&cli.dir).unwrap().map(|e| e.unwrap().file_name()).filter(|n| n.to_string_lossy().ends_with(".tmp")).collect();
    assert!(temporary.is_empty(), "{temporary:?}");
}

/// Kills an `up` of `cli`'s program (like `kill -9`) once its first create
/// took effect at Cloudflare and before the answer was saved: it leaves its
/// lock and a pending create behind.
fn kill_an_up_after_its_create(cli: &Cli) {
    let gate = Gate::new();
    cli.emu.inject_fault(Fault::new("/access/service_tokens", FaultKind::HoldUntilOpened(gate.clone())).method("POST").times(1));
    let killed = cli.kill_up_while_held(&gate);
    assert!(killed.is_none(), "the run was killed: {killed:?}");
    assert!(cli.dir.join(LOCK).exists(), "a killed run leaves its lock");
    assert_eq!(cli.state()["pending"][0]["kind"], "create");
    cli.emu.clear_requests();
}

#[test]
fn a_lock_left_by_a_killed_run_blocks_every_writer_until_force_unlock_clears_it() {
    let mut cli = Cli::new(SEED);
    cli.extra_env.push(("HOSTNAME".into(), "build-7".into()));
    kill_an_up_after_its_create(&cli);
    let lock_text = std::fs::read_to_string(cli.dir.join(LOCK)).unwrap();
    let lock: Value = serde_json::from_str(&lock_text).unwrap();
    let run_id = lock["runId"].as_str().unwrap().to_string();
    assert_eq!(
        lock,
        serde_json::json!({"verb": "up", "startedAt": START, "host": "build-7", "process": "unknown", "runId": run_id}),
        "the lock file says who holds it"
    );
    assert!(run_id.len() == 16 && run_id.chars().all(|c| c.is_ascii_hexdigit()), "a random run id: {run_id}");
    let state_text = std::fs::read_to_string(cli.dir.join("access-tokens.state.json")).unwrap();

    cli.clock.advance(TimeDelta::hours(2));
    let holder = format!("access-tokens.state.json is locked by another run: `up` started at {START} (2 h 0 min ago) on host build-7, process unknown, run {run_id}");
    let import_id = format!("{ACCOUNT}/{}", cli.emu.tokens()[0].id);
    for args in [&["up", "--yes"][..], &["refresh"][..], &["destroy", "--yes"][..], &["import", "myApp", import_id.as_str()][..], &["rotate", "myApp"][..]] {
        let out = cli.fails(args);
        assert_eq!(out.status, 1);
        assert!(out.stderr.contains(&holder), "{args:?}: {}", out.stderr);
        assert!(out.stderr.contains("run this command again with --force-unlock") && out.stderr.contains(LOCK), "{args:?}: {}", out.stderr);
    }
    assert!(cli.emu.requests().is_empty(), "refused before any call");
    assert_eq!(std::fs::read_to_string(cli.dir.join("access-tokens.state.json")).unwrap(), state_text, "the state is untouched");
    assert_eq!(std::fs::read_to_string(cli.dir.join(LOCK)).unwrap(), lock_text, "a refused run leaves the holder's lock alone");

    let out = cli.ok(&["up", "--yes", "--force-unlock"]);
    let said = format!("--force-unlock: removing the lock on access-tokens.state.json held by `up` started at {START} (2 h 0 min ago) on host build-7, process unknown, run {run_id}");
    let removal = out.stderr.find(&said).unwrap_or_else(|| panic!("says whose lock it removes: {}", out.stderr));
    let adopted = out.stderr.find("adopted without its secret").unwrap_or_else(|| panic!("the killed run's create is resolved: {}", out.stderr));
    assert!(removal < adopted, "the lock is named before anything else happens: {}", out.stderr);
    assert_eq!(cli.emu.tokens().len(), 1, "no duplicate of the killed run's token");
    assert!(cli.state().get("pending").is_none());
    assert!(!cli.dir.join(LOCK).exists(), "the new run released its own lock");
    assert!(cli.ok(&["up", "--yes", "--force-unlock"]).stderr.contains("--force-unlock: no lock on access-tokens.state.json to remove"));
}

#[test]
fn preview_while_another_run_holds_the_lock_leaves_its_pending_operations_alone() {
    let cli = Cli::new(SEED);
    kill_an_up_after_its_create(&cli);
    let state_text = std::fs::read_to_string(cli.dir.join("access-tokens.state.json")).unwrap();
    let out = cli.ok(&["preview"]);
    assert!(
        out.stderr.contains(&format!("note: access-tokens.state.json is locked by `up` started at {START} (0 s ago) on host unknown, process unknown, run ")),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("its 1 pending operation(s) are in progress, not interrupted: this preview leaves them alone"), "{}", out.stderr);
    assert!(out.stdout.contains("+ 1 to create"), "planned from the state as last saved: {}", out.stdout);
    assert_eq!(take_calls(&cli.emu), Vec::<String>::new(), "the holder's pending create is not resolved (that lists the account's tokens)");
    assert_eq!(std::fs::read_to_string(cli.dir.join("access-tokens.state.json")).unwrap(), state_text);
    assert!(cli.dir.join(LOCK).exists(), "preview takes no lock and removes none");

    // Once the lock is gone the create counts as interrupted, and preview resolves it.
    std::fs::remove_file(cli.dir.join(LOCK)).unwrap();
    let out = cli.ok(&["preview"]);
    let calls = take_calls(&cli.emu);
    assert!(!calls.is_empty() && calls.iter().all(|c| c == &format!("GET /accounts/{ACCOUNT}/access/service_tokens")), "{calls:?}");
    assert!(out.stderr.contains("an interrupted create had made token") && !out.stderr.contains("is locked"), "{}", out.stderr);
}
