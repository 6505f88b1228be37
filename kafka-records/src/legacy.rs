//! Legacy MessageSet entries, magic 0 and 1 (Produce v0-2, Fetch v0-3).
//!
//! Layout (big-endian):
//!
//! ```text
//! offset 8 | messageSize 4 | crc 4 | magic 1 | attributes 1 |
//! [timestamp 8, magic 1 only] | keyLength 4 | key | valueLength 4 | value
//! ```
//!
//! The CRC-32 (IEEE) covers magic through the end. Attribute bits 0-2 hold
//! the codec and, for magic 1, bit 3 the timestamp type. A compressed
//! message is a wrapper: its value is a compressed message set of inner
//! messages. Inner offsets under a magic 1 wrapper are relative: the
//! wrapper carries the absolute offset of the last inner message. Under a
//! magic 0 wrapper they are absolute. LZ4 under magic 0 uses Kafka's
//! original frame checksum (KAFKA-3160), handled by `kafkawire-compress`.

use bytes::{BufMut, Bytes};

use crate::batch::{LOG_OVERHEAD, NO_TIMESTAMP, ReadOptions, TimestampType};
use crate::compression::{self, Compression};
use crate::error::{Error, ErrorKind, Result};
use crate::wire::Reader;

/// Size of a magic 0 message without key and value bytes (from the CRC on).
pub const MESSAGE_OVERHEAD_V0: usize = 14;
/// Size of a magic 1 message without key and value bytes (from the CRC on).
pub const MESSAGE_OVERHEAD_V1: usize = 22;

/// The attributes byte of a legacy message, kept raw.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct LegacyAttributes(pub i8);

impl LegacyAttributes {
    /// Codec, bits 0-2.
    pub fn compression(self) -> Compression {
        Compression::from_code((self.0 & 0x07) as u8)
    }

    /// Timestamp type, bit 3 (meaningful for magic 1 only).
    pub fn timestamp_type(self) -> TimestampType {
        if self.0 & 0x08 != 0 {
            TimestampType::LogAppendTime
        } else {
            TimestampType::CreateTime
        }
    }

    /// From a codec and a timestamp type.
    pub fn new(codec: Compression, timestamp_type: TimestampType) -> Self {
        let t = if timestamp_type == TimestampType::LogAppendTime {
            0x08
        } else {
            0
        };
        LegacyAttributes(((codec.code() & 0x07) as i8) | t)
    }
}

/// One legacy message with its log entry header (offset and size), every
/// field as on the wire; key and value borrow the input buffer.
///
/// Layout (big-endian):
///
/// ```text
/// offset 8 | messageSize 4 | crc 4 | magic 1 | attributes 1 |
/// [timestamp 8, magic 1 only] | keyLength 4 | key | valueLength 4 | value
/// ```
///
/// The CRC-32 (IEEE) covers magic through the end. Attribute bits 0-2 hold
/// the codec and, for magic 1, bit 3 the timestamp type. A compressed
/// message is a wrapper: its value is a compressed message set of inner
/// messages. Inner offsets under a magic 1 wrapper are relative: the
/// wrapper carries the absolute offset of the last inner message. Under a
/// magic 0 wrapper they are absolute. LZ4 under magic 0 uses Kafka's
/// original frame checksum (KAFKA-3160), handled by `kafkawire-compress`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct LegacyMessage {
    /// Offset (for an inner message of a magic 1 wrapper: relative).
    pub offset: i64,
    /// Bytes after this field.
    pub message_size: i32,
    /// CRC-32 (IEEE) as stored.
    pub crc: u32,
    /// 0 or 1.
    pub magic: i8,
    /// Codec and timestamp type.
    pub attributes: LegacyAttributes,
    /// Timestamp (magic 1 only; `None` for magic 0).
    pub timestamp: Option<i64>,
    /// Key; `None` is null.
    pub key: Option<Bytes>,
    /// Value; `None` is null. For a wrapper: the compressed inner message set.
    pub value: Option<Bytes>,
}

