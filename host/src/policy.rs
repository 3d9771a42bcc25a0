//! Sessions of the policy component: the policy sandbox. Its world imports
//! no `wasi:http`, no `wasi:sockets`, no filesystem and no environment, and
//! this host links none of them: the store holds no HTTP context at all, so
//! there is nothing a policy run could reach even if the component changed.

use crate::bindings::policy::{PolicyComponent, PolicyComponentPre};
use crate::clock::{GuestClock, WallClock};
use crate::{policy_wit, wit};
use std::path::Path;
use wasmtime::component::{Component, Linker, ResourceTable};
use wasmtime::{Config, Engine, Store};
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};

/// The policy component compiled, linked and pre-instantiated once.
pub struct PolicyHarness {
    engine: Engine,
    pre: PolicyComponentPre<PolicyState>,
}

/// Per-store state: WASI (stdio, clocks, random) and nothing else.
pub struct PolicyState {
    wasi: WasiCtx,
    table: ResourceTable,
}

impl WasiView for PolicyState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView { ctx: &mut self.wasi, table: &mut self.table }
    }
}

impl PolicyHarness {
    /// Compiles the policy component at `path` and links it.
    pub fn load(path: &Path) -> wasmtime::Result<PolicyHarness> {
        let engine = Engine::new(&Config::new())?;
        let component = Component::from_file(&engine, path)?;
        Self::new(engine, &component)
    }

    /// Links an already compiled component: the reactors' WASI only.
    pub fn new(engine: Engine, component: &Component) -> wasmtime::Result<PolicyHarness> {
        let mut linker = Linker::new(&engine);
        crate::link::reactor_wasi(&mut linker)?;
        let pre = PolicyComponentPre::new(linker.instantiate_pre(component)?)?;
        Ok(PolicyHarness { engine, pre })
    }

    /// A fresh instance with its own store and `clock` as its wall clock.
    pub fn session(&self, clock: &WallClock) -> wasmtime::Result<PolicySession> {
        let mut builder = WasiCtx::builder();
        builder.wall_clock(GuestClock(clock.clone()));
        let mut store = Store::new(&self.engine, PolicyState { wasi: builder.build(), table: ResourceTable::new() });
        let instance = self.pre.instantiate(&mut store)?;
        Ok(PolicySession { store, instance })
    }
}

/// One instance of the policy component and its store.
pub struct PolicySession {
    store: Store<PolicyState>,
    instance: PolicyComponent,
}

type Call<T> = wasmtime::Result<Result<T, wit::Error>>;

impl PolicySession {
    /// `policy.rules`.
    pub fn rules(&mut self) -> wasmtime::Result<Vec<policy_wit::RuleInfo>> {
        let f = self.instance.cloudflare_access_service_token_policy();
        f.call_rules(&mut self.store)
    }

    /// `policy.analyze`.
    pub fn analyze(&mut self, resources: &[policy_wit::EngineResource], settings: &policy_wit::Settings) -> Call<policy_wit::Report> {
        let f = self.instance.cloudflare_access_service_token_policy();
        f.call_analyze(&mut self.store, resources, settings)
    }

    /// `policy.scan`.
    pub fn scan(&mut self, files: &[policy_wit::InputFile], settings: &policy_wit::Settings, format: policy_wit::ReportFormat) -> Call<policy_wit::Report> {
        let f = self.instance.cloudflare_access_service_token_policy();
        f.call_scan(&mut self.store, files, settings, format)
    }
}
