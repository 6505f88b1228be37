//! The cases of Kafka's `MessageTest` and `RequestResponseTest` that apply,
//! on the real schemas.

use super::{enc, hex, round_trip};
use crate::messages::describe_groups_response::{DescribedGroup, DescribedGroupMember};
use crate::messages::fetch_request::ForgottenTopic;
use crate::messages::leader_and_isr_request::{LeaderAndIsrPartitionState, LeaderAndIsrTopicState};
use crate::messages::offset_for_leader_epoch_request::OffsetForLeaderTopic;
use crate::messages::*;
use crate::{DecodeErrorKind, EncodeErrorKind, Message, RawTaggedField};
use bytes::Bytes;

fn non_default_error<M: Message>(m: &M, version: i16) -> &'static str {
    match m.to_bytes(version).unwrap_err().kind() {
        EncodeErrorKind::NonDefaultField { field, version: v } => {
            assert_eq!(v, version);
            field
        }
        other => panic!("expected a non-default field error, got {other:?}"),
    }
}

#[test]
fn non_ignorable_fields_with_values_fail_in_versions_without_them() {
    let mut ct = CreateTopicsRequest::default();
    ct.validate_only = true;
    assert_eq!(non_default_error(&ct, 0), "validateOnly");
    assert!(
        ct.to_bytes(0)
            .unwrap_err()
            .to_string()
            .contains("validateOnly")
    );
    assert!(round_trip(&ct, 1).validate_only);

    let mut f = FetchRequest::default();
    f.forgotten_topics_data = vec![ForgottenTopic::default()];
    assert_eq!(non_default_error(&f, 5), "ForgottenTopicsData");
    assert_eq!(round_trip(&f, 7), f);

    let mut dc = DescribeClusterRequest::default();
    dc.endpoint_type = 2; // controllers
    assert_eq!(non_default_error(&dc, 0), "EndpointType");
    dc.endpoint_type = 1; // the default: fine at v0
    assert_eq!(round_trip(&dc, 0).endpoint_type, 1);

    let mut md = MetadataRequest::default();
    md.allow_auto_topic_creation = false;
    assert_eq!(non_default_error(&md, 3), "AllowAutoTopicCreation");

    let mut p = ProduceRequest::default();
    p.transactional_id = Some("tx".into());
    assert_eq!(non_default_error(&p, 2), "TransactionalId");
    p.transactional_id = None;
    assert_eq!(round_trip(&p, 2), p);

    // FetchRequest.ReplicaId is 0-14, then the tagged ReplicaState from 15.
    let mut f = FetchRequest::default();
    f.replica_id = 3;
    assert_eq!(non_default_error(&f, 15), "ReplicaId");
    assert_eq!(round_trip(&f, 14).replica_id, 3);
}

#[test]
fn non_ignorable_field_with_default_null() {
    let mut j = JoinGroupRequest::default();
    j.group_instance_id = Some("instance".into());
    assert_eq!(non_default_error(&j, 0), "GroupInstanceId");
    assert_eq!(round_trip(&j, 5), j);
    j.group_instance_id = None;
    assert_eq!(round_trip(&j, 0), j);
}

#[test]
fn null_where_the_version_is_not_nullable() {
    let mut m = MetadataRequest::default();
    m.topics = None; // "all topics" from v1; illegal in v0
    let err = m.to_bytes(0).unwrap_err();
    assert_eq!(
        err.kind(),
        EncodeErrorKind::NullNotAllowed {
            field: "Topics",
            version: 0
        }
    );
    assert_eq!(round_trip(&m, 1).topics, None);
    // Reading null in v0 is an error too.
    let err = MetadataRequest::decode_exact(hex("ff ff ff ff"), 0).unwrap_err();
    assert_eq!(err.kind(), DecodeErrorKind::UnexpectedNull);
    assert_eq!(err.path_string(), "Topics");
}

#[test]
fn ignorable_fields_are_dropped_in_older_versions() {
    let mut member = DescribedGroupMember::default();
    member.group_instance_id = Some("gi".into());
    let mut group = DescribedGroup::default();
    group.members = vec![member];
    let mut r = DescribeGroupsResponse::default();
    r.groups = vec![group];
    assert_eq!(round_trip(&r, 4), r);
    let back = round_trip(&r, 3);
    assert_eq!(back.groups[0].members[0].group_instance_id, None);

    // OffsetForLeaderEpoch: ReplicaId (3+, ignorable) reads back as -2 below v3.
    let mut o = OffsetForLeaderEpochRequest::default();
    o.replica_id = 1;
    o.topics = vec![OffsetForLeaderTopic::default()];
    assert_eq!(round_trip(&o, 3).replica_id, 1);
    assert_eq!(round_trip(&o, 2).replica_id, -2);

    // LeaderAndIsr (kept from 3.9.0): adding/removing replicas dropped below v3.
    let mut ps = LeaderAndIsrPartitionState::default();
    ps.adding_replicas = vec![4];
    ps.removing_replicas = vec![5];
    let mut l = LeaderAndIsrRequest::default();
    l.ungrouped_partition_states = vec![ps.clone()];
    let back = round_trip(&l, 1);
    assert!(
        back.ungrouped_partition_states[0]
            .adding_replicas
            .is_empty()
    );
    assert!(
        back.ungrouped_partition_states[0]
            .removing_replicas
            .is_empty()
    );
    let mut ts = LeaderAndIsrTopicState::default();
    ps.topic_name = Default::default(); // TopicName is 0-1 only
    ts.partition_states = vec![ps];
    let mut l3 = LeaderAndIsrRequest::default();
    l3.topic_states = vec![ts];
    assert_eq!(round_trip(&l3, 3), l3);
}

