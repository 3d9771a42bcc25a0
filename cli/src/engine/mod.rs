//! The engine behind the command line: runs a program against the state, the
//! way Pulumi's engine drives a provider. Resources are handled in dependency
//! order; each is evaluated with the outputs of those before it, checked,
//! diffed and then created, updated, replaced or left alone — through the
//! `pulumi` protocol layer, so the CLI and an embedding engine share one path.
//! In preview nothing is called and nothing is written; in apply the state is
//! saved after every resource step.

mod destroy;
pub mod env;
pub mod pending;
mod refresh;
mod run;

pub use destroy::destroy;
pub use refresh::refresh;
pub use run::Run;

use access_service_token::connection::Connection;
use access_service_token::diff::ActionKind;
use access_service_token::error::Error;
use access_service_token_program::{self as program, Program};
use access_service_token::provider::{self, Client};
use access_service_token::pulumi::{self, bag, Changes};
use crate::state::{PendingKind, PendingOperation, StateFile, StateResource, StateStore};
use access_service_token::transport::Transport;
use chrono::{DateTime, Utc};
use env::Env;
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// Preview or apply.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Plan only: no call that changes anything, no state written.
    Preview,
    /// Make the changes and save the state after each step.
    Apply,
}

/// What happens to one resource.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// No change.
    Same,
    /// Created.
    Create,
    /// Updated in place (PUT, or a state-only change).
    Update,
    /// Expiry extended.
    Renew,
    /// New client secret.
    Rotate,
    /// Created anew, then the old one deleted.
    Replace,
    /// Deleted.
    Delete,
    /// Read with `get:` (not managed).
    Read,
}

impl Op {
    /// Pulumi's symbol for the operation.
    pub fn symbol(self) -> &'static str {
        match self {
            Op::Same => " ",
            Op::Create => "+",
            Op::Update => "~",
            Op::Renew => "↻",
            Op::Rotate => "~",
            Op::Replace => "+-",
            Op::Delete => "-",
            Op::Read => ">",
        }
    }

    /// The word for it.
    pub fn word(self) -> &'static str {
        match self {
            Op::Same => "same",
            Op::Create => "create",
            Op::Update => "update",
            Op::Renew => "renew",
            Op::Rotate => "rotate",
            Op::Replace => "replace",
            Op::Delete => "delete",
            Op::Read => "read",
        }
    }
}

/// A property that changes: old and new values (secrets still wrapped;
/// `None` new value = known only after apply; `Some(null)` = removed).
#[derive(Clone, Debug, PartialEq)]
pub struct Change {
    /// camelCase name.
    pub property: String,
    /// Before (absent for a create).
    pub old: Option<Value>,
    /// After; `None` when computed by the apply, `Some(Value::Null)` when the
    /// input is removed (the program no longer sets it).
    pub new: Option<Value>,
}

/// One resource's step, as a preview or an apply reports it.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    /// Logical name.
    pub name: String,
    /// Type token.
    pub ty: String,
    /// Operation.
    pub op: Op,
    /// Why (renewal window, rotation, replacement cause…).
    pub reasons: Vec<String>,
    /// Property changes.
    pub changes: Vec<Change>,
}

/// A run's result.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Report {
    /// Steps in the order they ran.
    pub steps: Vec<Step>,
    /// Program outputs (bags: secrets wrapped, unknowns as the sentinel).
    pub outputs: serde_json::Map<String, Value>,
    /// Things a person should know (e.g. a token adopted without its secret).
    pub notes: Vec<String>,
}

/// Progress of an apply, for stderr.
pub enum Progress<'a> {
    /// A step begins.
    Started(&'a str, Op),
    /// A step ended.
    Finished(&'a str, Op, std::time::Duration),
}

/// Connection settings resolved lazily, so a run that makes no call never
/// needs credentials, and a missing one is reported before the first call.
pub struct Calls<'a, T: Transport> {
    /// The connection, or why there is none.
    pub conn: Result<Connection, Error>,
    /// The transport.
    pub transport: &'a mut T,
    /// How many creates may be in flight at once.
    pub concurrency: usize,
}

