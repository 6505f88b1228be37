//! Records both ways against Kafka's own Java code: the oracle in
//! `interop/java` (operations `v` and `b` of `Records.java`) on the current
//! release and on 3.9, the last one whose builder writes magic 0 and 1.
//!
//! - Java reads what we build: every codec and level, idempotent and
//!   transactional batches, commit and abort markers, headers, null and empty
//!   keys and values, timestamps going backwards, log-append time, a 200 KiB
//!   value, legacy message sets. Java's `ensureValid()` runs on every batch
//!   and record, and Java's view of every field is compared with what we
//!   built.
//! - We read what Java builds from the same cases: every field is compared,
//!   the batch re-encodes byte for byte, and our builders given the same
//!   input write the same bytes where Java's are deterministic (see
//!   `rebuild_v2` and `rebuild_legacy` for what is compared when compressed).
//!
//! The record matrix (codec x magic x direction) is printed at the end
//! (`cargo test -p kafkawire-records --test java_records -- --nocapture`).

#[path = "../../interop/jvm.rs"]
mod jvm;

use std::collections::BTreeMap;
use std::fmt::Write as _;

use bytes::Bytes;
use jvm::{Answer, CURRENT, Item, Jvm, LEGACY};
use kafkawire::messages::EndTxnMarker;
use kafkawire_records::control::{ControlRecord, ControlValue};
use kafkawire_records::{
    Batch, BatchStream, Compression, LegacyMessage, MessageSetBuilder, ReadOptions, RecordBatch,
    RecordBatchBuilder, TimestampType,
};
use serde_json::{Value, json};

const CODECS: [Compression; 5] = [
    Compression::NONE,
    Compression::GZIP,
    Compression::SNAPPY,
    Compression::LZ4,
    Compression::ZSTD,
];
/// Magic 0 and 1 have no zstd.
const LEGACY_CODECS: [Compression; 4] = [
    Compression::NONE,
    Compression::GZIP,
    Compression::SNAPPY,
    Compression::LZ4,
];

// ---- cases ---------------------------------------------------------------

type Headers = Vec<(Vec<u8>, Option<Vec<u8>>)>;

#[derive(Clone, Debug)]
struct Rec {
    offset: i64,
    timestamp: i64,
    key: Option<Vec<u8>>,
    value: Option<Vec<u8>>,
    headers: Headers,
}

#[derive(Clone, Debug)]
struct Spec {
    name: String,
    magic: i8,
    codec: Compression,
    level: Option<i32>,
    log_append_time: Option<i64>,
    base_offset: i64,
    producer_id: i64,
    producer_epoch: i16,
    base_sequence: i32,
    transactional: bool,
    partition_leader_epoch: i32,
    records: Vec<Rec>,
}

#[derive(Clone, Debug)]
struct Marker {
    name: String,
    commit: bool,
    coordinator_epoch: i32,
    offset: i64,
    timestamp: i64,
    partition_leader_epoch: i32,
    producer_id: i64,
    producer_epoch: i16,
}

#[derive(Clone, Debug)]
enum Case {
    Records(Spec),
    Marker(Marker),
}

impl Case {
    fn name(&self) -> &str {
        match self {
            Case::Records(s) => &s.name,
            Case::Marker(m) => &m.name,
        }
    }
    fn magic(&self) -> i8 {
        match self {
            Case::Records(s) => s.magic,
            Case::Marker(_) => 2,
        }
    }
    fn codec(&self) -> Compression {
        match self {
            Case::Records(s) => s.codec,
            Case::Marker(_) => Compression::NONE,
        }
    }
}

fn rec(offset: i64, timestamp: i64, key: Option<&[u8]>, value: Option<&[u8]>) -> Rec {
    Rec {
        offset,
        timestamp,
        key: key.map(<[u8]>::to_vec),
        value: value.map(<[u8]>::to_vec),
        headers: Vec::new(),
    }
}

fn plain(name: &str, magic: i8, codec: Compression, base_offset: i64, records: Vec<Rec>) -> Spec {
    Spec {
        name: name.to_string(),
        magic,
        codec,
        level: None,
        log_append_time: None,
        base_offset,
        producer_id: -1,
        producer_epoch: -1,
        base_sequence: -1,
        transactional: false,
        partition_leader_epoch: -1,
        records,
    }
}

/// Deterministic bytes: compressible text with some noise.
fn text(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut out = Vec::with_capacity(len + 64);
    let mut i = 0u64;
    while out.len() < len {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let line = format!(
            "{{\"id\":{i},\"user\":\"user-{}\",\"score\":{},\"tag\":\"{:x}\"}}\n",
            x % 1000,
            x % 97,
            x >> 40
        );
        out.extend_from_slice(line.as_bytes());
        i += 1;
    }
    out.truncate(len);
    out
}

