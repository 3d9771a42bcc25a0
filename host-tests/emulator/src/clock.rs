//! An injectable clock.
//!
//! Expiry is the heart of service tokens (`expires_at = now + duration`), and
//! tests must be able to move time without sleeping. Every time the emulator
//! reads "now" it asks this clock, and the test holds a clone of the same clock.

use chrono::{DateTime, Utc};
use std::fmt;
use std::sync::{Arc, Mutex};

#[derive(Clone, Copy)]
enum Mode {
    /// Stays at this instant until moved.
    Fixed(DateTime<Utc>),
    /// Wall clock plus an offset, so `advance`/`set` also work on a live clock.
    System(chrono::Duration),
}

/// Shared, injectable clock. Cloning gives a handle to the *same* clock.
#[derive(Clone)]
pub struct Clock {
    mode: Arc<Mutex<Mode>>,
}

impl Clock {
    /// A clock that stays at `start` until [`Clock::advance`] or [`Clock::set`] moves it.
    pub fn fixed(start: DateTime<Utc>) -> Clock {
        Clock {
            mode: Arc::new(Mutex::new(Mode::Fixed(start))),
        }
    }

    /// A clock that follows the real wall clock (moving it shifts it by an offset).
    pub fn system() -> Clock {
        Clock {
            mode: Arc::new(Mutex::new(Mode::System(chrono::Duration::zero()))),
        }
    }

    /// The current instant of this clock.
    pub fn now(&self) -> DateTime<Utc> {
        match *self.lock() {
            Mode::Fixed(t) => t,
            Mode::System(offset) => Utc::now() + offset,
        }
    }

    /// Moves the clock forward (or back, with a negative duration).
    pub fn advance(&self, by: chrono::Duration) {
        let mut mode = self.lock();
        *mode = match *mode {
            Mode::Fixed(t) => Mode::Fixed(t + by),
            Mode::System(offset) => Mode::System(offset + by),
        };
    }

    /// Puts the clock at `to` (a system clock keeps ticking from there).
    pub fn set(&self, to: DateTime<Utc>) {
        let mut mode = self.lock();
        *mode = match *mode {
            Mode::Fixed(_) => Mode::Fixed(to),
            Mode::System(_) => Mode::System(to - Utc::now()),
        };
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Mode> {
        // A poisoned clock still holds a valid instant.
        self.mode.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl fmt::Debug for Clock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match *self.lock() {
            Mode::Fixed(_) => "fixed",
            Mode::System(_) => "system",
        };
        f.debug_struct("Clock")
            .field("kind", &kind)
            .field("now", &self.now())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn fixed_clock_moves_only_when_told_and_clones_share_it() {
        let start = Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap();
        let clock = Clock::fixed(start);
        let other = clock.clone();
        assert_eq!(clock.now(), start);
        other.advance(chrono::Duration::hours(2));
        assert_eq!(clock.now(), start + chrono::Duration::hours(2));
        clock.set(start);
        assert_eq!(other.now(), start);
    }

    #[test]
    fn system_clock_can_be_shifted() {
        let clock = Clock::system();
        clock.advance(chrono::Duration::days(10));
        let ahead = clock.now() - Utc::now();
        assert!(ahead > chrono::Duration::days(9));
    }
}
