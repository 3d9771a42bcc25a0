//! Secrets at rest: with a passphrase, every secret in the state file (the
//! values inside Pulumi secret wrappers) is encrypted with AES-256-GCM under
//! a key derived by Argon2id, a memory-hard KDF, from the passphrase and a
//! random salt; each value gets its own random nonce. Randomness comes from
//! the caller (`wasi:random` in the component), so this module stays pure.
//! The file records the KDF parameters and an encrypted check value, so a
//! wrong passphrase is told as such instead of decrypting garbage.

use access_service_token::error::Error;
use access_service_token::pulumi::bag::{SECRET_SIG, SECRET_SIG_KEY};
use access_service_token::secret::Secret;
use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// The environment variable that holds the passphrase.
pub const PASSPHRASE_VAR: &str = "ACCESS_TOKENS_PASSPHRASE";

const CHECK: &[u8] = b"access-tokens-state";

/// Upper bounds for key-derivation parameters read from a file.
const MAX_MEMORY_KIB: u32 = 1024 * 1024;
const MAX_ITERATIONS: u32 = 16;
const MAX_PARALLELISM: u32 = 8;

/// How the key was derived, stored in the state file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Encryption {
    /// Always `argon2id`.
    pub kdf: String,
    /// Hex salt (16 bytes).
    pub salt: String,
    /// Argon2 memory in KiB.
    pub memory_kib: u32,
    /// Argon2 passes.
    pub iterations: u32,
    /// Argon2 lanes.
    pub parallelism: u32,
    /// `CHECK` encrypted under the key (hex nonce ‖ ciphertext).
    pub check: String,
}

/// A derived key, ready to encrypt and decrypt values.
pub struct Sealer {
    cipher: Aes256Gcm,
    /// What goes in the file.
    pub header: Encryption,
}

impl std::fmt::Debug for Sealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Sealer([key])")
    }
}

