//! The state lock: one run at a time may write a state file.
//!
//! Two runs over one state would each resolve the other's pending operations
//! as if they had been interrupted, create what the other is creating, and
//! overwrite each other's saves (whoever writes last wins, and a token stored
//! by the loser is forgotten together with its secret). Pulumi and Terraform
//! lock their state for this; so does every verb here that writes the state.
//!
//! `wasmtime run` gives a component no `flock` and no process ids, so the
//! lock is a file beside the state, `<state>.lock`, put in place by a hard
//! link (which fails if it exists, and which WASI preopens support): whoever
//! links it holds the lock, and it says who that is — the verb, when it started, the host and
//! process where known and a random run id — so that a second run can name
//! the holder and a person can judge whether that run is still alive. The
//! file is removed when the run ends, on success or failure. A run killed
//! outright (`kill -9`, a trap, a power cut) leaves it behind: every refusal
//! says how old the lock is and how to clear it (`--force-unlock`).
//!
//! Time is a parameter here, as everywhere in the core: the start time is
//! the `now` the command was given, and ages are measured against it.

use access_service_token::error::Error;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::{Path, PathBuf};

/// What a host or process is called when the environment does not say.
pub const UNKNOWN: &str = "unknown";

/// Who holds a lock: the content of the lock file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LockHolder {
    /// The verb that took it (`up`, `refresh`, `destroy`, `import`, `rotate`).
    pub verb: String,
    /// When that run started (RFC 3339).
    pub started_at: String,
    /// The host, where the environment names it (`HOSTNAME`); else `unknown`.
    pub host: String,
    /// The process id, where there is one (WASI has none); else `unknown`.
    pub process: String,
    /// A random id of the run, unique per run: tells two runs on one host apart.
    pub run_id: String,
}

impl LockHolder {
    /// A holder for a run of `verb` started at `now`.
    pub fn new(verb: &str, now: DateTime<Utc>, host: Option<&str>, process: Option<&str>, run_id: &str) -> Self {
        let known = |v: Option<&str>| v.map(str::trim).filter(|v| !v.is_empty()).unwrap_or(UNKNOWN).to_string();
        LockHolder {
            verb: verb.to_string(),
            started_at: now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            host: known(host),
            process: known(process),
            run_id: known(Some(run_id)),
        }
    }
}

/// A lock found on disk, as far as it could be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeldLock {
    /// The lock file.
    pub path: PathBuf,
    /// Its holder; `None` when the file is damaged (or, on a file system
    /// without hard links, its holder is writing it this instant).
    pub holder: Option<LockHolder>,
    /// The file's modification time: the age of a lock whose holder cannot be read.
    pub modified: Option<DateTime<Utc>>,
}

impl HeldLock {
    /// Who holds it and since when, for people: "`up` started at
    /// 2026-11-28T12:00:00Z (3 min 2 s ago) on host ci-7, process unknown, run 5f0c…".
    pub fn describe(&self, now: DateTime<Utc>) -> String {
        match &self.holder {
            Some(h) => {
                let age = match DateTime::parse_from_rfc3339(&h.started_at) {
                    Ok(t) => age(now, t.with_timezone(&Utc)),
                    Err(_) => "an unreadable start time".into(),
                };
                format!("`{}` started at {} ({age}) on host {}, process {}, run {}", h.verb, h.started_at, h.host, h.process, h.run_id)
            }
            None => {
                let since = match self.modified {
                    Some(t) => format!("written at {} ({})", t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true), age(now, t)),
                    None => "of unknown age (the file's time cannot be read)".into(),
                };
                format!("a run whose details cannot be read (the lock file is empty or damaged), {since}")
            }
        }
    }
}

/// How long ago `then` was, for people: `0 s ago`, `3 min 2 s ago`, `2 days 1 h ago`.
pub fn age(now: DateTime<Utc>, then: DateTime<Utc>) -> String {
    let seconds = (now - then).num_seconds();
    if seconds < 0 {
        return format!("{} s in the future: the clocks of the two runs disagree", -seconds);
    }
    let (days, hours, minutes, secs) = (seconds / 86_400, seconds / 3600 % 24, seconds / 60 % 60, seconds % 60);
    let text = match (days, hours, minutes) {
        (0, 0, 0) => format!("{secs} s"),
        (0, 0, m) => format!("{m} min {secs} s"),
        (0, h, m) => format!("{h} h {m} min"),
        (1, h, _) => format!("1 day {h} h"),
        (d, h, _) => format!("{d} days {h} h"),
    };
    format!("{text} ago")
}

/// `<state>.lock`.
pub fn lock_path(state: &Path) -> PathBuf {
    crate::state::with_suffix(state, ".lock")
}

