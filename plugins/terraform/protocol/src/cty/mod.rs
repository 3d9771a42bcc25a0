//! The cty value codec: Terraform's values ([`Value`]) of a schema's types
//! ([`Type`]) to and from the bytes of a `DynamicValue` and of raw state.
//!
//! Terraform sends msgpack and expects msgpack back
//! (`docs/plugin-protocol/object-wire-format.md`); JSON appears in
//! `DynamicValue.json` from other clients and in `RawState.json`. The rules
//! are go-cty's (`cty/msgpack`, `cty/json`, zclconf/go-cty `dcb5db69`); see
//! [`msgpack`] and [`json`]. Every decoder takes untrusted bytes and returns
//! an [`Error`] naming the attribute, never panics.

mod error;
pub mod json;
pub(crate) mod jsontext;
pub mod msgpack;
mod types;
mod value;

pub use error::{Error, Path, PathStep};
pub use types::Type;
pub use value::{Number, Value};

use crate::proto::{DynamicValue, RawState};

impl DynamicValue {
    /// Decodes as Terraform's `decodeDynamicValue` does
    /// (`internal/plugin6/grpc_provider.go`): msgpack if non-empty, else
    /// JSON if non-empty, else null.
    pub fn decode(&self, ty: &Type) -> Result<Value, Error> {
        if !self.msgpack.is_empty() {
            msgpack::decode(&self.msgpack, ty)
        } else if !self.json.is_empty() {
            json::decode(&self.json, ty)
        } else {
            Ok(Value::Null)
        }
    }

    /// Encodes as msgpack, the form Terraform expects in responses.
    pub fn encode(value: &Value, ty: &Type) -> Result<DynamicValue, Error> {
        Ok(DynamicValue {
            msgpack: msgpack::encode(value, ty)?,
            json: Vec::new(),
        })
    }
}

/// [`DynamicValue::decode`] of an optional field: absent is null.
pub fn decode_optional(value: Option<&DynamicValue>, ty: &Type) -> Result<Value, Error> {
    value.map_or(Ok(Value::Null), |v| v.decode(ty))
}

/// Stored state decoded for `UpgradeResourceState` or `MoveResourceState`.
#[derive(Clone, Debug, PartialEq)]
pub struct RawStateValue {
    /// The state, with attributes not in the type dropped.
    pub value: Value,
    /// Paths of the attributes the state holds but the type does not
    /// (e.g. one removed from the schema, or the source type's in a move):
    /// the caller decides to drop them or to refuse the state.
    pub unknown_attributes: Vec<Path>,
}

/// Decodes raw state (its JSON) under `ty`. Empty state is null. Terraform
/// 0.11's flatmap form, with no JSON, is refused: every Terraform since 0.12
/// writes JSON.
pub fn decode_raw_state(raw: Option<&RawState>, ty: &Type) -> Result<RawStateValue, Error> {
    let Some(raw) = raw else {
        return Ok(RawStateValue {
            value: Value::Null,
            unknown_attributes: Vec::new(),
        });
    };
    if raw.json.is_empty() {
        if !raw.flatmap.is_empty() {
            return Err(Error::new(
                &Path::root(),
                "state in the legacy flatmap format (Terraform 0.11) is not supported",
            ));
        }
        return Ok(RawStateValue {
            value: Value::Null,
            unknown_attributes: Vec::new(),
        });
    }
    let (value, unknown_attributes) = json::decode_lenient(&raw.json, ty)?;
    Ok(RawStateValue {
        value,
        unknown_attributes,
    })
}
