//! Property tests (proptest) of the pure core: diff and the renewal decision,
//! durations, import ids, property bags. Generators build valid
//! `TokenArgs`/`TokenState` (32-hex ids, names, `<n>h`/`forever` durations,
//! 0..400 renewal days, expiries around a generated `now`); the properties
//! are the invariants SEMANTICS.md promises. Case counts stay at proptest's
//! default (256) so the whole file runs in a few seconds.

use access_service_token::diff::{self, ActionKind, DiffKind};
use access_service_token::duration::{self, Lifetime};
use access_service_token::import_id;
use access_service_token::model::{Scope, TokenArgs, TokenState};
use access_service_token::properties::check_properties;
use access_service_token::pulumi::bag;
use access_service_token::secret::Secret;
use access_service_token::Error;
use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use proptest::prelude::*;
use serde_json::{json, Map, Value};
use std::collections::BTreeSet;

// ---------------------------------------------------------------- generators

fn hex32() -> impl Strategy<Value = String> {
    "[0-9a-fA-F]{32}"
}

fn uuid() -> impl Strategy<Value = String> {
    "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
}

/// Names as people write them: never blank.
fn name() -> impl Strategy<Value = String> {
    "[A-Za-z0-9][A-Za-z0-9 /_.:-]{0,40}"
}

/// `<n>h` or `forever`, or absent (the API default).
fn duration_text() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        1 => Just(None),
        1 => Just(Some("forever".to_string())),
        4 => (1u32..100_000).prop_map(|n| Some(format!("{n}h"))),
    ]
}

/// Some time between 2000 and 2100, to the second.
fn time() -> impl Strategy<Value = DateTime<Utc>> {
    (946_684_800i64..4_102_444_800).prop_map(|s| Utc.timestamp_opt(s, 0).unwrap())
}

fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

#[derive(Clone, Copy, Debug)]
enum ScopeKind {
    Account,
    Zone,
}

fn scope_kind() -> impl Strategy<Value = ScopeKind> {
    prop_oneof![Just(ScopeKind::Account), Just(ScopeKind::Zone)]
}

fn scoped(kind: ScopeKind, id: String) -> (Option<String>, Option<String>) {
    match kind {
        ScopeKind::Account => (Some(id), None),
        ScopeKind::Zone => (None, Some(id)),
    }
}

/// Valid arguments: they pass `validate::check`.
fn args() -> impl Strategy<Value = TokenArgs> {
    (
        name(),
        scope_kind(),
        hex32(),
        0i64..400,
        duration_text(),
        proptest::option::of(1u64..20),
        proptest::option::of(time()),
        proptest::bool::ANY,
    )
        .prop_map(|(name, kind, id, min_days, duration, version, previous, enabled)| {
            let (account_id, zone_id) = scoped(kind, id);
            TokenArgs {
                name,
                account_id,
                zone_id,
                min_days_for_renewal: min_days,
                duration,
                client_secret_version: version,
                previous_client_secret_expires_at: previous.map(rfc3339),
                enabled,
            }
        })
}

/// A token created from `args`, with `now` and an expiry from 400 days in
/// the past to 800 days ahead of it (or no known expiry).
fn state_at() -> impl Strategy<Value = (TokenState, DateTime<Utc>)> {
    (args(), time(), uuid(), hex32(), proptest::option::weighted(0.9, -400 * 86_400i64..800 * 86_400)).prop_map(
        |(args, now, id, client, offset)| {
            let expires_at = offset.map(|s| rfc3339(now + TimeDelta::seconds(s)));
            let state = TokenState {
                id,
                args,
                client_id: format!("{}.access", client.to_ascii_lowercase()),
                client_secret: Some(Secret::new("cfast_generated")),
                expires_at,
                created_at: None,
                last_seen_at: None,
            };
            (state, now)
        },
    )
}

fn due(state: &TokenState, min_days: i64, now: DateTime<Utc>) -> bool {
    diff::renewal_due(min_days, state.expires_at.as_deref(), now).expect("a generated expiry parses").is_some()
}

fn action_kinds(r: &diff::DiffResult) -> Vec<ActionKind> {
    r.actions.iter().map(|a| a.kind).collect()
}

