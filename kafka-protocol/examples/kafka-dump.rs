//! Prints the Kafka frames in a capture: api name, version, correlation id
//! and the decoded body (`Debug`; JSON output needs the `serde` feature,
//! which this crate does not have yet).
//!
//! ```sh
//! tshark -i lo -F pcap -w kafka.pcap -f 'tcp port 9092'     # or tcpdump -w
//! cargo run -p kafka-protocol --example kafka-dump -- kafka.pcap
//! cargo run -p kafka-protocol --example kafka-dump -- --requests frames.bin
//! ```
//!
//! Input: a classic pcap file (not pcapng: capture with `tshark -F pcap` or
//! tcpdump) with Ethernet, Linux cooked (SLL), BSD loopback or raw IP
//! link types, IPv4 or IPv6; or, with `--requests`, a file of size-prefixed
//! request frames. TCP streams are reassembled per direction (by sequence
//! number, retransmissions dropped); the side that sent the SYN is the
//! client, and responses are matched to requests by correlation id.

use bytes::{Bytes, BytesMut};
use kafka_protocol::ApiKey;
use kafka_protocol::frame::{FrameCodec, InFlight, RequestFrame};
use kafka_protocol::negotiate::decode_api_versions_response;
use std::collections::{BTreeMap, HashMap};
use std::process::ExitCode;

type Endpoint = (Vec<u8>, u16);
type FlowKey = (Endpoint, Endpoint);

/// One direction of a TCP connection.
#[derive(Default)]
struct Stream {
    next_seq: Option<u32>,
    pending: BTreeMap<u32, Vec<u8>>,
    buf: BytesMut,
}

impl Stream {
    fn push(&mut self, seq: u32, syn: bool, data: &[u8]) {
        if syn {
            self.next_seq = Some(seq.wrapping_add(1));
            return;
        }
        let next = *self.next_seq.get_or_insert(seq);
        if !data.is_empty() {
            self.pending.insert(seq, data.to_vec());
        }
        let mut next = next;
        while let Some((&s, _)) = self.pending.first_key_value() {
            let offset = next.wrapping_sub(s) as i32;
            if offset < 0 {
                break; // a gap: wait for the missing bytes
            }
            let Some((_, d)) = self.pending.pop_first() else {
                break;
            };
            let offset = offset as usize;
            if offset < d.len() {
                self.buf.extend_from_slice(&d[offset..]);
                next = next.wrapping_add((d.len() - offset) as u32);
            }
        }
        self.next_seq = Some(next);
    }
}

struct Connection {
    id: usize,
    client: Endpoint,
    to_server: Stream,
    to_client: Stream,
    in_flight: InFlight,
    broken: [bool; 2],
}

struct Tcp<'a> {
    src: Endpoint,
    dst: Endpoint,
    seq: u32,
    syn: bool,
    ack: bool,
    payload: &'a [u8],
}

fn be16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// The TCP segment in a link-layer frame, if it is one.
fn parse_tcp(linktype: u32, frame: &[u8]) -> Option<Tcp<'_>> {
    let ip = match linktype {
        1 => {
            // Ethernet, with optional VLAN tags.
            let mut at = 12;
            let mut ethertype = be16(frame, at)?;
            while ethertype == 0x8100 || ethertype == 0x88a8 {
                at += 4;
                ethertype = be16(frame, at)?;
            }
            frame.get(at + 2..)?
        }
        113 => frame.get(16..)?,    // Linux cooked capture
        276 => frame.get(20..)?,    // Linux cooked capture v2
        0 | 108 => frame.get(4..)?, // BSD loopback
        101 | 12 | 14 => frame,     // raw IP
        _ => return None,
    };
    let version = ip.first()? >> 4;
    let (src, dst, proto, tcp) = match version {
        4 => {
            let ihl = usize::from(ip.first()? & 0x0f) * 4;
            let total = usize::from(be16(ip, 2)?).min(ip.len());
            (
                ip.get(12..16)?.to_vec(),
                ip.get(16..20)?.to_vec(),
                *ip.get(9)?,
                ip.get(ihl..total)?,
            )
        }
        6 => {
            let len = usize::from(be16(ip, 4)?);
            (
                ip.get(8..24)?.to_vec(),
                ip.get(24..40)?.to_vec(),
                *ip.get(6)?,
                ip.get(40..(40 + len).min(ip.len()))?,
            )
        }
        _ => return None,
    };
    if proto != 6 {
        return None;
    }
    let data_offset = usize::from(tcp.get(12)? >> 4) * 4;
    let flags = *tcp.get(13)?;
    Some(Tcp {
        src: (src, be16(tcp, 0)?),
        dst: (dst, be16(tcp, 2)?),
        seq: be32(tcp, 4)?,
        syn: flags & 0x02 != 0,
        ack: flags & 0x10 != 0,
        payload: tcp.get(data_offset..)?,
    })
}

