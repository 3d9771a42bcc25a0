//! Protobuf on the wire, as tonic's prost codec does it, except that a
//! request that does not decode is the caller's fault (`INVALID_ARGUMENT`),
//! not the plugin's (`INTERNAL`, tonic's default).

use prost::Message;
use std::marker::PhantomData;
use tonic::codec::{Codec, DecodeBuf, Decoder};
use tonic::Status;
use tonic_prost::ProstEncoder;

/// The codec of every route.
#[derive(Debug, Clone, Default)]
pub struct PulumiCodec<T, U>(PhantomData<(T, U)>);

impl<T, U> Codec for PulumiCodec<T, U>
where
    T: Message + Send + 'static,
    U: Message + Default + Send + 'static,
{
    type Encode = T;
    type Decode = U;
    type Encoder = ProstEncoder<T>;
    type Decoder = StrictDecoder<U>;

    fn encoder(&mut self) -> Self::Encoder {
        ProstEncoder::default()
    }

    fn decoder(&mut self) -> Self::Decoder {
        StrictDecoder(PhantomData)
    }
}

/// Decodes a message; a malformed one is `INVALID_ARGUMENT`.
#[derive(Debug)]
pub struct StrictDecoder<U>(PhantomData<U>);

impl<U: Message + Default> Decoder for StrictDecoder<U> {
    type Item = U;
    type Error = Status;

    fn decode(&mut self, src: &mut DecodeBuf<'_>) -> Result<Option<U>, Status> {
        U::decode(src).map(Some).map_err(|e| Status::invalid_argument(format!("the request is not a valid {}: {e}", std::any::type_name::<U>().rsplit("::").next().unwrap_or("message"))))
    }
}
