//! Policy checks over the resources the Pulumi engine hands a policy
//! analyzer: preview values (unknowns), the engine's secret marking, every
//! rule positive and negative for each token type, other types skipped,
//! malformed properties, large stacks and settings.

use access_service_token::error::quote_up_to;
use access_service_token_policy_rules::{analyze, render, rules, scan, EngineResource, Format, InputFile, InputKind, Level, Report, Settings, RULES};
use chrono::{DateTime, Duration, SecondsFormat, Utc};
use serde_json::{json, Value};

const V5: &str = "cloudflare:index/accessServiceToken:AccessServiceToken";
const V6: &str = "cloudflare:index/zeroTrustAccessServiceToken:ZeroTrustAccessServiceToken";
const OWN: &str = "cloudflare-access-service-token:index:AccessServiceToken";
const TYPES: [&str; 3] = [V5, V6, OWN];
const ACCOUNT: &str = "0123456789abcdef0123456789abcdef";
const ZONE: &str = "fedcba9876543210fedcba9876543210";
const UNKNOWN: &str = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const SECRET: &str = "c0ffee-sup3r-s3cret-value-4a7b";

fn created() -> DateTime<Utc> {
    "2026-01-01T00:00:00Z".parse().unwrap()
}

fn at(days: i64) -> String {
    (created() + Duration::days(days)).to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Judged 340 days after creation, as in the seed scenario.
fn settings() -> Settings {
    Settings::new(created() + Duration::days(340))
}

/// Defaults with every rule enabled (non-expiring is disabled by default).
fn all_on() -> Settings {
    let mut s = settings();
    s.apply_override("non-expiring=advisory").unwrap();
    s
}

/// Pulumi's secret wrapper.
fn wrapped(v: Value) -> Value {
    json!({"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", "value": v})
}

fn resource(ty: &str, name: &str, props: &Value) -> EngineResource {
    EngineResource::new(format!("urn:pulumi:dev::ci::{ty}::{name}"), ty, props.to_string())
}

/// The seed token after a real `up`: a one-year token with a renewal window.
fn seed() -> Value {
    json!({
        "name": "CI/CD app",
        "accountId": ACCOUNT,
        "duration": "8760h",
        "minDaysForRenewal": 30,
        "expiresAt": at(365),
        "clientId": "abc.access",
        "clientSecret": wrapped(json!(SECRET)),
    })
}

/// A token as a preview of its creation sees it: outputs unknown.
fn new_token() -> Value {
    json!({
        "name": "CI/CD app",
        "accountId": ACCOUNT,
        "duration": "8760h",
        "minDaysForRenewal": 0,
        "id": UNKNOWN,
        "clientId": UNKNOWN,
        "expiresAt": UNKNOWN,
        "clientSecret": UNKNOWN,
    })
}

fn with(mut base: Value, changes: Value) -> Value {
    for (k, v) in changes.as_object().unwrap() {
        if v.is_null() {
            base.as_object_mut().unwrap().remove(k);
        } else {
            base[k] = v.clone();
        }
    }
    base
}

fn run(resources: &[EngineResource], settings: &Settings) -> Report {
    analyze(resources, settings).unwrap_or_else(|e| panic!("{e}"))
}

/// The rule ids found, sorted.
fn ids(report: &Report) -> Vec<&str> {
    let mut ids: Vec<&str> = report.findings.iter().map(|f| f.rule_id.as_str()).collect();
    ids.sort();
    ids
}

fn one(ty: &str, props: &Value, settings: &Settings) -> Report {
    run(&[resource(ty, "token", props)], settings)
}

#[test]
fn a_preview_of_a_new_token_is_never_renewed_and_nothing_else() {
    for ty in TYPES {
        for props in [new_token(), with(new_token(), json!({"duration": null})), with(new_token(), json!({"minDaysForRenewal": null}))] {
            let report = one(ty, &props, &all_on());
            assert_eq!(ids(&report), ["never-renewed"], "{ty} {props}");
            assert_eq!(report.tokens_checked, 1);
            let f = &report.findings[0];
            assert_eq!(f.address, format!("urn:pulumi:dev::ci::{ty}::token"));
            assert_eq!((f.file.as_str(), f.line), ("", None));
            assert!(f.message.contains("minDaysForRenewal") && f.message.contains("when its duration runs out"), "{}", f.message);
        }
    }
}

#[test]
fn the_seed_token_340_days_on_expires_soon_and_its_wrapped_secret_is_protected() {
    for ty in TYPES {
        let report = one(ty, &seed(), &all_on());
        assert_eq!(ids(&report), ["expires-soon"], "{ty}");
        let f = &report.findings[0];
        assert_eq!(f.level, Level::Mandatory);
        assert!(f.message.contains("in 25 days") && f.message.contains("30-day window"), "{}", f.message);
        assert_eq!(report.failed, 1);
    }
}

#[test]
fn both_scopes_conflict_even_while_other_values_are_unknown() {
    for ty in TYPES {
        let report = one(ty, &with(new_token(), json!({"zoneId": ZONE})), &settings());
        assert_eq!(ids(&report), ["never-renewed", "scope-conflict"], "{ty}");
        let conflict = report.findings.iter().find(|f| f.rule_id == "scope-conflict").unwrap();
        assert!(conflict.message.contains("accountId") && conflict.message.contains("zoneId"), "{}", conflict.message);
    }
}

#[test]
fn an_unknown_value_fires_no_rule() {
    let s = all_on();
    // Expiry unknown: neither expired nor expiring, however late it is.
    let late = Settings::new(created() + Duration::days(5000));
    assert!(!ids(&one(V6, &with(seed(), json!({"expiresAt": UNKNOWN})), &late)).iter().any(|id| id.starts_with("expire")));
    // Renewal window unknown: not never-renewed, not too long.
    assert_eq!(ids(&one(V6, &with(new_token(), json!({"minDaysForRenewal": UNKNOWN})), &s)), Vec::<&str>::new());
    // Duration unknown with a long window: too long cannot be told.
    assert_eq!(ids(&one(V6, &with(seed(), json!({"duration": UNKNOWN, "minDaysForRenewal": 400, "expiresAt": at(400)})), &s)), Vec::<&str>::new());
    // A scope unknown is set, not missing.
    assert_eq!(ids(&one(V6, &with(seed(), json!({"accountId": UNKNOWN, "expiresAt": at(400)})), &s)), Vec::<&str>::new());
    // A wrapped unknown is unknown too.
    assert_eq!(ids(&one(V6, &with(seed(), json!({"expiresAt": wrapped(json!(UNKNOWN))})), &s)), Vec::<&str>::new());
}

#[test]
fn every_rule_fires_and_stays_quiet_for_every_token_type() {
    let healthy = with(seed(), json!({"expiresAt": at(500)}));
    let cases: [(&str, Value, Value); 11] = [
        (rules::EXPIRED, json!({"expiresAt": at(339)}), json!({"expiresAt": at(500)})),
        (rules::EXPIRES_SOON, json!({"expiresAt": at(350)}), json!({"expiresAt": at(371)})),
        (rules::NEVER_RENEWED, json!({"minDaysForRenewal": 0}), json!({"minDaysForRenewal": 1})),
        (rules::RENEWAL_WINDOW_TOO_LONG, json!({"minDaysForRenewal": 365}), json!({"minDaysForRenewal": 364})),
        (rules::NON_EXPIRING, json!({"duration": "forever"}), json!({"duration": "24h"})),
        (rules::PLAINTEXT_SECRET, json!({"clientSecret": SECRET}), json!({"clientSecret": wrapped(json!(SECRET))})),
        (rules::SCOPE_CONFLICT, json!({"zoneId": ZONE}), json!({"zoneId": ""})),
        (rules::SCOPE_MISSING, json!({"accountId": null}), json!({"accountId": null, "zoneId": ZONE})),
        (rules::DISABLED, json!({"enabled": false}), json!({"enabled": true})),
        (rules::IDLE, json!({"createdAt": at(0), "lastSeenAt": at(200)}), json!({"createdAt": at(0), "lastSeenAt": at(300)})),
        (rules::NEVER_USED, json!({"createdAt": at(0)}), json!({"createdAt": at(300)})),
    ];
    for ty in TYPES {
        assert_eq!(ids(&one(ty, &healthy, &all_on())), Vec::<&str>::new(), "{ty}: the healthy token");
        for (rule, positive, negative) in &cases {
            let fired = one(ty, &with(healthy.clone(), positive.clone()), &all_on());
            assert!(ids(&fired).contains(rule), "{ty}: {rule} should fire for {positive}: {:?}", ids(&fired));
            let quiet = one(ty, &with(healthy.clone(), negative.clone()), &all_on());
            assert!(!ids(&quiet).contains(rule), "{ty}: {rule} should not fire for {negative}: {:?}", ids(&quiet));
        }
    }
}

#[test]
fn the_short_type_forms_are_tokens_too() {
    for ty in ["cloudflare:index:AccessServiceToken", "cloudflare:AccessServiceToken", "cloudflare:index:ZeroTrustAccessServiceToken", "cloudflare:ZeroTrustAccessServiceToken"] {
        assert_eq!(ids(&one(ty, &seed(), &settings())), ["expires-soon"], "{ty}");
    }
    // With no type given, the URN's (after any parent types) decides.
    let mut r = resource(V6, "child", &seed());
    r.ty.clear();
    r.urn = format!("urn:pulumi:dev::ci::my:component:Parent${V6}::child");
    assert_eq!(ids(&run(&[r], &settings())), ["expires-soon"]);
}

#[test]
fn a_plain_client_secret_is_plaintext_in_the_stack_state_and_says_how_to_fix_it() {
    let report = one(V5, &with(seed(), json!({"clientSecret": SECRET, "expiresAt": at(500)})), &settings());
    assert_eq!(ids(&report), ["plaintext-secret"]);
    let f = &report.findings[0];
    assert_eq!(f.level, Level::Advisory);
    assert!(f.message.contains("not marked secret") && f.message.contains("stack's state") && f.message.contains("additionalSecretOutputs"), "{}", f.message);
    // Empty, unknown or wrapped in any way: nothing stored in plain text.
    for secret in [json!(""), json!(UNKNOWN), wrapped(json!("")), wrapped(json!(UNKNOWN)), json!(null), json!({"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", "ciphertext": "v1:abc"})] {
        let r = one(V5, &with(seed(), json!({"clientSecret": secret.clone(), "expiresAt": at(500)})), &settings());
        assert_eq!(ids(&r), Vec::<&str>::new(), "{secret}");
    }
}

#[test]
fn other_wrapped_properties_are_read_as_their_values() {
    let secret_account = with(seed(), json!({"accountId": wrapped(json!(ACCOUNT)), "expiresAt": at(500)}));
    assert_eq!(ids(&one(V6, &secret_account, &settings())), Vec::<&str>::new());
    assert_eq!(ids(&one(V6, &with(secret_account, json!({"zoneId": wrapped(json!(ZONE))})), &settings())), ["scope-conflict"]);
    let secret_expiry = with(seed(), json!({"expiresAt": wrapped(json!(at(339)))}));
    assert_eq!(ids(&one(V6, &secret_expiry, &settings())), ["expired"]);
    let secret_days = with(seed(), json!({"minDaysForRenewal": wrapped(json!(0)), "expiresAt": at(500)}));
    assert_eq!(ids(&one(V6, &secret_days, &settings())), ["never-renewed"]);
}

#[test]
fn other_resource_types_are_skipped_and_not_counted() {
    let resources = [
        resource("aws:s3/bucket:Bucket", "bucket", &json!({"clientSecret": SECRET})),
        EngineResource::new("urn:pulumi:dev::ci::cloudflare:index/record:Record::r", "cloudflare:index/record:Record", "not JSON at all"),
        resource("pulumi:pulumi:Stack", "ci-dev", &json!({})),
        resource(V6, "token", &seed()),
    ];
    let report = run(&resources, &settings());
    assert_eq!(report.tokens_checked, 1);
    assert_eq!(ids(&report), ["expires-soon"]);
    assert!(report.findings.iter().all(|f| f.address.ends_with("::token")));
    assert_eq!(run(&resources[..3], &settings()).tokens_checked, 0);
    let empty = run(&[], &settings());
    assert_eq!((empty.tokens_checked, empty.passed, empty.failed, empty.findings.len()), (0, 0, 0, 0));
}

#[test]
fn a_thousand_resources_give_the_expected_counts() {
    let mut resources = Vec::new();
    for i in 0..1000 {
        let ty = TYPES[i % 3];
        let props = match i % 4 {
            0 => with(seed(), json!({"expiresAt": at(300)})),           // expired (mandatory)
            1 => seed(),                                                  // expires-soon (mandatory)
            2 => with(seed(), json!({"expiresAt": at(500), "clientSecret": SECRET})), // plaintext-secret (advisory)
            _ => with(seed(), json!({"expiresAt": at(500)})),            // clean
        };
        resources.push(resource(ty, &format!("t{i}"), &props));
        resources.push(resource("aws:s3/bucket:Bucket", &format!("b{i}"), &json!({"bucket": format!("b{i}")})));
    }
    let report = run(&resources, &settings());
    assert_eq!(report.tokens_checked, 1000);
    let count = |id: &str| report.findings.iter().filter(|f| f.rule_id == id).count();
    assert_eq!((count("expired"), count("expires-soon"), count("plaintext-secret")), (250, 250, 250));
    assert_eq!(report.findings.len(), 750);
    let enabled = RULES.iter().filter(|r| r.default_level != Level::Disabled).count();
    assert_eq!(report.checks, 1000 * enabled);
    assert_eq!(report.failed, 500);
    assert_eq!(report.advisory, 250);
    assert_eq!(report.passed, 1000 * enabled - 500);
    // Ordered by address, then rule: the same whatever order the resources came in.
    resources.reverse();
    assert_eq!(run(&resources, &settings()).findings, report.findings);
}

#[test]
fn a_hundred_thousand_resources_are_judged_in_one_pass() {
    let props = seed().to_string();
    let resources: Vec<EngineResource> =
        (0..100_000).map(|i| EngineResource::new(format!("urn:pulumi:dev::ci::{V6}::t{i}"), V6, props.clone())).collect();
    let report = run(&resources, &settings());
    assert_eq!(report.tokens_checked, 100_000);
    assert_eq!(report.failed, 100_000);
    assert!(report.findings.iter().all(|f| f.rule_id == "expires-soon"));
}

#[test]
fn settings_overrides_apply() {
    let mut advisory = settings();
    advisory.apply_override("expires-soon=advisory").unwrap();
    let report = one(OWN, &seed(), &advisory);
    assert_eq!(ids(&report), ["expires-soon"]);
    assert_eq!(report.findings[0].level, Level::Advisory);
    assert_eq!((report.failed, report.advisory), (0, 1));

    let far = with(seed(), json!({"expiresAt": at(700)}));
    assert_eq!(ids(&one(OWN, &far, &settings())), Vec::<&str>::new());
    let mut wide = settings();
    wide.apply_override("expiresWithinDays=400").unwrap();
    let report = one(OWN, &far, &wide);
    assert_eq!(ids(&report), ["expires-soon"]);
    assert!(report.findings[0].message.contains("400-day window"), "{}", report.findings[0].message);

    let mut off = settings();
    off.apply_override("expires-soon=disabled").unwrap();
    let report = one(OWN, &seed(), &off);
    assert!(report.findings.is_empty());
    assert_eq!(report.checks, RULES.iter().filter(|r| r.default_level != Level::Disabled).count() - 1);
}

#[test]
fn properties_that_are_not_a_json_object_are_errors_naming_the_urn() {
    for text in ["not JSON", "{\"name\": ", "[1, 2]", "\"text\"", "42", "null", "{\"a\": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}"] {
        let r = EngineResource::new(format!("urn:pulumi:dev::ci::{V6}::bad\nline"), V6, text);
        let err = analyze(std::slice::from_ref(&r), &settings()).unwrap_err().to_string();
        assert!(err.contains(&quote_up_to(&r.urn, 400)), "{text}: {err}");
        assert!(err.contains("properties are not"), "{text}: {err}");
    }
    // An empty bag is a token with nothing set (as in the provider protocol).
    let report = run(&[EngineResource::new(format!("urn:pulumi:dev::ci::{V6}::empty"), V6, "")], &settings());
    assert_eq!(ids(&report), ["never-renewed", "scope-missing"]);
}

#[test]
fn an_expiry_that_is_not_rfc3339_is_an_error_naming_the_urn_and_never_the_secret() {
    let r = resource(V5, "token", &with(seed(), json!({"expiresAt": "next tuesday", "clientSecret": SECRET})));
    let err = analyze(std::slice::from_ref(&r), &settings()).unwrap_err().to_string();
    assert!(err.contains(&quote_up_to(&r.urn, 400)) && err.contains("expiresAt \"next tuesday\" is not an RFC 3339 time"), "{err}");
    assert!(!err.contains(SECRET));
}

#[test]
fn many_unreadable_resources_are_reported_together_and_bounded() {
    let bad: Vec<EngineResource> = (0..500).map(|i| EngineResource::new(format!("urn:pulumi:dev::ci::{V6}::b{i}"), V6, "nope")).collect();
    let err = analyze(&bad, &settings()).unwrap_err().to_string();
    assert!(err.contains("::b0\"") && err.contains("::b19\"") && !err.contains("::b20\""), "{err}");
    assert!(err.contains("and 480 more with unreadable properties"), "{err}");
}

#[test]
fn odd_property_values_never_panic_and_read_as_unknown() {
    let odd = [
        json!(12345),
        json!(-1),
        json!(1e300),
        json!(18446744073709551616u128 as f64),
        json!(0.5),
        json!(true),
        json!(""),
        json!("   "),
        json!([]),
        json!([1, "a"]),
        json!({}),
        json!({"nested": {"deeper": [null]}}),
        wrapped(json!({"a": 1})),
        wrapped(json!(null)),
        json!({"4dabf18193072939515e22adb298388d": "not the signature", "value": "x"}),
        json!({"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270"}),
        json!("\u{0}\u{202e}"),
    ];
    let late = Settings::new(created() + Duration::days(5000));
    let times = ["expiresAt", "createdAt", "lastSeenAt"];
    for prop in ["name", "accountId", "zoneId", "duration", "minDaysForRenewal", "expiresAt", "clientSecret", "enabled", "createdAt", "lastSeenAt"] {
        for value in &odd {
            let mut props = seed();
            props[prop] = value.clone();
            let result = analyze(&[resource(V6, "odd", &props)], &late);
            let text = value.as_str().filter(|s| !s.is_empty());
            if times.contains(&prop) && text.is_some() {
                // Text that is not a time: an error naming the token, not a guess.
                let err = result.unwrap_err().to_string();
                assert!(err.contains("::odd") && err.contains("not an RFC 3339 time"), "{err}");
                continue;
            }
            let report = result.unwrap_or_else(|e| panic!("{prop}: {value}: {e}"));
            assert_eq!(report.tokens_checked, 1);
            if prop == "expiresAt" {
                // Not a time: unknown (or, wrapped null, absent), never an expiry judged from it.
                assert!(!ids(&report).iter().any(|id| id.starts_with("expire")), "{value}: {:?}", ids(&report));
            }
            if prop == "clientSecret" {
                // Only a bare, non-empty text is a secret stored as it is.
                assert_eq!(ids(&report).contains(&"plaintext-secret"), text.is_some(), "{value}");
            }
            if prop == "enabled" {
                // Only a JSON false is disabled.
                assert!(!ids(&report).contains(&"disabled"), "{value}");
            }
            if prop == "createdAt" || prop == "lastSeenAt" {
                // Not a time: never idle or never used on a guess.
                assert!(!ids(&report).iter().any(|id| *id == "idle" || *id == "never-used"), "{prop} {value}: {:?}", ids(&report));
            }
        }
    }
    // A number where a text is expected is not a time to guess at.
    let report = one(V6, &with(seed(), json!({"expiresAt": 1_700_000_000})), &late);
    assert!(!ids(&report).iter().any(|id| id.starts_with("expire")));
    // Huge or fractional renewal windows: unknown, so neither renewal rule fires.
    for days in [json!(1e300), json!(0.5), json!(-1e20), json!("30 days")] {
        let report = one(V6, &with(seed(), json!({"minDaysForRenewal": days.clone(), "expiresAt": at(500)})), &settings());
        assert_eq!(ids(&report), Vec::<&str>::new(), "{days}");
    }
}

#[test]
fn no_message_or_report_contains_the_secret() {
    let mut s = all_on();
    s.apply_override("plaintext-secret=mandatory").unwrap();
    let mut resources = Vec::new();
    for (i, ty) in TYPES.iter().enumerate() {
        for (j, change) in [
            json!({"expiresAt": at(300)}),
            json!({"minDaysForRenewal": 0}),
            json!({"duration": "forever"}),
            json!({"minDaysForRenewal": 400}),
            json!({"zoneId": ZONE}),
            json!({"accountId": null}),
            json!({"enabled": false}),
            json!({"createdAt": at(0), "lastSeenAt": at(100)}),
            json!({"createdAt": at(0)}),
        ]
        .into_iter()
        .enumerate()
        {
            let props = with(with(seed(), json!({"clientSecret": SECRET})), change);
            resources.push(resource(ty, &format!("t{i}-{j}"), &props));
        }
    }
    let report = run(&resources, &s);
    assert_eq!(report.tokens_checked, 27);
    for rule in RULES {
        assert!(report.findings.iter().any(|f| f.rule_id == rule.id), "{} never fired", rule.id);
    }
    for f in &report.findings {
        assert!(!f.message.contains(SECRET) && !f.address.contains(SECRET), "{f:?}");
    }
    for format in Format::ALL {
        assert!(!render(&report, format).contains(SECRET), "{format}");
    }
    assert!(!format!("{report:?}").contains(SECRET));
}

#[test]
fn the_text_report_names_the_urn_and_points_at_no_file() {
    let report = one(V6, &seed(), &settings());
    let text = render(&report, Format::Text);
    let urn = format!("urn:pulumi:dev::ci::{V6}::token");
    assert_eq!(text.lines().next().unwrap(), format!("MANDATORY  expires-soon  {urn}  {}", report.findings[0].message));
    assert_eq!(text.lines().last().unwrap(), format!("{} passed, 1 failed", report.passed));
}

#[test]
fn the_engine_kind_is_not_a_file_kind() {
    assert_eq!(InputKind::PulumiEngine.id(), "pulumi-engine");
    assert!(!InputKind::ALL.contains(&InputKind::PulumiEngine));
    assert!("pulumi-engine".parse::<InputKind>().is_err());
    let err = scan(&[InputFile::new("x.json", "{}")], Some(InputKind::PulumiEngine), &settings()).unwrap_err().to_string();
    assert!(err.contains("not a file kind"), "{err}");
}

#[test]
fn the_rules_are_listed_in_report_order_with_their_default_levels() {
    let listed: Vec<(&str, Level)> = RULES.iter().map(|r| (r.id, r.default_level)).collect();
    assert_eq!(
        listed,
        [
            ("expired", Level::Mandatory),
            ("expires-soon", Level::Mandatory),
            ("never-renewed", Level::Advisory),
            ("renewal-window-too-long", Level::Advisory),
            ("non-expiring", Level::Disabled),
            ("plaintext-secret", Level::Advisory),
            ("scope-conflict", Level::Mandatory),
            ("scope-missing", Level::Mandatory),
            ("disabled", Level::Mandatory),
            ("idle", Level::Advisory),
            ("never-used", Level::Advisory),
        ]
    );
    assert!(RULES.iter().all(|r| !r.name.is_empty() && !r.summary.is_empty() && !r.help.is_empty()));
}

// ---- usage: disabled, idle, never-used ------------------------------------

/// The seed token as this project's provider writes it after a refresh:
/// enabled, created at `created()`, last seen `seen` days after.
fn used(seen: i64) -> Value {
    with(seed(), json!({"enabled": true, "createdAt": at(0), "lastSeenAt": at(seen), "expiresAt": at(500)}))
}

#[test]
fn usage_findings_say_what_happened_and_what_to_do() {
    // 340 days on: last seen on day 100 (240 days ago), created 340 days ago.
    let report = one(OWN, &with(used(100), json!({"enabled": false})), &settings());
    assert_eq!(ids(&report), ["disabled", "idle"]);
    let disabled = report.findings.iter().find(|f| f.rule_id == "disabled").unwrap();
    assert_eq!(disabled.level, Level::Mandatory);
    assert_eq!(
        disabled.message,
        "enabled is false in the configuration, so once applied the token authenticates nothing: every request presenting it is refused (last seen at 2026-04-11T00:00:00Z, 240 days ago); if that is not meant, set enabled: true (or leave it out) and run `pulumi up` to enable it in place, with the same client id and secret"
    );
    let idle = report.findings.iter().find(|f| f.rule_id == "idle").unwrap();
    assert_eq!(idle.level, Level::Advisory);
    assert_eq!(
        idle.message,
        "not seen for 240 days: lastSeenAt is 2026-04-11T00:00:00Z, more than 90 days ago (idleDays); Cloudflare's inactivity cleanup may disable or delete it; delete it if nothing uses it, or check that whatever should present it still does"
    );
    let never = one(OWN, &with(used(0), json!({"lastSeenAt": null})), &settings());
    assert_eq!(ids(&never), ["never-used"]);
    assert_eq!(
        never.findings[0].message,
        "never used: created at 2026-01-01T00:00:00Z (340 days ago), more than 90 days (idleDays), and it has never authenticated (lastSeenAt is empty); Cloudflare's inactivity cleanup may disable or delete it; delete it if nothing needs it, or deploy its credentials"
    );
    assert_eq!(ids(&one(OWN, &used(300), &settings())), Vec::<&str>::new(), "seen 40 days ago");
    // The window is the settings': 250 days, then the 240-day-old use is fine.
    let mut wide = settings();
    wide.apply_override("idleDays=250").unwrap();
    assert_eq!(ids(&one(OWN, &used(100), &wide)), Vec::<&str>::new());
    assert_eq!(ids(&one(OWN, &with(used(0), json!({"lastSeenAt": null})), &wide)), ["never-used"], "340 days is more than 250");
}

#[test]
fn usage_rules_never_fire_on_a_value_unknown_in_a_preview() {
    let s = all_on();
    // A new token: enabled unknown (from another resource), createdAt unknown, no lastSeenAt yet.
    let planned = with(new_token(), json!({"minDaysForRenewal": 30, "enabled": UNKNOWN, "createdAt": UNKNOWN}));
    assert_eq!(ids(&one(OWN, &planned, &s)), Vec::<&str>::new());
    assert_eq!(ids(&one(OWN, &with(planned.clone(), json!({"enabled": wrapped(json!(UNKNOWN))})), &s)), Vec::<&str>::new());
    // Known before it exists: a program that creates it disabled.
    let off = one(OWN, &with(planned, json!({"enabled": false})), &s);
    assert_eq!(ids(&off), ["disabled"]);
    assert!(off.findings[0].message.starts_with("enabled is false in the configuration") && !off.findings[0].message.contains("last seen"), "{}", off.findings[0].message);
    // An update: createdAt known and old, lastSeenAt unknown — neither idle nor never used.
    assert_eq!(ids(&one(OWN, &with(used(0), json!({"lastSeenAt": UNKNOWN})), &s)), Vec::<&str>::new());
    // createdAt unknown and no lastSeenAt: not never-used.
    assert_eq!(ids(&one(OWN, &with(used(0), json!({"createdAt": UNKNOWN, "lastSeenAt": null})), &s)), Vec::<&str>::new());
}

#[test]
fn cloudflare_provider_resources_without_the_properties_fire_no_usage_rule() {
    // pulumi-cloudflare writes no `enabled` and no `createdAt`; v5 no lastSeenAt.
    let late = Settings::new(created() + Duration::days(5000));
    for ty in [V5, V6] {
        let report = one(ty, &seed(), &late);
        assert!(!ids(&report).iter().any(|id| ["disabled", "idle", "never-used"].contains(id)), "{ty}: {:?}", ids(&report));
    }
    // v6 with a null lastSeenAt and no createdAt: nothing to tell.
    let mut unseen = with(seed(), json!({"expiresAt": at(500)}));
    unseen["lastSeenAt"] = Value::Null;
    let unseen = one(V6, &unseen, &settings());
    assert_eq!(ids(&unseen), Vec::<&str>::new());
    // v6 with a lastSeenAt: read where present.
    assert_eq!(ids(&one(V6, &with(seed(), json!({"lastSeenAt": at(10), "expiresAt": at(500)})), &settings())), ["idle"]);
}