/// Arbitrary JSON, a few levels deep, with keys that are sometimes the
/// resource's own property names and values that are sometimes secret
/// wrappers or unknown sentinels.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f).map(Value::Number).unwrap_or(Value::Null)),
        ".{0,40}".prop_map(Value::String),
        hex32().prop_map(Value::String),
        prop::sample::select(bag::UNKNOWNS.to_vec()).prop_map(|s| Value::String(s.to_string())),
        prop::sample::select(vec!["8760h", "forever", "1.5h", "0", "-1h", "", "2030-01-01T00:00:00Z"]).prop_map(|s| json!(s)),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(key(), inner.clone(), 0..6).prop_map(|m| Value::Object(m.into_iter().collect())),
            inner.prop_map(bag::secret),
        ]
    })
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(
            [
                "name",
                "accountId",
                "zoneId",
                "minDaysForRenewal",
                "duration",
                "clientSecretVersion",
                "previousClientSecretExpiresAt",
                "id",
                "clientId",
                "clientSecret",
                "expiresAt",
                "__defaults",
                bag::SECRET_SIG_KEY,
                "value",
            ]
            .to_vec()
        )
        .prop_map(str::to_string),
        ".{0,12}",
    ]
}

fn json_object() -> impl Strategy<Value = Map<String, Value>> {
    prop::collection::btree_map(key(), json_value(), 0..10).prop_map(|m| m.into_iter().collect())
}

// ------------------------------------------------------- diff and renewal

