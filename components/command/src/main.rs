//! `access_service_token.wasm`: the command line as a `wasi:cli/command`
//! (it exports `wasi:cli/run` and nothing else), for `wasmtime run`:
//!
//! ```sh
//! wasmtime run -S http --dir . access_service_token.wasm up
//! ```
//!
//! It links the CLI front end directly (programs, engine, state, lock,
//! encryption, the policy verb) and hands it the wasi-http transport. The
//! arguments and the environment are the command's; the CLI reads nothing
//! else from the host except the files in the directories it is given.

#[cfg(target_arch = "wasm32")]
fn main() -> std::process::ExitCode {
    use access_service_token_cli::{run, Io};
    use std::collections::BTreeMap;

    let argv: Vec<String> = std::env::args().skip(1).collect();
    let environment: BTreeMap<String, String> = std::env::vars().collect();
    let number = |k: &str, default: u64| environment.get(k).and_then(|v| v.parse().ok()).unwrap_or(default);
    let rate = number("CLOUDFLARE_REQUESTS_PER_SECOND", 4) as u32;
    let timeout = std::time::Duration::from_millis(number("CLOUDFLARE_REQUEST_TIMEOUT_MS", 30_000));
    let mut transport = wasi_http_transport::WasiTransport::new(rate, timeout);
    let (stdout, stderr, stdin) = (std::io::stdout(), std::io::stderr(), std::io::stdin());
    let (mut out, mut err, mut input) = (stdout.lock(), stderr.lock(), stdin.lock());
    let mut io = Io { out: &mut out, err: &mut err, input: &mut input };
    if run(&argv, &environment, &mut transport, chrono::Utc::now(), &mut io) {
        std::process::ExitCode::SUCCESS
    } else {
        std::process::ExitCode::FAILURE
    }
}

/// Natively there is no wasi-http to send requests with: this binary is
/// built for `wasm32-wasip2` only (`cargo test --workspace` still compiles it).
#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    eprintln!("access_service_token is a wasm32-wasip2 component: build it with `cargo build --release --target wasm32-wasip2 -p command-component` and run it with `wasmtime run`");
    std::process::ExitCode::FAILURE
}
