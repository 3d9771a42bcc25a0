//! Reads YAML into a [`Node`] tree with positions.
//!
//! The parser is `saphyr-parser` 0.3, the event parser of the saphyr project
//! (the maintained successor of yaml-rust): it is YAML 1.2, pure Rust and
//! `no_std`-friendly, so it builds for wasm32-wasip2, and every event carries
//! a span, which gives each key and value its line and column. The event
//! level (rather than saphyr's document types) lets us refuse duplicate keys
//! at the second one and resolve scalars with the YAML 1.2 core schema
//! ourselves, so `30` is a number and `f037e5…` a string, as YAML typed them.

use super::ast::{Pos, ProgramError, Spanned};
use super::node::{Kind, Node};
use saphyr_parser::{Event, Marker, Parser, ScalarStyle, ScanError, Span, StrInput, Tag};
use serde_json::Number;
use std::borrow::Cow;
use std::collections::HashMap;

/// Deeper nesting than this is refused rather than risking the stack.
const MAX_DEPTH: usize = 128;
/// Alias expansion may not grow the tree beyond this many nodes.
const MAX_NODES: usize = 1_000_000;

/// Reads the single document of a YAML program (an empty file is `Null`).
pub(crate) fn read(source: &str, text: &str) -> Result<Node, ProgramError> {
    let mut reader = Reader { source, text, events: Parser::new_from_str(text), anchors: HashMap::new(), nodes: 0 };
    let mut root = None;
    loop {
        let (event, span) = reader.next()?;
        match event {
            Event::StreamStart | Event::DocumentEnd | Event::Nothing => {}
            Event::StreamEnd => return Ok(root.unwrap_or(Node { kind: Kind::Null, pos: None })),
            Event::DocumentStart(_) if root.is_some() => {
                return Err(reader.error(span.start, "a program is one YAML document, but a second one starts here"));
            }
            Event::DocumentStart(_) => {
                let (event, span) = reader.next()?;
                root = Some(reader.node(event, span, 0)?);
            }
            _ => return Err(reader.error(span.start, "unexpected YAML event outside a document")),
        }
    }
}

fn pos(m: Marker) -> Pos {
    Pos { line: m.line(), column: m.col() + 1 }
}

struct Reader<'a> {
    source: &'a str,
    text: &'a str,
    events: Parser<'a, StrInput<'a>>,
    anchors: HashMap<usize, Node>,
    nodes: usize,
}

impl<'a> Reader<'a> {
    fn error(&self, at: Marker, message: impl Into<String>) -> ProgramError {
        ProgramError::new(self.source, Some(pos(at)), message)
    }

    /// A syntax error; `${` inside `[ ]` or `{ }` is the usual cause in a
    /// Pulumi program (braces are flow indicators there), so say so.
    fn scan_error(&self, e: ScanError) -> ProgramError {
        let line = e.marker().line();
        let near = |l: usize| self.text.lines().nth(l.saturating_sub(1)).is_some_and(|t| t.contains("${"));
        let hint = if e.info().contains("flow") && (near(line) || near(line.saturating_sub(1))) {
            " (inside [ ] or { }, quote strings that hold ${...})"
        } else {
            ""
        };
        self.error(*e.marker(), format!("YAML syntax error: {}{hint}", e.info()))
    }

    fn next(&mut self) -> Result<(Event<'a>, Span), ProgramError> {
        match self.events.next() {
            Some(Ok(item)) => Ok(item),
            Some(Err(e)) => Err(self.scan_error(e)),
            None => Err(ProgramError::new(self.source, None, "YAML syntax error: unexpected end of input")),
        }
    }

    fn count(&mut self, n: usize, at: Marker) -> Result<(), ProgramError> {
        self.nodes += n;
        if self.nodes > MAX_NODES {
            return Err(self.error(at, "the document expands to too many nodes (aliases nested too deeply?)"));
        }
        Ok(())
    }

