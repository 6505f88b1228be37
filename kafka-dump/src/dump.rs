//! Frames to output: TCP reassembly, framing, request/response matching,
//! and the JSON and text forms of what was found.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::io::{self, Read, Write};

use bytes::{Bytes, BytesMut};
use kafkawire::any::AnyRequest;
use kafkawire::frame::{
    FrameCodec, InFlight, RequestFrame, ResponseFrame, decode_request_header,
    decode_response_header, peek_correlation_id, peek_request_api,
};
use kafkawire::framed::RawRequest;
use kafkawire::negotiate::decode_api_versions_response;
use kafkawire::{ApiKey, AtVersion, DecodeError, RawTaggedField};
use kafkawire_records::ReadOptions;
use serde::Serialize;
use serde_json::Value;

use crate::capture::{self, CaptureError, Endpoint, PacketReader};
use crate::records;

/// How frames are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One JSON object per line (JSON Lines).
    Json,
    /// One indented JSON object per frame.
    JsonPretty,
    /// One line per frame, no body.
    Text,
}

/// What to print and how.
#[derive(Debug, Clone)]
pub struct Options {
    /// Output format.
    pub format: Format,
    /// Expand `records` fields into batches and records (JSON only).
    pub expand_records: bool,
    /// Limits for reading records (the decompressed size above all).
    pub read_options: ReadOptions,
    /// Only connections with one of these ports (any, when empty).
    pub ports: Vec<u16>,
    /// Flush the output after every frame (for live input read through a
    /// pipe, so that each frame shows as soon as it is complete).
    pub flush_each_frame: bool,
    /// Limits on what is held in memory while reading a capture.
    pub limits: Limits,
}

/// What a capture's reader holds at most; beyond each, something is
/// dropped, reported on standard error and counted in the [`Summary`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Out-of-order bytes one direction of a connection holds beyond a gap
    /// waiting for the missing bytes (a retransmission); beyond this the
    /// missing bytes are taken as lost, and the reader looks for the next
    /// frame boundary.
    pub pending_bytes: usize,
    /// Out-of-order segments one direction holds beyond a gap (the same).
    pub pending_segments: usize,
    /// Largest frame (without its size prefix): a size prefix above it is
    /// not a frame boundary.
    pub max_frame_size: usize,
    /// Requests without a response one connection remembers; beyond it the
    /// oldest is forgotten (its response will be reported as unmatched).
    pub in_flight: usize,
    /// Connections open at once; beyond it the least recently active one
    /// is closed (what it has in flight is reported as cut).
    pub connections: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            pending_bytes: 4 << 20,
            pending_segments: 256,
            max_frame_size: kafkawire::frame::DEFAULT_MAX_FRAME_SIZE,
            in_flight: 10_000,
            connections: 100_000,
        }
    }
}

/// What a dump found, for the summary line on standard error.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    /// Frames decoded.
    pub frames: usize,
    /// Problems reported (undecodable frames, gaps, cut streams, unreadable
    /// input).
    pub problems: usize,
    /// Connections seen.
    pub connections: usize,
    /// Gaps in TCP streams (lost or cut packets) skipped over.
    pub gaps: usize,
    /// Stream bytes the capture lacks at those gaps.
    pub missing_bytes: u64,
    /// Bytes captured but skipped after a gap, up to the next frame
    /// boundary (the rest of the frame the gap cut, and the start of the
    /// one that resumed).
    pub skipped_bytes: u64,
    /// Requests forgotten because of [`Limits::in_flight`], and
    /// connections closed early because of [`Limits::connections`].
    pub dropped_by_limits: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            format: Format::Json,
            expand_records: true,
            read_options: ReadOptions::default(),
            ports: Vec::new(),
            flush_each_frame: false,
            limits: Limits::default(),
        }
    }
}

/// A message as JSON: kafkawire's `serde` feature, with Kafka's JSON
/// field names and bytes as base64 (bodies through `AtVersion`, so only the
/// fields of their version are written, as Kafka's converters do).
fn to_json<T: serde::Serialize>(value: &T) -> Result<Value, String> {
    serde_json::to_value(value).map_err(|e| format!("cannot write the body as JSON: {e}"))
}

/// `{"Produce": {...}}` (an externally tagged [`AnyRequest`] or
/// `AnyResponse`) to `{...}`; anything else unchanged.
fn untag(value: Value) -> Value {
    match value {
        Value::Object(map) if map.len() == 1 => match map.into_iter().next() {
            Some((_, inner)) => inner,
            None => Value::Null,
        },
        other => other,
    }
}

/// Where a frame came from.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Origin {
    /// Connection number (1-based, in order of first packet).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) connection: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) client: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) server: Option<String>,
    /// Number of the packet that completed the frame (as Wireshark counts).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) packet: Option<u64>,
    /// When that packet was captured, or when a proxy read the frame (RFC
    /// 3339, UTC, at the capture's resolution).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) time: Option<String>,
    /// Byte offset of the frame's size prefix in a file of frames.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) offset: Option<usize>,
}

/// One line of output: a frame, or a problem.
#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Event {
    #[serde(flatten)]
    pub(crate) origin: Origin,
    pub(crate) direction: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) api: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    api_key: Option<i16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) api_version: Option<i16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) correlation_id: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    client_id: Option<String>,
    /// Frame size without the size prefix.
    #[serde(skip_serializing_if = "Option::is_none")]
    size: Option<usize>,
    /// The version an ApiVersions response body was read at when it is not
    /// a whole body of the request's version (a broker refusing the version
    /// answers v0; see `kafkawire::negotiate`).
    #[serde(skip_serializing_if = "Option::is_none")]
    body_read_as: Option<i16>,
    /// Tagged fields in the request or response header (flexible versions;
    /// Kafka defines none there yet, so all are unknown), as
    /// `[{"tag": N, "data": base64}]`.
    #[serde(skip_serializing_if = "Option::is_none")]
    header_tagged_fields: Option<Value>,
    /// Bytes after the body, ignored.
    #[serde(skip_serializing_if = "Option::is_none")]
    trailing_bytes: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<String>,
    /// A gap in the stream (lost or cut packets): bytes the capture lacks.
    #[serde(skip_serializing_if = "Option::is_none")]
    missing_bytes: Option<u64>,
    /// After a gap: captured bytes skipped to reach the next frame
    /// boundary.
    #[serde(skip_serializing_if = "Option::is_none")]
    skipped_bytes: Option<u64>,
    /// The proxy's `--verify`: `"identical"` when the decoded frame encodes
    /// back to the bytes on the wire, else where and how it differs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) reencoded: Option<String>,
    /// Broker addresses the proxy rewrote in this response, as
    /// `"broker -> proxy"`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) rewritten: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    body: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) error: Option<String>,
}