#[test]
fn unknown_tagged_fields_need_a_flexible_version() {
    let mut j = JoinGroupRequest::default();
    j.unknown_tagged_fields = vec![RawTaggedField {
        tag: 1000,
        data: Bytes::from_static(b"\x01\x02\x03"),
    }];
    assert_eq!(
        j.to_bytes(0).unwrap_err().kind(),
        EncodeErrorKind::TaggedFieldsUnsupported(0)
    );
    let bytes = enc(&j, 6);
    // Tag section: count 1, tag 1000 (e8 07), size 3, value.
    assert!(bytes.ends_with(&hex("01 e8 07 03 01 02 03")));
    assert_eq!(round_trip(&j, 6), j);
    assert_ne!(
        j,
        JoinGroupRequest::default(),
        "unknown fields take part in equality"
    );
}

#[test]
fn unknown_tagged_fields_must_ascend() {
    let mut j = JoinGroupRequest::default();
    j.unknown_tagged_fields = vec![
        RawTaggedField {
            tag: 7,
            data: Bytes::new(),
        },
        RawTaggedField {
            tag: 5,
            data: Bytes::new(),
        },
    ];
    assert_eq!(
        j.to_bytes(6).unwrap_err().kind(),
        EncodeErrorKind::UnknownTagOrder(5)
    );
}

