//! The service over a real gRPC connection (tonic client and server on
//! 127.0.0.1): implemented RPCs answer, defaults answer `UNIMPLEMENTED`
//! (or empty for identity schemas and functions), every one of the 36
//! routes of 6.11 exists, and an unknown route is `UNIMPLEMENTED` too.

use std::collections::BTreeMap;
use tfplugin6::cty::{Type, Value};
use tfplugin6::proto::*;
use tfplugin6::server::{Provider, ProviderServer, RPC_NAMES, SERVICE_NAME};
use tonic::codegen::http::uri::PathAndQuery;
use tonic::transport::{Channel, Server};
use tonic::{Code, Request, Response, Status};
use tonic_prost::ProstCodec;

/// The RPCs of `service Provider` in tfplugin6.proto 6.11, in its order.
const PROTO_RPCS: [&str; 36] = [
    "GetMetadata",
    "GetProviderSchema",
    "ValidateProviderConfig",
    "ValidateResourceConfig",
    "ValidateDataResourceConfig",
    "UpgradeResourceState",
    "GetResourceIdentitySchemas",
    "UpgradeResourceIdentity",
    "ConfigureProvider",
    "ReadResource",
    "PlanResourceChange",
    "ApplyResourceChange",
    "ImportResourceState",
    "MoveResourceState",
    "ReadDataSource",
    "GenerateResourceConfig",
    "ValidateEphemeralResourceConfig",
    "OpenEphemeralResource",
    "RenewEphemeralResource",
    "CloseEphemeralResource",
    "ListResource",
    "ValidateListResourceConfig",
    "GetFunctions",
    "CallFunction",
    "ValidateStateStoreConfig",
    "ConfigureStateStore",
    "ReadStateBytes",
    "WriteStateBytes",
    "LockState",
    "UnlockState",
    "GetStates",
    "DeleteState",
    "PlanAction",
    "InvokeAction",
    "ValidateActionConfig",
    "StopProvider",
];

fn resource_type() -> Type {
    Type::object([("id", Type::String), ("name", Type::String)])
}

/// Implements two RPCs; the other 34 keep their defaults.
struct TestProvider;

#[tonic::async_trait]
impl Provider for TestProvider {
    async fn get_provider_schema(
        &self,
        _: Request<get_provider_schema::Request>,
    ) -> Result<Response<get_provider_schema::Response>, Status> {
        let attribute = |name: &str, required: bool| schema::Attribute {
            name: name.into(),
            r#type: Type::String.to_json(),
            required,
            computed: !required,
            ..Default::default()
        };
        let block = schema::Block {
            attributes: vec![attribute("id", false), attribute("name", true)],
            ..Default::default()
        };
        Ok(Response::new(get_provider_schema::Response {
            resource_schemas: BTreeMap::from([(
                "example_thing".to_string(),
                Schema {
                    version: 1,
                    block: Some(block),
                },
            )]),
            server_capabilities: Some(ServerCapabilities {
                plan_destroy: true,
                move_resource_state: true,
                ..Default::default()
            }),
            ..Default::default()
        }))
    }

    async fn plan_resource_change(
        &self,
        request: Request<plan_resource_change::Request>,
    ) -> Result<Response<plan_resource_change::Response>, Status> {
        let request = request.into_inner();
        let proposed = request
            .proposed_new_state
            .unwrap_or_default()
            .decode(&resource_type())
            .map_err(|e| Status::invalid_argument(e.to_string()))?;
        let Value::Object(mut attrs) = proposed else {
            return Ok(Response::new(plan_resource_change::Response::default()));
        };
        attrs.insert("id".into(), Value::Unknown);
        let planned = DynamicValue::encode(&Value::Object(attrs), &resource_type())
            .map_err(|e| Status::internal(e.to_string()))?;
        Ok(Response::new(plan_resource_change::Response {
            planned_state: Some(planned),
            planned_private: request.planned_private,
            ..Default::default()
        }))
    }
}

async fn start() -> tonic::client::Grpc<Channel> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(
        Server::builder()
            .add_service(ProviderServer::new(TestProvider))
            .serve_with_incoming(tokio_stream::wrappers::TcpListenerStream::new(listener)),
    );
    let channel = Channel::from_shared(format!("http://{addr}"))
        .unwrap()
        .connect()
        .await
        .unwrap();
    tonic::client::Grpc::new(channel)
}

