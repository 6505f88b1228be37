//! Malformed input: errors, never panics, and no allocation the input does
//! not justify.

use super::hex;
use crate::messages::*;
use crate::{DecodeErrorKind, Message};
use bytes::Bytes;

#[test]
fn array_count_of_i32_max_is_rejected_before_allocating() {
    // MetadataRequest v0: Topics is a non-flexible array; claim i32::MAX topics.
    let err = MetadataRequest::decode_exact(hex("7f ff ff ff 00 00"), 0).unwrap_err();
    assert_eq!(
        err.kind(),
        DecodeErrorKind::ArrayTooLarge {
            count: i32::MAX as usize,
            remaining: 2
        }
    );
    // Compact form, 2^28 elements.
    let err = MetadataRequest::decode_exact(hex("81 80 80 80 01 00"), 9).unwrap_err();
    assert!(
        matches!(err.kind(), DecodeErrorKind::ArrayTooLarge { .. }),
        "{err}"
    );
}

#[test]
fn string_and_bytes_lengths_past_the_end() {
    // SaslAuthenticateRequest v0: AuthBytes claims 1 GiB.
    let err = SaslAuthenticateRequest::decode_exact(hex("40 00 00 00 01"), 0).unwrap_err();
    assert!(
        matches!(err.kind(), DecodeErrorKind::LengthPastEnd { .. }),
        "{err}"
    );
    // FindCoordinatorRequest v0: Key claims 300 bytes.
    let err = FindCoordinatorRequest::decode_exact(hex("01 2c 61"), 0).unwrap_err();
    assert!(matches!(
        err.kind(),
        DecodeErrorKind::LengthPastEnd { length: 300, .. }
    ));
}

#[test]
fn nested_arrays_each_claiming_huge_counts() {
    // ProduceRequest v3: one topic whose partition array claims i32::MAX.
    let body = hex("ff ff 00 01 00 00 00 64 00 00 00 01 00 01 74 7f ff ff ff");
    let err = ProduceRequest::decode_exact(body, 3).unwrap_err();
    assert!(matches!(err.kind(), DecodeErrorKind::ArrayTooLarge { .. }));
    assert_eq!(err.path_string(), "TopicData[0].PartitionData");
}

#[test]
fn tagged_field_claiming_a_huge_size() {
    // ApiVersionsRequest v3, then a tag section whose field claims 2^28 bytes.
    let body = hex("01 01 01 05 80 80 80 80 01 00");
    assert!(ApiVersionsRequest::decode_exact(body, 3).is_err());
    // A tag count larger than the bytes left.
    let body = hex("01 01 81 80 80 80 01");
    assert!(matches!(
        ApiVersionsRequest::decode_exact(body, 3)
            .unwrap_err()
            .kind(),
        DecodeErrorKind::ArrayTooLarge { .. }
    ));
    // A tag count of 2^31 or more is negative as a Java int: Kafka refuses
    // it from 4.4.0 on (before, its reader read no tag), and so does this one.
    for (bytes, count) in [("ff ff ff ff 0f", u32::MAX), ("80 80 80 80 08", 1 << 31)] {
        let body = hex(&format!("01 01 {bytes}"));
        assert_eq!(
            ApiVersionsRequest::decode_exact(body, 3)
                .unwrap_err()
                .kind(),
            DecodeErrorKind::NegativeTagCount(count)
        );
    }
    // 2^31 - 1 is a (too large) count.
    let body = hex("01 01 ff ff ff ff 07");
    assert!(matches!(
        ApiVersionsRequest::decode_exact(body, 3)
            .unwrap_err()
            .kind(),
        DecodeErrorKind::ArrayTooLarge {
            count: 0x7fff_ffff,
            ..
        }
    ));
}

#[test]
fn over_long_varint_and_invalid_utf8() {
    let err = ApiVersionsRequest::decode_exact(hex("80 80 80 80 80 01"), 3).unwrap_err();
    assert_eq!(err.kind(), DecodeErrorKind::InvalidVarint);
    // Not UTF-8: replaced as Kafka's reader replaces it, refused when strict.
    let body = hex("02 ff 01 00");
    let r = ApiVersionsRequest::decode_exact(body.clone(), 3).unwrap();
    assert_eq!(r.client_software_name.as_str(), "\u{fffd}");
    let err = ApiVersionsRequest::decode_strict(body, 3).unwrap_err();
    assert_eq!(err.kind(), DecodeErrorKind::NotCanonical { offset: 0 });
}

#[test]
fn negative_lengths_other_than_null() {
    // FindCoordinatorRequest v0 key with length -2: null, as in Kafka's
    // reader, so refused where the field is not nullable.
    let err = FindCoordinatorRequest::decode_exact(hex("ff fe"), 0).unwrap_err();
    assert_eq!(err.kind(), DecodeErrorKind::UnexpectedNull);
    assert_eq!(err.path_string(), "Key");
}

#[test]
fn trailing_bytes_are_reported() {
    let err = ApiVersionsRequest::decode_exact(hex("00"), 0).unwrap_err();
    assert_eq!(err.kind(), DecodeErrorKind::TrailingBytes(1));
    // `decode` leaves them for the caller instead.
    let mut buf = hex("00");
    assert!(ApiVersionsRequest::decode(&mut buf, 0).is_ok());
    assert_eq!(buf.len(), 1);
}

#[test]
fn random_bytes_never_panic_for_any_message_version() {
    // A deterministic pseudo-random sweep (the property suite and fuzzers go
    // further): every decoder at every version on many short inputs.
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let inputs: Vec<Bytes> = (0..64)
        .map(|i| {
            let len = (next() % 48) as usize + i % 3;
            Bytes::from((0..len).map(|_| next() as u8).collect::<Vec<u8>>())
        })
        .collect();
    fn sweep<M: Message>(inputs: &[Bytes]) {
        for v in M::VERSIONS.iter() {
            for input in inputs {
                let mut b = input.clone();
                if let Ok(m) = M::decode(&mut b, v) {
                    // Whatever decodes re-encodes to bytes that decode to the same value.
                    if let Ok(again) = m.to_bytes(v) {
                        assert_eq!(M::decode_exact(again, v).unwrap(), m);
                    }
                }
            }
        }
    }
    sweep::<ProduceRequest>(&inputs);
    sweep::<FetchResponse>(&inputs);
    sweep::<MetadataResponse>(&inputs);
    sweep::<ApiVersionsResponse>(&inputs);
    sweep::<CreateTopicsRequest>(&inputs);
    sweep::<RequestHeader>(&inputs);
    sweep::<LeaderAndIsrRequest>(&inputs);
}
