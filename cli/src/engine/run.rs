//! Running a program against the state: previews and applies, resource by
//! resource in dependency order, independent creates sent together.

use super::*;

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

pub(crate) fn program_error(e: program::ProgramError) -> Error {
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
        let Some(read) = pulumi::read(&mut self.calls.client()?, urn, &id, &Value::Object(known).to_string(), "{}")? else {
            return Err(Error::invalid(name, format!("get: no access service token {id:?} was found")));
        };
        let step = Step { name: name.to_string(), ty: ty.to_string(), op: Op::Read, reasons: vec![], changes: vec![] };
        if mode == Mode::Apply {
            state.put(StateResource { name: name.into(), ty: ty.into(), id: read.id.clone(), external: true, inputs: read.inputs, outputs: read.properties.clone() });
        }
        Ok((step, read.properties))
    }

    /// Sends waiting creates together. The state is saved once before
    /// (every create pending), then after each create as its answer
    /// arrives: a process killed mid-batch loses only the secrets of the
    /// creates still in flight (as Pulumi checkpoints after every step).
    fn send_batch(&mut self, batch: Batch, state: &mut StateFile, env: &mut Env, report: &mut Report) -> Result<(), Error> {
        if batch.is_empty() {
            return Ok(());
        }
        let program = self.program;
        let now = self.now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        // Read before the creates land: a create of a gone token clears it.
        let recreated: Vec<Option<String>> = batch.iter().map(|(i, _, _)| state.recreate_reason(&program.resources[*i].name.value)).collect();
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
        let mut outcomes: Vec<Option<Result<(String, Value), Error>>> = vec![None; batch.len()];
        let mut save_error = None;
        {
            let (store, progress) = (&mut self.store, &mut self.progress);
            let mut client = self.calls.client()?;
            pulumi::create_many(&mut client, &items, &mut |k, outcome| {
                let Some((i, _, inputs)) = batch.get(k) else {
                    return;
                };
                let res = &program.resources[*i];
                let (name, ty) = (res.name.value.clone(), res.ty.value.clone());
                end(state, PendingKind::Create, &name, None, &outcome);
                if let Ok((id, outputs)) = &outcome {
                    state.put(StateResource { name: name.clone(), ty, id: id.clone(), external: false, inputs: inputs.clone(), outputs: outputs.clone() });
                }
                if let Some(store) = store.as_deref_mut() {
                    if let Err(e) = store.save(state) {
                        save_error.get_or_insert(e);
                    }
                }
                if outcome.is_ok() {
                    progress(Progress::Finished(&name, Op::Create, started.elapsed()));
                }
                outcomes[k] = Some(outcome);
            });
        }
        if let Some(e) = save_error {
            return Err(e);
        }
        let mut first_error = None;
        for (((i, _, inputs), outcome), recreated) in batch.into_iter().zip(outcomes).zip(recreated) {
            let name = program.resources[i].name.value.clone();
            let ty = program.resources[i].ty.value.clone();
            match outcome.unwrap_or_else(|| Err(Error::Internal(format!("{name}: the create's outcome is missing")))) {
                Ok((_, outputs)) => {
                    if outputs["clientSecret"]["value"].is_null() {
                        report.notes.push(format!(
                            "{name}: the create's answer was lost; the token it made was found and adopted, but its secret was only in that answer: run `rotate {name}` to get one"
                        ));
                    }
                    let changes = inputs
                        .as_object()
                        .map(|o| o.iter().filter(|(k, v)| !k.starts_with("__") && !v.is_null()).map(|(k, v)| Change { property: k.clone(), old: None, new: Some(v.clone()) }).collect())
                        .unwrap_or_default();
                    env.outputs.insert(name.clone(), outputs);
                    report.steps.push(Step { name, ty, op: Op::Create, reasons: recreated.into_iter().collect(), changes });
                }
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        }
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
            let reasons = state.recreate_reason(&name).into_iter().collect();
            return self.create(&name, &ty, urn, inputs, reasons, state, mode, Op::Create);
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
