//! cty values as JSON, following go-cty `cty/json/unmarshal.go` and
//! `marshal.go`: the form of `DynamicValue.json` and of stored state
//! (`RawState.json`, which `UpgradeResourceState` and `MoveResourceState`
//! receive un-upgraded). JSON has no unknowns. An object attribute missing
//! from the JSON is null; one not in the type is an error, or, for raw
//! state, reported so the caller can drop or refuse it. As in go-cty a
//! string attribute takes a JSON number or bool (as text), a number takes a
//! numeric string, a bool takes `"true"`/`"false"`, and a `dynamic` slot is
//! `{"value": ..., "type": ...}`.

use super::jsontext::{self, Json};
use super::{Error, Number, Path, PathStep, Type, Value};
use std::collections::BTreeMap;

/// Decodes JSON of type `ty`; an attribute not in the type is an error.
pub fn decode(bytes: &[u8], ty: &Type) -> Result<Value, Error> {
    let json = jsontext::parse(bytes).map_err(|e| Error::new(&Path::root(), e))?;
    Decoder { extra: None }.value(&json, ty, &Path::root())
}

/// Decodes JSON of type `ty`, dropping attributes not in the type and
/// returning their paths (at any depth) beside the value.
pub fn decode_lenient(bytes: &[u8], ty: &Type) -> Result<(Value, Vec<Path>), Error> {
    let json = jsontext::parse(bytes).map_err(|e| Error::new(&Path::root(), e))?;
    let mut extra = Vec::new();
    let value = Decoder {
        extra: Some(&mut extra),
    }
    .value(&json, ty, &Path::root())?;
    Ok((value, extra))
}

/// Encodes a wholly known value as go-cty's JSON for type `ty` (objects
/// with every attribute of the type; unknown values are an error).
pub fn encode(value: &Value, ty: &Type) -> Result<Vec<u8>, Error> {
    let mut out = String::new();
    write(&mut out, value, ty, &Path::root())?;
    Ok(out.into_bytes())
}

struct Decoder<'a> {
    /// Where to report attributes not in the type; `None`: they are errors.
    extra: Option<&'a mut Vec<Path>>,
}

impl Decoder<'_> {
    fn value(&mut self, json: &Json, ty: &Type, path: &Path) -> Result<Value, Error> {
        let mismatch = || Error::mismatch(path, ty.expected(), json.kind());
        Ok(match (ty, json) {
            (_, Json::Null) => Value::Null,
            (Type::Dynamic, Json::Object(members)) => return self.dynamic(members, path),
            (Type::String, Json::String(s)) => Value::String(s.clone()),
            (Type::String, Json::Number(text)) => Value::String(text.clone()),
            (Type::String, Json::Bool(b)) => Value::String(b.to_string()),
            (Type::Number, Json::Number(text) | Json::String(text)) => Value::Number(
                Number::parse(text)
                    .ok_or_else(|| Error::mismatch(path, "a number", &format!("{:?}", text)))?,
            ),
            (Type::Bool, Json::Bool(b)) => Value::Bool(*b),
            (Type::Bool, Json::String(s)) if s == "true" || s == "false" => {
                Value::Bool(s == "true")
            }
            (Type::List(element) | Type::Set(element), Json::Array(items)) => {
                let items = items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| {
                        self.value(item, element, &path.join(PathStep::Index(i as u64)))
                    })
                    .collect::<Result<_, _>>()?;
                if matches!(ty, Type::Set(_)) {
                    Value::Set(items)
                } else {
                    Value::List(items)
                }
            }
            (Type::Tuple(elements), Json::Array(items)) => {
                if items.len() != elements.len() {
                    return Err(Error::mismatch(
                        path,
                        &format!("a tuple of {} elements", elements.len()),
                        &format!("{} elements", items.len()),
                    ));
                }
                Value::Tuple(
                    items
                        .iter()
                        .zip(elements)
                        .enumerate()
                        .map(|(i, (item, element))| {
                            self.value(item, element, &path.join(PathStep::Index(i as u64)))
                        })
                        .collect::<Result<_, _>>()?,
                )
            }
            (Type::Map(element), Json::Object(members)) => {
                let mut items = BTreeMap::new();
                for (key, item) in members {
                    items.insert(
                        key.clone(),
                        self.value(item, element, &path.join(PathStep::Key(key.clone())))?,
                    );
                }
                Value::Map(items)
            }
            (Type::Object(attrs), Json::Object(members)) => {
                let mut values = BTreeMap::new();
                for (name, item) in members {
                    let attr_path = path.join(PathStep::Attr(name.clone()));
                    match (attrs.get(name), self.extra.as_deref_mut()) {
                        (Some(attr_ty), _) => {
                            values.insert(name.clone(), self.value(item, attr_ty, &attr_path)?);
                        }
                        (None, Some(extra)) => extra.push(attr_path),
                        (None, None) => {
                            return Err(Error::new(
                                &attr_path,
                                "unsupported attribute: not in the schema",
                            ))
                        }
                    }
                }
                for name in attrs.keys() {
                    values.entry(name.clone()).or_insert(Value::Null);
                }
                Value::Object(values)
            }
            _ => return Err(mismatch()),
        })
    }

    /// `{"value": ..., "type": ...}`.
    fn dynamic(&mut self, members: &[(String, Json)], path: &Path) -> Result<Value, Error> {
        let (mut ty, mut value) = (None, None);
        for (key, member) in members {
            match key.as_str() {
                "type" => {
                    ty = Some(Type::from_json_tree(member).map_err(|e| {
                        Error::new(path, format!("dynamic value: invalid type: {e}"))
                    })?)
                }
                "value" => value = Some(member),
                other => return Err(Error::new(
                    path,
                    format!(
                        "dynamic value: unexpected key {other:?}, expected \"value\" and \"type\""
                    ),
                )),
            }
        }
        match (ty, value) {
            (Some(ty), Some(value)) => self.value(value, &ty, path),
            (Some(_), None) => Ok(Value::Null),
            (None, _) => Err(Error::new(path, "dynamic value: missing \"type\"")),
        }
    }
}

