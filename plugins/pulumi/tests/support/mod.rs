//! The plugin started as the Pulumi engine starts it, and the engine's side
//! played by Pulumi's own generated Python stubs (`support/engine.py`).
#![allow(dead_code)]

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, ChildStdin, ChildStdout, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub const PLUGIN: &str = env!("CARGO_BIN_EXE_pulumi-resource-cloudflare-access-service-token");
pub const ANALYZER: &str = env!("CARGO_BIN_EXE_pulumi-analyzer-policy-cloudflare-access-service-token");
pub const SECRET_SIG: &str = "4dabf18193072939515e22adb298388d";
pub const SECRET_VAL: &str = "1b47061264138c4ac30d75fd1eb44270";
pub const UNKNOWN: &str = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
pub const TOKEN_TYPE: &str = "cloudflare-access-service-token:index:AccessServiceToken";
pub const ACCOUNT: &str = "f037e56e89293a057740de681ac9abbe";
pub const ZONE: &str = "0da42c8d2132a9ddaf714f9e7c920711";

/// The pinned engine stubs: PyPI `pulumi` and the gRPC runtime it was built with.
pub const ENGINE_REQUIREMENTS: [&str; 3] = ["pulumi==3.272.0", "grpcio==1.85.3", "protobuf==6.33.6"];

/// The virtualenv with the engine stubs, installed once per machine (race-free).
pub fn engine_python() -> PathBuf {
    test_tools::venv_python(&test_tools::python_venv("pulumi-engine", &ENGINE_REQUIREMENTS))
}

/// `urn:pulumi:dev::seed::<type>::<name>`.
pub fn urn(name: &str) -> String {
    format!("urn:pulumi:dev::seed::{TOKEN_TYPE}::{name}")
}

/// A value wrapped as a Pulumi secret.
pub fn secret(v: impl Into<Value>) -> Value {
    json!({ SECRET_SIG: SECRET_VAL, "value": v.into() })
}

/// A running plugin. Killed on drop.
pub struct Plugin {
    child: Child,
    pub port: u16,
    stderr: Arc<Mutex<String>>,
    /// Stands in for the engine's own gRPC port, which the plugin watches.
    engine_port: Option<StandInEngine>,
    /// How long the plugin took from spawn to printing its port.
    pub started_in: Duration,
}

impl Plugin {
    /// Starts the plugin with `env` added (and the Cloudflare variables of
    /// the test's own environment removed), as the engine does: one argument,
    /// the engine's address; the port read from the first line of stdout.
    pub fn start(env: &[(&str, &str)]) -> Plugin {
        Self::start_binary(PLUGIN, &[], None, env)
    }

    /// Starts the policy analyzer as the engine does: in the pack's
    /// directory, with the engine's address and `.`.
    pub fn start_analyzer(pack_dir: &std::path::Path, env: &[(&str, &str)]) -> Plugin {
        Self::start_binary(ANALYZER, &["."], Some(pack_dir), env)
    }

    /// Starts the resource plugin as the engine does, with `engine` (a
    /// [`FakeEngine`]'s address) as the engine's address.
    pub fn start_with_engine(engine: &str, env: &[(&str, &str)]) -> Plugin {
        Self::spawn(PLUGIN, &[engine], None, env)
    }

    /// Starts the resource plugin with no argument: no engine address, as
    /// when the engine attaches to a plugin it did not start.
    pub fn start_without_engine(env: &[(&str, &str)]) -> Plugin {
        Self::spawn(PLUGIN, &[], None, env)
    }

    fn start_binary(binary: &str, more_args: &[&str], dir: Option<&std::path::Path>, env: &[(&str, &str)]) -> Plugin {
        let engine_port = StandInEngine::start();
        let address = engine_port.address.clone();
        let mut args = vec![address.as_str()];
        args.extend_from_slice(more_args);
        let mut plugin = Self::spawn(binary, &args, dir, env);
        plugin.engine_port = Some(engine_port);
        plugin
    }

