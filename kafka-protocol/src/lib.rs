//! A typed, versioned codec for every Apache Kafka protocol message.
//!
//! Every request and response of every API key Kafka has defined (0 to 92),
//! at every version any release defined: the current release's schemas
//! (Kafka 4.3.1) merged with the versions Kafka 4.0 removed (kept from 3.9.0),
//! each version with exactly the wire shape of the release that defined it.
//! The code is generated at build time from Kafka's own JSON schemas by
//! `kafka-protocol-gen`; this crate's hand-written part is the wire primitives
//! the generated code calls, the errors, and the API table.
//!
//! ```
//! use bytes::{Bytes, BytesMut};
//! use kafka_protocol::messages::{MetadataRequest, metadata_request::MetadataRequestTopic};
//! use kafka_protocol::{ApiKey, Message, Request};
//!
//! let mut request = MetadataRequest::default();
//! let mut topic = MetadataRequestTopic::default();
//! topic.name = Some("orders".into());
//! request.topics = Some(vec![topic]);
//!
//! // Encode at version 12 (flexible: compact strings, tagged fields).
//! let mut buf = BytesMut::new();
//! request.encode(&mut buf, 12)?;
//! assert_eq!(buf.len(), request.encoded_len(12));
//!
//! // Decode it back; strings are slices of `bytes`, not copies.
//! let decoded = MetadataRequest::decode_exact(buf.freeze(), 12)?;
//! assert_eq!(decoded, request);
//!
//! // Header versions per (API, version).
//! assert_eq!(MetadataRequest::API_KEY, ApiKey::METADATA);
//! assert_eq!(ApiKey::METADATA.request_header_version(12), Some(2));
//! assert_eq!(ApiKey::METADATA.request_header_version(8), Some(1));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Safety on hostile input: decoders never panic, check every length and count
//! against the bytes left before allocating, enforce tagged-field sizes and
//! reject over-long varints, negative lengths other than null and invalid
//! UTF-8. Errors are typed ([`DecodeError`], [`EncodeError`]) and name the
//! message and field where they happened.
#![cfg_attr(
    not(test),
    deny(
        clippy::indexing_slicing,
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic
    )
)]

mod api;
mod codec;
mod error;
pub mod frame;
mod message;
mod types;
mod versioned;

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeDoctests;

#[cfg(test)]
mod testing;
#[cfg(test)]
mod tests;

pub use api::{ApiInfo, ApiKey, KAFKA_RELEASE};
pub use error::{DecodeError, DecodeErrorKind, EncodeError, EncodeErrorKind, PathSegment};
pub use message::{Message, Request, Response};
pub use types::{ByteString, ParseUuidError, RawTaggedField, Uuid, VersionRange};
pub use versioned::{VersionPrefixed, Versioned};

/// Every generated message, one module per schema file; nested structs live in
/// their message's module, top-level messages are re-exported here.
pub mod messages {
    include!(concat!(env!("OUT_DIR"), "/messages.rs"));
}

#[cfg(test)]
mod message_tests {
    include!(concat!(env!("OUT_DIR"), "/message_tests.rs"));
}

/// Messages generated from the small schemas in `tests/schemas` (Kafka's own
/// test schemas and this crate's edge cases), for the crate's tests.
#[cfg(test)]
// Generated as for the public `messages`, but mounted privately for tests.
#[allow(unreachable_pub, dead_code)]
mod test_messages {
    include!(concat!(env!("OUT_DIR"), "/test_schemas/messages.rs"));
}

#[cfg(test)]
mod test_message_checks {
    include!(concat!(env!("OUT_DIR"), "/test_schemas/message_tests.rs"));
}
