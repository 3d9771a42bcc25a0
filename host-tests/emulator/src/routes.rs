//! Which endpoint a path names, mirroring the API's routing.
//!
//! Checks happen in the order the API's layers would meet them: route shape
//! (7000), then credentials, then method (405), then identifiers (7003). Only
//! the account scope has `/refresh` and `/rotate`; under `/zones` they are
//! unknown routes.

use crate::envelope::ApiError;
use crate::ids::{is_object_id, is_uuid};
use crate::store::Scope;

/// The API prefix every path starts with.
pub const PREFIX: &str = "/client/v4";

/// The endpoint within a scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// `.../access/service_tokens`
    Collection,
    /// `.../access/service_tokens/{id}`
    Token(String),
    /// `/accounts/{id}/access/service_tokens/{id}/refresh`
    Refresh(String),
    /// `/accounts/{id}/access/service_tokens/{id}/rotate`
    Rotate(String),
}

/// A matched route; the identifiers are not validated yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    pub scope: Scope,
    pub target: Target,
}

impl Route {
    /// The methods this endpoint answers.
    pub fn allowed_methods(&self) -> &'static [&'static str] {
        match self.target {
            Target::Collection => &["GET", "POST"],
            Target::Token(_) => &["GET", "PUT", "DELETE"],
            Target::Refresh(_) | Target::Rotate(_) => &["POST"],
        }
    }

    /// 7003 when the account/zone id is not 32 hex digits or the token id is not a UUID.
    pub fn check_identifiers(&self, path: &str) -> Result<(), ApiError> {
        let token_ok = match &self.target {
            Target::Collection => true,
            Target::Token(id) | Target::Refresh(id) | Target::Rotate(id) => is_uuid(id),
        };
        if is_object_id(self.scope.id()) && token_ok {
            Ok(())
        } else {
            Err(ApiError::bad_identifier(path))
        }
    }
}

/// Matches a full path (`/client/v4/...`, no query) to a route.
pub fn match_path(path: &str) -> Option<Route> {
    let rest = path.strip_prefix(PREFIX)?.strip_prefix('/')?;
    let segments: Vec<&str> = rest.split('/').collect();
    if segments.iter().any(|s| s.is_empty()) {
        return None;
    }
    let (scope, tail) = match segments.as_slice() {
        ["accounts", id, "access", "service_tokens", tail @ ..] => {
            (Scope::Account(id.to_string()), tail)
        }
        ["zones", id, "access", "service_tokens", tail @ ..] => (Scope::Zone(id.to_string()), tail),
        _ => return None,
    };
    let account = matches!(scope, Scope::Account(_));
    let target = match tail {
        [] => Target::Collection,
        [id] => Target::Token(id.to_string()),
        [id, "refresh"] if account => Target::Refresh(id.to_string()),
        [id, "rotate"] if account => Target::Rotate(id.to_string()),
        _ => return None,
    };
    Some(Route { scope, target })
}

#[cfg(test)]
mod tests {
    use super::*;

    const ACC: &str = "023e105f4ecef8ad9ca31a8372d0c353";

    #[test]
    fn refresh_and_rotate_exist_only_for_accounts() {
        let id = "f174e90a-fafe-4643-bbbc-4a0ed4fc8415";
        let r = match_path(&format!(
            "/client/v4/accounts/{ACC}/access/service_tokens/{id}/rotate"
        ))
        .unwrap();
        assert_eq!(r.target, Target::Rotate(id.into()));
        assert!(match_path(&format!(
            "/client/v4/zones/{ACC}/access/service_tokens/{id}/rotate"
        ))
        .is_none());
        assert!(match_path(&format!(
            "/client/v4/zones/{ACC}/access/service_tokens/{id}/refresh"
        ))
        .is_none());
        assert!(match_path(&format!("/client/v4/zones/{ACC}/access/service_tokens/")).is_none());
        assert!(match_path("/client/v4/user/tokens").is_none());
        assert!(match_path(&format!("/accounts/{ACC}/access/service_tokens")).is_none());
    }

    #[test]
    fn identifiers_are_checked_separately() {
        let r = match_path("/client/v4/accounts/nothex/access/service_tokens").unwrap();
        assert_eq!(r.check_identifiers("/p").unwrap_err().code, 7003);
        let r = match_path(&format!(
            "/client/v4/accounts/{ACC}/access/service_tokens/not-a-uuid"
        ))
        .unwrap();
        assert_eq!(r.check_identifiers("/p").unwrap_err().code, 7003);
    }
}
