//! One reader per input kind, each mapping its file's shape onto
//! [`Token`], plus what they share: turning JSON values into [`Field`]s and
//! finding the line where a resource is written.

pub(crate) mod engine;
pub(crate) mod local;
pub(crate) mod program;
pub(crate) mod pulumi;
pub(crate) mod terraform;
pub(crate) mod tfjson;

use std::collections::HashMap;
use super::token::{Field, InputKind, Token};
use super::InputFile;
use access_service_token::error::Error;
use access_service_token::pulumi::bag::{is_unknown, SECRET_SIG, SECRET_SIG_KEY};
use chrono::{DateTime, Utc};
use serde_json::Value;

/// The Terraform resource types of a service token: the Cloudflare
/// provider's (v4 name and the zero-trust name of v4.40+ and v5), and this
/// project's own Terraform provider's (`terraform-provider-cfaccess`), whose
/// attributes carry the same names.
pub(crate) const TERRAFORM_TYPES: [&str; 3] = ["cloudflare_access_service_token", "cloudflare_zero_trust_access_service_token", "cfaccess_service_token"];

/// The properties rules read, camelCase, as every reader is asked for them.
const PROPERTIES: [&str; 10] = ["accountId", "zoneId", "name", "minDaysForRenewal", "duration", "expiresAt", "clientSecret", "enabled", "createdAt", "lastSeenAt"];

/// Whether a Pulumi property bag (an export's, the engine's, this tool's
/// state's) records when its token was last used, from the keys it has.
/// This project's provider writes `createdAt` and `lastSeenAt` from the same
/// read and leaves `lastSeenAt` out until the token has authenticated, so a
/// bag with `createdAt` and no `lastSeenAt` is of a token never seen;
/// pulumi-cloudflare writes every attribute of its schema, null included, so
/// its bags carry `lastSeenAt` exactly when its version has the attribute.
/// A bag with neither key says nothing about use.
pub(crate) fn bag_records_last_seen(has: impl Fn(&str) -> bool) -> bool {
    has("lastSeenAt") || has("createdAt")
}

/// Reads the tokens of a file already known to be of `kind` (`doc` is its
/// JSON when it is JSON).
pub(crate) fn read(file: &InputFile, kind: InputKind, doc: Option<&Value>) -> Result<Vec<Token>, Error> {
    let need = || doc.ok_or_else(|| Error::invalid(&file.name, format!("is not JSON, so it cannot be {}", kind.describe())));
    match kind {
        InputKind::PulumiExport => pulumi::read(file, need()?),
        InputKind::TerraformState => terraform::read(file, need()?),
        InputKind::TerraformShowState => tfjson::read_state(file, need()?),
        InputKind::TerraformPlan => tfjson::read_plan(file, need()?),
        InputKind::LocalState => local::read(file, need()?),
        InputKind::Program => program::read(file),
        InputKind::PulumiEngine => Err(Error::invalid(&file.name, format!("cannot be read as {}: that is not a file kind", kind.describe()))),
    }
}

/// The Terraform spelling of a property.
pub(crate) fn snake(camel: &str) -> String {
    let mut out = String::with_capacity(camel.len() + 4);
    for c in camel.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// A plain value: null is absent, an unknown sentinel is unknown.
pub(crate) fn plain(v: Option<&Value>) -> Field<Value> {
    match v {
        None | Some(Value::Null) => Field::Absent,
        Some(v) if is_unknown(v) => Field::Unknown,
        Some(v) => Field::Known(v.clone()),
    }
}

/// Whether a value is a Pulumi secret wrapper (`{"4dabf…": "1b47…", …}`).
pub(crate) fn is_secret_wrapper(v: &Value) -> bool {
    v.get(SECRET_SIG_KEY).and_then(Value::as_str) == Some(SECRET_SIG)
}

/// A Pulumi property value: secret wrappers are opened when they hold the
/// value (`value`, or `plaintext` JSON text) and unknown when encrypted.
pub(crate) fn pulumi_value(v: Option<&Value>) -> Field<Value> {
    let Some(Value::Object(o)) = v.filter(|v| is_secret_wrapper(v)) else { return plain(v) };
    if let Some(inner) = o.get("value") {
        return plain(Some(inner));
    }
    match o.get("plaintext") {
        Some(Value::String(text)) => plain(Some(&serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.clone())))),
        Some(other) => plain(Some(other)),
        None => Field::Unknown,
    }
}

fn text(f: Field<Value>) -> Field<String> {
    match f {
        Field::Known(Value::String(s)) if s.is_empty() => Field::Absent,
        Field::Known(Value::String(s)) => Field::Known(s),
        Field::Known(Value::Number(n)) => Field::Known(n.to_string()),
        Field::Known(Value::Bool(b)) => Field::Known(b.to_string()),
        Field::Known(_) | Field::Unknown => Field::Unknown,
        Field::Absent => Field::Absent,
    }
}

/// A flag: only a JSON boolean is one (no provider writes `enabled` as text).
fn boolean(f: Field<Value>) -> Field<bool> {
    match f {
        Field::Known(Value::Bool(b)) => Field::Known(b),
        Field::Known(_) | Field::Unknown => Field::Unknown,
        Field::Absent => Field::Absent,
    }
}