    fn spawn(binary: &str, args: &[&str], dir: Option<&std::path::Path>, env: &[(&str, &str)]) -> Plugin {
        let mut command = Command::new(binary);
        if let Some(dir) = dir {
            command.current_dir(dir);
        }
        command.args(args).stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
        for var in ["CLOUDFLARE_API_TOKEN", "CLOUDFLARE_API_KEY", "CLOUDFLARE_EMAIL", "CLOUDFLARE_BASE_URL", "CLOUDFLARE_REQUESTS_PER_SECOND", "CLOUDFLARE_REQUEST_TIMEOUT_MS"] {
            command.env_remove(var);
        }
        command.env("XDG_CACHE_HOME", test_tools::tools_dir().join("plugin-compile-cache"));
        command.envs(env.iter().copied());
        let started = Instant::now();
        let mut child = command.spawn().expect("start the plugin");
        let stderr = Arc::new(Mutex::new(String::new()));
        let mut pipe = child.stderr.take().unwrap();
        let sink = stderr.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = pipe.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut first = String::new();
        stdout.read_line(&mut first).expect("read the plugin's first line");
        let started_in = started.elapsed();
        let port = first.trim().parse().unwrap_or_else(|_| panic!("the first line of stdout is not a port: {first:?}; stderr: {}", stderr.lock().unwrap()));
        std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
        Plugin { child, port, stderr, engine_port: None, started_in }
    }

    pub fn address(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// The plugin's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Everything the plugin wrote to stderr so far.
    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// The engine goes away: its port stops accepting connections.
    pub fn close_engine(&mut self) {
        self.engine_port = None;
    }

    /// Waits up to `limit` for the plugin to exit.
    pub fn wait_exit(&mut self, limit: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + limit;
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().unwrap() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }

    /// Fails if any of `secrets` appears in the plugin's stderr.
    pub fn assert_no_secret_logged(&self, secrets: &[&str]) {
        let log = self.stderr();
        for s in secrets.iter().filter(|s| !s.is_empty()) {
            assert!(!log.contains(s), "a secret reached the plugin's stderr:\n{log}");
        }
    }
}

impl Drop for Plugin {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The engine's port, standing in for it where a test has no [`FakeEngine`]:
/// it accepts connections, so the plugin sees its engine there, and closes
/// each at once, so a call the plugin makes to it (the engine's `Log`) fails
/// at once instead of waiting for an answer. Closed on drop.
struct StandInEngine {
    address: String,
    stop: Arc<AtomicBool>,
    accepting: Option<std::thread::JoinHandle<()>>,
}

impl StandInEngine {
    fn start() -> StandInEngine {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a stand-in engine port");
        listener.set_nonblocking(true).expect("a non-blocking stand-in engine port");
        let address = listener.local_addr().unwrap().to_string();
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = stop.clone();
        let accepting = std::thread::spawn(move || {
            while !stopped.load(Ordering::SeqCst) {
                match listener.accept() {
                    Ok((connection, _)) => drop(connection),
                    Err(_) => std::thread::sleep(Duration::from_millis(10)),
                }
            }
        });
        StandInEngine { address, stop, accepting: Some(accepting) }
    }
}

impl Drop for StandInEngine {
    /// Returns once the port is closed.
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(thread) = self.accepting.take() {
            let _ = thread.join();
        }
    }
}

/// The engine's own gRPC service (`pulumirpc.Engine`), played by Pulumi's
/// generated Python stubs (`support/fake_engine.py`): it records every `Log`
/// request a plugin sends it. Stopped on drop.
pub struct FakeEngine {
    child: Child,
    /// `127.0.0.1:<port>`, as the engine passes its address to a plugin.
    pub address: String,
    logs: Arc<Mutex<Vec<Value>>>,
}

impl FakeEngine {
    /// An engine whose `Log` answers OK.
    pub fn start() -> FakeEngine {
        Self::start_with(&[])
    }

    /// An engine whose `Log` records the request, then answers `INTERNAL`.
    pub fn start_failing_log() -> FakeEngine {
        Self::start_with(&["--fail-log"])
    }

    fn start_with(args: &[&str]) -> FakeEngine {
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/support/fake_engine.py");
        let mut child = Command::new(engine_python())
            .arg(script)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start the fake engine");
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut first = String::new();
        stdout.read_line(&mut first).expect("read the fake engine's port");
        let port: u16 = first.trim().parse().unwrap_or_else(|_| panic!("the fake engine's first line is not a port: {first:?}"));
        let logs = Arc::new(Mutex::new(Vec::new()));
        let sink = logs.clone();
        std::thread::spawn(move || {
            for line in stdout.lines() {
                let Ok(line) = line else { break };
                let record: Value = serde_json::from_str(&line).unwrap_or_else(|e| panic!("the fake engine printed {line:?}: {e}"));
                sink.lock().unwrap().push(record);
            }
        });
        FakeEngine { child, address: format!("127.0.0.1:{port}"), logs }
    }