fn derive(passphrase: &Secret, salt: &[u8], memory_kib: u32, iterations: u32, parallelism: u32) -> Result<Aes256Gcm, Error> {
    let params = argon2::Params::new(memory_kib, iterations, parallelism, Some(32))
        .map_err(|e| Error::invalid("state", format!("unusable key-derivation parameters in the state file ({e})")))?;
    let kdf = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
    let mut key = [0u8; 32];
    kdf.hash_password_into(passphrase.expose().as_bytes(), salt, &mut key)
        .map_err(|e| Error::invalid("state", format!("the passphrase cannot be used ({e})")))?;
    Aes256Gcm::new_from_slice(&key).map_err(|_| Error::Internal("AES-256 key of the wrong length".into()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if text.len() % 2 != 0 {
        return None;
    }
    (0..text.len()).step_by(2).map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok()).collect()
}

impl Sealer {
    /// A new key for a state being encrypted for the first time.
    pub fn create(passphrase: &Secret, random: &mut dyn FnMut(&mut [u8])) -> Result<Sealer, Error> {
        let mut salt = [0u8; 16];
        random(&mut salt);
        let (memory_kib, iterations, parallelism) = (19 * 1024, 2, 1);
        let cipher = derive(passphrase, &salt, memory_kib, iterations, parallelism)?;
        let mut sealer = Sealer {
            cipher,
            header: Encryption { kdf: "argon2id".into(), salt: hex(&salt), memory_kib, iterations, parallelism, check: String::new() },
        };
        sealer.header.check = sealer.seal_bytes(CHECK, random)?;
        Ok(sealer)
    }

    /// The key of an encrypted state; a wrong passphrase is an error that says so.
    pub fn open(passphrase: &Secret, header: &Encryption, path: &str) -> Result<Sealer, Error> {
        if header.kdf != "argon2id" {
            return Err(Error::invalid("state", format!("{path} is encrypted with {:?}, which this build does not know", header.kdf)));
        }
        let salt = unhex(&header.salt).ok_or_else(|| Error::invalid("state", format!("{path}: the encryption salt is damaged")))?;
        // The header comes from a file: refuse parameters that would make
        // opening it take more memory or time than any real state needs.
        if header.memory_kib > MAX_MEMORY_KIB || header.iterations > MAX_ITERATIONS || header.parallelism > MAX_PARALLELISM {
            return Err(Error::invalid(
                "state",
                format!(
                    "{path}: unusable key-derivation parameters in the encryption header ({} KiB, {} passes, {} lanes; at most {MAX_MEMORY_KIB} KiB, {MAX_ITERATIONS} passes and {MAX_PARALLELISM} lanes are accepted): damaged file?",
                    header.memory_kib, header.iterations, header.parallelism
                ),
            ));
        }
        let cipher = derive(passphrase, &salt, header.memory_kib, header.iterations, header.parallelism)?;
        let sealer = Sealer { cipher, header: header.clone() };
        match sealer.open_bytes(&header.check) {
            Some(check) if check == CHECK => Ok(sealer),
            _ => Err(Error::invalid("state", format!("wrong passphrase for {path}: {PASSPHRASE_VAR} does not open its secrets (the file was not changed)"))),
        }
    }

    fn seal_bytes(&self, plain: &[u8], random: &mut dyn FnMut(&mut [u8])) -> Result<String, Error> {
        let mut nonce = [0u8; 12];
        random(&mut nonce);
        let sealed = self.cipher.encrypt(Nonce::from_slice(&nonce), plain).map_err(|_| Error::Internal("encryption failed".into()))?;
        Ok(format!("{}{}", hex(&nonce), hex(&sealed)))
    }

    fn open_bytes(&self, text: &str) -> Option<Vec<u8>> {
        let bytes = unhex(text)?;
        if bytes.len() < 12 {
            return None;
        }
        self.cipher.decrypt(Nonce::from_slice(&bytes[..12]), &bytes[12..]).ok()
    }

    /// Encrypts every secret wrapper's `value` in place (into `ciphertext`).
    pub fn seal(&self, v: &mut Value, random: &mut dyn FnMut(&mut [u8])) -> Result<(), Error> {
        match v {
            Value::Object(o) if o.get(SECRET_SIG_KEY).and_then(Value::as_str) == Some(SECRET_SIG) => {
                if let Some(value) = o.remove("value") {
                    o.insert("ciphertext".into(), json!(self.seal_bytes(value.to_string().as_bytes(), random)?));
                }
                Ok(())
            }
            Value::Object(o) => o.values_mut().try_for_each(|x| self.seal(x, random)),
            Value::Array(a) => a.iter_mut().try_for_each(|x| self.seal(x, random)),
            _ => Ok(()),
        }
    }

    /// Decrypts every `ciphertext` back into `value`, in place.
    pub fn unseal(&self, v: &mut Value, path: &str) -> Result<(), Error> {
        match v {
            Value::Object(o) if o.get(SECRET_SIG_KEY).and_then(Value::as_str) == Some(SECRET_SIG) => {
                if let Some(Value::String(text)) = o.remove("ciphertext") {
                    let plain = self
                        .open_bytes(&text)
                        .and_then(|b| serde_json::from_slice::<Value>(&b).ok())
                        .ok_or_else(|| Error::invalid("state", format!("{path}: a secret does not decrypt with this passphrase (damaged file?)")))?;
                    o.insert("value".into(), plain);
                }
                Ok(())
            }
            Value::Object(o) => o.values_mut().try_for_each(|x| self.unseal(x, path)),
            Value::Array(a) => a.iter_mut().try_for_each(|x| self.unseal(x, path)),
            _ => Ok(()),
        }
    }
}

/// True when some secret wrapper holds a plain value (not null).
pub fn has_plaintext_secrets(v: &Value) -> bool {
    match v {
        Value::Object(o) if o.get(SECRET_SIG_KEY).and_then(Value::as_str) == Some(SECRET_SIG) => o.get("value").is_some_and(|x| !x.is_null()),
        Value::Object(o) => o.values().any(has_plaintext_secrets),
        Value::Array(a) => a.iter().any(has_plaintext_secrets),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use access_service_token::pulumi::bag;

    fn counter() -> impl FnMut(&mut [u8]) {
        let mut n = 0u8;
        move |buf: &mut [u8]| {
            for b in buf {
                n = n.wrapping_add(37);
                *b = n;
            }
        }
    }

    #[test]
    fn seals_and_opens_every_secret_and_refuses_a_wrong_passphrase() {
        let mut rng = counter();
        let pass = Secret::new("correct horse battery staple");
        let sealer = Sealer::create(&pass, &mut rng).unwrap();
        let mut doc = json!({"a": {"clientSecret": bag::secret(json!("cfast_top")), "name": "n"}, "b": [bag::secret(json!({"x": 1}))]});
        let original = doc.clone();
        sealer.seal(&mut doc, &mut rng).unwrap();
        let text = doc.to_string();
        assert!(!text.contains("cfast_top") && text.contains("ciphertext"), "{text}");
        assert!(!has_plaintext_secrets(&doc));
        let reopened = Sealer::open(&pass, &sealer.header, "s.json").unwrap();
        reopened.unseal(&mut doc, "s.json").unwrap();
        assert_eq!(doc, original);
        let err = Sealer::open(&Secret::new("wrong"), &sealer.header, "s.json").unwrap_err().to_string();
        assert!(err.contains("wrong passphrase for s.json"), "{err}");
        assert!(format!("{sealer:?}").contains("[key]"));
    }
}
