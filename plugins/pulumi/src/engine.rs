//! The engine's own gRPC service, `pulumirpc.Engine`, with this plugin as
//! its client: `Log`, so that what a diff will do and why (a renewal, a
//! token enabled again) shows as a diagnostic on the resource in `pulumi
//! preview` and `pulumi up`, the way Pulumi's Go providers log through
//! `HostClient.Log` (pulumi/pulumi `sdk/go/pulumi/provider/host.go`).
//!
//! Where the engine is: the engine starts a resource plugin with its gRPC
//! address as the one argument (`NewProvider` in
//! `sdk/go/common/resource/plugin/provider_plugin.go` passes
//! `[]string{host.ServerAddr()}`; the Go SDK's `provider.Main` dials
//! `args[0]` in `sdk/go/pulumi/provider/main.go`), and sends the same address
//! again as `ProviderHandshakeRequest.engine_address`, and as
//! `PluginAttach.address` to a plugin it attaches to instead of starting
//! (`componentProvider.Attach` dials that). The latest non-empty one wins.
//!
//! Delivering a message is best effort: no address, an engine that refuses,
//! fails or does not answer within [`LOG_TIMEOUT`] never fails the call that
//! logs; the message then goes to the plugin's own log (stderr), and the
//! rest of that call's messages follow it there without another try.

use crate::proto::{LogRequest, LogSeverity};
use std::sync::{Mutex, RwLock};
use std::time::Duration;
use tonic::codegen::http::uri::PathAndQuery;
use tonic::transport::{Channel, Endpoint};

/// How long one `Log` call may take, connecting included, before the
/// message goes to the local log instead. The engine answers in
/// milliseconds; this only bounds an engine that accepts and never answers.
pub const LOG_TIMEOUT: Duration = Duration::from_secs(2);
/// How long connecting to the engine may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(1);
/// The route of `pulumirpc.Engine/Log` (`proto/pulumi/engine.proto`).
const LOG_ROUTE: &str = "/pulumirpc.Engine/Log";

/// The engine's address and one connection to it, reused across calls.
#[derive(Default)]
pub struct Engine {
    address: RwLock<Option<String>>,
    channel: Mutex<Option<(String, Channel)>>,
}

impl Engine {
    /// The engine at `address` (the plugin's argument), if given and not empty.
    pub fn new(address: Option<String>) -> Engine {
        Engine { address: RwLock::new(address.filter(|a| !a.trim().is_empty())), channel: Mutex::new(None) }
    }

    /// The engine says where it is (Handshake, Attach); an empty address
    /// changes nothing.
    pub fn set_address(&self, address: &str) {
        let address = address.trim();
        if address.is_empty() {
            return;
        }
        let mut slot = self.address.write().unwrap_or_else(|poisoned| poisoned.into_inner());
        *slot = Some(address.to_string());
    }

    /// Where log messages go, if anywhere.
    pub fn address(&self) -> Option<String> {
        self.address.read().unwrap_or_else(|poisoned| poisoned.into_inner()).clone()
    }

    /// The connection to `address`: the one already made, or a new one
    /// (made lazily; it connects on its first call, and again after a failure).
    fn channel(&self, address: &str) -> Result<Channel, String> {
        let mut slot = self.channel.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some((at, channel)) = slot.as_ref() {
            if at == address {
                return Ok(channel.clone());
            }
        }
        let uri = if address.contains("://") { address.to_string() } else { format!("http://{address}") };
        let channel = Endpoint::from_shared(uri)
            .map_err(|e| format!("{address} is not an address: {e}"))?
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(LOG_TIMEOUT)
            .connect_lazy();
        *slot = Some((address.to_string(), channel.clone()));
        Ok(channel)
    }

    /// One `Log` call to the engine at `address`, as the Go SDK's
    /// `HostClient.Log` makes it.
    async fn send(&self, address: &str, request: LogRequest) -> Result<(), String> {
        let channel = self.channel(address)?;
        let call = async move {
            let mut grpc = tonic::client::Grpc::new(channel);
            grpc.ready().await.map_err(|e| format!("the connection is not ready: {e}"))?;
            let codec = tonic_prost::ProstCodec::<LogRequest, ()>::default();
            grpc.unary(tonic::Request::new(request), PathAndQuery::from_static(LOG_ROUTE), codec)
                .await
                .map(drop)
                .map_err(|s| format!("{:?}: {}", s.code(), s.message()))
        };
        match tokio::time::timeout(LOG_TIMEOUT + CONNECT_TIMEOUT, call).await {
            Ok(result) => result,
            Err(_) => Err(format!("no answer within {} s", (LOG_TIMEOUT + CONNECT_TIMEOUT).as_secs())),
        }
    }

    /// Shows each message as an info diagnostic on the resource `urn`, in
    /// order. Never fails: what cannot reach the engine goes to the local log.
    pub async fn info(&self, rpc: &str, urn: &str, messages: &[String]) {
        let Some(address) = self.address() else {
            for message in messages {
                component_host::log!("{rpc} {urn}: {message} (no engine address to show it at)");
            }
            return;
        };
        let mut failed: Option<String> = None;
        for message in messages {
            if let Some(why) = &failed {
                component_host::log!("{rpc} {urn}: {message} (not shown: the engine's Log failed: {why})");
                continue;
            }
            // The engine shows an info message with a URN on that resource
            // (`hostServer.Log` in pkg/host/host_server.go); not ephemeral,
            // so it stays in the output; no stream.
            let request = LogRequest { severity: LogSeverity::Info as i32, message: message.clone(), urn: urn.to_string(), stream_id: 0, ephemeral: false };
            if let Err(why) = self.send(&address, request).await {
                component_host::log!("{rpc} {urn}: cannot log to the engine at {address}: {why}");
                component_host::log!("{rpc} {urn}: {message} (not shown: the engine's Log failed)");
                failed = Some(why);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_latest_address_given_wins_and_empty_ones_change_nothing() {
        let engine = Engine::new(Some("127.0.0.1:1".into()));
        assert_eq!(engine.address().as_deref(), Some("127.0.0.1:1"));
        engine.set_address("");
        assert_eq!(engine.address().as_deref(), Some("127.0.0.1:1"));
        engine.set_address("127.0.0.1:2");
        assert_eq!(engine.address().as_deref(), Some("127.0.0.1:2"));
        assert_eq!(Engine::new(Some(" ".into())).address(), None);
        assert_eq!(Engine::new(None).address(), None);
    }

    #[tokio::test]
    async fn an_engine_that_is_not_there_fails_no_call() {
        // A port nobody listens on: bound, then closed.
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let engine = Engine::new(Some(format!("127.0.0.1:{port}")));
        let started = std::time::Instant::now();
        engine.info("Diff", "urn:pulumi:dev::seed::t::n", &["renew: why".to_string(), "update: why".to_string()]).await;
        assert!(started.elapsed() < LOG_TIMEOUT, "a refused connection fails at once, and only once");
        assert!(engine.send(&format!("127.0.0.1:{port}"), LogRequest::default()).await.is_err());
    }
}
