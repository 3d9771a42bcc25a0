//! What a run judges by: the level of each rule, the expires-soon window,
//! the idle window and the time "now". Built in layers — defaults, then a policy file, then
//! command-line overrides — so a team keeps its policy in the repository and
//! a pipeline can still tighten one rule for one run. `now` is a parameter:
//! the same inputs and the same `now` give byte-identical reports.

use super::rules::{self, Level, RULES};
use super::InputFile;
use access_service_token::error::{CheckFailure, Error};
use chrono::{DateTime, Utc};
use serde_json::Value;
use std::collections::BTreeMap;

/// The expires-soon window when nothing says otherwise.
pub const DEFAULT_EXPIRES_WITHIN_DAYS: u32 = 30;

/// The longest window accepted (`forever` tokens live 36 500 days).
pub const MAX_EXPIRES_WITHIN_DAYS: u32 = 36_500;

/// The policy-file key of the expires-soon window (also an override key).
pub const EXPIRES_WITHIN_DAYS_KEY: &str = "expiresWithinDays";

/// The idle window when nothing says otherwise: `idle` fires for a token
/// not seen for longer, `never-used` for one created longer ago and never
/// seen. Below Cloudflare's longest inactivity period (365 days) and above
/// a quarter, so a job that runs every three months stays quiet.
pub const DEFAULT_IDLE_DAYS: u32 = 90;

/// The shortest idle window accepted: 0 days would call every token idle
/// the instant after it authenticated.
pub const MIN_IDLE_DAYS: u32 = 1;

/// The longest idle window accepted (the longest lifetime, 36 500 days).
pub const MAX_IDLE_DAYS: u32 = 36_500;

/// The policy-file key of the idle window (also an override key).
pub const IDLE_DAYS_KEY: &str = "idleDays";

/// The settings of one run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Settings {
    /// The level of every rule, by id (every id of [`RULES`] is present).
    pub levels: BTreeMap<String, Level>,
    /// expires-soon fires for tokens expiring within this many days.
    pub expires_within_days: u32,
    /// idle fires for tokens not seen for more than this many days, and
    /// never-used for tokens created more than this many days ago.
    pub idle_days: u32,
    /// The time the expiry rules compare with.
    pub now: DateTime<Utc>,
}

impl Settings {
    /// The defaults of the rules table, at `now`.
    pub fn new(now: DateTime<Utc>) -> Self {
        let levels = RULES.iter().map(|r| (r.id.to_string(), r.default_level)).collect();
        Settings { levels, expires_within_days: DEFAULT_EXPIRES_WITHIN_DAYS, idle_days: DEFAULT_IDLE_DAYS, now }
    }

    /// Defaults, then the policy file (if any), then each `id=level` override in order.
    pub fn build(now: DateTime<Utc>, policy: Option<&InputFile>, overrides: &[String]) -> Result<Self, Error> {
        let mut s = Settings::new(now);
        if let Some(file) = policy {
            s.apply_policy(file)?;
        }
        for o in overrides {
            s.apply_override(o)?;
        }
        Ok(s)
    }

    /// The level of a rule (`Disabled` for an id not in the table).
    pub fn level(&self, id: &str) -> Level {
        self.levels.get(id).copied().unwrap_or(Level::Disabled)
    }

