//! How runs look to a person (like Pulumi's preview and update output) and to
//! a machine (`--json`). Secrets are printed as `[secret]` unless the user
//! asked to see them; values computed by the apply as `(known after apply)`.

use crate::engine::{Change, Op, Report, Step};
use access_service_token::pulumi::bag;
use serde_json::{json, Value};

/// How to show a property value.
pub fn value(v: &Value, show_secrets: bool) -> String {
    if bag::is_unknown(v) {
        return "(known after apply)".into();
    }
    if let Some(o) = v.as_object() {
        if o.get(bag::SECRET_SIG_KEY).and_then(Value::as_str) == Some(bag::SECRET_SIG) {
            let inner = o.get("value").unwrap_or(&Value::Null);
            return if show_secrets { value(inner, true) } else { "[secret]".into() };
        }
    }
    v.to_string()
}

fn change_line(c: &Change) -> String {
    let shown = |v: &Option<Value>| match v {
        Some(v) => value(v, false),
        None => "(known after apply)".into(),
    };
    match (&c.old, &c.new) {
        (Some(old), Some(Value::Null)) => format!("      - {}: {}", c.property, value(old, false)),
        (None, new) => format!("      + {}: {}", c.property, shown(new)),
        (old, new) => format!("      ~ {}: {} => {}", c.property, shown(old), shown(new)),
    }
}

/// One step: the Pulumi-style line, then its reasons and changes.
pub fn step(s: &Step, out: &mut Vec<String>) {
    if s.op == Op::Same {
        return;
    }
    let mut line = format!(" {:<3}{}  ({})  {}", s.op.symbol(), s.name, s.ty, s.op.word());
    if matches!(s.op, Op::Update | Op::Replace | Op::Rotate) && !s.changes.is_empty() {
        let names: Vec<String> = s.changes.iter().map(|c| format!("~{}", c.property)).collect();
        line.push_str(&format!("  [diff: {}]", names.join(" ")));
    }
    out.push(line);
    for r in &s.reasons {
        out.push(format!("      {r}"));
    }
    out.extend(s.changes.iter().map(change_line));
}

/// The counts line(s) at the end, as Pulumi prints them.
pub fn summary(steps: &[Step], preview: bool) -> Vec<String> {
    let count = |op: Op| steps.iter().filter(|s| s.op == op).count();
    let verb = |future: &str, past: &str| if preview { future.to_string() } else { past.to_string() };
    let mut lines = vec!["Resources:".to_string()];
    for (op, future, past) in [
        (Op::Create, "to create", "created"),
        (Op::Update, "to update", "updated"),
        (Op::Renew, "to renew", "renewed"),
        (Op::Rotate, "to rotate", "rotated"),
        (Op::Replace, "to replace", "replaced"),
        (Op::Delete, "to delete", "deleted"),
        (Op::Read, "to read", "read"),
    ] {
        let n = count(op);
        if n > 0 {
            lines.push(format!("    {} {n} {}", op.symbol(), verb(future, past)));
        }
    }
    let same = count(Op::Same);
    if same > 0 {
        lines.push(format!("    {same} unchanged"));
    }
    if lines.len() == 1 {
        lines.push("    no resources".into());
    }
    lines
}

/// A whole report for a person.
pub fn report(title: &str, r: &Report, preview: bool) -> String {
    let mut out = vec![title.to_string(), String::new()];
    let changed = r.steps.iter().filter(|s| s.op != Op::Same).count();
    for s in &r.steps {
        step(s, &mut out);
    }
    if changed == 0 && !r.steps.is_empty() {
        out.push("    no changes".into());
    }
    if !r.notes.is_empty() {
        out.push(String::new());
        out.extend(r.notes.iter().map(|n| format!("note: {n}")));
    }
    if !r.outputs.is_empty() {
        out.push(String::new());
        out.push("Outputs:".into());
        for (k, v) in &r.outputs {
            out.push(format!("    {k}: {}", value(v, false)));
        }
    }
    out.push(String::new());
    out.extend(summary(&r.steps, preview));
    out.join("\n") + "\n"
}

/// Hides secrets in a JSON value (unless shown), and replaces unknowns.
pub fn redact(v: &Value, show_secrets: bool) -> Value {
    if bag::is_unknown(v) {
        return json!("(known after apply)");
    }
    match v {
        Value::Object(o) if o.get(bag::SECRET_SIG_KEY).and_then(Value::as_str) == Some(bag::SECRET_SIG) => {
            if show_secrets {
                redact(o.get("value").unwrap_or(&Value::Null), true)
            } else {
                json!("[secret]")
            }
        }
        Value::Object(o) => Value::Object(o.iter().map(|(k, v)| (k.clone(), redact(v, show_secrets))).collect()),
        Value::Array(a) => Value::Array(a.iter().map(|v| redact(v, show_secrets)).collect()),
        other => other.clone(),
    }
}

/// A whole report for a machine: steps, changes, outputs, counts.
pub fn report_json(r: &Report, preview: bool) -> Value {
    let steps: Vec<Value> = r
        .steps
        .iter()
        .map(|s| {
            json!({
                "name": s.name, "type": s.ty, "op": s.op.word(), "reasons": s.reasons,
                "changes": s.changes.iter().map(|c| json!({
                    "property": c.property,
                    "old": c.old.as_ref().map(|v| redact(v, false)),
                    "new": c.new.as_ref().map(|v| redact(v, false)).unwrap_or(json!("(known after apply)")),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let mut counts = serde_json::Map::new();
    for s in &r.steps {
        let n = counts.entry(s.op.word().to_string()).or_insert(json!(0));
        *n = json!(n.as_u64().unwrap_or(0) + 1);
    }
    json!({
        "preview": preview,
        "steps": steps,
        "outputs": redact(&Value::Object(r.outputs.clone()), false),
        "notes": r.notes,
        "summary": counts,
    })
}
