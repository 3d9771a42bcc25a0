//! Destroy: deleting every managed token, dependents first.

use super::*;

/// Deletes every managed resource, dependents first; protected ones stop it.
pub fn destroy<T: Transport>(
    program: &Program,
    calls: &mut Calls<T>,
    state: &mut StateFile,
    mut store: Option<&mut StateStore>,
    mode: Mode,
    now: DateTime<Utc>,
    progress: &mut dyn FnMut(Progress),
) -> Result<Vec<Step>, Error> {
    for r in &state.resources {
        let protected = program.resources.iter().any(|p| p.name.value == r.name && p.options.protect);
        if protected && !r.external {
            return Err(Error::invalid(&r.name, "is protected (options.protect): remove protect to destroy it"));
        }
    }
    let mut steps = Vec::new();
    let all: Vec<StateResource> = state.resources.iter().rev().cloned().collect();
    for old in all {
        if old.external {
            if mode == Mode::Apply {
                state.remove(&old.name);
            }
            continue;
        }
        steps.push(Step { name: old.name.clone(), ty: old.ty.clone(), op: Op::Delete, reasons: vec![], changes: vec![] });
        if mode == Mode::Apply {
            progress(Progress::Started(&old.name, Op::Delete));
            let started = std::time::Instant::now();
            let urn = urn(program, &old.ty, &old.name);
            state.pending.push(PendingOperation {
                kind: PendingKind::Delete,
                name: old.name.clone(),
                ty: old.ty.clone(),
                id: Some(old.id.clone()),
                bag: old.outputs.clone(),
                started_at: now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            });
            if let Some(s) = store.as_deref_mut() {
                s.save(state)?;
            }
            let outcome = calls.client().and_then(|mut c| pulumi::delete(&mut c, &urn, &old.id, &old.outputs.to_string()));
            end(state, PendingKind::Delete, &old.name, Some(&old.id), &outcome);
            outcome?;
            state.remove(&old.name);
            if let Some(s) = store.as_deref_mut() {
                s.save(state)?;
            }
            progress(Progress::Finished(&old.name, Op::Delete, started.elapsed()));
        }
    }
    if mode == Mode::Apply {
        state.outputs.clear();
        if let Some(s) = store {
            s.save(state)?;
        }
    }
    Ok(steps)
}
