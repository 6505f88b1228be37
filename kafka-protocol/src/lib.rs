//! A typed, versioned codec for every Apache Kafka protocol message.
//!
//! Every request and response of every API key Kafka has defined (0 to 94),
//! at every version any release defined: the current release's schemas
//! (Kafka 4.4.0) merged with the versions Kafka 4.0 removed (kept from 3.9.0),
//! each version with exactly the wire shape of the release that defined it.
//! The code is generated at build time from Kafka's own JSON schemas by
//! `kafkawire-gen`; this crate's hand-written part is the wire primitives
//! the generated code calls, the errors, and the API table.
//!
//! # Where to start
//!
//! - **One message:** [`messages`] has a type per request, response and
//!   header, built with `Default` and `with_*` setters; [`Message`] encodes
//!   and decodes any of them at a version. [`ApiKey`] is the API table
//!   (names, versions, header versions).
//! - **A connection:** [`frame`] reads and writes size-prefixed frames with
//!   their headers ([`frame::RequestFrame`], [`frame::ResponseFrame`],
//!   [`frame::InFlight`] to pair responses with requests); [`negotiate`]
//!   picks versions from a broker's ApiVersions answer. With the `tokio`
//!   feature, `framed` turns a socket into a stream of frames.
//! - **Every API at once** (proxies, dump tools): [`any`].
//! - **Errors:** [`DecodeError`] and [`EncodeError`] name the message and
//!   field; [`ErrorCode`] reads Kafka's error codes.
//! - **Records** inside Produce and Fetch: the `kafkawire-records` crate.
//! - **Runnable programs:** `examples/` in the repository has a client, a
//!   minimal broker and an inspecting proxy.
//!
//! ```
//! use bytes::{Bytes, BytesMut};
//! use kafkawire::messages::{MetadataRequest, metadata_request::MetadataRequestTopic};
//! use kafkawire::{ApiKey, Message, Request};
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
//! # JSON (feature `serde`)
//!
//! With the `serde` feature every generated type, the any-message enums
//! ([`any::AnyRequest`], [`any::AnyResponse`]) and the frames implement
//! `Serialize` and `Deserialize`. The shapes follow Kafka's own JSON
//! converters: field names are Kafka's with the first letter lower-cased,
//! `bytes` and `records` are standard base64, UUIDs are Kafka's 22-character
//! text, unknown tagged fields are `_unknownTaggedFields` (left out when
//! empty), and NaN and the infinities of `float64` fields are the strings
//! `"NaN"`, `"Infinity"` and `"-Infinity"`. A value carries no version, so
//! plain `Serialize` writes every field; `AtVersion` writes only the fields
//! of one version, as Kafka's converters do. Reading, a missing field takes
//! its schema default, and an unknown field name is an error.
//! (With `serde_json`, enable its `float_roundtrip` feature for exact `f64`s.)
//!
//! The feature is off by default because it is not free: compiling this
//! crate alone (dependencies built, `CARGO_INCREMENTAL=0`) takes 19.7 s of
//! CPU in debug and 53 s in release with it, against 10.9 s and 42 s without.
//!
//! ```
//! # #[cfg(feature = "serde")] {
//! use kafkawire::messages::MetadataRequest;
//! use kafkawire::messages::metadata_request::MetadataRequestTopic;
//! use kafkawire::Uuid;
//!
//! let request = MetadataRequest::default()
//!     .with_topics(Some(vec![MetadataRequestTopic::default()
//!         .with_topic_id(Uuid::from_u64_pair(1, 2))
//!         .with_name(Some("orders".into()))]));
//! let json = serde_json::to_string(&request).unwrap();
//! assert_eq!(
//!     json,
//!     r#"{"topics":[{"topicId":"AAAAAAAAAAEAAAAAAAAAAg","name":"orders"}],"allowAutoTopicCreation":true,"includeClusterAuthorizedOperations":false,"includeTopicAuthorizedOperations":false}"#
//! );
//! assert_eq!(serde_json::from_str::<MetadataRequest>(&json).unwrap(), request);
//! # }
//! ```
//!
//! # Async (feature `tokio`)
//!
//! With the `tokio` feature, [`framed`] has `tokio_util::codec` decoders and
//! encoders for request and response frames, so a server, a client or a
//! proxy is a `Framed` stream; frames of API keys or versions this crate does
//! not know pass through as raw bytes with their header fields readable.
//!
//! Safety on hostile input: decoders never panic, check every length and count
//! against the bytes left before allocating, and reject over-long varints.
//! They accept what Kafka's Java reader accepts (see [`Message::decode_strict`]
//! for what that admits and how to refuse it). Errors are typed
//! ([`DecodeError`], [`EncodeError`]) and name the message and field where
//! they happened.
// docs.rs (`--cfg docsrs`): each feature-gated item says which feature.
#![cfg_attr(docsrs, feature(doc_cfg))]
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
mod base64;
mod codec;
mod error;
mod error_code;
pub mod frame;
#[cfg(feature = "tokio")]
pub mod framed;
mod message;
pub mod negotiate;
#[cfg(feature = "serde")]
mod serde_impl;
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
pub use error_code::ErrorCode;
pub use message::{Message, Request, Response};
#[cfg(feature = "serde")]
pub use serde_impl::AtVersion;
pub use types::{ByteString, ParseUuidError, RawTaggedField, Uuid, VersionRange};
pub use versioned::{VersionPrefixed, Versioned};

