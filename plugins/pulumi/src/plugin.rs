//! What both plugins do the same way, as the engine expects of any plugin:
//! listen on a free loopback port, print it alone as the first line of
//! stdout, log to stderr, and stop cleanly — after the calls in flight — on
//! `Cancel`, a signal, or the engine's exit.

use crate::host::Host;
use component_host::plugin::Hosted;
use crate::watch;
use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch::Sender;
use tonic::service::Routes;

/// The largest message either side sends: the engine's own limit (400 MiB),
/// so a whole stack fits in one `AnalyzeStack` (tonic's default is 4 MiB).
pub const MAX_MESSAGE: usize = 400 * 1024 * 1024;

pub use component_host::plugin::NO_CACHE_ENV;

/// Runs a plugin: loads the component `H` (the provider or the policy
/// checks), then serves the routes `make` builds from it and the stop switch.
pub fn main<H: Hosted>(name: &str, make: impl FnOnce(Arc<Host<H>>, Sender<bool>) -> Routes) -> ExitCode {
    let engine = std::env::args().nth(1);
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => return fail(name, &format!("cannot start the async runtime: {e}")),
    };
    match runtime.block_on(serve(engine, make)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(name, &e),
    }
}

fn fail(name: &str, message: &str) -> ExitCode {
    component_host::log!("{name}: {message}");
    ExitCode::FAILURE
}

async fn serve<H: Hosted>(engine: Option<String>, make: impl FnOnce(Arc<Host<H>>, Sender<bool>) -> Routes) -> Result<(), String> {
    let offset = component_host::plugin::clock_offset_from_env()?;
    let host = Host::<H>::load(component_host::plugin::cache_from_env(), offset).map_err(|e| format!("cannot load the component: {e:#}"))?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.map_err(|e| format!("cannot listen on loopback: {e}"))?;
    let port = listener.local_addr().map_err(|e| format!("no local address: {e}"))?.port();
    let (stop, mut stopped) = tokio::sync::watch::channel(false);
    tokio::spawn(watch::signals(stop.clone()));
    let mut stdout = std::io::stdout();
    writeln!(stdout, "{port}").and_then(|()| stdout.flush()).map_err(|e| format!("cannot print the port: {e}"))?;

    if let Some(engine) = engine.filter(|e| !e.is_empty()) {
        tokio::spawn(watch::engine_gone(engine, Duration::from_secs(1), stop.clone()));
    }
    let routes = make(Arc::new(host), stop);
    let incoming = tokio_stream::wrappers::TcpListenerStream::new(listener);
    tonic::transport::Server::builder()
        .add_routes(routes)
        .serve_with_incoming_shutdown(incoming, async move {
            let _ = stopped.wait_for(|s| *s).await;
        })
        .await
        .map_err(|e| format!("the gRPC server failed: {e}"))?;
    component_host::log!("stopped");
    Ok(())
}
