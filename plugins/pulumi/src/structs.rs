//! `google.protobuf.Struct` to and from the JSON property bags the
//! component's `pulumi` interface takes. Secrets and unknowns need no
//! translation: in a Struct they already are the JSON shapes the component
//! reads (the secret signature object, the unknown sentinel string).

use prost_types::value::Kind;
use prost_types::{ListValue, Struct, Value};
use serde_json::{Map, Number, Value as Json};

/// A Struct as JSON text (an absent Struct is `{}`).
pub fn to_json(bag: Option<&Struct>) -> String {
    Json::Object(to_map(bag)).to_string()
}

/// A Struct as a JSON object, for the host's own reading (an absent Struct is empty).
pub fn to_map(bag: Option<&Struct>) -> Map<String, Json> {
    bag.map(object).unwrap_or_default()
}

fn object(s: &Struct) -> Map<String, Json> {
    s.fields.iter().map(|(k, v)| (k.clone(), value(v))).collect()
}

fn value(v: &Value) -> Json {
    match &v.kind {
        None | Some(Kind::NullValue(_)) => Json::Null,
        Some(Kind::BoolValue(b)) => Json::Bool(*b),
        Some(Kind::StringValue(s)) => Json::String(s.clone()),
        Some(Kind::NumberValue(n)) => number(*n),
        Some(Kind::StructValue(s)) => Json::Object(object(s)),
        Some(Kind::ListValue(l)) => Json::Array(l.values.iter().map(value).collect()),
    }
}

/// Struct numbers are doubles; a whole number in the range where doubles are
/// exact becomes a JSON integer, so `minDaysForRenewal: 30` stays an integer.
fn number(n: f64) -> Json {
    const EXACT: f64 = 9_007_199_254_740_992.0; // 2^53
    if n.fract() == 0.0 && n.abs() <= EXACT {
        Json::Number(Number::from(n as i64))
    } else {
        Number::from_f64(n).map_or(Json::Null, Json::Number)
    }
}

/// JSON text (an object) as a Struct. Anything else is the component's bug,
/// reported as such by the caller.
pub fn from_json(text: &str) -> Result<Struct, String> {
    match serde_json::from_str::<Json>(text) {
        Ok(Json::Object(map)) => Ok(to_struct(&map)),
        Ok(other) => Err(format!("expected a JSON object, found {}", kind_name(&other))),
        Err(e) => Err(format!("not JSON: {e}")),
    }
}

fn to_struct(map: &Map<String, Json>) -> Struct {
    Struct { fields: map.iter().map(|(k, v)| (k.clone(), to_value(v))).collect() }
}

fn to_value(v: &Json) -> Value {
    let kind = match v {
        Json::Null => Kind::NullValue(0),
        Json::Bool(b) => Kind::BoolValue(*b),
        Json::Number(n) => Kind::NumberValue(n.as_f64().unwrap_or(f64::NAN)),
        Json::String(s) => Kind::StringValue(s.clone()),
        Json::Array(a) => Kind::ListValue(ListValue { values: a.iter().map(to_value).collect() }),
        Json::Object(m) => Kind::StructValue(to_struct(m)),
    };
    Value { kind: Some(kind) }
}

/// What a JSON value is, for messages.
pub fn kind_name(v: &Json) -> &'static str {
    match v {
        Json::Null => "null",
        Json::Bool(_) => "a boolean",
        Json::Number(_) => "a number",
        Json::String(_) => "a string",
        Json::Array(_) => "an array",
        Json::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_bag_survives_the_round_trip_with_secrets_unknowns_and_integers() {
        let bag = json!({
            "name": "ci",
            "minDaysForRenewal": 30,
            "ratio": 0.5,
            "zoneId": null,
            "enabled": true,
            "__defaults": ["minDaysForRenewal"],
            "clientSecret": {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", "value": "s3cr3t"},
            "clientId": "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
        });
        let s = from_json(&bag.to_string()).unwrap();
        let back: Json = serde_json::from_str(&to_json(Some(&s))).unwrap();
        assert_eq!(back, bag);
        assert_eq!(back["minDaysForRenewal"].as_i64(), Some(30), "whole numbers come back as integers");
    }

    #[test]
    fn huge_or_fractional_numbers_stay_floats_and_absent_bags_are_empty() {
        assert_eq!(number(1e300), json!(1e300));
        assert_eq!(number(2.5), json!(2.5));
        assert_eq!(number(f64::NAN), Json::Null);
        assert_eq!(to_json(None), "{}");
    }

    #[test]
    fn only_objects_become_structs() {
        assert!(from_json("[1]").unwrap_err().contains("an array"));
        assert!(from_json("nope").unwrap_err().starts_with("not JSON"));
    }
}
