//! The benchmark (`examples/bench.rs`) runs every figure at tiny sizes, so it
//! cannot rot: the provider starts as Terraform starts it, plans a create
//! over gRPC, and applies creates in parallel against the emulator.

use std::path::Path;
use std::process::Command;

#[test]
fn the_benchmark_runs_every_figure() {
    // `cargo test` builds the examples beside the binaries.
    let plugin = Path::new(env!("CARGO_BIN_EXE_terraform-provider-cfaccess"));
    let bench = plugin.parent().expect("the target directory").join("examples").join("bench");
    let out = Command::new(&bench)
        .arg("--smoke")
        .output()
        .unwrap_or_else(|e| panic!("run {}: {e} (`cargo test -p terraform-provider` builds it; a lone `--test bench_smoke` does not: add `--examples` to a build first)", bench.display()));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    for figure in ["1. start to handshake line", "2. PlanResourceChange", "3 calls at the API"] {
        assert!(stdout.contains(figure), "{figure} in:\n{stdout}");
    }
}
