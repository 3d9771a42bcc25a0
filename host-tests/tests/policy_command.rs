//! The policy command (`access-service-token-policy.wasm`): the `policy`
//! verb alone, in a component that imports no `wasi:http` and no
//! `wasi:sockets`, so a CI job that only scans state runs it through the
//! real wasmtime CLI without `-S http` — and it says the same as the full
//! command about the same file.

use std::path::Path;
use std::process::Command;

/// The names a component imports, read from its binary.
fn imports(path: &Path) -> Vec<String> {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut names = Vec::new();
    for payload in wasmparser::Parser::new(0).parse_all(&bytes) {
        if let wasmparser::Payload::ComponentImportSection(section) = payload.expect("a valid component") {
            for import in section {
                names.push(import.expect("a valid import").name.name.to_string());
            }
        }
    }
    names
}

fn reaches_a_network(name: &str) -> bool {
    name.starts_with("wasi:http/") || name.starts_with("wasi:sockets/")
}

#[test]
fn the_policy_command_imports_no_network_at_all() {
    let policy = imports(&component_host::policy_command_path());
    assert!(!policy.is_empty(), "a command imports its WASI");
    let network: Vec<&String> = policy.iter().filter(|n| reaches_a_network(n)).collect();
    assert!(network.is_empty(), "the policy command imports {network:?}");
    // The check can fail: the full command does import the network.
    assert!(imports(&host_tests::component_path()).iter().any(|n| n.starts_with("wasi:http/")), "the full command imports wasi:http");
}

#[test]
fn wasmtime_runs_it_without_granting_http_and_it_reports_what_the_full_command_reports() {
    let wasmtime = test_tools::wasmtime_cli();
    let dir = std::env::temp_dir().join(format!("policy-command-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("../policy/tests/fixtures/terraform-plan.json");
    std::fs::copy(&fixture, dir.join("plan.json")).unwrap();
    let scan = |wasm: &Path, grant_http: bool| {
        let mut command = Command::new(&wasmtime);
        command.current_dir(&dir).arg("run");
        if grant_http {
            command.args(["-S", "http"]);
        }
        command.args(["--dir", "."]).arg(wasm).args(["policy", "plan.json", "--now", "2026-03-01T00:00:00Z", "--format", "json"]);
        command.output().expect("run wasmtime")
    };
    let alone = scan(&component_host::policy_command_path(), false);
    let report: serde_json::Value = serde_json::from_slice(&alone.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&alone.stderr)));
    assert!(report["findings"].as_array().is_some_and(|f| !f.is_empty()), "{report}");
    let failed = report["summary"]["failed"].as_u64().unwrap();
    assert_eq!(alone.status.code(), Some(if failed > 0 { 1 } else { 0 }));
    let full = scan(&host_tests::component_path(), true);
    assert_eq!(alone.stdout, full.stdout, "the same report as the full command's");

    // A verb that needs the API is refused, and says where it is.
    let up = Command::new(&wasmtime).current_dir(&dir).args(["run", "--dir", "."]).arg(component_host::policy_command_path()).arg("up").output().unwrap();
    assert_eq!(up.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&up.stderr);
    assert!(stderr.contains("runs only policy") && stderr.contains("access_service_token.wasm"), "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
}
