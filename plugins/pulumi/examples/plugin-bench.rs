//! Performance figures of the Pulumi plugin, measured against the local
//! emulator. Figures only: nothing here asserts a time.
//!
//! ```sh
//! cargo build --release -p pulumi-provider --bins --examples   # the plugins and the bench
//! target/release/examples/plugin-bench                        # full run
//! target/release/examples/plugin-bench --smoke                # every figure at tiny sizes (a test runs this)
//! target/release/examples/plugin-bench --only start,analyze   # some sections: start,call,create,analyze
//! ```
//!
//! The plugin measured is the `pulumi-resource-cloudflare-access-service-token`
//! beside this binary (same profile; `cargo run` builds both), started as the
//! engine starts it. An error (no plugin, a failed call, a wrong answer)
//! stops the run with a message and exit status 1.
//!
//! 1. **Start-to-port**: spawn to the port on the first line of stdout, with
//!    an empty wasmtime compile cache (a fresh `XDG_CACHE_HOME` per start,
//!    so the component is compiled and the cache written), with the cache
//!    warm (the component deserialised), and with the cache disabled
//!    (`ACCESS_SERVICE_TOKEN_NO_COMPILE_CACHE=1`: compiled every start).
//!    Medians.
//! 2. **Check and Diff round trips**: one gRPC connection, sequential calls,
//!    each timed on its own after a warm-up, against the same `pulumi_check`
//!    / `pulumi_diff` call on the component in this process (the same JSON
//!    bags), once reusing one session and once on a fresh session per call
//!    (the plugin instantiates per call). The Diff compares a token's state
//!    from a real Create with its inputs (no change).
//! 3. **Parallel Creates**: N Creates sent at once over one connection
//!    against the emulator with 50 ms latency per request: wall time, calls
//!    at the API, peak requests in flight. At `requestsPerSecond` 1000 the
//!    plugin's shared limit spaces requests 1 ms apart, so about 50 overlap;
//!    at 100 000 it is out of the way and the plugin's own parallelism shows.
//!    Then once at 50/s, 20 ms apart: the wall time cannot be below
//!    (N-1)/50 s plus the latency.

use cloudflare_emulator::{Emulator, EmulatorConfig, DEFAULT_API_TOKEN};
use component_host::{clock::system_clock, origin_of, pulumi_wit as p, Harness, PolicyHarness, Session, SessionConfig};
use pulumi_provider::proto::{self, resource_provider_client::ResourceProviderClient};
use pulumi_provider::structs::{from_json, to_json};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::time::{Duration, Instant};
use tonic::transport::Channel;

type R<T> = Result<T, String>;
type Client = ResourceProviderClient<Channel>;

const PLUGIN: &str = "pulumi-resource-cloudflare-access-service-token";
const ANALYZER: &str = "pulumi-analyzer-policy-cloudflare-access-service-token";
const NO_CACHE_ENV: &str = "ACCESS_SERVICE_TOKEN_NO_COMPILE_CACHE";
const ACCOUNT: &str = "f037e56e89293a057740de681ac9abbe";
const TOKEN_TYPE: &str = "cloudflare-access-service-token:index:AccessServiceToken";
const SECRET_SIG: &str = "4dabf18193072939515e22adb298388d";
const SECRET_VAL: &str = "1b47061264138c4ac30d75fd1eb44270";
const LATENCY: Duration = Duration::from_millis(50);
/// The sections `--only` takes, in the order they run.
const SECTIONS: [&str; 4] = ["start", "call", "create", "analyze"];

/// How much to run.
struct Plan {
    cold_starts: usize,
    warm_starts: usize,
    uncached_starts: usize,
    warmup: usize,
    calls: usize,
    creates: usize,
    create_runs: usize,
    stack: usize,
    only: Vec<String>,
}

impl Plan {
    fn full() -> Plan {
        Plan { cold_starts: 3, warm_starts: 10, uncached_starts: 3, warmup: 200, calls: 2000, creates: 100, create_runs: 3, stack: 100_000, only: Vec::new() }
    }

    /// Every figure once at tiny sizes: proves the benchmark runs, measures nothing.
    fn smoke() -> Plan {
        Plan { cold_starts: 1, warm_starts: 1, uncached_starts: 1, warmup: 2, calls: 10, creates: 10, create_runs: 1, stack: 100, only: Vec::new() }
    }

