//! Performance figures of the Terraform provider, measured against the local
//! emulator. Figures only: nothing here asserts a time.
//!
//! ```sh
//! cargo run --release -p terraform-provider --example bench              # full run
//! cargo run -p terraform-provider --example bench -- --smoke             # every figure at tiny sizes (a test runs this)
//! ```
//!
//! The provider measured is `terraform-provider-cfaccess` of the same
//! profile (`target/<profile>/`), started as Terraform starts it but without
//! AutoMTLS (no `PLUGIN_CLIENT_CERT`: plaintext gRPC over its unix socket),
//! so the figures are the provider's, not a TLS client's.
//!
//! 1. **Start to handshake line**: spawn to the first line of stdout, with an
//!    empty wasmtime compile cache (a fresh `XDG_CACHE_HOME`: compiled and
//!    cached) and with the cache warm. Terraform starts a fresh provider for
//!    each phase (3–4 per `apply`), so this is paid several times a run.
//!    Medians.
//! 2. **PlanResourceChange round trip** (the seed's create plan, every value
//!    known) over one connection, sequential, after a warm-up, against the
//!    same decision made directly on the component (`create` with preview)
//!    on a fresh instance per call, as the provider does. Medians.
//! 3. **Parallel applies**: N `ApplyResourceChange` creates sent at once
//!    against the emulator with 50 ms latency per request, at
//!    `requests_per_second` 1000: wall time, calls at the API.

use cloudflare_emulator::{Emulator, EmulatorConfig, DEFAULT_API_TOKEN};
use component_host::plugin::{Egress, Host};
use component_host::wit;
use hyper_util::rt::TokioIo;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};
use terraform_provider::schema::{self, RESOURCE};
use tfplugin6::cty::{Number, Value};
use tfplugin6::proto::*;
use tonic::transport::{Channel, Endpoint};

type R<T> = Result<T, String>;

const COOKIE: (&str, &str) = ("TF_PLUGIN_MAGIC_COOKIE", "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2");
const ACCOUNT: &str = "f037e56e89293a057740de681ac9abbe";
const LATENCY: Duration = Duration::from_millis(50);

fn plugin_path() -> R<PathBuf> {
    let me = std::env::current_exe().map_err(|e| e.to_string())?;
    // target/<profile>/examples/bench → target/<profile>/terraform-provider-cfaccess
    let dir = me.parent().and_then(|d| d.parent()).ok_or("no target directory")?;
    let path = dir.join("terraform-provider-cfaccess");
    if path.exists() {
        Ok(path)
    } else {
        Err(format!("no provider at {}: build it first (cargo build [--release] -p terraform-provider)", path.display()))
    }
}

/// A provider started as Terraform starts it; killed on drop.
struct Started {
    child: Child,
    socket: String,
    took: Duration,
}

impl Drop for Started {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(cache: &std::path::Path, env: &[(&str, &str)]) -> R<Started> {
    let began = Instant::now();
    let mut child = Command::new(plugin_path()?)
        .env(COOKIE.0, COOKIE.1)
        .env("PLUGIN_PROTOCOL_VERSIONS", "6,5")
        .env("XDG_CACHE_HOME", cache)
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("start the provider: {e}"))?;
    let mut line = String::new();
    BufReader::new(child.stdout.take().ok_or("no stdout")?).read_line(&mut line).map_err(|e| e.to_string())?;
    let took = began.elapsed();
    let parts: Vec<&str> = line.trim().split('|').collect();
    match parts.as_slice() {
        ["1", "6", "unix", socket, "grpc", ..] => Ok(Started { child, socket: socket.to_string(), took }),
        _ => Err(format!("not a handshake line: {line:?}")),
    }
}

async fn connect(socket: &str) -> R<Channel> {
    let socket = socket.to_string();
    Endpoint::try_from("http://localhost")
        .map_err(|e| e.to_string())?
        .connect_with_connector(tower::service_fn(move |_| {
            let socket = socket.clone();
            async move { Ok::<_, std::io::Error>(TokioIo::new(tokio::net::UnixStream::connect(socket).await?)) }
        }))
        .await
        .map_err(|e| format!("connect: {e}"))
}

