//! The emulator as an Access application: a protected route that admits a
//! request the way Cloudflare Access admits a service token, so tests can
//! check that a token (and which of its secrets) would really work.
//!
//! `ANY /access-app/accounts/{account_id}[/...]` admits the tokens of that
//! account, `ANY /access-app/zones/{zone_id}[/...]` those of that zone, each
//! by its `CF-Access-Client-Id` and `CF-Access-Client-Secret` headers. The
//! prefix lies outside `/client/v4`, so it cannot collide with an API path.
//! These requests are not API calls: they go to their own log
//! ([`crate::Emulator::app_requests`]), never to [`crate::Emulator::requests`],
//! and latency, faults and API credentials do not apply to them.

use crate::envelope::Reply;
use crate::ids::is_object_id;
use crate::store::{Scope, Store};
use chrono::{DateTime, Utc};
use serde_json::json;

/// Where the Access application's paths start.
pub const APP_PREFIX: &str = "/access-app";

/// Why the Access application refused a request (HTTP 403).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Denial {
    /// `CF-Access-Client-Id` or `CF-Access-Client-Secret` absent or empty.
    MissingHeaders,
    /// No token of this account or zone has that client id.
    UnknownClientId,
    /// The token is disabled (`enabled: false`): no secret of it is accepted.
    Disabled,
    /// The clock is at or past the token's `expires_at`.
    Expired,
    /// The previous secret, presented at or after `previous_client_secret_expires_at`.
    PreviousSecretExpired,
    /// Neither the current nor the previous secret.
    WrongSecret,
}

impl Denial {
    /// The snake_case name the 403 body carries in `reason`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Denial::MissingHeaders => "missing_headers",
            Denial::UnknownClientId => "unknown_client_id",
            Denial::Disabled => "disabled",
            Denial::Expired => "expired",
            Denial::PreviousSecretExpired => "previous_secret_expired",
            Denial::WrongSecret => "wrong_secret",
        }
    }
}

/// What the Access application answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AppOutcome {
    /// 200, with the token's current secret.
    AdmittedWithCurrentSecret,
    /// 200, with the previous secret inside its grace period.
    AdmittedWithPreviousSecret,
    /// 403.
    Denied(Denial),
    /// 404: the path names no application (not `accounts|zones/{32 hex}`).
    NoSuchApp,
}

impl AppOutcome {
    pub fn status(&self) -> u16 {
        match self {
            AppOutcome::AdmittedWithCurrentSecret | AppOutcome::AdmittedWithPreviousSecret => 200,
            AppOutcome::Denied(_) => 403,
            AppOutcome::NoSuchApp => 404,
        }
    }

    pub fn admitted(&self) -> bool {
        self.status() == 200
    }
}

/// One request to the Access application. The secret is never recorded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppRequest {
    pub method: String,
    /// Full path (`/access-app/...`), without the query.
    pub path: String,
    /// The application's account or zone; `None` for a path naming none.
    pub scope: Option<Scope>,
    /// `CF-Access-Client-Id` as sent.
    pub client_id: Option<String>,
    /// The token the client id belongs to, if any.
    pub token_id: Option<String>,
    pub outcome: AppOutcome,
    /// The emulator clock when the request was checked.
    pub at: DateTime<Utc>,
}

impl AppRequest {
    pub fn status(&self) -> u16 {
        self.outcome.status()
    }
}

/// The Access application's own log, kept apart from the API request log.
pub type AppLog = crate::log::Log<AppRequest>;

/// Whether a path belongs to the Access application (it answers all of them,
/// 404 for those naming no account or zone).
pub fn is_app_path(path: &str) -> bool {
    path.strip_prefix(APP_PREFIX).is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// The account or zone whose application a path names:
/// `/access-app/{accounts|zones}/{32 hex}`, optionally followed by `/...`.
pub fn match_app_path(path: &str) -> Option<Scope> {
    let rest = path.strip_prefix(APP_PREFIX)?.strip_prefix('/')?;
    let mut segments = rest.splitn(3, '/');
    let kind = segments.next()?;
    let id = segments.next().filter(|id| is_object_id(id))?.to_string();
    match kind {
        "accounts" => Some(Scope::Account(id)),
        "zones" => Some(Scope::Zone(id)),
        _ => None,
    }
}

/// Checks the presented credentials as Access does and, on success, records
/// `last_seen_at = now`. Returns the outcome and the token id, if the client
/// id named one.
pub fn authenticate(
    store: &mut Store,
    scope: &Scope,
    client_id: Option<&str>,
    secret: Option<&str>,
    now: DateTime<Utc>,
) -> (AppOutcome, Option<String>) {
    let (Some(client_id), Some(secret)) = (
        client_id.filter(|s| !s.is_empty()),
        secret.filter(|s| !s.is_empty()),
    ) else {
        return (AppOutcome::Denied(Denial::MissingHeaders), None);
    };
    let Some(token) = store.by_client_id(scope, client_id) else {
        return (AppOutcome::Denied(Denial::UnknownClientId), None);
    };
    let id = token.id.clone();
    let outcome = if !token.enabled {
        AppOutcome::Denied(Denial::Disabled)
    } else if now >= token.expires_at {
        AppOutcome::Denied(Denial::Expired)
    } else if token.client_secret == secret {
        AppOutcome::AdmittedWithCurrentSecret
    } else if token.previous_client_secret.as_deref() != Some(secret) {
        AppOutcome::Denied(Denial::WrongSecret)
    } else if token.previous_secret_valid_at(now) {
        AppOutcome::AdmittedWithPreviousSecret
    } else {
        AppOutcome::Denied(Denial::PreviousSecretExpired)
    };
    if outcome.admitted() {
        store.mark_seen(scope, &id, now);
    }
    (outcome, Some(id))
}

/// The answer: JSON saying who was admitted, or why not (Access itself
/// serves an opaque page; the reason is an emulator convenience).
pub fn reply(outcome: AppOutcome, client_id: Option<&str>, token_id: Option<&str>) -> Reply {
    let body = match outcome {
        AppOutcome::AdmittedWithCurrentSecret | AppOutcome::AdmittedWithPreviousSecret => json!({
            "authenticated": true,
            "client_id": client_id,
            "service_token_id": token_id,
            "secret": if outcome == AppOutcome::AdmittedWithCurrentSecret { "current" } else { "previous" },
        }),
        AppOutcome::Denied(denial) => json!({"authenticated": false, "reason": denial.as_str()}),
        AppOutcome::NoSuchApp => json!({"authenticated": false, "reason": "no_such_application"}),
    };
    Reply {
        status: outcome.status(),
        body: body.to_string(),
        content_type: "application/json".into(),
        headers: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ACC: &str = "023e105f4ecef8ad9ca31a8372d0c353";

    #[test]
    fn app_paths_name_an_account_or_a_zone() {
        let acc = Some(Scope::Account(ACC.into()));
        assert_eq!(match_app_path(&format!("/access-app/accounts/{ACC}")), acc);
        assert_eq!(
            match_app_path(&format!("/access-app/accounts/{ACC}/x/y")),
            acc
        );
        assert_eq!(
            match_app_path(&format!("/access-app/zones/{ACC}")),
            Some(Scope::Zone(ACC.into()))
        );
        assert_eq!(match_app_path("/access-app/accounts/nothex"), None);
        assert_eq!(match_app_path(&format!("/access-app/users/{ACC}")), None);
        assert!(is_app_path("/access-app/anything") && is_app_path("/access-app"));
        assert!(!is_app_path("/access-apps") && !is_app_path("/client/v4/accounts"));
    }
}
