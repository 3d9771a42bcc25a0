//! Pulumi's `Invoke` of the get function: a token that is not managed here,
//! looked up by scope and id (read-only). Arguments arrive as a property bag
//! and are judged like Check's inputs — every bad property is a failure
//! naming it, nothing is sent — so a program sees what to fix all at once.

use super::bag::{self, Bag};
use super::GET_FUNCTION_TOKENS;
use crate::error::{quote, CheckFailure, Error};
use crate::model::{Scope, TokenId};
use crate::provider::{self, Client};
use crate::transport::Transport;
use serde_json::Value;

/// The get function's argument names.
pub const ARGUMENTS: [&str; 3] = ["accountId", "zoneId", "tokenId"];

/// Invoke's answer: outputs or failures, never both.
#[derive(Clone, Debug, PartialEq)]
pub struct InvokeResponse {
    /// The token's outputs, the bag Read returns for it without
    /// `clientSecret` (a looked-up token has none).
    pub outputs: Option<Value>,
    /// Every bad argument.
    pub failures: Vec<CheckFailure>,
}

/// Invoke `tok` with the bag `args`: `{"accountId"|"zoneId": <32 hex>,
/// "tokenId": <uuid>}`. One GET when the arguments are good; `NotFound` when
/// the token does not exist; `InvalidInput` naming `tok` for a function this
/// component does not implement.
pub fn invoke<T: Transport>(client: &mut Client<T>, tok: &str, args: &str) -> Result<InvokeResponse, Error> {
    if !GET_FUNCTION_TOKENS.contains(&tok) {
        return Err(Error::invalid(
            "tok",
            format!("this component implements the function {} (also {}), not {}", GET_FUNCTION_TOKENS[0], GET_FUNCTION_TOKENS[1], quote(tok)),
        ));
    }
    let decoded = bag::decode(args, "args")?;
    let (scope, id) = match arguments(&decoded) {
        Ok(found) => found,
        Err(failures) => return Ok(InvokeResponse { outputs: None, failures }),
    };
    let state = provider::lookup(client, &scope, &id)?;
    // Arguments that arrived as secrets stay secret in the outputs.
    let mut outputs = bag::outputs(&state, &decoded.secret);
    if let Value::Object(m) = &mut outputs {
        m.remove("clientSecret");
    }
    Ok(InvokeResponse { outputs: Some(outputs), failures: vec![] })
}

/// The scope and token id the arguments name, or every failure among them.
fn arguments(decoded: &Bag) -> Result<(Scope, TokenId), Vec<CheckFailure>> {
    let mut failures = unknown_failures(decoded, &ARGUMENTS, "argument");
    let scope = scope_in(decoded, &mut failures);
    let id = match text(decoded, "tokenId", &mut failures) {
        // The parser names the property `id`; here it is `tokenId`.
        Some(t) => TokenId::parse(&t)
            .map_err(|e| failures.extend(failures_of(e).into_iter().map(|f| CheckFailure::new("tokenId", f.reason))))
            .ok(),
        None if decoded.unknown.contains("tokenId") || failures.iter().any(|f| f.property == "tokenId") => None,
        None => {
            failures.push(CheckFailure::new("tokenId", "required: the token's UUID"));
            None
        }
    };
    match (scope, id) {
        (Some(scope), Some(id)) if failures.is_empty() => Ok((scope, id)),
        _ => Err(failures),
    }
}

/// Failures for properties still unknown (a preview) and for names not among
/// `known` (with a "did you mean"); `what` is `argument` or `query property`.
pub(super) fn unknown_failures(decoded: &Bag, known: &[&str], what: &str) -> Vec<CheckFailure> {
    let mut failures: Vec<CheckFailure> =
        decoded.unknown.iter().map(|k| CheckFailure::new(k, "not known yet: this call needs known values")).collect();
    for key in decoded.known.keys().filter(|k| !known.contains(&k.as_str())) {
        let hint = crate::hint::suffix(key, known.iter().copied());
        failures.push(CheckFailure::new(key, format!("unknown {what}; expected {}{hint}", known.join(", "))));
    }
    failures
}

/// A string property: `None` when absent or null; a failure when not a string.
fn text(decoded: &Bag, key: &str, failures: &mut Vec<CheckFailure>) -> Option<String> {
    match decoded.known.get(key) {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => {
            failures.push(CheckFailure::new(key, "expected a string"));
            None
        }
    }
}

/// The scope named by exactly one of `accountId` / `zoneId`; otherwise
/// `None`, with failures saying why (none added for a scope already failed
/// or still unknown).
pub(super) fn scope_in(decoded: &Bag, failures: &mut Vec<CheckFailure>) -> Option<Scope> {
    let (account, zone) = (text(decoded, "accountId", failures), text(decoded, "zoneId", failures));
    let scope = match (account, zone) {
        (Some(a), None) => Scope::account(&a),
        (None, Some(z)) => Scope::zone(&z),
        (Some(_), Some(_)) => {
            failures.push(CheckFailure::new("accountId", "conflicts with zoneId: set exactly one"));
            failures.push(CheckFailure::new("zoneId", "conflicts with accountId: set exactly one"));
            return None;
        }
        (None, None) => {
            let said = failures.iter().any(|f| f.property == "accountId" || f.property == "zoneId");
            if !said {
                failures.push(CheckFailure::new("accountId", "one of accountId or zoneId is required"));
            }
            return None;
        }
    };
    scope.map_err(|e| failures.extend(failures_of(e))).ok()
}

/// The failures of an `InvalidInput`; the validators return no other kind.
fn failures_of(e: Error) -> Vec<CheckFailure> {
    match e {
        Error::InvalidInput(f) => f,
        other => vec![CheckFailure::new("args", other.to_string())],
    }
}