async fn call<Req: prost::Message + Send + Sync + 'static, Resp: prost::Message + Default + Send + Sync + 'static>(channel: &Channel, rpc: &'static str, req: Req) -> R<Resp> {
    let mut grpc = tonic::client::Grpc::new(channel.clone());
    grpc.ready().await.map_err(|e| e.to_string())?;
    let path = http::uri::PathAndQuery::try_from(format!("/tfplugin6.Provider/{rpc}")).map_err(|e| e.to_string())?;
    let codec = tonic_prost::ProstCodec::<Req, Resp>::default();
    grpc.unary(tonic::Request::new(req), path, codec).await.map(|r| r.into_inner()).map_err(|s| format!("{rpc}: {s}"))
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn seed(name: &str) -> Value {
    let mut attrs: Vec<(&str, Value)> = RESOURCE.iter().map(|a| (a.name, Value::Null)).collect();
    for (k, v) in [("name", Value::from(name)), ("account_id", Value::from(ACCOUNT)), ("duration", Value::from("8760h")), ("min_days_for_renewal", Value::Number(Number::from(30i64)))] {
        if let Some(slot) = attrs.iter_mut().find(|(n, _)| *n == k) {
            slot.1 = v;
        }
    }
    Value::object(attrs)
}

fn dynamic(v: &Value) -> R<DynamicValue> {
    DynamicValue::encode(v, &schema::object_type(&RESOURCE)).map_err(|e| e.to_string())
}

async fn configure(channel: &Channel, base_url: &str, rate: i64) -> R<()> {
    let config = Value::object([
        ("api_token", Value::from(DEFAULT_API_TOKEN)),
        ("api_key", Value::Null),
        ("email", Value::Null),
        ("base_url", Value::from(base_url)),
        ("requests_per_second", Value::Number(Number::from(rate))),
        ("request_timeout_ms", Value::Null),
    ]);
    let config = DynamicValue::encode(&config, &schema::object_type(&schema::PROVIDER)).map_err(|e| e.to_string())?;
    let r: configure_provider::Response = call(channel, "ConfigureProvider", configure_provider::Request { config: Some(config), ..Default::default() }).await?;
    if r.diagnostics.is_empty() {
        Ok(())
    } else {
        Err(format!("ConfigureProvider: {:?}", r.diagnostics))
    }
}

async fn run(smoke: bool) -> R<()> {
    let scratch = std::env::temp_dir().join(format!("cfaccess-bench-{}", std::process::id()));
    let starts = if smoke { 1 } else { 5 };
    println!("1. start to handshake line ({starts} starts each, median)");
    let mut cold = Vec::new();
    for i in 0..starts {
        cold.push(start(&scratch.join(format!("cold-{i}")), &[])?.took);
    }
    let warm_cache = scratch.join("warm");
    start(&warm_cache, &[])?;
    let mut warm = Vec::new();
    for _ in 0..starts {
        warm.push(start(&warm_cache, &[])?.took);
    }
    println!("   empty compile cache: {:?}   cache warm: {:?}", median(cold), median(warm));

    let n = if smoke { 5 } else { 2000 };
    println!("2. PlanResourceChange (create plan) round trip vs the decision on the component ({n} calls)");
    let provider = start(&warm_cache, &[])?;
    let channel = connect(&provider.socket).await?;
    let planned = dynamic(&seed("bench"))?;
    let request = plan_resource_change::Request { type_name: schema::SERVICE_TOKEN.into(), prior_state: Some(dynamic(&Value::Null)?), proposed_new_state: Some(planned.clone()), config: Some(planned), ..Default::default() };
    let mut over_grpc = Vec::new();
    for i in 0..(n + n / 10) {
        let began = Instant::now();
        let r: plan_resource_change::Response = call(&channel, "PlanResourceChange", request.clone()).await?;
        if i == 0 && !r.diagnostics.is_empty() {
            return Err(format!("PlanResourceChange: {:?}", r.diagnostics));
        }
        if i >= n / 10 {
            over_grpc.push(began.elapsed());
        }
    }
    let host = Arc::new(Host::<component_host::Harness>::load(true, 0).map_err(|e| format!("{e:#}"))?);
    let args = wit::TokenArgs { name: "bench".into(), account_id: Some(ACCOUNT.into()), zone_id: None, min_days_for_renewal: 30, duration: Some("8760h".into()), client_secret_version: None, previous_client_secret_expires_at: None, enabled: true };
    let conn = component_host::connect::offline();
    let mut direct = Vec::new();
    for i in 0..(n + n / 10) {
        let (a, c) = (args.clone(), conn.clone());
        let began = Instant::now();
        host.call(Egress::none(), move |s| s.create(&c, &a, true)).await.map_err(|e| format!("{e:?}"))?;
        if i >= n / 10 {
            direct.push(began.elapsed());
        }
    }
    println!("   over gRPC: {:?}   on the component (fresh instance per call): {:?}", median(over_grpc), median(direct));
    drop(provider);

    let n = if smoke { 3 } else { 100 };
    println!("3. {n} parallel applies (creates), {} ms latency per request, requests_per_second 1000", LATENCY.as_millis());
    let emu = Emulator::start(EmulatorConfig::default()).map_err(|e| e.to_string())?;
    emu.set_latency(LATENCY);
    let provider = start(&warm_cache, &[])?;
    let channel = connect(&provider.socket).await?;
    configure(&channel, &emu.base_url(), 1000).await?;
    emu.clear_requests();
    let began = Instant::now();
    let mut calls = Vec::new();
    for i in 0..n {
        let planned = seed(&format!("parallel {i}"));
        let request = apply_resource_change::Request { type_name: schema::SERVICE_TOKEN.into(), prior_state: Some(dynamic(&Value::Null)?), planned_state: Some(dynamic(&planned)?), config: Some(dynamic(&planned)?), ..Default::default() };
        let channel = channel.clone();
        calls.push(tokio::spawn(async move { call::<_, apply_resource_change::Response>(&channel, "ApplyResourceChange", request).await }));
    }
    for c in calls {
        let r = c.await.map_err(|e| e.to_string())??;
        if !r.diagnostics.is_empty() {
            return Err(format!("ApplyResourceChange: {:?}", r.diagnostics));
        }
    }
    let wall = began.elapsed();
    let posts = emu.requests().iter().filter(|r| r.method == "POST").count();
    println!("   {posts} calls at the API, {wall:?}");
    let _ = std::fs::remove_dir_all(&scratch);
    Ok(())
}

fn main() -> ExitCode {
    let smoke = std::env::args().any(|a| a == "--smoke");
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            println!("bench: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(smoke)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            println!("bench: {e}");
            ExitCode::FAILURE
        }
    }
}
