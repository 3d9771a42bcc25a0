//! Running an install command, with everything it printed in the error.

use crate::InstallError;
use std::process::{Command, Output, Stdio};

/// Runs `cmd` to completion. An error names `what` was being done, the
/// command, its exit status and output, and `needs` (what the machine must
/// have for it to work).
pub(crate) fn run(cmd: &mut Command, what: &str, needs: &str) -> Result<Output, InstallError> {
    let out = cmd
        .stdin(Stdio::null())
        .output()
        .map_err(|e| InstallError::new(format!("{what}: cannot run {cmd:?}: {e}\nThis needs {needs}.")))?;
    if out.status.success() {
        return Ok(out);
    }
    Err(InstallError::new(format!(
        "{what} failed ({}): {cmd:?}\n--- stdout\n{}\n--- stderr\n{}\nThis needs {needs}.",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )))
}
