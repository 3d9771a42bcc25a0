//! The command line that `wasmtime run` executes: parses the arguments,
//! loads the program and the state, runs the engine, and prints what
//! happened. Everything it touches comes in through [`Io`], the
//! environment map and a [`Transport`], so the same code runs in the command
//! component (`components/command`, over WASI and wasi-http) and in native tests.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod args;
pub mod engine;
pub mod render;
pub mod state;
pub mod state_crypto;
pub mod state_lock;

use access_service_token::connection::{Connection, Credentials};
use crate::engine::{env, Calls, Mode, Op, Progress, Run};
use access_service_token::error::Error;
use access_service_token_program::{self as program, Program};
use access_service_token::provider::{self, Client};
use access_service_token::pulumi::{self, bag};
use access_service_token::secret::Secret;
use crate::state::{StateFile, StateResource, StateStore};
use crate::state_lock::{LockHolder, StateLock};
use access_service_token::transport::Transport;
use args::{Args, Verb};
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;
use std::io::{BufRead, Write};

/// Where the command reads and writes.
pub struct Io<'a> {
    /// Results.
    pub out: &'a mut dyn Write,
    /// Progress, warnings, errors, prompts.
    pub err: &'a mut dyn Write,
    /// Confirmation answers.
    pub input: &'a mut dyn BufRead,
}

/// Runs one command; true on success. Errors are printed on `io.err`.
pub fn run<T: Transport>(argv: &[String], environment: &BTreeMap<String, String>, transport: &mut T, now: DateTime<Utc>, io: &mut Io) -> bool {
    match execute(argv, environment, transport, now, io) {
        Ok(()) => true,
        Err(e) => {
            let _ = writeln!(io.err, "error: {}", message(&e));
            false
        }
    }
}

/// An error as a person reads it: program errors already carry their
/// `file:line:column:` prefix.
fn message(e: &Error) -> String {
    match e {
        Error::InvalidInput(failures) => failures
            .iter()
            .map(|f| if matches!(f.property.as_str(), "program" | "arguments") { f.reason.clone() } else { format!("{}: {}", f.property, f.reason) })
            .collect::<Vec<_>>()
            .join("\n       "),
        other => other.to_string(),
    }
}

/// How many creates may be in flight at once: `CLOUDFLARE_CONCURRENCY`
/// (default 8), always also paced by the rate limiter.
fn concurrency(environment: &BTreeMap<String, String>) -> usize {
    environment.get("CLOUDFLARE_CONCURRENCY").and_then(|v| v.parse().ok()).filter(|n: &usize| *n >= 1).unwrap_or(8)
}

/// Credentials and base URL from the environment, as the official SDKs name them.
pub fn connection(environment: &BTreeMap<String, String>) -> Result<Connection, Error> {
    let get = |k: &str| environment.get(k).filter(|v| !v.is_empty()).cloned();
    let credentials = match (get("CLOUDFLARE_API_TOKEN"), get("CLOUDFLARE_EMAIL"), get("CLOUDFLARE_API_KEY")) {
        (Some(token), _, _) => Credentials::ApiToken(Secret::new(token)),
        (None, Some(email), Some(key)) => Credentials::ApiKey { email, key: Secret::new(key) },
        _ => {
            return Err(Error::invalid(
                "credentials",
                "none found: set CLOUDFLARE_API_TOKEN, or CLOUDFLARE_EMAIL and CLOUDFLARE_API_KEY (with `wasmtime run`, pass them with --env)",
            ))
        }
    };
    let conn = Connection::new(credentials);
    Ok(match get("CLOUDFLARE_BASE_URL") {
        Some(url) => conn.with_base_url(&url),
        None => conn,
    })
}

