//! The engine behind the command line: runs a program against the state, the
//! way Pulumi's engine drives a provider. Resources are handled in dependency
//! order; each is evaluated with the outputs of those before it, checked,
//! diffed and then created, updated, replaced or left alone — through the
//! `pulumi` protocol layer, so the CLI and an embedding engine share one path.
//! In preview nothing is called and nothing is written; in apply the state is
//! saved after every resource step.

pub mod env;
pub mod pending;

use crate::connection::Connection;
use crate::diff::ActionKind;
use crate::error::Error;
use crate::program::{self, Program};
use crate::provider::{self, Client};
use crate::pulumi::{self, bag, Changes};
use crate::state::{PendingKind, PendingOperation, StateFile, StateResource, StateStore};
use crate::transport::Transport;
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
/// `None` new value = known only after apply).
#[derive(Clone, Debug, PartialEq)]
pub struct Change {
    /// camelCase name.
    pub property: String,
    /// Before (absent for a create).
    pub old: Option<Value>,
    /// After; `None` when computed by the apply.
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
    fn client(&mut self) -> Result<Client<'_, T>, Error> {
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

/// Everything `run` needs.
pub struct Run<'a, T: Transport> {
    /// The program.
    pub program: &'a Program,
    /// Resolved configuration.
    pub config: &'a BTreeMap<String, Value>,
    /// Calls.
    pub calls: Calls<'a, T>,
    /// The wall clock, read once by the caller.
    pub now: DateTime<Utc>,
    /// Where apply saves.
    pub store: Option<&'a mut StateStore>,
    /// Progress callback.
    pub progress: &'a mut dyn FnMut(Progress),
    /// How many creates may be in flight at once (1: one at a time).
    pub concurrency: usize,
}

/// Creates waiting to be sent together: (resource index, urn, checked inputs).
type Batch = Vec<(usize, String, Value)>;

fn program_error(e: program::ProgramError) -> Error {
    Error::invalid("program", e.to_string())
}

