//! Request and response messages of the provider, managed-resource,
//! data-source and function RPCs of `tfplugin6.proto` 6.11, in the official
//! file's order.

use super::*;
use std::collections::BTreeMap;

/// Messages of `GetMetadata` (Terraform never calls it; mux tooling does).
pub mod get_metadata {
    use super::*;

    /// `GetMetadata.Request` (empty).
    #[derive(Clone, Copy, PartialEq, Eq, Hash, prost::Message)]
    pub struct Request {}

    /// `GetMetadata.Response`.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Response {
        #[prost(message, optional, tag = "1")]
        pub server_capabilities: Option<ServerCapabilities>,
        #[prost(message, repeated, tag = "2")]
        pub diagnostics: Vec<Diagnostic>,
        #[prost(message, repeated, tag = "3")]
        pub data_sources: Vec<DataSourceMetadata>,
        #[prost(message, repeated, tag = "4")]
        pub resources: Vec<ResourceMetadata>,
        #[prost(message, repeated, tag = "5")]
        pub functions: Vec<FunctionMetadata>,
        #[prost(message, repeated, tag = "6")]
        pub ephemeral_resources: Vec<EphemeralMetadata>,
        #[prost(message, repeated, tag = "7")]
        pub list_resources: Vec<ListResourceMetadata>,
        #[prost(message, repeated, tag = "8")]
        pub state_stores: Vec<StateStoreMetadata>,
        #[prost(message, repeated, tag = "9")]
        pub actions: Vec<ActionMetadata>,
    }

    /// `GetMetadata.EphemeralMetadata`.
    #[derive(Clone, PartialEq, Eq, Hash, prost::Message)]
    pub struct EphemeralMetadata {
        #[prost(string, tag = "1")]
        pub type_name: String,
    }

    /// `GetMetadata.FunctionMetadata`.
    #[derive(Clone, PartialEq, Eq, Hash, prost::Message)]
    pub struct FunctionMetadata {
        #[prost(string, tag = "1")]
        pub name: String,
    }

    /// `GetMetadata.DataSourceMetadata`.
    #[derive(Clone, PartialEq, Eq, Hash, prost::Message)]
    pub struct DataSourceMetadata {
        #[prost(string, tag = "1")]
        pub type_name: String,
    }

    /// `GetMetadata.ResourceMetadata`.
    #[derive(Clone, PartialEq, Eq, Hash, prost::Message)]
    pub struct ResourceMetadata {
        #[prost(string, tag = "1")]
        pub type_name: String,
    }

    /// `GetMetadata.ListResourceMetadata`.
    #[derive(Clone, PartialEq, Eq, Hash, prost::Message)]
    pub struct ListResourceMetadata {
        #[prost(string, tag = "1")]
        pub type_name: String,
    }

    /// `GetMetadata.StateStoreMetadata`.
    #[derive(Clone, PartialEq, Eq, Hash, prost::Message)]
    pub struct StateStoreMetadata {
        #[prost(string, tag = "1")]
        pub type_name: String,
    }

    /// `GetMetadata.ActionMetadata`.
    #[derive(Clone, PartialEq, Eq, Hash, prost::Message)]
    pub struct ActionMetadata {
        #[prost(string, tag = "1")]
        pub type_name: String,
    }
}

/// Messages of `GetProviderSchema`.
pub mod get_provider_schema {
    use super::*;

    /// `GetProviderSchema.Request` (empty).
    #[derive(Clone, Copy, PartialEq, Eq, Hash, prost::Message)]
    pub struct Request {}

    /// `GetProviderSchema.Response`. Field numbers are not in declaration
    /// order in the `.proto`: 7-11 were added after 4-6.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Response {
        #[prost(message, optional, tag = "1")]
        pub provider: Option<Schema>,
        #[prost(btree_map = "string, message", tag = "2")]
        pub resource_schemas: BTreeMap<String, Schema>,
        #[prost(btree_map = "string, message", tag = "3")]
        pub data_source_schemas: BTreeMap<String, Schema>,
        #[prost(btree_map = "string, message", tag = "7")]
        pub functions: BTreeMap<String, Function>,
        #[prost(btree_map = "string, message", tag = "8")]
        pub ephemeral_resource_schemas: BTreeMap<String, Schema>,
        #[prost(btree_map = "string, message", tag = "9")]
        pub list_resource_schemas: BTreeMap<String, Schema>,
        #[prost(btree_map = "string, message", tag = "10")]
        pub state_store_schemas: BTreeMap<String, Schema>,
        #[prost(btree_map = "string, message", tag = "11")]
        pub action_schemas: BTreeMap<String, ActionSchema>,
        #[prost(message, repeated, tag = "4")]
        pub diagnostics: Vec<Diagnostic>,
        #[prost(message, optional, tag = "5")]
        pub provider_meta: Option<Schema>,
        #[prost(message, optional, tag = "6")]
        pub server_capabilities: Option<ServerCapabilities>,
    }
}