fn load_program(file: Option<&str>) -> Result<Program, Error> {
    let candidates: Vec<&str> = match file {
        Some(f) => vec![f],
        None => vec!["Pulumi.yaml", "Pulumi.yml", "Pulumi.json"],
    };
    let mut found = None;
    for candidate in candidates {
        if let Some(text) = read_text(candidate, "program")? {
            found = Some((candidate.to_string(), text));
            break;
        }
    }
    let (path, text) = found.ok_or_else(|| {
        Error::invalid(
            "program",
            match file {
                Some(f) => format!("cannot read {f}: no such file (with `wasmtime run`, preopen its directory with --dir)"),
                None => "no Pulumi.yaml, Pulumi.yml or Pulumi.json here; name the program with --file".into(),
            },
        )
    })?;
    let program = program::parse(&path, &text).map_err(program_errors)?;
    let problems = program::validate(&program);
    if !problems.is_empty() {
        return Err(program_errors(problems));
    }
    Ok(program)
}

/// A text file's contents; `None` when there is no such file. A file that is
/// there but cannot be read says why (the OS error), and one that is not
/// UTF-8 says where: the three need different fixes. `what` names the
/// failing input in the error (`program`, `files`).
fn read_text(path: &str, what: &str) -> Result<Option<String>, Error> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) if e.kind() == std::io::ErrorKind::IsADirectory => return Err(Error::invalid(what, format!("cannot read {path}: {e}"))),
        Err(e) => return Err(Error::invalid(what, format!("cannot read {path}: {e} (with `wasmtime run`, preopen its directory with --dir)"))),
    };
    String::from_utf8(bytes).map(Some).map_err(|e| Error::invalid(what, access_service_token::error::not_utf8(path, e.as_bytes())))
}

fn program_errors(errors: Vec<program::ProgramError>) -> Error {
    Error::InvalidInput(errors.into_iter().map(|e| access_service_token::CheckFailure::new("program", e.to_string())).collect())
}

fn execute<T: Transport>(argv: &[String], environment: &BTreeMap<String, String>, transport: &mut T, now: DateTime<Utc>, io: &mut Io) -> Result<(), Error> {
    let args = args::parse(argv)?;
    let w = |e: std::io::Error| Error::Internal(format!("cannot write output: {e}"));
    if args.verb == Verb::Help || args.help {
        return io.out.write_all(args::verb_help(&args.verb).as_bytes()).map_err(w);
    }
    if let Verb::Policy(files) = &args.verb {
        return policy(files, &args, now, io);
    }
    let program = load_program(args.file.as_deref())?;
    let mut given = env::config_from_env(environment.get("PULUMI_CONFIG").map(String::as_str))?;
    given.extend(args.config.clone());
    let config = env::resolve_config(&program, &given)?;
    if args.verb == Verb::Check {
        return check(&program, &config, io);
    }
    let mut store = StateStore::new(args.state.clone().unwrap_or_else(|| state::DEFAULT_PATH.to_string()));
    if let Some(passphrase) = environment.get(crate::state_crypto::PASSPHRASE_VAR).filter(|p| !p.is_empty()) {
        // Salts and nonces from the system's randomness: wasi:random in the
        // component. Checked once here, so the closure cannot meet a failure.
        getrandom::fill(&mut [0u8; 16]).map_err(|e| Error::Internal(format!("no source of randomness for the state's encryption: {e}")))?;
        let random = |buf: &mut [u8]| getrandom::fill(buf).expect("randomness was available a moment ago");
        store = store.with_passphrase(Secret::new(passphrase.clone()), Box::new(random));
    }
    // The lock is taken before the state is read and released whatever
    // `operate` returns (the guard also releases it on an early return).
    let lock = lock_state(&args, environment, store.path(), now, io)?;
    let held_by_another = match (&lock, &args.verb) {
        (None, Verb::Preview) => state_lock::held(store.path())?,
        _ => None,
    };
    let result = operate(&args, &program, &config, environment, transport, now, &mut store, held_by_another.as_ref(), io);
    match lock {
        Some(lock) => {
            let released = lock.release();
            result.and(released)
        }
        None => result,
    }
}

