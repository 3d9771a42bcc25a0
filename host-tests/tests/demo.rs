//! The README's first command: the demo binary, run as a user runs it. It
//! must walk through create, no-op preview, renewal and delete, and print no
//! secret and no credential.

#[test]
fn the_demo_runs_end_to_end_and_prints_no_secret() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_demo")).output().expect("run the demo");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    for expected in ["API calls: 0", "clientSecret [secret]", "no changes", "renew: expires at", "/refresh → 200", "Tokens left in the emulator: 0"] {
        assert!(stdout.contains(expected), "missing {expected:?} in:\n{stdout}");
    }
    assert!(
        stdout.lines().any(|l| l.starts_with("  ↻ myApp  renew: expires at ")),
        "the renewal is named as the command line names it:\n{stdout}"
    );
    assert!(!stdout.to_lowercase().contains("actionkind"), "an internal type name was printed:\n{stdout}");
    let printed = format!("{stdout}{stderr}");
    assert!(!printed.contains("cfast_"), "a client secret was printed:\n{printed}");
    assert!(!printed.contains(cloudflare_emulator::DEFAULT_API_TOKEN), "the API token was printed");
}
