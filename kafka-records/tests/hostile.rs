//! Hostile input: every case must be an error (or a reported partial tail),
//! never a panic, with work and memory bounded by the input.

use bytes::{BufMut, Bytes};
use kafkawire_records::{
    Batch, BatchStream, Compression, ErrorKind, LegacyMessage, ReadOptions, RecordBatch,
    RecordBatchBuilder, down_convert, up_convert,
};

fn fixture(name: &str) -> Bytes {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    Bytes::from(std::fs::read(path).unwrap())
}

const FIXTURES: [&str; 16] = [
    "librdkafka_v2_idempotent.bin",
    "librdkafka_mock_fetch_v11_concat.bin",
    "librdkafka_v2_none.bin",
    "librdkafka_v2_gzip.bin",
    "librdkafka_v2_snappy.bin",
    "librdkafka_v2_lz4.bin",
    "librdkafka_v2_zstd.bin",
    "librdkafka_magic0_none.bin",
    "librdkafka_magic0_gzip.bin",
    "librdkafka_magic0_snappy.bin",
    "librdkafka_magic0_lz4.bin",
    "kafka_python_magic0_lz4.bin",
    "kafka_python_magic1_none.bin",
    "kafka_python_magic1_gzip.bin",
    "kafka_python_magic1_snappy.bin",
    "kafka_python_magic1_lz4.bin",
];

/// Drives every reader over `bytes`, returning whether all of it was read
/// without error. Must not panic whatever the bytes.
fn read_everything(bytes: Bytes) -> bool {
    let opts = ReadOptions::default().max_decompressed_size(1 << 20);
    let mut ok = true;
    let mut stream = BatchStream::with_options(bytes.clone(), opts);
    for b in stream.by_ref() {
        match b {
            Ok(Batch::V2(b)) => {
                ok &= b.verify_crc().is_ok();
                ok &= b.validate(&opts).is_ok();
                match b.records(&opts) {
                    Ok(it) => {
                        for r in it {
                            match r {
                                Ok(r) => {
                                    for h in r.headers.iter() {
                                        std::hint::black_box(h);
                                    }
                                }
                                Err(_) => ok = false,
                            }
                        }
                    }
                    Err(_) => ok = false,
                }
            }
            Ok(Batch::Legacy(m)) => {
                ok &= m.verify_crc().is_ok();
                match m.messages(&opts) {
                    Ok(it) => {
                        for r in it {
                            ok &= r.is_ok();
                        }
                    }
                    Err(_) => ok = false,
                }
            }
            Err(_) => ok = false,
        }
    }
    ok &= stream.partial_tail().is_none();
    let _ = up_convert(bytes.clone(), Compression::NONE, None, &opts);
    let _ = down_convert(bytes, 1, &opts);
    ok
}

#[test]
fn fixtures_read_cleanly() {
    for name in FIXTURES {
        assert!(read_everything(fixture(name)), "{name}");
    }
}

#[test]
fn truncation_at_every_offset() {
    for name in FIXTURES {
        let bytes = fixture(name);
        let mut boundaries = vec![0];
        for b in BatchStream::new(bytes.clone()) {
            boundaries.push(boundaries.last().unwrap() + b.unwrap().encoded_len());
        }
        for cut in 0..bytes.len() {
            let prefix = bytes.slice(..cut);
            // A prefix is never read as complete and clean (unless it ends
            // between two entries)...
            if !boundaries.contains(&cut) {
                assert!(!read_everything(prefix.clone()), "{name} cut at {cut}");
            }
            // ...and decoding a prefix of the first entry as one batch or
            // message is an error.
            let mut p = prefix.clone();
            if cut < boundaries[1] {
                if bytes.get(16) == Some(&2) {
                    assert!(RecordBatch::decode(&mut p, &ReadOptions::default()).is_err());
                } else {
                    assert!(LegacyMessage::decode(&mut p, &ReadOptions::default()).is_err());
                }
            }
        }
    }
}

#[test]
fn every_byte_flipped_never_panics() {
    for name in FIXTURES {
        let bytes = fixture(name);
        for i in 0..bytes.len() {
            for flip in [0x01u8, 0x80, 0xff] {
                let mut b = bytes.to_vec();
                b[i] ^= flip;
                read_everything(Bytes::from(b));
            }
        }
    }
}

