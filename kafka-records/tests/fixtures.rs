//! Records captured from librdkafka (kcat) Produce requests; see tests/data/README.md.

use bytes::{BufMut, Bytes};
use kafkawire_records::{
    Batch, BatchStream, Compression, LegacyMessage, MessageSetBuilder, ReadOptions, Record,
    RecordBatch, RecordBatchBuilder, TimestampType,
};

fn fixture(name: &str) -> Bytes {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    Bytes::from(std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}")))
}

/// What every capture was produced from: `key:value` lines with `-K: -Z`
/// (empty means null), v2 captures with `-H h1=a -H h1=b -H h2= -H h3`.
const KEYS: [Option<&[u8]>; 4] = [Some(b"key1"), Some(b"key2"), None, Some(b"key4")];
const VALUES: [Option<&[u8]>; 4] = [Some(b"value1"), None, Some(b"value3"), Some(b"value4")];
const HEADERS: [(&[u8], Option<&[u8]>); 4] = [
    (b"h1", Some(b"a")),
    (b"h1", Some(b"b")),
    (b"h2", Some(b"")),
    (b"h3", None),
];

fn only_v2_batch(bytes: &Bytes) -> RecordBatch {
    let mut stream = BatchStream::new(bytes.clone());
    let Some(Ok(Batch::V2(batch))) = stream.next() else {
        panic!("expected one v2 batch");
    };
    assert!(stream.next().is_none());
    assert!(stream.partial_tail().is_none());
    batch
}

fn check_v2(name: &str, codec: Compression) {
    let bytes = fixture(name);
    let batch = only_v2_batch(&bytes);
    assert_eq!(batch.compression(), codec, "{name}");
    assert_eq!(batch.magic, 2);
    assert_eq!(batch.record_count, 4);
    assert_eq!(batch.last_offset_delta, 3);
    assert!(!batch.is_transactional() && !batch.is_control());
    batch.verify_crc().unwrap();
    batch.validate(&ReadOptions::default()).unwrap();
    batch.validate_producer_offsets().unwrap();

    // Byte for byte.
    let mut out = Vec::new();
    batch.encode(&mut out).unwrap();
    assert_eq!(out, bytes, "{name} re-encode");

    let records: Vec<Record> = batch
        .records(&ReadOptions::default())
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(records.len(), 4);
    for (i, r) in records.iter().enumerate() {
        assert_eq!(r.offset_delta, i as i32);
        assert_eq!(r.key.as_deref(), KEYS[i], "{name} key {i}");
        assert_eq!(r.value.as_deref(), VALUES[i], "{name} value {i}");
        let headers: Vec<_> = r.headers.iter().collect();
        assert_eq!(headers.len(), 4);
        for (h, (k, v)) in headers.iter().zip(HEADERS) {
            assert_eq!(&h.key[..], k);
            assert_eq!(h.value.as_deref(), v);
        }
        assert!(r.timestamp >= batch.base_timestamp && r.timestamp <= batch.max_timestamp);
    }

    // Our builder, given what librdkafka was given, writes the same records
    // section (compressed sections differ between codec implementations, so
    // compare decompressed).
    let mut b = RecordBatchBuilder::new(batch.base_offset)
        .producer(batch.producer_id, batch.producer_epoch, batch.base_sequence)
        .partition_leader_epoch(batch.partition_leader_epoch);
    for r in &records {
        b.append(r.timestamp, r.key.as_deref(), r.value.as_deref(), &HEADERS)
            .unwrap();
    }
    let ours = b.finish_batch().unwrap();
    assert_eq!(
        ours.records,
        batch.uncompressed_records(1 << 20).unwrap(),
        "{name} records section"
    );
    assert_eq!(ours.base_timestamp, batch.base_timestamp);
    assert_eq!(ours.max_timestamp, batch.max_timestamp);
    if codec == Compression::NONE {
        let mut mine = Vec::new();
        ours.encode(&mut mine).unwrap();
        assert_eq!(mine, bytes, "{name}: builder output equals librdkafka's");
    } else {
        // Recompressed with our codec: readable, same records.
        let mut b2 = RecordBatchBuilder::new(0).compression(codec, None);
        for r in &records {
            b2.append(r.timestamp, r.key.as_deref(), r.value.as_deref(), &HEADERS)
                .unwrap();
        }
        let again = b2.finish_batch().unwrap();
        again.validate(&ReadOptions::default()).unwrap();
        assert_eq!(
            again.uncompressed_records(1 << 20).unwrap(),
            ours.records,
            "{name} recompressed"
        );
    }
}

