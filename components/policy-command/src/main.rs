//! `access_service_token_policy_command.wasm`: the `policy` verb of the command line, as a
//! WASI command of its own (`wasm32-wasip2`, world `wasi:cli/command`) that
//! imports no `wasi:http` and no `wasi:sockets`. A CI job that only scans
//! state and plan files runs it without granting any network:
//!
//! ```sh
//! wasmtime run --dir . access_service_token_policy_command.wasm policy terraform.tfstate
//! ```
//!
//! It reads the files it is given (`wasi:filesystem`, through `--dir`) and
//! its arguments and environment; it links the command line with a
//! transport that refuses every request and no wasi-http, so nothing in it
//! can make a request, in any host. (For embedding, the `policy-component`
//! world goes further: no filesystem, no environment either.)

use access_service_token_cli::{self as cli, Io};
use access_service_token::requests::ApiRequest;
use access_service_token::transport::{RawResponse, Transport, TransportFailure};
use std::collections::BTreeMap;
use std::io::Write;
use std::process::ExitCode;

/// The verbs this command runs: the ones that make no API call.
const VERBS: [&str; 1] = ["policy"];

/// The transport of a command without a network: any request is refused.
/// (The `policy` verb sends none.)
struct NoNetwork;

impl Transport for NoNetwork {
    fn send(&mut self, _: &str, _: &ApiRequest) -> Result<RawResponse, TransportFailure> {
        Err(TransportFailure { message: "this command has no network".into(), maybe_sent: false, retryable: false })
    }

    fn sleep_ms(&mut self, _: u64) {}
}

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let (stdout, stderr, stdin) = (std::io::stdout(), std::io::stderr(), std::io::stdin());
    let (mut out, mut err, mut input) = (stdout.lock(), stderr.lock(), stdin.lock());
    if let Some(verb) = argv.first().filter(|v| !v.starts_with('-') && !VERBS.contains(&v.as_str())) {
        let _ = writeln!(
            err,
            "error: {verb}: this command runs only {} (it has no network); the full command, access_service_token.wasm, runs every verb",
            VERBS.join(", ")
        );
        return ExitCode::FAILURE;
    }
    let environment: BTreeMap<String, String> = std::env::vars().collect();
    let mut io = Io { out: &mut out, err: &mut err, input: &mut input };
    if cli::run(&argv, &environment, &mut NoNetwork, chrono::Utc::now(), &mut io) {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
