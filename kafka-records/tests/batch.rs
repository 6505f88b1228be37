//! RecordBatch v2 specifics: empty and compacted batches, builder settings,
//! broker checks.

use bytes::Bytes;
use kafkawire_records::{
    BATCH_HEADER_LEN, BatchAttributes, Compression, ErrorKind, ReadOptions, RecordBatch,
    RecordBatchBuilder, TimestampType,
};

fn decode(bytes: &Bytes) -> RecordBatch {
    let mut input = bytes.clone();
    let b = RecordBatch::decode(&mut input, &ReadOptions::default()).unwrap();
    assert!(input.is_empty());
    b
}

fn reencode(b: &RecordBatch) -> Vec<u8> {
    let mut out = Vec::new();
    b.encode(&mut out).unwrap();
    out
}

/// Known bytes of an empty batch, written field by field from the format
/// description, read and written back.
#[test]
fn empty_batch_known_bytes() {
    let mut wire = Vec::new();
    wire.extend_from_slice(&7i64.to_be_bytes()); // base offset
    wire.extend_from_slice(&49i32.to_be_bytes()); // batch length
    wire.extend_from_slice(&5i32.to_be_bytes()); // partition leader epoch
    wire.push(2); // magic
    let crc_at = wire.len();
    wire.extend_from_slice(&[0; 4]);
    wire.extend_from_slice(&0x0050i16.to_be_bytes()); // transactional + delete horizon
    wire.extend_from_slice(&9i32.to_be_bytes()); // last offset delta: compacted away
    wire.extend_from_slice(&1000i64.to_be_bytes()); // base timestamp (the horizon)
    wire.extend_from_slice(&2000i64.to_be_bytes()); // max timestamp
    wire.extend_from_slice(&77i64.to_be_bytes()); // producer id
    wire.extend_from_slice(&3i16.to_be_bytes()); // producer epoch
    wire.extend_from_slice(&12i32.to_be_bytes()); // base sequence
    wire.extend_from_slice(&0i32.to_be_bytes()); // record count
    let crc = crc32c::crc32c(&wire[21..]);
    wire[crc_at..crc_at + 4].copy_from_slice(&crc.to_be_bytes());
    assert_eq!(wire.len(), BATCH_HEADER_LEN);

    let bytes = Bytes::from(wire.clone());
    let b = decode(&bytes);
    assert_eq!(b.base_offset, 7);
    assert_eq!(b.partition_leader_epoch, 5);
    assert!(b.is_transactional());
    assert!(b.attributes.has_delete_horizon());
    assert!(!b.is_control());
    assert_eq!(b.last_offset_delta, 9);
    assert_eq!(b.last_offset(), 16);
    assert_eq!(b.next_offset(), 17);
    assert_eq!((b.base_timestamp, b.max_timestamp), (1000, 2000));
    assert_eq!(
        (b.producer_id, b.producer_epoch, b.base_sequence),
        (77, 3, 12)
    );
    assert_eq!(b.record_count, 0);
    assert_eq!(b.crc, crc);
    b.validate(&ReadOptions::default()).unwrap();
    assert_eq!(b.records(&ReadOptions::default()).unwrap().count(), 0);
    // A producer never sends an empty batch.
    assert!(matches!(
        b.validate_producer_offsets().unwrap_err().kind(),
        ErrorKind::InconsistentOffsetRange { .. }
    ));
    assert_eq!(reencode(&b), wire);

    // The builder writes the same bytes.
    let built = RecordBatchBuilder::new(7)
        .partition_leader_epoch(5)
        .transactional(true)
        .delete_horizon(1000)
        .log_append_time(2000)
        .producer(77, 3, 12)
        .last_offset_delta(9)
        .finish()
        .unwrap();
    // log_append_time sets the timestamp-type bit; clear it to compare.
    let mut expected = decode(&built);
    assert_eq!(
        expected.attributes.timestamp_type(),
        TimestampType::LogAppendTime
    );
    expected.attributes = expected
        .attributes
        .with_timestamp_type(TimestampType::CreateTime);
    expected.refresh_length_and_crc().unwrap();
    assert_eq!(reencode(&expected), wire);
}

