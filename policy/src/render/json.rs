//! The JSON output, a stable schema for scripts. Version
//! [`JSON_SCHEMA_VERSION`]; a field is only ever added, and removing or
//! changing one bumps the version.
//!
//! ```text
//! {
//!   "schemaVersion": 1,
//!   "now": "2026-03-01T00:00:00Z",          // RFC 3339, the time judged against
//!   "expiresWithinDays": 30,                // the expires-soon window
//!   "idleDays": 90,                         // the idle and never-used window
//!   "files": [{"name": "terraform.tfstate", "kind": "terraform-state"}],
//!                                           // ordered by name; kind is an InputKind id
//!   "rules": [{"id": "expired", "level": "mandatory"}],
//!                                           // every rule, table order, level used
//!   "summary": {
//!     "tokens": 5,                          // tokens read
//!     "checks": 30,                         // token x enabled, applicable rule
//!     "passed": 28,                         // checks without a mandatory finding
//!     "failed": 2,                          // checks with a mandatory finding
//!     "mandatoryFailed": true,              // failed > 0: the run fails
//!     "advisory": 3                         // advisory findings (within passed)
//!   },
//!   "findings": [{
//!     "ruleId": "expired",
//!     "level": "mandatory",                 // or "advisory"
//!     "file": "terraform.tfstate",
//!     "line": 12,                           // 1-based, or null when not found
//!     "address": "module.a.cloudflare_access_service_token.x[0]",
//!     "message": "expired at …"             // never contains a secret
//!   }]                                      // ordered by file, line, address, ruleId
//! }
//! ```
//!
//! Object keys are written in sorted order; the text ends with a newline.

use crate::report::Report;
use crate::rules::{time, RULES};
use serde_json::{json, Value};

/// The version of the JSON output's schema.
pub const JSON_SCHEMA_VERSION: u32 = 1;

/// The report as a JSON value.
pub fn value(report: &Report) -> Value {
    let files: Vec<Value> = report.files.iter().map(|(name, kind)| json!({"name": name, "kind": kind.id()})).collect();
    let rules: Vec<Value> = RULES
        .iter()
        .map(|r| json!({"id": r.id, "level": report.levels.get(r.id).copied().unwrap_or(r.default_level).id()}))
        .collect();
    let findings: Vec<Value> = report
        .findings
        .iter()
        .map(|f| json!({"ruleId": f.rule_id, "level": f.level.id(), "file": f.file, "line": f.line, "address": f.address, "message": f.message}))
        .collect();
    json!({
        "schemaVersion": JSON_SCHEMA_VERSION,
        "now": time(report.now),
        "expiresWithinDays": report.expires_within_days,
        "idleDays": report.idle_days,
        "files": files,
        "rules": rules,
        "summary": {
            "tokens": report.tokens_checked,
            "checks": report.checks,
            "passed": report.passed,
            "failed": report.failed,
            "mandatoryFailed": report.mandatory_failed(),
            "advisory": report.advisory,
        },
        "findings": findings,
    })
}

/// Renders the JSON report, pretty-printed.
pub fn render(report: &Report) -> String {
    let mut text = serde_json::to_string_pretty(&value(report)).unwrap_or_else(|_| "{}".into());
    text.push('\n');
    text
}
