//! The one wasmtime host of the component, shared by every native host in
//! this repository (the test harness, the demo and benchmarks, the Pulumi
//! plugin): the component compiled once and pre-instantiated, WASI and
//! wasi-http linked (or, for the policy sandbox, wasi-http linked to traps),
//! the guest's wall clock, and an egress policy that lets requests reach one
//! API origin only, at a rate shared by every session of the process; and,
//! for the engine plugins, one compiled component called on a fresh instance
//! per call ([`plugin`]).

pub mod clock;
pub mod connect;
pub mod egress;
pub mod plugin;
pub mod sandbox;
pub mod session;

pub use clock::{GuestClock, WallClock};
pub use egress::{origin_of, EgressPolicy, RateLimiter};
pub use session::{link, Harness, HostState, Session, SessionConfig};

/// The component's generated bindings (host side).
pub mod bindings {
    wasmtime::component::bindgen!({
        world: "provider-component",
        path: "../wit",
        additional_derives: [PartialEq],
    });
}

pub use bindings::cloudflare::access_service_token::types as wit;
/// The `pulumi` interface's request and response records.
pub use bindings::exports::cloudflare::access_service_token::pulumi as pulumi_wit;
/// The `policy` interface's records.
pub use bindings::exports::cloudflare::access_service_token::policy as policy_wit;

/// The component this crate's build script built (or the file named by
/// `ACCESS_SERVICE_TOKEN_WASM` at build time).
pub fn component_path() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("COMPONENT_WASM"))
}

/// The policy command this crate's build script built
/// (`access-service-token-policy.wasm`: the `policy` verb alone, importing
/// no `wasi:http` and no `wasi:sockets`), or the file named by
/// `ACCESS_SERVICE_TOKEN_POLICY_WASM` at build time.
pub fn policy_command_path() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("POLICY_COMMAND_WASM"))
}

/// The same component, embedded, for hosts that ship as one binary.
pub static COMPONENT_WASM: &[u8] = include_bytes!(env!("COMPONENT_WASM"));