    fn node(&mut self, event: Event<'a>, span: Span, depth: usize) -> Result<Node, ProgramError> {
        if depth > MAX_DEPTH {
            return Err(self.error(span.start, "the document is nested too deeply"));
        }
        self.count(1, span.start)?;
        let at = Some(pos(span.start));
        let (node, anchor) = match event {
            Event::Scalar(text, style, anchor, tag) => (Node { kind: self.scalar(text, style, tag.as_deref(), span)?, pos: at }, anchor),
            Event::SequenceStart(anchor, tag) => {
                self.collection_tag(tag.as_deref(), "seq", span.start)?;
                let mut items = Vec::new();
                loop {
                    let (event, span) = self.next()?;
                    if matches!(event, Event::SequenceEnd) {
                        break;
                    }
                    items.push(self.node(event, span, depth + 1)?);
                }
                (Node { kind: Kind::List(items), pos: at }, anchor)
            }
            Event::MappingStart(anchor, tag) => {
                self.collection_tag(tag.as_deref(), "map", span.start)?;
                (Node { kind: Kind::Map(self.entries(depth)?), pos: at }, anchor)
            }
            Event::Alias(id) => {
                let Some(node) = self.anchors.get(&id).cloned() else {
                    return Err(self.error(span.start, "alias to an unknown anchor"));
                };
                self.count(node.size(), span.start)?;
                (node, 0)
            }
            _ => return Err(self.error(span.start, "unexpected YAML event")),
        };
        if anchor > 0 {
            self.anchors.insert(anchor, node.clone());
        }
        Ok(node)
    }

    fn entries(&mut self, depth: usize) -> Result<Vec<(Spanned<String>, Node)>, ProgramError> {
        let mut entries: Vec<(Spanned<String>, Node)> = Vec::new();
        // Key → its entry, so duplicates are found in O(1) per key.
        let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
        loop {
            let (event, span) = self.next()?;
            let key = match event {
                Event::MappingEnd => return Ok(entries),
                Event::Scalar(text, ..) => Spanned::new(text.into_owned(), Some(pos(span.start))),
                _ => return Err(self.error(span.start, "mapping keys must be plain strings")),
            };
            if let Some(&first) = seen.get(&key.value) {
                let line = entries[first].0.pos.map_or(0, |p| p.line);
                return Err(self.error(span.start, format!("duplicate key {} (first written on line {line})", access_service_token::error::quote(&key.value))));
            }
            seen.insert(key.value.clone(), entries.len());
            let (event, span) = self.next()?;
            let value = self.node(event, span, depth + 1)?;
            entries.push((key, value));
        }
    }

    fn collection_tag(&self, tag: Option<&Tag>, core: &str, at: Marker) -> Result<(), ProgramError> {
        match tag {
            None => Ok(()),
            Some(t) if t.is_yaml_core_schema() && t.suffix == core => Ok(()),
            Some(t) => Err(self.error(at, format!("YAML tag {} is not supported here", tag_name(t)))),
        }
    }

    fn scalar(&self, text: Cow<'a, str>, style: ScalarStyle, tag: Option<&Tag>, span: Span) -> Result<Kind, ProgramError> {
        let string = |text: Cow<'a, str>| {
            let chars = text.chars().count();
            let width = span.end.index().saturating_sub(span.start.index());
            let one_line = span.start.line() == span.end.line();
            let first_column = match style {
                ScalarStyle::Plain if one_line && width == chars => Some(span.start.col() + 1),
                ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted if one_line && width == chars + 2 => Some(span.start.col() + 2),
                _ => None,
            };
            Kind::Str { text: text.into_owned(), first_column }
        };
        let Some(tag) = tag else {
            return Ok(if style == ScalarStyle::Plain { resolve(&text).unwrap_or_else(|| string(text)) } else { string(text) });
        };
        let resolved = resolve(&text);
        let wanted = match (tag.is_yaml_core_schema(), tag.suffix.as_str()) {
            (true, "str") => return Ok(string(text)),
            (false, "") if tag.handle == "!" => return Ok(string(text)),
            (true, "int") => matches!(&resolved, Some(Kind::Number(n)) if !n.is_f64()),
            (true, "float") => matches!(resolved, Some(Kind::Number(_))),
            (true, "bool") => matches!(resolved, Some(Kind::Bool(_))),
            (true, "null") => matches!(resolved, Some(Kind::Null)),
            _ => return Err(self.error(span.start, format!("YAML tag {} is not supported", tag_name(tag)))),
        };
        match resolved {
            Some(kind) if wanted => Ok(kind),
            _ => Err(self.error(span.start, format!("{text} is not a valid {}", tag_name(tag), text = access_service_token::error::quote(&text)))),
        }
    }
}

/// A tag as it is written in the source (`!!int`, `!Ref`).
fn tag_name(tag: &Tag) -> String {
    if tag.is_yaml_core_schema() {
        format!("!!{}", tag.suffix)
    } else if tag.handle == "!" {
        format!("!{}", tag.suffix)
    } else {
        format!("{}{}", tag.handle, tag.suffix)
    }
}

