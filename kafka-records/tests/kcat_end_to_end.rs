//! End to end with librdkafka (issue 4: "what kafkawire-compress compresses, kcat
//! consumes, through a batch").
//!
//! One test starts librdkafka's mock cluster with kcat (Debian package
//! `kcat`, librdkafka 2.0.2), then, for every codec and several levels:
//!
//! 1. over a plain `TcpStream` with `kafkawire`'s codec: ApiVersions
//!    (the versions used below are negotiated from its answer), Metadata (the
//!    mock creates the topic), and a Produce request whose records are one
//!    batch built by [`RecordBatchBuilder`] with that codec;
//! 2. `kcat -C` (a second librdkafka client, with CRC checks on) consumes the
//!    topic and must print exactly the records written: offsets, timestamps,
//!    null, empty and binary keys and values, headers with null and empty
//!    values, and a value large enough to span several compression blocks.
//!
//! The reverse direction is checked too: `kcat -P -z <codec>` produces to the
//! mock and the batches our Fetch request brings back must be compressed
//! with that codec and decode to what kcat was given.
//!
//! Without kcat the test fails, naming the Debian package; with
//! `KAFKA_WIRE_SKIP_PEERS=1` it returns early and says loudly that it did
//! not run.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};
use kafkawire::frame::{self, FrameCodec};
use kafkawire::messages::fetch_request::{FetchPartition, FetchTopic};
use kafkawire::messages::metadata_request::MetadataRequestTopic;
use kafkawire::messages::produce_request::{PartitionProduceData, TopicProduceData};
use kafkawire::messages::{
    ApiVersionsRequest, FetchRequest, MetadataRequest, ProduceRequest, RequestHeader,
};
use kafkawire::negotiate::{Negotiation, decode_api_versions_response};
use kafkawire::{ApiKey, ErrorCode, Request};
use kafkawire_records::{
    Batch, BatchStream, Compression, ReadOptions, RecordBatch, RecordBatchBuilder,
};

/// Set to `1` to skip this test where kcat cannot be installed.
const SKIP_ENV: &str = "KAFKA_WIRE_SKIP_PEERS";
/// Socket read and write timeout, and the longest wait for any one step.
const TIMEOUT: Duration = Duration::from_secs(10);
/// What kcat -C prints per record. Key and value are preceded by their
/// lengths (-1 for null), so binary bytes (tabs, newlines) parse exactly.
/// kcat prints headers as `name=value,...` with `NULL` for a null value.
const KCAT_FORMAT: &str = "%o\\t%T\\t%K\\t%k\\t%S\\t%s\\t%h\\n";

type Header = (Vec<u8>, Option<Vec<u8>>);

/// One record as written and as read back.
#[derive(Clone, PartialEq, Eq)]
struct Rec {
    offset: i64,
    timestamp: i64,
    key: Option<Vec<u8>>,
    value: Option<Vec<u8>>,
    headers: Vec<Header>,
}

impl std::fmt::Debug for Rec {
    // Large values are summarised, so a failure message stays readable.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        fn short(b: &Option<Vec<u8>>) -> String {
            match b {
                None => "null".into(),
                Some(b) if b.len() <= 48 => format!("{:?}", String::from_utf8_lossy(b)),
                Some(b) => format!(
                    "{} bytes starting {:?}",
                    b.len(),
                    String::from_utf8_lossy(b.get(..32).unwrap_or_default())
                ),
            }
        }
        let headers: Vec<String> = self
            .headers
            .iter()
            .map(|(k, v)| format!("{}={}", String::from_utf8_lossy(k), short(v)))
            .collect();
        write!(
            f,
            "#{} ts {} key {} value {} headers [{}]",
            self.offset,
            self.timestamp,
            short(&self.key),
            short(&self.value),
            headers.join(", ")
        )
    }
}

fn h(name: &str, value: Option<&str>) -> Header {
    (
        name.as_bytes().to_vec(),
        value.map(|v| v.as_bytes().to_vec()),
    )
}

