//! Turns the document tree into a [`Program`]: the top-level sections, config
//! declarations and expressions (resources are in `resource.rs`). Every
//! problem is collected, so an author sees all of them in one run.

use super::ast::{ConfigDecl, ConfigType, Expr, Pos, Program, ProgramError, Spanned, Template};
use access_service_token::hint;
use super::node::{Kind, Node};
use super::template;
use serde_json::Value;

const TOP_LEVEL: [&str; 8] = ["name", "runtime", "description", "config", "configuration", "variables", "resources", "outputs"];
const CONFIG_KEYS: [&str; 4] = ["type", "default", "secret", "description"];

/// A mapping's entries.
pub(crate) type Entries = [(Spanned<String>, Node)];

/// Lowering state: the file name and the errors found so far.
pub(crate) struct Lower<'a> {
    pub source: &'a str,
    pub errors: Vec<ProgramError>,
}

/// Lowers a whole document.
pub(crate) fn program(source: &str, root: &Node) -> Result<Program, Vec<ProgramError>> {
    // An empty file is a mistake, not a program: read as "no resources", it
    // would plan to delete every token in the state. (`resources: {}` says so.)
    let empty = matches!(&root.kind, super::node::Kind::Null) || matches!(&root.kind, super::node::Kind::Map(entries) if entries.is_empty());
    if empty {
        return Err(vec![ProgramError::new(
            source,
            None,
            "the program is empty; declare `resources:` (an explicit `resources: {}` plans to delete every token in the state)",
        )]);
    }
    let mut l = Lower { source, errors: Vec::new() };
    let mut p = Program {
        source: source.to_string(),
        name: None,
        runtime: None,
        description: None,
        config: vec![],
        variables: vec![],
        resources: vec![],
        outputs: vec![],
    };
    for (key, value) in l.map(root, "a program").unwrap_or_default() {
        match key.value.as_str() {
            "name" => p.name = l.text(value, "name"),
            "description" => p.description = l.text(value, "description"),
            "runtime" => p.runtime = l.runtime(value),
            "config" | "configuration" => {
                for (name, decl) in l.map(value, &key.value).unwrap_or_default() {
                    if let Some(first) = p.config.iter().find(|c| c.name.value == name.value) {
                        let line = first.name.pos.map_or(0, |p| p.line);
                        l.error(name.pos, format!("config {} is declared twice (first on line {line})", access_service_token::error::quote(&name.value)));
                    } else if let Some(decl) = l.config(name, decl) {
                        p.config.push(decl);
                    }
                }
            }
            "variables" => p.variables = l.exprs(value, "variables"),
            "resources" => {
                for (name, body) in l.map(value, "resources").unwrap_or_default() {
                    if let Some(r) = l.resource(name, body) {
                        p.resources.push(r);
                    }
                }
            }
            "outputs" => p.outputs = l.exprs(value, "outputs"),
            other => {
                let hint = hint::closest(other, TOP_LEVEL)
                    .map(|c| format!("did you mean {c}?", c = access_service_token::error::quote(&c)))
                    .unwrap_or_else(|| format!("expected one of {}", TOP_LEVEL.join(", ")));
                l.error(key.pos, format!("unknown top-level key {other}; {hint}", other = access_service_token::error::quote(&other)));
            }
        }
    }
    if l.errors.is_empty() {
        Ok(p)
    } else {
        Err(l.errors)
    }
}

