//! Codec errors: a path into the value and what was expected and found, so
//! a diagnostic can point at the attribute (`attribute "name": expected a
//! string, found an integer`).

use crate::proto::{attribute_path, AttributePath};
use std::fmt;

/// One step into a value.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PathStep {
    /// An object attribute.
    Attr(String),
    /// A list, set or tuple element, by position.
    Index(u64),
    /// A map element, by key.
    Key(String),
}

/// A path from the root of a value, e.g. `rules[0].name`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Path(pub Vec<PathStep>);

impl Path {
    /// The root.
    pub fn root() -> Path {
        Path(Vec::new())
    }

    /// This path and one more step.
    pub fn join(&self, step: PathStep) -> Path {
        let mut steps = self.0.clone();
        steps.push(step);
        Path(steps)
    }

    /// The path as a protocol `AttributePath`, for a diagnostic or
    /// `requires_replace`.
    pub fn to_proto(&self) -> AttributePath {
        use attribute_path::step::Selector;
        let steps = self
            .0
            .iter()
            .map(|step| attribute_path::Step {
                selector: Some(match step {
                    PathStep::Attr(name) => Selector::AttributeName(name.clone()),
                    PathStep::Index(i) => {
                        Selector::ElementKeyInt(i64::try_from(*i).unwrap_or(i64::MAX))
                    }
                    PathStep::Key(key) => Selector::ElementKeyString(key.clone()),
                }),
            })
            .collect();
        AttributePath { steps }
    }
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, step) in self.0.iter().enumerate() {
            match step {
                PathStep::Attr(name) if i == 0 => write!(f, "{name}")?,
                PathStep::Attr(name) => write!(f, ".{name}")?,
                PathStep::Index(n) => write!(f, "[{n}]")?,
                PathStep::Key(key) => write!(f, "[{key:?}]")?,
            }
        }
        Ok(())
    }
}

/// A value that could not be decoded or encoded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    /// Where in the value.
    pub path: Path,
    /// What went wrong there.
    pub message: String,
}

impl Error {
    pub fn new(path: &Path, message: impl Into<String>) -> Error {
        Error {
            path: path.clone(),
            message: message.into(),
        }
    }

    /// `expected {expected}, found {found}`.
    pub fn mismatch(path: &Path, expected: &str, found: &str) -> Error {
        Error::new(path, format!("expected {expected}, found {found}"))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.0.is_empty() {
            write!(f, "{}", self.message)
        } else {
            write!(f, "attribute \"{}\": {}", self.path, self.message)
        }
    }
}

impl std::error::Error for Error {}