#[test]
fn librdkafka_v2_none() {
    check_v2("librdkafka_v2_none.bin", Compression::NONE);
}

#[test]
fn librdkafka_v2_gzip() {
    check_v2("librdkafka_v2_gzip.bin", Compression::GZIP);
}

#[test]
fn librdkafka_v2_snappy() {
    check_v2("librdkafka_v2_snappy.bin", Compression::SNAPPY);
}

#[test]
fn librdkafka_v2_lz4() {
    check_v2("librdkafka_v2_lz4.bin", Compression::LZ4);
}

#[test]
fn librdkafka_v2_zstd() {
    check_v2("librdkafka_v2_zstd.bin", Compression::ZSTD);
}

/// `first_offset`: absolute offset of the first message (a magic 1 wrapper
/// from a producer has offset 0, so its relative inner offsets resolve below
/// zero, as Kafka computes them). `timestamp0`: the first message's timestamp
/// if the producer set them (7 ms apart).
fn check_legacy(
    name: &str,
    magic: i8,
    codec: Compression,
    first_offset: i64,
    timestamp0: Option<i64>,
) {
    let bytes = fixture(name);
    let opts = ReadOptions::default();
    let entries: Vec<LegacyMessage> = BatchStream::new(bytes.clone())
        .map(|b| match b.unwrap() {
            Batch::Legacy(m) => m,
            Batch::V2(_) => panic!("expected legacy"),
        })
        .collect();
    // Byte for byte.
    let mut out = Vec::new();
    for e in &entries {
        assert_eq!(e.magic, magic);
        e.verify_crc().unwrap();
        e.encode(&mut out).unwrap();
    }
    assert_eq!(out, bytes, "{name} re-encode");

    let mut messages = Vec::new();
    for e in &entries {
        assert_eq!(e.compression(), codec);
        for m in e.messages(&opts).unwrap() {
            let m = m.unwrap();
            m.message.verify_crc().unwrap();
            messages.push(m);
        }
    }
    if codec == Compression::NONE {
        assert_eq!(entries.len(), 4);
    } else {
        assert_eq!(entries.len(), 1, "one wrapper");
        assert_eq!(entries[0].key, None);
    }
    assert_eq!(messages.len(), 4);
    for (i, m) in messages.iter().enumerate() {
        assert_eq!(m.offset, first_offset + i as i64, "{name} offset {i}");
        if let Some(t0) = timestamp0 {
            assert_eq!(m.timestamp, Some(t0 + 7 * i as i64), "{name} timestamp {i}");
        }
        assert_eq!(m.message.key.as_deref(), KEYS[i], "{name} key {i}");
        assert_eq!(m.message.value.as_deref(), VALUES[i], "{name} value {i}");
        assert_eq!(m.timestamp_type, TimestampType::CreateTime);
        assert_eq!(m.timestamp.is_some(), magic == 1);
    }

    // Our writer produces the uncompressed form byte for byte.
    if codec == Compression::NONE {
        let mut b = MessageSetBuilder::new(magic).unwrap();
        for m in &messages {
            b.append(
                m.offset,
                m.timestamp.unwrap_or(-1),
                m.message.key.as_deref(),
                m.message.value.as_deref(),
            )
            .unwrap();
        }
        assert_eq!(b.finish().unwrap(), bytes, "{name}: builder output");
    } else {
        // The inner message set, written by us, equals librdkafka's.
        let mut b = MessageSetBuilder::new(magic).unwrap();
        for m in &messages {
            b.append(
                m.message.offset,
                m.timestamp.unwrap_or(-1),
                m.message.key.as_deref(),
                m.message.value.as_deref(),
            )
            .unwrap();
        }
        let inner = b.finish().unwrap();
        let mut reencoded = Vec::new();
        for m in &messages {
            m.message.encode(&mut reencoded).unwrap();
        }
        assert_eq!(inner, reencoded, "{name}: inner set");
        // And our compressed wrapper reads back to the same messages.
        let mut b = MessageSetBuilder::new(magic)
            .unwrap()
            .compression(codec, None)
            .unwrap();
        for m in &messages {
            b.append(
                m.offset,
                m.timestamp.unwrap_or(-1),
                m.message.key.as_deref(),
                m.message.value.as_deref(),
            )
            .unwrap();
        }
        let mut ours = b.finish().unwrap();
        let wrapper = LegacyMessage::decode(&mut ours, &opts).unwrap();
        let back: Vec<_> = wrapper
            .messages(&opts)
            .unwrap()
            .map(|m| m.unwrap())
            .collect();
        assert_eq!(back.len(), 4);
        for (a, b) in back.iter().zip(&messages) {
            assert_eq!(a.offset, b.offset);
            assert_eq!(a.message.key, b.message.key);
            assert_eq!(a.message.value, b.message.value);
        }
    }
}

