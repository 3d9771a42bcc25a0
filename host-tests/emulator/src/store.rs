//! The emulator's state: service tokens per account or zone.
//!
//! Plain data and the state transitions of the API (create, update, refresh,
//! rotate, delete), plus what using a token changes (`last_seen_at`) and the
//! inactivity cleanup that acts on it. Request parsing and rendering live in
//! `handlers`; this module only knows tokens, so it is easy to seed and
//! inspect from tests.

use crate::ids::IdGen;
use crate::inactivity::InactivityCleanup;
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;
use std::fmt;

/// Which namespace a token lives in. Each account or zone id is its own namespace.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scope {
    /// `/accounts/{account_id}`
    Account(String),
    /// `/zones/{zone_id}`
    Zone(String),
}

impl Scope {
    /// The path segment naming this kind of scope: `accounts` or `zones`.
    pub fn kind(&self) -> &'static str {
        match self {
            Scope::Account(_) => "accounts",
            Scope::Zone(_) => "zones",
        }
    }

    /// The account or zone id.
    pub fn id(&self) -> &str {
        match self {
            Scope::Account(id) | Scope::Zone(id) => id,
        }
    }
}

/// One service token as the emulator holds it, secret included.
#[derive(Clone, PartialEq, Eq)]
pub struct StoredToken {
    pub scope: Scope,
    /// UUID v4.
    pub id: String,
    pub name: String,
    /// `<32 hex>.access`
    pub client_id: String,
    /// The current secret; never shown by `Debug`.
    pub client_secret: String,
    /// The secret replaced by the last rotation, still accepted by the Access
    /// application until `previous_client_secret_expires_at`; never shown by `Debug`.
    pub previous_client_secret: Option<String>,
    /// As given by the client (`8760h`, `forever`, ...).
    pub duration: String,
    pub expires_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub client_secret_version: u64,
    /// RFC 3339, as last given (or set by a rotation).
    pub previous_client_secret_expires_at: Option<String>,
    pub enabled: bool,
    /// When the token last authenticated to the Access application; `None` until then.
    pub last_seen_at: Option<DateTime<Utc>>,
    /// When a PUT last turned a disabled token back on: re-enabling restarts
    /// the inactivity clock, or the cleanup would undo it at once.
    pub reenabled_at: Option<DateTime<Utc>>,
}

impl StoredToken {
    /// Where the inactivity clock starts: the last authentication, creation,
    /// or the last re-enable, whichever is latest.
    pub fn idle_since(&self) -> DateTime<Utc> {
        [self.last_seen_at, self.reenabled_at]
            .into_iter()
            .flatten()
            .fold(self.created_at, DateTime::max)
    }

    /// A rotation's secret swap: `secret` becomes current and the one it
    /// replaces is kept as the previous secret (for its grace period).
    fn replace_secret(&mut self, secret: String) {
        let old = std::mem::replace(&mut self.client_secret, secret);
        self.previous_client_secret = Some(old);
    }

    /// Whether the previous secret is still accepted at `now`: there is one
    /// and `now` is before `previous_client_secret_expires_at`.
    pub fn previous_secret_valid_at(&self, now: DateTime<Utc>) -> bool {
        self.previous_client_secret.is_some()
            && self
                .previous_client_secret_expires_at
                .as_deref()
                .and_then(|at| DateTime::parse_from_rfc3339(at).ok())
                .is_some_and(|at| now < at)
    }
}

impl fmt::Debug for StoredToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoredToken")
            .field("scope", &self.scope)
            .field("id", &self.id)
            .field("name", &self.name)
            .field("client_id", &self.client_id)
            .field("client_secret", &"<redacted>")
            .field(
                "previous_client_secret",
                &self.previous_client_secret.as_ref().map(|_| "<redacted>"),
            )
            .field("duration", &self.duration)
            .field("expires_at", &self.expires_at)
            .field("created_at", &self.created_at)
            .field("updated_at", &self.updated_at)
            .field("client_secret_version", &self.client_secret_version)
            .field(
                "previous_client_secret_expires_at",
                &self.previous_client_secret_expires_at,
            )
            .field("enabled", &self.enabled)
            .field("last_seen_at", &self.last_seen_at)
            .field("reenabled_at", &self.reenabled_at)
            .finish()
    }
}

/// What a create carries once validated.
pub struct NewToken {
    pub name: String,
    pub duration: String,
    pub lifetime: chrono::Duration,
    pub client_secret_version: u64,
    pub previous_client_secret_expires_at: Option<String>,
    pub enabled: bool,
}

