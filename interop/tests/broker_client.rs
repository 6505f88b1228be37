//! This workspace's codec as a client of real Kafka brokers: 4.4.0
//! ([`CURRENT`]) and 3.9.2 ([`LEGACY`], the versions Kafka 4.0 removed).
//!
//! Every response goes through [`Conn`]: decoded at its version, then
//! re-encoded (header, body and any trailing bytes) and compared byte for
//! byte with the frame on the wire. On top of that each test checks what the
//! broker says against what was done: error codes, the data read back, the
//! offsets, the committed offsets, the transaction markers.
//!
//! Versions come from the broker's own ApiVersions answer, intersected with
//! what this crate knows. What was exercised is written to
//! `target/interop-kafka/broker-client-coverage.txt`. One broker per release
//! serves the whole binary ([`Broker::shared`]); a broker that cannot start
//! fails the tests with the reason.

use bytes::{BufMut, Bytes, BytesMut};
use kafka_interop::broker::{self, Broker, CURRENT, Conn, LEGACY, SASL_USERS};
use kafkawire::messages as m;
use kafkawire::{ApiKey, Message, Request, Uuid};
use kafkawire_records::control::{ControlRecord, ControlRecordType, ControlValue};
use kafkawire_records::{
    Batch, BatchStream, Compression, MessageSetBuilder, ReadOptions, RecordBatch,
    RecordBatchBuilder,
};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

const CODECS: [Compression; 5] = [
    Compression::NONE,
    Compression::GZIP,
    Compression::SNAPPY,
    Compression::LZ4,
    Compression::ZSTD,
];

/// Kafka's error codes used below.
mod err {
    pub(crate) const NONE: i16 = 0;
    pub(crate) const UNKNOWN_TOPIC_OR_PARTITION: i16 = 3;
    pub(crate) const LEADER_NOT_AVAILABLE: i16 = 5;
    pub(crate) const NOT_LEADER_OR_FOLLOWER: i16 = 6;
    pub(crate) const COORDINATOR_LOAD_IN_PROGRESS: i16 = 14;
    pub(crate) const COORDINATOR_NOT_AVAILABLE: i16 = 15;
    pub(crate) const NOT_COORDINATOR: i16 = 16;
    pub(crate) const UNSUPPORTED_VERSION: i16 = 35;
    pub(crate) const TOPIC_ALREADY_EXISTS: i16 = 36;
    pub(crate) const CONCURRENT_TRANSACTIONS: i16 = 51;
    pub(crate) const SASL_AUTHENTICATION_FAILED: i16 = 58;
    pub(crate) const UNSUPPORTED_COMPRESSION_TYPE: i16 = 76;
    pub(crate) const MEMBER_ID_REQUIRED: i16 = 79;
    pub(crate) const UNSTABLE_OFFSET_COMMIT: i16 = 88;
    pub(crate) const UNKNOWN_TOPIC_ID: i16 = 100;
}

fn broker(release: &str) -> &'static Broker {
    Broker::shared(release).unwrap_or_else(|e| panic!("cannot start Kafka {release}: {e}"))
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// Topic and group names: unique per release (no dots, which Kafka warns about).
fn name(release: &str, what: &str) -> String {
    format!("{what}-{}", release.replace('.', ""))
}

// ---------------------------------------------------------------------------
// Coverage

/// API key -> release -> versions exercised (a response decoded and checked).
type Coverage = BTreeMap<i16, BTreeMap<String, BTreeSet<i16>>>;

fn coverage() -> &'static Mutex<Coverage> {
    static COVERAGE: OnceLock<Mutex<Coverage>> = OnceLock::new();
    COVERAGE.get_or_init(Default::default)
}

fn note(release: &str, api: ApiKey, version: i16) {
    coverage()
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .entry(api.0)
        .or_default()
        .entry(release.to_string())
        .or_default()
        .insert(version);
}

fn ranges(versions: &BTreeSet<i16>) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut iter = versions.iter().copied().peekable();
    while let Some(start) = iter.next() {
        let mut end = start;
        while iter.peek() == Some(&(end + 1)) {
            end += 1;
            iter.next();
        }
        out.push(if start == end {
            format!("{start}")
        } else {
            format!("{start}-{end}")
        });
    }
    out.join(",")
}

/// Writes the table of what this process exercised so far (each test calls
/// it when it is done; the last one to finish writes everything).
fn write_coverage() {
    let cov = coverage().lock().unwrap_or_else(|e| e.into_inner());
    let mut text = format!(
        "Real-broker client coverage: API versions whose response was decoded and re-encoded byte for byte\n\n{:<34} | {:<22} | {:<22}\n{}\n",
        "API",
        format!("vs {CURRENT}"),
        format!("vs {LEGACY}"),
        "-".repeat(84)
    );
    let mut totals = [0usize; 2];
    for (api, per_release) in cov.iter() {
        let cells: Vec<String> = [CURRENT, LEGACY]
            .iter()
            .enumerate()
            .map(|(i, r)| match per_release.get(*r) {
                Some(vs) => {
                    totals[i] += vs.len();
                    format!("{} ({})", ranges(vs), vs.len())
                }
                None => "-".into(),
            })
            .collect();
        text.push_str(&format!(
            "{:<34} | {:<22} | {:<22}\n",
            format!("{} ({api})", broker::api_name(ApiKey(*api))),
            cells[0],
            cells[1]
        ));
    }
    text.push_str(&format!(
        "{}\n{:<34} | {:<22} | {:<22}\n",
        "-".repeat(84),
        format!("{} APIs", cov.len()),
        format!("{} API versions", totals[0]),
        format!("{} API versions", totals[1])
    ));
    text.push_str(
        "\nAlso: ApiVersions sent at v127 (unknown to the broker) is answered with a v0 body, error 35, decoded and re-encoded as v0.\n",
    );
    broker::report("broker-client-coverage.txt", &text);
}

// ---------------------------------------------------------------------------
// A checked client

struct Client {
    conn: Conn,
    release: String,
}

impl Client {
    fn connect(b: &Broker) -> Client {
        Self::to(b.bootstrap(), b.release())
    }

    fn to(addr: std::net::SocketAddr, release: &str) -> Client {
        let conn = Conn::connect(addr).unwrap_or_else(|e| panic!("Kafka {release} at {addr}: {e}"));
        Client {
            conn,
            release: release.to_string(),
        }
    }

    fn call<R: Request>(&mut self, version: i16, request: &R) -> R::Response {
        match self.conn.call(version, request) {
            Ok((response, _)) => {
                note(&self.release, R::API_KEY, version);
                response
            }
            Err(e) => panic!("{} v{version} against Kafka {}: {e}", R::NAME, self.release),
        }
    }