/// Compaction leaves gaps and a last offset delta / max timestamp that no
/// longer follow from the remaining records; all of it is kept.
#[test]
fn compacted_batch_is_kept_as_is() {
    let mut b = RecordBatchBuilder::new(1000).last_offset_delta(20);
    b.append_at_delta(3, 50, Some(b"a"), Some(b"1"), &[])
        .unwrap();
    b.append_at_delta(11, 40, Some(b"b"), None, &[]).unwrap();
    let bytes = b.finish().unwrap();
    let batch = decode(&bytes);
    assert_eq!(batch.last_offset_delta, 20);
    assert_eq!(batch.base_timestamp, 50);
    assert_eq!(batch.max_timestamp, 50);
    batch.validate(&ReadOptions::default()).unwrap();
    let offsets: Vec<i64> = batch
        .records(&ReadOptions::default())
        .unwrap()
        .map(|r| r.unwrap().offset)
        .collect();
    assert_eq!(offsets, [1003, 1011]);
    let r = batch
        .records(&ReadOptions::default())
        .unwrap()
        .nth(1)
        .unwrap()
        .unwrap();
    assert_eq!(r.timestamp_delta, -10);
    assert_eq!(r.timestamp, 40);
    assert_eq!(reencode(&batch), bytes);
}

#[test]
fn validate_checks_offsets() {
    // Offset delta beyond the header's last offset delta.
    let mut b = RecordBatchBuilder::new(0).last_offset_delta(1);
    b.append_at_delta(0, 0, None, None, &[]).unwrap();
    b.append_at_delta(5, 0, None, None, &[]).unwrap();
    let batch = b.finish_batch().unwrap();
    assert_eq!(
        batch.validate(&ReadOptions::default()).unwrap_err().kind(),
        &ErrorKind::OffsetOutOfRange {
            offset_delta: 5,
            last_offset_delta: 1
        }
    );
    // Offset deltas going backwards (written by hand: the builder refuses).
    let mut b = RecordBatchBuilder::new(0);
    assert!(b.append_at_delta(4, 0, None, None, &[]).is_ok());
    assert!(matches!(
        b.append_at_delta(4, 0, None, None, &[]).unwrap_err().kind(),
        ErrorKind::OffsetOutOfRange { .. }
    ));
    assert!(b.append_at_delta(-1, 0, None, None, &[]).is_err());
    let one = b.finish_batch().unwrap();
    let mut section = one.records.to_vec();
    section.extend_from_slice(&one.records);
    let mut twice = one.clone();
    twice.records = Bytes::from(section);
    twice.record_count = 2;
    twice.refresh_length_and_crc().unwrap();
    assert!(matches!(
        twice.validate(&ReadOptions::default()).unwrap_err().kind(),
        ErrorKind::OffsetOutOfRange {
            offset_delta: 4,
            ..
        }
    ));
}

#[test]
fn producer_offsets_check() {
    let mut b = RecordBatchBuilder::new(0).producer(1, 0, 0);
    for i in 0..3 {
        b.append(i, None, Some(b"x"), &[]).unwrap();
    }
    let batch = b.finish_batch().unwrap();
    batch.validate_producer_offsets().unwrap();
    let mut bad = batch.clone();
    bad.last_offset_delta = 5;
    assert!(bad.validate_producer_offsets().is_err());
}

#[test]
fn encode_refuses_a_length_that_does_not_frame_the_records() {
    let mut b = RecordBatchBuilder::new(0);
    b.append(0, None, Some(b"x"), &[]).unwrap();
    let mut batch = b.finish_batch().unwrap();
    batch.records = Bytes::from_static(b"short");
    let err = batch.encode(&mut Vec::new()).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::LengthMismatch { .. }));
    batch.refresh_length_and_crc().unwrap();
    assert_eq!(batch.batch_length, 49 + 5);
    batch.encode(&mut Vec::new()).unwrap();
    batch.verify_crc().unwrap();
}