/// About 200 KiB of JSON-like text: several 64 KiB LZ4 blocks and 32 KiB
/// xerial snappy blocks once compressed.
fn large_value() -> Vec<u8> {
    let mut v = Vec::new();
    let mut i = 0u32;
    while v.len() < 200 * 1024 {
        v.extend_from_slice(
            format!(
                "{{\"id\":{i},\"name\":\"customer-{}\",\"amount\":{}.{:02},\"tags\":[\"a\",\"b{}\"]}}\n",
                i % 977,
                i.wrapping_mul(7919) % 10_000,
                i % 100,
                i % 13
            )
            .as_bytes(),
        );
        i += 1;
    }
    v
}

/// The records every codec case writes. Header values must not contain
/// `,`, `=` or a newline, nor be `NULL`: kcat prints them unescaped.
fn records() -> Vec<Rec> {
    let base = 1_700_000_000_000;
    let binary_value: Vec<u8> = (0..=255u8).collect();
    type Row = (Option<Vec<u8>>, Option<Vec<u8>>, Vec<Header>);
    let rows: Vec<Row> = vec![
        (
            Some(b"k0".to_vec()),
            Some(b"plain value".to_vec()),
            vec![h("h1", Some("a")), h("h2", Some("")), h("h3", None)],
        ),
        (None, Some(b"no key".to_vec()), vec![]),
        (
            Some(b"tombstone".to_vec()),
            None,
            vec![h("why", Some("deleted"))],
        ),
        (Some(b"empty-value".to_vec()), Some(Vec::new()), vec![]),
        (Some(Vec::new()), Some(b"empty key".to_vec()), vec![]),
        (None, None, vec![h("only", Some("headers"))]),
        (
            Some(vec![0, 1, b'\t', b'\n', 0xff, b'%']),
            Some(binary_value),
            vec![h("bin", Some("\t|x"))],
        ),
        (
            Some(b"large".to_vec()),
            Some(large_value()),
            vec![h("content-type", Some("application/x-ndjson"))],
        ),
    ];
    // Timestamps go up and down: each record carries its own delta.
    let deltas = [0i64, 7, 3, 1_000, 999, 86_400_000, 5, 12];
    rows.into_iter()
        .zip(deltas)
        .enumerate()
        .map(|(i, ((key, value, headers), delta))| Rec {
            offset: i as i64,
            timestamp: base + delta,
            key,
            value,
            headers,
        })
        .collect()
}

/// Whether kcat can run here; without it the test fails unless skipping was
/// asked for.
fn kcat_present_or_skip(test: &str) -> bool {
    match Command::new("kcat")
        .arg("-V")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
    {
        Ok(status) if status.success() => true,
        other => {
            if std::env::var(SKIP_ENV).as_deref() == Ok("1") {
                eprintln!(
                    "\n!!!!! SKIPPED {test}: kcat is not runnable ({other:?}) and \
                     {SKIP_ENV}=1 is set. The librdkafka interop was NOT tested. !!!!!\n"
                );
                false
            } else {
                panic!(
                    "kcat is not runnable ({other:?}). Install the Debian package `kcat` \
                     (`apt-get install kcat`), or set {SKIP_ENV}=1 to skip this test."
                )
            }
        }
    }
}

/// A child process killed and reaped when dropped, so a failing test leaves
/// nothing behind.
struct Reaped(Child);

