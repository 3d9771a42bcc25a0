//! The resources the Pulumi engine hands a policy analyzer (`Analyze`: one,
//! `AnalyzeStack`: the whole stack): type token, URN and the property bag as
//! JSON. What differs from an export is what a secret wrapper means: here it
//! is the engine's own marking, so a wrapped `clientSecret` will be stored
//! encrypted (not plain text), while a bare one will be stored as it is.

use super::{bag_records_last_seen, build, is_secret_wrapper, pulumi_value};
use access_service_token::error::{quote_up_to, Error};
use crate::token::{Field, InputKind, Token};
use crate::EngineResource;
use serde_json::{Map, Value};

/// How much of a URN an error quotes: enough for the long type tokens and a
/// name, still bounded.
const URN_QUOTE_LIMIT: usize = 400;

/// Properties the rules read as text: any other JSON type is not a value a
/// provider writes there, so it is unknown rather than guessed at.
const TEXT_PROPERTIES: [&str; 7] = ["accountId", "zoneId", "name", "duration", "expiresAt", "createdAt", "lastSeenAt"];

/// The resource's type: as given, else the type part of its URN (after any
/// parent types, `$`).
fn resource_type(r: &EngineResource) -> &str {
    if !r.ty.is_empty() {
        return &r.ty;
    }
    r.urn.split("::").nth(2).and_then(|t| t.rsplit('$').next()).unwrap_or_default()
}

/// The token of one resource, or `None` when it is not a service token
/// (whose properties are then not even parsed). Errors name the URN.
pub(crate) fn read(r: &EngineResource) -> Result<Option<Token>, Error> {
    if !super::pulumi::is_token_type(resource_type(r)) {
        return Ok(None);
    }
    let subject = quote_up_to(&r.urn, URN_QUOTE_LIMIT);
    let props = bag(&r.properties).map_err(|why| Error::invalid(&subject, why))?;
    let get = |p: &str| {
        let raw = props.get(p);
        if p == "clientSecret" && raw.is_some_and(is_secret_wrapper) {
            // The engine holds it as a secret: protected, and never read.
            return Field::Unknown;
        }
        match pulumi_value(raw) {
            Field::Known(v) if TEXT_PROPERTIES.contains(&p) && !v.is_string() => Field::Unknown,
            f => f,
        }
    };
    let records_last_seen = bag_records_last_seen(|p| props.contains_key(p));
    build("", InputKind::PulumiEngine, r.urn.clone(), None, records_last_seen, &get).map(Some).map_err(|(_, why)| Error::invalid(subject, why))
}

/// The property bag: a JSON object (empty text is an empty bag, as in the
/// provider protocol).
fn bag(text: &str) -> Result<Map<String, Value>, String> {
    if text.trim().is_empty() {
        return Ok(Map::new());
    }
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(o)) => Ok(o),
        Ok(_) => Err("properties are not a JSON object".into()),
        Err(e) => Err(format!("properties are not valid JSON ({e})")),
    }
}
