//! cty types: what a schema attribute holds, given to every decode and
//! encode, and written as JSON into `Schema.Attribute.type` (go-cty
//! `cty/json.go`: `"string"`, `["list","string"]`,
//! `["object",{"a":"number"}]`).

use super::jsontext::{self, Json};
use super::{Error, Path, PathStep, Value};
use std::collections::BTreeMap;

/// A cty type.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Type {
    String,
    Number,
    Bool,
    List(Box<Type>),
    Set(Box<Type>),
    Map(Box<Type>),
    Object(BTreeMap<String, Type>),
    Tuple(Vec<Type>),
    /// `dynamic`: any type; on the wire the value carries its type.
    Dynamic,
}

impl Type {
    pub fn list(element: Type) -> Type {
        Type::List(Box::new(element))
    }

    pub fn set(element: Type) -> Type {
        Type::Set(Box::new(element))
    }

    pub fn map(element: Type) -> Type {
        Type::Map(Box::new(element))
    }

    /// An object type from `(name, type)` pairs.
    pub fn object<K: Into<String>>(attrs: impl IntoIterator<Item = (K, Type)>) -> Type {
        Type::Object(attrs.into_iter().map(|(k, t)| (k.into(), t)).collect())
    }

    /// The JSON text go-cty writes for this type (object attributes in
    /// sorted order, as Go's `encoding/json` writes a map): the bytes of
    /// `Schema.Attribute.type`, and of the type half of a dynamic value.
    pub fn to_json(&self) -> Vec<u8> {
        let mut out = String::new();
        self.write_json(&mut out);
        out.into_bytes()
    }

    fn write_json(&self, out: &mut String) {
        let collection = |out: &mut String, kind: &str, element: &Type| {
            out.push_str(&format!("[\"{kind}\","));
            element.write_json(out);
            out.push(']');
        };
        match self {
            Type::String => out.push_str("\"string\""),
            Type::Number => out.push_str("\"number\""),
            Type::Bool => out.push_str("\"bool\""),
            Type::Dynamic => out.push_str("\"dynamic\""),
            Type::List(element) => collection(out, "list", element),
            Type::Set(element) => collection(out, "set", element),
            Type::Map(element) => collection(out, "map", element),
            Type::Object(attrs) => {
                out.push_str("[\"object\",{");
                for (i, (name, ty)) in attrs.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    jsontext::write_string(out, name);
                    out.push(':');
                    ty.write_json(out);
                }
                out.push_str("}]");
            }
            Type::Tuple(elements) => {
                out.push_str("[\"tuple\",[");
                for (i, ty) in elements.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    ty.write_json(out);
                }
                out.push_str("]]");
            }
        }
    }

    /// Reads a type's JSON. An object type's optional third element (the
    /// optional-attribute names of a type constraint) is accepted and
    /// ignored: it never describes a value's type.
    pub fn from_json(bytes: &[u8]) -> Result<Type, Error> {
        let json = jsontext::parse(bytes)
            .map_err(|e| Error::new(&Path::root(), format!("invalid type: {e}")))?;
        Type::from_json_tree(&json)
            .map_err(|e| Error::new(&Path::root(), format!("invalid type: {e}")))
    }

    pub(crate) fn from_json_tree(json: &Json) -> Result<Type, String> {
        match json {
            Json::String(name) => match name.as_str() {
                "string" => Ok(Type::String),
                "number" => Ok(Type::Number),
                "bool" => Ok(Type::Bool),
                "dynamic" => Ok(Type::Dynamic),
                other => Err(format!("unknown primitive type {other:?}")),
            },
            Json::Array(items) => {
                let (kind, rest) = match items.split_first() {
                    Some((Json::String(kind), rest)) => (kind.as_str(), rest),
                    _ => return Err("a type array must start with its kind".into()),
                };
                match (kind, rest) {
                    ("list", [element]) => Ok(Type::list(Type::from_json_tree(element)?)),
                    ("set", [element]) => Ok(Type::set(Type::from_json_tree(element)?)),
                    ("map", [element]) => Ok(Type::map(Type::from_json_tree(element)?)),
                    ("object", [Json::Object(attrs)])
                    | ("object", [Json::Object(attrs), Json::Array(_)]) => {
                        let mut out = BTreeMap::new();
                        for (name, ty) in attrs {
                            out.insert(name.clone(), Type::from_json_tree(ty)?);
                        }
                        Ok(Type::Object(out))
                    }
                    ("tuple", [Json::Array(elements)]) => elements
                        .iter()
                        .map(Type::from_json_tree)
                        .collect::<Result<_, _>>()
                        .map(Type::Tuple),
                    _ => Err(format!("malformed {kind:?} type")),
                }
            }
            other => Err(format!(
                "a type is a string or an array, found {}",
                other.kind()
            )),
        }
    }

    /// "a string", "a list", "an object": what a value of this type is
    /// called in "expected ..." messages.
    pub fn expected(&self) -> &'static str {
        match self {
            Type::String => "a string",
            Type::Number => "a number",
            Type::Bool => "a bool",
            Type::List(_) => "a list",
            Type::Set(_) => "a set",
            Type::Map(_) => "a map",
            Type::Object(_) => "an object",
            Type::Tuple(_) => "a tuple",
            Type::Dynamic => "a dynamic value",
        }
    }

    /// The type of a value in a `dynamic` slot, for the type half of the
    /// wire form. Null and unknown parts become `dynamic`; elements of a
    /// list, set or map must agree.
    pub fn infer(value: &Value, path: &Path) -> Result<Type, Error> {
        Ok(match value {
            Value::Null | Value::Unknown => Type::Dynamic,
            Value::Bool(_) => Type::Bool,
            Value::Number(_) => Type::Number,
            Value::String(_) => Type::String,
            Value::List(items) => Type::list(infer_elements(indexed(items), path)?),
            Value::Set(items) => Type::set(infer_elements(indexed(items), path)?),
            Value::Map(items) => Type::map(infer_elements(
                items.iter().map(|(k, v)| (PathStep::Key(k.clone()), v)),
                path,
            )?),
            Value::Tuple(items) => Type::Tuple(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, v)| Type::infer(v, &path.join(PathStep::Index(i as u64))))
                    .collect::<Result<_, _>>()?,
            ),
            Value::Object(attrs) => Type::Object(
                attrs
                    .iter()
                    .map(|(k, v)| {
                        Ok((
                            k.clone(),
                            Type::infer(v, &path.join(PathStep::Attr(k.clone())))?,
                        ))
                    })
                    .collect::<Result<_, Error>>()?,
            ),
        })
    }
}

