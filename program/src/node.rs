//! The document tree both readers (YAML and JSON) produce: typed scalars,
//! lists and ordered mappings, each with its place in the source. Lowering to
//! a [`super::Program`] then has one input shape whatever the file format.

use super::ast::{Pos, Spanned};
use serde_json::Number;

/// A node of the document with where it starts.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Node {
    pub kind: Kind,
    pub pos: Option<Pos>,
}

/// The node's value, typed as the format typed it.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Kind {
    Null,
    Bool(bool),
    Number(Number),
    /// `first_column` is the column of the text's first character when each
    /// character sits in its own column on the node's line (plain or quoted
    /// one-line scalars without escapes), so `${` can be located exactly.
    Str { text: String, first_column: Option<usize> },
    List(Vec<Node>),
    /// Entries in source order; readers refuse duplicate keys.
    Map(Vec<(Spanned<String>, Node)>),
}

impl Node {
    /// How the node is described in "expected …, found …" messages.
    pub fn describe(&self) -> &'static str {
        match self.kind {
            Kind::Null => "nothing",
            Kind::Bool(_) => "a boolean",
            Kind::Number(_) => "a number",
            Kind::Str { .. } => "a string",
            Kind::List(_) => "a list",
            Kind::Map(_) => "a mapping",
        }
    }

    /// The number of nodes in this tree, to bound alias expansion.
    pub fn size(&self) -> usize {
        1 + match &self.kind {
            Kind::List(items) => items.iter().map(Node::size).sum(),
            Kind::Map(entries) => entries.iter().map(|(_, v)| v.size()).sum(),
            _ => 0,
        }
    }
}
