//! The gRPC service `tfplugin6.Provider`: a trait with one async method per
//! RPC of protocol 6.11 (36 of them) and [`ProviderServer`], the tower
//! service that routes `/tfplugin6.Provider/<Name>` to it.
//!
//! This is what `tonic-build` generates, written by hand (no `.proto`, no
//! `protoc`) for one reason: every method has a default body answering
//! `UNIMPLEMENTED`, so a provider implements only the RPCs it serves.
//! `tonic_build::manual` cannot emit default bodies, and an associated
//! stream type cannot have a default on stable Rust, so the three
//! server-streaming RPCs return [`BoxStream`] (what tonic-build itself emits
//! with `generate_default_stubs`). The one client-streaming RPC,
//! `WriteStateBytes`, takes a [`tonic::Streaming`].
//!
//! Implement the trait with `#[tonic::async_trait]` on the `impl` block.

use crate::proto::*;
use std::convert::Infallible;
use std::sync::Arc;
use std::task::{Context, Poll};
use tonic::body::Body;
use tonic::codegen::{http, BoxFuture, Service, StdError};
use tonic::server::NamedService;
use tonic::{Request, Response, Status, Streaming};
use tonic_prost::ProstCodec;

pub use tonic::codegen::BoxStream;

/// The gRPC service name.
pub const SERVICE_NAME: &str = "tfplugin6.Provider";

/// Default message size limit each way: 256 MiB, as terraform-plugin-go
/// allows (state and schemas of big providers exceed tonic's 4 MiB).
pub const DEFAULT_MAX_MESSAGE_SIZE: usize = 256 << 20;

/// `UNIMPLEMENTED` for an RPC the provider does not serve.
fn unimplemented<T>(rpc: &str) -> Result<T, Status> {
    Err(Status::unimplemented(format!(
        "the provider does not implement {rpc}"
    )))
}

