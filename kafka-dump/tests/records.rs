//! `records` fields expanded into batches and records: from the captures
//! (kcat's uncompressed and LZ4 batches, in the Produce request and in the
//! Fetch response that returns them) and from frames built here (legacy
//! message sets, a cut batch, a batch that cannot be decompressed,
//! ShareFetch).

mod common;

use bytes::{Bytes, BytesMut};
use common::{data, json, parse_lines, run};
use kafkawire::frame::{encode_request, encode_response};
use kafkawire::messages::{
    FetchResponse, ProduceRequest, RequestHeader, ShareFetchResponse, fetch_response,
    produce_request, share_fetch_response,
};
use kafkawire::{ApiKey, Uuid};
use kafkawire_records::{Compression, MessageSetBuilder, RecordBatchBuilder};
use serde_json::{Value, json};

fn path(name: &str) -> String {
    data(name).to_str().unwrap().to_owned()
}

/// The `records` value of the first partition of a Produce request or a
/// Fetch response.
fn records_of(frame: &Value) -> &Value {
    let body = &frame["body"];
    match frame["api"].as_str() {
        Some("Produce") => &body["topicData"][0]["partitionData"][0]["records"],
        Some("Fetch") | Some("ShareFetch") => &body["responses"][0]["partitions"][0]["records"],
        other => panic!("no records in {other:?}"),
    }
}

fn find<'a>(frames: &'a [Value], api: &str, direction: &str) -> &'a Value {
    frames
        .iter()
        .find(|f| f["api"] == api && f["direction"] == direction && !records_of(f).is_null())
        .unwrap_or_else(|| panic!("no {api} {direction} with records"))
}

#[test]
fn lz4_batch_in_produce_request_and_fetch_response() {
    for capture in [
        "kcat-2.0.2-lz4-produce-consume-mock.pcapng",
        "kcat-2.0.2-lz4-produce-consume-mock.pcap",
    ] {
        let frames = json(&[&path(capture)], 0);
        let produce = find(&frames, "Produce", "request");
        let fetch = find(&frames, "Fetch", "response");
        assert_eq!(produce["packet"], 14);
        assert_eq!(fetch["packet"], 37);
        for frame in [produce, fetch] {
            let records = records_of(frame);
            assert_eq!(records["sizeInBytes"], 175, "{records}");
            assert!(records.get("partialBatch").is_none());
            let batches = records["batches"].as_array().unwrap();
            assert_eq!(batches.len(), 1);
            let b = &batches[0];
            assert_eq!(b["magic"], 2);
            assert_eq!(b["compression"], "lz4");
            assert_eq!(b["crcValid"], true);
            assert_eq!(b["baseOffset"], 0);
            assert_eq!(b["recordCount"], 4);
            assert_eq!(b["producerId"], -1);
            assert!(b.get("error").is_none(), "{b}");
            let r = b["records"].as_array().unwrap();
            let keys: Vec<&Value> = r.iter().map(|r| &r["key"]).collect();
            let values: Vec<&Value> = r.iter().map(|r| &r["value"]).collect();
            let offsets: Vec<&Value> = r.iter().map(|r| &r["offset"]).collect();
            assert_eq!(
                keys,
                [&json!("key1"), &json!("key2"), &json!(""), &json!("key4")]
            );
            assert_eq!(
                values,
                [
                    &json!("hello"),
                    &json!("wörld"),
                    &json!("no key"),
                    &json!({"base64": "AAH/"})
                ]
            );
            assert_eq!(offsets, [&json!(0), &json!(1), &json!(2), &json!(3)]);
            for r in r {
                assert_eq!(
                    r["headers"],
                    json!([{"key": "trace", "value": "abc"}, {"key": "app", "value": "kafka-dump"}])
                );
                assert_eq!(r["timestamp"], b["baseTimestamp"]);
            }
        }
    }
}

#[test]
fn uncompressed_batch_and_no_records_flag() {
    let capture = path("kcat-2.0.2-produce-consume-mock.pcap");
    let frames = json(&[&capture], 0);
    for (api, direction) in [("Produce", "request"), ("Fetch", "response")] {
        let b = &records_of(find(&frames, api, direction))["batches"][0];
        assert_eq!(b["compression"], "none");
        let values: Vec<&Value> = b["records"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| &r["value"])
            .collect();
        assert_eq!(values, [&json!("hello"), &json!("world"), &json!("third")]);
        assert!(
            b["records"]
                .as_array()
                .unwrap()
                .iter()
                .all(|r| r["key"].is_null())
        );
    }
    // --no-records: the base64 of the blob, as kafkawire writes it.
    let raw = json(&["--no-records", &capture], 0);
    let produce = find(&raw, "Produce", "request");
    let b64 = records_of(produce).as_str().expect("base64 string");
    let size = records_of(find(&frames, "Produce", "request"))["sizeInBytes"]
        .as_u64()
        .unwrap();
    assert_eq!(b64.len() as u64, size.div_ceil(3) * 4);
}

fn request_frame(version: i16, body: &ProduceRequest) -> BytesMut {
    let header = RequestHeader::default()
        .with_request_api_key(ApiKey::PRODUCE.0)
        .with_request_api_version(version)
        .with_correlation_id(9)
        .with_client_id(Some("test".into()));
    let mut buf = BytesMut::new();
    encode_request(&mut buf, &header, body).unwrap();
    buf
}

