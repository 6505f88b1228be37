//! Property tests: random batches through the builder and the reader.

use bytes::Bytes;
use kafkawire_records::{
    Batch, BatchAttributes, BatchStream, Compression, MessageSetBuilder, ReadOptions, RecordBatch,
    RecordBatchBuilder, TimestampType,
};
use proptest::prelude::*;

#[derive(Debug, Clone)]
struct Rec {
    gap: i32,
    timestamp: i64,
    key: Option<Vec<u8>>,
    value: Option<Vec<u8>>,
    headers: Vec<(Vec<u8>, Option<Vec<u8>>)>,
}

fn bytes_opt() -> impl Strategy<Value = Option<Vec<u8>>> {
    prop_oneof![
        Just(None),
        Just(Some(Vec::new())),
        proptest::collection::vec(any::<u8>(), 0..40).prop_map(Some),
    ]
}

fn rec(base_ts: i64) -> impl Strategy<Value = Rec> {
    (
        prop_oneof![Just(1i32), 1..1000i32, Just(1 << 20)],
        // Deltas well beyond 2^31 ms either way.
        prop_oneof![Just(0i64), -(1i64 << 40)..(1i64 << 40), Just(1i64 << 33)],
        bytes_opt(),
        bytes_opt(),
        proptest::collection::vec(
            (
                // A small key alphabet so that keys repeat.
                prop_oneof![Just(b"a".to_vec()), Just(b"b".to_vec()), Just(Vec::new())],
                bytes_opt(),
            ),
            0..5,
        ),
    )
        .prop_map(move |(gap, d, key, value, headers)| Rec {
            gap,
            timestamp: base_ts.wrapping_add(d),
            key,
            value,
            headers,
        })
}

#[derive(Debug, Clone)]
struct Spec {
    base_offset: i64,
    codec: Compression,
    transactional: bool,
    control: bool,
    log_append_time: Option<i64>,
    delete_horizon: Option<i64>,
    producer: (i64, i16, i32),
    leader_epoch: i32,
    records: Vec<Rec>,
}

fn spec() -> impl Strategy<Value = Spec> {
    (
        0i64..(1 << 50),
        prop_oneof![
            Just(Compression::NONE),
            Just(Compression::GZIP),
            Just(Compression::SNAPPY),
            Just(Compression::LZ4),
            Just(Compression::ZSTD)
        ],
        any::<bool>(),
        any::<bool>(),
        proptest::option::of(0i64..(1 << 45)),
        proptest::option::of(0i64..(1 << 45)),
        (any::<i64>(), any::<i16>(), any::<i32>()),
        any::<i32>(),
        (0i64..(1 << 45)).prop_flat_map(|ts| proptest::collection::vec(rec(ts), 0..12)),
    )
        .prop_map(
            |(
                base_offset,
                codec,
                transactional,
                control,
                lat,
                dh,
                producer,
                leader_epoch,
                records,
            )| {
                Spec {
                    base_offset,
                    codec,
                    transactional,
                    control,
                    log_append_time: lat,
                    delete_horizon: dh,
                    producer,
                    leader_epoch,
                    records,
                }
            },
        )
}

