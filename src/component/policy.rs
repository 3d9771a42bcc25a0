//! The `policy` export: files in as text, a report out. Calls nothing.

use super::exports::cloudflare::access_service_token::policy as wit;
use super::{error_out, Component};
use crate::policy as p;
use chrono::{DateTime, Utc};

type WitError = super::wit::Error;

impl wit::Guest for Component {
    fn scan(files: Vec<wit::InputFile>, settings: wit::Settings, format: wit::ReportFormat) -> Result<wit::Report, WitError> {
        let now = match settings.now {
            Some(t) => DateTime::from_timestamp(t.seconds, t.nanoseconds)
                .ok_or_else(|| error_out(crate::Error::invalid("now", "outside the supported range of dates")))?,
            None => Utc::now(),
        };
        let file = |f: wit::InputFile| p::InputFile::new(f.name, f.text);
        let policy_file = settings.policy_file.map(file);
        let built = p::Settings::build(now, policy_file.as_ref(), &settings.overrides).map_err(error_out)?;
        let kind = settings.kind.map(|k| match k {
            wit::InputKind::PulumiExport => p::InputKind::PulumiExport,
            wit::InputKind::TerraformState => p::InputKind::TerraformState,
            wit::InputKind::TerraformShowState => p::InputKind::TerraformShowState,
            wit::InputKind::TerraformPlan => p::InputKind::TerraformPlan,
            wit::InputKind::LocalState => p::InputKind::LocalState,
            wit::InputKind::Program => p::InputKind::Program,
        });
        let inputs: Vec<p::InputFile> = files.into_iter().map(file).collect();
        let report = p::scan(&inputs, kind, &built).map_err(error_out)?;
        let format = match format {
            wit::ReportFormat::Text => p::Format::Text,
            wit::ReportFormat::Json => p::Format::Json,
            wit::ReportFormat::Sarif => p::Format::Sarif,
            wit::ReportFormat::Github => p::Format::Github,
        };
        Ok(wit::Report {
            rendered: p::render(&report, format),
            findings: report
                .findings
                .iter()
                .map(|f| wit::Finding {
                    rule_id: f.rule_id.clone(),
                    level: match f.level {
                        p::Level::Mandatory => wit::Level::Mandatory,
                        p::Level::Advisory => wit::Level::Advisory,
                        p::Level::Disabled => wit::Level::Disabled,
                    },
                    file: f.file.clone(),
                    line: f.line.map(|l| l as u32),
                    address: f.address.clone(),
                    message: f.message.clone(),
                })
                .collect(),
            tokens_checked: report.tokens_checked as u32,
            passed: report.passed as u32,
            failed: report.failed as u32,
        })
    }
}