fn produce(records: Bytes) -> ProduceRequest {
    ProduceRequest::default().with_acks(1).with_topic_data(vec![
        produce_request::TopicProduceData::default()
            .with_name("t".into())
            .with_partition_data(vec![
                produce_request::PartitionProduceData::default()
                    .with_index(0)
                    .with_records(Some(records)),
            ]),
    ])
}

#[test]
fn legacy_message_sets_in_old_produce_requests() {
    let mut wire = BytesMut::new();
    for (version, magic, codec) in [
        (0, 0, Compression::NONE),
        (2, 1, Compression::GZIP),
        (2, 1, Compression::SNAPPY),
    ] {
        let mut set = MessageSetBuilder::new(magic)
            .unwrap()
            .compression(codec, None)
            .unwrap();
        set.append(0, 1_500_000_000_000, Some(b"k"), Some(b"legacy one"))
            .unwrap();
        set.append(1, 1_500_000_000_001, None, Some(b"\x00\x01"))
            .unwrap();
        wire.extend_from_slice(&request_frame(version, &produce(set.finish().unwrap())));
    }
    let out = run(&["--requests", "-"], &wire);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let frames = parse_lines(&out.stdout);
    assert_eq!(frames.len(), 3);
    for (f, (magic, codec)) in frames.iter().zip([(0, "none"), (1, "gzip"), (1, "snappy")]) {
        let batches = records_of(f)["batches"].as_array().unwrap();
        assert!(
            batches
                .iter()
                .all(|b| b["magic"] == magic && b["compression"] == codec),
            "{f}"
        );
        let records: Vec<&Value> = batches
            .iter()
            .flat_map(|b| b["records"].as_array().unwrap())
            .collect();
        assert_eq!(records.len(), 2, "{f}");
        assert_eq!(records[0]["key"], "k");
        assert_eq!(records[0]["value"], "legacy one");
        assert_eq!(records[1]["key"], Value::Null);
        assert_eq!(records[1]["value"], json!({"base64": "AAE="}));
        assert_eq!(records[1]["offset"], 1);
        let ts = if magic == 1 {
            json!(1_500_000_000_001i64)
        } else {
            Value::Null
        };
        assert_eq!(records[1]["timestamp"], ts);
    }
}

fn batch(codec: Compression, base_offset: i64, value: &[u8]) -> Bytes {
    let mut b = RecordBatchBuilder::new(base_offset).compression(codec, None);
    b.append(1_700_000_000_000, Some(b"k"), Some(value), &[])
        .unwrap();
    b.finish().unwrap()
}

#[test]
fn fetch_response_with_a_bad_batch_and_a_cut_one() {
    let good = batch(Compression::ZSTD, 0, b"first");
    let mut broken = batch(Compression::ZSTD, 1, b"second").to_vec();
    broken[kafkawire_records::BATCH_HEADER_LEN] ^= 0xff; // the zstd frame's magic
    let third = batch(Compression::NONE, 2, b"third");
    let mut blob = good.to_vec();
    blob.extend_from_slice(&broken);
    blob.extend_from_slice(&third);
    blob.extend_from_slice(&third[..40]); // cut by the broker's byte limit
    let body = FetchResponse::default().with_responses(vec![
        fetch_response::FetchableTopicResponse::default()
            .with_topic("t".into())
            .with_partitions(vec![
                fetch_response::PartitionData::default()
                    .with_high_watermark(3)
                    .with_records(Some(Bytes::from(blob))),
            ]),
    ]);
    let mut wire = BytesMut::new();
    encode_response(&mut wire, 5, 4, &body).unwrap();
    let out = run(&["--responses", "Fetch:4", "-"], &wire);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let frames = parse_lines(&out.stdout);
    let f = &frames[0];
    assert_eq!(
        (
            f["api"].as_str(),
            f["apiVersion"].as_i64(),
            f["correlationId"].as_i64()
        ),
        (Some("Fetch"), Some(4), Some(5))
    );
    let records = records_of(f);
    assert_eq!(records["partialBatch"], json!({"sizeInBytes": 40}));
    let b = records["batches"].as_array().unwrap();
    assert_eq!(b.len(), 3, "{records}");
    assert_eq!(b[0]["records"][0]["value"], "first");
    assert_eq!(b[1]["compression"], "zstd");
    assert_eq!(b[1]["crcValid"], false);
    assert_eq!(b[1]["records"], json!([]));
    assert!(b[1]["error"].as_str().unwrap().contains("zstd"), "{}", b[1]);
    assert_eq!(b[2]["records"][0]["value"], "third");
    assert_eq!(b[2]["records"][0]["offset"], 2);
}

#[test]
fn share_fetch_records_too() {
    let body = ShareFetchResponse::default().with_responses(vec![
        share_fetch_response::ShareFetchableTopicResponse::default()
            .with_topic_id(Uuid::from_bytes([7; 16]))
            .with_partitions(vec![
                share_fetch_response::PartitionData::default().with_records(Some(batch(
                    Compression::GZIP,
                    10,
                    b"shared",
                ))),
            ]),
    ]);
    let mut wire = BytesMut::new();
    encode_response(&mut wire, 1, 1, &body).unwrap();
    let frames = parse_lines(&run(&["--responses", "ShareFetch:1", "-"], &wire).stdout);
    let b = &records_of(&frames[0])["batches"][0];
    assert_eq!(b["compression"], "gzip");
    assert_eq!(b["records"][0]["value"], "shared");
    assert_eq!(b["records"][0]["offset"], 10);
}
