//! Cloudflare's inactivity cleanup for service tokens: an account setting
//! that disables or deletes tokens which have not authenticated for N days
//! (30 to 365).
//!
//! The real cleanup is a background job; here it is applied lazily, at the
//! emulator clock's "now", before every request and every [`crate::Emulator`]
//! accessor. Moving the clock is therefore all a test does to trigger it, and
//! the outcome does not depend on when a job happens to run.

use std::fmt;
use std::str::FromStr;

/// What the cleanup does to an idle token.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CleanupAction {
    /// `enabled = false`; the token (id, client id, secrets) is kept and can
    /// be re-enabled with a PUT.
    Disable,
    /// The token is removed, as if deleted through the API.
    Delete,
}

/// An inactivity cleanup rule: `action` once a token has not authenticated
/// for `after_days` days. "Not authenticated" counts from `last_seen_at`, or
/// from `created_at` for a token never seen (or from a later re-enable; see
/// [`crate::StoredToken::idle_since`]); the limit itself counts as idle
/// (`now - idle_since >= after_days`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct InactivityCleanup {
    pub action: CleanupAction,
    /// Between [`InactivityCleanup::MIN_DAYS`] and [`InactivityCleanup::MAX_DAYS`].
    pub after_days: u32,
}

impl InactivityCleanup {
    /// The shortest idle period the setting accepts.
    pub const MIN_DAYS: u32 = 30;
    /// The longest idle period the setting accepts.
    pub const MAX_DAYS: u32 = 365;

    /// A rule, checked: `after_days` must be within 30..=365.
    pub fn new(action: CleanupAction, after_days: u32) -> Result<InactivityCleanup, String> {
        let rule = InactivityCleanup { action, after_days };
        rule.check()?;
        Ok(rule)
    }

    /// Err naming the problem when `after_days` is outside 30..=365.
    pub fn check(&self) -> Result<(), String> {
        if (Self::MIN_DAYS..=Self::MAX_DAYS).contains(&self.after_days) {
            Ok(())
        } else {
            Err(format!(
                "inactivity cleanup after {} days: must be between {} and {} days",
                self.after_days,
                Self::MIN_DAYS,
                Self::MAX_DAYS
            ))
        }
    }
}

impl FromStr for CleanupAction {
    type Err = String;

    /// `disable` or `delete`.
    fn from_str(s: &str) -> Result<CleanupAction, String> {
        match s {
            "disable" => Ok(CleanupAction::Disable),
            "delete" => Ok(CleanupAction::Delete),
            other => Err(format!(
                "unknown inactivity action {other:?} (expected disable or delete)"
            )),
        }
    }
}

impl fmt::Display for CleanupAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CleanupAction::Disable => "disable",
            CleanupAction::Delete => "delete",
        })
    }
}

impl FromStr for InactivityCleanup {
    type Err = String;

    /// `ACTION:DAYS`, e.g. `disable:90` (the command line's form).
    fn from_str(s: &str) -> Result<InactivityCleanup, String> {
        let (action, days) = s
            .split_once(':')
            .ok_or_else(|| format!("{s:?}: expected ACTION:DAYS, e.g. disable:90"))?;
        let days = days
            .parse()
            .map_err(|e| format!("{s:?}: days {days:?}: {e}"))?;
        InactivityCleanup::new(action.parse()?, days)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_parse_and_the_day_range_is_checked() {
        assert_eq!(
            "delete:30".parse::<InactivityCleanup>(),
            Ok(InactivityCleanup {
                action: CleanupAction::Delete,
                after_days: 30
            })
        );
        assert!("disable:365".parse::<InactivityCleanup>().is_ok());
        for bad in [
            "disable:29",
            "disable:366",
            "archive:90",
            "disable",
            "disable:x",
        ] {
            assert!(bad.parse::<InactivityCleanup>().is_err(), "{bad}");
        }
    }
}