/// The verb's name in the lock file, for the verbs that write the state.
/// `preview` and `outputs` only read it (see [`operate`] for what preview
/// does while another run holds the lock).
fn locking_verb(verb: &Verb) -> Option<&'static str> {
    match verb {
        Verb::Up => Some("up"),
        Verb::Refresh => Some("refresh"),
        Verb::Destroy => Some("destroy"),
        Verb::Import(..) => Some("import"),
        Verb::Rotate(_) => Some("rotate"),
        Verb::Preview | Verb::Outputs | Verb::Check | Verb::Policy(_) | Verb::Help => None,
    }
}

/// `--force-unlock` first (saying whose lock it removes), then the state
/// lock for a verb that writes the state. The holder is named with what the
/// environment gives: WASI has no host name or process id, so `HOSTNAME`
/// when it was passed (`--env HOSTNAME=$(hostname)`), and a random run id.
fn lock_state(args: &Args, environment: &BTreeMap<String, String>, state: &std::path::Path, now: DateTime<Utc>, io: &mut Io) -> Result<Option<StateLock>, Error> {
    if args.force_unlock {
        state_lock::force_unlock(state, now, &mut |line| {
            let _ = writeln!(io.err, "--force-unlock: {line}");
        })?;
    }
    let Some(verb) = locking_verb(&args.verb) else {
        return Ok(None);
    };
    let mut random = [0u8; 8];
    let run_id = match getrandom::fill(&mut random) {
        Ok(()) => random.iter().map(|b| format!("{b:02x}")).collect(),
        Err(_) => state_lock::UNKNOWN.to_string(),
    };
    #[cfg(target_arch = "wasm32")]
    let process: Option<String> = None;
    #[cfg(not(target_arch = "wasm32"))]
    let process = Some(std::process::id().to_string());
    let holder = LockHolder::new(verb, now, environment.get("HOSTNAME").map(String::as_str), process.as_deref(), &run_id);
    StateLock::acquire(state, &holder, now).map(Some)
}

