//! Messages of the RPCs a managed resource and data source do not need
//! (ephemeral resources, list resources, state stores, actions), declared in
//! full all the same so that the service covers all 36 RPCs of 6.11 with the
//! official types. Their RPCs answer `UNIMPLEMENTED` by default.

use super::*;

/// Messages of `ValidateEphemeralResourceConfig`.
pub mod validate_ephemeral_resource_config {
    use super::*;

    /// `ValidateEphemeralResourceConfig.Request`.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Request {
        #[prost(string, tag = "1")]
        pub type_name: String,
        #[prost(message, optional, tag = "2")]
        pub config: Option<DynamicValue>,
    }

    /// `ValidateEphemeralResourceConfig.Response`.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Response {
        #[prost(message, repeated, tag = "1")]
        pub diagnostics: Vec<Diagnostic>,
    }
}

/// Messages of `OpenEphemeralResource`.
pub mod open_ephemeral_resource {
    use super::*;

    /// `OpenEphemeralResource.Request`.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Request {
        #[prost(string, tag = "1")]
        pub type_name: String,
        #[prost(message, optional, tag = "2")]
        pub config: Option<DynamicValue>,
        #[prost(message, optional, tag = "3")]
        pub client_capabilities: Option<ClientCapabilities>,
    }

    /// `OpenEphemeralResource.Response`.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Response {
        #[prost(message, repeated, tag = "1")]
        pub diagnostics: Vec<Diagnostic>,
        #[prost(message, optional, tag = "2")]
        pub renew_at: Option<prost_types::Timestamp>,
        #[prost(message, optional, tag = "3")]
        pub result: Option<DynamicValue>,
        #[prost(bytes = "vec", optional, tag = "4")]
        pub private: Option<Vec<u8>>,
        #[prost(message, optional, tag = "5")]
        pub deferred: Option<Deferred>,
    }
}

/// Messages of `RenewEphemeralResource`.
pub mod renew_ephemeral_resource {
    use super::*;

    /// `RenewEphemeralResource.Request`.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Request {
        #[prost(string, tag = "1")]
        pub type_name: String,
        #[prost(bytes = "vec", optional, tag = "2")]
        pub private: Option<Vec<u8>>,
    }

    /// `RenewEphemeralResource.Response`.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Response {
        #[prost(message, repeated, tag = "1")]
        pub diagnostics: Vec<Diagnostic>,
        #[prost(message, optional, tag = "2")]
        pub renew_at: Option<prost_types::Timestamp>,
        #[prost(bytes = "vec", optional, tag = "3")]
        pub private: Option<Vec<u8>>,
    }
}

/// Messages of `CloseEphemeralResource`.
pub mod close_ephemeral_resource {
    use super::*;

    /// `CloseEphemeralResource.Request`.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Request {
        #[prost(string, tag = "1")]
        pub type_name: String,
        #[prost(bytes = "vec", optional, tag = "2")]
        pub private: Option<Vec<u8>>,
    }

    /// `CloseEphemeralResource.Response`.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Response {
        #[prost(message, repeated, tag = "1")]
        pub diagnostics: Vec<Diagnostic>,
    }
}

/// Messages of `ListResource` (server-streaming).
pub mod list_resource {
    use super::*;

    /// `ListResource.Request`.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Request {
        #[prost(string, tag = "1")]
        pub type_name: String,
        #[prost(message, optional, tag = "2")]
        pub config: Option<DynamicValue>,
        #[prost(bool, tag = "3")]
        pub include_resource_object: bool,
        #[prost(int64, tag = "4")]
        pub limit: i64,
    }

    /// `ListResource.Event`: one found resource.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Event {
        #[prost(message, optional, tag = "1")]
        pub identity: Option<ResourceIdentityData>,
        #[prost(string, tag = "2")]
        pub display_name: String,
        #[prost(message, optional, tag = "3")]
        pub resource_object: Option<DynamicValue>,
        /// Named `diagnostic` (singular) in the `.proto`.
        #[prost(message, repeated, tag = "4")]
        pub diagnostic: Vec<Diagnostic>,
    }
}

/// Messages of `ValidateListResourceConfig`.
pub mod validate_list_resource_config {
    use super::*;