/// `tfplugin6.Provider`, in the `.proto`'s order. Every method defaults to
/// `UNIMPLEMENTED`. A managed resource with a data source and `moved {}`
/// support needs: `get_provider_schema`, `validate_provider_config`,
/// `configure_provider`, `validate_resource_config`,
/// `upgrade_resource_state`, `read_resource`, `plan_resource_change`,
/// `apply_resource_change`, `import_resource_state`, `move_resource_state`,
/// `validate_data_resource_config`, `read_data_source`, `stop_provider`,
/// plus `get_metadata`. `get_resource_identity_schemas` and `get_functions`
/// already answer empty, as Terraform accepts.
#[tonic::async_trait]
pub trait Provider: Send + Sync + 'static {
    /// Capabilities and type names without the schemas (Terraform does not call it).
    async fn get_metadata(
        &self,
        _request: Request<get_metadata::Request>,
    ) -> Result<Response<get_metadata::Response>, Status> {
        unimplemented("GetMetadata")
    }
    /// Schemas of the provider, its resources and data sources, and capabilities.
    async fn get_provider_schema(
        &self,
        _request: Request<get_provider_schema::Request>,
    ) -> Result<Response<get_provider_schema::Response>, Status> {
        unimplemented("GetProviderSchema")
    }
    async fn validate_provider_config(
        &self,
        _request: Request<validate_provider_config::Request>,
    ) -> Result<Response<validate_provider_config::Response>, Status> {
        unimplemented("ValidateProviderConfig")
    }
    async fn validate_resource_config(
        &self,
        _request: Request<validate_resource_config::Request>,
    ) -> Result<Response<validate_resource_config::Response>, Status> {
        unimplemented("ValidateResourceConfig")
    }
    async fn validate_data_resource_config(
        &self,
        _request: Request<validate_data_resource_config::Request>,
    ) -> Result<Response<validate_data_resource_config::Response>, Status> {
        unimplemented("ValidateDataResourceConfig")
    }
    /// Stored state (raw JSON) to the current schema; called on every read of state.
    async fn upgrade_resource_state(
        &self,
        _request: Request<upgrade_resource_state::Request>,
    ) -> Result<Response<upgrade_resource_state::Response>, Status> {
        unimplemented("UpgradeResourceState")
    }
    /// Answers no identity schemas: the resources have no identity.
    async fn get_resource_identity_schemas(
        &self,
        _request: Request<get_resource_identity_schemas::Request>,
    ) -> Result<Response<get_resource_identity_schemas::Response>, Status> {
        Ok(Response::new(
            get_resource_identity_schemas::Response::default(),
        ))
    }
    async fn upgrade_resource_identity(
        &self,
        _request: Request<upgrade_resource_identity::Request>,
    ) -> Result<Response<upgrade_resource_identity::Response>, Status> {
        unimplemented("UpgradeResourceIdentity")
    }
    async fn configure_provider(
        &self,
        _request: Request<configure_provider::Request>,
    ) -> Result<Response<configure_provider::Response>, Status> {
        unimplemented("ConfigureProvider")
    }
    async fn read_resource(
        &self,
        _request: Request<read_resource::Request>,
    ) -> Result<Response<read_resource::Response>, Status> {
        unimplemented("ReadResource")
    }
    async fn plan_resource_change(
        &self,
        _request: Request<plan_resource_change::Request>,
    ) -> Result<Response<plan_resource_change::Response>, Status> {
        unimplemented("PlanResourceChange")
    }
    async fn apply_resource_change(
        &self,
        _request: Request<apply_resource_change::Request>,
    ) -> Result<Response<apply_resource_change::Response>, Status> {
        unimplemented("ApplyResourceChange")
    }
    async fn import_resource_state(
        &self,
        _request: Request<import_resource_state::Request>,
    ) -> Result<Response<import_resource_state::Response>, Status> {
        unimplemented("ImportResourceState")
    }
    async fn move_resource_state(
        &self,
        _request: Request<move_resource_state::Request>,
    ) -> Result<Response<move_resource_state::Response>, Status> {
        unimplemented("MoveResourceState")
    }
    async fn read_data_source(
        &self,
        _request: Request<read_data_source::Request>,
    ) -> Result<Response<read_data_source::Response>, Status> {
        unimplemented("ReadDataSource")
    }
    async fn generate_resource_config(
        &self,
        _request: Request<generate_resource_config::Request>,
    ) -> Result<Response<generate_resource_config::Response>, Status> {
        unimplemented("GenerateResourceConfig")
    }
    async fn validate_ephemeral_resource_config(
        &self,
        _request: Request<validate_ephemeral_resource_config::Request>,
    ) -> Result<Response<validate_ephemeral_resource_config::Response>, Status> {
        unimplemented("ValidateEphemeralResourceConfig")
    }
    async fn open_ephemeral_resource(
        &self,
        _request: Request<open_ephemeral_resource::Request>,
    ) -> Result<Response<open_ephemeral_resource::Response>, Status> {
        unimplemented("OpenEphemeralResource")
    }
    async fn renew_ephemeral_resource(
        &self,
        _request: Request<renew_ephemeral_resource::Request>,
    ) -> Result<Response<renew_ephemeral_resource::Response>, Status> {
        unimplemented("RenewEphemeralResource")
    }
    async fn close_ephemeral_resource(
        &self,
        _request: Request<close_ephemeral_resource::Request>,
    ) -> Result<Response<close_ephemeral_resource::Response>, Status> {
        unimplemented("CloseEphemeralResource")
    }
    /// Server-streaming.
    async fn list_resource(
        &self,
        _request: Request<list_resource::Request>,
    ) -> Result<Response<BoxStream<list_resource::Event>>, Status> {
        unimplemented("ListResource")
    }
    async fn validate_list_resource_config(
        &self,
        _request: Request<validate_list_resource_config::Request>,
    ) -> Result<Response<validate_list_resource_config::Response>, Status> {
        unimplemented("ValidateListResourceConfig")
    }
    /// Answers no functions.
    async fn get_functions(
        &self,
        _request: Request<get_functions::Request>,
    ) -> Result<Response<get_functions::Response>, Status> {
        Ok(Response::new(get_functions::Response::default()))
    }
    async fn call_function(
        &self,
        _request: Request<call_function::Request>,
    ) -> Result<Response<call_function::Response>, Status> {
        unimplemented("CallFunction")
    }
    async fn validate_state_store_config(
        &self,
        _request: Request<validate_state_store::Request>,
    ) -> Result<Response<validate_state_store::Response>, Status> {
        unimplemented("ValidateStateStoreConfig")
    }
    async fn configure_state_store(
        &self,
        _request: Request<configure_state_store::Request>,
    ) -> Result<Response<configure_state_store::Response>, Status> {
        unimplemented("ConfigureStateStore")
    }
    /// Server-streaming.
    async fn read_state_bytes(
        &self,
        _request: Request<read_state_bytes::Request>,
    ) -> Result<Response<BoxStream<read_state_bytes::Response>>, Status> {
        unimplemented("ReadStateBytes")
    }
    /// Client-streaming.
    async fn write_state_bytes(
        &self,
        _request: Request<Streaming<write_state_bytes::RequestChunk>>,
    ) -> Result<Response<write_state_bytes::Response>, Status> {
        unimplemented("WriteStateBytes")
    }
    async fn lock_state(
        &self,
        _request: Request<lock_state::Request>,
    ) -> Result<Response<lock_state::Response>, Status> {
        unimplemented("LockState")
    }
    async fn unlock_state(
        &self,
        _request: Request<unlock_state::Request>,
    ) -> Result<Response<unlock_state::Response>, Status> {
        unimplemented("UnlockState")
    }
    async fn get_states(
        &self,
        _request: Request<get_states::Request>,
    ) -> Result<Response<get_states::Response>, Status> {
        unimplemented("GetStates")
    }
    async fn delete_state(
        &self,
        _request: Request<delete_state::Request>,
    ) -> Result<Response<delete_state::Response>, Status> {
        unimplemented("DeleteState")
    }
    async fn plan_action(
        &self,
        _request: Request<plan_action::Request>,
    ) -> Result<Response<plan_action::Response>, Status> {
        unimplemented("PlanAction")
    }
    /// Server-streaming.
    async fn invoke_action(
        &self,
        _request: Request<invoke_action::Request>,
    ) -> Result<Response<BoxStream<invoke_action::Event>>, Status> {
        unimplemented("InvokeAction")
    }
    async fn validate_action_config(
        &self,
        _request: Request<validate_action_config::Request>,
    ) -> Result<Response<validate_action_config::Response>, Status> {
        unimplemented("ValidateActionConfig")
    }
    /// Ctrl-C: cancel work in progress. Terraform ignores the answer.
    async fn stop_provider(
        &self,
        _request: Request<stop_provider::Request>,
    ) -> Result<Response<stop_provider::Response>, Status> {
        unimplemented("StopProvider")
    }
}

