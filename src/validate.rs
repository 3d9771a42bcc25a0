//! Check: every rule of SEMANTICS.md's "Check" section, over typed
//! arguments, reporting all failures at once. No network, no clock.
//! Unknown property names can only occur in property bags: see
//! [`crate::properties`], which decodes a bag and then calls [`check`].

use crate::duration;
use crate::error::{CheckFailure, Error};
use crate::model::{check_identifier, TokenArgs};

/// The warning for a renewal window at least as long as the token's life
/// (`minDaysForRenewal` days ≥ `duration`, 8760h when not set): the token is
/// always inside its window, so every run renews it. One text for `check`,
/// `preview` and the policy rule `renewal-window-too-long`; `property` is the
/// name as the file spells it. `None` when renewal is off (0), the window is
/// shorter, or the duration is not one (check reports that).
pub fn renewal_window_too_long(property: &str, min_days: i64, duration: Option<&str>) -> Option<String> {
    if min_days <= 0 {
        return None;
    }
    let shown = duration.unwrap_or(duration::DEFAULT_DURATION);
    let life = duration::parse(shown).ok()?.as_delta();
    chrono::TimeDelta::try_days(min_days)
        .is_none_or(|window| window >= life)
        .then(|| format!("{property} is {min_days} days, not shorter than the token's lifetime ({shown}), so every run renews it"))
}

/// Validates `args`; returns them (with defaults applied) or every failure.
pub fn check(args: &TokenArgs) -> Result<TokenArgs, Error> {
    let failures = failures(args);
    if failures.is_empty() {
        Ok(args.clone())
    } else {
        Err(Error::InvalidInput(failures))
    }
}

/// The failures of `args`, in property order; empty when valid.
pub fn failures(args: &TokenArgs) -> Vec<CheckFailure> {
    let mut out = Vec::new();
    if args.name.trim().is_empty() {
        out.push(CheckFailure::new("name", "required: a non-empty name"));
    }
    match (&args.account_id, &args.zone_id) {
        (Some(_), Some(_)) => {
            out.push(CheckFailure::new("accountId", "conflicts with zoneId: set exactly one of accountId or zoneId"));
            out.push(CheckFailure::new("zoneId", "conflicts with accountId: set exactly one of accountId or zoneId"));
        }
        (None, None) => out.push(CheckFailure::new("accountId", "one of accountId or zoneId is required")),
        _ => {}
    }
    for (property, id) in [("accountId", &args.account_id), ("zoneId", &args.zone_id)] {
        if let Some(id) = id {
            if let Err(reason) = check_identifier(id) {
                out.push(CheckFailure::new(property, reason));
            }
        }
    }
    if args.min_days_for_renewal < 0 {
        out.push(CheckFailure::new(
            "minDaysForRenewal",
            format!("expected 0 (never renew) or a positive number of days, found {}", args.min_days_for_renewal),
        ));
    }
    if let Some(d) = &args.duration {
        if let Err(reason) = duration::parse(d) {
            out.push(CheckFailure::new("duration", reason));
        }
    }
    if args.client_secret_version == Some(0) {
        out.push(CheckFailure::new("clientSecretVersion", "expected a version of 1 or more, found 0"));
    }
    if let Some(t) = &args.previous_client_secret_expires_at {
        if let Err(e) = chrono::DateTime::parse_from_rfc3339(t) {
            out.push(CheckFailure::new(
                "previousClientSecretExpiresAt",
                format!("expected an RFC 3339 time such as \"2030-01-01T00:00:00Z\", found {t} ({e})", t = crate::error::quote(&t)),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const ACCOUNT: &str = "f037e56e89293a057740de681ac9abbe";
    const ZONE: &str = "0da42c8d2132a9ddaf714f9e7c920711";

    fn args() -> TokenArgs {
        TokenArgs { name: "CI/CD app renewed".into(), account_id: Some(ACCOUNT.into()), min_days_for_renewal: 30, ..Default::default() }
    }

    fn properties(err: Error) -> Vec<String> {
        match err {
            Error::InvalidInput(f) => f.into_iter().map(|f| f.property).collect(),
            other => panic!("expected invalid input, got {other:?}"),
        }
    }

    #[test]
    fn the_seed_program_is_valid() {
        assert_eq!(check(&args()), Ok(args()));
        let zone = TokenArgs { account_id: None, zone_id: Some(ZONE.into()), ..args() };
        assert_eq!(check(&zone), Ok(zone.clone()));
    }

    #[test]
    fn both_scopes_fail_on_both_properties() {
        let a = TokenArgs { zone_id: Some(ZONE.into()), ..args() };
        let err = check(&a).unwrap_err();
        assert!(err.to_string().contains("conflicts with"));
        assert_eq!(properties(err), ["accountId", "zoneId"]);
    }

    #[test]
    fn neither_scope_fails() {
        let a = TokenArgs { account_id: None, ..args() };
        let err = check(&a).unwrap_err();
        assert!(err.to_string().contains("one of accountId or zoneId is required"), "{err}");
    }

    #[test]
    fn every_failure_is_reported_at_once() {
        let a = TokenArgs {
            name: "  ".into(),
            account_id: Some("f037e56e".into()),
            zone_id: None,
            min_days_for_renewal: -1,
            duration: Some("1y".into()),
            client_secret_version: Some(0),
            previous_client_secret_expires_at: Some("tomorrow".into()),
            enabled: true,
        };
        let err = check(&a).unwrap_err();
        let text = err.to_string();
        assert_eq!(
            properties(err),
            ["name", "accountId", "minDaysForRenewal", "duration", "clientSecretVersion", "previousClientSecretExpiresAt"]
        );
        assert!(text.contains(r#"accountId: expected 32 hexadecimal characters, found "f037e56e" (8)"#), "{text}");
        assert!(text.contains("found -1"), "{text}");
    }

    #[test]
    fn forever_and_rfc3339_are_accepted() {
        let a = TokenArgs {
            duration: Some("forever".into()),
            previous_client_secret_expires_at: Some("2030-01-01T00:00:00Z".into()),
            client_secret_version: Some(2),
            ..args()
        };
        assert!(check(&a).is_ok());
    }
}
