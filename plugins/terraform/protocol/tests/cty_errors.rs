//! Bad input: every error names the attribute and says what was expected
//! and found; truncated, garbage or hostile bytes give an error, never a
//! panic.

use proptest::prelude::*;
use tfplugin6::cty::{json, msgpack, Type, Value};

fn hex(s: &str) -> Vec<u8> {
    let s: String = s.split_whitespace().collect();
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn token_type() -> Type {
    Type::object([
        ("name", Type::String),
        ("version", Type::Number),
        ("enabled", Type::Bool),
        ("tags", Type::map(Type::String)),
        (
            "rules",
            Type::list(Type::object([
                ("id", Type::String),
                ("weight", Type::Number),
            ])),
        ),
        ("extra", Type::Dynamic),
    ])
}

fn sample() -> Value {
    Value::object([
        ("name", Value::from("token")),
        ("version", Value::from(3)),
        ("enabled", Value::Unknown),
        (
            "tags",
            Value::Map([("env".to_string(), Value::from("prod"))].into()),
        ),
        (
            "rules",
            Value::List(vec![Value::object([
                ("id", Value::from("r1")),
                ("weight", Value::from(-7)),
            ])]),
        ),
        ("extra", Value::List(vec![Value::from("a"), Value::Null])),
    ])
}

#[test]
fn mismatch_names_the_attribute() {
    let ty = Type::object([("name", Type::String)]);
    let err = msgpack::decode(&hex("81 a4 6e616d65 05"), &ty).unwrap_err();
    assert_eq!(
        err.to_string(),
        r#"attribute "name": expected a string, found an integer"#
    );

    let err = msgpack::decode(&hex("c3"), &ty).unwrap_err();
    assert_eq!(err.to_string(), "expected an object, found a bool");

    let nested = token_type();
    let mut bytes = msgpack::encode(&sample(), &nested).unwrap();
    // Replace weight -7 (f9) with a string "x".
    let at = bytes.iter().position(|&b| b == 0xf9).unwrap();
    bytes.splice(at..=at, [0xa1, b'x']);
    let err = msgpack::decode(&bytes, &nested).unwrap_err();
    assert_eq!(
        err.to_string(),
        r#"attribute "rules[0].weight": expected a number, found the string "x""#
    );
    assert_eq!(err.path.to_proto().steps.len(), 3);
}

#[test]
fn unsupported_attributes_and_shapes() {
    let ty = Type::object([("a", Type::String)]);
    let err = msgpack::decode(&hex("81 a1 7a a1 78"), &ty).unwrap_err();
    assert_eq!(
        err.to_string(),
        r#"attribute "z": unsupported attribute: not in the schema"#
    );
    let err = msgpack::encode(&Value::object([("z", Value::from("x"))]), &ty).unwrap_err();
    assert_eq!(
        err.to_string(),
        r#"attribute "z": unsupported attribute: not in the schema"#
    );
    let err = msgpack::encode(&Value::object([("a", Value::from(1))]), &ty).unwrap_err();
    assert_eq!(
        err.to_string(),
        r#"attribute "a": expected a string, found a number"#
    );
    let tuple = Type::Tuple(vec![Type::String, Type::String]);
    assert!(msgpack::decode(&hex("91 a1 78"), &tuple).is_err());
    assert!(msgpack::decode(&hex("a1 78 a1 78"), &Type::String)
        .unwrap_err()
        .to_string()
        .contains("left over"));
    assert!(msgpack::decode(&hex("a2 ff fe"), &Type::String)
        .unwrap_err()
        .to_string()
        .contains("UTF-8"));
    assert!(
        msgpack::decode(&hex("cb 7f f8 00 00 00 00 00 00"), &Type::Number)
            .unwrap_err()
            .to_string()
            .contains("NaN")
    );
    assert!(msgpack::decode(&hex("a3 61 62 63"), &Type::Number).is_err());
    assert!(msgpack::decode(
        &hex("93 c4 08 22737472696e6722 a1 78 a1 78"),
        &Type::Dynamic
    )
    .is_err());
    assert!(msgpack::decode(&hex("92 c4 03 626164 a1 78"), &Type::Dynamic).is_err());
    // A list value with mixed element types cannot go in a dynamic slot.
    let mixed = Value::List(vec![Value::from("a"), Value::from(1)]);
    assert!(msgpack::encode(&mixed, &Type::Dynamic)
        .unwrap_err()
        .to_string()
        .contains("one type"));
    // JSON has no unknowns.
    assert!(json::encode(&Value::Unknown, &Type::String).is_err());
}

#[test]
fn every_truncation_is_an_error() {
    let ty = token_type();
    let bytes = msgpack::encode(&sample(), &ty).unwrap();
    assert_eq!(msgpack::decode(&bytes, &ty).unwrap(), sample());
    for len in 0..bytes.len() {
        assert!(
            msgpack::decode(&bytes[..len], &ty).is_err(),
            "prefix of {len} bytes decoded"
        );
    }
    let json_bytes = json::encode(
        &Value::object([
            ("name", Value::from("t")),
            (
                "tags",
                Value::Map([("a".to_string(), Value::from("b"))].into()),
            ),
        ]),
        &ty,
    )
    .unwrap();
    for len in 0..json_bytes.len() {
        assert!(
            json::decode(&json_bytes[..len], &ty).is_err(),
            "JSON prefix of {len} bytes decoded"
        );
    }
}

#[test]
fn huge_lengths_and_deep_nesting_are_errors() {
    // An array claiming 2^32-1 elements with none present.
    assert!(msgpack::decode(&hex("dd ff ff ff ff"), &Type::list(Type::String)).is_err());
    // A str32 claiming 4 GiB.
    assert!(msgpack::decode(&hex("db ff ff ff ff 61"), &Type::String).is_err());
    // An ext32 claiming 4 GiB.
    assert!(msgpack::decode(&hex("c9 ff ff ff ff 0c"), &Type::String).is_err());
    // Dynamic inside dynamic, 10 000 deep: refused, not a stack overflow.
    let mut bytes = Vec::new();
    for _ in 0..10_000 {
        bytes.extend(hex("92 c4 09 2264796e616d696322"));
    }
    bytes.push(0xc0);
    assert!(msgpack::decode(&bytes, &Type::Dynamic)
        .unwrap_err()
        .to_string()
        .contains("deeply"));
    // JSON nested 10 000 deep.
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    assert!(json::decode(deep.as_bytes(), &Type::Dynamic).is_err());
    assert!(Type::from_json(deep.as_bytes()).is_err());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn garbage_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
        for ty in [token_type(), Type::Dynamic, Type::Number, Type::list(Type::map(Type::Dynamic))] {
            let _ = msgpack::decode(&bytes, &ty);
            let _ = json::decode(&bytes, &ty);
            let _ = json::decode_lenient(&bytes, &ty);
        }
        let _ = Type::from_json(&bytes);
    }

    #[test]
    fn mutated_messages_never_panic(index in any::<prop::sample::Index>(), byte in any::<u8>(), cut in any::<prop::sample::Index>()) {
        let ty = token_type();
        let mut bytes = msgpack::encode(&sample(), &ty).unwrap();
        let at = index.index(bytes.len());
        bytes[at] = byte;
        let _ = msgpack::decode(&bytes, &ty);
        let cut = cut.index(bytes.len() + 1);
        let _ = msgpack::decode(&bytes[..cut], &ty);
    }

    #[test]
    fn json_text_mutations_never_panic(index in any::<prop::sample::Index>(), byte in any::<u8>()) {
        let text = br#"{"name":"t\u00e9\ud83d\ude00","version":1.5e3,"tags":{"a":"b"},"rules":[{"id":"x","weight":-0.25}],"extra":{"value":[1,2],"type":["list","number"]}}"#;
        let mut bytes = text.to_vec();
        let at = index.index(bytes.len());
        bytes[at] = byte;
        let _ = json::decode(&bytes, &token_type());
    }
}