/// Every RPC: (route name, kind, trait method). One list drives both the
/// router and the test that all 36 routes exist.
macro_rules! provider_routes {
    ($m:ident) => {
        $m! {
            GetMetadata unary get_metadata,
            GetProviderSchema unary get_provider_schema,
            ValidateProviderConfig unary validate_provider_config,
            ValidateResourceConfig unary validate_resource_config,
            ValidateDataResourceConfig unary validate_data_resource_config,
            UpgradeResourceState unary upgrade_resource_state,
            GetResourceIdentitySchemas unary get_resource_identity_schemas,
            UpgradeResourceIdentity unary upgrade_resource_identity,
            ConfigureProvider unary configure_provider,
            ReadResource unary read_resource,
            PlanResourceChange unary plan_resource_change,
            ApplyResourceChange unary apply_resource_change,
            ImportResourceState unary import_resource_state,
            MoveResourceState unary move_resource_state,
            ReadDataSource unary read_data_source,
            GenerateResourceConfig unary generate_resource_config,
            ValidateEphemeralResourceConfig unary validate_ephemeral_resource_config,
            OpenEphemeralResource unary open_ephemeral_resource,
            RenewEphemeralResource unary renew_ephemeral_resource,
            CloseEphemeralResource unary close_ephemeral_resource,
            ListResource server_streaming list_resource,
            ValidateListResourceConfig unary validate_list_resource_config,
            GetFunctions unary get_functions,
            CallFunction unary call_function,
            ValidateStateStoreConfig unary validate_state_store_config,
            ConfigureStateStore unary configure_state_store,
            ReadStateBytes server_streaming read_state_bytes,
            WriteStateBytes client_streaming write_state_bytes,
            LockState unary lock_state,
            UnlockState unary unlock_state,
            GetStates unary get_states,
            DeleteState unary delete_state,
            PlanAction unary plan_action,
            InvokeAction server_streaming invoke_action,
            ValidateActionConfig unary validate_action_config,
            StopProvider unary stop_provider,
        }
    };
}

macro_rules! route_names {
    ($($route:ident $kind:ident $method:ident,)*) => {
        /// The 36 RPC names of `tfplugin6.Provider` 6.11 served by [`ProviderServer`].
        pub const RPC_NAMES: &[&str] = &[$(stringify!($route)),*];
    };
}
provider_routes!(route_names);

