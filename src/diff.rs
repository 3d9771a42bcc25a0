//! Diff: compares the last known state with checked inputs at a given time,
//! and decides renewal. Pure: `now` is a parameter. The [`Plan`] says which
//! calls the apply makes; [`DiffResult`] is the same plan in Pulumi's terms
//! (per-property kinds, replaces) plus actions with reasons for people.

use crate::duration;
use crate::error::Error;
use crate::model::{TokenArgs, TokenState};
use chrono::{DateTime, TimeDelta, Utc};

/// Pulumi's per-property diff kinds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DiffKind {
    /// Added in place.
    Add,
    /// Added, forcing replacement.
    AddReplace,
    /// Removed in place.
    Delete,
    /// Removed, forcing replacement.
    DeleteReplace,
    /// Changed in place.
    Update,
    /// Changed, forcing replacement.
    UpdateReplace,
}

/// One property's difference.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PropertyDiff {
    /// camelCase name.
    pub property: String,
    /// Kind of change.
    pub kind: DiffKind,
    /// True for an input difference; false for an output the apply changes.
    pub input_diff: bool,
}

/// What the apply does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ActionKind {
    /// Create the new token, then delete the old.
    Replace,
    /// One PUT.
    Update,
    /// Extend the expiry.
    Renew,
    /// New client secret.
    Rotate,
    /// Stored inputs only; no call.
    StateOnly,
}

/// An action with its reason.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlannedAction {
    /// What.
    pub kind: ActionKind,
    /// Why, for a person.
    pub reason: String,
}

/// The diff in Pulumi's terms.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DiffResult {
    /// False: no change, zero calls.
    pub changes: bool,
    /// Properties forcing replacement.
    pub replaces: Vec<String>,
    /// Always false: create-before-delete keeps the service up.
    pub delete_before_replace: bool,
    /// Per property.
    pub detailed_diff: Vec<PropertyDiff>,
    /// For people.
    pub actions: Vec<PlannedAction>,
}

/// Which calls an apply of this diff makes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Plan {
    /// Scope changed: create new, delete old.
    pub replace: bool,
    /// The name differs: the PUT carries it.
    pub name_changed: bool,
    /// The duration differs: the PUT carries it (and the API resets the expiry).
    pub duration_changed: bool,
    /// `enabled` differs: the PUT carries the new value.
    pub enabled_changed: bool,
    /// The renewal window has been reached.
    pub renew: bool,
    /// The secret version to rotate to.
    pub rotate_to: Option<u64>,
    /// Only stored inputs change.
    pub state_only: bool,
    /// Property diffs, in schema order.
    pub diffs: Vec<PropertyDiff>,
    /// Actions with reasons.
    pub actions: Vec<PlannedAction>,
}

impl Plan {
    /// True when the apply sends a PUT.
    pub fn needs_put(&self) -> bool {
        !self.replace && (self.name_changed || self.duration_changed || self.enabled_changed || self.rotate_to.is_some())
    }
}

/// Whether `expires_at` falls inside the renewal window at `now`: renewal is
/// due ⇔ `min_days > 0`, the expiry is known, and `now + min_days × 24 h` is
/// strictly after it. Returns the reason when due. An unparsable expiry is an
/// error that names it (Terraform v4 silently refreshed on every read).
pub fn renewal_due(min_days: i64, expires_at: Option<&str>, now: DateTime<Utc>) -> Result<Option<String>, Error> {
    if min_days <= 0 {
        return Ok(None);
    }
    let Some(text) = expires_at else { return Ok(None) };
    let expiry = DateTime::parse_from_rfc3339(text)
        .map_err(|e| Error::invalid("expiresAt", format!("the state holds {text}, not an RFC 3339 time ({e}); run a refresh to read it again", text = crate::error::quote(&text))))?
        .with_timezone(&Utc);
    let window = TimeDelta::try_days(min_days).unwrap_or(TimeDelta::MAX);
    // A window reaching past the end of the calendar covers every expiry.
    if now.checked_add_signed(window).is_some_and(|window_end| window_end <= expiry) {
        return Ok(None);
    }
    let left = expiry - now;
    let left = if left <= TimeDelta::zero() {
        format!("it expired {} ago", human(-left))
    } else {
        format!("{} left", human(left))
    };
    Ok(Some(format!(
        "expires at {text}, inside the {min_days}-day renewal window at {} ({left})",
        now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    )))
}

