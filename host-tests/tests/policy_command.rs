//! The policy command (`access_service_token_policy_command.wasm`): the `policy`
//! verb alone, in a component that imports no `wasi:http` and no
//! `wasi:sockets`, so a CI job that only scans state runs it through the
//! real wasmtime CLI without `-S http` — and it says the same as the full
//! command about the same file. (What it imports: `components.rs`.)

use std::path::Path;
use std::process::Command;

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
    let full = scan(&host_tests::command_path(), true);
    assert_eq!(alone.stdout, full.stdout, "the same report as the full command's");

    // A verb that needs the API is refused, and says where it is.
    let up = Command::new(&wasmtime).current_dir(&dir).args(["run", "--dir", "."]).arg(component_host::policy_command_path()).arg("up").output().unwrap();
    assert_eq!(up.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&up.stderr);
    assert!(stderr.contains("runs only policy") && stderr.contains("access_service_token.wasm"), "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
}
