//! The README's plugin benchmark command, run at tiny sizes (`--smoke`):
//! every figure is produced, every Create reaches the API once, and the rate
//! limit holds. Timings are not checked here; the benchmark is for measuring,
//! in release.

#[test]
fn the_plugin_benchmark_runs_every_figure() {
    // `cargo test` builds the examples beside the binaries.
    let plugin = std::path::Path::new(env!("CARGO_BIN_EXE_pulumi-resource-cloudflare-access-service-token"));
    let bench = plugin.parent().expect("the target directory").join("examples").join("plugin-bench");
    let out = std::process::Command::new(&bench).arg("--smoke").output().unwrap_or_else(|e| {
        panic!("run {}: {e} (`cargo test -p pulumi-provider` builds it; a lone `--test bench_smoke` does not: add `--examples` to a build first)", bench.display())
    });
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    for label in [
        "1. Start-to-port",
        "first start, empty compile cache",
        "later start, cache warm",
        "start with the cache disabled",
        "2. Check and Diff",
        "Check over gRPC",
        "Check in-process, one session reused",
        "Check in-process, fresh session per call",
        "Diff over gRPC",
        "Diff in-process, one session reused",
        "Diff in-process, fresh session per call",
        "3. 10 parallel Creates",
        "requestsPerSecond 1000 (",
        "requestsPerSecond 100000 (",
        "requestsPerSecond 50: wall time",
        "4. AnalyzeStack of 100 tokens",
        "AnalyzeStack over gRPC",
        "policy verb's scan of the same stack export",
    ] {
        assert!(stdout.contains(label), "missing {label:?} in:\n{stdout}");
    }
    assert_eq!(stdout.matches("(10 calls,").count(), 3, "each of the 10 Creates reaches the API once, at each rate:\n{stdout}");
    assert!(stdout.contains("limit held"), "{stdout}");
    assert!(stdout.contains("75 diagnostics") && stdout.contains("75 findings"), "the analyzer and the scan agree on the stack's 75 findings:\n{stdout}");
}
