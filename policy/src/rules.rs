//! The rules: stable ids, default levels, and the judgement of one token.
//! Ids are kebab-case and never change meaning (policy files, SARIF
//! fingerprints and CI configuration refer to them); a rule that changes
//! meaning gets a new id.

use super::settings::Settings;
use super::token::{Field, InputKind, Token};
use access_service_token::duration::{self, Lifetime};
use chrono::{DateTime, SecondsFormat, TimeDelta, Utc};
use std::fmt;
use std::str::FromStr;

/// What a finding does to the run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// A finding fails the run (exit status non-zero in CI).
    Mandatory,
    /// A finding is reported but the run passes.
    Advisory,
    /// The rule is not evaluated and counts no checks.
    Disabled,
}

impl Level {
    /// Every level, for messages listing the valid ones.
    pub const ALL: [Level; 3] = [Level::Mandatory, Level::Advisory, Level::Disabled];

    /// The word used in policy files, overrides and JSON output.
    pub fn id(self) -> &'static str {
        match self {
            Level::Mandatory => "mandatory",
            Level::Advisory => "advisory",
            Level::Disabled => "disabled",
        }
    }

    /// SARIF's level for this one (`error`, `warning`, `none`).
    pub fn sarif(self) -> &'static str {
        match self {
            Level::Mandatory => "error",
            Level::Advisory => "warning",
            Level::Disabled => "none",
        }
    }
}

impl fmt::Display for Level {
    /// Writes the policy-file word.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl FromStr for Level {
    type Err = String;

    /// Parses a policy-file word; the error lists the valid words.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Level::ALL.into_iter().find(|l| l.id() == s).ok_or_else(|| {
            let all: Vec<&str> = Level::ALL.iter().map(|l| l.id()).collect();
            format!("unknown level {s}; expected one of {}", all.join(", "), s = access_service_token::error::quote(&s))
        })
    }
}

/// One rule's description: what policy files, SARIF and `--help` show.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rule {
    /// Stable kebab-case id.
    pub id: &'static str,
    /// PascalCase name (SARIF `reportingDescriptor.name`).
    pub name: &'static str,
    /// The level when no policy says otherwise.
    pub default_level: Level,
    /// One line: what the rule finds.
    pub summary: &'static str,
    /// Why it matters and what to do (SARIF `fullDescription` and `help`).
    pub help: &'static str,
}

/// Id of the rule for a token already past `expires_at`.
pub const EXPIRED: &str = "expired";
/// Id of the rule for a token expiring inside the configured window.
pub const EXPIRES_SOON: &str = "expires-soon";
/// Id of the rule for an expiring token that nothing renews.
pub const NEVER_RENEWED: &str = "never-renewed";
/// Id of the rule for a renewal window as long as the token's lifetime.
pub const RENEWAL_WINDOW_TOO_LONG: &str = "renewal-window-too-long";
/// Id of the rule for `duration: forever`.
pub const NON_EXPIRING: &str = "non-expiring";
/// Id of the rule for a client secret stored in plain text.
pub const PLAINTEXT_SECRET: &str = "plaintext-secret";
/// Id of the rule for a token with both an account and a zone.
pub const SCOPE_CONFLICT: &str = "scope-conflict";
/// Id of the rule for a token with neither an account nor a zone.
pub const SCOPE_MISSING: &str = "scope-missing";
/// Id of the rule for a disabled token (`enabled: false`).
pub const DISABLED: &str = "disabled";
/// Id of the rule for a token not seen authenticating for `idleDays` days.
pub const IDLE: &str = "idle";
/// Id of the rule for a token created `idleDays` days ago and never seen.
pub const NEVER_USED: &str = "never-used";

