//! Field numbers on the wire, checked byte by byte for the fields added in
//! later protocol versions (the ones easiest to get wrong) and for the
//! gotchas: ValidateProviderConfig's diagnostics are field 2, and
//! GetProviderSchema's fields are numbered out of order.

use prost::Message;
use std::collections::BTreeMap;
use tfplugin6::proto::*;

/// The tag byte of field `n` with wire type `w` (n < 16).
fn tag(n: u8, w: u8) -> u8 {
    (n << 3) | w
}

const VARINT: u8 = 0;
const LEN: u8 = 2;

#[test]
fn plan_request_planned_private_is_field_9() {
    let request = plan_resource_change::Request {
        type_name: "x".into(),
        planned_private: vec![7],
        ..Default::default()
    };
    assert_eq!(
        request.encode_to_vec(),
        [tag(1, LEN), 1, b'x', tag(9, LEN), 1, 7]
    );
    let response = plan_resource_change::Response {
        legacy_type_system: true,
        ..Default::default()
    };
    assert_eq!(response.encode_to_vec(), [tag(5, VARINT), 1]);
}

#[test]
fn validate_provider_config_diagnostics_is_field_2() {
    let response = validate_provider_config::Response {
        diagnostics: vec![Diagnostic {
            severity: diagnostic::Severity::Error as i32,
            ..Default::default()
        }],
    };
    assert_eq!(
        response.encode_to_vec(),
        [tag(2, LEN), 2, tag(1, VARINT), 1]
    );
}

#[test]
fn schema_fields() {
    let attribute = schema::Attribute {
        nested_type: Some(schema::Object {
            nesting: schema::object::NestingMode::List as i32,
            ..Default::default()
        }),
        write_only: true,
        deprecation_message: "d".into(),
        ..Default::default()
    };
    // nested_type = 10, write_only = 11, deprecation_message = 12, in tag order.
    assert_eq!(
        attribute.encode_to_vec(),
        [
            tag(10, LEN),
            2,
            tag(3, VARINT),
            2,
            tag(11, VARINT),
            1,
            tag(12, LEN),
            1,
            b'd'
        ]
    );
    let block = schema::Block {
        computed: true,
        deprecation_message: "d".into(),
        description_kind: StringKind::Markdown as i32,
        ..Default::default()
    };
    assert_eq!(
        block.encode_to_vec(),
        [tag(5, VARINT), 1, tag(7, LEN), 1, b'd', tag(8, VARINT), 1]
    );
    let nested = schema::NestedBlock {
        nesting: schema::nested_block::NestingMode::Group as i32,
        max_items: 1,
        ..Default::default()
    };
    assert_eq!(
        nested.encode_to_vec(),
        [tag(3, VARINT), 5, tag(5, VARINT), 1]
    );
}

#[test]
fn provider_schema_response_numbering() {
    let response = get_provider_schema::Response {
        functions: BTreeMap::from([("f".to_string(), Function::default())]),
        server_capabilities: Some(ServerCapabilities {
            generate_resource_config: true,
            ..Default::default()
        }),
        action_schemas: BTreeMap::from([("a".to_string(), ActionSchema::default())]),
        ..Default::default()
    };
    let bytes = response.encode_to_vec();
    // prost writes fields in tag order: 6 (capabilities), 7 (functions),
    // 11 (actions, tag byte 0x5a); a map entry is {key = 1, value = 2}, the
    // empty value left out.
    assert_eq!(
        bytes,
        [
            tag(6, LEN),
            2,
            tag(4, VARINT),
            1,
            tag(7, LEN),
            3,
            tag(1, LEN),
            1,
            b'f',
            0x5a,
            3,
            tag(1, LEN),
            1,
            b'a'
        ]
    );
    assert_eq!(
        get_provider_schema::Response::decode(&bytes[..]).unwrap(),
        response
    );
}

#[test]
fn capabilities_and_move_request() {
    let caps = ClientCapabilities {
        store_planned_private: true,
        computed_blocks_allowed: true,
        ..Default::default()
    };
    assert_eq!(caps.encode_to_vec(), [tag(3, VARINT), 1, tag(4, VARINT), 1]);
    let request = move_resource_state::Request {
        source_schema_version: 2,
        target_type_name: "t".into(),
        source_identity_schema_version: 3,
        ..Default::default()
    };
    assert_eq!(
        request.encode_to_vec(),
        [tag(3, VARINT), 2, tag(5, LEN), 1, b't', tag(8, VARINT), 3]
    );
    let path = AttributePath {
        steps: vec![
            attribute_path::Step {
                selector: Some(attribute_path::step::Selector::AttributeName("a".into())),
            },
            attribute_path::Step {
                selector: Some(attribute_path::step::Selector::ElementKeyInt(0)),
            },
        ],
    };
    // An int key of 0 is still written: oneof members are always present.
    assert_eq!(
        path.encode_to_vec(),
        [
            tag(1, LEN),
            3,
            tag(1, LEN),
            1,
            b'a',
            tag(1, LEN),
            2,
            tag(3, VARINT),
            0
        ]
    );
    let stop = stop_provider::Response { error: "e".into() };
    assert_eq!(stop.encode_to_vec(), [tag(1, LEN), 1, b'e']);
}

#[test]
fn unknown_fields_from_newer_terraform_are_skipped() {
    // A ReadResource.Request with an extra field 99 (varint) after type_name.
    let bytes = [tag(1, LEN), 1, b'x', 0x98, 0x06, 1];
    let request = read_resource::Request::decode(&bytes[..]).unwrap();
    assert_eq!(request.type_name, "x");
}
