//! A minimal IaC engine over the harness: what Pulumi's engine does with a
//! provider for one resource. It asks the component for a diff and then makes
//! the calls the diff implies: nothing for no change, `update` in place, or a
//! replacement as create-then-delete, so the service keeps a valid token
//! while the new one is made.

use crate::harness::{wit, Session};

/// What `up` did.
#[derive(Debug)]
pub enum Applied {
    /// No change; no call.
    Unchanged(wit::TokenState),
    /// Created anew.
    Created(wit::TokenState),
    /// Updated in place (PUT, renewal, rotation, or state only).
    Updated(wit::TokenState, wit::DiffResult),
    /// Replaced: the new token was created, then the old one deleted.
    Replaced(wit::TokenState, wit::DiffResult),
}

impl Applied {
    /// The resulting state.
    pub fn state(&self) -> &wit::TokenState {
        match self {
            Applied::Unchanged(s) | Applied::Created(s) | Applied::Updated(s, _) | Applied::Replaced(s, _) => s,
        }
    }
}

/// Brings one resource from `olds` (none: not created yet) to `news` at `now`.
pub fn up(
    session: &mut Session,
    conn: &wit::Connection,
    olds: Option<&wit::TokenState>,
    news: &wit::TokenArgs,
    now: Option<wit::Timestamp>,
) -> wasmtime::Result<Result<Applied, wit::Error>> {
    let news = match session.check(news)? {
        Ok(n) => n,
        Err(e) => return Ok(Err(e)),
    };
    let Some(olds) = olds else {
        return Ok(session.create(conn, &news, false)?.and_then(applied).map(Applied::Created));
    };
    let diff = match session.diff(olds, &news, now)? {
        Ok(d) => d,
        Err(e) => return Ok(Err(e)),
    };
    if !diff.changes {
        return Ok(Ok(Applied::Unchanged(olds.clone())));
    }
    if !diff.replaces.is_empty() {
        let created = match session.create(conn, &news, false)?.and_then(applied) {
            Ok(s) => s,
            Err(e) => return Ok(Err(e)),
        };
        return Ok(session.delete(conn, olds)?.map(|()| Applied::Replaced(created, diff)));
    }
    Ok(session.update(conn, olds, &news, now, false)?.and_then(applied).map(|s| Applied::Updated(s, diff)))
}

fn applied(outcome: wit::ApplyOutcome) -> Result<wit::TokenState, wit::Error> {
    match outcome {
        wit::ApplyOutcome::Applied(s) => Ok(s),
        wit::ApplyOutcome::Planned(_) => Err(wit::Error::Internal("the component planned where an apply was asked".into())),
    }
}