#[test]
fn unknown_tags_survive_decode_and_encode_interleaved_with_known_ones() {
    // ApiVersionsResponse v3: error 0, no api keys, throttle 0, then four tagged
    // fields: 1 (FinalizedFeaturesEpoch = 5) and 3 (ZkMigrationReady) are known,
    // 7 and 9 are not.
    let body = hex("00 00 01 00 00 00 00
         04 01 08 00 00 00 00 00 00 00 05 03 01 01 07 02 aa bb 09 00");
    let r = ApiVersionsResponse::decode_exact(body.clone(), 3).unwrap();
    assert_eq!(r.finalized_features_epoch, 5);
    assert!(r.zk_migration_ready);
    assert_eq!(
        r.unknown_tagged_fields,
        vec![
            RawTaggedField {
                tag: 7,
                data: Bytes::from_static(&[0xaa, 0xbb])
            },
            RawTaggedField {
                tag: 9,
                data: Bytes::new()
            }
        ]
    );
    assert_eq!(enc(&r, 3), body, "decode then encode is byte-exact");
}

#[test]
fn api_versions_response_tag_section_vector() {
    // From the semantics reference: FinalizedFeaturesEpoch (tag 1) = 5 and
    // ZkMigrationReady (tag 3) = true; tags 0 and 2 at their defaults.
    let mut r = ApiVersionsResponse::default();
    r.finalized_features_epoch = 5;
    r.zk_migration_ready = true;
    let bytes = enc(&r, 3);
    assert!(bytes.ends_with(&hex("02 01 08 00 00 00 00 00 00 00 05 03 01 01")));
    // At v2 (not flexible) the tagged fields are ignorable: dropped.
    assert_eq!(round_trip(&r, 2), ApiVersionsResponse::default());
}

#[test]
fn api_versions_request_v3_vector() {
    let mut r = ApiVersionsRequest::default();
    r.client_software_name = "k".into();
    r.client_software_version = "1".into();
    assert_eq!(enc(&r, 3), hex("02 6b 02 31 00"));
    // v0-2 have no fields: an empty body.
    assert_eq!(enc(&ApiVersionsRequest::default(), 2).len(), 0);
}

#[test]
fn known_tag_in_a_version_that_does_not_define_it() {
    // FetchRequest v13 is flexible, but ReplicaState (tag 1) starts at v15:
    // a v13 message whose top-level tag section carries tag 1.
    let v13 = enc(&FetchRequest::default(), 13);
    assert_eq!(v13.last(), Some(&0), "empty top-level tag section last");
    let mut bytes = v13[..v13.len() - 1].to_vec();
    bytes.extend(hex("01 01 0d ff ff ff ff ff ff ff ff ff ff ff ff 00"));
    let err = FetchRequest::decode_exact(Bytes::from(bytes.clone()), 13).unwrap_err();
    assert_eq!(
        err.kind(),
        DecodeErrorKind::TagNotValid {
            tag: 1,
            version: 13
        }
    );
    assert_eq!(err.path_string(), "ReplicaState");
    // The same section is fine at v15.
    let v15 = enc(&FetchRequest::default(), 15);
    let mut ok = v15[..v15.len() - 1].to_vec();
    ok.extend(hex("01 01 0d 00 00 00 02 ff ff ff ff ff ff ff ff 00"));
    assert_eq!(
        FetchRequest::decode_exact(Bytes::from(ok), 15)
            .unwrap()
            .replica_state
            .replica_id,
        2
    );
}

#[test]
fn a_known_tag_is_read_in_place_whatever_its_size() {
    // ApiVersionsResponse v3 with ZkMigrationReady (bool, tag 3) declaring
    // size 0: Kafka's reader ignores a known tag's size and reads the value
    // in place (here a 3, which is true).
    let body = hex("03 03 01 03 03 03 00 01 03 00 03");
    let r = ApiVersionsResponse::decode_exact(body.clone(), 3).unwrap();
    assert!(r.zk_migration_ready);
    assert_eq!(r.error_code, 0x0303);
    // Written back canonically (size 1, value 1): refused when strict.
    assert_eq!(
        ApiVersionsResponse::decode_strict(body, 3)
            .unwrap_err()
            .kind(),
        DecodeErrorKind::NotCanonical { offset: 9 }
    );
    // An unknown tag claiming more than is left.
    let body = hex("00 00 01 00 00 00 00 01 07 09 01");
    assert!(matches!(
        ApiVersionsResponse::decode_exact(body, 3)
            .unwrap_err()
            .kind(),
        DecodeErrorKind::LengthPastEnd { length: 9, .. }
    ));
}

#[test]
fn repeated_or_descending_tags_are_read_as_kafka_reads_them() {
    // A known tag twice: the last one wins.
    let body = hex("00 00 01 00 00 00 00 02 03 01 00 03 01 01");
    let r = ApiVersionsResponse::decode_exact(body.clone(), 3).unwrap();
    assert!(r.zk_migration_ready);
    assert!(matches!(
        ApiVersionsResponse::decode_strict(body, 3)
            .unwrap_err()
            .kind(),
        DecodeErrorKind::NotCanonical { .. }
    ));
    // MetadataRequest v12 with unknown tag 5 twice (Kafka's reader keeps
    // both; its writer, like ours, refuses to write them back).
    let body = hex("01 01 00 02 05 00 05 00");
    let r = MetadataRequest::decode_exact(body.clone(), 12).unwrap();
    assert_eq!(r.unknown_tagged_fields.len(), 2);
    assert_eq!(
        r.to_bytes(12).unwrap_err().kind(),
        EncodeErrorKind::UnknownTagOrder(5)
    );
    assert_eq!(
        MetadataRequest::decode_strict(body, 12).unwrap_err().kind(),
        DecodeErrorKind::NotCanonical { offset: 0 }
    );
}

#[test]
fn unsupported_versions_are_errors() {
    let err = ProduceRequest::default().to_bytes(14).unwrap_err();
    assert_eq!(err.kind(), EncodeErrorKind::UnsupportedVersion(14));
    assert_eq!(err.message(), Some("ProduceRequest"));
    let err = ProduceRequest::decode_exact(Bytes::new(), -1).unwrap_err();
    assert_eq!(err.kind(), DecodeErrorKind::UnsupportedVersion(-1));
}

#[test]
fn decode_errors_name_message_version_and_path() {
    // ProduceRequest v3: transactional id null, acks, timeout, one topic "t"
    // with one partition whose records length runs past the end.
    let body =
        hex("ff ff 00 01 00 00 00 64 00 00 00 01 00 01 74 00 00 00 01 00 00 00 00 00 00 00 10 aa");
    let err = ProduceRequest::decode_exact(body, 3).unwrap_err();
    assert_eq!(err.message(), Some("ProduceRequest"));
    assert_eq!(err.version(), Some(3));
    assert_eq!(err.path_string(), "TopicData[0].PartitionData[0].Records");
    assert_eq!(
        err.to_string(),
        "decoding ProduceRequest v3 at TopicData[0].PartitionData[0].Records: length 16 is past the end (1 bytes left)"
    );
}

#[test]
fn consumer_protocol_versions_are_generated() {
    assert_eq!(ConsumerProtocolSubscription::VERSIONS.highest, 3);
    assert_eq!(ConsumerProtocolAssignment::VERSIONS.highest, 3);
    assert_eq!(ConsumerProtocolSubscription::FLEXIBLE_FROM, None);
}