/// Messages of `ValidateProviderConfig`.
pub mod validate_provider_config {
    use super::*;

    /// `ValidateProviderConfig.Request`.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Request {
        #[prost(message, optional, tag = "1")]
        pub config: Option<DynamicValue>,
    }

    /// `ValidateProviderConfig.Response`: `diagnostics` is field **2**.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Response {
        #[prost(message, repeated, tag = "2")]
        pub diagnostics: Vec<Diagnostic>,
    }
}

/// Messages of `UpgradeResourceState`.
pub mod upgrade_resource_state {
    use super::*;

    /// `UpgradeResourceState.Request`.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Request {
        #[prost(string, tag = "1")]
        pub type_name: String,
        /// The schema version the stored state was written with.
        #[prost(int64, tag = "2")]
        pub version: i64,
        #[prost(message, optional, tag = "3")]
        pub raw_state: Option<RawState>,
    }

    /// `UpgradeResourceState.Response`.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Response {
        #[prost(message, optional, tag = "1")]
        pub upgraded_state: Option<DynamicValue>,
        #[prost(message, repeated, tag = "2")]
        pub diagnostics: Vec<Diagnostic>,
    }
}

/// Messages of `GetResourceIdentitySchemas`.
pub mod get_resource_identity_schemas {
    use super::*;

    /// `GetResourceIdentitySchemas.Request` (empty).
    #[derive(Clone, Copy, PartialEq, Eq, Hash, prost::Message)]
    pub struct Request {}

    /// `GetResourceIdentitySchemas.Response`.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Response {
        #[prost(btree_map = "string, message", tag = "1")]
        pub identity_schemas: BTreeMap<String, ResourceIdentitySchema>,
        #[prost(message, repeated, tag = "2")]
        pub diagnostics: Vec<Diagnostic>,
    }
}

/// Messages of `UpgradeResourceIdentity`.
pub mod upgrade_resource_identity {
    use super::*;

    /// `UpgradeResourceIdentity.Request`.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Request {
        #[prost(string, tag = "1")]
        pub type_name: String,
        #[prost(int64, tag = "2")]
        pub version: i64,
        #[prost(message, optional, tag = "3")]
        pub raw_identity: Option<RawState>,
    }

    /// `UpgradeResourceIdentity.Response`.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Response {
        #[prost(message, optional, tag = "1")]
        pub upgraded_identity: Option<ResourceIdentityData>,
        #[prost(message, repeated, tag = "2")]
        pub diagnostics: Vec<Diagnostic>,
    }
}

/// Messages of `ValidateResourceConfig`.
pub mod validate_resource_config {
    use super::*;

    /// `ValidateResourceConfig.Request`.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Request {
        #[prost(string, tag = "1")]
        pub type_name: String,
        #[prost(message, optional, tag = "2")]
        pub config: Option<DynamicValue>,
        #[prost(message, optional, tag = "3")]
        pub client_capabilities: Option<ClientCapabilities>,
    }

    /// `ValidateResourceConfig.Response`.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Response {
        #[prost(message, repeated, tag = "1")]
        pub diagnostics: Vec<Diagnostic>,
    }
}

/// Messages of `ValidateDataResourceConfig`.
pub mod validate_data_resource_config {
    use super::*;

    /// `ValidateDataResourceConfig.Request`.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Request {
        #[prost(string, tag = "1")]
        pub type_name: String,
        #[prost(message, optional, tag = "2")]
        pub config: Option<DynamicValue>,
    }

    /// `ValidateDataResourceConfig.Response`.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Response {
        #[prost(message, repeated, tag = "1")]
        pub diagnostics: Vec<Diagnostic>,
    }
}

/// Messages of `ConfigureProvider`.
pub mod configure_provider {
    use super::*;

    /// `ConfigureProvider.Request`.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Request {
        #[prost(string, tag = "1")]
        pub terraform_version: String,
        #[prost(message, optional, tag = "2")]
        pub config: Option<DynamicValue>,
        #[prost(message, optional, tag = "3")]
        pub client_capabilities: Option<ClientCapabilities>,
    }

    /// `ConfigureProvider.Response`.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Response {
        #[prost(message, repeated, tag = "1")]
        pub diagnostics: Vec<Diagnostic>,
    }
}

/// Messages of `ReadResource`.
pub mod read_resource {
    use super::*;

