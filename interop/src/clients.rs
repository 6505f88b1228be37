//! Real Kafka clients for the end-to-end tests: Kafka's Java clients
//! (producer, consumer with the classic and the KIP-848 group protocols,
//! transactions, Admin), kcat (librdkafka), kafka-python and
//! confluent-kafka (librdkafka again, newer), and Kafka's perf tools.
//!
//! Each function runs one client as a child process against a bootstrap
//! address (a broker's, or a proxy's in front of it), waits for it at most
//! [`CLIENT_TIMEOUT`] (then kills it) and returns an [`Outcome`], or `Err`
//! with the reason: the client failed (its standard error is in the
//! message), timed out, or could not be set up (Maven, javac, kcat, python3
//! or pip missing or failing).
//!
//! The produce-and-consume clients all follow one scheme: create the topic
//! (3 partitions) where the client can, produce `n` records with distinct
//! deterministic keys and values (text, empty, binary and, where the client
//! can send it, null; headers; explicit timestamps where the client can set
//! them) through some compression codecs, then consume the topic from the
//! beginning in a fresh consumer group and compare. [`Outcome::matched`] is
//! true iff every consumed record equals the record produced at its
//! (partition, offset) — so in order per partition — none is missing and
//! none is repeated.
//!
//! Where the pieces are:
//! * Java: `interop/kafka/src/main/java/kafkawire/clients/Clients.java`,
//!   compiled by [`java_clients_classpath`] into
//!   `target/interop-kafka/<release>/clients-classes` against the class path
//!   of [`Broker::classpath`](crate::broker::Broker::classpath);
//! * Python: `interop/clients/pyclients.py`, run in the venv of
//!   [`python_env`] (`target/interop-kafka/pyenv`, the pins of
//!   `interop/clients/requirements.txt`);
//! * kcat: from `PATH` (`apt-get install -y kcat`).

use crate::broker::{Broker, CURRENT, interop_dir};
use std::collections::{HashMap, HashSet};
use std::io::{Read, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// How long one client run may take before it is killed. The clients' own
/// watchdogs end them after 100 s; a healthy run takes a few seconds.
pub const CLIENT_TIMEOUT: Duration = Duration::from_secs(120);

/// The consumer group protocol a consumer uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupProtocol {
    /// JoinGroup, SyncGroup, Heartbeat, LeaveGroup.
    Classic,
    /// KIP-848: ConsumerGroupHeartbeat, assignment computed by the broker.
    Consumer,
}

impl GroupProtocol {
    /// The value of the clients' `group.protocol` setting.
    pub fn name(self) -> &'static str {
        match self {
            GroupProtocol::Classic => "classic",
            GroupProtocol::Consumer => "consumer",
        }
    }
}

/// What one client run did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// Which client, e.g. `java-consumer`, `kcat`, `kafka-python`.
    pub client: String,
    /// Records produced and acknowledged (for [`java_admin`]: the
    /// operations done).
    pub produced: usize,
    /// Records consumed back (for [`java_admin`]: the operations done).
    pub consumed: usize,
    /// Every consumed record equals the one produced at its offset, none is
    /// missing or repeated (for [`java_admin`]: every check passed).
    pub matched: bool,
    /// The client's own summary (codecs, group, versions, the first problem)
    /// and how long the run took.
    pub detail: String,
    /// How long the run took.
    pub elapsed: Duration,
}

impl Outcome {
    /// `Ok(self)` if [`matched`](Self::matched) and the counts agree,
    /// otherwise `Err` describing it: for tests, `clients::kcat(..)
    /// .and_then(Outcome::ok)`.
    pub fn ok(self) -> Result<Outcome, String> {
        if self.matched && self.produced == self.consumed {
            Ok(self)
        } else {
            Err(format!("{self}"))
        }
    }
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: produced {} consumed {} matched {} in {:.1} s ({})",
            self.client,
            self.produced,
            self.consumed,
            self.matched,
            self.elapsed.as_secs_f64(),
            self.detail
        )
    }
}

