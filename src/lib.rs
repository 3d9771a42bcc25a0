//! The Cloudflare Access service token resource: the pure core that every
//! component of this repository links.
//!
//! In scope: validation (`check`), diff and the renewal decision, one request
//! builder per API operation, response parsing, import ids, the provider
//! operations that sequence those calls over a [`transport::Transport`], and
//! the Pulumi provider protocol's property bags ([`pulumi`]).
//! Out of scope: any I/O. Time is a parameter; HTTP is sent by the
//! `wasi-http-transport` crate, the only code that touches the network.
//! Front ends (`access-service-token-program`, `-policy`, `-cli`) and the
//! component glue (`components/`) build on this crate; it depends on none of
//! them. Inside, arrows point one way:
//! `provider` → (`validate`, `diff`, `requests`, `responses`) → `transport`.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod connection;
pub mod diff;
pub mod duration;
pub mod error;
pub mod hint;
pub mod import_id;
pub mod model;
pub mod properties;
pub mod provider;
pub mod pulumi;
pub mod paging;
pub mod ratelimit;
pub mod requests;
pub mod responses;
pub mod schema;
pub mod secret;
pub mod transport;
pub mod validate;


pub use error::{ApiFailure, CheckFailure, Error};