    /// `ReadResource.Request`.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Request {
        #[prost(string, tag = "1")]
        pub type_name: String,
        #[prost(message, optional, tag = "2")]
        pub current_state: Option<DynamicValue>,
        #[prost(bytes = "vec", tag = "3")]
        pub private: Vec<u8>,
        #[prost(message, optional, tag = "4")]
        pub provider_meta: Option<DynamicValue>,
        #[prost(message, optional, tag = "5")]
        pub client_capabilities: Option<ClientCapabilities>,
        #[prost(message, optional, tag = "6")]
        pub current_identity: Option<ResourceIdentityData>,
    }

    /// `ReadResource.Response`. A null `new_state` means the object is gone.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Response {
        #[prost(message, optional, tag = "1")]
        pub new_state: Option<DynamicValue>,
        #[prost(message, repeated, tag = "2")]
        pub diagnostics: Vec<Diagnostic>,
        #[prost(bytes = "vec", tag = "3")]
        pub private: Vec<u8>,
        #[prost(message, optional, tag = "4")]
        pub deferred: Option<Deferred>,
        #[prost(message, optional, tag = "5")]
        pub new_identity: Option<ResourceIdentityData>,
    }
}

/// Messages of `PlanResourceChange`.
pub mod plan_resource_change {
    use super::*;

    /// `PlanResourceChange.Request`.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Request {
        #[prost(string, tag = "1")]
        pub type_name: String,
        #[prost(message, optional, tag = "2")]
        pub prior_state: Option<DynamicValue>,
        #[prost(message, optional, tag = "3")]
        pub proposed_new_state: Option<DynamicValue>,
        #[prost(message, optional, tag = "4")]
        pub config: Option<DynamicValue>,
        #[prost(bytes = "vec", tag = "5")]
        pub prior_private: Vec<u8>,
        #[prost(message, optional, tag = "6")]
        pub provider_meta: Option<DynamicValue>,
        #[prost(message, optional, tag = "7")]
        pub client_capabilities: Option<ClientCapabilities>,
        #[prost(message, optional, tag = "8")]
        pub prior_identity: Option<ResourceIdentityData>,
        /// 6.11: the private data of an earlier plan of this change, when
        /// the client has `store_planned_private`.
        #[prost(bytes = "vec", tag = "9")]
        pub planned_private: Vec<u8>,
    }

    /// `PlanResourceChange.Response`.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Response {
        #[prost(message, optional, tag = "1")]
        pub planned_state: Option<DynamicValue>,
        #[prost(message, repeated, tag = "2")]
        pub requires_replace: Vec<AttributePath>,
        #[prost(bytes = "vec", tag = "3")]
        pub planned_private: Vec<u8>,
        #[prost(message, repeated, tag = "4")]
        pub diagnostics: Vec<Diagnostic>,
        /// Only for the legacy SDK; keep it false.
        #[prost(bool, tag = "5")]
        pub legacy_type_system: bool,
        #[prost(message, optional, tag = "6")]
        pub deferred: Option<Deferred>,
        #[prost(message, optional, tag = "7")]
        pub planned_identity: Option<ResourceIdentityData>,
    }
}

/// Messages of `ApplyResourceChange`.
pub mod apply_resource_change {
    use super::*;

    /// `ApplyResourceChange.Request`.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Request {
        #[prost(string, tag = "1")]
        pub type_name: String,
        #[prost(message, optional, tag = "2")]
        pub prior_state: Option<DynamicValue>,
        #[prost(message, optional, tag = "3")]
        pub planned_state: Option<DynamicValue>,
        #[prost(message, optional, tag = "4")]
        pub config: Option<DynamicValue>,
        #[prost(bytes = "vec", tag = "5")]
        pub planned_private: Vec<u8>,
        #[prost(message, optional, tag = "6")]
        pub provider_meta: Option<DynamicValue>,
        #[prost(message, optional, tag = "7")]
        pub planned_identity: Option<ResourceIdentityData>,
    }

    /// `ApplyResourceChange.Response`.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Response {
        #[prost(message, optional, tag = "1")]
        pub new_state: Option<DynamicValue>,
        #[prost(bytes = "vec", tag = "2")]
        pub private: Vec<u8>,
        #[prost(message, repeated, tag = "3")]
        pub diagnostics: Vec<Diagnostic>,
        /// Only for the legacy SDK; keep it false.
        #[prost(bool, tag = "4")]
        pub legacy_type_system: bool,
        #[prost(message, optional, tag = "5")]
        pub new_identity: Option<ResourceIdentityData>,
    }
}

/// Messages of `ImportResourceState`.
pub mod import_resource_state {
    use super::*;

