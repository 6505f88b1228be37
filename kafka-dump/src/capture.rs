//! Capture files: classic pcap and pcapng, read packet by packet, and the
//! TCP segment inside a link-layer frame.
//!
//! Both formats are recognised by their magic number; both byte orders are
//! read. pcapng: Section Header Blocks (several sections may follow each
//! other, each with its own byte order and interfaces), Interface
//! Description Blocks (each interface has its own link type), Enhanced,
//! Simple and (obsolete) Packet Blocks; other blocks are skipped.
//!
//! Capture times: pcap in micro- or nanoseconds (by its magic number);
//! pcapng in each interface's `if_tsresol` (decimal or binary, microseconds
//! by default) shifted by its `if_tsoffset`.
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
    /// When it was captured; `None` for pcapng's Simple Packet Blocks, which
    /// carry no time, and for resolutions this reader cannot represent.
    pub time: Option<Timestamp>,
}

/// A capture time: seconds and nanoseconds since the Unix epoch (UTC), and
/// how many fractional digits the capture's resolution gives.
///
/// `Display` writes it in RFC 3339 (`2026-11-20T10:01:02.123456Z`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timestamp {
    /// Whole seconds since 1970-01-01T00:00:00Z (negative before).
    pub secs: i64,
    /// Nanoseconds into that second (below 10^9).
    pub nanos: u32,
    /// Fractional digits worth printing (6 for microseconds, 9 at most).
    pub digits: u8,
}

/// One unit of a capture's clock: 10^-n or 2^-n seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Resolution {
    Decimal(u8),
    Binary(u8),
}

impl Resolution {
    /// pcapng's `if_tsresol` byte: the high bit picks base 2, the rest is
    /// the negative exponent.
    fn from_tsresol(b: u8) -> Self {
        if b & 0x80 == 0 {
            Resolution::Decimal(b)
        } else {
            Resolution::Binary(b & 0x7f)
        }
    }

    /// `units` ticks after the epoch, shifted by `offset` seconds; `None`
    /// if the resolution is too fine for 64-bit ticks or the sum overflows.
    fn time(self, units: u64, offset: i64) -> Option<Timestamp> {
        let (secs, nanos, digits) = match self {
            Resolution::Decimal(n) => {
                let per_sec = 10u64.checked_pow(u32::from(n))?;
                let frac = units % per_sec;
                let nanos = if n <= 9 {
                    frac * 10u64.pow(9 - u32::from(n))
                } else {
                    frac / 10u64.pow(u32::from(n) - 9)
                };
                (units / per_sec, nanos, n.min(9))
            }
            Resolution::Binary(n) if n < 64 => {
                let frac = units & ((1u64 << n) - 1);
                let nanos = ((u128::from(frac) * 1_000_000_000) >> n) as u64;
                (units >> n, nanos, 9)
            }
            Resolution::Binary(_) => return None,
        };
        Some(Timestamp {
            secs: i64::try_from(secs).ok()?.checked_add(offset)?,
            nanos: u32::try_from(nanos).ok()?,
            digits,
        })
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let days = self.secs.div_euclid(86_400);
        let of_day = self.secs.rem_euclid(86_400);
        let (year, month, day) = civil_date(days);
        write!(
            f,
            "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}",
            of_day / 3600,
            of_day / 60 % 60,
            of_day % 60
        )?;
        if self.digits > 0 {
            let digits = u32::from(self.digits.min(9));
            let frac = self.nanos / 10u32.pow(9 - digits);
            write!(f, ".{frac:0width$}", width = digits as usize)?;
        }
        f.write_str("Z")
    }
}