/// Corrupting any byte the v2 CRC covers is caught by `verify_crc`, and reported.
#[test]
fn crc_catches_corruption() {
    let bytes = fixture("librdkafka_v2_none.bin");
    for i in 21..bytes.len() {
        let mut b = bytes.to_vec();
        b[i] ^= 0x10;
        let mut input = Bytes::from(b);
        let batch = RecordBatch::decode(&mut input, &ReadOptions::default()).unwrap();
        let err = batch.verify_crc().unwrap_err();
        assert!(
            matches!(err.kind(), ErrorKind::CrcMismatch { stored, computed } if *stored == batch.crc && *computed != batch.crc),
            "byte {i}: {err:?}"
        );
        assert_eq!(err.field(), "batch.crc");
    }
    // The base offset and leader epoch are outside the CRC: a broker may rewrite them.
    let mut b = bytes.to_vec();
    b[0] = 0x7f;
    b[13] = 0x55;
    let mut input = Bytes::from(b);
    RecordBatch::decode(&mut input, &ReadOptions::default())
        .unwrap()
        .verify_crc()
        .unwrap();
}

#[test]
fn legacy_crc_catches_corruption() {
    let bytes = fixture("kafka_python_magic1_none.bin");
    let mut b = bytes.to_vec();
    b[30] ^= 1; // inside the first message's key
    let mut input = Bytes::from(b);
    let m = LegacyMessage::decode(&mut input, &ReadOptions::default()).unwrap();
    assert!(matches!(
        m.verify_crc().unwrap_err().kind(),
        ErrorKind::CrcMismatch { .. }
    ));
}

fn one_record_batch() -> RecordBatch {
    let mut b = RecordBatchBuilder::new(0);
    b.append(1000, Some(b"k"), Some(b"v"), &[]).unwrap();
    b.finish_batch().unwrap()
}

/// A record count of i32::MAX with a correct CRC: the reader yields the one
/// record there is, then a count mismatch; nothing is sized by the count.
#[test]
fn record_count_i32_max_with_valid_crc() {
    let mut batch = one_record_batch();
    batch.record_count = i32::MAX;
    batch.refresh_length_and_crc().unwrap();
    batch.verify_crc().unwrap();
    let mut it = batch.records(&ReadOptions::default()).unwrap();
    assert!(it.next().unwrap().is_ok());
    let err = it.next().unwrap().unwrap_err();
    assert_eq!(
        err.kind(),
        &ErrorKind::RecordCountMismatch {
            declared: i32::MAX,
            found: 1
        }
    );
    assert!(it.next().is_none());
    assert!(batch.validate(&ReadOptions::default()).is_err());
}

#[test]
fn record_count_below_records_is_trailing_bytes() {
    let mut b = RecordBatchBuilder::new(0);
    b.append(1, None, Some(b"a"), &[]).unwrap();
    b.append(2, None, Some(b"b"), &[]).unwrap();
    let mut batch = b.finish_batch().unwrap();
    batch.record_count = 1;
    batch.refresh_length_and_crc().unwrap();
    let err = batch.validate(&ReadOptions::default()).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::TrailingBytes(_)), "{err:?}");
    batch.record_count = -5;
    batch.refresh_length_and_crc().unwrap();
    let err = batch.validate(&ReadOptions::default()).unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::InvalidLength(-5));
}

/// Builds a batch around a hand-written records section, with a correct CRC.
fn batch_with_records(section: Vec<u8>, count: i32) -> RecordBatch {
    let mut batch = one_record_batch();
    batch.records = Bytes::from(section);
    batch.record_count = count;
    batch.refresh_length_and_crc().unwrap();
    batch
}

/// A record claiming i32::MAX headers.
#[test]
fn header_count_i32_max() {
    let mut body = vec![0u8, 0, 0, 1, 1]; // attributes, ts delta, offset delta, null key, null value
    body.extend_from_slice(&[0xfe, 0xff, 0xff, 0xff, 0x0f]); // zigzag varint i32::MAX
    body.extend_from_slice(&[2, b'k', 0]); // one header's worth of bytes
    let mut section = vec![(body.len() as u8) << 1];
    section.extend_from_slice(&body);
    let batch = batch_with_records(section, 1);
    batch.verify_crc().unwrap();
    let err = batch
        .records(&ReadOptions::default())
        .unwrap()
        .next()
        .unwrap()
        .unwrap_err();
    assert!(err.is_eof(), "{err:?}");
    assert_eq!(err.field(), "record.header.key");
}

