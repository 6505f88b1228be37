//! Capture files: classic pcap and pcapng, read packet by packet, and the
//! TCP segment inside a link-layer frame.
//!
//! Both formats are recognised by their magic number; both byte orders are
//! read. pcapng: Section Header Blocks (several sections may follow each
//! other, each with its own byte order and interfaces), Interface
//! Description Blocks (each interface has its own link type), Enhanced,
//! Simple and (obsolete) Packet Blocks; other blocks are skipped.
//!
//! A malformed or truncated file ends the iteration with an error naming the
//! byte position; every packet before it is still delivered.

use std::fmt;

/// Link type of Ethernet.
pub const LINKTYPE_ETHERNET: u16 = 1;

/// One captured packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Packet<'a> {
    /// 1-based number of the packet in the file, as Wireshark counts them.
    pub number: u64,
    /// The link type of the interface it was captured on.
    pub linktype: u16,
    /// The captured bytes (possibly cut at the snapshot length).
    pub data: &'a [u8],
}

/// A capture file that cannot be read (further).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaptureError {
    /// Byte position in the file where the problem is.
    pub position: usize,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for CaptureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (at byte {})", self.message, self.position)
    }
}

impl std::error::Error for CaptureError {}

fn error(position: usize, message: impl Into<String>) -> CaptureError {
    CaptureError {
        position,
        message: message.into(),
    }
}

/// Which capture format a file starts with, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Classic pcap (microsecond or nanosecond timestamps, either byte order).
    Pcap,
    /// pcapng.
    Pcapng,
}

/// The capture format of `data`, from its first four bytes.
pub fn detect(data: &[u8]) -> Option<Format> {
    match data.get(..4)? {
        [0xd4, 0xc3, 0xb2, 0xa1]
        | [0x4d, 0x3c, 0xb2, 0xa1]
        | [0xa1, 0xb2, 0xc3, 0xd4]
        | [0xa1, 0xb2, 0x3c, 0x4d] => Some(Format::Pcap),
        [0x0a, 0x0d, 0x0d, 0x0a] => Some(Format::Pcapng),
        _ => None,
    }
}

#[derive(Clone, Copy)]
struct Endian {
    little: bool,
}

impl Endian {
    fn u16(self, data: &[u8], at: usize) -> Option<u16> {
        let b: [u8; 2] = data.get(at..at.checked_add(2)?)?.try_into().ok()?;
        Some(if self.little {
            u16::from_le_bytes(b)
        } else {
            u16::from_be_bytes(b)
        })
    }

    fn u32(self, data: &[u8], at: usize) -> Option<u32> {
        let b: [u8; 4] = data.get(at..at.checked_add(4)?)?.try_into().ok()?;
        Some(if self.little {
            u32::from_le_bytes(b)
        } else {
            u32::from_be_bytes(b)
        })
    }
}

/// The packets of a pcap or pcapng file, in file order.
///
/// Fails up front when `data` is neither; a problem later in the file is
/// the iterator's last item.
pub fn packets(data: &[u8]) -> Result<Packets<'_>, CaptureError> {
    let state = match detect(data) {
        Some(Format::Pcap) => State::Pcap(PcapState::new(data)?),
        Some(Format::Pcapng) => State::Pcapng(PcapngState::default()),
        None => {
            return Err(error(
                0,
                "not a pcap or pcapng file (for a file of frames use --requests or --responses, for a hex dump --hex)",
            ));
        }
    };
    Ok(Packets {
        data,
        at: 0,
        number: 0,
        state,
        done: false,
    })
}

/// Iterator from [`packets`].
#[derive(Debug)]
pub struct Packets<'a> {
    data: &'a [u8],
    at: usize,
    number: u64,
    state: State,
    done: bool,
}

#[derive(Debug)]
enum State {
    Pcap(PcapState),
    Pcapng(PcapngState),
}

#[derive(Debug)]
struct PcapState {
    little: bool,
    linktype: u16,
}

impl PcapState {
    fn new(data: &[u8]) -> Result<Self, CaptureError> {
        let little = data.first() == Some(&0xd4) || data.first() == Some(&0x4d);
        let e = Endian { little };
        if data.len() < 24 {
            return Err(error(data.len(), "truncated pcap file header"));
        }
        // The link type is the low 16 bits; the high bits carry FCS flags.
        let linktype = e.u16(data, 20).unwrap_or(0);
        let linktype = if little {
            linktype
        } else {
            e.u16(data, 22).unwrap_or(0)
        };
        Ok(PcapState { little, linktype })
    }
}

