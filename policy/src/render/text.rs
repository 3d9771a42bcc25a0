//! The default output: `LEVEL  rule-id  address  message (file:line)` per
//! finding (no parenthesis when there is no file), then `N passed, N failed`
//! alone on the last line. CI tooling reads that closing line, so its form
//! never changes.

use super::one_line;
use crate::report::Report;

/// Renders the text report (ends with a newline).
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for f in &report.findings {
        // Findings of the Pulumi engine's resources have no file: nothing to point at.
        let at = match (f.line, f.file.is_empty()) {
            (Some(l), _) => format!(" ({}:{l})", f.file),
            (None, false) => format!(" ({})", f.file),
            (None, true) => String::new(),
        };
        let level = f.level.id().to_ascii_uppercase();
        out.push_str(&one_line(&format!("{level}  {}  {}  {}{at}", f.rule_id, f.address, f.message)));
        out.push('\n');
    }
    out.push_str(&format!("{} passed, {} failed\n", report.passed, report.failed));
    out
}