#[test]
fn negative_header_count() {
    let body = vec![0u8, 0, 0, 1, 1, 3]; // header count -2
    let mut section = vec![(body.len() as u8) << 1];
    section.extend_from_slice(&body);
    let batch = batch_with_records(section, 1);
    let err = batch
        .records(&ReadOptions::default())
        .unwrap()
        .next()
        .unwrap()
        .unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::InvalidLength(-2));
}

/// An 11-byte varlong timestamp delta.
#[test]
fn varint_of_11_bytes() {
    let mut body = vec![0u8];
    body.extend_from_slice(&[0x80; 10]);
    body.push(0x00);
    body.extend_from_slice(&[0, 1, 1, 0]);
    let mut section = vec![(body.len() as u8) << 1];
    section.extend_from_slice(&body);
    let batch = batch_with_records(section, 1);
    let err = batch
        .records(&ReadOptions::default())
        .unwrap()
        .next()
        .unwrap()
        .unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::VarintTooLong);
    assert_eq!(err.field(), "record.timestamp_delta");
}

/// A record length that runs past the section, and one that is shorter than its content.
#[test]
fn record_length_lies() {
    let batch = batch_with_records(vec![0x7e, 0, 0, 0, 1, 1, 0], 1); // claims 63 bytes
    let err = batch
        .records(&ReadOptions::default())
        .unwrap()
        .next()
        .unwrap()
        .unwrap_err();
    assert!(err.is_eof(), "{err:?}");
    // Length 3, content needs 6: the content reads past the record's end.
    let batch = batch_with_records(vec![6, 0, 0, 0, 1, 1, 0], 1);
    let err = batch
        .records(&ReadOptions::default())
        .unwrap()
        .next()
        .unwrap()
        .unwrap_err();
    assert!(err.is_eof(), "{err:?}");
    // Length 7 with 6 bytes of content: leftover bytes inside the record.
    let batch = batch_with_records(vec![14, 0, 0, 0, 1, 1, 0, 9], 1);
    let err = batch
        .records(&ReadOptions::default())
        .unwrap()
        .next()
        .unwrap()
        .unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::TrailingBytes(1)), "{err:?}");
}

/// A batch length past the end of the input.
#[test]
fn batch_length_past_the_end() {
    let mut bytes = fixture("librdkafka_v2_none.bin").to_vec();
    let len = i32::from_be_bytes(bytes[8..12].try_into().unwrap());
    bytes[8..12].copy_from_slice(&(len + 1000).to_be_bytes());
    let bytes = Bytes::from(bytes);
    let err = RecordBatch::decode(&mut bytes.clone(), &ReadOptions::default()).unwrap_err();
    assert!(err.is_eof(), "{err:?}");
    // In a stream it is a partial tail (a cut Fetch response), not a failure.
    let mut stream = BatchStream::new(bytes.clone());
    assert!(stream.next().is_none());
    assert_eq!(stream.partial_tail(), Some(&bytes));
    // i32::MAX and negative lengths.
    for bad in [i32::MAX, -1, i32::MIN, 0, 48] {
        let mut b = bytes.to_vec();
        b[8..12].copy_from_slice(&bad.to_be_bytes());
        let r = RecordBatch::decode(&mut Bytes::from(b), &ReadOptions::default());
        assert!(r.is_err(), "{bad}");
    }
}

/// The size limit applies before anything else is read: even with the
/// batch's bytes missing, the declared size alone is rejected.
#[test]
fn batch_over_the_limit_is_rejected_before_work() {
    let bytes = fixture("librdkafka_v2_none.bin");
    let opts = ReadOptions::default().max_batch_size(100);
    let header_only = bytes.slice(..20);
    let err = RecordBatch::decode(&mut header_only.clone(), &opts).unwrap_err();
    assert_eq!(
        err.kind(),
        &ErrorKind::TooLarge {
            size: bytes.len() as u64,
            limit: 100
        }
    );
    let mut stream = BatchStream::with_options(header_only, opts);
    assert!(matches!(
        stream.next().unwrap().unwrap_err().kind(),
        ErrorKind::TooLarge { .. }
    ));
    // A stream knows the size from the first 12 bytes.
    let mut stream = BatchStream::with_options(bytes.slice(..12), opts);
    assert!(matches!(
        stream.next().unwrap().unwrap_err().kind(),
        ErrorKind::TooLarge { .. }
    ));
    assert!(stream.partial_tail().is_none());
    let legacy = fixture("kafka_python_magic1_gzip.bin");
    let err = LegacyMessage::decode(&mut legacy.slice(..13), &opts.max_batch_size(50)).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::TooLarge { .. }), "{err:?}");
    // Exactly at the limit is fine.
    let exact = ReadOptions::default().max_batch_size(bytes.len());
    RecordBatch::decode(&mut bytes.clone(), &exact).unwrap();
}

