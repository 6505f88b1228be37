//! Synthetic captures: Kafka conversations over made-up TCP connections,
//! written as a classic pcap (raw IPv4, microsecond times) as they are
//! generated, so a capture of any size takes no more memory than one
//! round of frames.
//!
//! Used by the tests (streamed, lossy and large captures) and by the
//! `gen_capture` example that makes the captures of the README's
//! measurements. Each connection produces record batches and fetches them
//! back, with its own codec (none, gzip, snappy, lz4, zstd in turn).

use std::io::{self, Write};

use bytes::{Bytes, BytesMut};
use kafkawire::frame::{encode_request, encode_response};
use kafkawire::messages::{
    FetchRequest, FetchResponse, ProduceRequest, ProduceResponse, RequestHeader, fetch_request,
    fetch_response, produce_request, produce_response,
};
use kafkawire::{ApiKey, EncodeError};
use kafkawire_records::{Compression, RecordBatchBuilder};

/// The port of the made-up broker.
pub const BROKER_PORT: u16 = 9092;

/// Why a synthetic capture could not be written.
#[derive(Debug)]
pub enum SynthError {
    /// Writing the capture failed.
    Io(io::Error),
    /// A frame could not be encoded.
    Encode(EncodeError),
    /// A record batch could not be built.
    Records(kafkawire_records::Error),
}

impl std::fmt::Display for SynthError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SynthError::Io(e) => write!(f, "writing the capture: {e}"),
            SynthError::Encode(e) => write!(f, "encoding a frame: {e}"),
            SynthError::Records(e) => write!(f, "building a record batch: {e}"),
        }
    }
}

impl std::error::Error for SynthError {}

impl From<io::Error> for SynthError {
    fn from(e: io::Error) -> Self {
        SynthError::Io(e)
    }
}

impl From<EncodeError> for SynthError {
    fn from(e: EncodeError) -> Self {
        SynthError::Encode(e)
    }
}

impl From<kafkawire_records::Error> for SynthError {
    fn from(e: kafkawire_records::Error) -> Self {
        SynthError::Records(e)
    }
}

/// Writes packets to a classic pcap (link type 101, raw IP).
#[derive(Debug)]
pub struct PcapWriter<W: Write> {
    out: W,
    /// Microseconds since the epoch of the next packet.
    time_us: u64,
    written: u64,
}

impl<W: Write> PcapWriter<W> {
    /// Writes the file header.
    pub fn new(mut out: W) -> io::Result<Self> {
        let mut header = vec![0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0];
        header.extend_from_slice(&[0; 8]);
        header.extend_from_slice(&262_144u32.to_le_bytes());
        header.extend_from_slice(&101u32.to_le_bytes());
        out.write_all(&header)?;
        Ok(PcapWriter {
            out,
            time_us: 1_795_000_000_000_000,
            written: 24,
        })
    }

    /// Writes one packet, 10 microseconds after the previous one.
    pub fn packet(&mut self, data: &[u8]) -> io::Result<()> {
        let secs = (self.time_us / 1_000_000) as u32;
        let micros = (self.time_us % 1_000_000) as u32;
        self.time_us += 10;
        let len = data.len() as u32;
        let mut record = Vec::with_capacity(16);
        for v in [secs, micros, len, len] {
            record.extend_from_slice(&v.to_le_bytes());
        }
        self.out.write_all(&record)?;
        self.out.write_all(data)?;
        self.written += 16 + data.len() as u64;
        Ok(())
    }

    /// Bytes written so far.
    pub fn written(&self) -> u64 {
        self.written
    }

    /// Gives the writer back.
    pub fn into_inner(self) -> W {
        self.out
    }
}

/// One made-up TCP connection from 10.0.0.1:`port` to the broker
/// 10.0.0.2:9092: its packets, with sequence numbers that follow.
#[derive(Debug, Clone)]
pub struct TcpConn {
    /// The client's port.
    pub port: u16,
    client_seq: u32,
    server_seq: u32,
}

const SYN: u8 = 0x02;
const ACK: u8 = 0x10;
const FIN: u8 = 0x01;
const PSH: u8 = 0x08;

impl TcpConn {
    /// A connection from client port `port`, with initial sequence numbers
    /// derived from it.
    pub fn new(port: u16) -> Self {
        TcpConn {
            port,
            client_seq: u32::from(port).wrapping_mul(2_654_435_761),
            server_seq: u32::from(port).wrapping_mul(40_503).wrapping_add(7),
        }
    }

