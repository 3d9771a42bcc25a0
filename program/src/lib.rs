//! Pulumi YAML (and JSON) programs that declare Access service tokens: parse,
//! validate, order and evaluate, with every error pointing at
//! `file:line:column`. Pure — no I/O, no clock — so the CLI runs it inside
//! the wasm32-wasip2 component as well as natively.
//!
//! Stages: the YAML or JSON reader builds a positioned document tree
//! (`node`), `lower` turns it into a [`Program`], [`validate`] checks types,
//! property names and references, [`order`] sorts resources by dependency,
//! and [`eval`] turns an expression into a property value given a resolver.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod ast;
mod eval;

mod json;
mod lower;
mod node;
mod order;
mod resource;
mod template;
mod validate;
mod yaml;

pub use ast::{ConfigDecl, ConfigType, Expr, Get, Options, Pos, Program, ProgramError, Reference, Resource, Spanned, Template, TemplatePart};
pub use eval::{eval, Lookup};
pub use order::order;
pub use validate::validate;

/// Parses YAML or JSON (JSON when the source name ends in .json, or the text's first non-blank char is '{').
pub fn parse(source: &str, text: &str) -> Result<Program, Vec<ProgramError>> {
    let is_json = source.ends_with(".json") || text.trim_start().starts_with('{');
    let root = if is_json { json::read(source, text) } else { yaml::read(source, text) };
    lower::program(source, &root.map_err(|e| vec![e])?)
}