    /// Calls until `retry` says the answer is final (coordinator loading,
    /// transactions still completing), for at most 30 s.
    fn call_until<R: Request>(
        &mut self,
        version: i16,
        request: &R,
        retry: impl Fn(&R::Response) -> bool,
    ) -> R::Response {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let r = self.call(version, request);
            if !retry(&r) || Instant::now() > deadline {
                return r;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

fn retriable(code: i16) -> bool {
    matches!(
        code,
        err::COORDINATOR_LOAD_IN_PROGRESS
            | err::COORDINATOR_NOT_AVAILABLE
            | err::NOT_COORDINATOR
            | err::CONCURRENT_TRANSACTIONS
            | err::UNSTABLE_OFFSET_COMMIT
    )
}

fn api_versions_request() -> m::ApiVersionsRequest {
    // Ignorable: dropped below v3. Kafka refuses empty ones from v3 on.
    m::ApiVersionsRequest::default()
        .with_client_software_name("kafka-wire".into())
        .with_client_software_version("0.1.0".into())
}

/// The broker's ApiVersions answer: API key -> (min, max).
fn broker_apis(release: &str) -> BTreeMap<i16, (i16, i16)> {
    type Cache = HashMap<String, BTreeMap<i16, (i16, i16)>>;
    static CACHE: OnceLock<Mutex<Cache>> = OnceLock::new();
    let mut cache = CACHE
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    cache
        .entry(release.to_string())
        .or_insert_with(|| {
            let mut c = Client::connect(broker(release));
            let r = c.call(3, &api_versions_request());
            assert_eq!(r.error_code, err::NONE);
            r.api_keys
                .iter()
                .map(|k| (k.api_key, (k.min_version, k.max_version)))
                .collect()
        })
        .clone()
}

/// The versions of `api` both the broker and this crate support, ascending.
fn versions(release: &str, api: ApiKey) -> Vec<i16> {
    let (lo, hi) = *broker_apis(release)
        .get(&api.0)
        .unwrap_or_else(|| panic!("Kafka {release} does not offer {api:?}"));
    let ours = api.versions().expect("an API this crate knows");
    (lo.max(ours.lowest)..=hi.min(ours.highest)).collect()
}

/// `i` clamped into `vs`.
fn clamp(vs: &[i16], i: i16) -> i16 {
    i.clamp(vs[0], vs[vs.len() - 1])
}

fn highest(release: &str, api: ApiKey) -> i16 {
    *versions(release, api).last().expect("a version")
}

// ---------------------------------------------------------------------------
// Topics, records

fn create_topic(c: &mut Client, topic: &str, partitions: i32) -> Uuid {
    let v = highest(&c.release, ApiKey::CREATE_TOPICS);
    let r = c.call(
        v,
        &m::CreateTopicsRequest::default()
            .with_timeout_ms(30_000)
            .with_topics(vec![
                m::create_topics_request::CreatableTopic::default()
                    .with_name(topic.into())
                    .with_num_partitions(partitions)
                    .with_replication_factor(1),
            ]),
    );
    let t = &r.topics[0];
    assert_eq!(
        (t.error_code, &t.error_message),
        (err::NONE, &None),
        "CreateTopics {topic}"
    );
    wait_topic(c, topic, partitions)
}

/// Waits until Metadata shows every partition of `topic` led by broker 1;
/// returns the topic id.
fn wait_topic(c: &mut Client, topic: &str, partitions: i32) -> Uuid {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let r = c.call(
            12,
            &m::MetadataRequest::default()
                .with_allow_auto_topic_creation(false)
                .with_topics(Some(vec![
                    m::metadata_request::MetadataRequestTopic::default()
                        .with_name(Some(topic.into())),
                ])),
        );
        if let Some(t) = r.topics.first() {
            if t.error_code == 0
                && t.partitions.len() == partitions as usize
                && t.partitions.iter().all(|p| p.leader_id == 1)
            {
                return t.topic_id;
            }
        }
        assert!(
            Instant::now() < deadline,
            "topic {topic} has no leader after 30 s: {r:?}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// A record as read back.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Rec {
    offset: i64,
    key: Option<Bytes>,
    value: Option<Bytes>,
    headers: Vec<(Bytes, Option<Bytes>)>,
}

fn options() -> ReadOptions {
    ReadOptions::default()
}

/// The v2 batches of a records blob, each with its records; CRCs checked,
/// no partial tail allowed.
fn read_batches(records: &Bytes) -> Vec<(RecordBatch, Vec<Rec>)> {
    let mut stream = BatchStream::with_options(records.clone(), options());
    let mut out = Vec::new();
    for batch in stream.by_ref() {
        let batch = batch.unwrap_or_else(|e| panic!("a fetched batch: {e}"));
        let Batch::V2(batch) = batch else {
            panic!("a legacy message where a v2 batch was expected");
        };
        batch.validate(&options()).expect("a valid batch");
        let recs = batch
            .records(&options())
            .expect("records")
            .map(|r| {
                let r = r.expect("a record");
                Rec {
                    offset: r.offset,
                    key: r.key.clone(),
                    value: r.value.clone(),
                    headers: r.headers.iter().map(|h| (h.key, h.value)).collect(),
                }
            })
            .collect();
        out.push((batch, recs));
    }
    assert!(
        stream.partial_tail().is_none(),
        "a partial batch at the end"
    );
    out
}

fn produce_request(
    v: i16,
    topic: &str,
    topic_id: Uuid,
    partition: i32,
    records: Bytes,
    transactional_id: Option<&str>,
) -> m::ProduceRequest {
    use m::produce_request::{PartitionProduceData, TopicProduceData};
    // From v13 topics are named by id (the name is ignorable there).
    let topic_data = if v >= 13 {
        TopicProduceData::default().with_topic_id(topic_id)
    } else {
        TopicProduceData::default().with_name(topic.into())
    };
    m::ProduceRequest::default()
        .with_transactional_id(transactional_id.map(Into::into))
        .with_acks(-1)
        .with_timeout_ms(30_000)
        .with_topic_data(vec![topic_data.with_partition_data(vec![
            PartitionProduceData::default()
                .with_index(partition)
                .with_records(Some(records)),
        ])])
}

fn produce(
    c: &mut Client,
    v: i16,
    topic: &str,
    topic_id: Uuid,
    records: Bytes,
    transactional_id: Option<&str>,
) -> m::produce_response::PartitionProduceResponse {
    // A partition Metadata already shows as led may not be open for writes
    // yet (a broker just started or restarted answers NOT_LEADER_OR_FOLLOWER
    // for a moment): retried, as Kafka's own producer retries them.
    let not_ready = |r: &m::ProduceResponse| {
        r.responses.iter().any(|t| {
            t.partition_responses.iter().any(|p| {
                matches!(
                    p.error_code,
                    err::UNKNOWN_TOPIC_OR_PARTITION
                        | err::LEADER_NOT_AVAILABLE
                        | err::NOT_LEADER_OR_FOLLOWER
                        | err::UNKNOWN_TOPIC_ID
                )
            })
        })
    };
    let r = c.call_until(
        v,
        &produce_request(v, topic, topic_id, 0, records, transactional_id),
        not_ready,
    );
    assert_eq!(r.responses.len(), 1, "{r:?}");
    let t = &r.responses[0];
    if v >= 13 {
        assert_eq!(t.topic_id, topic_id);
    } else {
        assert_eq!(t.name, topic);
    }
    assert_eq!(t.partition_responses.len(), 1);
    t.partition_responses[0].clone()
}

fn fetch(
    c: &mut Client,
    v: i16,
    topic: &str,
    topic_id: Uuid,
    offset: i64,
    isolation_level: i8,
) -> m::fetch_response::PartitionData {
    use m::fetch_request::{FetchPartition, FetchTopic};
    let t = if v >= 13 {
        FetchTopic::default().with_topic_id(topic_id)
    } else {
        FetchTopic::default().with_topic(topic.into())
    };
    let mut request = m::FetchRequest::default()
        .with_max_wait_ms(100)
        .with_min_bytes(1)
        .with_topics(vec![t.with_partitions(vec![
            FetchPartition::default()
                .with_partition(0)
                .with_fetch_offset(offset)
                .with_partition_max_bytes(16 << 20),
        ])]);
    if v >= 4 {
        request.isolation_level = isolation_level;
    }
    let r = c.call(v, &request);
    assert_eq!(r.error_code, err::NONE);
    assert_eq!(r.responses.len(), 1, "{r:?}");
    let t = &r.responses[0];
    if v >= 13 {
        assert_eq!(t.topic_id, topic_id);
    } else {
        assert_eq!(t.topic, topic);
    }
    let p = t.partitions[0].clone();
    assert_eq!((p.partition_index, p.error_code), (0, err::NONE), "{p:?}");
    p
}

fn list_offset(c: &mut Client, v: i16, topic: &str, timestamp: i64) -> i64 {
    use m::list_offsets_request::{ListOffsetsPartition, ListOffsetsTopic};
    let mut partition = ListOffsetsPartition::default()
        .with_partition_index(0)
        .with_timestamp(timestamp);
    if v == 0 {
        partition.max_num_offsets = 1;
    }
    let r = c.call(
        v,
        &m::ListOffsetsRequest::default()
            .with_replica_id(-1)
            .with_topics(vec![
                ListOffsetsTopic::default()
                    .with_name(topic.into())
                    .with_partitions(vec![partition]),
            ]),
    );
    let p = &r.topics[0].partitions[0];
    assert_eq!(p.error_code, err::NONE, "ListOffsets v{v}: {p:?}");
    if v == 0 {
        assert_eq!(p.old_style_offsets.len(), 1, "{p:?}");
        p.old_style_offsets[0]
    } else {
        p.offset
    }
}

// ---------------------------------------------------------------------------
// Tests

#[test]
fn broker_starts() {
    for release in [CURRENT, LEGACY] {
        let b = broker(release);
        println!(
            "Kafka {release}: started in {:.1} s, PLAINTEXT {}, SASL_PLAINTEXT {}",
            b.started_in().as_secs_f64(),
            b.bootstrap(),
            b.sasl_bootstrap()
        );
        assert_eq!(b.release(), release);
    }
}

/// `restart` brings the broker back on the same ports with its data; the
/// old connections are gone; `stop` closes the ports.
#[test]
fn broker_restart_keeps_ports_and_data() {
    let mut b = Broker::start(CURRENT).unwrap_or_else(|e| panic!("{e}"));
    let (plain, sasl) = (b.bootstrap(), b.sasl_bootstrap());
    let mut c = Client::connect(&b);
    let topic = "restarted";
    let id = create_topic(&mut c, topic, 1);
    let v = highest(CURRENT, ApiKey::PRODUCE);
    let mut builder = RecordBatchBuilder::new(0);
    builder
        .append(now_ms(), Some(b"k"), Some(b"survives a restart"), &[])
        .expect("append");
    let p = produce(
        &mut c,
        v,
        topic,
        id,
        builder.finish().expect("a batch"),
        None,
    );
    assert_eq!((p.error_code, p.base_offset), (err::NONE, 0));

    b.restart().unwrap_or_else(|e| panic!("{e}"));
    println!(
        "Kafka {CURRENT} restarted in {:.1} s",
        b.started_in().as_secs_f64()
    );
    assert_eq!((b.bootstrap(), b.sasl_bootstrap()), (plain, sasl));
    assert!(
        c.conn.call(3, &api_versions_request()).is_err(),
        "a connection from before the restart still works"
    );
    let mut c = Client::connect(&b);
    assert_eq!(wait_topic(&mut c, topic, 1), id);
    let p = fetch(&mut c, highest(CURRENT, ApiKey::FETCH), topic, id, 0, 0);
    let read = read_batches(&p.records.clone().unwrap_or_default());
    assert_eq!(read.len(), 1);
    assert_eq!(
        read[0].1[0].value.as_deref(),
        Some(&b"survives a restart"[..])
    );

    b.stop();
    assert!(
        Conn::connect(plain).is_err(),
        "the broker still listens after stop"
    );
    assert!(!b.log_tail().is_empty());
    write_coverage();
}

#[test]
fn api_versions_every_version_and_the_v0_fallback() {
    for release in [CURRENT, LEGACY] {
        let b = broker(release);
        let mut c = Client::connect(b);
        let vs = versions(release, ApiKey::API_VERSIONS);
        assert_eq!(vs[0], 0);
        for &v in &vs {
            let r = c.call(v, &api_versions_request());
            assert_eq!(r.error_code, err::NONE);
            // Every API and version the broker offers, this crate knows.
            for k in &r.api_keys {
                let ours = ApiKey(k.api_key)
                    .versions()
                    .unwrap_or_else(|| panic!("Kafka {release} offers API {}", k.api_key));
                assert!(
                    ours.lowest <= k.min_version && k.max_version <= ours.highest,
                    "Kafka {release} offers {:?} v{}-{}, this crate knows {ours:?}",
                    ApiKey(k.api_key),
                    k.min_version,
                    k.max_version
                );
            }
            assert!(r.api_keys.iter().any(|k| k.api_key == 18));
        }

        // A version the broker does not know (v127, flexible header v2 and a
        // v3 body, as a newer client sends): the broker answers with a v0
        // body, error UNSUPPORTED_VERSION and its ApiVersions range.
        let header = m::RequestHeader::default()
            .with_request_api_key(ApiKey::API_VERSIONS.0)
            .with_request_api_version(127)
            .with_correlation_id(9999)
            .with_client_id(Some("kafka-wire-interop".into()));
        let mut body = BytesMut::new();
        header.encode(&mut body, 2).expect("header v2");
        api_versions_request()
            .encode(&mut body, 3)
            .expect("a v3 body");
        let mut wire = BytesMut::new();
        wire.put_i32(body.len() as i32);
        wire.extend_from_slice(&body);
        c.conn.send_raw(&wire).expect("send");
        let frame = c.conn.read_frame().expect("an answer");
        let got = broker::check_response::<m::ApiVersionsResponse>(frame, 9999, 0)
            .unwrap_or_else(|e| panic!("the v0 fallback from Kafka {release}: {e}"));
        assert_eq!(got.body.error_code, err::UNSUPPORTED_VERSION);
        let (lo, hi) = broker_apis(release)[&18];
        assert_eq!(
            got.body
                .api_keys
                .iter()
                .map(|k| (k.api_key, k.min_version, k.max_version))
                .collect::<Vec<_>>(),
            vec![(18, lo, hi)]
        );
        // The negotiation helper reads it the same way.
        let (r, read_as) = kafkawire::negotiate::decode_api_versions_response(got.body_bytes, 127)
            .expect("the fallback decodes");
        assert_eq!((read_as, r.error_code), (0, err::UNSUPPORTED_VERSION));
        // The connection is still usable.
        let r = c.call(3, &api_versions_request());
        assert_eq!(r.error_code, err::NONE);
    }
    write_coverage();
}

#[test]
fn metadata_every_version() {
    for release in [CURRENT, LEGACY] {
        let b = broker(release);
        let mut c = Client::connect(b);
        let topic = name(release, "md");
        let id = create_topic(&mut c, &topic, 3);
        for v in versions(release, ApiKey::METADATA) {
            let mut request = m::MetadataRequest::default().with_topics(Some(vec![
                m::metadata_request::MetadataRequestTopic::default()
                    .with_name(Some(topic.as_str().into())),
            ]));
            if v >= 4 {
                request.allow_auto_topic_creation = false;
            }
            let r = c.call(v, &request);
            assert_eq!(r.brokers.len(), 1, "v{v}: {r:?}");
            let broker1 = &r.brokers[0];
            assert_eq!(
                (broker1.node_id, broker1.host.as_ref(), broker1.port),
                (1, "127.0.0.1", i32::from(b.bootstrap().port())),
                "v{v}"
            );
            if v >= 1 {
                assert_eq!(r.controller_id, 1, "v{v}");
            }
            if v >= 2 {
                assert_eq!(
                    r.cluster_id.as_deref(),
                    Some("a2Fma2Etd2lyZS1pbnRlcg"),
                    "v{v}"
                );
            }
            assert_eq!(r.topics.len(), 1);
            let t = &r.topics[0];
            assert_eq!(t.error_code, err::NONE);
            assert_eq!(t.name.as_deref(), Some(topic.as_str()));
            if v >= 10 {
                assert_eq!(t.topic_id, id, "v{v}");
            }
            let mut partitions: Vec<_> = t
                .partitions
                .iter()
                .map(|p| {
                    (
                        p.partition_index,
                        p.leader_id,
                        p.replica_nodes.clone(),
                        p.isr_nodes.clone(),
                    )
                })
                .collect();
            partitions.sort();
            assert_eq!(
                partitions,
                (0..3).map(|i| (i, 1, vec![1], vec![1])).collect::<Vec<_>>(),
                "v{v}"
            );
        }
    }
    write_coverage();
}

#[test]
fn create_partitions_delete_topics_every_version() {
    for release in [CURRENT, LEGACY] {
        let mut c = Client::connect(broker(release));
        let ct = versions(release, ApiKey::CREATE_TOPICS);
        let cp = versions(release, ApiKey::CREATE_PARTITIONS);
        let dt = versions(release, ApiKey::DELETE_TOPICS);
        let top = [&ct, &cp, &dt]
            .iter()
            .map(|v| v[v.len() - 1])
            .max()
            .unwrap_or(0);
        for i in 0..=top {
            let topic = name(release, &format!("adm{i}"));
            let (vc, vp, vd) = (clamp(&ct, i), clamp(&cp, i), clamp(&dt, i));
            let creation = m::CreateTopicsRequest::default()
                .with_timeout_ms(30_000)
                .with_topics(vec![
                    m::create_topics_request::CreatableTopic::default()
                        .with_name(topic.as_str().into())
                        .with_num_partitions(1)
                        .with_replication_factor(1)
                        .with_configs(vec![
                            m::create_topics_request::CreatableTopicConfig::default()
                                .with_name("retention.ms".into())
                                .with_value(Some("3600000".into())),
                        ]),
                ]);
            let r = c.call(vc, &creation);
            let t = &r.topics[0];
            assert_eq!(
                (t.name.as_ref(), t.error_code),
                (topic.as_str(), err::NONE),
                "CreateTopics v{vc}: {t:?}"
            );
            if vc >= 5 {
                assert_eq!((t.num_partitions, t.replication_factor), (1, 1));
                let configs = t.configs.as_ref().expect("configs from v5");
                assert!(
                    configs
                        .iter()
                        .any(|c| c.name == "retention.ms" && c.value.as_deref() == Some("3600000")),
                    "{configs:?}"
                );
            }
            if vc >= 7 {
                assert_ne!(t.topic_id, Uuid::default());
            }
            // Again: the documented refusal.
            let r = c.call(vc, &creation);
            assert_eq!(r.topics[0].error_code, err::TOPIC_ALREADY_EXISTS, "v{vc}");
            wait_topic(&mut c, &topic, 1);

            let r = c.call(
                vp,
                &m::CreatePartitionsRequest::default()
                    .with_timeout_ms(30_000)
                    .with_topics(vec![
                        m::create_partitions_request::CreatePartitionsTopic::default()
                            .with_name(topic.as_str().into())
                            .with_count(3)
                            // Null: the broker places them (its default is
                            // an empty list, which asks for no placement).
                            .with_assignments(None),
                    ]),
            );
            assert_eq!(r.results.len(), 1);
            assert_eq!(
                (r.results[0].name.as_ref(), r.results[0].error_code),
                (topic.as_str(), err::NONE),
                "CreatePartitions v{vp}: {r:?}"
            );
            wait_topic(&mut c, &topic, 3);

            let mut deletion = m::DeleteTopicsRequest::default().with_timeout_ms(30_000);
            if vd >= 6 {
                deletion.topics = vec![
                    m::delete_topics_request::DeleteTopicState::default()
                        .with_name(Some(topic.as_str().into())),
                ];
            } else {
                deletion.topic_names = vec![topic.as_str().into()];
            }
            let r = c.call(vd, &deletion);
            assert_eq!(r.responses.len(), 1);
            let d = &r.responses[0];
            assert_eq!(
                (d.name.as_deref(), d.error_code),
                (Some(topic.as_str()), err::NONE),
                "DeleteTopics v{vd}: {d:?}"
            );
        }
    }
    write_coverage();
}

/// Produce at every version × codec, Fetch at every version reading it all
/// back, ListOffsets and DeleteRecords at every version.
fn produce_fetch(release: &str) {
    let b = broker(release);
    let mut c = Client::connect(b);
    let topic = name(release, "pf");
    let id = create_topic(&mut c, &topic, 1);
    let produce_versions: Vec<i16> = versions(release, ApiKey::PRODUCE)
        .into_iter()
        .filter(|&v| v >= 3) // v0-2 carry only legacy message sets
        .collect();
    let mut expected: Vec<Rec> = Vec::new();
    let mut expected_batches: Vec<(i64, Compression)> = Vec::new();
    let mut next = 0i64;
    let value = Bytes::from("a value long enough to be worth compressing. ".repeat(8));
    for &v in &produce_versions {
        for codec in CODECS {
            let mut builder = RecordBatchBuilder::new(0).compression(codec, None);
            let tag = format!("v{v}-{}", codec.name().unwrap_or("?"));
            let mut recs = Vec::new();
            for j in 0..3i64 {
                let key = (j > 0).then(|| Bytes::from(format!("key-{tag}-{j}")));
                let value = (j != 2).then(|| {
                    let mut b = BytesMut::from(&value[..]);
                    b.extend_from_slice(tag.as_bytes());
                    b.freeze()
                });
                let headers: Vec<(Bytes, Option<Bytes>)> = vec![
                    (
                        Bytes::from_static(b"trace"),
                        Some(Bytes::from(format!("{tag}-{j}"))),
                    ),
                    (Bytes::from_static(b"empty"), None),
                ];
                let hs: Vec<(&[u8], Option<&[u8]>)> = headers
                    .iter()
                    .map(|(k, v)| (&k[..], v.as_deref()))
                    .collect();
                builder
                    .append(now_ms(), key.as_deref(), value.as_deref(), &hs)
                    .expect("append");
                recs.push(Rec {
                    offset: next + j,
                    key,
                    value,
                    headers,
                });
            }
            let records = builder.finish().expect("a batch");
            let p = produce(&mut c, v, &topic, id, records, None);
            if codec == Compression::ZSTD && v < 7 {
                // KIP-110: zstd needs Produce v7.
                assert_eq!(
                    p.error_code,
                    err::UNSUPPORTED_COMPRESSION_TYPE,
                    "{tag}: {p:?}"
                );
                continue;
            }
            assert_eq!(
                (p.error_code, p.base_offset),
                (err::NONE, next),
                "{tag}: {p:?}"
            );
            if v >= 2 {
                assert_eq!(p.log_append_time_ms, -1, "CreateTime topic");
            }
            if v >= 5 {
                assert_eq!(p.log_start_offset, 0);
            }
            expected_batches.push((next, codec));
            expected.extend(recs);
            next += 3;
        }
    }
    assert!(next > 0);

    for v in versions(release, ApiKey::FETCH)
        .into_iter()
        .filter(|&v| v >= 4)
    {
        // v0-3 read legacy message sets (down-converted; see `legacy_*`).
        let mut got: Vec<Rec> = Vec::new();
        let mut batches: Vec<(i64, Compression)> = Vec::new();
        let mut offset = 0;
        while offset < next {
            let p = fetch(&mut c, v, &topic, id, offset, 0);
            assert_eq!(p.high_watermark, next, "Fetch v{v}");
            assert_eq!(p.last_stable_offset, next, "Fetch v{v}");
            if v >= 5 {
                assert_eq!(p.log_start_offset, 0, "Fetch v{v}");
            }
            let records = p.records.clone().unwrap_or_default();
            let read = read_batches(&records);
            assert!(!read.is_empty(), "Fetch v{v} at {offset}: no batch");
            for (batch, recs) in read {
                batches.push((batch.base_offset, batch.compression()));
                offset = batch.next_offset();
                got.extend(recs);
            }
        }
        assert_eq!(batches, expected_batches, "Fetch v{v}: batches and codecs");
        assert_eq!(got, expected, "Fetch v{v}: records");
    }

    for v in versions(release, ApiKey::LIST_OFFSETS) {
        assert_eq!(list_offset(&mut c, v, &topic, -1), next, "latest, v{v}");
        assert_eq!(list_offset(&mut c, v, &topic, -2), 0, "earliest, v{v}");
    }

    let mut low = 0;
    for v in versions(release, ApiKey::DELETE_RECORDS) {
        low += 3;
        let r = c.call(
            v,
            &m::DeleteRecordsRequest::default()
                .with_timeout_ms(30_000)
                .with_topics(vec![
                    m::delete_records_request::DeleteRecordsTopic::default()
                        .with_name(topic.as_str().into())
                        .with_partitions(vec![
                            m::delete_records_request::DeleteRecordsPartition::default()
                                .with_partition_index(0)
                                .with_offset(low),
                        ]),
                ]),
        );
        let p = &r.topics[0].partitions[0];
        assert_eq!(
            (p.error_code, p.low_watermark),
            (err::NONE, low),
            "DeleteRecords v{v}"
        );
        let v_lo = highest(release, ApiKey::LIST_OFFSETS);
        assert_eq!(list_offset(&mut c, v_lo, &topic, -2), low);
    }
}

#[test]
fn produce_fetch_every_version_and_codec_current() {
    produce_fetch(CURRENT);
    write_coverage();
}

#[test]
fn produce_fetch_every_version_and_codec_legacy() {
    produce_fetch(LEGACY);
    write_coverage();
}

fn consumer_subscription(topic: &str) -> Bytes {
    // ConsumerProtocolSubscription v0: topics, user data (null).
    let mut b = BytesMut::new();
    b.put_i16(0);
    b.put_i32(1);
    b.put_i16(topic.len() as i16);
    b.put_slice(topic.as_bytes());
    b.put_i32(-1);
    b.freeze()
}

fn consumer_assignment(topic: &str, partitions: &[i32]) -> Bytes {
    // ConsumerProtocolAssignment v0: (topic, partitions), user data (null).
    let mut b = BytesMut::new();
    b.put_i16(0);
    b.put_i32(1);
    b.put_i16(topic.len() as i16);
    b.put_slice(topic.as_bytes());
    b.put_i32(partitions.len() as i32);
    for p in partitions {
        b.put_i32(*p);
    }
    b.put_i32(-1);
    b.freeze()
}

fn find_coordinator(c: &mut Client, v: i16, key: &str, key_type: i8) {
    let mut request = m::FindCoordinatorRequest::default();
    if v >= 4 {
        request.coordinator_keys = vec![key.into()];
    } else {
        request.key = key.into();
    }
    if v >= 1 {
        request.key_type = key_type;
    }
    let r = c.call_until(v, &request, |r| {
        retriable(r.error_code) || r.coordinators.iter().any(|c| retriable(c.error_code))
    });
    if v >= 4 {
        assert_eq!(r.coordinators.len(), 1);
        let k = &r.coordinators[0];
        assert_eq!(
            (k.key.as_ref(), k.error_code, k.node_id),
            (key, err::NONE, 1),
            "FindCoordinator v{v}: {r:?}"
        );
    } else {
        assert_eq!(
            (r.error_code, r.node_id),
            (err::NONE, 1),
            "FindCoordinator v{v}: {r:?}"
        );
    }
}

/// Full classic-group cycles: FindCoordinator, JoinGroup (with KIP-394's
/// MEMBER_ID_REQUIRED round trip from v4), SyncGroup, Heartbeat,
/// OffsetCommit, OffsetFetch, DescribeGroups, ListGroups, LeaveGroup; cycle
/// `i` runs each API at version `i` clamped into what the broker offers.
fn classic_groups(release: &str) {
    let mut c = Client::connect(broker(release));
    let topic = name(release, "grp");
    let topic_id = create_topic(&mut c, &topic, 2);
    let apis = [
        ApiKey::FIND_COORDINATOR,
        ApiKey::JOIN_GROUP,
        ApiKey::SYNC_GROUP,
        ApiKey::HEARTBEAT,
        ApiKey::OFFSET_COMMIT,
        ApiKey::OFFSET_FETCH,
        ApiKey::DESCRIBE_GROUPS,
        ApiKey::LIST_GROUPS,
        ApiKey::LEAVE_GROUP,
    ];
    let vs: Vec<Vec<i16>> = apis.iter().map(|a| versions(release, *a)).collect();
    let top = vs.iter().map(|v| v[v.len() - 1]).max().unwrap_or(0);
    for i in 0..=top {
        let [fc, jg, sg, hb, oc, of, dg, lg, lv] = std::array::from_fn(|k| clamp(&vs[k], i));
        let group = name(release, &format!("cg{i}"));
        find_coordinator(&mut c, fc, &group, 0);

        let mut join = m::JoinGroupRequest::default()
            .with_group_id(group.as_str().into())
            .with_session_timeout_ms(10_000)
            .with_protocol_type("consumer".into())
            .with_protocols(vec![
                m::join_group_request::JoinGroupRequestProtocol::default()
                    .with_name("range".into())
                    .with_metadata(consumer_subscription(&topic)),
            ]);
        if jg >= 1 {
            join.rebalance_timeout_ms = 10_000;
        }
        let mut r = c.call_until(jg, &join, |r| retriable(r.error_code));
        if jg >= 4 {
            // KIP-394: a new member is told its id and must join again.
            assert_eq!(
                r.error_code,
                err::MEMBER_ID_REQUIRED,
                "JoinGroup v{jg}: {r:?}"
            );
            assert!(!r.member_id.is_empty());
            join.member_id = r.member_id.clone();
            r = c.call(jg, &join);
        }
        assert_eq!(r.error_code, err::NONE, "JoinGroup v{jg}: {r:?}");
        let member = r.member_id.clone();
        let generation = r.generation_id;
        assert!(generation >= 1);
        assert_eq!(r.leader, member);
        assert_eq!(r.protocol_name.as_deref(), Some("range"));
        if jg >= 7 {
            assert_eq!(r.protocol_type.as_deref(), Some("consumer"));
        }
        assert_eq!(r.members.len(), 1);
        assert_eq!(r.members[0].member_id, member);
        assert_eq!(r.members[0].metadata, consumer_subscription(&topic));

        let assignment = consumer_assignment(&topic, &[0, 1]);
        let mut sync = m::SyncGroupRequest::default()
            .with_group_id(group.as_str().into())
            .with_generation_id(generation)
            .with_member_id(member.clone())
            .with_assignments(vec![
                m::sync_group_request::SyncGroupRequestAssignment::default()
                    .with_member_id(member.clone())
                    .with_assignment(assignment.clone()),
            ]);
        if sg >= 5 {
            sync.protocol_type = Some("consumer".into());
            sync.protocol_name = Some("range".into());
        }
        let r = c.call(sg, &sync);
        assert_eq!(r.error_code, err::NONE, "SyncGroup v{sg}: {r:?}");
        assert_eq!(r.assignment, assignment);
        if sg >= 5 {
            assert_eq!(r.protocol_name.as_deref(), Some("range"));
        }

        let r = c.call(
            hb,
            &m::HeartbeatRequest::default()
                .with_group_id(group.as_str().into())
                .with_generation_id(generation)
                .with_member_id(member.clone()),
        );
        assert_eq!(r.error_code, err::NONE, "Heartbeat v{hb}");

        let committed = 100 + i64::from(i);
        let meta = format!("meta-{i}");
        let mut t =
            m::offset_commit_request::OffsetCommitRequestTopic::default().with_partitions(vec![
                m::offset_commit_request::OffsetCommitRequestPartition::default()
                    .with_partition_index(1)
                    .with_committed_offset(committed)
                    .with_committed_metadata(Some(meta.as_str().into())),
            ]);
        if oc >= 10 {
            t.topic_id = topic_id;
        } else {
            t.name = topic.as_str().into();
        }
        let mut commit = m::OffsetCommitRequest::default()
            .with_group_id(group.as_str().into())
            .with_topics(vec![t]);
        if oc >= 1 {
            commit.generation_id_or_member_epoch = generation;
            commit.member_id = member.clone();
        }
        let r = c.call(oc, &commit);
        assert_eq!(r.topics.len(), 1);
        // v0 kept offsets in ZooKeeper: a KRaft broker refuses it.
        let expect = if oc == 0 {
            err::UNSUPPORTED_VERSION
        } else {
            err::NONE
        };
        assert_eq!(
            r.topics[0]
                .partitions
                .iter()
                .map(|p| (p.partition_index, p.error_code))
                .collect::<Vec<_>>(),
            vec![(1, expect)],
            "OffsetCommit v{oc}"
        );
        if oc >= 10 {
            assert_eq!(r.topics[0].topic_id, topic_id);
        } else {
            assert_eq!(r.topics[0].name, topic.as_str());
        }

        let got: (i64, Option<String>, i16) = if of >= 8 {
            let mut t = m::offset_fetch_request::OffsetFetchRequestTopics::default()
                .with_partition_indexes(vec![1]);
            if of >= 10 {
                t.topic_id = topic_id;
            } else {
                t.name = topic.as_str().into();
            }
            let r = c.call(
                of,
                &m::OffsetFetchRequest::default().with_groups(vec![
                    m::offset_fetch_request::OffsetFetchRequestGroup::default()
                        .with_group_id(group.as_str().into())
                        .with_topics(Some(vec![t])),
                ]),
            );
            assert_eq!(r.groups.len(), 1);
            let g = &r.groups[0];
            assert_eq!(
                (g.group_id.as_ref(), g.error_code),
                (group.as_str(), err::NONE)
            );
            let p = &g.topics[0].partitions[0];
            assert_eq!(p.partition_index, 1);
            (
                p.committed_offset,
                p.metadata.as_deref().map(str::to_string),
                p.error_code,
            )
        } else {
            let r = c.call(
                of,
                &m::OffsetFetchRequest::default()
                    .with_group_id(group.as_str().into())
                    .with_topics(Some(vec![
                        m::offset_fetch_request::OffsetFetchRequestTopic::default()
                            .with_name(topic.as_str().into())
                            .with_partition_indexes(vec![1]),
                    ])),
            );
            if of >= 2 {
                assert_eq!(r.error_code, err::NONE);
            }
            let p = &r.topics[0].partitions[0];
            assert_eq!(
                (r.topics[0].name.as_ref(), p.partition_index),
                (topic.as_str(), 1)
            );
            (
                p.committed_offset,
                p.metadata.as_deref().map(str::to_string),
                p.error_code,
            )
        };
        if of == 0 {
            // v0 read offsets from ZooKeeper: a KRaft broker refuses it.
            assert_eq!(got.2, err::UNSUPPORTED_VERSION, "OffsetFetch v0: {got:?}");
        } else if oc == 0 {
            assert_eq!(
                got,
                (-1, None, err::NONE),
                "OffsetFetch v{of} after a refused commit"
            );
        } else {
            assert_eq!(got, (committed, Some(meta), err::NONE), "OffsetFetch v{of}");
        }

        let r = c.call(
            dg,
            &m::DescribeGroupsRequest::default().with_groups(vec![group.as_str().into()]),
        );
        let g = &r.groups[0];
        assert_eq!(
            (g.error_code, g.group_id.as_ref(), g.group_state.as_ref()),
            (err::NONE, group.as_str(), "Stable"),
            "DescribeGroups v{dg}: {g:?}"
        );
        assert_eq!(
            (g.protocol_type.as_ref(), g.protocol_data.as_ref()),
            ("consumer", "range")
        );
        assert_eq!(g.members.len(), 1);
        assert_eq!(g.members[0].member_id, member);
        assert_eq!(g.members[0].client_id, "kafka-wire-interop");
        assert_eq!(g.members[0].member_assignment, assignment);
        assert_eq!(g.members[0].member_metadata, consumer_subscription(&topic));

        let r = c.call(lg, &m::ListGroupsRequest::default());
        assert_eq!(r.error_code, err::NONE);
        let listed = r
            .groups
            .iter()
            .find(|g| g.group_id == group.as_str())
            .unwrap_or_else(|| panic!("ListGroups v{lg} does not list {group}: {r:?}"));
        assert_eq!(listed.protocol_type, "consumer");
        if lg >= 4 {
            assert_eq!(listed.group_state, "Stable");
        }
        if lg >= 5 {
            assert_eq!(listed.group_type, "classic");
        }

        let mut leave = m::LeaveGroupRequest::default().with_group_id(group.as_str().into());
        if lv >= 3 {
            leave.members = vec![
                m::leave_group_request::MemberIdentity::default().with_member_id(member.clone()),
            ];
        } else {
            leave.member_id = member.clone();
        }
        let r = c.call(lv, &leave);
        assert_eq!(r.error_code, err::NONE, "LeaveGroup v{lv}: {r:?}");
        if lv >= 3 {
            assert_eq!(r.members.len(), 1);
            assert_eq!(
                (r.members[0].member_id.as_ref(), r.members[0].error_code),
                (member.as_ref(), err::NONE)
            );
        }
    }
}

#[test]
fn classic_group_cycle_current() {
    classic_groups(CURRENT);
    write_coverage();
}

#[test]
fn classic_group_cycle_legacy() {
    classic_groups(LEGACY);
    write_coverage();
}

/// Transactions, one per cycle `i` (each API at version `i` clamped):
/// FindCoordinator (transaction), InitProducerId, AddPartitionsToTxn,
/// a transactional Produce, AddOffsetsToTxn, TxnOffsetCommit, EndTxn
/// (commit on even cycles, abort on odd ones); then a read_committed Fetch
/// whose control batches must decode as the matching typed markers.
fn transactions(release: &str) {
    use m::add_partitions_to_txn_request::AddPartitionsToTxnTopic;
    use m::txn_offset_commit_request::{
        TxnOffsetCommitRequestPartition, TxnOffsetCommitRequestTopic,
    };
    let mut c = Client::connect(broker(release));
    let topic = name(release, "txn");
    let topic_id = create_topic(&mut c, &topic, 1);
    let group = name(release, "txngroup");
    let apis = [
        ApiKey::FIND_COORDINATOR,
        ApiKey::INIT_PRODUCER_ID,
        ApiKey::ADD_PARTITIONS_TO_TXN,
        ApiKey::PRODUCE,
        ApiKey::ADD_OFFSETS_TO_TXN,
        ApiKey::TXN_OFFSET_COMMIT,
        ApiKey::END_TXN,
    ];
    let mut vs: Vec<Vec<i16>> = apis.iter().map(|a| versions(release, *a)).collect();
    // AddPartitionsToTxn v4+ is the brokers' batched form; clients send v0-3.
    vs[2].retain(|&v| v <= 3);
    // Transactional produce starts at v3.
    vs[3].retain(|&v| v >= 3);
    let top = [1, 2, 4, 5, 6]
        .iter()
        .map(|&k| vs[k][vs[k].len() - 1])
        .max()
        .unwrap_or(0);
    find_coordinator(
        &mut c,
        highest(release, ApiKey::FIND_COORDINATOR),
        &group,
        0,
    );
    // (producer id, committed, offset of the data batch)
    let mut txns: Vec<(i64, bool, i64)> = Vec::new();
    let mut last_committed: Option<i64> = None;
    for i in 0..=top {
        let [fc, ip, ap, pr, ao, to, et] = std::array::from_fn(|k| clamp(&vs[k], i));
        let txn = name(release, &format!("tx{i}"));
        // Transaction coordinators are found with key type 1, from v1.
        find_coordinator(&mut c, fc.max(1), &txn, 1);
        let r = c.call_until(
            ip,
            &m::InitProducerIdRequest::default()
                .with_transactional_id(Some(txn.as_str().into()))
                .with_transaction_timeout_ms(60_000),
            |r| retriable(r.error_code),
        );
        assert_eq!(r.error_code, err::NONE, "InitProducerId v{ip}: {r:?}");
        let (pid, epoch) = (r.producer_id, r.producer_epoch);
        assert!(pid >= 0 && epoch >= 0, "{r:?}");

        let r = c.call_until(
            ap,
            &m::AddPartitionsToTxnRequest::default()
                .with_v3_and_below_transactional_id(txn.as_str().into())
                .with_v3_and_below_producer_id(pid)
                .with_v3_and_below_producer_epoch(epoch)
                .with_v3_and_below_topics(vec![
                    AddPartitionsToTxnTopic::default()
                        .with_name(topic.as_str().into())
                        .with_partitions(vec![0]),
                ]),
            |r| {
                r.results_by_topic_v3_and_below
                    .iter()
                    .flat_map(|t| &t.results_by_partition)
                    .any(|p| retriable(p.partition_error_code))
            },
        );
        let results: Vec<_> = r
            .results_by_topic_v3_and_below
            .iter()
            .flat_map(|t| {
                t.results_by_partition.iter().map(move |p| {
                    (
                        t.name.to_string(),
                        p.partition_index,
                        p.partition_error_code,
                    )
                })
            })
            .collect();
        assert_eq!(
            results,
            vec![(topic.clone(), 0, err::NONE)],
            "AddPartitionsToTxn v{ap}"
        );

        let mut builder = RecordBatchBuilder::new(0)
            .producer(pid, epoch, 0)
            .transactional(true);
        for j in 0..2 {
            builder
                .append(
                    now_ms(),
                    Some(format!("txn-{i}-{j}").as_bytes()),
                    Some(b"in a transaction"),
                    &[],
                )
                .expect("append");
        }
        let p = produce(
            &mut c,
            pr,
            &topic,
            topic_id,
            builder.finish().expect("a batch"),
            Some(&txn),
        );
        assert_eq!(
            p.error_code,
            err::NONE,
            "transactional Produce v{pr}: {p:?}"
        );
        let first_offset = p.base_offset;

        let r = c.call_until(
            ao,
            &m::AddOffsetsToTxnRequest::default()
                .with_transactional_id(txn.as_str().into())
                .with_producer_id(pid)
                .with_producer_epoch(epoch)
                .with_group_id(group.as_str().into()),
            |r| retriable(r.error_code),
        );
        assert_eq!(r.error_code, err::NONE, "AddOffsetsToTxn v{ao}");

        let committed_offset = 1000 + i64::from(i);
        let r = c.call_until(
            to,
            &m::TxnOffsetCommitRequest::default()
                .with_transactional_id(txn.as_str().into())
                .with_group_id(group.as_str().into())
                .with_producer_id(pid)
                .with_producer_epoch(epoch)
                .with_topics(vec![
                    // v6 names the topic by id (KIP-1319), earlier by name;
                    // each version writes the field it has.
                    TxnOffsetCommitRequestTopic::default()
                        .with_name(topic.as_str().into())
                        .with_topic_id(topic_id)
                        .with_partitions(vec![
                            TxnOffsetCommitRequestPartition::default()
                                .with_partition_index(0)
                                .with_committed_offset(committed_offset)
                                .with_committed_metadata(Some("txn".into())),
                        ]),
                ]),
            |r| {
                r.topics
                    .iter()
                    .flat_map(|t| &t.partitions)
                    .any(|p| retriable(p.error_code))
            },
        );
        assert_eq!(
            r.topics
                .iter()
                .flat_map(|t| t.partitions.iter().map(|p| p.error_code))
                .collect::<Vec<_>>(),
            vec![err::NONE],
            "TxnOffsetCommit v{to}"
        );

        let committed = i % 2 == 0;
        let r = c.call_until(
            et,
            &m::EndTxnRequest::default()
                .with_transactional_id(txn.as_str().into())
                .with_producer_id(pid)
                .with_producer_epoch(epoch)
                .with_committed(committed),
            |r| retriable(r.error_code),
        );
        assert_eq!(r.error_code, err::NONE, "EndTxn v{et}: {r:?}");
        if committed {
            last_committed = Some(committed_offset);
        }
        txns.push((pid, committed, first_offset));
    }

    // read_committed: everything up to the last stable offset, with the
    // aborted transactions listed and the markers as control batches.
    let fetch_versions: Vec<i16> = versions(release, ApiKey::FETCH)
        .into_iter()
        .filter(|&v| v >= 4)
        .collect();
    for v in [fetch_versions[0], fetch_versions[fetch_versions.len() - 1]] {
        let deadline = Instant::now() + Duration::from_secs(30);
        let (p, batches) = loop {
            let p = fetch(&mut c, v, &topic, topic_id, 0, 1);
            let batches = read_batches(&p.records.clone().unwrap_or_default());
            let markers = batches.iter().filter(|(b, _)| b.is_control()).count();
            if (p.last_stable_offset == p.high_watermark && markers == txns.len())
                || Instant::now() > deadline
            {
                break (p, batches);
            }
            std::thread::sleep(Duration::from_millis(100));
        };
        let mut aborted: Vec<(i64, i64)> = p
            .aborted_transactions
            .clone()
            .unwrap_or_default()
            .iter()
            .map(|a| (a.producer_id, a.first_offset))
            .collect();
        aborted.sort();
        let mut expect_aborted: Vec<(i64, i64)> =
            txns.iter().filter(|t| !t.1).map(|t| (t.0, t.2)).collect();
        expect_aborted.sort();
        assert_eq!(aborted, expect_aborted, "Fetch v{v}: aborted transactions");
        for &(pid, committed, first_offset) in &txns {
            let data: Vec<_> = batches
                .iter()
                .filter(|(b, _)| b.producer_id == pid && !b.is_control())
                .collect();
            assert_eq!(data.len(), 1, "Fetch v{v}: data batches of producer {pid}");
            assert!(data[0].0.is_transactional());
            assert_eq!((data[0].0.base_offset, data[0].1.len()), (first_offset, 2));
            let control: Vec<_> = batches
                .iter()
                .filter(|(b, _)| b.producer_id == pid && b.is_control())
                .collect();
            assert_eq!(control.len(), 1, "Fetch v{v}: markers of producer {pid}");
            let (batch, _) = control[0];
            assert!(batch.is_transactional());
            assert!(batch.base_offset > first_offset);
            let records: Vec<_> = batch
                .records(&options())
                .expect("records")
                .collect::<Result<_, _>>()
                .expect("the marker record");
            assert_eq!(records.len(), 1);
            let marker = ControlRecord::from_record(&records[0]).expect("a control record");
            let expected_type = if committed {
                ControlRecordType::COMMIT
            } else {
                ControlRecordType::ABORT
            };
            assert_eq!(marker.key.record_type, expected_type);
            let (value_version, value) = marker
                .decode_value()
                .expect("a marker value")
                .expect("a known type");
            assert_eq!(value_version, 0);
            match (committed, value) {
                (true, ControlValue::Commit(m)) | (false, ControlValue::Abort(m)) => {
                    assert!(m.coordinator_epoch >= 0);
                }
                (_, other) => panic!("producer {pid}: marker {other:?}, committed {committed}"),
            }
        }
    }

    // Only the committed transactions' offsets count.
    let of = highest(release, ApiKey::OFFSET_FETCH);
    assert!(of >= 8);
    let mut t = m::offset_fetch_request::OffsetFetchRequestTopics::default()
        .with_partition_indexes(vec![0]);
    if of >= 10 {
        t.topic_id = topic_id;
    } else {
        t.name = topic.as_str().into();
    }
    let r = c.call_until(
        of,
        &m::OffsetFetchRequest::default()
            .with_require_stable(true)
            .with_groups(vec![
                m::offset_fetch_request::OffsetFetchRequestGroup::default()
                    .with_group_id(group.as_str().into())
                    .with_topics(Some(vec![t])),
            ]),
        |r| {
            r.groups.iter().any(|g| {
                retriable(g.error_code)
                    || g.topics
                        .iter()
                        .flat_map(|t| &t.partitions)
                        .any(|p| retriable(p.error_code))
            })
        },
    );
    let p = &r.groups[0].topics[0].partitions[0];
    assert_eq!(
        (
            p.error_code,
            Some(p.committed_offset),
            p.metadata.as_deref()
        ),
        (err::NONE, last_committed, Some("txn")),
        "OffsetFetch v{of} (require_stable)"
    );
}

#[test]
fn transactions_current() {
    transactions(CURRENT);
    write_coverage();
}

#[test]
fn transactions_legacy() {
    transactions(LEGACY);
    write_coverage();
}

/// DescribeConfigs, IncrementalAlterConfigs, DescribeCluster,
/// DescribeTopicPartitions, CreateAcls and DescribeAcls at every version.
fn admin(release: &str) {
    use m::describe_configs_request::DescribeConfigsResource;
    use m::incremental_alter_configs_request::{AlterConfigsResource, AlterableConfig};
    let b = broker(release);
    let mut c = Client::connect(b);
    let topic = name(release, "cfg");
    let topic_id = create_topic(&mut c, &topic, 2);
    let describe = |c: &mut Client, v: i16| -> BTreeMap<String, Option<String>> {
        let r = c.call(
            v,
            &m::DescribeConfigsRequest::default().with_resources(vec![
                DescribeConfigsResource::default()
                    .with_resource_type(2)
                    .with_resource_name(topic.as_str().into())
                    .with_configuration_keys(Some(vec![
                        "cleanup.policy".into(),
                        "retention.ms".into(),
                    ])),
                DescribeConfigsResource::default()
                    .with_resource_type(4)
                    .with_resource_name("1".into())
                    .with_configuration_keys(Some(vec!["num.partitions".into()])),
            ]),
        );
        assert_eq!(r.results.len(), 2);
        let mut out = BTreeMap::new();
        for res in &r.results {
            assert_eq!(res.error_code, err::NONE, "DescribeConfigs v{v}: {res:?}");
            for cfg in &res.configs {
                out.insert(
                    format!("{}:{}", res.resource_type, cfg.name),
                    cfg.value.as_deref().map(str::to_string),
                );
            }
        }
        out
    };
    let alter_versions = versions(release, ApiKey::INCREMENTAL_ALTER_CONFIGS);
    for (k, v) in versions(release, ApiKey::DESCRIBE_CONFIGS)
        .into_iter()
        .enumerate()
    {
        let got = describe(&mut c, v);
        assert_eq!(got["2:cleanup.policy"].as_deref(), Some("delete"), "v{v}");
        assert_eq!(got["4:num.partitions"].as_deref(), Some("1"), "v{v}");
        let av = clamp(&alter_versions, k as i16);
        let retention = format!("{}", 7_200_000 + k);
        let r = c.call(
            av,
            &m::IncrementalAlterConfigsRequest::default().with_resources(vec![
                AlterConfigsResource::default()
                    .with_resource_type(2)
                    .with_resource_name(topic.as_str().into())
                    .with_configs(vec![
                        AlterableConfig::default()
                            .with_name("retention.ms".into())
                            .with_config_operation(0)
                            .with_value(Some(retention.as_str().into())),
                    ]),
            ]),
        );
        assert_eq!(r.responses.len(), 1);
        assert_eq!(
            (
                r.responses[0].error_code,
                r.responses[0].resource_name.as_ref()
            ),
            (err::NONE, topic.as_str()),
            "IncrementalAlterConfigs v{av}: {r:?}"
        );
        // The controller applies it; the broker sees it shortly after.
        let deadline = Instant::now() + Duration::from_secs(10);
        while describe(&mut c, v)["2:retention.ms"].as_deref() != Some(retention.as_str()) {
            assert!(
                Instant::now() < deadline,
                "retention.ms not {retention} after 10 s"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    for v in versions(release, ApiKey::DESCRIBE_CLUSTER) {
        let r = c.call(v, &m::DescribeClusterRequest::default());
        assert_eq!(r.error_code, err::NONE, "DescribeCluster v{v}: {r:?}");
        assert_eq!(r.cluster_id, "a2Fma2Etd2lyZS1pbnRlcg");
        assert_eq!(r.controller_id, 1);
        assert_eq!(
            r.brokers
                .iter()
                .map(|b| (b.broker_id, b.host.to_string(), b.port))
                .collect::<Vec<_>>(),
            vec![(1, "127.0.0.1".to_string(), i32::from(b.bootstrap().port()))]
        );
    }

    for v in versions(release, ApiKey::DESCRIBE_TOPIC_PARTITIONS) {
        let r = c.call(
            v,
            &m::DescribeTopicPartitionsRequest::default()
                .with_response_partition_limit(2000)
                .with_topics(vec![
                    m::describe_topic_partitions_request::TopicRequest::default()
                        .with_name(topic.as_str().into()),
                ]),
        );
        assert_eq!(r.topics.len(), 1);
        let t = &r.topics[0];
        assert_eq!(
            (t.error_code, t.name.as_deref(), t.topic_id),
            (err::NONE, Some(topic.as_str()), topic_id)
        );
        let mut parts: Vec<_> = t
            .partitions
            .iter()
            .map(|p| (p.partition_index, p.leader_id, p.isr_nodes.clone()))
            .collect();
        parts.sort();
        assert_eq!(parts, vec![(0, 1, vec![1]), (1, 1, vec![1])]);
        assert!(r.next_cursor.is_none());
    }

    // ACLs: resource TOPIC (2), pattern LITERAL (3), operation READ (3),
    // permission ALLOW (3); filters ANY (1).
    let create_versions = versions(release, ApiKey::CREATE_ACLS);
    let describe_versions = versions(release, ApiKey::DESCRIBE_ACLS);
    let top = create_versions[create_versions.len() - 1]
        .max(describe_versions[describe_versions.len() - 1]);
    for k in 0..=top {
        let resource = name(release, &format!("acl{k}"));
        let cv = clamp(&create_versions, k);
        let r = c.call(
            cv,
            &m::CreateAclsRequest::default().with_creations(vec![
                m::create_acls_request::AclCreation::default()
                    .with_resource_type(2)
                    .with_resource_name(resource.as_str().into())
                    .with_resource_pattern_type(3)
                    .with_principal("User:alice".into())
                    .with_host("*".into())
                    .with_operation(3)
                    .with_permission_type(3),
            ]),
        );
        assert_eq!(r.results.len(), 1);
        assert_eq!(
            r.results[0].error_code,
            err::NONE,
            "CreateAcls v{cv}: {r:?}"
        );
        let dv = clamp(&describe_versions, k);
        let mut filter = m::DescribeAclsRequest::default()
            .with_resource_type_filter(2)
            .with_resource_name_filter(Some(resource.as_str().into()))
            // Like Kafka's, the defaults of these nullable strings are "",
            // which would match no principal and no host.
            .with_principal_filter(None)
            .with_host_filter(None)
            .with_operation(1)
            .with_permission_type(1);
        if dv >= 1 {
            filter.pattern_type_filter = 3;
        }
        let deadline = Instant::now() + Duration::from_secs(10);
        let r = loop {
            let r = c.call(dv, &filter);
            if !r.resources.is_empty() || Instant::now() > deadline {
                break r;
            }
            std::thread::sleep(Duration::from_millis(100));
        };
        assert_eq!(r.error_code, err::NONE, "DescribeAcls v{dv}: {r:?}");
        assert_eq!(r.resources.len(), 1, "DescribeAcls v{dv}: {r:?}");
        let res = &r.resources[0];
        assert_eq!(
            (res.resource_type, res.resource_name.as_ref()),
            (2, resource.as_str())
        );
        if dv >= 1 {
            assert_eq!(res.pattern_type, 3);
        }
        assert_eq!(
            res.acls
                .iter()
                .map(|a| (
                    a.principal.to_string(),
                    a.host.to_string(),
                    a.operation,
                    a.permission_type
                ))
                .collect::<Vec<_>>(),
            vec![("User:alice".to_string(), "*".to_string(), 3, 3)]
        );
    }
}

#[test]
fn admin_apis_current() {
    admin(CURRENT);
    write_coverage();
}

#[test]
fn admin_apis_legacy() {
    admin(LEGACY);
    write_coverage();
}

/// KIP-848: a member joins with ConsumerGroupHeartbeat, is assigned both
/// partitions, acknowledges them; ConsumerGroupDescribe and ListGroups see
/// it; it leaves (epoch -1).
#[test]
fn consumer_group_protocol_kip848() {
    use m::consumer_group_heartbeat_request::TopicPartitions;
    let release = CURRENT;
    let mut c = Client::connect(broker(release));
    let topic = name(release, "kip848");
    let topic_id = create_topic(&mut c, &topic, 2);
    let heartbeat_versions = versions(release, ApiKey::CONSUMER_GROUP_HEARTBEAT);
    let describe_versions = versions(release, ApiKey::CONSUMER_GROUP_DESCRIBE);
    let n = heartbeat_versions.len().max(describe_versions.len());
    for k in 0..n {
        let hv = clamp(&heartbeat_versions, k as i16);
        let group = name(release, &format!("cg848x{k}"));
        find_coordinator(
            &mut c,
            highest(release, ApiKey::FIND_COORDINATOR),
            &group,
            0,
        );
        // v1 (KIP-1082): the member makes up its own id.
        let own_id = if hv >= 1 {
            Uuid::from_u64_pair(
                now_ms() as u64,
                u64::from(std::process::id()) << 8 | k as u64,
            )
            .to_string()
        } else {
            String::new()
        };
        let join = m::ConsumerGroupHeartbeatRequest::default()
            .with_group_id(group.as_str().into())
            .with_member_id(own_id.as_str().into())
            .with_member_epoch(0)
            .with_rebalance_timeout_ms(10_000)
            .with_subscribed_topic_names(Some(vec![topic.as_str().into()]))
            .with_topic_partitions(Some(vec![]));
        let r = c.call_until(hv, &join, |r| retriable(r.error_code));
        assert_eq!(
            r.error_code,
            err::NONE,
            "ConsumerGroupHeartbeat v{hv}: {r:?}"
        );
        let member = r.member_id.clone().expect("a member id").to_string();
        assert!(!member.is_empty());
        if hv >= 1 {
            assert_eq!(member, own_id);
        }
        assert!(r.member_epoch >= 1 && r.heartbeat_interval_ms > 0, "{r:?}");
        let mut epoch = r.member_epoch;
        let mut owned: Vec<i32> = Vec::new();
        if let Some(a) = &r.assignment {
            owned = a
                .topic_partitions
                .iter()
                .flat_map(|t| t.partitions.clone())
                .collect();
        }
        // Acknowledge what is owned until the broker has nothing new.
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            owned.sort();
            let r = c.call(
                hv,
                &m::ConsumerGroupHeartbeatRequest::default()
                    .with_group_id(group.as_str().into())
                    .with_member_id(member.as_str().into())
                    .with_member_epoch(epoch)
                    .with_topic_partitions(Some(vec![
                        TopicPartitions::default()
                            .with_topic_id(topic_id)
                            .with_partitions(owned.clone()),
                    ])),
            );
            assert_eq!(
                r.error_code,
                err::NONE,
                "ConsumerGroupHeartbeat v{hv}: {r:?}"
            );
            epoch = r.member_epoch;
            if let Some(a) = &r.assignment {
                assert!(a.topic_partitions.iter().all(|t| t.topic_id == topic_id));
                owned = a
                    .topic_partitions
                    .iter()
                    .flat_map(|t| t.partitions.clone())
                    .collect();
            } else if owned == [0, 1] {
                break;
            }
            assert!(Instant::now() < deadline, "no stable assignment: {r:?}");
            std::thread::sleep(Duration::from_millis(200));
        }

        let dv = clamp(&describe_versions, k as i16);
        let r = c.call(
            dv,
            &m::ConsumerGroupDescribeRequest::default().with_group_ids(vec![group.as_str().into()]),
        );
        assert_eq!(r.groups.len(), 1);
        let g = &r.groups[0];
        assert_eq!(
            (g.error_code, g.group_id.as_ref()),
            (err::NONE, group.as_str()),
            "{g:?}"
        );
        assert!(g.group_state.eq_ignore_ascii_case("stable"), "{g:?}");
        assert_eq!(g.members.len(), 1);
        let mb = &g.members[0];
        assert_eq!(
            (mb.member_id.as_ref(), mb.member_epoch),
            (member.as_str(), epoch)
        );
        assert_eq!(mb.client_id, "kafka-wire-interop");
        assert_eq!(
            mb.subscribed_topic_names,
            vec![kafkawire::ByteString::from(topic.as_str())]
        );
        let assigned: Vec<_> = mb
            .assignment
            .topic_partitions
            .iter()
            .map(|t| (t.topic_id, t.topic_name.to_string(), t.partitions.clone()))
            .collect();
        assert_eq!(assigned.len(), 1);
        let (tid, tname, mut parts) = assigned[0].clone();
        parts.sort();
        assert_eq!((tid, tname, parts), (topic_id, topic.clone(), vec![0, 1]));

        let lv = highest(release, ApiKey::LIST_GROUPS);
        let r = c.call(
            lv,
            &m::ListGroupsRequest::default().with_types_filter(vec!["consumer".into()]),
        );
        let listed = r
            .groups
            .iter()
            .find(|g| g.group_id == group.as_str())
            .unwrap_or_else(|| panic!("ListGroups v{lv}: {r:?}"));
        assert_eq!(
            (listed.group_type.as_ref(), listed.protocol_type.as_ref()),
            ("consumer", "consumer")
        );

        let r = c.call(
            hv,
            &m::ConsumerGroupHeartbeatRequest::default()
                .with_group_id(group.as_str().into())
                .with_member_id(member.as_str().into())
                .with_member_epoch(-1),
        );
        assert_eq!(
            (r.error_code, r.member_epoch),
            (err::NONE, -1),
            "leaving: {r:?}"
        );
    }
    write_coverage();
}

macro_rules! scram_proof {
    ($name:ident, $hash:ty) => {
        /// RFC 5802: (client proof, expected server signature).
        fn $name(
            password: &[u8],
            salt: &[u8],
            iterations: u32,
            auth_message: &[u8],
        ) -> (Vec<u8>, Vec<u8>) {
            use hmac::{Hmac, Mac};
            use sha2::Digest;
            type H = Hmac<$hash>;
            let mut salted = vec![0u8; <$hash as Digest>::output_size()];
            pbkdf2::pbkdf2::<H>(password, salt, iterations, &mut salted).expect("PBKDF2");
            let mac = |key: &[u8], data: &[u8]| -> Vec<u8> {
                let mut m = <H as Mac>::new_from_slice(key).expect("HMAC takes any key");
                m.update(data);
                m.finalize().into_bytes().to_vec()
            };
            let client_key = mac(&salted, b"Client Key");
            let stored_key = <$hash>::digest(&client_key).to_vec();
            let client_signature = mac(&stored_key, auth_message);
            let proof = client_key
                .iter()
                .zip(&client_signature)
                .map(|(a, b)| a ^ b)
                .collect();
            let server_key = mac(&salted, b"Server Key");
            (proof, mac(&server_key, auth_message))
        }
    };
}
scram_proof!(scram_sha256, sha2::Sha256);
scram_proof!(scram_sha512, sha2::Sha512);

fn sasl_handshake(c: &mut Client, v: i16, mechanism: &str) -> m::SaslHandshakeResponse {
    c.call(
        v,
        &m::SaslHandshakeRequest::default().with_mechanism(mechanism.into()),
    )
}

fn authenticate(c: &mut Client, v: i16, token: impl Into<Bytes>) -> m::SaslAuthenticateResponse {
    c.call(
        v,
        &m::SaslAuthenticateRequest::default().with_auth_bytes(token.into()),
    )
}

/// After authentication the connection serves requests.
fn assert_serves(c: &mut Client) {
    let r = c.call(12, &m::MetadataRequest::default().with_topics(Some(vec![])));
    assert_eq!(r.brokers.len(), 1);
}

fn sasl(release: &str) {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD;
    let addr = broker(release).sasl_bootstrap();
    let handshakes = versions(release, ApiKey::SASL_HANDSHAKE);
    let auths = versions(release, ApiKey::SASL_AUTHENTICATE);
    let hv = handshakes[handshakes.len() - 1];
    let mechanisms = ["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"];

    // Every handshake version (v0 would go on with raw tokens: only the
    // handshake itself is checked there).
    for &v in &handshakes {
        let mut c = Client::to(addr, release);
        let r = sasl_handshake(&mut c, v, "PLAIN");
        assert_eq!(r.error_code, err::NONE, "SaslHandshake v{v}");
        let mut offered: Vec<String> = r.mechanisms.iter().map(|m| m.to_string()).collect();
        offered.sort();
        assert_eq!(offered, mechanisms, "SaslHandshake v{v}");
    }
    // An unknown mechanism: UNSUPPORTED_SASL_MECHANISM (33), with the list.
    let mut c = Client::to(addr, release);
    let r = sasl_handshake(&mut c, hv, "GSSAPI");
    assert_eq!((r.error_code, r.mechanisms.len()), (33, 3), "{r:?}");

    // PLAIN at every SaslAuthenticate version, each user.
    for &v in &auths {
        for (user, password) in SASL_USERS {
            let mut c = Client::to(addr, release);
            let r = c.call(3, &api_versions_request());
            assert_eq!(r.error_code, err::NONE);
            assert_eq!(sasl_handshake(&mut c, hv, "PLAIN").error_code, err::NONE);
            let r = authenticate(&mut c, v, format!("\0{user}\0{password}"));
            assert_eq!(
                r.error_code,
                err::NONE,
                "PLAIN {user}, SaslAuthenticate v{v}: {r:?}"
            );
            if v >= 1 {
                assert_eq!(r.session_lifetime_ms, 0);
            }
            assert_serves(&mut c);
        }
    }
    // A wrong password: SASL_AUTHENTICATION_FAILED with a message.
    let mut c = Client::to(addr, release);
    assert_eq!(sasl_handshake(&mut c, hv, "PLAIN").error_code, err::NONE);
    let r = authenticate(&mut c, auths[auths.len() - 1], "\0alice\0not-the-password");
    assert_eq!(r.error_code, err::SASL_AUTHENTICATION_FAILED, "{r:?}");
    assert!(r.error_message.is_some());

    // SCRAM: the full RFC 5802 exchange, the server's signature checked.
    for (mechanism, prove) in [
        (
            "SCRAM-SHA-256",
            scram_sha256 as fn(&[u8], &[u8], u32, &[u8]) -> (Vec<u8>, Vec<u8>),
        ),
        ("SCRAM-SHA-512", scram_sha512),
    ] {
        for (k, &v) in auths.iter().enumerate() {
            let (user, password) = SASL_USERS[k % SASL_USERS.len()];
            let mut c = Client::to(addr, release);
            assert_eq!(sasl_handshake(&mut c, hv, mechanism).error_code, err::NONE);
            let nonce = format!(
                "{:x}{:x}{k}",
                SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .map(|d| d.as_nanos())
                    .unwrap_or(0),
                std::process::id()
            );
            let first_bare = format!("n={user},r={nonce}");
            let r = authenticate(&mut c, v, format!("n,,{first_bare}"));
            assert_eq!(r.error_code, err::NONE, "{mechanism} first message: {r:?}");
            let server_first = String::from_utf8(r.auth_bytes.to_vec()).expect("UTF-8");
            let field = |k: &str| -> String {
                server_first
                    .split(',')
                    .find_map(|f| f.strip_prefix(k))
                    .unwrap_or_else(|| panic!("{k} in {server_first}"))
                    .to_string()
            };
            let server_nonce = field("r=");
            assert!(server_nonce.starts_with(&nonce) && server_nonce.len() > nonce.len());
            let salt = b64.decode(field("s=")).expect("base64 salt");
            let iterations: u32 = field("i=").parse().expect("iterations");
            assert_eq!(iterations, 4096, "the StorageTool's default");
            let without_proof = format!("c=biws,r={server_nonce}");
            let auth_message = format!("{first_bare},{server_first},{without_proof}");
            let (proof, server_signature) = prove(
                password.as_bytes(),
                &salt,
                iterations,
                auth_message.as_bytes(),
            );
            let r = authenticate(
                &mut c,
                v,
                format!("{without_proof},p={}", b64.encode(proof)),
            );
            assert_eq!(r.error_code, err::NONE, "{mechanism} {user} v{v}: {r:?}");
            assert_eq!(
                String::from_utf8_lossy(&r.auth_bytes),
                format!("v={}", b64.encode(server_signature)),
                "{mechanism}: the server's signature"
            );
            assert_serves(&mut c);
        }
    }
}

#[test]
fn sasl_plain_and_scram_current() {
    sasl(CURRENT);
    write_coverage();
}

#[test]
fn sasl_plain_and_scram_legacy() {
    sasl(LEGACY);
    write_coverage();
}

/// Kafka 3.9: Produce v0 (magic 0), v1 and v2 (magic 1) with legacy message
/// sets in every codec Kafka had then, read back with Fetch v0-3 (which
/// down-convert: magic 0 for v0-1, magic 1 for v2-3) and with the newest
/// Fetch (as the RecordBatch v2 the broker stored).
#[test]
fn legacy_message_sets_produce_v0_v2_fetch_v0_v3() {
    let release = LEGACY;
    let mut c = Client::connect(broker(release));
    let topic = name(release, "legacy");
    let topic_id = create_topic(&mut c, &topic, 1);
    let produce_versions: Vec<i16> = versions(release, ApiKey::PRODUCE)
        .into_iter()
        .filter(|&v| v <= 2)
        .collect();
    assert_eq!(produce_versions, [0, 1, 2]);
    /// (offset, key, value, timestamp as produced: `None` for magic 0)
    type Message = (i64, Option<Bytes>, Option<Bytes>, Option<i64>);
    let mut expected: Vec<Message> = Vec::new();
    let mut next = 0i64;
    for &v in &produce_versions {
        let magic = if v == 0 { 0 } else { 1 };
        for codec in &CODECS[..4] {
            let tag = format!("v{v}-{}", codec.name().unwrap_or("?"));
            let mut builder = MessageSetBuilder::new(magic)
                .expect("magic")
                .compression(*codec, None)
                .expect("codec");
            let timestamp = now_ms();
            for j in 0..3i64 {
                let key = (j != 1).then(|| Bytes::from(format!("key-{tag}-{j}")));
                let value = Some(Bytes::from(format!("value-{tag}-{j} {}", "x".repeat(40))));
                builder
                    .append(j, timestamp + j, key.as_deref(), value.as_deref())
                    .expect("append");
                expected.push((next + j, key, value, (magic == 1).then_some(timestamp + j)));
            }
            let p = produce(
                &mut c,
                v,
                &topic,
                topic_id,
                builder.finish().expect("a set"),
                None,
            );
            assert_eq!(
                (p.error_code, p.base_offset),
                (err::NONE, next),
                "Produce {tag}: {p:?}"
            );
            next += 3;
        }
    }

    for v in 0..=3 {
        let want_magic = if v <= 1 { 0 } else { 1 };
        let mut got = Vec::new();
        let mut offset = 0;
        while offset < next {
            let p = fetch(&mut c, v, &topic, topic_id, offset, 0);
            assert_eq!(p.high_watermark, next, "Fetch v{v}");
            let records = p.records.clone().unwrap_or_default();
            let mut stream = BatchStream::with_options(records, options());
            let before = got.len();
            for batch in stream.by_ref() {
                let Batch::Legacy(message) = batch.expect("a message") else {
                    panic!("Fetch v{v}: a v2 batch");
                };
                message.verify_crc().expect("CRC");
                assert_eq!(message.magic, want_magic, "Fetch v{v}");
                for inner in message.messages(&options()).expect("messages") {
                    let inner = inner.expect("an inner message");
                    got.push((
                        inner.offset,
                        inner.message.key.clone(),
                        inner.message.value.clone(),
                        inner.timestamp,
                    ));
                    offset = inner.offset + 1;
                }
            }
            if let Some(tail) = stream.partial_tail() {
                // Down-conversion is lazy: the response keeps the size of
                // what is stored, so the converted messages are cut where
                // that size ends (the consumer fetches again from there);
                // when they are shorter, Kafka pads with an "overflow"
                // message: offset -1, a size past the end, zeros
                // (LazyDownConversionRecordsSend). Both read as partial.
                assert!(tail.len() >= 12, "Fetch v{v}: tail {}", broker::hex(tail));
                let head = i64::from_be_bytes(tail[..8].try_into().expect("8 bytes"));
                let size = i32::from_be_bytes(tail[8..12].try_into().expect("4 bytes"));
                assert!(
                    size as usize > tail.len() - 12,
                    "Fetch v{v}: size {size} in the tail"
                );
                if head == -1 {
                    assert!(tail[12..].iter().all(|&b| b == 0), "Fetch v{v}: padding");
                } else {
                    // The next message (a compressed wrapper carries the
                    // offset of its last inner message).
                    assert!(
                        (offset..offset + 3).contains(&head),
                        "Fetch v{v}: a cut message at {head}, expected {offset}"
                    );
                }
            }
            assert!(got.len() > before, "Fetch v{v} at {offset}: nothing");
        }
        let want: Vec<_> = expected
            .iter()
            .map(|(o, k, val, ts)| {
                // Down-converted to magic 1, a magic 0 message has no time (-1).
                let ts = (want_magic == 1).then(|| ts.unwrap_or(-1));
                (*o, k.clone(), val.clone(), ts)
            })
            .collect();
        assert_eq!(got, want, "Fetch v{v}");
    }

    // Stored as RecordBatch v2 (up-converted on append).
    let v = highest(release, ApiKey::FETCH);
    let mut got = Vec::new();
    let mut offset = 0;
    while offset < next {
        let p = fetch(&mut c, v, &topic, topic_id, offset, 0);
        for (batch, recs) in read_batches(&p.records.clone().unwrap_or_default()) {
            offset = batch.next_offset();
            got.extend(
                recs.into_iter()
                    .map(|r| (r.offset, r.key, r.value, r.headers.len())),
            );
        }
    }
    let want: Vec<_> = expected
        .iter()
        .map(|(o, k, val, _)| (*o, k.clone(), val.clone(), 0))
        .collect();
    assert_eq!(got, want, "Fetch v{v}");
    write_coverage();
}

/// More of the admin surface, each at every version: OffsetForLeaderEpoch,
/// DescribeProducers, DescribeLogDirs, AlterConfigs, DeleteAcls,
/// DeleteGroups, OffsetDelete, DescribeTransactions, ListTransactions,
/// DescribeUserScramCredentials, ElectLeaders, ListPartitionReassignments.
fn more_admin(release: &str) {
    let b = broker(release);
    let mut c = Client::connect(b);
    let topic = name(release, "more");
    let topic_id = create_topic(&mut c, &topic, 1);

    // An idempotent producer's batch: DescribeProducers lists it.
    let r = c.call_until(
        highest(release, ApiKey::INIT_PRODUCER_ID),
        // Null: idempotent only (the default, "", is an invalid id).
        &m::InitProducerIdRequest::default()
            .with_transactional_id(None)
            .with_transaction_timeout_ms(60_000),
        |r| retriable(r.error_code),
    );
    assert_eq!(r.error_code, err::NONE, "{r:?}");
    let (pid, epoch) = (r.producer_id, r.producer_epoch);
    let mut builder = RecordBatchBuilder::new(0).producer(pid, epoch, 0);
    for j in 0..4 {
        builder
            .append(
                now_ms(),
                None,
                Some(format!("idempotent {j}").as_bytes()),
                &[],
            )
            .expect("append");
    }
    let p = produce(
        &mut c,
        highest(release, ApiKey::PRODUCE),
        &topic,
        topic_id,
        builder.finish().expect("a batch"),
        None,
    );
    assert_eq!((p.error_code, p.base_offset), (err::NONE, 0));

    for v in versions(release, ApiKey::DESCRIBE_PRODUCERS) {
        let r = c.call(
            v,
            &m::DescribeProducersRequest::default().with_topics(vec![
                m::describe_producers_request::TopicRequest::default()
                    .with_name(topic.as_str().into())
                    .with_partition_indexes(vec![0]),
            ]),
        );
        let p = &r.topics[0].partitions[0];
        assert_eq!(p.error_code, err::NONE, "DescribeProducers v{v}: {p:?}");
        let states: Vec<_> = p
            .active_producers
            .iter()
            .map(|s| (s.producer_id, s.producer_epoch, s.last_sequence))
            .collect();
        assert_eq!(
            states,
            vec![(pid, i32::from(epoch), 3)],
            "DescribeProducers v{v}"
        );
    }

    for v in versions(release, ApiKey::OFFSET_FOR_LEADER_EPOCH) {
        let r = c.call(
            v,
            &m::OffsetForLeaderEpochRequest::default().with_topics(vec![
                m::offset_for_leader_epoch_request::OffsetForLeaderTopic::default()
                    .with_topic(topic.as_str().into())
                    .with_partitions(vec![
                        m::offset_for_leader_epoch_request::OffsetForLeaderPartition::default()
                            .with_partition(0)
                            .with_leader_epoch(0),
                    ]),
            ]),
        );
        let p = &r.topics[0].partitions[0];
        assert_eq!(
            (p.error_code, p.partition, p.end_offset),
            (err::NONE, 0, 4),
            "OffsetForLeaderEpoch v{v}: {p:?}"
        );
        if v >= 1 {
            assert_eq!(p.leader_epoch, 0);
        }
    }

    for v in versions(release, ApiKey::DESCRIBE_LOG_DIRS) {
        let r = c.call(
            v,
            &m::DescribeLogDirsRequest::default().with_topics(Some(vec![
                m::describe_log_dirs_request::DescribableLogDirTopic::default()
                    .with_topic(topic.as_str().into())
                    .with_partitions(vec![0]),
            ])),
        );
        if v >= 3 {
            assert_eq!(r.error_code, err::NONE);
        }
        assert_eq!(r.results.len(), 1, "DescribeLogDirs v{v}: {r:?}");
        let d = &r.results[0];
        assert_eq!(d.error_code, err::NONE);
        assert!(d.log_dir.ends_with("/data"), "{d:?}");
        let t = &d.topics[0];
        assert_eq!(
            (t.name.as_ref(), t.partitions[0].partition_index),
            (topic.as_str(), 0)
        );
        assert!(t.partitions[0].partition_size > 0);
        if v >= 4 {
            assert!(d.total_bytes > 0 && d.usable_bytes > 0);
        }
    }

    for v in versions(release, ApiKey::ALTER_CONFIGS) {
        let value = format!("{}", 2_000_000 + i32::from(v));
        let r = c.call(
            v,
            &m::AlterConfigsRequest::default().with_resources(vec![
                m::alter_configs_request::AlterConfigsResource::default()
                    .with_resource_type(2)
                    .with_resource_name(topic.as_str().into())
                    .with_configs(vec![
                        m::alter_configs_request::AlterableConfig::default()
                            .with_name("max.message.bytes".into())
                            .with_value(Some(value.as_str().into())),
                    ]),
            ]),
        );
        assert_eq!(
            (
                r.responses[0].error_code,
                r.responses[0].resource_name.as_ref()
            ),
            (err::NONE, topic.as_str()),
            "AlterConfigs v{v}: {r:?}"
        );
    }

    // DeleteAcls: what CreateAcls made, found by a literal filter.
    let create_v = highest(release, ApiKey::CREATE_ACLS);
    for v in versions(release, ApiKey::DELETE_ACLS) {
        let resource = name(release, &format!("delacl{v}"));
        let r = c.call(
            create_v,
            &m::CreateAclsRequest::default().with_creations(vec![
                m::create_acls_request::AclCreation::default()
                    .with_resource_type(2)
                    .with_resource_name(resource.as_str().into())
                    .with_resource_pattern_type(3)
                    .with_principal("User:alice".into())
                    .with_host("*".into())
                    .with_operation(4) // WRITE
                    .with_permission_type(3),
            ]),
        );
        assert_eq!(r.results[0].error_code, err::NONE);
        let mut filter = m::delete_acls_request::DeleteAclsFilter::default()
            .with_resource_type_filter(2)
            .with_resource_name_filter(Some(resource.as_str().into()))
            .with_principal_filter(None)
            .with_host_filter(None)
            .with_operation(1)
            .with_permission_type(1);
        if v >= 1 {
            filter.pattern_type_filter = 3;
        }
        let deadline = Instant::now() + Duration::from_secs(10);
        let r = loop {
            let r = c.call(
                v,
                &m::DeleteAclsRequest::default().with_filters(vec![filter.clone()]),
            );
            if !r.filter_results[0].matching_acls.is_empty() || Instant::now() > deadline {
                break r;
            }
            std::thread::sleep(Duration::from_millis(100));
        };
        let f = &r.filter_results[0];
        assert_eq!(f.error_code, err::NONE, "DeleteAcls v{v}: {f:?}");
        let matched: Vec<_> = f
            .matching_acls
            .iter()
            .map(|a| {
                (
                    a.error_code,
                    a.resource_name.to_string(),
                    a.principal.to_string(),
                    a.operation,
                )
            })
            .collect();
        assert_eq!(
            matched,
            vec![(err::NONE, resource.clone(), "User:alice".to_string(), 4)],
            "DeleteAcls v{v}"
        );
    }

    // A "simple" group (offsets only): OffsetDelete, then DeleteGroups.
    let commit_v = highest(release, ApiKey::OFFSET_COMMIT);
    let find_v = highest(release, ApiKey::FIND_COORDINATOR);
    let commit = |c: &mut Client, group: &str| {
        // Also makes the broker create __consumer_offsets if need be.
        find_coordinator(c, find_v, group, 0);
        let mut t =
            m::offset_commit_request::OffsetCommitRequestTopic::default().with_partitions(vec![
                m::offset_commit_request::OffsetCommitRequestPartition::default()
                    .with_partition_index(0)
                    .with_committed_offset(2),
            ]);
        if commit_v >= 10 {
            t.topic_id = topic_id;
        } else {
            t.name = topic.as_str().into();
        }
        let r = c.call_until(
            commit_v,
            &m::OffsetCommitRequest::default()
                .with_group_id(group.into())
                .with_topics(vec![t]),
            |r| {
                r.topics
                    .iter()
                    .flat_map(|t| &t.partitions)
                    .any(|p| retriable(p.error_code))
            },
        );
        assert_eq!(r.topics[0].partitions[0].error_code, err::NONE, "{r:?}");
    };
    for v in versions(release, ApiKey::OFFSET_DELETE) {
        let group = name(release, &format!("offdel{v}"));
        commit(&mut c, &group);
        let r = c.call(
            v,
            &m::OffsetDeleteRequest::default()
                .with_group_id(group.as_str().into())
                .with_topics(vec![
                    m::offset_delete_request::OffsetDeleteRequestTopic::default()
                        .with_name(topic.as_str().into())
                        .with_partitions(vec![
                            m::offset_delete_request::OffsetDeleteRequestPartition::default()
                                .with_partition_index(0),
                        ]),
                ]),
        );
        assert_eq!(r.error_code, err::NONE, "OffsetDelete v{v}: {r:?}");
        assert_eq!(r.topics[0].partitions[0].error_code, err::NONE);
    }
    for v in versions(release, ApiKey::DELETE_GROUPS) {
        let group = name(release, &format!("delgrp{v}"));
        commit(&mut c, &group);
        let r = c.call(
            v,
            &m::DeleteGroupsRequest::default().with_groups_names(vec![group.as_str().into()]),
        );
        assert_eq!(r.results.len(), 1);
        assert_eq!(
            (r.results[0].group_id.as_ref(), r.results[0].error_code),
            (group.as_str(), err::NONE),
            "DeleteGroups v{v}"
        );
    }

    // A transactional id with no transaction yet: state Empty.
    let txn = name(release, "described");
    // Also makes the broker create __transaction_state if need be.
    find_coordinator(&mut c, highest(release, ApiKey::FIND_COORDINATOR), &txn, 1);
    let r = c.call_until(
        highest(release, ApiKey::INIT_PRODUCER_ID),
        &m::InitProducerIdRequest::default()
            .with_transactional_id(Some(txn.as_str().into()))
            .with_transaction_timeout_ms(45_000),
        |r| retriable(r.error_code),
    );
    assert_eq!(r.error_code, err::NONE);
    let txn_pid = r.producer_id;
    for v in versions(release, ApiKey::DESCRIBE_TRANSACTIONS) {
        let r = c.call(
            v,
            &m::DescribeTransactionsRequest::default()
                .with_transactional_ids(vec![txn.as_str().into()]),
        );
        let s = &r.transaction_states[0];
        assert_eq!(
            (
                s.error_code,
                s.transactional_id.as_ref(),
                s.transaction_state.as_ref(),
                s.transaction_timeout_ms,
                s.producer_id
            ),
            (err::NONE, txn.as_str(), "Empty", 45_000, txn_pid),
            "DescribeTransactions v{v}"
        );
    }
    for v in versions(release, ApiKey::LIST_TRANSACTIONS) {
        let mut request = m::ListTransactionsRequest::default();
        if v >= 2 {
            request.transactional_id_pattern = None;
        }
        let r = c.call(v, &request);
        assert_eq!(r.error_code, err::NONE, "ListTransactions v{v}");
        let s = r
            .transaction_states
            .iter()
            .find(|s| s.transactional_id == txn.as_str())
            .unwrap_or_else(|| panic!("ListTransactions v{v}: {r:?}"));
        assert_eq!(
            (s.producer_id, s.transaction_state.as_ref()),
            (txn_pid, "Empty")
        );
    }

    // The SCRAM credentials the StorageTool wrote: SHA-256 (1), SHA-512 (2).
    for v in versions(release, ApiKey::DESCRIBE_USER_SCRAM_CREDENTIALS) {
        let r = c.call(
            v,
            &m::DescribeUserScramCredentialsRequest::default().with_users(Some(
                SASL_USERS
                    .iter()
                    .map(|(u, _)| {
                        m::describe_user_scram_credentials_request::UserName::default()
                            .with_name((*u).into())
                    })
                    .collect(),
            )),
        );
        assert_eq!(
            r.error_code,
            err::NONE,
            "DescribeUserScramCredentials v{v}: {r:?}"
        );
        let mut got: Vec<_> = r
            .results
            .iter()
            .map(|u| {
                let mut infos: Vec<_> = u
                    .credential_infos
                    .iter()
                    .map(|i| (i.mechanism, i.iterations))
                    .collect();
                infos.sort();
                (u.user.to_string(), u.error_code, infos)
            })
            .collect();
        got.sort();
        assert_eq!(
            got,
            SASL_USERS
                .iter()
                .map(|(u, _)| (u.to_string(), err::NONE, vec![(1, 4096), (2, 4096)]))
                .collect::<Vec<_>>(),
            "DescribeUserScramCredentials v{v}"
        );
    }

    // A preferred election where the leader is already preferred:
    // ELECTION_NOT_NEEDED (84).
    for v in versions(release, ApiKey::ELECT_LEADERS) {
        let r = c.call(
            v,
            &m::ElectLeadersRequest::default()
                .with_timeout_ms(30_000)
                .with_topic_partitions(Some(vec![
                    m::elect_leaders_request::TopicPartitions::default()
                        .with_topic(topic.as_str().into())
                        .with_partitions(vec![0]),
                ])),
        );
        if v >= 1 {
            assert_eq!(r.error_code, err::NONE);
        }
        let p = &r.replica_election_results[0].partition_result[0];
        assert_eq!(
            (p.partition_id, p.error_code),
            (0, 84),
            "ElectLeaders v{v}: {r:?}"
        );
    }

    for v in versions(release, ApiKey::LIST_PARTITION_REASSIGNMENTS) {
        let r = c.call(
            v,
            &m::ListPartitionReassignmentsRequest::default()
                .with_timeout_ms(30_000)
                .with_topics(None),
        );
        assert_eq!((r.error_code, r.topics.len()), (err::NONE, 0), "{r:?}");
    }
}

/// AlterUserScramCredentials creates a SCRAM-SHA-256 user from a salted
/// password computed here, DescribeUserScramCredentials sees it, and the
/// user then logs in over SCRAM; then AlterClientQuotas and
/// DescribeClientQuotas (an f64 on the wire) at every version.
fn credentials_and_quotas(release: &str) {
    use base64::Engine;
    use hmac::Hmac;
    let b64 = base64::engine::general_purpose::STANDARD;
    let b = broker(release);
    let mut c = Client::connect(b);
    for v in versions(release, ApiKey::ALTER_USER_SCRAM_CREDENTIALS) {
        let user = name(release, &format!("carol{v}"));
        let password = format!("carol-secret-{v}");
        let salt = format!("salt-of-{user}").into_bytes();
        let iterations = 4096;
        let mut salted = vec![0u8; 32];
        pbkdf2::pbkdf2::<Hmac<sha2::Sha256>>(password.as_bytes(), &salt, iterations, &mut salted)
            .expect("PBKDF2");
        let r = c.call(
            v,
            &m::AlterUserScramCredentialsRequest::default().with_upsertions(vec![
                m::alter_user_scram_credentials_request::ScramCredentialUpsertion::default()
                    .with_name(user.as_str().into())
                    .with_mechanism(1)
                    .with_iterations(iterations as i32)
                    .with_salt(Bytes::from(salt.clone()))
                    .with_salted_password(Bytes::from(salted)),
            ]),
        );
        assert_eq!(
            r.results
                .iter()
                .map(|r| (r.user.to_string(), r.error_code))
                .collect::<Vec<_>>(),
            vec![(user.clone(), err::NONE)],
            "AlterUserScramCredentials v{v}: {r:?}"
        );
        // The broker learns it from the metadata log: log in until it does.
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let mut s = Client::to(b.sasl_bootstrap(), release);
            let hv = highest(release, ApiKey::SASL_HANDSHAKE);
            let av = highest(release, ApiKey::SASL_AUTHENTICATE);
            assert_eq!(
                sasl_handshake(&mut s, hv, "SCRAM-SHA-256").error_code,
                err::NONE
            );
            let nonce = format!("{:x}", now_ms());
            let first_bare = format!("n={user},r={nonce}");
            let r = authenticate(&mut s, av, format!("n,,{first_bare}"));
            if r.error_code == err::SASL_AUTHENTICATION_FAILED && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(200));
                continue;
            }
            assert_eq!(r.error_code, err::NONE, "{user}: {r:?}");
            let server_first = String::from_utf8(r.auth_bytes.to_vec()).expect("UTF-8");
            let fields: HashMap<&str, &str> = server_first
                .split(',')
                .filter_map(|f| f.split_once('='))
                .collect();
            assert_eq!(b64.decode(fields["s"]).expect("salt"), salt);
            assert_eq!(fields["i"], "4096");
            let without_proof = format!("c=biws,r={}", fields["r"]);
            let auth_message = format!("{first_bare},{server_first},{without_proof}");
            let (proof, signature) = scram_sha256(
                password.as_bytes(),
                &salt,
                iterations,
                auth_message.as_bytes(),
            );
            let r = authenticate(
                &mut s,
                av,
                format!("{without_proof},p={}", b64.encode(proof)),
            );
            assert_eq!(r.error_code, err::NONE, "{user}: {r:?}");
            assert_eq!(
                String::from_utf8_lossy(&r.auth_bytes),
                format!("v={}", b64.encode(signature))
            );
            assert_serves(&mut s);
            break;
        }
    }

    let alter_versions = versions(release, ApiKey::ALTER_CLIENT_QUOTAS);
    let describe_versions = versions(release, ApiKey::DESCRIBE_CLIENT_QUOTAS);
    let top = alter_versions[alter_versions.len() - 1]
        .max(describe_versions[describe_versions.len() - 1]);
    for k in 0..=top {
        let (av, dv) = (clamp(&alter_versions, k), clamp(&describe_versions, k));
        let client = name(release, &format!("quota{k}"));
        // A double quota: the fraction must survive (a byte rate would be
        // refused as fractional, INVALID_REQUEST).
        let rate = 12.625 + f64::from(k);
        let r = c.call(
            av,
            &m::AlterClientQuotasRequest::default().with_entries(vec![
                m::alter_client_quotas_request::EntryData::default()
                    .with_entity(vec![
                        m::alter_client_quotas_request::EntityData::default()
                            .with_entity_type("client-id".into())
                            .with_entity_name(Some(client.as_str().into())),
                    ])
                    .with_ops(vec![
                        m::alter_client_quotas_request::OpData::default()
                            .with_key("request_percentage".into())
                            .with_value(rate),
                    ]),
            ]),
        );
        assert_eq!(r.entries.len(), 1);
        assert_eq!(
            r.entries[0].error_code,
            err::NONE,
            "AlterClientQuotas v{av}: {r:?}"
        );
        let deadline = Instant::now() + Duration::from_secs(10);
        let r = loop {
            let r = c.call(
                dv,
                &m::DescribeClientQuotasRequest::default()
                    .with_strict(true)
                    .with_components(vec![
                        m::describe_client_quotas_request::ComponentData::default()
                            .with_entity_type("client-id".into())
                            .with_match_type(0)
                            .with_match(Some(client.as_str().into())),
                    ]),
            );
            if r.entries.as_ref().is_some_and(|e| !e.is_empty()) || Instant::now() > deadline {
                break r;
            }
            std::thread::sleep(Duration::from_millis(100));
        };
        assert_eq!(r.error_code, err::NONE, "DescribeClientQuotas v{dv}: {r:?}");
        let entries = r.entries.expect("entries");
        assert_eq!(entries.len(), 1);
        assert_eq!(
            entries[0]
                .entity
                .iter()
                .map(|e| (
                    e.entity_type.to_string(),
                    e.entity_name.as_deref().map(str::to_string)
                ))
                .collect::<Vec<_>>(),
            vec![("client-id".to_string(), Some(client.clone()))]
        );
        assert_eq!(
            entries[0]
                .values
                .iter()
                .map(|v| (v.key.to_string(), v.value))
                .collect::<Vec<_>>(),
            vec![("request_percentage".to_string(), rate)]
        );
    }
}

#[test]
fn scram_credentials_and_quotas_current() {
    credentials_and_quotas(CURRENT);
    write_coverage();
}

#[test]
fn scram_credentials_and_quotas_legacy() {
    credentials_and_quotas(LEGACY);
    write_coverage();
}

#[test]
fn more_admin_apis_current() {
    more_admin(CURRENT);
    write_coverage();
}

#[test]
fn more_admin_apis_legacy() {
    more_admin(LEGACY);
    write_coverage();
}
