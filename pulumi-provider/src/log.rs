//! Log lines on stderr that can never stop the plugin. The engine reads a
//! plugin's stderr through a pipe (`execPlugin` in pulumi/pulumi
//! `sdk/go/common/resource/plugin/plugin.go`); once the engine is gone that
//! pipe has no reader, and `eprintln!` panics on the failed write — in the
//! task that was about to stop the plugin. Here a line that cannot be written
//! is dropped.

use std::io::Write;

/// Writes one line to stderr, ignoring a failed write.
pub fn line(args: std::fmt::Arguments<'_>) {
    let mut stderr = std::io::stderr().lock();
    let _ = stderr.write_fmt(args).and_then(|()| stderr.write_all(b"\n"));
}

/// `log!("…", args)`: [`line`] with `format!`'s syntax.
#[macro_export]
macro_rules! log {
    ($($arg:tt)*) => {
        $crate::log::line(format_args!($($arg)*))
    };
}
