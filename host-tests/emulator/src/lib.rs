//! `cloudflare-emulator`: a local, faithful emulator of the Cloudflare Access
//! service token API (`/client/v4/{accounts|zones}/{id}/access/service_tokens`),
//! for tests and demos that must not touch the real API.
//!
//! The API is synchronous: [`Emulator::start`] runs the HTTP server on its own
//! thread (with its own tokio runtime), so plain `#[test]` functions and a
//! wasmtime host can use it directly. Time comes from an injectable [`Clock`],
//! every request is recorded ([`Emulator::requests`]), faults can be scripted
//! ([`Emulator::inject_fault`]), and [`openapi::OpenApi`] checks recorded
//! requests against the reference OpenAPI document.
//!
//! The same server also plays an Access application protected by service
//! tokens, so a test can check that a token really works:
//! `ANY /access-app/accounts/{account_id}[/...]` and
//! `ANY /access-app/zones/{zone_id}[/...]` (see [`Emulator::access_app_url`])
//! answer 200 to `CF-Access-Client-Id` / `CF-Access-Client-Secret` headers of
//! an enabled, unexpired token of that account or zone, presenting its current
//! secret or its previous one before `previous_client_secret_expires_at`, and
//! 403 otherwise. A success sets the token's `last_seen_at`. These requests
//! are logged apart ([`Emulator::app_requests`]), never among the API calls of
//! [`Emulator::requests`]. An [`InactivityCleanup`] per account or zone
//! ([`Emulator::set_inactivity_cleanup`]) disables or deletes tokens idle
//! for N days as the clock moves.
//!
//! ```no_run
//! use cloudflare_emulator::{Emulator, EmulatorConfig, DEFAULT_API_TOKEN};
//! let emu = Emulator::start(EmulatorConfig::default()).unwrap();
//! let url = format!("{}/accounts/{}/access/service_tokens", emu.base_url(), "0".repeat(32));
//! // POST {"name": "ci"} to `url` with `Authorization: Bearer {DEFAULT_API_TOKEN}` ...
//! # let _ = (url, DEFAULT_API_TOKEN);
//! ```

mod access_app;
pub mod client;
mod auth;
mod clock;
pub mod duration;
mod envelope;
mod faults;
mod handlers;
pub mod ids;
mod inactivity;
mod log;
pub mod openapi;
mod routes;
mod server;
mod store;

pub use access_app::{AppOutcome, AppRequest, Denial, APP_PREFIX};
pub use auth::Credentials;
pub use clock::Clock;
pub use faults::{Fault, FaultKind, Gate};
pub use inactivity::{CleanupAction, InactivityCleanup};
pub use log::{AuthUsed, LoggedRequest};
pub use routes::PREFIX;
pub use store::{Scope, StoredToken};

use std::fmt;
use std::net::SocketAddr;
use std::sync::Arc;

/// The API token [`EmulatorConfig::default`] accepts (`Authorization: Bearer test-api-token`).
pub const DEFAULT_API_TOKEN: &str = "test-api-token";
/// The email of the global API key pair [`EmulatorConfig::default`] accepts.
pub const DEFAULT_API_EMAIL: &str = "user@example.com";
/// The global API key [`EmulatorConfig::default`] accepts with [`DEFAULT_API_EMAIL`].
pub const DEFAULT_API_KEY: &str = "test-global-api-key";

impl Credentials {
    /// [`DEFAULT_API_TOKEN`] and the pair [`DEFAULT_API_EMAIL`] / [`DEFAULT_API_KEY`].
    pub fn defaults() -> Credentials {
        Credentials {
            api_tokens: vec![DEFAULT_API_TOKEN.to_string()],
            api_keys: vec![(DEFAULT_API_EMAIL.to_string(), DEFAULT_API_KEY.to_string())],
        }
    }
}

/// How to start an [`Emulator`].
#[derive(Debug, Clone)]
pub struct EmulatorConfig {
    pub credentials: Credentials,
    pub clock: Clock,
    /// `Some(seed)` makes ids, client ids and secrets reproducible.
    pub seed: Option<u64>,
    /// Where to listen; port 0 picks a free port.
    pub bind: SocketAddr,
}

impl Default for EmulatorConfig {
    /// Default credentials, the system clock, random ids, `127.0.0.1:0`.
    fn default() -> EmulatorConfig {
        EmulatorConfig {
            credentials: Credentials::defaults(),
            clock: Clock::system(),
            seed: None,
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
        }
    }
}

/// A running emulator. Dropping it shuts the server down.
pub struct Emulator {
    shared: Arc<server::Shared>,
    server: server::Server,
}

impl Emulator {
    /// Binds, starts serving on a background thread, and returns once the
    /// socket accepts connections.
    pub fn start(config: EmulatorConfig) -> std::io::Result<Emulator> {
        let shared = Arc::new(server::Shared::new(
            config.credentials,
            config.clock,
            config.seed,
        ));
        let server = server::Server::start(shared.clone(), config.bind)?;
        Ok(Emulator { shared, server })
    }

    /// The API base URL, e.g. `http://127.0.0.1:41234/client/v4` (no trailing slash).
    pub fn base_url(&self) -> String {
        format!("http://{}{}", self.server.addr(), PREFIX)
    }

    pub fn addr(&self) -> SocketAddr {
        self.server.addr()
    }

