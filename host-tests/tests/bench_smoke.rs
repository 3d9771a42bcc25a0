//! The README's benchmark command, run at tiny sizes (`--smoke`): every
//! figure is produced and the run succeeds. Timings are not checked here;
//! the benchmark is for measuring, with `--profile bench-host`.

#[test]
fn the_benchmark_runs_every_figure() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_bench")).arg("--smoke").output().expect("run the benchmark");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    for section in ["1. Component", "2. Per call", "3. up of", "3b. up of", "4. refresh of", "5. no-op preview", "6. policy scan", "7. create/read/delete", "8. Start-up"] {
        assert!(stdout.contains(section), "missing {section:?} in:\n{stdout}");
    }
    assert!(stdout.contains("calls made (0 expected)") || stdout.contains("0 expected"), "{stdout}");
}
