//! The `records` field of Produce requests, Fetch and ShareFetch responses
//! expanded into batches and records, as JSON.
//!
//! Shape (JSON Lines output is one object per frame; this is the value that
//! replaces a `records` field's base64 string):
//!
//! ```text
//! {"sizeInBytes": 123,
//!  "batches": [ {"magic": 2, "baseOffset": 0, ..., "compression": "lz4",
//!                "records": [ {"offset": 0, "timestamp": 1700000000000,
//!                              "key": "k", "value": "v", "headers": [...]} ]},
//!               {"magic": 1, "offset": 5, ..., "records": [...]} ],
//!  "partialBatch": {"sizeInBytes": 20},          // only if the blob ends in one
//!  "error": "..."}                               // only if framing failed
//! ```
//!
//! Keys, values and header values are JSON strings when they are valid UTF-8
//! without control characters other than tab, line feed and carriage
//! return; otherwise `{"base64": "..."}` (standard alphabet, padded); null
//! stays null. A batch that cannot be decompressed or whose records cannot
//! be read keeps its header fields and gets an `"error"` (with the records
//! read before the problem); the dump goes on.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use bytes::Bytes;
use kafkawire_records::control::ControlRecord;
use kafkawire_records::{
    Batch, BatchStream, LegacyMessage, ReadOptions, Record, RecordBatch, TimestampType,
};
use serde_json::{Map, Value, json};

/// A key, value or header as JSON: text when printable UTF-8, else base64.
pub fn bytes_json(b: Option<&[u8]>) -> Value {
    match b {
        None => Value::Null,
        Some(b) => match std::str::from_utf8(b) {
            Ok(s)
                if !s
                    .chars()
                    .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r')) =>
            {
                Value::String(s.to_owned())
            }
            _ => json!({ "base64": STANDARD.encode(b) }),
        },
    }
}

fn timestamp_type(t: TimestampType) -> &'static str {
    match t {
        TimestampType::CreateTime => "CreateTime",
        TimestampType::LogAppendTime => "LogAppendTime",
    }
}

fn compression_name(c: kafkawire_records::Compression) -> Value {
    match c.name() {
        Some(n) => Value::String(n.to_owned()),
        None => json!(format!("unknown({})", c.code())),
    }
}

/// Expands a records blob: every batch or legacy message, its records, and
/// a partial batch at the end. Never fails: problems are `"error"` fields.
pub fn expand(records: Bytes, options: &ReadOptions) -> Value {
    let size = records.len();
    let mut stream = BatchStream::with_options(records, *options);
    let mut batches = Vec::new();
    let mut error = None;
    for batch in stream.by_ref() {
        match batch {
            Ok(Batch::V2(b)) => batches.push(v2_json(&b, options)),
            Ok(Batch::Legacy(m)) => batches.push(legacy_json(&m, options)),
            Err(e) => error = Some(e.to_string()),
        }
    }
    let mut out = Map::new();
    out.insert("sizeInBytes".into(), json!(size));
    out.insert("batches".into(), Value::Array(batches));
    if let Some(tail) = stream.partial_tail() {
        out.insert("partialBatch".into(), json!({ "sizeInBytes": tail.len() }));
    }
    if let Some(e) = error {
        out.insert("error".into(), Value::String(e));
    }
    Value::Object(out)
}

fn v2_json(b: &RecordBatch, options: &ReadOptions) -> Value {
    let a = b.attributes;
    let mut out = json!({
        "magic": b.magic,
        "baseOffset": b.base_offset,
        "batchLength": b.batch_length,
        "partitionLeaderEpoch": b.partition_leader_epoch,
        "crc": b.crc,
        "crcValid": b.verify_crc().is_ok(),
        "attributes": a.0,
        "compression": compression_name(a.compression()),
        "timestampType": timestamp_type(a.timestamp_type()),
        "transactional": a.is_transactional(),
        "control": a.is_control(),
        "lastOffsetDelta": b.last_offset_delta,
        "baseTimestamp": b.base_timestamp,
        "maxTimestamp": b.max_timestamp,
        "producerId": b.producer_id,
        "producerEpoch": b.producer_epoch,
        "baseSequence": b.base_sequence,
        "recordCount": b.record_count,
    });
    let mut records = Vec::new();
    let mut error = None;
    match b.records(options) {
        Ok(iter) => {
            for r in iter {
                match r {
                    Ok(r) => records.push(record_json(&r, b.is_control())),
                    Err(e) => {
                        error = Some(e.to_string());
                        break;
                    }
                }
            }
        }
        Err(e) => error = Some(e.to_string()),
    }
    if let Value::Object(m) = &mut out {
        m.insert("records".into(), Value::Array(records));
        if let Some(e) = error {
            m.insert("error".into(), Value::String(e));
        }
    }
    out
}

