//! Policy checks: every input kind read from fixtures shaped after the real
//! files, every rule positive and negative, settings from policy files and
//! overrides, detection and its errors, and the passed/failed counts.

use access_service_token_policy_rules::{self as policy, detect, rules, scan, Field, Finding, InputFile, InputKind, Level, Report, Settings, Token, RULES};
use chrono::{DateTime, Utc};

mod common;
use common::{fixture, ALL_FIXTURES};

fn now() -> DateTime<Utc> {
    "2026-03-01T00:00:00Z".parse().unwrap()
}


/// Defaults with every rule enabled (non-expiring is disabled by default).
fn all_on() -> Settings {
    let mut s = Settings::new(now());
    s.apply_override("non-expiring=advisory").unwrap();
    s
}

fn scan_one(name: &str, settings: &Settings) -> Report {
    scan(&[fixture(name)], None, settings).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// The rule ids found for one address, sorted.
fn rules_for(report: &Report, address: &str) -> Vec<String> {
    let mut ids: Vec<String> = report.findings.iter().filter(|f| f.address == address).map(|f| f.rule_id.clone()).collect();
    ids.sort();
    ids
}

fn find<'a>(report: &'a Report, address: &str, rule: &str) -> &'a Finding {
    report.findings.iter().find(|f| f.address == address && f.rule_id == rule).unwrap_or_else(|| panic!("no {rule} for {address}: {:#?}", report.findings))
}

fn token<'a>(tokens: &'a [Token], address: &str) -> &'a Token {
    tokens.iter().find(|t| t.address == address).unwrap_or_else(|| panic!("no token {address}"))
}

/// The 1-based line of the first occurrence of `needle`.
fn line_of(file: &InputFile, needle: &str) -> usize {
    let at = file.text.find(needle).unwrap_or_else(|| panic!("{needle} not in {}", file.name));
    file.text[..at].matches('\n').count() + 1
}


/// The fixtures written before `enabled`, `createdAt` and `lastSeenAt`
/// existed (and the Cloudflare provider's resources, which lack them).
const PRE_USAGE_FIXTURES: [&str; 8] = [
    "pulumi-export-v3.json",
    "pulumi-export-v4-show-secrets.json",
    "terraform.tfstate",
    "terraform-show-state.json",
    "terraform-plan.json",
    "access-tokens.state.json",
    "Pulumi.yaml",
    "Pulumi.json",
];

const V5: &str = "cloudflare:index/accessServiceToken:AccessServiceToken";
const V6: &str = "cloudflare:index/zeroTrustAccessServiceToken:ZeroTrustAccessServiceToken";

// ---- detection -------------------------------------------------------------

