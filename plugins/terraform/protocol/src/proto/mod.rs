//! The messages of `tfplugin6`, Terraform's plugin protocol 6, declared by
//! hand with `prost` derives.
//!
//! Names, field numbers and types are those of hashicorp/terraform
//! `docs/plugin-protocol/tfplugin6.proto`, header "protocol version 6.11",
//! at commit `883c7221ee2e0bc2fad6912fd4b3cc4b53a598a7` (main after
//! v1.16.0-rc2). The `.proto` is not copied here and no `protoc` is needed:
//! each message is a Rust struct whose `#[prost(...)]` attributes carry the
//! official tag numbers. Layout follows `prost-build`'s conventions so the
//! code reads like generated code: a nested message `Foo.Request` is
//! `foo::Request`, nested enums live in the module of their parent, enum
//! fields are `i32` with typed accessors, and `map<>` fields are `BTreeMap`
//! (deterministic encoding, which tests compare byte for byte).
//!
//! Every message used by the 36 RPCs of 6.11 is declared with all its
//! fields, so responses are complete and nothing a newer Terraform sends is
//! misread (fields added after 6.11 are skipped by prost on decoding).

mod common;
mod extra;
mod provider;

pub use common::*;
pub use extra::*;
pub use provider::*;

/// The protocol version this crate implements (the `.proto` header).
pub const PROTOCOL_VERSION: &str = "6.11";
