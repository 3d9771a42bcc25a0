//! The codec against go-cty's exact bytes, written by hand from go-cty's
//! `cty/msgpack/marshal.go` and `unknown.go` (compact ints, str8 strings,
//! sorted object attributes, `d4 00 00` for unknown, ext 12 refinements).

use std::collections::BTreeMap;
use tfplugin6::cty::{msgpack, Number, Type, Value};

fn hex(s: &str) -> Vec<u8> {
    let s: String = s.split_whitespace().collect();
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn ab_strings() -> Type {
    Type::object([("a", Type::String), ("b", Type::String)])
}

/// Encodes, checks the bytes, and decodes them back to the same value.
fn check(value: Value, ty: &Type, expected: &str) {
    let bytes = msgpack::encode(&value, ty).unwrap();
    assert_eq!(bytes, hex(expected), "encoding {value:?}");
    assert_eq!(
        msgpack::decode(&bytes, ty).unwrap(),
        value,
        "decoding {expected}"
    );
}

#[test]
fn object_with_unknown_string() {
    let value = Value::object([("a", Value::Unknown), ("b", "x".into())]);
    check(value, &ab_strings(), "82 a1 61 d4 00 00 a1 62 a1 78");
}

#[test]
fn object_writes_absent_attributes_as_null() {
    let value = Value::object([("b", Value::from("x"))]);
    let bytes = msgpack::encode(&value, &ab_strings()).unwrap();
    assert_eq!(bytes, hex("82 a1 61 c0 a1 62 a1 78"));
    let back = msgpack::decode(&bytes, &ab_strings()).unwrap();
    assert_eq!(back, Value::object([("a", Value::Null), ("b", "x".into())]));
}

#[test]
fn null_and_unknown_at_top() {
    check(Value::Null, &ab_strings(), "c0");
    check(Value::Unknown, &ab_strings(), "d4 00 00");
}

#[test]
fn integers_use_the_smallest_encoding() {
    let cases: [(i64, &str); 10] = [
        (0, "00"),
        (127, "7f"),
        (128, "cc 80"),
        (300, "cd 01 2c"),
        (70000, "ce 00 01 11 70"),
        (5_000_000_000, "cf 00 00 00 01 2a 05 f2 00"),
        (-1, "ff"),
        (-32, "e0"),
        (-33, "d0 df"),
        (-200, "d1 ff 38"),
    ];
    for (n, expected) in cases {
        check(Value::from(n), &Type::Number, expected);
    }
    check(
        Value::from(i64::MIN),
        &Type::Number,
        "d3 80 00 00 00 00 00 00 00",
    );
    check(Value::from(-40000), &Type::Number, "d2 ff ff 63 c0");
}

#[test]
fn non_integers_are_float64_when_exact_else_decimal_text() {
    // 0.5 is exact in float64: go-cty writes a float64.
    check(
        Value::Number(Number::parse("0.5").unwrap()),
        &Type::Number,
        "cb 3f e0 00 00 00 00 00 00",
    );
    // 0.1 is not: go-cty writes bf.Text('f', -1) as a string.
    check(
        Value::Number(Number::parse("0.1").unwrap()),
        &Type::Number,
        "a3 30 2e 31",
    );
    // Beyond int64: the integer's text.
    check(
        Value::Number(Number::from(u64::MAX)),
        &Type::Number,
        "b4 3138343436373434303733373039353531363135",
    );
    check(
        Value::Number(Number::parse("1e20").unwrap()),
        &Type::Number,
        "b5 313030303030303030303030303030303030303030",
    );
    check(
        Value::Number(Number::from_f64(f64::INFINITY).unwrap()),
        &Type::Number,
        "cb 7f f0 00 00 00 00 00 00",
    );
}

#[test]
fn numbers_read_from_every_encoding() {
    let cases = [
        ("cc ff", "255"),
        ("cd ff ff", "65535"),
        ("ce ff ff ff ff", "4294967295"),
        ("cf ff ff ff ff ff ff ff ff", "18446744073709551615"),
        ("d0 80", "-128"),
        ("d1 80 00", "-32768"),
        ("d2 80 00 00 00", "-2147483648"),
        ("d3 ff ff ff ff ff ff ff fe", "-2"),
        ("ca 3f c0 00 00", "1.5"),
        (
            "cb 40 09 21 fb 54 44 2d 18",
            "3.141592653589793115997963468544185161590576171875",
        ),
        ("cb 40 59 00 00 00 00 00 00", "100"),
        ("a5 31 32 2e 35 30", "12.5"),
        ("a3 31 65 33", "1000"),
        ("a4 2d 30 2e 30", "0"),
        ("c4 01 37", "7"), // bin is accepted as a string, as Go's DecodeString does
    ];
    for (bytes, expected) in cases {
        let value = msgpack::decode(&hex(bytes), &Type::Number).unwrap();
        assert_eq!(value.as_number().unwrap().to_string(), expected, "{bytes}");
    }
    assert_eq!(
        msgpack::decode(&hex("cd 01 2c"), &Type::Number)
            .unwrap()
            .as_number()
            .unwrap()
            .as_i64(),
        Some(300)
    );
}

#[test]
fn collections() {
    check(
        Value::List(vec!["x".into(), "y".into()]),
        &Type::list(Type::String),
        "92 a1 78 a1 79",
    );
    check(
        Value::Set(vec![Value::from(true)]),
        &Type::set(Type::Bool),
        "91 c3",
    );
    check(
        Value::Map(BTreeMap::from([("k".to_string(), Value::from(1))])),
        &Type::map(Type::Number),
        "81 a1 6b 01",
    );
    check(
        Value::Tuple(vec!["x".into(), Value::from(2)]),
        &Type::Tuple(vec![Type::String, Type::Number]),
        "92 a1 78 02",
    );
    check(Value::List(vec![]), &Type::list(Type::String), "90");
    // A 40-byte string takes str8, as Go's msgpack v5 writes it.
    let long = "x".repeat(40);
    check(
        Value::from(long.as_str()),
        &Type::String,
        &format!("d9 28 {}", "78".repeat(40)),
    );
}

#[test]
fn dynamic_values_carry_their_type_json_as_bin() {
    // ["string" as bin, "hi"]
    check(
        Value::from("hi"),
        &Type::Dynamic,
        "92 c4 08 22737472696e6722 a2 68 69",
    );
    // A dynamic null is plain nil; a dynamic unknown is plain d4 00 00.
    check(Value::Null, &Type::Dynamic, "c0");
    check(Value::Unknown, &Type::Dynamic, "d4 00 00");
    // list of numbers: ["list","number"]
    let ty_json = br#"["list","number"]"#;
    let expected = format!(
        "92 c4 {:02x} {} 92 01 02",
        ty_json.len(),
        ty_json
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    );
    check(
        Value::List(vec![Value::from(1), Value::from(2)]),
        &Type::Dynamic,
        &expected,
    );
    // The type may also come as a str.
    let value = msgpack::decode(&hex("92 a8 22737472696e6722 a2 68 69"), &Type::Dynamic).unwrap();
    assert_eq!(value, Value::from("hi"));
}

#[test]
fn refined_unknowns_read_as_unknown() {
    let ty = ab_strings();
    // ext8, 3 bytes, type 12: {1: false} (not null)
    let not_null = "82 a1 61 c7 03 0c 81 01 c2 a1 62 a1 78";
    // fixext8, type 12: {1: false, 2: "abc"} (not null, prefix "abc")
    let prefix = "82 a1 61 d7 0c 82 01 c2 02 a3 61 62 63 a1 62 a1 78";
    // Any other ext, any length.
    let other = "82 a1 61 d5 05 aa bb a1 62 a1 78";
    for bytes in [not_null, prefix, other] {
        let value = msgpack::decode(&hex(bytes), &ty).unwrap();
        assert_eq!(
            value,
            Value::object([("a", Value::Unknown), ("b", "x".into())]),
            "{bytes}"
        );
    }
    // Number bounds on a number: {3: [0, true]}
    let bounded = msgpack::decode(&hex("c7 05 0c 81 03 92 00 c3"), &Type::Number).unwrap();
    assert_eq!(bounded, Value::Unknown);
    // Written back, refinements are dropped.
    assert_eq!(
        msgpack::encode(&bounded, &Type::Number).unwrap(),
        hex("d4 00 00")
    );
}

#[test]
fn type_json_for_schema_attributes() {
    assert_eq!(Type::String.to_json(), br#""string""#);
    assert_eq!(Type::list(Type::String).to_json(), br#"["list","string"]"#);
    assert_eq!(
        Type::object([("a", Type::Number)]).to_json(),
        br#"["object",{"a":"number"}]"#
    );
    let nested = Type::object([
        ("z", Type::set(Type::map(Type::Bool))),
        ("a", Type::Tuple(vec![Type::String, Type::Dynamic])),
    ]);
    assert_eq!(
        nested.to_json(),
        br#"["object",{"a":["tuple",["string","dynamic"]],"z":["set",["map","bool"]]}]"#
    );
    assert_eq!(Type::from_json(&nested.to_json()).unwrap(), nested);
    // A type constraint's optional-attribute list is accepted and ignored.
    assert_eq!(
        Type::from_json(br#"["object",{"a":"string"},["a"]]"#).unwrap(),
        Type::object([("a", Type::String)])
    );
    for bad in [
        &br#""str""#[..],
        br#"["list"]"#,
        br#"["object",["a"]]"#,
        b"42",
        b"",
        br#"["list","string""#,
    ] {
        assert!(
            Type::from_json(bad).is_err(),
            "{}",
            String::from_utf8_lossy(bad)
        );
    }
}