/// Incompressible bytes.
fn noise(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

const T0: i64 = 1_700_000_000_000;

/// Null and empty keys and values, headers with duplicate keys, null and
/// empty values and a non-ASCII key, timestamps going backwards, an offset
/// gap. Headers only for magic 2.
fn mixed_records(magic: i8, base: i64) -> Vec<Rec> {
    let mut records = vec![
        rec(base, T0, Some(b"key"), Some(b"value")),
        rec(base + 1, T0 - 5_000, None, Some(b"null key")),
        rec(base + 2, T0 + 10, Some(b""), Some(b"empty key")),
        rec(base + 3, T0 - 86_400_000, Some(b"null value"), None),
        rec(base + 4, T0 - 1, Some(b"empty value"), Some(b"")),
        rec(base + 5, T0 + 3, None, None),
        rec(base + 9, T0 + 2, Some(b"after a gap"), Some(&noise(300, 7))),
    ];
    if magic == 2 {
        records[0].headers = vec![
            (b"trace".to_vec(), Some(b"a".to_vec())),
            (b"trace".to_vec(), Some(b"b".to_vec())),
            (b"null".to_vec(), None),
            (b"empty".to_vec(), Some(Vec::new())),
            ("ключ".as_bytes().to_vec(), Some(vec![0, 0xff, 0x80])),
            (Vec::new(), Some(b"empty key".to_vec())),
        ];
        records[3].headers = vec![(b"only".to_vec(), None)];
        // A record without a timestamp (-1) among others.
        records.push(rec(base + 10, -1, Some(b"no timestamp"), Some(b"x")));
    }
    records
}

fn many_records(base: i64, n: usize, size: usize, seed: u64) -> Vec<Rec> {
    (0..n)
        .map(|i| {
            let mut r = rec(
                base + i as i64,
                T0 + (i as i64 % 7) * 1_000 - (i as i64 % 3) * 2_500,
                Some(format!("key-{i}").as_bytes()),
                Some(&text(size, seed + i as u64)),
            );
            r.headers = vec![(b"n".to_vec(), Some(i.to_string().into_bytes()))];
            r
        })
        .collect()
}

/// The v2 cases, each with every codec.
fn v2_cases() -> Vec<Case> {
    let mut cases = Vec::new();
    for codec in CODECS {
        let c = codec.name().unwrap_or("?");
        cases.push(plain(
            &format!("mixed/{c}"),
            2,
            codec,
            0,
            mixed_records(2, 0),
        ));
        let mut s = plain(
            &format!("idempotent/{c}"),
            2,
            codec,
            1_000,
            mixed_records(2, 1_000),
        );
        (s.producer_id, s.producer_epoch, s.base_sequence) = (12_345, 7, 100);
        s.partition_leader_epoch = 42;
        cases.push(s);
        // The sequence wraps past i32::MAX inside the batch.
        let mut s = plain(
            &format!("transactional/{c}"),
            2,
            codec,
            77,
            many_records(77, 5, 40, 1),
        );
        (s.producer_id, s.producer_epoch, s.base_sequence) = (999, 3, i32::MAX - 2);
        s.transactional = true;
        cases.push(s);
        let mut s = plain(
            &format!("log-append-time/{c}"),
            2,
            codec,
            5,
            mixed_records(2, 5),
        );
        s.log_append_time = Some(T0 + 123_456);
        cases.push(s);
        let mut big = rec(0, T0, Some(b"big"), Some(&text(200 * 1024, 3)));
        big.headers = vec![(b"size".to_vec(), Some(b"200KiB".to_vec()))];
        cases.push(plain(
            &format!("200KiB-value/{c}"),
            2,
            codec,
            0,
            vec![big, rec(1, T0 + 1, None, Some(&noise(200 * 1024, 9)))],
        ));
    }
    cases.into_iter().map(Case::Records).collect()
}

/// Every level of every codec that has levels (zstd: its whole positive
/// range and a sample of the negative one), at the default too.
fn level_cases() -> Vec<Case> {
    let mut cases = Vec::new();
    let levels: [(Compression, Vec<i32>); 3] = [
        (Compression::GZIP, (-1..=9).filter(|&l| l != 0).collect()),
        (Compression::LZ4, (1..=17).collect()),
        (
            Compression::ZSTD,
            [-131_072, -1_000, -7, -1, 0]
                .into_iter()
                .chain(1..=22)
                .collect(),
        ),
    ];
    for (codec, levels) in levels {
        for level in levels {
            let mut s = plain(
                &format!("level/{}:{level}", codec.name().unwrap_or("?")),
                2,
                codec,
                0,
                many_records(0, 40, 2_500, u64::from(level.unsigned_abs())),
            );
            s.level = Some(level);
            cases.push(Case::Records(s));
        }
    }
    cases
}

fn marker_cases() -> Vec<Case> {
    [(true, 0), (false, 17)]
        .into_iter()
        .map(|(commit, epoch)| {
            Case::Marker(Marker {
                name: format!("{}-marker", if commit { "commit" } else { "abort" }),
                commit,
                coordinator_epoch: epoch,
                offset: 300,
                timestamp: T0 + 9,
                partition_leader_epoch: 4,
                producer_id: 999,
                producer_epoch: 3,
            })
        })
        .collect()
}

/// Magic 0 and 1 message sets, every codec they have.
fn legacy_cases() -> Vec<Case> {
    let mut cases = Vec::new();
    for magic in [0i8, 1] {
        for codec in LEGACY_CODECS {
            let c = codec.name().unwrap_or("?");
            cases.push(plain(
                &format!("v{magic}/mixed/{c}"),
                magic,
                codec,
                10,
                mixed_records(magic, 10),
            ));
            cases.push(plain(
                &format!("v{magic}/200KiB-value/{c}"),
                magic,
                codec,
                0,
                vec![
                    rec(0, T0, Some(b"big"), Some(&text(200 * 1024, 5))),
                    rec(1, T0 - 1, None, Some(&noise(100 * 1024, 11))),
                ],
            ));
            if magic == 1 {
                let mut s = plain(
                    &format!("v1/log-append-time/{c}"),
                    1,
                    codec,
                    3,
                    mixed_records(1, 3),
                );
                s.log_append_time = Some(T0 + 99);
                cases.push(s);
            }
        }
    }
    cases.into_iter().map(Case::Records).collect()
}

// ---- building with kafkawire-records ------------------------------------------

fn header_refs(h: &Headers) -> Vec<(&[u8], Option<&[u8]>)> {
    h.iter()
        .map(|(k, v)| (k.as_slice(), v.as_deref()))
        .collect()
}

fn build_ours(case: &Case) -> Bytes {
    match case {
        Case::Marker(m) => {
            let mut b = RecordBatchBuilder::new(m.offset)
                .control(true)
                .transactional(true)
                .producer(m.producer_id, m.producer_epoch, -1)
                .partition_leader_epoch(m.partition_leader_epoch);
            let marker = EndTxnMarker::default().with_coordinator_epoch(m.coordinator_epoch);
            let value = if m.commit {
                ControlValue::Commit(marker)
            } else {
                ControlValue::Abort(marker)
            };
            b.append_control(m.timestamp, &value, 0).unwrap();
            b.finish().unwrap()
        }
        Case::Records(s) if s.magic == 2 => {
            let mut b = RecordBatchBuilder::new(s.base_offset)
                .compression(s.codec, s.level)
                .producer(s.producer_id, s.producer_epoch, s.base_sequence)
                .transactional(s.transactional)
                .partition_leader_epoch(s.partition_leader_epoch);
            if let Some(t) = s.log_append_time {
                b = b.log_append_time(t);
            }
            for r in &s.records {
                let delta = i32::try_from(r.offset - s.base_offset).unwrap();
                b.append_at_delta(
                    delta,
                    r.timestamp,
                    r.key.as_deref(),
                    r.value.as_deref(),
                    &header_refs(&r.headers),
                )
                .unwrap_or_else(|e| panic!("{}: {e}", s.name));
            }
            b.finish().unwrap()
        }
        Case::Records(s) => {
            let mut b = MessageSetBuilder::new(s.magic)
                .unwrap()
                .compression(s.codec, s.level)
                .unwrap();
            if let Some(t) = s.log_append_time {
                b = b.log_append_time(t);
            }
            for r in &s.records {
                b.append(r.offset, r.timestamp, r.key.as_deref(), r.value.as_deref())
                    .unwrap();
            }
            b.finish().unwrap()
        }
    }
}

// ---- what Java should see -------------------------------------------------

fn hex(b: &[u8]) -> String {
    b.iter()
        .fold(String::with_capacity(b.len() * 2), |mut s, x| {
            let _ = write!(s, "{x:02x}");
            s
        })
}

fn hex_or_null(b: Option<&[u8]>) -> Value {
    b.map_or(Value::Null, |b| Value::String(hex(b)))
}

/// Kafka's `DefaultRecordBatch.incrementSequence`.
fn increment_sequence(sequence: i32, increment: i32) -> i32 {
    if sequence > i32::MAX - increment {
        increment - (i32::MAX - sequence) - 1
    } else {
        sequence + increment
    }
}

fn json_headers(h: &Headers) -> Value {
    h.iter()
        .map(|(k, v)| json!([hex(k), hex_or_null(v.as_deref())]))
        .collect()
}

/// The batches Java's reader reports for a case, in `Records.java`'s JSON,
/// without `checksum` and `sizeInBytes` (checked against our own bytes).
fn expected(case: &Case) -> Value {
    let batch = |base: i64, last: i64, count: Value| {
        json!({
            "magic": case.magic(), "codec": case.codec().name().unwrap().to_string(),
            "baseOffset": base, "lastOffset": last, "nextOffset": last + 1, "count": count,
            "partitionLeaderEpoch": -1, "producerId": -1, "producerEpoch": -1,
            "baseSequence": -1, "lastSequence": -1, "transactional": false, "control": false,
            "deleteHorizonMs": null,
        })
    };
    let s = match case {
        Case::Marker(m) => {
            let mut b = batch(m.offset, m.offset, json!(1));
            let o = b.as_object_mut().unwrap();
            o.insert(
                "partitionLeaderEpoch".into(),
                json!(m.partition_leader_epoch),
            );
            o.insert("producerId".into(), json!(m.producer_id));
            o.insert("producerEpoch".into(), json!(m.producer_epoch));
            o.insert("transactional".into(), json!(true));
            o.insert("control".into(), json!(true));
            o.insert("timestampType".into(), json!("CreateTime"));
            o.insert("maxTimestamp".into(), json!(m.timestamp));
            let key = [0, 0, 0, u8::from(m.commit)];
            let mut value = vec![0, 0];
            value.extend_from_slice(&m.coordinator_epoch.to_be_bytes());
            o.insert(
                "records".into(),
                json!([{
                    "offset": m.offset, "timestamp": m.timestamp, "sequence": -1,
                    "key": hex(&key), "value": hex(&value), "headers": [],
                    "marker": {"type": if m.commit { "COMMIT" } else { "ABORT" },
                               "coordinatorEpoch": m.coordinator_epoch},
                }]),
            );
            return json!({ "batches": [b] });
        }
        Case::Records(s) => s,
    };
    let ts_type = match (s.magic, s.log_append_time) {
        (0, _) => "NoTimestampType",
        (_, Some(_)) => "LogAppendTime",
        _ => "CreateTime",
    };
    let effective = |r: &Rec| match (s.magic, s.log_append_time) {
        (0, _) => -1,
        (_, Some(t)) => t,
        _ => r.timestamp,
    };
    let record = |r: &Rec| {
        let sequence = if s.base_sequence < 0 {
            -1
        } else {
            increment_sequence(s.base_sequence, (r.offset - s.base_offset) as i32)
        };
        json!({
            "offset": r.offset, "timestamp": effective(r), "sequence": sequence,
            "key": hex_or_null(r.key.as_deref()), "value": hex_or_null(r.value.as_deref()),
            "headers": json_headers(&r.headers),
        })
    };
    let max_ts = s.records.iter().map(effective).max().unwrap_or(-1);
    let first = s.records.first().map_or(s.base_offset, |r| r.offset);
    let last = s.records.last().map_or(s.base_offset, |r| r.offset);
    let batches: Vec<Value> = if s.magic == 2 {
        let mut b = batch(s.base_offset, last, json!(s.records.len()));
        let o = b.as_object_mut().unwrap();
        o.insert(
            "partitionLeaderEpoch".into(),
            json!(s.partition_leader_epoch),
        );
        o.insert("producerId".into(), json!(s.producer_id));
        o.insert("producerEpoch".into(), json!(s.producer_epoch));
        o.insert("baseSequence".into(), json!(s.base_sequence));
        let last_seq = if s.base_sequence < 0 {
            -1
        } else {
            increment_sequence(s.base_sequence, (last - s.base_offset) as i32)
        };
        o.insert("lastSequence".into(), json!(last_seq));
        o.insert("transactional".into(), json!(s.transactional));
        o.insert("timestampType".into(), json!(ts_type));
        o.insert("maxTimestamp".into(), json!(max_ts));
        o.insert(
            "records".into(),
            s.records.iter().map(record).collect::<Value>(),
        );
        vec![b]
    } else if s.codec == Compression::NONE {
        // Each uncompressed legacy message is a batch of its own.
        s.records
            .iter()
            .map(|r| {
                let mut b = batch(r.offset, r.offset, Value::Null);
                let o = b.as_object_mut().unwrap();
                o.insert("timestampType".into(), json!(ts_type));
                o.insert("maxTimestamp".into(), json!(effective(r)));
                o.insert("records".into(), json!([record(r)]));
                b
            })
            .collect()
    } else {
        let mut b = batch(first, last, Value::Null);
        let o = b.as_object_mut().unwrap();
        o.insert("timestampType".into(), json!(ts_type));
        o.insert("maxTimestamp".into(), json!(max_ts));
        o.insert(
            "records".into(),
            s.records.iter().map(record).collect::<Value>(),
        );
        vec![b]
    };
    json!({ "batches": batches })
}

/// The first difference between two JSON values, by path, values shortened.
fn diff(path: &str, got: &Value, want: &Value) -> Option<String> {
    let short = |v: &Value| {
        let s = v.to_string();
        if s.len() > 120 {
            format!("{}... ({} chars)", &s[..120], s.len())
        } else {
            s
        }
    };
    match (got, want) {
        (Value::Object(a), Value::Object(b)) => {
            for k in a.keys().chain(b.keys()) {
                let (x, y) = (
                    a.get(k).unwrap_or(&Value::Null),
                    b.get(k).unwrap_or(&Value::Null),
                );
                if a.contains_key(k) != b.contains_key(k) {
                    return Some(format!(
                        "{path}.{k}: Java {} / expected {}",
                        short(x),
                        short(y)
                    ));
                }
                if let Some(d) = diff(&format!("{path}.{k}"), x, y) {
                    return Some(d);
                }
            }
            None
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => a
            .iter()
            .zip(b)
            .enumerate()
            .find_map(|(i, (x, y))| diff(&format!("{path}[{i}]"), x, y)),
        _ if got == want => None,
        _ => Some(format!(
            "{path}: Java {} / expected {}",
            short(got),
            short(want)
        )),
    }
}

// ---- what we should see in Java's bytes -------------------------------------

fn spec_json(case: &Case) -> Value {
    match case {
        Case::Marker(m) => json!({
            "marker": if m.commit { "COMMIT" } else { "ABORT" },
            "coordinatorEpoch": m.coordinator_epoch, "offset": m.offset, "timestamp": m.timestamp,
            "partitionLeaderEpoch": m.partition_leader_epoch, "producerId": m.producer_id,
            "producerEpoch": m.producer_epoch,
        }),
        Case::Records(s) => json!({
            "magic": s.magic, "codec": s.codec.name().unwrap(), "level": s.level,
            "timestampType": match (s.magic, s.log_append_time) {
                (0, _) => "NoTimestampType", (_, Some(_)) => "LogAppendTime", _ => "CreateTime",
            },
            "logAppendTime": s.log_append_time.unwrap_or(-1), "baseOffset": s.base_offset,
            "producerId": s.producer_id, "producerEpoch": s.producer_epoch,
            "baseSequence": s.base_sequence, "transactional": s.transactional,
            "partitionLeaderEpoch": s.partition_leader_epoch,
            "records": s.records.iter().map(|r| json!({
                "offset": r.offset, "timestamp": r.timestamp,
                "key": hex_or_null(r.key.as_deref()), "value": hex_or_null(r.value.as_deref()),
                "headers": json_headers(&r.headers),
            })).collect::<Value>(),
        }),
    }
}

/// How our rebuild of a Java-built case compared.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Rebuild {
    /// Same bytes.
    Exact,
    /// Compressed with the same codec, level and framing; the uncompressed
    /// records and every header field but length and CRC are the same, the
    /// compressed bytes differ (another implementation of the codec).
    SameContent,
}

fn options() -> ReadOptions {
    ReadOptions::default()
}

/// Reads a Java-built v2 batch with kafkawire-records and checks it against the case.
fn check_java_v2(case: &Case, java: &Bytes) -> Rebuild {
    let name = case.name();
    let mut stream = BatchStream::with_options(java.clone(), options());
    let Some(Ok(Batch::V2(batch))) = stream.next() else {
        panic!("{name}: expected a v2 batch");
    };
    assert!(
        stream.next().is_none() && stream.partial_tail().is_none(),
        "{name}: one batch"
    );
    batch.verify_crc().unwrap();
    batch
        .validate(&options())
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    let mut again = Vec::new();
    batch.encode(&mut again).unwrap();
    assert_eq!(again, java[..], "{name}: re-encode");
    let records: Vec<_> = batch
        .records(&options())
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap_or_else(|e| panic!("{name}: {e}"));

    match case {
        Case::Marker(m) => {
            assert!(batch.is_control() && batch.is_transactional(), "{name}");
            assert_eq!(
                (
                    batch.base_offset,
                    batch.partition_leader_epoch,
                    batch.producer_id
                ),
                (m.offset, m.partition_leader_epoch, m.producer_id),
                "{name}"
            );
            assert_eq!(
                (batch.producer_epoch, batch.base_sequence),
                (m.producer_epoch, -1)
            );
            assert_eq!(
                (batch.max_timestamp, records.len()),
                (m.timestamp, 1),
                "{name}"
            );
            let control = ControlRecord::from_record(&records[0]).unwrap();
            let (version, value) = control.decode_value().unwrap().unwrap();
            let marker = EndTxnMarker::default().with_coordinator_epoch(m.coordinator_epoch);
            let want = if m.commit {
                ControlValue::Commit(marker)
            } else {
                ControlValue::Abort(marker)
            };
            assert_eq!((version, value), (0, want), "{name}");
        }
        Case::Records(s) => {
            assert_eq!(batch.compression(), s.codec, "{name}");
            assert_eq!(batch.base_offset, s.base_offset, "{name}");
            assert_eq!(batch.partition_leader_epoch, s.partition_leader_epoch);
            assert_eq!(
                (batch.producer_id, batch.producer_epoch, batch.base_sequence),
                (s.producer_id, s.producer_epoch, s.base_sequence),
                "{name}"
            );
            assert_eq!(batch.is_transactional(), s.transactional, "{name}");
            assert!(!batch.is_control(), "{name}");
            let ts_type = if s.log_append_time.is_some() {
                TimestampType::LogAppendTime
            } else {
                TimestampType::CreateTime
            };
            assert_eq!(batch.attributes.timestamp_type(), ts_type, "{name}");
            let max = s
                .log_append_time
                .unwrap_or_else(|| s.records.iter().map(|r| r.timestamp).max().unwrap_or(-1));
            assert_eq!(batch.max_timestamp, max, "{name}");
            assert_eq!(batch.record_count as usize, s.records.len(), "{name}");
            assert_eq!(
                batch.last_offset(),
                s.records.last().unwrap().offset,
                "{name}"
            );
            assert_eq!(records.len(), s.records.len(), "{name}");
            for (r, w) in records.iter().zip(&s.records) {
                assert_eq!(r.offset, w.offset, "{name}");
                assert_eq!(
                    r.timestamp,
                    s.log_append_time.unwrap_or(w.timestamp),
                    "{name}"
                );
                assert_eq!(r.key.as_deref(), w.key.as_deref(), "{name} @{}", w.offset);
                assert_eq!(
                    r.value.as_deref(),
                    w.value.as_deref(),
                    "{name} @{}",
                    w.offset
                );
                let headers: Headers = r
                    .headers
                    .iter()
                    .map(|h| (h.key.to_vec(), h.value.map(|v| v.to_vec())))
                    .collect();
                assert_eq!(headers, w.headers, "{name} @{}", w.offset);
            }
        }
    }
    rebuild_v2(case, &batch, java)
}

/// Our builder on the same input: the same bytes when uncompressed; when
/// compressed, the same header (but length and CRC) and the same
/// uncompressed records, and whether the compressed bytes match too.
fn rebuild_v2(case: &Case, java_batch: &RecordBatch, java: &Bytes) -> Rebuild {
    let name = case.name();
    let ours = build_ours(case);
    if ours == *java {
        return Rebuild::Exact;
    }
    assert_ne!(
        case.codec(),
        Compression::NONE,
        "{name}: uncompressed rebuild differs"
    );
    let ours = RecordBatch::decode(&mut ours.clone(), &options()).unwrap();
    let strip = |b: &RecordBatch| {
        let mut b = b.clone();
        (b.batch_length, b.crc, b.records) = (0, 0, Bytes::new());
        b
    };
    assert_eq!(strip(&ours), strip(java_batch), "{name}: header");
    assert_eq!(
        ours.uncompressed_records(usize::MAX).unwrap(),
        java_batch.uncompressed_records(usize::MAX).unwrap(),
        "{name}: uncompressed records"
    );
    assert_framing(
        name,
        case.codec(),
        &ours.records,
        &java_batch.records,
        false,
    );
    Rebuild::SameContent
}

/// The codec's framing, as far as it does not depend on the compressor's
/// choices: gzip's member header (but XFL and OS), snappy-java's xerial
/// header and block layout, Kafka's LZ4 frame descriptor and block layout
/// (block sizes differ, the uncompressed size of each block does not), a
/// single zstd frame.
fn assert_framing(name: &str, codec: Compression, ours: &[u8], java: &[u8], magic0: bool) {
    match codec {
        Compression::GZIP => {
            assert_eq!(ours[..8], java[..8], "{name}: gzip header");
        }
        Compression::SNAPPY => {
            assert_eq!(ours[..16], java[..16], "{name}: xerial header");
            assert_eq!(
                xerial_blocks(ours),
                xerial_blocks(java),
                "{name}: xerial blocks"
            );
        }
        Compression::LZ4 => {
            assert_eq!(ours[..7], java[..7], "{name}: lz4 frame descriptor");
            assert_eq!(
                lz4_blocks(ours, magic0),
                lz4_blocks(java, magic0),
                "{name}: lz4 blocks"
            );
        }
        Compression::ZSTD => {
            assert_eq!(ours[..4], java[..4], "{name}: zstd magic");
        }
        _ => unreachable!(),
    }
}

/// Uncompressed size of each xerial block.
fn xerial_blocks(b: &[u8]) -> Vec<usize> {
    let mut at = 16;
    let mut out = Vec::new();
    while at < b.len() {
        let len = u32::from_be_bytes(b[at..at + 4].try_into().unwrap()) as usize;
        // A raw snappy block on its own.
        let block = &b[at + 4..at + 4 + len];
        let plain = kafkawire_compress::decompress(Compression::SNAPPY, block, usize::MAX).unwrap();
        out.push(plain.len());
        at += 4 + len;
    }
    out
}

/// Uncompressed size of each LZ4 block of a Kafka frame (no checksums).
fn lz4_blocks(b: &[u8], magic0: bool) -> Vec<usize> {
    let mut at = 7;
    let mut out = Vec::new();
    loop {
        let word = u32::from_le_bytes(b[at..at + 4].try_into().unwrap());
        at += 4;
        if word == 0 {
            break;
        }
        let len = (word & 0x7fff_ffff) as usize;
        // The block alone in a frame with the same descriptor.
        let mut frame = b[..7].to_vec();
        frame.extend_from_slice(&b[at - 4..at + len]);
        frame.extend_from_slice(&[0; 4]);
        let plain = if magic0 {
            kafkawire_compress::lz4::decompress_legacy_magic0(&frame, usize::MAX)
        } else {
            kafkawire_compress::decompress(Compression::LZ4, &frame, usize::MAX)
        };
        out.push(plain.unwrap().len());
        at += len;
    }
    assert_eq!(
        at,
        b.len(),
        "lz4 end mark ends the frame (magic 0: {magic0})"
    );
    out
}

/// Reads a Java-built legacy message set and checks it against the case.
fn check_java_legacy(s: &Spec, java: &Bytes) -> Rebuild {
    let name = &s.name;
    let entries: Vec<LegacyMessage> = BatchStream::with_options(java.clone(), options())
        .map(|b| match b.unwrap_or_else(|e| panic!("{name}: {e}")) {
            Batch::Legacy(m) => m,
            Batch::V2(_) => panic!("{name}: a v2 batch"),
        })
        .collect();
    let mut again = Vec::new();
    let mut resolved = Vec::new();
    for m in &entries {
        assert_eq!(m.magic, s.magic, "{name}");
        m.verify_crc().unwrap_or_else(|e| panic!("{name}: {e}"));
        m.encode(&mut again).unwrap();
        for r in m.messages(&options()).unwrap() {
            let r = r.unwrap_or_else(|e| panic!("{name}: {e}"));
            r.message.verify_crc().unwrap();
            resolved.push(r);
        }
    }
    assert_eq!(again, java[..], "{name}: re-encode");
    let wrappers = if s.codec == Compression::NONE {
        s.records.len()
    } else {
        1
    };
    assert_eq!(entries.len(), wrappers, "{name}: entries");
    assert_eq!(resolved.len(), s.records.len(), "{name}: messages");
    for (r, w) in resolved.iter().zip(&s.records) {
        assert_eq!(r.offset, w.offset, "{name}");
        let ts = match (s.magic, s.log_append_time) {
            (0, _) => None,
            (_, Some(t)) => Some(t),
            _ => Some(w.timestamp),
        };
        assert_eq!(r.timestamp, ts, "{name} @{}", w.offset);
        assert_eq!(
            r.message.key.as_deref(),
            w.key.as_deref(),
            "{name} @{}",
            w.offset
        );
        assert_eq!(r.message.value.as_deref(), w.value.as_deref(), "{name}");
    }
    rebuild_legacy(s, &entries, java)
}

fn rebuild_legacy(s: &Spec, java_entries: &[LegacyMessage], java: &Bytes) -> Rebuild {
    let name = &s.name;
    let ours = build_ours(&Case::Records(s.clone()));
    if ours == *java {
        return Rebuild::Exact;
    }
    assert_ne!(
        s.codec,
        Compression::NONE,
        "{name}: uncompressed rebuild differs"
    );
    let ours = LegacyMessage::decode(&mut ours.clone(), &options()).unwrap();
    let java = &java_entries[0];
    assert_eq!(
        (
            ours.offset,
            ours.magic,
            ours.attributes,
            ours.timestamp,
            &ours.key
        ),
        (
            java.offset,
            java.magic,
            java.attributes,
            java.timestamp,
            &java.key
        ),
        "{name}: wrapper"
    );
    let inner = |m: &LegacyMessage| -> Vec<u8> {
        let v = m.value.as_deref().unwrap();
        if m.magic == 0 && m.compression() == Compression::LZ4 {
            kafkawire_compress::lz4::decompress_legacy_magic0(v, usize::MAX).unwrap()
        } else {
            kafkawire_compress::decompress(m.compression(), v, usize::MAX).unwrap()
        }
    };
    assert_eq!(inner(&ours), inner(java), "{name}: inner message set");
    assert_framing(
        name,
        s.codec,
        ours.value.as_deref().unwrap(),
        java.value.as_deref().unwrap(),
        s.magic == 0,
    );
    Rebuild::SameContent
}

// ---- the oracle ---------------------------------------------------------------

fn ok_blob(answer: Answer, what: &str) -> Vec<u8> {
    match answer {
        Answer::Ok(mut blobs) if blobs.len() == 1 => blobs.remove(0),
        other => panic!("{what}: {other:?}"),
    }
}

fn read_items(cases: &[(Case, Bytes)]) -> Vec<Item> {
    cases
        .iter()
        .map(|(_, bytes)| Item {
            op: b'v',
            name: String::new(),
            version: 0,
            payload: bytes.to_vec(),
        })
        .collect()
}

fn build_items(cases: &[Case]) -> Vec<Item> {
    cases
        .iter()
        .map(|c| Item {
            op: b'b',
            name: String::new(),
            version: 0,
            payload: serde_json::to_vec(&spec_json(c)).unwrap(),
        })
        .collect()
}

/// Java reads what we built; checks Java's view against the case and our bytes.
fn java_reads_ours(jvm: &mut Jvm, cases: &[Case], matrix: &mut Matrix) {
    let built: Vec<(Case, Bytes)> = cases.iter().map(|c| (c.clone(), build_ours(c))).collect();
    let answers = jvm.batch(&read_items(&built));
    let direction = format!("Java {} reads ours", jvm.release());
    for ((case, bytes), answer) in built.iter().zip(answers) {
        let name = case.name();
        let blob = ok_blob(
            answer,
            &format!("{name}: Java {} reading ours", jvm.release()),
        );
        let mut got: Value = serde_json::from_slice(&blob).unwrap();
        // Sizes and checksums against our own bytes.
        let batches = got["batches"].as_array_mut().unwrap();
        let mut total = 0;
        let mut stream = BatchStream::new(bytes.clone());
        for b in batches.iter_mut() {
            let o = b.as_object_mut().unwrap();
            let size = o.remove("sizeInBytes").unwrap().as_u64().unwrap() as usize;
            let checksum = o.remove("checksum").unwrap().as_u64().unwrap();
            let crc = match stream.next().unwrap().unwrap() {
                Batch::V2(b) => b.crc,
                Batch::Legacy(m) => m.crc,
            };
            assert_eq!(checksum, u64::from(crc), "{name}: checksum");
            total += size;
        }
        assert_eq!(total, bytes.len(), "{name}: sizes");
        if let Some(d) = diff("", &got, &expected(case)) {
            panic!("{name}: Java {} read {d}", jvm.release());
        }
        matrix.add(case, &direction, None);
    }
}

/// We read what Java built from the same cases.
fn ours_reads_java(jvm: &mut Jvm, cases: &[Case], matrix: &mut Matrix) {
    let answers = jvm.batch(&build_items(cases));
    let direction = format!("ours reads Java {}", jvm.release());
    for (case, answer) in cases.iter().zip(answers) {
        let name = case.name();
        let java = Bytes::from(ok_blob(
            answer,
            &format!("{name}: Java {} building", jvm.release()),
        ));
        let rebuild = match case {
            Case::Records(s) if s.magic < 2 => check_java_legacy(s, &java),
            _ => check_java_v2(case, &java),
        };
        matrix.add(case, &direction, Some(rebuild));
    }
}

// ---- the matrix -----------------------------------------------------------------

#[derive(Default)]
struct Matrix {
    /// (magic, codec code, direction) -> (cases, byte-exact rebuilds).
    cells: BTreeMap<(i8, u8, String), (usize, usize)>,
    directions: Vec<String>,
    exact_compressed: BTreeMap<String, Vec<String>>,
    not_checked: Vec<String>,
}

impl Matrix {
    fn add(&mut self, case: &Case, direction: &str, rebuild: Option<Rebuild>) {
        if !self.directions.iter().any(|d| d == direction) {
            self.directions.push(direction.to_string());
        }
        let cell = self
            .cells
            .entry((case.magic(), case.codec().code(), direction.to_string()))
            .or_default();
        cell.0 += 1;
        if rebuild == Some(Rebuild::Exact) {
            cell.1 += 1;
            if case.codec() != Compression::NONE {
                self.exact_compressed
                    .entry(direction.to_string())
                    .or_default()
                    .push(case.name().to_string());
            }
        }
    }

    fn render(&self) -> String {
        let mut out = String::from(
            "\nrecord matrix: cases per codec x magic x direction; for \"ours reads Java\", \
             `n (=k)`: k of n rebuilt byte for byte by our builder\n\n| magic | codec |",
        );
        for d in &self.directions {
            let _ = write!(out, " {d} |");
        }
        out.push_str("\n|---|---|");
        out.push_str(&"---|".repeat(self.directions.len()));
        out.push('\n');
        let mut rows: Vec<(i8, u8)> = self.cells.keys().map(|(m, c, _)| (*m, *c)).collect();
        rows.dedup();
        for (magic, code) in rows {
            let codec = Compression::from_code(code);
            let _ = write!(out, "| {magic} | {codec} |");
            for d in &self.directions {
                match self.cells.get(&(magic, code, d.clone())) {
                    None => out.push_str(" - |"),
                    Some((n, _)) if d.starts_with("Java") => {
                        let _ = write!(out, " {n} |");
                    }
                    Some((n, k)) => {
                        let _ = write!(out, " {n} (={k}) |");
                    }
                }
            }
            out.push('\n');
        }
        for (d, names) in &self.exact_compressed {
            let _ = writeln!(
                out,
                "\ncompressed and still byte for byte ({d}): {}",
                names.join(", ")
            );
        }
        for n in &self.not_checked {
            let _ = writeln!(out, "NOT CHECKED: {n}");
        }
        out
    }
}

fn start(release: &str) -> Jvm {
    Jvm::start(release).unwrap_or_else(|e| panic!("{e}"))
}

/// Everything, in one test so that the two JVMs are started once and the
/// matrix covers every direction.
#[test]
fn records_both_ways_against_java() {
    let legacy_jvm = std::thread::spawn(|| start(LEGACY));
    let mut current = start(CURRENT);
    let mut matrix = Matrix::default();

    let mut v2: Vec<Case> = v2_cases();
    v2.extend(level_cases());
    v2.extend(marker_cases());
    let legacy = legacy_cases();

    // The current release: v2 and magic 0 and 1 both ways (Kafka 4 removed
    // the old formats from the protocol, but MemoryRecordsBuilder still
    // writes them).
    java_reads_ours(&mut current, &v2, &mut matrix);
    java_reads_ours(&mut current, &legacy, &mut matrix);
    ours_reads_java(&mut current, &v2, &mut matrix);
    ours_reads_java(&mut current, &legacy, &mut matrix);

    // A batch with a delete horizon (set by the log cleaner): Java's public
    // builders take none, so only this direction.
    let mut b = RecordBatchBuilder::new(0).delete_horizon(T0 + 5);
    b.append(T0, Some(b"k"), None, &[]).unwrap();
    let answers = current.batch(&read_items(&[(
        Case::Records(plain("delete-horizon", 2, Compression::NONE, 0, vec![])),
        b.finish().unwrap(),
    )]));
    let got: Value =
        serde_json::from_slice(&ok_blob(answers[0].clone(), "delete-horizon")).unwrap();
    assert_eq!(got["batches"][0]["deleteHorizonMs"], json!(T0 + 5));
    assert_eq!(got["batches"][0]["records"][0]["timestamp"], json!(T0));
    matrix.not_checked.push(format!(
        "delete horizon built by Java: MemoryRecords.builder takes none (ours -> Java {} checked)",
        jvm::CURRENT
    ));

    // 3.9, the last release with the old formats in the protocol: the same.
    let mut legacy_jvm = legacy_jvm.join().unwrap();
    java_reads_ours(&mut legacy_jvm, &legacy, &mut matrix);
    ours_reads_java(&mut legacy_jvm, &legacy, &mut matrix);
    java_reads_ours(&mut legacy_jvm, &v2, &mut matrix);
    ours_reads_java(&mut legacy_jvm, &v2, &mut matrix);

    jvm::report("records-matrix", &matrix.render());
}