/// The proleptic Gregorian (year, month, day) of a day number counted from
/// 1970-01-01. Works in 400-year eras of 146 097 days, each starting on
/// 1 March so that the leap day ends the year.
fn civil_date(days: i64) -> (i64, u32, u32) {
    // Days since 0000-03-01.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097); // 0..=146096
    // Years into the era: every 4th year is a leap year except the 100th,
    // but the 400th is; the corrections below undo the leap days counted.
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    // Months from March, of 153 days per 5 months.
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * month_from_march + 2) / 5 + 1) as u32;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
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
        None => return Err(not_a_capture()),
    };
    Ok(Packets {
        data,
        at: 0,
        number: 0,
        state,
        done: false,
    })
}

/// The error for input that is neither pcap nor pcapng.
fn not_a_capture() -> CaptureError {
    error(
        0,
        "not a pcap or pcapng file (for a file of frames use --requests or --responses, for a hex dump --hex)",
    )
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
    /// Fractional digits of the record times: 6 (microseconds) or 9.
    digits: u8,
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
        // 0xa1b23c4d (either byte order) marks nanosecond timestamps.
        let nanos = matches!(data.get(..4), Some([0x4d, 0x3c, ..] | [.., 0x3c, 0x4d]));
        Ok(PcapState {
            little,
            linktype,
            digits: if nanos { 9 } else { 6 },
        })
    }
}

#[derive(Debug, Default)]
struct PcapngState {
    little: bool,
    /// The interfaces of the current section, in order.
    interfaces: Vec<Interface>,
}

/// What a pcapng Interface Description Block says.
#[derive(Debug, Clone, Copy)]
struct Interface {
    linktype: u16,
    snaplen: u32,
    resolution: Resolution,
    /// `if_tsoffset`: seconds added to every time.
    offset: i64,
}

/// What reading one pcap record or pcapng block gave.
enum Step {
    /// A packet, and where its record ends.
    Packet(Captured, usize),
    /// A block without a packet, and where it ends.
    Skipped(usize),
    /// The end of the input, between records.
    End,
}

/// The pcap record at `at` in `data` (which holds the file from byte
/// `base` on).
fn pcap_record(s: &PcapState, data: &[u8], at: usize, base: usize) -> Result<Step, CaptureError> {
    if at == data.len() {
        return Ok(Step::End);
    }
    let e = Endian { little: s.little };
    let caplen = e
        .u32(data, at + 8)
        .filter(|_| at + 16 <= data.len())
        .ok_or_else(|| error(base + at, "truncated pcap record header"))?;
    let start = at + 16;
    let end = start
        .checked_add(caplen as usize)
        .filter(|&end| end <= data.len())
        .ok_or_else(|| {
            error(
                base + at,
                format!(
                    "truncated pcap record: {caplen} bytes captured, {} left",
                    data.len() - start
                ),
            )
        })?;
    // Seconds, then micro- or nanoseconds (which should stay below one
    // second; a larger value is carried over as Wireshark does).
    let time = e
        .u32(data, at)
        .zip(e.u32(data, at + 4))
        .and_then(|(secs, frac)| {
            let units = u64::from(secs) * 10u64.pow(u32::from(s.digits)) + u64::from(frac);
            Resolution::Decimal(s.digits).time(units, 0)
        });
    Ok(Step::Packet(
        Captured {
            linktype: s.linktype,
            range: start..end,
            time,
        },
        end,
    ))
}

/// The byte order a pcapng block at the front of `header` (its first 12
/// bytes at least) is written in: a Section Header Block says so itself.
fn pcapng_block_endian(s: &PcapngState, header: &[u8]) -> Result<Endian, usize> {
    let e = Endian { little: s.little };
    if e.u32(header, 0) == Some(0x0a0d_0d0a) {
        match header.get(8..12) {
            Some([0x4d, 0x3c, 0x2b, 0x1a]) => Ok(Endian { little: true }),
            Some([0x1a, 0x2b, 0x3c, 0x4d]) => Ok(Endian { little: false }),
            _ => Err(8),
        }
    } else {
        Ok(e)
    }
}

