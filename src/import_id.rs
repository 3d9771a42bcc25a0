//! Import ids: which token to adopt. Three forms are accepted —
//! `<account_id>/<token_id>` (the seed's and Terraform v4's),
//! `accounts/<account_id>/<token_id>` and `zones/<zone_id>/<token_id>`
//! (Terraform v5's).

use crate::error::Error;
use crate::model::{Scope, TokenId};

const FORMS: &str = "expected <account_id>/<token_id>, accounts/<account_id>/<token_id> or zones/<zone_id>/<token_id>";

/// Parses an import id into the token's scope and id.
pub fn parse(id: &str) -> Result<(Scope, TokenId), Error> {
    let parts: Vec<&str> = id.split('/').collect();
    let fail = |why: String| Error::invalid("id", format!("{FORMS}, found {id}{why}", id = crate::error::quote(&id)));
    let (scope, token) = match parts.as_slice() {
        [account, token] => (Scope::account(account), token),
        ["accounts", account, token] => (Scope::account(account), token),
        ["zones", zone, token] => (Scope::zone(zone), token),
        [kind, _, _] => return Err(fail(format!(": unknown scope {kind}", kind = crate::error::quote(&kind)))),
        _ => return Err(fail(String::new())),
    };
    let scope = scope.map_err(|e| fail(format!(": {}", reason(&e))))?;
    let token = TokenId::parse(token).map_err(|e| fail(format!(": {}", reason(&e))))?;
    Ok((scope, token))
}

fn reason(e: &Error) -> String {
    match e {
        Error::InvalidInput(f) => f.iter().map(|f| format!("{} {}", f.property, f.reason)).collect::<Vec<_>>().join("; "),
        other => other.to_string(),
    }
}