#[derive(Debug, Default)]
struct PcapngState {
    little: bool,
    /// (link type, snapshot length) of each interface of the current section.
    interfaces: Vec<(u16, u32)>,
}

impl<'a> Packets<'a> {
    fn next_pcap(&mut self, s: &PcapState) -> Result<Option<&'a [u8]>, CaptureError> {
        let data = self.data;
        if self.at == 0 {
            self.at = 24;
        }
        if self.at == data.len() {
            return Ok(None);
        }
        let e = Endian { little: s.little };
        let caplen = e
            .u32(data, self.at + 8)
            .filter(|_| self.at + 16 <= data.len())
            .ok_or_else(|| error(self.at, "truncated pcap record header"))?;
        let start = self.at + 16;
        let end = start
            .checked_add(caplen as usize)
            .filter(|&end| end <= data.len())
            .ok_or_else(|| {
                error(
                    self.at,
                    format!(
                        "truncated pcap record: {caplen} bytes captured, {} left",
                        data.len() - start
                    ),
                )
            })?;
        self.at = end;
        Ok(data.get(start..end))
    }

    /// The next packet of a pcapng file: (link type, bytes).
    fn next_pcapng(
        &mut self,
        s: &mut PcapngState,
    ) -> Result<Option<(u16, &'a [u8])>, CaptureError> {
        let data = self.data;
        loop {
            let at = self.at;
            if at == data.len() {
                return Ok(None);
            }
            if data.len() - at < 12 {
                return Err(error(at, "truncated pcapng block header"));
            }
            let mut e = Endian { little: s.little };
            let block_type = e.u32(data, at).unwrap_or(0);
            if block_type == 0x0a0d_0d0a {
                // Section Header Block: the byte-order magic decides how the
                // rest of the section, this block's length included, reads.
                e.little = match data.get(at + 8..at + 12) {
                    Some([0x4d, 0x3c, 0x2b, 0x1a]) => true,
                    Some([0x1a, 0x2b, 0x3c, 0x4d]) => false,
                    _ => return Err(error(at + 8, "bad pcapng byte-order magic")),
                };
                s.little = e.little;
                s.interfaces.clear();
                let major = e.u16(data, at + 12);
                if major != Some(1) {
                    return Err(error(
                        at + 12,
                        format!("unsupported pcapng version {major:?}"),
                    ));
                }
            }
            let len = e.u32(data, at + 4).unwrap_or(0) as usize;
            if len < 12 || len % 4 != 0 {
                return Err(error(at + 4, format!("bad pcapng block length {len}")));
            }
            let end = at
                .checked_add(len)
                .filter(|&end| end <= data.len())
                .ok_or_else(|| {
                    error(
                        at,
                        format!(
                            "truncated pcapng block: {len} bytes long, {} left",
                            data.len() - at
                        ),
                    )
                })?;
            if e.u32(data, end - 4) != Some(len as u32) {
                return Err(error(
                    end - 4,
                    "pcapng block's trailing length differs from its leading length",
                ));
            }
            // The block body, between the lengths.
            let body = data.get(at + 8..end - 4).unwrap_or_default();
            self.at = end;
            let short = || error(at, format!("pcapng block of type {block_type} too short"));
            match block_type {
                1 => {
                    // Interface Description Block.
                    let linktype = e.u16(body, 0).ok_or_else(short)?;
                    let snaplen = e.u32(body, 4).ok_or_else(short)?;
                    s.interfaces.push((linktype, snaplen));
                }
                6 | 2 => {
                    // Enhanced Packet Block; obsolete Packet Block (16-bit
                    // interface id and drop count, otherwise the same).
                    let interface = if block_type == 6 {
                        e.u32(body, 0).ok_or_else(short)? as usize
                    } else {
                        usize::from(e.u16(body, 0).ok_or_else(short)?)
                    };
                    let caplen = e.u32(body, 12).ok_or_else(short)? as usize;
                    let packet = body
                        .get(20..)
                        .and_then(|b| b.get(..caplen))
                        .ok_or_else(|| {
                            error(
                                at,
                                format!("pcapng packet of {caplen} bytes overruns its block"),
                            )
                        })?;
                    let &(linktype, _) = s.interfaces.get(interface).ok_or_else(|| {
                        error(
                            at,
                            format!("packet on interface {interface}, which was not described"),
                        )
                    })?;
                    return Ok(Some((linktype, packet)));
                }
                3 => {
                    // Simple Packet Block: interface 0, captured length =
                    // original length cut at the snapshot length and at the
                    // block.
                    let &(linktype, snaplen) = s.interfaces.first().ok_or_else(|| {
                        error(at, "simple packet block before any interface description")
                    })?;
                    let original = e.u32(body, 0).ok_or_else(short)? as usize;
                    let room = body.len() - 4;
                    let mut caplen = original.min(room);
                    if snaplen != 0 {
                        caplen = caplen.min(snaplen as usize);
                    }
                    return Ok(Some((
                        linktype,
                        body.get(4..4 + caplen).unwrap_or_default(),
                    )));
                }
                _ => {} // statistics, name resolution, custom, ...: skipped
            }
        }
    }
}