    /// `ImportResourceState.Request`.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Request {
        #[prost(string, tag = "1")]
        pub type_name: String,
        #[prost(string, tag = "2")]
        pub id: String,
        #[prost(message, optional, tag = "3")]
        pub client_capabilities: Option<ClientCapabilities>,
        #[prost(message, optional, tag = "4")]
        pub identity: Option<ResourceIdentityData>,
    }

    /// `ImportResourceState.ImportedResource`.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct ImportedResource {
        #[prost(string, tag = "1")]
        pub type_name: String,
        #[prost(message, optional, tag = "2")]
        pub state: Option<DynamicValue>,
        #[prost(bytes = "vec", tag = "3")]
        pub private: Vec<u8>,
        #[prost(message, optional, tag = "4")]
        pub identity: Option<ResourceIdentityData>,
    }

    /// `ImportResourceState.Response`.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Response {
        #[prost(message, repeated, tag = "1")]
        pub imported_resources: Vec<ImportedResource>,
        #[prost(message, repeated, tag = "2")]
        pub diagnostics: Vec<Diagnostic>,
        #[prost(message, optional, tag = "3")]
        pub deferred: Option<Deferred>,
    }
}

/// Messages of `GenerateResourceConfig`.
pub mod generate_resource_config {
    use super::*;

    /// `GenerateResourceConfig.Request`.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Request {
        #[prost(string, tag = "1")]
        pub type_name: String,
        #[prost(message, optional, tag = "2")]
        pub state: Option<DynamicValue>,
    }

    /// `GenerateResourceConfig.Response`.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Response {
        #[prost(message, optional, tag = "1")]
        pub config: Option<DynamicValue>,
        #[prost(message, repeated, tag = "2")]
        pub diagnostics: Vec<Diagnostic>,
    }
}

/// Messages of `MoveResourceState` (`moved {}` across resource types).
pub mod move_resource_state {
    use super::*;

    /// `MoveResourceState.Request`. `source_state` is the raw, un-upgraded
    /// JSON of the source resource type's schema.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Request {
        /// For example `registry.terraform.io/cloudflare/cloudflare`.
        #[prost(string, tag = "1")]
        pub source_provider_address: String,
        #[prost(string, tag = "2")]
        pub source_type_name: String,
        #[prost(int64, tag = "3")]
        pub source_schema_version: i64,
        #[prost(message, optional, tag = "4")]
        pub source_state: Option<RawState>,
        #[prost(string, tag = "5")]
        pub target_type_name: String,
        #[prost(bytes = "vec", tag = "6")]
        pub source_private: Vec<u8>,
        #[prost(message, optional, tag = "7")]
        pub source_identity: Option<RawState>,
        #[prost(int64, tag = "8")]
        pub source_identity_schema_version: i64,
    }

    /// `MoveResourceState.Response`.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Response {
        #[prost(message, optional, tag = "1")]
        pub target_state: Option<DynamicValue>,
        #[prost(message, repeated, tag = "2")]
        pub diagnostics: Vec<Diagnostic>,
        #[prost(bytes = "vec", tag = "3")]
        pub target_private: Vec<u8>,
        #[prost(message, optional, tag = "4")]
        pub target_identity: Option<ResourceIdentityData>,
    }
}

/// Messages of `ReadDataSource`.
pub mod read_data_source {
    use super::*;

    /// `ReadDataSource.Request`.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Request {
        #[prost(string, tag = "1")]
        pub type_name: String,
        #[prost(message, optional, tag = "2")]
        pub config: Option<DynamicValue>,
        #[prost(message, optional, tag = "3")]
        pub provider_meta: Option<DynamicValue>,
        #[prost(message, optional, tag = "4")]
        pub client_capabilities: Option<ClientCapabilities>,
    }

    /// `ReadDataSource.Response`.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Response {
        #[prost(message, optional, tag = "1")]
        pub state: Option<DynamicValue>,
        #[prost(message, repeated, tag = "2")]
        pub diagnostics: Vec<Diagnostic>,
        #[prost(message, optional, tag = "3")]
        pub deferred: Option<Deferred>,
    }
}

/// Messages of `GetFunctions`.
pub mod get_functions {
    use super::*;

    /// `GetFunctions.Request` (empty).
    #[derive(Clone, Copy, PartialEq, Eq, Hash, prost::Message)]
    pub struct Request {}

    /// `GetFunctions.Response`.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Response {
        #[prost(btree_map = "string, message", tag = "1")]
        pub functions: BTreeMap<String, Function>,
        #[prost(message, repeated, tag = "2")]
        pub diagnostics: Vec<Diagnostic>,
    }
}

/// Messages of `CallFunction`.
pub mod call_function {
    use super::*;

    /// `CallFunction.Request`.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Request {
        #[prost(string, tag = "1")]
        pub name: String,
        #[prost(message, repeated, tag = "2")]
        pub arguments: Vec<DynamicValue>,
    }

    /// `CallFunction.Response`.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Response {
        #[prost(message, optional, tag = "1")]
        pub result: Option<DynamicValue>,
        #[prost(message, optional, tag = "2")]
        pub error: Option<FunctionError>,
    }
}
