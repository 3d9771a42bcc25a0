//! `pulumi-resource-cloudflare-access-service-token`: a Pulumi resource
//! provider plugin that hosts the access-service-token component. The engine
//! starts it, reads its port from the first line of stdout and speaks
//! `pulumirpc.ResourceProvider` over gRPC; every resource decision is the
//! component's, made in its sandbox.

pub mod codec;
pub mod config;
pub mod host;
pub mod proto;
pub mod schema;
pub mod server;
pub mod status;
pub mod structs;
pub mod watch;