    /// A raw IPv4 packet of this connection.
    fn ip(&self, to_server: bool, seq: u32, flags: u8, payload: &[u8]) -> Vec<u8> {
        let (sport, dport, src, dst) = if to_server {
            (self.port, BROKER_PORT, 1, 2)
        } else {
            (BROKER_PORT, self.port, 2, 1)
        };
        let total = 40 + payload.len();
        let mut p = Vec::with_capacity(total);
        p.extend_from_slice(&[0x45, 0]);
        p.extend_from_slice(&(total.min(65_535) as u16).to_be_bytes());
        p.extend_from_slice(&[0, 0, 0x40, 0, 64, 6, 0, 0, 10, 0, 0, src, 10, 0, 0, dst]);
        p.extend_from_slice(&sport.to_be_bytes());
        p.extend_from_slice(&dport.to_be_bytes());
        p.extend_from_slice(&seq.to_be_bytes());
        // Everything the other side sent so far is acknowledged.
        let ack = if to_server {
            self.server_seq
        } else {
            self.client_seq
        };
        p.extend_from_slice(&ack.to_be_bytes());
        p.extend_from_slice(&[5 << 4, flags, 0xff, 0xff, 0, 0, 0, 0]);
        p.extend_from_slice(payload);
        p
    }

    /// SYN, SYN-ACK, ACK.
    pub fn open(&mut self) -> Vec<Vec<u8>> {
        let packets = vec![
            self.ip(true, self.client_seq, SYN, b""),
            self.ip(false, self.server_seq, SYN | ACK, b""),
            self.ip(true, self.client_seq.wrapping_add(1), ACK, b""),
        ];
        self.client_seq = self.client_seq.wrapping_add(1);
        self.server_seq = self.server_seq.wrapping_add(1);
        packets
    }

    /// `bytes` sent by the client (`to_server`) or the broker, in segments
    /// of at most `mss` bytes.
    pub fn send(&mut self, to_server: bool, bytes: &[u8], mss: usize) -> Vec<Vec<u8>> {
        let mut packets = Vec::new();
        for chunk in bytes.chunks(mss.max(1)) {
            let seq = if to_server {
                &mut self.client_seq
            } else {
                &mut self.server_seq
            };
            let at = *seq;
            *seq = seq.wrapping_add(chunk.len() as u32);
            packets.push(self.ip(to_server, at, ACK | PSH, chunk));
        }
        packets
    }

    /// FIN from both sides, then the last ACK.
    pub fn close(&mut self) -> Vec<Vec<u8>> {
        let packets = vec![
            self.ip(true, self.client_seq, FIN | ACK, b""),
            self.ip(false, self.server_seq, FIN | ACK, b""),
            self.ip(true, self.client_seq.wrapping_add(1), ACK, b""),
        ];
        self.client_seq = self.client_seq.wrapping_add(1);
        self.server_seq = self.server_seq.wrapping_add(1);
        packets
    }
}

/// A request frame (size prefix included) of `api` at `version`.
fn request<R: kafkawire::Request>(
    api: ApiKey,
    version: i16,
    correlation_id: i32,
    body: &R,
) -> Result<BytesMut, SynthError> {
    let header = RequestHeader::default()
        .with_request_api_key(api.0)
        .with_request_api_version(version)
        .with_correlation_id(correlation_id)
        .with_client_id(Some("synth".into()));
    let mut out = BytesMut::new();
    encode_request(&mut out, &header, body)?;
    Ok(out)
}

/// A response frame (size prefix included).
fn response<R: kafkawire::Response>(
    version: i16,
    correlation_id: i32,
    body: &R,
) -> Result<BytesMut, SynthError> {
    let mut out = BytesMut::new();
    encode_response(&mut out, correlation_id, version, body)?;
    Ok(out)
}

/// The codec of connection `n`: none, gzip, snappy, lz4, zstd in turn.
pub fn codec(n: usize) -> Compression {
    match n % 5 {
        0 => Compression::NONE,
        1 => Compression::GZIP,
        2 => Compression::SNAPPY,
        3 => Compression::LZ4,
        _ => Compression::ZSTD,
    }
}

/// A record batch of `records` records with `value_size`-byte values of
/// made-up words (compressible, not constant), drawn from `seed`.
pub fn batch(
    codec: Compression,
    base_offset: i64,
    records: usize,
    value_size: usize,
    seed: &mut u64,
) -> Result<Bytes, SynthError> {
    const WORDS: [&str; 8] = [
        "kafka ", "broker ", "topic ", "offset ", "record ", "batch ", "fetch ", "produce ",
    ];
    let mut b = RecordBatchBuilder::new(base_offset).compression(codec, None);
    let mut value = Vec::with_capacity(value_size);
    for i in 0..records {
        value.clear();
        while value.len() < value_size {
            *seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let word = WORDS.get((*seed >> 61) as usize).unwrap_or(&"kafka ");
            value.extend_from_slice(word.as_bytes());
        }
        value.truncate(value_size);
        let key = format!("key-{i}");
        b.append(
            1_795_000_000_000 + i as i64,
            Some(key.as_bytes()),
            Some(&value),
            &[(b"h".as_slice(), Some(b"v".as_slice()))],
        )?;
    }
    Ok(b.finish()?)
}