fn record_json(r: &Record, control: bool) -> Value {
    let headers: Vec<Value> = r
        .headers
        .iter()
        .map(
            |h| json!({ "key": bytes_json(Some(&h.key)), "value": bytes_json(h.value.as_deref()) }),
        )
        .collect();
    let mut out = json!({
        "offset": r.offset,
        "offsetDelta": r.offset_delta,
        "timestamp": r.timestamp,
        "timestampDelta": r.timestamp_delta,
        "attributes": r.attributes,
        "key": bytes_json(r.key.as_deref()),
        "value": bytes_json(r.value.as_deref()),
        "headers": headers,
    });
    if control && let Value::Object(m) = &mut out {
        let c = match ControlRecord::from_record(r) {
            Ok(c) => json!({
                "version": c.key.version,
                "type": c.key.record_type.0,
                "typeName": c.key.record_type.name(),
            }),
            Err(e) => json!({ "error": e.to_string() }),
        };
        m.insert("controlRecord".into(), c);
    }
    out
}

fn legacy_json(m: &LegacyMessage, options: &ReadOptions) -> Value {
    let mut out = json!({
        "magic": m.magic,
        "offset": m.offset,
        "messageSize": m.message_size,
        "crc": m.crc,
        "crcValid": m.verify_crc().is_ok(),
        "attributes": m.attributes.0,
        "compression": compression_name(m.compression()),
        "timestampType": timestamp_type(m.timestamp_type()),
        "timestamp": m.timestamp,
    });
    let mut records = Vec::new();
    let mut error = None;
    match m.messages(options) {
        Ok(iter) => {
            for r in iter {
                match r {
                    Ok(r) => records.push(json!({
                        "offset": r.offset,
                        "timestamp": r.timestamp,
                        "timestampType": timestamp_type(r.timestamp_type),
                        "key": bytes_json(r.message.key.as_deref()),
                        "value": bytes_json(r.message.value.as_deref()),
                    })),
                    Err(e) => {
                        error = Some(e.to_string());
                        break;
                    }
                }
            }
        }
        Err(e) => error = Some(e.to_string()),
    }
    if let Value::Object(map) = &mut out {
        map.insert("records".into(), Value::Array(records));
        if let Some(e) = error {
            map.insert("error".into(), Value::String(e));
        }
    }
    out
}

