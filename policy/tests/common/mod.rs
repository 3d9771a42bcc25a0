//! What the policy tests share: the fixtures, read by name, and the list of
//! every fixture with the input kind it is.

#![allow(dead_code)]

use access_service_token_policy_rules::{InputFile, InputKind};

pub fn fixture(name: &str) -> InputFile {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    InputFile::new(name, std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}")))
}

/// Every fixture, in the order reports are compared in.
pub const ALL_FIXTURES: [(&str, InputKind); 13] = [
    ("pulumi-export-v3.json", InputKind::PulumiExport),
    ("pulumi-export-v4-show-secrets.json", InputKind::PulumiExport),
    ("terraform.tfstate", InputKind::TerraformState),
    ("terraform-show-state.json", InputKind::TerraformShowState),
    ("terraform-plan.json", InputKind::TerraformPlan),
    ("access-tokens.state.json", InputKind::LocalState),
    ("Pulumi.yaml", InputKind::Program),
    ("Pulumi.json", InputKind::Program),
    ("pulumi-export-usage.json", InputKind::PulumiExport),
    ("terraform-usage.tfstate", InputKind::TerraformState),
    ("terraform-plan-usage.json", InputKind::TerraformPlan),
    ("access-tokens-usage.state.json", InputKind::LocalState),
    ("program-enabled.yaml", InputKind::Program),
];
