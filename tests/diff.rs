//! SEMANTICS.md's Diff table, row by row, and the renewal boundary.

mod common;

use access_service_token::diff::{self, ActionKind, DiffKind, PropertyDiff};
use access_service_token::model::TokenArgs;
use access_service_token::Error;
use common::*;

const NOW: &str = "2026-11-28T12:00:00Z";
const FAR: &str = "2027-11-28T12:00:00Z"; // a year away: no renewal

fn kinds(r: &diff::DiffResult) -> Vec<(String, DiffKind, bool)> {
    r.detailed_diff.iter().map(|PropertyDiff { property, kind, input_diff }| (property.clone(), *kind, *input_diff)).collect()
}

fn actions(r: &diff::DiffResult) -> Vec<ActionKind> {
    r.actions.iter().map(|a| a.kind).collect()
}

#[test]
fn nothing_changed_means_no_change() {
    let r = diff::diff(&state(seed_args(), FAR), &seed_args(), t(NOW)).unwrap();
    assert!(!r.changes);
    assert!(r.detailed_diff.is_empty() && r.actions.is_empty() && r.replaces.is_empty());
    let p = diff::plan(&state(seed_args(), FAR), &seed_args(), t(NOW)).unwrap();
    assert!(!p.needs_put() && !p.renew && !p.replace && !p.state_only);
}

#[test]
fn account_change_replaces_create_before_delete() {
    let news = TokenArgs { account_id: Some(ACCOUNT_2.into()), ..seed_args() };
    let r = diff::diff(&state(seed_args(), FAR), &news, t(NOW)).unwrap();
    assert!(r.changes);
    assert_eq!(r.replaces, ["accountId"]);
    assert!(!r.delete_before_replace);
    assert_eq!(kinds(&r), [("accountId".to_string(), DiffKind::UpdateReplace, true)]);
    assert_eq!(actions(&r), [ActionKind::Replace]);
    assert!(r.actions[0].reason.contains("created before the old one is deleted"));
}

#[test]
fn account_to_zone_replaces_with_add_and_delete_kinds() {
    let r = diff::diff(&state(seed_args(), FAR), &zone_args(), t(NOW)).unwrap();
    assert_eq!(r.replaces, ["accountId", "zoneId"]);
    assert_eq!(
        kinds(&r),
        [("accountId".to_string(), DiffKind::DeleteReplace, true), ("zoneId".to_string(), DiffKind::AddReplace, true)]
    );
    assert_eq!(actions(&r), [ActionKind::Replace]);
}

#[test]
fn rename_is_an_update_in_place() {
    let news = TokenArgs { name: "renamed".into(), ..seed_args() };
    let r = diff::diff(&state(seed_args(), FAR), &news, t(NOW)).unwrap();
    assert_eq!(kinds(&r), [("name".to_string(), DiffKind::Update, true)]);
    assert_eq!(actions(&r), [ActionKind::Update]);
    assert!(r.replaces.is_empty());
    let p = diff::plan(&state(seed_args(), FAR), &news, t(NOW)).unwrap();
    assert!(p.needs_put() && p.name_changed && !p.duration_changed);
}

#[test]
fn duration_change_updates_and_resets_the_expiry() {
    let old = TokenArgs { duration: Some("8760h".into()), ..seed_args() };
    let news = TokenArgs { duration: Some("720h".into()), ..seed_args() };
    let r = diff::diff(&state(old.clone(), FAR), &news, t(NOW)).unwrap();
    assert_eq!(
        kinds(&r),
        [("duration".to_string(), DiffKind::Update, true), ("expiresAt".to_string(), DiffKind::Update, false)]
    );
    assert_eq!(actions(&r), [ActionKind::Update]);
    assert!(r.actions[0].reason.contains("resets the expiry"));
    // The same lifetime written differently is no change.
    let same = TokenArgs { duration: Some("525600m".into()), ..seed_args() };
    assert!(!diff::diff(&state(old.clone(), FAR), &same, t(NOW)).unwrap().changes);
    // Leaving duration out keeps what the token has.
    assert!(!diff::diff(&state(old, FAR), &seed_args(), t(NOW)).unwrap().changes);
}

#[test]
fn min_days_only_is_a_state_only_update() {
    let news = TokenArgs { min_days_for_renewal: 10, ..seed_args() };
    let r = diff::diff(&state(seed_args(), FAR), &news, t(NOW)).unwrap();
    assert_eq!(kinds(&r), [("minDaysForRenewal".to_string(), DiffKind::Update, true)]);
    assert_eq!(actions(&r), [ActionKind::StateOnly]);
    let p = diff::plan(&state(seed_args(), FAR), &news, t(NOW)).unwrap();
    assert!(p.state_only && !p.needs_put() && !p.renew);
}

