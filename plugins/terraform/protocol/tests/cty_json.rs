//! JSON: `DynamicValue.json`, raw state for UpgradeResourceState and
//! MoveResourceState, and `DynamicValue::decode`'s choice of encoding.

use std::collections::BTreeMap;
use tfplugin6::cty::{self, json, msgpack, Number, Path, PathStep, Type, Value};
use tfplugin6::proto::{DynamicValue, RawState};

fn state_type() -> Type {
    Type::object([
        ("id", Type::String),
        ("name", Type::String),
        ("client_secret_version", Type::Number),
        ("rules", Type::list(Type::object([("id", Type::String)]))),
    ])
}

#[test]
fn json_numbers_keep_their_exact_value() {
    let ty = Type::object([
        ("a", Type::Number),
        ("b", Type::Number),
        ("c", Type::Number),
        ("d", Type::Number),
    ]);
    let value = json::decode(
        br#"{"a": 0.1, "b": 123456789012345678901234567890, "c": -9007199254740993, "d": "42"}"#,
        &ty,
    )
    .unwrap();
    assert_eq!(
        value.get("a").unwrap().as_number().unwrap().to_string(),
        "0.1"
    );
    assert_eq!(
        value.get("b").unwrap().as_number().unwrap().to_string(),
        "123456789012345678901234567890"
    );
    assert_eq!(
        value.get("c").unwrap().as_number().unwrap().as_i64(),
        Some(-9007199254740993)
    );
    assert_eq!(
        value.get("d").unwrap().as_number().unwrap().as_i64(),
        Some(42)
    );
    // And they survive to msgpack: 0.1 as its decimal text, as go-cty writes it.
    let bytes = msgpack::encode(&value, &ty).unwrap();
    assert_eq!(msgpack::decode(&bytes, &ty).unwrap(), value);
}

#[test]
fn json_conversions_as_go_cty() {
    let ty = Type::object([
        ("s", Type::String),
        ("t", Type::String),
        ("b", Type::Bool),
        ("absent", Type::list(Type::String)),
    ]);
    let value = json::decode(br#"{"s": 1.50, "t": true, "b": "false"}"#, &ty).unwrap();
    assert_eq!(
        value,
        Value::object([
            ("s", Value::from("1.50")),
            ("t", Value::from("true")),
            ("b", Value::from(false)),
            ("absent", Value::Null)
        ])
    );
    let err = json::decode(br#"{"s": [1]}"#, &ty).unwrap_err();
    assert_eq!(
        err.to_string(),
        r#"attribute "s": expected a string, found an array"#
    );
    let err = json::decode(br#"{"zzz": 1}"#, &ty).unwrap_err();
    assert_eq!(
        err.to_string(),
        r#"attribute "zzz": unsupported attribute: not in the schema"#
    );
    // Escapes, including a surrogate pair.
    let s = json::decode(br#""a\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00""#, &Type::String).unwrap();
    assert_eq!(s, Value::from("a\"\\/\u{8}\u{c}\n\r\té😀"));
}

#[test]
fn json_dynamic_values() {
    let ty = Type::object([("d", Type::Dynamic)]);
    let value = json::decode(
        br#"{"d": {"value": ["x"], "type": ["list","string"]}}"#,
        &ty,
    )
    .unwrap();
    assert_eq!(value, Value::object([("d", Value::List(vec!["x".into()]))]));
    assert_eq!(
        json::encode(&value, &ty).unwrap(),
        br#"{"d":{"value":["x"],"type":["list","string"]}}"#
    );
    assert!(json::decode(br#"{"d": {"value": 1}}"#, &ty).is_err());
    assert!(json::decode(br#"{"d": {"value": 1, "type": "number", "x": 2}}"#, &ty).is_err());
}

#[test]
fn json_encoding_writes_every_attribute() {
    let value = Value::object([
        ("id", Value::from("t1")),
        (
            "rules",
            Value::List(vec![Value::object([("id", Value::from("r"))])]),
        ),
    ]);
    let text = json::encode(&value, &state_type()).unwrap();
    assert_eq!(
        text,
        br#"{"client_secret_version":null,"id":"t1","name":null,"rules":[{"id":"r"}]}"#
    );
    assert_eq!(
        json::decode(&text, &state_type()).unwrap(),
        Value::object([
            ("client_secret_version", Value::Null),
            ("id", "t1".into()),
            ("name", Value::Null),
            (
                "rules",
                Value::List(vec![Value::object([("id", Value::from("r"))])])
            ),
        ])
    );
}

#[test]
fn raw_state_reports_attributes_not_in_the_schema() {
    let raw = RawState {
        json: br#"{"id":"t1","name":"n","min_days_for_renewal":0,"client_secret_version":1,"rules":[{"id":"r","old":true}]}"#.to_vec(),
        flatmap: BTreeMap::new(),
    };
    let decoded = cty::decode_raw_state(Some(&raw), &state_type()).unwrap();
    assert_eq!(
        decoded.unknown_attributes,
        vec![
            Path(vec![PathStep::Attr("min_days_for_renewal".into())]),
            Path(vec![
                PathStep::Attr("rules".into()),
                PathStep::Index(0),
                PathStep::Attr("old".into())
            ]),
        ]
    );
    assert_eq!(decoded.unknown_attributes[1].to_string(), "rules[0].old");
    assert_eq!(
        decoded
            .value
            .get("client_secret_version")
            .unwrap()
            .as_number(),
        Some(&Number::from(1))
    );
    assert_eq!(
        decoded.value.get("rules").unwrap(),
        &Value::List(vec![Value::object([("id", Value::from("r"))])])
    );
    // The strict decoder refuses the same JSON.
    assert!(json::decode(&raw.json, &state_type()).is_err());
    // Empty state is null; flatmap-only state is refused.
    assert_eq!(
        cty::decode_raw_state(None, &state_type()).unwrap().value,
        Value::Null
    );
    let flat = RawState {
        json: vec![],
        flatmap: BTreeMap::from([("id".to_string(), "x".to_string())]),
    };
    assert!(cty::decode_raw_state(Some(&flat), &state_type())
        .unwrap_err()
        .to_string()
        .contains("flatmap"));
}

#[test]
fn dynamic_value_prefers_msgpack_then_json_then_null() {
    let ty = Type::String;
    let both = DynamicValue {
        msgpack: vec![0xa1, b'm'],
        json: br#""j""#.to_vec(),
    };
    assert_eq!(both.decode(&ty).unwrap(), Value::from("m"));
    let json_only = DynamicValue {
        msgpack: vec![],
        json: br#""j""#.to_vec(),
    };
    assert_eq!(json_only.decode(&ty).unwrap(), Value::from("j"));
    assert_eq!(DynamicValue::default().decode(&ty).unwrap(), Value::Null);
    assert_eq!(cty::decode_optional(None, &ty).unwrap(), Value::Null);
    let encoded = DynamicValue::encode(&Value::from("x"), &ty).unwrap();
    assert_eq!(
        encoded,
        DynamicValue {
            msgpack: vec![0xa1, b'x'],
            json: vec![]
        }
    );
}