/// The lock of `state` as it is on disk now; `None` when nobody holds it.
pub fn held(state: &Path) -> Result<Option<HeldLock>, Error> {
    let path = lock_path(state);
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::invalid("state", format!("cannot read the state lock {}: {e}", path.display()))),
    };
    let holder = serde_json::from_slice(&bytes).ok();
    let modified = std::fs::metadata(&path).and_then(|m| m.modified()).ok().map(DateTime::<Utc>::from);
    Ok(Some(HeldLock { path, holder, modified }))
}

/// The refusal a second run gets: whose lock it is, how old, and what to do.
pub fn locked_error(state: &Path, lock: &HeldLock, now: DateTime<Utc>) -> Error {
    Error::Locked(format!(
        "{state} is locked by another run: {who}; nothing was done. Wait until that run ends. \
         If it is no longer running (killed or crashed, leaving the lock behind), run this command again \
         with --force-unlock: it says whose lock it removes, then removes {lock}",
        state = state.display(),
        who = lock.describe(now),
        lock = lock.path.display(),
    ))
}

/// A held lock; removed by [`StateLock::release`] or, failing that, on drop
/// (an early return with `?`, a panic that unwinds).
#[derive(Debug)]
pub struct StateLock {
    path: PathBuf,
    run_id: String,
    released: bool,
}

impl StateLock {
    /// Takes the lock of `state` for `holder`, or fails at once — without
    /// waiting — with [`Error::Locked`] naming the run that holds it.
    ///
    /// The holder's name is written to a file of this run's own first
    /// (`<state>.lock.<random>.tmp`) and then hard-linked into place: a link is made whole or not at all, so a
    /// second run never finds a lock that exists but is still empty (a lock
    /// made with create-new and then written is empty for as long as its
    /// maker is descheduled, and on a loaded machine that is long enough for
    /// a second run to read it). Where the file system has no hard links the
    /// lock is made with create-new and written after.
    pub fn acquire(state: &Path, holder: &LockHolder, now: DateTime<Utc>) -> Result<StateLock, Error> {
        Self::acquire_linking_with(state, holder, now, |draft, lock| std::fs::hard_link(draft, lock))
    }

