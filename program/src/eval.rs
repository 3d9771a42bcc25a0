//! Evaluates expressions to property values in Pulumi's JSON encoding:
//! secrets stay wrapped and unknowns (a preview's not-yet-computed outputs)
//! stay the sentinel, so the provider protocol sees exactly what Pulumi's own
//! YAML engine would send.

use super::ast::{Expr, ProgramError, Reference, Spanned, Template, TemplatePart};
use access_service_token::pulumi::bag::{is_unknown, secret, SECRET_SIG, SECRET_SIG_KEY, UNKNOWN_STRING};
use serde_json::{Map, Value};

/// A reference resolver: the engine knows config, variables and outputs.
pub type Lookup<'a> = dyn FnMut(&Reference) -> Result<Value, ProgramError> + 'a;

/// Evaluates an expression to a JSON property value. `lookup` resolves a reference to a JSON value, which may be a Pulumi secret wrapper (bag::secret) or the unknown sentinel (bag::UNKNOWN_STRING).
///
/// Text mixing a secret and an unknown is a secret unknown, which bags
/// decode as both. The one error raised here (a list or object
/// interpolated into text) has an empty `source`, since an expression does
/// not know its file: the caller sets it; lookup errors pass through as is.
pub fn eval(expr: &Spanned<Expr>, lookup: &mut Lookup<'_>) -> Result<Value, ProgramError> {
    Ok(match &expr.value {
        Expr::Null => Value::Null,
        Expr::Bool(b) => Value::Bool(*b),
        Expr::Number(n) => Value::Number(n.clone()),
        Expr::String(t) => template(t, lookup)?,
        Expr::List(items) => Value::Array(items.iter().map(|i| eval(i, lookup)).collect::<Result<_, _>>()?),
        Expr::Object(entries) => {
            let mut map = Map::new();
            for (k, v) in entries {
                map.insert(k.value.clone(), eval(v, lookup)?);
            }
            Value::Object(map)
        }
        Expr::Secret(inner) => {
            let value = eval(inner, lookup)?;
            if unwrap_secret(&value).is_some() {
                value
            } else {
                secret(value)
            }
        }
    })
}

/// The value inside a secret wrapper.
pub(crate) fn unwrap_secret(v: &Value) -> Option<&Value> {
    let o = v.as_object()?;
    (o.get(SECRET_SIG_KEY).and_then(Value::as_str) == Some(SECRET_SIG)).then(|| o.get("value").unwrap_or(&Value::Null))
}

/// A lone reference keeps the referenced value as is; text with references
/// is concatenated, unknown if any part is, secret if any part is.
fn template(t: &Template, lookup: &mut Lookup<'_>) -> Result<Value, ProgramError> {
    if let [TemplatePart::Ref(r)] = t.parts.as_slice() {
        return lookup(r);
    }
    let (mut text, mut unknown, mut is_secret) = (String::new(), false, false);
    for part in &t.parts {
        let r = match part {
            TemplatePart::Text(s) => {
                text.push_str(s);
                continue;
            }
            TemplatePart::Ref(r) => r,
        };
        let value = lookup(r)?;
        let value = match unwrap_secret(&value) {
            Some(inner) => {
                is_secret = true;
                inner.clone()
            }
            None => value,
        };
        match &value {
            v if is_unknown(v) => unknown = true,
            Value::String(s) => text.push_str(s),
            Value::Null => {}
            Value::Bool(_) | Value::Number(_) => text.push_str(&value.to_string()),
            Value::Array(_) | Value::Object(_) => {
                let kind = if value.is_array() { "a list" } else { "an object" };
                let message = format!("\"{r}\" is {kind}, which cannot be interpolated into a string; use it as the whole value instead");
                return Err(ProgramError::new("", r.pos, message));
            }
        }
    }
    let value = if unknown { Value::String(UNKNOWN_STRING.into()) } else { Value::String(text) };
    Ok(if is_secret { secret(value) } else { value })
}
