//! A wrapper for secrets (client secret, API token, API key) that never shows
//! its value through `Debug` or `Display`, so a secret cannot reach a log or
//! an error message by accident. Reading it is explicit: [`Secret::expose`].

use serde::{Deserialize, Serialize};

/// A secret string. Serializes as its value (state files and wire bodies need
/// it); formats as `[secret]`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// Wraps a value.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The value itself; call only where it must leave the process (an HTTP
    /// header, the component's typed result).
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[secret]")
    }
}

impl std::fmt::Display for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[secret]")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_hide_the_value() {
        let s = Secret::new("cfast_hunter2");
        assert_eq!(format!("{s:?}"), "[secret]");
        assert_eq!(format!("{s}"), "[secret]");
        assert_eq!(format!("{:?}", Some(&s)), "Some([secret])");
        assert_eq!(s.expose(), "cfast_hunter2");
    }
}
