//! A Kafka client on a plain blocking socket: negotiates API versions with a
//! broker, lists its topics, creates a topic, produces a record batch to it
//! and fetches the batch back.
//!
//! ```sh
//! cargo run -p kafkawire-examples --example client -- 127.0.0.1:9092 [TOPIC]
//! ```

use std::error::Error;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use bytes::{Bytes, BytesMut};
use kafkawire::messages::{
    ApiVersionsRequest, CreateTopicsRequest, FetchRequest, MetadataRequest, ProduceRequest,
    RequestHeader, create_topics_request, fetch_request, metadata_request, produce_request,
};
use kafkawire::negotiate::{Negotiation, decode_api_versions_response};
use kafkawire::{ApiKey, ErrorCode, Request, Uuid, frame};
use kafkawire_records::{Batch, BatchStream, Compression, ReadOptions, RecordBatchBuilder};

type Result<T> = std::result::Result<T, Box<dyn Error>>;

/// One connection: requests go out in order, each waits for its response.
struct Client {
    stream: TcpStream,
    correlation_id: i32,
    versions: Option<Negotiation>,
}

impl Client {
    fn connect(addr: &str) -> Result<Self> {
        let stream = TcpStream::connect(addr)?;
        stream.set_read_timeout(Some(Duration::from_secs(30)))?;
        Ok(Self {
            stream,
            correlation_id: 0,
            versions: None,
        })
    }

    /// Sends one request frame and returns the response frame's bytes
    /// (without the size prefix).
    fn round_trip<R: Request>(&mut self, version: i16, body: &R) -> Result<Bytes> {
        self.correlation_id += 1;
        let header = RequestHeader::default()
            .with_request_api_key(R::API_KEY.0)
            .with_request_api_version(version)
            .with_correlation_id(self.correlation_id)
            .with_client_id(Some("kafkawire-example".into()));
        let mut out = BytesMut::new();
        frame::encode_request(&mut out, &header, body)?;
        self.stream.write_all(&out)?;

        let mut size = [0u8; 4];
        self.stream.read_exact(&mut size)?;
        let size = usize::try_from(i32::from_be_bytes(size))?;
        let mut response = vec![0u8; size];
        self.stream.read_exact(&mut response)?;
        Ok(Bytes::from(response))
    }

    /// Sends `body` at the highest version both sides support.
    fn call<R: Request>(&mut self, body: &R) -> Result<R::Response> {
        let version = self
            .versions
            .as_ref()
            .and_then(|n| n.version(R::API_KEY))
            .ok_or_else(|| format!("the broker does not support {}", R::NAME))?;
        let response = self.round_trip(version, body)?;
        let (header, body) = frame::decode_response::<R::Response>(response, version)?;
        assert_eq!(header.correlation_id, self.correlation_id);
        Ok(body)
    }

    /// ApiVersions first, as every Kafka client does: it tells which versions
    /// of which APIs this broker speaks.
    fn negotiate(&mut self) -> Result<()> {
        let version = ApiKey::API_VERSIONS
            .info()
            .map_or(0, |info| info.versions.highest);
        let request = ApiVersionsRequest::default()
            .with_client_software_name("kafkawire-example".into())
            .with_client_software_version(env!("CARGO_PKG_VERSION").into());
        let mut frame = self.round_trip(version, &request)?;
        // The response header is v0 for every ApiVersions version.
        frame::decode_response_header(&mut frame, ApiKey::API_VERSIONS, 0)?;
        let (response, _read_as) = decode_api_versions_response(frame, version)?;
        check(response.error_code, "ApiVersions")?;
        self.versions = Some(Negotiation::new(&response, false));
        Ok(())
    }
}

/// An error code as an error.
fn check(code: i16, what: &str) -> Result<()> {
    match ErrorCode::from(code) {
        ErrorCode::NONE => Ok(()),
        e => Err(format!("{what}: {e}").into()),
    }
}

fn metadata(topics: Option<&str>) -> MetadataRequest {
    MetadataRequest::default().with_topics(topics.map(|name| {
        vec![metadata_request::MetadataRequestTopic::default().with_name(Some(name.into()))]
    }))
}