#[test]
fn renewal_due_shows_in_the_diff_with_its_reason() {
    let s = state(seed_args(), "2026-12-10T12:00:00Z"); // 12 days left, window 30
    let r = diff::diff(&s, &seed_args(), t(NOW)).unwrap();
    assert!(r.changes);
    assert_eq!(kinds(&r), [("expiresAt".to_string(), DiffKind::Update, false)]);
    assert_eq!(actions(&r), [ActionKind::Renew]);
    let reason = &r.actions[0].reason;
    assert!(reason.contains("2026-12-10T12:00:00Z") && reason.contains("30-day") && reason.contains("12 days"), "{reason}");
    // Zone tokens plan the same renewal (the API call differs: see provider tests).
    let z = diff::diff(&state(zone_args(), "2026-12-10T12:00:00Z"), &zone_args(), t(NOW)).unwrap();
    assert_eq!(actions(&z), [ActionKind::Renew]);
}

#[test]
fn rename_inside_the_window_plans_update_and_renewal() {
    let s = state(seed_args(), "2026-12-10T12:00:00Z");
    let news = TokenArgs { name: "renamed".into(), ..seed_args() };
    let p = diff::plan(&s, &news, t(NOW)).unwrap();
    assert!(p.needs_put() && p.renew);
    assert_eq!(p.actions.iter().map(|a| a.kind).collect::<Vec<_>>(), [ActionKind::Update, ActionKind::Renew]);
}

#[test]
fn version_increase_rotates_and_keeps_the_client_id() {
    let old = TokenArgs { client_secret_version: Some(1), ..seed_args() };
    let news = TokenArgs {
        client_secret_version: Some(2),
        previous_client_secret_expires_at: Some("2026-12-01T00:00:00Z".into()),
        ..seed_args()
    };
    let r = diff::diff(&state(old.clone(), FAR), &news, t(NOW)).unwrap();
    assert_eq!(
        kinds(&r),
        [
            ("clientSecretVersion".to_string(), DiffKind::Update, true),
            ("previousClientSecretExpiresAt".to_string(), DiffKind::Add, true),
            ("clientSecret".to_string(), DiffKind::Update, false),
        ]
    );
    assert_eq!(actions(&r), [ActionKind::Rotate]);
    assert!(r.actions[0].reason.contains("client id stays") && r.actions[0].reason.contains("2026-12-01T00:00:00Z"));
    let p = diff::plan(&state(old, FAR), &news, t(NOW)).unwrap();
    assert_eq!(p.rotate_to, Some(2));
    assert!(p.needs_put());
}

#[test]
fn version_decrease_is_refused() {
    let old = TokenArgs { client_secret_version: Some(3), ..seed_args() };
    let news = TokenArgs { client_secret_version: Some(2), ..seed_args() };
    let err = diff::diff(&state(old, FAR), &news, t(NOW)).unwrap_err();
    assert!(err.to_string().contains("can only increase: the token is at version 3, the program asks for 2"), "{err}");
}

// The renewal boundary: due ⇔ minDays > 0, expiresAt known, now + minDays·24h > expiresAt.

#[test]
fn exactly_n_days_before_expiry_is_not_due() {
    assert_eq!(diff::renewal_due(30, Some("2026-12-28T12:00:00Z"), t(NOW)).unwrap(), None);
}

#[test]
fn one_second_inside_the_window_is_due() {
    let due = diff::renewal_due(30, Some("2026-12-28T11:59:59Z"), t(NOW)).unwrap();
    assert!(due.is_some());
}

#[test]
fn one_second_outside_the_window_is_not_due() {
    assert_eq!(diff::renewal_due(30, Some("2026-12-28T12:00:01Z"), t(NOW)).unwrap(), None);
}

#[test]
fn min_days_zero_never_renews_even_when_expired() {
    assert_eq!(diff::renewal_due(0, Some("2020-01-01T00:00:00Z"), t(NOW)).unwrap(), None);
}

#[test]
fn expired_token_is_due_and_says_so() {
    let reason = diff::renewal_due(30, Some("2026-11-20T12:00:00Z"), t(NOW)).unwrap().unwrap();
    assert!(reason.contains("expired 8 days"), "{reason}");
}

#[test]
fn unknown_expiry_is_not_due() {
    assert_eq!(diff::renewal_due(30, None, t(NOW)).unwrap(), None);
}