impl<'a> Iterator for Packets<'a> {
    type Item = Result<Packet<'a>, CaptureError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let mut state = std::mem::replace(&mut self.state, State::Pcapng(PcapngState::default()));
        let result = match &mut state {
            State::Pcap(s) => self.next_pcap(s).map(|p| p.map(|d| (s.linktype, d))),
            State::Pcapng(s) => self.next_pcapng(s),
        };
        self.state = state;
        match result {
            Ok(Some((linktype, data))) => {
                self.number += 1;
                Some(Ok(Packet {
                    number: self.number,
                    linktype,
                    data,
                }))
            }
            Ok(None) => {
                self.done = true;
                None
            }
            Err(e) => {
                self.done = true;
                Some(Err(e))
            }
        }
    }
}

/// An IP address and port, as bytes (4 for IPv4, 16 for IPv6).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Endpoint {
    /// Address bytes.
    pub addr: Vec<u8>,
    /// TCP port.
    pub port: u16,
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Ok(v4) = <[u8; 4]>::try_from(self.addr.as_slice()) {
            write!(f, "{}:{}", std::net::Ipv4Addr::from(v4), self.port)
        } else if let Ok(v6) = <[u8; 16]>::try_from(self.addr.as_slice()) {
            write!(f, "[{}]:{}", std::net::Ipv6Addr::from(v6), self.port)
        } else {
            write!(f, "?:{}", self.port)
        }
    }
}

/// A TCP segment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tcp<'a> {
    /// Sender.
    pub src: Endpoint,
    /// Receiver.
    pub dst: Endpoint,
    /// Sequence number.
    pub seq: u32,
    /// SYN flag.
    pub syn: bool,
    /// ACK flag.
    pub ack: bool,
    /// The payload (as captured: cut short if the capture was).
    pub payload: &'a [u8],
    /// Payload bytes the IP header announces but the capture lacks.
    pub missing: usize,
}

