//! The `policy-component` world's glue (`access_service_token_policy.wasm`):
//! files (or the Pulumi engine's resources) in as text, a report out. It
//! calls nothing and links no transport, so the component imports no
//! `wasi:http`, no `wasi:sockets`, no filesystem and no environment.
#![cfg(target_arch = "wasm32")]
#![allow(unsafe_code, missing_docs)]

use access_service_token_policy_rules as p;
use component_types::{error_out, now_or_clock};

wit_bindgen::generate!({
    world: "policy-component",
    path: "../../wit",
    with: { "cloudflare:access-service-token/types@0.3.0": component_types::wit },
});

use exports::cloudflare::access_service_token::policy as wit;

struct Component;

export!(Component);

type WitError = component_types::wit::Error;

impl wit::Guest for Component {
    fn scan(files: Vec<wit::InputFile>, settings: wit::Settings, format: wit::ReportFormat) -> Result<wit::Report, WitError> {
        let kind = settings.kind.map(|k| match k {
            wit::InputKind::PulumiExport => p::InputKind::PulumiExport,
            wit::InputKind::TerraformState => p::InputKind::TerraformState,
            wit::InputKind::TerraformShowState => p::InputKind::TerraformShowState,
            wit::InputKind::TerraformPlan => p::InputKind::TerraformPlan,
            wit::InputKind::LocalState => p::InputKind::LocalState,
            wit::InputKind::Program => p::InputKind::Program,
        });
        let built = settings_in(settings)?;
        let inputs: Vec<p::InputFile> = files.into_iter().map(file_in).collect();
        let report = p::scan(&inputs, kind, &built).map_err(error_out)?;
        let format = match format {
            wit::ReportFormat::Text => p::Format::Text,
            wit::ReportFormat::Json => p::Format::Json,
            wit::ReportFormat::Sarif => p::Format::Sarif,
            wit::ReportFormat::Github => p::Format::Github,
        };
        Ok(report_out(&report, format))
    }

    fn rules() -> Vec<wit::RuleInfo> {
        p::RULES
            .iter()
            .map(|r| wit::RuleInfo {
                id: r.id.into(),
                name: r.name.into(),
                summary: r.summary.into(),
                help: r.help.into(),
                default_level: level_out(r.default_level),
            })
            .collect()
    }

    fn analyze(resources: Vec<wit::EngineResource>, settings: wit::Settings) -> Result<wit::Report, WitError> {
        let built = settings_in(settings)?;
        let resources: Vec<p::EngineResource> =
            resources.into_iter().map(|r| p::EngineResource { urn: r.urn, ty: r.type_, properties: r.properties }).collect();
        let report = p::analyze(&resources, &built).map_err(error_out)?;
        Ok(report_out(&report, p::Format::Text))
    }
}

fn file_in(f: wit::InputFile) -> p::InputFile {
    p::InputFile::new(f.name, f.text)
}

/// The run's settings: `now` (or the wall clock), then the policy file, then
/// the overrides. The forced kind is the caller's business.
fn settings_in(settings: wit::Settings) -> Result<p::Settings, WitError> {
    let now = now_or_clock(settings.now)?;
    let policy_file = settings.policy_file.map(file_in);
    p::Settings::build(now, policy_file.as_ref(), &settings.overrides).map_err(error_out)
}

fn level_out(level: p::Level) -> wit::Level {
    match level {
        p::Level::Mandatory => wit::Level::Mandatory,
        p::Level::Advisory => wit::Level::Advisory,
        p::Level::Disabled => wit::Level::Disabled,
    }
}

fn report_out(report: &p::Report, format: p::Format) -> wit::Report {
    wit::Report {
        rendered: p::render(report, format),
        findings: report
            .findings
            .iter()
            .map(|f| wit::Finding {
                rule_id: f.rule_id.clone(),
                level: level_out(f.level),
                file: f.file.clone(),
                line: f.line.map(|l| l as u32),
                address: f.address.clone(),
                message: f.message.clone(),
            })
            .collect(),
        tokens_checked: report.tokens_checked as u32,
        passed: report.passed as u32,
        failed: report.failed as u32,
    }
}
