//! Logging to stderr that never panics.
//!
//! Terraform reads the plugin's stderr line by line and files each line under the level of its
//! `[TRACE]`..`[ERROR]` prefix (`logStderr` in go-plugin's `client.go`). `eprintln!` panics when
//! the reader has gone away (EPIPE after Terraform exits), so every write here ignores errors.

use std::io::Write;

/// Severity, printed as the bracketed prefix Terraform's log parser understands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Trace,
    Debug,
    Info,
    Warn,
    Error,
}

impl Level {
    fn tag(self) -> &'static str {
        match self {
            Level::Trace => "TRACE",
            Level::Debug => "DEBUG",
            Level::Info => "INFO",
            Level::Warn => "WARN",
            Level::Error => "ERROR",
        }
    }
}

/// Writes one `[LEVEL] goplugin: message` line to stderr; errors (closed pipe) are ignored.
pub fn log(level: Level, message: &str) {
    // One write_all of a full line keeps concurrent lines from interleaving mid-line.
    let line = format!("[{}] goplugin: {}\n", level.tag(), message);
    let _ = std::io::stderr().lock().write_all(line.as_bytes());
}

/// Writes `text` to stderr as is (for messages meant for a person); errors are ignored.
pub fn stderr_text(text: &str) {
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(text.as_bytes());
    let _ = err.flush();
}