fn human(d: TimeDelta) -> String {
    if d.num_days() >= 1 {
        format!("{} days {} h", d.num_days(), d.num_hours() % 24)
    } else if d.num_hours() >= 1 {
        format!("{} h {} min", d.num_hours(), d.num_minutes() % 60)
    } else {
        format!("{} s", d.num_seconds())
    }
}

/// The plan for moving from `olds` to `news` at `now`.
pub fn plan(olds: &TokenState, news: &TokenArgs, now: DateTime<Utc>) -> Result<Plan, Error> {
    let old = &olds.args;
    let mut p = Plan::default();
    let push = |p: &mut Plan, property: &str, kind: DiffKind, input_diff: bool| {
        p.diffs.push(PropertyDiff { property: property.to_string(), kind, input_diff })
    };

    if old.name != news.name {
        p.name_changed = true;
        push(&mut p, "name", DiffKind::Update, true);
    }
    for (property, o, n) in [("accountId", &old.account_id, &news.account_id), ("zoneId", &old.zone_id, &news.zone_id)] {
        let kind = match (o, n) {
            (None, Some(_)) => DiffKind::AddReplace,
            (Some(_), None) => DiffKind::DeleteReplace,
            (Some(a), Some(b)) if a != b => DiffKind::UpdateReplace,
            _ => continue,
        };
        p.replace = true;
        push(&mut p, property, kind, true);
    }
    if old.min_days_for_renewal != news.min_days_for_renewal {
        push(&mut p, "minDaysForRenewal", DiffKind::Update, true);
    }
    // An absent duration in the program means "keep what the token has", as
    // both providers treat this optional, computed property.
    if let Some(new_duration) = &news.duration {
        let differs = match &old.duration {
            None => true,
            Some(old_duration) => !same_duration(old_duration, new_duration),
        };
        if differs {
            p.duration_changed = true;
            push(&mut p, "duration", if old.duration.is_none() { DiffKind::Add } else { DiffKind::Update }, true);
        }
    }
    if let Some(new_version) = news.client_secret_version {
        let current = old.client_secret_version.unwrap_or(1);
        if new_version < current {
            return Err(Error::invalid(
                "clientSecretVersion",
                format!("can only increase: the token is at version {current}, the program asks for {new_version}"),
            ));
        }
        if new_version > current {
            p.rotate_to = Some(new_version);
        }
        if old.client_secret_version != Some(new_version) {
            push(&mut p, "clientSecretVersion", if old.client_secret_version.is_none() { DiffKind::Add } else { DiffKind::Update }, true);
        }
    }
    if old.previous_client_secret_expires_at != news.previous_client_secret_expires_at {
        let kind = match (&old.previous_client_secret_expires_at, &news.previous_client_secret_expires_at) {
            (None, _) => DiffKind::Add,
            (_, None) => DiffKind::Delete,
            _ => DiffKind::Update,
        };
        push(&mut p, "previousClientSecretExpiresAt", kind, true);
    }
    if old.enabled != news.enabled {
        p.enabled_changed = true;
        push(&mut p, "enabled", DiffKind::Update, true);
    }

    if p.replace {
        let changed: Vec<&str> = p.diffs.iter().filter(|d| is_replace(d.kind)).map(|d| d.property.as_str()).collect();
        p.actions.push(PlannedAction {
            kind: ActionKind::Replace,
            reason: format!(
                "{} changed: a token cannot move between accounts and zones; the new token is created before the old one is deleted",
                changed.join(" and ")
            ),
        });
        return Ok(p);
    }

    let renewal = renewal_due(news.min_days_for_renewal, olds.expires_at.as_deref(), now)?;
    if p.name_changed || p.duration_changed || p.enabled_changed {
        let mut what = Vec::new();
        if p.name_changed {
            what.push(format!("name {} → {}", crate::error::quote(&old.name), crate::error::quote(&news.name)));
        }
        if p.duration_changed {
            what.push(format!(
                "duration {} → {} (the API resets the expiry from now)",
                old.duration.as_deref().unwrap_or("unset"),
                news.duration.as_deref().unwrap_or("unset")
            ));
        }
        if p.enabled_changed {
            what.push(enabled_reason(olds, news.enabled));
        }
        p.actions.push(PlannedAction { kind: ActionKind::Update, reason: what.join("; ") });
    }
    if let Some(reason) = renewal {
        p.renew = true;
        p.actions.push(PlannedAction { kind: ActionKind::Renew, reason });
    }
    if p.renew || p.duration_changed {
        push(&mut p, "expiresAt", DiffKind::Update, false);
    }
    if let Some(v) = p.rotate_to {
        let grace = match &news.previous_client_secret_expires_at {
            Some(t) => format!("the previous secret keeps working until {t}"),
            None => "the previous secret stops working at once".to_string(),
        };
        p.actions.push(PlannedAction {
            kind: ActionKind::Rotate,
            reason: format!("clientSecretVersion {} → {v}: a new client secret is issued, the client id stays; {grace}", old.client_secret_version.unwrap_or(1)),
        });
        push(&mut p, "clientSecret", DiffKind::Update, false);
    }
    if p.actions.is_empty() && !p.diffs.is_empty() {
        p.state_only = true;
        let names: Vec<&str> = p.diffs.iter().map(|d| d.property.as_str()).collect();
        p.actions.push(PlannedAction {
            kind: ActionKind::StateOnly,
            reason: format!("{} changed; stored only, no API call", names.join(", ")),
        });
    }
    Ok(p)
}