#[test]
fn detects_every_kind() {
    for (name, kind) in ALL_FIXTURES {
        assert_eq!(detect(&fixture(name)).unwrap(), kind, "{name}");
    }
    // The project's empty state and Terraform's empty state are still recognised.
    let empty_local = InputFile::new("s.json", r#"{"version": 1, "resources": [], "outputs": {}}"#);
    assert_eq!(detect(&empty_local).unwrap(), InputKind::LocalState);
    let empty_tf = InputFile::new("t.tfstate", r#"{"version": 4, "terraform_version": "1.9.8", "serial": 1, "lineage": "x", "outputs": {}, "resources": []}"#);
    assert_eq!(detect(&empty_tf).unwrap(), InputKind::TerraformState);
    // Aliases are beyond the policy file reader, not beyond programs.
    let aliased = InputFile::new("Pulumi.yaml", "resources:\n  a:\n    type: cloudflare:AccessServiceToken\n    properties: &p\n      accountId: f037e56e89293a057740de681ac9abbe\n      name: a\n  b:\n    type: cloudflare:AccessServiceToken\n    properties: *p\n");
    assert_eq!(detect(&aliased).unwrap(), InputKind::Program);
    assert_eq!(policy::tokens(&aliased, None).unwrap().len(), 2);
    let empty_show = InputFile::new("show.json", r#"{"format_version": "1.0"}"#);
    assert_eq!(detect(&empty_show).unwrap(), InputKind::TerraformShowState);
}

#[test]
fn a_file_of_no_known_kind_is_a_clear_error() {
    for (name, text) in [
        ("package.json", r#"{"name": "web", "version": "1.0.0", "dependencies": {}}"#),
        ("docker-compose.yml", "services:\n  web:\n    image: nginx\n"),
        ("notes.txt", "just some text: with a colon\n"),
        ("Pulumi.prod.yaml", "config:\n  cloudflare:accountId: f037e56e89293a057740de681ac9abbe\n"),
        ("empty.yaml", ""),
        ("state-v2.json", r#"{"version": 2, "resources": [{"name": "x"}]}"#),
    ] {
        let err = detect(&InputFile::new(name, text)).unwrap_err().to_string();
        assert!(err.contains(name), "{err}");
        for kind in InputKind::ALL {
            assert!(err.contains(kind.id()), "{err} lacks {}", kind.id());
        }
        assert!(err.contains("pulumi stack export") && err.contains("terraform show -json"), "{err}");
    }
    let err = detect(&InputFile::new("broken.json", "{\"version\": ")).unwrap_err().to_string();
    assert!(err.contains("broken.json") && err.contains("not valid JSON"), "{err}");
}

#[test]
fn a_forced_kind_skips_detection_but_checks_the_shape() {
    let export = fixture("pulumi-export-v3.json");
    let err = scan(std::slice::from_ref(&export), Some(InputKind::TerraformState), &Settings::new(now())).unwrap_err().to_string();
    assert!(err.contains("pulumi-export-v3.json") && err.contains("Terraform state"), "{err}");
    let err = scan(&[fixture("Pulumi.yaml")], Some(InputKind::PulumiExport), &Settings::new(now())).unwrap_err().to_string();
    assert!(err.contains("not JSON"), "{err}");
    let report = scan(&[export], Some(InputKind::PulumiExport), &Settings::new(now())).unwrap();
    assert_eq!(report.files, vec![("pulumi-export-v3.json".to_string(), InputKind::PulumiExport)]);
    assert_eq!("terraform-plan".parse::<InputKind>().unwrap(), InputKind::TerraformPlan);
    let err = "tfstate".parse::<InputKind>().unwrap_err().to_string();
    assert!(err.contains("terraform-state") && err.contains("pulumi-export"), "{err}");
}

// ---- readers ---------------------------------------------------------------

#[test]
fn pulumi_v3_export_with_encrypted_secrets() {
    let file = fixture("pulumi-export-v3.json");
    let tokens = policy::tokens(&file, None).unwrap();
    assert_eq!(tokens.len(), 2, "the Stack, providers and the DNS record are not tokens");
    let ci = token(&tokens, &format!("urn:pulumi:prod::access-tokens::{V5}::ci-deploy"));
    assert_eq!(ci.kind, InputKind::PulumiExport);
    assert_eq!(ci.account_id, Field::Known("48364b099cc965f71761d67bc5314bd4".into()));
    assert_eq!(ci.zone_id, Field::Absent);
    assert_eq!(ci.min_days_for_renewal, Field::Known(0));
    assert_eq!(ci.duration, Field::Known("8760h".into()));
    assert_eq!(ci.expires_at, Field::Known("2026-03-15T12:00:00Z".parse().unwrap()));
    assert!(!ci.secret_in_plaintext, "ciphertext is not plain text");
    assert_eq!(ci.line, Some(line_of(&file, &format!("\"urn\": \"urn:pulumi:prod::access-tokens::{V5}::ci-deploy\""))));
    let backup = token(&tokens, &format!("urn:pulumi:prod::access-tokens::{V6}::backup-agent"));
    assert_eq!((backup.account_id.clone(), backup.min_days_for_renewal.clone()), (Field::Absent, Field::Absent));

    let report = scan_one("pulumi-export-v3.json", &all_on());
    assert_eq!(rules_for(&report, &ci.address), ["expires-soon", "never-renewed"]);
    assert_eq!(rules_for(&report, &backup.address), ["never-renewed"]);
    assert_eq!(find(&report, &ci.address, "expires-soon").level, Level::Mandatory);
    assert_eq!(find(&report, &ci.address, "never-renewed").level, Level::Advisory);
}

#[test]
fn pulumi_v4_export_with_show_secrets() {
    let file = fixture("pulumi-export-v4-show-secrets.json");
    let tokens = policy::tokens(&file, None).unwrap();
    assert_eq!(tokens.len(), 2, "the resource pending deletion is skipped");
    let legacy = token(&tokens, &format!("urn:pulumi:staging::access-tokens::{V5}::token"));
    assert!(legacy.secret_in_plaintext);
    let pusher = token(&tokens, &format!("urn:pulumi:staging::access-tokens::{V6}::metrics-pusher"));
    assert_eq!(pusher.expires_at, Field::Known("2026-01-10T06:00:00Z".parse().unwrap()));

    let report = scan_one("pulumi-export-v4-show-secrets.json", &all_on());
    assert_eq!(rules_for(&report, &legacy.address), ["non-expiring", "plaintext-secret"], "forever is never 'never renewed'");
    assert_eq!(rules_for(&report, &pusher.address), ["expired", "never-renewed", "plaintext-secret"]);
    let expired = find(&report, &pusher.address, "expired");
    assert_eq!(expired.level, Level::Mandatory);
    assert!(expired.message.contains("2026-01-10T06:00:00Z") && expired.message.contains("49 days 18 h ago"), "{}", expired.message);
}

#[test]
fn terraform_state_with_modules_count_and_for_each() {
    let file = fixture("terraform.tfstate");
    let tokens = policy::tokens(&file, None).unwrap();
    let mut addresses: Vec<&str> = tokens.iter().map(|t| t.address.as_str()).collect();
    addresses.sort();
    assert_eq!(
        addresses,
        [
            "cloudflare_access_service_token.ci",
            "cloudflare_access_service_token.team[\"alpha\"]",
            "cloudflare_access_service_token.team[\"beta\"]",
            "module.edge.module.tokens.cloudflare_zero_trust_access_service_token.svc[0]",
            "module.edge.module.tokens.cloudflare_zero_trust_access_service_token.svc[1]",
        ],
        "the data source and the deposed instance are skipped"
    );
    let ci = token(&tokens, "cloudflare_access_service_token.ci");
    assert!(ci.secret_in_plaintext);
    assert_eq!(ci.min_days_for_renewal, Field::Known(30));
    assert_eq!(ci.line, Some(line_of(&file, "\"id\": \"6f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b\"")));
    let beta = token(&tokens, "cloudflare_access_service_token.team[\"beta\"]");
    assert!(!beta.secret_in_plaintext, "an imported token has no secret");
    assert_eq!((beta.account_id.clone(), beta.zone_id.clone()), (Field::Absent, Field::Absent), "empty strings are absent");
    let svc0 = token(&tokens, "module.edge.module.tokens.cloudflare_zero_trust_access_service_token.svc[0]");
    assert_eq!(svc0.min_days_for_renewal, Field::Absent, "v5 has no min_days_for_renewal");

    let report = scan_one("terraform.tfstate", &all_on());
    assert_eq!(rules_for(&report, &ci.address), ["plaintext-secret"]);
    assert_eq!(rules_for(&report, "cloudflare_access_service_token.team[\"alpha\"]"), ["plaintext-secret", "renewal-window-too-long"]);
    assert_eq!(rules_for(&report, &beta.address), ["scope-missing"]);
    assert_eq!(rules_for(&report, &svc0.address), ["expired", "never-renewed", "plaintext-secret"]);
    assert_eq!(
        rules_for(&report, "module.edge.module.tokens.cloudflare_zero_trust_access_service_token.svc[1]"),
        ["never-renewed", "plaintext-secret", "scope-conflict"]
    );
    let conflict = find(&report, "module.edge.module.tokens.cloudflare_zero_trust_access_service_token.svc[1]", "scope-conflict");
    assert!(conflict.message.contains("account_id") && conflict.message.contains("zone_id"), "Terraform names: {}", conflict.message);
}

#[test]
fn terraform_show_json_of_a_state() {
    let file = fixture("terraform-show-state.json");
    let tokens = policy::tokens(&file, None).unwrap();
    assert_eq!(tokens.len(), 2, "the data source in the child module is skipped");
    let prod = token(&tokens, "module.ops.cloudflare_access_service_token.per_env[\"prod\"]");
    assert_eq!(prod.kind, InputKind::TerraformShowState);
    assert_eq!(prod.line, Some(line_of(&file, "module.ops.cloudflare_access_service_token.per_env[\\\"prod\\\"]")));
    let report = scan_one("terraform-show-state.json", &all_on());
    assert_eq!(rules_for(&report, "cloudflare_zero_trust_access_service_token.deploy"), ["expires-soon", "never-renewed", "plaintext-secret"]);
    assert_eq!(rules_for(&report, &prod.address), ["non-expiring", "plaintext-secret"]);
}

#[test]
fn terraform_plan_judges_planned_values_with_unknowns() {
    let file = fixture("terraform-plan.json");
    let tokens = policy::tokens(&file, None).unwrap();
    assert_eq!(tokens.len(), 2, "the token being deleted is not in the planned values");
    let new = token(&tokens, "cloudflare_access_service_token.new_worker");
    assert_eq!(new.expires_at, Field::Unknown, "set at apply");
    assert!(!new.secret_in_plaintext, "not known until apply");
    let reporting = token(&tokens, "cloudflare_access_service_token.reporting");
    assert_eq!(reporting.name, Field::Known("reporting-v2".into()), "the planned name, not the prior one");

    let report = scan_one("terraform-plan.json", &all_on());
    assert_eq!(rules_for(&report, &new.address), Vec::<String>::new(), "an expiry set at apply is not expired");
    assert_eq!(rules_for(&report, &reporting.address), ["expires-soon", "never-renewed", "plaintext-secret"]);
    assert!(report.findings.iter().all(|f| !f.address.contains("retired")));

    // A plan without planned_values falls back to each change's `after`.
    let mut doc: serde_json::Value = serde_json::from_str(&file.text).unwrap();
    doc.as_object_mut().unwrap().remove("planned_values");
    let bare = InputFile::new("bare-plan.json", doc.to_string());
    let again = policy::tokens(&bare, None).unwrap();
    assert_eq!(again.len(), 2);
    assert_eq!(token(&again, "cloudflare_access_service_token.new_worker").expires_at, Field::Unknown);
}

#[test]
fn local_state_of_this_tool() {
    let file = fixture("access-tokens.state.json");
    let tokens = policy::tokens(&file, None).unwrap();
    let app = token(&tokens, "access-tokens.state.json:myApp");
    assert!(app.secret_in_plaintext, "the local state keeps the secret's value");
    assert_eq!(app.line, Some(line_of(&file, "\"name\": \"myApp\"")));
    let shared = token(&tokens, "access-tokens.state.json:shared");
    assert!(!shared.secret_in_plaintext, "a null secret is no secret");
    let report = scan_one("access-tokens.state.json", &all_on());
    assert_eq!(rules_for(&report, &app.address), ["expires-soon", "plaintext-secret"]);
    assert_eq!(rules_for(&report, &shared.address), Vec::<String>::new());
}

#[test]
fn yaml_program_configuration_rules_only() {
    let file = fixture("Pulumi.yaml");
    let tokens = policy::tokens(&file, None).unwrap();
    let names: Vec<&str> = tokens.iter().map(|t| t.address.as_str()).collect();
    assert_eq!(names, ["Pulumi.yaml:deployer", "Pulumi.yaml:both", "Pulumi.yaml:nowhere", "Pulumi.yaml:eternal", "Pulumi.yaml:always-renewing"], "get: lookups are skipped");
    let deployer = token(&tokens, "Pulumi.yaml:deployer");
    assert_eq!(deployer.account_id, Field::Known("f037e56e89293a057740de681ac9abbe".into()), "config default used");
    assert_eq!(deployer.min_days_for_renewal, Field::Known(30), "integer config default used");
    assert_eq!(deployer.line, Some(line_of(&file, "  deployer:")));
    assert_eq!(token(&tokens, "Pulumi.yaml:both").zone_id, Field::Unknown, "config without default is unknown, but set");
    assert_eq!(token(&tokens, "Pulumi.yaml:always-renewing").name, Field::Unknown, "resource outputs are unknown");

    let report = scan_one("Pulumi.yaml", &all_on());
    assert_eq!(rules_for(&report, "Pulumi.yaml:deployer"), Vec::<String>::new());
    assert_eq!(rules_for(&report, "Pulumi.yaml:both"), ["scope-conflict"]);
    assert_eq!(rules_for(&report, "Pulumi.yaml:nowhere"), ["scope-missing"]);
    assert_eq!(rules_for(&report, "Pulumi.yaml:eternal"), ["non-expiring"]);
    assert_eq!(rules_for(&report, "Pulumi.yaml:always-renewing"), ["renewal-window-too-long"]);
    // 5 tokens x 6 applicable rules (no expiry, no secret and no use in a
    // program; `disabled` judges the `enabled` input).
    assert_eq!(report.checks, 30);
}

#[test]
fn json_program_with_unknown_renewal_days() {
    let file = fixture("Pulumi.json");
    let tokens = policy::tokens(&file, None).unwrap();
    let probe = token(&tokens, "Pulumi.json:edgeProbe");
    assert_eq!(probe.zone_id, Field::Known("023e105f4ecef8ad9ca31a8372d0c353".into()));
    assert_eq!(probe.line, Some(line_of(&file, "\"edgeProbe\"")));
    assert_eq!(token(&tokens, "Pulumi.json:days").min_days_for_renewal, Field::Unknown);
    let report = scan_one("Pulumi.json", &all_on());
    assert_eq!(rules_for(&report, "Pulumi.json:edgeProbe"), ["never-renewed"]);
    assert_eq!(rules_for(&report, "Pulumi.json:days"), Vec::<String>::new(), "an unknown renewal window is not judged");
}

#[test]
fn program_errors_are_reported_with_positions() {
    let bad = InputFile::new("Pulumi.yaml", "resources:\n  t:\n    type: cloudflare:AccessServiceToken\n    properties:\n      acountId: abc\n      name: x\n");
    let err = scan(&[bad], None, &Settings::new(now())).unwrap_err().to_string();
    assert!(err.contains("Pulumi.yaml:5:7") && err.contains("acountId"), "{err}");
}

#[test]
fn an_unparsable_expiry_is_an_error_naming_the_token() {
    let text = fixture("terraform.tfstate").text.replace("2026-09-01T10:00:00Z", "next tuesday");
    let err = scan(&[InputFile::new("bad.tfstate", text)], None, &Settings::new(now())).unwrap_err().to_string();
    assert!(err.contains("bad.tfstate") && err.contains("cloudflare_access_service_token.ci") && err.contains("next tuesday"), "{err}");
}

#[test]
fn errors_in_several_files_are_reported_together() {
    let files = [InputFile::new("a.json", "{\"x\": 1}"), fixture("terraform.tfstate"), InputFile::new("b.txt", "hello")];
    let err = scan(&files, None, &Settings::new(now())).unwrap_err().to_string();
    assert!(err.contains("a.json") && err.contains("b.txt"), "{err}");
    assert!(scan(&[], None, &Settings::new(now())).is_err());
}

// ---- rules, one by one, on a minimal Terraform state ------------------------

/// A one-token Terraform state with the given attributes.
fn tf(attrs: serde_json::Value) -> InputFile {
    let doc = serde_json::json!({
        "version": 4, "terraform_version": "1.9.8", "serial": 1, "lineage": "l", "outputs": {},
        "resources": [{"mode": "managed", "type": "cloudflare_access_service_token", "name": "t",
            "provider": "provider[\"registry.terraform.io/cloudflare/cloudflare\"]",
            "instances": [{"schema_version": 0, "attributes": attrs, "sensitive_attributes": []}]}]
    });
    InputFile::new("t.tfstate", serde_json::to_string_pretty(&doc).unwrap())
}

/// A healthy token: account scope, renewed 30 days ahead, a year's lifetime, expiring in 200 days.
fn healthy() -> serde_json::Value {
    serde_json::json!({"id": "00000000-0000-4000-8000-000000000001", "name": "t", "account_id": "48364b099cc965f71761d67bc5314bd4",
        "zone_id": "", "min_days_for_renewal": 30, "duration": "8760h", "expires_at": "2026-09-17T00:00:00Z",
        "client_id": "x.access", "client_secret": ""})
}

fn fired(attrs: serde_json::Value, settings: &Settings) -> Vec<String> {
    let report = scan(&[tf(attrs)], None, settings).unwrap();
    report.findings.iter().map(|f| f.rule_id.clone()).collect()
}

fn with(pairs: &[(&str, serde_json::Value)]) -> serde_json::Value {
    let mut v = healthy();
    for (k, val) in pairs {
        v[*k] = val.clone();
    }
    v
}

#[test]
fn a_healthy_token_passes_every_rule() {
    let s = all_on();
    assert_eq!(fired(healthy(), &s), Vec::<String>::new());
    let report = scan(&[tf(healthy())], None, &s).unwrap();
    assert_eq!((report.checks, report.passed, report.failed), (RULES.len(), RULES.len(), 0));
}

#[test]
fn expired_and_expires_soon_boundaries() {
    let s = all_on();
    let at = |t: &str| with(&[("expires_at", serde_json::json!(t))]);
    assert_eq!(fired(at("2026-02-28T23:59:59Z"), &s), ["expired"]);
    assert_eq!(fired(at("2026-03-01T00:00:00Z"), &s), ["expires-soon"], "expiring right now is not yet expired");
    assert_eq!(fired(at("2026-03-31T00:00:00Z"), &s), ["expires-soon"], "30 days is within 30 days");
    assert_eq!(fired(at("2026-03-31T00:00:01Z"), &s), Vec::<String>::new());
    let mut two_weeks = all_on();
    two_weeks.apply_override("expiresWithinDays=14").unwrap();
    assert_eq!(fired(at("2026-03-20T00:00:00Z"), &two_weeks), Vec::<String>::new());
    assert_eq!(fired(at("2026-03-10T00:00:00Z"), &two_weeks), ["expires-soon"]);
    assert_eq!(fired(with(&[("expires_at", serde_json::Value::Null)]), &s), Vec::<String>::new(), "no expiry, nothing to judge");
}

#[test]
fn never_renewed() {
    let s = all_on();
    assert_eq!(fired(with(&[("min_days_for_renewal", 0.into())]), &s), ["never-renewed"]);
    let mut absent = healthy();
    absent.as_object_mut().unwrap().remove("min_days_for_renewal");
    assert_eq!(fired(absent, &s), ["never-renewed"], "v5 state has no renewal at all");
    let forever = with(&[("min_days_for_renewal", 0.into()), ("duration", "forever".into()), ("expires_at", "2126-01-01T00:00:00Z".into())]);
    assert_eq!(fired(forever, &s), ["non-expiring"], "a token that never expires needs no renewal");
    assert_eq!(fired(with(&[("min_days_for_renewal", 1.into())]), &s), Vec::<String>::new());
    assert_eq!(fired(with(&[("min_days_for_renewal", (-5).into())]), &s), ["never-renewed"], "a negative window never opens");
}

#[test]
fn renewal_window_too_long() {
    let s = all_on();
    assert_eq!(fired(with(&[("min_days_for_renewal", 365.into())]), &s), ["renewal-window-too-long"], "365 days x 24 h = 8760h");
    assert_eq!(fired(with(&[("min_days_for_renewal", 364.into())]), &s), Vec::<String>::new());
    assert_eq!(fired(with(&[("duration", "720h".into()), ("min_days_for_renewal", 30.into())]), &s), ["renewal-window-too-long"]);
    assert_eq!(fired(with(&[("duration", "721h".into()), ("min_days_for_renewal", 30.into())]), &s), Vec::<String>::new());
    assert_eq!(fired(with(&[("duration", "".into()), ("min_days_for_renewal", 365.into())]), &s), ["renewal-window-too-long"], "absent duration is 8760h");
}

#[test]
fn non_expiring_is_disabled_by_default() {
    let forever = with(&[("duration", "forever".into()), ("expires_at", "2126-01-01T00:00:00Z".into())]);
    assert_eq!(fired(forever.clone(), &Settings::new(now())), Vec::<String>::new());
    assert_eq!(fired(forever, &all_on()), ["non-expiring"]);
    assert_eq!(fired(healthy(), &all_on()), Vec::<String>::new());
}

#[test]
fn plaintext_secret() {
    let s = all_on();
    assert_eq!(fired(with(&[("client_secret", "abc123".into())]), &s), ["plaintext-secret"]);
    assert_eq!(fired(with(&[("client_secret", serde_json::Value::Null)]), &s), Vec::<String>::new());
}

#[test]
fn scope_conflict_and_missing() {
    let s = all_on();
    assert_eq!(fired(with(&[("zone_id", "023e105f4ecef8ad9ca31a8372d0c353".into())]), &s), ["scope-conflict"]);
    assert_eq!(fired(with(&[("account_id", "".into())]), &s), ["scope-missing"]);
    assert_eq!(fired(with(&[("account_id", serde_json::Value::Null), ("zone_id", "023e105f4ecef8ad9ca31a8372d0c353".into())]), &s), Vec::<String>::new());
}

#[test]
fn the_rules_table_is_complete_and_stable() {
    let ids: Vec<&str> = RULES.iter().map(|r| r.id).collect();
    assert_eq!(
        ids,
        ["expired", "expires-soon", "never-renewed", "renewal-window-too-long", "non-expiring", "plaintext-secret", "scope-conflict", "scope-missing", "disabled", "idle", "never-used"]
    );
    let defaults: Vec<Level> = RULES.iter().map(|r| r.default_level).collect();
    use Level::*;
    assert_eq!(defaults, [Mandatory, Mandatory, Advisory, Advisory, Disabled, Advisory, Mandatory, Mandatory, Mandatory, Advisory, Advisory]);
    let names: Vec<&str> = RULES.iter().map(|r| r.name).collect();
    assert_eq!(names[8..], ["Disabled", "Idle", "NeverUsed"]);
    for r in RULES {
        assert!(r.id.chars().all(|c| c.is_ascii_lowercase() || c == '-'), "{}", r.id);
        assert!(!r.summary.is_empty() && !r.help.is_empty() && !r.summary.contains('\n'));
        assert_eq!(rules::rule(r.id), Some(r));
    }
}

// ---- settings ---------------------------------------------------------------

#[test]
fn settings_from_a_yaml_policy_then_overrides() {
    let s = Settings::build(now(), Some(&fixture("policy.yaml")), &["expired=advisory".to_string()]).unwrap();
    assert_eq!(s.level("expires-soon"), Level::Advisory);
    assert_eq!(s.level("non-expiring"), Level::Mandatory);
    assert_eq!(s.level("plaintext-secret"), Level::Disabled);
    assert_eq!(s.level("expired"), Level::Advisory, "the override wins over the default");
    assert_eq!(s.level("scope-missing"), Level::Mandatory, "untouched rules keep their default");
    assert_eq!(s.expires_within_days, 14);
    assert_eq!(s.now, now());

    // Under this policy the v4 export: the expired token is advisory now, the forever token fails.
    let report = scan(&[fixture("pulumi-export-v4-show-secrets.json")], None, &s).unwrap();
    let ids: Vec<(&str, Level)> = report.findings.iter().map(|f| (f.rule_id.as_str(), f.level)).collect();
    assert_eq!(ids, [("non-expiring", Level::Mandatory), ("expired", Level::Advisory), ("never-renewed", Level::Advisory)]);
    assert!(report.mandatory_failed());
}

#[test]
fn settings_from_a_json_policy() {
    let s = Settings::build(now(), Some(&fixture("policy.json")), &[]).unwrap();
    assert_eq!(s.level("never-renewed"), Level::Mandatory);
    assert_eq!(s.level("scope-conflict"), Level::Advisory);
    assert_eq!(s.expires_within_days, 60);
    let report = scan(&[tf(with(&[("expires_at", "2026-04-20T00:00:00Z".into())]))], None, &s).unwrap();
    assert_eq!(report.findings.len(), 1, "50 days is within 60");
}

#[test]
fn unknown_rule_ids_and_levels_are_errors_listing_the_valid_ones() {
    let mut s = Settings::new(now());
    let err = s.apply_override("expires-sooon=advisory").unwrap_err().to_string();
    assert!(err.contains("expires-sooon"), "{err}");
    for r in RULES {
        assert!(err.contains(r.id), "{err} lacks {}", r.id);
    }
    let err = s.apply_override("expired=fatal").unwrap_err().to_string();
    assert!(err.contains("fatal") && err.contains("mandatory") && err.contains("advisory") && err.contains("disabled"), "{err}");
    assert!(s.apply_override("expired").is_err());
    assert!(s.apply_override("expiresWithinDays=-1").is_err());
    assert!(s.apply_override("expiresWithinDays=99999").is_err());

    let policy = InputFile::new("p.yaml", "rules:\n  expird: advisory\n  expired: loud\nexpiresWithinDay: 3\n");
    let err = Settings::build(now(), Some(&policy), &[]).unwrap_err().to_string();
    assert!(err.contains("p.yaml: rules.expird") && err.contains("scope-missing"), "{err}");
    assert!(err.contains("rules.expired") && err.contains("loud"), "{err}");
    assert!(err.contains("expiresWithinDay") && err.contains("unknown key"), "{err}");
    let err = Settings::build(now(), Some(&InputFile::new("p.json", "{\"rules\": ")), &[]).unwrap_err().to_string();
    assert!(err.contains("p.json") && err.contains("JSON"), "{err}");
    assert_eq!(Settings::build(now(), Some(&InputFile::new("empty.yaml", "")), &[]).unwrap(), Settings::new(now()));
}

// ---- counting ---------------------------------------------------------------

#[test]
fn passed_and_failed_count_checks_at_mandatory_level() {
    // Local state, defaults: 10 enabled rules (non-expiring is disabled) x 2 tokens.
    let report = scan_one("access-tokens.state.json", &Settings::new(now()));
    assert_eq!(report.tokens_checked, 2);
    assert_eq!(report.checks, 20);
    assert_eq!(report.failed, 1, "expires-soon is mandatory");
    assert_eq!(report.advisory, 1, "plaintext-secret is advisory");
    assert_eq!(report.passed, 19, "every check without a mandatory finding, advisory ones included");
    assert_eq!(report.passed + report.failed, report.checks);
    assert!(report.mandatory_failed());

    // Disabling the one mandatory finding passes the run.
    let mut s = Settings::new(now());
    s.apply_override("expires-soon=disabled").unwrap();
    let report = scan_one("access-tokens.state.json", &s);
    assert_eq!((report.checks, report.passed, report.failed), (18, 18, 0));
    assert!(!report.mandatory_failed());
}

#[test]
fn the_terraform_provider_of_this_project_is_read_like_cloudflares() {
    let soon = with(&[("expires_at", serde_json::json!("2026-03-10T00:00:00Z")), ("min_days_for_renewal", serde_json::json!(0))]);
    let mut file = tf(soon);
    file.text = file.text.replace("cloudflare_access_service_token", "cfaccess_service_token").replace("cloudflare/cloudflare", "access-service-token/cfaccess");
    let report = scan(&[file], None, &all_on()).unwrap();
    let fired: Vec<&str> = report.findings.iter().filter(|f| f.address == "cfaccess_service_token.t").map(|f| f.rule_id.as_str()).collect();
    assert!(fired.contains(&rules::EXPIRES_SOON) && fired.contains(&rules::NEVER_RENEWED), "{:#?}", report.findings);
}

// ---- usage: disabled, idle, never-used ------------------------------------

const OWN: &str = "cloudflare-access-service-token:index:AccessServiceToken";
const USAGE_RULES: [&str; 3] = [rules::DISABLED, rules::IDLE, rules::NEVER_USED];

fn time(t: &str) -> DateTime<Utc> {
    t.parse().unwrap()
}

/// The message of a finding, which must exist.
fn message(report: &Report, address: &str, rule: &str) -> String {
    find(report, address, rule).message.clone()
}

#[test]
fn files_without_the_usage_properties_fire_no_usage_rule() {
    // Cloudflare provider resources (no `enabled`, no `createdAt`; v5 has a null
    // `last_seen_at`) and state written before the properties existed: never
    // disabled, never never-used, and idle only where a lastSeenAt is written.
    for name in PRE_USAGE_FIXTURES {
        let report = scan_one(name, &all_on());
        let fired: Vec<&Finding> = report.findings.iter().filter(|f| USAGE_RULES.contains(&f.rule_id.as_str())).collect();
        assert!(fired.is_empty(), "{name}: {fired:#?}");
    }
    let mut late = all_on();
    late.now = time("2030-01-01T00:00:00Z");
    let mut fired = Vec::new();
    for name in PRE_USAGE_FIXTURES {
        let report = scan_one(name, &late);
        fired.extend(report.findings.into_iter().filter(|f| USAGE_RULES.contains(&f.rule_id.as_str())).map(|f| (f.rule_id, f.address.rsplit("::").next().unwrap().to_string())));
    }
    fired.sort();
    assert_eq!(fired, [("idle".to_string(), "backup-agent".to_string()), ("idle".into(), "metrics-pusher".into())], "the two pulumi-cloudflare v6 tokens with a lastSeenAt");
    let tokens = policy::tokens(&fixture("terraform.tfstate"), None).unwrap();
    let v4 = token(&tokens, "cloudflare_access_service_token.ci");
    assert_eq!((&v4.enabled, &v4.created_at, &v4.last_seen_at), (&Field::Absent, &Field::Absent, &None), "v4 records none of them");
    let v5 = token(&tokens, "module.edge.module.tokens.cloudflare_zero_trust_access_service_token.svc[1]");
    assert_eq!((&v5.enabled, &v5.created_at, &v5.last_seen_at), (&Field::Absent, &Field::Absent, &Some(Field::Absent)), "v5 records last_seen_at, null");
    let export = policy::tokens(&fixture("pulumi-export-v3.json"), None).unwrap();
    let backup = token(&export, &format!("urn:pulumi:prod::access-tokens::{V6}::backup-agent"));
    assert_eq!(backup.last_seen_at, Some(Field::Known(time("2026-02-26T23:59:12Z"))), "read where present");
    assert_eq!(token(&export, &format!("urn:pulumi:prod::access-tokens::{V5}::ci-deploy")).last_seen_at, None);
}

#[test]
fn a_pulumi_export_of_this_projects_plugin_is_judged_on_use() {
    let file = fixture("pulumi-export-usage.json");
    let tokens = policy::tokens(&file, None).unwrap();
    assert_eq!(tokens.len(), 7);
    let urn = |ty: &str, name: &str| format!("urn:pulumi:prod::edge-tokens::{ty}::{name}");
    let cleaned = token(&tokens, &urn(OWN, "cleaned-up"));
    assert_eq!(cleaned.enabled, Field::Known(false), "the outputs (Cloudflare's view) win over the inputs");
    assert_eq!(cleaned.created_at, Field::Known(time("2025-01-10T09:00:00Z")));
    assert_eq!(cleaned.last_seen_at, Some(Field::Known(time("2025-08-01T09:15:00Z"))));
    let never = token(&tokens, &urn(OWN, "never-deployed"));
    assert_eq!((&never.enabled, &never.last_seen_at), (&Field::Known(true), &Some(Field::Absent)), "left out by the plugin: never seen");
    let cf_unseen = token(&tokens, &urn(V6, "cf-unseen"));
    assert_eq!((&cf_unseen.enabled, &cf_unseen.created_at, &cf_unseen.last_seen_at), (&Field::Absent, &Field::Absent, &Some(Field::Absent)));
    let cf_v5 = token(&tokens, &urn(V5, "cf-v5"));
    assert_eq!((&cf_v5.enabled, &cf_v5.last_seen_at), (&Field::Absent, &None), "no lastSeenAt at all: nothing recorded");

    let report = scan_one("pulumi-export-usage.json", &all_on());
    assert_eq!(rules_for(&report, &urn(OWN, "in-use")), Vec::<String>::new());
    assert_eq!(rules_for(&report, &cleaned.address), ["disabled", "idle"]);
    assert_eq!(rules_for(&report, &urn(OWN, "quarterly")), ["idle"]);
    assert_eq!(rules_for(&report, &never.address), ["never-used"]);
    assert_eq!(rules_for(&report, &urn(OWN, "fresh")), Vec::<String>::new(), "created 28 days ago: not yet");
    assert_eq!(rules_for(&report, &cf_unseen.address), ["never-renewed"], "no createdAt: never-used cannot be told");
    assert_eq!(rules_for(&report, &cf_v5.address), Vec::<String>::new());

    let disabled = find(&report, &cleaned.address, "disabled");
    assert_eq!(disabled.level, Level::Mandatory);
    assert_eq!(disabled.line, Some(line_of(&file, &format!("\"urn\": \"{}\"", cleaned.address))));
    assert_eq!(
        disabled.message,
        "disabled (enabled is false), so it authenticates nothing: every request presenting it is refused; a person or Cloudflare's inactivity cleanup disabled it (last seen at 2025-08-01T09:15:00Z, 211 days 14 h ago); set enabled: true (or leave it out) and run `pulumi up` to re-enable it in place, with the same client id and secret"
    );
    let idle = find(&report, &cleaned.address, "idle");
    assert_eq!(idle.level, Level::Advisory);
    assert_eq!(
        idle.message,
        "not seen for 211 days 14 h: lastSeenAt is 2025-08-01T09:15:00Z, more than 90 days ago (idleDays); Cloudflare's inactivity cleanup may disable or delete it; delete it if nothing uses it, or check that whatever should present it still does"
    );
    assert_eq!(
        message(&report, &urn(OWN, "quarterly"), "idle"),
        "not seen for 105 days 12 h: lastSeenAt is 2025-11-15T12:00:00Z, more than 90 days ago (idleDays); Cloudflare's inactivity cleanup may disable or delete it; delete it if nothing uses it, or check that whatever should present it still does"
    );
    let unused = find(&report, &never.address, "never-used");
    assert_eq!(unused.level, Level::Advisory);
    assert_eq!(
        unused.message,
        "never used: created at 2025-10-01T00:00:00Z (151 days ago), more than 90 days (idleDays), and it has never authenticated (lastSeenAt is empty); Cloudflare's inactivity cleanup may disable or delete it; delete it if nothing needs it, or deploy its credentials"
    );
    // 7 tokens x 11 rules; the one mandatory finding is `disabled`.
    assert_eq!((report.checks, report.failed, report.advisory), (77, 1, 4));
}

#[test]
fn terraform_state_of_this_projects_provider_is_judged_on_use_in_terraform_words() {
    let file = fixture("terraform-usage.tfstate");
    let tokens = policy::tokens(&file, None).unwrap();
    let upgraded = token(&tokens, "cfaccess_service_token.upgraded");
    assert_eq!((&upgraded.enabled, &upgraded.created_at, &upgraded.last_seen_at), (&Field::Absent, &Field::Absent, &Some(Field::Absent)), "nulls from before the attributes existed");
    let v4 = token(&tokens, "cloudflare_access_service_token.v4");
    assert_eq!(v4.last_seen_at, None);

    let report = scan_one("terraform-usage.tfstate", &all_on());
    assert_eq!(rules_for(&report, "cfaccess_service_token.paused"), ["disabled", "never-used"]);
    assert_eq!(rules_for(&report, "cfaccess_service_token.batch"), ["idle", "plaintext-secret"]);
    assert_eq!(rules_for(&report, &upgraded.address), Vec::<String>::new(), "enabled null is enabled; no createdAt, so never-used cannot be told");
    assert_eq!(rules_for(&report, "cloudflare_zero_trust_access_service_token.v5_seen"), ["idle", "never-renewed"], "the Cloudflare provider's last_seen_at is read where present");
    assert_eq!(rules_for(&report, "cloudflare_zero_trust_access_service_token.v5_unseen"), ["never-renewed"]);
    assert_eq!(rules_for(&report, &v4.address), Vec::<String>::new());

    let paused = find(&report, "cfaccess_service_token.paused", "disabled");
    assert_eq!(paused.line, Some(line_of(&file, "\"id\": \"30000000-cccc-4ddd-8eee-000000000001\"")));
    assert_eq!(
        paused.message,
        "disabled (enabled is false), so it authenticates nothing: every request presenting it is refused; a person or Cloudflare's inactivity cleanup disabled it (it has never authenticated); set enabled = true (or leave it out) and run `terraform apply` to re-enable it in place, with the same client_id and client_secret"
    );
    assert_eq!(
        message(&report, "cfaccess_service_token.paused", "never-used"),
        "never used: created at 2025-04-01T00:00:00Z (334 days ago), more than 90 days (idleDays), and it has never authenticated (last_seen_at is empty); Cloudflare's inactivity cleanup may disable or delete it; delete it if nothing needs it, or deploy its credentials"
    );
    assert_eq!(
        message(&report, "cfaccess_service_token.batch", "idle"),
        "not seen for 150 days 18 h: last_seen_at is 2025-10-01T06:00:00Z, more than 90 days ago (idleDays); Cloudflare's inactivity cleanup may disable or delete it; delete it if nothing uses it, or check that whatever should present it still does"
    );
    assert_eq!(
        message(&report, "cloudflare_zero_trust_access_service_token.v5_seen", "idle"),
        "not seen for 273 days: last_seen_at is 2025-06-01T00:00:00Z, more than 90 days ago (idleDays); Cloudflare's inactivity cleanup may disable or delete it; delete it if nothing uses it, or check that whatever should present it still does"
    );
}

#[test]
fn terraform_show_json_of_a_state_is_judged_on_use() {
    let doc = serde_json::json!({"format_version": "1.0", "terraform_version": "1.9.8", "values": {"root_module": {"resources": [
        {"address": "cfaccess_service_token.off", "mode": "managed", "type": "cfaccess_service_token", "name": "off",
         "values": {"id": "a", "name": "off", "account_id": "48364b099cc965f71761d67bc5314bd4", "min_days_for_renewal": 30, "duration": "8760h",
                    "expires_at": "2026-12-01T00:00:00Z", "enabled": false, "created_at": "2025-02-01T00:00:00Z", "last_seen_at": "2026-02-20T00:00:00Z"}},
        {"address": "cloudflare_zero_trust_access_service_token.cf", "mode": "managed", "type": "cloudflare_zero_trust_access_service_token", "name": "cf",
         "values": {"id": "b", "name": "cf", "account_id": "48364b099cc965f71761d67bc5314bd4", "duration": "8760h", "expires_at": "2026-12-01T00:00:00Z"}},
    ]}}});
    let file = InputFile::new("show.json", serde_json::to_string_pretty(&doc).unwrap());
    let tokens = policy::tokens(&file, None).unwrap();
    assert_eq!(tokens[0].kind, InputKind::TerraformShowState);
    assert_eq!(token(&tokens, "cloudflare_zero_trust_access_service_token.cf").last_seen_at, None, "no attribute, nothing recorded");
    let report = scan(&[file], None, &all_on()).unwrap();
    assert_eq!(rules_for(&report, "cfaccess_service_token.off"), ["disabled"]);
    assert_eq!(
        message(&report, "cfaccess_service_token.off", "disabled"),
        "disabled (enabled is false), so it authenticates nothing: every request presenting it is refused; a person or Cloudflare's inactivity cleanup disabled it (last seen at 2026-02-20T00:00:00Z, 9 days ago); set enabled = true (or leave it out) and run `terraform apply` to re-enable it in place, with the same client_id and client_secret"
    );
    assert_eq!(rules_for(&report, "cloudflare_zero_trust_access_service_token.cf"), ["never-renewed"]);
}

#[test]
fn a_terraform_plan_is_judged_on_planned_values_and_never_on_unknowns() {
    let file = fixture("terraform-plan-usage.json");
    let tokens = policy::tokens(&file, None).unwrap();
    let paused = token(&tokens, "cfaccess_service_token.paused_new");
    assert_eq!((&paused.enabled, &paused.created_at, &paused.last_seen_at), (&Field::Known(false), &Field::Unknown, &Some(Field::Absent)));
    assert_eq!(token(&tokens, "cfaccess_service_token.switch").enabled, Field::Unknown, "enabled from a value known at apply");
    assert_eq!(token(&tokens, "cfaccess_service_token.moved").created_at, Field::Unknown, "a replacement is created at apply");

    let report = scan_one("terraform-plan-usage.json", &all_on());
    assert_eq!(rules_for(&report, &paused.address), ["disabled"], "created disabled on purpose; its createdAt is unknown, so it is not never-used");
    assert_eq!(find(&report, &paused.address, "disabled").line, Some(line_of(&file, "\"address\": \"cfaccess_service_token.paused_new\"")));
    assert_eq!(
        message(&report, &paused.address, "disabled"),
        "enabled is false in the configuration, so once applied the token authenticates nothing: every request presenting it is refused; if that is not meant, set enabled = true (or leave it out) and run `terraform apply` to enable it in place, with the same client_id and client_secret"
    );
    assert_eq!(rules_for(&report, "cfaccess_service_token.switch"), Vec::<String>::new(), "an unknown enabled fires nothing");
    assert_eq!(rules_for(&report, "cfaccess_service_token.revived"), ["idle"], "the plan re-enables it (planned enabled = true), but it has not been used for long");
    assert_eq!(rules_for(&report, "cfaccess_service_token.moved"), Vec::<String>::new(), "never seen, but its creation is unknown: not judged");
    assert_eq!(rules_for(&report, "cfaccess_service_token.unused"), ["never-used"]);
    assert_eq!(
        message(&report, "cfaccess_service_token.unused", "never-used"),
        "never used: created at 2025-06-15T00:00:00Z (259 days ago), more than 90 days (idleDays), and it has never authenticated (last_seen_at is empty); Cloudflare's inactivity cleanup may disable or delete it; delete it if nothing needs it, or deploy its credentials"
    );

    // Unknowns the plan marks: neither idle nor never-used for a lastSeenAt
    // known only at apply; neither disabled for an enabled known only then.
    let mut doc: serde_json::Value = serde_json::from_str(&file.text).unwrap();
    for change in doc["resource_changes"].as_array_mut().unwrap() {
        change["change"]["after_unknown"]["last_seen_at"] = true.into();
        change["change"]["after_unknown"]["enabled"] = true.into();
    }
    let unknown = InputFile::new("unknown-plan.json", doc.to_string());
    let report = scan(&[unknown], None, &all_on()).unwrap();
    assert!(report.findings.iter().all(|f| !USAGE_RULES.contains(&f.rule_id.as_str())), "{:#?}", report.findings);
}

#[test]
fn local_state_of_this_tool_is_judged_on_use() {
    let file = fixture("access-tokens-usage.state.json");
    let tokens = policy::tokens(&file, None).unwrap();
    let legacy = token(&tokens, "access-tokens-usage.state.json:legacy");
    assert_eq!((&legacy.enabled, &legacy.created_at, &legacy.last_seen_at), (&Field::Absent, &Field::Absent, &None), "a state from before: enabled, use unknown");
    let report = scan_one("access-tokens-usage.state.json", &all_on());
    assert_eq!(rules_for(&report, "access-tokens-usage.state.json:worker"), ["disabled", "idle", "plaintext-secret"]);
    assert_eq!(rules_for(&report, "access-tokens-usage.state.json:spare"), ["never-used"]);
    assert_eq!(rules_for(&report, &legacy.address), Vec::<String>::new());
    let disabled = find(&report, "access-tokens-usage.state.json:worker", "disabled");
    assert_eq!(disabled.line, Some(line_of(&file, "\"name\": \"worker\"")));
    assert_eq!(
        disabled.message,
        "disabled (enabled is false), so it authenticates nothing: every request presenting it is refused; a person or Cloudflare's inactivity cleanup disabled it (last seen at 2025-11-20T08:00:00Z, 100 days 16 h ago); set enabled: true (or leave it out) and run `up` to re-enable it in place, with the same client id and secret"
    );
    assert_eq!(
        message(&report, "access-tokens-usage.state.json:worker", "idle"),
        "not seen for 100 days 16 h: lastSeenAt is 2025-11-20T08:00:00Z, more than 90 days ago (idleDays); Cloudflare's inactivity cleanup may disable or delete it; delete it if nothing uses it, or check that whatever should present it still does"
    );
    assert_eq!(
        message(&report, "access-tokens-usage.state.json:spare", "never-used"),
        "never used: created at 2025-06-01T00:00:00Z (273 days ago), more than 90 days (idleDays), and it has never authenticated (lastSeenAt is empty); Cloudflare's inactivity cleanup may disable or delete it; delete it if nothing needs it, or deploy its credentials"
    );
    // Defaults: 10 enabled rules x 3 tokens; disabled is the mandatory failure.
    let defaults = scan_one("access-tokens-usage.state.json", &Settings::new(now()));
    assert_eq!((defaults.checks, defaults.failed, defaults.advisory), (30, 1, 3));
}

#[test]
fn a_program_with_enabled_false_is_disabled_and_use_is_not_judged() {
    let file = fixture("program-enabled.yaml");
    let tokens = policy::tokens(&file, None).unwrap();
    let paused = token(&tokens, "program-enabled.yaml:paused");
    assert_eq!((&paused.enabled, &paused.created_at, &paused.last_seen_at), (&Field::Known(false), &Field::Absent, &None));
    assert_eq!(token(&tokens, "program-enabled.yaml:switched").enabled, Field::Unknown, "config without a default");
    assert_eq!(token(&tokens, "program-enabled.yaml:active").enabled, Field::Known(true));

    let report = scan_one("program-enabled.yaml", &all_on());
    assert_eq!(rules_for(&report, &paused.address), ["disabled"]);
    assert_eq!(rules_for(&report, "program-enabled.yaml:switched"), Vec::<String>::new());
    assert_eq!(rules_for(&report, "program-enabled.yaml:active"), Vec::<String>::new());
    let f = find(&report, &paused.address, "disabled");
    assert_eq!((f.level, f.line), (Level::Mandatory, Some(line_of(&file, "  paused:"))));
    assert_eq!(
        f.message,
        "enabled is false in the configuration, so once applied the token authenticates nothing: every request presenting it is refused; if that is not meant, set enabled: true (or leave it out) and run `up` to enable it in place, with the same client id and secret"
    );
    // 3 tokens x 6 applicable rules: idle and never-used do not apply to a program.
    assert_eq!(report.checks, 18);
    for id in [rules::IDLE, rules::NEVER_USED] {
        assert!(!rules::applies_to(rules::rule(id).unwrap(), InputKind::Program), "{id}");
    }
    assert!(rules::applies_to(rules::rule(rules::DISABLED).unwrap(), InputKind::Program));
}

#[test]
fn idle_days_from_a_policy_file_and_an_override() {
    let export = || fixture("pulumi-export-usage.json");
    let urn = |name: &str| format!("urn:pulumi:prod::edge-tokens::{OWN}::{name}");
    let fired = |s: &Settings, rule: &str| -> Vec<String> {
        let report = scan(&[export()], None, s).unwrap();
        let mut out: Vec<String> = report.findings.iter().filter(|f| f.rule_id == rule).map(|f| f.address.rsplit("::").next().unwrap().to_string()).collect();
        out.sort();
        out
    };
    let defaults = Settings::new(now());
    assert_eq!(defaults.idle_days, 90);
    assert_eq!(fired(&defaults, "idle"), ["cleaned-up", "quarterly"]);
    assert_eq!(fired(&defaults, "never-used"), ["never-deployed"]);

    // 120 days: the quarterly job (105 days) is quiet, the rest still fire.
    let file = Settings::build(now(), Some(&InputFile::new("p.yaml", "rules:\n  idle: mandatory\nidleDays: 120\n")), &[]).unwrap();
    assert_eq!(file.idle_days, 120);
    assert_eq!(fired(&file, "idle"), ["cleaned-up"]);
    let report = scan(&[export()], None, &file).unwrap();
    let idle = find(&report, &urn("cleaned-up"), "idle");
    assert_eq!(idle.level, Level::Mandatory);
    assert!(idle.message.contains("more than 120 days ago (idleDays)"), "{}", idle.message);
    assert!(find(&report, &urn("never-deployed"), "never-used").message.contains("more than 120 days (idleDays)"));

    // The override wins over the file; JSON policy files take it too.
    let over = Settings::build(now(), Some(&InputFile::new("p.json", r#"{"idleDays": 120}"#)), &["idleDays=200".to_string()]).unwrap();
    assert_eq!(over.idle_days, 200);
    assert_eq!(fired(&over, "idle"), ["cleaned-up"], "211 days");
    assert_eq!(fired(&over, "never-used"), Vec::<String>::new(), "151 days");
    let mut short = Settings::new(now());
    short.apply_override("idleDays=1").unwrap();
    assert_eq!(fired(&short, "never-used"), ["fresh", "never-deployed"]);
    assert_eq!(fired(&short, "idle"), ["cleaned-up", "quarterly"], "in-use, seen 5 h 30 min ago, is within a day");
    let report = scan(&[export()], None, &short).unwrap();
    assert_eq!(render_json_idle_days(&report), 1);

    // Bounds: 1 to 36 500 days, whole numbers.
    for bad in ["idleDays=0", "idleDays=36501", "idleDays=-3", "idleDays=ninety", "idleDays=1.5", "idleDays="] {
        let err = Settings::new(now()).apply_override(bad).unwrap_err().to_string();
        assert!(err.contains("idleDays") && err.contains("from 1 to 36500"), "{bad}: {err}");
    }
    assert_eq!(Settings::build(now(), None, &["idleDays=36500".to_string()]).unwrap().idle_days, 36_500);
    let err = Settings::build(now(), Some(&InputFile::new("p.yaml", "idleDays: 0\nidleDay: 3\n")), &[]).unwrap_err().to_string();
    assert!(err.contains("p.yaml: idleDays") && err.contains("from 1 to 36500"), "{err}");
    assert!(err.contains("idleDay") && err.contains("unknown key") && err.contains("`idleDays`"), "{err}");
    let err = Settings::new(now()).apply_override("idle").unwrap_err().to_string();
    assert!(err.contains("idleDays=<days>"), "{err}");
}

fn render_json_idle_days(report: &Report) -> u64 {
    let v: serde_json::Value = serde_json::from_str(&policy::render(report, policy::Format::Json)).unwrap();
    v["idleDays"].as_u64().unwrap()
}

#[test]
fn usage_rules_one_by_one_with_their_boundaries() {
    let s = all_on();
    // disabled: false only; null (a state from before) and true are enabled.
    assert_eq!(fired(with(&[("enabled", false.into())]), &s), ["disabled"]);
    assert_eq!(fired(with(&[("enabled", true.into())]), &s), Vec::<String>::new());
    assert_eq!(fired(with(&[("enabled", serde_json::Value::Null)]), &s), Vec::<String>::new());
    assert_eq!(fired(with(&[("enabled", "false".into())]), &s), Vec::<String>::new(), "not a boolean: not a value to judge");
    let seen = |t: &str| with(&[("created_at", "2025-01-01T00:00:00Z".into()), ("last_seen_at", t.into())]);
    // idle: more than 90 days, exactly 90 is not.
    assert_eq!(fired(seen("2025-12-01T00:00:00Z"), &s), Vec::<String>::new(), "exactly 90 days");
    assert_eq!(fired(seen("2025-11-30T23:59:59Z"), &s), ["idle"]);
    assert_eq!(fired(seen("2026-03-05T00:00:00Z"), &s), Vec::<String>::new(), "seen after now (clock skew) is not idle");
    // never-used: created more than 90 days ago and last_seen_at null.
    let created = |t: &str| with(&[("created_at", t.into()), ("last_seen_at", serde_json::Value::Null)]);
    assert_eq!(fired(created("2025-12-01T00:00:00Z"), &s), Vec::<String>::new(), "exactly 90 days");
    assert_eq!(fired(created("2025-11-30T23:59:59Z"), &s), ["never-used"]);
    let mut unrecorded = with(&[("created_at", "2025-01-01T00:00:00Z".into())]);
    unrecorded.as_object_mut().unwrap().remove("last_seen_at");
    assert_eq!(fired(unrecorded, &s), Vec::<String>::new(), "no last_seen_at attribute: use is not recorded, so not judged");
    assert_eq!(fired(with(&[("last_seen_at", serde_json::Value::Null)]), &s), Vec::<String>::new(), "never seen, creation unknown");
    // Both a disabled token and an idle one: both rules speak.
    let both = with(&[("enabled", false.into()), ("created_at", "2025-01-01T00:00:00Z".into()), ("last_seen_at", "2025-06-01T00:00:00Z".into())]);
    assert_eq!(fired(both, &s), ["disabled", "idle"]);
    // Times that are not RFC 3339 are errors naming the token, as for expires_at.
    for (attr, bad) in [("created_at", "last spring"), ("last_seen_at", "yesterday")] {
        let err = scan(&[tf(with(&[(attr, bad.into())]))], None, &s).unwrap_err().to_string();
        assert!(err.contains("t.tfstate") && err.contains("cloudflare_access_service_token.t") && err.contains(&format!("{attr} \"{bad}\" is not an RFC 3339 time")), "{err}");
    }
}
