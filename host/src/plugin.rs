//! What every engine plugin (Pulumi's, Terraform's) does with the component
//! the same way: compile it once per process (and, through wasmtime's compile
//! cache, once per machine), run each call on a fresh instance on a blocking
//! thread so the engine's calls run in parallel, let a call's requests reach
//! only the configured origin at the rate every call shares, and log without
//! ever failing (see [`log`]). How a call's error reaches the engine — a gRPC
//! status, a diagnostic — is each plugin's own.

use crate::clock::system_clock;
use crate::{Harness, PolicyHarness, PolicySession, RateLimiter, Session, SessionConfig, WallClock};
use std::sync::Arc;
use wasmtime::component::Component;
use wasmtime::{Cache, CacheConfig, Config, Engine};

/// Shifts the guest's wall clock by this many seconds: for tests of the
/// renewal window (a token 340 days old without waiting 340 days). Unset in
/// real use.
pub const CLOCK_OFFSET_ENV: &str = "ACCESS_SERVICE_TOKEN_CLOCK_OFFSET_SECONDS";

/// Set to anything to compile the component on every start instead of
/// through wasmtime's cache (for measuring a cold start).
pub const NO_CACHE_ENV: &str = "ACCESS_SERVICE_TOKEN_NO_COMPILE_CACHE";

/// A component a plugin hosts: the provider (Pulumi's resource provider,
/// Terraform's provider) or the policy checks (Pulumi's analyzer).
pub trait Hosted: Sized + Send + Sync + 'static {
    /// One fresh instance.
    type Session;
    /// The component, embedded in the plugin.
    const WASM: &'static [u8];
    /// Links the compiled component.
    fn link(engine: Engine, component: &Component) -> wasmtime::Result<Self>;
    /// A fresh instance whose requests may go where `egress` says.
    fn session(&self, clock: &WallClock, egress: Egress) -> wasmtime::Result<Self::Session>;
}

impl Hosted for Harness {
    type Session = Session;
    const WASM: &'static [u8] = crate::PROVIDER_WASM;

    fn link(engine: Engine, component: &Component) -> wasmtime::Result<Self> {
        Harness::new(engine, component)
    }

    fn session(&self, clock: &WallClock, egress: Egress) -> wasmtime::Result<Session> {
        Harness::session(self, &SessionConfig { allowed_origin: egress.origin, clock: clock.clone(), limiter: egress.limiter })
    }
}

/// The policy component links no network, so `egress` has nothing to govern.
impl Hosted for PolicyHarness {
    type Session = PolicySession;
    const WASM: &'static [u8] = crate::POLICY_WASM;

    fn link(engine: Engine, component: &Component) -> wasmtime::Result<Self> {
        PolicyHarness::new(engine, component)
    }

    fn session(&self, clock: &WallClock, _: Egress) -> wasmtime::Result<PolicySession> {
        PolicyHarness::session(self, clock)
    }
}

/// The compiled component and the guest's clock.
pub struct Host<H: Hosted = Harness> {
    harness: H,
    clock: WallClock,
}

/// Where a call's requests may go, and the rate they share.
#[derive(Clone)]
pub struct Egress {
    pub origin: String,
    pub limiter: Option<Arc<RateLimiter>>,
}

impl Egress {
    /// For calls that make no request (validation, diff, previews, policy):
    /// nothing may leave.
    pub fn none() -> Egress {
        Egress { origin: String::new(), limiter: None }
    }
}

/// Why a call did not return the component's answer.
#[derive(Debug)]
pub enum CallError {
    /// The component returned an error (its messages never hold a secret).
    Component(crate::wit::Error),
    /// The component trapped, or the call's thread failed: a bug.
    Failed(String),
}

/// Whether to use wasmtime's compile cache: unless [`NO_CACHE_ENV`] is set.
pub fn cache_from_env() -> bool {
    std::env::var_os(NO_CACHE_ENV).is_none()
}

/// A failure Cloudflare reported, as both plugins word it:
/// `HTTP 403 (Cloudflare code 10000): Authentication error`.
pub fn api_failure_text(f: &crate::wit::ApiFailure) -> String {
    match f.code {
        Some(code) => format!("HTTP {} (Cloudflare code {code}): {}", f.status, f.message),
        None => format!("HTTP {}: {}", f.status, f.message),
    }
}

/// The clock offset from [`CLOCK_OFFSET_ENV`] (0 when unset).
pub fn clock_offset_from_env() -> Result<i64, String> {
    match std::env::var(CLOCK_OFFSET_ENV) {
        Ok(v) => v.trim().parse::<i64>().map_err(|_| format!("{CLOCK_OFFSET_ENV} must be a whole number of seconds, found {v:?}")),
        Err(_) => Ok(0),
    }
}

impl<H: Hosted> Host<H> {
    /// Compiles the embedded component, through wasmtime's on-disk cache
    /// when `cached` (so a later start deserialises instead of compiling;
    /// plugins pass `!`[`NO_CACHE_ENV`]).
    pub fn load(cached: bool, clock_offset_seconds: i64) -> wasmtime::Result<Host<H>> {
        let mut config = Config::new();
        if cached {
            config.cache(Some(Cache::new(CacheConfig::new())?));
        }
        let engine = Engine::new(&config)?;
        let component = Component::new(&engine, H::WASM)?;
        let harness = H::link(engine, &component)?;
        Ok(Host { harness, clock: system_clock(chrono::Duration::seconds(clock_offset_seconds)) })
    }

    /// Runs `call` on a fresh instance, on a blocking thread.
    pub async fn call<T: Send + 'static>(
        self: &Arc<Self>,
        egress: Egress,
        call: impl FnOnce(&mut H::Session) -> wasmtime::Result<Result<T, crate::wit::Error>> + Send + 'static,
    ) -> Result<T, CallError> {
        let host = self.clone();
        let joined = tokio::task::spawn_blocking(move || {
            let mut session = host.harness.session(&host.clock, egress)?;
            call(&mut session)
        })
        .await;
        match joined {
            Ok(Ok(Ok(value))) => Ok(value),
            Ok(Ok(Err(e))) => Err(CallError::Component(e)),
            Ok(Err(trap)) => Err(CallError::Failed(format!("the component failed (please report): {trap:#}"))),
            Err(join) => Err(CallError::Failed(format!("the call's thread failed: {join}"))),
        }
    }
}

/// Log lines on stderr that can never stop a plugin. An engine reads a
/// plugin's stderr through a pipe (Pulumi's `execPlugin`, go-plugin's
/// `Client.Start`); once the engine is gone that pipe has no reader, and
/// `eprintln!` panics on the failed write — in the task that was about to
/// stop the plugin. Here a line that cannot be written is dropped.
pub mod log {
    use std::io::Write;

    /// Writes one line to stderr, ignoring a failed write.
    pub fn line(args: std::fmt::Arguments<'_>) {
        let mut stderr = std::io::stderr().lock();
        let _ = stderr.write_fmt(args).and_then(|()| stderr.write_all(b"\n"));
    }
}

/// `log!("…", args)`: [`log::line`] with `format!`'s syntax.
#[macro_export]
macro_rules! log {
    ($($arg:tt)*) => {
        $crate::plugin::log::line(format_args!($($arg)*))
    };
}