/// The rules table, in the order SARIF lists them (`ruleIndex` points here).
///
/// `plaintext-secret` defaults to advisory: Terraform state always holds the
/// secret in plain text, so a mandatory default would fail every Terraform
/// user's build over something only the state backend (encryption, access
/// control) can address; teams that forbid plain-text state make it mandatory.
///
/// `idle` and `never-used` default to advisory (their help says why): a token
/// that authenticates rarely is not broken, and the account's cleanup setting
/// is not in any file this reads. `disabled` is mandatory: the token already
/// refuses every request, which is an outage for whoever presents it.
pub const RULES: &[Rule] = &[
    Rule {
        id: EXPIRED,
        name: "Expired",
        default_level: Level::Mandatory,
        summary: "The service token has expired.",
        help: "The token's expires_at is in the past: every machine-to-machine request that presents it is refused by Cloudflare Access, silently from the caller's point of view. Renew it (Terraform v4 / Pulumi v5: refresh with min_days_for_renewal set; this tool: `up`) or create a new token and rotate the client credentials.",
    },
    Rule {
        id: EXPIRES_SOON,
        name: "ExpiresSoon",
        default_level: Level::Mandatory,
        summary: "The service token expires within the configured number of days.",
        help: "The token lapses inside the warning window (expiresWithinDays, 30 by default). The point is to fail the build before the token lapses: renew or rotate it now. Terraform v4 and Pulumi v5 renew only as a side effect of a refresh; Terraform v5 and Pulumi v6 never renew.",
    },
    Rule {
        id: NEVER_RENEWED,
        name: "NeverRenewed",
        default_level: Level::Advisory,
        summary: "The token expires but minDaysForRenewal is 0 (or less) or absent, so nothing renews it.",
        help: "With minDaysForRenewal 0 (the default) or absent, no tool renews the token: it lapses at expires_at. Set minDaysForRenewal (for example 30) where the provider supports it, or plan a rotation; Terraform v5 and Pulumi v6 dropped renewal altogether.",
    },
    Rule {
        id: RENEWAL_WINDOW_TOO_LONG,
        name: "RenewalWindowTooLong",
        default_level: Level::Advisory,
        summary: "minDaysForRenewal is at least the token's lifetime, so every run renews it.",
        help: "A renewal window (minDaysForRenewal x 24 h) as long as the token's duration (8760h when not set) means the token is always inside its window: every refresh or update renews it, which hides real changes in every plan. Use a window shorter than the lifetime, such as 30 days for a one-year token.",
    },
    Rule {
        id: NON_EXPIRING,
        name: "NonExpiring",
        default_level: Level::Disabled,
        summary: "The token never expires (duration: forever).",
        help: "A token with duration `forever` lives 100 years: a leaked client secret stays valid until someone revokes it. Disabled by default; teams that require expiring credentials enable it.",
    },
    Rule {
        id: PLAINTEXT_SECRET,
        name: "PlaintextSecret",
        default_level: Level::Advisory,
        summary: "The client secret is stored in plain text (in this file, or in the Pulumi stack's state).",
        help: "Anyone who can read the file can use the token. Terraform state always stores the secret in plain text: keep it in an encrypted backend with restricted access. A Pulumi export made with --show-secrets, a Terraform plan and this tool's state file hold it in plain text too: do not commit, upload or archive them. In a Pulumi policy pack, a clientSecret the engine does not hold as a secret is written to the stack's state unencrypted: mark it secret (additionalSecretOutputs, or a provider schema that declares it secret). The finding never includes the secret.",
    },
    Rule {
        id: SCOPE_CONFLICT,
        name: "ScopeConflict",
        default_level: Level::Mandatory,
        summary: "Both accountId and zoneId are set.",
        help: "A service token belongs to exactly one account or one zone; the API refuses both, so the next apply fails. Keep one of accountId or zoneId.",
    },
    Rule {
        id: SCOPE_MISSING,
        name: "ScopeMissing",
        default_level: Level::Mandatory,
        summary: "Neither accountId nor zoneId is set.",
        help: "A service token belongs to exactly one account or one zone; without either the API cannot create or find it. Set accountId or zoneId.",
    },
    Rule {
        id: DISABLED,
        name: "Disabled",
        default_level: Level::Mandatory,
        summary: "The service token is disabled (enabled is false), so it authenticates nothing.",
        help: "Every Access application refuses a disabled token: whatever presents it is locked out, silently from its point of view. Either a person disabled it (enabled: false in the program, or by hand at Cloudflare) or Cloudflare's inactivity cleanup did: since September 2026 an account can have Cloudflare disable or delete service tokens that have not authenticated for a chosen period (30 to 365 days). The finding gives lastSeenAt when it is known. Set enabled: true (or leave it out) and run `up` (Pulumi: `pulumi up`; Terraform: enabled = true and `terraform apply`): that re-enables the token in place, with the same client id and secret. If nothing needs it any more, delete it instead. A resource without the property (the Cloudflare provider's) is never reported as disabled.",
    },
    Rule {
        id: IDLE,
        name: "Idle",
        default_level: Level::Advisory,
        summary: "The token has not authenticated for more than idleDays days (90 by default).",
        help: "lastSeenAt, when the token last authenticated at an Access application, is more than idleDays days ago (90 by default; `idleDays` in the policy file or `idleDays=N` as an override). Cloudflare's inactivity cleanup may disable or delete it: since September 2026 an account can have Cloudflare disable or delete service tokens that have not authenticated for a chosen period (30 to 365 days), and a deleted token's client id and secret are gone. Set idleDays below the account's period to hear in time. Advisory by default: backup, break-glass and seasonal jobs authenticate rarely by design, and the account's cleanup setting is not in any file this reads, so an idle token is a question, not a fault. Delete it if nothing uses it (an unused secret only adds risk), or check that whatever should present it still does; make the rule mandatory to fail the build. Judged only where lastSeenAt is recorded (this project's resources, and the Cloudflare provider's when its version has the attribute).",
    },
    Rule {
        id: NEVER_USED,
        name: "NeverUsed",
        default_level: Level::Advisory,
        summary: "The token was created more than idleDays days ago (90 by default) and has never authenticated.",
        help: "createdAt is more than idleDays days ago and lastSeenAt is empty: no Access application has ever accepted this token. It may be left over from work that never shipped, or its client id and secret were never deployed where they belong. Cloudflare's inactivity cleanup may disable or delete it (an account can have Cloudflare remove tokens that have not authenticated for 30 to 365 days). Delete it if nothing needs it, or deploy its credentials. Advisory by default, as idle is. Judged only where both createdAt and lastSeenAt are recorded (this project's resources; the Cloudflare provider's carry no createdAt), and never for a program, which has created nothing yet.",
    },
];

