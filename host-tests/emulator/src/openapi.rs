//! A small request validator over the reference OpenAPI document.
//!
//! It answers one question for fidelity tests: "is this request, as a client
//! really sent it, one the API describes?" It checks the operation (path
//! template + method), path parameters, query parameter names and types, and
//! the JSON body (declared properties only, required ones present, scalar
//! types, `date-time` strings that parse). Deliberately hand-written over
//! `serde_json::Value`, covering only the schema keywords the document uses
//! (`$ref`, `allOf`/`anyOf`/`oneOf`, `type`, `nullable`, `enum`, `properties`,
//! `required`, `additionalProperties`, `items`, `maxLength`/`minLength`,
//! `pattern`, `minimum`/`maximum`, `format: date-time`).

use crate::log::{percent_decode, LoggedRequest};
use crate::routes::PREFIX;
use serde_json::Value;
use std::path::{Path, PathBuf};

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "patch", "head", "options", "trace",
];

/// A loaded OpenAPI 3.0 document, indexed by operation.
pub struct OpenApi {
    doc: Value,
    operations: Vec<Operation>,
}

struct Operation {
    method: String,
    template: String,
    segments: Vec<Segment>,
    id: String,
    params: Vec<Param>,
    body: Option<BodySpec>,
}

enum Segment {
    Literal(String),
    Param(String),
}

struct Param {
    name: String,
    location: String,
    required: bool,
    schema: Value,
}

struct BodySpec {
    required: bool,
    /// The `application/json` schema, if any.
    schema: Option<Value>,
}

