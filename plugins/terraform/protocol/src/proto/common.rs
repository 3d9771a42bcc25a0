//! Shared messages of `tfplugin6.proto` 6.11: values, diagnostics, paths,
//! schemas, functions and capabilities (the top of the official file, in its
//! order).

use std::collections::BTreeMap;

/// `DynamicValue`: a cty value, as msgpack (what Terraform sends and wants
/// back) or JSON. See [`crate::cty`] for the codec.
#[derive(Clone, PartialEq, Eq, Hash, prost::Message)]
pub struct DynamicValue {
    #[prost(bytes = "vec", tag = "1")]
    pub msgpack: Vec<u8>,
    #[prost(bytes = "vec", tag = "2")]
    pub json: Vec<u8>,
}

/// `Diagnostic`: an error or warning shown to the user.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Diagnostic {
    #[prost(enumeration = "diagnostic::Severity", tag = "1")]
    pub severity: i32,
    #[prost(string, tag = "2")]
    pub summary: String,
    #[prost(string, tag = "3")]
    pub detail: String,
    /// The attribute the diagnostic is about, if any.
    #[prost(message, optional, tag = "4")]
    pub attribute: Option<AttributePath>,
}

/// Nested types of [`Diagnostic`].
pub mod diagnostic {
    /// `Diagnostic.Severity`.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, prost::Enumeration)]
    #[repr(i32)]
    pub enum Severity {
        Invalid = 0,
        Error = 1,
        Warning = 2,
    }
}

/// `FunctionError`: the error of a provider function call.
#[derive(Clone, PartialEq, prost::Message)]
pub struct FunctionError {
    #[prost(string, tag = "1")]
    pub text: String,
    /// Index of the argument that caused the error.
    #[prost(int64, optional, tag = "2")]
    pub function_argument: Option<i64>,
}

/// `AttributePath`: a path into a value, for diagnostics and
/// `requires_replace`.
#[derive(Clone, PartialEq, Eq, Hash, prost::Message)]
pub struct AttributePath {
    #[prost(message, repeated, tag = "1")]
    pub steps: Vec<attribute_path::Step>,
}

/// Nested types of [`AttributePath`].
pub mod attribute_path {
    /// `AttributePath.Step`: one step, an attribute or an element key.
    #[derive(Clone, PartialEq, Eq, Hash, prost::Message)]
    pub struct Step {
        #[prost(oneof = "step::Selector", tags = "1, 2, 3")]
        pub selector: Option<step::Selector>,
    }

    /// Nested types of [`Step`].
    pub mod step {
        /// `AttributePath.Step.selector`.
        #[derive(Clone, PartialEq, Eq, Hash, prost::Oneof)]
        pub enum Selector {
            /// An attribute of an object.
            #[prost(string, tag = "1")]
            AttributeName(String),
            /// A key of a map.
            #[prost(string, tag = "2")]
            ElementKeyString(String),
            /// An index of a list or tuple.
            #[prost(int64, tag = "3")]
            ElementKeyInt(i64),
        }
    }
}

/// Messages of the `StopProvider` RPC.
pub mod stop_provider {
    /// `StopProvider.Request` (empty).
    #[derive(Clone, Copy, PartialEq, Eq, Hash, prost::Message)]
    pub struct Request {}

    /// `StopProvider.Response`.
    #[derive(Clone, PartialEq, Eq, Hash, prost::Message)]
    pub struct Response {
        /// `Error` in the `.proto`; non-empty means stopping failed.
        #[prost(string, tag = "1")]
        pub error: String,
    }
}

/// `RawState`: stored state as Terraform saved it, before any upgrade.
#[derive(Clone, PartialEq, Eq, prost::Message)]
pub struct RawState {
    /// The state object as JSON (every Terraform since 0.12 writes this).
    #[prost(bytes = "vec", tag = "1")]
    pub json: Vec<u8>,
    /// Terraform 0.11's flatmap form.
    #[prost(btree_map = "string, string", tag = "2")]
    pub flatmap: BTreeMap<String, String>,
}

/// `StringKind`: how a description is formatted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, prost::Enumeration)]
#[repr(i32)]
pub enum StringKind {
    Plain = 0,
    Markdown = 1,
}

