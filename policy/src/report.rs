//! Runs the rules over every token of every file and counts the checks.
//!
//! A *check* is one (token, rule) pair where the rule is enabled (level not
//! `disabled`) and applies to the token's input kind (programs have no
//! expiry, secret or use, so `expired`, `expires-soon`, `plaintext-secret`,
//! `idle` and `never-used` do not apply to them). Each check yields at most
//! one finding.
//! - `failed`: checks that produced a finding at `mandatory` level;
//! - `passed`: every other check (no finding, or an `advisory` finding);
//! - `advisory`: the advisory findings (counted in `passed`).
//!
//! So `passed + failed = checks`, and the run fails exactly when `failed > 0`.

use super::detect::classify;
use super::inputs;
use super::rules::{self, Level, RULES};
use super::settings::Settings;
use super::token::{InputKind, Token};
use super::{EngineResource, InputFile};
use access_service_token::error::{CheckFailure, Error};
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;

/// One rule's verdict on one token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// The rule's stable id.
    pub rule_id: String,
    /// `Mandatory` or `Advisory` (disabled rules produce no findings).
    pub level: Level,
    /// The input file's name.
    pub file: String,
    /// 1-based line of the resource in the file, when found.
    pub line: Option<usize>,
    /// Terraform address, Pulumi URN, or `<file>:<resource name>`.
    pub address: String,
    /// What is wrong and what to do; never contains a secret.
    pub message: String,
}

/// The outcome of a scan, with what the renderers need to describe it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    /// Findings ordered by file, line, address, rule id.
    pub findings: Vec<Finding>,
    /// Tokens read across all files.
    pub tokens_checked: usize,
    /// Each file and the kind it was read as, ordered by name.
    pub files: Vec<(String, InputKind)>,
    /// Checks run (see the module doc).
    pub checks: usize,
    /// Checks without a mandatory finding.
    pub passed: usize,
    /// Checks with a mandatory finding.
    pub failed: usize,
    /// Advisory findings.
    pub advisory: usize,
    /// The time the expiry rules compared with.
    pub now: DateTime<Utc>,
    /// The expires-soon window used.
    pub expires_within_days: u32,
    /// The idle window used (idle, never-used).
    pub idle_days: u32,
    /// The level each rule ran at.
    pub levels: BTreeMap<String, Level>,
}

impl Report {
    /// Whether the run fails: some mandatory check failed.
    pub fn mandatory_failed(&self) -> bool {
        self.failed > 0
    }
}

/// Reads every file (detecting its kind unless `forced`), then judges each
/// token by each enabled rule. Files are processed in name order so the
/// report does not depend on the order they were given in. Problems in
/// several files are reported together.
pub fn scan(files: &[InputFile], forced: Option<InputKind>, settings: &Settings) -> Result<Report, Error> {
    if files.is_empty() {
        return Err(Error::invalid("files", "no input files given"));
    }
    let mut ordered: Vec<&InputFile> = files.iter().collect();
    ordered.sort_by(|a, b| a.name.cmp(&b.name));
    let (mut tokens, mut kinds, mut failures) = (Vec::<Token>::new(), Vec::new(), Vec::new());
    for file in ordered {
        let read = classify(file, forced).and_then(|(kind, doc)| Ok((kind, inputs::read(file, kind, doc.as_ref())?)));
        match read {
            Ok((kind, ts)) => {
                kinds.push((file.name.clone(), kind));
                tokens.extend(ts);
            }
            Err(Error::InvalidInput(f)) => failures.extend(f),
            Err(e) => return Err(e),
        }
    }
    if !failures.is_empty() {
        return Err(Error::InvalidInput(failures));
    }
    Ok(judge(&tokens, kinds, settings))
}

/// The most failures an analysis reports one by one; the rest are counted,
/// so a stack of bad resources does not make an error larger than the stack.
const MAX_LISTED_FAILURES: usize = 20;

/// Judges the service tokens among the resources the Pulumi engine hands a
/// policy analyzer (`Analyze`: one; `AnalyzeStack`: all), in one pass. Other
/// resource types are skipped and not counted. A `clientSecret` the engine
/// holds as a secret is protected; a bare one is `plaintext-secret`; an
/// unknown value (a preview) fires no rule. Findings have the URN as address
/// and no file. Resources with unreadable properties are reported together.
pub fn analyze(resources: &[EngineResource], settings: &Settings) -> Result<Report, Error> {
    let (mut tokens, mut failures, mut more) = (Vec::new(), Vec::new(), 0usize);
    for r in resources {
        match inputs::engine::read(r) {
            Ok(Some(t)) => tokens.push(t),
            Ok(None) => {}
            Err(Error::InvalidInput(f)) if failures.len() < MAX_LISTED_FAILURES => failures.extend(f),
            Err(Error::InvalidInput(_)) => more += 1,
            Err(e) => return Err(e),
        }
    }
    if more > 0 {
        failures.push(CheckFailure::new("resources", format!("and {more} more with unreadable properties")));
    }
    if !failures.is_empty() {
        return Err(Error::InvalidInput(failures));
    }
    Ok(judge(&tokens, Vec::new(), settings))
}

/// Runs every enabled, applicable rule over every token: the one rule loop
/// behind [`scan`] and [`analyze`]. Linear in the tokens (then one sort).
fn judge(tokens: &[Token], files: Vec<(String, InputKind)>, settings: &Settings) -> Report {
    let mut report = Report {
        findings: Vec::new(),
        tokens_checked: tokens.len(),
        files,
        checks: 0,
        passed: 0,
        failed: 0,
        advisory: 0,
        now: settings.now,
        expires_within_days: settings.expires_within_days,
        idle_days: settings.idle_days,
        levels: RULES.iter().map(|r| (r.id.to_string(), settings.level(r.id))).collect(),
    };
    let levels: Vec<Level> = RULES.iter().map(|r| settings.level(r.id)).collect();
    for token in tokens {
        for (rule, &level) in RULES.iter().zip(&levels) {
            if level == Level::Disabled || !rules::applies_to(rule, token.kind) {
                continue;
            }
            report.checks += 1;
            let Some(message) = rules::evaluate(rule, token, settings) else {
                report.passed += 1;
                continue;
            };
            if level == Level::Mandatory {
                report.failed += 1;
            } else {
                report.passed += 1;
                report.advisory += 1;
            }
            report.findings.push(Finding {
                rule_id: rule.id.to_string(),
                level,
                file: token.file.clone(),
                line: token.line,
                address: token.address.clone(),
                message,
            });
        }
    }
    report.findings.sort_by(|a, b| {
        (&a.file, a.line.unwrap_or(0), &a.address, &a.rule_id).cmp(&(&b.file, b.line.unwrap_or(0), &b.address, &b.rule_id))
    });
    report
}
