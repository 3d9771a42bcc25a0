//! The harness's command mode: runs the component's `wasi:cli/run` export as
//! `wasmtime run` would — arguments, environment, one preopened directory as
//! `.`, stdin — with the injected wall clock and the same egress policy, and
//! captures stdout and stderr.

use crate::harness::guest_clock;
use component_host::{EgressPolicy, GuestClock, HostState};
use cloudflare_emulator::Clock;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use wasmtime::component::Component;
use wasmtime::{Engine, Store};
use wasmtime_wasi::p2::bindings::sync::CommandPre;
use wasmtime_wasi::p2::pipe::{MemoryInputPipe, MemoryOutputPipe};
use wasmtime_wasi::{FsPerms, I32Exit, WasiCtx};

/// The component, pre-instantiated as a command.
pub struct CommandHarness {
    engine: Engine,
    pre: CommandPre<HostState>,
    /// A kill bumps the engine's epoch, which every killable run of this
    /// engine would notice: killable runs go one at a time.
    one_kill_at_a_time: Mutex<()>,
}

/// One invocation.
pub struct Invocation {
    /// Arguments after the program name.
    pub args: Vec<String>,
    /// Environment variables.
    pub env: Vec<(String, String)>,
    /// Host directory preopened as `.` (the working directory).
    pub dir: PathBuf,
    /// Standard input.
    pub stdin: String,
    /// The one origin requests may reach.
    pub allowed_origin: String,
    /// The guest's wall clock.
    pub clock: Clock,
    /// Preopen the directory read-only.
    pub read_only: bool,
}

/// What an invocation did.
#[derive(Debug)]
pub struct Outcome {
    /// Exit status: 0 success.
    pub status: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

impl CommandHarness {
    /// Compiles a command and links WASI and wasi-http for `wasi:cli/run`,
    /// as `wasmtime run -S http` does.
    pub fn load(path: &std::path::Path) -> wasmtime::Result<CommandHarness> {
        Self::load_with(path, true)
    }

    /// WASI without wasi-http, as `wasmtime run` without `-S http`: a
    /// command that imports wasi:http does not link (the policy command
    /// imports none).
    pub fn load_without_http(path: &std::path::Path) -> wasmtime::Result<CommandHarness> {
        Self::load_with(path, false)
    }

    fn load_with(path: &std::path::Path, http: bool) -> wasmtime::Result<CommandHarness> {
        // Epoch interruption lets a test kill a run at an exact moment, as a
        // `kill -9` would (see [`CommandHarness::run_until_killed`]).
        let mut config = wasmtime::Config::new();
        config.epoch_interruption(true);
        let engine = Engine::new(&config)?;
        let component = Component::from_file(&engine, path)?;
        let mut linker = wasmtime::component::Linker::new(&engine);
        wasmtime_wasi::p2::add_to_linker_sync(&mut linker)?;
        if http {
            wasmtime_wasi_http::p2::add_only_http_to_linker_sync(&mut linker)?;
        }
        let pre = CommandPre::new(linker.instantiate_pre(&component)?)?;
        Ok(CommandHarness { engine, pre, one_kill_at_a_time: Mutex::new(()) })
    }

    /// Runs the command once, in a fresh instance.
    pub fn run(&self, inv: &Invocation) -> wasmtime::Result<Outcome> {
        self.run_inner(inv, None)
    }

    /// Runs the command, and kills it (a trap at its next instruction, like
    /// `kill -9`: no cleanup, no state saved) as soon as `kill_when` returns
    /// true, checked every millisecond from another thread; `after_kill` runs
    /// once the kill is ordered (a test holding the run inside a call with an
    /// emulator gate opens it there, so the run wakes only to be killed).
    /// Returns `None` when it was killed, or the outcome if it finished first.
    /// Killable runs of one harness run one at a time.
    pub fn run_until_killed(
        &self,
        inv: &Invocation,
        kill_when: impl Fn() -> bool + Send + 'static,
        after_kill: impl FnOnce() + Send + 'static,
    ) -> wasmtime::Result<Option<Outcome>> {
        let _one = self.one_kill_at_a_time.lock().unwrap_or_else(|e| e.into_inner());
        let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let watcher = {
            let (engine, done) = (self.engine.clone(), done.clone());
            std::thread::spawn(move || {
                while !done.load(std::sync::atomic::Ordering::SeqCst) {
                    if kill_when() {
                        engine.increment_epoch();
                        after_kill();
                        return;
                    }
                    std::thread::sleep(std::time::Duration::from_millis(1));
                }
            })
        };
        let result = self.run_inner(inv, Some(()));
        done.store(true, std::sync::atomic::Ordering::SeqCst);
        let _ = watcher.join();
        match result {
            Ok(outcome) => Ok(Some(outcome)),
            Err(e) if e.downcast_ref::<wasmtime::Trap>() == Some(&wasmtime::Trap::Interrupt) => Ok(None),
            Err(e) => Err(e),
        }
    }

    fn run_inner(&self, inv: &Invocation, killable: Option<()>) -> wasmtime::Result<Outcome> {
        let stdout = MemoryOutputPipe::new(1 << 20);
        let stderr = MemoryOutputPipe::new(1 << 20);
        let mut argv = vec!["access-service-token".to_string()];
        argv.extend(inv.args.iter().cloned());
        let mut wasi = WasiCtx::builder();
        wasi.args(&argv)
            .envs(&inv.env)
            .preopened_dir(&inv.dir, ".", if inv.read_only { FsPerms::ReadOnly } else { FsPerms::ReadWrite })?
            .stdin(MemoryInputPipe::new(inv.stdin.clone().into_bytes()))
            .stdout(stdout.clone())
            .stderr(stderr.clone())
            .wall_clock(GuestClock(guest_clock(&inv.clock)));
        let state = HostState::new(wasi, EgressPolicy::new(&inv.allowed_origin, Arc::new(Mutex::new(Vec::new())), None));
        let mut store = Store::new(&self.engine, state);
        // Any epoch increment kills a killable run; others never notice one.
        store.set_epoch_deadline(if killable.is_some() { 1 } else { u64::MAX / 2 });
        store.epoch_deadline_trap();
        let command = self.pre.instantiate(&mut store)?;
        let status = match command.wasi_cli_run().call_run(&mut store) {
            Ok(Ok(())) => 0,
            Ok(Err(())) => 1,
            Err(e) => match e.downcast_ref::<I32Exit>() {
                Some(exit) => exit.0,
                None => return Err(e),
            },
        };
        let text = |p: &MemoryOutputPipe| String::from_utf8_lossy(&p.contents()).into_owned();
        Ok(Outcome { status, stdout: text(&stdout), stderr: text(&stderr) })
    }
}
