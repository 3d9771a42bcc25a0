//! go-plugin server layer: how a Terraform/OpenTofu provider process is started, authenticated
//! and stopped, without the provider's own RPCs (the caller passes those in as `Routes`).
//!
//! Flow (hashicorp/go-plugin `server.go` `Serve`): read the environment ([`Handshake`]), bind a
//! unix socket, make a certificate if the client sent one (AutoMTLS), print the handshake line,
//! serve gRPC until `plugin.GRPCController/Shutdown` or the caller's future, remove the socket.

pub mod handshake;
pub mod listener;
pub mod log;
pub mod services;
pub mod tls;

use std::future::Future;
use std::io::Write as _;
use std::time::Duration;

use tokio::sync::{mpsc, watch};
use tonic::service::Routes;

pub use handshake::{
    debug_reattach_json, debug_reattach_text, handshake_line, Addr, Handshake, HandshakeError,
};
pub use listener::Network;
use listener::{Bound, Conn};
use log::{log, Level};

/// How long a client may take to finish its TLS handshake before the connection is dropped.
const TLS_HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// After shutdown begins, how long open connections may drain before the server stops anyway.
/// Below go-plugin's 2 s kill deadline so the process exits on its own with status 0.
const SHUTDOWN_GRACE: Duration = Duration::from_millis(1000);

/// Options beyond what the environment says. `Default` is what Terraform expects.
#[derive(Clone, Debug, Default)]
pub struct ServeOptions {
    /// Unix socket (default) or TCP on 127.0.0.1.
    pub network: Network,
    /// Debug mode: print `TF_REATTACH_PROVIDERS` for this provider address (e.g.
    /// `registry.terraform.io/acme/example`) instead of the handshake line, and let SIGINT stop
    /// the server. Use with [`Handshake::debug`].
    pub debug_provider_address: Option<String>,
}

/// Serves as go-plugin does for Terraform: unix socket, handshake line, AutoMTLS when
/// `PLUGIN_CLIENT_CERT` was set, SIGINT ignored. Returns once stopped by the Shutdown RPC or by
/// `shutdown`; `Err` only when serving could not start (bind, certificate, stdout).
pub async fn serve(
    handshake: Handshake,
    routes: Routes,
    shutdown: impl Future<Output = ()> + Send,
) -> Result<(), String> {
    serve_with(handshake, routes, shutdown, ServeOptions::default()).await
}

/// [`serve`] with [`ServeOptions`].
pub async fn serve_with(
    handshake: Handshake,
    routes: Routes,
    shutdown: impl Future<Output = ()> + Send,
    options: ServeOptions,
) -> Result<(), String> {
    let (stop_tx, stop_rx) = watch::channel(false);
    handle_signals(options.debug_provider_address.is_some(), stop_tx.clone())?;

    let tls = match &handshake.client_certs {
        Some(certs) => {
            let identity = tls::generate_server_identity()?;
            let config = tls::server_config(&identity, certs.clone())?;
            Some((identity.cert_der, tokio_rustls::TlsAcceptor::from(config)))
        }
        None => None,
    };
    let bound = listener::bind(&handshake, options.network)?;
    let addr = bound.addr.clone();

    let (health, health_service) = tonic_health::server::health_reporter();
    health
        .set_service_status("plugin", tonic_health::ServingStatus::Serving)
        .await;
    let routes = routes
        .add_service(health_service)
        .add_service(services::GrpcController::new(stop_tx.clone()))
        .add_service(services::GrpcStdio::new(stop_rx.clone()))
        .add_service(services::GrpcBroker);

    let (conn_tx, conn_rx) = mpsc::channel::<Result<Conn, std::io::Error>>(16);
    let acceptor = tls.as_ref().map(|(_, a)| a.clone());
    let accept_task = tokio::spawn(accept_loop(bound, acceptor, conn_tx));

    // Announce only once everything that can fail has succeeded.
    let announcement = match &options.debug_provider_address {
        Some(provider) => debug_reattach_text(provider, std::process::id(), &addr),
        None => {
            let cert = tls.as_ref().map(|(der, _)| der.as_ref());
            format!(
                "{}\n",
                handshake_line(handshake.protocol_version, &addr, cert)
            )
        }
    };
    if let Err(e) = write_stdout(&announcement) {
        accept_task.abort();
        return Err(format!("cannot write the handshake to stdout: {e}"));
    }
    log(
        Level::Debug,
        &format!("serving on {} {}", addr.network(), addr.address()),
    );

    // Either the caller's future or the Shutdown RPC flips `stop`; everything watches `stop`.
    let mut stop_wait = stop_rx.clone();
    let stop_signal = async move {
        tokio::select! {
            () = shutdown => { stop_tx.send_replace(true); }
            _ = stop_wait.wait_for(|s| *s) => {}
        }
    };
    let server = tonic::transport::Server::builder()
        .add_routes(routes)
        .serve_with_incoming_shutdown(
            tokio_stream::wrappers::ReceiverStream::new(conn_rx),
            stop_signal,
        );
    let mut grace = stop_rx.clone();
    let result = tokio::select! {
        r = server => r.map_err(|e| format!("gRPC server: {e}")),
        () = async { let _ = grace.wait_for(|s| *s).await; tokio::time::sleep(SHUTDOWN_GRACE).await } => {
            log(Level::Debug, "connections still open after the shutdown grace period; closing them");
            Ok(())
        }
    };
    accept_task.abort();
    let _ = accept_task.await; // drops the listener, which removes the socket file
    result
}

