//! Policy check outputs: the exact text form CI reads, the documented JSON
//! schema, SARIF validated against the official SARIF 2.1.0 schema, GitHub
//! workflow commands and their escaping; byte-identical output for the same
//! inputs and `now`, one order whatever the file order, and no secret from
//! any fixture in any format.

use access_service_token_policy_rules::render::{github, sarif};
use access_service_token_policy_rules::{render, scan, Format, InputFile, Report, Settings, JSON_SCHEMA_VERSION, RULES};
use chrono::{DateTime, Utc};
use serde_json::Value;

mod common;
use common::{fixture, ALL_FIXTURES};

fn now() -> DateTime<Utc> {
    "2026-03-01T00:00:00Z".parse().unwrap()
}



/// Every client secret written in plain text in the fixtures (and a
/// ciphertext, which must not leak either).
const SECRETS: [&str; 17] = [
    "pulumi-v5-secret-3c9f2b7e81d4a6f0",
    "cfast_PulumiV6SecretXq7Lm2Np4Rs6Tu8Vw0Yz1Ab3Cd5Ef7Gh9Ij2Kl4Mn",
    "tf-v4-secret-0b7d3e9a2c61f845d0a3b7e9c2f61d84",
    "tf-v4-secret-alpha-77c2e0f19a3b5d64",
    "cfast_TfV5SecretZero9Qw8Er7Ty6Ui5Op4As3Df2Gh1Jk0Lz",
    "cfast_TfV5SecretOneMn8Bv7Cx6Za5Sd4Fg3Hj2Kl1Qw0Er",
    "cfast_ShowJsonSecretDeploy1Aa2Bb3Cc4Dd5Ee6Ff7Gg8Hh9",
    "tf-show-secret-prod-5a9e1c3d7b",
    "tf-plan-secret-reporting-c4e8a1",
    "tf-plan-secret-retired-9d2b7f",
    "local-state-secret-5e0f7a9c3b1d2e48",
    "v1:hY8wq3sJm9YkQ0cB:Qm9lbW9yZS1jaXBoZXJ0ZXh0LW9ubHk=",
    "v1:Jm4xR2d0c2V0dGVy:c2Vjb25kLWNpcGhlcnRleHQtb25seQ==",
    "tf-usage-secret-batch-5d1e8c2a9f7b3064",
    "tf-usage-plan-secret-moved-8e2a6c4b",
    "local-usage-secret-7c3e9a1f5b2d4e60",
    "v1:Q2xlYW5lZFVw:Y2xlYW5lZC11cC1jaXBoZXJ0ZXh0LW9ubHk=",
];

fn all_on() -> Settings {
    let mut s = Settings::new(now());
    s.apply_override("non-expiring=advisory").unwrap();
    s
}

fn everything() -> Report {
    let files: Vec<InputFile> = ALL_FIXTURES.iter().map(|(n, _)| fixture(n)).collect();
    scan(&files, None, &all_on()).unwrap()
}

fn all_formats(report: &Report) -> Vec<(Format, String)> {
    Format::ALL.iter().map(|f| (*f, render(report, *f))).collect()
}

#[test]
fn no_secret_reaches_any_output() {
    let report = everything();
    assert!(report.findings.iter().filter(|f| f.rule_id == "plaintext-secret").count() >= 8, "the secrets were found");
    for secret in SECRETS {
        assert!(ALL_FIXTURES.iter().any(|(n, _)| fixture(n).text.contains(secret)), "{secret} is in a fixture");
        let tail = &secret[secret.len() - 12..];
        for (format, out) in all_formats(&report) {
            assert!(!out.contains(secret), "{format} output contains {secret}");
            assert!(!out.contains(tail), "{format} output contains part of {secret}");
        }
        assert!(!format!("{report:?}").contains(tail), "the report itself holds no secret");
    }
}

#[test]
fn text_output_lines_and_the_closing_line() {
    let report = scan(&[fixture("terraform.tfstate")], None, &Settings::new(now())).unwrap();
    let text = render(&report, Format::Text);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), report.findings.len() + 1);
    assert_eq!(*lines.last().unwrap(), format!("{} passed, {} failed", report.passed, report.failed));
    assert_eq!(*lines.last().unwrap(), "47 passed, 3 failed", "5 tokens x 10 rules enabled by default");
    assert!(text.ends_with("failed\n"));
    assert!(lines.contains(
        &"MANDATORY  expired  module.edge.module.tokens.cloudflare_zero_trust_access_service_token.svc[0]  expired at 2026-02-01T00:00:00Z (28 days ago); requests presenting it are refused (terraform.tfstate:135)"
    ), "{text}");
    for (line, f) in lines.iter().zip(&report.findings) {
        let level = if f.level == access_service_token_policy_rules::Level::Mandatory { "MANDATORY" } else { "ADVISORY" };
        assert!(line.starts_with(&format!("{level}  {}  {}  ", f.rule_id, f.address)), "{line}");
    }
    let clean = scan(&[fixture("Pulumi.json")], None, &Settings::new(now())).unwrap();
    let mut s = Settings::new(now());
    s.apply_override("never-renewed=disabled").unwrap();
    let none = scan(&[fixture("Pulumi.json")], None, &s).unwrap();
    assert_eq!(render(&none, Format::Text), "8 passed, 0 failed\n", "2 tokens x 4 rules");
    assert!(render(&clean, Format::Text).starts_with("ADVISORY  never-renewed  Pulumi.json:edgeProbe  "));
}

