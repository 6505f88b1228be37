//! Build and read uncompressed RecordBatch v2 batches, with this crate and
//! with the record codec of the crates.io `kafka-protocol` crate (0.18), in
//! one run. Throughput is the batch size in bytes.
//!
//! - build: from keys and values to finished batch bytes (length and CRC
//!   filled in). kafka-protocol encodes from `Record` values prepared outside
//!   the timed loop.
//! - read: from batch bytes to every record's key and value, CRC checked
//!   (kafka-protocol checks it while decoding; here `verify_crc`).

use std::hint::black_box;

use bytes::{Bytes, BytesMut};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_main};
use kafka_protocol_crates_io::records as theirs;
use kafkawire_records::{ReadOptions, RecordBatch, RecordBatchBuilder};

struct Case {
    name: &'static str,
    keys: Vec<Vec<u8>>,
    values: Vec<Vec<u8>>,
}

fn cases() -> Vec<Case> {
    let make = |name, n: usize, size: usize| Case {
        name,
        keys: (0..n).map(|i| format!("key-{i:06}").into_bytes()).collect(),
        values: (0..n)
            .map(|i| (0..size).map(|j| (i * 31 + j * 7) as u8).collect())
            .collect(),
    };
    vec![
        make("1000x100B", 1000, 100),
        make("10x100KB", 10, 100 * 1024),
    ]
}

const T0: i64 = 1_700_000_000_000;

fn ours_build(c: &Case) -> Bytes {
    let mut b = RecordBatchBuilder::new(0);
    for (i, (k, v)) in c.keys.iter().zip(&c.values).enumerate() {
        b.append(T0 + i as i64, Some(k), Some(v), &[]).unwrap();
    }
    b.finish().unwrap()
}

fn ours_read(bytes: &Bytes) -> usize {
    let opts = ReadOptions::default();
    let batch = RecordBatch::decode(&mut bytes.clone(), &opts).unwrap();
    batch.verify_crc().unwrap();
    let mut n = 0;
    for r in batch.records(&opts).unwrap() {
        let r = r.unwrap();
        n += r.key.map_or(0, |k| k.len()) + r.value.map_or(0, |v| v.len());
    }
    n
}

fn their_records(c: &Case) -> Vec<theirs::Record> {
    c.keys
        .iter()
        .zip(&c.values)
        .enumerate()
        .map(|(i, (k, v))| theirs::Record {
            transactional: false,
            control: false,
            delete_horizon: false,
            partition_leader_epoch: -1,
            producer_id: -1,
            producer_epoch: -1,
            timestamp_type: theirs::TimestampType::Creation,
            offset: i as i64,
            // kafka-protocol starts a new batch unless offset - sequence stays
            // constant; this keeps all records in one batch with base sequence -1.
            sequence: i as i32 - 1,
            timestamp: T0 + i as i64,
            key: Some(Bytes::copy_from_slice(k)),
            value: Some(Bytes::copy_from_slice(v)),
            headers: Default::default(),
        })
        .collect()
}

fn their_build(records: &[theirs::Record]) -> BytesMut {
    let mut buf = BytesMut::new();
    theirs::RecordBatchEncoder::encode(
        &mut buf,
        records,
        &theirs::RecordEncodeOptions {
            version: 2,
            compression: theirs::Compression::None,
        },
    )
    .unwrap();
    buf
}

fn their_read(bytes: &Bytes) -> usize {
    let set = theirs::RecordBatchDecoder::decode(&mut bytes.clone()).unwrap();
    set.records
        .iter()
        .map(|r| r.key.as_ref().map_or(0, |k| k.len()) + r.value.as_ref().map_or(0, |v| v.len()))
        .sum()
}

fn bench(c: &mut Criterion) {
    for case in cases() {
        let ours = ours_build(&case);
        let their_in = their_records(&case);
        let their_bytes = their_build(&their_in).freeze();
        // Same payload either way, read by either side.
        assert_eq!(ours_read(&their_bytes), their_read(&ours));

        let mut g = c.benchmark_group(format!("build/{}", case.name));
        g.throughput(Throughput::Bytes(ours.len() as u64));
        g.bench_function(BenchmarkId::new("kafka-records", case.name), |b| {
            b.iter(|| ours_build(black_box(&case)))
        });
        g.bench_function(BenchmarkId::new("kafka-protocol-0.18", case.name), |b| {
            b.iter(|| their_build(black_box(&their_in)))
        });
        g.finish();

        let mut g = c.benchmark_group(format!("read/{}", case.name));
        g.throughput(Throughput::Bytes(ours.len() as u64));
        g.bench_function(BenchmarkId::new("kafka-records", case.name), |b| {
            b.iter(|| ours_read(black_box(&ours)))
        });
        g.bench_function(BenchmarkId::new("kafka-protocol-0.18", case.name), |b| {
            b.iter(|| their_read(black_box(&ours)))
        });
        g.finish();
    }
}

/// `criterion_group!` makes an undocumented public function.
#[allow(missing_docs)]
mod group {
    use criterion::{Criterion, criterion_group};

    criterion_group! {
        name = benches;
        config = Criterion::default()
            .warm_up_time(std::time::Duration::from_millis(300))
            .measurement_time(std::time::Duration::from_secs(1))
            .sample_size(20);
        targets = super::bench
    }
}
criterion_main!(group::benches);