/// The tower service for `tfplugin6.Provider`: add it to a
/// `tonic::transport::Server` (or `tonic::service::Routes`).
#[derive(Debug)]
pub struct ProviderServer<T> {
    inner: Arc<T>,
    max_decoding_message_size: usize,
    max_encoding_message_size: usize,
}

impl<T> ProviderServer<T> {
    pub fn new(inner: T) -> Self {
        Self::from_arc(Arc::new(inner))
    }

    pub fn from_arc(inner: Arc<T>) -> Self {
        Self {
            inner,
            max_decoding_message_size: DEFAULT_MAX_MESSAGE_SIZE,
            max_encoding_message_size: DEFAULT_MAX_MESSAGE_SIZE,
        }
    }

    /// Limits the size of a decoded request.
    #[must_use]
    pub fn max_decoding_message_size(mut self, limit: usize) -> Self {
        self.max_decoding_message_size = limit;
        self
    }

    /// Limits the size of an encoded response.
    #[must_use]
    pub fn max_encoding_message_size(mut self, limit: usize) -> Self {
        self.max_encoding_message_size = limit;
        self
    }

    fn grpc<Q, R>(&self) -> tonic::server::Grpc<ProstCodec<R, Q>>
    where
        Q: prost::Message + Default + Send + 'static,
        R: prost::Message + Send + 'static,
    {
        tonic::server::Grpc::new(ProstCodec::default()).apply_max_message_size_config(
            Some(self.max_decoding_message_size),
            Some(self.max_encoding_message_size),
        )
    }
}

impl<T> Clone for ProviderServer<T> {
    fn clone(&self) -> Self {
        Self {
            inner: Arc::clone(&self.inner),
            ..*self
        }
    }
}

impl<T> NamedService for ProviderServer<T> {
    const NAME: &'static str = SERVICE_NAME;
}

/// One RPC as a tower service: the provider and the trait method to call.
/// tonic's `UnaryService`, `ServerStreamingService` and
/// `ClientStreamingService` have blanket impls for tower services of the
/// right shape. A plain `fn` pointer (not a closure) keeps the future's
/// `Send` proof free of higher-ranked lifetimes.
struct Handler<T, Q, R> {
    inner: Arc<T>,
    call: CallFn<T, Q, R>,
}

/// The trait method, as a non-capturing closure coerced to a pointer.
type CallFn<T, Q, R> = fn(Arc<T>, Request<Q>) -> BoxFuture<Response<R>, Status>;

impl<T, Q, R> Service<Request<Q>> for Handler<T, Q, R> {
    type Response = Response<R>;
    type Error = Status;
    type Future = BoxFuture<Response<R>, Status>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Status>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request<Q>) -> Self::Future {
        (self.call)(Arc::clone(&self.inner), request)
    }
}

/// One dispatch arm per route kind.
macro_rules! dispatch {
    ($self:ident, $req:ident, $path:ident; $($route:ident $kind:ident $method:ident,)*) => {
        match $path {
            $(
                concat!("/tfplugin6.Provider/", stringify!($route)) => {
                    let handler = Handler {
                        inner: Arc::clone(&$self.inner),
                        call: |inner: Arc<T>, request| Box::pin(async move { inner.$method(request).await }),
                    };
                    let mut grpc = $self.grpc();
                    Box::pin(async move { Ok(grpc.$kind(handler, $req).await) })
                }
            )*
            _ => Box::pin(async move {
                let mut response = http::Response::new(Body::default());
                let headers = response.headers_mut();
                headers.insert(Status::GRPC_STATUS, (tonic::Code::Unimplemented as i32).into());
                headers.insert(http::header::CONTENT_TYPE, tonic::metadata::GRPC_CONTENT_TYPE);
                Ok(response)
            }),
        }
    };
}

macro_rules! dispatch_all {
    ($($t:tt)*) => {
        impl<T, B> Service<http::Request<B>> for ProviderServer<T>
        where
            T: Provider,
            B: tonic::codegen::Body + Send + 'static,
            B::Error: Into<StdError> + Send + 'static,
        {
            type Response = http::Response<Body>;
            type Error = Infallible;
            type Future = BoxFuture<Self::Response, Infallible>;

            fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
                Poll::Ready(Ok(()))
            }

            fn call(&mut self, req: http::Request<B>) -> Self::Future {
                let path = req.uri().path().to_owned();
                let path = path.as_str();
                dispatch!(self, req, path; $($t)*)
            }
        }
    };
}
provider_routes!(dispatch_all);