impl Drop for Reaped {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// librdkafka's mock cluster, living inside a `kcat -P` whose stdin we hold
/// open: kcat (and the mock) exits when stdin closes or it is killed.
struct MockCluster {
    addr: String,
    // Fields drop in order: kcat is killed, then its stdin closed.
    _process: Reaped,
    _stdin: Option<ChildStdin>,
}

impl MockCluster {
    fn start() -> MockCluster {
        let mut child = Command::new("kcat")
            .args([
                "-b",
                "127.0.0.1:1",
                "-X",
                "test.mock.num.brokers=1",
                "-d",
                "mock",
            ])
            .args(["-P", "-t", "kafka-wire-keepalive"])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn kcat for the mock cluster");
        let stdin = child.stdin.take();
        let stderr = child.stderr.take().expect("piped stderr");
        let process = Reaped(child);

        // The debug log says where the mock listens; it is drained until
        // kcat exits, or kcat would block writing it.
        let (tx, rx) = mpsc::channel::<String>();
        thread::spawn(move || {
            let mut reader = BufReader::new(stderr);
            let mut line = Vec::new();
            let mut seen = String::new();
            let mut sent = false;
            while matches!(reader.read_until(b'\n', &mut line), Ok(n) if n > 0) {
                let text = String::from_utf8_lossy(&line);
                if !sent {
                    if let Some(rest) = text.split("replaced with ").nth(1) {
                        let addr = rest.split_whitespace().next().unwrap_or("").to_string();
                        sent = tx.send(addr).is_ok();
                    } else if seen.len() < 8192 {
                        seen.push_str(&text);
                    }
                }
                line.clear();
            }
            if !sent {
                let _ = tx.send(format!("EXITED\n{seen}"));
            }
        });
        let addr = match rx.recv_timeout(TIMEOUT) {
            Ok(a) if a.starts_with("EXITED") => {
                panic!("kcat exited before the mock cluster started:\n{a}")
            }
            Ok(a) => a,
            Err(e) => panic!("no mock cluster address from kcat within {TIMEOUT:?}: {e}"),
        };
        assert!(
            addr.to_socket_addrs().is_ok_and(|mut a| a.next().is_some()),
            "kcat's debug log gave {addr:?} as the mock address"
        );
        MockCluster {
            addr,
            _process: process,
            _stdin: stdin,
        }
    }
}

/// A process that runs to completion or is killed at its deadline, its
/// output collected by threads (a large output would block it otherwise).
struct Running {
    what: String,
    process: Reaped,
    stdout: Option<JoinHandle<Vec<u8>>>,
    stderr: Option<JoinHandle<Vec<u8>>>,
    deadline: Instant,
}

struct Finished {
    status: ExitStatus,
    stdout: Vec<u8>,
    stderr: Vec<u8>,
}

fn run(what: &str, command: &mut Command, stdin: Option<Vec<u8>>) -> Running {
    let mut child = command
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{what}: spawn: {e}"));
    if let (Some(data), Some(mut pipe)) = (stdin, child.stdin.take()) {
        // Written from a thread; the pipe closes (EOF for kcat) when it ends.
        thread::spawn(move || {
            let _ = pipe.write_all(&data);
        });
    }
    let collect = |r: Option<Box<dyn Read + Send>>| {
        r.map(|mut r| {
            thread::spawn(move || {
                let mut out = Vec::new();
                let _ = r.read_to_end(&mut out);
                out
            })
        })
    };
    let stdout = collect(
        child
            .stdout
            .take()
            .map(|s| Box::new(s) as Box<dyn Read + Send>),
    );
    let stderr = collect(
        child
            .stderr
            .take()
            .map(|s| Box::new(s) as Box<dyn Read + Send>),
    );
    Running {
        what: what.to_string(),
        process: Reaped(child),
        stdout,
        stderr,
        deadline: Instant::now() + TIMEOUT,
    }
}

impl Running {
    fn finish(mut self) -> Result<Finished, String> {
        let status = loop {
            match self.process.0.try_wait() {
                Ok(Some(status)) => break status,
                Ok(None) if Instant::now() >= self.deadline => {
                    let _ = self.process.0.kill();
                    let _ = self.process.0.wait();
                    let err = self.stderr.take().and_then(|h| h.join().ok());
                    return Err(format!(
                        "{}: still running after {TIMEOUT:?}, killed; stderr:\n{}",
                        self.what,
                        String::from_utf8_lossy(&err.unwrap_or_default())
                    ));
                }
                Ok(None) => thread::sleep(Duration::from_millis(10)),
                Err(e) => return Err(format!("{}: wait: {e}", self.what)),
            }
        };
        let join =
            |h: Option<JoinHandle<Vec<u8>>>| h.and_then(|h| h.join().ok()).unwrap_or_default();
        Ok(Finished {
            status,
            stdout: join(self.stdout.take()),
            stderr: join(self.stderr.take()),
        })
    }
}

/// A Kafka connection made of a `TcpStream` and this workspace's codec.
struct Connection {
    stream: TcpStream,
    read: BytesMut,
    next_correlation_id: i32,
    negotiation: Negotiation,
}

impl Connection {
    /// Connects (retrying while the mock comes up), then negotiates versions
    /// with ApiVersions v3 and, as Kafka's clients do, a retry at the version
    /// the broker names when it refuses v3 (librdkafka's mock does).
    fn open(addr: &str) -> Connection {
        let sockaddr = addr
            .to_socket_addrs()
            .ok()
            .and_then(|mut a| a.next())
            .unwrap_or_else(|| panic!("bad address {addr}"));
        let start = Instant::now();
        let stream = loop {
            match TcpStream::connect_timeout(&sockaddr, Duration::from_secs(1)) {
                Ok(s) => break s,
                Err(e) if start.elapsed() < TIMEOUT => {
                    eprintln!("connect {addr}: {e}; retrying");
                    thread::sleep(Duration::from_millis(50));
                }
                Err(e) => panic!("cannot connect to the mock at {addr}: {e}"),
            }
        };
        stream.set_read_timeout(Some(TIMEOUT)).unwrap();
        stream.set_write_timeout(Some(TIMEOUT)).unwrap();
        stream.set_nodelay(true).unwrap();
        let mut conn = Connection {
            stream,
            read: BytesMut::new(),
            next_correlation_id: 1,
            negotiation: Negotiation::default(),
        };

        let request = ApiVersionsRequest::default()
            .with_client_software_name("kafka-wire-e2e".into())
            .with_client_software_version("0.1.0".into());
        let mut version = 3;
        let response = loop {
            let mut body = conn.round_trip(version, &request);
            frame::decode_response_header(&mut body, ApiKey::API_VERSIONS, version)
                .expect("ApiVersions response header");
            let (response, _read_as) =
                decode_api_versions_response(body, version).expect("ApiVersions response");
            let code = ErrorCode::from(response.error_code);
            if code == ErrorCode::UNSUPPORTED_VERSION && version != 0 {
                // The refusal lists the ApiVersions versions the broker has,
                // when it can be read; v0 otherwise.
                let retry = Negotiation::new(&response, false)
                    .version(ApiKey::API_VERSIONS)
                    .unwrap_or(0);
                assert!(
                    retry < version,
                    "ApiVersions v{version} refused, retry v{retry}"
                );
                version = retry;
                continue;
            }
            assert_eq!(code, ErrorCode::NONE, "ApiVersions v{version} error");
            break response;
        };
        conn.negotiation = Negotiation::new(&response, false);
        conn
    }

