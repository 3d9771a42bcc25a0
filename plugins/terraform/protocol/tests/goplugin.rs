//! End-to-end tests: `tests/python/goplugin_client.py` starts the demo plugin as Terraform does
//! (go-plugin environment, AutoMTLS with a P-521 CA:TRUE client cert) and talks gRPC to it
//! over OpenSSL TLS. Each test runs one scenario; the script asserts and exits 0 on success.
//!
//! The Python venv (pinned `tests/python/requirements.txt`) is made once, by `test-tools`.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const PLUGIN: &str = env!("CARGO_BIN_EXE_goplugin-demo");

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The client's virtualenv, installed once per machine by the race-free
/// installer every test shares.
fn python() -> PathBuf {
    let requirements =
        test_tools::read_requirements(&manifest_dir().join("tests/python/requirements.txt"));
    test_tools::venv_python(&test_tools::python_venv("goplugin-client", &requirements))
}

/// Runs one scenario of the Python client against the demo plugin; fails with its output.
fn scenario(name: &str) {
    let mut child = Command::new(python())
        .arg(manifest_dir().join("tests/python/goplugin_client.py"))
        .arg(name)
        .arg(PLUGIN)
        .env("PYTHONUNBUFFERED", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start python");
    // Read output in threads so a full pipe cannot stall the child.
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let out_t = std::thread::spawn(move || std::io::read_to_string(&mut out).unwrap_or_default());
    let err_t = std::thread::spawn(move || std::io::read_to_string(&mut err).unwrap_or_default());
    let deadline = Instant::now() + Duration::from_secs(120);
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait") {
            break Some(s);
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let (stdout, stderr) = (out_t.join().unwrap(), err_t.join().unwrap());
    println!("{stdout}{stderr}");
    match status {
        Some(s) if s.success() => {}
        Some(s) => panic!("scenario {name} failed ({s}):\n{stdout}\n{stderr}"),
        None => panic!("scenario {name} timed out:\n{stdout}\n{stderr}"),
    }
}

/// TLS 1.3 AutoMTLS: line format, cert, health `plugin` SERVING, broker/unknown UNIMPLEMENTED,
/// StreamStdio open until Shutdown, exit 0 within 2 s, socket removed, stdout quiet.
#[test]
fn mtls_health_and_shutdown() {
    scenario("happy");
}

/// The same over TLS 1.2 (P-521 client signature verified by the TLS 1.2 path).
#[test]
fn mtls_over_tls12() {
    scenario("tls12");
}

/// Optional TCP listener: `tcp|127.0.0.1:<port in 10000..=25000>`, same checks.
#[test]
fn mtls_over_tcp() {
    scenario("tcp");
}

/// Without PLUGIN_CLIENT_CERT: line ends `grpc|`, plaintext gRPC works, Shutdown stops it.
#[test]
fn plaintext_without_client_cert() {
    scenario("plaintext");
}

/// No cookie: exit 1, nothing on stdout, a message for a person on stderr.
#[test]
fn refuses_without_cookie() {
    scenario("no-cookie");
}

/// PLUGIN_PROTOCOL_VERSIONS=5: exit 1 with a message naming what was offered.
#[test]
fn refuses_protocol_5_only() {
    scenario("proto5");
}

/// A different P-521 CA cert and no cert are refused (TLS 1.3 and 1.2); the plugin keeps
/// running and serves the right client afterwards; refusals are logged.
#[test]
fn refuses_wrong_or_missing_client_cert() {
    scenario("bad-clients");
}

/// SIGINT to the process group (Ctrl-C) is ignored: still serving old and new connections.
#[test]
fn ignores_sigint() {
    scenario("sigint");
}

/// Shutdown while the client keeps its connection and endless streams open: still exits 0
/// within go-plugin's 2 s.
#[test]
fn shutdown_with_streams_held_open() {
    scenario("shutdown-held-open");
}

/// SIGTERM stops cleanly and removes the socket file.
#[test]
fn sigterm_stops_cleanly() {
    scenario("sigterm");
}

/// `--debug`: prints TF_REATTACH_PROVIDERS JSON (no cookie needed), serves plaintext, Ctrl-C stops.
#[test]
fn debug_mode_reattach() {
    scenario("debug");
}
