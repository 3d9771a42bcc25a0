//! GitHub Actions workflow commands, one per finding, so findings show as
//! annotations on the run and the pull request:
//! `::error file=F,line=L,title=rule-id::address: message` (`::warning` for
//! advisory findings), escaped as the Actions runner unescapes them.

use crate::report::Report;
use crate::rules::Level;

/// Escapes a command's message: `%`, CR and LF.
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escapes a property value: as data, plus `:` and `,`, which delimit properties.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// Renders one workflow command per finding (ends with a newline when any).
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for f in &report.findings {
        let command = if f.level == Level::Mandatory { "error" } else { "warning" };
        let line = f.line.map(|l| format!(",line={l}")).unwrap_or_default();
        out.push_str(&format!(
            "::{command} file={}{line},title={}::{}\n",
            escape_property(&f.file),
            escape_property(&f.rule_id),
            escape_data(&format!("{}: {}", f.address, f.message))
        ));
    }
    out
}
