//! The normalized token every rule sees, whatever file it came from: each
//! reader (Pulumi export, Terraform state, `terraform show -json`, this
//! project's state and programs) maps its own shape onto this one record, so
//! a rule is written once and judged the same way for every tool.

use chrono::{DateTime, Utc};
use std::fmt;
use std::str::FromStr;

/// The kinds of file a scan reads; detection picks one per file unless the
/// caller forces it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum InputKind {
    /// `pulumi stack export` (deployment v3 or v4), with or without `--show-secrets`.
    PulumiExport,
    /// A Terraform state file (`terraform.tfstate`, format version 4).
    TerraformState,
    /// `terraform show -json` of a state.
    TerraformShowState,
    /// `terraform show -json` of a saved plan: the planned values are judged.
    TerraformPlan,
    /// This project's own state file (`access-tokens.state.json`).
    LocalState,
    /// This project's Pulumi YAML or JSON program, checked before deploying.
    Program,
    /// Resources the Pulumi engine hands a policy analyzer (`Analyze`,
    /// `AnalyzeStack`): not a file, so not in [`InputKind::ALL`] (what
    /// `--kind` accepts); [`crate::analyze`] reads them.
    PulumiEngine,
}

impl InputKind {
    /// Every file kind, in the order they are listed in messages (what a
    /// scan can detect or be forced to; [`InputKind::PulumiEngine`] is not one).
    pub const ALL: [InputKind; 6] = [
        InputKind::PulumiExport,
        InputKind::TerraformState,
        InputKind::TerraformShowState,
        InputKind::TerraformPlan,
        InputKind::LocalState,
        InputKind::Program,
    ];

    /// The stable kebab-case id used on the command line and in JSON output.
    pub fn id(self) -> &'static str {
        match self {
            InputKind::PulumiExport => "pulumi-export",
            InputKind::TerraformState => "terraform-state",
            InputKind::TerraformShowState => "terraform-show-state",
            InputKind::TerraformPlan => "terraform-plan",
            InputKind::LocalState => "local-state",
            InputKind::Program => "program",
            InputKind::PulumiEngine => "pulumi-engine",
        }
    }

    /// What the kind is, for the error about a file of no known kind.
    pub fn describe(self) -> &'static str {
        match self {
            InputKind::PulumiExport => "a Pulumi stack export (pulumi stack export)",
            InputKind::TerraformState => "a Terraform state file (terraform.tfstate, version 4)",
            InputKind::TerraformShowState => "terraform show -json of a state",
            InputKind::TerraformPlan => "terraform show -json of a plan",
            InputKind::LocalState => "this tool's state file (version 1)",
            InputKind::Program => "a Pulumi YAML or JSON program",
            InputKind::PulumiEngine => "resources the Pulumi engine hands a policy analyzer",
        }
    }

    /// Whether the file spells properties the Terraform way (`min_days_for_renewal`),
    /// so messages name them as the reader knows them.
    pub fn snake_case(self) -> bool {
        matches!(self, InputKind::TerraformState | InputKind::TerraformShowState | InputKind::TerraformPlan)
    }
}

impl fmt::Display for InputKind {
    /// Writes the stable id, so messages and JSON agree.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl FromStr for InputKind {
    type Err = access_service_token::Error;

    /// Parses a forced kind; the error lists the valid ids.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        InputKind::ALL.into_iter().find(|k| k.id() == s).ok_or_else(|| {
            let ids: Vec<&str> = InputKind::ALL.iter().map(|k| k.id()).collect();
            access_service_token::Error::invalid("kind", format!("unknown input kind {s}; expected one of {}", ids.join(", "), s = access_service_token::error::quote(&s)))
        })
    }
}

/// A property as far as the file tells: a plan or a program may not know a
/// value yet, which is different from the value being absent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Field<T> {
    /// The value is in the file.
    Known(T),
    /// The value exists but cannot be read: computed at apply (plan or
    /// program) or encrypted (Pulumi ciphertext).
    Unknown,
    /// Not set (missing, null or an empty string).
    Absent,
}

impl<T> Field<T> {
    /// The value when known.
    pub fn known(&self) -> Option<&T> {
        match self {
            Field::Known(v) => Some(v),
            Field::Unknown | Field::Absent => None,
        }
    }

    /// Known or unknown: something is set, even if we cannot see what.
    pub fn is_set(&self) -> bool {
        !matches!(self, Field::Absent)
    }
}

/// One token instance, as every rule sees it.
#[derive(Clone, Debug, PartialEq)]
pub struct Token {
    /// The input file's name, as given.
    pub file: String,
    /// The kind the file was read as.
    pub kind: InputKind,
    /// Terraform address, Pulumi URN, or `<file>:<resource name>`.
    pub address: String,
    /// 1-based line where the resource appears in the file (best effort).
    pub line: Option<usize>,
    /// The account the token belongs to.
    pub account_id: Field<String>,
    /// The zone the token belongs to.
    pub zone_id: Field<String>,
    /// The token's display name.
    pub name: Field<String>,
    /// Renewal window in days (0 or absent: never renewed).
    pub min_days_for_renewal: Field<i64>,
    /// Go duration or `forever`; absent means the API default (8760h).
    pub duration: Field<String>,
    /// When the token lapses.
    pub expires_at: Field<DateTime<Utc>>,
    /// The client secret is in the file in plain text. The secret itself is
    /// never kept, so nothing downstream can leak it.
    pub secret_in_plaintext: bool,
    /// Whether the token is enabled at Cloudflare (`false`: it authenticates
    /// nothing). `Absent` is enabled: the Cloudflare provider's resources and
    /// state written before the property existed do not carry it, and this
    /// project's state leaves it out only when it is the default, `true`.
    pub enabled: Field<bool>,
    /// When Cloudflare created the token (`Absent` where the source does not
    /// record it: the Cloudflare provider's resources, older state).
    pub created_at: Field<DateTime<Utc>>,
    /// When the token last authenticated at an Access application. `None`:
    /// the resource does not record it at all (a Cloudflare provider resource
    /// without the attribute, a program), so nothing can be told about its
    /// use; `Some(Field::Absent)`: recorded, and it never has.
    pub last_seen_at: Option<Field<DateTime<Utc>>>,
}
