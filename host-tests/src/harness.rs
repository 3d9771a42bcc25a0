//! The wasmtime harness: loads the component once (an `InstancePre` reused
//! for every session), links WASI and wasi-http, injects the wall clock, and
//! lets outgoing requests reach only the configured API origin. Everything
//! else is refused before a connection is made, and recorded.

use cloudflare_emulator::Clock;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use wasmtime::component::{Component, Linker, ResourceTable};
use wasmtime::{Config, Engine, Store};
use wasmtime_wasi::{HostWallClock, WasiCtx, WasiCtxView, WasiView};
use wasmtime_wasi_http::{WasiHttpCtx, WasiHttpCtxView, WasiHttpHooks, WasiHttpView};

wasmtime::component::bindgen!({
    world: "provider-component",
    path: "../wit",
    additional_derives: [PartialEq],
});

pub use cloudflare::access_service_token::types as wit;
/// The `pulumi` interface's request and response records.
pub use exports::cloudflare::access_service_token::pulumi as pulumi_wit;
/// The `policy` interface's records.
pub use exports::cloudflare::access_service_token::policy as policy_wit;

/// The component compiled, linked and pre-instantiated once; every session
/// instantiates from the same `InstancePre`.
pub struct Harness {
    engine: Engine,
    pre: ProviderComponentPre<HostState>,
}

/// What one session may do: the one origin requests may reach, and the
/// guest's wall clock.
#[derive(Clone)]
pub struct SessionConfig {
    /// `scheme://host:port` (or any URL; its origin is taken).
    pub allowed_origin: String,
    /// The guest's wall clock.
    pub clock: Clock,
}

impl Harness {
    /// Compiles the component at `path` and links WASI and wasi-http.
    pub fn load(path: &Path) -> wasmtime::Result<Harness> {
        Self::load_with(path, true)
    }

    /// The policy sandbox: no wasi-http (its imports trap if ever called).
    pub fn load_without_http(path: &Path) -> wasmtime::Result<Harness> {
        Self::load_with(path, false)
    }

    fn load_with(path: &Path, http: bool) -> wasmtime::Result<Harness> {
        let engine = Engine::new(&Config::new())?;
        let (component, linker) = link(&engine, path, http)?;
        let pre = ProviderComponentPre::new(linker.instantiate_pre(&component)?)?;
        Ok(Harness { engine, pre })
    }

    /// The engine.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// A fresh instance with its own store, egress policy and clock.
    pub fn session(&self, config: &SessionConfig) -> wasmtime::Result<Session> {
        let wasi = WasiCtx::builder().wall_clock(GuestClock(config.clock.clone())).build();
        let refused = Arc::new(Mutex::new(Vec::new()));
        let state = HostState {
            wasi,
            http: WasiHttpCtx::new(),
            table: ResourceTable::new(),
            hooks: EgressPolicy { allowed_origin: origin_of(&config.allowed_origin), refused: refused.clone() },
        };
        let mut store = Store::new(&self.engine, state);
        let instance = self.pre.instantiate(&mut store)?;
        Ok(Session { store, instance, refused })
    }
}

/// Compiles the component and links WASI, and wasi-http or (for the policy
/// sandbox) traps in its place.
pub(crate) fn link(engine: &Engine, path: &Path, http: bool) -> wasmtime::Result<(Component, Linker<HostState>)> {
    let component = Component::from_file(engine, path)?;
    let mut linker = Linker::new(engine);
    wasmtime_wasi::p2::add_to_linker_sync(&mut linker)?;
    if http {
        wasmtime_wasi_http::p2::add_only_http_to_linker_sync(&mut linker)?;
    } else {
        crate::sandbox::stub_http_as_traps(&mut linker, engine, &component)?;
    }
    Ok((component, linker))
}

/// `scheme://authority` of a URL, lower-cased, with the default port made explicit.
pub fn origin_of(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("https", url));
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let authority = authority.rsplit('@').next().unwrap_or(authority).to_ascii_lowercase();
    let scheme = scheme.to_ascii_lowercase();
    let has_port = authority.rsplit_once(':').is_some_and(|(_, p)| p.chars().all(|c| c.is_ascii_digit()) && !authority.ends_with(']'));
    if has_port {
        format!("{scheme}://{authority}")
    } else {
        let port = if scheme == "http" { 80 } else { 443 };
        format!("{scheme}://{authority}:{port}")
    }
}

