//! Pulumi property bags: the `google.protobuf.Struct` JSON that the resource
//! provider protocol carries. Decoding unwraps secrets (remembering which
//! properties were secret), recognises the unknown sentinels of a preview,
//! reads a resource reference as the id it stands for, and sets the
//! `__defaults` key bridged providers add apart from the properties; encoding writes a token's outputs
//! the way `pulumi-cloudflare` does, `clientSecret` always wrapped.

use crate::error::Error;
use crate::model::{Computed, PlannedState, TokenArgs, TokenState};
use crate::properties::check_properties;
use crate::secret::Secret;
use serde_json::{json, Map, Value};
use std::collections::BTreeSet;

/// The key that marks a secret wrapper, and its value.
pub const SECRET_SIG_KEY: &str = "4dabf18193072939515e22adb298388d";
/// The signature of a secret value.
pub const SECRET_SIG: &str = "1b47061264138c4ac30d75fd1eb44270";
/// The sentinel of an unknown string (and of an unknown of no particular type).
pub const UNKNOWN_STRING: &str = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
/// Every unknown sentinel: string, bool, number, array, asset, archive, object.
pub const UNKNOWNS: [&str; 7] = [
    UNKNOWN_STRING,
    "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
    "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
    "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
    "030794c1-ac77-496b-92df-f27374a8bd58",
    "e48ece36-62e2-4504-bad9-02848725956a",
    "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
];
/// Properties bridged providers list in `__defaults` when they filled them in.
pub const DEFAULTS_KEY: &str = "__defaults";
/// The signature of a resource reference (`sig.ResourceReference` in the
/// engine's `sdk/go/common/resource/sig`).
pub const RESOURCE_REFERENCE_SIG: &str = "5cf8f73096256a8f31e491e813e4eb8e";

/// A decoded bag.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Bag {
    /// Known values, secrets unwrapped.
    pub known: Map<String, Value>,
    /// Properties whose value is not known yet (preview).
    pub unknown: BTreeSet<String>,
    /// Properties that arrived wrapped as secrets.
    pub secret: BTreeSet<String>,
    /// The properties its `__defaults` lists (Check filled them in).
    pub defaults: Vec<String>,
}

/// True for one of the unknown sentinels.
pub fn is_unknown(v: &Value) -> bool {
    v.as_str().is_some_and(|s| UNKNOWNS.contains(&s))
}

/// Wraps a value as a Pulumi secret.
pub fn secret(value: Value) -> Value {
    json!({ SECRET_SIG_KEY: SECRET_SIG, "value": value })
}

/// What a resource reference stands for here, as the engine itself reads one
/// for a provider that does not keep resources (`UnmarshalPropertyValue` in
/// the engine's `sdk/go/common/resource/plugin/rpc.go`): its `id` (an empty
/// `id` is an id not known yet), or its `urn` when it has no `id` (a
/// component). Any other value is itself.
fn dereference(v: Value) -> Value {
    let Some(o) = v.as_object().filter(|o| o.get(SECRET_SIG_KEY).and_then(Value::as_str) == Some(RESOURCE_REFERENCE_SIG)) else {
        return v;
    };
    match (o.get("id"), o.get("urn")) {
        (Some(Value::String(id)), _) if id.is_empty() => json!(UNKNOWN_STRING),
        (Some(id), _) => id.clone(),
        (None, Some(urn)) => urn.clone(),
        (None, None) => Value::Null,
    }
}

fn unwrap_secret(v: &Value) -> Option<&Value> {
    let o = v.as_object()?;
    (o.get(SECRET_SIG_KEY).and_then(Value::as_str) == Some(SECRET_SIG)).then(|| o.get("value").unwrap_or(&Value::Null))
}

/// Parses a bag from JSON text; `what` names it in errors (`news`, `olds`).
pub fn decode(text: &str, what: &str) -> Result<Bag, Error> {
    let value: Value = if text.trim().is_empty() {
        Value::Object(Map::new())
    } else {
        serde_json::from_str(text).map_err(|e| Error::invalid(what, format!("expected a JSON object, found invalid JSON ({e})")))?
    };
    let Value::Object(map) = value else {
        return Err(Error::invalid(what, "expected a JSON object of properties"));
    };
    let mut bag = Bag::default();
    for (key, value) in map {
        if key == DEFAULTS_KEY {
            bag.defaults = value.as_array().into_iter().flatten().filter_map(Value::as_str).map(str::to_string).collect();
            continue;
        }
        let value = match unwrap_secret(&value) {
            Some(inner) => {
                bag.secret.insert(key.clone());
                inner.clone()
            }
            None => value,
        };
        let value = dereference(value);
        if is_unknown(&value) {
            bag.unknown.insert(key);
        } else {
            bag.known.insert(key, value);
        }
    }
    Ok(bag)
}

