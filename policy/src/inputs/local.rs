//! This project's state file (`access-tokens.state.json`, version 1): each
//! resource's property bags, secrets in Pulumi's wrapper with the value in
//! plain text beside the signature.

use super::{bag_records_last_seen, Locator, pulumi::is_token_type, pulumi_value, token};
use access_service_token::error::Error;
use crate::token::{Field, InputKind, Token};
use crate::InputFile;
use serde_json::Value;

/// Reads the tokens of a state file; the address is `<file>:<resource name>`.
pub(crate) fn read(file: &InputFile, doc: &Value) -> Result<Vec<Token>, Error> {
    let index = Locator::new(&file.text);
    let Some(resources) = doc.get("resources").and_then(Value::as_array) else {
        return Err(Error::invalid(&file.name, "is not a state file of this tool: `resources` is not a list"));
    };
    let mut out = Vec::new();
    for r in resources {
        let ty = r.get("type").and_then(Value::as_str).unwrap_or_default();
        if !is_token_type(ty) {
            continue;
        }
        let name = r.get("name").and_then(Value::as_str).unwrap_or_default();
        let id = r.get("id").and_then(Value::as_str).unwrap_or_default();
        let line = index.locate(Some("name"), name).or_else(|| index.locate(Some("id"), id));
        let (outputs, inputs) = (r.get("outputs"), r.get("inputs"));
        let get = |p: &str| match pulumi_value(outputs.and_then(|o| o.get(p))) {
            Field::Absent => pulumi_value(inputs.and_then(|i| i.get(p))),
            f => f,
        };
        let records_last_seen = bag_records_last_seen(|p| outputs.and_then(|o| o.get(p)).is_some());
        out.push(token(file, InputKind::LocalState, format!("{}:{name}", file.name), line, records_last_seen, &get)?);
    }
    Ok(out)
}