/// The rule of that id.
pub fn rule(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}

/// The valid ids, for messages about an unknown one.
pub fn ids() -> String {
    RULES.iter().map(|r| r.id).collect::<Vec<_>>().join(", ")
}

/// Whether the rule can say anything about tokens of this kind: a program
/// has no expiry, stores no secret and has created nothing to be used, so
/// only configuration rules apply (`disabled` among them: `enabled` is an input).
pub fn applies_to(rule: &Rule, kind: InputKind) -> bool {
    kind != InputKind::Program || !matches!(rule.id, EXPIRED | EXPIRES_SOON | PLAINTEXT_SECRET | IDLE | NEVER_USED)
}

/// RFC 3339 in whole seconds, as every message and output writes times.
pub fn time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// A human span: `12 days 3 h`, `5 h`, `less than an hour`.
fn span(d: TimeDelta) -> String {
    let (days, hours) = (d.num_days(), d.num_hours() % 24);
    match (days, hours) {
        (0, 0) => "less than an hour".into(),
        (0, h) => format!("{h} h"),
        (1, 0) => "1 day".into(),
        (d, 0) => format!("{d} days"),
        (1, h) => format!("1 day {h} h"),
        (d, h) => format!("{d} days {h} h"),
    }
}

/// The property as the file spells it.
pub(crate) fn prop(kind: InputKind, camel: &'static str) -> &'static str {
    if !kind.snake_case() {
        return camel;
    }
    // Terraform's spelling is the core's property table's.
    access_service_token::schema::by_name(camel).map_or(camel, |p| p.snake)
}

/// The lifetime the token was given, when it can be told.
fn lifetime(token: &Token) -> Option<Lifetime> {
    match &token.duration {
        Field::Known(d) => duration::parse(d).ok(),
        Field::Absent => duration::parse(duration::DEFAULT_DURATION).ok(),
        Field::Unknown => None,
    }
}

/// How to re-enable a disabled token, in the words of the tool that manages it.
fn re_enable(kind: InputKind) -> &'static str {
    match kind {
        InputKind::TerraformState | InputKind::TerraformShowState | InputKind::TerraformPlan => "set enabled = true (or leave it out) and run `terraform apply`",
        InputKind::PulumiExport | InputKind::PulumiEngine => "set enabled: true (or leave it out) and run `pulumi up`",
        InputKind::LocalState | InputKind::Program => "set enabled: true (or leave it out) and run `up`",
    }
}

/// What is known of the token's last use, for the disabled finding: empty
/// when the resource does not record it or it is not known.
fn last_use(token: &Token, now: DateTime<Utc>) -> String {
    match &token.last_seen_at {
        Some(Field::Known(at)) if *at <= now => format!(" (last seen at {}, {} ago)", time(*at), span(now - *at)),
        Some(Field::Known(at)) => format!(" (last seen at {})", time(*at)),
        // Never seen: only where the creation is recorded too (a state from
        // before either was kept has neither, and says nothing of use).
        Some(Field::Absent) if token.created_at.known().is_some() => " (it has never authenticated)".into(),
        Some(Field::Absent | Field::Unknown) | None => String::new(),
    }
}