#[test]
fn unparsable_expiry_is_an_error_that_names_it() {
    let err = diff::renewal_due(30, Some("next tuesday"), t(NOW)).unwrap_err();
    match &err {
        Error::InvalidInput(f) => assert_eq!(f[0].property, "expiresAt"),
        other => panic!("{other:?}"),
    }
    assert!(err.to_string().contains("\"next tuesday\""));
    // And the diff surfaces it rather than silently renewing.
    let s = state(seed_args(), "next tuesday");
    assert!(diff::diff(&s, &seed_args(), t(NOW)).is_err());
}

#[test]
fn forever_tokens_are_not_due() {
    let args = TokenArgs { duration: Some("forever".into()), ..seed_args() };
    let s = state(args.clone(), "2125-04-04T12:14:40Z");
    assert!(!diff::diff(&s, &args, t(NOW)).unwrap().changes);
}

// How long is left, as the renewal reason words it: days and hours, hours
// and minutes under a day, seconds under an hour.

#[test]
fn renewal_reason_words_what_is_left_in_days_hours_or_seconds() {
    let reason = |expiry: &str| diff::renewal_due(30, Some(expiry), t(NOW)).unwrap().unwrap();
    assert_eq!(
        reason("2026-11-30T15:00:00Z"),
        "expires at 2026-11-30T15:00:00Z, inside the 30-day renewal window at 2026-11-28T12:00:00Z (2 days 3 h left)"
    );
    assert_eq!(
        reason("2026-11-28T17:30:00Z"),
        "expires at 2026-11-28T17:30:00Z, inside the 30-day renewal window at 2026-11-28T12:00:00Z (5 h 30 min left)"
    );
    assert_eq!(
        reason("2026-11-28T12:00:45Z"),
        "expires at 2026-11-28T12:00:45Z, inside the 30-day renewal window at 2026-11-28T12:00:00Z (45 s left)"
    );
    assert_eq!(
        reason("2026-11-28T09:00:00Z"),
        "expires at 2026-11-28T09:00:00Z, inside the 30-day renewal window at 2026-11-28T12:00:00Z (it expired 3 h 0 min ago)"
    );
}

#[test]
fn dropping_the_grace_period_of_the_previous_secret_is_a_delete_stored_only() {
    let old = TokenArgs {
        client_secret_version: Some(2),
        previous_client_secret_expires_at: Some("2026-12-01T00:00:00Z".into()),
        ..seed_args()
    };
    let news = TokenArgs { previous_client_secret_expires_at: None, ..old.clone() };
    let r = diff::diff(&state(old.clone(), FAR), &news, t(NOW)).unwrap();
    assert_eq!(kinds(&r), [("previousClientSecretExpiresAt".to_string(), DiffKind::Delete, true)]);
    assert_eq!(actions(&r), [ActionKind::StateOnly]);
    // Changing it is an update, also stored only (it matters at the next rotation).
    let later = TokenArgs { previous_client_secret_expires_at: Some("2026-12-02T00:00:00Z".into()), ..old.clone() };
    let r = diff::diff(&state(old, FAR), &later, t(NOW)).unwrap();
    assert_eq!(kinds(&r), [("previousClientSecretExpiresAt".to_string(), DiffKind::Update, true)]);
    assert_eq!(actions(&r), [ActionKind::StateOnly]);
}

#[test]
fn a_stored_duration_that_does_not_parse_is_compared_as_text() {
    // A read stores the duration the API reports, so the state can hold a
    // form this crate does not read ("365d" is not a Go duration): a valid
    // one in the program differs from it, and the PUT sends the program's.
    let old = TokenArgs { duration: Some("365d".into()), ..seed_args() };
    let news = TokenArgs { duration: Some("8760h".into()), ..seed_args() };
    let r = diff::diff(&state(old.clone(), FAR), &news, t(NOW)).unwrap();
    assert_eq!(
        kinds(&r),
        [("duration".to_string(), DiffKind::Update, true), ("expiresAt".to_string(), DiffKind::Update, false)]
    );
    assert_eq!(actions(&r), [ActionKind::Update]);
    assert_eq!(r.actions[0].reason, "duration 365d → 8760h (the API resets the expiry from now)");
    // The same text on both sides is no change, parsable or not.
    assert!(!diff::diff(&state(old.clone(), FAR), &old, t(NOW)).unwrap().changes);
}

