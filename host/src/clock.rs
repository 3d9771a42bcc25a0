//! The guest's wall clock is the host's to give: the tests move it (a token
//! 340 days old without waiting 340 days), the plugin gives the real one.

use chrono::{DateTime, Utc};
use std::sync::Arc;
use std::time::Duration;
use wasmtime_wasi::HostWallClock;

/// Where a session's guest reads the time.
pub type WallClock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// The real wall clock, shifted by `offset` (zero in production).
pub fn system_clock(offset: chrono::Duration) -> WallClock {
    Arc::new(move || Utc::now() + offset)
}

/// Adapts a [`WallClock`] to WASI's `wasi:clocks/wall-clock`.
pub struct GuestClock(pub WallClock);

impl HostWallClock for GuestClock {
    fn resolution(&self) -> Duration {
        Duration::from_nanos(1)
    }

    fn now(&self) -> Duration {
        let now = (self.0)();
        Duration::new(now.timestamp().max(0) as u64, now.timestamp_subsec_nanos())
    }
}