/// What a PUT carries once validated; `None` leaves a field alone.
#[derive(Default)]
pub struct TokenUpdate {
    pub name: Option<String>,
    /// The duration string and its parsed length.
    pub duration: Option<(String, chrono::Duration)>,
    pub client_secret_version: Option<u64>,
    pub previous_client_secret_expires_at: Option<String>,
    pub enabled: Option<bool>,
}

/// The outcome of an update: the token, and whether its secret was rotated.
pub struct Updated {
    pub token: StoredToken,
    pub rotated: bool,
}

/// An inactivity cleanup rule, and when it was set: a token already idle for
/// long enough is cleaned up as of that moment, not retroactively.
#[derive(Clone, Copy)]
struct CleanupSetting {
    rule: InactivityCleanup,
    since: DateTime<Utc>,
}

/// All tokens, in creation order, plus the id generator, every secret issued
/// and the inactivity cleanup rules per account or zone.
pub struct Store {
    tokens: Vec<StoredToken>,
    ids: IdGen,
    issued_secrets: Vec<String>,
    cleanup: BTreeMap<Scope, CleanupSetting>,
}

impl Store {
    pub fn new(seed: Option<u64>) -> Store {
        Store {
            tokens: Vec::new(),
            ids: IdGen::new(seed),
            issued_secrets: Vec::new(),
            cleanup: BTreeMap::new(),
        }
    }

    /// Every secret ever issued, oldest first (for leak tests).
    pub fn issued_secrets(&self) -> &[String] {
        &self.issued_secrets
    }

    /// All tokens, in creation order.
    pub fn all(&self) -> &[StoredToken] {
        &self.tokens
    }

