//! The harness is the shared host (`component-host`), with the emulator's
//! clock as the guest's wall clock: tests move one clock for both sides.

pub use component_host::{origin_of, policy_wit, pulumi_wit, wit, Harness, Session, SessionConfig, WallClock};
use cloudflare_emulator::Clock;
use std::sync::Arc;

/// The emulator's clock as the guest's wall clock.
pub fn guest_clock(clock: &Clock) -> WallClock {
    let clock = clock.clone();
    Arc::new(move || clock.now())
}

/// A session config for tests: one origin, the emulator's clock, no shared rate.
pub fn session_config(allowed_origin: &str, clock: &Clock) -> SessionConfig {
    SessionConfig { allowed_origin: allowed_origin.to_string(), clock: guest_clock(clock), limiter: None }
}
