//! What a program's references resolve to: configuration values (from
//! `--config`, `PULUMI_CONFIG` and declared defaults, typed as declared),
//! variables (evaluated on demand), and resource outputs as the run produces
//! them. Secrets stay wrapped; values not known until apply are the unknown
//! sentinel, as in Pulumi.

use access_service_token::error::Error;
use access_service_token_program::{self as program, ConfigType, Program, ProgramError, Reference};
use access_service_token::pulumi::bag;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// Resolved configuration, by key as declared.
pub fn resolve_config(program: &Program, given: &BTreeMap<String, String>) -> Result<BTreeMap<String, Value>, Error> {
    let project = program.name.clone().unwrap_or_default();
    let mut out = BTreeMap::new();
    let mut failures = Vec::new();
    for decl in &program.config {
        let key = &decl.name.value;
        let short = key.rsplit(':').next().unwrap_or(key);
        let raw = given
            .get(key)
            .or_else(|| given.get(&format!("{project}:{key}")))
            .or_else(|| given.get(short))
            .cloned();
        let value = match (raw, &decl.default) {
            (Some(text), _) => match typed(&text, decl.ty) {
                Ok(v) => v,
                Err(reason) => {
                    failures.push(access_service_token::CheckFailure::new(format!("config {key}"), reason));
                    continue;
                }
            },
            (None, Some(default)) => default.clone(),
            (None, None) => {
                failures.push(access_service_token::CheckFailure::new(
                    format!("config {key}"),
                    format!("required: pass --config {key}=<value> (or set it in PULUMI_CONFIG)"),
                ));
                continue;
            }
        };
        out.insert(key.clone(), if decl.secret { bag::secret(value) } else { value });
    }
    if failures.is_empty() {
        Ok(out)
    } else {
        Err(Error::InvalidInput(failures))
    }
}

fn typed(text: &str, ty: ConfigType) -> Result<Value, String> {
    match ty {
        ConfigType::String => Ok(json!(text)),
        ConfigType::Integer => text.trim().parse::<i64>().map(|n| json!(n)).map_err(|_| format!("expected an integer, found {text}", text = access_service_token::error::quote(&text))),
        ConfigType::Number => text.trim().parse::<f64>().map(|n| json!(n)).map_err(|_| format!("expected a number, found {text}", text = access_service_token::error::quote(&text))),
        ConfigType::Boolean => match text.trim() {
            "true" => Ok(json!(true)),
            "false" => Ok(json!(false)),
            _ => Err(format!("expected true or false, found {text}", text = access_service_token::error::quote(&text))),
        },
    }
}

/// Parses `PULUMI_CONFIG` (a JSON object of strings) into key/value text.
pub fn config_from_env(pulumi_config: Option<&str>) -> Result<BTreeMap<String, String>, Error> {
    let Some(text) = pulumi_config.filter(|t| !t.trim().is_empty()) else { return Ok(BTreeMap::new()) };
    let map: Map<String, Value> =
        serde_json::from_str(text).map_err(|e| Error::invalid("PULUMI_CONFIG", format!("expected a JSON object ({e})")))?;
    Ok(map
        .into_iter()
        .map(|(k, v)| (k, v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string())))
        .collect())
}

/// The values references resolve to, as far as the run has got.
pub struct Env<'a> {
    /// The program.
    pub program: &'a Program,
    /// Resolved configuration.
    pub config: &'a BTreeMap<String, Value>,
    /// Outputs of the resources handled so far (bags).
    pub outputs: BTreeMap<String, Value>,
}

impl Env<'_> {
    /// Evaluates an expression of the program.
    pub fn eval(&self, expr: &program::Spanned<program::Expr>) -> Result<Value, ProgramError> {
        self.eval_depth(expr, 0)
    }

    fn eval_depth(&self, expr: &program::Spanned<program::Expr>, depth: usize) -> Result<Value, ProgramError> {
        program::eval(expr, &mut |r: &Reference| self.resolve(r, depth))
    }

    fn error(&self, r: &Reference, message: String) -> ProgramError {
        ProgramError { source: self.program.source.clone(), pos: r.pos, message }
    }

    fn resolve(&self, r: &Reference, depth: usize) -> Result<Value, ProgramError> {
        if depth > 32 {
            return Err(self.error(r, format!("variables refer to each other in a loop through \"{}\"", r.root)));
        }
        if r.root == "pulumi" {
            return match r.property.as_deref() {
                Some("stack") => Ok(json!("local")),
                Some("project") => Ok(json!(self.program.name.clone().unwrap_or_default())),
                other => Err(self.error(r, format!("pulumi.{} is not available; use pulumi.stack or pulumi.project", other.unwrap_or("")))),
            };
        }
        if self.program.resources.iter().any(|res| res.name.value == r.root) {
            let Some(outputs) = self.outputs.get(&r.root) else {
                return Err(self.error(r, format!("\"{}\" is referenced before it was created", r.root)));
            };
            let property = r.property.as_deref().unwrap_or("id");
            if property == "urn" {
                return Ok(json!(format!("urn:pulumi:local::{}::{}", self.program.name.clone().unwrap_or_default(), r.root)));
            }
            return Ok(outputs.get(property).cloned().unwrap_or(Value::Null));
        }
        if let Some(value) = self.config.get(&r.root) {
            return Ok(value.clone());
        }
        if let Some((_, expr)) = self.program.variables.iter().find(|(name, _)| name.value == r.root) {
            let value = self.eval_depth(expr, depth + 1)?;
            return Ok(match (&r.property, &value) {
                (Some(p), Value::Object(o)) => o.get(p).cloned().unwrap_or(Value::Null),
                _ => value,
            });
        }
        Err(self.error(r, format!("unknown reference \"${{{}}}\"", r.root)))
    }
}
