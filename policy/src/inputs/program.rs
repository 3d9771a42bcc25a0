//! This project's programs (Pulumi YAML or JSON), checked before deploying:
//! parsed and validated as `up` would, then each resource's properties
//! evaluated with every reference unknown — except config keys with a
//! default, which take it — since nothing has been created yet. Only the
//! configuration rules apply: a program has no expiry and no secret.

use super::{Locator, pulumi_value, token};
use access_service_token::error::{CheckFailure, Error};
use crate::token::{InputKind, Token};
use crate::InputFile;
use access_service_token_program::{self as program, ProgramError, Reference};
use access_service_token::pulumi::bag::UNKNOWN_STRING;
use serde_json::{Map, Value};

fn errors(errors: Vec<ProgramError>) -> Error {
    Error::InvalidInput(
        errors
            .into_iter()
            .map(|e| match e.pos {
                Some(p) => CheckFailure::new(format!("{}:{}:{}", e.source, p.line, p.column), e.message),
                None => CheckFailure::new(e.source, e.message),
            })
            .collect(),
    )
}

/// Reads the tokens a program declares; `get:` lookups are skipped (they
/// manage nothing). The address is `<file>:<resource name>`.
pub(crate) fn read(file: &InputFile) -> Result<Vec<Token>, Error> {
    let index = Locator::new(&file.text);
    let p = program::parse(&file.name, &file.text).map_err(errors)?;
    let problems = program::validate(&p);
    if !problems.is_empty() {
        return Err(errors(problems));
    }
    let mut lookup = |r: &Reference| -> Result<Value, ProgramError> {
        let default = p.config.iter().find(|c| r.property.is_none() && c.name.value == r.root).and_then(|c| c.default.clone());
        Ok(default.unwrap_or_else(|| Value::String(UNKNOWN_STRING.into())))
    };
    let mut out = Vec::new();
    for r in p.resources.iter().filter(|r| r.get.is_none()) {
        let mut bag = Map::new();
        for (key, expr) in &r.properties {
            let value = program::eval(expr, &mut lookup).map_err(|mut e| {
                e.source = file.name.clone();
                errors(vec![e])
            })?;
            bag.insert(key.value.clone(), value);
        }
        let name = &r.name.value;
        let line = r.name.pos.map(|p| p.line).or_else(|| index.locate(None, name));
        let get = |k: &str| match k {
            "clientSecret" | "expiresAt" | "createdAt" | "lastSeenAt" => pulumi_value(None),
            _ => pulumi_value(bag.get(k)),
        };
        // Nothing has been created, so nothing has been used: a program
        // records no lastSeenAt.
        out.push(token(file, InputKind::Program, format!("{}:{name}", file.name), line, false, &get)?);
    }
    Ok(out)
}