    /// [`StateLock::acquire`] with the hard link made by `link`: tests stand
    /// in a file system that has none, or a lock taken in between.
    fn acquire_linking_with(
        state: &Path,
        holder: &LockHolder,
        now: DateTime<Utc>,
        link: impl FnOnce(&Path, &Path) -> std::io::Result<()>,
    ) -> Result<StateLock, Error> {
        let path = lock_path(state);
        let mut text = serde_json::to_string_pretty(holder).map_err(|e| Error::Internal(format!("cannot encode the lock holder: {e}")))?;
        text.push('\n');
        let cannot = |what: &str, e: std::io::Error| {
            Error::invalid(
                "state",
                format!("cannot {what} the state lock {}: {e} (with `wasmtime run`, preopen the state's directory with --dir)", path.display()),
            )
        };
        // Beside the lock, under a name no other run uses.
        let draft = crate::state::temporary_path(&path)?;
        std::fs::write(&draft, &text).map_err(|e| cannot("write", e))?;
        let linked = link(&draft, &path);
        let _ = std::fs::remove_file(&draft);
        let taken = match linked {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(e),
            Err(_) => create_and_write(&path, &text),
        };
        match taken {
            Ok(()) => Ok(StateLock { path, run_id: holder.run_id.clone(), released: false }),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(match held(state)? {
                Some(lock) => locked_error(state, &lock, now),
                // Released between our attempt and the read: a run just ended.
                None => Error::Locked(format!(
                    "{} was locked by another run that ended a moment ago; nothing was done: run this command again",
                    state.display()
                )),
            }),
            Err(e) => Err(cannot("create", e)),
        }
    }

    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Releases the lock, reporting a failure to remove it (the next run
    /// would be refused: the message says so and how to clear it).
    pub fn release(mut self) -> Result<(), Error> {
        self.released = true;
        remove_if_ours(&self.path, &self.run_id)
            .map_err(|e| Error::invalid("state", format!("cannot remove the state lock {}: {e}; remove it by hand, or use --force-unlock", self.path.display())))
    }
}

impl Drop for StateLock {
    fn drop(&mut self) {
        if !self.released {
            let _ = remove_if_ours(&self.path, &self.run_id);
        }
    }
}

/// The lock made the way a file system without hard links allows: created
/// exclusively, then written (removed again if the write fails).
fn create_and_write(path: &Path, text: &str) -> std::io::Result<()> {
    let mut file = std::fs::OpenOptions::new().write(true).create_new(true).open(path)?;
    file.write_all(text.as_bytes()).and_then(|()| file.flush()).inspect_err(|_| {
        let _ = std::fs::remove_file(path);
    })
}

/// Removes the lock file unless another run holds it now (ours was forced
/// open and taken by someone else meanwhile): that lock is not ours to drop.
fn remove_if_ours(path: &Path, run_id: &str) -> std::io::Result<()> {
    match std::fs::read(path) {
        Ok(bytes) => {
            let holder: Option<LockHolder> = serde_json::from_slice(&bytes).ok();
            if holder.is_some_and(|h| h.run_id != run_id) {
                return Ok(());
            }
            std::fs::remove_file(path)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

/// `--force-unlock`: removes the lock of `state` after `say`ing whose it is.
/// Returns whether there was a lock to remove.
pub fn force_unlock(state: &Path, now: DateTime<Utc>, say: &mut dyn FnMut(&str)) -> Result<bool, Error> {
    let Some(lock) = held(state)? else {
        say(&format!("no lock on {} to remove", state.display()));
        return Ok(false);
    };
    say(&format!("removing the lock on {} held by {} ({})", state.display(), lock.describe(now), lock.path.display()));
    match std::fs::remove_file(&lock.path) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(true),
        Err(e) => Err(Error::invalid("state", format!("cannot remove the state lock {}: {e}", lock.path.display()))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 28, 12, 0, 0).unwrap()
    }

    /// A fresh directory per test (tests run in parallel) and the state path in it.
    fn scratch(name: &str) -> (PathBuf, PathBuf) {
        let dir = std::env::temp_dir().join(format!("state-lock-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let state = dir.join("s.json");
        (dir, state)
    }

    fn files_in(dir: &Path) -> Vec<String> {
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect()
    }

    fn holder(verb: &str, run: &str) -> LockHolder {
        LockHolder::new(verb, now(), Some("ci-7"), None, run)
    }

    #[test]
    fn the_lock_file_names_its_holder() {
        let (dir, state) = scratch("create");
        let lock = StateLock::acquire(&state, &holder("up", "run-a"), now()).unwrap();
        assert_eq!(lock.path(), dir.join("s.json.lock"));
        let on_disk: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(lock.path()).unwrap()).unwrap();
        assert_eq!(
            on_disk,
            serde_json::json!({"verb": "up", "startedAt": "2026-11-28T12:00:00Z", "host": "ci-7", "process": "unknown", "runId": "run-a"})
        );
        lock.release().unwrap();
        assert!(!dir.join("s.json.lock").exists());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_second_run_is_refused_at_once_with_the_holder_and_what_to_do() {
        let (dir, state) = scratch("refuse");
        let first = StateLock::acquire(&state, &holder("up", "run-a"), now()).unwrap();
        let later = now() + chrono::TimeDelta::seconds(185);
        let err = StateLock::acquire(&state, &holder("destroy", "run-b"), later).unwrap_err();
        assert!(matches!(err, Error::Locked(_)), "{err:?}");
        let text = err.to_string();
        for part in ["s.json is locked by another run", "`up` started at 2026-11-28T12:00:00Z (3 min 5 s ago)", "host ci-7", "process unknown", "run run-a", "--force-unlock", "s.json.lock"] {
            assert!(text.contains(part), "{part:?} missing from: {text}");
        }
        // The refused run left the holder's lock alone.
        assert_eq!(held(&state).unwrap().unwrap().holder.unwrap().run_id, "run-a");
        drop(first);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn released_on_drop_and_on_an_early_error() {
        let (dir, state) = scratch("drop");
        drop(StateLock::acquire(&state, &holder("up", "run-a"), now()).unwrap());
        assert!(held(&state).unwrap().is_none(), "dropping the guard releases");

        let failing_run = || -> Result<(), Error> {
            let _lock = StateLock::acquire(&state, &holder("refresh", "run-b"), now())?;
            std::fs::read(state.with_extension("missing")).map_err(|e| Error::Transport(e.to_string()))?;
            Ok(())
        };
        assert!(failing_run().is_err());
        assert!(held(&state).unwrap().is_none(), "an error releases");
        StateLock::acquire(&state, &holder("up", "run-c"), now()).unwrap().release().unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn force_unlock_says_whose_lock_it_removes() {
        let (dir, state) = scratch("force");
        let mut said = Vec::new();
        assert!(!force_unlock(&state, now(), &mut |s| said.push(s.to_string())).unwrap());
        assert!(said[0].contains("no lock"), "{said:?}");

        // A lock left behind by a run killed two days ago.
        let two_days_ago = now() - chrono::TimeDelta::days(2);
        let killed = StateLock::acquire(&state, &LockHolder::new("up", two_days_ago, Some("ci-7"), None, "run-a"), two_days_ago).unwrap();
        std::mem::forget(killed);
        said.clear();
        assert!(force_unlock(&state, now(), &mut |s| said.push(s.to_string())).unwrap());
        assert!(said[0].contains("`up` started at 2026-11-26T12:00:00Z (2 days 0 h ago) on host ci-7"), "{said:?}");
        assert!(held(&state).unwrap().is_none());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_forced_out_run_does_not_remove_the_next_holders_lock() {
        let (dir, state) = scratch("forced-out");
        let stuck = StateLock::acquire(&state, &holder("up", "run-a"), now()).unwrap();
        force_unlock(&state, now(), &mut |_| {}).unwrap();
        let next = StateLock::acquire(&state, &holder("up", "run-b"), now()).unwrap();
        stuck.release().unwrap();
        assert_eq!(held(&state).unwrap().unwrap().holder.unwrap().run_id, "run-b");
        next.release().unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn an_unreadable_lock_still_blocks_and_says_how_old_it_is() {
        let (dir, state) = scratch("damaged");
        std::fs::write(lock_path(&state), "{\"verb\": \"up\", \"sta").unwrap();
        let text = StateLock::acquire(&state, &holder("up", "run-a"), now()).unwrap_err().to_string();
        assert!(text.contains("details cannot be read") && text.contains("written at ") && text.contains("--force-unlock"), "{text}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn taking_or_being_refused_a_lock_leaves_no_draft_behind() {
        let (dir, state) = scratch("drafts");
        let first = StateLock::acquire(&state, &holder("up", "run-a"), now()).unwrap();
        StateLock::acquire(&state, &holder("up", "run-b"), now()).unwrap_err();
        assert_eq!(files_in(&dir), ["s.json.lock"]);
        first.release().unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_refused_run_always_finds_the_holder_named_never_an_empty_lock() {
        let (dir, state) = scratch("contended");
        let refusals = std::thread::scope(|s| {
            let contender = |run: &'static str| {
                let state = &state;
                move || {
                    let mut refusals = Vec::new();
                    for _ in 0..400 {
                        match StateLock::acquire(state, &holder("up", run), now()) {
                            Ok(lock) => lock.release().unwrap(),
                            Err(e) => refusals.push(e.to_string()),
                        }
                    }
                    refusals
                }
            };
            let (a, b) = (s.spawn(contender("run-a")), s.spawn(contender("run-b")));
            [a.join().unwrap(), b.join().unwrap()].concat()
        });
        for text in &refusals {
            assert!(text.contains("`up` started at") || text.contains("ended a moment ago"), "{text}");
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn without_hard_links_the_lock_is_still_taken_and_names_its_holder() {
        let (dir, state) = scratch("linkless");
        let no_links = |_: &Path, _: &Path| Err(std::io::ErrorKind::Unsupported.into());
        let lock = StateLock::acquire_linking_with(&state, &holder("up", "run-a"), now(), no_links).unwrap();
        assert_eq!(held(&state).unwrap().unwrap().holder.unwrap().run_id, "run-a");
        assert_eq!(files_in(&dir), ["s.json.lock"], "no draft left");
        let err = StateLock::acquire_linking_with(&state, &holder("up", "run-b"), now(), no_links).unwrap_err();
        assert!(err.to_string().contains("run run-a"), "{err}");
        lock.release().unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_lock_taken_and_released_while_linking_refuses_without_taking_it() {
        let (dir, state) = scratch("link-lost");
        let taken_meanwhile = |_: &Path, _: &Path| Err(std::io::ErrorKind::AlreadyExists.into());
        let err = StateLock::acquire_linking_with(&state, &holder("up", "run-a"), now(), taken_meanwhile).unwrap_err();
        assert!(matches!(&err, Error::Locked(m) if m.contains("ended a moment ago")), "{err:?}");
        assert!(held(&state).unwrap().is_none(), "the refused run made no lock of its own");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn without_hard_links_the_lock_is_created_exclusively_and_written_whole() {
        let (dir, state) = scratch("no-links");
        let path = lock_path(&state);
        create_and_write(&path, "held by a\n").unwrap();
        assert_eq!(create_and_write(&path, "held by b\n").unwrap_err().kind(), std::io::ErrorKind::AlreadyExists);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "held by a\n");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn ages_read_naturally() {
        let t = now();
        assert_eq!(age(t, t), "0 s ago");
        assert_eq!(age(t + chrono::TimeDelta::seconds(3725), t), "1 h 2 min ago");
        assert_eq!(age(t + chrono::TimeDelta::hours(30), t), "1 day 6 h ago");
        assert!(age(t, t + chrono::TimeDelta::seconds(5)).contains("clocks"));
    }
}
