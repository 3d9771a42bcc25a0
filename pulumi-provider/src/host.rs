//! The component inside the plugin: the shared host of
//! [`component_host::plugin`], with its errors as gRPC statuses.

use crate::status::component_error;
use component_host::plugin::CallError;
pub use component_host::plugin::{Egress, CLOCK_OFFSET_ENV};
use component_host::Session;
use std::sync::Arc;
use tonic::Status;

/// The compiled component.
pub struct Host(Arc<component_host::plugin::Host>);

impl Host {
    /// See [`component_host::plugin::Host::load`].
    pub fn load(cached: bool, clock_offset_seconds: i64, http: bool) -> wasmtime::Result<Host> {
        component_host::plugin::Host::load(cached, clock_offset_seconds, http).map(|h| Host(Arc::new(h)))
    }

    /// Runs `call` on a fresh instance; its error as a status.
    pub async fn call<T: Send + 'static>(
        &self,
        egress: Egress,
        call: impl FnOnce(&mut Session) -> wasmtime::Result<Result<T, component_host::wit::Error>> + Send + 'static,
    ) -> Result<T, Status> {
        self.0.call(egress, call).await.map_err(|e| match e {
            CallError::Component(e) => component_error(&e),
            CallError::Failed(why) => Status::internal(why),
        })
    }
}