impl LegacyMessage {
    /// Decodes one entry from the front of `input`, advancing it. The size
    /// limit is checked as soon as the size is read.
    pub fn decode(input: &mut Bytes, options: &ReadOptions) -> Result<LegacyMessage> {
        let mut r = Reader::new(input.clone());
        let offset = r.i64("message.offset")?;
        let message_size = r.i32("message.message_size")?;
        let Some(size) = usize::try_from(message_size)
            .ok()
            .filter(|&s| s >= MESSAGE_OVERHEAD_V0)
        else {
            return Err(Error::new(
                ErrorKind::InvalidLength(i64::from(message_size)),
                "message.message_size",
                8,
            ));
        };
        let total = size.saturating_add(LOG_OVERHEAD);
        if total > options.max_batch_size {
            return Err(Error::new(
                ErrorKind::TooLarge {
                    size: total as u64,
                    limit: options.max_batch_size as u64,
                },
                "message.message_size",
                8,
            ));
        }
        let mut b = Reader::new(r.bytes(size, "message")?);
        let m = Self::decode_body(offset, message_size, &mut b)
            .map_err(|e| e.offset_by(LOG_OVERHEAD))?;
        *input = r.rest();
        Ok(m)
    }

    fn decode_body(offset: i64, message_size: i32, b: &mut Reader) -> Result<LegacyMessage> {
        let crc = b.u32("message.crc")?;
        let magic = b.i8("message.magic")?;
        if magic != 0 && magic != 1 {
            return Err(Error::new(
                ErrorKind::UnsupportedMagic(magic),
                "message.magic",
                4,
            ));
        }
        let attributes = LegacyAttributes(b.i8("message.attributes")?);
        let timestamp = if magic == 1 {
            Some(b.i64("message.timestamp")?)
        } else {
            None
        };
        let key = b.int32_bytes("message.key")?;
        let value = b.int32_bytes("message.value")?;
        if !b.is_empty() {
            return Err(b.error(ErrorKind::TrailingBytes(b.remaining()), "message"));
        }
        Ok(LegacyMessage {
            offset,
            message_size,
            crc,
            magic,
            attributes,
            timestamp,
            key,
            value,
        })
    }

    fn content_len(&self) -> usize {
        let overhead = if self.timestamp.is_some() {
            MESSAGE_OVERHEAD_V1
        } else {
            MESSAGE_OVERHEAD_V0
        };
        overhead
            .saturating_add(self.key.as_ref().map_or(0, Bytes::len))
            .saturating_add(self.value.as_ref().map_or(0, Bytes::len))
    }

    /// Total encoded size, offset and size fields included.
    pub fn encoded_len(&self) -> usize {
        LOG_OVERHEAD.saturating_add(self.content_len())
    }

    fn check_shape(&self) -> Result<()> {
        if (self.magic == 1) != self.timestamp.is_some() || !(0..=1).contains(&self.magic) {
            return Err(Error::new(
                ErrorKind::UnsupportedMagic(self.magic),
                "message.timestamp",
                16,
            ));
        }
        let actual = self.content_len();
        if usize::try_from(self.message_size).ok() != Some(actual) {
            return Err(Error::new(
                ErrorKind::LengthMismatch {
                    declared: i64::from(self.message_size),
                    actual: actual as u64,
                },
                "message.message_size",
                8,
            ));
        }
        Ok(())
    }

    /// Writes the message exactly as its fields say. Fails if
    /// `message_size` does not frame the content or the magic and the
    /// timestamp disagree.
    pub fn encode(&self, out: &mut impl BufMut) -> Result<()> {
        self.check_shape()?;
        out.put_i64(self.offset);
        out.put_i32(self.message_size);
        out.put_u32(self.crc);
        self.put_crc_covered(out);
        Ok(())
    }

    fn put_crc_covered(&self, out: &mut impl BufMut) {
        out.put_i8(self.magic);
        out.put_i8(self.attributes.0);
        if let Some(ts) = self.timestamp {
            out.put_i64(ts);
        }
        for b in [&self.key, &self.value] {
            match b {
                None => out.put_i32(-1),
                Some(b) => {
                    out.put_i32(b.len() as i32);
                    out.put_slice(b);
                }
            }
        }
    }

    /// CRC-32 (IEEE) over magic through the end.
    pub fn computed_crc(&self) -> u32 {
        let mut h = crc32fast::Hasher::new();
        let mut head = [0u8; 10];
        let mut w = &mut head[..];
        w.put_i8(self.magic);
        w.put_i8(self.attributes.0);
        let head_len = if let Some(ts) = self.timestamp {
            w.put_i64(ts);
            10
        } else {
            2
        };
        h.update(head.get(..head_len).unwrap_or_default());
        for b in [&self.key, &self.value] {
            match b {
                None => h.update(&(-1i32).to_be_bytes()),
                Some(b) => {
                    h.update(&(b.len() as u32).to_be_bytes());
                    h.update(b);
                }
            }
        }
        h.finalize()
    }