/// The pcapng block at `at` in `data` (which holds the file from byte
/// `base` on).
fn pcapng_block(
    s: &mut PcapngState,
    data: &[u8],
    at: usize,
    base: usize,
) -> Result<Step, CaptureError> {
    if at == data.len() {
        return Ok(Step::End);
    }
    if data.len() - at < 12 {
        return Err(error(base + at, "truncated pcapng block header"));
    }
    let here = data.get(at..).unwrap_or_default();
    let e = pcapng_block_endian(s, here)
        .map_err(|off| error(base + at + off, "bad pcapng byte-order magic"))?;
    let block_type = e.u32(data, at).unwrap_or(0);
    if block_type == 0x0a0d_0d0a {
        // Section Header Block: the byte-order magic decides how the rest
        // of the section, this block's length included, reads.
        s.little = e.little;
        s.interfaces.clear();
        let major = e.u16(data, at + 12);
        if major != Some(1) {
            return Err(error(
                base + at + 12,
                format!("unsupported pcapng version {major:?}"),
            ));
        }
    }
    let len = e.u32(data, at + 4).unwrap_or(0) as usize;
    if len < 12 || len % 4 != 0 {
        return Err(error(
            base + at + 4,
            format!("bad pcapng block length {len}"),
        ));
    }
    let end = at
        .checked_add(len)
        .filter(|&end| end <= data.len())
        .ok_or_else(|| {
            error(
                base + at,
                format!(
                    "truncated pcapng block: {len} bytes long, {} left",
                    data.len() - at
                ),
            )
        })?;
    if e.u32(data, end - 4) != Some(len as u32) {
        return Err(error(
            base + end - 4,
            "pcapng block's trailing length differs from its leading length",
        ));
    }
    // The block body, between the lengths.
    let body_start = at + 8;
    let body = data.get(body_start..end - 4).unwrap_or_default();
    let short = || {
        error(
            base + at,
            format!("pcapng block of type {block_type} too short"),
        )
    };
    match block_type {
        1 => {
            // Interface Description Block.
            let linktype = e.u16(body, 0).ok_or_else(short)?;
            let snaplen = e.u32(body, 4).ok_or_else(short)?;
            let mut interface = Interface {
                linktype,
                snaplen,
                resolution: Resolution::Decimal(6),
                offset: 0,
            };
            read_interface_options(e, body.get(8..).unwrap_or_default(), &mut interface);
            s.interfaces.push(interface);
            Ok(Step::Skipped(end))
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
            if body.len() < 20 || body.len() - 20 < caplen {
                return Err(error(
                    base + at,
                    format!("pcapng packet of {caplen} bytes overruns its block"),
                ));
            }
            let interface = s.interfaces.get(interface).ok_or_else(|| {
                error(
                    base + at,
                    format!("packet on interface {interface}, which was not described"),
                )
            })?;
            // The time: a 64-bit count of the interface's units, high
            // word first (in the section's byte order).
            let time = e
                .u32(body, 4)
                .zip(e.u32(body, 8))
                .map(|(high, low)| (u64::from(high) << 32) | u64::from(low))
                .and_then(|units| interface.resolution.time(units, interface.offset));
            let start = body_start + 20;
            Ok(Step::Packet(
                Captured {
                    linktype: interface.linktype,
                    range: start..start + caplen,
                    time,
                },
                end,
            ))
        }
        3 => {
            // Simple Packet Block: interface 0, captured length = original
            // length cut at the snapshot length and at the block.
            let &Interface {
                linktype, snaplen, ..
            } = s.interfaces.first().ok_or_else(|| {
                error(
                    base + at,
                    "simple packet block before any interface description",
                )
            })?;
            let original = e.u32(body, 0).ok_or_else(short)? as usize;
            let room = body.len() - 4;
            let mut caplen = original.min(room);
            if snaplen != 0 {
                caplen = caplen.min(snaplen as usize);
            }
            let start = body_start + 4;
            Ok(Step::Packet(
                Captured {
                    linktype,
                    range: start..start + caplen,
                    time: None,
                },
                end,
            ))
        }
        _ => Ok(Step::Skipped(end)), // statistics, name resolution, custom, ...
    }
}

