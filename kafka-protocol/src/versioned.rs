//! Data schemas stored with an int16 version in front of them, outside the
//! schema (Kafka's `MessageUtil.toVersionPrefixedBytes`): the consumer
//! protocol's subscription and assignment, carried as opaque bytes inside
//! JoinGroup and SyncGroup.

use crate::Message;
use crate::error::{DecodeError, DecodeErrorKind, EncodeError};
use crate::messages::{ConsumerProtocolAssignment, ConsumerProtocolSubscription};
use bytes::{Buf, BufMut, Bytes, BytesMut};

/// A value decoded from version-prefixed bytes, with the version it was written at.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Versioned<T> {
    /// The version in the prefix (may be newer than this crate knows).
    pub version: i16,
    /// The value, decoded at `min(version, highest known)`.
    pub value: T,
}

/// A data schema written with an int16 version prefix.
pub trait VersionPrefixed: Message {
    /// Decodes the prefix and the value, as Kafka's `ConsumerProtocol` does: a
    /// version newer than this crate knows is read with the highest known
    /// version and what follows is ignored (newer versions only append
    /// fields); a version below the lowest is an error. Bytes after the value
    /// are ignored at every version, as Kafka ignores them.
    fn decode_versioned(mut buf: Bytes) -> Result<Versioned<Self>, DecodeError> {
        if buf.remaining() < 2 {
            return Err(DecodeError::new(DecodeErrorKind::UnexpectedEof {
                needed: 2,
                remaining: buf.remaining(),
            })
            .in_message(Self::NAME, -1));
        }
        let version = buf.get_i16();
        let read_at = version.min(Self::VERSIONS.highest);
        let value = Self::decode(&mut buf, read_at)?;
        Ok(Versioned { version, value })
    }

    /// Writes the int16 version, then the value at that version.
    fn encode_versioned(&self, buf: &mut BytesMut, version: i16) -> Result<(), EncodeError> {
        let start = buf.len();
        buf.put_i16(version);
        self.encode(buf, version)
            .inspect_err(|_| buf.truncate(start))
    }

    /// [`encode_versioned`](Self::encode_versioned) into a new buffer.
    fn to_versioned_bytes(&self, version: i16) -> Result<Bytes, EncodeError> {
        let mut buf = BytesMut::new();
        self.encode_versioned(&mut buf, version)?;
        Ok(buf.freeze())
    }
}

impl VersionPrefixed for ConsumerProtocolSubscription {}
impl VersionPrefixed for ConsumerProtocolAssignment {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messages::consumer_protocol_subscription::TopicPartition;

    fn subscription() -> ConsumerProtocolSubscription {
        ConsumerProtocolSubscription::default()
            .with_topics(vec!["a".into(), "b".into()])
            .with_user_data(Some(Bytes::from_static(b"ud")))
            .with_owned_partitions(vec![
                TopicPartition::default()
                    .with_topic("a".into())
                    .with_partitions(vec![0, 1]),
            ])
            .with_generation_id(5)
            .with_rack_id(Some("r1".into()))
    }

    #[test]
    fn round_trip_at_every_known_version() {
        let s = subscription();
        for v in ConsumerProtocolSubscription::VERSIONS.iter() {
            let bytes = s.to_versioned_bytes(v).unwrap();
            assert_eq!(&bytes[..2], &v.to_be_bytes());
            let back = ConsumerProtocolSubscription::decode_versioned(bytes).unwrap();
            assert_eq!(back.version, v);
            // Fields a version lacks come back as defaults.
            assert_eq!(back.value.topics, s.topics);
        }
        let back = ConsumerProtocolSubscription::decode_versioned(s.to_versioned_bytes(3).unwrap())
            .unwrap();
        assert_eq!(back.value, s);
    }

    #[test]
    fn newer_versions_are_read_with_the_highest_known_and_extra_bytes_ignored() {
        let s = subscription();
        let mut bytes = BytesMut::new();
        bytes.put_i16(9); // a future version
        s.encode(&mut bytes, 3).unwrap();
        bytes.extend_from_slice(b"future fields");
        let back = ConsumerProtocolSubscription::decode_versioned(bytes.freeze()).unwrap();
        assert_eq!(back.version, 9);
        assert_eq!(back.value, s);
    }

    #[test]
    fn older_than_lowest_and_short_inputs_are_errors() {
        let mut bytes = BytesMut::new();
        bytes.put_i16(-1);
        let err = ConsumerProtocolAssignment::decode_versioned(bytes.freeze()).unwrap_err();
        assert_eq!(err.kind(), DecodeErrorKind::UnsupportedVersion(-1));
        assert!(
            ConsumerProtocolAssignment::decode_versioned(Bytes::from_static(&[0]))
                .unwrap_err()
                .is_eof()
        );
    }

    #[test]
    fn assignment_v0_bytes() {
        // Version 0, one topic "t" with partition 2, null user data.
        let a = ConsumerProtocolAssignment::default()
            .with_assigned_partitions(vec![
                crate::messages::consumer_protocol_assignment::TopicPartition::default()
                    .with_topic("t".into())
                    .with_partitions(vec![2]),
            ])
            .with_user_data(None);
        let bytes = a.to_versioned_bytes(0).unwrap();
        assert_eq!(
            &bytes[..],
            &[
                0, 0, 0, 0, 0, 1, 0, 1, b't', 0, 0, 0, 1, 0, 0, 0, 2, 0xff, 0xff, 0xff, 0xff
            ]
        );
    }
}