/// `ResourceIdentitySchema`: the versioned identity object of a resource type.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ResourceIdentitySchema {
    #[prost(int64, tag = "1")]
    pub version: i64,
    #[prost(message, repeated, tag = "2")]
    pub identity_attributes: Vec<resource_identity_schema::IdentityAttribute>,
}

/// Nested types of [`ResourceIdentitySchema`].
pub mod resource_identity_schema {
    /// `ResourceIdentitySchema.IdentityAttribute`.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct IdentityAttribute {
        #[prost(string, tag = "1")]
        pub name: String,
        /// JSON of the cty type.
        #[prost(bytes = "vec", tag = "2")]
        pub r#type: Vec<u8>,
        #[prost(bool, tag = "3")]
        pub required_for_import: bool,
        #[prost(bool, tag = "4")]
        pub optional_for_import: bool,
        #[prost(string, tag = "5")]
        pub description: String,
    }
}

/// `ResourceIdentityData`: identity values, decoded with the identity schema.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ResourceIdentityData {
    #[prost(message, optional, tag = "1")]
    pub identity_data: Option<DynamicValue>,
}

/// `ActionSchema`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ActionSchema {
    #[prost(message, optional, tag = "1")]
    pub schema: Option<Schema>,
}

/// `Schema`: the configuration schema of a provider, resource or data source.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Schema {
    /// What `UpgradeResourceState` later receives as `version`.
    #[prost(int64, tag = "1")]
    pub version: i64,
    #[prost(message, optional, tag = "2")]
    pub block: Option<schema::Block>,
}

/// Nested types of [`Schema`].
pub mod schema {
    use super::StringKind;

    /// `Schema.Block`.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Block {
        #[prost(int64, tag = "1")]
        pub version: i64,
        #[prost(message, repeated, tag = "2")]
        pub attributes: Vec<Attribute>,
        #[prost(message, repeated, tag = "3")]
        pub block_types: Vec<NestedBlock>,
        #[prost(string, tag = "4")]
        pub description: String,
        #[prost(enumeration = "StringKind", tag = "5")]
        pub description_kind: i32,
        #[prost(bool, tag = "6")]
        pub deprecated: bool,
        #[prost(string, tag = "7")]
        pub deprecation_message: String,
        /// 6.11: an optionally computed nested block.
        #[prost(bool, tag = "8")]
        pub computed: bool,
    }

    /// `Schema.Attribute`. `type` is the JSON text of the cty type
    /// ([`crate::cty::Type::to_json`]); `nested_type` replaces it for
    /// nested attributes.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Attribute {
        #[prost(string, tag = "1")]
        pub name: String,
        #[prost(bytes = "vec", tag = "2")]
        pub r#type: Vec<u8>,
        #[prost(message, optional, tag = "10")]
        pub nested_type: Option<Object>,
        #[prost(string, tag = "3")]
        pub description: String,
        #[prost(bool, tag = "4")]
        pub required: bool,
        #[prost(bool, tag = "5")]
        pub optional: bool,
        #[prost(bool, tag = "6")]
        pub computed: bool,
        #[prost(bool, tag = "7")]
        pub sensitive: bool,
        #[prost(enumeration = "StringKind", tag = "8")]
        pub description_kind: i32,
        #[prost(bool, tag = "9")]
        pub deprecated: bool,
        #[prost(bool, tag = "11")]
        pub write_only: bool,
        #[prost(string, tag = "12")]
        pub deprecation_message: String,
    }

    /// `Schema.NestedBlock`.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct NestedBlock {
        #[prost(string, tag = "1")]
        pub type_name: String,
        #[prost(message, optional, tag = "2")]
        pub block: Option<Block>,
        #[prost(enumeration = "nested_block::NestingMode", tag = "3")]
        pub nesting: i32,
        #[prost(int64, tag = "4")]
        pub min_items: i64,
        #[prost(int64, tag = "5")]
        pub max_items: i64,
    }

    /// Nested types of [`NestedBlock`].
    pub mod nested_block {
        /// `Schema.NestedBlock.NestingMode`.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, prost::Enumeration)]
        #[repr(i32)]
        pub enum NestingMode {
            Invalid = 0,
            Single = 1,
            List = 2,
            Set = 3,
            Map = 4,
            Group = 5,
        }
    }

    /// `Schema.Object`: the attributes of a nested attribute.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Object {
        #[prost(message, repeated, tag = "1")]
        pub attributes: Vec<Attribute>,
        #[prost(enumeration = "object::NestingMode", tag = "3")]
        pub nesting: i32,
        /// Deprecated in the `.proto`: never used, no effect.
        #[prost(int64, tag = "4")]
        pub min_items: i64,
        /// Deprecated in the `.proto`: never used, no effect.
        #[prost(int64, tag = "5")]
        pub max_items: i64,
    }

    /// Nested types of [`Object`].
    pub mod object {
        /// `Schema.Object.NestingMode` (no `GROUP`, unlike blocks).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, prost::Enumeration)]
        #[repr(i32)]
        pub enum NestingMode {
            Invalid = 0,
            Single = 1,
            List = 2,
            Set = 3,
            Map = 4,
        }
    }
}