/// The next record or block of `data` from `at`.
fn step(state: &mut State, data: &[u8], at: usize, base: usize) -> Result<Step, CaptureError> {
    match state {
        State::Pcap(s) => pcap_record(s, data, at, base),
        State::Pcapng(s) => pcapng_block(s, data, at, base),
    }
}

/// A packet as a reader found it, before it is numbered: where its bytes
/// are in the reader's data.
struct Captured {
    linktype: u16,
    range: std::ops::Range<usize>,
    time: Option<Timestamp>,
}

/// The options of an Interface Description Block that matter here:
/// `if_tsresol` (9) and `if_tsoffset` (14). A malformed option list ends
/// the reading; the defaults (microseconds, no offset) stay.
fn read_interface_options(e: Endian, mut options: &[u8], interface: &mut Interface) {
    while let (Some(code), Some(len)) = (e.u16(options, 0), e.u16(options, 2)) {
        let len = usize::from(len);
        let Some(value) = options.get(4..4 + len) else {
            return;
        };
        match (code, value) {
            (0, _) => return, // opt_endofopt
            (9, &[b]) => interface.resolution = Resolution::from_tsresol(b),
            (14, v) if v.len() == 8 => {
                // One signed 64-bit value in the section's byte order.
                let bytes: [u8; 8] = v.try_into().unwrap_or_default();
                interface.offset = if e.little {
                    i64::from_le_bytes(bytes)
                } else {
                    i64::from_be_bytes(bytes)
                };
            }
            _ => {}
        }
        // Values are padded to 32 bits.
        options = options
            .get(4 + len.next_multiple_of(4)..)
            .unwrap_or_default();
    }
}

impl<'a> Iterator for Packets<'a> {
    type Item = Result<Packet<'a>, CaptureError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        if self.at == 0
            && let State::Pcap(_) = self.state
        {
            self.at = 24;
        }
        loop {
            match step(&mut self.state, self.data, self.at, 0) {
                Ok(Step::Packet(c, end)) => {
                    self.at = end;
                    self.number += 1;
                    return Some(Ok(Packet {
                        number: self.number,
                        linktype: c.linktype,
                        data: self.data.get(c.range).unwrap_or_default(),
                        time: c.time,
                    }));
                }
                Ok(Step::Skipped(end)) => self.at = end,
                Ok(Step::End) => {
                    self.done = true;
                    return None;
                }
                Err(e) => {
                    self.done = true;
                    return Some(Err(e));
                }
            }
        }
    }
}

/// The largest pcap record or pcapng block a [`PacketReader`] holds: a
/// length beyond it is reported as an error rather than buffered (Linux
/// captures at most 262 144 bytes a packet).
pub const MAX_RECORD_SIZE: usize = 64 << 20;

/// How much a [`PacketReader`] asks its reader for at a time.
const READ_CHUNK: usize = 64 << 10;

/// The packets of a pcap or pcapng capture read incrementally from any
/// [`std::io::Read`] (a file, standard input, a pipe from `tcpdump -w -`):
/// it holds one record or block at a time, so its memory does not grow
/// with the capture, and each packet is delivered as soon as its record has
/// been read.
///
/// Errors are as for [`packets`]; an I/O error ends the reading with a
/// [`CaptureError`] saying so.
#[derive(Debug)]
pub struct PacketReader<R> {
    reader: R,
    /// Bytes read: the file from byte `base` on.
    buf: Vec<u8>,
    base: usize,
    /// Bytes at the front of `buf` already delivered.
    consumed: usize,
    eof: bool,
    number: u64,
    state: State,
    done: bool,
}