    /// Checks the stored CRC; a mismatch is an [`ErrorKind::CrcMismatch`] error.
    pub fn verify_crc(&self) -> Result<()> {
        let computed = self.computed_crc();
        if computed == self.crc {
            Ok(())
        } else {
            Err(Error::new(
                ErrorKind::CrcMismatch {
                    stored: self.crc,
                    computed,
                },
                "message.crc",
                12,
            ))
        }
    }

    /// Recomputes `message_size` and `crc` after fields were changed.
    pub fn refresh_size_and_crc(&mut self) -> Result<()> {
        self.message_size = crate::wire::wire_len(self.content_len(), "message.message_size")?;
        self.crc = self.computed_crc();
        Ok(())
    }

    /// Codec from the attributes.
    pub fn compression(&self) -> Compression {
        self.attributes.compression()
    }

    /// True if this is a compressed wrapper around an inner message set.
    pub fn is_wrapper(&self) -> bool {
        self.compression() != Compression::NONE
    }

    /// Timestamp type (always create time for magic 0).
    pub fn timestamp_type(&self) -> TimestampType {
        if self.magic == 0 {
            TimestampType::CreateTime
        } else {
            self.attributes.timestamp_type()
        }
    }

    /// The messages this entry stands for: itself if uncompressed, else its
    /// inner messages (decompressed once, at most `max_decompressed_size`
    /// bytes), with absolute offsets and effective timestamps.
    pub fn messages(&self, options: &ReadOptions) -> Result<LegacyMessages> {
        if !self.is_wrapper() {
            return Ok(LegacyMessages {
                inner: None,
                single: Some(self.clone()),
            });
        }
        let codec = self.compression();
        let Some(value) = &self.value else {
            return Err(Error::new(ErrorKind::InvalidLength(-1), "message.value", 0));
        };
        let data = if self.magic == 0 {
            compression::decompress_magic0(
                codec,
                value,
                options.max_decompressed_size,
                "message.value",
            )?
        } else {
            compression::decompress(codec, value, options.max_decompressed_size, "message.value")?
        };
        // Magic 1: inner offsets are relative; the wrapper holds the last
        // one's absolute offset. Find the last relative offset first (a walk
        // over the entry headers, no allocation).
        let base = if self.magic == 1 {
            let last = last_offset(&data)?;
            self.offset.wrapping_sub(last)
        } else {
            0
        };
        let log_append_time = (self.magic == 1
            && self.attributes.timestamp_type() == TimestampType::LogAppendTime)
            .then_some(self.timestamp.unwrap_or(NO_TIMESTAMP));
        Ok(LegacyMessages {
            inner: Some(InnerState {
                rest: data,
                position: 0,
                base,
                log_append_time,
                wrapper_magic: self.magic,
                options: *options,
                done: false,
            }),
            single: None,
        })
    }
}

/// The offset field of the last entry of a message set, walking only the
/// entry headers.
fn last_offset(data: &Bytes) -> Result<i64> {
    let mut r = Reader::new(data.clone());
    let mut last = None;
    while !r.is_empty() {
        let offset = r.i64("message.offset")?;
        let size = r.i32("message.message_size")?;
        let Ok(size) = usize::try_from(size) else {
            return Err(r.error(
                ErrorKind::InvalidLength(i64::from(size)),
                "message.message_size",
            ));
        };
        r.bytes(size, "message")?;
        last = Some(offset);
    }
    last.ok_or_else(|| {
        Error::new(
            ErrorKind::RecordCountMismatch {
                declared: 1,
                found: 0,
            },
            "message.value",
            0,
        )
    })
}

/// A message as a consumer sees it, from [`LegacyMessage::messages`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ResolvedMessage {
    /// Absolute offset.
    pub offset: i64,
    /// Effective timestamp: the wrapper's if it uses log append time,
    /// `None` for magic 0.
    pub timestamp: Option<i64>,
    /// Effective timestamp type.
    pub timestamp_type: TimestampType,
    /// The message as on the wire (inner offset possibly relative).
    pub message: LegacyMessage,
}