    /// The `Log` requests recorded so far, and forgets them. The fake engine
    /// prints a request before answering it, so what a plugin logged before
    /// answering a call is on its way here once the call has returned: this
    /// waits up to 10 s for `at_least` of them, then 200 ms more for any
    /// beyond, so that a test can assert the exact list.
    pub fn take_logs(&self, at_least: usize) -> Vec<Value> {
        let deadline = Instant::now() + Duration::from_secs(10);
        while self.logs.lock().unwrap().len() < at_least && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
        std::thread::sleep(Duration::from_millis(200));
        std::mem::take(&mut *self.logs.lock().unwrap())
    }
}

impl Drop for FakeEngine {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A gRPC status the plugin answered.
#[derive(Debug, Clone, PartialEq)]
pub struct Status {
    pub code: String,
    pub details: String,
}

/// The engine's side: Pulumi's generated stubs in a Python process.
pub struct Engine {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

impl Engine {
    pub fn connect(plugin: &Plugin) -> Engine {
        Self::connect_to(&plugin.address(), "provider")
    }

    /// The engine's side of `pulumirpc.Analyzer`.
    pub fn connect_analyzer(plugin: &Plugin) -> Engine {
        Self::connect_to(&plugin.address(), "analyzer")
    }

    pub fn connect_to(address: &str, service: &str) -> Engine {
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/support/engine.py");
        let mut child = Command::new(engine_python())
            .arg(script)
            .arg(address)
            .arg(service)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start the engine stubs");
        let stdin = child.stdin.take().unwrap();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        Engine { child, stdin, stdout }
    }

    fn exchange(&mut self, command: Value) -> Value {
        writeln!(self.stdin, "{command}").expect("write to the engine stubs");
        self.stdin.flush().unwrap();
        let mut line = String::new();
        self.stdout.read_line(&mut line).expect("read from the engine stubs");
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("the engine stubs answered {line:?}: {e}"))
    }

    fn outcome(answer: Value) -> Result<Value, Status> {
        let answer = whole_numbers(answer);
        match answer.get("error") {
            Some(e) => Err(Status { code: e["code"].as_str().unwrap_or("").into(), details: e["details"].as_str().unwrap_or("").into() }),
            None => Ok(answer.get("response").or_else(|| answer.get("responses")).cloned().unwrap_or(Value::Null)),
        }
    }

    /// One call; the response in protobuf's JSON mapping (fields with
    /// default values included).
    pub fn call(&mut self, rpc: &str, request: Value) -> Result<Value, Status> {
        Self::outcome(self.exchange(json!({"rpc": rpc, "request": request})))
    }

    /// Like [`Engine::call`], failing the test on an error status.
    pub fn ok(&mut self, rpc: &str, request: Value) -> Value {
        self.call(rpc, request.clone()).unwrap_or_else(|s| panic!("{rpc} {request} failed: {s:?}"))
    }

    /// Bytes sent as the request, as they are.
    pub fn raw(&mut self, rpc: &str, bytes: &[u8]) -> Result<Value, Status> {
        let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        Self::outcome(self.exchange(json!({"rpc": rpc, "raw_hex": hex})))
    }

    /// The calls at once, from parallel threads.
    pub fn parallel(&mut self, calls: Vec<(&str, Value)>) -> Vec<Result<Value, Status>> {
        let batch: Vec<Value> = calls.into_iter().map(|(rpc, request)| json!({"rpc": rpc, "request": request})).collect();
        let answer = self.exchange(json!({ "parallel": batch }));
        answer["results"].as_array().expect("results").iter().cloned().map(Self::outcome).collect()
    }

    /// `Configure` with an API token (as a secret) and the emulator's URL.
    pub fn configure(&mut self, base_url: &str, api_token: &str) -> Value {
        self.ok(
            "Configure",
            json!({"args": {"apiToken": secret(api_token), "baseUrl": base_url, "requestsPerSecond": 1000}, "acceptSecrets": true, "acceptResources": true}),
        )
    }
}

/// Struct numbers are doubles: Python prints `30` as `30.0`. Whole numbers
/// become integers again, as the plugin itself reads them.
fn whole_numbers(v: Value) -> Value {
    match v {
        Value::Number(n) => match n.as_f64() {
            Some(f) if n.is_f64() && f.fract() == 0.0 && f.abs() < 9e15 => Value::from(f as i64),
            _ => Value::Number(n),
        },
        Value::Array(a) => Value::Array(a.into_iter().map(whole_numbers).collect()),
        Value::Object(o) => Value::Object(o.into_iter().map(|(k, v)| (k, whole_numbers(v))).collect()),
        other => other,
    }
}

impl Drop for Engine {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