    fn version(&self, api: ApiKey) -> i16 {
        self.negotiation
            .version(api)
            .unwrap_or_else(|| panic!("no common version of {api:?} with the mock"))
    }

    /// Sends `body` at `version` and returns the response frame (header not
    /// yet read) with the same correlation id.
    fn round_trip<R: Request>(&mut self, version: i16, body: &R) -> Bytes {
        let correlation_id = self.next_correlation_id;
        self.next_correlation_id += 1;
        let header = RequestHeader::default()
            .with_request_api_key(R::API_KEY.0)
            .with_request_api_version(version)
            .with_correlation_id(correlation_id)
            .with_client_id(Some("kafka-wire-e2e".into()));
        let mut out = BytesMut::new();
        frame::encode_request(&mut out, &header, body)
            .unwrap_or_else(|e| panic!("encode {:?} v{version}: {e}", R::API_KEY));
        self.stream
            .write_all(&out)
            .unwrap_or_else(|e| panic!("send {:?} v{version}: {e}", R::API_KEY));
        let codec = FrameCodec::with_max_frame_size(64 << 20);
        let response = loop {
            if let Some(f) = codec
                .decode_frame(&mut self.read)
                .expect("response frame size")
            {
                break f;
            }
            let mut chunk = [0u8; 64 * 1024];
            let n = self
                .stream
                .read(&mut chunk)
                .unwrap_or_else(|e| panic!("read {:?} v{version} response: {e}", R::API_KEY));
            assert!(
                n > 0,
                "the mock closed the connection ({:?} v{version})",
                R::API_KEY
            );
            self.read.extend_from_slice(&chunk[..n]);
        };
        assert_eq!(
            frame::peek_correlation_id(&response).expect("correlation id"),
            correlation_id,
            "response to {:?} v{version}",
            R::API_KEY
        );
        response
    }

