//! Builds the four components (wasm32-wasip2, release profile) before the
//! host crate compiles, so `cargo test` alone builds everything it runs:
//! `access_service_token_provider.wasm`, `access_service_token_policy.wasm`,
//! `access_service_token.wasm` (the command) and
//! `access_service_token_policy_command.wasm`. One cargo call builds all four
//! into `target/components` (the directory `.ci/run` builds into too, so CI
//! builds them once): a target directory of its own keeps the nested cargo
//! off the outer build's lock.
//!
//! `ACCESS_SERVICE_TOKEN_COMPONENTS` names a directory that already holds
//! the four files (built elsewhere, e.g. by a release job): then nothing is built.

use std::path::PathBuf;
use std::process::Command;

/// (cargo package, file it builds, environment variable this crate reads it from).
const COMPONENTS: [(&str, &str, &str); 4] = [
    ("provider-component", "access_service_token_provider.wasm", "PROVIDER_WASM"),
    ("policy-component", "access_service_token_policy.wasm", "POLICY_WASM"),
    ("command-component", "access_service_token.wasm", "COMMAND_WASM"),
    ("policy-command", "access_service_token_policy_command.wasm", "POLICY_COMMAND_WASM"),
];

const GIVEN: &str = "ACCESS_SERVICE_TOKEN_COMPONENTS";

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let root = manifest.parent().expect("host/ sits in the workspace root").to_path_buf();
    println!("cargo:rerun-if-env-changed={GIVEN}");
    let dir = match std::env::var(GIVEN) {
        Ok(given) => PathBuf::from(given),
        Err(_) => {
            for watched in ["src", "program", "policy", "cli", "wit", "components", "Cargo.toml", "Cargo.lock"] {
                println!("cargo:rerun-if-changed={}", root.join(watched).display());
            }
            let target_dir = root.join("target").join("components");
            let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
            let mut build = Command::new(cargo);
            build.current_dir(&root).args(["build", "--release", "--target", "wasm32-wasip2", "--target-dir"]).arg(&target_dir);
            for (package, _, _) in COMPONENTS {
                build.args(["-p", package]);
            }
            let status = build
                .env_remove("CARGO_ENCODED_RUSTFLAGS")
                .env_remove("RUSTFLAGS")
                .env_remove("CARGO_TARGET_DIR")
                .env_remove("CARGO_BUILD_TARGET")
                .status()
                .expect("run cargo to build the components");
            assert!(status.success(), "building the components for wasm32-wasip2 failed (is the target installed? `rustup target add wasm32-wasip2`)");
            target_dir.join("wasm32-wasip2/release")
        }
    };
    for (_, file, var) in COMPONENTS {
        println!("cargo:rustc-env={var}={}", dir.join(file).display());
    }
}
