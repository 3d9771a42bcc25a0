//! The local state file: what `up` created, as Pulumi records it — each
//! resource's id, input and output property bags (secrets in Pulumi's secret
//! wrapper, so they are marked as secrets), plus the program's outputs.
//! Versioned JSON, written atomically: a temporary file (of a random name)
//! is written and then renamed over the old one, so an interruption leaves either the old or the
//! new state, never half of one; the first write of a run keeps a backup.
//! Verbs that write the state hold its lock ([`crate::state_lock`]) first.

use access_service_token::error::Error;
use access_service_token::secret::Secret;
use crate::state_crypto::{Encryption, Sealer, PASSPHRASE_VAR};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::path::{Path, PathBuf};

/// The format version this build writes and reads.
pub const VERSION: u32 = 1;

/// Default file name, in the current directory.
pub const DEFAULT_PATH: &str = "access-tokens.state.json";

/// The whole state.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct StateFile {
    /// Format version.
    pub version: u32,
    /// Resources, in the order they were created.
    #[serde(default)]
    pub resources: Vec<StateResource>,
    /// The program's outputs after the last `up` (secrets wrapped).
    #[serde(default)]
    pub outputs: Map<String, Value>,
    /// Mutating calls started and not yet known to be done (Pulumi's
    /// `pending_operations`): resolved by the next run before it plans.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pending: Vec<PendingOperation>,
    /// Tokens a refresh found deleted outside the program, until the next
    /// `up` creates them again: that create then says why, and that the
    /// client id and secret it hands out are new.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub gone: Vec<GoneToken>,
}

/// A managed token that a refresh no longer found at Cloudflare.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GoneToken {
    /// Resource name.
    pub name: String,
    /// The id it had.
    pub id: String,
    /// The client id it had, which clients still present.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
}

/// What a pending operation was doing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PendingKind {
    /// Creating a token (from `bag`, the checked inputs).
    Create,
    /// Updating, renewing or rotating token `id`.
    Update,
    /// Deleting token `id` (`bag`: its outputs, which name its scope).
    Delete,
}

/// A mutating call recorded before it is made.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PendingOperation {
    /// What.
    pub kind: PendingKind,
    /// Resource name.
    pub name: String,
    /// Type token.
    #[serde(rename = "type")]
    pub ty: String,
    /// Token id (update, delete).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Inputs (create) or outputs (update, delete).
    pub bag: Value,
    /// When the call was made (RFC 3339).
    pub started_at: String,
}

/// One resource.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StateResource {
    /// Logical name in the program.
    pub name: String,
    /// Type token as written in the program.
    #[serde(rename = "type")]
    pub ty: String,
    /// Token UUID.
    pub id: String,
    /// Read with `get:`: not managed, never changed or deleted.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub external: bool,
    /// Checked inputs (property bag).
    pub inputs: Value,
    /// Outputs (property bag; `clientSecret` wrapped as a secret).
    pub outputs: Value,
}

impl StateFile {
    /// An empty state.
    pub fn new() -> Self {
        StateFile { version: VERSION, ..Default::default() }
    }

    /// The resource called `name`.
    pub fn get(&self, name: &str) -> Option<&StateResource> {
        self.resources.iter().find(|r| r.name == name)
    }

    /// Inserts or replaces the resource of that name, keeping its position;
    /// a token of that name is no longer gone.
    pub fn put(&mut self, resource: StateResource) {
        self.gone.retain(|g| g.name != resource.name);
        match self.resources.iter_mut().find(|r| r.name == resource.name) {
            Some(slot) => *slot = resource,
            None => self.resources.push(resource),
        }
    }

    /// Removes the resource called `name`.
    pub fn remove(&mut self, name: &str) {
        self.resources.retain(|r| r.name != name);
    }

    /// Removes a resource whose token was deleted outside the program, and
    /// remembers it until a token of that name is put again.
    pub fn remove_gone(&mut self, resource: &StateResource) {
        self.remove(&resource.name);
        let client_id = resource.outputs.get("clientId").and_then(Value::as_str).map(str::to_string);
        self.gone.retain(|g| g.name != resource.name);
        self.gone.push(GoneToken { name: resource.name.clone(), id: resource.id.clone(), client_id });
    }

    /// Why a create of `name` happens when a refresh found its token
    /// deleted outside the program; none otherwise.
    pub fn recreate_reason(&self, name: &str) -> Option<String> {
        let gone = self.gone.iter().find(|g| g.name == name)?;
        let client = gone.client_id.as_deref().map(|c| format!(" (client id {c})")).unwrap_or_default();
        Some(format!(
            "token {}{client} was deleted outside this program, by a person or by the account's inactivity cleanup: a new token is created, and its client id and secret are new — give them to its clients",
            gone.id
        ))
    }

