//! A small YAML reader for policy files and for telling a YAML program from
//! other YAML: plain data only (mappings, lists, core-schema scalars), into
//! `serde_json::Value`. The program module has its own positioned reader;
//! this one needs no positions and refuses aliases and tags rather than
//! expanding them, since a policy file has no use for either.

use saphyr_parser::{Event, Parser, ScalarStyle, StrInput};
use serde_json::{Map, Number, Value};

/// Deeper nesting than this is refused rather than risking the stack.
const MAX_DEPTH: usize = 64;

/// Reads the first YAML document of `text` (an empty text is `null`).
pub(crate) fn read(text: &str) -> Result<Value, String> {
    let mut events = Parser::new_from_str(text);
    loop {
        match next(&mut events)? {
            Event::StreamStart | Event::DocumentStart(_) | Event::Nothing => {}
            Event::StreamEnd | Event::DocumentEnd => return Ok(Value::Null),
            event => return node(&mut events, event, 0),
        }
    }
}

fn next<'a>(events: &mut Parser<'a, StrInput<'a>>) -> Result<Event<'a>, String> {
    match events.next() {
        Some(Ok((event, _))) => Ok(event),
        Some(Err(e)) => Err(format!("YAML syntax error at line {}: {}", e.marker().line(), e.info())),
        None => Err("YAML syntax error: unexpected end of input".into()),
    }
}

fn node<'a>(events: &mut Parser<'a, StrInput<'a>>, event: Event<'a>, depth: usize) -> Result<Value, String> {
    if depth > MAX_DEPTH {
        return Err("the document is nested too deeply".into());
    }
    match event {
        Event::Scalar(_, _, _, Some(_)) | Event::SequenceStart(_, Some(_)) | Event::MappingStart(_, Some(_)) => {
            Err("YAML tags are not supported here".into())
        }
        Event::Scalar(text, style, _, None) => Ok(if style == ScalarStyle::Plain { scalar(&text) } else { Value::String(text.into_owned()) }),
        Event::SequenceStart(..) => {
            let mut items = Vec::new();
            loop {
                match next(events)? {
                    Event::SequenceEnd => return Ok(Value::Array(items)),
                    e => items.push(node(events, e, depth + 1)?),
                }
            }
        }
        Event::MappingStart(..) => {
            let mut map = Map::new();
            loop {
                let key = match next(events)? {
                    Event::MappingEnd => return Ok(Value::Object(map)),
                    Event::Scalar(k, ..) => k.into_owned(),
                    _ => return Err("mapping keys must be plain strings".into()),
                };
                if map.contains_key(&key) {
                    return Err(format!("duplicate key {key}", key = access_service_token::error::quote(&key)));
                }
                let e = next(events)?;
                map.insert(key, node(events, e, depth + 1)?);
            }
        }
        Event::Alias(_) => Err("YAML aliases are not supported here".into()),
        _ => Err("unexpected YAML structure".into()),
    }
}

/// A plain scalar under the YAML 1.2 core schema.
fn scalar(text: &str) -> Value {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => Value::Null,
        "true" | "True" | "TRUE" => Value::Bool(true),
        "false" | "False" | "FALSE" => Value::Bool(false),
        _ => {
            let body = text.strip_prefix(['-', '+']).unwrap_or(text);
            let numeric = !body.is_empty() && body.chars().all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '-' | '+'));
            let first_ok = body.starts_with(|c: char| c.is_ascii_digit() || c == '.');
            if numeric && first_ok {
                if let Ok(i) = text.parse::<i64>() {
                    return Value::Number(i.into());
                }
                if let Some(n) = text.parse::<f64>().ok().and_then(Number::from_f64) {
                    return Value::Number(n);
                }
            }
            Value::String(text.to_string())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_plain_data() {
        let v = read("rules:\n  expired: advisory\n  x: '14'\nexpiresWithinDays: 14\nlist: [1, true, ~, 1.5]\n").unwrap();
        assert_eq!(v, json!({"rules": {"expired": "advisory", "x": "14"}, "expiresWithinDays": 14, "list": [1, true, null, 1.5]}));
        assert_eq!(read("").unwrap(), Value::Null);
        assert_eq!(read("f037e56e89293a057740de681ac9abbe").unwrap(), json!("f037e56e89293a057740de681ac9abbe"));
        assert!(read("a: 1\na: 2\n").unwrap_err().contains("duplicate"));
        assert!(read("a: &x 1\nb: *x\n").unwrap_err().contains("aliases"));
        assert!(read("a: [1\n").is_err());
    }
}
