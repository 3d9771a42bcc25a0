//! The default output: `LEVEL  rule-id  address  message (file:line)` per
//! finding, then `N passed, N failed` alone on the last line. CI tooling
//! reads that closing line, so its form never changes.

use super::one_line;
use crate::policy::report::Report;

/// Renders the text report (ends with a newline).
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for f in &report.findings {
        let at = match f.line {
            Some(l) => format!("{}:{l}", f.file),
            None => f.file.clone(),
        };
        let level = f.level.id().to_ascii_uppercase();
        out.push_str(&one_line(&format!("{level}  {}  {}  {} ({at})", f.rule_id, f.address, f.message)));
        out.push('\n');
    }
    out.push_str(&format!("{} passed, {} failed\n", report.passed, report.failed));
    out
}
