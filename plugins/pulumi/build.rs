//! Generates the gRPC service glue for `pulumirpc.ResourceProvider` from a
//! description in Rust (tonic's `manual` builder): no protobuf compiler is
//! needed, and the messages are the hand-declared ones in `src/proto.rs`.

use tonic_build::manual::{Builder, Method, Service};

/// (route name, Rust name, request type, response type, server-streaming).
/// Routes left out (Parameterize, Call, Construct, GetMappings) answer
/// `UNIMPLEMENTED`, as the generated router does for any unknown route.
const PROVIDER_METHODS: &[(&str, &str, &str, &str, bool)] = &[
    ("Handshake", "handshake", "ProviderHandshakeRequest", "ProviderHandshakeResponse", false),
    ("GetSchema", "get_schema", "GetSchemaRequest", "GetSchemaResponse", false),
    ("CheckConfig", "check_config", "CheckRequest", "CheckResponse", false),
    ("DiffConfig", "diff_config", "DiffRequest", "DiffResponse", false),
    ("Configure", "configure", "ConfigureRequest", "ConfigureResponse", false),
    ("Invoke", "invoke", "InvokeRequest", "InvokeResponse", false),
    ("Check", "check", "CheckRequest", "CheckResponse", false),
    ("Diff", "diff", "DiffRequest", "DiffResponse", false),
    ("Create", "create", "CreateRequest", "CreateResponse", false),
    ("Read", "read", "ReadRequest", "ReadResponse", false),
    ("List", "list", "ListRequest", "ListResponse", true),
    ("Update", "update", "UpdateRequest", "UpdateResponse", false),
    ("Delete", "delete", "DeleteRequest", "Empty", false),
    ("Cancel", "cancel", "Empty", "Empty", false),
    ("GetPluginInfo", "get_plugin_info", "Empty", "PluginInfo", false),
    ("Attach", "attach", "PluginAttach", "Empty", false),
    ("GetMapping", "get_mapping", "GetMappingRequest", "GetMappingResponse", false),
];

/// `pulumirpc.Analyzer`, for the policy-pack analyzer.
const ANALYZER_METHODS: &[(&str, &str, &str, &str, bool)] = &[
    ("Handshake", "handshake", "AnalyzerHandshakeRequest", "Empty", false),
    ("GetAnalyzerInfo", "get_analyzer_info", "Empty", "AnalyzerInfo", false),
    ("GetPluginInfo", "get_plugin_info", "Empty", "PluginInfo", false),
    ("Configure", "configure", "ConfigureAnalyzerRequest", "Empty", false),
    ("ConfigureStack", "configure_stack", "Empty", "Empty", false),
    ("Analyze", "analyze", "AnalyzeRequest", "AnalyzeResponse", false),
    ("AnalyzeStack", "analyze_stack", "AnalyzeStackRequest", "AnalyzeResponse", false),
    ("Remediate", "remediate", "AnalyzeRequest", "RemediateResponse", false),
    ("Cancel", "cancel", "Empty", "Empty", false),
];

fn service(name: &str, methods: &[(&str, &str, &str, &str, bool)]) -> Service {
    let mut service = Service::builder().name(name).package("pulumirpc");
    for &(route, name, input, output, streaming) in methods {
        let mut method = Method::builder()
            .name(name)
            .route_name(route)
            .input_type(format!("crate::proto::{input}"))
            .output_type(format!("crate::proto::{output}"))
            .codec_path("crate::codec::PulumiCodec");
        if streaming {
            method = method.server_streaming();
        }
        service = service.method(method.build());
    }
    service.build()
}

fn main() {
    let services = [service("ResourceProvider", PROVIDER_METHODS), service("Analyzer", ANALYZER_METHODS)];
    Builder::new().build_client(true).build_server(true).compile(&services);
    println!("cargo:rerun-if-changed=build.rs");
}