/// The output properties, which a state bag may carry beside the inputs
/// (from [`crate::schema`]).
pub const OUTPUT_PROPERTIES: [&str; 6] = crate::schema::OUTPUTS;

/// The inputs of a bag as typed arguments, ignoring outputs; unknown inputs
/// are left at their defaults (callers account for them separately).
pub fn args_of(bag: &Bag) -> Result<TokenArgs, Error> {
    let mut inputs = bag.known.clone();
    inputs.retain(|k, _| !OUTPUT_PROPERTIES.contains(&k.as_str()));
    check_properties(&inputs)
}

/// A token state from a state bag (old outputs) and the resource id.
pub fn state_of(id: &str, bag: &Bag) -> Result<TokenState, Error> {
    let mut inputs = bag.known.clone();
    inputs.retain(|k, _| !OUTPUT_PROPERTIES.contains(&k.as_str()));
    // The state was valid when written; decode without re-judging it.
    let args: TokenArgs = serde_json::from_value(Value::Object(inputs))
        .map_err(|e| Error::invalid("olds", format!("not the state of an access service token ({e})")))?;
    let text = |k: &str| bag.known.get(k).and_then(Value::as_str).map(str::to_string);
    Ok(TokenState {
        id: if id.is_empty() { text("id").unwrap_or_default() } else { id.to_string() },
        args,
        client_id: text("clientId").unwrap_or_default(),
        client_secret: text("clientSecret").map(Secret::new),
        expires_at: text("expiresAt"),
        created_at: text("createdAt"),
        last_seen_at: text("lastSeenAt"),
    })
}

fn input_values(args: &TokenArgs) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("name".into(), json!(args.name));
    m.insert("accountId".into(), json!(args.account_id));
    m.insert("zoneId".into(), json!(args.zone_id));
    m.insert("minDaysForRenewal".into(), json!(args.min_days_for_renewal));
    m.insert("duration".into(), json!(args.duration));
    if let Some(v) = args.client_secret_version {
        m.insert("clientSecretVersion".into(), json!(v));
    }
    if let Some(v) = &args.previous_client_secret_expires_at {
        m.insert("previousClientSecretExpiresAt".into(), json!(v));
    }
    m.insert("enabled".into(), json!(args.enabled));
    m
}

/// Wraps again the properties that arrived as secrets.
fn rewrap(mut m: Map<String, Value>, secret_inputs: &BTreeSet<String>) -> Value {
    for key in secret_inputs {
        if let Some(v) = m.remove(key) {
            m.insert(key.clone(), secret(v));
        }
    }
    Value::Object(m)
}

/// A token's outputs, as `pulumi-cloudflare` writes them.
pub fn outputs(state: &TokenState, secret_inputs: &BTreeSet<String>) -> Value {
    let mut m = input_values(&state.args);
    m.insert("id".into(), json!(state.id));
    m.insert("clientId".into(), json!(state.client_id));
    m.insert("expiresAt".into(), json!(state.expires_at));
    insert_some(&mut m, "createdAt", &state.created_at);
    insert_some(&mut m, "lastSeenAt", &state.last_seen_at);
    m.insert("clientSecret".into(), secret(json!(state.client_secret.as_ref().map(Secret::expose))));
    rewrap(m, secret_inputs)
}

/// Outputs Cloudflare may not have (a token never seen) are left out rather
/// than null, as the provider leaves out what it does not know.
fn insert_some(m: &mut Map<String, Value>, key: &str, value: &Option<String>) {
    if let Some(v) = value {
        m.insert(key.into(), json!(v));
    }
}

fn computed(c: &Computed<String>) -> Value {
    match c {
        Computed::Known(v) => json!(v),
        Computed::Unknown => json!(UNKNOWN_STRING),
    }
}

/// The outputs a preview plans: what the apply computes is unknown; inputs
/// still unknown stay unknown.
pub fn planned_outputs(planned: &PlannedState, news: &Bag) -> Value {
    let mut m = input_values(&planned.args);
    for key in &news.unknown {
        m.insert(key.clone(), json!(UNKNOWN_STRING));
    }
    m.insert("id".into(), computed(&planned.id));
    m.insert("clientId".into(), computed(&planned.client_id));
    m.insert("expiresAt".into(), computed(&planned.expires_at));
    m.insert("createdAt".into(), computed(&planned.created_at));
    insert_some(&mut m, "lastSeenAt", &planned.last_seen_at);
    let secret_value = match &planned.client_secret {
        Some(Computed::Known(s)) => json!(s.expose()),
        Some(Computed::Unknown) => json!(UNKNOWN_STRING),
        None => Value::Null,
    };
    m.insert("clientSecret".into(), secret(secret_value));
    rewrap(m, &news.secret)
}