    /// `ValidateListResourceConfig.Request`.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Request {
        #[prost(string, tag = "1")]
        pub type_name: String,
        #[prost(message, optional, tag = "2")]
        pub config: Option<DynamicValue>,
        #[prost(message, optional, tag = "3")]
        pub include_resource_object: Option<DynamicValue>,
        #[prost(message, optional, tag = "4")]
        pub limit: Option<DynamicValue>,
    }

    /// `ValidateListResourceConfig.Response`.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Response {
        #[prost(message, repeated, tag = "1")]
        pub diagnostics: Vec<Diagnostic>,
    }
}

/// Messages of `ValidateStateStoreConfig` (`ValidateStateStore` in the `.proto`).
pub mod validate_state_store {
    use super::*;

    /// `ValidateStateStore.Request`.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Request {
        #[prost(string, tag = "1")]
        pub type_name: String,
        #[prost(message, optional, tag = "2")]
        pub config: Option<DynamicValue>,
    }

    /// `ValidateStateStore.Response`.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Response {
        #[prost(message, repeated, tag = "1")]
        pub diagnostics: Vec<Diagnostic>,
    }
}

/// Messages of `ConfigureStateStore`.
pub mod configure_state_store {
    use super::*;

    /// `ConfigureStateStore.Request`.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Request {
        #[prost(string, tag = "1")]
        pub type_name: String,
        #[prost(message, optional, tag = "2")]
        pub config: Option<DynamicValue>,
        #[prost(message, optional, tag = "3")]
        pub capabilities: Option<StateStoreClientCapabilities>,
    }

    /// `ConfigureStateStore.Response`.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Response {
        #[prost(message, repeated, tag = "1")]
        pub diagnostics: Vec<Diagnostic>,
        #[prost(message, optional, tag = "2")]
        pub capabilities: Option<StateStoreServerCapabilities>,
    }
}

/// `StateStoreClientCapabilities`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, prost::Message)]
pub struct StateStoreClientCapabilities {
    /// Chunk size Terraform suggests.
    #[prost(int64, tag = "1")]
    pub chunk_size: i64,
}

/// `StateStoreServerCapabilities`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, prost::Message)]
pub struct StateStoreServerCapabilities {
    /// Chunk size the provider chose.
    #[prost(int64, tag = "1")]
    pub chunk_size: i64,
}

/// Messages of `ReadStateBytes` (server-streaming).
pub mod read_state_bytes {
    use super::*;

    /// `ReadStateBytes.Request`.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Request {
        #[prost(string, tag = "1")]
        pub type_name: String,
        #[prost(string, tag = "2")]
        pub state_id: String,
    }

    /// `ReadStateBytes.Response`: one chunk.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Response {
        #[prost(bytes = "vec", tag = "1")]
        pub bytes: Vec<u8>,
        #[prost(int64, tag = "2")]
        pub total_length: i64,
        #[prost(message, optional, tag = "3")]
        pub range: Option<StateRange>,
        #[prost(message, repeated, tag = "4")]
        pub diagnostics: Vec<Diagnostic>,
    }
}

/// Messages of `WriteStateBytes` (client-streaming).
pub mod write_state_bytes {
    use super::*;

    /// `WriteStateBytes.RequestChunk`.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct RequestChunk {
        /// Only in the first chunk.
        #[prost(message, optional, tag = "1")]
        pub meta: Option<RequestChunkMeta>,
        #[prost(bytes = "vec", tag = "2")]
        pub bytes: Vec<u8>,
        #[prost(int64, tag = "3")]
        pub total_length: i64,
        #[prost(message, optional, tag = "4")]
        pub range: Option<StateRange>,
    }

    /// `WriteStateBytes.Response`.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Response {
        #[prost(message, repeated, tag = "1")]
        pub diagnostics: Vec<Diagnostic>,
    }
}

/// `RequestChunkMeta`.
#[derive(Clone, PartialEq, Eq, Hash, prost::Message)]
pub struct RequestChunkMeta {
    #[prost(string, tag = "1")]
    pub type_name: String,
    #[prost(string, tag = "2")]
    pub state_id: String,
}

/// `StateRange`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, prost::Message)]
pub struct StateRange {
    #[prost(int64, tag = "1")]
    pub start: i64,
    #[prost(int64, tag = "2")]
    pub end: i64,
}

/// Messages of `LockState`.
pub mod lock_state {
    use super::*;