fn be16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// The TCP segment in a link-layer frame, if it is one (IPv4 or IPv6 over
/// Ethernet with optional VLAN tags, Linux cooked v1 and v2, BSD loopback,
/// raw IP). IPv4 fragments and IPv6 extension headers are not followed.
pub fn parse_tcp(linktype: u16, frame: &[u8]) -> Option<Tcp<'_>> {
    let ip = match linktype {
        LINKTYPE_ETHERNET => {
            let mut at = 12;
            let mut ethertype = be16(frame, at)?;
            while ethertype == 0x8100 || ethertype == 0x88a8 {
                at += 4;
                ethertype = be16(frame, at)?;
            }
            frame.get(at + 2..)?
        }
        113 => frame.get(16..)?,            // Linux cooked capture
        276 => frame.get(20..)?,            // Linux cooked capture v2
        0 | 108 => frame.get(4..)?,         // BSD loopback (null, OpenBSD loop)
        101 | 12 | 14 | 228 | 229 => frame, // raw IP, IPv4, IPv6
        _ => return None,
    };
    let (src, dst, proto, tcp, announced) = match ip.first()? >> 4 {
        4 => {
            let ihl = usize::from(ip.first()? & 0x0f) * 4;
            let total = usize::from(be16(ip, 2)?);
            let fragment = be16(ip, 6)?;
            if ihl < 20 || total < ihl || fragment & 0x3fff != 0 {
                return None; // malformed, or a fragment
            }
            (
                ip.get(12..16)?.to_vec(),
                ip.get(16..20)?.to_vec(),
                *ip.get(9)?,
                ip.get(ihl..total.min(ip.len()))?,
                total - ihl,
            )
        }
        6 => {
            let len = usize::from(be16(ip, 4)?);
            (
                ip.get(8..24)?.to_vec(),
                ip.get(24..40)?.to_vec(),
                *ip.get(6)?,
                ip.get(40..(40 + len).min(ip.len()))?,
                len,
            )
        }
        _ => return None,
    };
    if proto != 6 {
        return None;
    }
    let data_offset = usize::from(tcp.get(12)? >> 4) * 4;
    let flags = *tcp.get(13)?;
    let payload = tcp.get(data_offset..)?;
    Some(Tcp {
        src: Endpoint {
            addr: src,
            port: be16(tcp, 0)?,
        },
        dst: Endpoint {
            addr: dst,
            port: be16(tcp, 2)?,
        },
        seq: be32(tcp, 4)?,
        syn: flags & 0x02 != 0,
        ack: flags & 0x10 != 0,
        payload,
        missing: announced.saturating_sub(data_offset + payload.len()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A pcapng block with `body`, in the given byte order.
    fn block(little: bool, kind: u32, body: &[u8]) -> Vec<u8> {
        let mut body = body.to_vec();
        while body.len() % 4 != 0 {
            body.push(0);
        }
        let len = (body.len() + 12) as u32;
        let w = |v: u32| {
            if little {
                v.to_le_bytes()
            } else {
                v.to_be_bytes()
            }
        };
        let mut out = w(kind).to_vec();
        out.extend_from_slice(&w(len));
        out.extend_from_slice(&body);
        out.extend_from_slice(&w(len));
        out
    }

    fn shb(little: bool) -> Vec<u8> {
        let mut body = if little {
            0x1a2b_3c4du32.to_le_bytes().to_vec()
        } else {
            0x1a2b_3c4du32.to_be_bytes().to_vec()
        };
        let (major, minor) = (1u16, 0u16);
        for v in [major, minor] {
            body.extend_from_slice(&if little {
                v.to_le_bytes()
            } else {
                v.to_be_bytes()
            });
        }
        body.extend_from_slice(&[0xff; 8]); // section length unknown
        block(little, 0x0a0d_0d0a, &body)
    }

    fn idb(little: bool, linktype: u16, snaplen: u32) -> Vec<u8> {
        let mut body = Vec::new();
        if little {
            body.extend_from_slice(&linktype.to_le_bytes());
            body.extend_from_slice(&[0, 0]);
            body.extend_from_slice(&snaplen.to_le_bytes());
        } else {
            body.extend_from_slice(&linktype.to_be_bytes());
            body.extend_from_slice(&[0, 0]);
            body.extend_from_slice(&snaplen.to_be_bytes());
        }
        block(little, 1, &body)
    }

    fn epb(little: bool, interface: u32, data: &[u8]) -> Vec<u8> {
        let mut body = Vec::new();
        for v in [interface, 0, 0, data.len() as u32, data.len() as u32] {
            body.extend_from_slice(&if little {
                v.to_le_bytes()
            } else {
                v.to_be_bytes()
            });
        }
        body.extend_from_slice(data);
        block(little, 6, &body)
    }

    /// (number, link type, bytes) of each packet read.
    type Read = Vec<(u64, u16, Vec<u8>)>;

    fn collect(data: &[u8]) -> (Read, Option<CaptureError>) {
        let mut out = Vec::new();
        for p in packets(data).unwrap() {
            match p {
                Ok(p) => out.push((p.number, p.linktype, p.data.to_vec())),
                Err(e) => return (out, Some(e)),
            }
        }
        (out, None)
    }

    #[test]
    fn pcapng_both_byte_orders_interfaces_and_block_kinds() {
        for little in [true, false] {
            let mut f = shb(little);
            f.extend(idb(little, 1, 0));
            f.extend(idb(little, 113, 0));
            f.extend(epb(little, 1, b"on-sll"));
            f.extend(block(little, 5, &[0; 8])); // statistics: skipped
            f.extend(epb(little, 0, b"on-ethernet"));
            // Simple Packet Block: original length 5, padded to 8.
            let mut spb = if little {
                5u32.to_le_bytes().to_vec()
            } else {
                5u32.to_be_bytes().to_vec()
            };
            spb.extend_from_slice(b"simpl");
            f.extend(block(little, 3, &spb));
            // A second section in the other byte order with its own interfaces.
            f.extend(shb(!little));
            f.extend(idb(!little, 101, 0));
            f.extend(epb(!little, 0, b"raw"));
            let (got, err) = collect(&f);
            assert_eq!(err, None);
            assert_eq!(
                got,
                vec![
                    (1, 113, b"on-sll".to_vec()),
                    (2, 1, b"on-ethernet".to_vec()),
                    (3, 1, b"simpl".to_vec()),
                    (4, 101, b"raw".to_vec()),
                ]
            );
        }
    }

    #[test]
    fn pcapng_simple_packet_block_cut_at_snaplen() {
        let mut f = shb(true);
        f.extend(idb(true, 1, 3));
        let mut spb = 6u32.to_le_bytes().to_vec();
        spb.extend_from_slice(b"abcdef");
        f.extend(block(true, 3, &spb));
        assert_eq!(collect(&f).0, vec![(1, 1, b"abc".to_vec())]);
    }

    #[test]
    fn pcapng_errors_name_the_position() {
        let mut f = shb(true);
        f.extend(idb(true, 1, 0));
        let good = f.len();
        f.extend(epb(true, 0, b"packet"));
        let whole = f.clone();

        // Truncated last block: the packets before it still come out.
        let mut g = whole.clone();
        g.extend(epb(true, 0, b"second"));
        g.truncate(g.len() - 3);
        let (got, err) = collect(&g);
        assert_eq!(got.len(), 1);
        let err = err.unwrap();
        assert_eq!(err.position, whole.len());
        assert!(err.message.contains("truncated pcapng block"), "{err}");

        // Undescribed interface.
        let mut g = f[..good].to_vec();
        g.extend(epb(true, 3, b"x"));
        let err = collect(&g).1.unwrap();
        assert!(err.message.contains("interface 3"), "{err}");

        // Trailing length differs.
        let mut g = whole.clone();
        let n = g.len();
        g[n - 4] ^= 4;
        let err = collect(&g).1.unwrap();
        assert!(err.message.contains("trailing length"), "{err}");

        // Packet longer than its block.
        let mut g = f[..good].to_vec();
        let mut bad = epb(true, 0, b"abcd");
        bad[20..24].copy_from_slice(&100u32.to_le_bytes()); // captured length
        g.extend(bad);
        let err = collect(&g).1.unwrap();
        assert!(err.message.contains("overruns"), "{err}");

        // Bad block length.
        let mut g = f[..good].to_vec();
        g.extend_from_slice(&6u32.to_le_bytes());
        g.extend_from_slice(&13u32.to_le_bytes());
        g.extend_from_slice(&[0; 8]);
        let err = collect(&g).1.unwrap();
        assert!(err.message.contains("bad pcapng block length 13"), "{err}");
    }

    #[test]
    fn pcap_truncated_record_keeps_earlier_packets() {
        let mut f = vec![0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0];
        f.extend_from_slice(&[0; 8]);
        f.extend_from_slice(&65535u32.to_le_bytes());
        f.extend_from_slice(&1u32.to_le_bytes());
        for payload in [&b"first"[..], &b"second"[..]] {
            f.extend_from_slice(&[0; 8]);
            f.extend_from_slice(&(payload.len() as u32).to_le_bytes());
            f.extend_from_slice(&(payload.len() as u32).to_le_bytes());
            f.extend_from_slice(payload);
        }
        assert_eq!(collect(&f).0.len(), 2);
        f.truncate(f.len() - 1);
        let (got, err) = collect(&f);
        assert_eq!(got, vec![(1, 1, b"first".to_vec())]);
        assert!(err.unwrap().message.contains("truncated pcap record"));
        assert!(packets(&f[..10]).is_err());
        assert!(packets(b"garbage!").is_err());
    }
}
