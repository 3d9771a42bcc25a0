//! Property tests: any value of any type survives msgpack (with unknowns)
//! and JSON (without), and the hand-written JSON reader agrees with
//! serde_json on any document.

use proptest::prelude::*;
use std::collections::BTreeMap;
use tfplugin6::cty::{json, msgpack, Number, Type, Value};

fn arb_type() -> impl Strategy<Value = Type> {
    let leaf = prop_oneof![
        Just(Type::String),
        Just(Type::Number),
        Just(Type::Bool),
        Just(Type::Dynamic)
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            inner.clone().prop_map(Type::list),
            inner.clone().prop_map(Type::set),
            inner.clone().prop_map(Type::map),
            proptest::collection::btree_map("[a-z_]{1,6}", inner.clone(), 0..4)
                .prop_map(Type::Object),
            proptest::collection::vec(inner, 0..3).prop_map(Type::Tuple),
        ]
    })
}

fn arb_number() -> impl Strategy<Value = Number> {
    prop_oneof![
        any::<i64>().prop_map(Number::from),
        any::<u64>().prop_map(Number::from),
        any::<f64>().prop_filter_map("finite", |f| f
            .is_finite()
            .then(|| Number::from_f64(f))
            .flatten()),
        "-?[0-9]{1,30}(\\.[0-9]{1,30})?(e-?[0-9]{1,2})?"
            .prop_filter_map("a number", |s| Number::parse(&s)),
    ]
}

/// A value of `ty`: null and (if `unknowns`) unknown anywhere.
fn arb_value(ty: Type, unknowns: bool) -> BoxedStrategy<Value> {
    let known: BoxedStrategy<Value> = match ty {
        Type::String => ".{0,12}".prop_map(Value::String).boxed(),
        Type::Number => arb_number().prop_map(Value::Number).boxed(),
        Type::Bool => any::<bool>().prop_map(Value::Bool).boxed(),
        // A dynamic slot gets a value of a primitive or list type.
        Type::Dynamic => prop_oneof![
            ".{0,5}".prop_map(Value::String),
            any::<bool>().prop_map(Value::Bool),
            proptest::collection::vec(arb_number().prop_map(Value::Number), 0..3)
                .prop_map(Value::List),
        ]
        .boxed(),
        Type::List(element) => proptest::collection::vec(arb_value(*element, unknowns), 0..3)
            .prop_map(Value::List)
            .boxed(),
        Type::Set(element) => proptest::collection::vec(arb_value(*element, unknowns), 0..3)
            .prop_map(Value::Set)
            .boxed(),
        Type::Map(element) => {
            proptest::collection::btree_map(".{0,4}", arb_value(*element, unknowns), 0..3)
                .prop_map(Value::Map)
                .boxed()
        }
        Type::Tuple(elements) => elements
            .into_iter()
            .map(|t| arb_value(t, unknowns))
            .collect::<Vec<_>>()
            .prop_map(Value::Tuple)
            .boxed(),
        Type::Object(attrs) => attrs
            .into_iter()
            .map(|(name, t)| arb_value(t, unknowns).prop_map(move |v| (name.clone(), v)))
            .collect::<Vec<_>>()
            .prop_map(|pairs| Value::Object(pairs.into_iter().collect::<BTreeMap<_, _>>()))
            .boxed(),
    };
    if unknowns {
        prop_oneof![1 => Just(Value::Null), 1 => Just(Value::Unknown), 6 => known].boxed()
    } else {
        prop_oneof![1 => Just(Value::Null), 6 => known].boxed()
    }
}

fn typed_value(unknowns: bool) -> impl Strategy<Value = (Type, Value)> {
    arb_type().prop_flat_map(move |ty| (Just(ty.clone()), arb_value(ty, unknowns)))
}

fn arb_json() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::Bool),
        any::<i64>().prop_map(|n| serde_json::json!(n)),
        any::<f64>().prop_filter_map("finite", |f| serde_json::Number::from_f64(f)
            .map(serde_json::Value::Number)),
        any::<String>().prop_map(serde_json::Value::String),
    ];
    leaf.prop_recursive(4, 32, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::Array),
            proptest::collection::btree_map(any::<String>(), inner, 0..4)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

/// The cty value our reader gives for a serde_json document read as dynamic-free JSON.
fn expected_from_serde(v: &serde_json::Value) -> (Type, Value) {
    match v {
        serde_json::Value::Null => (Type::String, Value::Null),
        serde_json::Value::Bool(b) => (Type::Bool, Value::Bool(*b)),
        serde_json::Value::Number(n) => (
            Type::Number,
            Value::Number(Number::parse(&n.to_string()).unwrap()),
        ),
        serde_json::Value::String(s) => (Type::String, Value::String(s.clone())),
        serde_json::Value::Array(items) => {
            let (types, values): (Vec<_>, Vec<_>) = items.iter().map(expected_from_serde).unzip();
            (Type::Tuple(types), Value::Tuple(values))
        }
        serde_json::Value::Object(members) => {
            let (types, values): (BTreeMap<_, _>, BTreeMap<_, _>) = members
                .iter()
                .map(|(k, v)| {
                    let (t, x) = expected_from_serde(v);
                    ((k.clone(), t), (k.clone(), x))
                })
                .unzip();
            (Type::Object(types), Value::Object(values))
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn msgpack_round_trip((ty, value) in typed_value(true)) {
        let bytes = msgpack::encode(&value, &ty).unwrap();
        let back = msgpack::decode(&bytes, &ty).unwrap();
        prop_assert_eq!(&back, &value);
        // Re-encoding gives the same bytes.
        prop_assert_eq!(msgpack::encode(&back, &ty).unwrap(), bytes);
    }

    #[test]
    fn json_round_trip((ty, value) in typed_value(false)) {
        let bytes = json::encode(&value, &ty).unwrap();
        let back = json::decode(&bytes, &ty).unwrap();
        prop_assert_eq!(&back, &value);
    }

    #[test]
    fn json_reader_agrees_with_serde_json(doc in arb_json()) {
        let text = serde_json::to_vec(&doc).unwrap();
        let (ty, expected) = expected_from_serde(&doc);
        prop_assert_eq!(json::decode(&text, &ty).unwrap(), expected);
        let pretty = serde_json::to_vec_pretty(&doc).unwrap();
        prop_assert_eq!(json::decode(&pretty, &ty).unwrap(), expected_from_serde(&doc).1);
    }

    #[test]
    fn numbers_from_floats_are_exact(f in any::<f64>().prop_filter("finite", |f| f.is_finite())) {
        let n = Number::from_f64(f).unwrap();
        prop_assert_eq!(n.as_f64(), f);
        prop_assert_eq!(Number::parse(&n.to_string()), Some(n));
    }
}