/// Writes what it finds to `out`, counting problems.
#[derive(Debug)]
pub struct Dumper<W: Write> {
    out: W,
    options: Options,
    problems: usize,
    frames: usize,
    summary: Summary,
}

/// One direction of a TCP connection, reassembled by sequence number.
#[derive(Debug, Default)]
struct Stream {
    /// Sequence number of stream position 0, once known.
    base_seq: Option<u32>,
    /// Position of the next expected byte in the stream.
    next_pos: i64,
    /// Segments beyond a gap, by stream position.
    pending: BTreeMap<i64, Vec<u8>>,
    /// Bytes in order, not yet cut into frames.
    buf: BytesMut,
    /// Packets the capture cut short (snapshot length).
    cut_packets: usize,
    /// Bytes held in `pending`.
    pending_bytes: usize,
    /// After a gap: looking for the next frame boundary.
    resync: bool,
    /// The gap being resynchronised after: bytes missing, bytes skipped so
    /// far.
    gap: (u64, u64),
}

impl Stream {
    /// Moves the segments that continue the stream from `pending` to `buf`.
    fn take_in_order(&mut self) {
        while let Some((&p, _)) = self.pending.first_key_value() {
            if p > self.next_pos {
                break; // a gap: wait for the missing bytes
            }
            let Some((p, d)) = self.pending.pop_first() else {
                break;
            };
            self.pending_bytes = self.pending_bytes.saturating_sub(d.len());
            let skip = (self.next_pos - p) as usize;
            if let Some(new) = d.get(skip..).filter(|n| !n.is_empty()) {
                self.buf.extend_from_slice(new);
                self.next_pos += new.len() as i64;
            }
        }
    }

    /// Gives up waiting for the bytes missing before the first pending
    /// segment: what `buf` held (the start of a frame the gap cut) is
    /// dropped, the stream goes on from that segment, and the next frame
    /// boundary is looked for. False when nothing is pending.
    fn skip_gap(&mut self) -> bool {
        let Some((&p, _)) = self.pending.first_key_value() else {
            return false;
        };
        let missing = (p - self.next_pos).max(0) as u64;
        let dropped = self.buf.len() as u64;
        if self.resync {
            self.gap.0 += missing;
            self.gap.1 += dropped;
        } else {
            self.gap = (missing, dropped);
        }
        self.buf.clear();
        self.next_pos = p;
        self.resync = true;
        self.take_in_order();
        true
    }

    /// Whether the other side acknowledged (with `ack_number`) bytes this
    /// stream lacks: then the capture lost them, and no retransmission
    /// will come.
    fn gap_acknowledged(&self, ack_number: u32) -> bool {
        let (Some(base), false) = (self.base_seq, self.pending.is_empty()) else {
            return false;
        };
        let missing_seq = base.wrapping_add(self.next_pos as u32);
        (ack_number.wrapping_sub(missing_seq) as i32) > 0
    }

    fn push(&mut self, seq: u32, syn: bool, data: &[u8]) {
        if syn {
            if self.next_pos == 0 {
                self.base_seq = Some(seq.wrapping_add(1));
            }
            return;
        }
        let base = *self.base_seq.get_or_insert(seq);
        if data.is_empty() {
            return;
        }
        // Position relative to the next expected byte (within +-2 GiB, so
        // sequence numbers may wrap).
        let next_seq = base.wrapping_add(self.next_pos as u32);
        let pos = self.next_pos + i64::from(seq.wrapping_sub(next_seq) as i32);
        if pos + data.len() as i64 <= self.next_pos {
            return; // a retransmission of bytes already in
        }
        if pos == self.next_pos && self.pending.is_empty() {
            // In order, the common case: straight into the buffer.
            self.buf.extend_from_slice(data);
            self.next_pos += data.len() as i64;
            return;
        }
        if self.pending.get(&pos).is_none_or(|d| d.len() < data.len()) {
            self.pending_bytes += data.len();
            if let Some(old) = self.pending.insert(pos, data.to_vec()) {
                self.pending_bytes = self.pending_bytes.saturating_sub(old.len());
            }
        }
        self.take_in_order();
    }
}

struct Connection {
    id: usize,
    client: Endpoint,
    server: Endpoint,
    /// Requests, then responses.
    halves: [Half; 2],
    in_flight: InFlight,
    /// Correlation ids in `in_flight`, oldest first (with ids already
    /// answered, skipped when met), to forget the oldest at the limit.
    in_flight_order: VecDeque<i32>,
    /// Number of the last packet seen on it.
    last_packet: u64,
    /// What the last request read says about the next one.
    last_request: LastRequest,
}

/// The correlation id and client id length of the last request read on a
/// connection: a frame boundary found after a gap must follow them.
#[derive(Debug, Default)]
struct LastRequest {
    correlation_id: Option<i32>,
    /// -1 for a null client id.
    client_id_len: Option<i16>,
}

/// One direction of a connection.
#[derive(Debug, Default)]
struct Half {
    stream: Stream,
    /// Framing failed: nothing more is read from this direction.
    broken: bool,
    /// FIN or RST seen from this side.
    closed: bool,
    /// The number and time of the last packet with payload from this side:
    /// where frames found after a gap at the end of the capture came from.
    last_packet: Option<(u64, Option<capture::Timestamp>)>,
}

/// "request" for the client's half, "response" for the server's.
fn direction(to_server: bool) -> &'static str {
    if to_server { "request" } else { "response" }
}

impl Connection {
    fn half(&mut self, to_server: bool) -> &mut Half {
        let [requests, responses] = &mut self.halves;
        if to_server { requests } else { responses }
    }
}

impl<W: Write> Dumper<W> {
    /// A dumper writing to `out`.
    pub fn new(out: W, options: Options) -> Self {
        Dumper {
            out,
            options,
            problems: 0,
            frames: 0,
            summary: Summary::default(),
        }
    }

    /// How many problems (undecodable frames, broken or incomplete streams,
    /// unreadable input) were reported so far.
    pub fn problems(&self) -> usize {
        self.problems
    }

    /// How many frames were decoded so far.
    pub fn frames(&self) -> usize {
        self.frames
    }

    /// What was found so far: frames, problems, gaps, what limits dropped.
    pub fn summary(&self) -> Summary {
        Summary {
            frames: self.frames,
            problems: self.problems,
            ..self.summary
        }
    }

