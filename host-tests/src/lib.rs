//! The host side of the project: a small engine that embeds the component in
//! wasmtime (the harness), and the scenario tests and demo built on it. The
//! Cloudflare API emulator lives in the `cloudflare-emulator` crate beside it.

pub mod command;
pub mod engine;
pub mod harness;
pub mod sandbox;

/// The component built by this crate's build script (or the file named by
/// `ACCESS_SERVICE_TOKEN_WASM` at build time).
pub fn component_path() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("COMPONENT_WASM"))
}
