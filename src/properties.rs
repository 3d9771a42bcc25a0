//! Property bags: a resource's inputs as a JSON object with Pulumi's camelCase
//! names, as programs and engines hand them over. Decoding names every
//! unknown property (with the closest known name, to catch `acountId`) and
//! every wrongly typed value, then runs [`crate::validate`], so one call
//! reports all failures at once.

use crate::error::{CheckFailure, Error};
use crate::model::TokenArgs;
use crate::validate;
use serde_json::{Map, Value};

/// The input properties, in schema order (from [`crate::schema`]).
pub const INPUT_PROPERTIES: [&str; 8] = crate::schema::INPUTS;

/// Decodes and checks a property bag.
pub fn check_properties(bag: &Map<String, Value>) -> Result<TokenArgs, Error> {
    let mut failures = Vec::new();
    let mut args = TokenArgs::default();
    for (key, value) in bag {
        if value.is_null() {
            continue;
        }
        match key.as_str() {
            "name" => args.name = string(key, value, &mut failures).unwrap_or_default(),
            "accountId" => args.account_id = string(key, value, &mut failures),
            "zoneId" => args.zone_id = string(key, value, &mut failures),
            "duration" => args.duration = string(key, value, &mut failures),
            "previousClientSecretExpiresAt" => args.previous_client_secret_expires_at = string(key, value, &mut failures),
            "minDaysForRenewal" => match value.as_i64() {
                Some(n) => args.min_days_for_renewal = n,
                None => failures.push(CheckFailure::new(key, format!("expected a whole number of days, found {}", describe(value)))),
            },
            "enabled" => match value.as_bool() {
                Some(b) => args.enabled = b,
                None => failures.push(CheckFailure::new(key, format!("expected true or false, found {}", describe(value)))),
            },
            "clientSecretVersion" => match value.as_u64().or_else(|| value.as_f64().filter(|f| f.fract() == 0.0 && *f >= 0.0).map(|f| f as u64)) {
                Some(n) => args.client_secret_version = Some(n),
                None => failures.push(CheckFailure::new(key, format!("expected a whole number of 1 or more, found {}", describe(value)))),
            },
            unknown => failures.push(CheckFailure::new(unknown, unknown_reason(unknown))),
        }
    }
    let mut semantic = validate::failures(&args);
    // A property that already failed to decode is not reported twice.
    semantic.retain(|f| !failures.iter().any(|d| d.property == f.property));
    failures.extend(semantic);
    if failures.is_empty() {
        Ok(args)
    } else {
        Err(Error::InvalidInput(failures))
    }
}

fn string(key: &str, value: &Value, failures: &mut Vec<CheckFailure>) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        other => {
            failures.push(CheckFailure::new(key, format!("expected a string, found {}", describe(other))));
            None
        }
    }
}

fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("the boolean {b}"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) => format!("the string {s}", s = crate::error::quote(&s)),
        Value::Array(_) => "a list".into(),
        Value::Object(_) => "an object".into(),
    }
}

/// Why a property name is refused, with the closest known name, so that
/// every caller (bags, programs) gives the same "did you mean" hint.
pub fn unknown_reason(name: &str) -> String {
    match crate::hint::closest(name, INPUT_PROPERTIES) {
        Some(known) => format!("unknown property; did you mean {known}?", known = crate::error::quote(&known)),
        None => format!("unknown property; known properties are {}", INPUT_PROPERTIES.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn bag(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn decodes_the_seed_properties() {
        let args = check_properties(&bag(json!({
            "accountId": "f037e56e89293a057740de681ac9abbe", "minDaysForRenewal": 30, "name": "CI/CD app renewed"
        })))
        .unwrap();
        assert_eq!(args.name, "CI/CD app renewed");
        assert_eq!(args.min_days_for_renewal, 30);
        assert_eq!(args.account_id.as_deref(), Some("f037e56e89293a057740de681ac9abbe"));
    }

    #[test]
    fn names_unknown_properties_with_a_hint() {
        let err = check_properties(&bag(json!({
            "acountId": "f037e56e89293a057740de681ac9abbe", "name": "x", "colour": "red"
        })))
        .unwrap_err();
        let text = err.to_string();
        assert!(text.contains(r#"acountId: unknown property; did you mean "accountId"?"#), "{text}");
        assert!(text.contains("colour: unknown property; known properties are name, accountId"), "{text}");
        assert!(text.contains("one of accountId or zoneId is required"), "{text}");
    }

    #[test]
    fn wrong_types_are_failures_not_panics() {
        let err = check_properties(&bag(json!({
            "name": 7, "zoneId": "0da42c8d2132a9ddaf714f9e7c920711", "minDaysForRenewal": "thirty", "clientSecretVersion": -2
        })))
        .unwrap_err();
        let text = err.to_string();
        assert!(text.contains("name: expected a string, found the number 7"), "{text}");
        assert!(text.contains(r#"minDaysForRenewal: expected a whole number of days, found the string "thirty""#), "{text}");
        assert!(text.contains("clientSecretVersion: expected a whole number"), "{text}");
        // The undecodable name is reported once, not again as "required".
        assert_eq!(text.matches("name:").count(), 1, "{text}");
    }

    #[test]
    fn enabled_is_a_boolean_that_defaults_to_true() {
        let base = json!({"name": "n", "accountId": "f037e56e89293a057740de681ac9abbe"});
        assert!(check_properties(&bag(base.clone())).unwrap().enabled, "left out: enabled");
        let mut off = base.clone();
        off["enabled"] = json!(false);
        assert!(!check_properties(&bag(off)).unwrap().enabled);
        let mut text = base;
        text["enabled"] = json!("no");
        let err = check_properties(&bag(text)).unwrap_err().to_string();
        assert!(err.contains(r#"enabled: expected true or false, found the string "no""#), "{err}");
    }

    #[test]
    fn a_whole_number_sent_as_a_double_is_a_secret_version() {
        // Pulumi's engine carries every number as a double (`2.0`).
        let args = check_properties(&bag(json!({"name": "n", "accountId": "f037e56e89293a057740de681ac9abbe", "clientSecretVersion": 2.0}))).unwrap();
        assert_eq!(args.client_secret_version, Some(2));
        let err = check_properties(&bag(json!({"name": "n", "accountId": "f037e56e89293a057740de681ac9abbe", "clientSecretVersion": 2.5}))).unwrap_err();
        assert!(err.to_string().contains("clientSecretVersion: expected a whole number"), "{err}");
    }

    #[test]
    fn null_means_absent() {
        let args = check_properties(&bag(json!({
            "name": "n", "accountId": "f037e56e89293a057740de681ac9abbe", "zoneId": null
        })))
        .unwrap();
        assert_eq!(args.zone_id, None);
    }
}
