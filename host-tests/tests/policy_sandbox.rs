//! The policy checks in their sandboxes: the policy command
//! (`access_service_token_policy_command.wasm`) run with no wasi-http linked
//! at all, no environment, and the files it checks in a read-only preopened
//! directory; and the policy component (`access_service_token_policy.wasm`),
//! whose host links no network, file or environment, called through its
//! typed export.

mod common;

use host_tests::command::{CommandHarness, Invocation};
use component_host::PolicyHarness;
use host_tests::harness::{policy_wit as p, wit};
use serde_json::Value;
use std::path::PathBuf;

const FILES: [&str; 3] = ["terraform.tfstate", "pulumi-export-v4-show-secrets.json", "Pulumi.yaml"];
const NOW: &str = "2026-03-01T00:00:00Z";

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../policy/tests/fixtures")
}

/// A read-only directory holding copies of the files to check.
fn read_only_dir(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("policy-sandbox-{test}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for f in FILES {
        std::fs::copy(fixtures().join(f), dir.join(f)).unwrap();
    }
    dir
}

/// Every client secret written in the fixtures, to prove none is printed.
fn fixture_secrets() -> Vec<String> {
    let tf: Value = serde_json::from_str(&std::fs::read_to_string(fixtures().join("terraform.tfstate")).unwrap()).unwrap();
    let mut out = Vec::new();
    for r in tf["resources"].as_array().unwrap() {
        for i in r["instances"].as_array().unwrap() {
            if let Some(s) = i["attributes"]["client_secret"].as_str().filter(|s| !s.is_empty()) {
                out.push(s.to_string());
            }
        }
    }
    assert!(!out.is_empty());
    out
}

fn invocation(dir: &PathBuf, args: &[&str]) -> Invocation {
    Invocation {
        args: args.iter().map(|s| s.to_string()).collect(),
        env: vec![],
        dir: dir.clone(),
        stdin: String::new(),
        allowed_origin: "https://nowhere.invalid".into(),
        clock: cloudflare_emulator::Clock::system(),
        read_only: true,
    }
}

#[test]
fn the_policy_command_runs_without_network_environment_or_write_access() {
    let dir = read_only_dir("run");
    let harness = CommandHarness::load_without_http(&host_tests::policy_command_path()).unwrap();
    let mut args = vec!["policy"];
    args.extend(FILES);
    args.extend(["--now", NOW]);
    let out = harness.run(&invocation(&dir, &args)).unwrap();
    let last = out.stdout.lines().last().unwrap_or_default().to_string();
    let (passed, failed) = last.split_once(" passed, ").map(|(p, f)| (p.parse::<u32>().unwrap(), f.trim_end_matches(" failed").parse::<u32>().unwrap())).expect("closing line");
    assert!(failed > 0, "the fixtures hold expired tokens:\n{}", out.stdout);
    assert_eq!(out.status, 1, "a mandatory failure fails the run");
    assert!(out.stdout.contains("MANDATORY  expired") && out.stdout.contains("ADVISORY  plaintext-secret"), "{}", out.stdout);
    for secret in fixture_secrets() {
        assert!(!out.stdout.contains(&secret) && !out.stderr.contains(&secret), "a secret was printed");
    }

    // Same result through the policy component's typed export.
    let typed = PolicyHarness::load(&host_tests::policy_path()).unwrap();
    let mut session = typed.session(&host_tests::harness::guest_clock(&cloudflare_emulator::Clock::system())).unwrap();
    let files: Vec<p::InputFile> = FILES.iter().map(|f| p::InputFile { name: f.to_string(), text: std::fs::read_to_string(dir.join(f)).unwrap() }).collect();
    let now = chrono::DateTime::parse_from_rfc3339(NOW).unwrap();
    let settings = p::Settings { now: Some(wit::Timestamp { seconds: now.timestamp(), nanoseconds: 0 }), policy_file: None, overrides: vec![], kind: None };
    let report = session.scan(&files, &settings, p::ReportFormat::Text).unwrap().unwrap();
    assert_eq!((report.passed, report.failed), (passed, failed));
    assert_eq!(report.rendered, out.stdout, "the command prints what the export renders");
    let sarif = session.scan(&files, &settings, p::ReportFormat::Sarif).unwrap().unwrap();
    let sarif: Value = serde_json::from_str(&sarif.rendered).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    assert_eq!(sarif["runs"][0]["results"].as_array().unwrap().len(), report.findings.len());

    // The sandbox is real: the policy command runs no verb that needs the network.
    let mut writable = invocation(&dir, &["--file", "Pulumi.yaml", "up", "--yes"]);
    writable.env = vec![("CLOUDFLARE_API_TOKEN".into(), "t".into()), ("CLOUDFLARE_BASE_URL".into(), "https://api.cloudflare.com/client/v4".into())];
    let attempt = harness.run(&writable);
    assert!(attempt.is_err() || attempt.as_ref().is_ok_and(|o| o.status != 0), "no network, no state written");
    assert!(!dir.join("access-tokens.state.json").exists());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn usage_errors_and_violations_are_told_apart_by_the_output() {
    let dir = read_only_dir("usage");
    let harness = CommandHarness::load_without_http(&host_tests::policy_command_path()).unwrap();
    let bad = harness.run(&invocation(&dir, &["policy", "terraform.tfstate", "--rule", "expired=fatal"])).unwrap();
    assert_eq!(bad.status, 1);
    assert!(bad.stdout.is_empty() && bad.stderr.starts_with("error:"), "{}", bad.stderr);
    let missing = harness.run(&invocation(&dir, &["policy", "nope.json"])).unwrap();
    assert!(missing.stderr.contains("cannot read nope.json"), "{}", missing.stderr);
    let clean = harness.run(&invocation(&dir, &["policy", "Pulumi.yaml", "--rule", "never-renewed=disabled", "--rule", "scope-missing=advisory", "--rule", "scope-conflict=advisory"])).unwrap();
    assert!(clean.stdout.trim_end().ends_with(" 0 failed"), "{}", clean.stdout);
    assert_eq!(clean.status, 0, "{}", clean.stderr);
    let _ = std::fs::remove_dir_all(&dir);
}