/// Every generated message, one module per schema file; nested structs live in
/// their message's module, top-level messages are re-exported here.
pub mod messages {
    include!(concat!(env!("OUT_DIR"), "/messages.rs"));
}

/// Any request or response body: [`AnyRequest`](any::AnyRequest) and
/// [`AnyResponse`](any::AnyResponse), one variant per API, named after it
/// (`AnyRequest::Produce(ProduceRequest)`), with `decode(api_key, version,
/// buf)`, `encode`, `encoded_len`, `api_key`, `name` and the header versions.
/// [`frame::RequestFrame`] and [`frame::ResponseFrame`] put them in frames.
///
/// ```
/// use bytes::BytesMut;
/// use kafkawire::any::AnyRequest;
/// use kafkawire::frame::{FrameCodec, RequestFrame};
/// use kafkawire::messages::{MetadataRequest, RequestHeader};
/// use kafkawire::ApiKey;
///
/// let header = RequestHeader::default()
///     .with_request_api_key(ApiKey::METADATA.0)
///     .with_request_api_version(12)
///     .with_correlation_id(1);
/// let mut wire = BytesMut::new();
/// RequestFrame::new(header, MetadataRequest::default().into()).encode(&mut wire)?;
///
/// // A proxy decodes whatever arrives, looks, and re-encodes it unchanged.
/// let frame = FrameCodec::new().decode_request(&mut wire)?.expect("whole frame");
/// assert_eq!((frame.body.name(), frame.version()), ("Metadata", 12));
/// match &frame.body {
///     AnyRequest::Metadata(m) => assert_eq!(m.topics, Some(vec![])),
///     other => panic!("unexpected {}", other.name()),
/// }
/// let mut again = BytesMut::new();
/// frame.encode(&mut again)?;
/// assert_eq!(again.len(), frame.encoded_len().unwrap());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// Build cost: the two enums (about 4,300 generated lines, 93 arms per
/// method) add about 11% to a clean debug build of this crate: `cargo clean
/// -p kafkawire && time cargo build -p kafkawire` took 14.4-14.8 s
/// of CPU (28-31 s wall) without them and 15.9-17.0 s of CPU (31-35 s wall)
/// with them, on a shared 2-core machine. In release, compiling the crate
/// itself takes 42 s of CPU with them and 37 s without (`touch
/// kafka-protocol/src/lib.rs && cargo build --release -p kafkawire`,
/// `CARGO_INCREMENTAL=0`), and a clean release build of the crate with its
/// dependencies 54 s against 49 s. Below the 20% bar set for a feature flag,
/// so they are always compiled.
pub mod any {
    include!(concat!(env!("OUT_DIR"), "/any.rs"));
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
#[allow(dead_code)] // its `TESTED` list is only cross-checked for the real schemas
mod test_message_checks {
    include!(concat!(env!("OUT_DIR"), "/test_schemas/message_tests.rs"));
}