#[test]
fn librdkafka_magic0_none() {
    check_legacy("librdkafka_magic0_none.bin", 0, Compression::NONE, 0, None);
}

#[test]
fn librdkafka_magic0_gzip() {
    check_legacy("librdkafka_magic0_gzip.bin", 0, Compression::GZIP, 0, None);
}

#[test]
fn librdkafka_magic0_snappy() {
    check_legacy(
        "librdkafka_magic0_snappy.bin",
        0,
        Compression::SNAPPY,
        0,
        None,
    );
}

/// librdkafka writes magic 0 LZ4 with Kafka's broken frame checksum (KAFKA-3160).
#[test]
fn librdkafka_magic0_lz4_kafka_3160() {
    check_legacy("librdkafka_magic0_lz4.bin", 0, Compression::LZ4, 0, None);
}

/// kafka-python with `api_version=(0, 9)` also writes the KAFKA-3160 framing.
#[test]
fn kafka_python_magic0_lz4_kafka_3160() {
    check_legacy("kafka_python_magic0_lz4.bin", 0, Compression::LZ4, 0, None);
}

const T0: i64 = 1_700_000_000_000;

#[test]
fn kafka_python_magic1_none() {
    check_legacy(
        "kafka_python_magic1_none.bin",
        1,
        Compression::NONE,
        0,
        Some(T0),
    );
}

#[test]
fn kafka_python_magic1_gzip() {
    check_legacy(
        "kafka_python_magic1_gzip.bin",
        1,
        Compression::GZIP,
        -3,
        Some(T0),
    );
}

#[test]
fn kafka_python_magic1_snappy() {
    check_legacy(
        "kafka_python_magic1_snappy.bin",
        1,
        Compression::SNAPPY,
        -3,
        Some(T0),
    );
}

#[test]
fn kafka_python_magic1_lz4() {
    check_legacy(
        "kafka_python_magic1_lz4.bin",
        1,
        Compression::LZ4,
        -3,
        Some(T0),
    );
}

/// A Fetch-like blob: every capture back to back, then a cut-off batch.
#[test]
fn mixed_blob_with_partial_tail() {
    let names = [
        "librdkafka_magic0_none.bin",
        "librdkafka_v2_none.bin",
        "librdkafka_magic0_gzip.bin",
        "librdkafka_v2_zstd.bin",
    ];
    let mut blob = Vec::new();
    for n in names {
        blob.put_slice(&fixture(n));
    }
    let whole = blob.len();
    let last = fixture("librdkafka_v2_lz4.bin");
    for cut in 1..last.len() {
        let mut b = blob.clone();
        b.put_slice(&last[..cut]);
        let mut stream = BatchStream::new(Bytes::from(b));
        let n = stream
            .by_ref()
            .collect::<Result<Vec<_>, _>>()
            .unwrap()
            .len();
        assert_eq!(n, 4 + 1 + 1 + 1, "cut {cut}");
        assert_eq!(stream.position(), whole);
        assert_eq!(stream.partial_tail().map(Bytes::len), Some(cut));
    }
}

