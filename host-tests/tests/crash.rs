//! Crash safety: an `up` that creates, updates, renews and replaces is killed
//! (a trap at the guest's next instruction, like `kill -9`) right after each
//! of its mutating calls took effect at Cloudflare and before the state was
//! saved. The next `up` resolves what the killed run left pending and
//! finishes the job: no duplicate token, no orphan, every change made.

mod common;

use chrono::TimeDelta;
use cloudflare_emulator::{Fault, FaultKind, Gate, Scope};
use common::cli::Cli;
use common::*;
use std::collections::BTreeSet;

fn program(b_name: &str, d_scope: &str, with_a: bool) -> String {
    let resource = |name: &str, scope: &str, extra: &str| {
        format!("  {name}:\n    type: cloudflare:AccessServiceToken\n    properties:\n      {scope}\n      name: {}\n{extra}", if name == "b" { b_name } else { name })
    };
    let account = format!("accountId: {ACCOUNT}");
    let mut p = String::from("resources:\n");
    if with_a {
        p.push_str(&resource("a", &account, ""));
    }
    p.push_str(&resource("b", &account, ""));
    p.push_str(&resource("c", &account, "      minDaysForRenewal: 30\n"));
    p.push_str(&resource("d", d_scope, ""));
    p
}

/// A state with b, c, d; then a program that creates a, renames b, is inside
/// c's renewal window, and moves d from the account to a zone.
fn prepared() -> (Cli, String, String, String) {
    let cli = Cli::new(&program("b", &format!("accountId: {ACCOUNT}"), false));
    cli.ok(&["up", "--yes"]);
    let id = |n: &str| cli.emu.tokens().into_iter().find(|t| t.name == n).unwrap().id;
    let (b, c, d) = (id("b"), id("c"), id("d"));
    cli.clock.advance(TimeDelta::days(340));
    cli.write_program(&program("b renamed", &format!("zoneId: {ZONE}"), true));
    cli.emu.clear_requests();
    (cli, b, c, d)
}

#[test]
fn a_run_killed_after_each_mutating_call_is_finished_by_the_next_run() {
    // The mutating calls of the `up`, in the order it makes them, as (method, a
    // path fragment that picks that call out in any run).
    let steps: [(&str, &str); 5] = [("POST", "create a"), ("PUT", "update b"), ("POST", "renew c"), ("POST", "create d in the zone"), ("DELETE", "delete the old d")];
    let (probe, b, c, d) = prepared();
    probe.ok(&["up", "--yes"]);
    let made: Vec<String> = probe.emu.requests().into_iter().filter(|r| r.method != "GET").map(|r| format!("{} {}", r.method, r.path.trim_start_matches("/client/v4"))).collect();
    assert_eq!(
        made,
        [
            format!("POST /accounts/{ACCOUNT}/access/service_tokens"),
            format!("PUT /accounts/{ACCOUNT}/access/service_tokens/{b}"),
            format!("POST /accounts/{ACCOUNT}/access/service_tokens/{c}/refresh"),
            format!("POST /zones/{ZONE}/access/service_tokens"),
            format!("DELETE /accounts/{ACCOUNT}/access/service_tokens/{d}"),
        ]
    );
    drop(probe);

    for (k, (method, what)) in steps.iter().enumerate() {
        let (cli, b, c, d) = prepared();
        let fragment = match k {
            0 => format!("/accounts/{ACCOUNT}/access/service_tokens"),
            1 => b.clone(),
            2 => format!("{c}/refresh"),
            3 => format!("/zones/{ZONE}/access/service_tokens"),
            _ => d.clone(),
        };
        // The call is made at Cloudflare and its answer held until the kill.
        let gate = Gate::new();
        cli.emu.inject_fault(Fault::new(&fragment, FaultKind::HoldUntilOpened(gate.clone())).method(method).times(1));
        let killed = cli.kill_up_while_held(&gate);
        assert!(killed.is_none(), "step {k} ({what}): the run was killed");
        let state = cli.state();
        assert!(state["pending"].as_array().is_some_and(|p| !p.is_empty()), "step {k} ({what}): the killed run left its call pending: {state}");

        // The killed run left its state lock: the next run clears it.
        assert!(cli.fails(&["up", "--yes"]).stderr.contains("is locked by another run"), "step {k} ({what})");
        let out = cli.ok(&["up", "--yes", "--force-unlock"]);
        let live: BTreeSet<String> = cli.emu.tokens().into_iter().map(|t| t.id).collect();
        let state = cli.state();
        let named: BTreeSet<String> = state["resources"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap().to_string()).collect();
        assert_eq!(named, live, "step {k} ({what}): no orphan, no duplicate\n{}\n{}", out.stdout, out.stderr);
        assert_eq!(live.len(), 4, "step {k} ({what}): a, b, c and the new d");
        assert!(state.get("pending").is_none(), "step {k} ({what}): nothing left pending");
        for r in state["resources"].as_array().unwrap() {
            assert!(r["outputs"]["createdAt"].is_string(), "step {k} ({what}): {} records when Cloudflare created it, adopted or not", r["name"]);
        }
        let tokens = cli.emu.tokens();
        let by_name = |n: &str| tokens.iter().find(|t| t.name == n).unwrap_or_else(|| panic!("step {k}: no token {n}")).clone();
        assert_eq!(by_name("b renamed").id, b, "step {k} ({what}): b renamed in place");
        assert!(by_name("c").expires_at > cli.clock.now() + TimeDelta::days(300), "step {k} ({what}): c renewed");
        assert_eq!(by_name("d").scope, Scope::Zone(ZONE.into()), "step {k} ({what}): d moved to the zone");
        assert!(!live.contains(&d), "step {k} ({what}): the old d is gone");
        if k == 0 || k == 3 {
            assert!(out.stderr.contains("adopted without its secret"), "step {k} ({what}): the user is told: {}", out.stderr);
        }
    }
}