/// What a perf tool reported.
#[derive(Debug, Clone, PartialEq)]
pub struct PerfResult {
    /// Records sent (producer) or consumed (consumer).
    pub records: u64,
    /// Records per second.
    pub records_per_sec: f64,
    /// Megabytes (2^20 bytes) per second.
    pub mb_per_sec: f64,
    /// The producer's average send latency (ms); `None` for the consumer.
    pub avg_latency_ms: Option<f64>,
    /// The producer's largest send latency (ms); `None` for the consumer.
    pub max_latency_ms: Option<f64>,
    /// The line the numbers come from.
    pub summary: String,
}

// ------------------------------------------------------------ processes

/// What a finished child printed.
#[derive(Debug)]
struct Output {
    stdout: Vec<u8>,
    stderr: String,
}

fn read_all(mut r: impl Read + Send + 'static) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = r.read_to_end(&mut buf);
        buf
    })
}

/// Last lines of a child's standard error, for error messages.
fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().filter(|l| !l.starts_with("SLF4J")).collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// Runs `cmd` with `input` on its standard input; kills it after `timeout`.
/// `Err` if it cannot start, times out or exits unsuccessfully.
fn run_bounded(
    cmd: &mut Command,
    input: &[u8],
    timeout: Duration,
    what: &str,
) -> Result<Output, String> {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| {
            format!(
                "{what}: cannot run {:?}: {e} (is it installed?)",
                cmd.get_program()
            )
        })?;
    let stdout = read_all(child.stdout.take().expect("piped stdout"));
    let stderr = read_all(child.stderr.take().expect("piped stderr"));
    let mut stdin = child.stdin.take().expect("piped stdin");
    let input = input.to_vec();
    // A child that does not read its input must not block us.
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let began = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if began.elapsed() < timeout => std::thread::sleep(Duration::from_millis(50)),
            Ok(None) => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            Err(e) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("{what}: waiting for it: {e}"));
            }
        }
    };
    let _ = writer.join();
    let stdout = stdout.join().unwrap_or_default();
    let stderr = String::from_utf8_lossy(&stderr.join().unwrap_or_default()).into_owned();
    match status {
        None => Err(format!(
            "{what}: no answer in {} s, killed; its last output:\n{}\n{}",
            timeout.as_secs(),
            tail(&String::from_utf8_lossy(&stdout), 5),
            tail(&stderr, 30)
        )),
        Some(s) if !s.success() => Err(format!(
            "{what} failed ({s}):\n{}\n{}",
            tail(&String::from_utf8_lossy(&stdout), 5),
            tail(&stderr, 30)
        )),
        Some(_) => Ok(Output { stdout, stderr }),
    }
}

/// Parses the clients' result line `produced=P consumed=C matched=B rest..`
/// (the last line of standard output) into an [`Outcome`].
fn parse_outcome(client: &str, out: &Output, began: Instant) -> Result<Outcome, String> {
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text
        .lines()
        .rev()
        .find(|l| l.starts_with("produced="))
        .ok_or_else(|| {
            format!(
                "{client}: no result line in its output:\n{text}\n{}",
                tail(&out.stderr, 30)
            )
        })?;
    let field = |name: &str| {
        line.split(' ')
            .find_map(|w| w.strip_prefix(name)?.strip_prefix('='))
            .ok_or_else(|| format!("{client}: no {name}= in {line:?}"))
    };
    let count = |name: &str| {
        field(name)?
            .parse::<usize>()
            .map_err(|e| format!("{client}: {name} in {line:?}: {e}"))
    };
    Ok(Outcome {
        client: client.to_string(),
        produced: count("produced")?,
        consumed: count("consumed")?,
        matched: field("matched")? == "true",
        detail: line
            .split(' ')
            .filter(|w| {
                !["produced=", "consumed=", "matched="]
                    .iter()
                    .any(|p| w.starts_with(p))
            })
            .collect::<Vec<_>>()
            .join(" "),
        elapsed: began.elapsed(),
    })
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace root")
        .to_path_buf()
}

