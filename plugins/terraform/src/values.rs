//! Terraform's values of a `cfaccess_service_token` (cty objects of the
//! schema's type) to and from the component's records. Nothing here decides
//! anything about a token: it only moves fields between the two shapes.

use crate::schema::{self, Attribute, RESOURCE};
use component_host::wit;
use tfplugin6::cty::{Number, Value};

/// Why a value could not be read: the attribute and what was wrong.
#[derive(Clone, Debug, PartialEq)]
pub struct Invalid {
    pub attribute: &'static str,
    pub reason: String,
}

fn attribute(name: &str) -> &'static Attribute {
    RESOURCE.iter().chain(&schema::DATA_SOURCE).chain(&schema::PROVIDER).find(|a| a.name == name).unwrap_or(&RESOURCE[0])
}

/// A known, non-null string attribute (`None` for null or unknown).
pub fn text(object: &Value, name: &str) -> Option<String> {
    object.get(name).and_then(Value::as_str).map(str::to_string)
}

/// A known, non-null whole number attribute in `range`.
pub fn whole(object: &Value, name: &'static str, min: i64, max: i64) -> Result<Option<i64>, Invalid> {
    match object.get(name) {
        None | Some(Value::Null) | Some(Value::Unknown) => Ok(None),
        Some(Value::Number(n)) => match n.as_i64() {
            Some(i) if (min..=max).contains(&i) => Ok(Some(i)),
            _ => Err(Invalid { attribute: attribute(name).name, reason: format!("expected a whole number from {min} to {max}, found {n}") }),
        },
        Some(other) => Err(Invalid { attribute: attribute(name).name, reason: format!("expected a number, found {}", other.kind()) }),
    }
}

/// A known, non-null bool attribute.
pub fn flag(object: &Value, name: &'static str) -> Result<Option<bool>, Invalid> {
    match object.get(name) {
        None | Some(Value::Null) | Some(Value::Unknown) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(other) => Err(Invalid { attribute: attribute(name).name, reason: format!("expected true or false, found {}", other.kind()) }),
    }
}

/// True when the attribute is not known yet.
pub fn unknown(object: &Value, name: &str) -> bool {
    object.get(name).is_some_and(Value::is_unknown)
}

fn string_value(v: Option<&str>) -> Value {
    v.map_or(Value::Null, Value::from)
}

fn computed(c: &wit::Computed) -> Value {
    match c {
        wit::Computed::Known(v) => Value::from(v.as_str()),
        wit::Computed::Unknown => Value::Unknown,
    }
}

/// The token arguments of a resource object whose values are all known.
pub fn args(object: &Value) -> Result<wit::TokenArgs, Invalid> {
    let min_days = whole(object, "min_days_for_renewal", i64::MIN, i64::MAX)?.unwrap_or(0);
    let version = whole(object, "client_secret_version", 0, i64::MAX)?.map(|v| v as u64);
    // Null only in a state written before `enabled` existed, when every
    // token was enabled (a plan fills in the default of a configuration
    // that leaves it out).
    let enabled = flag(object, "enabled")?.unwrap_or(true);
    Ok(wit::TokenArgs {
        name: text(object, "name").unwrap_or_default(),
        account_id: text(object, "account_id"),
        zone_id: text(object, "zone_id"),
        min_days_for_renewal: min_days,
        duration: text(object, "duration"),
        client_secret_version: version,
        previous_client_secret_expires_at: text(object, "previous_client_secret_expires_at"),
        enabled,
    })
}

/// The token a state object describes.
pub fn state(object: &Value) -> Result<wit::TokenState, Invalid> {
    Ok(wit::TokenState {
        id: text(object, "id").unwrap_or_default(),
        args: args(object)?,
        client_id: text(object, "client_id").unwrap_or_default(),
        client_secret: text(object, "client_secret"),
        expires_at: text(object, "expires_at"),
        created_at: text(object, "created_at"),
        last_seen_at: text(object, "last_seen_at"),
    })
}

fn args_attributes(args: &wit::TokenArgs) -> Vec<(&'static str, Value)> {
    vec![
        ("account_id", string_value(args.account_id.as_deref())),
        ("zone_id", string_value(args.zone_id.as_deref())),
        ("name", Value::from(args.name.as_str())),
        ("min_days_for_renewal", Value::Number(Number::from(args.min_days_for_renewal))),
        ("duration", string_value(args.duration.as_deref())),
        ("client_secret_version", args.client_secret_version.map_or(Value::Null, |v| Value::Number(Number::from(v)))),
        ("previous_client_secret_expires_at", string_value(args.previous_client_secret_expires_at.as_deref())),
        ("enabled", Value::Bool(args.enabled)),
    ]
}