/// The guest's wall clock: the shared test clock.
pub(crate) struct GuestClock(pub(crate) Clock);

impl HostWallClock for GuestClock {
    fn resolution(&self) -> Duration {
        Duration::from_nanos(1)
    }

    fn now(&self) -> Duration {
        let now = self.0.now();
        Duration::new(now.timestamp().max(0) as u64, now.timestamp_subsec_nanos())
    }
}

/// Per-store state: WASI, wasi-http, and the egress policy.
pub struct HostState {
    pub(crate) wasi: WasiCtx,
    pub(crate) http: WasiHttpCtx,
    pub(crate) table: ResourceTable,
    pub(crate) hooks: EgressPolicy,
}

impl WasiView for HostState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView { ctx: &mut self.wasi, table: &mut self.table }
    }
}

impl WasiHttpView for HostState {
    fn http(&mut self) -> WasiHttpCtxView<'_> {
        WasiHttpCtxView { ctx: &mut self.http, table: &mut self.table, hooks: &mut self.hooks }
    }
}

/// Lets requests reach one origin only.
pub(crate) struct EgressPolicy {
    pub(crate) allowed_origin: String,
    pub(crate) refused: Arc<Mutex<Vec<String>>>,
}

type SendResult = wasmtime_wasi_http::Result<(
    http::Response<wasmtime_wasi_http::WasiBody>,
    Box<dyn std::future::Future<Output = wasmtime_wasi_http::Result<()>> + Send>,
)>;

impl WasiHttpHooks for EgressPolicy {
    fn send_request(
        &mut self,
        request: http::Request<wasmtime_wasi_http::WasiBody>,
        options: Option<wasmtime_wasi_http::RequestOptions>,
        fut: Box<dyn std::future::Future<Output = wasmtime_wasi_http::Result<()>> + Send>,
    ) -> Box<dyn std::future::Future<Output = SendResult> + Send> {
        let origin = origin_of(&request.uri().to_string());
        if origin != self.allowed_origin {
            if let Ok(mut r) = self.refused.lock() {
                r.push(origin);
            }
            // Drain the (small, bounded) body first, so the guest's write
            // succeeds and it sees the real reason: `http-request-denied`.
            let body = http_body_util::Limited::new(request.into_body(), 1 << 20);
            return Box::new(async move {
                use http_body_util::BodyExt;
                let _ = body.collect().await;
                Err(wasmtime_wasi_http::Error::HttpRequestDenied)
            });
        }
        let _ = fut;
        Box::new(async move {
            use http_body_util::BodyExt;
            let (res, io) = wasmtime_wasi_http::default_send_request(request, options).await?;
            Ok((res.map(BodyExt::boxed_unsync), Box::new(io) as Box<dyn std::future::Future<Output = _> + Send>))
        })
    }
}

/// One instance of the component and its store; calls go through it.
pub struct Session {
    store: Store<HostState>,
    instance: ProviderComponent,
    refused: Arc<Mutex<Vec<String>>>,
}

type Call<T> = wasmtime::Result<Result<T, wit::Error>>;

impl Session {
    /// Origins of the requests the egress policy refused, in order.
    pub fn refused_requests(&self) -> Vec<String> {
        self.refused.lock().map(|r| r.clone()).unwrap_or_default()
    }

    /// `check`.
    pub fn check(&mut self, news: &wit::TokenArgs) -> Call<wit::TokenArgs> {
        let f = self.instance.cloudflare_access_service_token_provider();
        f.call_check(&mut self.store, news)
    }

    /// `diff`.
    pub fn diff(&mut self, olds: &wit::TokenState, news: &wit::TokenArgs, now: Option<wit::Timestamp>) -> Call<wit::DiffResult> {
        let f = self.instance.cloudflare_access_service_token_provider();
        f.call_diff(&mut self.store, olds, news, now)
    }

    /// `create`.
    pub fn create(&mut self, conn: &wit::Connection, news: &wit::TokenArgs, preview: bool) -> Call<wit::ApplyOutcome> {
        let f = self.instance.cloudflare_access_service_token_provider();
        f.call_create(&mut self.store, conn, news, preview)
    }

