//! Fidelity against the official Cloudflare Python SDK (Stainless-generated,
//! pinned in `python_sdk/requirements.txt`).
//!
//! `python_sdk/roundtrip.py` drives every service token operation through the
//! SDK against an in-process emulator and asserts what the SDK gets back. This
//! test then checks every request the SDK sent against the reference OpenAPI
//! document, and that the SDK exercised every operation in it.
//!
//! The virtualenv lives at `$CF_SDK_VENV` or `<target>/tools/cloudflare-sdk`
//! and is installed once (by `test_tools`, safe for parallel tests), again
//! when `requirements.txt` changes. There is no silent skip: a missing
//! Python, a failing pip or a failing script fails the test.
//! Set `CF_SDK_DUMP=1` to print every request the SDK sent.

use cloudflare_emulator::openapi::OpenApi;
use cloudflare_emulator::{Emulator, EmulatorConfig, DEFAULT_API_TOKEN};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

const ACCOUNT: &str = "0b8b1a5e3c2d4f6a8b9c0d1e2f3a4b5c";
const ZONE: &str = "7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f";

fn here() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/python_sdk")
}

fn run(cmd: &mut Command, what: &str) {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("{what}: cannot run {cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{what} failed ({}):\n--- stdout\n{}\n--- stderr\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The venv's python, creating the venv and installing the pinned SDK if needed.
fn sdk_python() -> PathBuf {
    test_tools::venv_python(&test_tools::cloudflare_sdk_venv())
}

#[test]
fn the_official_python_sdk_round_trips_and_sends_only_documented_requests() {
    let python = sdk_python();
    let emu = Emulator::start(EmulatorConfig::default()).expect("emulator starts");
    run(
        Command::new(&python)
            .arg(here().join("roundtrip.py"))
            .env("CF_EMULATOR_BASE_URL", emu.base_url())
            .env("CF_EMULATOR_API_TOKEN", DEFAULT_API_TOKEN)
            .env("CF_EMULATOR_ACCOUNT_ID", ACCOUNT)
            .env("CF_EMULATOR_ZONE_ID", ZONE)
            .env_remove("CLOUDFLARE_API_TOKEN")
            .env_remove("CLOUDFLARE_API_KEY")
            .env_remove("CLOUDFLARE_EMAIL")
            .env_remove("CLOUDFLARE_BASE_URL"),
        "roundtrip.py",
    );

    let spec = OpenApi::bundled().expect("reference OpenAPI document loads");
    let requests = emu.requests();
    if std::env::var_os("CF_SDK_DUMP").is_some() {
        for r in &requests {
            eprintln!(
                "{} {} {:?} {:?} {:?} -> {}",
                r.method, r.path, r.query, r.content_type, r.body, r.status
            );
        }
    }
    assert!(
        requests.len() > 20,
        "the script made only {} requests",
        requests.len()
    );
    let mut exercised = BTreeSet::new();
    let mut problems = Vec::new();
    for req in &requests {
        assert!(
            req.user_agent
                .as_deref()
                .is_some_and(|ua| ua.starts_with("Cloudflare/Python")),
            "unexpected user agent {:?}",
            req.user_agent
        );
        match spec.validate(req) {
            Ok(operation) => {
                exercised.insert(operation);
            }
            Err(found) => problems.push(format!(
                "{} {} {:?}: {found:?}",
                req.method, req.path, req.body
            )),
        }
    }
    assert!(
        problems.is_empty(),
        "requests outside the OpenAPI document:\n{}",
        problems.join("\n")
    );

    let all: BTreeSet<String> = spec.operation_ids().into_iter().map(String::from).collect();
    assert_eq!(
        exercised, all,
        "the SDK should exercise every documented operation"
    );

    let statuses: BTreeSet<u16> = requests.iter().map(|r| r.status).collect();
    assert_eq!(
        statuses,
        BTreeSet::from([200, 201, 403, 404]),
        "expected successes plus the two scripted failures"
    );
    assert!(
        emu.tokens().iter().all(|t| t.name.starts_with("page-")),
        "only the paging tokens are left"
    );
}