async fn unary<Q, R>(
    grpc: &mut tonic::client::Grpc<Channel>,
    rpc: &str,
    request: Q,
) -> Result<R, Status>
where
    Q: prost::Message + Send + Sync + 'static,
    R: prost::Message + Default + Send + Sync + 'static,
{
    grpc.ready().await.unwrap();
    let path = PathAndQuery::try_from(format!("/{SERVICE_NAME}/{rpc}")).unwrap();
    grpc.unary(Request::new(request), path, ProstCodec::<Q, R>::default())
        .await
        .map(Response::into_inner)
}

#[test]
fn routes_are_the_36_rpcs_of_6_11() {
    assert_eq!(RPC_NAMES, PROTO_RPCS);
    assert_eq!(SERVICE_NAME, "tfplugin6.Provider");
}

#[tokio::test]
async fn implemented_rpcs_answer() {
    let mut grpc = start().await;
    let schema: get_provider_schema::Response = unary(
        &mut grpc,
        "GetProviderSchema",
        get_provider_schema::Request {},
    )
    .await
    .unwrap();
    let thing = &schema.resource_schemas["example_thing"];
    assert_eq!(thing.version, 1);
    assert_eq!(
        thing.block.as_ref().unwrap().attributes[1].r#type,
        br#""string""#
    );
    assert!(schema.server_capabilities.unwrap().move_resource_state);

    let proposed = DynamicValue::encode(
        &Value::object([("id", Value::Null), ("name", Value::from("n"))]),
        &resource_type(),
    )
    .unwrap();
    let plan: plan_resource_change::Response = unary(
        &mut grpc,
        "PlanResourceChange",
        plan_resource_change::Request {
            type_name: "example_thing".into(),
            proposed_new_state: Some(proposed),
            planned_private: b"p".to_vec(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let planned = plan.planned_state.unwrap();
    // go-cty bytes: {"id": unknown, "name": "n"}
    assert_eq!(
        planned.msgpack,
        [0x82, 0xa2, b'i', b'd', 0xd4, 0, 0, 0xa4, b'n', b'a', b'm', b'e', 0xa1, b'n']
    );
    assert_eq!(plan.planned_private, b"p");
}

#[tokio::test]
async fn defaults_answer_empty_or_unimplemented() {
    let mut grpc = start().await;
    let ids: get_resource_identity_schemas::Response = unary(
        &mut grpc,
        "GetResourceIdentitySchemas",
        get_resource_identity_schemas::Request {},
    )
    .await
    .unwrap();
    assert!(ids.identity_schemas.is_empty() && ids.diagnostics.is_empty());
    let functions: get_functions::Response =
        unary(&mut grpc, "GetFunctions", get_functions::Request {})
            .await
            .unwrap();
    assert!(functions.functions.is_empty());
    let err = unary::<_, read_resource::Response>(
        &mut grpc,
        "ReadResource",
        read_resource::Request::default(),
    )
    .await
    .unwrap_err();
    assert_eq!(err.code(), Code::Unimplemented);
    assert_eq!(
        err.message(),
        "the provider does not implement ReadResource"
    );
    let err = unary::<_, ()>(&mut grpc, "NoSuchRpc", ())
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::Unimplemented);
}

#[tokio::test]
async fn every_route_reaches_the_trait() {
    let mut grpc = start().await;
    for rpc in RPC_NAMES {
        let path = PathAndQuery::try_from(format!("/{SERVICE_NAME}/{rpc}")).unwrap();
        grpc.ready().await.unwrap();
        // `()` is an empty message: it decodes as any request.
        let status = match *rpc {
            "ListResource" | "ReadStateBytes" | "InvokeAction" => grpc
                .server_streaming(Request::new(()), path, ProstCodec::<(), ()>::default())
                .await
                .map(|_| ()),
            "WriteStateBytes" => grpc
                .client_streaming(
                    Request::new(tokio_stream::iter(vec![()])),
                    path,
                    ProstCodec::<(), ()>::default(),
                )
                .await
                .map(|_| ()),
            _ => grpc
                .unary(Request::new(()), path, ProstCodec::<(), ()>::default())
                .await
                .map(|_| ()),
        };
        match (*rpc, status) {
            (
                "GetProviderSchema"
                | "PlanResourceChange"
                | "GetResourceIdentitySchemas"
                | "GetFunctions",
                Ok(()),
            ) => {}
            (_, Err(e)) if e.code() == Code::Unimplemented => assert_eq!(
                e.message(),
                format!("the provider does not implement {rpc}")
            ),
            (_, other) => panic!("{rpc}: {other:?}"),
        }
    }
}
