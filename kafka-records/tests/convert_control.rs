//! Up/down conversion between MessageSet and RecordBatch, and control records.

use bytes::Bytes;
use kafkawire_records::control::{ControlRecord, ControlRecordKey, ControlRecordType};
use kafkawire_records::{
    Batch, BatchStream, Compression, ErrorKind, LegacyAttributes, ReadOptions, RecordBatch,
    RecordBatchBuilder, TimestampType, down_convert, up_convert,
};

fn fixture(name: &str) -> Bytes {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    Bytes::from(std::fs::read(path).unwrap())
}

/// (offset, timestamp, key, value) of every message or record in a blob.
type Flat = Vec<(i64, i64, Option<Bytes>, Option<Bytes>)>;

fn flatten(blob: Bytes) -> (Flat, Vec<Batch>) {
    let opts = ReadOptions::default();
    let mut flat = Vec::new();
    let mut batches = Vec::new();
    let mut stream = BatchStream::new(blob);
    for b in stream.by_ref() {
        let b = b.unwrap();
        match &b {
            Batch::V2(batch) => {
                batch.validate(&opts).unwrap();
                for r in batch.records(&opts).unwrap() {
                    let r = r.unwrap();
                    flat.push((r.offset, r.timestamp, r.key, r.value));
                }
            }
            Batch::Legacy(m) => {
                m.verify_crc().unwrap();
                for r in m.messages(&opts).unwrap() {
                    let r = r.unwrap();
                    flat.push((
                        r.offset,
                        r.timestamp.unwrap_or(-1),
                        r.message.key,
                        r.message.value,
                    ));
                }
            }
        }
        batches.push(b);
    }
    assert!(stream.partial_tail().is_none());
    (flat, batches)
}

#[test]
fn up_convert_legacy_fixtures() {
    let opts = ReadOptions::default();
    for (name, codec) in [
        ("librdkafka_magic0_none.bin", Compression::NONE),
        ("librdkafka_magic0_gzip.bin", Compression::GZIP),
        ("librdkafka_magic0_lz4.bin", Compression::LZ4),
        ("kafka_python_magic1_none.bin", Compression::ZSTD),
        ("kafka_python_magic1_snappy.bin", Compression::SNAPPY),
        ("kafka_python_magic1_lz4.bin", Compression::NONE),
    ] {
        let legacy = fixture(name);
        let (want, _) = flatten(legacy.clone());
        let up = up_convert(legacy, codec, None, &opts).unwrap();
        let (got, batches) = flatten(up);
        assert_eq!(got, want, "{name}");
        assert_eq!(batches.len(), 1, "{name}: one v2 batch");
        let Batch::V2(b) = &batches[0] else { panic!() };
        assert_eq!(b.compression(), codec);
        assert_eq!(b.record_count, 4);
        assert_eq!(b.base_offset, want[0].0);
        assert_eq!(b.attributes.timestamp_type(), TimestampType::CreateTime);
    }
}

#[test]
fn down_convert_v2_fixtures() {
    let opts = ReadOptions::default();
    for (name, codec) in [
        ("librdkafka_v2_none.bin", Compression::NONE),
        ("librdkafka_v2_gzip.bin", Compression::GZIP),
        ("librdkafka_v2_snappy.bin", Compression::SNAPPY),
        ("librdkafka_v2_lz4.bin", Compression::LZ4),
    ] {
        let v2 = fixture(name);
        let (want, _) = flatten(v2.clone());
        for magic in [0i8, 1] {
            let down = down_convert(v2.clone(), magic, &opts).unwrap();
            let (got, batches) = flatten(down.clone());
            assert_eq!(got.len(), 4);
            for (g, w) in got.iter().zip(&want) {
                assert_eq!(g.0, w.0, "{name} magic {magic} offset");
                assert_eq!(g.2, w.2, "{name} key");
                assert_eq!(g.3, w.3, "{name} value");
                // Magic 0 has no timestamps.
                assert_eq!(g.1, if magic == 1 { w.1 } else { -1 });
            }
            for b in &batches {
                assert_eq!(b.magic(), magic);
                if let Batch::Legacy(m) = b {
                    assert_eq!(m.compression(), codec);
                }
            }
            // And back up: the same records (headers were dropped).
            let up = up_convert(down, codec, None, &opts).unwrap();
            let (again, _) = flatten(up);
            assert_eq!(again, got, "{name} magic {magic} round trip");
        }
    }
}

#[test]
fn down_convert_zstd_is_refused() {
    let err = down_convert(
        fixture("librdkafka_v2_zstd.bin"),
        1,
        &ReadOptions::default(),
    )
    .unwrap_err();
    assert_eq!(
        err.kind(),
        &ErrorKind::UnsupportedCompression(Compression::ZSTD)
    );
}

#[test]
fn down_convert_skips_control_batches_and_keeps_log_append_time() {
    let mut data = RecordBatchBuilder::new(10)
        .compression(Compression::GZIP, None)
        .log_append_time(1_234_567);
    data.append(5, Some(b"a"), Some(b"1"), &[]).unwrap();
    data.append(6, Some(b"b"), Some(b"2"), &[]).unwrap();
    let mut control = RecordBatchBuilder::new(12)
        .control(true)
        .transactional(true);
    control
        .append(
            7,
            Some(&ControlRecordKey::new(ControlRecordType::COMMIT).to_bytes()),
            Some(&[0, 0, 0, 0, 0, 1]),
            &[],
        )
        .unwrap();
    let mut blob = data.finish().unwrap().to_vec();
    blob.extend_from_slice(&control.finish().unwrap());
    let down = down_convert(Bytes::from(blob), 1, &ReadOptions::default()).unwrap();
    let (flat, batches) = flatten(down);
    assert_eq!(batches.len(), 1, "control batch skipped");
    let Batch::Legacy(wrapper) = &batches[0] else {
        panic!()
    };
    assert_eq!(
        wrapper.attributes,
        LegacyAttributes::new(Compression::GZIP, TimestampType::LogAppendTime)
    );
    assert_eq!(wrapper.timestamp, Some(1_234_567));
    assert_eq!(wrapper.offset, 11, "wrapper carries the last offset");
    let offsets: Vec<i64> = flat.iter().map(|f| f.0).collect();
    assert_eq!(offsets, [10, 11]);
    assert!(flat.iter().all(|f| f.1 == 1_234_567));
}