/// The link type and frames of a classic pcap file.
fn read_pcap(data: &[u8]) -> Result<(u32, Vec<&[u8]>), String> {
    let magic = data.get(..4).ok_or("file too short for a pcap header")?;
    let little = match magic {
        [0xd4, 0xc3, 0xb2, 0xa1] | [0x4d, 0x3c, 0xb2, 0xa1] => true,
        [0xa1, 0xb2, 0xc3, 0xd4] | [0xa1, 0xb2, 0x3c, 0x4d] => false,
        [0x0a, 0x0d, 0x0d, 0x0a] => {
            return Err("pcapng is not supported: capture with `tshark -F pcap` or convert with `editcap -F pcap`".into());
        }
        _ => return Err("not a pcap file".into()),
    };
    let u32_at = |at: usize| -> Option<u32> {
        let b: [u8; 4] = data.get(at..at + 4)?.try_into().ok()?;
        Some(if little {
            u32::from_le_bytes(b)
        } else {
            u32::from_be_bytes(b)
        })
    };
    let linktype = u32_at(20).ok_or("truncated pcap header")? & 0x0fff_ffff;
    let mut frames = Vec::new();
    let mut at = 24;
    while at + 16 <= data.len() {
        let caplen = u32_at(at + 8).ok_or("truncated record header")? as usize;
        let frame = data
            .get(at + 16..at + 16 + caplen)
            .ok_or("truncated packet record")?;
        frames.push(frame);
        at += 16 + caplen;
    }
    Ok((linktype, frames))
}

fn print_request(conn: usize, frame: &RequestFrame) {
    let h = &frame.header;
    println!(
        "#{conn} request  {} v{} correlation_id={} client_id={:?}\n    {:?}",
        frame.body.name(),
        frame.version(),
        h.correlation_id,
        h.client_id.as_deref().unwrap_or(""),
        frame.body
    );
}

