//! Builds the component (wasm32-wasip2, release profile) before the host
//! crate compiles, so `cargo test` alone builds everything it runs. A separate
//! target directory keeps the nested cargo off the outer build's lock.

use std::path::PathBuf;
use std::process::Command;

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let root = manifest.parent().expect("host/ sits in the workspace root").to_path_buf();
    for watched in ["src", "wit", "Cargo.toml", "Cargo.lock"] {
        println!("cargo:rerun-if-changed={}", root.join(watched).display());
    }
    println!("cargo:rerun-if-env-changed=ACCESS_SERVICE_TOKEN_WASM");
    if let Ok(prebuilt) = std::env::var("ACCESS_SERVICE_TOKEN_WASM") {
        println!("cargo:rustc-env=COMPONENT_WASM={prebuilt}");
        return;
    }
    let target_dir = root.join("target").join("component");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(cargo)
        .current_dir(&root)
        .args(["build", "--release", "--target", "wasm32-wasip2", "-p", "access-service-token", "--target-dir"])
        .arg(&target_dir)
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_TARGET_DIR")
        .env_remove("CARGO_BUILD_TARGET")
        .status()
        .expect("run cargo to build the component");
    assert!(status.success(), "building the component failed (is the wasm32-wasip2 target installed? `rustup target add wasm32-wasip2`)");
    let wasm = target_dir.join("wasm32-wasip2/release/access_service_token.wasm");
    println!("cargo:rustc-env=COMPONENT_WASM={}", wasm.display());
}
