//! Tests beyond the generated per-message checks: the cases of Kafka's own
//! generated-code tests (`MessageTest`, `SimpleExampleMessageTest`,
//! `NullableStructMessageTest`, `SimpleArraysMessageTest`, `RecordsSerdeTest`,
//! `RequestHeaderTest`, `ApiMessageTypeTest`) that apply, byte vectors, and
//! malformed input.
// Tests build values field by field from `Default` for readability.
#![allow(clippy::field_reassign_with_default)]

pub(crate) mod bundled;
mod headers;
mod hostile;
mod java_message_test;
#[cfg(feature = "serde")]
pub(crate) mod java_oracle;
mod java_test_schemas;

use crate::Message;
use bytes::{Bytes, BytesMut};

/// Encodes at `version`, checking `encoded_len`.
pub(crate) fn enc<M: Message>(m: &M, version: i16) -> Bytes {
    let mut buf = BytesMut::new();
    m.encode(&mut buf, version)
        .unwrap_or_else(|e| panic!("encode {} v{version}: {e}", M::NAME));
    assert_eq!(
        m.encoded_len(version),
        buf.len(),
        "{} v{version} encoded_len",
        M::NAME
    );
    buf.freeze()
}

/// Encodes then decodes at `version`, requiring every byte to be consumed.
pub(crate) fn round_trip<M: Message>(m: &M, version: i16) -> M {
    M::decode_exact(enc(m, version), version)
        .unwrap_or_else(|e| panic!("decode {} v{version}: {e}", M::NAME))
}

pub(crate) fn hex(s: &str) -> Bytes {
    let clean: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    let bytes: Vec<u8> = (0..clean.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&clean[i..i + 2], 16).expect("hex"))
        .collect();
    Bytes::from(bytes)
}