    /// Gives the writer back.
    pub fn into_inner(self) -> W {
        self.out
    }

    fn emit(&mut self, event: Event) -> io::Result<()> {
        if event.error.is_some() {
            self.problems += 1;
        } else {
            self.frames += 1;
        }
        render(event, &self.options, &mut self.out)?;
        if self.options.flush_each_frame {
            self.out.flush()?;
        }
        Ok(())
    }

    /// Dumps the Kafka traffic of a pcap or pcapng file in memory; see
    /// [`Dumper::dump_capture_from`].
    pub fn dump_capture(&mut self, data: &[u8]) -> io::Result<Result<(), CaptureError>> {
        self.dump_capture_from(data)
    }

    /// Dumps the Kafka traffic of a pcap or pcapng capture read
    /// incrementally from `reader` (a file, standard input, a pipe from
    /// `tcpdump -w -`): each frame is written as soon as the packet that
    /// completes it has been read, and memory holds only what is in flight
    /// (within [`Options::limits`]). A capture error (truncated or
    /// malformed file, or a read error) comes back after everything before
    /// it was dumped.
    pub fn dump_capture_from<R: Read>(
        &mut self,
        reader: R,
    ) -> io::Result<Result<(), CaptureError>> {
        let mut packets = match PacketReader::new(reader) {
            Ok(p) => p,
            Err(e) => {
                self.problems += 1;
                return Ok(Err(e));
            }
        };
        let limits = self.options.limits;
        let mut conns: HashMap<(Endpoint, Endpoint), Connection> = HashMap::new();
        // Connections closed (FIN both ways, or RST), most recent last, so
        // that the last ACKs after the FINs do not open new ones.
        let mut closed: HashSet<(Endpoint, Endpoint)> = HashSet::new();
        let mut closed_order: VecDeque<(Endpoint, Endpoint)> = VecDeque::new();
        let mut next_id = 0;
        let mut failure = Ok(());
        while let Some(packet) = packets.next_packet() {
            let packet = match packet {
                Ok(p) => p,
                Err(e) => {
                    self.problems += 1;
                    failure = Err(e);
                    break;
                }
            };
            let Some(tcp) = capture::parse_tcp(packet.linktype, packet.data) else {
                continue;
            };
            let ports = &self.options.ports;
            if !ports.is_empty() && !ports.contains(&tcp.src.port) && !ports.contains(&tcp.dst.port)
            {
                continue;
            }
            let key = if tcp.src <= tcp.dst {
                (tcp.src.clone(), tcp.dst.clone())
            } else {
                (tcp.dst.clone(), tcp.src.clone())
            };
            if !tcp.syn && tcp.payload.is_empty() && closed.contains(&key) {
                continue; // the last ACKs of a closed connection
            }
            // A new SYN (not a retransmitted one) on a known pair of
            // endpoints opens a new connection.
            let reopened = tcp.syn
                && !tcp.ack
                && conns.get(&key).is_some_and(|c| {
                    let [requests, _] = &c.halves;
                    requests.stream.base_seq != Some(tcp.seq.wrapping_add(1))
                });
            if reopened && let Some(old) = conns.remove(&key) {
                self.finish_connection(old)?;
            }
            if !conns.contains_key(&key) {
                if closed.remove(&key) {
                    closed_order.retain(|k| k != &key);
                }
                if conns.len() >= limits.connections {
                    // Close the least recently active connection.
                    let oldest = conns
                        .iter()
                        .min_by_key(|(_, c)| c.last_packet)
                        .map(|(k, _)| k.clone());
                    if let Some(old) = oldest.and_then(|k| conns.remove(&k)) {
                        self.summary.dropped_by_limits += 1;
                        warn(&format!(
                            "more than {} connections open: connection {} ({} -> {}) closed early",
                            limits.connections, old.id, old.client, old.server
                        ));
                        self.finish_connection(old)?;
                    }
                }
            }
            let conn = conns.entry(key.clone()).or_insert_with(|| {
                next_id += 1;
                // The SYN's sender is the client; without a SYN, the first sender.
                let (client, server) = if tcp.syn && tcp.ack {
                    (tcp.dst.clone(), tcp.src.clone())
                } else {
                    (tcp.src.clone(), tcp.dst.clone())
                };
                Connection {
                    id: next_id,
                    client,
                    server,
                    halves: [Half::default(), Half::default()],
                    in_flight: InFlight::new(),
                    in_flight_order: VecDeque::new(),
                    last_packet: 0,
                    last_request: LastRequest::default(),
                }
            });
            self.summary.connections = next_id;
            conn.last_packet = packet.number;
            let to_server = tcp.src == conn.client;
            let half = conn.half(to_server);
            if !tcp.payload.is_empty() {
                half.last_packet = Some((packet.number, packet.time));
            }
            let stream = &mut half.stream;
            stream.push(tcp.seq, tcp.syn, tcp.payload);
            if tcp.missing > 0 {
                stream.cut_packets += 1;
            }
            // Waited long enough for a retransmission: the missing bytes
            // are lost.
            while stream.pending_bytes > limits.pending_bytes
                || stream.pending.len() > limits.pending_segments
            {
                if !stream.skip_gap() {
                    break;
                }
            }
            if tcp.fin || tcp.rst {
                half.closed = true;
            }
            // The other side's missing bytes were acknowledged by this
            // packet: the capture lost them; go on after the gap.
            let other_gap = tcp.ack && {
                let other = &conn.half(!to_server).stream;
                other.gap_acknowledged(tcp.ack_number)
            };
            let origin = Origin {
                connection: Some(conn.id),
                client: Some(conn.client.to_string()),
                server: Some(conn.server.to_string()),
                packet: Some(packet.number),
                time: packet.time.map(|t| t.to_string()),
                offset: None,
            };
            let mut events = Vec::new();
            if other_gap {
                // Frames of the other side, which its last packet completed.
                let mut other_origin = origin.clone();
                if let Some((number, time)) = conn.half(!to_server).last_packet {
                    other_origin.packet = Some(number);
                    other_origin.time = time.map(|t| t.to_string());
                }
                // Its frames first: the responses of this packet may answer
                // requests after the gap.
                while !conn.half(!to_server).broken && conn.half(!to_server).stream.skip_gap() {
                    drain(
                        conn,
                        !to_server,
                        &other_origin,
                        &mut events,
                        &limits,
                        &mut self.summary,
                    );
                    if !conn
                        .half(!to_server)
                        .stream
                        .gap_acknowledged(tcp.ack_number)
                    {
                        break;
                    }
                }
            }
            drain(
                conn,
                to_server,
                &origin,
                &mut events,
                &limits,
                &mut self.summary,
            );
            let [requests, responses] = &conn.halves;
            let done = tcp.rst || (requests.closed && responses.closed);
            for e in events {
                self.emit(e)?;
            }
            if done && let Some(c) = conns.remove(&key) {
                self.finish_connection(c)?;
                closed.insert(key.clone());
                closed_order.push_back(key);
                if closed_order.len() > CLOSED_REMEMBERED
                    && let Some(k) = closed_order.pop_front()
                {
                    closed.remove(&k);
                }
            }
        }
        let mut rest: Vec<Connection> = conns.into_values().collect();
        rest.sort_by_key(|c| c.id);
        for c in rest {
            self.finish_connection(c)?;
        }
        Ok(failure)
    }

