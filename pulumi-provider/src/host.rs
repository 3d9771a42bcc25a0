//! The component inside the plugin: compiled once per process (and, through
//! wasmtime's compile cache, once per machine), a fresh instance per call on
//! a blocking thread, so calls from the engine run in parallel.

use crate::status::{component_error, trapped};
use component_host::clock::system_clock;
use component_host::{Harness, RateLimiter, Session, SessionConfig, WallClock};
use std::sync::Arc;
use tonic::Status;
use wasmtime::component::Component;
use wasmtime::{Cache, CacheConfig, Config, Engine};

/// Shifts the guest's wall clock by this many seconds: for tests of the
/// renewal window (a token 340 days old without waiting 340 days). Unset in
/// real use.
pub const CLOCK_OFFSET_ENV: &str = "ACCESS_SERVICE_TOKEN_CLOCK_OFFSET_SECONDS";

/// The compiled component and the guest's clock.
pub struct Host {
    harness: Harness,
    clock: WallClock,
}

/// Where a call's requests may go, and the rate they share.
#[derive(Clone)]
pub struct Egress {
    pub origin: String,
    pub limiter: Option<Arc<RateLimiter>>,
}

impl Egress {
    /// For calls that make no request (check, diff, previews, policy):
    /// nothing may leave.
    pub fn none() -> Egress {
        Egress { origin: String::new(), limiter: None }
    }
}

impl Host {
    /// Compiles the embedded component, through wasmtime's on-disk cache when
    /// `cached` (so a later start deserialises instead of compiling). Without
    /// `http`, the component's wasi-http imports are linked to traps: the
    /// policy analyzer's instances cannot reach any network.
    pub fn load(cached: bool, clock_offset_seconds: i64, http: bool) -> wasmtime::Result<Host> {
        let mut config = Config::new();
        if cached {
            config.cache(Some(Cache::new(CacheConfig::new())?));
        }
        let engine = Engine::new(&config)?;
        let component = Component::new(&engine, component_host::COMPONENT_WASM)?;
        let harness = Harness::new(engine, &component, http)?;
        Ok(Host { harness, clock: system_clock(chrono::Duration::seconds(clock_offset_seconds)) })
    }

    /// Runs `call` on a fresh instance, on a blocking thread.
    pub async fn call<T: Send + 'static>(
        self: &Arc<Self>,
        egress: Egress,
        call: impl FnOnce(&mut Session) -> wasmtime::Result<Result<T, component_host::wit::Error>> + Send + 'static,
    ) -> Result<T, Status> {
        let host = self.clone();
        let joined = tokio::task::spawn_blocking(move || {
            let config = SessionConfig { allowed_origin: egress.origin, clock: host.clock.clone(), limiter: egress.limiter };
            let mut session = host.harness.session(&config)?;
            call(&mut session)
        })
        .await;
        match joined {
            Ok(Ok(Ok(value))) => Ok(value),
            Ok(Ok(Err(e))) => Err(component_error(&e)),
            Ok(Err(trap)) => Err(trapped(&trap)),
            Err(join) => Err(Status::internal(format!("the call's thread failed: {join}"))),
        }
    }
}