/// The four frames of one round on a connection: a Produce (v9) of
/// `records` and its response, a Fetch (v12) and its response returning
/// them; correlation ids `2 * round + 1` and `2 * round + 2`.
pub fn round_frames(
    round: i32,
    offset: i64,
    records: Bytes,
) -> Result<[(bool, BytesMut); 4], SynthError> {
    let topic = "synthetic";
    let produce = ProduceRequest::default()
        .with_acks(-1)
        .with_timeout_ms(30_000)
        .with_topic_data(vec![
            produce_request::TopicProduceData::default()
                .with_name(topic.into())
                .with_partition_data(vec![
                    produce_request::PartitionProduceData::default()
                        .with_index(0)
                        .with_records(Some(records.clone())),
                ]),
        ]);
    let produced = ProduceResponse::default().with_responses(vec![
        produce_response::TopicProduceResponse::default()
            .with_name(topic.into())
            .with_partition_responses(vec![
                produce_response::PartitionProduceResponse::default()
                    .with_index(0)
                    .with_base_offset(offset),
            ]),
    ]);
    let fetch = FetchRequest::default()
        .with_max_wait_ms(500)
        .with_min_bytes(1)
        .with_max_bytes(52_428_800)
        .with_topics(vec![
            fetch_request::FetchTopic::default()
                .with_topic(topic.into())
                .with_partitions(vec![
                    fetch_request::FetchPartition::default()
                        .with_partition(0)
                        .with_fetch_offset(offset)
                        .with_partition_max_bytes(1_048_576),
                ]),
        ]);
    let fetched = FetchResponse::default().with_responses(vec![
        fetch_response::FetchableTopicResponse::default()
            .with_topic(topic.into())
            .with_partitions(vec![
                fetch_response::PartitionData::default()
                    .with_partition_index(0)
                    .with_high_watermark(offset + 1)
                    .with_records(Some(records)),
            ]),
    ]);
    let (p, f) = (2 * round + 1, 2 * round + 2);
    Ok([
        (true, request(ApiKey::PRODUCE, 9, p, &produce)?),
        (false, response(9, p, &produced)?),
        (true, request(ApiKey::FETCH, 12, f, &fetch)?),
        (false, response(12, f, &fetched)?),
    ])
}

/// What [`write_workload`] writes.
#[derive(Debug, Clone)]
pub struct Workload {
    /// Connections, open at once, taking turns.
    pub connections: usize,
    /// Stop after the round that brings the capture to this many bytes.
    pub target_bytes: u64,
    /// Records per batch.
    pub records: usize,
    /// Bytes per record value.
    pub value_size: usize,
    /// Largest TCP segment.
    pub mss: usize,
}

impl Default for Workload {
    fn default() -> Self {
        Workload {
            connections: 50,
            target_bytes: 10 << 20,
            records: 20,
            value_size: 200,
            mss: 1448,
        }
    }
}

/// Writes a capture of `w.connections` connections producing and
/// fetching batches (each with its own codec) until it is
/// `w.target_bytes` long, then closing them. Returns the frames written.
pub fn write_workload<W: Write>(out: &mut PcapWriter<W>, w: &Workload) -> Result<u64, SynthError> {
    let mut conns: Vec<TcpConn> = (0..w.connections)
        .map(|i| TcpConn::new(20_000 + i as u16))
        .collect();
    for c in &mut conns {
        for p in c.open() {
            out.packet(&p)?;
        }
    }
    let mut seed = 0x2545_f491_4f6c_dd1d_u64;
    let mut frames = 0;
    let mut round = 0;
    while out.written() < w.target_bytes {
        for (n, c) in conns.iter_mut().enumerate() {
            let records = batch(
                codec(n),
                i64::from(round) * w.records as i64,
                w.records,
                w.value_size,
                &mut seed,
            )?;
            let offset = i64::from(round) * w.records as i64;
            for (to_server, frame) in round_frames(round, offset, records)? {
                for p in c.send(to_server, &frame, w.mss) {
                    out.packet(&p)?;
                }
                frames += 1;
            }
        }
        round += 1;
    }
    for c in &mut conns {
        for p in c.close() {
            out.packet(&p)?;
        }
    }
    Ok(frames)
}
