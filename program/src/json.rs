//! Reads a JSON program into a [`Node`] tree. A visitor of our own (rather
//! than `serde_json::Value`) keeps mapping keys in file order, so resources
//! are created in the order written, and refuses duplicate keys, which
//! `Value` would silently collapse. serde_json gives no positions for values,
//! so nodes carry none; syntax errors keep serde_json's line and column.

use super::ast::{Pos, ProgramError, Spanned};
use super::node::{Kind, Node};
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use std::fmt;

/// Reads a JSON document (an empty text is `Null`).
pub(crate) fn read(source: &str, text: &str) -> Result<Node, ProgramError> {
    if text.trim().is_empty() {
        return Ok(Node { kind: Kind::Null, pos: None });
    }
    serde_json::from_str::<JsonNode>(text).map(|n| n.0).map_err(|e| {
        let pos = (e.line() > 0).then(|| Pos { line: e.line(), column: e.column().max(1) });
        let text = e.to_string();
        let message = match text.rfind(" at line ") {
            Some(i) if pos.is_some() => text[..i].to_string(),
            _ => text,
        };
        ProgramError::new(source, pos, format!("JSON syntax error: {message}"))
    })
}

struct JsonNode(Node);

fn node(kind: Kind) -> JsonNode {
    JsonNode(Node { kind, pos: None })
}

impl<'de> Deserialize<'de> for JsonNode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = JsonNode;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E>(self) -> Result<JsonNode, E> {
        Ok(node(Kind::Null))
    }

    fn visit_bool<E>(self, v: bool) -> Result<JsonNode, E> {
        Ok(node(Kind::Bool(v)))
    }

    fn visit_i64<E>(self, v: i64) -> Result<JsonNode, E> {
        Ok(node(Kind::Number(v.into())))
    }

    fn visit_u64<E>(self, v: u64) -> Result<JsonNode, E> {
        Ok(node(Kind::Number(v.into())))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<JsonNode, E> {
        serde_json::Number::from_f64(v).map(|n| node(Kind::Number(n))).ok_or_else(|| E::custom("a number out of range"))
    }

    fn visit_str<E>(self, v: &str) -> Result<JsonNode, E> {
        Ok(node(Kind::Str { text: v.to_string(), first_column: None }))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<JsonNode, A::Error> {
        let mut items = Vec::new();
        while let Some(JsonNode(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(node(Kind::List(items)))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<JsonNode, A::Error> {
        let mut entries: Vec<(Spanned<String>, Node)> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        while let Some(key) = map.next_key::<String>()? {
            if !seen.insert(key.clone()) {
                return Err(de::Error::custom(format!("duplicate key {key}", key = access_service_token::error::quote(&key))));
            }
            let JsonNode(value) = map.next_value()?;
            entries.push((Spanned::new(key, None), value));
        }
        Ok(node(Kind::Map(entries)))
    }
}
