//! The one wasmtime host of the components, shared by every native host in
//! this repository (the test harness, the demo and benchmarks, the Pulumi
//! and Terraform plugins): a component compiled once and pre-instantiated,
//! linked with exactly what its world imports ([`link`]: no filesystem, no
//! environment, no sockets; wasi-http for the provider only), the guest's
//! wall clock, and an egress policy that lets the provider's requests reach
//! one API origin only, at a rate shared by every session of the process;
//! and, for the engine plugins, one compiled component called on a fresh
//! instance per call ([`plugin`]).

pub mod clock;
pub mod connect;
pub mod egress;
pub mod link;
pub mod plugin;
pub mod policy;
pub mod session;

pub use clock::{GuestClock, WallClock};
pub use egress::{origin_of, EgressPolicy, RateLimiter};
pub use policy::{PolicyHarness, PolicySession};
pub use session::{Harness, HostState, Session, SessionConfig};

/// The components' generated bindings (host side), one module per world.
pub mod bindings {
    /// `provider-component`: the typed provider and the Pulumi protocol.
    pub mod provider {
        wasmtime::component::bindgen!({
            world: "provider-component",
            path: "../wit",
            additional_derives: [PartialEq],
        });
    }

    /// `policy-component`: the policy checks. Shares `types` with the provider's bindings.
    pub mod policy {
        wasmtime::component::bindgen!({
            world: "policy-component",
            path: "../wit",
            additional_derives: [PartialEq],
            with: { "cloudflare:access-service-token/types": super::provider::cloudflare::access_service_token::types },
        });
    }
}

pub use bindings::provider::cloudflare::access_service_token::types as wit;
/// The `pulumi` interface's request and response records.
pub use bindings::provider::exports::cloudflare::access_service_token::pulumi as pulumi_wit;
/// The `policy` interface's records.
pub use bindings::policy::exports::cloudflare::access_service_token::policy as policy_wit;

/// The provider component this crate's build script built
/// (`access_service_token_provider.wasm`).
pub fn provider_path() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("PROVIDER_WASM"))
}

/// The policy component (`access_service_token_policy.wasm`): imports no
/// network, filesystem or environment.
pub fn policy_path() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("POLICY_WASM"))
}

/// The command (`access_service_token.wasm`), for `wasmtime run`.
pub fn command_path() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("COMMAND_WASM"))
}

/// The policy command (`access_service_token_policy_command.wasm`: the
/// `policy` verb alone, importing no `wasi:http` and no `wasi:sockets`).
pub fn policy_command_path() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("POLICY_COMMAND_WASM"))
}

/// The provider component, embedded, for hosts that ship as one binary.
pub static PROVIDER_WASM: &[u8] = include_bytes!(env!("PROVIDER_WASM"));

/// The policy component, embedded.
pub static POLICY_WASM: &[u8] = include_bytes!(env!("POLICY_WASM"));