    /// Tokens of one scope, in creation order.
    pub fn in_scope<'a>(&'a self, scope: &'a Scope) -> impl Iterator<Item = &'a StoredToken> + 'a {
        self.tokens.iter().filter(move |t| &t.scope == scope)
    }

    pub fn get(&self, scope: &Scope, id: &str) -> Option<&StoredToken> {
        self.tokens.iter().find(|t| &t.scope == scope && t.id == id)
    }

    fn get_mut(&mut self, scope: &Scope, id: &str) -> Option<&mut StoredToken> {
        self.tokens
            .iter_mut()
            .find(|t| &t.scope == scope && t.id == id)
    }

    fn new_secret(&mut self) -> String {
        let secret = self.ids.client_secret();
        self.issued_secrets.push(secret.clone());
        secret
    }

    /// Creates a token with fresh ids and secret; `expires_at = now + lifetime`.
    pub fn create(&mut self, scope: Scope, new: NewToken, now: DateTime<Utc>) -> StoredToken {
        let id = self.ids.uuid_v4();
        let client_id = self.ids.client_id();
        let client_secret = self.new_secret();
        let token = StoredToken {
            scope,
            id,
            name: new.name,
            client_id,
            client_secret,
            previous_client_secret: None,
            duration: new.duration,
            expires_at: now + new.lifetime,
            created_at: now,
            updated_at: now,
            client_secret_version: new.client_secret_version,
            previous_client_secret_expires_at: new.previous_client_secret_expires_at,
            enabled: new.enabled,
            last_seen_at: None,
            reenabled_at: None,
        };
        self.tokens.push(token.clone());
        token
    }

    /// Applies a PUT. A duration resets `expires_at` to `now + duration`; a
    /// higher `client_secret_version` issues a new secret; a lower one is an
    /// error (the message follows `access.api.error.invalid_request: `).
    /// `Ok(None)` when the token does not exist.
    pub fn update(
        &mut self,
        scope: &Scope,
        id: &str,
        update: TokenUpdate,
        now: DateTime<Utc>,
    ) -> Result<Option<Updated>, String> {
        let Some(current) = self.get(scope, id) else {
            return Ok(None);
        };
        let rotate = match update.client_secret_version {
            Some(v) if v < current.client_secret_version => {
                return Err(format!(
                    "client_secret_version {v} is lower than the current version {}",
                    current.client_secret_version
                ))
            }
            Some(v) => v > current.client_secret_version,
            None => false,
        };
        let new_secret = rotate.then(|| self.new_secret());
        let token = self.get_mut(scope, id).expect("checked above");
        if let Some(name) = update.name {
            token.name = name;
        }
        if let Some((duration, lifetime)) = update.duration {
            token.duration = duration;
            token.expires_at = now + lifetime;
        }
        if let Some(secret) = new_secret {
            token.replace_secret(secret);
            token.client_secret_version = update
                .client_secret_version
                .expect("rotate implies a version");
            // Like rotate: without a grace period the previous secret expires now.
            token.previous_client_secret_expires_at = Some(crate::handlers::timestamp(now));
        }
        if let Some(at) = update.previous_client_secret_expires_at {
            token.previous_client_secret_expires_at = Some(at);
        }
        if let Some(enabled) = update.enabled {
            if enabled && !token.enabled {
                token.reenabled_at = Some(now);
            }
            token.enabled = enabled;
        }
        token.updated_at = now;
        Ok(Some(Updated {
            token: token.clone(),
            rotated: rotate,
        }))
    }

    /// Extends the token: `expires_at = now + its duration`.
    pub fn refresh(&mut self, scope: &Scope, id: &str, now: DateTime<Utc>) -> Option<StoredToken> {
        let token = self.get_mut(scope, id)?;
        let lifetime = crate::duration::parse(&token.duration)
            .unwrap_or_else(|_| chrono::Duration::hours(8760));
        token.expires_at = now + lifetime;
        token.updated_at = now;
        Some(token.clone())
    }

    /// Issues a new secret and bumps the version. The previous secret stays
    /// valid until `previous_expires_at`, which defaults to now (the API
    /// documents "defaults to the current timestamp").
    pub fn rotate(
        &mut self,
        scope: &Scope,
        id: &str,
        previous_expires_at: Option<String>,
        now: DateTime<Utc>,
    ) -> Option<StoredToken> {
        self.get(scope, id)?;
        let secret = self.new_secret();
        let token = self.get_mut(scope, id).expect("checked above");
        token.replace_secret(secret);
        token.client_secret_version += 1;
        token.previous_client_secret_expires_at =
            Some(previous_expires_at.unwrap_or_else(|| crate::handlers::timestamp(now)));
        token.updated_at = now;
        Some(token.clone())
    }

    /// Removes a token, returning it.
    pub fn remove(&mut self, scope: &Scope, id: &str) -> Option<StoredToken> {
        let index = self
            .tokens
            .iter()
            .position(|t| &t.scope == scope && t.id == id)?;
        Some(self.tokens.remove(index))
    }

    /// The token of `scope` with this client id.
    pub fn by_client_id(&self, scope: &Scope, client_id: &str) -> Option<&StoredToken> {
        self.tokens
            .iter()
            .find(|t| &t.scope == scope && t.client_id == client_id)
    }

    /// Records a successful authentication: `last_seen_at = now`.
    pub fn mark_seen(&mut self, scope: &Scope, id: &str, now: DateTime<Utc>) {
        if let Some(token) = self.get_mut(scope, id) {
            token.last_seen_at = Some(now);
        }
    }

    /// Sets (or with `None` removes) the inactivity cleanup of one account or zone.
    pub fn set_cleanup(
        &mut self,
        scope: Scope,
        rule: Option<InactivityCleanup>,
        now: DateTime<Utc>,
    ) {
        match rule {
            Some(rule) => {
                self.cleanup
                    .insert(scope, CleanupSetting { rule, since: now });
            }
            None => {
                self.cleanup.remove(&scope);
            }
        }
    }

    /// The inactivity cleanup of one account or zone, if any.
    pub fn cleanup(&self, scope: &Scope) -> Option<InactivityCleanup> {
        self.cleanup.get(scope).map(|s| s.rule)
    }

    /// Applies every inactivity cleanup as of `now`. Called before each use
    /// of the store, so moving the clock is all it takes to trigger it. A
    /// disabled token's `updated_at` is when the cleanup became due (the
    /// idle limit, or when the rule was set if later), not when it was noticed.
    pub fn apply_cleanup(&mut self, now: DateTime<Utc>) {
        if self.cleanup.is_empty() {
            return;
        }
        let cleanup = &self.cleanup;
        let due = |t: &StoredToken| {
            let setting = cleanup.get(&t.scope)?;
            let at = t.idle_since() + chrono::Duration::days(setting.rule.after_days.into());
            (now >= at).then(|| (setting.rule.action, at.max(setting.since)))
        };
        use crate::inactivity::CleanupAction;
        self.tokens
            .retain(|t| !matches!(due(t), Some((CleanupAction::Delete, _))));
        for token in &mut self.tokens {
            if let Some((CleanupAction::Disable, at)) = due(token) {
                if token.enabled {
                    token.enabled = false;
                    token.updated_at = token.updated_at.max(at);
                }
            }
        }
    }
}
