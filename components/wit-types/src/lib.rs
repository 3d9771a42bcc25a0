//! The types every world of the WIT package shares (`types-only`: the
//! `types` interface, no function), generated once here so that each world's
//! glue (`provider-component`, `policy-component`) reuses them through
//! wit-bindgen's `with` instead of generating its own copy, and the two
//! conversions both need: the core's [`Error`] out, a WIT timestamp (or the
//! wall clock) in. Only for `wasm32`: natively this crate is empty.
#![cfg(target_arch = "wasm32")]
#![deny(missing_docs)]

use access_service_token::error::{ApiFailure, CheckFailure, Error};
use chrono::{DateTime, Utc};

#[allow(missing_docs, unsafe_code)]
mod bindings {
    wit_bindgen::generate!({
        world: "types-only",
        path: "../../wit",
    });
}

mod no_environment;

/// `cloudflare:access-service-token/types`, as generated for every world.
pub use bindings::cloudflare::access_service_token::types as wit;

/// The time the host passed, or the wall clock when it passed none. The
/// wall clock is read here and only here.
pub fn now_or_clock(now: Option<wit::Timestamp>) -> Result<DateTime<Utc>, wit::Error> {
    match now {
        None => Ok(Utc::now()),
        Some(t) => DateTime::from_timestamp(t.seconds, t.nanoseconds)
            .ok_or_else(|| error_out(Error::invalid("now", format!("{} s is outside the supported range of dates", t.seconds)))),
    }
}

fn failure_out(f: ApiFailure) -> wit::ApiFailure {
    wit::ApiFailure { status: f.status, code: f.code, message: f.message }
}

/// The core's error as the WIT `error` variant.
pub fn error_out(e: Error) -> wit::Error {
    match e {
        Error::InvalidInput(f) => wit::Error::InvalidInput(
            f.into_iter().map(|CheckFailure { property, reason }| wit::CheckFailure { property, reason }).collect(),
        ),
        Error::Unauthorized(f) => wit::Error::Unauthorized(failure_out(f)),
        Error::Forbidden(f) => wit::Error::Forbidden(failure_out(f)),
        Error::NotFound(f) => wit::Error::NotFound(failure_out(f)),
        Error::RateLimited { retry_after_seconds, message } => wit::Error::RateLimited(wit::RateLimit { retry_after_seconds, message }),
        Error::Api(f) => wit::Error::Api(failure_out(f)),
        Error::Transport(m) => wit::Error::Transport(m),
        // Only the command line locks a state file; the exports never do.
        Error::Locked(m) => wit::Error::InvalidInput(vec![wit::CheckFailure { property: "state".into(), reason: m }]),
        Error::Internal(m) => wit::Error::Internal(m),
        // `Error` is non-exhaustive: a kind added later is internal here
        // until the WIT variant gains it.
        other => wit::Error::Internal(other.to_string()),
    }
}
