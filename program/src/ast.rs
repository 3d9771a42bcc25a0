//! The program as data: what `parse` produces and `validate`, `order` and
//! `eval` consume. Every name and value keeps its place in the source so that
//! a later stage can still point at the line that is wrong.

use std::fmt;

/// 1-based line and column in the program source.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pos {
    /// Line, counting from 1 as editors do.
    pub line: usize,
    /// Column in characters, counting from 1 as editors do.
    pub column: usize,
}

/// A value with the place it was written, so later errors can point at it.
#[derive(Clone, Debug, PartialEq)]
pub struct Spanned<T> {
    /// The value itself.
    pub value: T,
    /// Where it was written; `None` where the format gives no positions (JSON).
    pub pos: Option<Pos>,
}

impl<T> Spanned<T> {
    /// Pairs a value with its place.
    pub fn new(value: T, pos: Option<Pos>) -> Self {
        Spanned { value, pos }
    }
}

/// A property, variable or output value.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    /// `null` or an empty value: the property is absent.
    Null,
    /// A boolean as YAML or JSON typed it.
    Bool(bool),
    /// A number as YAML or JSON typed it (never a string that looks like one).
    Number(serde_json::Number),
    /// A string, possibly with `${...}` interpolations.
    String(Template),
    /// A list, evaluated element by element.
    List(Vec<Spanned<Expr>>),
    /// A mapping, evaluated value by value, in source order.
    Object(Vec<(Spanned<String>, Spanned<Expr>)>),
    /// `fn::secret: <expr>`
    Secret(Box<Spanned<Expr>>),
}

/// A string with `${...}` interpolations; `$${` is a literal `${`.
#[derive(Clone, Debug, PartialEq)]
pub struct Template {
    /// Literal text and references, in order; no two texts are adjacent.
    pub parts: Vec<TemplatePart>,
}

/// One piece of a [`Template`].
#[derive(Clone, Debug, PartialEq)]
pub enum TemplatePart {
    /// Literal text, escapes already resolved.
    Text(String),
    /// A `${...}` interpolation.
    Ref(Reference),
}

/// `${myApp.clientId}` → root "myApp", property Some("clientId"); `${accountId}` → root "accountId", property None.
#[derive(Clone, Debug, PartialEq)]
pub struct Reference {
    /// The resource, variable or config key referred to.
    pub root: String,
    /// The property read from a resource, if any.
    pub property: Option<String>,
    /// Where the `${` is (or the start of the string holding it).
    pub pos: Option<Pos>,
}

impl fmt::Display for Reference {
    /// Writes the reference as it is written in a program, for messages.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.property {
            Some(p) => write!(f, "${{{}.{p}}}", self.root),
            None => write!(f, "${{{}}}", self.root),
        }
    }
}

/// The type a config value must have, so a stack's value can be checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConfigType {
    /// Any text.
    String,
    /// A whole number.
    Integer,
    /// `true` or `false`.
    Boolean,
    /// Any number.
    Number,
}

/// A declared config key, which references may read.
#[derive(Clone, Debug, PartialEq)]
pub struct ConfigDecl {
    /// The full key, namespace included (`cloudflare:accountId`).
    pub name: Spanned<String>,
    /// The declared or inferred type.
    pub ty: ConfigType,
    /// The value used when the stack sets none.
    pub default: Option<serde_json::Value>,
    /// Whether the value must be kept secret wherever it flows.
    pub secret: bool,
}

/// The resource options this engine honours.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Options {
    /// Refuse to delete the resource.
    pub protect: bool,
    /// Delete the old resource before creating its replacement.
    pub delete_before_replace: bool,
    /// Properties whose changes are not acted on.
    pub ignore_changes: Vec<String>,
    /// Outputs to treat as secrets beyond those the provider marks.
    pub additional_secret_outputs: Vec<String>,
    /// Resources that must be created first although no property reads them.
    pub depends_on: Vec<Reference>,
}