    /// A request and its typed response.
    fn call<R: Request>(&mut self, version: i16, body: &R) -> R::Response {
        let response = self.round_trip(version, body);
        frame::decode_response::<R::Response>(response, version)
            .unwrap_or_else(|e| panic!("decode {:?} v{version} response: {e}", R::API_KEY))
            .1
    }

    /// Asks for `topic`'s metadata (the mock creates it) until partition 0
    /// has a leader.
    fn ensure_topic(&mut self, topic: &str) {
        let version = self.version(ApiKey::METADATA);
        let request = MetadataRequest::default()
            .with_topics(Some(vec![
                MetadataRequestTopic::default().with_name(Some(topic.into())),
            ]))
            .with_allow_auto_topic_creation(true);
        let start = Instant::now();
        loop {
            let response = self.call(version, &request);
            let t = response
                .topics
                .iter()
                .find(|t| t.name.as_deref() == Some(topic))
                .unwrap_or_else(|| panic!("topic {topic} not in the Metadata response"));
            let ready = t.error_code == 0
                && t.partitions
                    .iter()
                    .any(|p| p.partition_index == 0 && p.error_code == 0 && p.leader_id >= 0);
            if ready {
                return;
            }
            assert!(
                start.elapsed() < TIMEOUT,
                "topic {topic} not ready: error {}",
                t.error_code
            );
            thread::sleep(Duration::from_millis(20));
        }
    }

    /// Produces `records` (one encoded batch or more) to partition 0 of
    /// `topic` and returns the base offset.
    fn produce(&mut self, topic: &str, records: Bytes) -> i64 {
        let version = self.version(ApiKey::PRODUCE);
        assert!(
            version >= 3,
            "Produce v{version} cannot carry RecordBatch v2"
        );
        let request = ProduceRequest::default()
            .with_acks(-1)
            .with_timeout_ms(5_000)
            .with_topic_data(vec![
                TopicProduceData::default()
                    .with_name(topic.into())
                    .with_partition_data(vec![
                        PartitionProduceData::default()
                            .with_index(0)
                            .with_records(Some(records)),
                    ]),
            ]);
        let response = self.call(version, &request);
        let [t] = response.responses.as_slice() else {
            panic!("Produce response for {topic}: {response:?}");
        };
        let [p] = t.partition_responses.as_slice() else {
            panic!("Produce response for {topic}: {response:?}");
        };
        assert_eq!((t.name.as_str(), p.index), (topic, 0));
        assert_eq!(
            ErrorCode::from(p.error_code),
            ErrorCode::NONE,
            "Produce v{version} to {topic}: {:?}",
            p.error_message
        );
        p.base_offset
    }