proptest! {
    /// A state diffed with its own arguments has nothing to do, unless the
    /// renewal window has been reached, in which case the renewal is the only
    /// action and no input differs.
    #[test]
    fn own_args_diff_is_empty_outside_the_renewal_window((state, now) in state_at()) {
        let r = diff::diff(&state, &state.args, now).unwrap();
        let p = diff::plan(&state, &state.args, now).unwrap();
        prop_assert!(r.replaces.is_empty());
        prop_assert!(!p.needs_put() && !p.replace && !p.name_changed && !p.duration_changed && p.rotate_to.is_none());
        if due(&state, state.args.min_days_for_renewal, now) {
            prop_assert!(r.changes);
            prop_assert_eq!(action_kinds(&r), vec![ActionKind::Renew]);
            prop_assert!(r.detailed_diff.iter().all(|d| !d.input_diff), "{:?}", r.detailed_diff);
        } else {
            prop_assert!(!r.changes, "{:?}", r);
            prop_assert!(r.actions.is_empty() && r.detailed_diff.is_empty(), "{:?}", r);
        }
    }

    /// `minDaysForRenewal: 0` (or less) never renews, whatever the expiry.
    #[test]
    fn renewal_never_due_with_zero_days((state, now) in state_at(), min_days in -1000i64..=0) {
        prop_assert_eq!(diff::renewal_due(min_days, state.expires_at.as_deref(), now), Ok(None));
        let args = TokenArgs { min_days_for_renewal: 0, ..state.args.clone() };
        let state = TokenState { args: args.clone(), ..state };
        let r = diff::diff(&state, &args, now).unwrap();
        prop_assert!(!r.changes && r.actions.is_empty(), "{:?}", r);
    }

    /// Renewal is due exactly when `now + minDays × 24 h` is strictly after
    /// the expiry (SEMANTICS.md), and once due it stays due later on.
    #[test]
    fn renewal_due_is_the_window_rule_and_monotonic_in_time(
        (state, now) in state_at(),
        min_days in 1i64..400,
        later in 0i64..(900 * 86_400),
    ) {
        let expected = match &state.expires_at {
            None => false,
            Some(t) => now + TimeDelta::days(min_days) > DateTime::parse_from_rfc3339(t).unwrap().with_timezone(&Utc),
        };
        prop_assert_eq!(due(&state, min_days, now), expected);
        if expected {
            let t2 = now + TimeDelta::seconds(later);
            prop_assert!(due(&state, min_days, t2), "due at {now} but not at {t2}");
        }
    }

    /// At the boundary itself: due one second after `expiry - minDays`, not at it.
    #[test]
    fn renewal_boundary_is_exclusive(expiry in time(), min_days in 1i64..400) {
        let text = rfc3339(expiry);
        let edge = expiry - TimeDelta::days(min_days);
        prop_assert_eq!(diff::renewal_due(min_days, Some(&text), edge), Ok(None));
        prop_assert!(diff::renewal_due(min_days, Some(&text), edge + TimeDelta::seconds(1)).unwrap().is_some());
    }

    /// A wider window is due whenever a narrower one is (monotonic in
    /// minDaysForRenewal), for every realistic number of days.
    #[test]
    fn renewal_due_is_monotonic_in_days((state, now) in state_at(), a in 1i64..100_000, b in 1i64..100_000) {
        let (small, large) = (a.min(b), a.max(b));
        if due(&state, small, now) {
            prop_assert!(due(&state, large, now));
        }
    }

    /// Replacement (non-empty `replaces`) iff accountId or zoneId changed;
    /// a replacement is the only action and never PUTs.
    #[test]
    fn replacement_iff_scope_changed(
        (state, now) in state_at(),
        kind in scope_kind(),
        same_id in any::<bool>(),
        other_id in hex32(),
        new_name in proptest::option::of(name()),
    ) {
        let old = &state.args;
        let old_id = old.account_id.clone().or(old.zone_id.clone()).unwrap();
        let (account_id, zone_id) = scoped(kind, if same_id { old_id } else { other_id });
        let news = TokenArgs { account_id, zone_id, name: new_name.unwrap_or(old.name.clone()), ..old.clone() };
        let scope_changed = old.account_id != news.account_id || old.zone_id != news.zone_id;
        let r = diff::diff(&state, &news, now).unwrap();
        let p = diff::plan(&state, &news, now).unwrap();
        prop_assert_eq!(!r.replaces.is_empty(), scope_changed, "{:?}", r);
        prop_assert_eq!(p.replace, scope_changed);
        for property in &r.replaces {
            prop_assert!(property == "accountId" || property == "zoneId");
        }
        if scope_changed {
            prop_assert_eq!(action_kinds(&r), vec![ActionKind::Replace]);
            prop_assert!(!p.needs_put() && !p.renew);
            prop_assert!(!r.delete_before_replace);
        }
    }

    /// A rename alone is an in-place update: one PUT, never a replacement.
    #[test]
    fn rename_alone_never_replaces((state, now) in state_at(), new_name in name()) {
        prop_assume!(new_name != state.args.name);
        let news = TokenArgs { name: new_name, ..state.args.clone() };
        let r = diff::diff(&state, &news, now).unwrap();
        let p = diff::plan(&state, &news, now).unwrap();
        prop_assert!(r.replaces.is_empty() && !p.replace);
        prop_assert!(p.name_changed && p.needs_put());
        prop_assert_eq!(r.actions[0].kind, ActionKind::Update);
        prop_assert!(r.detailed_diff.iter().any(|d| d.property == "name" && d.kind == DiffKind::Update && d.input_diff));
        prop_assert!(r.detailed_diff.iter().all(|d| matches!(d.kind, DiffKind::Update | DiffKind::Add)));
    }

    /// Changes that only touch stored inputs (renewal days, the grace period
    /// without a version bump, writing down the current version) make no PUT.
    #[test]
    fn state_only_changes_need_no_put(
        (state, now) in state_at(),
        min_days in 0i64..400,
        previous in proptest::option::of(time()),
        pin_version in any::<bool>(),
    ) {
        let old = &state.args;
        let version = if pin_version { Some(old.client_secret_version.unwrap_or(1)) } else { old.client_secret_version };
        let news = TokenArgs {
            min_days_for_renewal: min_days,
            previous_client_secret_expires_at: previous.map(rfc3339),
            client_secret_version: version,
            ..old.clone()
        };
        let p = diff::plan(&state, &news, now).unwrap();
        prop_assert!(!p.needs_put(), "{:?}", p);
        prop_assert!(!p.replace && p.rotate_to.is_none());
        let renewing = due(&state, min_days, now);
        prop_assert_eq!(p.renew, renewing);
        let kinds: Vec<ActionKind> = p.actions.iter().map(|a| a.kind).collect();
        if renewing {
            prop_assert_eq!(kinds, vec![ActionKind::Renew]);
        } else if p.diffs.is_empty() {
            prop_assert!(kinds.is_empty());
        } else {
            prop_assert!(p.state_only);
            prop_assert_eq!(kinds, vec![ActionKind::StateOnly]);
        }
    }

    /// Increasing clientSecretVersion rotates; decreasing it is refused.
    #[test]
    fn secret_version_only_increases((state, now) in state_at(), new_version in 1u64..40) {
        let current = state.args.client_secret_version.unwrap_or(1);
        let news = TokenArgs { client_secret_version: Some(new_version), ..state.args.clone() };
        match diff::plan(&state, &news, now) {
            Ok(p) => {
                prop_assert!(new_version >= current);
                prop_assert_eq!(p.rotate_to, (new_version > current).then_some(new_version));
                prop_assert_eq!(p.needs_put(), new_version > current);
            }
            Err(Error::InvalidInput(f)) => {
                prop_assert!(new_version < current);
                prop_assert_eq!(f[0].property.as_str(), "clientSecretVersion");
            }
            Err(other) => prop_assert!(false, "unexpected error {other:?}"),
        }
    }
}

