//! Sessions of the provider component: compiled, linked and
//! pre-instantiated once (an `InstancePre`), and a fresh instance with its
//! own store per session, so calls never share guest memory and may run in
//! parallel on other threads.

use crate::clock::{GuestClock, WallClock};
use crate::egress::{EgressPolicy, RateLimiter};
use crate::bindings::provider::{ProviderComponent, ProviderComponentPre};
use crate::{pulumi_wit, wit};
use std::path::Path;
use std::sync::{Arc, Mutex};
use wasmtime::component::{Component, Linker, ResourceTable};
use wasmtime::{Config, Engine, Store};
use wasmtime_wasi::{WasiCtx, WasiCtxBuilder, WasiCtxView, WasiView};
use wasmtime_wasi_http::{WasiHttpCtx, WasiHttpCtxView, WasiHttpView};

/// The provider component compiled, linked and pre-instantiated once; every
/// session instantiates from the same `InstancePre`.
pub struct Harness {
    engine: Engine,
    pre: ProviderComponentPre<HostState>,
}

/// What one session may do.
#[derive(Clone)]
pub struct SessionConfig {
    /// `scheme://host:port` (or any URL; its origin is taken): the one
    /// origin requests may reach.
    pub allowed_origin: String,
    /// The guest's wall clock.
    pub clock: WallClock,
    /// A rate shared with other sessions; `None`: only the component's own
    /// per-instance limit applies.
    pub limiter: Option<Arc<RateLimiter>>,
}

impl Harness {
    /// Compiles the provider component at `path` and links it.
    pub fn load(path: &Path) -> wasmtime::Result<Harness> {
        let engine = Engine::new(&Config::new())?;
        let component = Component::from_file(&engine, path)?;
        Self::new(engine, &component)
    }

    /// Links an already compiled component (for hosts that choose their own
    /// engine configuration, e.g. a compile cache).
    pub fn new(engine: Engine, component: &Component) -> wasmtime::Result<Harness> {
        let linker = link(&engine)?;
        let pre = ProviderComponentPre::new(linker.instantiate_pre(component)?)?;
        Ok(Harness { engine, pre })
    }

    /// The engine.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// A fresh instance with its own store, egress policy and clock, and no
    /// arguments, environment or preopened directory.
    pub fn session(&self, config: &SessionConfig) -> wasmtime::Result<Session> {
        let refused = Arc::new(Mutex::new(Vec::new()));
        let egress = EgressPolicy::new(&config.allowed_origin, refused.clone(), config.limiter.clone());
        let mut builder = WasiCtx::builder();
        builder.wall_clock(GuestClock(config.clock.clone()));
        let mut store = Store::new(&self.engine, HostState::new(builder, egress));
        let instance = self.pre.instantiate(&mut store)?;
        Ok(Session { store, instance, refused })
    }
}

/// The provider's imports: the reactors' WASI and wasi-http (whose
/// requests the egress policy judges); no filesystem, environment or sockets.
pub fn link(engine: &Engine) -> wasmtime::Result<Linker<HostState>> {
    let mut linker = Linker::new(engine);
    crate::link::reactor_wasi(&mut linker)?;
    wasmtime_wasi_http::p2::add_only_http_to_linker_sync(&mut linker)?;
    Ok(linker)
}

/// Per-store state: WASI, wasi-http, and the egress policy.
pub struct HostState {
    wasi: WasiCtx,
    http: WasiHttpCtx,
    table: ResourceTable,
    hooks: EgressPolicy,
}

impl HostState {
    /// WASI as `wasi` describes it, with `egress` deciding what leaves.
    pub fn new(mut wasi: WasiCtxBuilder, egress: EgressPolicy) -> HostState {
        HostState { wasi: wasi.build(), http: WasiHttpCtx::new(), table: ResourceTable::new(), hooks: egress }
    }
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
    pub fn pulumi_read(&mut self, conn: &wit::Connection, req: &pulumi_wit::ReadRequest) -> Call<Option<pulumi_wit::ReadResponse>> {
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

    /// `pulumi.invoke` (the get function).
    pub fn pulumi_invoke(&mut self, conn: &wit::Connection, req: &pulumi_wit::InvokeRequest) -> Call<pulumi_wit::InvokeResponse> {
        let f = self.instance.cloudflare_access_service_token_pulumi();
        f.call_invoke(&mut self.store, conn, req)
    }

    /// `pulumi.list` (one page of a scope's tokens).
    pub fn pulumi_list(&mut self, conn: &wit::Connection, req: &pulumi_wit::ListRequest) -> Call<pulumi_wit::ListResponse> {
        let f = self.instance.cloudflare_access_service_token_pulumi();
        f.call_list(&mut self.store, conn, req)
    }
}
