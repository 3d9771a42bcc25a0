//! The go-plugin side services served beside the provider (go-plugin `grpc_server.go` `Init`).
//!
//! Messages are declared by hand with prost derives; field numbers come from hashicorp/go-plugin
//! `internal/plugin/grpc_controller.proto`, `grpc_stdio.proto` and `grpc_broker.proto`
//! (package `plugin`). Services are written the way tonic's generated code is (a tower
//! `Service` on `http::Request` plus `NamedService`), so no protoc or build script is needed.

use std::convert::Infallible;
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::sync::watch;
use tokio_stream::{Stream, StreamExt as _};
use tonic::codegen::{http, Body, BoxFuture, Service, StdError};
use tonic::server::{Grpc, NamedService};
use tonic::{Status, Streaming};
use tonic_prost::ProstCodec;

use super::log::{log, Level};

/// `plugin.Empty` (grpc_controller.proto); same wire form as `google.protobuf.Empty`.
#[derive(Clone, Copy, PartialEq, prost::Message)]
pub struct Empty {}

/// `plugin.StdioData` (grpc_stdio.proto): `channel = 1`, `data = 2`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct StdioData {
    #[prost(enumeration = "StdioChannel", tag = "1")]
    pub channel: i32,
    #[prost(bytes = "vec", tag = "2")]
    pub data: Vec<u8>,
}

/// `plugin.StdioData.Channel`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, prost::Enumeration)]
#[repr(i32)]
pub enum StdioChannel {
    Invalid = 0,
    Stdout = 1,
    Stderr = 2,
}

/// `plugin.ConnInfo` (grpc_broker.proto): `service_id = 1`, `network = 2`, `address = 3`, `knock = 4`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ConnInfo {
    #[prost(uint32, tag = "1")]
    pub service_id: u32,
    #[prost(string, tag = "2")]
    pub network: String,
    #[prost(string, tag = "3")]
    pub address: String,
    #[prost(message, optional, tag = "4")]
    pub knock: Option<Knock>,
}

/// `plugin.ConnInfo.Knock`: `knock = 1`, `ack = 2`, `error = 3`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Knock {
    #[prost(bool, tag = "1")]
    pub knock: bool,
    #[prost(bool, tag = "2")]
    pub ack: bool,
    #[prost(string, tag = "3")]
    pub error: String,
}

type Resp = http::Response<tonic::body::Body>;

/// Reply for a method the service does not have, as tonic's generated code does.
fn unimplemented_method() -> BoxFuture<Resp, Infallible> {
    Box::pin(async { Ok(Status::unimplemented("unknown method").into_http()) })
}

/// `plugin.GRPCController`: `Shutdown(Empty) -> Empty` asks the server to stop. go-plugin's
/// client calls it when it closes the plugin, then waits 2 s before killing the process.
#[derive(Clone)]
pub struct GrpcController {
    shutdown: watch::Sender<bool>,
}

impl GrpcController {
    /// `shutdown` is set to `true` when the RPC arrives.
    pub fn new(shutdown: watch::Sender<bool>) -> Self {
        GrpcController { shutdown }
    }
}

impl NamedService for GrpcController {
    const NAME: &'static str = "plugin.GRPCController";
}

impl<B> Service<http::Request<B>> for GrpcController
where
    B: Body + Send + 'static,
    B::Error: Into<StdError> + Send + 'static,
{
    type Response = Resp;
    type Error = Infallible;
    type Future = BoxFuture<Resp, Infallible>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: http::Request<B>) -> Self::Future {
        if req.uri().path() != "/plugin.GRPCController/Shutdown" {
            return unimplemented_method();
        }
        let shutdown = self.shutdown.clone();
        Box::pin(async move {
            let method = tower::service_fn(move |_: tonic::Request<Empty>| {
                log(Level::Debug, "Shutdown RPC received, stopping");
                // The in-flight reply still goes out: shutdown is graceful.
                shutdown.send_replace(true);
                async { Ok::<_, Status>(tonic::Response::new(Empty {})) }
            });
            Ok(Grpc::new(ProstCodec::<Empty, Empty>::default())
                .unary(method, req)
                .await)
        })
    }
}