/// Judges one token against one rule at the settings' time and windows
/// (`expiresWithinDays`, `idleDays`): the finding's message, or `None` when
/// the check passes.
pub fn evaluate(rule: &Rule, token: &Token, settings: &Settings) -> Option<String> {
    let k = token.kind;
    let (within_days, idle_days, now) = (settings.expires_within_days, settings.idle_days, settings.now);
    match rule.id {
        EXPIRED => {
            let at = *token.expires_at.known()?;
            (at < now).then(|| format!("expired at {} ({} ago); requests presenting it are refused", time(at), span(now - at)))
        }
        EXPIRES_SOON => {
            let at = *token.expires_at.known()?;
            let window = TimeDelta::days(i64::from(within_days));
            (at >= now && at - now <= window).then(|| {
                format!("expires at {} (in {}), within the {within_days}-day window; renew or rotate it before then", time(at), span(at - now))
            })
        }
        NEVER_RENEWED => {
            let days = match token.min_days_for_renewal {
                Field::Known(d) => d,
                Field::Absent => 0,
                Field::Unknown => return None,
            };
            if days > 0 || lifetime(token)? == Lifetime::Forever {
                return None;
            }
            let when = match &token.expires_at {
                Field::Known(at) => format!("it lapses at {}", time(*at)),
                _ => "it lapses when its duration runs out".to_string(),
            };
            let p = prop(k, "minDaysForRenewal");
            let is = if token.min_days_for_renewal.is_set() { format!("is {days}") } else { "is not set".into() };
            Some(format!("{p} {is}, so nothing renews this token and {when}; set {p} or plan a rotation (Terraform v5 / Pulumi v6 never renew)"))
        }
        RENEWAL_WINDOW_TOO_LONG => {
            let days = *token.min_days_for_renewal.known()?;
            let duration = match &token.duration {
                Field::Known(d) => Some(d.as_str()),
                Field::Absent => None,
                Field::Unknown => return None,
            };
            access_service_token::validate::renewal_window_too_long(prop(k, "minDaysForRenewal"), days, duration)
        }
        NON_EXPIRING => (token.duration.known().map(String::as_str) == Some("forever"))
            .then(|| "duration is forever: the token never expires, and neither does a leaked secret".to_string()),
        PLAINTEXT_SECRET => token.secret_in_plaintext.then(|| {
            match k {
                InputKind::TerraformState | InputKind::TerraformShowState => "the client secret is stored in plain text in this Terraform state; keep it in an encrypted backend with restricted access",
                InputKind::TerraformPlan => "the client secret is stored in plain text in this plan; do not keep or upload the plan file",
                InputKind::PulumiExport => "the client secret is in plain text in this export (--show-secrets); do not keep or upload it",
                InputKind::LocalState | InputKind::Program => "the client secret is stored in plain text in this state file; keep it out of version control and shared storage",
                InputKind::PulumiEngine => "the client secret is not marked secret, so Pulumi stores it in plain text in the stack's state; mark it secret (additionalSecretOutputs or the provider's schema)",
            }
            .to_string()
        }),
        SCOPE_CONFLICT => (token.account_id.is_set() && token.zone_id.is_set()).then(|| {
            format!("both {} and {} are set; a token belongs to exactly one of them", prop(k, "accountId"), prop(k, "zoneId"))
        }),
        SCOPE_MISSING => (!token.account_id.is_set() && !token.zone_id.is_set()).then(|| {
            format!("neither {} nor {} is set; a token needs exactly one of them", prop(k, "accountId"), prop(k, "zoneId"))
        }),
        DISABLED => {
            if *token.enabled.known()? {
                return None;
            }
            let (fix, last) = (re_enable(k), last_use(token, now));
            let id = if k.snake_case() { "client_id and client_secret" } else { "client id and secret" };
            Some(match k {
                // What will be: the configuration asks for it (a token
                // disabled elsewhere is planned enabled again unless it does).
                InputKind::Program | InputKind::TerraformPlan | InputKind::PulumiEngine => format!(
                    "enabled is false in the configuration, so once applied the token authenticates nothing: every request presenting it is refused{last}; if that is not meant, {fix} to enable it in place, with the same {id}"
                ),
                // What is: someone, or Cloudflare, switched it off.
                InputKind::PulumiExport | InputKind::TerraformState | InputKind::TerraformShowState | InputKind::LocalState => format!(
                    "disabled (enabled is false), so it authenticates nothing: every request presenting it is refused; a person or Cloudflare's inactivity cleanup disabled it{last}; {fix} to re-enable it in place, with the same {id}"
                ),
            })
        }
        IDLE => {
            let seen = *token.last_seen_at.as_ref()?.known()?;
            let window = TimeDelta::days(i64::from(idle_days));
            (now - seen > window).then(|| {
                format!(
                    "not seen for {}: {} is {}, more than {idle_days} days ago (idleDays); Cloudflare's inactivity cleanup may disable or delete it; delete it if nothing uses it, or check that whatever should present it still does",
                    span(now - seen),
                    prop(k, "lastSeenAt"),
                    time(seen)
                )
            })
        }
        NEVER_USED => {
            let created = *token.created_at.known()?;
            let window = TimeDelta::days(i64::from(idle_days));
            (matches!(token.last_seen_at, Some(Field::Absent)) && now - created > window).then(|| {
                format!(
                    "never used: created at {} ({} ago), more than {idle_days} days (idleDays), and it has never authenticated ({} is empty); Cloudflare's inactivity cleanup may disable or delete it; delete it if nothing needs it, or deploy its credentials",
                    time(created),
                    span(now - created),
                    prop(k, "lastSeenAt")
                )
            })
        }
        _ => None,
    }
}