/// A gzip payload that inflates past the output limit.
#[test]
fn decompression_bomb_hits_the_limit() {
    let zeros = vec![0u8; 4 << 20];
    let mut b = RecordBatchBuilder::new(0).compression(Compression::GZIP, None);
    b.append(0, None, Some(&zeros), &[]).unwrap();
    let bytes = b.finish().unwrap();
    assert!(bytes.len() < 64 << 10, "compressed to {}", bytes.len());
    let opts = ReadOptions::default().max_decompressed_size(1 << 20);
    let batch = RecordBatch::decode(&mut bytes.clone(), &opts).unwrap();
    batch.verify_crc().unwrap();
    let err = batch.records(&opts).unwrap_err();
    assert!(
        matches!(
            err.kind(),
            ErrorKind::Compression(kafkawire_compress::Error::OutputLimitExceeded { limit }) if *limit == 1 << 20
        ),
        "{err:?}"
    );
    // With room it reads.
    let big = ReadOptions::default().max_decompressed_size(8 << 20);
    let r = batch.records(&big).unwrap().next().unwrap().unwrap();
    assert_eq!(r.value.unwrap().len(), zeros.len());
}

#[test]
fn unknown_magic_and_codec() {
    let mut bytes = fixture("librdkafka_v2_none.bin").to_vec();
    bytes[16] = 3;
    let err = BatchStream::new(Bytes::from(bytes.clone()))
        .next()
        .unwrap()
        .unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::UnsupportedMagic(3));
    // Codec 7 in the attributes: framing reads, records do not.
    bytes[16] = 2;
    bytes[22] |= 7;
    let batch = RecordBatch::decode(&mut Bytes::from(bytes), &ReadOptions::default()).unwrap();
    let err = batch.records(&ReadOptions::default()).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Compression(_)), "{err:?}");
}

#[test]
fn legacy_lying_lengths() {
    let good = fixture("kafka_python_magic1_none.bin");
    // Key length larger than the message.
    let mut b = good.to_vec();
    b[26..30].copy_from_slice(&1000i32.to_be_bytes());
    let err = LegacyMessage::decode(&mut Bytes::from(b), &ReadOptions::default()).unwrap_err();
    assert!(err.is_eof(), "{err:?}");
    // Negative key length other than -1.
    let mut b = good.to_vec();
    b[26..30].copy_from_slice(&(-7i32).to_be_bytes());
    let err = LegacyMessage::decode(&mut Bytes::from(b), &ReadOptions::default()).unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::InvalidLength(-7));
    // Message size smaller than a message can be.
    let mut b = good.to_vec();
    b[8..12].copy_from_slice(&5i32.to_be_bytes());
    let err = LegacyMessage::decode(&mut Bytes::from(b), &ReadOptions::default()).unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::InvalidLength(5));
}

/// A wrapper whose inner set nests another compressed wrapper is refused.
#[test]
fn nested_compression_is_refused() {
    let mut inner = kafkawire_records::MessageSetBuilder::new(1)
        .unwrap()
        .compression(Compression::GZIP, None)
        .unwrap();
    inner.append(0, 5, None, Some(b"x")).unwrap();
    let inner = inner.finish().unwrap();
    let mut compressed = Vec::new();
    kafkawire_compress::compress(Compression::GZIP, None, &inner, &mut compressed).unwrap();
    let mut out = Vec::new();
    // Wrapper by hand: offset 0, magic 1, gzip, ts 0, null key, value.
    let size = 22 + compressed.len();
    out.put_i64(0);
    out.put_i32(size as i32);
    let crc_at = out.len();
    out.put_u32(0);
    out.put_i8(1);
    out.put_i8(1);
    out.put_i64(0);
    out.put_i32(-1);
    out.put_i32(compressed.len() as i32);
    out.put_slice(&compressed);
    let crc = crc32fast::hash(&out[crc_at + 4..]);
    out[crc_at..crc_at + 4].copy_from_slice(&crc.to_be_bytes());
    let m = LegacyMessage::decode(&mut Bytes::from(out), &ReadOptions::default()).unwrap();
    m.verify_crc().unwrap();
    let err = m
        .messages(&ReadOptions::default())
        .unwrap()
        .next()
        .unwrap()
        .unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::UnsupportedCompression(c) if *c == Compression::GZIP),
        "{err:?}"
    );
}
