//! Output formats, each a pure function of the report: plain text for
//! people and CI logs, JSON for scripts, SARIF for code-scanning dashboards,
//! and GitHub workflow commands for inline annotations.

pub mod github;
pub mod json;
pub mod sarif;
pub mod text;

use super::report::Report;
use std::fmt;
use std::str::FromStr;

/// The output formats.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Format {
    /// One line per finding and the closing `N passed, N failed` line.
    #[default]
    Text,
    /// The documented JSON schema of [`json`].
    Json,
    /// SARIF 2.1.0 as GitHub code scanning accepts it.
    Sarif,
    /// GitHub Actions workflow commands (`::error …`).
    Github,
}

impl Format {
    /// Every format, for messages listing the valid ones.
    pub const ALL: [Format; 4] = [Format::Text, Format::Json, Format::Sarif, Format::Github];

    /// The id used on the command line.
    pub fn id(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Github => "github",
        }
    }
}

impl fmt::Display for Format {
    /// Writes the command-line id.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl FromStr for Format {
    type Err = access_service_token::Error;

    /// Parses a command-line id; the error lists the valid ones.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Format::ALL.into_iter().find(|f| f.id() == s).ok_or_else(|| {
            let ids: Vec<&str> = Format::ALL.iter().map(|f| f.id()).collect();
            access_service_token::Error::invalid("format", format!("unknown format {s:?}; expected one of {}", ids.join(", ")))
        })
    }
}

/// Renders the report in the given format.
pub fn render(report: &Report, format: Format) -> String {
    match format {
        Format::Text => text::render(report),
        Format::Json => json::render(report),
        Format::Sarif => sarif::render(report),
        Format::Github => github::render(report),
    }
}

/// One line of text: line breaks in a value would forge extra lines.
pub(crate) fn one_line(s: &str) -> String {
    s.replace(['\r', '\n'], " ")
}
