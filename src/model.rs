//! The resource's plain types: what the user declares ([`TokenArgs`]), what is
//! known after an operation ([`TokenState`]), and what a preview plans
//! ([`PlannedState`]). They mirror the WIT records one to one, so the
//! component's conversions are mechanical and the core never sees bindings.

use crate::error::Error;
use crate::secret::Secret;
use serde::{Deserialize, Serialize};

/// What the user declares for one token. Its default is an enabled token
/// with no name and no scope.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenArgs {
    /// Friendly name (absent in a `get:` lookup's partial state).
    #[serde(default)]
    pub name: String,
    /// Account scope (exactly one of account / zone).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
    /// Zone scope.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zone_id: Option<String>,
    /// Renew within this many days of expiry; 0 = never.
    #[serde(default)]
    pub min_days_for_renewal: i64,
    /// Go duration or `forever`; `None` = the API default (`8760h`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<String>,
    /// Increasing it rotates the secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_secret_version: Option<u64>,
    /// Grace period of the previous secret on rotation (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_client_secret_expires_at: Option<String>,
    /// False disables the token in place (same id, client id and secret);
    /// true, the default, enables it. A state written before this property
    /// existed reads as enabled, as every token then was.
    #[serde(default = "enabled_by_default", skip_serializing_if = "is_enabled")]
    pub enabled: bool,
}

impl Default for TokenArgs {
    fn default() -> Self {
        TokenArgs {
            name: String::new(),
            account_id: None,
            zone_id: None,
            min_days_for_renewal: 0,
            duration: None,
            client_secret_version: None,
            previous_client_secret_expires_at: None,
            enabled: true,
        }
    }
}

fn enabled_by_default() -> bool {
    true
}

fn is_enabled(enabled: &bool) -> bool {
    *enabled
}

/// Where a token lives. Built only through [`Scope::account`] / [`Scope::zone`]
/// (or [`TokenArgs::scope`]), which validate the id, so a path built from a
/// scope can never carry anything but 32 hex characters.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Scope {
    /// `/accounts/{id}`.
    Account(String),
    /// `/zones/{id}`.
    Zone(String),
}

impl Scope {
    /// An account scope; the id must be 32 hex characters.
    pub fn account(id: &str) -> Result<Scope, Error> {
        check_identifier(id).map_err(|r| Error::invalid("accountId", r))?;
        Ok(Scope::Account(id.to_string()))
    }

    /// A zone scope; the id must be 32 hex characters.
    pub fn zone(id: &str) -> Result<Scope, Error> {
        check_identifier(id).map_err(|r| Error::invalid("zoneId", r))?;
        Ok(Scope::Zone(id.to_string()))
    }

    /// The path prefix, e.g. `/accounts/0123…`.
    pub fn path_prefix(&self) -> String {
        match self {
            Scope::Account(id) => format!("/accounts/{id}"),
            Scope::Zone(id) => format!("/zones/{id}"),
        }
    }

    /// `account` or `zone`, for messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Scope::Account(_) => "account",
            Scope::Zone(_) => "zone",
        }
    }
}

/// Checks a Cloudflare account or zone identifier: 32 hexadecimal characters.
pub fn check_identifier(id: &str) -> Result<(), String> {
    if id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(())
    } else {
        Err(format!("expected 32 hexadecimal characters, found {id} ({})", id.chars().count(), id = crate::error::quote(&id)))
    }
}

/// A service token id, checked to be a UUID so that it is safe in a path.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TokenId(String);

impl TokenId {
    /// Parses a token UUID (`f174e90a-fafe-4643-bbbc-4a0ed4fc8415`).
    pub fn parse(id: &str) -> Result<TokenId, Error> {
        let groups: Vec<&str> = id.split('-').collect();
        let lens = [8, 4, 4, 4, 12];
        let ok = groups.len() == 5
            && groups.iter().zip(lens).all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()));
        if ok {
            Ok(TokenId(id.to_string()))
        } else {
            Err(Error::invalid("id", format!("expected a token UUID such as \"f174e90a-fafe-4643-bbbc-4a0ed4fc8415\", found {id}", id = crate::error::quote(&id))))
        }
    }

    /// The id text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TokenArgs {
    /// The scope these arguments name; an error unless exactly one of
    /// accountId / zoneId is set and well formed.
    pub fn scope(&self) -> Result<Scope, Error> {
        match (&self.account_id, &self.zone_id) {
            (Some(a), None) => Scope::account(a),
            (None, Some(z)) => Scope::zone(z),
            (Some(_), Some(_)) => Err(Error::InvalidInput(vec![
                crate::CheckFailure::new("accountId", "conflicts with zoneId: set exactly one"),
                crate::CheckFailure::new("zoneId", "conflicts with accountId: set exactly one"),
            ])),
            (None, None) => Err(Error::invalid("accountId", "one of accountId or zoneId is required")),
        }
    }
}

/// What is known about a token after an operation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenState {
    /// Token UUID.
    pub id: String,
    /// The inputs it is managed with.
    pub args: TokenArgs,
    /// `<32 hex>.access`.
    pub client_id: String,
    /// Known only after create, rotate or a version-bumping update.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<Secret>,
    /// RFC 3339, as the API reported it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<String>,
    /// RFC 3339: when Cloudflare created the token (none in a state written
    /// before it was kept).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    /// RFC 3339: when the token last authenticated at an Access application;
    /// none until it has. Read on refresh, never a reason for a change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_seen_at: Option<String>,
}

/// A value the API computes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Computed<T> {
    /// Known now.
    Known(T),
    /// Known only after the apply.
    Unknown,
}

/// A token as a preview plans it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlannedState {
    /// The inputs.
    pub args: TokenArgs,
    /// Unknown for a create.
    pub id: Computed<String>,
    /// Unknown for a create.
    pub client_id: Computed<String>,
    /// `None`: no secret now nor after (imported, not rotated).
    pub client_secret: Option<Computed<Secret>>,
    /// Unknown when the apply changes the expiry.
    pub expires_at: Computed<String>,
    /// Unknown for a create (or a state that never recorded it).
    pub created_at: Computed<String>,
    /// What the last read saw; an apply does not change it.
    pub last_seen_at: Option<String>,
}

/// The result of create / update.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Calls were made.
    Applied(TokenState),
    /// Preview: no call was made.
    Planned(PlannedState),
}
