//! The plugin as the Pulumi engine starts it: `pulumi-resource-<package>
//! <engine address>`. It listens on a free loopback port, prints the port
//! alone as the first line of stdout, logs to stderr, and stops cleanly —
//! after the calls in flight — on `Cancel`, a signal, or the engine's exit.

use pulumi_provider::host::{Host, CLOCK_OFFSET_ENV};
use pulumi_provider::proto::resource_provider_server::ResourceProviderServer;
use pulumi_provider::server::Provider;
use pulumi_provider::watch;
use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

/// Set to anything to compile the component on every start instead of
/// through wasmtime's cache (for measuring a cold start).
const NO_CACHE_ENV: &str = "ACCESS_SERVICE_TOKEN_NO_COMPILE_CACHE";

fn main() -> ExitCode {
    let engine = std::env::args().nth(1);
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => return fail(&format!("cannot start the async runtime: {e}")),
    };
    match runtime.block_on(serve(engine)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(&e),
    }
}

fn fail(message: &str) -> ExitCode {
    eprintln!("pulumi-resource-cloudflare-access-service-token: {message}");
    ExitCode::FAILURE
}

async fn serve(engine: Option<String>) -> Result<(), String> {
    let offset = match std::env::var(CLOCK_OFFSET_ENV) {
        Ok(v) => v.trim().parse::<i64>().map_err(|_| format!("{CLOCK_OFFSET_ENV} must be a whole number of seconds, found {v:?}"))?,
        Err(_) => 0,
    };
    let host = Host::load(std::env::var_os(NO_CACHE_ENV).is_none(), offset).map_err(|e| format!("cannot load the component: {e:#}"))?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.map_err(|e| format!("cannot listen on loopback: {e}"))?;
    let port = listener.local_addr().map_err(|e| format!("no local address: {e}"))?.port();
    let mut stdout = std::io::stdout();
    writeln!(stdout, "{port}").and_then(|()| stdout.flush()).map_err(|e| format!("cannot print the port: {e}"))?;

    let (stop, mut stopped) = tokio::sync::watch::channel(false);
    if let Some(engine) = engine.filter(|e| !e.is_empty()) {
        tokio::spawn(watch::engine_gone(engine, Duration::from_secs(1), stop.clone()));
    }
    tokio::spawn(watch::signals(stop.clone()));
    let provider = Provider::new(Arc::new(host), Box::new(|k| std::env::var(k).ok()), stop);
    let incoming = tokio_stream::wrappers::TcpListenerStream::new(listener);
    tonic::transport::Server::builder()
        .add_service(ResourceProviderServer::new(provider))
        .serve_with_incoming_shutdown(incoming, async move {
            let _ = stopped.wait_for(|s| *s).await;
        })
        .await
        .map_err(|e| format!("the gRPC server failed: {e}"))?;
    eprintln!("stopped");
    Ok(())
}
