//! Two Pulumi plugins that host the access-service-token component:
//! `pulumi-resource-cloudflare-access-service-token`, a resource provider
//! (`pulumirpc.ResourceProvider`), and
//! `pulumi-analyzer-policy-cloudflare-access-service-token`, a policy-pack
//! analyzer (`pulumirpc.Analyzer`). The engine starts them, reads their port
//! from the first line of stdout and speaks gRPC; every resource decision and
//! every policy finding is the component's, made in its sandbox.

pub mod analyzer;
pub mod codec;
pub mod config;
pub mod host;
pub mod plugin;
pub mod proto;
pub mod schema;
pub mod server;
pub mod status;
pub mod structs;
pub mod watch;
