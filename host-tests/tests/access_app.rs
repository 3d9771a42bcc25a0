//! The promise users rely on, shown at an Access application: the command
//! line (the real command component in wasmtime, real HTTP to the emulator)
//! manages a token, and a client presenting that token's client id and
//! secret to the emulator's Access application (`CF-Access-Client-Id`,
//! `CF-Access-Client-Secret`) is let in — or refused — as Access would.
//! Each step asserts the exact API calls the command made; the client's
//! requests are logged apart and never among them.

mod common;

use chrono::TimeDelta;
use cloudflare_emulator::{CleanupAction, InactivityCleanup, Scope};
use common::cli::{Cli, SEED};
use common::*;
use serde_json::{json, Value};

fn account() -> Scope {
    Scope::Account(ACCOUNT.into())
}

/// The client id and secret the state file holds for `myApp`, as a
/// deployment hands them to its clients.
fn credentials(cli: &Cli) -> (String, String) {
    let outputs = &cli.state()["resources"][0]["outputs"];
    (outputs["clientId"].as_str().unwrap().to_string(), outputs["clientSecret"]["value"].as_str().unwrap().to_string())
}

/// What the Access application answers the client presenting these: the
/// status, and the reason of a refusal.
fn client(cli: &Cli, (id, secret): &(String, String)) -> (u16, String) {
    let answer = cli.emu.present(&account(), id, secret);
    (answer.status, answer.reason)
}

fn admitted() -> (u16, String) {
    (200, String::new())
}

fn refused(reason: &str) -> (u16, String) {
    (403, reason.to_string())
}

fn token_path(cli: &Cli) -> String {
    format!("/accounts/{ACCOUNT}/access/service_tokens/{}", cli.state()["resources"][0]["id"].as_str().unwrap())
}

/// The seed program with one more property of `myApp`.
fn seed_with(extra: &str) -> String {
    format!("{SEED}      {extra}\n")
}

#[test]
fn the_seed_token_lets_a_client_in_and_a_refresh_records_when() {
    let cli = Cli::new(SEED);
    cli.ok(&["up", "--yes"]);
    assert_eq!(bodies(&cli.emu), [Some(json!({"name": "CI/CD app renewed"}))], "enabled is left out: Cloudflare creates tokens enabled");
    assert_eq!(take_calls(&cli.emu), [format!("POST /accounts/{ACCOUNT}/access/service_tokens")]);
    let creds = credentials(&cli);
    assert_eq!(cli.state()["resources"][0]["outputs"].get("lastSeenAt"), None, "not seen yet");

    cli.clock.advance(TimeDelta::hours(1));
    assert_eq!(client(&cli, &creds), admitted());
    assert!(cli.emu.requests().is_empty(), "the client's request is not an API call");
    assert_eq!(cli.emu.app_requests().len(), 1);

    cli.ok(&["refresh"]);
    assert_eq!(take_calls(&cli.emu), [format!("GET {}", token_path(&cli))]);
    assert_eq!(cli.state()["resources"][0]["outputs"]["lastSeenAt"], "2026-11-28T13:00:00Z", "read on refresh");

    let out = cli.ok(&["preview"]);
    assert!(out.stdout.contains("no changes"), "lastSeenAt is never a reason for a change:\n{}", out.stdout);
    assert_eq!(take_calls(&cli.emu), Vec::<String>::new());
}

#[test]
fn disable_refuses_the_client_and_enable_lets_it_in_again_one_put_each() {
    let cli = Cli::new(SEED);
    cli.ok(&["up", "--yes"]);
    take_calls(&cli.emu);
    let creds = credentials(&cli);
    assert_eq!(client(&cli, &creds), admitted());

    cli.write_program(&seed_with("enabled: false"));
    let out = cli.ok(&["preview"]);
    assert!(out.stdout.contains("~ enabled: true => false"), "{}", out.stdout);
    assert!(out.stdout.contains("the token is disabled in place; the client id and secret are kept"), "{}", out.stdout);
    cli.emu.clear_requests();
    cli.ok(&["up", "--yes"]);
    assert_eq!(bodies(&cli.emu), [Some(json!({"name": "CI/CD app renewed", "enabled": false}))]);
    assert_eq!(take_calls(&cli.emu), [format!("PUT {}", token_path(&cli))]);
    assert_eq!(client(&cli, &creds), refused("disabled"));
    assert_eq!(credentials(&cli), creds, "same client id and secret");

    cli.write_program(SEED);
    cli.ok(&["up", "--yes"]);
    assert_eq!(bodies(&cli.emu), [Some(json!({"name": "CI/CD app renewed", "enabled": true}))]);
    assert_eq!(take_calls(&cli.emu), [format!("PUT {}", token_path(&cli))]);
    assert_eq!(client(&cli, &creds), admitted());
    assert_eq!(credentials(&cli), creds);
}

#[test]
fn a_token_created_disabled_takes_one_post_and_lets_nobody_in() {
    let cli = Cli::new(&seed_with("enabled: false"));
    cli.ok(&["up", "--yes"]);
    assert_eq!(bodies(&cli.emu), [Some(json!({"name": "CI/CD app renewed", "enabled": false}))]);
    assert_eq!(take_calls(&cli.emu), [format!("POST /accounts/{ACCOUNT}/access/service_tokens")]);
    assert_eq!(client(&cli, &credentials(&cli)), refused("disabled"));
    assert!(cli.ok(&["preview"]).stdout.contains("no changes"));
}