    /// Applies a policy file, YAML or JSON:
    /// `{"rules": {"expires-soon": "advisory", …}, "expiresWithinDays": 14, "idleDays": 60}`.
    /// Every problem is reported at once; unknown keys are errors, since a
    /// misspelt policy that silently does nothing is worse than none.
    pub fn apply_policy(&mut self, file: &InputFile) -> Result<(), Error> {
        let name = file.name.as_str();
        let doc = if file.text.trim_start().starts_with('{') {
            serde_json::from_str::<Value>(&file.text).map_err(|e| Error::invalid(name, format!("invalid JSON in policy file ({e})")))?
        } else {
            super::yaml::read(&file.text).map_err(|e| Error::invalid(name, format!("invalid policy file: {e}")))?
        };
        let top = match doc {
            Value::Object(o) => o,
            Value::Null => return Ok(()),
            _ => return Err(Error::invalid(name, format!("a policy file is a mapping with `rules`, `{EXPIRES_WITHIN_DAYS_KEY}` and `{IDLE_DAYS_KEY}`"))),
        };
        let mut failures = Vec::new();
        let mut fail = |what: String, why: String| failures.push(CheckFailure::new(format!("{name}: {what}"), why));
        for (key, value) in &top {
            match key.as_str() {
                "rules" => match value {
                    Value::Object(rules) => {
                        for (id, level) in rules {
                            let level = level.as_str().ok_or_else(|| "expected a level as text".to_string()).and_then(|l| l.parse::<Level>());
                            match (rules::rule(id), level) {
                                (None, _) => fail(format!("rules.{id}"), format!("unknown rule id; valid ids are {}", rules::ids())),
                                (Some(_), Err(e)) => fail(format!("rules.{id}"), e),
                                (Some(r), Ok(l)) => {
                                    self.levels.insert(r.id.to_string(), l);
                                }
                            }
                        }
                    }
                    Value::Null => {}
                    _ => fail("rules".into(), "expected a mapping of rule id to level".into()),
                },
                EXPIRES_WITHIN_DAYS_KEY => match days(value, 0, MAX_EXPIRES_WITHIN_DAYS) {
                    Ok(d) => self.expires_within_days = d,
                    Err(e) => fail(key.clone(), e),
                },
                IDLE_DAYS_KEY => match days(value, MIN_IDLE_DAYS, MAX_IDLE_DAYS) {
                    Ok(d) => self.idle_days = d,
                    Err(e) => fail(key.clone(), e),
                },
                other => fail(other.to_string(), format!("unknown key; a policy file has `rules`, `{EXPIRES_WITHIN_DAYS_KEY}` and `{IDLE_DAYS_KEY}`")),
            }
        }
        if failures.is_empty() {
            Ok(())
        } else {
            Err(Error::InvalidInput(failures))
        }
    }

    /// Applies one `id=level` override (or `expiresWithinDays=N`, `idleDays=N`).
    pub fn apply_override(&mut self, spec: &str) -> Result<(), Error> {
        let Some((id, value)) = spec.split_once('=') else {
            return Err(Error::invalid(
                "rule",
                format!("expected <rule-id>=<level>, {EXPIRES_WITHIN_DAYS_KEY}=<days> or {IDLE_DAYS_KEY}=<days>, found {spec}", spec = access_service_token::error::quote(&spec)),
            ));
        };
        let (id, value) = (id.trim(), value.trim());
        if id == EXPIRES_WITHIN_DAYS_KEY {
            self.expires_within_days = days(&Value::String(value.into()), 0, MAX_EXPIRES_WITHIN_DAYS).map_err(|e| Error::invalid(id, e))?;
            return Ok(());
        }
        if id == IDLE_DAYS_KEY {
            self.idle_days = days(&Value::String(value.into()), MIN_IDLE_DAYS, MAX_IDLE_DAYS).map_err(|e| Error::invalid(id, e))?;
            return Ok(());
        }
        let Some(rule) = rules::rule(id) else {
            return Err(Error::invalid("rule", format!("unknown rule id {id}; valid ids are {}", rules::ids(), id = access_service_token::error::quote(&id))));
        };
        let level = value.parse::<Level>().map_err(|e| Error::invalid(rule.id, e))?;
        self.levels.insert(rule.id.to_string(), level);
        Ok(())
    }
}

/// A window in days: a whole number from `min` to `max`.
fn days(value: &Value, min: u32, max: u32) -> Result<u32, String> {
    let n = match value {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.parse::<u64>().ok(),
        _ => None,
    };
    n.and_then(|n| u32::try_from(n).ok())
        .filter(|n| (min..=max).contains(n))
        .ok_or_else(|| format!("expected a whole number of days from {min} to {max}, found {value}"))
}