/// Runs a verb that reads the state (the lock, if it needs one, is held).
#[allow(clippy::too_many_arguments)]
fn operate<T: Transport>(
    args: &Args,
    program: &Program,
    config: &BTreeMap<String, serde_json::Value>,
    environment: &BTreeMap<String, String>,
    transport: &mut T,
    now: DateTime<Utc>,
    store: &mut StateStore,
    held_by_another: Option<&state_lock::HeldLock>,
    io: &mut Io,
) -> Result<(), Error> {
    let w = |e: std::io::Error| Error::Internal(format!("cannot write output: {e}"));
    let mut state = store.load()?;
    let mutating = !matches!(args.verb, Verb::Preview | Verb::Outputs);
    if store.plaintext() && mutating {
        let _ = writeln!(
            io.err,
            "warning: client secrets in {} are stored in plain text; set {} to encrypt them",
            store.path().display(),
            crate::state_crypto::PASSPHRASE_VAR
        );
    }
    let mut calls = Calls { conn: connection(environment), transport, concurrency: concurrency(environment) };
    if let Some(lock) = held_by_another {
        // A preview while another run holds the lock: that run's pending
        // operations are in progress, not interrupted. Resolving them would
        // read half-done calls as failures; plan from the saved resources.
        let what = match state.pending.len() {
            0 => "this preview plans from the state as last saved, which that run may still change".to_string(),
            n => format!("its {n} pending operation(s) are in progress, not interrupted: this preview leaves them alone and plans from the state as last saved"),
        };
        let _ = writeln!(
            io.err,
            "note: {} is locked by {}; {what}. If that run is no longer running, `preview --force-unlock` clears its lock.",
            store.path().display(),
            lock.describe(now)
        );
        state.pending.clear();
    }
    if !state.pending.is_empty() && args.verb != Verb::Outputs {
        // An earlier run was interrupted: learn what its calls did first.
        for note in engine::pending::resolve(&mut calls, &mut state)? {
            let _ = writeln!(io.err, "note: {note}");
        }
        if args.verb != Verb::Preview {
            store.save(&state)?;
        }
    }
    match &args.verb {
        Verb::Preview => {
            if args.refresh {
                engine::refresh(program, &mut calls, &mut state, None)?;
            }
            let report = plan(program, config, &mut calls, &mut state.clone(), now, Mode::Preview, None, &mut |_| {})?;
            print_warnings(io, program, config);
            print_report(io, args, &format!("Previewing update of {}:", program.source), &report, true)
        }
        Verb::Up => up(program, config, &mut calls, &mut state, store, now, args, io),
        Verb::Refresh => {
            let steps = engine::refresh(program, &mut calls, &mut state, Some(&mut *store))?;
            let report = engine::Report { steps, outputs: state.outputs.clone(), notes: vec![] };
            print_report(io, args, &format!("Refreshed {} from Cloudflare:", store.path().display()), &report, false)
        }
        Verb::Destroy => {
            let steps = engine::destroy(program, &mut calls, &mut state.clone(), None, Mode::Preview, now, &mut |_| {})?;
            let preview = engine::Report { steps, outputs: Default::default(), notes: vec![] };
            writeln!(io.out, "{}", render::report(&format!("Previewing destroy of {}:", program.source), &preview, true)).map_err(w)?;
            if preview.steps.is_empty() {
                return Ok(());
            }
            confirm(io, args.yes, "Do you want to delete these tokens?")?;
            let steps = {
                let mut progress = progress_printer(io.err);
                engine::destroy(program, &mut calls, &mut state, Some(&mut *store), Mode::Apply, now, &mut progress)?
            };
            let done = engine::Report { steps, outputs: Default::default(), notes: vec![] };
            writeln!(io.out, "{}", render::report("Destroyed:", &done, false)).map_err(w)
        }
        Verb::Import(name, id) => import(program, &mut calls, &mut state, store, name, id, io),
        Verb::Rotate(name) => {
            rotate(&mut calls, &mut state, name, args.previous_expires_at.as_deref(), io)?;
            state.outputs = program_outputs(program, config, &state)?;
            store.save(&state)
        }
        Verb::Outputs => {
            if args.json {
                let v = render::redact(&serde_json::Value::Object(state.outputs.clone()), args.show_secrets);
                writeln!(io.out, "{}", serde_json::to_string_pretty(&v).unwrap_or_default()).map_err(w)
            } else {
                for (k, v) in &state.outputs {
                    writeln!(io.out, "{k}: {}", render::value(v, args.show_secrets)).map_err(w)?;
                }
                Ok(())
            }
        }
        Verb::Check | Verb::Help | Verb::Policy(_) => Ok(()),
    }
}

#[allow(clippy::too_many_arguments)]
fn plan<T: Transport>(
    program: &Program,
    config: &BTreeMap<String, serde_json::Value>,
    calls: &mut Calls<T>,
    state: &mut StateFile,
    now: DateTime<Utc>,
    mode: Mode,
    store: Option<&mut StateStore>,
    progress: &mut dyn FnMut(Progress),
) -> Result<engine::Report, Error> {
    let concurrency = calls.concurrency;
    let calls = Calls { conn: calls.conn.clone(), transport: &mut *calls.transport, concurrency };
    Run { program, config, calls, now, store, progress, concurrency }.run(state, mode)
}

