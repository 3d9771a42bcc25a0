//! Checkpoints per step: an `up` whose creates are sent together saves each
//! token as its answer arrives, so a run killed mid-batch (a trap at the
//! guest's next instruction, like `kill -9`) loses only the secrets of the
//! creates still in flight — and the next `up` finishes the job.

mod common;

use cloudflare_emulator::{Fault, FaultKind, Gate};
use common::cli::{command, Cli};
use common::*;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

const TOKENS: usize = 8;
const HELD: usize = 3;

fn program() -> String {
    let mut p = String::from("resources:\n");
    for i in 0..TOKENS {
        p.push_str(&format!("  t{i}:\n    type: cloudflare:AccessServiceToken\n    properties:\n      accountId: {ACCOUNT}\n      name: token-{i}\n"));
    }
    p
}

/// The state file's resources by name, when it can be read (it is replaced
/// atomically, so a reader sees a whole file or the previous one).
fn saved(dir: &std::path::Path) -> Option<Value> {
    serde_json::from_str(&std::fs::read_to_string(dir.join("access-tokens.state.json")).ok()?).ok()
}

#[test]
fn a_run_killed_mid_batch_keeps_every_secret_that_arrived() {
    let mut cli = Cli::new(&program());
    cli.extra_env.push(("CLOUDFLARE_CONCURRENCY".into(), TOKENS.to_string()));
    cli.extra_env.push(("CLOUDFLARE_REQUESTS_PER_SECOND".into(), "1000".into()));
    // Three creates are made at once but their answers are held until the
    // kill; the other five answer straight away.
    let gate = Gate::new();
    cli.emu.inject_fault(Fault::new("/access/service_tokens", FaultKind::HoldUntilOpened(gate.clone())).method("POST").times(HELD));
    let dir = cli.dir.clone();
    let answered = TOKENS - HELD;
    let early_saved = move || saved(&dir).and_then(|s| s["resources"].as_array().map(Vec::len)).is_some_and(|n| n >= answered);
    let killed = command().run_until_killed(&cli.invocation(&["up", "--yes"], cli.env(), ""), early_saved, move || gate.open()).unwrap();
    assert!(killed.is_none(), "the run was killed before it finished (the state showed the early tokens while the others were held)");

    let state = cli.state();
    let made: BTreeMap<String, String> = cli.emu.tokens().into_iter().map(|t| (t.id, t.client_secret)).collect();
    assert_eq!(made.len(), TOKENS, "every create reached the API");
    let resources = state["resources"].as_array().unwrap();
    assert_eq!(resources.len(), answered, "{state}");
    let issued = cli.emu.issued_secrets();
    for r in resources {
        let secret = r["outputs"]["clientSecret"]["value"].as_str().unwrap_or_else(|| panic!("{} saved without its secret", r["name"]));
        assert_eq!(made.get(r["id"].as_str().unwrap()).map(String::as_str), Some(secret), "{}: the secret of that token", r["name"]);
        assert!(issued.iter().any(|s| s == secret));
    }
    let saved_names: BTreeSet<&str> = resources.iter().map(|r| r["name"].as_str().unwrap()).collect();
    let pending: BTreeSet<&str> = state["pending"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
    assert_eq!(pending.len(), HELD, "the creates still in flight stay pending: {state}");
    assert!(saved_names.is_disjoint(&pending));

    // The killed run left its state lock behind: the next run says so, and
    // clears it when asked.
    assert!(cli.fails(&["up", "--yes"]).stderr.contains("is locked by another run"));
    let out = cli.ok(&["up", "--yes", "--force-unlock"]);
    let state = cli.state();
    let named: BTreeSet<String> = state["resources"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap().to_string()).collect();
    let live: BTreeSet<String> = cli.emu.tokens().into_iter().map(|t| t.id).collect();
    assert_eq!(named, live, "no orphan, no duplicate\n{}\n{}", out.stdout, out.stderr);
    assert_eq!(live.len(), TOKENS);
    assert!(state.get("pending").is_none(), "nothing left pending: {state}");
    for r in state["resources"].as_array().unwrap() {
        let name = r["name"].as_str().unwrap();
        assert_eq!(r["outputs"]["clientSecret"]["value"].is_string(), saved_names.contains(name), "{name}: a secret exactly for the tokens saved before the kill");
    }
}