impl<T: Transport> Calls<'_, T> {
    pub(crate) fn client(&mut self) -> Result<Client<'_, T>, Error> {
        match &self.conn {
            Ok(conn) => Ok(Client::new(conn, self.transport)),
            Err(e) => Err(e.clone()),
        }
    }
}

/// `urn:pulumi:local::<project>::<type>::<name>`.
pub fn urn(program: &Program, ty: &str, name: &str) -> String {
    format!("urn:pulumi:local::{}::{ty}::{name}", program.name.clone().unwrap_or_else(|| "program".into()))
}

/// Clears a pending record once the call's outcome is known. A transport
/// error leaves it: the call may have happened, and the next run finds out.
pub(crate) fn end<R>(state: &mut StateFile, kind: PendingKind, name: &str, id: Option<&str>, outcome: &Result<R, Error>) {
    if matches!(outcome, Err(Error::Transport(_))) {
        return;
    }
    if let Some(i) = state.pending.iter().position(|p| p.kind == kind && p.name == name && p.id.as_deref() == id) {
        state.pending.remove(i);
    }
}

/// Previews make no call, so they need no credentials: this connection has none.
pub(crate) fn preview_connection() -> Connection {
    Connection::new(access_service_token::connection::Credentials::ApiToken(access_service_token::secret::Secret::new("")))
}

/// A transport for previews, which must never call.
pub(crate) struct NoCalls;

impl Transport for NoCalls {
    fn send(&mut self, _: &str, r: &access_service_token::requests::ApiRequest) -> Result<access_service_token::transport::RawResponse, access_service_token::transport::TransportFailure> {
        Err(access_service_token::transport::TransportFailure {
            message: format!("a preview tried to call {} {}", r.method.as_str(), r.path),
            maybe_sent: false,
            retryable: false,
        })
    }

    fn sleep_ms(&mut self, _: u64) {}
}

/// The property changes behind a diff: old from the state, new from the
/// checked inputs, or computed by the apply. An input the checked inputs no
/// longer hold (`zoneId` when a token moves to `accountId`) is removed, not
/// "known after apply": nothing computes it.
pub(crate) fn changes(olds: &Value, news: &Value, diffs: &[String]) -> Vec<Change> {
    diffs
        .iter()
        .map(|p| {
            let old = olds.get(p).cloned().filter(|v| !v.is_null());
            let new = match (p.as_str(), news.get(p)) {
                ("expiresAt" | "clientSecret", _) => None,
                (_, Some(v)) if bag::is_unknown(v) => None,
                (input, None | Some(Value::Null)) if access_service_token::properties::INPUT_PROPERTIES.contains(&input) => Some(Value::Null),
                (_, v) => v.cloned(),
            };
            Change { property: p.clone(), old, new }
        })
        .collect()
}

/// The unknown sentinel, for callers rendering outputs.
pub fn unknown() -> Value {
    json!(bag::UNKNOWN_STRING)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_input_the_program_drops_is_removed_not_computed() {
        let olds = json!({"zoneId": "0da42c8d2132a9ddaf714f9e7c920711", "accountId": null, "expiresAt": "2027-11-28T12:00:00Z"});
        let news = json!({"accountId": "f037e56e89293a057740de681ac9abbe", "name": bag::UNKNOWN_STRING});
        let got = changes(&olds, &news, &["accountId".into(), "zoneId".into(), "expiresAt".into(), "name".into()]);
        let new: Vec<Option<Value>> = got.iter().map(|c| c.new.clone()).collect();
        assert_eq!(new, [Some(json!("f037e56e89293a057740de681ac9abbe")), Some(Value::Null), None, None]);
        assert_eq!(got[1].old, Some(json!("0da42c8d2132a9ddaf714f9e7c920711")));
    }
}