    /// Reports what a connection left unread when it closed or the capture
    /// ended: gaps no retransmission filled are skipped first.
    fn finish_connection(&mut self, mut c: Connection) -> io::Result<()> {
        let limits = self.options.limits;
        for to_server in [true, false] {
            let origin = Origin {
                connection: Some(c.id),
                client: Some(c.client.to_string()),
                server: Some(c.server.to_string()),
                ..Origin::default()
            };
            let mut events = Vec::new();
            if !c.half(to_server).stream.pending.is_empty() {
                // Frames found after a gap: the last packet brought them.
                if let Some((number, time)) = c.half(to_server).last_packet {
                    let mut at = origin.clone();
                    at.packet = Some(number);
                    at.time = time.map(|t| t.to_string());
                    while !c.half(to_server).broken && c.half(to_server).stream.skip_gap() {
                        drain(
                            &mut c,
                            to_server,
                            &at,
                            &mut events,
                            &limits,
                            &mut self.summary,
                        );
                    }
                }
            }
            while !c.half(to_server).broken && c.half(to_server).stream.skip_gap() {
                drain(
                    &mut c,
                    to_server,
                    &origin,
                    &mut events,
                    &limits,
                    &mut self.summary,
                );
            }
            for e in events {
                self.emit(e)?;
            }
            let half = c.half(to_server);
            let s = &mut half.stream;
            if half.broken || (s.buf.is_empty() && s.pending.is_empty() && !s.resync) {
                continue;
            }
            if s.resync {
                // A gap, and no frame boundary after it.
                let (missing, skipped) = (s.gap.0, s.gap.1 + s.buf.len() as u64);
                s.buf.clear();
                self.summary.gaps += 1;
                self.summary.missing_bytes += missing;
                self.summary.skipped_bytes += skipped;
                let event = Event {
                    origin,
                    direction: direction(to_server),
                    missing_bytes: Some(missing),
                    skipped_bytes: Some(skipped),
                    error: Some(format!(
                        "gap in the stream: {missing} bytes missing (lost or cut packets); {skipped} bytes after it skipped, no frame boundary found before the end"
                    )),
                    ..Event::default()
                };
                self.emit(event)?;
                continue;
            }
            let mut what = Vec::new();
            if !s.buf.is_empty() {
                let size = FrameCodec::new().peek_size(&s.buf).ok().flatten();
                what.push(match size {
                    Some(size) => format!(
                        "{} bytes of a {}-byte frame",
                        s.buf.len().saturating_sub(4),
                        size
                    ),
                    None => format!("{} bytes", s.buf.len()),
                });
            }
            if s.cut_packets > 0 {
                what.push(format!(
                    "{} packet{} cut short by the capture",
                    s.cut_packets,
                    if s.cut_packets == 1 { "" } else { "s" }
                ));
            }
            let event = Event {
                origin,
                direction: direction(to_server),
                error: Some(format!("capture ends inside a frame: {}", what.join("; "))),
                ..Event::default()
            };
            self.emit(event)?;
        }
        Ok(())
    }

    /// Dumps a file of size-prefixed frames: requests, or responses that all
    /// answer `answering` (API and version). Returns an error message for
    /// bytes that do not make a frame.
    pub fn dump_frames(
        &mut self,
        data: Bytes,
        answering: Option<(ApiKey, i16)>,
    ) -> io::Result<Result<(), String>> {
        self.dump_frames_from(&data[..], answering)
    }

    /// [`Dumper::dump_frames`] reading incrementally from `reader`: one
    /// frame is held at a time, and written as soon as it has been read.
    pub fn dump_frames_from<R: Read>(
        &mut self,
        mut reader: R,
        answering: Option<(ApiKey, i16)>,
    ) -> io::Result<Result<(), String>> {
        let codec = FrameCodec::new();
        let mut offset = 0;
        loop {
            let mut prefix = [0u8; 4];
            let got = match read_full(&mut reader, &mut prefix) {
                Ok(n) => n,
                Err(e) => {
                    self.problems += 1;
                    return Ok(Err(format!("offset {offset}: cannot read the input: {e}")));
                }
            };
            if got == 0 {
                return Ok(Ok(()));
            }
            let incomplete = |this: &mut Self, n: usize| {
                this.problems += 1;
                Ok(Err(format!(
                    "{n} bytes at offset {offset} are an incomplete frame"
                )))
            };
            if got < 4 {
                return incomplete(self, got);
            }
            let size = match codec.peek_size(&prefix) {
                Ok(Some(size)) => size,
                Ok(None) => return incomplete(self, got),
                Err(e) => {
                    self.problems += 1;
                    return Ok(Err(format!("offset {offset}: {e}")));
                }
            };
            // Grown as bytes come, not allocated from the size prefix.
            let mut frame = Vec::new();
            if let Err(e) = (&mut reader).take(size as u64).read_to_end(&mut frame) {
                self.problems += 1;
                return Ok(Err(format!("offset {offset}: cannot read the input: {e}")));
            }
            if frame.len() < size {
                return incomplete(self, 4 + frame.len());
            }
            let frame = Bytes::from(frame);
            let origin = Origin {
                offset: Some(offset),
                ..Origin::default()
            };
            offset += 4 + size;
            let event = match answering {
                None => request_event(frame, &origin).0,
                Some((api, version)) => {
                    let mut in_flight = InFlight::new();
                    if let Ok(id) = peek_correlation_id(&frame) {
                        in_flight.insert_id(id, api, version);
                    }
                    response_event(frame, &mut in_flight, &origin)
                }
            };
            self.emit(event)?;
        }
    }
}