#[test]
fn a_rotation_with_a_grace_period_keeps_the_old_secret_working_until_it_ends() {
    let cli = Cli::new(SEED);
    cli.ok(&["up", "--yes"]);
    take_calls(&cli.emu);
    let old = credentials(&cli);

    // START is 2026-11-28T12:00:00Z: the old secret keeps working for an hour.
    cli.write_program(&seed_with("clientSecretVersion: 2\n      previousClientSecretExpiresAt: 2026-11-28T13:00:00Z"));
    cli.emu.clear_requests();
    cli.ok(&["up", "--yes"]);
    assert_eq!(
        bodies(&cli.emu),
        [Some(json!({"name": "CI/CD app renewed", "client_secret_version": 2, "previous_client_secret_expires_at": "2026-11-28T13:00:00Z"}))]
    );
    assert_eq!(take_calls(&cli.emu), [format!("PUT {}", token_path(&cli))]);
    let new = credentials(&cli);
    assert_eq!(new.0, old.0, "the client id never changes");
    assert_ne!(new.1, old.1, "a new secret");

    assert_eq!(client(&cli, &new), admitted(), "the new secret works at once");
    assert_eq!(client(&cli, &old), admitted(), "the old one still works during the grace period");
    cli.clock.advance(TimeDelta::minutes(59));
    assert_eq!(client(&cli, &old), admitted(), "a minute before the grace ends");
    cli.clock.advance(TimeDelta::minutes(1));
    assert_eq!(client(&cli, &old), refused("previous_secret_expired"), "not after");
    assert_eq!(client(&cli, &new), admitted());
    assert_eq!(take_calls(&cli.emu), Vec::<String>::new(), "the clients made no API call");
}

#[test]
fn a_renewal_keeps_the_client_working_past_the_old_expiry() {
    let cli = Cli::new(SEED);
    cli.ok(&["up", "--yes"]);
    take_calls(&cli.emu);
    let creds = credentials(&cli);
    assert_eq!(cli.state()["resources"][0]["outputs"]["expiresAt"], "2027-11-28T12:00:00Z");

    cli.clock.advance(TimeDelta::days(340));
    cli.ok(&["up", "--yes"]);
    assert_eq!(take_calls(&cli.emu), [format!("POST {}/refresh", token_path(&cli))]);
    assert_eq!(cli.state()["resources"][0]["outputs"]["expiresAt"], "2028-11-02T12:00:00Z");

    cli.clock.advance(TimeDelta::days(26));
    assert_eq!(client(&cli, &creds), admitted(), "a day past the old expiry, same client id and secret");
    assert_eq!(credentials(&cli), creds);
}

#[test]
fn the_cleanup_disables_an_idle_token_preview_refresh_explains_and_up_enables_it_with_one_call() {
    let cli = Cli::new(SEED);
    cli.ok(&["up", "--yes"]);
    take_calls(&cli.emu);
    let creds = credentials(&cli);
    cli.emu.set_inactivity_cleanup(&account(), Some(InactivityCleanup { action: CleanupAction::Disable, after_days: 30 }));

    cli.clock.advance(TimeDelta::days(31));
    assert_eq!(client(&cli, &creds), refused("disabled"), "Cloudflare disabled it after 30 idle days");

    let out = cli.ok(&["preview", "--refresh"]);
    assert_eq!(take_calls(&cli.emu), [format!("GET {}", token_path(&cli))]);
    assert!(out.stdout.contains("~ enabled: false => true"), "{}", out.stdout);
    assert!(
        out.stdout.contains("a person disabled it (outside this program, or with an earlier `enabled: false`), or the account's inactivity cleanup did")
            && out.stdout.contains("it has never authenticated since it was created at 2026-11-28T12:00:00Z"),
        "the reason names both causes and when the token was last seen:\n{}",
        out.stdout
    );

    let out = cli.ok(&["refresh"]);
    assert_eq!(take_calls(&cli.emu), [format!("GET {}", token_path(&cli))]);
    assert!(out.stdout.contains("disabled outside this program, by a person or by the account's inactivity cleanup"), "{}", out.stdout);

    cli.ok(&["up", "--yes"]);
    assert_eq!(bodies(&cli.emu), [Some(json!({"name": "CI/CD app renewed", "enabled": true}))]);
    assert_eq!(take_calls(&cli.emu), [format!("PUT {}", token_path(&cli))], "one call");
    assert_eq!(client(&cli, &creds), admitted(), "same client id and secret");
}

#[test]
fn the_cleanup_deletes_an_idle_token_and_the_next_up_creates_it_again_saying_the_secret_changed() {
    let cli = Cli::new(SEED);
    cli.ok(&["up", "--yes"]);
    take_calls(&cli.emu);
    let old = credentials(&cli);
    let old_path = token_path(&cli);
    cli.emu.set_inactivity_cleanup(&account(), Some(InactivityCleanup { action: CleanupAction::Delete, after_days: 30 }));

    cli.clock.advance(TimeDelta::days(31));
    let out = cli.ok(&["refresh"]);
    assert_eq!(take_calls(&cli.emu), [format!("GET {old_path}")]);
    assert!(out.stdout.contains("deleted outside this program, by a person or by the account's inactivity cleanup"), "{}", out.stdout);

    let out = cli.ok(&["up", "--yes"]);
    assert_eq!(take_calls(&cli.emu), [format!("POST /accounts/{ACCOUNT}/access/service_tokens")]);
    assert!(
        out.stdout.contains("was deleted outside this program") && out.stdout.contains("its client id and secret are new — give them to its clients"),
        "{}",
        out.stdout
    );
    let new = credentials(&cli);
    assert_ne!(new, old, "the secret changed (and the client id: a new token)");
    assert_eq!(client(&cli, &new), admitted());
    assert_eq!(client(&cli, &old), refused("unknown_client_id"));
    assert_eq!(cli.state().get("gone"), None, "nothing is gone any more");
}
