//! Terraform state, format version 4 (`terraform.tfstate`): managed resources
//! of both service token types, one token per instance (`count` and
//! `for_each` included), addressed the way Terraform prints them.

use super::{Locator, plain, snake, token, TERRAFORM_TYPES};
use access_service_token::error::Error;
use crate::token::{InputKind, Token};
use crate::InputFile;
use serde_json::Value;

/// `[0]` for a count index, `["key"]` for a for_each key.
pub(crate) fn index_suffix(key: Option<&Value>) -> String {
    match key {
        Some(Value::Number(n)) => format!("[{n}]"),
        Some(Value::String(s)) => format!("[{}]", serde_json::to_string(s).unwrap_or_default()),
        _ => String::new(),
    }
}

/// Reads the tokens of a state. Data sources are skipped (they manage
/// nothing), and so are deposed instances (already replaced, destroyed by
/// the next apply).
pub(crate) fn read(file: &InputFile, doc: &Value) -> Result<Vec<Token>, Error> {
    let index = Locator::new(&file.text);
    let Some(resources) = doc.get("resources").and_then(Value::as_array) else {
        return Err(Error::invalid(&file.name, "is not a Terraform state: `resources` is not a list"));
    };
    let mut out = Vec::new();
    for r in resources {
        let field = |k: &str| r.get(k).and_then(Value::as_str).unwrap_or_default();
        if !TERRAFORM_TYPES.contains(&field("type")) || r.get("mode").and_then(Value::as_str).is_some_and(|m| m != "managed") {
            continue;
        }
        let module = match field("module") {
            "" => String::new(),
            m => format!("{m}."),
        };
        for instance in r.get("instances").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default() {
            if instance.get("deposed").is_some() {
                continue;
            }
            let address = format!("{module}{}.{}{}", field("type"), field("name"), index_suffix(instance.get("index_key")));
            let attributes = instance.get("attributes");
            let id = attributes.and_then(|a| a.get("id")).and_then(Value::as_str).unwrap_or_default();
            let line = index.locate(Some("id"), id).or_else(|| index.locate(Some("name"), field("name")));
            let get = |p: &str| plain(attributes.and_then(|a| a.get(snake(p))));
            // Terraform writes every attribute of the resource's schema, null
            // when not set: the key is there exactly when the provider records it.
            let records_last_seen = attributes.and_then(|a| a.get("last_seen_at")).is_some();
            out.push(token(file, InputKind::TerraformState, address, line, records_last_seen, &get)?);
        }
    }
    Ok(out)
}