/// Why `enabled` changes. A token found disabled cannot say who disabled
/// it: the reason names both causes, a person and the account's inactivity
/// cleanup, with when the token last authenticated, which tells them apart.
fn enabled_reason(olds: &TokenState, enable: bool) -> String {
    if !enable {
        return "enabled true → false: the token is disabled in place; the client id and secret are kept, and no client can authenticate with it until it is enabled again".to_string();
    }
    let seen = last_authenticated(olds.last_seen_at.as_deref(), olds.created_at.as_deref());
    format!(
        "enabled false → true: the token is disabled at Cloudflare: a person disabled it (outside this program, or with an earlier `enabled: false`), or the account's inactivity cleanup did after the token went unused for its set 30 to 365 days ({seen}); it is re-enabled in place with the same client id and secret"
    )
}

/// When a token last authenticated, in words: what tells a person's disable
/// from the inactivity cleanup's, wherever a disabled token is explained.
pub fn last_authenticated(last_seen_at: Option<&str>, created_at: Option<&str>) -> String {
    match (last_seen_at, created_at) {
        (Some(seen), _) => format!("it last authenticated at {seen}"),
        (None, Some(created)) => format!("it has never authenticated since it was created at {created}"),
        (None, None) => "it has never authenticated".to_string(),
    }
}

fn is_replace(kind: DiffKind) -> bool {
    matches!(kind, DiffKind::AddReplace | DiffKind::DeleteReplace | DiffKind::UpdateReplace)
}

/// Durations compare by value (`60m` = `1h`); unparsable ones by text.
fn same_duration(a: &str, b: &str) -> bool {
    match (duration::parse(a), duration::parse(b)) {
        (Ok(x), Ok(y)) => x == y,
        _ => a == b,
    }
}

/// The diff in Pulumi's terms.
pub fn diff(olds: &TokenState, news: &TokenArgs, now: DateTime<Utc>) -> Result<DiffResult, Error> {
    let p = plan(olds, news, now)?;
    Ok(DiffResult {
        changes: !p.diffs.is_empty(),
        replaces: p.diffs.iter().filter(|d| is_replace(d.kind)).map(|d| d.property.clone()).collect(),
        delete_before_replace: false,
        detailed_diff: p.diffs,
        actions: p.actions,
    })
}
