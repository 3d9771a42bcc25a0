//! `pulumi stack export` (deployment v3 and v4): the service tokens among the
//! stack's resources, judged from their outputs (inputs fill what outputs
//! lack). Encrypted secrets stay unknown; a `--show-secrets` export carries
//! them as `plaintext` JSON text, which is what `plaintext-secret` finds.

use super::{bag_records_last_seen, Locator, pulumi_value, token};
use access_service_token::error::Error;
use crate::token::{Field, InputKind, Token};
use crate::InputFile;
use access_service_token::pulumi::TYPE_TOKENS;
use serde_json::Value;

/// Whether a resource type (or the type part of its URN) is a service token.
pub(crate) fn is_token_type(ty: &str) -> bool {
    TYPE_TOKENS.contains(&ty)
}

/// Reads the tokens of an export. Resources marked `delete` (the old half of
/// a create-before-delete replacement, still pending deletion) are skipped:
/// they share the URN of their replacement, which is what the stack keeps.
pub(crate) fn read(file: &InputFile, doc: &Value) -> Result<Vec<Token>, Error> {
    let index = Locator::new(&file.text);
    let resources = doc
        .pointer("/deployment/resources")
        .map(|r| r.as_array().ok_or_else(|| Error::invalid(&file.name, "deployment.resources is not a list")))
        .transpose()?
        .map(Vec::as_slice)
        .unwrap_or_default();
    let mut out = Vec::new();
    for r in resources {
        let urn = r.get("urn").and_then(Value::as_str).unwrap_or_default();
        let ty = r.get("type").and_then(Value::as_str).unwrap_or_else(|| urn.split("::").nth(2).unwrap_or_default());
        if !is_token_type(ty) || r.get("delete").and_then(Value::as_bool) == Some(true) {
            continue;
        }
        let id = r.get("id").and_then(Value::as_str).unwrap_or_default();
        let address = if urn.is_empty() { id.to_string() } else { urn.to_string() };
        let line = index.locate(Some("urn"), urn).or_else(|| index.locate(Some("id"), id));
        let (outputs, inputs) = (r.get("outputs"), r.get("inputs"));
        let get = |p: &str| match pulumi_value(outputs.and_then(|o| o.get(p))) {
            Field::Absent => pulumi_value(inputs.and_then(|i| i.get(p))),
            f => f,
        };
        let records_last_seen = bag_records_last_seen(|p| outputs.and_then(|o| o.get(p)).is_some());
        out.push(token(file, InputKind::PulumiExport, address, line, records_last_seen, &get)?);
    }
    Ok(out)
}
