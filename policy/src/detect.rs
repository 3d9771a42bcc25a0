//! Which kind of file is this? Decided from the document's shape, never from
//! its name, so `state.json` or a CI artifact with any name is read right.
//! A forced kind skips the guess but still checks the shape that kind needs.

use super::token::InputKind;
use super::InputFile;
use access_service_token::error::Error;
use serde_json::Value;

/// The kind of a file, by shape:
/// `deployment` → Pulumi export; `format_version` + `planned_values` or
/// `resource_changes` → plan; `format_version` (+ `values`) → show-json
/// state; `version: 4` + `resources` with `instances` → Terraform state;
/// `version: 1` + `resources` with `inputs`/`outputs` objects → this tool's
/// state; a `resources` mapping (or `runtime`) → program, YAML or JSON.
pub fn detect(file: &InputFile) -> Result<InputKind, Error> {
    classify(file, None).map(|(kind, _)| kind)
}

/// The kind and, for JSON, the parsed document (parsed once per file).
pub(crate) fn classify(file: &InputFile, forced: Option<InputKind>) -> Result<(InputKind, Option<Value>), Error> {
    let looks_json = file.text.trim_start().starts_with(['{', '[']);
    let doc = if looks_json {
        Some(serde_json::from_str::<Value>(&file.text).map_err(|e| Error::invalid(&file.name, format!("is not valid JSON ({e})")))?)
    } else {
        None
    };
    if let Some(kind) = forced {
        return match shape(kind, doc.as_ref()) {
            Ok(()) => Ok((kind, doc)),
            Err(missing) => Err(Error::invalid(&file.name, format!("cannot be read as {} ({missing})", kind.describe()))),
        };
    }
    let kind = match &doc {
        Some(d) => json_kind(d),
        None => match super::yaml::read(&file.text) {
            Ok(v) if is_program(&v) => Some(InputKind::Program),
            // Aliases and tags are beyond the small reader, not beyond programs.
            // A stack settings file (`config:` only) parses too, but declares nothing.
            _ => access_service_token_program::parse(&file.name, &file.text)
                .is_ok_and(|p| p.runtime.is_some() || !p.resources.is_empty())
                .then_some(InputKind::Program),
        },
    };
    match kind {
        Some(k) => Ok((k, doc)),
        None => Err(unknown_kind(file)),
    }
}

/// The error for a file of no known kind: names the file and every kind.
fn unknown_kind(file: &InputFile) -> Error {
    let kinds: Vec<String> = InputKind::ALL.iter().map(|k| format!("{}: {}", k.id(), k.describe())).collect();
    Error::invalid(&file.name, format!("is not a file this check reads; expected one of: {}", kinds.join("; ")))
}

fn is_program(doc: &Value) -> bool {
    doc.get("runtime").is_some() || doc.get("resources").and_then(Value::as_object).is_some_and(|rs| rs.values().all(Value::is_object))
}

fn json_kind(doc: &Value) -> Option<InputKind> {
    let o = doc.as_object()?;
    if o.get("deployment").is_some_and(Value::is_object) {
        return Some(InputKind::PulumiExport);
    }
    if o.contains_key("format_version") {
        let plan = o.contains_key("planned_values") || o.contains_key("resource_changes");
        return Some(if plan { InputKind::TerraformPlan } else { InputKind::TerraformShowState });
    }
    let version = o.get("version").and_then(Value::as_u64);
    if let Some(rs) = o.get("resources").and_then(Value::as_array) {
        let all = |keys: &[&str]| rs.iter().all(|r| keys.iter().all(|k| r.get(*k).is_some_and(|v| v.is_object() || v.is_array())));
        match version {
            Some(4) if all(&["instances"]) => return Some(InputKind::TerraformState),
            Some(1) if all(&["inputs", "outputs"]) => return Some(InputKind::LocalState),
            _ => {}
        }
    }
    is_program(doc).then_some(InputKind::Program)
}

/// What a forced kind needs, at least.
fn shape(kind: InputKind, doc: Option<&Value>) -> Result<(), &'static str> {
    let Some(doc) = doc else {
        return if kind == InputKind::Program { Ok(()) } else { Err("the file is not JSON") };
    };
    let has = |k: &str| doc.get(k).is_some();
    let ok = match kind {
        InputKind::PulumiExport => has("deployment"),
        InputKind::TerraformState | InputKind::LocalState => doc.get("resources").is_some_and(Value::is_array),
        InputKind::TerraformShowState => doc.is_object() && !has("deployment"),
        InputKind::TerraformPlan => has("planned_values") || has("resource_changes"),
        InputKind::Program => has("resources") || has("runtime"),
        InputKind::PulumiEngine => false,
    };
    ok.then_some(()).ok_or(match kind {
        InputKind::PulumiExport => "no `deployment`",
        InputKind::TerraformState | InputKind::LocalState => "`resources` is not a list",
        InputKind::TerraformShowState => "not a JSON object of `terraform show -json`",
        InputKind::TerraformPlan => "no `planned_values` nor `resource_changes`",
        InputKind::Program => "no `resources` nor `runtime`",
        InputKind::PulumiEngine => "not a file kind: the engine's resources are judged by analyze",
    })
}