/// Resolves a plain scalar with the YAML 1.2 core schema; `None` is a string.
fn resolve(text: &str) -> Option<Kind> {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Some(Kind::Null),
        "true" | "True" | "TRUE" => return Some(Kind::Bool(true)),
        "false" | "False" | "FALSE" => return Some(Kind::Bool(false)),
        _ => {}
    }
    let radix = |prefix: &str, radix: u32| {
        let digits = text.strip_prefix(prefix)?;
        let valid = !digits.is_empty() && digits.chars().all(|c| c.is_digit(radix));
        valid.then(|| u64::from_str_radix(digits, radix).ok()).flatten()
    };
    if let Some(n) = radix("0x", 16).or_else(|| radix("0o", 8)) {
        return Some(Kind::Number(n.into()));
    }
    if is_core_int(text) {
        let number = match (text.parse::<i64>(), text.parse::<u64>()) {
            (Ok(i), _) => Number::from(i),
            (_, Ok(u)) => Number::from(u),
            _ => Number::from_f64(text.parse::<f64>().ok()?)?,
        };
        return Some(Kind::Number(number));
    }
    if is_core_float(text) {
        return text.parse::<f64>().ok().and_then(Number::from_f64).map(Kind::Number);
    }
    None
}

fn digits(s: &str) -> usize {
    s.chars().take_while(char::is_ascii_digit).count()
}

/// `[-+]?[0-9]+`
fn is_core_int(text: &str) -> bool {
    let body = text.strip_prefix(['-', '+']).unwrap_or(text);
    !body.is_empty() && digits(body) == body.len()
}

/// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?` (infinities and NaN
/// have no JSON form, so they stay strings).
fn is_core_float(text: &str) -> bool {
    let body = text.strip_prefix(['-', '+']).unwrap_or(text);
    let int = digits(body);
    let rest = &body[int..];
    let (frac, rest) = match rest.strip_prefix('.') {
        Some(r) => (Some(digits(r)), &r[digits(r)..]),
        None => (None, rest),
    };
    let mantissa = int > 0 || frac.is_some_and(|f| f > 0);
    let exponent_ok = match rest.strip_prefix(['e', 'E']) {
        Some(e) => {
            let e = e.strip_prefix(['-', '+']).unwrap_or(e);
            !e.is_empty() && digits(e) == e.len()
        }
        None => rest.is_empty(),
    };
    mantissa && exponent_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn core_schema_scalars() {
        assert_eq!(resolve("30"), Some(Kind::Number(30.into())));
        assert_eq!(resolve("0123456789"), Some(Kind::Number(123456789.into())));
        assert_eq!(resolve("-7"), Some(Kind::Number((-7).into())));
        assert_eq!(resolve("0x1F"), Some(Kind::Number(31.into())));
        assert_eq!(resolve("1.5e3"), Number::from_f64(1500.0).map(Kind::Number));
        assert_eq!(resolve("True"), Some(Kind::Bool(true)));
        assert_eq!(resolve("~"), Some(Kind::Null));
        for s in ["f037e56e89293a057740de681ac9abbe", "1e", "yes", "0x", ".", "1.2.3", "12abc", ".inf", "1_000"] {
            assert_eq!(resolve(s), None, "{s}");
        }
    }

    #[test]
    fn positions_are_one_based_and_strings_locate_their_first_char() {
        let node = read("f.yaml", "a:\n  b: 'x y'\n  c: plain # note\n").unwrap();
        let Kind::Map(top) = node.kind else { panic!() };
        assert_eq!(top[0].0.pos, Some(Pos { line: 1, column: 1 }));
        let Kind::Map(inner) = &top[0].1.kind else { panic!() };
        assert_eq!(inner[0].1.pos, Some(Pos { line: 2, column: 6 }));
        assert!(matches!(&inner[0].1.kind, Kind::Str { first_column: Some(7), .. }));
        assert!(matches!(&inner[1].1.kind, Kind::Str { first_column: Some(6), .. }));
    }

    #[test]
    fn tags_aliases_and_duplicates() {
        let node = read("f.yaml", "a: !!str 30\nb: &x [1]\nc: *x\n").unwrap();
        let Kind::Map(top) = node.kind else { panic!() };
        assert!(matches!(&top[0].1.kind, Kind::Str { text, .. } if text == "30"));
        assert_eq!(top[1].1.kind, top[2].1.kind);
        let err = read("f.yaml", "a: 1\nb: 2\na: 3\n").unwrap_err();
        assert_eq!(err.to_string(), "f.yaml:3:1: duplicate key \"a\" (first written on line 1)");
        let err = read("f.yaml", "a: !!int abc\n").unwrap_err();
        assert!(err.to_string().starts_with("f.yaml:1:4: \"abc\" is not a valid !!int"), "{err}");
    }
}
