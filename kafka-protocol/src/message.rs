//! The traits every generated message implements.

use crate::api::ApiKey;
use crate::codec::Wire;
use crate::error::{DecodeError, DecodeErrorKind, EncodeError, EncodeErrorKind};
use crate::types::VersionRange;
use bytes::{Buf, Bytes, BytesMut};
use std::fmt::Debug;

/// A top-level message: a request or response body, a header, or a data schema.
///
/// Encoding is one pass into a buffer reserved from the exact
/// [`encoded_len`](Message::encoded_len). Decoding slices strings, bytes and
/// records out of the input `Bytes` without copying them.
pub trait Message: Sized + Clone + Debug + Default + PartialEq + Wire {
    /// Kafka's name for the message (`ProduceRequest`).
    const NAME: &'static str;
    /// Every version this crate can encode and decode.
    const VERSIONS: VersionRange;
    /// The first flexible version (KIP-482), if any.
    const FLEXIBLE_FROM: Option<i16>;
    /// The highest version, when Kafka marks it unstable.
    const UNSTABLE_VERSION: Option<i16>;

    /// True when `version` uses the flexible encoding.
    fn is_flexible(version: i16) -> bool {
        Self::FLEXIBLE_FROM.is_some_and(|f| version >= f)
    }

    /// Appends the message encoded at `version` to `buf`.
    ///
    /// Fails on an unsupported version, on a non-ignorable field holding a
    /// non-default value in a version that lacks it, on null where the version
    /// does not allow it, and on values the wire format cannot carry; the
    /// error names the field. On error `buf` may hold a partial message.
    fn encode(&self, buf: &mut BytesMut, version: i16) -> Result<(), EncodeError> {
        if !Self::VERSIONS.contains(version) {
            return Err(
                EncodeError::new(EncodeErrorKind::UnsupportedVersion(version))
                    .in_message(Self::NAME, version),
            );
        }
        buf.reserve(self.wire_len(version));
        self.write(buf, version)
            .map_err(|e| e.in_message(Self::NAME, version))
    }

    /// The exact number of bytes [`encode`](Message::encode) appends at `version`.
    fn encoded_len(&self, version: i16) -> usize {
        self.wire_len(version)
    }

    /// Encodes into a new buffer.
    fn to_bytes(&self, version: i16) -> Result<Bytes, EncodeError> {
        let mut buf = BytesMut::new();
        self.encode(&mut buf, version)?;
        Ok(buf.freeze())
    }

    /// Decodes a message at `version` from the front of `buf`, advancing it past
    /// the message. Bytes after the message are left in `buf`.
    fn decode(buf: &mut Bytes, version: i16) -> Result<Self, DecodeError> {
        if !Self::VERSIONS.contains(version) {
            return Err(
                DecodeError::new(DecodeErrorKind::UnsupportedVersion(version))
                    .in_message(Self::NAME, version),
            );
        }
        Self::read(buf, version).map_err(|e| e.in_message(Self::NAME, version))
    }

    /// Decodes a message that must fill `buf` exactly; trailing bytes are an error.
    fn decode_exact(mut buf: Bytes, version: i16) -> Result<Self, DecodeError> {
        let m = Self::decode(&mut buf, version)?;
        if buf.has_remaining() {
            return Err(
                DecodeError::new(DecodeErrorKind::TrailingBytes(buf.remaining()))
                    .in_message(Self::NAME, version),
            );
        }
        Ok(m)
    }

    /// Decodes like [`decode_exact`](Message::decode_exact), then refuses
    /// input that is not the canonical encoding of the value it decodes to
    /// ([`DecodeErrorKind::NotCanonical`]): the bytes are exactly what
    /// [`encode`](Message::encode) (and Kafka) write for that value.
    ///
    /// [`decode`](Message::decode) accepts what Kafka's reader accepts, which
    /// includes input that cannot be written back byte for byte (see
    /// `NotCanonical`); use this where such input should be refused, at the
    /// cost of one encode.
    fn decode_strict(buf: Bytes, version: i16) -> Result<Self, DecodeError> {
        let m = Self::decode_exact(buf.clone(), version)?;
        let offset = match m.to_bytes(version) {
            Ok(again) if again == buf => return Ok(m),
            Ok(again) => again
                .iter()
                .zip(buf.iter())
                .position(|(a, b)| a != b)
                .unwrap_or(again.len().min(buf.len())),
            Err(_) => 0,
        };
        Err(DecodeError::new(DecodeErrorKind::NotCanonical { offset })
            .in_message(Self::NAME, version))
    }
}

/// A request body.
pub trait Request: Message {
    /// The API key.
    const API_KEY: ApiKey;
    /// The response body type.
    type Response: Response;
}

/// A response body.
pub trait Response: Message {
    /// The API key.
    const API_KEY: ApiKey;
    /// The request body type.
    type Request: Request;
}