    /// Fetches partition 0 of `topic` from offset 0 until `count` records
    /// have come back; returns the batches' codecs and the records.
    fn fetch_all(&mut self, topic: &str, count: usize) -> (Vec<Compression>, Vec<Rec>) {
        let version = self.version(ApiKey::FETCH);
        let options = ReadOptions::default().max_decompressed_size(16 << 20);
        let mut codecs = Vec::new();
        let mut out = Vec::new();
        let mut next = 0i64;
        let start = Instant::now();
        while out.len() < count {
            assert!(
                start.elapsed() < TIMEOUT,
                "fetched {} of {count} records from {topic}",
                out.len()
            );
            let request = FetchRequest::default()
                .with_replica_id(-1)
                .with_max_wait_ms(100)
                .with_min_bytes(1)
                .with_max_bytes(16 << 20)
                .with_topics(vec![
                    FetchTopic::default()
                        .with_topic(topic.into())
                        .with_partitions(vec![
                            FetchPartition::default()
                                .with_partition(0)
                                .with_fetch_offset(next)
                                .with_partition_max_bytes(16 << 20),
                        ]),
                ]);
            let response = self.call(version, &request);
            assert_eq!(response.error_code, 0, "Fetch v{version}");
            for t in &response.responses {
                for p in &t.partitions {
                    assert_eq!(
                        p.error_code, 0,
                        "Fetch v{version} {topic}/{}",
                        p.partition_index
                    );
                    let records = p.records.clone().unwrap_or_default();
                    for batch in BatchStream::with_options(records, options) {
                        let Batch::V2(batch) =
                            batch.unwrap_or_else(|e| panic!("batch from {topic}: {e}"))
                        else {
                            panic!("a legacy message set from {topic}");
                        };
                        batch
                            .validate(&options)
                            .unwrap_or_else(|e| panic!("batch from {topic}: {e}"));
                        codecs.push(batch.compression());
                        for r in batch.records(&options).expect("records") {
                            let r = r.unwrap_or_else(|e| panic!("record from {topic}: {e}"));
                            if r.offset < next {
                                continue; // a batch fetched again from its middle
                            }
                            out.push(Rec {
                                offset: r.offset,
                                timestamp: r.timestamp,
                                key: r.key.map(|b| b.to_vec()),
                                value: r.value.map(|b| b.to_vec()),
                                headers: r
                                    .headers
                                    .iter()
                                    .map(|h| (h.key.to_vec(), h.value.map(|v| v.to_vec())))
                                    .collect(),
                            });
                        }
                        next = next.max(batch.next_offset());
                    }
                }
            }
        }
        (codecs, out)
    }
}

/// Splits `kcat -f KCAT_FORMAT` output into records.
fn parse_kcat(mut out: &[u8]) -> Result<Vec<Rec>, String> {
    fn field<'a>(out: &mut &'a [u8], end: u8, what: &str) -> Result<&'a [u8], String> {
        let i = out
            .iter()
            .position(|&b| b == end)
            .ok_or_else(|| format!("no end of {what}"))?;
        let (f, rest) = out.split_at(i);
        *out = &rest[1..];
        Ok(f)
    }
    fn number(out: &mut &[u8], what: &str) -> Result<i64, String> {
        let f = field(out, b'\t', what)?;
        std::str::from_utf8(f)
            .ok()
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| format!("{what}: {:?}", String::from_utf8_lossy(f)))
    }
    fn sized(out: &mut &[u8], what: &str) -> Result<Option<Vec<u8>>, String> {
        let len = number(out, what)?;
        let n = usize::try_from(len).unwrap_or(0);
        if out.len() < n + 1 || out[n] != b'\t' {
            return Err(format!("{what}: {len} bytes then a tab expected"));
        }
        let bytes = out[..n].to_vec();
        *out = &out[n + 1..];
        Ok((len >= 0).then_some(bytes))
    }
    let mut records = Vec::new();
    while !out.is_empty() {
        let offset = number(&mut out, "offset")?;
        let timestamp = number(&mut out, "timestamp")?;
        let key = sized(&mut out, "key")?;
        let value = sized(&mut out, "value")?;
        let headers = field(&mut out, b'\n', "headers")?;
        let headers = if headers.is_empty() {
            Vec::new()
        } else {
            headers
                .split(|&b| b == b',')
                .map(|kv| {
                    let eq = kv.iter().position(|&b| b == b'=').unwrap_or(kv.len());
                    let value = kv.get(eq + 1..).unwrap_or_default();
                    (
                        kv[..eq].to_vec(),
                        (value != b"NULL").then(|| value.to_vec()),
                    )
                })
                .collect()
        };
        records.push(Rec {
            offset,
            timestamp,
            key,
            value,
            headers,
        });
    }
    Ok(records)
}