/// Accepts connections, runs each TLS handshake in its own task and hands finished
/// connections to tonic. A failed handshake is logged and dropped, never fatal.
async fn accept_loop(
    bound: Bound,
    acceptor: Option<tokio_rustls::TlsAcceptor>,
    conns: mpsc::Sender<Result<Conn, std::io::Error>>,
) {
    loop {
        let raw = tokio::select! {
            r = bound.accept() => r,
            () = conns.closed() => return, // the server stopped accepting
        };
        let raw = match raw {
            Ok(c) => c,
            Err(e) => {
                log(Level::Warn, &format!("accept failed: {e}"));
                tokio::time::sleep(Duration::from_millis(50)).await; // e.g. EMFILE: do not spin
                continue;
            }
        };
        let Some(acceptor) = acceptor.clone() else {
            if conns.send(Ok(raw)).await.is_err() {
                return;
            }
            continue;
        };
        let conns = conns.clone();
        tokio::spawn(async move {
            match tokio::time::timeout(TLS_HANDSHAKE_TIMEOUT, acceptor.accept(raw)).await {
                Ok(Ok(tls)) => {
                    let _ = conns.send(Ok(Conn::new(tls))).await;
                }
                Ok(Err(e)) => log(
                    Level::Warn,
                    &format!("TLS handshake failed, connection dropped: {e}"),
                ),
                Err(_) => log(Level::Warn, "TLS handshake timed out, connection dropped"),
            }
        });
    }
}

/// SIGINT reaches the whole process group on Ctrl-C; Terraform then sends StopProvider and
/// later Shutdown, so a plugin must survive it (go-plugin eats interrupts). In debug mode a
/// person runs the plugin in a terminal, and Ctrl-C stops it. SIGTERM stops gracefully, so the
/// socket file is removed (a default SIGTERM death would leave it behind).
fn handle_signals(debug: bool, stop: watch::Sender<bool>) -> Result<(), String> {
    use tokio::signal::unix::{signal, SignalKind};
    let mut sigint =
        signal(SignalKind::interrupt()).map_err(|e| format!("cannot handle SIGINT: {e}"))?;
    let mut sigterm =
        signal(SignalKind::terminate()).map_err(|e| format!("cannot handle SIGTERM: {e}"))?;
    tokio::spawn(async move {
        loop {
            tokio::select! {
                Some(()) = sigint.recv() => {
                    if debug {
                        log(Level::Info, "interrupt received, stopping");
                        stop.send_replace(true);
                    } else {
                        log(Level::Trace, "interrupt received, ignored (Terraform sends StopProvider instead)");
                    }
                }
                Some(()) = sigterm.recv() => {
                    log(Level::Debug, "SIGTERM received, stopping");
                    stop.send_replace(true);
                }
                else => return,
            }
        }
    });
    Ok(())
}

fn write_stdout(text: &str) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A caller must be able to `tokio::spawn` the server.
    #[test]
    fn serve_future_is_send() {
        fn assert_send<T: Send>(_: &T) {}
        let fut = serve(
            Handshake::debug(),
            Routes::default(),
            std::future::pending(),
        );
        assert_send(&fut);
    }
}