fn write(out: &mut String, value: &Value, ty: &Type, path: &Path) -> Result<(), Error> {
    match (value, ty) {
        (Value::Unknown, _) => {
            return Err(Error::new(
                path,
                "an unknown value cannot be written as JSON",
            ))
        }
        (Value::Null, _) => out.push_str("null"),
        (_, Type::Dynamic) => {
            let actual = Type::infer(value, path)?;
            out.push_str("{\"value\":");
            write(out, value, &actual, path)?;
            out.push_str(",\"type\":");
            out.push_str(&String::from_utf8_lossy(&actual.to_json()));
            out.push('}');
        }
        (Value::String(s), Type::String) => jsontext::write_string(out, s),
        (Value::Bool(b), Type::Bool) => out.push_str(if *b { "true" } else { "false" }),
        (Value::Number(n), Type::Number) => {
            if n.is_infinite() {
                return Err(Error::new(
                    path,
                    "an infinite number cannot be written as JSON",
                ));
            }
            out.push_str(&n.to_string());
        }
        (
            Value::List(items) | Value::Set(items) | Value::Tuple(items),
            Type::List(element) | Type::Set(element),
        ) => {
            write_array(out, items, std::iter::repeat(&**element), path)?;
        }
        (Value::List(items) | Value::Set(items) | Value::Tuple(items), Type::Tuple(elements)) => {
            if elements.len() != items.len() {
                return Err(Error::mismatch(
                    path,
                    &format!("a tuple of {} elements", elements.len()),
                    &format!("{} elements", items.len()),
                ));
            }
            write_array(out, items, elements.iter(), path)?;
        }
        (Value::Map(items) | Value::Object(items), Type::Map(element)) => {
            out.push('{');
            for (i, (key, item)) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                jsontext::write_string(out, key);
                out.push(':');
                write(out, item, element, &path.join(PathStep::Key(key.clone())))?;
            }
            out.push('}');
        }
        (Value::Map(items) | Value::Object(items), Type::Object(attrs)) => {
            if let Some(extra) = items.keys().find(|k| !attrs.contains_key(*k)) {
                return Err(Error::new(
                    &path.join(PathStep::Attr(extra.clone())),
                    "unsupported attribute: not in the schema",
                ));
            }
            out.push('{');
            for (i, (name, attr_ty)) in attrs.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                jsontext::write_string(out, name);
                out.push(':');
                write(
                    out,
                    items.get(name).unwrap_or(&Value::Null),
                    attr_ty,
                    &path.join(PathStep::Attr(name.clone())),
                )?;
            }
            out.push('}');
        }
        _ => return Err(Error::mismatch(path, ty.expected(), value.kind())),
    }
    Ok(())
}

fn write_array<'t>(
    out: &mut String,
    items: &[Value],
    types: impl Iterator<Item = &'t Type>,
    path: &Path,
) -> Result<(), Error> {
    out.push('[');
    for (i, (item, ty)) in items.iter().zip(types).enumerate() {
        if i > 0 {
            out.push(',');
        }
        write(out, item, ty, &path.join(PathStep::Index(i as u64)))?;
    }
    out.push(']');
    Ok(())
}
