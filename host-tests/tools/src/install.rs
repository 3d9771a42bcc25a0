//! Install once, race-free, across threads and processes.

use crate::{tools_dir, InstallError};
use std::fs::{File, OpenOptions};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};

/// The file inside an install's directory that says the install finished,
/// and what it holds. Written last, by rename, so it is there only when the
/// whole install is.
const STAMP: &str = ".test-tools-installed";

/// Written first into a directory this crate is installing into, so that a
/// half-made install can be told from a directory someone else made.
const STARTED: &str = ".test-tools-installing";

/// What to do with a non-empty `dir` that this crate did not make (neither
/// stamp nor start marker): an install that owns its place (under
/// `target/tools`, or `node_modules`, which `npm ci` replaces anyway)
/// replaces it; one in a directory the user named (`$CF_SDK_VENV`) refuses,
/// rather than delete their files.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Foreign {
    Replace,
    Refuse,
}

/// Makes `dir` hold the install described by `stamp`, running `install(dir)`
/// only if it does not hold it yet.
///
/// Holds an exclusive lock on the file `lock` (an OS file lock: other
/// threads and processes wait, and it is released when the holder exits,
/// even by a crash) around "read the stamp → install → write the stamp".
/// Before installing, whatever is in `dir` (a stale or half-made install) is
/// removed and `dir` is created empty; if `install` fails, `dir` is removed
/// again, so the next caller starts afresh.
pub(crate) fn install_once(
    lock: &Path,
    dir: &Path,
    stamp: &str,
    foreign: Foreign,
    install: impl FnOnce(&Path) -> Result<(), InstallError>,
) -> Result<(), InstallError> {
    let _held = lock_exclusive(lock)?;
    if std::fs::read_to_string(dir.join(STAMP)).is_ok_and(|found| found == stamp) {
        return Ok(());
    }
    if foreign == Foreign::Refuse && is_foreign(dir) {
        return Err(InstallError::new(format!(
            "{} exists and was not made by test-tools (no {STAMP} or {STARTED} in it): \
             remove it, or name an empty or missing directory, to have it installed",
            dir.display()
        )));
    }
    remove(dir)?;
    std::fs::create_dir_all(dir).map_err(|e| io_error("create", dir, e))?;
    let started = dir.join(STARTED);
    let done = std::fs::write(&started, stamp)
        .map_err(|e| io_error("write", &started, e))
        .and_then(|()| install(dir))
        .and_then(|()| write_stamp(dir, stamp));
    if done.is_err() {
        let _ = std::fs::remove_dir_all(dir);
    }
    done
}

/// Whether `dir` is a non-empty directory without this crate's stamp or start marker.
fn is_foreign(dir: &Path) -> bool {
    let non_empty = std::fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_some());
    non_empty && !dir.join(STAMP).exists() && !dir.join(STARTED).exists()
}

/// The lock file for an install at `dir`: `<tools>/locks/<name>-<hash of the path>.lock`.
/// Kept outside `dir` (which is removed and recreated) and outside the
/// source tree (an `npm ci` installs into `examples/node`).
pub(crate) fn lock_for(dir: &Path) -> PathBuf {
    let absolute = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
    let mut hasher = DefaultHasher::new();
    absolute.hash(&mut hasher);
    let name = absolute.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    tools_dir().join("locks").join(format!("{name}-{:016x}.lock", hasher.finish()))
}

/// Opens (creating) `path` and waits for an exclusive lock on it; the lock
/// lasts as long as the returned file is open.
fn lock_exclusive(path: &Path) -> Result<File, InstallError> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| io_error("create", parent, e))?;
    }
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
        .map_err(|e| io_error("open the lock file", path, e))?;
    file.lock().map_err(|e| io_error("lock", path, e))?;
    Ok(file)
}

fn write_stamp(dir: &Path, stamp: &str) -> Result<(), InstallError> {
    let partial = dir.join(format!("{STAMP}.partial"));
    std::fs::write(&partial, stamp).map_err(|e| io_error("write", &partial, e))?;
    std::fs::rename(&partial, dir.join(STAMP)).map_err(|e| io_error("rename", &partial, e))?;
    let _ = std::fs::remove_file(dir.join(STARTED));
    Ok(())
}

fn remove(dir: &Path) -> Result<(), InstallError> {
    match std::fs::remove_dir_all(dir) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(io_error("remove the stale install", dir, e)),
        _ => Ok(()),
    }
}