impl<R: std::io::Read> PacketReader<R> {
    /// Reads the capture's header (its first 24 bytes at most) to tell
    /// pcap from pcapng; fails when it is neither, or on an I/O error.
    pub fn new(reader: R) -> Result<Self, CaptureError> {
        let mut r = PacketReader {
            reader,
            buf: Vec::new(),
            base: 0,
            consumed: 0,
            eof: false,
            number: 0,
            state: State::Pcapng(PcapngState::default()),
            done: false,
        };
        r.fill(24)?;
        r.state = match detect(&r.buf) {
            Some(Format::Pcap) => {
                let s = PcapState::new(&r.buf)?;
                r.consumed = 24;
                State::Pcap(s)
            }
            Some(Format::Pcapng) => State::Pcapng(PcapngState::default()),
            None => return Err(not_a_capture()),
        };
        Ok(r)
    }

    /// Reads until `buf` holds `n` bytes from `consumed` on, or the input
    /// ends.
    fn fill(&mut self, n: usize) -> Result<(), CaptureError> {
        let want = self.consumed.saturating_add(n);
        while self.buf.len() < want && !self.eof {
            let have = self.buf.len();
            self.buf.resize(have + (want - have).max(READ_CHUNK), 0);
            let read = loop {
                match self
                    .reader
                    .read(self.buf.get_mut(have..).unwrap_or_default())
                {
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                    other => break other,
                }
            };
            match read {
                Ok(0) => {
                    self.buf.truncate(have);
                    self.eof = true;
                }
                Ok(k) => self.buf.truncate(have + k),
                Err(e) => {
                    self.buf.truncate(have);
                    return Err(error(
                        self.base + have,
                        format!("cannot read the capture: {e}"),
                    ));
                }
            }
        }
        Ok(())
    }

    /// How many bytes the record or block at the front needs, from its
    /// header (which `buf` holds, or the input ended).
    fn record_size(&self) -> Result<usize, CaptureError> {
        let front = self.buf.get(self.consumed..).unwrap_or_default();
        let (size, what) = match &self.state {
            State::Pcap(s) => {
                let e = Endian { little: s.little };
                match e.u32(front, 8) {
                    Some(caplen) => ((caplen as usize).saturating_add(16), "pcap record"),
                    None => return Ok(16),
                }
            }
            State::Pcapng(s) => match pcapng_block_endian(s, front)
                .ok()
                .and_then(|e| e.u32(front, 4))
            {
                Some(len) => (len as usize, "pcapng block"),
                None => return Ok(12),
            },
        };
        if size > MAX_RECORD_SIZE {
            return Err(error(
                self.base + self.consumed,
                format!(
                    "{what} of {size} bytes, more than the {MAX_RECORD_SIZE} this reader holds"
                ),
            ));
        }
        Ok(size)
    }

