//! The component inside the plugin: the shared host of
//! [`component_host::plugin`], with its errors as gRPC statuses.

use crate::status::component_error;
use component_host::plugin::{CallError, Hosted};
pub use component_host::plugin::{Egress, CLOCK_OFFSET_ENV};
/// The components a plugin hosts: the provider's and the policy checks'.
pub use component_host::{Harness as ProviderComponent, PolicyHarness as PolicyComponent};
use std::sync::Arc;
use tonic::Status;

/// The compiled component: the provider (the resource plugin) unless said otherwise.
pub struct Host<H: Hosted = ProviderComponent>(Arc<component_host::plugin::Host<H>>);

impl<H: Hosted> Host<H> {
    /// See [`component_host::plugin::Host::load`].
    pub fn load(cached: bool, clock_offset_seconds: i64) -> wasmtime::Result<Host<H>> {
        component_host::plugin::Host::load(cached, clock_offset_seconds).map(|h| Host(Arc::new(h)))
    }

    /// Runs `call` on a fresh instance; its error as a status.
    pub async fn call<T: Send + 'static>(
        &self,
        egress: Egress,
        call: impl FnOnce(&mut H::Session) -> wasmtime::Result<Result<T, component_host::wit::Error>> + Send + 'static,
    ) -> Result<T, Status> {
        self.0.call(egress, call).await.map_err(|e| match e {
            CallError::Component(e) => component_error(&e),
            CallError::Failed(why) => Status::internal(why),
        })
    }
}