fn modified(path: &Path) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

// ------------------------------------------------------------ Java

/// The class path for the Java clients of Kafka [`CURRENT`]: see
/// [`java_clients_classpath_for`].
pub fn java_clients_classpath() -> Result<String, String> {
    java_clients_classpath_for(CURRENT)
}

/// The class path for the Java clients of `release`: the compiled
/// `kafkawire.clients` classes (javac, into
/// `target/interop-kafka/<release>/clients-classes`, again only when a
/// source changed) and [`Broker::classpath`]. Built once per process.
pub fn java_clients_classpath_for(release: &str) -> Result<String, String> {
    type Built = HashMap<String, Result<String, String>>;
    static BUILT: OnceLock<Mutex<Built>> = OnceLock::new();
    let mut built = BUILT
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    built
        .entry(release.to_string())
        .or_insert_with(|| build_java_clients(release))
        .clone()
}

fn build_java_clients(release: &str) -> Result<String, String> {
    let classpath = Broker::classpath(release)?;
    let dir = interop_dir().join(release);
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let src = workspace_root().join("interop/kafka/src/main/java/kafkawire/clients");
    let sources: Vec<PathBuf> = std::fs::read_dir(&src)
        .map_err(|e| format!("{}: {e}", src.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "java"))
        .collect();
    let classes = dir.join("clients-classes");
    let stamp = classes.join(".built");
    let fresh = modified(&stamp).is_some_and(|built| {
        sources
            .iter()
            .all(|s| modified(s).is_some_and(|m| m < built))
    });
    if !fresh {
        // Compiled into a private directory, then moved into place.
        let tmp = dir.join(format!("clients-classes.{}.tmp", std::process::id()));
        let _ = std::fs::remove_dir_all(&tmp);
        let out = Command::new("javac")
            .arg("-nowarn")
            .args(["--release", "17", "-d"])
            .arg(&tmp)
            .arg("-cp")
            .arg(&classpath)
            .args(&sources)
            .output()
            .map_err(|e| format!("cannot run javac: {e} (is a JDK installed?)"))?;
        if !out.status.success() {
            return Err(format!(
                "javac (the Java clients against Kafka {release}) failed ({}):\n{}{}",
                out.status,
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        std::fs::write(tmp.join(".built"), b"").map_err(|e| e.to_string())?;
        let _ = std::fs::remove_dir_all(&classes);
        if std::fs::rename(&tmp, &classes).is_err() {
            // Another process put its (identical) classes there first.
            let _ = std::fs::remove_dir_all(&tmp);
        }
    }
    Ok(format!("{}:{classpath}", classes.display()))
}

fn java(classpath: &str, main: &str, args: &[String], what: &str) -> Result<Output, String> {
    run_bounded(
        Command::new("java")
            .args([
                "-Xmx256m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-cp",
            ])
            .arg(classpath)
            .arg(main)
            .args(args),
        b"",
        CLIENT_TIMEOUT,
        what,
    )
}

/// Runs `kafkawire.clients.Clients` of `release`: `mode` is `pc`
/// (produce and consume), `txn` or `admin` (see `Clients.java`).
pub fn java_clients(
    release: &str,
    mode: &str,
    bootstrap: SocketAddr,
    topic: &str,
    n: usize,
    protocol: GroupProtocol,
) -> Result<Outcome, String> {
    let began = Instant::now();
    let classpath = java_clients_classpath_for(release)?;
    let client = format!("java-{release}-{mode}-{}", protocol.name());
    let args = [
        mode.to_string(),
        bootstrap.to_string(),
        topic.to_string(),
        n.to_string(),
        protocol.name().to_string(),
    ];
    let out = java(&classpath, "kafkawire.clients.Clients", &args, &client)?;
    parse_outcome(&client, &out, began)
}

/// Kafka's Java producer and consumer ([`CURRENT`]): creates `topic`
/// (3 partitions) unless it exists, produces `n` records through lz4, zstd,
/// gzip, snappy and no compression in turn (idempotent, acks=all), then
/// consumes them back in a fresh group speaking `protocol` and commits.
pub fn java_producer_consumer(
    bootstrap: SocketAddr,
    topic: &str,
    protocol: GroupProtocol,
    n: usize,
) -> Result<Outcome, String> {
    java_clients(CURRENT, "pc", bootstrap, topic, n, protocol)
}

/// Kafka's Admin client ([`CURRENT`]) on a new `topic` (which must not
/// exist): describeCluster, describeFeatures, createTopics (with configs),
/// listTopics, describeTopics, incrementalAlterConfigs, describeConfigs
/// (topic and broker), createPartitions, a produce and a classic group
/// consume of 30 records, listOffsets (latest, earliest, max timestamp),
/// listGroups, describeConsumerGroups, listConsumerGroupOffsets,
/// deleteRecords, describeLogDirs, deleteConsumerGroups, deleteTopics.
/// `produced` and `consumed` count the operations, `matched` says every
/// check passed; `detail` lists them.
pub fn java_admin(bootstrap: SocketAddr, topic: &str) -> Result<Outcome, String> {
    java_clients(
        CURRENT,
        "admin",
        bootstrap,
        topic,
        0,
        GroupProtocol::Classic,
    )
}

/// Kafka's transactional producer ([`CURRENT`], zstd): commits a
/// transaction of `n` records (with sendOffsetsToTransaction), aborts one of
/// `n`, commits another of `n`; a read_committed consumer (classic group)
/// must see exactly the `2n` committed records and reach the last stable
/// offset. `produced` counts the committed records.
pub fn java_transactional(bootstrap: SocketAddr, topic: &str, n: usize) -> Result<Outcome, String> {
    java_clients(CURRENT, "txn", bootstrap, topic, n, GroupProtocol::Classic)
}

/// Like [`java_transactional`], with the read_committed consumer speaking
/// `protocol`.
pub fn java_transactional_with(
    bootstrap: SocketAddr,
    topic: &str,
    n: usize,
    protocol: GroupProtocol,
) -> Result<Outcome, String> {
    java_clients(CURRENT, "txn", bootstrap, topic, n, protocol)
}

fn parse_num(s: &str) -> Option<f64> {
    s.trim().trim_end_matches(',').parse().ok()
}

/// Kafka's `ProducerPerformance` ([`CURRENT`]): `records` records of
/// `record_size` bytes to `topic` as fast as it can (acks=all, its default
/// producer otherwise).
pub fn producer_perf(
    bootstrap: SocketAddr,
    topic: &str,
    records: u64,
    record_size: usize,
) -> Result<PerfResult, String> {
    let classpath = Broker::classpath(CURRENT)?;
    let args: Vec<String> = [
        "--bootstrap-server",
        &bootstrap.to_string(),
        "--topic",
        topic,
        "--num-records",
        &records.to_string(),
        "--record-size",
        &record_size.to_string(),
        "--throughput",
        "-1",
        "--command-property",
        "acks=all",
        "request.timeout.ms=15000",
        "delivery.timeout.ms=60000",
        "max.block.ms=30000",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let out = java(
        &classpath,
        "org.apache.kafka.tools.ProducerPerformance",
        &args,
        "ProducerPerformance",
    )?;
    let text = String::from_utf8_lossy(&out.stdout);
    // "N records sent, R records/sec (M MB/sec), A ms avg latency, X ms max latency, ..."
    let line = text
        .lines()
        .rev()
        .find(|l| l.contains("records sent") && l.contains("max latency"))
        .ok_or_else(|| {
            format!(
                "ProducerPerformance: no summary in its output:\n{text}\n{}",
                tail(&out.stderr, 20)
            )
        })?;
    let words: Vec<&str> = line.split_whitespace().collect();
    let before = |marker: &str| -> Option<f64> {
        let i = words.iter().position(|w| w.starts_with(marker))?;
        parse_num(words.get(i.checked_sub(1)?)?.trim_start_matches('('))
    };
    let bad = || format!("ProducerPerformance: cannot read {line:?}");
    let sent = before("records").ok_or_else(bad)?;
    Ok(PerfResult {
        records: sent as u64,
        records_per_sec: before("records/sec").ok_or_else(bad)?,
        mb_per_sec: before("MB/sec").ok_or_else(bad)?,
        avg_latency_ms: words
            .windows(3)
            .find(|w| w[1] == "ms" && w[2] == "avg")
            .and_then(|w| parse_num(w[0])),
        max_latency_ms: words
            .windows(3)
            .find(|w| w[1] == "ms" && w[2] == "max")
            .and_then(|w| parse_num(w[0])),
        summary: line.to_string(),
    })
}

/// Kafka's `ConsumerPerformance` ([`CURRENT`]): consumes `messages`
/// records of `topic` in a fresh group; fails if they do not all arrive
/// (it gives up after 10 s without a record).
pub fn consumer_perf(
    bootstrap: SocketAddr,
    topic: &str,
    messages: u64,
) -> Result<PerfResult, String> {
    let classpath = Broker::classpath(CURRENT)?;
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let args: Vec<String> = [
        "--bootstrap-server",
        &bootstrap.to_string(),
        "--topic",
        topic,
        "--num-records",
        &messages.to_string(),
        "--group",
        &format!("{topic}-perf-{nanos}"),
        "--timeout",
        "10000",
        "--command-property",
        "request.timeout.ms=15000",
        "--command-property",
        "default.api.timeout.ms=30000",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let out = java(
        &classpath,
        "org.apache.kafka.tools.ConsumerPerformance",
        &args,
        "ConsumerPerformance",
    )?;
    let text = String::from_utf8_lossy(&out.stdout);
    // Header "start.time, end.time, data.consumed.in.MB, MB.sec,
    // data.consumed.in.nMsg, nMsg.sec, ..." then one line of values.
    let mut lines = text.lines().skip_while(|l| !l.starts_with("start.time"));
    let header = lines.next();
    let values = lines.next();
    let (Some(header), Some(values)) = (header, values) else {
        return Err(format!(
            "ConsumerPerformance: no summary in its output:\n{text}\n{}",
            tail(&out.stderr, 20)
        ));
    };
    let names: Vec<&str> = header.split(',').map(str::trim).collect();
    let cells: Vec<&str> = values.split(',').map(str::trim).collect();
    let get = |name: &str| {
        names
            .iter()
            .position(|n| *n == name)
            .and_then(|i| parse_num(cells.get(i)?))
            .ok_or_else(|| format!("ConsumerPerformance: no {name} in {header:?} / {values:?}"))
    };
    let records = get("data.consumed.in.nMsg")? as u64;
    if records < messages {
        return Err(format!(
            "ConsumerPerformance consumed {records} of {messages} records: {values}\n{}",
            tail(&out.stderr, 20)
        ));
    }
    Ok(PerfResult {
        records,
        records_per_sec: get("nMsg.sec")?,
        mb_per_sec: get("MB.sec")?,
        avg_latency_ms: None,
        max_latency_ms: None,
        summary: format!("{header}\n{values}"),
    })
}

// ------------------------------------------------------------ kcat

/// The bytes kcat's producer separates keys from values and records with:
/// no generated key or value contains them.
const KCAT_KEY_DELIM: u8 = 0x1f;
const KCAT_MSG_DELIM: u8 = 0x1e;

/// kcat record `i`: (key, value). Some values are empty, some binary
/// (NUL bytes included, the delimiters left out).
fn kcat_record(i: usize) -> (Vec<u8>, Vec<u8>) {
    let key = format!("kcat-{i}").into_bytes();
    let value = match i % 4 {
        1 => Vec::new(),
        2 => (0..64 + i % 100)
            .map(|j| (j * 31 + i) as u8)
            .map(|b| {
                if b == KCAT_KEY_DELIM || b == KCAT_MSG_DELIM {
                    0
                } else {
                    b
                }
            })
            .collect(),
        3 => format!("kcat value {i} ").repeat(10).into_bytes(),
        _ => format!("kcat value {i}").into_bytes(),
    };
    (key, value)
}

/// kcat (librdkafka, from `PATH`): produces `n` records (keys, empty and
/// binary values, two headers on every record; idempotent) in two runs,
/// the first half with snappy and the second with gzip, then consumes the
/// topic from the beginning in a fresh classic group (`-G`, `-e`).
/// The topic is created by the broker on first use (kcat cannot create
/// topics), with the broker's default partition count.
pub fn kcat(bootstrap: SocketAddr, topic: &str, n: usize) -> Result<Outcome, String> {
    let began = Instant::now();
    let b = bootstrap.to_string();
    let common = |cmd: &mut Command| {
        cmd.args(["-b", &b])
            .args(["-X", "api.version.request=true"])
            .args(["-X", "socket.timeout.ms=15000"])
            .args(["-m", "30"]);
    };
    let half = n.div_ceil(2);
    for (part, codec) in [(0, "snappy"), (1, "gzip")] {
        let mut input = Vec::new();
        for i in part * half..n.min((part + 1) * half) {
            let (key, value) = kcat_record(i);
            input.extend_from_slice(&key);
            input.push(KCAT_KEY_DELIM);
            input.extend_from_slice(&value);
            input.push(KCAT_MSG_DELIM);
        }
        if input.is_empty() {
            continue;
        }
        let mut cmd = Command::new("kcat");
        cmd.arg("-P");
        common(&mut cmd);
        cmd.args(["-t", topic, "-K", "\\x1f", "-D", "\\x1e", "-z", codec])
            .args(["-H", "client=kcat", "-H", &format!("codec={codec}")])
            .args(["-X", "enable.idempotence=true"])
            .args(["-X", "message.timeout.ms=40000"]);
        run_bounded(&mut cmd, &input, CLIENT_TIMEOUT, "kcat -P")?;
    }
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let group = format!("{topic}-kcat-{nanos}");
    let mut cmd = Command::new("kcat");
    cmd.arg("-C");
    common(&mut cmd);
    cmd.args(["-G", &group, "-o", "beginning", "-e", "-q"])
        .args(["-c", &n.to_string()])
        .args(["-X", "session.timeout.ms=10000"])
        .args(["-X", "heartbeat.interval.ms=1000"])
        // Partition, offset, key and value lengths, headers, then the bytes.
        .args(["-f", "%p %o %K %S %h\\x1f%k%s"])
        .arg(topic);
    let out = run_bounded(&mut cmd, b"", CLIENT_TIMEOUT, "kcat -C")?;

    // Parse what came back.
    let mut got = Vec::new();
    let mut rest = &out.stdout[..];
    while !rest.is_empty() {
        let end = rest
            .iter()
            .position(|&b| b == KCAT_KEY_DELIM)
            .ok_or("kcat -C: a record without its delimiter")?;
        let head = String::from_utf8_lossy(&rest[..end]).into_owned();
        let fields: Vec<&str> = head.splitn(5, ' ').collect();
        let num = |i: usize| -> Result<i64, String> {
            fields
                .get(i)
                .and_then(|f| f.parse().ok())
                .ok_or_else(|| format!("kcat -C: cannot read {head:?}"))
        };
        let (partition, offset, klen, vlen) = (num(0)?, num(1)?, num(2)?, num(3)?);
        let headers = fields.get(4).copied().unwrap_or("").to_string();
        rest = &rest[end + 1..];
        let take = |len: i64, rest: &mut &[u8]| -> Result<Option<Vec<u8>>, String> {
            if len < 0 {
                return Ok(None);
            }
            let len = usize::try_from(len).map_err(|e| e.to_string())?;
            if rest.len() < len {
                return Err(format!("kcat -C: truncated record after {head:?}"));
            }
            let (bytes, more) = rest.split_at(len);
            *rest = more;
            Ok(Some(bytes.to_vec()))
        };
        let key = take(klen, &mut rest)?;
        let value = take(vlen, &mut rest)?;
        got.push((partition, offset, key, value, headers));
    }

    // Compare: per partition, in offset order, the produced records of the
    // keys that partition holds, in the order they were produced.
    let expected: HashMap<Vec<u8>, (usize, Vec<u8>, String)> = (0..n)
        .map(|i| {
            let (key, value) = kcat_record(i);
            let codec = if i < half { "snappy" } else { "gzip" };
            (key, (i, value, format!("client=kcat,codec={codec}")))
        })
        .collect();
    let mut problem = String::new();
    let mut seen = HashSet::new();
    let mut last_index: HashMap<i64, (i64, usize)> = HashMap::new();
    for (partition, offset, key, value, headers) in &got {
        let found = key.as_ref().and_then(|k| expected.get(k));
        let Some((i, want, want_headers)) = found else {
            problem = format!("unexpected record at {partition}@{offset}");
            break;
        };
        if !seen.insert(*i) {
            problem = format!("record {i} again at {partition}@{offset}");
            break;
        }
        if value.as_deref() != Some(&want[..]) || headers != want_headers {
            problem = format!("record {i} differs at {partition}@{offset}");
            break;
        }
        if let Some((last_offset, last_i)) = last_index.get(partition) {
            if last_offset >= offset || last_i >= i {
                problem = format!("record {i} out of order at {partition}@{offset}");
                break;
            }
        }
        last_index.insert(*partition, (*offset, *i));
    }
    let matched = problem.is_empty() && got.len() == n && seen.len() == n;
    Ok(Outcome {
        client: "kcat".to_string(),
        produced: n,
        consumed: got.len(),
        matched,
        detail: format!(
            "codecs=snappy,gzip group={group} partitions={}{}",
            last_index.len(),
            if problem.is_empty() {
                String::new()
            } else {
                format!(" problem={problem}")
            }
        ),
        elapsed: began.elapsed(),
    })
}

// ------------------------------------------------------------ Python

/// The venv with the pinned kafka-python and confluent-kafka
/// (`interop/clients/requirements.txt`): `target/interop-kafka/pyenv`,
/// created (`python3 -m venv`, then pip from PyPI) when missing or when its
/// copy of the requirements differs. Once per process. `Err` says why
/// python3, venv or pip failed.
pub fn python_env() -> Result<PathBuf, String> {
    static ENV: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    ENV.get_or_init(build_python_env).clone()
}

fn build_python_env() -> Result<PathBuf, String> {
    let requirements = workspace_root().join("interop/clients/requirements.txt");
    let wanted = std::fs::read_to_string(&requirements)
        .map_err(|e| format!("{}: {e}", requirements.display()))?;
    let dir = interop_dir();
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let venv = dir.join("pyenv");
    let python = |v: &Path| v.join("bin/python");
    let current = |v: &Path| {
        std::fs::read_to_string(v.join("requirements.txt")).is_ok_and(|r| r == wanted)
            && python(v).exists()
    };
    if current(&venv) {
        return Ok(venv);
    }
    // Built elsewhere, then moved into place: a concurrent test process
    // never sees half a venv (a venv's python finds its packages relative to
    // itself, so it survives the move).
    let tmp = dir.join(format!("pyenv.{}.tmp", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    let interpreter = std::env::var("KAFKA_INTEROP_PYTHON").unwrap_or_else(|_| "python3".into());
    run_bounded(
        Command::new(&interpreter).args(["-m", "venv"]).arg(&tmp),
        b"",
        Duration::from_secs(120),
        &format!("{interpreter} -m venv (Debian: apt-get install -y python3-venv)"),
    )?;
    run_bounded(
        Command::new(python(&tmp))
            .args([
                "-m",
                "pip",
                "install",
                "--disable-pip-version-check",
                "-q",
                "-r",
            ])
            .arg(&requirements),
        b"",
        Duration::from_secs(600),
        "pip install -r interop/clients/requirements.txt",
    )?;
    std::fs::write(tmp.join("requirements.txt"), &wanted).map_err(|e| e.to_string())?;
    if current(&venv) {
        // Another process finished first.
        let _ = std::fs::remove_dir_all(&tmp);
        return Ok(venv);
    }
    let _ = std::fs::remove_dir_all(&venv);
    if std::fs::rename(&tmp, &venv).is_err() {
        let _ = std::fs::remove_dir_all(&tmp);
        if !current(&venv) {
            return Err(format!("cannot move the venv into {}", venv.display()));
        }
    }
    Ok(venv)
}

fn python_client(
    lib: &str,
    bootstrap: SocketAddr,
    topic: &str,
    n: usize,
    protocol: GroupProtocol,
) -> Result<Outcome, String> {
    let began = Instant::now();
    let venv = python_env()?;
    let script = workspace_root().join("interop/clients/pyclients.py");
    let client = match protocol {
        GroupProtocol::Classic => lib.to_string(),
        GroupProtocol::Consumer => format!("{lib}-consumer"),
    };
    let out = run_bounded(
        Command::new(venv.join("bin/python"))
            .arg(script)
            .args([lib, &bootstrap.to_string(), topic, &n.to_string()])
            .arg(protocol.name()),
        b"",
        CLIENT_TIMEOUT,
        &client,
    )?;
    parse_outcome(&client, &out, began)
}

/// kafka-python (pure Python; gzip, headers, timestamps, null and binary
/// values; classic group): creates `topic` (3 partitions) with its admin
/// client, produces `n` records, consumes them in a fresh group.
pub fn kafka_python(bootstrap: SocketAddr, topic: &str, n: usize) -> Result<Outcome, String> {
    python_client("kafka-python", bootstrap, topic, n, GroupProtocol::Classic)
}

/// confluent-kafka (librdkafka 2.16): creates `topic` (3 partitions) with
/// its admin client, produces `n` records (idempotent; zstd for the first
/// half, lz4 for the second; headers, timestamps, null and binary values),
/// consumes them in a fresh group speaking `protocol`.
pub fn confluent_kafka(
    bootstrap: SocketAddr,
    topic: &str,
    n: usize,
    protocol: GroupProtocol,
) -> Result<Outcome, String> {
    python_client("confluent-kafka", bootstrap, topic, n, protocol)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn result_lines_parse() {
        let out = Output {
            stdout: b"noise\nproduced=5 consumed=4 matched=false group=g problem=x\n".to_vec(),
            stderr: String::new(),
        };
        let o = parse_outcome("c", &out, Instant::now()).unwrap();
        assert_eq!((o.produced, o.consumed, o.matched), (5, 4, false));
        assert_eq!(o.detail, "group=g problem=x");
        assert!(o.ok().is_err());
    }

    #[test]
    fn kcat_values_avoid_the_delimiters() {
        for i in 0..1000 {
            let (k, v) = kcat_record(i);
            assert!(
                !k.iter()
                    .chain(&v)
                    .any(|&b| b == KCAT_KEY_DELIM || b == KCAT_MSG_DELIM)
            );
        }
    }

    #[test]
    fn bounded_runs_end() {
        let r = run_bounded(
            Command::new("sleep").arg("10"),
            b"",
            Duration::from_millis(200),
            "sleep",
        );
        assert!(r.unwrap_err().contains("killed"));
        let r = run_bounded(
            &mut Command::new("cat"),
            b"abc",
            Duration::from_secs(5),
            "cat",
        );
        assert_eq!(r.unwrap().stdout, b"abc");
    }
}
