//! Paged lists stop on the page that says it is the last, end to end: the
//! reconciliation after a lost create and the batch refresh, against the
//! emulator as the real API answers and as two broken APIs do (one that
//! ignores `page`, one that sends no `result_info`). Each test counts the
//! list calls in the emulator's request log.

mod common;

use chrono::TimeDelta;
use cloudflare_emulator::{Fault, FaultKind, Scope};
use common::cli::Cli;
use common::*;

/// The list calls the emulator received, as their `page` parameters.
fn list_pages(cli: &Cli) -> Vec<String> {
    cli.emu
        .requests()
        .into_iter()
        .filter(|r| r.method == "GET" && r.path.ends_with("/access/service_tokens"))
        .map(|r| r.query_param("page").unwrap_or("-").to_string())
        .collect()
}

/// One token `ci` to create, whose create answer is lost after the token
/// was made; `older` tokens of the same name were made an hour before.
fn lost_create(older: usize) -> Cli {
    let cli = Cli::new(&format!("resources:\n  ci:\n    type: cloudflare:AccessServiceToken\n    properties:\n      accountId: {ACCOUNT}\n      name: ci\n"));
    for _ in 0..older {
        cli.emu.insert_token(Scope::Account(ACCOUNT.into()), "ci", None);
    }
    cli.clock.advance(TimeDelta::hours(1));
    cli.emu.inject_fault(Fault::new("/access/service_tokens", FaultKind::DropAfterHandling).method("POST").times(1));
    cli
}

fn adopted_once(cli: &Cli, out: &host_tests::command::Outcome) {
    let printed = format!("{}{}", out.stdout, out.stderr);
    assert!(printed.contains("adopted"), "{printed}");
    let state = cli.state();
    let newest = cli.emu.tokens().into_iter().max_by_key(|t| t.created_at).unwrap();
    assert_eq!(state["resources"][0]["id"], newest.id.as_str(), "the token the lost create made is adopted");
}

#[test]
fn reconciling_a_lost_create_reads_one_page() {
    let cli = lost_create(0);
    let out = cli.ok(&["up", "--yes"]);
    adopted_once(&cli, &out);
    assert_eq!(list_pages(&cli), ["1"], "a short page is the last: no empty page is asked for");
}

#[test]
fn reconciling_against_an_api_that_ignores_page_adopts_the_one_token() {
    let cli = lost_create(0);
    cli.emu.set_list_ignores_page(true);
    let out = cli.ok(&["up", "--yes"]);
    adopted_once(&cli, &out);
    assert!(!format!("{}{}", out.stdout, out.stderr).contains("ambiguous"), "one token is not many");
    assert_eq!(list_pages(&cli), ["1"]);
}

#[test]
fn reconciling_over_two_full_pages_stops_at_the_total() {
    let cli = lost_create(1000);
    let out = cli.ok(&["up", "--yes"]);
    adopted_once(&cli, &out);
    assert_eq!(list_pages(&cli), ["1", "2"]);
}

#[test]
fn an_api_that_answers_page_one_again_is_an_error_not_duplicates() {
    let cli = lost_create(1000);
    cli.emu.set_list_ignores_page(true);
    let out = cli.fails(&["up", "--yes"]);
    let text = format!("{}{}", out.stdout, out.stderr);
    assert!(text.contains("page 2") && text.contains("again") && text.contains("service_tokens?name=ci"), "{text}");
    assert!(!text.contains("import it"), "no advice to delete tokens: {text}");
    assert_eq!(list_pages(&cli), ["1", "2"]);
    assert!(cli.state()["pending"].as_array().is_some_and(|p| p.len() == 1), "the create stays pending for the next run");
}

#[test]
fn refresh_of_1500_tokens_reads_two_pages_with_or_without_result_info() {
    for omit in [false, true] {
        let cli = Cli::with_managed_tokens(1500);
        cli.emu.set_list_omits_result_info(omit);
        cli.ok(&["refresh"]);
        assert_eq!(list_pages(&cli), ["1", "2"], "result_info omitted: {omit}");
        assert_eq!(cli.state()["resources"][1499]["outputs"]["expiresAt"], "2027-11-28T12:00:00Z", "every token was read");
    }
}

#[test]
fn refresh_against_an_api_that_ignores_page_fails_and_changes_nothing() {
    let cli = Cli::with_managed_tokens(1500);
    cli.emu.set_list_ignores_page(true);
    let before = cli.state();
    let out = cli.fails(&["refresh"]);
    assert!(out.stderr.contains("page 2") && out.stderr.contains("again"), "{}", out.stderr);
    assert_eq!(list_pages(&cli), ["1", "2"]);
    assert_eq!(cli.state(), before, "no token is reported deleted");
}