    /// A handle to the emulator's clock (moving it moves the emulator's "now").
    pub fn clock(&self) -> Clock {
        self.shared.clock.clone()
    }

    /// Every API request received so far, in arrival order, including
    /// faulted and rejected ones (not the Access application's: see
    /// [`Emulator::app_requests`]).
    pub fn requests(&self) -> Vec<LoggedRequest> {
        self.shared.log.snapshot()
    }

    pub fn clear_requests(&self) {
        self.shared.log.clear();
    }

    /// The URL of the Access application guarding `scope`:
    /// `http://{addr}/access-app/accounts/{id}` or `.../access-app/zones/{id}`
    /// (any sub-path and method is guarded the same way).
    pub fn access_app_url(&self, scope: &Scope) -> String {
        format!(
            "http://{}{APP_PREFIX}/{}/{}",
            self.server.addr(),
            scope.kind(),
            scope.id()
        )
    }

    /// Presents a service token to the Access application of `scope` over
    /// real HTTP, as a client would ([`client::present`]).
    pub fn present(&self, scope: &Scope, client_id: &str, client_secret: &str) -> client::AppAnswer {
        client::present(&self.access_app_url(scope), client_id, client_secret).unwrap_or_else(|e| panic!("the Access application did not answer: {e}"))
    }

    /// Every request to the Access application so far, in arrival order.
    pub fn app_requests(&self) -> Vec<AppRequest> {
        self.shared.app_log.snapshot()
    }

    pub fn clear_app_requests(&self) {
        self.shared.app_log.clear();
    }

    /// Turns on (or with `None` off) the inactivity cleanup of an account
    /// (or zone), as of the clock's "now": from then on, at every request and
    /// accessor, its tokens idle for `after_days` days are disabled or deleted.
    ///
    /// # Panics
    /// If `after_days` is not within 30..=365 (a bug in the calling test).
    pub fn set_inactivity_cleanup(&self, scope: &Scope, cleanup: Option<InactivityCleanup>) {
        if let Some(rule) = &cleanup {
            rule.check()
                .unwrap_or_else(|e| panic!("set_inactivity_cleanup: {e}"));
        }
        let now = self.shared.now();
        self.shared.store().set_cleanup(scope.clone(), cleanup, now);
    }

    /// The inactivity cleanup of an account or zone, if one is set.
    pub fn inactivity_cleanup(&self, scope: &Scope) -> Option<InactivityCleanup> {
        self.shared.store().cleanup(scope)
    }

    /// Adds a scripted fault; the first matching fault (in injection order) applies.
    pub fn inject_fault(&self, fault: Fault) {
        self.shared.faults.inject(fault);
    }

    pub fn clear_faults(&self) {
        self.shared.faults.clear();
    }

    /// Adds this delay to every request (e.g. to make benchmarks realistic).
    pub fn set_latency(&self, d: std::time::Duration) {
        *self
            .shared
            .latency
            .lock()
            .unwrap_or_else(|e| e.into_inner()) = d;
    }

    /// Makes every list answer the first page, whatever `page` asks for
    /// (an API that does not page), or stops doing so.
    pub fn set_list_ignores_page(&self, on: bool) {
        self.list_quirks().ignore_page = on;
    }

    /// Leaves `result_info` out of every list answer, or puts it back.
    pub fn set_list_omits_result_info(&self, on: bool) {
        self.list_quirks().omit_result_info = on;
    }

    fn list_quirks(&self) -> std::sync::MutexGuard<'_, server::ListQuirks> {
        self.shared.list_quirks.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The most requests ever handled at once.
    pub fn peak_in_flight(&self) -> usize {
        self.shared.peak_in_flight.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Response body bytes sent so far.
    pub fn bytes_sent(&self) -> u64 {
        self.shared.bytes_sent.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Every `client_secret` ever issued, oldest first (for leak tests).
    pub fn issued_secrets(&self) -> Vec<String> {
        self.shared.store().issued_secrets().to_vec()
    }

    /// All tokens currently stored, in creation order (after any inactivity
    /// cleanup the clock calls for).
    pub fn tokens(&self) -> Vec<StoredToken> {
        self.shared.store().all().to_vec()
    }

    /// Seeds a token directly, as if created through the API at the clock's
    /// "now"; `duration` defaults to `8760h`. Returns it, secret included.
    ///
    /// # Panics
    /// If `duration` is not a valid duration (a bug in the calling test).
    pub fn insert_token(&self, scope: Scope, name: &str, duration: Option<&str>) -> StoredToken {
        let duration = duration.unwrap_or(duration::DEFAULT_DURATION);
        let lifetime = duration::parse(duration).unwrap_or_else(|e| panic!("insert_token: {e}"));
        let new = store::NewToken {
            name: name.to_string(),
            duration: duration.to_string(),
            lifetime,
            client_secret_version: 1,
            previous_client_secret_expires_at: None,
            enabled: true,
        };
        let now = self.shared.now();
        self.shared.store().create(scope, new, now)
    }

    /// Removes a token behind the client's back; false if it was not there.
    pub fn remove_token(&self, scope: &Scope, id: &str) -> bool {
        self.shared.store().remove(scope, id).is_some()
    }
}

impl fmt::Debug for Emulator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Emulator")
            .field("base_url", &self.base_url())
            .finish_non_exhaustive()
    }
}