/// Writes `event` to `out` in the options' format, `records` fields expanded
/// if they ask for it.
pub(crate) fn render(mut event: Event, options: &Options, out: &mut impl Write) -> io::Result<()> {
    // The text line shows no body: its records are not expanded.
    if options.expand_records
        && options.format != Format::Text
        && let Some(body) = &mut event.body
    {
        records::expand_in(body, &options.read_options);
    }
    match options.format {
        Format::Json => {
            serde_json::to_writer(&mut *out, &event)?;
            writeln!(out)
        }
        Format::JsonPretty => {
            serde_json::to_writer_pretty(&mut *out, &event)?;
            writeln!(out)
        }
        Format::Text => writeln!(out, "{}", text_line(&event)),
    }
}

/// Reads until `buf` is full or the input ends; how many bytes it read.
fn read_full(reader: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut got = 0;
    while let Some(rest) = buf.get_mut(got..).filter(|r| !r.is_empty()) {
        match reader.read(rest) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(got)
}

/// Closed connections remembered, so that their last packets are not
/// taken for new ones.
const CLOSED_REMEMBERED: usize = 4096;

/// A line on standard error about something a limit dropped.
fn warn(message: &str) {
    eprintln!("kafka-dump: {message}");
}

/// Bytes of a size prefix and header looked at to tell a response's frame
/// boundary: size and correlation id.
const RESPONSE_PROBE: usize = 8;

fn be_i16(b: &[u8], at: usize) -> Option<i16> {
    Some(i16::from_be_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn be_i32(b: &[u8], at: usize) -> Option<i32> {
    Some(i32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// Whether a request frame plausibly starts at the front of `b`: a size
/// within `max`, a known API key at a known version, a correlation id above
/// the last one seen on the connection (clients count them up) and not
/// far above it, and a client id that fits the frame, is text without
/// control characters and (when a request was read before on the
/// connection) as long as the last one's. `None` when `b` is too short to
/// tell.
fn request_starts(b: &[u8], max: usize, last: &LastRequest) -> Option<bool> {
    let (Some(size), Some(key), Some(version), Some(id), Some(client_id)) = (
        be_i32(b, 0),
        be_i16(b, 4),
        be_i16(b, 6),
        be_i32(b, 8),
        be_i16(b, 12),
    ) else {
        return None;
    };
    let Ok(size) = usize::try_from(size) else {
        return Some(false);
    };
    let Some(header_version) = ApiKey(key).request_header_version(version) else {
        return Some(false);
    };
    let id_follows = match last.correlation_id {
        Some(last) => id > last && i64::from(id) - i64::from(last) <= 1 << 20,
        None => id >= 0,
    };
    let same_client = header_version == 0 || last.client_id_len.is_none_or(|n| n == client_id);
    if !(10..=max).contains(&size) || !id_follows || !same_client {
        return Some(false);
    }
    if header_version == 0 || client_id == -1 {
        return Some(true);
    }
    let Ok(n) = usize::try_from(client_id) else {
        return Some(false);
    };
    if n + 10 > size {
        return Some(false);
    }
    let text = b.get(14..14 + n)?;
    Some(std::str::from_utf8(text).is_ok_and(|t| !t.chars().any(char::is_control)))
}

/// Whether a response plausibly starts at the front of `b`: a size within
/// `max` and the correlation id of a request waiting for its answer.
fn response_starts(b: &[u8], max: usize, in_flight: &InFlight) -> bool {
    let (Some(size), Some(id)) = (be_i32(b, 0), be_i32(b, 4)) else {
        return false;
    };
    usize::try_from(size).is_ok_and(|s| (4..=max).contains(&s)) && in_flight.get(id).is_some()
}

/// Where the first plausible frame boundary in `buf` is (`Ok`), or
/// (`Err`) how many bytes at its front cannot start one.
fn find_boundary(
    buf: &[u8],
    to_server: bool,
    in_flight: &InFlight,
    last: &LastRequest,
    max: usize,
) -> Result<usize, usize> {
    for at in 0..buf.len() {
        let b = buf.get(at..).unwrap_or_default();
        let starts = if to_server {
            request_starts(b, max, last)
        } else if b.len() < RESPONSE_PROBE {
            None
        } else {
            Some(response_starts(b, max, in_flight))
        };
        match starts {
            Some(true) => return Ok(at),
            Some(false) => {}
            None => return Err(at), // wait for more bytes
        }
    }
    Err(buf.len())
}

/// Decodes every whole frame in one direction of `c`; after a gap, first
/// looks for the next frame boundary.
fn drain(
    c: &mut Connection,
    to_server: bool,
    origin: &Origin,
    events: &mut Vec<Event>,
    limits: &Limits,
    summary: &mut Summary,
) {
    let codec = FrameCodec::with_max_frame_size(limits.max_frame_size);
    while !c.half(to_server).broken {
        if c.half(to_server).stream.resync {
            let [requests, responses] = &c.halves;
            let half = if to_server { requests } else { responses };
            let found = find_boundary(
                &half.stream.buf,
                to_server,
                &c.in_flight,
                &c.last_request,
                limits.max_frame_size,
            );
            let s = &mut c.half(to_server).stream;
            let at = match found {
                Ok(at) => at,
                Err(drop) => {
                    // Keep what could still start a frame header.
                    let _ = s.buf.split_to(drop);
                    s.gap.1 += drop as u64;
                    return;
                }
            };
            let _ = s.buf.split_to(at);
            s.gap.1 += at as u64;
            s.resync = false;
            let (missing, skipped) = s.gap;
            summary.gaps += 1;
            summary.missing_bytes += missing;
            summary.skipped_bytes += skipped;
            events.push(Event {
                origin: origin.clone(),
                direction: direction(to_server),
                missing_bytes: Some(missing),
                skipped_bytes: Some(skipped),
                error: Some(format!(
                    "gap in the stream: {missing} bytes missing (lost or cut packets); {skipped} bytes after it skipped to the next frame boundary"
                )),
                ..Event::default()
            });
        }
        let frame = match codec.decode_frame(&mut c.half(to_server).stream.buf) {
            Ok(Some(f)) => f,
            Ok(None) => return,
            Err(e) => {
                c.half(to_server).broken = true;
                events.push(Event {
                    origin: origin.clone(),
                    direction: direction(to_server),
                    error: Some(format!(
                        "cannot cut the stream into frames, the rest of this direction is skipped: {e}"
                    )),
                    ..Event::default()
                });
                return;
            }
        };
        if to_server {
            let (event, expects) = request_event(frame, origin);
            if let Some(id) = event.correlation_id {
                c.last_request = LastRequest {
                    correlation_id: Some(id),
                    client_id_len: Some(
                        event
                            .client_id
                            .as_ref()
                            .map_or(-1, |c| i16::try_from(c.len()).unwrap_or(i16::MAX)),
                    ),
                };
            }
            if let Some((id, api, version)) = expects {
                c.in_flight.insert_id(id, api, version);
                c.in_flight_order.push_back(id);
                forget_oldest(c, limits, summary);
            }
            events.push(event);
        } else {
            events.push(response_event(frame, &mut c.in_flight, origin));
        }
    }
}

/// Keeps a connection's requests in flight within [`Limits::in_flight`].
fn forget_oldest(c: &mut Connection, limits: &Limits, summary: &mut Summary) {
    while c.in_flight.len() > limits.in_flight {
        let Some(id) = c.in_flight_order.pop_front() else {
            break;
        };
        if c.in_flight.remove(id).is_some() {
            summary.dropped_by_limits += 1;
            warn(&format!(
                "connection {}: more than {} requests without a response; correlation id {id} forgotten",
                c.id, limits.in_flight
            ));
        }
    }
    // Ids answered since stay in the queue until it is twice what is in
    // flight (amortised: each id is dropped once).
    if c.in_flight_order.len() > 2 * c.in_flight.len() + 64 {
        let in_flight = &c.in_flight;
        c.in_flight_order.retain(|&id| in_flight.get(id).is_some());
    }
}

fn trailing_note(n: usize) -> String {
    format!("{n} bytes after the body, ignored as Kafka's Java reader does")
}

/// A request frame, and how many bytes after its body were ignored (the
/// library keeps them, as Kafka's reader ignores them).
fn decode_request(frame: Bytes) -> Result<(RequestFrame, usize), DecodeError> {
    RequestFrame::decode(frame).map(|f| {
        let n = f.trailing.len();
        (f, n)
    })
}

/// A response frame answering `version` of `api`, and how many bytes after
/// its body were ignored.
fn decode_response(
    frame: Bytes,
    api: ApiKey,
    version: i16,
) -> Result<(ResponseFrame, usize), DecodeError> {
    ResponseFrame::decode(frame, api, version).map(|f| {
        let n = f.trailing.len();
        (f, n)
    })
}

/// A header's tagged fields as JSON, `None` when it has none.
fn header_tags(fields: &[RawTaggedField]) -> Option<Value> {
    if fields.is_empty() {
        None
    } else {
        to_json(&fields).ok()
    }
}

/// Sets the body of `event`, or its error when the body cannot be written as
/// JSON.
fn set_body(event: &mut Event, body: Result<Value, String>) {
    match body {
        Ok(b) => event.body = Some(b),
        Err(e) => event.error = Some(e),
    }
}

/// The event for a request frame, and the (correlation id, API, version) of
/// the response it expects, if any.
pub(crate) fn request_event(frame: Bytes, origin: &Origin) -> (Event, Option<(i32, ApiKey, i16)>) {
    let size = frame.len();
    match decode_request(frame.clone()) {
        Ok((f, trailing)) => {
            // Produce with acks=0 gets no response.
            let no_answer = matches!(&f.body, AnyRequest::Produce(p) if p.acks == 0);
            let h = &f.header;
            let mut event = Event {
                origin: origin.clone(),
                direction: "request",
                api: Some(f.body.name()),
                api_key: Some(h.request_api_key),
                api_version: Some(h.request_api_version),
                correlation_id: Some(h.correlation_id),
                client_id: h.client_id.as_deref().map(str::to_owned),
                size: Some(size),
                ..Event::default()
            };
            if trailing > 0 {
                event.trailing_bytes = Some(trailing);
                event.note = Some(trailing_note(trailing));
            }
            event.header_tagged_fields = header_tags(&h.unknown_tagged_fields);
            let version = h.request_api_version;
            set_body(
                &mut event,
                to_json(&AtVersion::new(&f.body, version)).map(untag),
            );
            let expects = (!no_answer).then_some((
                h.correlation_id,
                ApiKey(h.request_api_key),
                h.request_api_version,
            ));
            (event, expects)
        }
        Err(e) => {
            let (api, version) = peek_request_api(&frame).ok().unzip();
            // Still remember it, so its response can be matched.
            let mut rest = frame.clone();
            let header = decode_request_header(&mut rest).ok();
            let mut event = Event {
                origin: origin.clone(),
                direction: "request",
                api: api.and_then(ApiKey::name),
                api_key: api.map(|a| a.0),
                api_version: version,
                correlation_id: header.as_ref().map(|h| h.correlation_id),
                client_id: header
                    .as_ref()
                    .and_then(|h| h.client_id.as_deref().map(str::to_owned)),
                size: Some(size),
                error: Some(e.to_string()),
                ..Event::default()
            };
            let mut expects = header.map(|h| {
                (
                    h.correlation_id,
                    ApiKey(h.request_api_key),
                    h.request_api_version,
                )
            });
            if expects.is_none() {
                // An API key or version this tool does not know: its header
                // still starts with the correlation id and client id.
                if let Ok(raw) = RawRequest::parse(frame) {
                    event.correlation_id = Some(raw.correlation_id);
                    event.client_id = raw.client_id.map(String::from);
                    expects = Some((raw.correlation_id, raw.api_key, raw.api_version));
                }
            }
            (event, expects)
        }
    }
}

/// The event for a response frame, matched to its request in `in_flight`
/// (which it leaves).
pub(crate) fn response_event(frame: Bytes, in_flight: &mut InFlight, origin: &Origin) -> Event {
    let size = frame.len();
    let id = peek_correlation_id(&frame).ok();
    let asked = id.and_then(|id| in_flight.remove(id));
    let mut event = Event {
        origin: origin.clone(),
        direction: "response",
        api: asked.and_then(|(k, _)| k.name()),
        api_key: asked.map(|(k, _)| k.0),
        api_version: asked.map(|(_, v)| v),
        correlation_id: id,
        size: Some(size),
        ..Event::default()
    };
    let (Some(id), Some((api, version))) = (id, asked) else {
        event.error = Some(match id {
            Some(id) => format!(
                "no request with correlation id {id} was seen (did the capture start after it?)"
            ),
            None => "a response frame too short for a correlation id".into(),
        });
        return event;
    };
    match decode_response(frame.clone(), api, version) {
        Ok((f, trailing)) if api != ApiKey::API_VERSIONS || trailing == 0 => {
            if trailing > 0 {
                event.trailing_bytes = Some(trailing);
                event.note = Some(trailing_note(trailing));
            }
            event.header_tagged_fields = header_tags(&f.header.unknown_tagged_fields);
            set_body(
                &mut event,
                to_json(&AtVersion::new(&f.body, version)).map(untag),
            );
        }
        result => {
            // An ApiVersions refusal is a v0 body (or, from librdkafka's
            // mock, a malformed one): read it as Kafka's client does.
            let e = match result {
                Err(e) => e.to_string(),
                Ok((_, trailing)) => {
                    event.trailing_bytes = Some(trailing);
                    format!("{trailing} bytes after the body")
                }
            };
            if api == ApiKey::API_VERSIONS {
                let mut body = frame;
                let parsed = decode_response_header(&mut body, api, version)
                    .and_then(|_| decode_api_versions_response(body, version));
                if let Ok((r, read_as)) = parsed {
                    event.body_read_as = Some(read_as);
                    event.note = Some(format!(
                        "{e}: read as Kafka's client reads ApiVersions responses, at v{read_as}"
                    ));
                    set_body(&mut event, to_json(&AtVersion::new(&r, read_as)));
                    return event;
                }
            }
            event.error = Some(format!("correlation id {id}: {e}"));
        }
    }
    event
}

/// The one-line text form.
fn text_line(e: &Event) -> String {
    let mut line = format!("#{} {:<8} ", e.origin.connection.unwrap_or(0), e.direction);
    if let Some(api) = e.api {
        line.push_str(api);
    } else if let Some(key) = e.api_key {
        line.push_str(&format!("ApiKey({key})"));
    }
    if let Some(v) = e.api_version {
        line.push_str(&format!(" v{v}"));
    }
    if let Some(id) = e.correlation_id {
        line.push_str(&format!(" correlation_id={id}"));
    }
    if let Some(client) = &e.client_id {
        line.push_str(&format!(" client_id={client:?}"));
    }
    let mut place = Vec::new();
    if let Some(size) = e.size {
        place.push(format!("{size} bytes"));
    }
    if let Some(p) = e.origin.packet {
        place.push(format!("packet {p}"));
    }
    if let Some(t) = &e.origin.time {
        place.push(t.clone());
    }
    if let Some(o) = e.origin.offset {
        place.push(format!("offset {o}"));
    }
    if !place.is_empty() {
        line.push_str(&format!(" ({})", place.join(", ")));
    }
    if let Some(Value::Array(tags)) = &e.header_tagged_fields {
        let n = tags.len();
        let plural = if n == 1 { "" } else { "s" };
        line.push_str(&format!(" [{n} tagged field{plural} in the header]"));
    }
    if let Some(note) = &e.note {
        line.push_str(&format!(" [{note}]"));
    }
    if let Some(rewritten) = &e.rewritten {
        line.push_str(&format!(" [rewritten: {}]", rewritten.join(", ")));
    }
    if let Some(r) = e.reencoded.as_deref().filter(|r| *r != "identical") {
        line.push_str(&format!(" [re-encoding {r}]"));
    }
    if let Some(err) = &e.error {
        line.push_str(&format!(" error: {err}"));
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pushed(segments: &[(u32, &[u8])], isn: u32) -> Stream {
        let mut s = Stream::default();
        s.push(isn, true, b"");
        for (seq, data) in segments {
            s.push(*seq, false, data);
        }
        s
    }

    #[test]
    fn reassembly_in_order_out_of_order_and_retransmitted() {
        let isn = 1000;
        let s = pushed(&[(1001, b"abc"), (1004, b"def")], isn);
        assert_eq!(&s.buf[..], b"abcdef");
        // Out of order: waits for the gap, then takes both.
        let s = pushed(&[(1004, b"def"), (1001, b"abc")], isn);
        assert_eq!(&s.buf[..], b"abcdef");
        assert!(s.pending.is_empty());
        // Retransmissions, whole and overlapping, add nothing twice.
        let s = pushed(
            &[
                (1001, b"abc"),
                (1001, b"abc"),
                (1002, b"bcdef"),
                (1004, b"def"),
                (1007, b"g"),
            ],
            isn,
        );
        assert_eq!(&s.buf[..], b"abcdefg");
        // A gap that never fills stays pending.
        let s = pushed(&[(1001, b"abc"), (1010, b"xyz")], isn);
        assert_eq!(&s.buf[..], b"abc");
        assert_eq!(s.pending.first_key_value().map(|(p, _)| *p), Some(9));
    }

    #[test]
    fn reassembly_across_the_sequence_number_wrap() {
        let isn = u32::MAX - 2;
        let s = pushed(
            &[(u32::MAX.wrapping_add(3), b"ef"), (u32::MAX - 1, b"abcd")],
            isn,
        );
        assert_eq!(&s.buf[..], b"abcdef");
        // Without a SYN, the first segment starts the stream.
        let mut s = Stream::default();
        s.push(u32::MAX, false, b"ab");
        s.push(2, false, b"d");
        s.push(1, false, b"c");
        assert_eq!(&s.buf[..], b"abcd");
    }

    /// A raw-IP (link type 101) packet: IPv4 or IPv6, then TCP.
    fn packet(v6: bool, sport: u16, dport: u16, seq: u32, flags: u8, payload: &[u8]) -> Vec<u8> {
        let mut tcp = Vec::new();
        tcp.extend_from_slice(&sport.to_be_bytes());
        tcp.extend_from_slice(&dport.to_be_bytes());
        tcp.extend_from_slice(&seq.to_be_bytes());
        tcp.extend_from_slice(&[0, 0, 0, 0, 5 << 4, flags, 0xff, 0xff, 0, 0, 0, 0]);
        tcp.extend_from_slice(payload);
        // The client (the higher port here) is x.1, the broker x.2.
        let (a, b) = if sport > dport { (1, 2) } else { (2, 1) };
        let mut ip = Vec::new();
        if v6 {
            ip.extend_from_slice(&[0x60, 0, 0, 0]);
            ip.extend_from_slice(&(tcp.len() as u16).to_be_bytes());
            ip.extend_from_slice(&[6, 64]);
            ip.extend_from_slice(&[0; 15]);
            ip.push(a);
            ip.extend_from_slice(&[0; 15]);
            ip.push(b);
        } else {
            ip.extend_from_slice(&[0x45, 0]);
            ip.extend_from_slice(&((20 + tcp.len()) as u16).to_be_bytes());
            ip.extend_from_slice(&[0, 0, 0x40, 0, 64, 6, 0, 0, 10, 0, 0, a, 10, 0, 0, b]);
        }
        ip.extend_from_slice(&tcp);
        ip
    }

    fn pcap(packets: &[Vec<u8>]) -> Vec<u8> {
        let mut f = vec![0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0];
        f.extend_from_slice(&[0; 8]);
        f.extend_from_slice(&65535u32.to_le_bytes());
        f.extend_from_slice(&101u32.to_le_bytes());
        for p in packets {
            f.extend_from_slice(&[0; 8]);
            f.extend_from_slice(&(p.len() as u32).to_le_bytes());
            f.extend_from_slice(&(p.len() as u32).to_le_bytes());
            f.extend_from_slice(p);
        }
        f
    }

    /// Dumps a pcap of `packets` in `format`: (frames, problems, output).
    fn dump(packets: &[Vec<u8>], format: Format) -> (usize, usize, String) {
        let options = Options {
            format,
            ..Options::default()
        };
        let mut d = Dumper::new(Vec::new(), options);
        d.dump_capture(&pcap(packets)).unwrap().unwrap();
        let counts = (d.frames(), d.problems());
        (
            counts.0,
            counts.1,
            String::from_utf8(d.into_inner()).unwrap(),
        )
    }

    #[test]
    fn connections_syns_and_ip_versions() {
        use kafkawire::frame::{encode_request, encode_response};
        use kafkawire::messages::{ApiVersionsRequest, ApiVersionsResponse, RequestHeader};
        let header = RequestHeader::default()
            .with_request_api_key(ApiKey::API_VERSIONS.0)
            .with_request_api_version(0)
            .with_correlation_id(1);
        let mut request = BytesMut::new();
        encode_request(&mut request, &header, &ApiVersionsRequest::default()).unwrap();
        let mut response = BytesMut::new();
        encode_response(&mut response, 1, 0, &ApiVersionsResponse::default()).unwrap();
        let (syn, syn_ack, ack) = (0x02, 0x12, 0x10);
        let mut packets = Vec::new();
        for (v6, isn) in [(false, 100), (false, 9000), (true, 7)] {
            packets.push(packet(v6, 40000, 9092, isn, syn, b""));
            packets.push(packet(v6, 40000, 9092, isn, syn, b"")); // retransmitted
            packets.push(packet(v6, 9092, 40000, 500, syn_ack, b""));
            packets.push(packet(v6, 40000, 9092, isn + 1, ack, &request));
            packets.push(packet(v6, 9092, 40000, 501, ack, &response));
        }
        // No SYN at all: the first sender is taken for the client.
        packets.push(packet(false, 40001, 9092, 5, ack, &request));
        packets.push(packet(false, 9092, 40001, 5, ack, &response));

        let (frames, problems, out) = dump(&packets, Format::Json);
        assert_eq!((frames, problems), (8, 0));
        let frames: Vec<Value> = out
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        let got: Vec<(u64, &str, &str, u64)> = frames
            .iter()
            .map(|f| {
                (
                    f["connection"].as_u64().unwrap(),
                    f["client"].as_str().unwrap(),
                    f["direction"].as_str().unwrap(),
                    f["packet"].as_u64().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (1, "10.0.0.1:40000", "request", 4),
                (1, "10.0.0.1:40000", "response", 5),
                (2, "10.0.0.1:40000", "request", 9),
                (2, "10.0.0.1:40000", "response", 10),
                (3, "[::1]:40000", "request", 14),
                (3, "[::1]:40000", "response", 15),
                (4, "10.0.0.1:40001", "request", 16),
                (4, "10.0.0.1:40001", "response", 17),
            ]
        );
        assert!(
            frames
                .iter()
                .all(|f| f["api"] == "ApiVersions" && f["correlationId"] == 1)
        );
    }

    /// Tagged fields in flexible request (v2) and response (v1) headers are
    /// printed; frames without any have no such member.
    #[test]
    fn header_tagged_fields_are_shown() {
        use kafkawire::RawTaggedField;
        use kafkawire::frame::{encode_request, encode_response_with_header};
        use kafkawire::messages::{
            MetadataRequest, MetadataResponse, RequestHeader, ResponseHeader,
        };
        let tag = |tag: u32, data: &'static [u8]| RawTaggedField {
            tag,
            data: Bytes::from_static(data),
        };
        let mut bytes = Vec::new();
        for (id, tags) in [(1, vec![tag(0, b"hi"), tag(7, b"")]), (2, vec![])] {
            let header = RequestHeader::default()
                .with_request_api_key(ApiKey::METADATA.0)
                .with_request_api_version(12)
                .with_correlation_id(id)
                .with_client_id(Some("c".into()))
                .with_unknown_tagged_fields(tags.clone());
            let mut frame = BytesMut::new();
            encode_request(&mut frame, &header, &MetadataRequest::default()).unwrap();
            let response_header = ResponseHeader::default()
                .with_correlation_id(id)
                .with_unknown_tagged_fields(tags.into_iter().rev().take(1).collect());
            let mut response = BytesMut::new();
            encode_response_with_header(
                &mut response,
                &response_header,
                12,
                &MetadataResponse::default(),
            )
            .unwrap();
            bytes.push((frame, response));
        }
        let ack = 0x10;
        let mut packets = Vec::new();
        let (mut seq, mut ack_seq) = (1u32, 1u32);
        for (request, response) in &bytes {
            packets.push(packet(false, 40000, 9092, seq, ack, request));
            packets.push(packet(false, 9092, 40000, ack_seq, ack, response));
            seq += request.len() as u32;
            ack_seq += response.len() as u32;
        }
        let (frames, problems, out) = dump(&packets, Format::Json);
        assert_eq!((frames, problems), (4, 0));
        let tags: Vec<Value> = out
            .lines()
            .map(|l| serde_json::from_str::<Value>(l).unwrap()["headerTaggedFields"].clone())
            .collect();
        assert_eq!(
            tags,
            [
                serde_json::json!([{"tag": 0, "data": "aGk="}, {"tag": 7, "data": ""}]),
                serde_json::json!([{"tag": 7, "data": ""}]),
                Value::Null,
                Value::Null,
            ]
        );
        let (_, _, text) = dump(&packets, Format::Text);
        let counts: Vec<bool> = text
            .lines()
            .map(|l| l.contains("[2 tagged fields in the header]"))
            .collect();
        assert_eq!(counts, [true, false, false, false], "{text}");
        assert!(
            text.lines()
                .nth(1)
                .unwrap()
                .contains("[1 tagged field in the header]")
        );
    }
}