    fn runs(&self, section: &str) -> bool {
        self.only.is_empty() || self.only.iter().any(|s| s == section)
    }
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("plugin-bench: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> R<()> {
    let mut args = std::env::args().skip(1);
    let mut plan = Plan::full();
    let mut only = Vec::new();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--smoke" => plan = Plan::smoke(),
            "--only" => {
                let list = args.next().ok_or("--only needs a list of sections")?;
                for s in list.split(',') {
                    if !SECTIONS.contains(&s) {
                        return Err(format!("unknown section {s:?} (sections: {})", SECTIONS.join(",")));
                    }
                    only.push(s.to_string());
                }
            }
            other => return Err(format!("unknown argument {other:?} (--smoke, --only {})", SECTIONS.join(","))),
        }
    }
    plan.only = only;
    let me = std::env::current_exe().map_err(|e| format!("where am I: {e}"))?;
    // target/<profile>/examples/plugin-bench → target/<profile>/<plugin>
    let plugin = me.parent().and_then(|d| d.parent()).ok_or("no target directory")?.join(PLUGIN);
    if !plugin.is_file() {
        return Err(format!("no plugin at {} (build the plugins beside the bench: cargo build [--release] -p pulumi-provider --bins)", plugin.display()));
    }
    let scratch = Scratch::new()?;
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().map_err(|e| format!("async runtime: {e}"))?;
    println!("plugin: {}", plugin.display());
    if plan.runs("start") {
        start_to_port(&plan, &plugin, &scratch)?;
    }
    if plan.runs("call") {
        runtime.block_on(round_trips(&plan, &plugin, &scratch))?;
    }
    if plan.runs("create") {
        runtime.block_on(parallel_creates(&plan, &plugin, &scratch))?;
    }
    if plan.runs("analyze") {
        runtime.block_on(analyze_stack(&plan, &plugin.with_file_name(ANALYZER), &scratch))?;
    }
    Ok(())
}

/// Cache directories under the system temp dir, removed at exit.
struct Scratch {
    root: PathBuf,
}

impl Scratch {
    fn new() -> R<Scratch> {
        let root = std::env::temp_dir().join(format!("plugin-bench-{}", std::process::id()));
        std::fs::create_dir_all(&root).map_err(|e| format!("create {}: {e}", root.display()))?;
        Ok(Scratch { root })
    }

    /// A new, empty directory.
    fn fresh(&self, name: &str) -> R<PathBuf> {
        let dir = self.root.join(name);
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).map_err(|e| format!("create {}: {e}", dir.display()))?;
        Ok(dir)
    }

    /// The one warm cache shared by later starts.
    fn warm(&self) -> PathBuf {
        self.root.join("warm")
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

/// A running plugin; killed on drop.
struct Plugin {
    child: Child,
    port: u16,
}

impl Plugin {
    /// Spawns the plugin with its compile cache under `cache` (and no
    /// Cloudflare variables), and waits for its port.
    fn start(path: &Path, cache: &Path, no_cache: bool) -> R<(Plugin, Duration)> {
        let mut command = Command::new(path);
        command.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::null()).env("XDG_CACHE_HOME", cache);
        for var in ["CLOUDFLARE_API_TOKEN", "CLOUDFLARE_API_KEY", "CLOUDFLARE_EMAIL", "CLOUDFLARE_BASE_URL", "CLOUDFLARE_REQUESTS_PER_SECOND", "CLOUDFLARE_REQUEST_TIMEOUT_MS", NO_CACHE_ENV] {
            command.env_remove(var);
        }
        if no_cache {
            command.env(NO_CACHE_ENV, "1");
        }
        let started = Instant::now();
        let mut child = command.spawn().map_err(|e| format!("start {}: {e}", path.display()))?;
        let stdout = child.stdout.take().ok_or("no stdout pipe")?;
        let mut first = String::new();
        BufReader::new(stdout).read_line(&mut first).map_err(|e| format!("read the plugin's port: {e}"))?;
        let elapsed = started.elapsed();
        let mut plugin = Plugin { child, port: 0 };
        plugin.port = first.trim().parse().map_err(|_| format!("the plugin's first line is not a port: {first:?} (exit: {:?})", plugin.child.try_wait()))?;
        Ok((plugin, elapsed))
    }

    async fn connect(&self) -> R<Client> {
        ResourceProviderClient::connect(format!("http://127.0.0.1:{}", self.port)).await.map_err(|e| format!("connect to the plugin: {e}"))
    }
}