fn indexed(items: &[Value]) -> impl Iterator<Item = (PathStep, &Value)> {
    items
        .iter()
        .enumerate()
        .map(|(i, v)| (PathStep::Index(i as u64), v))
}

/// The one element type of a list, set or map value.
fn infer_elements<'v>(
    items: impl Iterator<Item = (PathStep, &'v Value)>,
    path: &Path,
) -> Result<Type, Error> {
    let mut ty = Type::Dynamic;
    for (step, item) in items {
        let path = path.join(step);
        let item_ty = Type::infer(item, &path)?;
        ty = unify(&ty, &item_ty).ok_or_else(|| {
            Error::new(
                &path,
                format!(
                    "elements must all have one type; found {} and {}",
                    ty.expected(),
                    item_ty.expected()
                ),
            )
        })?;
    }
    Ok(ty)
}

/// The one type two inferred element types share, `dynamic` standing for
/// "any" (a null or unknown element).
fn unify(a: &Type, b: &Type) -> Option<Type> {
    match (a, b) {
        (Type::Dynamic, other) | (other, Type::Dynamic) => Some(other.clone()),
        (Type::List(x), Type::List(y)) => unify(x, y).map(Type::list),
        (Type::Set(x), Type::Set(y)) => unify(x, y).map(Type::set),
        (Type::Map(x), Type::Map(y)) => unify(x, y).map(Type::map),
        (Type::Object(x), Type::Object(y)) if x.len() == y.len() => x
            .iter()
            .map(|(k, xt)| Some((k.clone(), unify(xt, y.get(k)?)?)))
            .collect::<Option<_>>()
            .map(Type::Object),
        (Type::Tuple(x), Type::Tuple(y)) if x.len() == y.len() => x
            .iter()
            .zip(y)
            .map(|(x, y)| unify(x, y))
            .collect::<Option<_>>()
            .map(Type::Tuple),
        (x, y) if x == y => Some(x.clone()),
        _ => None,
    }
}
