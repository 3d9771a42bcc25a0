//! When to stop: on `Cancel`, on SIGINT/SIGTERM, or when the engine that
//! started the plugin has gone (its gRPC port stops accepting connections),
//! so a crashed engine does not leave plugins running.

use std::time::Duration;
use tokio::net::TcpStream;
use tokio::sync::watch;

/// Sets `stop` once `engine` (`host:port`) has refused connections twice in a
/// row, checking every `period`.
pub async fn engine_gone(engine: String, period: Duration, stop: watch::Sender<bool>) {
    let mut failures = 0;
    loop {
        tokio::time::sleep(period).await;
        let reachable = matches!(tokio::time::timeout(period, TcpStream::connect(&engine)).await, Ok(Ok(_)));
        failures = if reachable { 0 } else { failures + 1 };
        if failures >= 2 {
            component_host::log!("the engine at {engine} is gone: stopping");
            let _ = stop.send(true);
            return;
        }
    }
}

/// Sets `stop` on SIGINT or SIGTERM. The handlers are installed by this
/// call, not when the returned future first runs: the engine may signal as
/// soon as the port is printed, and a signal that arrived before its handler
/// would kill the plugin mid-call instead of stopping it.
pub fn signals(stop: watch::Sender<bool>) -> impl std::future::Future<Output = ()> + Send + 'static {
    #[cfg(unix)]
    let handlers = {
        use tokio::signal::unix::{signal, SignalKind};
        (signal(SignalKind::terminate()), signal(SignalKind::interrupt()))
    };
    async move {
        #[cfg(unix)]
        {
            let (Ok(mut term), Ok(mut int)) = handlers else { return };
            tokio::select! {
                _ = term.recv() => {}
                _ = int.recv() => {}
            }
        }
        #[cfg(not(unix))]
        if tokio::signal::ctrl_c().await.is_err() {
            return;
        }
        let _ = stop.send(true);
    }
}
