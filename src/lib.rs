//! The Cloudflare Access service token resource, as a pure core and a
//! WASI 0.2 component.
//!
//! In scope: validation (`check`), diff and the renewal decision, one request
//! builder per API operation, response parsing, import ids, and the provider
//! operations that sequence those calls over a [`transport::Transport`].
//! Out of scope for the core: any I/O. Time is a parameter; HTTP is done by the
//! component's transport (wasi-http, through waki), the only module that
//! touches the network. Arrows point one way:
//! `component` → `provider` → (`validate`, `diff`, `requests`, `responses`) → `transport`.
// Our code has no `unsafe`; only the bindings wit-bindgen generates do.
#![deny(unsafe_code)]
#![deny(missing_docs)]

pub mod cli;
pub mod connection;
pub mod diff;
pub mod duration;
pub mod engine;
pub mod error;
mod hint;
pub mod import_id;
pub mod model;
pub mod policy;
pub mod program;
pub mod properties;
pub mod provider;
pub mod pulumi;
pub mod paging;
pub mod ratelimit;
pub mod requests;
pub mod responses;
pub mod secret;
pub mod state;
pub mod state_crypto;
pub mod state_lock;
pub mod transport;
pub mod validate;

#[cfg(all(target_arch = "wasm32", feature = "component"))]
#[allow(unsafe_code, missing_docs)]
mod component;

pub use error::{ApiFailure, CheckFailure, Error};