/// A token as a state object.
pub fn state_value(token: &wit::TokenState) -> Value {
    let mut attrs = args_attributes(&token.args);
    attrs.push(("id", Value::from(token.id.as_str())));
    attrs.push(("client_id", Value::from(token.client_id.as_str())));
    attrs.push(("client_secret", string_value(token.client_secret.as_deref())));
    attrs.push(("expires_at", string_value(token.expires_at.as_deref())));
    attrs.push(("created_at", string_value(token.created_at.as_deref())));
    attrs.push(("last_seen_at", string_value(token.last_seen_at.as_deref())));
    Value::object(attrs)
}

/// A planned token as a planned state object: what the apply computes is
/// unknown, and so is whatever `unknown_attributes` names (configuration
/// still unknown at plan time).
pub fn planned_value(planned: &wit::PlannedState, unknown_attributes: &[&str]) -> Value {
    let mut attrs = args_attributes(&planned.args);
    attrs.push(("id", computed(&planned.id)));
    attrs.push(("client_id", computed(&planned.client_id)));
    attrs.push(("client_secret", planned.client_secret.as_ref().map_or(Value::Null, computed)));
    attrs.push(("expires_at", computed(&planned.expires_at)));
    attrs.push(("created_at", computed(&planned.created_at)));
    // As the last read saw it: never a reason for a change.
    attrs.push(("last_seen_at", string_value(planned.last_seen_at.as_deref())));
    let mut value = Value::object(attrs);
    if let Value::Object(map) = &mut value {
        for name in unknown_attributes {
            map.insert(name.to_string(), Value::Unknown);
        }
    }
    value
}

/// The data source's object for a token: never its secret.
pub fn data_source_value(config: &Value, token: &wit::TokenState) -> Value {
    Value::object([
        ("token_id", string_value(text(config, "token_id").as_deref())),
        ("account_id", string_value(token.args.account_id.as_deref())),
        ("zone_id", string_value(token.args.zone_id.as_deref())),
        ("id", Value::from(token.id.as_str())),
        ("name", Value::from(token.args.name.as_str())),
        ("client_id", Value::from(token.client_id.as_str())),
        ("duration", string_value(token.args.duration.as_deref())),
        ("expires_at", string_value(token.expires_at.as_deref())),
        ("enabled", Value::Bool(token.args.enabled)),
        ("created_at", string_value(token.created_at.as_deref())),
        ("last_seen_at", string_value(token.last_seen_at.as_deref())),
    ])
}