/// Compares records read back with those written, naming the first
/// difference of each record.
fn compare(what: &str, got: &[Rec], want: &[Rec]) -> Result<(), String> {
    let mut problems = Vec::new();
    if got.len() != want.len() {
        problems.push(format!("{} records, {} expected", got.len(), want.len()));
    }
    for (g, w) in got.iter().zip(want) {
        if g != w {
            problems.push(format!("got  {g:?}\n    want {w:?}"));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!("{what}:\n    {}", problems.join("\n    ")))
    }
}

/// The codec cases: every codec at its default level, and levels other than
/// the default for those that have levels (lz4 levels other than 9 are LZ4
/// HC, as in Kafka).
const CASES: &[(&str, Compression, Option<i32>)] = &[
    ("none", Compression::NONE, None),
    ("gzip", Compression::GZIP, None),
    ("gzip-1", Compression::GZIP, Some(1)),
    ("gzip-9", Compression::GZIP, Some(9)),
    ("snappy", Compression::SNAPPY, None),
    ("lz4", Compression::LZ4, None),
    ("lz4-1", Compression::LZ4, Some(1)),
    ("lz4-17", Compression::LZ4, Some(17)),
    ("zstd", Compression::ZSTD, None),
    ("zstd-1", Compression::ZSTD, Some(1)),
    ("zstd-19", Compression::ZSTD, Some(19)),
    ("zstd-neg5", Compression::ZSTD, Some(-5)),
];

fn build_batch(codec: Compression, level: Option<i32>, records: &[Rec]) -> Bytes {
    let mut builder = RecordBatchBuilder::new(0).compression(codec, level);
    for r in records {
        let headers: Vec<(&[u8], Option<&[u8]>)> = r
            .headers
            .iter()
            .map(|(k, v)| (k.as_slice(), v.as_deref()))
            .collect();
        builder
            .append(r.timestamp, r.key.as_deref(), r.value.as_deref(), &headers)
            .expect("append");
    }
    builder.finish().expect("finish the batch")
}