/// The records of four Fetch v11 responses from librdkafka's mock broker,
/// back to back: three batches of three records (header `hk=hv`), then a
/// batch with a null value and a null key. Offsets were assigned by the
/// broker.
#[test]
fn librdkafka_mock_fetch_responses() {
    let bytes = fixture("librdkafka_mock_fetch_v11_concat.bin");
    let opts = ReadOptions::default();
    let mut out = Vec::new();
    let mut got = Vec::new();
    let mut stream = BatchStream::new(bytes.clone());
    for b in stream.by_ref() {
        let Batch::V2(b) = b.unwrap() else {
            panic!("v2 expected")
        };
        b.validate(&opts).unwrap();
        b.validate_producer_offsets().unwrap();
        b.encode(&mut out).unwrap();
        for r in b.records(&opts).unwrap() {
            let r = r.unwrap();
            let headers: Vec<_> = r.headers.iter().collect();
            got.push((r.offset, r.key, r.value, headers));
        }
    }
    assert!(stream.partial_tail().is_none());
    assert_eq!(out, bytes, "byte for byte");
    assert_eq!(got.len(), 11);
    let b = |s: &'static str| Some(Bytes::from_static(s.as_bytes()));
    for (i, (offset, key, value, headers)) in got.iter().enumerate() {
        assert_eq!(*offset, i as i64);
        if i < 9 {
            assert_eq!(key, &b(["a1", "b2", "c3"][i % 3]));
            assert_eq!(value, &b(["v1", "v2", "v3"][i % 3]));
            assert_eq!(headers.len(), 1);
            assert_eq!(&headers[0].key[..], b"hk");
            assert_eq!(headers[0].value, b("hv"));
        } else {
            assert!(headers.is_empty());
        }
    }
    assert_eq!((&got[9].1, &got[9].2), (&b("x"), &None));
    assert_eq!((&got[10].1, &got[10].2), (&None, &b("y")));

    // Cut like a broker at its byte limit: the complete batches, then the tail.
    let cut = bytes.slice(..bytes.len() - 10);
    let mut stream = BatchStream::new(cut);
    assert_eq!(stream.by_ref().filter(|b| b.is_ok()).count(), 3);
    assert_eq!(stream.partial_tail().map(Bytes::len), Some(77 - 10));
}

/// An idempotent producer's batch (`-X enable.idempotence=true`): producer
/// id from the mock broker's InitProducerId, epoch 0, base sequence 0.
/// (`-z lz4` was given, but librdkafka sent it uncompressed: too small to gain.)
#[test]
fn librdkafka_v2_idempotent() {
    let bytes = fixture("librdkafka_v2_idempotent.bin");
    let batch = only_v2_batch(&bytes);
    assert_eq!(batch.producer_id, 0x2b6c_fd38);
    assert_eq!((batch.producer_epoch, batch.base_sequence), (0, 0));
    assert!(!batch.is_transactional());
    batch.validate(&ReadOptions::default()).unwrap();
    batch.validate_producer_offsets().unwrap();
    let mut out = Vec::new();
    batch.encode(&mut out).unwrap();
    assert_eq!(out, bytes);
    // librdkafka writes partition leader epoch 0 where the Java client writes -1.
    assert_eq!(batch.partition_leader_epoch, 0);
    let mut b = RecordBatchBuilder::new(0)
        .producer(0x2b6c_fd38, 0, 0)
        .partition_leader_epoch(0);
    let mut n = 0;
    for (i, r) in batch.records(&ReadOptions::default()).unwrap().enumerate() {
        let r = r.unwrap();
        assert_eq!(r.key.as_deref(), KEYS[i]);
        assert_eq!(r.value.as_deref(), VALUES[i]);
        let h: Vec<_> = r.headers.iter().collect();
        assert_eq!(h.len(), 1);
        assert_eq!(
            (&h[0].key[..], h[0].value.as_deref()),
            (&b"h1"[..], Some(&b"a"[..]))
        );
        b.append(
            r.timestamp,
            r.key.as_deref(),
            r.value.as_deref(),
            &[(b"h1", Some(b"a"))],
        )
        .unwrap();
        n += 1;
    }
    assert_eq!(n, 4);
    assert_eq!(
        b.finish().unwrap(),
        bytes,
        "builder output equals librdkafka's"
    );
}

/// An old broker's Fetch (v0-v3) cut mid-message: complete messages, then the tail.
#[test]
fn legacy_message_set_cut_anywhere() {
    let bytes = fixture("kafka_python_magic1_none.bin");
    let sizes: Vec<usize> = BatchStream::new(bytes.clone())
        .map(|b| b.unwrap().encoded_len())
        .collect();
    assert_eq!(sizes.len(), 4);
    for cut in 0..=bytes.len() {
        let mut stream = BatchStream::new(bytes.slice(..cut));
        let n = stream
            .by_ref()
            .map(|b| b.unwrap().encoded_len())
            .sum::<usize>();
        let complete: usize = sizes
            .iter()
            .scan(0, |acc, s| {
                *acc += s;
                Some(*acc)
            })
            .filter(|&end| end <= cut)
            .last()
            .unwrap_or(0);
        assert_eq!(n, complete, "cut {cut}");
        assert_eq!(
            stream.partial_tail().map(Bytes::len),
            (cut > complete).then_some(cut - complete),
            "cut {cut}"
        );
    }
}