    /// The next packet, or `None` at the end of the capture (or after an
    /// error, which is delivered once).
    pub fn next_packet(&mut self) -> Option<Result<Packet<'_>, CaptureError>> {
        if self.done {
            return None;
        }
        let captured = loop {
            match self.read_step() {
                Ok(Step::Packet(c, end)) => {
                    self.consumed = end;
                    break c;
                }
                Ok(Step::Skipped(end)) => self.consumed = end,
                Ok(Step::End) => {
                    self.done = true;
                    return None;
                }
                Err(e) => {
                    self.done = true;
                    return Some(Err(e));
                }
            }
        };
        self.number += 1;
        Some(Ok(Packet {
            number: self.number,
            linktype: captured.linktype,
            data: self.buf.get(captured.range).unwrap_or_default(),
            time: captured.time,
        }))
    }

    /// Drops what was delivered, reads the next record or block whole and
    /// parses it.
    fn read_step(&mut self) -> Result<Step, CaptureError> {
        if self.consumed > 0 {
            self.buf.drain(..self.consumed.min(self.buf.len()));
            self.base += self.consumed;
            self.consumed = 0;
        }
        self.fill(16)?;
        if !self.buf.is_empty() {
            let size = self.record_size()?;
            self.fill(size)?;
        }
        step(&mut self.state, &self.buf, 0, self.base)
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
    /// Acknowledgment number (meaningful when `ack` is set): the next
    /// byte the sender expects from the other side.
    pub ack_number: u32,
    /// SYN flag.
    pub syn: bool,
    /// ACK flag.
    pub ack: bool,
    /// FIN flag.
    pub fin: bool,
    /// RST flag.
    pub rst: bool,
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
        ack_number: be32(tcp, 8)?,
        syn: flags & 0x02 != 0,
        ack: flags & 0x10 != 0,
        fin: flags & 0x01 != 0,
        rst: flags & 0x04 != 0,
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

    /// An IDB with options (code, value), an EPB with a time in the
    /// interface's units.
    fn idb_with_options(little: bool, options: &[(u16, &[u8])]) -> Vec<u8> {
        let w16 = |v: u16| {
            if little {
                v.to_le_bytes()
            } else {
                v.to_be_bytes()
            }
        };
        let mut body = idb(little, 101, 0)[8..16].to_vec();
        for &(code, value) in options {
            body.extend_from_slice(&w16(code));
            body.extend_from_slice(&w16(value.len() as u16));
            body.extend_from_slice(value);
            while body.len() % 4 != 0 {
                body.push(0);
            }
        }
        body.extend_from_slice(&[0; 4]); // opt_endofopt
        block(little, 1, &body)
    }

    fn epb_at(little: bool, units: u64, data: &[u8]) -> Vec<u8> {
        let mut f = epb(little, 0, data);
        let (high, low) = ((units >> 32) as u32, units as u32);
        for (at, v) in [(12, high), (16, low)] {
            let b = if little {
                v.to_le_bytes()
            } else {
                v.to_be_bytes()
            };
            f[at..at + 4].copy_from_slice(&b);
        }
        f
    }

    fn times(data: &[u8]) -> Vec<Option<String>> {
        packets(data)
            .unwrap()
            .map(|p| p.unwrap().time.map(|t| t.to_string()))
            .collect()
    }

    /// Day numbers to dates, checked against values from GNU date
    /// (`date -u -d @$((DAY * 86400)) +%F`) and, day by day over 800 years,
    /// against the calendar's rules.
    #[test]
    fn civil_dates() {
        for (day, date) in [
            (-719_528, (0, 1, 1)),
            (-1, (1969, 12, 31)),
            (0, (1970, 1, 1)),
            (11_016, (2000, 2, 29)),
            (11_017, (2000, 3, 1)),
            (47_540, (2100, 2, 28)),
            (47_541, (2100, 3, 1)),
            (20_778, (2026, 11, 21)),
        ] {
            assert_eq!(civil_date(day), date, "day {day}");
        }
        let leap = |y: i64| y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
        let mut expected = civil_date(-146_097);
        assert_eq!(expected, (1570, 1, 1));
        for day in -146_097..146_097 {
            assert_eq!(civil_date(day), expected, "day {day}");
            let (y, m, d) = expected;
            let length = match m {
                2 if leap(y) => 29,
                2 => 28,
                4 | 6 | 9 | 11 => 30,
                _ => 31,
            };
            expected = if d < length {
                (y, m, d + 1)
            } else if m < 12 {
                (y, m + 1, 1)
            } else {
                (y + 1, 1, 1)
            };
        }
    }

    #[test]
    fn resolutions_and_rfc3339() {
        let t =
            |r: Resolution, units: u64, offset: i64| r.time(units, offset).map(|t| t.to_string());
        let us = Resolution::Decimal(6);
        assert_eq!(t(us, 0, 0).as_deref(), Some("1970-01-01T00:00:00.000000Z"));
        assert_eq!(
            t(us, 1_795_229_736_298_180, 0).as_deref(),
            Some("2026-11-21T02:55:36.298180Z")
        );
        assert_eq!(
            t(Resolution::Decimal(9), 1_795_229_736_298_180_485, 0).as_deref(),
            Some("2026-11-21T02:55:36.298180485Z")
        );
        assert_eq!(
            t(Resolution::Decimal(0), 86_399, 0).as_deref(),
            Some("1970-01-01T23:59:59Z")
        );
        assert_eq!(
            t(Resolution::Decimal(12), 1_500_000_000_123, 0).as_deref(),
            Some("1970-01-01T00:00:01.500000000Z")
        );
        // 2^-10 s: 1.5 s is 1536 units.
        assert_eq!(
            t(Resolution::Binary(10), 1536, 0).as_deref(),
            Some("1970-01-01T00:00:01.500000000Z")
        );
        assert_eq!(t(us, 0, -1).as_deref(), Some("1969-12-31T23:59:59.000000Z"));
        // Beyond 64-bit ticks, or an offset that overflows: no time.
        assert_eq!(t(Resolution::Decimal(20), 1, 0), None);
        assert_eq!(t(Resolution::Binary(64), 1, 0), None);
        assert_eq!(
            t(us, 0, i64::MAX).as_deref(),
            Some("292277026596-12-04T15:30:07.000000Z")
        );
        assert_eq!(t(Resolution::Decimal(0), u64::MAX, 0), None);
        assert_eq!(t(Resolution::Decimal(0), 10, i64::MAX), None);
        assert_eq!(Resolution::from_tsresol(9), Resolution::Decimal(9));
        assert_eq!(Resolution::from_tsresol(0x8a), Resolution::Binary(10));
    }

    #[test]
    fn pcapng_times_follow_tsresol_and_tsoffset() {
        for little in [true, false] {
            let offset: i64 = 86_400;
            let offset = if little {
                offset.to_le_bytes()
            } else {
                offset.to_be_bytes()
            };
            let mut f = shb(little);
            f.extend(idb(little, 101, 0)); // default: microseconds
            f.extend(epb_at(little, 1_500_000, b"a"));
            f.extend(shb(little));
            f.extend(idb_with_options(
                little,
                &[(2, b"lo"), (9, &[9]), (14, &offset)],
            ));
            f.extend(epb_at(little, 1_000_000_007, b"b"));
            f.extend(shb(little));
            f.extend(idb_with_options(little, &[(9, &[0x80 | 20])]));
            f.extend(epb_at(little, 3 << 19, b"c"));
            let mut spb = if little {
                1u32.to_le_bytes()
            } else {
                1u32.to_be_bytes()
            }
            .to_vec();
            spb.push(b'd');
            f.extend(block(little, 3, &spb));
            assert_eq!(
                times(&f),
                [
                    Some("1970-01-01T00:00:01.500000Z".to_owned()),
                    Some("1970-01-02T00:00:01.000000007Z".to_owned()),
                    Some("1970-01-01T00:00:01.500000000Z".to_owned()),
                    None, // a Simple Packet Block has no time
                ]
            );
        }
    }

    #[test]
    fn pcap_microsecond_and_nanosecond_magic() {
        for (magic, frac, want) in [
            (0xa1b2_c3d4u32, 250_000, "2026-11-21T02:55:36.250000Z"),
            (0xa1b2_3c4d, 250_000_001, "2026-11-21T02:55:36.250000001Z"),
        ] {
            for little in [true, false] {
                let w = |v: u32| {
                    if little {
                        v.to_le_bytes()
                    } else {
                        v.to_be_bytes()
                    }
                };
                let mut f = w(magic).to_vec();
                f.extend_from_slice(&[0; 16]);
                f.extend_from_slice(&w(101));
                for v in [1_795_229_736, frac, 1, 1] {
                    f.extend_from_slice(&w(v));
                }
                f.push(0x45);
                assert_eq!(times(&f), [Some(want.to_owned())], "{magic:x} {little}");
            }
        }
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