/// A broker rewrites base offset and leader epoch in place; the CRC stays valid.
#[test]
fn broker_rewrite_of_offset_and_epoch() {
    let mut b = RecordBatchBuilder::new(0).compression(Compression::LZ4, None);
    b.append(1, Some(b"k"), Some(b"v"), &[]).unwrap();
    let mut batch = b.finish_batch().unwrap();
    let crc = batch.crc;
    batch.base_offset = 123_456;
    batch.partition_leader_epoch = 9;
    batch.verify_crc().unwrap();
    assert_eq!(batch.computed_crc(), crc);
    let r = batch
        .records(&ReadOptions::default())
        .unwrap()
        .next()
        .unwrap()
        .unwrap();
    assert_eq!(r.offset, 123_456);
}

#[test]
fn attributes_bits() {
    let a = BatchAttributes::default()
        .with_compression(Compression::ZSTD)
        .with_timestamp_type(TimestampType::LogAppendTime)
        .with_transactional(true)
        .with_control(true)
        .with_delete_horizon(true);
    assert_eq!(a.0, 0x7c);
    assert_eq!(a.compression(), Compression::ZSTD);
    let cleared = a
        .with_transactional(false)
        .with_control(false)
        .with_delete_horizon(false)
        .with_timestamp_type(TimestampType::CreateTime)
        .with_compression(Compression::NONE);
    assert_eq!(cleared.0, 0);
    // Unknown high bits survive.
    let odd = BatchAttributes(0x0180u16 as i16);
    assert_eq!(odd.with_control(true).0, 0x01a0);
}

#[test]
fn compression_can_be_chosen_after_appending() {
    for (first, then) in [
        (Compression::NONE, Compression::GZIP),
        (Compression::ZSTD, Compression::NONE),
        (Compression::SNAPPY, Compression::LZ4),
    ] {
        let mut b = RecordBatchBuilder::new(0).compression(first, None);
        b.append(1, Some(b"k"), Some(b"v"), &[]).unwrap();
        let b = b.compression(then, Some(1));
        let batch = b.finish_batch().unwrap();
        assert_eq!(batch.compression(), then);
        batch.validate(&ReadOptions::default()).unwrap();
        assert_eq!(batch.record_count, 1);
    }
}

#[test]
fn invalid_compression_level_is_an_error() {
    let mut b = RecordBatchBuilder::new(0).compression(Compression::GZIP, Some(99));
    b.append(1, None, Some(b"v"), &[]).unwrap();
    let err = b.finish().unwrap_err();
    assert!(
        matches!(
            err.kind(),
            ErrorKind::Compression(kafkawire_compress::Error::InvalidLevel { level: 99, .. })
        ),
        "{err:?}"
    );
}

#[test]
fn timestamp_delta_overflow_is_an_error() {
    let mut b = RecordBatchBuilder::new(0);
    b.append(i64::MAX, None, None, &[]).unwrap();
    let err = b.append(i64::MIN, None, None, &[]).unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::Overflow);
    // The failed append left nothing behind.
    let batch = b.finish_batch().unwrap();
    assert_eq!(batch.record_count, 1);
    batch.validate(&ReadOptions::default()).unwrap();
}