#[allow(clippy::too_many_arguments)]
fn up<T: Transport>(
    program: &Program,
    config: &BTreeMap<String, serde_json::Value>,
    calls: &mut Calls<T>,
    state: &mut StateFile,
    store: &mut StateStore,
    now: DateTime<Utc>,
    args: &Args,
    io: &mut Io,
) -> Result<(), Error> {
    if args.refresh {
        engine::refresh(program, calls, state, Some(store))?;
    }
    let preview = plan(program, config, calls, &mut state.clone(), now, Mode::Preview, None, &mut |_| {})?;
    print_warnings(io, program, config);
    let changes = preview.steps.iter().any(|s| s.op != Op::Same);
    if !args.json {
        writeln!(io.out, "{}", render::report(&format!("Previewing update of {}:", program.source), &preview, true))
            .map_err(|e| Error::Internal(e.to_string()))?;
    }
    if changes {
        confirm(io, args.yes, "Do you want to perform this update?")?;
    }
    let report = {
        let mut progress = progress_printer(io.err);
        plan(program, config, calls, state, now, Mode::Apply, Some(store), &mut progress)?
    };
    print_report(io, args, &format!("Updated {}:", store.path().display()), &report, false)
}

fn progress_printer(err: &mut dyn Write) -> impl FnMut(Progress) + '_ {
    move |p| {
        let _ = match p {
            Progress::Started(name, op) => writeln!(err, "  {name}: {} …", op.word()),
            Progress::Finished(name, op, took) => writeln!(err, "  {name}: {} done ({:.2?})", op.word(), took),
        };
    }
}

fn print_report(io: &mut Io, args: &Args, title: &str, report: &engine::Report, preview: bool) -> Result<(), Error> {
    let text = if args.json {
        serde_json::to_string_pretty(&render::report_json(report, preview)).unwrap_or_default() + "\n"
    } else {
        render::report(title, report, preview)
    };
    io.out.write_all(text.as_bytes()).map_err(|e| Error::Internal(format!("cannot write output: {e}")))
}

fn confirm(io: &mut Io, yes: bool, question: &str) -> Result<(), Error> {
    if yes {
        return Ok(());
    }
    let _ = write!(io.err, "{question} (yes/no) ");
    let _ = io.err.flush();
    let mut answer = String::new();
    let _ = io.input.read_line(&mut answer);
    if matches!(answer.trim(), "yes" | "y") {
        Ok(())
    } else {
        Err(Error::invalid("confirmation", "declined; nothing was changed (pass --yes to apply without asking)"))
    }
}

/// The program's expressions as `check` sees them: config resolved, every
/// resource output unknown (nothing is read).
fn unknown_outputs_env<'a>(program: &'a Program, config: &'a BTreeMap<String, serde_json::Value>) -> env::Env<'a> {
    let unknown_outputs: serde_json::Value = serde_json::Value::Object(
        access_service_token::properties::INPUT_PROPERTIES
            .iter()
            .chain(bag::OUTPUT_PROPERTIES.iter())
            .map(|p| (p.to_string(), engine::unknown()))
            .collect(),
    );
    env::Env { program, config, outputs: program.resources.iter().map(|r| (r.name.value.clone(), unknown_outputs.clone())).collect() }
}

/// What is valid but will misbehave, for `check` and `preview` to warn
/// about: a renewal window as long as a token's life renews it on every run
/// (the words of the policy rule of that name). Values known only after
/// another resource's apply are left out.
fn renewal_warnings(program: &Program, config: &BTreeMap<String, serde_json::Value>) -> Vec<String> {
    let env = unknown_outputs_env(program, config);
    let mut warnings = Vec::new();
    for res in program.resources.iter().filter(|r| r.get.is_none()) {
        let property = |key: &str| res.properties.iter().find(|(k, _)| k.value == key);
        let Some((key, expr)) = property("minDaysForRenewal") else { continue };
        let Some(days) = env.eval(expr).ok().and_then(|v| v.as_i64()) else { continue };
        let duration = match property("duration").map(|(_, e)| env.eval(e)) {
            None => None,
            Some(Ok(v)) if v.is_string() && !bag::is_unknown(&v) => v.as_str().map(str::to_string),
            Some(_) => continue,
        };
        if let Some(text) = access_service_token::validate::renewal_window_too_long("minDaysForRenewal", days, duration.as_deref()) {
            let at = key.pos.map(|p| format!("{}:{}:{}", program.source, p.line, p.column)).unwrap_or_else(|| program.source.clone());
            warnings.push(format!("{at}: {}: {text} [{}]", res.name.value, access_service_token_policy_rules::rules::RENEWAL_WINDOW_TOO_LONG));
        }
    }
    warnings
}