#[test]
fn json_output_follows_the_documented_schema() {
    let report = everything();
    let v: Value = serde_json::from_str(&render(&report, Format::Json)).unwrap();
    assert_eq!(v["schemaVersion"], JSON_SCHEMA_VERSION);
    assert_eq!(v["now"], "2026-03-01T00:00:00Z");
    assert_eq!(v["expiresWithinDays"], 30);
    assert_eq!(v["idleDays"], 90);
    let files = v["files"].as_array().unwrap();
    assert_eq!(files.len(), ALL_FIXTURES.len());
    assert_eq!(files[0], serde_json::json!({"name": "Pulumi.json", "kind": "program"}), "ordered by name");
    assert!(files.iter().any(|f| f == &serde_json::json!({"name": "terraform.tfstate", "kind": "terraform-state"})));
    assert_eq!(v["rules"].as_array().unwrap().len(), RULES.len());
    assert_eq!(v["rules"][4], serde_json::json!({"id": "non-expiring", "level": "advisory"}));
    let summary = &v["summary"];
    assert_eq!(summary["tokens"], report.tokens_checked);
    assert_eq!(summary["checks"], report.checks);
    assert_eq!(summary["passed"], report.passed);
    assert_eq!(summary["failed"], report.failed);
    assert_eq!(summary["mandatoryFailed"], true);
    assert_eq!(summary["advisory"], report.advisory);
    let findings = v["findings"].as_array().unwrap();
    assert_eq!(findings.len(), report.findings.len());
    for (j, f) in findings.iter().zip(&report.findings) {
        let keys: Vec<&str> = j.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys, ["address", "file", "level", "line", "message", "ruleId"]);
        assert_eq!(j["ruleId"], f.rule_id.as_str());
        assert_eq!(j["level"], f.level.id());
        assert_eq!(j["line"], serde_json::json!(f.line));
    }
}

#[test]
fn sarif_validates_against_the_official_schema() {
    let schema: Value = serde_json::from_str(&fixture("sarif-schema-2.1.0.json").text).unwrap();
    assert_eq!(schema["id"], "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json");
    let validator = jsonschema::draft4::options().should_validate_formats(true).build(&schema).unwrap();
    // A broken log is refused, so the validator really checks.
    assert!(!validator.is_valid(&serde_json::json!({"version": "2.1.0", "runs": [{"tool": {"driver": {}}}]})));
    let mut reports = vec![everything(), scan(&[fixture("Pulumi.json")], None, &Settings::new(now())).unwrap()];
    let odd = fixture("access-tokens.state.json");
    reports.push(scan(&[InputFile::new("state dir/a,b:c#1.json", odd.text)], None, &Settings::new(now())).unwrap());
    for report in &reports {
        let log: Value = serde_json::from_str(&render(report, Format::Sarif)).unwrap();
        let errors: Vec<String> = validator.iter_errors(&log).map(|e| format!("{} at {}", e, e.instance_path())).collect();
        assert!(errors.is_empty(), "{errors:#?}");
    }
}