    /// `read`.
    pub fn read(&mut self, conn: &wit::Connection, state: &wit::TokenState) -> Call<Option<wit::TokenState>> {
        let f = self.instance.cloudflare_access_service_token_provider();
        f.call_read(&mut self.store, conn, state)
    }

    /// `update`.
    pub fn update(
        &mut self,
        conn: &wit::Connection,
        olds: &wit::TokenState,
        news: &wit::TokenArgs,
        now: Option<wit::Timestamp>,
        preview: bool,
    ) -> Call<wit::ApplyOutcome> {
        let f = self.instance.cloudflare_access_service_token_provider();
        f.call_update(&mut self.store, conn, olds, news, now, preview)
    }

    /// `delete`.
    pub fn delete(&mut self, conn: &wit::Connection, state: &wit::TokenState) -> Call<()> {
        let f = self.instance.cloudflare_access_service_token_provider();
        f.call_delete(&mut self.store, conn, state)
    }

    /// `import`.
    pub fn import(&mut self, conn: &wit::Connection, id: &str) -> Call<wit::TokenState> {
        let f = self.instance.cloudflare_access_service_token_provider();
        f.call_import(&mut self.store, conn, id)
    }

    /// `get` (lookup of an unmanaged token).
    pub fn get(&mut self, conn: &wit::Connection, scope: &wit::Scope, token_id: &str) -> Call<wit::TokenState> {
        let f = self.instance.cloudflare_access_service_token_provider();
        f.call_get(&mut self.store, conn, scope, token_id)
    }

    /// `rotate`.
    pub fn rotate(&mut self, conn: &wit::Connection, state: &wit::TokenState, previous_expires_at: Option<&str>) -> Call<wit::TokenState> {
        let f = self.instance.cloudflare_access_service_token_provider();
        f.call_rotate(&mut self.store, conn, state, previous_expires_at)
    }

    /// `pulumi.check`.
    pub fn pulumi_check(&mut self, req: &pulumi_wit::CheckRequest) -> Call<pulumi_wit::CheckResponse> {
        let f = self.instance.cloudflare_access_service_token_pulumi();
        f.call_check(&mut self.store, req)
    }

    /// `pulumi.diff`.
    pub fn pulumi_diff(&mut self, req: &pulumi_wit::DiffRequest) -> Call<pulumi_wit::DiffResponse> {
        let f = self.instance.cloudflare_access_service_token_pulumi();
        f.call_diff(&mut self.store, req)
    }

    /// `pulumi.create`.
    pub fn pulumi_create(&mut self, conn: &wit::Connection, req: &pulumi_wit::CreateRequest) -> Call<pulumi_wit::CreateResponse> {
        let f = self.instance.cloudflare_access_service_token_pulumi();
        f.call_create(&mut self.store, conn, req)
    }

    /// `pulumi.read`.
    pub fn pulumi_read(&mut self, conn: &wit::Connection, req: &pulumi_wit::ReadRequest) -> Call<pulumi_wit::ReadResponse> {
        let f = self.instance.cloudflare_access_service_token_pulumi();
        f.call_read(&mut self.store, conn, req)
    }

    /// `pulumi.update`.
    pub fn pulumi_update(&mut self, conn: &wit::Connection, req: &pulumi_wit::UpdateRequest) -> Call<pulumi_wit::UpdateResponse> {
        let f = self.instance.cloudflare_access_service_token_pulumi();
        f.call_update(&mut self.store, conn, req)
    }

    /// `pulumi.delete`.
    pub fn pulumi_delete(&mut self, conn: &wit::Connection, req: &pulumi_wit::DeleteRequest) -> Call<()> {
        let f = self.instance.cloudflare_access_service_token_pulumi();
        f.call_delete(&mut self.store, conn, req)
    }

    /// `policy.scan`.
    pub fn policy_scan(&mut self, files: &[policy_wit::InputFile], settings: &policy_wit::Settings, format: policy_wit::ReportFormat) -> Call<policy_wit::Report> {
        let f = self.instance.cloudflare_access_service_token_policy();
        f.call_scan(&mut self.store, files, settings, format)
    }
}