impl Lower<'_> {
    /// Records an error.
    pub fn error(&mut self, pos: Option<Pos>, message: impl Into<String>) {
        self.errors.push(ProgramError::new(self.source, pos, message));
    }

    /// A mapping's entries (an empty value is an empty mapping).
    pub fn map<'n>(&mut self, node: &'n Node, what: &str) -> Option<&'n Entries> {
        match &node.kind {
            Kind::Map(entries) => Some(entries),
            Kind::Null => Some(&[]),
            _ => {
                self.error(node.pos, format!("{what} must be a mapping, found {}", node.describe()));
                None
            }
        }
    }

    /// A literal string (no interpolation is evaluated in it).
    pub fn text(&mut self, node: &Node, what: &str) -> Option<String> {
        match &node.kind {
            Kind::Str { text, .. } => Some(text.clone()),
            _ => {
                self.error(node.pos, format!("{what} must be a string, found {}", node.describe()));
                None
            }
        }
    }

    /// A literal boolean.
    pub fn bool(&mut self, node: &Node, what: &str) -> bool {
        match node.kind {
            Kind::Bool(b) => b,
            _ => {
                self.error(node.pos, format!("{what} must be true or false, found {}", node.describe()));
                false
            }
        }
    }

    /// A list of literal strings.
    pub fn strings(&mut self, node: &Node, what: &str) -> Vec<String> {
        match &node.kind {
            Kind::List(items) => items.iter().filter_map(|i| self.text(i, &format!("each entry of {what}"))).collect(),
            Kind::Null => vec![],
            _ => {
                self.error(node.pos, format!("{what} must be a list of strings, found {}", node.describe()));
                vec![]
            }
        }
    }

    /// A mapping of names to expressions.
    pub fn exprs(&mut self, node: &Node, what: &str) -> Vec<(Spanned<String>, Spanned<Expr>)> {
        let entries = self.map(node, what).unwrap_or_default();
        entries.iter().map(|(k, v)| (k.clone(), self.expr(v))).collect()
    }

    /// An expression: a value, a template string, or `fn::secret`.
    pub fn expr(&mut self, node: &Node) -> Spanned<Expr> {
        let value = match &node.kind {
            Kind::Null => Expr::Null,
            Kind::Bool(b) => Expr::Bool(*b),
            Kind::Number(n) => Expr::Number(n.clone()),
            Kind::Str { text, first_column } => match template::parse(text, node.pos, *first_column) {
                Ok(t) => Expr::String(t),
                Err((pos, message)) => {
                    self.error(pos, message);
                    Expr::String(Template { parts: vec![] })
                }
            },
            Kind::List(items) => Expr::List(items.iter().map(|i| self.expr(i)).collect()),
            Kind::Map(entries) => match entries.iter().find(|(k, _)| k.value.starts_with("fn::")) {
                Some((k, _)) if entries.len() > 1 => {
                    self.error(k.pos, format!("{} must be the only key of its mapping", k.value));
                    Expr::Null
                }
                Some((k, v)) if k.value == "fn::secret" => Expr::Secret(Box::new(self.expr(v))),
                Some((k, _)) => {
                    self.error(k.pos, format!("{} is not supported by this engine (supported: fn::secret)", k.value));
                    Expr::Null
                }
                None => Expr::Object(entries.iter().map(|(k, v)| (k.clone(), self.expr(v))).collect()),
            },
        };
        Spanned::new(value, node.pos)
    }

    /// `runtime: yaml` or `runtime: {name: yaml, options: …}`.
    fn runtime(&mut self, node: &Node) -> Option<String> {
        let (name, at) = match &node.kind {
            Kind::Map(entries) => {
                let entry = entries.iter().find(|(k, _)| k.value == "name");
                (entry.and_then(|(_, v)| self.text(v, "runtime.name")), entry.map_or(node.pos, |(_, v)| v.pos))
            }
            _ => (self.text(node, "runtime"), node.pos),
        };
        if let Some(other) = name.as_deref().filter(|n| *n != "yaml") {
            self.error(at, format!("runtime {other} is not supported: this engine runs Pulumi YAML programs (runtime: yaml)", other = access_service_token::error::quote(&other)));
        }
        name
    }

    /// A config declaration: `{type, default, secret}` or a bare default.
    fn config(&mut self, name: &Spanned<String>, node: &Node) -> Option<ConfigDecl> {
        let mut decl = ConfigDecl { name: name.clone(), ty: ConfigType::String, default: None, secret: false };
        let Kind::Map(entries) = &node.kind else {
            (decl.ty, decl.default) = self.config_value(name, node, None)?;
            return Some(decl);
        };
        let ty = entries.iter().find(|(k, _)| k.value == "type").and_then(|(_, v)| self.config_type(name, v));
        for (key, value) in entries {
            match key.value.as_str() {
                "type" | "description" => {}
                "default" => (decl.ty, decl.default) = self.config_value(name, value, ty)?,
                "secret" => decl.secret = self.bool(value, &format!("config {} secret", access_service_token::error::quote(&name.value))),
                other => self.error(
                    key.pos,
                    format!("unknown key {other} in config {}{}; expected type, default, secret or description", access_service_token::error::quote(&name.value), hint::suffix(other, CONFIG_KEYS), other = access_service_token::error::quote(&other)),
                ),
            }
        }
        decl.ty = ty.unwrap_or(decl.ty);
        Some(decl)
    }

    fn config_type(&mut self, name: &Spanned<String>, node: &Node) -> Option<ConfigType> {
        let text = self.text(node, "a config type")?;
        match text.to_ascii_lowercase().as_str() {
            "string" => Some(ConfigType::String),
            "integer" => Some(ConfigType::Integer),
            "boolean" => Some(ConfigType::Boolean),
            "number" => Some(ConfigType::Number),
            _ => {
                self.error(node.pos, format!("config {} has type {text}; this engine supports string, integer, boolean and number", access_service_token::error::quote(&name.value), text = access_service_token::error::quote(&text)));
                None
            }
        }
    }

    /// A default value and the type it has (or must have, when declared).
    fn config_value(&mut self, name: &Spanned<String>, node: &Node, declared: Option<ConfigType>) -> Option<(ConfigType, Option<Value>)> {
        let (ty, value) = match &node.kind {
            Kind::Null => return Some((declared.unwrap_or(ConfigType::String), None)),
            Kind::Str { text, .. } => (ConfigType::String, Value::String(text.clone())),
            Kind::Bool(b) => (ConfigType::Boolean, Value::Bool(*b)),
            Kind::Number(n) if n.is_f64() => (ConfigType::Number, Value::Number(n.clone())),
            Kind::Number(n) => (ConfigType::Integer, Value::Number(n.clone())),
            _ => {
                self.error(node.pos, format!("config {} must have a string, number or boolean value, found {}", access_service_token::error::quote(&name.value), node.describe()));
                return None;
            }
        };
        let fits = match (declared, ty) {
            (None, _) | (Some(ConfigType::Number), ConfigType::Integer) => true,
            (Some(d), t) => d == t,
        };
        if !fits {
            let quote = if declared == Some(ConfigType::String) { " (quote it to keep it a string)" } else { "" };
            self.error(node.pos, format!("config {} is declared {} but its default {value} is {}{quote}", access_service_token::error::quote(&name.value), type_name(declared.unwrap_or(ty)), node.describe()));
            return None;
        }
        Some((declared.unwrap_or(ty), Some(value)))
    }
}

fn type_name(ty: ConfigType) -> &'static str {
    match ty {
        ConfigType::String => "string",
        ConfigType::Integer => "integer",
        ConfigType::Boolean => "boolean",
        ConfigType::Number => "number",
    }
}
