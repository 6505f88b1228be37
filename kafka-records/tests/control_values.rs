//! Typed control record values through `kafkawire`'s generated types.
#![cfg(feature = "control-values")]

use bytes::Bytes;
use kafkawire::messages::leader_change_message::Voter;
use kafkawire::messages::{
    EndTxnMarker, KRaftVersionRecord, LeaderChangeMessage, SnapshotFooterRecord,
    SnapshotHeaderRecord, VotersRecord,
};
use kafkawire_records::control::{ControlRecord, ControlRecordType, ControlValue};
use kafkawire_records::{ErrorKind, ReadOptions, RecordBatchBuilder};

fn marker(epoch: i32) -> EndTxnMarker {
    let mut m = EndTxnMarker::default();
    m.coordinator_epoch = epoch;
    m
}

/// A commit marker batch as a transaction coordinator writes it, read back.
#[test]
fn commit_marker_batch() {
    let mut b = RecordBatchBuilder::new(500)
        .control(true)
        .transactional(true)
        .producer(9001, 4, -1);
    b.append_control(1_700_000_000_000, &ControlValue::Commit(marker(7)), 0)
        .unwrap();
    let batch = b.finish_batch().unwrap();
    batch.validate(&ReadOptions::default()).unwrap();
    let record = batch
        .records(&ReadOptions::default())
        .unwrap()
        .next()
        .unwrap()
        .unwrap();
    // Key: version 0, type COMMIT (1). Value: version 0, coordinator epoch 7.
    assert_eq!(record.key.as_deref(), Some(&[0u8, 0, 0, 1][..]));
    assert_eq!(record.value.as_deref(), Some(&[0u8, 0, 0, 0, 0, 7][..]));
    let control = ControlRecord::from_record(&record).unwrap();
    assert_eq!(control.key.record_type, ControlRecordType::COMMIT);
    assert_eq!(
        control.decode_value().unwrap(),
        Some((0, ControlValue::Commit(marker(7))))
    );
}

/// As Kafka does, a newer marker version is read as the newest known one.
#[test]
fn newer_end_txn_marker_version_is_read_as_known() {
    let value = Bytes::from_static(&[0, 3, 0, 0, 0, 42, 0xaa, 0xbb]);
    assert_eq!(
        ControlValue::decode(ControlRecordType::ABORT, &value).unwrap(),
        Some((3, ControlValue::Abort(marker(42))))
    );
}

#[test]
fn bad_values() {
    for value in [&[][..], &[0][..], &[0xff, 0xff, 0, 0, 0, 1][..]] {
        let err = ControlValue::decode(ControlRecordType::COMMIT, &Bytes::copy_from_slice(value))
            .unwrap_err();
        assert_eq!(err.kind(), &ErrorKind::InvalidControlValue, "{value:?}");
    }
    // Truncated body.
    let err = ControlValue::decode(
        ControlRecordType::COMMIT,
        &Bytes::from_static(&[0, 0, 0, 0]),
    )
    .unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::ControlValueDecode(_)),
        "{err:?}"
    );
    // KRaft records must have a known version.
    let err = ControlValue::decode(
        ControlRecordType::SNAPSHOT_FOOTER,
        &Bytes::from_static(&[0, 9, 0, 0, 0]),
    )
    .unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::ControlValueDecode(_)),
        "{err:?}"
    );
    // Unknown types are left raw.
    assert_eq!(
        ControlValue::decode(ControlRecordType(99), &Bytes::from_static(&[0, 0])).unwrap(),
        None
    );
}

/// Known encodings, worked out from the schemas (flexible version 0: an
/// empty tagged-field section is one 0 byte).
#[test]
fn kraft_known_bytes() {
    let mut footer = SnapshotFooterRecord::default();
    footer.version = 0;
    assert_eq!(
        &ControlValue::SnapshotFooter(footer).encode(0).unwrap()[..],
        &[0, 0, 0, 0, 0]
    );
    let mut kv = KRaftVersionRecord::default();
    kv.kraft_version = 1;
    let bytes = ControlValue::KRaftVersion(kv.clone()).encode(0).unwrap();
    assert_eq!(&bytes[..], &[0, 0, 0, 0, 0, 1, 0]);
    assert_eq!(
        ControlValue::decode(ControlRecordType::KRAFT_VERSION, &bytes).unwrap(),
        Some((0, ControlValue::KRaftVersion(kv)))
    );
}

#[test]
fn kraft_records_round_trip_through_a_batch() {
    let mut leader = LeaderChangeMessage::default();
    leader.leader_id = 3;
    let mut v = Voter::default();
    v.voter_id = 3;
    leader.voters = vec![v.clone()];
    leader.granting_voters = vec![v];
    let mut header = SnapshotHeaderRecord::default();
    header.last_contained_log_timestamp = 1_700_000_000_123;
    let values = [
        (ControlValue::LeaderChange(leader.clone()), 0),
        (ControlValue::LeaderChange(leader), 1),
        (ControlValue::SnapshotHeader(header), 0),
        (
            ControlValue::SnapshotFooter(SnapshotFooterRecord::default()),
            0,
        ),
        (ControlValue::KRaftVoters(VotersRecord::default()), 0),
    ];
    let mut b = RecordBatchBuilder::new(0).control(true);
    for (i, (value, version)) in values.iter().enumerate() {
        b.append_control(i as i64, value, *version).unwrap();
    }
    let batch = b.finish_batch().unwrap();
    batch.validate(&ReadOptions::default()).unwrap();
    let decoded: Vec<_> = batch
        .records(&ReadOptions::default())
        .unwrap()
        .map(|r| {
            let c = ControlRecord::from_record(&r.unwrap()).unwrap();
            let (version, value) = c.decode_value().unwrap().unwrap();
            assert_eq!(c.key.record_type, value.record_type());
            (value, version)
        })
        .collect();
    assert_eq!(decoded, values);
}