#[derive(Debug, Clone)]
struct InnerState {
    rest: Bytes,
    position: usize,
    base: i64,
    log_append_time: Option<i64>,
    wrapper_magic: i8,
    options: ReadOptions,
    done: bool,
}

/// Iterator from [`LegacyMessage::messages`].
#[derive(Debug, Clone)]
pub struct LegacyMessages {
    inner: Option<InnerState>,
    single: Option<LegacyMessage>,
}

impl Iterator for LegacyMessages {
    type Item = Result<ResolvedMessage>;

    fn next(&mut self) -> Option<Result<ResolvedMessage>> {
        if let Some(m) = self.single.take() {
            return Some(Ok(ResolvedMessage {
                offset: m.offset,
                timestamp: m.timestamp,
                timestamp_type: m.timestamp_type(),
                message: m,
            }));
        }
        let s = self.inner.as_mut()?;
        if s.done || s.rest.is_empty() {
            return None;
        }
        let before = s.rest.len();
        let m = match LegacyMessage::decode(&mut s.rest, &s.options) {
            Ok(m) => m,
            Err(e) => {
                s.done = true;
                return Some(Err(e.offset_by(s.position)));
            }
        };
        s.position += before - s.rest.len();
        if m.is_wrapper() {
            s.done = true;
            return Some(Err(Error::new(
                ErrorKind::UnsupportedCompression(m.compression()),
                "message.attributes (nested compression)",
                s.position,
            )));
        }
        if m.magic != s.wrapper_magic {
            s.done = true;
            return Some(Err(Error::new(
                ErrorKind::UnsupportedMagic(m.magic),
                "message.magic (inner differs from wrapper)",
                s.position,
            )));
        }
        let (timestamp, timestamp_type) = match s.log_append_time {
            Some(t) => (Some(t), TimestampType::LogAppendTime),
            None => (m.timestamp, m.timestamp_type()),
        };
        Some(Ok(ResolvedMessage {
            offset: s.base.wrapping_add(m.offset),
            timestamp,
            timestamp_type,
            message: m,
        }))
    }
}

impl std::iter::FusedIterator for LegacyMessages {}

/// Writes a legacy message set (magic 0 or 1), optionally as one compressed
/// wrapper, in one pass.
///
/// Uncompressed messages get their absolute offsets. Compressed: the inner
/// messages get relative offsets under magic 1 (0 for the first appended
/// offset) and absolute offsets under magic 0; the wrapper gets the last
/// absolute offset and, under magic 1, the largest inner timestamp (or the
/// log append time).
#[derive(Debug, Clone)]
pub struct MessageSetBuilder {
    magic: i8,
    codec: Compression,
    level: Option<i32>,
    log_append_time: Option<i64>,
    first_offset: Option<i64>,
    last_offset: Option<i64>,
    max_timestamp: i64,
    buf: Vec<u8>,
}

impl MessageSetBuilder {
    /// A builder for magic `magic` (0 or 1).
    pub fn new(magic: i8) -> Result<Self> {
        if magic != 0 && magic != 1 {
            return Err(Error::new(
                ErrorKind::UnsupportedMagic(magic),
                "message.magic",
                0,
            ));
        }
        Ok(MessageSetBuilder {
            magic,
            codec: Compression::NONE,
            level: None,
            log_append_time: None,
            first_offset: None,
            last_offset: None,
            max_timestamp: NO_TIMESTAMP,
            buf: Vec::new(),
        })
    }

    /// Wraps the messages in one wrapper compressed with `codec` (gzip,
    /// snappy or lz4; zstd does not exist in these formats). Must be chosen
    /// before the first append (inner offsets depend on it).
    pub fn compression(mut self, codec: Compression, level: Option<i32>) -> Result<Self> {
        if codec.code() > Compression::LZ4.code()
            || (self.last_offset.is_some() && codec != self.codec)
        {
            return Err(Error::new(
                ErrorKind::UnsupportedCompression(codec),
                "message.attributes",
                0,
            ));
        }
        self.codec = codec;
        self.level = level;
        Ok(self)
    }

    /// Magic 1: log append time for every message: each message (inner
    /// messages of a compressed wrapper too) gets the log-append-time bit
    /// and `timestamp`, as Kafka's `MemoryRecordsBuilder` writes them, and so
    /// does the wrapper.
    pub fn log_append_time(mut self, timestamp: i64) -> Self {
        self.log_append_time = Some(timestamp);
        self
    }