/// A time property: RFC 3339, else the reason, naming the property as the
/// file spells it.
fn moment(kind: InputKind, camel: &'static str, f: Field<Value>) -> Result<Field<DateTime<Utc>>, String> {
    match text(f) {
        Field::Known(s) => match DateTime::parse_from_rfc3339(&s) {
            Ok(t) => Ok(Field::Known(t.with_timezone(&Utc))),
            Err(e) => {
                let p = super::rules::prop(kind, camel);
                Err(format!("{p} {s} is not an RFC 3339 time ({e})", s = access_service_token::error::quote(&s)))
            }
        },
        Field::Unknown => Ok(Field::Unknown),
        Field::Absent => Ok(Field::Absent),
    }
}

fn integer(f: Field<Value>) -> Field<i64> {
    let n = match f {
        Field::Known(Value::Number(n)) => n.as_i64().or_else(|| n.as_f64().filter(|x| x.fract() == 0.0 && x.abs() < 1e15).map(|x| x as i64)),
        Field::Known(Value::String(s)) if s.is_empty() => return Field::Absent,
        Field::Known(Value::String(s)) => s.trim().parse().ok(),
        Field::Absent => return Field::Absent,
        Field::Known(_) | Field::Unknown => None,
    };
    n.map_or(Field::Unknown, Field::Known)
}

/// Builds a token from a property getter (asked with camelCase names) and
/// whether the resource records `lastSeenAt` at all (see
/// [`Token::last_seen_at`]). A time that is not RFC 3339 is an error naming
/// the token: guessing would either hide an expired or idle token or fail a
/// healthy one.
pub(crate) fn token(file: &InputFile, kind: InputKind, address: String, line: Option<usize>, records_last_seen: bool, get: &dyn Fn(&str) -> Field<Value>) -> Result<Token, Error> {
    build(&file.name, kind, address, line, records_last_seen, get).map_err(|(address, why)| Error::invalid(&file.name, format!("{address}: {why}")))
}

/// [`token`] for a source that is not a file: the error is the token's
/// address with the reason, for the caller to name the source its own way.
pub(crate) fn build(file: &str, kind: InputKind, address: String, line: Option<usize>, records_last_seen: bool, get: &dyn Fn(&str) -> Field<Value>) -> Result<Token, (String, String)> {
    let [account, zone, name, days, duration, expires, secret, enabled, created, last_seen] = PROPERTIES.map(get);
    let times = (moment(kind, "expiresAt", expires), moment(kind, "createdAt", created), moment(kind, "lastSeenAt", last_seen));
    let (expires_at, created_at, last_seen_at) = match times {
        (Ok(expires), Ok(created), Ok(seen)) => (expires, created, seen),
        (Err(why), _, _) | (_, Err(why), _) | (_, _, Err(why)) => return Err((address, why)),
    };
    Ok(Token {
        file: file.to_string(),
        kind,
        address,
        line,
        account_id: text(account),
        zone_id: text(zone),
        name: text(name),
        min_days_for_renewal: integer(days),
        duration: text(duration),
        expires_at,
        secret_in_plaintext: matches!(secret, Field::Known(Value::String(s)) if !s.is_empty()),
        enabled: boolean(enabled),
        created_at,
        last_seen_at: records_last_seen.then_some(last_seen_at),
    })
}

/// Where JSON strings first appear in a file, indexed in one pass: a
/// resource's line is then a lookup, not a search of the whole text per
/// resource (which made scans of large exports quadratic).
pub(crate) struct Locator<'a> {
    /// A string written as a mapping key → its line.
    keys: HashMap<&'a str, usize>,
    /// (key, string value written after it) → line.
    values: HashMap<(&'a str, &'a str), usize>,
}

impl<'a> Locator<'a> {
    /// Indexes every JSON string literal of `text` (raw, quotes included).
    pub(crate) fn new(text: &'a str) -> Self {
        let bytes = text.as_bytes();
        let (mut keys, mut values) = (HashMap::new(), HashMap::new());
        let (mut line, mut i) = (1usize, 0usize);
        let mut last_key: Option<&'a str> = None;
        let mut after_colon = false;
        while i < bytes.len() {
            match bytes[i] {
                b'\n' => line += 1,
                b':' => after_colon = true,
                b',' | b'{' | b'[' | b'}' | b']' => after_colon = false,
                b'"' => {
                    let start = i;
                    i += 1;
                    while i < bytes.len() && bytes[i] != b'"' {
                        if bytes[i] == b'\\' {
                            i += 1;
                        }
                        if bytes.get(i) == Some(&b'\n') {
                            line += 1;
                        }
                        i += 1;
                    }
                    let raw = text.get(start..(i + 1).min(text.len())).unwrap_or("");
                    let rest = text.get(i + 1..).unwrap_or("").trim_start();
                    if rest.starts_with(':') {
                        keys.entry(raw).or_insert(line);
                        last_key = Some(raw);
                    } else if after_colon {
                        if let Some(k) = last_key {
                            values.entry((k, raw)).or_insert(line);
                        }
                    }
                    after_colon = false;
                }
                _ => {}
            }
            i += 1;
        }
        Locator { keys, values }
    }

    /// The line where `value` is first written as a JSON string: as the value
    /// of `key` when given (`"urn": "…"`), else as a mapping key (`"myApp": {`).
    pub(crate) fn locate(&self, key: Option<&str>, value: &str) -> Option<usize> {
        if value.is_empty() {
            return None;
        }
        let encoded = serde_json::to_string(value).ok()?;
        match key {
            Some(k) => {
                let k = serde_json::to_string(k).ok()?;
                self.values.get(&(k.as_str(), encoded.as_str())).copied()
            }
            None => self.keys.get(encoded.as_str()).copied(),
        }
    }
}
