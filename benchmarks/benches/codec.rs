#![allow(missing_docs)] // criterion_group! generates undocumented functions
//! Encode and decode throughput of typical large messages, through this crate
//! and through the crates.io `kafka-protocol` crate (0.18) in the same run, on
//! the same bytes (ours encodes them; both decode them; each re-encodes its
//! own decoded value).
//!
//! `cd benchmarks && cargo bench --bench codec`

use bytes::{Bytes, BytesMut};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use kafkawire::Message;
use kafkawire::messages::fetch_response::{FetchableTopicResponse, PartitionData};
use kafkawire::messages::metadata_response::{
    MetadataResponseBroker, MetadataResponsePartition, MetadataResponseTopic,
};
use kafkawire::messages::produce_request::{PartitionProduceData, TopicProduceData};
use kafkawire::messages::{FetchResponse, MetadataResponse, ProduceRequest};
use kafka_protocol_crates_io::protocol::{Decodable as TheirDecode, Encodable as TheirEncode};
use std::hint::black_box;

fn metadata() -> MetadataResponse {
    let brokers = (0..6)
        .map(|i| {
            MetadataResponseBroker::default()
                .with_node_id(i)
                .with_host(format!("broker-{i}.kafka.internal").into())
                .with_port(9092)
                .with_rack(Some(format!("rack-{}", i % 3).into()))
        })
        .collect();
    let topics = (0..100)
        .map(|t| {
            MetadataResponseTopic::default()
                .with_name(Some(format!("orders.events.v{t}").into()))
                .with_topic_id(kafkawire::Uuid::from_u64_pair(t, t * 7))
                .with_partitions(
                    (0..12)
                        .map(|p| {
                            MetadataResponsePartition::default()
                                .with_partition_index(p)
                                .with_leader_id(p % 6)
                                .with_leader_epoch(17)
                                .with_replica_nodes(vec![p % 6, (p + 1) % 6, (p + 2) % 6])
                                .with_isr_nodes(vec![p % 6, (p + 1) % 6])
                        })
                        .collect(),
                )
        })
        .collect();
    MetadataResponse::default()
        .with_brokers(brokers)
        .with_cluster_id(Some("k1".into()))
        .with_topics(topics)
}

fn produce() -> ProduceRequest {
    let records = Bytes::from(vec![0x42; 16 * 1024]);
    ProduceRequest::default().with_acks(-1).with_timeout_ms(30_000).with_topic_data(
        (0..4)
            .map(|t| {
                TopicProduceData::default()
                    .with_name(format!("topic-{t}").into())
                    .with_partition_data(
                        (0..8)
                            .map(|p| PartitionProduceData::default().with_index(p).with_records(Some(records.clone())))
                            .collect(),
                    )
            })
            .collect(),
    )
}

fn fetch() -> FetchResponse {
    let records = Bytes::from(vec![0x17; 64 * 1024]);
    FetchResponse::default().with_responses(
        (0..4)
            .map(|t| {
                FetchableTopicResponse::default()
                    .with_topic(format!("topic-{t}").into())
                    .with_partitions(
                        (0..8)
                            .map(|p| {
                                PartitionData::default()
                                    .with_partition_index(p)
                                    .with_high_watermark(1_000_000)
                                    .with_records(Some(records.clone()))
                            })
                            .collect(),
                    )
            })
            .collect(),
    )
}

fn bench_message<M, T>(c: &mut Criterion, name: &str, value: M, version: i16)
where
    M: Message,
    T: TheirDecode + TheirEncode,
{
    let bytes = value.to_bytes(version).expect("encode");
    let theirs = T::decode(&mut bytes.clone(), version).expect("crates.io kafka-protocol decodes it");
    let mut g = c.benchmark_group(name);
    g.throughput(Throughput::Bytes(bytes.len() as u64));
    g.bench_function(BenchmarkId::new("decode", "kafka-wire"), |b| {
        b.iter(|| M::decode(&mut black_box(bytes.clone()), version).unwrap())
    });
    g.bench_function(BenchmarkId::new("decode", "kafka-protocol-0.18"), |b| {
        b.iter(|| T::decode(&mut black_box(bytes.clone()), version).unwrap())
    });
    g.bench_function(BenchmarkId::new("encode", "kafka-wire"), |b| {
        let mut buf = BytesMut::with_capacity(bytes.len());
        b.iter(|| {
            buf.clear();
            black_box(&value).encode(&mut buf, version).unwrap();
        })
    });
    g.bench_function(BenchmarkId::new("encode", "kafka-protocol-0.18"), |b| {
        let mut buf = BytesMut::with_capacity(bytes.len());
        b.iter(|| {
            buf.clear();
            black_box(&theirs).encode(&mut buf, version).unwrap();
        })
    });
    g.finish();
}

fn benches(c: &mut Criterion) {
    use kafka_protocol_crates_io::messages as theirs;
    bench_message::<_, theirs::MetadataResponse>(c, "metadata_response_v12", metadata(), 12);
    bench_message::<_, theirs::MetadataResponse>(c, "metadata_response_v1", metadata(), 1);
    bench_message::<_, theirs::ProduceRequest>(c, "produce_request_v9", produce(), 9);
    bench_message::<_, theirs::FetchResponse>(c, "fetch_response_v12", fetch(), 12);
}

criterion_group!(codec, benches);
criterion_main!(codec);
