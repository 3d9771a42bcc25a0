//! Semantic checks of a parsed program: type tokens, property names, and
//! references, all reported at once and at the place they are written, so a
//! program is fixed in one pass before anything touches Cloudflare.

use super::ast::{Expr, Pos, Program, ProgramError, Reference, Resource, Spanned};
use access_service_token::hint;
use super::order::order;
use access_service_token::properties::{unknown_reason, INPUT_PROPERTIES};
use access_service_token::pulumi::TYPE_TOKENS;

/// What `${resource.property}` may read: inputs and outputs of a token
/// (the core's property table), and the resource's `urn`.
fn readable() -> impl Iterator<Item = &'static str> {
    INPUT_PROPERTIES.iter().chain(access_service_token::schema::OUTPUTS.iter()).copied().chain(["urn"])
}

/// All semantic errors at once (empty = valid).
pub fn validate(program: &Program) -> Vec<ProgramError> {
    let mut c = Check { program, errors: vec![] };
    c.names();
    for r in &program.resources {
        c.resource(r);
    }
    for (_, e) in program.variables.iter().chain(&program.outputs) {
        c.expr(e);
    }
    if let Err(e) = order(program) {
        c.errors.push(e);
    }
    let key = |e: &ProgramError| e.pos.map_or((usize::MAX, usize::MAX), |p| (p.line, p.column));
    c.errors.sort_by_key(key);
    c.errors
}

struct Check<'a> {
    program: &'a Program,
    errors: Vec<ProgramError>,
}

impl Check<'_> {
    fn error(&mut self, pos: Option<Pos>, message: String) {
        self.errors.push(ProgramError::new(&self.program.source, pos, message));
    }

    fn is_resource(&self, name: &str) -> bool {
        self.program.resources.iter().any(|r| r.name.value == name)
    }

    fn is_variable(&self, name: &str) -> bool {
        self.program.variables.iter().any(|(n, _)| n.value == name)
    }

    fn is_config(&self, name: &str) -> bool {
        self.program.config.iter().any(|c| c.name.value == name)
    }

    /// A name used in two sections would make `${name}` ambiguous.
    fn names(&mut self) {
        let p = self.program;
        for (name, _) in &p.variables {
            if self.is_resource(&name.value) {
                self.error(name.pos, format!("variable {} has the same name as a resource", access_service_token::error::quote(&name.value)));
            }
        }
        for c in &p.config {
            if self.is_resource(&c.name.value) || self.is_variable(&c.name.value) {
                self.error(c.name.pos, format!("config {} has the same name as a resource or variable", access_service_token::error::quote(&c.name.value)));
            }
        }
    }

    fn resource(&mut self, r: &Resource) {
        if !TYPE_TOKENS.contains(&r.ty.value.as_str()) {
            let others: Vec<&str> = TYPE_TOKENS.iter().copied().filter(|t| *t != TYPE_TOKENS[2]).collect();
            self.error(
                r.ty.pos,
                format!(
                    "resource {} has type {}, which this engine does not manage; it manages {} (also written {})",
                    access_service_token::error::quote(&r.name.value),
                    access_service_token::error::quote(&r.ty.value),
                    TYPE_TOKENS[2],
                    others.join(", ")
                ),
            );
        }
        let state = r.get.iter().flat_map(|g| g.state.iter().map(|(k, _)| (k, "get.state")));
        for (key, place) in r.properties.iter().map(|(k, _)| (k, "property")).chain(state) {
            if !INPUT_PROPERTIES.contains(&key.value.as_str()) {
                self.error(key.pos, format!("{place} {} of resource {}: {}", access_service_token::error::quote(&key.value), access_service_token::error::quote(&r.name.value), unknown_reason(&key.value)));
            }
        }
        for name in &r.options.ignore_changes {
            let head = name.split(['.', '[']).next().unwrap_or(name);
            if !INPUT_PROPERTIES.contains(&head) {
                self.error(r.name.pos, format!("ignoreChanges of resource {} names {name}, which is not an input property ({})", access_service_token::error::quote(&r.name.value), INPUT_PROPERTIES.join(", "), name = access_service_token::error::quote(&name)));
            }
        }
        for name in &r.options.additional_secret_outputs {
            if !readable().any(|k| k == name) {
                self.error(r.name.pos, format!("additionalSecretOutputs of resource {} names {name}, which is not a property{}", access_service_token::error::quote(&r.name.value), hint::suffix(name, readable()), name = access_service_token::error::quote(&name)));
            }
        }
        for d in &r.options.depends_on {
            if !self.is_resource(&d.root) && (self.is_variable(&d.root) || self.is_config(&d.root)) {
                self.error(d.pos, format!("dependsOn of resource {} names {d}, which is not a resource", access_service_token::error::quote(&r.name.value)));
            }
        }
        for reference in r.references() {
            self.reference(reference);
        }
    }

    fn expr(&mut self, e: &Spanned<Expr>) {
        for r in e.value.references() {
            self.reference(r);
        }
    }

    fn reference(&mut self, r: &Reference) {
        if r.root == "pulumi" || self.is_variable(&r.root) {
            return;
        }
        if self.is_resource(&r.root) {
            if let Some(p) = r.property.as_deref().filter(|p| !readable().any(|k| k == *p)) {
                let hint = hint::suffix(p, readable());
                let known: Vec<&str> = readable().collect();
                self.error(r.pos, format!("unknown property in \"{r}\": resource {} has no property {p}{hint}; known properties are {}", access_service_token::error::quote(&r.root), known.join(", "), p = access_service_token::error::quote(&p)));
            }
        } else if self.is_config(&r.root) {
            if r.property.is_some() {
                self.error(r.pos, format!("\"{r}\" reads a property of config {}, which is a single value; write ${{{}}}", access_service_token::error::quote(&r.root), r.root));
            }
        } else {
            let p = self.program;
            let names = p.resources.iter().map(|r| r.name.value.as_str()).chain(p.variables.iter().map(|(n, _)| n.value.as_str())).chain(p.config.iter().map(|c| c.name.value.as_str()));
            let hint = hint::suffix(&r.root, names);
            self.error(r.pos, format!("unknown reference \"{r}\": no resource, variable or config named {}{hint}", access_service_token::error::quote(&r.root)));
        }
    }
}