/// `Function`: a provider-contributed function's signature.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Function {
    #[prost(message, repeated, tag = "1")]
    pub parameters: Vec<function::Parameter>,
    #[prost(message, optional, tag = "2")]
    pub variadic_parameter: Option<function::Parameter>,
    #[prost(message, optional, tag = "3")]
    pub r#return: Option<function::Return>,
    #[prost(string, tag = "4")]
    pub summary: String,
    #[prost(string, tag = "5")]
    pub description: String,
    #[prost(enumeration = "StringKind", tag = "6")]
    pub description_kind: i32,
    #[prost(string, tag = "7")]
    pub deprecation_message: String,
}

/// Nested types of [`Function`].
pub mod function {
    use super::StringKind;

    /// `Function.Parameter`.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Parameter {
        #[prost(string, tag = "1")]
        pub name: String,
        #[prost(bytes = "vec", tag = "2")]
        pub r#type: Vec<u8>,
        #[prost(bool, tag = "3")]
        pub allow_null_value: bool,
        #[prost(bool, tag = "4")]
        pub allow_unknown_values: bool,
        #[prost(string, tag = "5")]
        pub description: String,
        #[prost(enumeration = "StringKind", tag = "6")]
        pub description_kind: i32,
    }

    /// `Function.Return`.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Return {
        #[prost(bytes = "vec", tag = "1")]
        pub r#type: Vec<u8>,
    }
}

/// `ServerCapabilities`: optional protocol features the provider supports.
#[derive(Clone, Copy, PartialEq, Eq, Hash, prost::Message)]
pub struct ServerCapabilities {
    /// Call PlanResourceChange on destroy too.
    #[prost(bool, tag = "1")]
    pub plan_destroy: bool,
    /// A cached schema may be used instead of calling GetProviderSchema.
    #[prost(bool, tag = "2")]
    pub get_provider_schema_optional: bool,
    /// MoveResourceState is implemented.
    #[prost(bool, tag = "3")]
    pub move_resource_state: bool,
    /// GenerateResourceConfig is implemented.
    #[prost(bool, tag = "4")]
    pub generate_resource_config: bool,
}

/// `ClientCapabilities`: optional protocol features Terraform supports.
#[derive(Clone, Copy, PartialEq, Eq, Hash, prost::Message)]
pub struct ClientCapabilities {
    #[prost(bool, tag = "1")]
    pub deferral_allowed: bool,
    #[prost(bool, tag = "2")]
    pub write_only_attributes_allowed: bool,
    /// 6.11: the plan's private data comes back as `planned_private`.
    #[prost(bool, tag = "3")]
    pub store_planned_private: bool,
    /// 6.11: optionally computed nested blocks are understood.
    #[prost(bool, tag = "4")]
    pub computed_blocks_allowed: bool,
}

/// `Deferred`: the change cannot be planned yet.
#[derive(Clone, Copy, PartialEq, Eq, Hash, prost::Message)]
pub struct Deferred {
    #[prost(enumeration = "deferred::Reason", tag = "1")]
    pub reason: i32,
}

/// Nested types of [`Deferred`].
pub mod deferred {
    /// `Deferred.Reason`.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, prost::Enumeration)]
    #[repr(i32)]
    pub enum Reason {
        Unknown = 0,
        ResourceConfigUnknown = 1,
        ProviderConfigUnknown = 2,
        AbsentPrereq = 3,
    }
}
