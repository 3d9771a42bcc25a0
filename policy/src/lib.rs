//! Sandboxed CI policy checks over the state teams already have: fail the
//! build before a service token lapses, without network access or
//! credentials. Expired service tokens break machine-to-machine access
//! silently; Terraform v4 and Pulumi v5 renew only as a hidden side effect of
//! a refresh, and Terraform v5 and Pulumi v6 dropped renewal altogether.
//!
//! Reads Pulumi stack exports, Terraform state, `terraform show -json` of a
//! state or a plan, this tool's state file and its programs (see
//! [`InputKind`]); every token becomes one [`Token`], judged by the
//! [`RULES`] at the levels of [`Settings`] ([`analyze`] does the same for the
//! resources the Pulumi engine hands a policy pack); the [`Report`] renders as text,
//! JSON, SARIF or GitHub workflow commands. Pure: files arrive as text and
//! the time as a parameter, so it runs inside the wasm32-wasip2 component and
//! the same inputs at the same `now` give byte-identical output. No secret
//! value is ever kept past reading: a token records only *whether* its
//! secret was in plain text.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod detect;
mod inputs;
pub mod render;
mod report;
pub mod rules;
mod settings;
mod token;
mod yaml;

pub use detect::detect;
pub use render::{json::JSON_SCHEMA_VERSION, render, Format};
pub use report::{analyze, scan, Finding, Report};
pub use rules::{Level, Rule, RULES};
pub use settings::{Settings, DEFAULT_EXPIRES_WITHIN_DAYS, DEFAULT_IDLE_DAYS, EXPIRES_WITHIN_DAYS_KEY, IDLE_DAYS_KEY, MAX_EXPIRES_WITHIN_DAYS, MAX_IDLE_DAYS, MIN_IDLE_DAYS};
pub use token::{Field, InputKind, Token};

/// One input: a file's name (used in findings, SARIF locations and errors)
/// and its text. The caller reads the file; this module does no I/O.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputFile {
    /// The name as the user gave it (a path relative to the repository
    /// root makes SARIF locations clickable).
    pub name: String,
    /// The file's contents.
    pub text: String,
}

impl InputFile {
    /// A file from its name and text.
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        InputFile { name: name.into(), text: text.into() }
    }
}

/// One resource as the Pulumi engine hands it to a policy analyzer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EngineResource {
    /// The resource's URN: a finding's address.
    pub urn: String,
    /// Its type token; resources of other types than a service token's are skipped.
    pub ty: String,
    /// Its properties as JSON text (protobuf `Struct` JSON mapping), secrets
    /// wrapped with Pulumi's signature, values unknown in a preview as the
    /// unknown sentinel.
    pub properties: String,
}

impl EngineResource {
    /// A resource from its URN, type and properties.
    pub fn new(urn: impl Into<String>, ty: impl Into<String>, properties: impl Into<String>) -> Self {
        EngineResource { urn: urn.into(), ty: ty.into(), properties: properties.into() }
    }
}

/// The tokens of one file, normalized, without judging them: for callers
/// that want to list what a file holds (and for tests of the readers).
pub fn tokens(file: &InputFile, forced: Option<InputKind>) -> Result<Vec<Token>, access_service_token::Error> {
    let (kind, doc) = detect::classify(file, forced)?;
    inputs::read(file, kind, doc.as_ref())
}