    /// Parses a state file's text.
    pub fn parse(text: &str, path: &str) -> Result<StateFile, Error> {
        let value: Value = serde_json::from_str(text)
            .map_err(|e| Error::invalid("state", format!("{path} is not valid JSON ({e}); restore it from {path}.bak")))?;
        Self::from_value(value, path)
    }

    /// A state from its parsed JSON.
    pub fn from_value(value: Value, path: &str) -> Result<StateFile, Error> {
        let version = value.get("version").and_then(Value::as_u64).unwrap_or(0);
        if version != u64::from(VERSION) {
            return Err(Error::invalid("state", format!("{path} has format version {version}; this build reads version {VERSION}")));
        }
        serde_json::from_value(value).map_err(|e| Error::invalid("state", format!("{path} is not a state file of this tool ({e})")))
    }

    /// The file's text.
    pub fn to_text(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_else(|_| "{}".into());
        text.push('\n');
        text
    }
}

/// Reads and writes one state file.
pub struct StateStore {
    path: PathBuf,
    backed_up: bool,
    crypto: Option<Crypto>,
}

/// The passphrase, a source of randomness, and the key once derived.
struct Crypto {
    passphrase: Secret,
    random: Box<dyn FnMut(&mut [u8])>,
    sealer: Option<Sealer>,
}

impl StateStore {
    /// A store at `path`; secrets are kept in plain text.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        StateStore { path: path.into(), backed_up: false, crypto: None }
    }

    /// Encrypts the secrets of the state with `passphrase` (see
    /// [`crate::state_crypto`]); `random` fills salts and nonces.
    pub fn with_passphrase(mut self, passphrase: Secret, random: Box<dyn FnMut(&mut [u8])>) -> Self {
        self.crypto = Some(Crypto { passphrase, random, sealer: None });
        self
    }

    /// True when the secrets are written in plain text (no passphrase).
    pub fn plaintext(&self) -> bool {
        self.crypto.is_none()
    }

    /// The path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Loads the state, decrypting its secrets; a missing file is an empty state.
    pub fn load(&mut self) -> Result<StateFile, Error> {
        let path = self.path.display().to_string();
        let text = match std::fs::read(&self.path) {
            Ok(bytes) => String::from_utf8(bytes).map_err(|e| Error::invalid("state", format!("{}; restore it from {path}.bak", access_service_token::error::not_utf8(&path, e.as_bytes()))))?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(StateFile::new()),
            Err(e) => return Err(Error::invalid("state", format!("cannot read {path}: {e}"))),
        };
        let mut value: Value = serde_json::from_str(&text)
            .map_err(|e| Error::invalid("state", format!("{path} is not valid JSON ({e}); restore it from {path}.bak")))?;
        if let Some(header) = value.as_object_mut().and_then(|o| o.remove("encryption")) {
            let header: Encryption = serde_json::from_value(header).map_err(|e| Error::invalid("state", format!("{path}: damaged encryption header ({e})")))?;
            let Some(crypto) = self.crypto.as_mut() else {
                return Err(Error::invalid("state", format!("the secrets in {path} are encrypted: set {PASSPHRASE_VAR} to open them")));
            };
            let sealer = Sealer::open(&crypto.passphrase, &header, &path)?;
            sealer.unseal(&mut value, &path)?;
            crypto.sealer = Some(sealer);
        }
        StateFile::from_value(value, &path)
    }

    /// Writes atomically; the first save of this store backs up the previous file.
    pub fn save(&mut self, state: &StateFile) -> Result<(), Error> {
        let io = |what: &str, e: std::io::Error| Error::Internal(format!("{what} {}: {e}", self.path.display()));
        if !self.backed_up {
            if self.path.exists() {
                std::fs::copy(&self.path, backup_path(&self.path)).map_err(|e| io("cannot back up", e))?;
            }
            self.backed_up = true;
        }
        let text = match self.crypto.as_mut() {
            None => state.to_text(),
            Some(crypto) => {
                if crypto.sealer.is_none() {
                    crypto.sealer = Some(Sealer::create(&crypto.passphrase, &mut crypto.random)?);
                }
                let sealer = crypto.sealer.as_ref().ok_or_else(|| Error::Internal("no key".into()))?;
                let mut value = serde_json::to_value(state).map_err(|e| Error::Internal(e.to_string()))?;
                sealer.seal(&mut value, &mut crypto.random)?;
                if let Some(o) = value.as_object_mut() {
                    o.insert("encryption".into(), serde_json::to_value(&sealer.header).map_err(|e| Error::Internal(e.to_string()))?);
                }
                let mut text = serde_json::to_string_pretty(&value).unwrap_or_else(|_| "{}".into());
                text.push('\n');
                text
            }
        };
        let tmp = temporary_path(&self.path)?;
        let written = std::fs::write(&tmp, text)
            .map_err(|e| io("cannot write next to", e))
            .and_then(|()| std::fs::rename(&tmp, &self.path).map_err(|e| io("cannot replace", e)));
        if written.is_err() {
            // Leave no half-written file behind; the state itself is untouched.
            let _ = std::fs::remove_file(&tmp);
        }
        written
    }
}

