//! Two Pulumi plugins that host the access-service-token components:
//! `pulumi-resource-cloudflare-access-service-token`, a resource provider
//! (`pulumirpc.ResourceProvider`) over the provider component, and
//! `pulumi-analyzer-policy-cloudflare-access-service-token`, a policy-pack
//! analyzer (`pulumirpc.Analyzer`) over the policy component. The engine
//! starts them, reads their port from the first line of stdout and speaks
//! gRPC; every resource decision and every policy finding is a component's,
//! made in its sandbox.
//!
//! Nothing here prints with `eprintln!`/`println!`: once the engine is gone
//! a write to its pipes fails, and those macros panic (see
//! [`component_host::plugin::log`]).
#![deny(clippy::print_stderr, clippy::print_stdout)]

pub mod analyzer;
pub mod codec;
pub mod config;
pub mod engine;
pub mod host;
pub mod plugin;
pub mod proto;
pub mod schema;
pub mod server;
pub mod status;
pub mod structs;
pub mod watch;
