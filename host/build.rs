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

/// The file named by `env_var`, or `package` built into `target/<dir>`.
fn built_or_given(root: &Path, env_var: &str, package: &str, dir: &str, file: &str) -> PathBuf {
    println!("cargo:rerun-if-env-changed={env_var}");
    if let Ok(prebuilt) = std::env::var(env_var) {
        return PathBuf::from(prebuilt);
    }
    let target_dir = root.join("target").join(dir);
    build(root, package, &target_dir);
    target_dir.join("wasm32-wasip2/release").join(file)
}

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let root = manifest.parent().expect("host/ sits in the workspace root").to_path_buf();
    for watched in ["src", "wit", "components", "Cargo.toml", "Cargo.lock"] {
        println!("cargo:rerun-if-changed={}", root.join(watched).display());
    }
    let component = built_or_given(&root, "ACCESS_SERVICE_TOKEN_WASM", "access-service-token", "component", "access_service_token.wasm");
    let policy = built_or_given(&root, "ACCESS_SERVICE_TOKEN_POLICY_WASM", "policy-command", "policy-command", "access-service-token-policy.wasm");
    println!("cargo:rustc-env=COMPONENT_WASM={}", component.display());
    println!("cargo:rustc-env=POLICY_COMMAND_WASM={}", policy.display());
}