/// A Pulumi-style property bag (JSON text) of a resource object's
/// arguments, for the component's Check, which already tolerates values not
/// known yet: an unknown is the unknown sentinel, a null is left out.
pub fn check_bag(object: &Value) -> String {
    const UNKNOWN: &str = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
    let mut bag = serde_json::Map::new();
    for a in RESOURCE.iter().filter(|a| a.mode != schema::Mode::Computed) {
        let json = match object.get(a.name) {
            None | Some(Value::Null) => continue,
            Some(Value::Unknown) => serde_json::Value::from(UNKNOWN),
            Some(Value::String(s)) => serde_json::Value::from(s.as_str()),
            Some(Value::Number(n)) => match n.as_i64() {
                Some(i) => serde_json::Value::from(i),
                None => serde_json::Number::from_f64(n.as_f64()).map_or(serde_json::Value::Null, serde_json::Value::Number),
            },
            Some(Value::Bool(b)) => serde_json::Value::from(*b),
            Some(other) => serde_json::Value::from(other.kind()),
        };
        bag.insert(a.property.to_string(), json);
    }
    serde_json::Value::Object(bag).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token() -> wit::TokenState {
        wit::TokenState {
            id: "f174e90a-fafe-4643-bbbc-4a0ed4fc8415".into(),
            args: wit::TokenArgs {
                name: "CI/CD app".into(),
                account_id: Some("f037e56e89293a057740de681ac9abbe".into()),
                zone_id: None,
                min_days_for_renewal: 30,
                duration: Some("8760h".into()),
                client_secret_version: None,
                previous_client_secret_expires_at: None,
                enabled: true,
            },
            client_id: "88bf3b6d86161464f6509f7219099e57.access".into(),
            client_secret: Some("s3cr3t".into()),
            expires_at: Some("2027-12-05T00:00:00Z".into()),
            created_at: Some("2026-12-05T00:00:00Z".into()),
            last_seen_at: Some("2027-01-10T08:30:00Z".into()),
        }
    }

    #[test]
    fn a_token_survives_the_trip_through_a_state_object() {
        let t = token();
        let v = state_value(&t);
        assert_eq!(v.get("client_secret"), Some(&Value::from("s3cr3t")));
        assert_eq!(v.get("zone_id"), Some(&Value::Null));
        assert_eq!(state(&v).unwrap(), t);
        let disabled = wit::TokenState { args: wit::TokenArgs { enabled: false, ..t.args.clone() }, last_seen_at: None, ..t.clone() };
        let v = state_value(&disabled);
        assert_eq!((v.get("enabled"), v.get("last_seen_at")), (Some(&Value::Bool(false)), Some(&Value::Null)));
        assert_eq!(state(&v).unwrap(), disabled);
        let Value::Object(map) = &v else { panic!("an object") };
        let names: Vec<&str> = RESOURCE.iter().map(|a| a.name).collect();
        assert_eq!(map.len(), names.len(), "every attribute of the schema, no other");
        assert!(names.iter().all(|n| map.contains_key(*n)));
    }

    #[test]
    fn a_state_from_before_enabled_existed_is_of_an_enabled_token() {
        let mut v = state_value(&token());
        if let Value::Object(map) = &mut v {
            for name in ["enabled", "created_at", "last_seen_at"] {
                map.insert(name.into(), Value::Null);
            }
        }
        let t = state(&v).unwrap();
        assert_eq!((t.args.enabled, t.created_at, t.last_seen_at), (true, None, None));
        let v = Value::object([("enabled", Value::from("no"))]);
        assert_eq!(args(&v).unwrap_err().attribute, "enabled");
    }

    #[test]
    fn the_data_source_shows_enabled_and_when_the_token_was_created_and_last_seen() {
        let v = data_source_value(&Value::object([("token_id", Value::from("f174e90a-fafe-4643-bbbc-4a0ed4fc8415"))]), &token());
        assert_eq!((v.get("enabled"), v.get("created_at"), v.get("last_seen_at")), (Some(&Value::Bool(true)), Some(&Value::from("2026-12-05T00:00:00Z")), Some(&Value::from("2027-01-10T08:30:00Z"))));
        let Value::Object(map) = &v else { panic!("an object") };
        assert_eq!(map.len(), schema::DATA_SOURCE.len(), "every attribute of the data source's schema");
        assert!(map.get("client_secret").is_none());
    }

    #[test]
    fn numbers_must_be_whole_and_in_range() {
        let v = Value::object([("min_days_for_renewal", Value::Number(Number::from_f64(1.5).unwrap()))]);
        assert_eq!(args(&v).unwrap_err().attribute, "min_days_for_renewal");
        let v = Value::object([("client_secret_version", Value::Number(Number::from(-1i64)))]);
        assert!(args(&v).unwrap_err().reason.contains("from 0"), "a version is never negative");
    }

    #[test]
    fn the_check_bag_names_properties_as_the_component_does_and_marks_unknowns() {
        let v = Value::object([("name", Value::from("x")), ("account_id", Value::Unknown), ("zone_id", Value::Null), ("min_days_for_renewal", Value::Number(Number::from(3i64))), ("enabled", Value::Bool(false))]);
        let bag: serde_json::Value = serde_json::from_str(&check_bag(&v)).unwrap();
        assert_eq!(bag, serde_json::json!({"name": "x", "accountId": "04da6b54-80e4-46f7-96ec-b56ff0331ba9", "minDaysForRenewal": 3, "enabled": false}));
    }

    #[test]
    fn a_plan_leaves_unknown_what_the_apply_computes() {
        let planned = wit::PlannedState { args: token().args, id: wit::Computed::Unknown, client_id: wit::Computed::Unknown, client_secret: Some(wit::Computed::Unknown), expires_at: wit::Computed::Known("x".into()), created_at: wit::Computed::Unknown, last_seen_at: None };
        let v = planned_value(&planned, &["name"]);
        assert_eq!((v.get("id"), v.get("client_secret"), v.get("expires_at"), v.get("name")), (Some(&Value::Unknown), Some(&Value::Unknown), Some(&Value::from("x")), Some(&Value::Unknown)));
        assert_eq!((v.get("created_at"), v.get("last_seen_at"), v.get("enabled")), (Some(&Value::Unknown), Some(&Value::Null), Some(&Value::Bool(true))));
        let update = wit::PlannedState { created_at: wit::Computed::Known("2026-12-05T00:00:00Z".into()), last_seen_at: Some("2027-01-10T08:30:00Z".into()), ..planned };
        let v = planned_value(&update, &[]);
        assert_eq!((v.get("created_at"), v.get("last_seen_at")), (Some(&Value::from("2026-12-05T00:00:00Z")), Some(&Value::from("2027-01-10T08:30:00Z"))), "an update keeps both as they were");
    }
}
