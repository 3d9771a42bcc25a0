//! A resource as it appears in a Pulumi stack export (`pulumi stack export`,
//! deployment v3): so the state this component produces can be imported by
//! Pulumi, and read by the policy checks. Secrets are written in the export's
//! plaintext form (`{"<sig>": "<secret sig>", "plaintext": "<JSON text>"}`);
//! encrypting them is the engine's business, with its own secrets provider.

use super::bag::{SECRET_SIG, SECRET_SIG_KEY};
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{json, Map, Value};

/// Where the resource sits in the stack.
pub struct StackContext<'a> {
    /// The stack resource's URN.
    pub parent: Option<&'a str>,
    /// The provider reference (`<urn>::<id>`).
    pub provider: Option<&'a str>,
    /// Creation and modification time.
    pub at: DateTime<Utc>,
}

/// Rewrites secret wrappers (`value`) into the export form (`plaintext`).
pub fn export_secrets(v: &Value) -> Value {
    match v {
        Value::Object(o) if o.get(SECRET_SIG_KEY).and_then(Value::as_str) == Some(SECRET_SIG) => {
            let inner = o.get("value").cloned().unwrap_or(Value::Null);
            json!({ SECRET_SIG_KEY: SECRET_SIG, "plaintext": inner.to_string() })
        }
        Value::Object(o) => Value::Object(o.iter().map(|(k, v)| (k.clone(), export_secrets(v))).collect()),
        Value::Array(a) => Value::Array(a.iter().map(export_secrets).collect()),
        other => other.clone(),
    }
}

/// One resource of a stack export.
pub fn resource(urn: &str, id: &str, inputs: &Value, outputs: &Value, ctx: &StackContext) -> Value {
    let ty = urn.split("::").nth(2).unwrap_or_default();
    // Dependencies are recorded for what the program set, not for defaults.
    let defaulted: Vec<&str> = inputs["__defaults"].as_array().map(|a| a.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
    let dependencies: Map<String, Value> = inputs
        .as_object()
        .map(|o| o.keys().filter(|k| !k.starts_with("__") && !defaulted.contains(&k.as_str())).map(|k| (k.clone(), json!([]))).collect())
        .unwrap_or_default();
    let at = ctx.at.to_rfc3339_opts(SecondsFormat::Micros, true);
    let mut r = Map::new();
    r.insert("urn".into(), json!(urn));
    r.insert("custom".into(), json!(true));
    r.insert("id".into(), json!(id));
    r.insert("type".into(), json!(ty));
    r.insert("inputs".into(), export_secrets(inputs));
    r.insert("outputs".into(), export_secrets(outputs));
    if let Some(p) = ctx.parent {
        r.insert("parent".into(), json!(p));
    }
    if let Some(p) = ctx.provider {
        r.insert("provider".into(), json!(p));
    }
    r.insert("propertyDependencies".into(), Value::Object(dependencies));
    r.insert("additionalSecretOutputs".into(), json!(["clientSecret"]));
    r.insert("created".into(), json!(at));
    r.insert("modified".into(), json!(at));
    Value::Object(r)
}