    /// Appends a message at `offset`, which must be greater than the
    /// previous one's. `timestamp` is ignored for magic 0.
    pub fn append(
        &mut self,
        offset: i64,
        timestamp: i64,
        key: Option<&[u8]>,
        value: Option<&[u8]>,
    ) -> Result<()> {
        if self.last_offset.is_some_and(|l| offset <= l) {
            return Err(Error::new(
                ErrorKind::OffsetOutOfRange {
                    offset_delta: offset,
                    last_offset_delta: -1,
                },
                "message.offset",
                0,
            ));
        }
        let first = *self.first_offset.get_or_insert(offset);
        let wire_offset = if self.codec != Compression::NONE && self.magic == 1 {
            offset.wrapping_sub(first)
        } else {
            offset
        };
        let (attributes, ts) = match (self.magic, self.log_append_time) {
            (0, _) => (LegacyAttributes(0), None),
            (_, Some(t)) => (
                LegacyAttributes::new(Compression::NONE, TimestampType::LogAppendTime),
                Some(t),
            ),
            _ => (LegacyAttributes(0), Some(timestamp)),
        };
        write_message(
            &mut self.buf,
            wire_offset,
            self.magic,
            attributes,
            ts,
            key,
            value,
        )?;
        self.max_timestamp = if self.last_offset.is_none() {
            timestamp
        } else {
            self.max_timestamp.max(timestamp)
        };
        self.last_offset = Some(offset);
        Ok(())
    }

    /// Returns the message set bytes.
    pub fn finish(self) -> Result<Bytes> {
        let (Some(last), false) = (self.last_offset, self.codec == Compression::NONE) else {
            return Ok(Bytes::from(self.buf));
        };
        let mut value = Vec::with_capacity(self.buf.len() / 2 + 64);
        if self.magic == 0 {
            compression::compress_magic0(
                self.codec,
                self.level,
                &self.buf,
                &mut value,
                "message.value",
            )?;
        } else {
            compression::compress(
                self.codec,
                self.level,
                &self.buf,
                &mut value,
                "message.value",
            )?;
        }
        let (ts_type, ts) = match self.log_append_time {
            Some(t) => (TimestampType::LogAppendTime, t),
            None => (TimestampType::CreateTime, self.max_timestamp),
        };
        let mut out = Vec::with_capacity(value.len() + LOG_OVERHEAD + MESSAGE_OVERHEAD_V1);
        write_message(
            &mut out,
            last,
            self.magic,
            LegacyAttributes::new(self.codec, ts_type),
            (self.magic == 1).then_some(ts),
            None,
            Some(&value),
        )?;
        Ok(Bytes::from(out))
    }
}

/// Writes one legacy message with a correct size and CRC.
pub(crate) fn write_message(
    out: &mut Vec<u8>,
    offset: i64,
    magic: i8,
    attributes: LegacyAttributes,
    timestamp: Option<i64>,
    key: Option<&[u8]>,
    value: Option<&[u8]>,
) -> Result<()> {
    let overflow = || Error::new(ErrorKind::Overflow, "message", 0);
    let overhead = if magic == 1 {
        MESSAGE_OVERHEAD_V1
    } else {
        MESSAGE_OVERHEAD_V0
    };
    let size = overhead
        .checked_add(key.map_or(0, <[u8]>::len))
        .and_then(|n| n.checked_add(value.map_or(0, <[u8]>::len)))
        .ok_or_else(overflow)?;
    let size = i32::try_from(size).map_err(|_| overflow())?;
    out.reserve(size as usize + LOG_OVERHEAD);
    out.put_i64(offset);
    out.put_i32(size);
    let crc_at = out.len();
    out.put_u32(0);
    out.put_i8(magic);
    out.put_i8(attributes.0);
    if magic == 1 {
        out.put_i64(timestamp.unwrap_or(NO_TIMESTAMP));
    }
    for b in [key, value] {
        match b {
            None => out.put_i32(-1),
            Some(b) => {
                out.put_i32(b.len() as i32);
                out.put_slice(b);
            }
        }
    }
    let crc = crc32fast::hash(out.get(crc_at + 4..).unwrap_or_default());
    crate::wire::patch_u32(out, crc_at, crc);
    Ok(())
}
