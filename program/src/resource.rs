//! Lowers one entry of `resources:`: its type, properties, options and `get`.
//! Options this engine cannot honour are refused by name, so a program never
//! silently runs without the `provider` or `parent` its author asked for.

use super::ast::{Expr, Get, Options, Reference, Resource, Spanned, TemplatePart};
use access_service_token::hint;
use super::lower::Lower;
use super::node::{Kind, Node};

const RESOURCE_KEYS: [&str; 4] = ["type", "properties", "options", "get"];
const OPTIONS: [&str; 5] = ["protect", "deleteBeforeReplace", "ignoreChanges", "additionalSecretOutputs", "dependsOn"];

impl Lower<'_> {
    /// One resource; `None` when it is too broken to keep.
    pub fn resource(&mut self, name: &Spanned<String>, node: &Node) -> Option<Resource> {
        let what = format!("resource {}", access_service_token::error::quote(&name.value));
        let entries = self.map(node, &what)?;
        let mut resource = Resource { name: name.clone(), ty: Spanned::new(String::new(), None), properties: vec![], options: Options::default(), get: None };
        let mut typed = false;
        let mut properties_key = None;
        for (key, value) in entries {
            match key.value.as_str() {
                "type" => {
                    typed = true;
                    resource.ty = Spanned::new(self.text(value, &format!("the type of {what}"))?, value.pos);
                }
                "properties" => {
                    properties_key = Some(key.pos);
                    resource.properties = self.exprs(value, &format!("the properties of {what}"));
                }
                "options" => resource.options = self.options(&what, value),
                "get" => resource.get = self.get(&what, value),
                other => self.error(
                    key.pos,
                    format!("unknown key {other} in {what}{}; a resource has type, properties, options and get", hint::suffix(other, RESOURCE_KEYS), other = access_service_token::error::quote(&other)),
                ),
            }
        }
        if !typed {
            self.error(name.pos, format!("{what} has no type"));
            return None;
        }
        if let (Some(pos), Some(_)) = (properties_key, &resource.get) {
            self.error(pos, format!("{what} has both properties and get; a looked-up resource takes no properties (qualify the lookup with get.state)"));
        }
        Some(resource)
    }

    fn options(&mut self, what: &str, node: &Node) -> Options {
        let mut options = Options::default();
        for (key, value) in self.map(node, &format!("the options of {what}")).unwrap_or_default() {
            let name = format!("option {} of {what}", key.value);
            match key.value.as_str() {
                "protect" => options.protect = self.bool(value, &name),
                "deleteBeforeReplace" => options.delete_before_replace = self.bool(value, &name),
                "ignoreChanges" => options.ignore_changes = self.strings(value, &name),
                "additionalSecretOutputs" => options.additional_secret_outputs = self.strings(value, &name),
                "dependsOn" => options.depends_on = self.depends_on(value, &name),
                other => self.error(
                    key.pos,
                    format!(
                        "resource option {other} is not supported by this engine{}; supported options: {}",
                        hint::suffix(other, OPTIONS),
                        OPTIONS.join(", ")
                    , other = access_service_token::error::quote(&other)),
                ),
            }
        }
        options
    }

    /// `dependsOn: [${a}, ${b}]`: each entry a whole-resource reference.
    fn depends_on(&mut self, node: &Node, what: &str) -> Vec<Reference> {
        let items = match &node.kind {
            Kind::List(items) => items.as_slice(),
            _ => std::slice::from_ref(node),
        };
        let mut refs = Vec::new();
        for item in items {
            match self.expr(item).value {
                Expr::String(t) => match t.parts.as_slice() {
                    [TemplatePart::Ref(r)] if r.property.is_none() => refs.push(r.clone()),
                    _ => self.error(item.pos, format!("each entry of {what} must be a resource reference like ${{otherResource}}")),
                },
                _ => self.error(item.pos, format!("{what} must be a list of resource references like ${{otherResource}}")),
            }
        }
        refs
    }

    fn get(&mut self, what: &str, node: &Node) -> Option<Get> {
        let mut id = None;
        let mut state = vec![];
        for (key, value) in self.map(node, &format!("get of {what}"))? {
            match key.value.as_str() {
                "id" => id = Some(self.expr(value)),
                "state" => state = self.exprs(value, &format!("get.state of {what}")),
                other => self.error(key.pos, format!("unknown key {other} in get of {what}; get has id and state", other = access_service_token::error::quote(&other))),
            }
        }
        if id.is_none() {
            self.error(node.pos, format!("get of {what} has no id"));
        }
        Some(Get { id: id?, state })
    }
}