impl OpenApi {
    /// Where the reference document sits in this repository.
    pub fn bundled_path() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../reference/cloudflare-access-service-tokens.openapi.json")
    }

    /// The repository's reference document (see [`OpenApi::bundled_path`]).
    pub fn bundled() -> Result<OpenApi, String> {
        OpenApi::load(OpenApi::bundled_path())
    }

    pub fn load(path: impl AsRef<Path>) -> Result<OpenApi, String> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        OpenApi::from_json(&text).map_err(|e| format!("{}: {e}", path.display()))
    }

    pub fn from_json(text: &str) -> Result<OpenApi, String> {
        let doc: Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
        let mut api = OpenApi {
            doc,
            operations: Vec::new(),
        };
        api.operations = api.index()?;
        Ok(api)
    }

    /// Every operationId in the document, in document order.
    pub fn operation_ids(&self) -> Vec<&str> {
        self.operations.iter().map(|o| o.id.as_str()).collect()
    }

    /// Checks one recorded request. `Ok(operationId)` when it conforms,
    /// otherwise every problem found.
    pub fn validate(&self, req: &LoggedRequest) -> Result<String, Vec<String>> {
        let Some(rel) = req.path.strip_prefix(PREFIX) else {
            return Err(vec![format!(
                "path {} does not start with {PREFIX}",
                req.path
            )]);
        };
        let segments: Vec<String> = rel
            .trim_start_matches('/')
            .split('/')
            .map(percent_decode)
            .collect();
        let candidates: Vec<(&Operation, Vec<(&str, &str)>)> = self
            .operations
            .iter()
            .filter_map(|op| op.bind(&segments).map(|b| (op, b)))
            .collect();
        if candidates.is_empty() {
            return Err(vec![format!("no operation matches path {rel}")]);
        }
        let Some((op, bound)) = candidates
            .iter()
            .find(|(op, _)| op.method.eq_ignore_ascii_case(&req.method))
        else {
            return Err(vec![format!(
                "no {} operation for {}",
                req.method, candidates[0].0.template
            )]);
        };

        let mut problems = Vec::new();
        for (name, value) in bound {
            match op
                .params
                .iter()
                .find(|p| p.location == "path" && p.name == *name)
            {
                Some(p) => self.check(
                    &p.schema,
                    &Value::String(value.to_string()),
                    &format!("path parameter {name}"),
                    &mut problems,
                ),
                None => problems.push(format!("path parameter {name} is not declared")),
            }
        }
        for (name, raw) in &req.query {
            match op
                .params
                .iter()
                .find(|p| p.location == "query" && p.name == *name)
            {
                Some(p) => {
                    let at = format!("query parameter {name}");
                    match self.coerce(&p.schema, raw) {
                        Some(value) => self.check(&p.schema, &value, &at, &mut problems),
                        None => problems.push(format!(
                            "{at}: {raw:?} is not of type {}",
                            self.type_of(&p.schema)
                        )),
                    }
                }
                None => problems.push(format!("query parameter {name} is not declared")),
            }
        }
        for p in op
            .params
            .iter()
            .filter(|p| p.location == "query" && p.required)
        {
            if !req.query.iter().any(|(k, _)| *k == p.name) {
                problems.push(format!("required query parameter {} is missing", p.name));
            }
        }
        self.check_body(op, req, &mut problems);

        if problems.is_empty() {
            Ok(op.id.clone())
        } else {
            Err(problems
                .into_iter()
                .map(|p| format!("{}: {p}", op.id))
                .collect())
        }
    }

    fn check_body(&self, op: &Operation, req: &LoggedRequest, problems: &mut Vec<String>) {
        let Some(spec) = &op.body else {
            if req
                .body
                .as_ref()
                .is_some_and(|b| b.as_object().is_none_or(|o| !o.is_empty()))
            {
                problems.push("operation takes no request body, but one was sent".into());
            }
            return;
        };
        let Some(body) = &req.body else {
            if spec.required {
                problems.push("request body is required".into());
            }
            return;
        };
        let json_type = req.content_type.as_deref().is_some_and(|c| {
            c.trim()
                .to_ascii_lowercase()
                .starts_with("application/json")
        });
        if !json_type {
            problems.push(format!(
                "body content type is {:?}, expected application/json",
                req.content_type
            ));
        }
        if let Value::String(raw) = body {
            if serde_json::from_str::<Value>(raw).is_err() {
                problems.push("body is not valid JSON".into());
                return;
            }
        }
        if let Some(schema) = &spec.schema {
            self.check(schema, body, "body", problems);
        }
    }

    /// Builds the operation index from `paths`.
    fn index(&self) -> Result<Vec<Operation>, String> {
        let paths = self
            .doc
            .get("paths")
            .and_then(Value::as_object)
            .ok_or("document has no paths")?;
        let mut operations = Vec::new();
        for (template, item) in paths {
            let item = self.resolve(item);
            let shared_params = item
                .get("parameters")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            for method in METHODS {
                let Some(op) = item.get(method) else { continue };
                let id = op
                    .get("operationId")
                    .and_then(Value::as_str)
                    .unwrap_or(template)
                    .to_string();
                let mut params: Vec<Param> = Vec::new();
                let own = op
                    .get("parameters")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default();
                for raw in own.iter().chain(shared_params.iter()) {
                    let p = self.resolve(raw);
                    let name = p
                        .get("name")
                        .and_then(Value::as_str)
                        .ok_or_else(|| format!("{id}: parameter without name"))?;
                    let location = p.get("in").and_then(Value::as_str).unwrap_or("query");
                    if params
                        .iter()
                        .any(|q| q.name == name && q.location == location)
                    {
                        continue; // an operation-level parameter overrides a path-level one
                    }
                    params.push(Param {
                        name: name.to_string(),
                        location: location.to_string(),
                        required: p
                            .get("required")
                            .and_then(Value::as_bool)
                            .unwrap_or(location == "path"),
                        schema: p.get("schema").cloned().unwrap_or(Value::Bool(true)),
                    });
                }
                let body = op.get("requestBody").map(|rb| {
                    let rb = self.resolve(rb);
                    BodySpec {
                        required: rb.get("required").and_then(Value::as_bool).unwrap_or(false),
                        schema: rb.pointer("/content/application~1json/schema").cloned(),
                    }
                });
                let segments = template
                    .trim_start_matches('/')
                    .split('/')
                    .map(
                        |s| match s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                            Some(name) => Segment::Param(name.to_string()),
                            None => Segment::Literal(s.to_string()),
                        },
                    )
                    .collect();
                operations.push(Operation {
                    method: method.to_uppercase(),
                    template: template.clone(),
                    segments,
                    id,
                    params,
                    body,
                });
            }
        }
        Ok(operations)
    }

    /// Follows local `$ref`s (`#/...`); an unresolvable one resolves to itself.
    fn resolve<'a>(&'a self, mut v: &'a Value) -> &'a Value {
        for _ in 0..32 {
            let Some(target) = v.get("$ref").and_then(Value::as_str) else {
                return v;
            };
            match target.strip_prefix('#').and_then(|p| self.doc.pointer(p)) {
                Some(next) => v = next,
                None => return v,
            }
        }
        v
    }

    fn type_of<'a>(&'a self, schema: &'a Value) -> &'a str {
        self.resolve(schema)
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or("any")
    }

    /// A query string value as the JSON value its schema expects, if it can be one.
    fn coerce(&self, schema: &Value, raw: &str) -> Option<Value> {
        match self.type_of(schema) {
            "integer" => raw.parse::<i64>().ok().map(Value::from),
            "number" => raw
                .parse::<f64>()
                .ok()
                .filter(|f| f.is_finite())
                .map(Value::from),
            "boolean" => raw.parse::<bool>().ok().map(Value::from),
            _ => Some(Value::String(raw.to_string())),
        }
    }

    /// Validates `value` against `schema`, appending problems prefixed with `at`.
    fn check(&self, schema: &Value, value: &Value, at: &str, problems: &mut Vec<String>) {
        let schema = self.resolve(schema);
        if schema.as_bool() == Some(true) || schema.as_object().is_some_and(|o| o.is_empty()) {
            return;
        }
        if value.is_null() && schema.get("nullable").and_then(Value::as_bool) == Some(true) {
            return;
        }
        for sub in schema
            .get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            self.check(sub, value, at, problems);
        }
        for key in ["anyOf", "oneOf"] {
            if let Some(options) = schema.get(key).and_then(Value::as_array) {
                let fits = options.iter().any(|s| {
                    let mut p = Vec::new();
                    self.check(s, value, at, &mut p);
                    p.is_empty()
                });
                if !fits {
                    problems.push(format!("{at}: matches none of the {key} alternatives"));
                }
            }
        }
        if let Some(ty) = schema.get("type").and_then(Value::as_str) {
            let ok = match ty {
                "string" => value.is_string(),
                "integer" => value.is_i64() || value.is_u64(),
                "number" => value.is_number(),
                "boolean" => value.is_boolean(),
                "object" => value.is_object(),
                "array" => value.is_array(),
                _ => true,
            };
            if !ok {
                problems.push(format!(
                    "{at}: expected {ty}, got {}",
                    json_type_name(value)
                ));
                return;
            }
        }
        if let Some(allowed) = schema.get("enum").and_then(Value::as_array) {
            if !allowed.contains(value) {
                problems.push(format!(
                    "{at}: {value} is not one of {}",
                    Value::Array(allowed.clone())
                ));
            }
        }
        match value {
            Value::String(s) => self.check_string(schema, s, at, problems),
            Value::Number(n) => {
                let n = n.as_f64().unwrap_or(f64::NAN);
                if schema
                    .get("minimum")
                    .and_then(Value::as_f64)
                    .is_some_and(|min| n < min)
                {
                    problems.push(format!(
                        "{at}: {n} is below the minimum {}",
                        schema["minimum"]
                    ));
                }
                if schema
                    .get("maximum")
                    .and_then(Value::as_f64)
                    .is_some_and(|max| n > max)
                {
                    problems.push(format!(
                        "{at}: {n} is above the maximum {}",
                        schema["maximum"]
                    ));
                }
            }
            Value::Object(o) => {
                let declared = schema.get("properties").and_then(Value::as_object);
                let extra_ok = schema
                    .get("additionalProperties")
                    .is_some_and(|a| a != &Value::Bool(false));
                for (key, v) in o {
                    match declared.and_then(|d| d.get(key)) {
                        Some(prop) => self.check(prop, v, &format!("{at}.{key}"), problems),
                        None if extra_ok || declared.is_none() => {}
                        None => problems.push(format!("{at}: property {key} is not declared")),
                    }
                }
                for req in schema
                    .get("required")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    if let Some(name) = req.as_str() {
                        if !o.contains_key(name) {
                            problems.push(format!("{at}: required property {name} is missing"));
                        }
                    }
                }
            }
            Value::Array(items) => {
                if let Some(item_schema) = schema.get("items") {
                    for (i, item) in items.iter().enumerate() {
                        self.check(item_schema, item, &format!("{at}[{i}]"), problems);
                    }
                }
            }
            _ => {}
        }
    }

    fn check_string(&self, schema: &Value, s: &str, at: &str, problems: &mut Vec<String>) {
        let len = s.chars().count() as u64;
        if let Some(max) = schema.get("maxLength").and_then(Value::as_u64) {
            if len > max {
                problems.push(format!("{at}: {s:?} is longer than {max}"));
            }
        }
        if let Some(min) = schema.get("minLength").and_then(Value::as_u64) {
            if len < min {
                problems.push(format!("{at}: {s:?} is shorter than {min}"));
            }
        }
        if let Some(pattern) = schema.get("pattern").and_then(Value::as_str) {
            match regex_lite::Regex::new(pattern) {
                Ok(re) if !re.is_match(s) => {
                    problems.push(format!("{at}: {s:?} does not match {pattern}"))
                }
                Ok(_) => {}
                Err(e) => problems.push(format!(
                    "{at}: the schema pattern {pattern:?} is invalid: {e}"
                )),
            }
        }
        if schema.get("format").and_then(Value::as_str) == Some("date-time")
            && chrono::DateTime::parse_from_rfc3339(s).is_err()
        {
            problems.push(format!("{at}: {s:?} is not an RFC 3339 date-time"));
        }
    }
}

impl Operation {
    /// Binds path parameters if `segments` fit this template.
    fn bind<'a>(&'a self, segments: &'a [String]) -> Option<Vec<(&'a str, &'a str)>> {
        if segments.len() != self.segments.len() {
            return None;
        }
        let mut bound = Vec::new();
        for (seg, actual) in self.segments.iter().zip(segments) {
            match seg {
                Segment::Literal(l) if l == actual => {}
                Segment::Literal(_) => return None,
                Segment::Param(name) => bound.push((name.as_str(), actual.as_str())),
            }
        }
        Some(bound)
    }
}

fn json_type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_f64() => "number",
        Value::Number(_) => "integer",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}
