//! `npm ci` of a Node.js package (an example), once per lock file.

use crate::install::{install_once, lock_for, Foreign};
use crate::run::run;
use crate::InstallError;
use std::path::Path;
use std::process::Command;

const NEEDS: &str = "Node.js 20 or newer with npm on PATH, and access to the npm registry (or npm's cache)";

/// Runs `npm ci` in `dir` unless `dir/node_modules` already holds the
/// install of this `package-lock.json` (same content). Panics with npm's
/// output if it fails.
pub fn npm_ci(dir: &Path) {
    try_npm_ci(dir).unwrap_or_else(|e| panic!("{e}"));
}

/// [`npm_ci`], returning the failure.
pub fn try_npm_ci(dir: &Path) -> Result<(), InstallError> {
    let lock_file = dir.join("package-lock.json");
    let lock = std::fs::read_to_string(&lock_file)
        .map_err(|e| InstallError::new(format!("npm ci needs {}: {e}", lock_file.display())))?;
    let node_modules = dir.join("node_modules");
    // npm ci removes and recreates node_modules itself; the stamp goes in after.
    install_once(&lock_for(&node_modules), &node_modules, &format!("npm ci\n{lock}"), Foreign::Replace, |_| {
        let mut cmd = Command::new("npm");
        cmd.current_dir(dir).args(["ci", "--no-audit", "--no-fund", "--loglevel=error"]);
        run(&mut cmd, &format!("npm ci in {}", dir.display()), NEEDS).map(drop)
    })
}