#[test]
fn up_convert_keeps_gaps_and_splits_on_timestamp_type() {
    let mut lat = kafkawire_records::MessageSetBuilder::new(1)
        .unwrap()
        .log_append_time(99);
    lat.append(100, 1, None, Some(b"x")).unwrap();
    lat.append(105, 2, None, Some(b"y")).unwrap();
    let mut ct = kafkawire_records::MessageSetBuilder::new(1).unwrap();
    ct.append(200, 3, Some(b"k"), None).unwrap();
    let mut blob = lat.finish().unwrap().to_vec();
    blob.extend_from_slice(&ct.finish().unwrap());
    let up = up_convert(
        Bytes::from(blob),
        Compression::NONE,
        None,
        &ReadOptions::default(),
    )
    .unwrap();
    let (flat, batches) = flatten(up);
    assert_eq!(batches.len(), 2);
    let Batch::V2(first) = &batches[0] else {
        panic!()
    };
    assert_eq!(
        first.attributes.timestamp_type(),
        TimestampType::LogAppendTime
    );
    assert_eq!(first.max_timestamp, 99);
    assert_eq!(first.last_offset_delta, 5);
    assert_eq!(
        flat,
        vec![
            (100, 99, None, Some(Bytes::from_static(b"x"))),
            (105, 99, None, Some(Bytes::from_static(b"y"))),
            (200, 3, Some(Bytes::from_static(b"k")), None),
        ]
    );
}

#[test]
fn up_convert_refuses_partial_input() {
    let legacy = fixture("kafka_python_magic1_none.bin");
    let cut = legacy.slice(..legacy.len() - 3);
    let err = up_convert(cut, Compression::NONE, None, &ReadOptions::default()).unwrap_err();
    assert!(err.is_eof(), "{err:?}");
}

#[test]
fn control_records() {
    // An EndTxnMarker value: version 0, coordinator epoch 7.
    let marker = [0u8, 0, 0, 0, 0, 7];
    let mut b = RecordBatchBuilder::new(50)
        .control(true)
        .transactional(true)
        .producer(4000, 3, -1);
    b.append(
        1,
        Some(&ControlRecordKey::new(ControlRecordType::ABORT).to_bytes()),
        Some(&marker),
        &[],
    )
    .unwrap();
    let batch = b.finish_batch().unwrap();
    assert!(batch.is_control() && batch.is_transactional());
    batch.validate(&ReadOptions::default()).unwrap();
    let r = batch
        .records(&ReadOptions::default())
        .unwrap()
        .next()
        .unwrap()
        .unwrap();
    assert_eq!(
        r.key.as_deref(),
        Some(&[0u8, 0, 0, 0][..]),
        "ABORT is type 0"
    );
    let c = ControlRecord::from_record(&r).unwrap();
    assert_eq!(c.key.version, 0);
    assert_eq!(c.key.record_type, ControlRecordType::ABORT);
    assert_eq!(c.value.as_deref(), Some(&marker[..]));

    for (t, code, name) in [
        (ControlRecordType::ABORT, 0, "ABORT"),
        (ControlRecordType::COMMIT, 1, "COMMIT"),
        (ControlRecordType::LEADER_CHANGE, 2, "LEADER_CHANGE"),
        (ControlRecordType::SNAPSHOT_HEADER, 3, "SNAPSHOT_HEADER"),
        (ControlRecordType::SNAPSHOT_FOOTER, 4, "SNAPSHOT_FOOTER"),
        (ControlRecordType::KRAFT_VERSION, 5, "KRAFT_VERSION"),
        (ControlRecordType::KRAFT_VOTERS, 6, "KRAFT_VOTERS"),
    ] {
        assert_eq!(t.0, code);
        assert_eq!(t.name(), Some(name));
        assert_eq!(format!("{t:?}"), name);
        let key = ControlRecordKey::new(t).to_bytes();
        assert_eq!(ControlRecordKey::parse(&key).unwrap().record_type, t);
    }
    // Unknown types survive; newer key versions may carry more bytes.
    let k = ControlRecordKey::parse(&[0, 1, 0, 42, 0xde, 0xad]).unwrap();
    assert_eq!(k.version, 1);
    assert_eq!(k.record_type, ControlRecordType(42));
    assert_eq!(k.record_type.name(), None);
    assert_eq!(format!("{:?}", k.record_type), "ControlRecordType(42)");
    // Too short, or missing.
    assert_eq!(
        ControlRecordKey::parse(&[0, 0, 1]).unwrap_err().kind(),
        &ErrorKind::InvalidControlKey
    );
    let mut b = RecordBatchBuilder::new(0).control(true);
    b.append(1, None, None, &[]).unwrap();
    let batch: RecordBatch = b.finish_batch().unwrap();
    let r = batch
        .records(&ReadOptions::default())
        .unwrap()
        .next()
        .unwrap()
        .unwrap();
    assert_eq!(
        ControlRecord::from_record(&r).unwrap_err().kind(),
        &ErrorKind::InvalidControlKey
    );
}
