//! Crash safety: every mutating call is recorded in the state before it is
//! made and cleared once its outcome is saved. A run that was killed in
//! between leaves the record behind; the next run resolves it before it
//! plans, by reading or listing what Cloudflare has — so it never creates a
//! duplicate token nor forgets one.

use super::Calls;
use access_service_token::error::Error;
use access_service_token::model::TokenState;
use access_service_token::provider;
use access_service_token::pulumi::bag;
use crate::state::{PendingKind, PendingOperation, StateFile, StateResource};
use access_service_token::transport::Transport;
use chrono::{DateTime, Utc};
use serde_json::Value;

/// Resolves every pending operation; returns what was found, for people.
/// Pending deletes whose token still exists and is no longer tracked stay
/// pending: the run plans them as deletes.
pub fn resolve<T: Transport>(calls: &mut Calls<T>, state: &mut StateFile) -> Result<Vec<String>, Error> {
    let mut notes = Vec::new();
    let pending = std::mem::take(&mut state.pending);
    let mut keep = Vec::new();
    // Creates first: a replacement's pending delete depends on whether its create happened.
    let (creates, others): (Vec<_>, Vec<_>) = pending.into_iter().partition(|p| p.kind == PendingKind::Create);
    for op in creates.into_iter().chain(others) {
        match op.kind {
            PendingKind::Create => resolve_create(calls, state, &op, &mut notes)?,
            PendingKind::Update => resolve_update(calls, state, &op, &mut notes)?,
            PendingKind::Delete => {
                if resolve_delete(calls, state, &op, &mut notes)? {
                    keep.push(op);
                }
            }
        }
    }
    state.pending = keep;
    Ok(notes)
}

fn started(op: &PendingOperation) -> Result<DateTime<Utc>, Error> {
    DateTime::parse_from_rfc3339(&op.started_at)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| Error::invalid("state", format!("pending {} of {} has an unreadable time {} ({e})", kind(op), op.name, access_service_token::error::quote(&op.started_at))))
}

fn kind(op: &PendingOperation) -> &'static str {
    match op.kind {
        PendingKind::Create => "create",
        PendingKind::Update => "update",
        PendingKind::Delete => "delete",
    }
}

fn resolve_create<T: Transport>(calls: &mut Calls<T>, state: &mut StateFile, op: &PendingOperation, notes: &mut Vec<String>) -> Result<(), Error> {
    let args = bag::args_of(&bag::decode(&op.bag.to_string(), "state")?)?;
    let scope = args.scope()?;
    let found = provider::made_since(&mut calls.client()?, &scope, &args.name, started(op)?)?;
    match found.as_slice() {
        [] => notes.push(format!("{}: an interrupted create made no token; it will be planned again", op.name)),
        [token] => {
            let adopted = provider::state_from(token.clone(), args.clone(), None);
            let secret_inputs = bag::decode(&op.bag.to_string(), "state")?.secret;
            state.put(StateResource {
                name: op.name.clone(),
                ty: op.ty.clone(),
                id: token.id.clone(),
                external: false,
                inputs: op.bag.clone(),
                outputs: bag::outputs(&adopted, &secret_inputs),
            });
            notes.push(format!(
                "{}: an interrupted create had made token {}; it is adopted without its secret (Cloudflare showed it only once): run `rotate {}` to get one",
                op.name, token.id, op.name
            ));
        }
        many => {
            state.pending.push(op.clone());
            return Err(Error::Transport(format!(
                "{}: an interrupted create left {} tokens named {}; keep one (`import`), delete the others, then remove the pending entry from the state",
                op.name,
                many.len(),
                access_service_token::error::quote(&args.name)
            )));
        }
    }
    Ok(())
}

fn live<T: Transport>(calls: &mut Calls<T>, op: &PendingOperation) -> Result<Option<TokenState>, Error> {
    let id = op.id.clone().unwrap_or_default();
    let known = bag::state_of(&id, &bag::decode(&op.bag.to_string(), "state")?)?;
    provider::read(&mut calls.client()?, &known)
}

fn resolve_update<T: Transport>(calls: &mut Calls<T>, state: &mut StateFile, op: &PendingOperation, notes: &mut Vec<String>) -> Result<(), Error> {
    let Some(tracked) = state.get(&op.name).cloned() else { return Ok(()) };
    match live(calls, op)? {
        None => {
            state.remove(&op.name);
            notes.push(format!("{}: gone after an interrupted update; it will be created again", op.name));
        }
        Some(now) => {
            let old_version = tracked.outputs.get("clientSecretVersion").and_then(Value::as_u64);
            let rotated = now.args.client_secret_version.is_some_and(|v| Some(v) > old_version.or(Some(1)));
            let secret_inputs = bag::decode(&tracked.inputs.to_string(), "state")?.secret;
            let mut refreshed = now.clone();
            if rotated {
                refreshed.client_secret = None;
                notes.push(format!("{}: an interrupted rotation issued a secret that was lost; run `rotate {}` to get a new one", op.name, op.name));
            } else {
                notes.push(format!("{}: state refreshed after an interrupted update", op.name));
            }
            state.put(StateResource { outputs: bag::outputs(&refreshed, &secret_inputs), ..tracked });
        }
    }
    Ok(())
}

/// True when the delete must still be made.
fn resolve_delete<T: Transport>(calls: &mut Calls<T>, state: &mut StateFile, op: &PendingOperation, notes: &mut Vec<String>) -> Result<bool, Error> {
    let id = op.id.clone().unwrap_or_default();
    let tracked = state.resources.iter().find(|r| r.id == id).map(|r| r.name.clone());
    match (live(calls, op)?, tracked) {
        (None, Some(name)) => {
            state.remove(&name);
            notes.push(format!("{name}: an interrupted delete had completed"));
            Ok(false)
        }
        (None, None) => Ok(false),
        (Some(_), Some(_)) => Ok(false),
        (Some(_), None) => {
            notes.push(format!("{}: token {id} from an interrupted replacement or delete still exists; it will be deleted", op.name));
            Ok(true)
        }
    }
}
