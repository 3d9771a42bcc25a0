//! Splits a string into literal text and `${...}` references. Only the forms
//! this engine can evaluate are accepted — `${name}` and `${name.property}` —
//! so anything else is refused where it is written rather than at run time.

use super::ast::{Pos, Reference, Template, TemplatePart};

/// Parses `text`, written at `pos`; `first_column` locates each character
/// (see [`super::node::Kind::Str`]) so errors and references point at `${`.
pub(crate) fn parse(text: &str, pos: Option<Pos>, first_column: Option<usize>) -> Result<Template, (Option<Pos>, String)> {
    let chars: Vec<char> = text.chars().collect();
    let at = |i: usize| match (pos, first_column) {
        (Some(p), Some(c)) => Some(Pos { line: p.line, column: c + i }),
        _ => pos,
    };
    let mut parts = Vec::new();
    let mut literal = String::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i..].starts_with(&['$', '$', '{']) {
            literal.push_str("${");
            i += 3;
        } else if chars[i..].starts_with(&['$', '{']) {
            let Some(len) = chars[i + 2..].iter().position(|c| *c == '}') else {
                return Err((at(i), format!("unterminated interpolation in {text}: `${{` has no closing `}}` (write `$${{` for a literal `${{`)", text = access_service_token::error::quote(&text))));
            };
            let inner: String = chars[i + 2..i + 2 + len].iter().collect();
            let mut reference = reference(&inner).ok_or_else(|| {
                (at(i), format!("invalid reference \"${{{inner}}}\": this engine reads ${{name}} or ${{name.property}}"))
            })?;
            reference.pos = at(i);
            if !literal.is_empty() {
                parts.push(TemplatePart::Text(std::mem::take(&mut literal)));
            }
            parts.push(TemplatePart::Ref(reference));
            i += len + 3;
        } else {
            literal.push(chars[i]);
            i += 1;
        }
    }
    if !literal.is_empty() {
        parts.push(TemplatePart::Text(literal));
    }
    Ok(Template { parts })
}

/// `name` or `name.property`; names may hold `-` and config's `:`.
fn reference(inner: &str) -> Option<Reference> {
    let (root, property) = match inner.split_once('.') {
        Some((root, property)) => (root, Some(property)),
        None => (inner, None),
    };
    let root_ok = !root.is_empty() && root.chars().all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | ':'));
    let property_ok = property.is_none_or(|p| !p.is_empty() && p.chars().all(|c| c.is_alphanumeric() || c == '_'));
    (root_ok && property_ok).then(|| Reference { root: root.to_string(), property: property.map(str::to_string), pos: None })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(root: &str, property: Option<&str>, column: usize) -> TemplatePart {
        TemplatePart::Ref(Reference { root: root.into(), property: property.map(Into::into), pos: Some(Pos { line: 3, column }) })
    }

    #[test]
    fn splits_text_and_references() {
        let t = parse("${first.clientId}-copy of ${name} $${kept}", Some(Pos { line: 3, column: 5 }), Some(5)).unwrap();
        assert_eq!(
            t.parts,
            vec![
                r("first", Some("clientId"), 5),
                TemplatePart::Text("-copy of ".into()),
                r("name", None, 31),
                TemplatePart::Text(" ${kept}".into()),
            ]
        );
        assert_eq!(parse("", None, None).unwrap().parts, vec![]);
    }

    #[test]
    fn refuses_what_it_cannot_evaluate() {
        let p = Some(Pos { line: 1, column: 1 });
        for bad in ["${}", "${a.b.c}", "${ a }", "${f(x)}", "${a[\"b\"]}", "x ${a"] {
            assert!(parse(bad, p, Some(1)).is_err(), "{bad}");
        }
        let (pos, msg) = parse("ab${a.b.c}", p, Some(1)).unwrap_err();
        assert_eq!(pos, Some(Pos { line: 1, column: 3 }));
        assert_eq!(msg, "invalid reference \"${a.b.c}\": this engine reads ${name} or ${name.property}");
    }
}