/// A boxed response stream.
pub type BoxStream<T> = Pin<Box<dyn Stream<Item = Result<T, Status>> + Send + 'static>>;

/// `plugin.GRPCStdio`: `StreamStdio(google.protobuf.Empty) -> stream StdioData`.
/// This plugin writes its logs to stderr directly, so the stream carries no data; it stays open
/// like go-plugin's and ends when shutdown begins, so it does not hold up a graceful stop.
#[derive(Clone)]
pub struct GrpcStdio {
    shutdown: watch::Receiver<bool>,
}

impl GrpcStdio {
    /// The stream ends once `shutdown` turns `true`.
    pub fn new(shutdown: watch::Receiver<bool>) -> Self {
        GrpcStdio { shutdown }
    }
}

impl NamedService for GrpcStdio {
    const NAME: &'static str = "plugin.GRPCStdio";
}

impl<B> Service<http::Request<B>> for GrpcStdio
where
    B: Body + Send + 'static,
    B::Error: Into<StdError> + Send + 'static,
{
    type Response = Resp;
    type Error = Infallible;
    type Future = BoxFuture<Resp, Infallible>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: http::Request<B>) -> Self::Future {
        if req.uri().path() != "/plugin.GRPCStdio/StreamStdio" {
            return unimplemented_method();
        }
        let shutdown = self.shutdown.clone();
        Box::pin(async move {
            let method = tower::service_fn(move |_: tonic::Request<Empty>| {
                let stream: BoxStream<StdioData> = Box::pin(
                    tokio_stream::wrappers::WatchStream::new(shutdown.clone())
                        .take_while(|stopping| !*stopping)
                        .filter_map(|_| None),
                );
                async move { Ok::<_, Status>(tonic::Response::new(stream)) }
            });
            Ok(Grpc::new(ProstCodec::<StdioData, Empty>::default())
                .server_streaming(method, req)
                .await)
        })
    }
}

/// `plugin.GRPCBroker`: `StartStream(stream ConnInfo) -> stream ConnInfo`. tfplugin6 never
/// uses the broker and go-plugin's client ignores errors from it, so this answers UNIMPLEMENTED.
#[derive(Clone, Default)]
pub struct GrpcBroker;

impl NamedService for GrpcBroker {
    const NAME: &'static str = "plugin.GRPCBroker";
}

impl<B> Service<http::Request<B>> for GrpcBroker
where
    B: Body + Send + 'static,
    B::Error: Into<StdError> + Send + 'static,
{
    type Response = Resp;
    type Error = Infallible;
    type Future = BoxFuture<Resp, Infallible>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: http::Request<B>) -> Self::Future {
        if req.uri().path() != "/plugin.GRPCBroker/StartStream" {
            return unimplemented_method();
        }
        Box::pin(async move {
            let method = tower::service_fn(|_: tonic::Request<Streaming<ConnInfo>>| async {
                Err::<tonic::Response<BoxStream<ConnInfo>>, _>(Status::unimplemented(
                    "this plugin does not use the go-plugin broker",
                ))
            });
            Ok(Grpc::new(ProstCodec::<ConnInfo, ConnInfo>::default())
                .streaming(method, req)
                .await)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use prost::Message as _;

    #[test]
    fn wire_format_matches_the_proto_field_numbers() {
        let d = StdioData {
            channel: StdioChannel::Stderr as i32,
            data: b"hi".to_vec(),
        };
        assert_eq!(d.encode_to_vec(), vec![0x08, 0x02, 0x12, 0x02, b'h', b'i']);
        let c = ConnInfo {
            service_id: 1,
            network: "unix".into(),
            address: String::new(),
            knock: Some(Knock {
                knock: true,
                ack: false,
                error: String::new(),
            }),
        };
        assert_eq!(
            c.encode_to_vec(),
            vec![0x08, 1, 0x12, 4, b'u', b'n', b'i', b'x', 0x22, 2, 0x08, 1]
        );
        assert!(Empty {}.encode_to_vec().is_empty());
    }
}
