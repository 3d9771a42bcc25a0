//! SARIF 2.1.0, as GitHub code scanning accepts it: one run, the whole rules
//! table in the driver (so `ruleIndex` is stable), one result per finding
//! with a physical location (`startLine` at least 1, as GitHub requires) and
//! a partial fingerprint of rule and address, so an alert follows its token
//! when lines move.

use crate::report::Report;
use crate::rules::{time, RULES};
use serde_json::{json, Value};

/// The schema the output declares (the OASIS errata 01 schema).
pub const SARIF_SCHEMA: &str = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// The tool name code scanning shows (and groups alerts by).
pub const TOOL_NAME: &str = "access-service-token-policy";

/// Where people learn what the checks are about: Cloudflare's service token documentation.
pub const INFORMATION_URI: &str = "https://developers.cloudflare.com/cloudflare-one/identity/service-tokens/";

/// The key of the partial fingerprint; the `/v1` names the recipe (FNV-1a
/// 64 of `rule id NUL address`), which changes key if it ever changes.
pub const FINGERPRINT_KEY: &str = "tokenRule/v1";

/// FNV-1a, 64 bits: small, stable across platforms and releases.
pub fn fingerprint(rule_id: &str, address: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in rule_id.bytes().chain([0u8]).chain(address.bytes()) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// A file name as a relative URI reference: `\` becomes `/`, and every byte
/// outside the unreserved set and `/` is percent-encoded.
pub fn uri(file: &str) -> String {
    let mut out = String::new();
    for b in file.replace('\\', "/").bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The SARIF log as a JSON value.
pub fn value(report: &Report) -> Value {
    let rules: Vec<Value> = RULES
        .iter()
        .map(|r| {
            let level = report.levels.get(r.id).copied().unwrap_or(r.default_level);
            json!({
                "id": r.id,
                "name": r.name,
                "shortDescription": {"text": r.summary},
                "fullDescription": {"text": r.help},
                "help": {"text": format!("{} Level in this run: {level} (default {}); change it in a policy file (rules: {{{}: <mandatory|advisory|disabled>}}) or with the override {}=<level>.", r.help, r.default_level, r.id, r.id)},
                "defaultConfiguration": {"level": level.sarif()},
            })
        })
        .collect();
    let results: Vec<Value> = report
        .findings
        .iter()
        .map(|f| {
            let index = RULES.iter().position(|r| r.id == f.rule_id).unwrap_or(0);
            json!({
                "ruleId": f.rule_id,
                "ruleIndex": index,
                "level": f.level.sarif(),
                "message": {"text": format!("{}: {}", f.address, f.message)},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {"uri": uri(&f.file)},
                        "region": {"startLine": f.line.unwrap_or(1).max(1)},
                    },
                    "logicalLocations": [{"fullyQualifiedName": f.address, "kind": "resource"}],
                }],
                "partialFingerprints": {FINGERPRINT_KEY: fingerprint(&f.rule_id, &f.address)},
            })
        })
        .collect();
    json!({
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": TOOL_NAME,
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": INFORMATION_URI,
                "rules": rules,
            }},
            "invocations": [{"executionSuccessful": true, "endTimeUtc": time(report.now)}],
            "results": results,
        }],
    })
}

/// Renders the SARIF log, pretty-printed.
pub fn render(report: &Report) -> String {
    let mut text = serde_json::to_string_pretty(&value(report)).unwrap_or_else(|_| "{}".into());
    text.push('\n');
    text
}