/// The same property at sizes no one writes but `check` accepts. Regression:
/// past the calendar's end `now + window` overflowed and the window was
/// treated as not reached, so 100 000 000 days was not due where 30 was
/// (fixed in 7d1e043).
#[test]
fn renewal_due_is_monotonic_in_days_at_any_size() {
    let now = Utc.with_ymd_and_hms(2026, 11, 28, 12, 0, 0).unwrap();
    let expiry = "2026-12-01T12:00:00Z";
    assert!(diff::renewal_due(30, Some(expiry), now).unwrap().is_some());
    for days in [100_000_000i64, 1_000_000_000, 100_000_000_000_000] {
        assert!(
            matches!(diff::renewal_due(days, Some(expiry), now), Ok(Some(_)) | Err(_)),
            "{days} days: due with 30 days, but not with {days}"
        );
    }
}

// --------------------------------------------------------------- durations

const S: i128 = 1_000_000_000;

proptest! {
    /// `XhYmZs` strings (any non-empty subset of the parts, each allowed to
    /// overflow into the next unit) parse to their value in nanoseconds.
    #[test]
    fn duration_parse_round_trips(h in proptest::option::of(0u64..200_000), m in proptest::option::of(0u64..10_000), s in proptest::option::of(0u64..100_000)) {
        prop_assume!(h.is_some() || m.is_some() || s.is_some());
        let mut text = String::new();
        for (value, unit) in [(h, "h"), (m, "m"), (s, "s")] {
            if let Some(v) = value {
                text.push_str(&format!("{v}{unit}"));
            }
        }
        let total = (i128::from(h.unwrap_or(0)) * 3600 + i128::from(m.unwrap_or(0)) * 60 + i128::from(s.unwrap_or(0))) * S;
        if total == 0 {
            prop_assert!(duration::parse(&text).is_err(), "{text}");
        } else {
            prop_assert_eq!(duration::parse(&text), Ok(Lifetime::Finite(total)), "{}", text);
            let delta = duration::parse(&text).unwrap().as_delta();
            prop_assert_eq!(i128::from(delta.num_seconds()) * S, total);
        }
    }

    /// Equal durations written differently compare equal: the diff sees no
    /// duration change between `Nh`, `N*60m`, `N*3600s` and `(N-1)h60m`.
    #[test]
    fn equal_durations_compare_equal((state, now) in state_at(), n in 1u64..100_000, half in any::<bool>()) {
        let forms = if half {
            vec![format!("{n}.5h"), format!("{}m", n * 60 + 30), format!("{}h30m", n), format!("{}s", n * 3600 + 1800)]
        } else {
            vec![format!("{n}h"), format!("{}m", n * 60), format!("{}s", n * 3600), format!("{}h60m", n - 1), format!("{n}h0m0s")]
        };
        let first = duration::parse(&forms[0]).unwrap();
        for f in &forms {
            prop_assert_eq!(duration::parse(f), Ok(first), "{}", f);
        }
        let old = TokenState { args: TokenArgs { duration: Some(forms[0].clone()), ..state.args.clone() }, ..state };
        for f in &forms {
            let news = TokenArgs { duration: Some(f.clone()), ..old.args.clone() };
            let p = diff::plan(&old, &news, now).unwrap();
            prop_assert!(!p.duration_changed, "{} vs {}", forms[0], f);
        }
        prop_assert_eq!(duration::parse("forever"), Ok(Lifetime::Forever));
    }

    /// Arbitrary text never panics the duration parser; what it accepts is
    /// a positive lifetime.
    #[test]
    fn duration_parse_never_panics(text in "[0-9.hmsuµn+-]{0,24}|.{0,24}") {
        if let Ok(Lifetime::Finite(ns)) = duration::parse(&text) {
            prop_assert!(ns > 0, "{text:?} parsed to {ns} ns");
        }
    }

    /// Go's `time.ParseDuration` refuses anything over `math.MaxInt64`
    /// nanoseconds (2562047h47m16.854775807s): the API cannot take it.
    /// Regression: such durations were accepted (fixed in 7d1e043).
    #[test]
    fn durations_beyond_go_range_are_refused(hours in 2_562_048u64..u64::MAX / 2) {
        let text = format!("{hours}h");
        prop_assert!(duration::parse(&text).is_err(), "{text} was accepted");
    }
}