#[test]
fn error_reports_field_and_position() {
    let mut b = RecordBatchBuilder::new(0);
    b.append(0, Some(b"key"), Some(b"value"), &[]).unwrap();
    let batch = b.finish_batch().unwrap();
    let mut broken = batch.clone();
    // Cut the value short inside the section.
    let section = batch.records.slice(..batch.records.len() - 2);
    broken.records = section;
    broken.refresh_length_and_crc().unwrap();
    let err = broken
        .records(&ReadOptions::default())
        .unwrap()
        .next()
        .unwrap()
        .unwrap_err();
    assert!(err.is_eof());
    assert_eq!(err.field(), "record");
    assert_eq!(err.position(), 1, "right after the length varint");
    let shown = err.to_string();
    assert!(
        shown.contains("record") && shown.contains("byte 1"),
        "{shown}"
    );
    let io: std::io::Error = err.into();
    assert_eq!(io.kind(), std::io::ErrorKind::InvalidData);
}

/// Recompression keeps the records section and every other header field.
#[test]
fn recompress_between_codecs() {
    let path = format!(
        "{}/tests/data/librdkafka_v2_snappy.bin",
        env!("CARGO_MANIFEST_DIR")
    );
    let original = decode(&Bytes::from(std::fs::read(path).unwrap()));
    let opts = ReadOptions::default();
    let plain = original.uncompressed_records(1 << 20).unwrap();
    for codec in [
        Compression::NONE,
        Compression::GZIP,
        Compression::LZ4,
        Compression::ZSTD,
        Compression::SNAPPY,
    ] {
        let b = original.recompress(codec, None, &opts).unwrap();
        b.validate(&opts).unwrap();
        assert_eq!(b.compression(), codec);
        assert_eq!(b.uncompressed_records(1 << 20).unwrap(), plain);
        assert_eq!(
            (
                b.base_offset,
                b.base_timestamp,
                b.max_timestamp,
                b.record_count
            ),
            (
                original.base_offset,
                original.base_timestamp,
                original.max_timestamp,
                original.record_count
            )
        );
        assert_eq!(
            (
                b.producer_id,
                b.producer_epoch,
                b.base_sequence,
                b.last_offset_delta
            ),
            (
                original.producer_id,
                original.producer_epoch,
                original.base_sequence,
                original.last_offset_delta
            )
        );
        assert_eq!(b.attributes.0 & !7, original.attributes.0 & !7);
        // And back: the uncompressed form is unique.
        let none = b.recompress(Compression::NONE, None, &opts).unwrap();
        assert_eq!(none.records, plain);
    }
}

/// Found against Kafka's Java `MemoryRecordsBuilder` (`tests/java_records.rs`,
/// case `v1/log-append-time/gzip`): with log append time, Java writes the
/// inner messages of a compressed magic 1 wrapper with the log-append-time
/// bit and the append time, not their create times. Ours wrote attributes 0
/// and the create times (readers took the wrapper's time either way, but the
/// bytes differed from Java's).
#[test]
fn v1_log_append_time_compressed_inner_messages_match_java() {
    use kafkawire_records::{Batch, BatchStream, MessageSetBuilder};
    for codec in [Compression::NONE, Compression::GZIP, Compression::LZ4] {
        let mut b = MessageSetBuilder::new(1)
            .unwrap()
            .compression(codec, None)
            .unwrap()
            .log_append_time(5_000);
        b.append(10, 100, Some(b"k"), Some(b"a")).unwrap();
        b.append(11, 50, None, Some(b"b")).unwrap();
        let mut messages = 0;
        for entry in BatchStream::new(b.finish().unwrap()) {
            let Batch::Legacy(m) = entry.unwrap() else {
                panic!("a v2 batch")
            };
            assert_eq!(m.timestamp, Some(5_000), "{codec}");
            assert_eq!(m.timestamp_type(), TimestampType::LogAppendTime, "{codec}");
            for r in m.messages(&ReadOptions::default()).unwrap() {
                let r = r.unwrap();
                assert_eq!(r.message.timestamp, Some(5_000), "{codec}");
                assert_eq!(
                    r.message.attributes.timestamp_type(),
                    TimestampType::LogAppendTime,
                    "{codec}"
                );
                messages += 1;
            }
        }
        assert_eq!(messages, 2);
    }
}
