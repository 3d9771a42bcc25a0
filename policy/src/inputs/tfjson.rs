//! `terraform show -json`, of a state (`values`) or of a saved plan
//! (`planned_values` and `resource_changes`). A plan is judged by what will
//! exist after apply: its planned values, with every attribute the plan marks
//! `after_unknown` treated as unknown (an unknown `expires_at` is set at
//! apply, so the token is not expired).

use super::terraform::index_suffix;
use super::{Locator, plain, snake, token, TERRAFORM_TYPES};
use access_service_token::error::Error;
use crate::token::{Field, InputKind, Token};
use crate::InputFile;
use serde_json::{Map, Value};

/// Every resource of a module tree, depth first, in file order.
fn resources<'a>(module: Option<&'a Value>, out: &mut Vec<&'a Value>) {
    let Some(module) = module else { return };
    if let Some(rs) = module.get("resources").and_then(Value::as_array) {
        out.extend(rs);
    }
    for child in module.get("child_modules").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default() {
        resources(Some(child), out);
    }
}

fn is_token(r: &Value) -> bool {
    let ty = r.get("type").and_then(Value::as_str).unwrap_or_default();
    TERRAFORM_TYPES.contains(&ty) && r.get("mode").and_then(Value::as_str).is_none_or(|m| m == "managed")
}

fn address(r: &Value) -> String {
    match r.get("address").and_then(Value::as_str) {
        Some(a) => a.to_string(),
        None => {
            let field = |k: &str| r.get(k).and_then(Value::as_str).unwrap_or_default();
            format!("{}.{}{}", field("type"), field("name"), index_suffix(r.get("index")))
        }
    }
}

fn tokens(file: &InputFile, kind: InputKind, rs: &[&Value], unknown: &Map<String, Value>) -> Result<Vec<Token>, Error> {
    let index = Locator::new(&file.text);
    let mut out = Vec::new();
    for r in rs.iter().filter(|r| is_token(r)) {
        let address = address(r);
        let values = r.get("values");
        let after_unknown = unknown.get(&address);
        let id = values.and_then(|v| v.get("id")).and_then(Value::as_str).unwrap_or_default();
        let line = index.locate(Some("address"), &address).or_else(|| index.locate(Some("id"), id));
        let get = |p: &str| {
            let key = snake(p);
            if after_unknown.and_then(|u| u.get(&key)).and_then(Value::as_bool) == Some(true) {
                Field::Unknown
            } else {
                plain(values.and_then(|v| v.get(&key)))
            }
        };
        // Every attribute of the schema is in the values (null when not set),
        // or, in a plan, marked unknown: either way the provider records it.
        let records_last_seen = values.and_then(|v| v.get("last_seen_at")).is_some() || after_unknown.and_then(|u| u.get("last_seen_at")).is_some();
        out.push(token(file, kind, address, line, records_last_seen, &get)?);
    }
    Ok(out)
}

/// Reads the tokens of `terraform show -json` of a state (an empty state has
/// no `values` at all).
pub(crate) fn read_state(file: &InputFile, doc: &Value) -> Result<Vec<Token>, Error> {
    let mut rs = Vec::new();
    resources(doc.pointer("/values/root_module"), &mut rs);
    tokens(file, InputKind::TerraformShowState, &rs, &Map::new())
}

/// Reads the tokens a plan will leave: `planned_values`, or, when a plan
/// lacks them, the `after` of each change that does not delete.
pub(crate) fn read_plan(file: &InputFile, doc: &Value) -> Result<Vec<Token>, Error> {
    let changes = doc.get("resource_changes").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
    let mut unknown = Map::new();
    for c in changes {
        if let (Some(a), Some(u)) = (c.get("address").and_then(Value::as_str), c.pointer("/change/after_unknown")) {
            unknown.insert(a.to_string(), u.clone());
        }
    }
    if doc.get("planned_values").is_some() {
        let mut rs = Vec::new();
        resources(doc.pointer("/planned_values/root_module"), &mut rs);
        return tokens(file, InputKind::TerraformPlan, &rs, &unknown);
    }
    let synthesized: Vec<Value> = changes
        .iter()
        .filter(|c| c.pointer("/change/after").is_some_and(Value::is_object))
        .map(|c| {
            let mut r = c.clone();
            if let (Some(o), Some(after)) = (r.as_object_mut(), c.pointer("/change/after")) {
                o.insert("values".into(), after.clone());
            }
            r
        })
        .collect();
    let rs: Vec<&Value> = synthesized.iter().collect();
    tokens(file, InputKind::TerraformPlan, &rs, &unknown)
}