fn io_error(what: &str, path: &Path, e: std::io::Error) -> InstallError {
    InstallError::new(format!("{what} {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;
    use std::process::{Command, Stdio};
    use std::sync::{Arc, Barrier};

    /// Set for the child processes of the race test: the directory they share.
    const RACE_ROOT: &str = "TEST_TOOLS_RACE_ROOT";
    const PARTS: usize = 20;
    const PROCESSES: usize = 3;
    const THREADS_PER_PROCESS: usize = 4;

    /// A scratch directory of its own for one test.
    fn scratch(test: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("test-tools-{test}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    /// A stand-in for pip or npm: records that it ran (in `root/installs.log`,
    /// outside the install), then writes `PARTS` files one after the other.
    /// The pause stands for the download, so that a caller arriving while
    /// another installs would, without the lock, install too.
    fn fake_install(root: &Path, dir: &Path) -> Result<(), InstallError> {
        use std::io::Write;
        let mut log = OpenOptions::new().create(true).append(true).open(root.join("installs.log")).unwrap();
        writeln!(log, "process {} {:?}", std::process::id(), std::thread::current().id()).unwrap();
        for part in 0..PARTS {
            std::fs::write(dir.join(format!("part-{part}")), format!("part {part}"))
                .map_err(|e| io_error("write", dir, e))?;
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        Ok(())
    }

    /// One caller: installs through the lock and checks it got the whole install.
    fn call(root: &Path) {
        let dir = root.join("tool");
        install_once(&root.join("tool.lock"), &dir, "fake tool 1", Foreign::Replace, |d| fake_install(root, d)).unwrap();
        for part in 0..PARTS {
            let text = std::fs::read_to_string(dir.join(format!("part-{part}")));
            assert_eq!(text.ok(), Some(format!("part {part}")), "part {part} missing after install_once returned");
        }
    }

    /// `threads` callers in this process, released at once by a barrier that
    /// `release` also waits on.
    fn callers(root: &Path, threads: usize, release: Arc<Barrier>) -> Vec<std::thread::JoinHandle<()>> {
        (0..threads)
            .map(|_| {
                let (root, release) = (root.to_path_buf(), release.clone());
                std::thread::spawn(move || {
                    release.wait();
                    call(&root);
                })
            })
            .collect()
    }

    #[test]
    fn installs_exactly_once_when_threads_and_processes_ask_at_the_same_time() {
        let root = scratch("race");
        let exe = std::env::current_exe().unwrap();
        // Each child waits for its stdin to close, so all start together.
        let mut children: Vec<_> = (0..PROCESSES)
            .map(|_| {
                Command::new(&exe)
                    .args(["--exact", "install::tests::race_child", "--ignored", "--nocapture", "--test-threads=1"])
                    .env(RACE_ROOT, &root)
                    .stdin(Stdio::piped())
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        let release = Arc::new(Barrier::new(THREADS_PER_PROCESS + 1));
        let threads = callers(&root, THREADS_PER_PROCESS, release.clone());
        for child in &mut children {
            drop(child.stdin.take());
        }
        release.wait();
        for thread in threads {
            thread.join().expect("a caller in this process failed");
        }
        for child in children {
            let out = child.wait_with_output().unwrap();
            let printed = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
            assert!(out.status.success(), "a child process failed:\n{printed}");
            assert!(printed.contains("1 passed"), "the child ran no race:\n{printed}");
        }
        let log = std::fs::read_to_string(root.join("installs.log")).unwrap();
        assert_eq!(log.lines().count(), 1, "{} callers, expected one install, got:\n{log}", (PROCESSES + 1) * THREADS_PER_PROCESS);
        let _ = std::fs::remove_dir_all(&root);
    }

    /// The child side of the race test (run only by it: it needs `RACE_ROOT`).
    #[test]
    #[ignore = "a child process of installs_exactly_once_when_threads_and_processes_ask_at_the_same_time"]
    fn race_child() {
        let root = PathBuf::from(std::env::var_os(RACE_ROOT).expect("run by the race test, which sets TEST_TOOLS_RACE_ROOT"));
        let release = Arc::new(Barrier::new(THREADS_PER_PROCESS + 1));
        let threads = callers(&root, THREADS_PER_PROCESS, release.clone());
        let _ = std::io::stdin().read_to_end(&mut Vec::new());
        release.wait();
        for thread in threads {
            thread.join().expect("a caller in the child process failed");
        }
    }

    #[test]
    fn a_failed_install_is_removed_and_redone_by_the_next_caller() {
        let root = scratch("failed");
        let (lock, dir) = (root.join("tool.lock"), root.join("tool"));
        let failed = install_once(&lock, &dir, "v1", Foreign::Replace, |d| {
            std::fs::write(d.join("half"), "half made").unwrap();
            Err(InstallError::new("pip install failed"))
        });
        assert_eq!(failed, Err(InstallError::new("pip install failed")));
        assert!(!dir.exists(), "the half-made install was left behind");

        install_once(&lock, &dir, "v1", Foreign::Replace, |d| std::fs::write(d.join("whole"), "ok").map_err(|e| io_error("write", d, e))).unwrap();
        assert!(dir.join("whole").is_file() && !dir.join("half").exists());
        install_once(&lock, &dir, "v1", Foreign::Replace, |_| panic!("installed twice")).unwrap();
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn an_interrupted_or_stale_install_is_replaced() {
        let root = scratch("stale");
        let (lock, dir) = (root.join("tool.lock"), root.join("tool"));
        // A process killed mid-install leaves files but no stamp.
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("half"), "half made").unwrap();
        install_once(&lock, &dir, "v1", Foreign::Replace, |d| std::fs::write(d.join("v1"), "").map_err(|e| io_error("write", d, e))).unwrap();
        assert!(dir.join("v1").is_file() && !dir.join("half").exists());
        // Other pins (a changed requirements file) install afresh.
        install_once(&lock, &dir, "v2", Foreign::Replace, |d| std::fs::write(d.join("v2"), "").map_err(|e| io_error("write", d, e))).unwrap();
        assert!(dir.join("v2").is_file() && !dir.join("v1").exists());
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn a_directory_someone_else_made_is_not_deleted_where_the_user_named_it() {
        let root = scratch("foreign");
        let (lock, dir) = (root.join("tool.lock"), root.join("my-venv"));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("mine"), "the user's").unwrap();
        let refused = install_once(&lock, &dir, "v1", Foreign::Refuse, |_| panic!("installed over the user's files"));
        assert!(refused.is_err_and(|e| e.to_string().contains("was not made by test-tools")));
        assert!(dir.join("mine").is_file());

        // A half-made install of ours there is redone.
        std::fs::remove_file(dir.join("mine")).unwrap();
        std::fs::write(dir.join(STARTED), "v1").unwrap();
        install_once(&lock, &dir, "v1", Foreign::Refuse, |d| std::fs::write(d.join("v1"), "").map_err(|e| io_error("write", d, e))).unwrap();
        assert!(dir.join("v1").is_file() && !dir.join(STARTED).exists());
        let _ = std::fs::remove_dir_all(&root);
    }
}