#[test]
fn sarif_has_what_github_code_scanning_requires() {
    let report = everything();
    let log: Value = serde_json::from_str(&render(&report, Format::Sarif)).unwrap();
    assert_eq!(log["version"], "2.1.0");
    assert_eq!(log["$schema"], sarif::SARIF_SCHEMA);
    let run = &log["runs"][0];
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], sarif::TOOL_NAME);
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    assert!(driver["informationUri"].as_str().unwrap().starts_with("https://"));
    let rules = driver["rules"].as_array().unwrap();
    assert_eq!(rules.len(), RULES.len());
    for (r, rule) in rules.iter().zip(RULES) {
        assert_eq!(r["id"], rule.id);
        assert_eq!(r["name"], rule.name);
        assert_eq!(r["shortDescription"]["text"], rule.summary);
        assert_eq!(r["fullDescription"]["text"], rule.help);
        assert!(r["help"]["text"].as_str().unwrap().starts_with(rule.help));
    }
    let levels: Vec<&str> = rules.iter().map(|r| r["defaultConfiguration"]["level"].as_str().unwrap()).collect();
    assert_eq!(levels, ["error", "error", "warning", "warning", "warning", "warning", "error", "error", "error", "warning", "warning"]);
    let defaults = scan(&[fixture("Pulumi.json")], None, &Settings::new(now())).unwrap();
    let log_defaults: Value = serde_json::from_str(&render(&defaults, Format::Sarif)).unwrap();
    assert_eq!(log_defaults["runs"][0]["tool"]["driver"]["rules"][4]["defaultConfiguration"]["level"], "none", "disabled");

    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), report.findings.len());
    for (r, f) in results.iter().zip(&report.findings) {
        let index = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], r["ruleId"]);
        assert_eq!(r["ruleId"], f.rule_id.as_str());
        assert_eq!(r["level"], if f.level == access_service_token_policy_rules::Level::Mandatory { "error" } else { "warning" });
        assert!(r["message"]["text"].as_str().unwrap().contains(&f.message));
        let loc = &r["locations"][0]["physicalLocation"];
        assert_eq!(loc["artifactLocation"]["uri"], f.file.as_str());
        assert!(loc["region"]["startLine"].as_u64().unwrap() >= 1);
        assert_eq!(loc["region"]["startLine"], f.line.unwrap_or(1));
        let fp = r["partialFingerprints"][sarif::FINGERPRINT_KEY].as_str().unwrap();
        assert_eq!(fp, sarif::fingerprint(&f.rule_id, &f.address));
        assert_eq!(fp.len(), 16);
    }
    assert_ne!(sarif::fingerprint("expired", "a"), sarif::fingerprint("expires-soon", "a"));
    assert_ne!(sarif::fingerprint("expired", "a.b"), sarif::fingerprint("expired.a", "b"));
    assert_eq!(sarif::uri("state dir/a,b:c#1.json"), "state%20dir/a%2Cb%3Ac%231.json");
    assert_eq!(sarif::uri("infra\\prod\\terraform.tfstate"), "infra/prod/terraform.tfstate");
}

#[test]
fn github_workflow_commands() {
    let report = scan(&[fixture("access-tokens.state.json")], None, &Settings::new(now())).unwrap();
    let out = render(&report, Format::Github);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2);
    assert!(lines[0].starts_with("::error file=access-tokens.state.json,line=5,title=expires-soon::access-tokens.state.json:myApp: expires at 2026-03-20T12:00:00Z"), "{out}");
    assert!(lines[1].starts_with("::warning file=access-tokens.state.json,line=5,title=plaintext-secret::"), "{out}");

    assert_eq!(github::escape_data("50% done\r\nnext"), "50%25 done%0D%0Anext");
    assert_eq!(github::escape_property("a,b:c%\n"), "a%2Cb%3Ac%25%0A");
    let odd = InputFile::new("dir,x:y\n.json", fixture("access-tokens.state.json").text);
    let out = render(&scan(&[odd], None, &Settings::new(now())).unwrap(), Format::Github);
    assert!(out.starts_with("::error file=dir%2Cx%3Ay%0A.json,line=5,title=expires-soon::dir,x:y%0A.json:myApp: "), "{out}");
    assert_eq!(out.lines().count(), 2, "a line break in a name cannot forge a command");
}

#[test]
fn the_same_inputs_and_now_give_identical_bytes() {
    let first = all_formats(&everything());
    let second = all_formats(&everything());
    assert_eq!(first, second);
    let mut later = all_on();
    later.now = "2026-06-01T00:00:00Z".parse().unwrap();
    let files: Vec<InputFile> = ALL_FIXTURES.iter().map(|(n, _)| fixture(n)).collect();
    let moved = scan(&files, None, &later).unwrap();
    assert_ne!(render(&moved, Format::Json), first[1].1, "now is part of the judgement");
}

#[test]
fn the_order_does_not_depend_on_the_order_of_files() {
    let forward: Vec<InputFile> = ALL_FIXTURES.iter().map(|(n, _)| fixture(n)).collect();
    let mut backward = forward.clone();
    backward.reverse();
    backward.swap(1, 5);
    let a = scan(&forward, None, &all_on()).unwrap();
    let b = scan(&backward, None, &all_on()).unwrap();
    assert_eq!(all_formats(&a), all_formats(&b));
    let keys: Vec<(String, usize, String, String)> = a.findings.iter().map(|f| (f.file.clone(), f.line.unwrap_or(0), f.address.clone(), f.rule_id.clone())).collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted, "file, line, address, rule id");
    let files: Vec<&str> = a.files.iter().map(|(n, _)| n.as_str()).collect();
    let mut names: Vec<&str> = ALL_FIXTURES.iter().map(|(n, _)| *n).collect();
    names.sort();
    assert_eq!(files, names);
}

#[test]
fn formats_parse_by_id() {
    for f in Format::ALL {
        assert_eq!(f.id().parse::<Format>().unwrap(), f);
    }
    let err = "xml".parse::<Format>().unwrap_err().to_string();
    assert!(err.contains("sarif") && err.contains("github"), "{err}");
    assert_eq!(Format::default(), Format::Text);
}
