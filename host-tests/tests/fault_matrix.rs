//! The fault matrix: for create, read (refresh), update, renew and delete,
//! every fault the emulator can script — 429 with and without `retry-after`,
//! 500 and 502 HTML pages, a dropped connection, an answer later than the
//! timeout, truncated JSON, and `success: false` with HTTP 200 — through the
//! command line. Each run ends in success or a clear error; the state file
//! stays valid; after the user runs the same command again (without the
//! fault), Cloudflare holds exactly the tokens the state names.

mod common;

use chrono::TimeDelta;
use cloudflare_emulator::{Fault, FaultKind};
use common::cli::{Cli, SEED};
use std::collections::BTreeSet;
use std::time::Duration;

fn faults() -> Vec<(&'static str, FaultKind)> {
    let failure_200 = r#"{"success":false,"errors":[{"code":1002,"message":"internal error, try later"}],"messages":[],"result":null}"#;
    vec![
        ("429 with retry-after", FaultKind::RateLimited { retry_after_secs: 1 }),
        ("429 without retry-after", FaultKind::Respond { status: 429, body: r#"{"success":false,"errors":[{"code":971,"message":"Please wait"}],"messages":[],"result":null}"#.into(), content_type: "application/json".into(), headers: vec![] }),
        ("500 HTML", FaultKind::Html(500)),
        ("502 HTML", FaultKind::Html(502)),
        ("dropped connection", FaultKind::DropConnection),
        ("answer after the timeout", FaultKind::HoldAfterHandling(Duration::from_millis(1500))),
        ("truncated JSON", FaultKind::TruncateBody),
        ("success false with 200", FaultKind::Respond { status: 200, body: failure_200.into(), content_type: "application/json".into(), headers: vec![] }),
    ]
}

/// The token ids the state names (managed, not pending) and the ones Cloudflare has.
fn tokens(cli: &Cli) -> (BTreeSet<String>, BTreeSet<String>) {
    let state = cli.state();
    let named = state["resources"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap().to_string()).collect();
    let live = cli.emu.tokens().into_iter().map(|t| t.id).collect();
    (named, live)
}

/// Runs `args` with `fault` on the matching requests (first occurrence only);
/// if it fails, checks the error is clear and the state valid, then runs
/// again without the fault. Returns the outcome for the table.
fn run_through(cli: &Cli, args: &[&str], method: &str, path: &str, name: &str, fault: FaultKind) -> String {
    cli.emu.clear_faults();
    cli.emu.inject_fault(Fault::new(path, fault).method(method).times(1));
    let out = cli.run_with(args, cli.env(), "");
    cli.emu.clear_faults();
    let _ = cli.state(); // still valid JSON of the right version, or this panics
    if out.status == 0 && out.stdout.contains("was found and adopted") {
        return "ok: the lost create's token was found by name and adopted (without its secret: rotate)".into();
    }
    if out.status == 0 {
        return "ok (retried)".into();
    }
    let error = out.stderr.lines().find(|l| l.starts_with("error:")).unwrap_or_default().to_string();
    assert!(error.len() > 20, "{name}: the error must say what happened: {}", out.stderr);
    let again = cli.run_with(args, cli.env(), "");
    assert_eq!(again.status, 0, "{name}: running it again succeeds:\n{}\n{}", again.stdout, again.stderr);
    format!("clear error, then ok: {}", error.trim_start_matches("error: "))
}

fn cli() -> Cli {
    let mut cli = Cli::new(SEED);
    cli.extra_env.push(("CLOUDFLARE_REQUEST_TIMEOUT_MS".into(), "400".into()));
    cli
}

fn check_consistent(cli: &Cli, name: &str) {
    let (named, live) = tokens(cli);
    assert_eq!(named, live, "{name}: Cloudflare holds exactly the tokens the state names");
    assert!(cli.state().get("pending").is_none(), "{name}: nothing left pending");
}

#[test]
fn create() {
    for (name, fault) in faults() {
        let cli = cli();
        let outcome = run_through(&cli, &["up", "--yes"], "POST", "/access/service_tokens", name, fault);
        check_consistent(&cli, name);
        assert_eq!(cli.emu.tokens().len(), 1, "{name}: exactly one token, no duplicate");
        eprintln!("create × {name}: {outcome}");
    }
}

#[test]
fn read() {
    for (name, fault) in faults() {
        let cli = cli();
        cli.ok(&["up", "--yes"]);
        let id = cli.emu.tokens()[0].id.clone();
        let outcome = run_through(&cli, &["refresh"], "GET", &id, name, fault);
        check_consistent(&cli, name);
        eprintln!("read × {name}: {outcome}");
    }
}

#[test]
fn update() {
    for (name, fault) in faults() {
        let cli = cli();
        cli.ok(&["up", "--yes"]);
        let id = cli.emu.tokens()[0].id.clone();
        cli.write_program(&SEED.replace("name: CI/CD app renewed", "name: renamed"));
        let outcome = run_through(&cli, &["up", "--yes"], "PUT", &id, name, fault);
        check_consistent(&cli, name);
        assert_eq!(cli.emu.tokens()[0].name, "renamed", "{name}");
        eprintln!("update × {name}: {outcome}");
    }
}

#[test]
fn renew() {
    for (name, fault) in faults() {
        let cli = cli();
        cli.ok(&["up", "--yes"]);
        let id = cli.emu.tokens()[0].id.clone();
        cli.clock.advance(TimeDelta::days(340));
        let outcome = run_through(&cli, &["up", "--yes"], "POST", &format!("{id}/refresh"), name, fault);
        check_consistent(&cli, name);
        assert!(cli.emu.tokens()[0].expires_at > cli.clock.now() + TimeDelta::days(300), "{name}: renewed");
        eprintln!("renew × {name}: {outcome}");
    }
}

#[test]
fn delete() {
    for (name, fault) in faults() {
        let cli = cli();
        cli.ok(&["up", "--yes"]);
        let id = cli.emu.tokens()[0].id.clone();
        let outcome = run_through(&cli, &["destroy", "--yes"], "DELETE", &id, name, fault);
        check_consistent(&cli, name);
        assert!(cli.emu.tokens().is_empty(), "{name}");
        eprintln!("delete × {name}: {outcome}");
    }
}