impl<T: Transport> Run<'_, T> {
    fn save(&mut self, state: &StateFile) -> Result<(), Error> {
        match self.store.as_deref_mut() {
            Some(store) => store.save(state),
            None => Ok(()),
        }
    }

    /// Records a mutating call in the state before it is made.
    fn begin(&mut self, state: &mut StateFile, kind: PendingKind, name: &str, ty: &str, id: Option<&str>, bag: &Value) -> Result<(), Error> {
        state.pending.push(PendingOperation {
            kind,
            name: name.into(),
            ty: ty.into(),
            id: id.map(str::to_string),
            bag: bag.clone(),
            started_at: self.now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        });
        self.save(state)
    }

    /// Runs the program against `state` (updated in place in apply mode).
    pub fn run(&mut self, state: &mut StateFile, mode: Mode) -> Result<Report, Error> {
        let program = self.program;
        let order = program::order(program).map_err(program_error)?;
        let mut env = Env { program, config: self.config, outputs: BTreeMap::new() };
        let mut report = Report::default();
        let preview = mode == Mode::Preview;
        let mut batch: Batch = Vec::new();
        for index in order {
            let res = &program.resources[index];
            let name = res.name.value.clone();
            let ty = res.ty.value.clone();
            let urn = urn(program, &ty, &name);
            // New resources that need nothing from the creates already
            // waiting join them, and are sent together; anything else first
            // sends what is waiting.
            let independent = res.references().iter().all(|r| {
                !batch.iter().any(|(i, _, _)| program.resources[*i].name.value == r.root) && !program.variables.iter().any(|(v, _)| v.value == r.root)
            });
            let creates = mode == Mode::Apply && self.concurrency > 1 && res.get.is_none() && state.get(&name).is_none();
            if !(creates && independent) {
                self.send_batch(std::mem::take(&mut batch), state, &mut env, &mut report)?;
            }
            if creates {
                let mut news = serde_json::Map::new();
                for (key, expr) in &res.properties {
                    news.insert(key.value.clone(), env.eval(expr).map_err(program_error)?);
                }
                let inputs = self.checked(res, &urn, Value::Object(news))?;
                batch.push((index, urn, inputs));
                if batch.len() >= self.concurrency {
                    self.send_batch(std::mem::take(&mut batch), state, &mut env, &mut report)?;
                }
                continue;
            }
            let (step, outputs) = if let Some(get) = &res.get {
                self.read_external(&env, &urn, get, &name, &ty, state, mode)?
            } else {
                let mut news = serde_json::Map::new();
                for (key, expr) in &res.properties {
                    news.insert(key.value.clone(), env.eval(expr).map_err(program_error)?);
                }
                self.step(res, &urn, Value::Object(news), state, mode)?
            };
            if mode == Mode::Apply && matches!(step.op, Op::Create | Op::Replace) && outputs["clientSecret"]["value"].is_null() {
                report.notes.push(format!(
                    "{name}: the create's answer was lost; the token it made was found and adopted, but its secret was only in that answer: run `rotate {name}` to get one"
                ));
            }
            env.outputs.insert(name.clone(), outputs);
            report.steps.push(step);
        }
        self.send_batch(batch, state, &mut env, &mut report)?;
        // Resources in the state that the program no longer declares.
        let declared: Vec<&str> = program.resources.iter().map(|r| r.name.value.as_str()).collect();
        let orphans: Vec<StateResource> = state.resources.iter().filter(|r| !declared.contains(&r.name.as_str())).cloned().collect();
        for old in orphans.iter().rev() {
            if old.external {
                state.remove(&old.name);
                continue;
            }
            let step = Step { name: old.name.clone(), ty: old.ty.clone(), op: Op::Delete, reasons: vec!["no longer in the program".into()], changes: vec![] };
            if !preview {
                self.delete(state, old, false)?;
                state.remove(&old.name);
                self.save(state)?;
            }
            report.steps.push(step);
        }
        // Tokens an interrupted replacement or delete left behind.
        for op in state.pending.clone().into_iter().filter(|p| p.kind == PendingKind::Delete) {
            let id = op.id.clone().unwrap_or_default();
            let step = Step { name: op.name.clone(), ty: op.ty.clone(), op: Op::Delete, reasons: vec![format!("token {id} left by an interrupted run")], changes: vec![] };
            if !preview {
                let old = StateResource { name: op.name.clone(), ty: op.ty.clone(), id, external: false, inputs: Value::Null, outputs: op.bag.clone() };
                self.delete(state, &old, true)?;
                self.save(state)?;
            }
            report.steps.push(step);
        }
        for (key, expr) in &program.outputs {
            report.outputs.insert(key.value.clone(), env.eval(expr).map_err(program_error)?);
        }
        if !preview {
            state.outputs = report.outputs.clone();
            self.save(state)?;
        }
        Ok(report)
    }

    /// Deletes `old`; `recorded` when its pending record already exists
    /// (a replacement records the delete before the create).
    fn delete(&mut self, state: &mut StateFile, old: &StateResource, recorded: bool) -> Result<(), Error> {
        (self.progress)(Progress::Started(&old.name, Op::Delete));
        let started = std::time::Instant::now();
        if !recorded {
            self.begin(state, PendingKind::Delete, &old.name, &old.ty, Some(&old.id), &old.outputs)?;
        }
        let urn = urn(self.program, &old.ty, &old.name);
        let outcome = self.calls.client().and_then(|mut c| pulumi::delete(&mut c, &urn, &old.id, &old.outputs.to_string()));
        end(state, PendingKind::Delete, &old.name, Some(&old.id), &outcome);
        outcome?;
        (self.progress)(Progress::Finished(&old.name, Op::Delete, started.elapsed()));
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn read_external(
        &mut self,
        env: &Env,
        urn: &str,
        get: &program::Get,
        name: &str,
        ty: &str,
        state: &mut StateFile,
        mode: Mode,
    ) -> Result<(Step, Value), Error> {
        let id = env.eval(&get.id).map_err(program_error)?;
        let id = id.as_str().ok_or_else(|| Error::invalid(name, "get.id must be a string"))?.to_string();
        let mut known = serde_json::Map::new();
        for (key, expr) in &get.state {
            known.insert(key.value.clone(), env.eval(expr).map_err(program_error)?);
        }
        let read = pulumi::read(&mut self.calls.client()?, urn, &id, &Value::Object(known).to_string(), "{}")?;
        if read.id.is_empty() {
            return Err(Error::invalid(name, format!("get: no access service token {id:?} was found")));
        }
        let step = Step { name: name.to_string(), ty: ty.to_string(), op: Op::Read, reasons: vec![], changes: vec![] };
        if mode == Mode::Apply {
            state.put(StateResource { name: name.into(), ty: ty.into(), id: read.id.clone(), external: true, inputs: read.inputs, outputs: read.properties.clone() });
        }
        Ok((step, read.properties))
    }

    /// Sends waiting creates together, then records each outcome; the state
    /// is saved once before (pending) and once after the batch.
    fn send_batch(&mut self, batch: Batch, state: &mut StateFile, env: &mut Env, report: &mut Report) -> Result<(), Error> {
        if batch.is_empty() {
            return Ok(());
        }
        let program = self.program;
        let now = self.now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        for (i, _, inputs) in &batch {
            let res = &program.resources[*i];
            state.pending.push(PendingOperation {
                kind: PendingKind::Create,
                name: res.name.value.clone(),
                ty: res.ty.value.clone(),
                id: None,
                bag: inputs.clone(),
                started_at: now.clone(),
            });
            (self.progress)(Progress::Started(&res.name.value, Op::Create));
        }
        self.save(state)?;
        let started = std::time::Instant::now();
        let items: Vec<(String, String)> = batch.iter().map(|(_, urn, inputs)| (urn.clone(), inputs.to_string())).collect();
        let outcomes = pulumi::create_many(&mut self.calls.client()?, &items);
        let mut first_error = None;
        for ((i, _, inputs), outcome) in batch.into_iter().zip(outcomes) {
            let res = &program.resources[i];
            let (name, ty) = (res.name.value.clone(), res.ty.value.clone());
            end(state, PendingKind::Create, &name, None, &outcome);
            match outcome {
                Ok((id, outputs)) => {
                    if outputs["clientSecret"]["value"].is_null() {
                        report.notes.push(format!(
                            "{name}: the create's answer was lost; the token it made was found and adopted, but its secret was only in that answer: run `rotate {name}` to get one"
                        ));
                    }
                    let changes = inputs
                        .as_object()
                        .map(|o| o.iter().filter(|(k, v)| !k.starts_with("__") && !v.is_null()).map(|(k, v)| Change { property: k.clone(), old: None, new: Some(v.clone()) }).collect())
                        .unwrap_or_default();
                    state.put(StateResource { name: name.clone(), ty: ty.clone(), id, external: false, inputs, outputs: outputs.clone() });
                    env.outputs.insert(name.clone(), outputs);
                    report.steps.push(Step { name: name.clone(), ty, op: Op::Create, reasons: vec![], changes });
                    (self.progress)(Progress::Finished(&name, Op::Create, started.elapsed()));
                }
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        }
        self.save(state)?;
        match first_error {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    /// Checked inputs of a resource, or its failures with their positions.
    fn checked(&self, res: &program::Resource, urn: &str, news: Value) -> Result<Value, Error> {
        let name = &res.name.value;
        let checked = pulumi::check(urn, &news.to_string())?;
        checked.inputs.ok_or_else(|| {
            let text = checked
                .failures
                .iter()
                .map(|f| {
                    let pos = res.properties.iter().find(|(k, _)| k.value == f.property).and_then(|(k, _)| k.pos);
                    match pos {
                        Some(p) => format!("{}:{}:{}: {name}.{}: {}", self.program.source, p.line, p.column, f.property, f.reason),
                        None => format!("{}: {name}.{}: {}", self.program.source, f.property, f.reason),
                    }
                })
                .collect::<Vec<_>>()
                .join("\n");
            Error::invalid(name, text)
        })
    }

    fn step(&mut self, res: &program::Resource, urn: &str, news: Value, state: &mut StateFile, mode: Mode) -> Result<(Step, Value), Error> {
        let name = res.name.value.clone();
        let ty = res.ty.value.clone();
        let preview = mode == Mode::Preview;
        let inputs = self.checked(res, urn, news)?;
        let Some(old) = state.get(&name).cloned() else {
            return self.create(&name, &ty, urn, inputs, vec![], state, mode, Op::Create);
        };
        let diff = pulumi::diff(urn, &old.id, &old.outputs.to_string(), &inputs.to_string(), &res.options.ignore_changes, self.now)?;
        if diff.changes == Changes::None {
            return Ok((Step { name, ty, op: Op::Same, reasons: vec![], changes: vec![] }, old.outputs.clone()));
        }
        let reasons: Vec<String> = diff.actions.iter().map(|a| a.reason.clone()).collect();
        let changes = changes(&old.outputs, &inputs, &diff.diffs);
        if !diff.replaces.is_empty() {
            if res.options.protect {
                return Err(Error::invalid(&name, "is protected (options.protect): replacing it would delete the token; remove protect first"));
            }
            if preview {
                let (_, planned) = self.create(&name, &ty, urn, inputs, reasons.clone(), state, mode, Op::Replace)?;
                return Ok((Step { name, ty, op: Op::Replace, reasons, changes }, planned));
            }
            if res.options.delete_before_replace {
                self.delete(state, &old, false)?;
                state.remove(&name);
                self.save(state)?;
            } else {
                // The intent to delete the old token is recorded before the
                // new one is made, so a crash in between cannot orphan it.
                self.begin(state, PendingKind::Delete, &name, &ty, Some(&old.id), &old.outputs)?;
            }
            let (_, outputs) = self.create(&name, &ty, urn, inputs, reasons.clone(), state, mode, Op::Replace)?;
            if !res.options.delete_before_replace {
                self.delete(state, &old, true)?;
                self.save(state)?;
            }
            return Ok((Step { name, ty, op: Op::Replace, reasons, changes }, outputs));
        }
        let op = match diff.actions.first().map(|a| a.kind) {
            Some(ActionKind::Renew) if diff.actions.len() == 1 => Op::Renew,
            Some(ActionKind::Rotate) if diff.actions.len() == 1 => Op::Rotate,
            _ => Op::Update,
        };
        if !preview {
            (self.progress)(Progress::Started(&name, op));
        }
        let started = std::time::Instant::now();
        let (olds, news) = (old.outputs.to_string(), inputs.to_string());
        let outputs = if preview {
            let conn = preview_connection();
            pulumi::update(&mut Client::new(&conn, &mut NoCalls), urn, &old.id, &olds, &news, self.now, true)?
        } else {
            self.begin(state, PendingKind::Update, &name, &ty, Some(&old.id), &old.outputs)?;
            let outcome = self.calls.client().and_then(|mut c| pulumi::update(&mut c, urn, &old.id, &olds, &news, self.now, false));
            end(state, PendingKind::Update, &name, Some(&old.id), &outcome);
            if outcome.is_err() {
                self.save(state)?;
            }
            outcome?
        };
        if !preview {
            state.put(StateResource { inputs, outputs: outputs.clone(), ..old });
            self.save(state)?;
            (self.progress)(Progress::Finished(&name, op, started.elapsed()));
        }
        Ok((Step { name, ty, op, reasons, changes }, outputs))
    }

    #[allow(clippy::too_many_arguments)]
    fn create(
        &mut self,
        name: &str,
        ty: &str,
        urn: &str,
        inputs: Value,
        reasons: Vec<String>,
        state: &mut StateFile,
        mode: Mode,
        op: Op,
    ) -> Result<(Step, Value), Error> {
        let preview = mode == Mode::Preview;
        let step = Step {
            name: name.into(),
            ty: ty.into(),
            op,
            reasons,
            changes: inputs
                .as_object()
                .map(|o| {
                    o.iter()
                        .filter(|(k, v)| !k.starts_with("__") && !v.is_null())
                        .map(|(k, v)| Change { property: k.clone(), old: None, new: Some(v.clone()) })
                        .collect()
                })
                .unwrap_or_default(),
        };
        if preview {
            let conn = preview_connection();
            let (_, outputs) = pulumi::create(&mut Client::new(&conn, &mut NoCalls), urn, &inputs.to_string(), true)?;
            return Ok((step, outputs));
        }
        (self.progress)(Progress::Started(name, op));
        let started = std::time::Instant::now();
        self.begin(state, PendingKind::Create, name, ty, None, &inputs)?;
        let outcome = self.calls.client().and_then(|mut c| pulumi::create(&mut c, urn, &inputs.to_string(), false));
        end(state, PendingKind::Create, name, None, &outcome);
        if outcome.is_err() {
            self.save(state)?;
        }
        let (id, outputs) = outcome?;
        state.put(StateResource { name: name.into(), ty: ty.into(), id, external: false, inputs, outputs: outputs.clone() });
        self.save(state)?;
        (self.progress)(Progress::Finished(name, op, started.elapsed()));
        Ok((step, outputs))
    }
}

/// Clears a pending record once the call's outcome is known. A transport
/// error leaves it: the call may have happened, and the next run finds out.
fn end<R>(state: &mut StateFile, kind: PendingKind, name: &str, id: Option<&str>, outcome: &Result<R, Error>) {
    if matches!(outcome, Err(Error::Transport(_))) {
        return;
    }
    if let Some(i) = state.pending.iter().position(|p| p.kind == kind && p.name == name && p.id.as_deref() == id) {
        state.pending.remove(i);
    }
}

/// Previews make no call, so they need no credentials: this connection has none.
fn preview_connection() -> Connection {
    Connection::new(crate::connection::Credentials::ApiToken(crate::secret::Secret::new("")))
}

/// A transport for previews, which must never call.
struct NoCalls;

impl Transport for NoCalls {
    fn send(&mut self, _: &str, r: &crate::requests::ApiRequest) -> Result<crate::transport::RawResponse, crate::transport::TransportFailure> {
        Err(crate::transport::TransportFailure {
            message: format!("a preview tried to call {} {}", r.method.as_str(), r.path),
            maybe_sent: false,
            retryable: false,
        })
    }

    fn sleep_ms(&mut self, _: u64) {}
}

/// The property changes behind a diff: old from the state, new from the
/// checked inputs, or computed by the apply.
fn changes(olds: &Value, news: &Value, diffs: &[String]) -> Vec<Change> {
    diffs
        .iter()
        .map(|p| {
            let old = olds.get(p).cloned().filter(|v| !v.is_null());
            let new = match p.as_str() {
                "expiresAt" | "clientSecret" => None,
                _ => news.get(p).cloned().filter(|v| !bag::is_unknown(v)),
            };
            Change { property: p.clone(), old, new }
        })
        .collect()
}

/// Reads every managed resource, updating the state; reports drift.
pub fn refresh<T: Transport>(program: &Program, calls: &mut Calls<T>, state: &mut StateFile, store: Option<&mut StateStore>) -> Result<Vec<Step>, Error> {
    let mut steps = Vec::new();
    let managed: Vec<StateResource> = state.resources.iter().filter(|r| !r.external).cloned().collect();
    // Scopes holding several managed tokens are read with the paged list:
    // ⌈N/1000⌉ calls instead of N (Terraform v4 listed the whole account per token).
    let scope_of = |r: &StateResource| (r.outputs.get("accountId").cloned(), r.outputs.get("zoneId").cloned());
    let mut per_scope: BTreeMap<String, usize> = BTreeMap::new();
    for r in &managed {
        *per_scope.entry(format!("{:?}", scope_of(r))).or_default() += 1;
    }
    let mut listed: BTreeMap<String, BTreeMap<String, crate::responses::ApiToken>> = BTreeMap::new();
    for old in managed {
        let known = bag::decode(&old.outputs.to_string(), "state")?;
        let key = format!("{:?}", scope_of(&old));
        let read = if per_scope.get(&key).copied().unwrap_or(0) > 1 {
            let token_state = bag::state_of(&old.id, &known)?;
            if !listed.contains_key(&key) {
                let scope = token_state.args.scope()?;
                let all = provider::list_all(&mut calls.client()?, &scope)?;
                listed.insert(key.clone(), all.into_iter().map(|t| (t.id.clone(), t)).collect());
            }
            let live = listed.get(&key).and_then(|m| m.get(&old.id)).cloned();
            match live {
                None => pulumi::ReadResponse { id: String::new(), properties: json!({}), inputs: json!({}) },
                Some(token) => {
                    let secret_inputs = known.secret.iter().filter(|k| *k != "clientSecret").cloned().collect();
                    let properties = bag::outputs(&provider::merge_live(&token_state, token), &secret_inputs);
                    let inputs = json!({"name": properties.get("name").cloned().unwrap_or(Value::Null)});
                    pulumi::ReadResponse { id: old.id.clone(), properties, inputs }
                }
            }
        } else {
            let urn = urn(program, &old.ty, &old.name);
            pulumi::read(&mut calls.client()?, &urn, &old.id, &old.outputs.to_string(), &old.inputs.to_string())?
        };
        if read.id.is_empty() {
            steps.push(Step {
                name: old.name.clone(),
                ty: old.ty.clone(),
                op: Op::Delete,
                reasons: vec!["deleted outside this program: it will be created again by the next up".into()],
                changes: vec![],
            });
            state.remove(&old.name);
            continue;
        }
        let mut changes = Vec::new();
        for key in ["name", "expiresAt", "duration", "clientSecretVersion"] {
            let (a, b) = (old.outputs.get(key), read.properties.get(key));
            if a != b {
                changes.push(Change { property: key.into(), old: a.cloned(), new: b.cloned() });
            }
        }
        let op = if changes.is_empty() { Op::Same } else { Op::Update };
        let reasons = if changes.iter().any(|c| c.property == "name") {
            vec!["renamed outside this program: the next up renames it back".into()]
        } else {
            vec![]
        };
        steps.push(Step { name: old.name.clone(), ty: old.ty.clone(), op, reasons, changes });
        let mut inputs = old.inputs.clone();
        if let (Some(obj), Some(name)) = (inputs.as_object_mut(), read.inputs.get("name")) {
            obj.insert("name".into(), name.clone());
        }
        state.put(StateResource { inputs, outputs: read.properties, ..old });
    }
    if let Some(store) = store {
        store.save(state)?;
    }
    Ok(steps)
}

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

/// The unknown sentinel, for callers rendering outputs.
pub fn unknown() -> Value {
    json!(bag::UNKNOWN_STRING)
}