#[test]
fn our_batches_are_consumed_by_kcat_and_kcat_batches_by_us() {
    if !kcat_present_or_skip("our_batches_are_consumed_by_kcat_and_kcat_batches_by_us") {
        return;
    }
    let started = Instant::now();
    let mock = MockCluster::start();
    let mut conn = Connection::open(&mock.addr);
    eprintln!(
        "mock cluster at {}; Metadata v{}, Produce v{}, Fetch v{}",
        mock.addr,
        conn.version(ApiKey::METADATA),
        conn.version(ApiKey::PRODUCE),
        conn.version(ApiKey::FETCH)
    );

    // Our batches -> the mock -> kcat -C. All consumers run at once.
    let want = records();
    let mut consumers = Vec::new();
    for &(name, codec, level) in CASES {
        let topic = format!("ours-{name}");
        let batch = build_batch(codec, level, &want);
        // What goes out really is compressed with the codec asked for.
        let decoded = RecordBatch::decode(&mut batch.clone(), &ReadOptions::default())
            .expect("our own batch");
        assert_eq!(decoded.compression(), codec, "{name}");
        conn.ensure_topic(&topic);
        assert_eq!(conn.produce(&topic, batch), 0, "{name}: base offset");
        let count = want.len().to_string();
        consumers.push((
            name,
            run(
                &format!("kcat -C {topic}"),
                Command::new("kcat").args([
                    "-C",
                    "-b",
                    &mock.addr,
                    "-t",
                    &topic,
                    "-p",
                    "0",
                    "-o",
                    "beginning",
                    "-c",
                    &count,
                    "-e",
                    "-X",
                    "check.crcs=true",
                    "-f",
                    KCAT_FORMAT,
                ]),
                None,
            ),
        ));
    }
    let mut failures = Vec::new();
    for (name, consumer) in consumers {
        let result = consumer.finish().and_then(|f| {
            if !f.status.success() {
                return Err(format!(
                    "kcat -C exited with {}: {}",
                    f.status,
                    String::from_utf8_lossy(&f.stderr)
                ));
            }
            let got = parse_kcat(&f.stdout).map_err(|e| {
                format!(
                    "unreadable kcat output ({e}); stderr: {}",
                    String::from_utf8_lossy(&f.stderr)
                )
            })?;
            compare(&format!("kcat consuming our {name} batch"), &got, &want)
        });
        if let Err(e) = result {
            failures.push(format!("{name}: {e}"));
        }
    }

    // kcat -P -z <codec> -> the mock -> our Fetch and decoder.
    let lines: Vec<(String, String)> = (0..40)
        .map(|i| {
            let value = if i % 10 == 3 {
                String::new() // sent as null (-Z)
            } else {
                format!(
                    "{{\"event\":{i},\"kind\":\"click\",\"page\":\"/catalog/{}\"}}",
                    i % 4
                )
                .repeat(1 + i % 5)
            };
            (format!("key-{i}"), value)
        })
        .collect();
    let input: Vec<u8> = lines
        .iter()
        .flat_map(|(k, v)| format!("{k}\t{v}\n").into_bytes())
        .collect();
    let kcat_headers = vec![
        h("source", Some("kcat")),
        h("empty", Some("")),
        h("nil", None),
    ];
    let reverse: &[(&str, Compression, Option<i32>)] = &[
        ("gzip", Compression::GZIP, None),
        ("snappy", Compression::SNAPPY, None),
        ("lz4", Compression::LZ4, None),
        ("zstd", Compression::ZSTD, None),
        ("zstd-1", Compression::ZSTD, Some(1)),
    ];
    let mut producers = Vec::new();
    for &(name, codec, level) in reverse {
        let topic = format!("kcat-{name}");
        conn.ensure_topic(&topic);
        let mut command = Command::new("kcat");
        command.args([
            "-P", "-b", &mock.addr, "-t", &topic, "-p", "0", "-K", "\\t", "-Z",
        ]);
        command.args(["-z", codec.name().expect("known codec")]);
        // librdkafka sends a batch uncompressed when compressing does not
        // shrink it, which a lone small record does not. A long linger keeps
        // all 40 records queued until kcat's flush at end of input, so they
        // travel as one compressible batch even on a loaded machine.
        command.args(["-X", "linger.ms=1000"]);
        if let Some(level) = level {
            command.args(["-X", &format!("compression.level={level}")]);
        }
        command.args(["-H", "source=kcat", "-H", "empty=", "-H", "nil"]);
        producers.push((
            name,
            codec,
            topic,
            run(
                &format!("kcat -P {name}"),
                &mut command,
                Some(input.clone()),
            ),
        ));
    }
    for (name, codec, topic, producer) in producers {
        let result = producer.finish().and_then(|f| {
            if !f.status.success() {
                return Err(format!(
                    "kcat -P exited with {}: {}",
                    f.status,
                    String::from_utf8_lossy(&f.stderr)
                ));
            }
            let (codecs, got) = conn.fetch_all(&topic, lines.len());
            if codecs.iter().any(|&c| c != codec) {
                return Err(format!("kcat's batches use {codecs:?}, {codec:?} expected"));
            }
            // kcat stamps records itself: compare everything but the time.
            let want: Vec<Rec> = lines
                .iter()
                .enumerate()
                .map(|(i, (k, v))| Rec {
                    offset: i as i64,
                    timestamp: 0,
                    key: Some(k.clone().into_bytes()),
                    value: (!v.is_empty()).then(|| v.clone().into_bytes()),
                    headers: kcat_headers.clone(),
                })
                .collect();
            let got: Vec<Rec> = got.into_iter().map(|r| Rec { timestamp: 0, ..r }).collect();
            compare(&format!("our Fetch of kcat's {name} batches"), &got, &want)
        });
        if let Err(e) = result {
            failures.push(format!("kcat -P {name}: {e}"));
        }
    }

    drop(mock);
    eprintln!("end to end: {:?}", started.elapsed());
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}
