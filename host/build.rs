//! Builds the components (wasm32-wasip2, release profile) before the host
//! crate compiles, so `cargo test` alone builds everything it runs: the
//! component (`access_service_token.wasm`) and the policy command
//! (`access-service-token-policy.wasm`). Each gets a target directory of its
//! own: the nested cargo stays off the outer build's lock, and the policy
//! command, which links the core without the component's glue, cannot
//! overwrite the component (a dependency's cdylib is built too).

use std::path::{Path, PathBuf};
use std::process::Command;

fn build(root: &Path, package: &str, target_dir: &Path) {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(cargo)
        .current_dir(root)
        .args(["build", "--release", "--target", "wasm32-wasip2", "-p", package, "--target-dir"])
        .arg(target_dir)
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_TARGET_DIR")
        .env_remove("CARGO_BUILD_TARGET")
        .status()
        .expect("run cargo to build the component");
    assert!(status.success(), "building {package} for wasm32-wasip2 failed (is the target installed? `rustup target add wasm32-wasip2`)");
}

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let root = manifest.parent().expect("host/ sits in the workspace root").to_path_buf();
    for watched in ["src", "wit", "components", "Cargo.toml", "Cargo.lock"] {
        println!("cargo:rerun-if-changed={}", root.join(watched).display());
    }
    println!("cargo:rerun-if-env-changed=ACCESS_SERVICE_TOKEN_WASM");
    println!("cargo:rerun-if-env-changed=ACCESS_SERVICE_TOKEN_POLICY_WASM");
    let component = match std::env::var("ACCESS_SERVICE_TOKEN_WASM") {
        Ok(prebuilt) => PathBuf::from(prebuilt),
        Err(_) => {
            let target_dir = root.join("target").join("component");
            build(&root, "access-service-token", &target_dir);
            target_dir.join("wasm32-wasip2/release/access_service_token.wasm")
        }
    };
    let policy = match std::env::var("ACCESS_SERVICE_TOKEN_POLICY_WASM") {
        Ok(prebuilt) => PathBuf::from(prebuilt),
        Err(_) => {
            let target_dir = root.join("target").join("policy-command");
            build(&root, "policy-command", &target_dir);
            target_dir.join("wasm32-wasip2/release/access-service-token-policy.wasm")
        }
    };
    println!("cargo:rustc-env=COMPONENT_WASM={}", component.display());
    println!("cargo:rustc-env=POLICY_COMMAND_WASM={}", policy.display());
}