/// Pulumi YAML's "Look up Existing" form: `get: { id: <expr>, state: { accountId: … } }`.
#[derive(Clone, Debug, PartialEq)]
pub struct Get {
    /// The id of the existing resource.
    pub id: Spanned<Expr>,
    /// Properties that qualify the lookup (the account or zone).
    pub state: Vec<(Spanned<String>, Spanned<Expr>)>,
}

/// A declared resource.
#[derive(Clone, Debug, PartialEq)]
pub struct Resource {
    /// The logical name, unique in the program.
    pub name: Spanned<String>,
    /// The type token as written.
    pub ty: Spanned<String>,
    /// Input properties, in source order.
    pub properties: Vec<(Spanned<String>, Spanned<Expr>)>,
    /// Resource options.
    pub options: Options,
    /// Present when the resource is read, not managed.
    pub get: Option<Get>,
}

/// A parsed Pulumi YAML (or JSON) program.
#[derive(Clone, Debug, PartialEq)]
pub struct Program {
    /// The file name, for messages.
    pub source: String,
    /// The project name.
    pub name: Option<String>,
    /// The runtime (`yaml` when present).
    pub runtime: Option<String>,
    /// The project description.
    pub description: Option<String>,
    /// Declared config keys, in source order.
    pub config: Vec<ConfigDecl>,
    /// Variables, in source order.
    pub variables: Vec<(Spanned<String>, Spanned<Expr>)>,
    /// Resources, in source order.
    pub resources: Vec<Resource>,
    /// Stack outputs, in source order.
    pub outputs: Vec<(Spanned<String>, Spanned<Expr>)>,
}

/// Display: "<source>:<line>:<column>: <message>" or "<source>: <message>" without a position.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProgramError {
    /// The file name.
    pub source: String,
    /// Where the problem is, when known.
    pub pos: Option<Pos>,
    /// What is wrong, in words a program author can act on.
    pub message: String,
}

impl ProgramError {
    /// Builds an error; a shorthand used by every stage.
    pub fn new(source: &str, pos: Option<Pos>, message: impl Into<String>) -> Self {
        ProgramError { source: source.to_string(), pos, message: message.into() }
    }
}

impl fmt::Display for ProgramError {
    /// Writes the error in the `file:line:column: message` form editors jump to.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.pos {
            Some(p) => write!(f, "{}:{}:{}: {}", self.source, p.line, p.column, self.message),
            None => write!(f, "{}: {}", self.source, self.message),
        }
    }
}

impl std::error::Error for ProgramError {}

impl Expr {
    /// Every reference in the expression, in source order; dependency order
    /// and validation both walk them.
    pub fn references(&self) -> Vec<&Reference> {
        let mut out = Vec::new();
        self.collect(&mut out);
        out
    }

    fn collect<'a>(&'a self, out: &mut Vec<&'a Reference>) {
        match self {
            Expr::String(t) => out.extend(t.parts.iter().filter_map(|p| match p {
                TemplatePart::Ref(r) => Some(r),
                TemplatePart::Text(_) => None,
            })),
            Expr::List(items) => items.iter().for_each(|i| i.value.collect(out)),
            Expr::Object(entries) => entries.iter().for_each(|(_, v)| v.value.collect(out)),
            Expr::Secret(inner) => inner.value.collect(out),
            Expr::Null | Expr::Bool(_) | Expr::Number(_) => {}
        }
    }
}

impl Resource {
    /// Every reference the resource makes — properties, `get` and
    /// `dependsOn` — since each must be resolved before the resource is.
    pub fn references(&self) -> Vec<&Reference> {
        let mut out: Vec<&Reference> = self.properties.iter().flat_map(|(_, v)| v.value.references()).collect();
        if let Some(get) = &self.get {
            out.extend(get.id.value.references());
            out.extend(get.state.iter().flat_map(|(_, v)| v.value.references()));
        }
        out.extend(self.options.depends_on.iter());
        out
    }
}