/// Replaces, anywhere in `body`, the base64 string of every `records` field
/// with its [expansion](expand). Every field of that name in Kafka's schemas
/// has the `records` type (Produce, Fetch, ShareFetch); FetchSnapshot's
/// `unalignedRecords`, a raw slice of a snapshot file, is left as it is.
pub fn expand_in(body: &mut Value, options: &ReadOptions) {
    match body {
        Value::Object(map) => {
            for (name, value) in map.iter_mut() {
                if name == "records"
                    && let Value::String(b64) = value
                {
                    *value = match STANDARD.decode(b64.as_bytes()) {
                        Ok(raw) => expand(Bytes::from(raw), options),
                        Err(e) => {
                            json!({ "base64": b64.clone(), "error": format!("not base64: {e}") })
                        }
                    };
                } else {
                    expand_in(value, options);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| expand_in(v, options)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kafkawire_records::{Compression, MessageSetBuilder, RecordBatchBuilder};

    fn batch(codec: Compression, base: i64) -> Bytes {
        let mut b = RecordBatchBuilder::new(base).compression(codec, None);
        b.append(1_700_000_000_000, Some(b"k1"), Some(b"hello"), &[])
            .unwrap();
        b.append(
            1_700_000_000_005,
            None,
            Some(b"\x00\x01binary"),
            &[
                (b"trace".as_slice(), Some(b"abc".as_slice())),
                (b"empty".as_slice(), None),
            ],
        )
        .unwrap();
        b.finish().unwrap()
    }

    #[test]
    fn text_or_base64() {
        assert_eq!(bytes_json(None), Value::Null);
        assert_eq!(bytes_json(Some(b"a b\tc\n")), json!("a b\tc\n"));
        assert_eq!(bytes_json(Some(b"")), json!(""));
        assert_eq!(bytes_json(Some(b"\x00a")), json!({"base64": "AGE="}));
        assert_eq!(bytes_json(Some(b"\xff")), json!({"base64": "/w=="}));
        assert_eq!(bytes_json(Some(b"\x1b[31m")), json!({"base64": "G1szMW0="}));
    }

    #[test]
    fn v2_batches_every_codec_and_a_partial_tail() {
        for codec in [
            Compression::NONE,
            Compression::GZIP,
            Compression::SNAPPY,
            Compression::LZ4,
            Compression::ZSTD,
        ] {
            let one = batch(codec, 10);
            let mut blob = one.to_vec();
            blob.extend_from_slice(&batch(codec, 12));
            blob.extend_from_slice(&one[..30]);
            let v = expand(Bytes::from(blob), &ReadOptions::default());
            let batches = v["batches"].as_array().unwrap();
            assert_eq!(batches.len(), 2, "{codec}: {v}");
            assert_eq!(v["partialBatch"], json!({"sizeInBytes": 30}));
            assert!(v.get("error").is_none());
            let b = &batches[1];
            assert_eq!(b["compression"], json!(codec.name().unwrap()));
            assert_eq!(b["baseOffset"], json!(12));
            assert_eq!(b["recordCount"], json!(2));
            assert_eq!(b["crcValid"], json!(true));
            let r = b["records"].as_array().unwrap();
            assert_eq!(r.len(), 2);
            assert_eq!(r[0]["offset"], json!(12));
            assert_eq!(r[0]["key"], json!("k1"));
            assert_eq!(r[0]["value"], json!("hello"));
            assert_eq!(r[0]["timestamp"], json!(1_700_000_000_000i64));
            assert_eq!(r[1]["offset"], json!(13));
            assert_eq!(r[1]["key"], Value::Null);
            assert_eq!(r[1]["value"], json!({"base64": "AAFiaW5hcnk="}));
            assert_eq!(
                r[1]["headers"],
                json!([{"key": "trace", "value": "abc"}, {"key": "empty", "value": null}])
            );
        }
    }

    #[test]
    fn decompression_failure_is_reported_in_the_batch() {
        let mut raw = batch(Compression::LZ4, 0).to_vec();
        raw[kafkawire_records::BATCH_HEADER_LEN] ^= 0xff; // the LZ4 frame's magic (CRC now wrong too)
        let mut blob = raw.clone();
        blob.extend_from_slice(&batch(Compression::NONE, 2));
        let v = expand(Bytes::from(blob), &ReadOptions::default());
        let batches = v["batches"].as_array().unwrap();
        assert_eq!(batches.len(), 2, "{v}");
        assert_eq!(batches[0]["crcValid"], json!(false));
        assert!(batches[0]["error"].as_str().unwrap().contains("lz4"), "{v}");
        assert_eq!(batches[0]["records"], json!([]));
        assert_eq!(batches[0]["recordCount"], json!(2));
        // The next batch is still expanded.
        assert_eq!(batches[1]["records"][0]["value"], json!("hello"));
    }

    #[test]
    fn legacy_message_sets() {
        for (magic, codec) in [
            (0, Compression::NONE),
            (1, Compression::NONE),
            (0, Compression::GZIP),
            (1, Compression::SNAPPY),
        ] {
            let mut b = MessageSetBuilder::new(magic)
                .unwrap()
                .compression(codec, None)
                .unwrap();
            b.append(5, 1_600_000_000_000, Some(b"k"), Some(b"v1"))
                .unwrap();
            b.append(6, 1_600_000_000_001, None, Some(b"v2")).unwrap();
            let v = expand(b.finish().unwrap(), &ReadOptions::default());
            let batches = v["batches"].as_array().unwrap();
            let records: Vec<&Value> = batches
                .iter()
                .flat_map(|b| b["records"].as_array().unwrap())
                .collect();
            assert!(batches.iter().all(|b| b["magic"] == json!(magic)), "{v}");
            assert_eq!(records.len(), 2, "{v}");
            assert_eq!(records[0]["value"], json!("v1"));
            assert_eq!(records[0]["key"], json!("k"));
            assert_eq!(records[1]["value"], json!("v2"));
            assert_eq!(records[1]["offset"], json!(6));
            let ts = if magic == 1 {
                json!(1_600_000_000_001i64)
            } else {
                Value::Null
            };
            assert_eq!(records[1]["timestamp"], ts);
            if codec != Compression::NONE {
                assert_eq!(batches.len(), 1);
                assert_eq!(batches[0]["compression"], json!(codec.name().unwrap()));
            }
        }
    }

    #[test]
    fn framing_error_and_walk() {
        let mut bad = batch(Compression::NONE, 0).to_vec();
        bad[16] = 7; // magic
        let v = expand(Bytes::from(bad), &ReadOptions::default());
        assert_eq!(v["batches"], json!([]));
        assert!(v["error"].as_str().unwrap().contains("magic"), "{v}");

        let b64 = STANDARD.encode(batch(Compression::NONE, 0));
        let mut body = json!({
            "topicData": [{"name": "t", "partitionData": [
                {"index": 0, "records": b64},
                {"index": 1, "records": null},
                {"index": 2, "records": "!!"},
            ]}],
            "unalignedRecords": "AAAA",
        });
        expand_in(&mut body, &ReadOptions::default());
        let p = &body["topicData"][0]["partitionData"];
        assert_eq!(
            p[0]["records"]["batches"][0]["records"][0]["value"],
            json!("hello")
        );
        assert_eq!(p[1]["records"], Value::Null);
        assert!(
            p[2]["records"]["error"]
                .as_str()
                .unwrap()
                .contains("base64")
        );
        assert_eq!(body["unalignedRecords"], json!("AAAA"));
    }
}
