//! The messages of `pulumirpc.ResourceProvider` and `pulumirpc.Analyzer`
//! these plugins read and write, and of the one `pulumirpc.Engine` call the
//! resource plugin makes (`Log`), declared by hand with the field numbers of
//! Pulumi's own definitions (`proto/pulumi/provider.proto`, `analyzer.proto`,
//! `plugin.proto` and `engine.proto`, as shipped
//! in the generated stubs of PyPI `pulumi` 3.272.0). Fields this plugin
//! has no use for are left out: protobuf skips unknown fields on decoding,
//! so requests from newer engines still decode.

use prost_types::Struct;

/// `google.protobuf.Empty`.
pub type Empty = ();

include!(concat!(env!("OUT_DIR"), "/pulumirpc.ResourceProvider.rs"));
include!(concat!(env!("OUT_DIR"), "/pulumirpc.Analyzer.rs"));

#[derive(Clone, PartialEq, prost::Message)]
pub struct ProviderHandshakeRequest {
    #[prost(string, tag = "1")]
    pub engine_address: String,
    #[prost(string, optional, tag = "2")]
    pub root_directory: Option<String>,
    #[prost(string, optional, tag = "3")]
    pub program_directory: Option<String>,
    #[prost(bool, tag = "4")]
    pub configure_with_urn: bool,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct ProviderHandshakeResponse {
    #[prost(bool, tag = "1")]
    pub accept_secrets: bool,
    #[prost(bool, tag = "2")]
    pub accept_resources: bool,
    #[prost(bool, tag = "3")]
    pub accept_outputs: bool,
    #[prost(bool, tag = "4")]
    pub supports_autonaming_configuration: bool,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct GetSchemaRequest {
    #[prost(int32, tag = "1")]
    pub version: i32,
    #[prost(string, tag = "2")]
    pub subpackage_name: String,
    #[prost(string, tag = "3")]
    pub subpackage_version: String,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct GetSchemaResponse {
    #[prost(string, tag = "1")]
    pub schema: String,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct ConfigureRequest {
    #[prost(map = "string, string", tag = "1")]
    pub variables: std::collections::HashMap<String, String>,
    #[prost(message, optional, tag = "2")]
    pub args: Option<Struct>,
    #[prost(bool, tag = "3")]
    pub accept_secrets: bool,
    #[prost(bool, tag = "4")]
    pub accept_resources: bool,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct ConfigureResponse {
    #[prost(bool, tag = "1")]
    pub accept_secrets: bool,
    #[prost(bool, tag = "2")]
    pub supports_preview: bool,
    #[prost(bool, tag = "3")]
    pub accept_resources: bool,
    #[prost(bool, tag = "4")]
    pub accept_outputs: bool,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct CheckRequest {
    #[prost(string, tag = "1")]
    pub urn: String,
    #[prost(message, optional, tag = "2")]
    pub olds: Option<Struct>,
    #[prost(message, optional, tag = "3")]
    pub news: Option<Struct>,
    #[prost(string, tag = "6")]
    pub name: String,
    #[prost(string, tag = "7")]
    pub r#type: String,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct CheckResponse {
    #[prost(message, optional, tag = "1")]
    pub inputs: Option<Struct>,
    #[prost(message, repeated, tag = "2")]
    pub failures: Vec<CheckFailure>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct CheckFailure {
    #[prost(string, tag = "1")]
    pub property: String,
    #[prost(string, tag = "2")]
    pub reason: String,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct DiffRequest {
    #[prost(string, tag = "1")]
    pub id: String,
    #[prost(string, tag = "2")]
    pub urn: String,
    #[prost(message, optional, tag = "3")]
    pub olds: Option<Struct>,
    #[prost(message, optional, tag = "4")]
    pub news: Option<Struct>,
    #[prost(string, repeated, tag = "5")]
    pub ignore_changes: Vec<String>,
    #[prost(message, optional, tag = "6")]
    pub old_inputs: Option<Struct>,
}

/// `DiffResponse.DiffChanges`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, prost::Enumeration)]
#[repr(i32)]
pub enum DiffChanges {
    DiffUnknown = 0,
    DiffNone = 1,
    DiffSome = 2,
}

/// `PropertyDiff.Kind`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, prost::Enumeration)]
#[repr(i32)]
pub enum PropertyDiffKind {
    Add = 0,
    AddReplace = 1,
    Delete = 2,
    DeleteReplace = 3,
    Update = 4,
    UpdateReplace = 5,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct PropertyDiff {
    #[prost(enumeration = "PropertyDiffKind", tag = "1")]
    pub kind: i32,
    #[prost(bool, tag = "2")]
    pub input_diff: bool,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct DiffResponse {
    #[prost(string, repeated, tag = "1")]
    pub replaces: Vec<String>,
    #[prost(string, repeated, tag = "2")]
    pub stables: Vec<String>,
    #[prost(bool, tag = "3")]
    pub delete_before_replace: bool,
    #[prost(enumeration = "DiffChanges", tag = "4")]
    pub changes: i32,
    #[prost(string, repeated, tag = "5")]
    pub diffs: Vec<String>,
    #[prost(btree_map = "string, message", tag = "6")]
    pub detailed_diff: std::collections::BTreeMap<String, PropertyDiff>,
    #[prost(bool, tag = "7")]
    pub has_detailed_diff: bool,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct CreateRequest {
    #[prost(string, tag = "1")]
    pub urn: String,
    #[prost(message, optional, tag = "2")]
    pub properties: Option<Struct>,
    #[prost(double, tag = "3")]
    pub timeout: f64,
    #[prost(bool, tag = "4")]
    pub preview: bool,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct CreateResponse {
    #[prost(string, tag = "1")]
    pub id: String,
    #[prost(message, optional, tag = "2")]
    pub properties: Option<Struct>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct ReadRequest {
    #[prost(string, tag = "1")]
    pub id: String,
    #[prost(string, tag = "2")]
    pub urn: String,
    #[prost(message, optional, tag = "3")]
    pub properties: Option<Struct>,
    #[prost(message, optional, tag = "4")]
    pub inputs: Option<Struct>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct ReadResponse {
    #[prost(string, tag = "1")]
    pub id: String,
    #[prost(message, optional, tag = "2")]
    pub properties: Option<Struct>,
    #[prost(message, optional, tag = "3")]
    pub inputs: Option<Struct>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct UpdateRequest {
    #[prost(string, tag = "1")]
    pub id: String,
    #[prost(string, tag = "2")]
    pub urn: String,
    #[prost(message, optional, tag = "3")]
    pub olds: Option<Struct>,
    #[prost(message, optional, tag = "4")]
    pub news: Option<Struct>,
    #[prost(double, tag = "5")]
    pub timeout: f64,
    #[prost(string, repeated, tag = "6")]
    pub ignore_changes: Vec<String>,
    #[prost(bool, tag = "7")]
    pub preview: bool,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct UpdateResponse {
    #[prost(message, optional, tag = "1")]
    pub properties: Option<Struct>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct DeleteRequest {
    #[prost(string, tag = "1")]
    pub id: String,
    #[prost(string, tag = "2")]
    pub urn: String,
    #[prost(message, optional, tag = "3")]
    pub properties: Option<Struct>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct ListRequest {
    /// The resource type token to list.
    #[prost(string, tag = "1")]
    pub token: String,
    #[prost(message, optional, tag = "2")]
    pub query: Option<Struct>,
    /// At most this many results in all (0: no limit).
    #[prost(int64, tag = "3")]
    pub limit: i64,
    #[prost(int64, tag = "4")]
    pub page_size: i64,
    #[prost(string, tag = "5")]
    pub continuation_token: String,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct ListResponse {
    #[prost(oneof = "list_response::Response", tags = "1, 2, 3")]
    pub response: Option<list_response::Response>,
}

/// `ListResponse`'s nested messages.
pub mod list_response {
    #[derive(Clone, PartialEq, prost::Oneof)]
    pub enum Response {
        #[prost(message, tag = "1")]
        Computed(Computed),
        #[prost(message, tag = "2")]
        Result(ListResult),
        #[prost(message, tag = "3")]
        Continuation(Continuation),
    }

    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Computed {}

    /// `ListResponse.Result`.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct ListResult {
        #[prost(string, tag = "1")]
        pub id: String,
        #[prost(string, tag = "2")]
        pub name: String,
    }

    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Continuation {
        #[prost(string, tag = "1")]
        pub continuation_token: String,
    }
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct InvokeRequest {
    #[prost(string, tag = "1")]
    pub tok: String,
    #[prost(message, optional, tag = "2")]
    pub args: Option<Struct>,
    #[prost(bool, tag = "7")]
    pub preview: bool,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct InvokeResponse {
    #[prost(message, optional, tag = "1")]
    pub r#return: Option<Struct>,
    #[prost(message, repeated, tag = "2")]
    pub failures: Vec<CheckFailure>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct PluginInfo {
    #[prost(string, tag = "1")]
    pub version: String,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct PluginAttach {
    #[prost(string, tag = "1")]
    pub address: String,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct GetMappingRequest {
    #[prost(string, tag = "1")]
    pub key: String,
    #[prost(string, tag = "2")]
    pub provider: String,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct GetMappingResponse {
    #[prost(string, tag = "1")]
    pub provider: String,
    #[prost(bytes = "vec", tag = "2")]
    pub data: Vec<u8>,
}

// ---- pulumirpc.Engine (the engine's own service; this plugin is its client) ----

/// `LogSeverity`: errors are fatal to the deployment; the rest inform.
#[derive(Clone, Copy, Debug, PartialEq, Eq, prost::Enumeration)]
#[repr(i32)]
pub enum LogSeverity {
    /// Not shown to users (the default).
    Debug = 0,
    /// Printed during resource operations.
    Info = 1,
    Warning = 2,
    Error = 3,
}

/// `LogRequest`: a message for the engine to show, optionally on a resource.
#[derive(Clone, PartialEq, prost::Message)]
pub struct LogRequest {
    #[prost(enumeration = "LogSeverity", tag = "1")]
    pub severity: i32,
    #[prost(string, tag = "2")]
    pub message: String,
    /// The resource the message is about (empty: the whole deployment).
    #[prost(string, tag = "3")]
    pub urn: String,
    /// 0: not part of a stream of messages.
    #[prost(int32, tag = "4")]
    pub stream_id: i32,
    /// True: a status message, shown while the operation runs and then gone.
    #[prost(bool, tag = "5")]
    pub ephemeral: bool,
}

// ---- pulumirpc.Analyzer ----

#[derive(Clone, PartialEq, prost::Message)]
pub struct AnalyzerHandshakeRequest {
    #[prost(string, tag = "1")]
    pub engine_address: String,
    #[prost(string, optional, tag = "2")]
    pub root_directory: Option<String>,
    #[prost(string, optional, tag = "3")]
    pub program_directory: Option<String>,
}

/// `EnforcementLevel`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, prost::Enumeration)]
#[repr(i32)]
pub enum EnforcementLevel {
    Advisory = 0,
    Mandatory = 1,
    Disabled = 2,
    Remediate = 3,
}

/// `PolicyType`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, prost::Enumeration)]
#[repr(i32)]
pub enum PolicyType {
    Unknown = 0,
    Resource = 1,
    Stack = 2,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct AnalyzeRequest {
    #[prost(string, tag = "1")]
    pub r#type: String,
    #[prost(message, optional, tag = "2")]
    pub properties: Option<Struct>,
    #[prost(string, tag = "3")]
    pub urn: String,
    #[prost(string, tag = "4")]
    pub name: String,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct AnalyzerResource {
    #[prost(string, tag = "1")]
    pub r#type: String,
    #[prost(message, optional, tag = "2")]
    pub properties: Option<Struct>,
    #[prost(string, tag = "3")]
    pub urn: String,
    #[prost(string, tag = "4")]
    pub name: String,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct AnalyzeStackRequest {
    #[prost(message, repeated, tag = "1")]
    pub resources: Vec<AnalyzerResource>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct AnalyzeDiagnostic {
    #[prost(string, tag = "1")]
    pub policy_name: String,
    #[prost(string, tag = "2")]
    pub policy_pack_name: String,
    #[prost(string, tag = "3")]
    pub policy_pack_version: String,
    #[prost(string, tag = "4")]
    pub description: String,
    #[prost(string, tag = "5")]
    pub message: String,
    #[prost(enumeration = "EnforcementLevel", tag = "7")]
    pub enforcement_level: i32,
    #[prost(string, tag = "8")]
    pub urn: String,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct AnalyzeResponse {
    #[prost(message, repeated, tag = "2")]
    pub diagnostics: Vec<AnalyzeDiagnostic>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct RemediateResponse {}

#[derive(Clone, PartialEq, prost::Message)]
pub struct PolicyConfigSchema {
    #[prost(message, optional, tag = "1")]
    pub properties: Option<Struct>,
    #[prost(string, repeated, tag = "2")]
    pub required: Vec<String>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct PolicyInfo {
    #[prost(string, tag = "1")]
    pub name: String,
    #[prost(string, tag = "2")]
    pub display_name: String,
    #[prost(string, tag = "3")]
    pub description: String,
    #[prost(string, tag = "4")]
    pub message: String,
    #[prost(enumeration = "EnforcementLevel", tag = "5")]
    pub enforcement_level: i32,
    #[prost(message, optional, tag = "6")]
    pub config_schema: Option<PolicyConfigSchema>,
    #[prost(enumeration = "PolicyType", tag = "7")]
    pub policy_type: i32,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct PolicyConfig {
    #[prost(enumeration = "EnforcementLevel", tag = "1")]
    pub enforcement_level: i32,
    #[prost(message, optional, tag = "2")]
    pub properties: Option<Struct>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct AnalyzerInfo {
    #[prost(string, tag = "1")]
    pub name: String,
    #[prost(string, tag = "2")]
    pub display_name: String,
    #[prost(message, repeated, tag = "3")]
    pub policies: Vec<PolicyInfo>,
    #[prost(string, tag = "4")]
    pub version: String,
    #[prost(bool, tag = "5")]
    pub supports_config: bool,
    #[prost(btree_map = "string, message", tag = "6")]
    pub initial_config: std::collections::BTreeMap<String, PolicyConfig>,
    #[prost(string, tag = "7")]
    pub description: String,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct ConfigureAnalyzerRequest {
    #[prost(btree_map = "string, message", tag = "1")]
    pub policy_config: std::collections::BTreeMap<String, PolicyConfig>,
}