/// Decodes every whole frame in one direction of `c`.
fn drain(c: &mut Connection, to_server: bool, codec: &FrameCodec) {
    let dir = usize::from(!to_server);
    if c.broken[dir] {
        return;
    }
    loop {
        let stream = if to_server {
            &mut c.to_server
        } else {
            &mut c.to_client
        };
        let frame = match codec.decode_frame(&mut stream.buf) {
            Ok(Some(f)) => f,
            Ok(None) => return,
            Err(e) => {
                println!(
                    "#{} cannot frame the {} stream: {e}",
                    c.id,
                    if to_server { "request" } else { "response" }
                );
                c.broken[dir] = true;
                return;
            }
        };
        if to_server {
            match RequestFrame::decode(frame.clone()) {
                Ok(f) => {
                    // Produce with acks=0 gets no response.
                    let no_answer = matches!(&f.body, kafka_protocol::any::AnyRequest::Produce(p) if p.acks == 0);
                    if !no_answer {
                        c.in_flight.insert(&f.header);
                    }
                    print_request(c.id, &f);
                }
                Err(e) => {
                    // Still remember it, so its response can be matched.
                    let mut peek = frame.clone();
                    if let Ok(h) = kafka_protocol::frame::decode_request_header(&mut peek) {
                        c.in_flight.insert(&h);
                    }
                    println!(
                        "#{} request  undecodable ({} bytes): {e}",
                        c.id,
                        frame.len()
                    );
                }
            }
        } else {
            let id = kafka_protocol::frame::peek_correlation_id(&frame).unwrap_or(-1);
            let asked = c.in_flight.get(id);
            match c.in_flight.decode_response(frame.clone()) {
                Ok(f) => println!(
                    "#{} response {} v{} correlation_id={}\n    {:?}",
                    c.id,
                    f.body.name(),
                    f.version,
                    f.header.correlation_id,
                    f.body
                ),
                Err(e) => {
                    c.in_flight.remove(id);
                    // An ApiVersions refusal may be a v0 body (or a malformed
                    // one): read it as Kafka's client does.
                    if let Some((ApiKey::API_VERSIONS, v)) = asked {
                        let mut body = frame.clone();
                        let parsed = kafka_protocol::frame::decode_response_header(
                            &mut body,
                            ApiKey::API_VERSIONS,
                            v,
                        )
                        .and_then(|_| decode_api_versions_response(body, v));
                        if let Ok((r, read_as)) = parsed {
                            println!(
                                "#{} response ApiVersions v{v} correlation_id={id} (body read as v{read_as}: {e})\n    {r:?}",
                                c.id
                            );
                            continue;
                        }
                    }
                    let what = asked.map(|(k, v)| format!("{k} v{v}")).unwrap_or_default();
                    println!(
                        "#{} response {what} correlation_id={id} undecodable ({} bytes): {e}",
                        c.id,
                        frame.len()
                    );
                }
            }
        }
    }
}

fn dump_pcap(data: &[u8]) -> Result<(), String> {
    let (linktype, frames) = read_pcap(data)?;
    let codec = FrameCodec::new();
    let mut conns: HashMap<FlowKey, Connection> = HashMap::new();
    let mut next_id = 0;
    for frame in frames {
        let Some(tcp) = parse_tcp(linktype, frame) else {
            continue;
        };
        let key = if tcp.src <= tcp.dst {
            (tcp.src.clone(), tcp.dst.clone())
        } else {
            (tcp.dst.clone(), tcp.src.clone())
        };
        let conn = conns.entry(key).or_insert_with(|| {
            next_id += 1;
            // The SYN's sender is the client; without a SYN, the first sender.
            let client = if tcp.syn && tcp.ack {
                tcp.dst.clone()
            } else {
                tcp.src.clone()
            };
            Connection {
                id: next_id,
                client,
                to_server: Stream::default(),
                to_client: Stream::default(),
                in_flight: InFlight::new(),
                broken: [false; 2],
            }
        });
        let to_server = tcp.src == conn.client;
        let stream = if to_server {
            &mut conn.to_server
        } else {
            &mut conn.to_client
        };
        stream.push(tcp.seq, tcp.syn, tcp.payload);
        drain(conn, to_server, &codec);
    }
    Ok(())
}

fn dump_requests(data: Bytes) -> Result<(), String> {
    let codec = FrameCodec::new();
    let mut data = data;
    while let Some(frame) = codec
        .decode_frame_bytes(&mut data)
        .map_err(|e| e.to_string())?
    {
        match RequestFrame::decode(frame) {
            Ok(f) => print_request(0, &f),
            Err(e) => println!("request undecodable: {e}"),
        }
    }
    if !data.is_empty() {
        println!("{} bytes left: an incomplete frame", data.len());
    }
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (requests, path) = match args.as_slice() {
        [flag, path] if flag == "--requests" => (true, path),
        [path] => (false, path),
        _ => {
            eprintln!("usage: kafka-dump [--requests] FILE");
            return ExitCode::from(2);
        }
    };
    let data = match std::fs::read(path) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("{path}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = if requests {
        dump_requests(Bytes::from(data))
    } else {
        dump_pcap(&data)
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{path}: {e}");
            ExitCode::FAILURE
        }
    }
}