/// Regression, found by reading the parser: a fractional part added after
/// the overflow check overflowed `i128` — a panic in a debug build, a
/// silently wrapped (negative) lifetime with overflow checks off (the
/// component's release profile). Fixed in 7d1e043.
#[test]
fn duration_fraction_overflow_does_not_panic() {
    let text = "47261439850130342147690917.9h";
    let result = std::panic::catch_unwind(|| duration::parse(text));
    let result = result.expect("duration::parse panicked");
    assert!(result.is_err(), "{text} was accepted as {result:?}");
}

// -------------------------------------------------------------- import ids

proptest! {
    /// Every generated id in each of the three forms is accepted, with the
    /// scope and token it names.
    #[test]
    fn import_id_accepts_every_valid_form(scope_id in hex32(), token in uuid(), form in 0usize..3) {
        let (text, expected) = match form {
            0 => (format!("{scope_id}/{token}"), Scope::Account(scope_id.clone())),
            1 => (format!("accounts/{scope_id}/{token}"), Scope::Account(scope_id.clone())),
            _ => (format!("zones/{scope_id}/{token}"), Scope::Zone(scope_id.clone())),
        };
        let (scope, id) = import_id::parse(&text).unwrap();
        prop_assert_eq!(scope, expected);
        prop_assert_eq!(id.as_str(), token.as_str());
    }

    /// Arbitrary text (and near misses built from valid pieces) never panics;
    /// a refusal names the accepted forms.
    #[test]
    fn import_id_never_panics(
        text in ".{0,80}",
        pieces in prop::collection::vec(prop_oneof![Just("accounts".to_string()), Just("zones".to_string()), hex32(), uuid(), ".{0,10}"], 0..5),
    ) {
        for candidate in [text, pieces.join("/")] {
            if let Err(e) = import_id::parse(&candidate) {
                prop_assert!(e.to_string().contains("expected <account_id>/<token_id>"), "{e}");
            }
        }
    }
}

// ---------------------------------------------------------- property bags

proptest! {
    /// Valid arguments encoded as a bag decode to themselves.
    #[test]
    fn check_properties_round_trips_valid_args(args in args()) {
        let Value::Object(bag) = serde_json::to_value(&args).unwrap() else { unreachable!() };
        prop_assert_eq!(check_properties(&bag), Ok(args));
    }

    /// Arbitrary objects never panic `check_properties`; a refusal names at
    /// least one property and only names keys of the object or properties of
    /// the resource.
    #[test]
    fn check_properties_never_panics(bag in json_object()) {
        match check_properties(&bag) {
            Ok(args) => prop_assert!(access_service_token::validate::failures(&args).is_empty()),
            Err(Error::InvalidInput(failures)) => {
                prop_assert!(!failures.is_empty());
                for f in failures {
                    prop_assert!(bag.contains_key(&f.property) || access_service_token::properties::INPUT_PROPERTIES.contains(&f.property.as_str()), "{f:?}");
                }
            }
            Err(other) => prop_assert!(false, "unexpected error kind {other:?}"),
        }
    }

    /// `bag::decode` never panics on arbitrary text, nor on arbitrary JSON.
    #[test]
    fn bag_decode_never_panics(text in ".{0,200}", value in json_value()) {
        let _ = bag::decode(&text, "news");
        let encoded = value.to_string();
        match bag::decode(&encoded, "news") {
            Ok(b) => {
                prop_assert!(value.is_object() || encoded.trim().is_empty());
                prop_assert!(!b.known.contains_key(bag::DEFAULTS_KEY));
                for k in &b.unknown {
                    prop_assert!(!b.known.contains_key(k));
                }
                let _ = bag::args_of(&b);
                let _ = bag::state_of("", &b);
            }
            Err(e) => prop_assert!(!value.is_object(), "an object was refused: {e}"),
        }
    }

    /// A state written as outputs decodes back to the same state, secrets
    /// included, and the secret properties are the ones written wrapped.
    #[test]
    fn outputs_decode_to_the_same_state((state, _now) in state_at(), secret_name in any::<bool>()) {
        let secret_inputs: BTreeSet<String> = if secret_name { ["name".to_string()].into() } else { BTreeSet::new() };
        let text = bag::outputs(&state, &secret_inputs).to_string();
        let decoded = bag::decode(&text, "olds").unwrap();
        let mut expected_secret = secret_inputs.clone();
        expected_secret.insert("clientSecret".into());
        prop_assert_eq!(&decoded.secret, &expected_secret);
        prop_assert_eq!(bag::state_of(&state.id, &decoded).unwrap(), state.clone());
        prop_assert_eq!(bag::args_of(&decoded).unwrap(), state.args);
    }
}