fn print_warnings(io: &mut Io, program: &Program, config: &BTreeMap<String, serde_json::Value>) {
    for warning in renewal_warnings(program, config) {
        let _ = writeln!(io.err, "warning: {warning}");
    }
}

fn check(program: &Program, config: &BTreeMap<String, serde_json::Value>, io: &mut Io) -> Result<(), Error> {
    let env = unknown_outputs_env(program, config);
    let mut failures = Vec::new();
    for res in program.resources.iter().filter(|r| r.get.is_none()) {
        let mut news = serde_json::Map::new();
        for (key, expr) in &res.properties {
            news.insert(key.value.clone(), env.eval(expr).map_err(|e| program_errors(vec![e]))?);
        }
        let urn = engine::urn(program, &res.ty.value, &res.name.value);
        let checked = pulumi::check(&urn, &serde_json::Value::Object(news).to_string())?;
        for f in checked.failures {
            let pos = res.properties.iter().find(|(k, _)| k.value == f.property).and_then(|(k, _)| k.pos).or(res.name.pos);
            let at = pos.map(|p| format!("{}:{}:{}", program.source, p.line, p.column)).unwrap_or_else(|| program.source.clone());
            failures.push(access_service_token::CheckFailure::new("program", format!("{at}: {}.{}: {}", res.name.value, f.property, f.reason)));
        }
    }
    if !failures.is_empty() {
        return Err(Error::InvalidInput(failures));
    }
    print_warnings(io, program, config);
    writeln!(io.out, "{}: valid ({} resource(s))", program.source, program.resources.len()).map_err(|e| Error::Internal(e.to_string()))
}

fn import<T: Transport>(
    program: &Program,
    calls: &mut Calls<T>,
    state: &mut StateFile,
    store: &mut StateStore,
    name: &str,
    id: &str,
    io: &mut Io,
) -> Result<(), Error> {
    let res = program
        .resources
        .iter()
        .find(|r| r.name.value == name && r.get.is_none())
        .ok_or_else(|| Error::invalid("import", format!("the program declares no resource {name} to import into", name = access_service_token::error::quote(&name))))?;
    if state.get(name).is_some() {
        return Err(Error::invalid("import", format!("{name} is already in the state; destroy it or choose another name")));
    }
    let urn = engine::urn(program, &res.ty.value, name);
    let mut client = match &calls.conn {
        Ok(conn) => Client::new(conn, &mut *calls.transport),
        Err(e) => return Err(e.clone()),
    };
    let Some(read) = pulumi::read(&mut client, &urn, id, "{}", "{}")? else {
        return Err(Error::invalid("import", format!("no access service token {id} was found", id = access_service_token::error::quote(&id))));
    };
    state.put(StateResource { name: name.into(), ty: res.ty.value.clone(), id: read.id.clone(), external: false, inputs: read.inputs, outputs: read.properties });
    store.save(state)?;
    writeln!(
        io.out,
        "Imported {name} (token {}).\nCloudflare never returns a client secret again: run `rotate {name}` to obtain one.\nRun `preview` to see how the program differs from the imported token.",
        read.id
    )
    .map_err(|e| Error::Internal(e.to_string()))
}