#[test]
fn the_version_the_token_already_has_is_no_rotation() {
    // Stating the current version changes nothing.
    let at_2 = TokenArgs { client_secret_version: Some(2), ..seed_args() };
    let r = diff::diff(&state(at_2.clone(), FAR), &at_2, t(NOW)).unwrap();
    assert!(!r.changes, "{r:?}");
    let p = diff::plan(&state(at_2.clone(), FAR), &at_2, t(NOW)).unwrap();
    assert_eq!(p.rotate_to, None);
    assert!(!p.needs_put());
    // A token whose version was never stated is at version 1: stating 1 is
    // recorded, with no call and no new secret.
    let at_1 = TokenArgs { client_secret_version: Some(1), ..seed_args() };
    let r = diff::diff(&state(seed_args(), FAR), &at_1, t(NOW)).unwrap();
    assert_eq!(kinds(&r), [("clientSecretVersion".to_string(), DiffKind::Add, true)]);
    assert_eq!(actions(&r), [ActionKind::StateOnly]);
    // Going from 2 to 3 is a rotation whose reason names both versions.
    let at_3 = TokenArgs { client_secret_version: Some(3), ..seed_args() };
    let r = diff::diff(&state(at_2, FAR), &at_3, t(NOW)).unwrap();
    assert_eq!(actions(&r), [ActionKind::Rotate]);
    assert!(r.actions[0].reason.starts_with("clientSecretVersion 2 → 3: "), "{}", r.actions[0].reason);
    assert!(r.actions[0].reason.ends_with("the previous secret stops working at once"), "{}", r.actions[0].reason);
}

#[test]
fn disabling_is_an_update_of_enabled_that_says_what_clients_will_see() {
    let news = TokenArgs { enabled: false, ..seed_args() };
    let r = diff::diff(&state(seed_args(), FAR), &news, t(NOW)).unwrap();
    assert_eq!(kinds(&r), [("enabled".to_string(), DiffKind::Update, true)]);
    assert_eq!(actions(&r), [ActionKind::Update]);
    assert_eq!(
        r.actions[0].reason,
        "enabled true → false: the token is disabled in place; the client id and secret are kept, and no client can authenticate with it until it is enabled again"
    );
    assert!(diff::plan(&state(seed_args(), FAR), &news, t(NOW)).unwrap().needs_put());
}

#[test]
fn a_token_found_disabled_names_both_causes_and_when_it_was_last_seen() {
    let disabled = TokenArgs { enabled: false, ..seed_args() };
    let mut olds = state(disabled, FAR);
    olds.created_at = Some("2026-01-01T00:00:00Z".into());
    let r = diff::diff(&olds, &seed_args(), t(NOW)).unwrap();
    assert_eq!(kinds(&r), [("enabled".to_string(), DiffKind::Update, true)]);
    let reason = &r.actions[0].reason;
    assert!(reason.starts_with("enabled false → true: the token is disabled at Cloudflare: a person disabled it (outside this program, or with an earlier `enabled: false`), or the account's inactivity cleanup did"), "{reason}");
    assert!(reason.contains("(it has never authenticated since it was created at 2026-01-01T00:00:00Z)"), "{reason}");
    assert!(reason.ends_with("it is re-enabled in place with the same client id and secret"), "{reason}");
    olds.last_seen_at = Some("2026-06-01T00:00:00Z".into());
    let r = diff::diff(&olds, &seed_args(), t(NOW)).unwrap();
    assert!(r.actions[0].reason.contains("(it last authenticated at 2026-06-01T00:00:00Z)"), "{}", r.actions[0].reason);
    olds.created_at = None;
    olds.last_seen_at = None;
    let r = diff::diff(&olds, &seed_args(), t(NOW)).unwrap();
    assert!(r.actions[0].reason.contains("(it has never authenticated)"), "{}", r.actions[0].reason);
}

#[test]
fn last_seen_at_is_never_a_reason_for_a_change() {
    let mut olds = state(seed_args(), FAR);
    olds.last_seen_at = Some("2026-11-28T11:59:00Z".into());
    olds.created_at = Some("2026-01-01T00:00:00Z".into());
    assert!(!diff::diff(&olds, &seed_args(), t(NOW)).unwrap().changes);
}

#[test]
fn a_rename_and_a_disable_are_one_update_with_both_reasons() {
    let news = TokenArgs { name: "renamed".into(), enabled: false, ..seed_args() };
    let r = diff::diff(&state(seed_args(), FAR), &news, t(NOW)).unwrap();
    assert_eq!(actions(&r), [ActionKind::Update]);
    assert!(r.actions[0].reason.contains("name \"CI/CD app renewed\" → \"renamed\"; enabled true → false"), "{}", r.actions[0].reason);
}