impl Drop for Plugin {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn mean(v: &[Duration]) -> Duration {
    v.iter().sum::<Duration>() / v.len().max(1) as u32
}

fn show(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s >= 1.0 {
        format!("{s:.2} s")
    } else if s >= 1e-3 {
        format!("{:.1} ms", s * 1e3)
    } else {
        format!("{:.1} µs", s * 1e6)
    }
}

fn row(label: &str, value: String) {
    println!("  {label:<72} {value}");
}

fn start_to_port(plan: &Plan, plugin: &Path, scratch: &Scratch) -> R<()> {
    println!("1. Start-to-port (spawn to the port on stdout)");
    let mut cold = Vec::new();
    for i in 0..plan.cold_starts {
        let dir = scratch.fresh(&format!("cold-{i}"))?;
        cold.push(Plugin::start(plugin, &dir, false)?.1);
    }
    // The cache is written during the start (before the port is printed), so
    // one start fills it.
    let warm_dir = scratch.fresh("warm")?;
    drop(Plugin::start(plugin, &warm_dir, false)?);
    let mut warm = Vec::new();
    for _ in 0..plan.warm_starts {
        warm.push(Plugin::start(plugin, &warm_dir, false)?.1);
    }
    let mut uncached = Vec::new();
    for i in 0..plan.uncached_starts {
        let dir = scratch.fresh(&format!("off-{i}"))?;
        uncached.push(Plugin::start(plugin, &dir, true)?.1);
    }
    row(&format!("first start, empty compile cache (median of {})", cold.len()), show(median(cold)));
    row(&format!("later start, cache warm (median of {})", warm.len()), show(median(warm)));
    row(&format!("start with the cache disabled (median of {})", uncached.len()), show(median(uncached)));
    Ok(())
}

fn secret(v: &str) -> Value {
    json!({ SECRET_SIG: SECRET_VAL, "value": v })
}

fn bag(v: &Value) -> R<prost_types::Struct> {
    from_json(&v.to_string())
}

async fn configure(client: &mut Client, base_url: &str, per_second: u32) -> R<()> {
    let args = json!({"apiToken": secret(DEFAULT_API_TOKEN), "baseUrl": base_url, "requestsPerSecond": per_second});
    let request = proto::ConfigureRequest { args: Some(bag(&args)?), accept_secrets: true, accept_resources: true, ..Default::default() };
    client.configure(request).await.map_err(|s| format!("Configure: {s}"))?;
    Ok(())
}

fn create_request(name: &str) -> R<proto::CreateRequest> {
    let properties = json!({"name": name, "accountId": ACCOUNT, "minDaysForRenewal": 0});
    Ok(proto::CreateRequest { urn: urn(name), properties: Some(bag(&properties)?), timeout: 0.0, preview: false })
}

fn urn(name: &str) -> String {
    format!("urn:pulumi:dev::bench::{TOKEN_TYPE}::{name}")
}

fn emulator(latency: Duration) -> R<Emulator> {
    let emu = Emulator::start(EmulatorConfig::default()).map_err(|e| format!("start the emulator: {e}"))?;
    emu.set_latency(latency);
    Ok(emu)
}

/// Times `n` sequential calls of `call`, after `warmup` untimed ones.
async fn timed<F, Fut>(warmup: usize, n: usize, mut call: F) -> R<Vec<Duration>>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = R<()>>,
{
    for _ in 0..warmup {
        call().await?;
    }
    let mut times = Vec::with_capacity(n);
    for _ in 0..n {
        let started = Instant::now();
        call().await?;
        times.push(started.elapsed());
    }
    Ok(times)
}

/// The same, for a synchronous call.
fn timed_sync(warmup: usize, n: usize, mut call: impl FnMut() -> R<()>) -> R<Vec<Duration>> {
    for _ in 0..warmup {
        call()?;
    }
    let mut times = Vec::with_capacity(n);
    for _ in 0..n {
        let started = Instant::now();
        call()?;
        times.push(started.elapsed());
    }
    Ok(times)
}

fn stats(times: Vec<Duration>) -> String {
    let m = mean(&times);
    format!("median {} / mean {}", show(median(times)), show(m))
}

fn wit_failed(what: &str, r: wasmtime::Result<Result<impl Sized, component_host::wit::Error>>) -> R<()> {
    match r {
        Ok(Ok(_)) => Ok(()),
        Ok(Err(e)) => Err(format!("{what} on the component failed: {e:?}")),
        Err(trap) => Err(format!("{what} on the component trapped: {trap:#}")),
    }
}

async fn round_trips(plan: &Plan, plugin: &Path, scratch: &Scratch) -> R<()> {
    println!("2. Check and Diff: gRPC round trip vs the same call on the component in-process ({} calls each, after {} warm-up)", plan.calls, plan.warmup);
    let emu = emulator(Duration::ZERO)?;
    let warm = scratch.warm();
    std::fs::create_dir_all(&warm).map_err(|e| format!("create {}: {e}", warm.display()))?;
    let (running, _) = Plugin::start(plugin, &warm, false)?;
    let mut client = running.connect().await?;
    configure(&mut client, &emu.base_url(), 1000).await?;

    let news = bag(&json!({"name": "CI/CD app", "accountId": ACCOUNT, "duration": "8760h", "minDaysForRenewal": 30}))?;
    let check = proto::CheckRequest { urn: urn("seed"), olds: Some(Default::default()), news: Some(news.clone()), ..Default::default() };
    let checked = client.check(check.clone()).await.map_err(|s| format!("Check: {s}"))?.into_inner();
    let inputs = checked.inputs.ok_or_else(|| format!("Check returned no inputs: {:?}", checked.failures))?;
    let created = client
        .create(proto::CreateRequest { urn: urn("seed"), properties: Some(inputs.clone()), timeout: 0.0, preview: false })
        .await
        .map_err(|s| format!("Create: {s}"))?
        .into_inner();
    let state = created.properties.ok_or("Create returned no properties")?;
    let diff = proto::DiffRequest { id: created.id.clone(), urn: urn("seed"), olds: Some(state.clone()), news: Some(inputs.clone()), ..Default::default() };
    let answer = client.diff(diff.clone()).await.map_err(|s| format!("Diff: {s}"))?.into_inner();
    if answer.changes != proto::DiffChanges::DiffNone as i32 {
        return Err(format!("the Diff of a token's own state and inputs is not DIFF_NONE: {answer:?}"));
    }

    let grpc_check = timed(plan.warmup, plan.calls, || {
        let (mut c, r) = (client.clone(), check.clone());
        async move { c.check(r).await.map(drop).map_err(|s| format!("Check: {s}")) }
    })
    .await?;
    let grpc_diff = timed(plan.warmup, plan.calls, || {
        let (mut c, r) = (client.clone(), diff.clone());
        async move { c.diff(r).await.map(drop).map_err(|s| format!("Diff: {s}")) }
    })
    .await?;

    // The component in this process, as the plugin hosts it (no egress: check
    // and diff make no request), given the bags the plugin would give it.
    let engine = wasmtime::Engine::new(&wasmtime::Config::new()).map_err(|e| format!("wasmtime engine: {e:#}"))?;
    let component = wasmtime::component::Component::new(&engine, component_host::PROVIDER_WASM).map_err(|e| format!("compile the component: {e:#}"))?;
    let harness = Harness::new(engine, &component).map_err(|e| format!("link the component: {e:#}"))?;
    let config = SessionConfig { allowed_origin: origin_of("https://api.cloudflare.com"), clock: system_clock(chrono::Duration::zero()), limiter: None };
    let wit_check = p::CheckRequest { urn: check.urn.clone(), olds: to_json(check.olds.as_ref()), news: to_json(check.news.as_ref()) };
    let wit_diff = p::DiffRequest { urn: diff.urn.clone(), id: diff.id.clone(), olds: to_json(diff.olds.as_ref()), news: to_json(diff.news.as_ref()), ignore_changes: vec![] };
    let session = |h: &Harness| h.session(&config).map_err(|e| format!("instantiate: {e:#}"));
    let mut one: Session = session(&harness)?;
    let direct = one.pulumi_check(&wit_check).map_err(|e| format!("{e:#}"))?.map_err(|e| format!("{e:?}"))?;
    let same = direct.inputs.as_deref().map(serde_json::from_str::<Value>).transpose().map_err(|e| e.to_string())?;
    let over_grpc = serde_json::from_str::<Value>(&to_json(Some(&inputs))).map_err(|e| e.to_string())?;
    if same.as_ref() != Some(&over_grpc) {
        return Err(format!("Check in-process and over gRPC disagree: {same:?} vs {over_grpc}"));
    }
    let reused_check = timed_sync(plan.warmup, plan.calls, || wit_failed("check", one.pulumi_check(&wit_check)))?;
    let reused_diff = timed_sync(plan.warmup, plan.calls, || wit_failed("diff", one.pulumi_diff(&wit_diff)))?;
    let fresh_check = timed_sync(plan.warmup, plan.calls, || wit_failed("check", session(&harness)?.pulumi_check(&wit_check)))?;
    let fresh_diff = timed_sync(plan.warmup, plan.calls, || wit_failed("diff", session(&harness)?.pulumi_diff(&wit_diff)))?;

    row("Check over gRPC (one connection, sequential)", stats(grpc_check));
    row("Check in-process, one session reused", stats(reused_check));
    row("Check in-process, fresh session per call", stats(fresh_check));
    row("Diff over gRPC (one connection, sequential)", stats(grpc_diff));
    row("Diff in-process, one session reused", stats(reused_diff));
    row("Diff in-process, fresh session per call", stats(fresh_diff));
    Ok(())
}

/// `n` Creates at once over one connection; (wall time, POSTs at the API, peak in flight).
async fn creates_at(plugin: &Path, warm: &Path, n: usize, per_second: u32) -> R<(Duration, usize, usize)> {
    let emu = emulator(LATENCY)?;
    let (running, _) = Plugin::start(plugin, warm, false)?;
    let mut client = running.connect().await?;
    configure(&mut client, &emu.base_url(), per_second).await?;
    let requests = (0..n).map(|i| create_request(&format!("parallel-{i}"))).collect::<R<Vec<_>>>()?;
    let started = Instant::now();
    let tasks: Vec<_> = requests
        .into_iter()
        .map(|r| {
            let mut c = client.clone();
            tokio::spawn(async move { c.create(r).await })
        })
        .collect();
    for task in tasks {
        task.await.map_err(|e| format!("a Create task failed: {e}"))?.map_err(|s| format!("Create: {s}"))?;
    }
    let wall = started.elapsed();
    let posts = emu.requests().iter().filter(|r| r.method == "POST").count();
    Ok((wall, posts, emu.peak_in_flight()))
}

async fn parallel_creates(plan: &Plan, plugin: &Path, scratch: &Scratch) -> R<()> {
    let n = plan.creates;
    println!("3. {n} parallel Creates over one connection, {} ms latency per request", LATENCY.as_millis());
    let warm = scratch.warm();
    std::fs::create_dir_all(&warm).map_err(|e| format!("create {}: {e}", warm.display()))?;
    for (per_second, why) in [(1000, "1 ms apart: about 50 in flight at 50 ms"), (100_000, "the limit out of the way")] {
        let mut walls = Vec::new();
        let mut seen = Vec::new();
        for _ in 0..plan.create_runs {
            let (wall, posts, peak) = creates_at(plugin, &warm, n, per_second).await?;
            walls.push(wall);
            seen.push(format!("{posts} calls, peak {peak} in flight"));
        }
        row(&format!("requestsPerSecond {per_second} ({why}): wall time (median of {})", walls.len()), format!("{} ({})", show(median(walls)), seen.join("; ")));
    }
    let (wall, posts, peak) = creates_at(plugin, &warm, n, 50).await?;
    let floor = Duration::from_millis(20) * (n.saturating_sub(1) as u32) + LATENCY;
    let held = if wall >= floor { "limit held" } else { "LIMIT BROKEN" };
    row("requestsPerSecond 50: wall time", format!("{} ({posts} calls, peak {peak} in flight; the limit allows no less than {}: {held})", show(wall), show(floor)));
    Ok(())
}

/// A stack of `n` tokens (a quarter expired, a quarter expiring within the
/// window, a quarter never renewed, a quarter healthy), as the engine hands
/// it to `AnalyzeStack`, and as `pulumi stack export` writes it (secrets
/// encrypted) for the `policy` verb.
fn stack_of(n: usize) -> R<(Vec<proto::AnalyzerResource>, String)> {
    let now = chrono::Utc::now();
    let at = |days: i64| (now + chrono::Duration::days(days)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let mut resources = Vec::with_capacity(n);
    let mut exported = Vec::with_capacity(n);
    for i in 0..n {
        let (expires, days) = match i % 4 {
            0 => (at(-1), 30),
            1 => (at(5), 30),
            2 => (at(200), 0),
            _ => (at(200), 30),
        };
        let urn = format!("urn:pulumi:dev::bench::{TOKEN_TYPE}::t{i}");
        let mut properties = json!({"name": format!("token {i}"), "accountId": ACCOUNT, "duration": "8760h", "minDaysForRenewal": days,
            "expiresAt": expires, "id": format!("id-{i}"), "clientId": format!("{i:032x}.access"), "clientSecret": secret("s3cr3t")});
        resources.push(proto::AnalyzerResource { r#type: TOKEN_TYPE.into(), properties: Some(bag(&properties)?), urn: urn.clone(), name: format!("t{i}") });
        properties["clientSecret"] = json!({SECRET_SIG: SECRET_VAL, "ciphertext": "AAAA"});
        exported.push(json!({"urn": urn, "type": TOKEN_TYPE, "custom": true, "id": format!("id-{i}"), "outputs": properties}));
    }
    let export = json!({"version": 3, "deployment": {"resources": exported}}).to_string();
    Ok((resources, export))
}

async fn analyze_stack(plan: &Plan, analyzer: &Path, scratch: &Scratch) -> R<()> {
    use component_host::policy_wit as pw;
    use pulumi_provider::proto::analyzer_client::AnalyzerClient;
    println!("4. AnalyzeStack of {} tokens over gRPC, against the policy verb's scan of the same stack export", plan.stack);
    let (resources, export) = stack_of(plan.stack)?;
    let warm = scratch.fresh("analyzer")?;
    let (running, _) = Plugin::start(analyzer, &warm, false)?;
    let mut client = AnalyzerClient::connect(format!("http://127.0.0.1:{}", running.port))
        .await
        .map_err(|e| format!("connect to the analyzer: {e}"))?
        .max_decoding_message_size(usize::MAX)
        .max_encoding_message_size(usize::MAX);
    let request = proto::AnalyzeStackRequest { resources };
    let started = Instant::now();
    let answer = client.analyze_stack(request).await.map_err(|e| format!("AnalyzeStack: {e}"))?.into_inner();
    let grpc = started.elapsed();
    let n = plan.stack as f64;
    row("AnalyzeStack over gRPC (Struct encoding, the sandboxed component, diagnostics back)", format!("{} ({:.0} resources/s, {} diagnostics)", show(grpc), n / grpc.as_secs_f64(), answer.diagnostics.len()));

    // The verb's path: the component's policy scan of the export text, in a
    // policy component, which links no network, as the analyzer runs it.
    let engine = wasmtime::Engine::new(&wasmtime::Config::new()).map_err(|e| format!("engine: {e}"))?;
    let component = wasmtime::component::Component::new(&engine, component_host::POLICY_WASM).map_err(|e| format!("compile: {e}"))?;
    let harness = PolicyHarness::new(engine, &component).map_err(|e| format!("link: {e}"))?;
    let mut session = harness.session(&system_clock(chrono::Duration::zero())).map_err(|e| format!("instantiate: {e}"))?;
    let files = vec![pw::InputFile { name: "stack.json".into(), text: export }];
    let settings = pw::Settings { now: None, policy_file: None, overrides: vec![], kind: None };
    let started = Instant::now();
    let report = session.scan(&files, &settings, pw::ReportFormat::Text).map_err(|e| format!("scan trapped: {e}"))?.map_err(|e| format!("scan: {e:?}"))?;
    let scan = started.elapsed();
    row("policy verb's scan of the same stack export (in-process, text report)", format!("{} ({:.0} resources/s, {} findings)", show(scan), n / scan.as_secs_f64(), report.findings.len()));
    if report.findings.len() != answer.diagnostics.len() {
        return Err(format!("the analyzer gave {} diagnostics, the scan {} findings", answer.diagnostics.len(), report.findings.len()));
    }
    row("AnalyzeStack time / scan time", format!("{:.2}x", grpc.as_secs_f64() / scan.as_secs_f64()));
    Ok(())
}