/// The `policy` verb: reads only the files named, calls nothing.
fn policy(files: &[String], args: &Args, now: DateTime<Utc>, io: &mut Io) -> Result<(), Error> {
    use access_service_token_policy_rules::{self as p, InputFile};
    let read = |path: &str| -> Result<InputFile, Error> {
        let text = read_text(path, "files")?
            .ok_or_else(|| Error::invalid("files", format!("cannot read {path}: no such file (with `wasmtime run`, preopen its directory with --dir)")))?;
        Ok(InputFile::new(path, text))
    };
    let inputs = files.iter().map(|f| read(f)).collect::<Result<Vec<_>, _>>()?;
    let now = match &args.now {
        Some(t) => DateTime::parse_from_rfc3339(t)
            .map_err(|e| Error::invalid("--now", format!("expected an RFC 3339 time such as 2026-12-01T00:00:00Z, found {t} ({e})", t = access_service_token::error::quote(&t))))?
            .with_timezone(&Utc),
        None => now,
    };
    let policy_file = args.policy.as_deref().map(read).transpose()?;
    let mut overrides = args.rules.clone();
    if let Some(days) = &args.expires_within_days {
        overrides.push(format!("expiresWithinDays={days}"));
    }
    if let Some(days) = &args.idle_days {
        overrides.push(format!("idleDays={days}"));
    }
    let settings = p::Settings::build(now, policy_file.as_ref(), &overrides)?;
    let forced = args.format_in.as_deref().map(str::parse::<p::InputKind>).transpose()?;
    let format = args.format.as_deref().map(str::parse::<p::Format>).transpose()?.unwrap_or(p::Format::Text);
    let report = p::scan(&inputs, forced, &settings)?;
    io.out.write_all(p::render(&report, format).as_bytes()).map_err(|e| Error::Internal(format!("cannot write output: {e}")))?;
    if report.mandatory_failed() {
        let _ = writeln!(io.err, "policy: {} mandatory check(s) failed", report.failed);
        return Err(PolicyFailed.into());
    }
    Ok(())
}

/// A policy run whose report says it failed: the report is the message.
struct PolicyFailed;

impl From<PolicyFailed> for Error {
    fn from(_: PolicyFailed) -> Error {
        Error::invalid("policy", "mandatory rules failed; see the report above")
    }
}

/// The program's outputs evaluated over the state as it is.
fn program_outputs(program: &Program, config: &BTreeMap<String, serde_json::Value>, state: &StateFile) -> Result<serde_json::Map<String, serde_json::Value>, Error> {
    let env = env::Env { program, config, outputs: state.resources.iter().map(|r| (r.name.clone(), r.outputs.clone())).collect() };
    let mut out = serde_json::Map::new();
    for (key, expr) in &program.outputs {
        out.insert(key.value.clone(), env.eval(expr).map_err(|e| program_errors(vec![e]))?);
    }
    Ok(out)
}

fn rotate<T: Transport>(calls: &mut Calls<T>, state: &mut StateFile, name: &str, previous_expires_at: Option<&str>, io: &mut Io) -> Result<(), Error> {
    let old = state.get(name).cloned().filter(|r| !r.external).ok_or_else(|| Error::invalid("rotate", format!("{name} is not a token this state manages")))?;
    let decoded = bag::decode(&old.outputs.to_string(), "state")?;
    let token = bag::state_of(&old.id, &decoded)?;
    let mut client = match &calls.conn {
        Ok(conn) => Client::new(conn, &mut *calls.transport),
        Err(e) => return Err(e.clone()),
    };
    let rotated = provider::rotate(&mut client, &token, previous_expires_at)?;
    let secret_inputs = decoded.secret.iter().filter(|k| *k != "clientSecret").cloned().collect();
    let outputs = bag::outputs(&rotated, &secret_inputs);
    state.put(StateResource { outputs, ..old });
    writeln!(
        io.out,
        "Rotated {name}: a new client secret is in the state (client id {} unchanged); show it with `outputs --show-secrets` if the program exports it.",
        rotated.client_id
    )
    .map_err(|e| Error::Internal(e.to_string()))
}