fn build(s: &Spec) -> (Bytes, Vec<i32>) {
    let mut b = RecordBatchBuilder::new(s.base_offset)
        .compression(s.codec, None)
        .transactional(s.transactional)
        .control(s.control)
        .producer(s.producer.0, s.producer.1, s.producer.2)
        .partition_leader_epoch(s.leader_epoch);
    if let Some(t) = s.log_append_time {
        b = b.log_append_time(t);
    }
    if let Some(h) = s.delete_horizon {
        b = b.delete_horizon(h);
    }
    let mut deltas = Vec::new();
    let mut delta = -1i32;
    for r in &s.records {
        delta += r.gap;
        let headers: Vec<(&[u8], Option<&[u8]>)> = r
            .headers
            .iter()
            .map(|(k, v)| (k.as_slice(), v.as_deref()))
            .collect();
        let off = b
            .append_at_delta(
                delta,
                r.timestamp,
                r.key.as_deref(),
                r.value.as_deref(),
                &headers,
            )
            .unwrap();
        assert_eq!(off, s.base_offset + i64::from(delta));
        deltas.push(delta);
    }
    (b.finish().unwrap(), deltas)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn builder_reader_round_trip(s in spec()) {
        let (bytes, deltas) = build(&s);
        let mut input = bytes.clone();
        let batch = RecordBatch::decode(&mut input, &ReadOptions::default()).unwrap();
        prop_assert!(input.is_empty());

        // Header.
        prop_assert_eq!(batch.base_offset, s.base_offset);
        prop_assert_eq!(batch.compression(), s.codec);
        prop_assert_eq!(batch.is_transactional(), s.transactional);
        prop_assert_eq!(batch.is_control(), s.control);
        prop_assert_eq!(batch.attributes.has_delete_horizon(), s.delete_horizon.is_some());
        prop_assert_eq!(
            batch.attributes.timestamp_type(),
            if s.log_append_time.is_some() { TimestampType::LogAppendTime } else { TimestampType::CreateTime }
        );
        prop_assert_eq!((batch.producer_id, batch.producer_epoch, batch.base_sequence), s.producer);
        prop_assert_eq!(batch.partition_leader_epoch, s.leader_epoch);
        prop_assert_eq!(batch.record_count as usize, s.records.len());
        prop_assert_eq!(batch.last_offset_delta, deltas.last().copied().unwrap_or(0));
        let base_ts = s.delete_horizon.or(s.records.first().map(|r| r.timestamp)).unwrap_or(-1);
        prop_assert_eq!(batch.base_timestamp, base_ts);
        let max_ts = s.log_append_time.or(s.records.iter().map(|r| r.timestamp).max()).unwrap_or(-1);
        prop_assert_eq!(batch.max_timestamp, max_ts);
        batch.validate(&ReadOptions::default()).unwrap();

        // Records.
        let mut n = 0;
        for (got, (want, delta)) in batch.records(&ReadOptions::default()).unwrap().zip(s.records.iter().zip(&deltas)) {
            let got = got.unwrap();
            prop_assert_eq!(got.offset_delta, *delta);
            prop_assert_eq!(got.offset, s.base_offset + i64::from(*delta));
            prop_assert_eq!(got.timestamp_delta, want.timestamp - base_ts);
            prop_assert_eq!(got.timestamp, s.log_append_time.unwrap_or(want.timestamp));
            prop_assert_eq!(got.key.as_deref(), want.key.as_deref());
            prop_assert_eq!(got.value.as_deref(), want.value.as_deref());
            let headers: Vec<_> = got.headers.iter().map(|h| (h.key.to_vec(), h.value.map(|v| v.to_vec()))).collect();
            prop_assert_eq!(&headers, &want.headers);
            n += 1;
        }
        prop_assert_eq!(n, s.records.len());

        // Decoded batches re-encode identically.
        let mut out = Vec::new();
        batch.encode(&mut out).unwrap();
        prop_assert_eq!(&out[..], &bytes[..]);
        let mut stream = BatchStream::new(bytes.clone());
        prop_assert!(matches!(stream.next(), Some(Ok(Batch::V2(ref b))) if *b == batch));
        prop_assert!(stream.next().is_none());

        // Each record re-encodes canonically to the bytes it came from.
        let section = batch.uncompressed_records(1 << 24).unwrap();
        let mut records_out = Vec::new();
        for r in batch.records(&ReadOptions::default()).unwrap() {
            r.unwrap().encode(&mut records_out).unwrap();
        }
        prop_assert_eq!(&records_out[..], &section[..]);
    }

    /// Header fields that do not follow from the records (as compaction
    /// leaves them) and any CRC survive decode and encode unchanged.
    #[test]
    fn arbitrary_header_fields_survive(
        s in spec(),
        last_offset_delta in any::<i32>(),
        base_timestamp in any::<i64>(),
        max_timestamp in any::<i64>(),
        attributes_high in any::<i16>(),
        crc in any::<u32>(),
        record_count in any::<i32>(),
    ) {
        let (bytes, _) = build(&s);
        let mut input = bytes.clone();
        let mut batch = RecordBatch::decode(&mut input, &ReadOptions::default()).unwrap();
        batch.last_offset_delta = last_offset_delta;
        batch.base_timestamp = base_timestamp;
        batch.max_timestamp = max_timestamp;
        // Keep the codec bits (the records section depends on them).
        batch.attributes = BatchAttributes((attributes_high & !7) | (batch.attributes.0 & 7));
        batch.crc = crc;
        batch.record_count = record_count;
        let mut wire = Vec::new();
        batch.encode(&mut wire).unwrap();
        let mut again = Bytes::from(wire.clone());
        let decoded = RecordBatch::decode(&mut again, &ReadOptions::default()).unwrap();
        prop_assert_eq!(&decoded, &batch);
        let mut wire2 = Vec::new();
        decoded.encode(&mut wire2).unwrap();
        prop_assert_eq!(wire2, wire);
        prop_assert_eq!(decoded.verify_crc().is_ok(), crc == decoded.computed_crc());
    }

    #[test]
    fn legacy_round_trip(
        magic in 0i8..=1,
        codec in prop_oneof![Just(Compression::NONE), Just(Compression::GZIP), Just(Compression::SNAPPY), Just(Compression::LZ4)],
        base in 0i64..(1 << 40),
        msgs in proptest::collection::vec((1i64..100, any::<i64>(), bytes_opt(), bytes_opt()), 1..10),
    ) {
        let mut b = MessageSetBuilder::new(magic).unwrap().compression(codec, None).unwrap();
        let mut offset = base;
        let mut want = Vec::new();
        for (gap, ts, k, v) in &msgs {
            offset += gap;
            b.append(offset, *ts, k.as_deref(), v.as_deref()).unwrap();
            want.push((offset, *ts, k.clone(), v.clone()));
        }
        let bytes = b.finish().unwrap();
        let opts = ReadOptions::default();
        let mut got = Vec::new();
        let mut reencoded = Vec::new();
        for entry in BatchStream::new(bytes.clone()) {
            let Batch::Legacy(m) = entry.unwrap() else { panic!("legacy expected") };
            m.verify_crc().unwrap();
            m.encode(&mut reencoded).unwrap();
            for r in m.messages(&opts).unwrap() {
                got.push(r.unwrap());
            }
        }
        prop_assert_eq!(&reencoded[..], &bytes[..]);
        prop_assert_eq!(got.len(), want.len());
        for (g, (o, ts, k, v)) in got.iter().zip(&want) {
            prop_assert_eq!(g.offset, *o);
            prop_assert_eq!(g.timestamp, (magic == 1).then_some(*ts));
            prop_assert_eq!(g.message.key.as_deref(), k.as_deref());
            prop_assert_eq!(g.message.value.as_deref(), v.as_deref());
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(100))]

    /// Several batches back to back, cut anywhere: every complete batch is
    /// yielded and the rest is reported as the partial tail.
    #[test]
    fn stream_cut_anywhere(specs in proptest::collection::vec(spec(), 1..4), cut_seed in any::<u64>()) {
        let mut blob = Vec::new();
        let mut ends = Vec::new();
        for s in &specs {
            blob.extend_from_slice(&build(s).0);
            ends.push(blob.len());
        }
        let cut = (cut_seed % (blob.len() as u64 + 1)) as usize;
        let complete = ends.iter().filter(|&&e| e <= cut).count();
        let mut stream = BatchStream::new(Bytes::copy_from_slice(&blob[..cut]));
        let got = stream.by_ref().collect::<Result<Vec<_>, _>>().unwrap();
        prop_assert_eq!(got.len(), complete);
        let consumed = if complete == 0 { 0 } else { ends[complete - 1] };
        prop_assert_eq!(stream.position(), consumed);
        prop_assert_eq!(stream.partial_tail().map(Bytes::len), (cut > consumed).then_some(cut - consumed));
    }

    /// v2 -> legacy -> v2 keeps offsets, keys, values and (magic 1) timestamps.
    #[test]
    fn conversion_round_trip(s in spec(), magic in 0i8..=1) {
        let mut s = s;
        s.control = false;
        s.log_append_time = None;
        if s.codec == Compression::ZSTD {
            s.codec = Compression::NONE;
        }
        let (bytes, _) = build(&s);
        let opts = ReadOptions::default();
        let down = kafkawire_records::down_convert(bytes.clone(), magic, &opts).unwrap();
        let up = kafkawire_records::up_convert(down, Compression::NONE, None, &opts).unwrap();
        let flat = |blob: Bytes| -> Vec<(i64, i64, Option<Bytes>, Option<Bytes>)> {
            let mut v = Vec::new();
            for b in BatchStream::new(blob) {
                let Batch::V2(b) = b.unwrap() else { panic!("v2 expected") };
                for r in b.records(&opts).unwrap() {
                    let r = r.unwrap();
                    v.push((r.offset, r.timestamp, r.key, r.value));
                }
            }
            v
        };
        let before = flat(bytes);
        let after = flat(up);
        prop_assert_eq!(before.len(), after.len());
        for (b, a) in before.iter().zip(&after) {
            prop_assert_eq!(b.0, a.0);
            prop_assert_eq!(if magic == 1 { b.1 } else { -1 }, a.1);
            prop_assert_eq!(&b.2, &a.2);
            prop_assert_eq!(&b.3, &a.3);
        }
    }
}