    /// `LockState.Request`.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Request {
        #[prost(string, tag = "1")]
        pub type_name: String,
        #[prost(string, tag = "2")]
        pub state_id: String,
        #[prost(string, tag = "3")]
        pub operation: String,
    }

    /// `LockState.Response`.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Response {
        #[prost(string, tag = "1")]
        pub lock_id: String,
        #[prost(message, repeated, tag = "2")]
        pub diagnostics: Vec<Diagnostic>,
    }
}

/// Messages of `UnlockState`.
pub mod unlock_state {
    use super::*;

    /// `UnlockState.Request`.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Request {
        #[prost(string, tag = "1")]
        pub type_name: String,
        #[prost(string, tag = "2")]
        pub state_id: String,
        #[prost(string, tag = "3")]
        pub lock_id: String,
    }

    /// `UnlockState.Response`.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Response {
        #[prost(message, repeated, tag = "1")]
        pub diagnostics: Vec<Diagnostic>,
    }
}

/// Messages of `GetStates`.
pub mod get_states {
    use super::*;

    /// `GetStates.Request`.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Request {
        #[prost(string, tag = "1")]
        pub type_name: String,
    }

    /// `GetStates.Response`.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Response {
        #[prost(string, repeated, tag = "1")]
        pub state_id: Vec<String>,
        #[prost(message, repeated, tag = "2")]
        pub diagnostics: Vec<Diagnostic>,
    }
}

/// Messages of `DeleteState`.
pub mod delete_state {
    use super::*;

    /// `DeleteState.Request`.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Request {
        #[prost(string, tag = "1")]
        pub type_name: String,
        #[prost(string, tag = "2")]
        pub state_id: String,
    }

    /// `DeleteState.Response`.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Response {
        #[prost(message, repeated, tag = "1")]
        pub diagnostics: Vec<Diagnostic>,
    }
}

/// Messages of `PlanAction`.
pub mod plan_action {
    use super::*;

    /// `PlanAction.Request`.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Request {
        #[prost(string, tag = "1")]
        pub action_type: String,
        #[prost(message, optional, tag = "2")]
        pub config: Option<DynamicValue>,
        #[prost(message, optional, tag = "3")]
        pub client_capabilities: Option<ClientCapabilities>,
    }

    /// `PlanAction.Response`.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Response {
        #[prost(message, repeated, tag = "1")]
        pub diagnostics: Vec<Diagnostic>,
        #[prost(message, optional, tag = "2")]
        pub deferred: Option<Deferred>,
    }
}

/// Messages of `InvokeAction` (server-streaming).
pub mod invoke_action {
    use super::*;

    /// `InvokeAction.Request`.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Request {
        #[prost(string, tag = "1")]
        pub action_type: String,
        #[prost(message, optional, tag = "2")]
        pub config: Option<DynamicValue>,
        #[prost(message, optional, tag = "3")]
        pub client_capabilities: Option<ClientCapabilities>,
    }

    /// `InvokeAction.Event`.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Event {
        #[prost(oneof = "event::Type", tags = "1, 2")]
        pub r#type: Option<event::Type>,
    }

    /// Nested types of [`Event`].
    pub mod event {
        use super::*;

        /// `InvokeAction.Event.Progress`.
        #[derive(Clone, PartialEq, Eq, Hash, prost::Message)]
        pub struct Progress {
            #[prost(string, tag = "1")]
            pub message: String,
        }

        /// `InvokeAction.Event.Completed`.
        #[derive(Clone, PartialEq, prost::Message)]
        pub struct Completed {
            #[prost(message, repeated, tag = "1")]
            pub diagnostics: Vec<Diagnostic>,
        }

        /// `InvokeAction.Event.type`.
        #[derive(Clone, PartialEq, prost::Oneof)]
        pub enum Type {
            #[prost(message, tag = "1")]
            Progress(Progress),
            #[prost(message, tag = "2")]
            Completed(Completed),
        }
    }
}

/// Messages of `ValidateActionConfig`.
pub mod validate_action_config {
    use super::*;

    /// `ValidateActionConfig.Request`.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Request {
        #[prost(string, tag = "1")]
        pub type_name: String,
        #[prost(message, optional, tag = "2")]
        pub config: Option<DynamicValue>,
    }

    /// `ValidateActionConfig.Response`.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Response {
        #[prost(message, repeated, tag = "1")]
        pub diagnostics: Vec<Diagnostic>,
    }
}
