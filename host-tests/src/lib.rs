//! The host side of the project's tests: the shared wasmtime host (the
//! `component-host` crate) with the emulator's clock (the harness), and the scenario tests and demo built on it. The
//! Cloudflare API emulator lives in the `cloudflare-emulator` crate beside it.

pub mod command;
pub mod engine;
pub mod harness;

pub use component_host::{command_path, policy_command_path, policy_path, provider_path};