/// `<path>.<random>.tmp`: a name no other writer uses, so two writers (a
/// run and a person's copy, or two runs the lock did not stop) never write
/// into, or rename away, each other's temporary file.
pub(crate) fn temporary_path(path: &Path) -> Result<PathBuf, Error> {
    let mut random = [0u8; 8];
    getrandom::fill(&mut random).map_err(|e| Error::Internal(format!("no source of randomness for a temporary file name: {e}")))?;
    Ok(with_suffix(path, &format!(".{}.tmp", random.iter().map(|b| format!("{b:02x}")).collect::<String>())))
}

/// `<state>.bak`.
pub fn backup_path(path: &Path) -> PathBuf {
    with_suffix(path, ".bak")
}

/// `path` with `suffix` added to its file name (not an extension replaced:
/// `a.state.json` gives `a.state.json.bak`).
pub(crate) fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn resource(name: &str) -> StateResource {
        StateResource {
            name: name.into(),
            ty: "cloudflare:AccessServiceToken".into(),
            id: "f174e90a-fafe-4643-bbbc-4a0ed4fc8415".into(),
            external: false,
            inputs: json!({"name": "n"}),
            outputs: json!({"clientSecret": {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", "value": "s"}}),
        }
    }

    #[test]
    fn round_trips_and_refuses_other_versions() {
        let mut s = StateFile::new();
        s.put(resource("a"));
        s.put(resource("b"));
        s.put(StateResource { id: "other".into(), ..resource("a") });
        assert_eq!(s.resources.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(), ["a", "b"]);
        let back = StateFile::parse(&s.to_text(), "s.json").unwrap();
        assert_eq!(back, s);
        let err = StateFile::parse(r#"{"version": 7, "resources": []}"#, "s.json").unwrap_err();
        assert!(err.to_string().contains("format version 7"));
        assert!(StateFile::parse("{", "s.json").unwrap_err().to_string().contains("s.json.bak"));
    }

    #[test]
    fn saves_atomically_with_a_backup() {
        let dir = std::env::temp_dir().join(format!("state-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("s.json");
        std::fs::write(&path, StateFile::new().to_text()).unwrap();
        let mut store = StateStore::new(&path);
        let mut s = StateFile::new();
        s.put(resource("a"));
        store.save(&s).unwrap();
        s.put(resource("b"));
        store.save(&s).unwrap();
        assert_eq!(store.load().unwrap(), s);
        let backup = StateFile::parse(&std::fs::read_to_string(backup_path(&path)).unwrap(), "bak").unwrap();
        assert!(backup.resources.is_empty(), "the backup is the state before this run");
        let left: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name()).filter(|n| n.to_string_lossy().ends_with(".tmp")).collect();
        assert!(left.is_empty(), "temporary files left: {left:?}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn temporary_names_are_unique_and_a_failed_save_leaves_none() {
        let dir = std::env::temp_dir().join(format!("state-test-tmp-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("s.json");
        let (a, b) = (temporary_path(&path).unwrap(), temporary_path(&path).unwrap());
        assert_ne!(a, b);
        assert!(a.to_string_lossy().starts_with(&*path.to_string_lossy()) && a.to_string_lossy().ends_with(".tmp"), "{a:?}");
        // The rename fails: the state's path is a non-empty directory.
        std::fs::create_dir_all(path.join("occupied")).unwrap();
        let mut store = StateStore::new(&path);
        store.backed_up = true;
        let err = store.save(&StateFile::new()).unwrap_err();
        assert!(err.to_string().contains("cannot replace"), "{err}");
        let left: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name()).filter(|n| n.to_string_lossy().ends_with(".tmp")).collect();
        assert!(left.is_empty(), "temporary files left: {left:?}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