/// Waits until the broker reports a leader for partition 0 of `topic`;
/// returns the topic's id.
fn wait_for_leader(client: &mut Client, topic: &str) -> Result<Uuid> {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let r = client.call(&metadata(Some(topic)))?;
        if let Some(t) = r.topics.first() {
            if t.error_code == 0 && t.partitions.iter().any(|p| p.leader_id >= 0) {
                return Ok(t.topic_id);
            }
        }
        if Instant::now() > deadline {
            return Err(format!("{topic} has no leader after 30 s").into());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let addr = args.next().unwrap_or_else(|| "127.0.0.1:9092".into());
    let topic = args.next().unwrap_or_else(|| "kafkawire-example".into());

    let mut client = Client::connect(&addr)?;
    client.negotiate()?;
    if let Some(versions) = &client.versions {
        for api in [ApiKey::METADATA, ApiKey::PRODUCE, ApiKey::FETCH] {
            let name = api.info().map_or("?", |info| info.name);
            println!("{name}: v{}", versions.version(api).unwrap_or(-1));
        }
    }

    let listed = client.call(&metadata(None))?;
    println!("{} topics:", listed.topics.len());
    for t in &listed.topics {
        let name = t.name.as_ref().map_or("(unnamed)", |n| n.as_str());
        println!("  {name} ({} partitions)", t.partitions.len());
    }

    if !listed
        .topics
        .iter()
        .any(|t| t.name.as_ref().is_some_and(|n| n.as_str() == topic))
    {
        let created = client.call(
            &CreateTopicsRequest::default()
                .with_timeout_ms(30_000)
                .with_topics(vec![
                    create_topics_request::CreatableTopic::default()
                        .with_name(topic.as_str().into())
                        .with_num_partitions(1)
                        .with_replication_factor(1),
                ]),
        )?;
        for t in &created.topics {
            check(t.error_code, "CreateTopics")?;
        }
        println!("created {topic}");
    }
    let topic_id = wait_for_leader(&mut client, &topic)?;

    // One batch of three records, compressed with zstd.
    let now = SystemTime::now().duration_since(UNIX_EPOCH)?.as_millis() as i64;
    let mut builder = RecordBatchBuilder::new(0).compression(Compression::ZSTD, None);
    for (key, value) in [("k1", "first"), ("k2", "second"), ("k3", "third")] {
        builder.append(now, Some(key.as_bytes()), Some(value.as_bytes()), &[])?;
    }
    let records = builder.finish()?;

    // Produce v13 and later name the topic by id; earlier versions by name.
    // Setting both is fine: each version writes the field it has.
    let produce = ProduceRequest::default()
        .with_acks(-1)
        .with_timeout_ms(30_000)
        .with_topic_data(vec![
            produce_request::TopicProduceData::default()
                .with_name(topic.as_str().into())
                .with_topic_id(topic_id)
                .with_partition_data(vec![
                    produce_request::PartitionProduceData::default()
                        .with_index(0)
                        .with_records(Some(records)),
                ]),
        ]);
    // A partition just created may not take writes for a moment.
    let deadline = Instant::now() + Duration::from_secs(30);
    let base_offset = loop {
        let r = client.call(&produce)?;
        let p = r
            .responses
            .first()
            .and_then(|t| t.partition_responses.first())
            .ok_or("an empty Produce response")?;
        let retriable = matches!(
            ErrorCode::from(p.error_code),
            ErrorCode::NOT_LEADER_OR_FOLLOWER | ErrorCode::UNKNOWN_TOPIC_OR_PARTITION
        );
        if !retriable || Instant::now() > deadline {
            check(p.error_code, "Produce")?;
            break p.base_offset;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    println!("produced 3 records at offset {base_offset}");

    let fetch = FetchRequest::default()
        .with_replica_id(-1)
        .with_max_wait_ms(1_000)
        .with_min_bytes(1)
        .with_max_bytes(1 << 20)
        .with_topics(vec![
            fetch_request::FetchTopic::default()
                .with_topic(topic.as_str().into())
                .with_topic_id(topic_id)
                .with_partitions(vec![
                    fetch_request::FetchPartition::default()
                        .with_partition(0)
                        .with_fetch_offset(base_offset)
                        .with_partition_max_bytes(1 << 20),
                ]),
        ]);
    let r = client.call(&fetch)?;
    check(r.error_code, "Fetch")?;
    let p = r
        .responses
        .first()
        .and_then(|t| t.partitions.first())
        .ok_or("an empty Fetch response")?;
    check(p.error_code, "Fetch")?;
    let records = p.records.clone().unwrap_or_default();
    println!(
        "fetched {} bytes of records (high watermark {})",
        records.len(),
        p.high_watermark
    );
    let options = ReadOptions::default().max_batch_size(1 << 20);
    for batch in BatchStream::with_options(records, options) {
        let Batch::V2(batch) = batch? else { continue };
        batch.validate(&options)?;
        println!(
            "batch at offset {} ({:?}, {} bytes on the wire)",
            batch.base_offset,
            batch.compression(),
            batch.encoded_len()
        );
        for record in batch.records(&options)? {
            let record = record?;
            let text = |b: Option<Bytes>| b.map(|b| String::from_utf8_lossy(&b).into_owned());
            println!(
                "  offset {} key {:?} value {:?}",
                record.offset,
                text(record.key),
                text(record.value)
            );
        }
    }
    Ok(())
}
