//! The installer on the real tool, end to end: threads asking for the
//! `wasmtime` CLI at once (as the tests of a cold `cargo test` do) each get
//! the pinned binary, executable, and can run it. That exactly one install
//! happens however many threads and processes ask is proven on a fake tool
//! in `src/install.rs`, where the timing is under the test's control.

use std::process::Command;

#[test]
fn every_thread_asking_at_once_gets_a_wasmtime_it_can_run() {
    let release = std::sync::Arc::new(std::sync::Barrier::new(6));
    let callers: Vec<_> = (0..6)
        .map(|_| {
            let release = release.clone();
            std::thread::spawn(move || {
                release.wait();
                let wasmtime = test_tools::wasmtime_cli();
                let out = Command::new(&wasmtime).arg("--version").output();
                let out = out.unwrap_or_else(|e| panic!("cannot run {}: {e}", wasmtime.display()));
                assert!(out.status.success(), "{out:?}");
                String::from_utf8_lossy(&out.stdout).into_owned()
            })
        })
        .collect();
    for caller in callers {
        let version = caller.join().expect("a caller failed");
        if std::env::var_os("WASMTIME").is_none() {
            assert!(version.starts_with("wasmtime 49."), "{version}");
        }
    }
}
