//! RecordBatch v2 (magic 2): the header kept field by field, the records
//! section kept as raw bytes, and a lazy view over its records.
//!
//! Layout (big-endian, sizes in bytes):
//!
//! ```text
//! baseOffset 8 | batchLength 4 | partitionLeaderEpoch 4 | magic 1 | crc 4 |
//! attributes 2 | lastOffsetDelta 4 | baseTimestamp 8 | maxTimestamp 8 |
//! producerId 8 | producerEpoch 2 | baseSequence 4 | recordCount 4 | records
//! ```
//!
//! `batchLength` counts the bytes after itself; the CRC-32C covers
//! `attributes` to the end of the batch. Base offset and partition leader
//! epoch sit outside the CRC, so a broker can rewrite them in place.

use std::fmt;

use bytes::{BufMut, Bytes};

use crate::compression::{self, Compression};
use crate::error::{Error, ErrorKind, Result};
use crate::wire::Reader;

/// Magic byte of RecordBatch v2.
pub const MAGIC_V2: i8 = 2;
/// Size of the RecordBatch v2 header, records excluded.
pub const BATCH_HEADER_LEN: usize = 61;
/// Bytes before `batchLength`'s content starts (base offset and length).
pub const LOG_OVERHEAD: usize = 12;
/// Offset of the magic byte in both the v2 and the legacy layouts.
pub const MAGIC_OFFSET: usize = 16;
/// Offset of the first byte the v2 CRC covers (the attributes).
pub(crate) const CRC_START: usize = 21;
/// `batchLength` of an empty batch: header minus base offset and length.
pub(crate) const MIN_BATCH_LENGTH: usize = BATCH_HEADER_LEN - LOG_OVERHEAD;

/// "No producer id" (idempotence off).
pub const NO_PRODUCER_ID: i64 = -1;
/// "No producer epoch".
pub const NO_PRODUCER_EPOCH: i16 = -1;
/// "No sequence".
pub const NO_SEQUENCE: i32 = -1;
/// "No partition leader epoch" (what producers write).
pub const NO_PARTITION_LEADER_EPOCH: i32 = -1;
/// "No timestamp".
pub const NO_TIMESTAMP: i64 = -1;

/// Default output limit for decompression: 64 MiB.
pub const DEFAULT_MAX_DECOMPRESSED: usize = 64 << 20;

/// Limits applied while reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReadOptions {
    /// A batch (or legacy message) whose total size exceeds this is rejected
    /// as soon as its length field is read, before anything else is done.
    pub max_batch_size: usize,
    /// Decompression stops with an error past this many output bytes.
    pub max_decompressed_size: usize,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            max_batch_size: usize::MAX,
            max_decompressed_size: DEFAULT_MAX_DECOMPRESSED,
        }
    }
}

impl ReadOptions {
    /// Sets [`ReadOptions::max_batch_size`].
    pub fn max_batch_size(mut self, n: usize) -> Self {
        self.max_batch_size = n;
        self
    }

    /// Sets [`ReadOptions::max_decompressed_size`].
    pub fn max_decompressed_size(mut self, n: usize) -> Self {
        self.max_decompressed_size = n;
        self
    }
}

/// Which clock a timestamp comes from (attribute bit 3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TimestampType {
    /// Set by the producer.
    CreateTime,
    /// Set by the broker when it appended the batch.
    LogAppendTime,
}

/// The 16-bit attributes of a RecordBatch v2, kept raw (unknown bits survive).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct BatchAttributes(pub i16);

impl BatchAttributes {
    const COMPRESSION_MASK: i16 = 0x07;
    const TIMESTAMP_TYPE: i16 = 0x08;
    const TRANSACTIONAL: i16 = 0x10;
    const CONTROL: i16 = 0x20;
    const DELETE_HORIZON: i16 = 0x40;

    /// Compression codec (bits 0-2).
    pub fn compression(self) -> Compression {
        Compression::from_code((self.0 & Self::COMPRESSION_MASK) as u8)
    }

    /// Timestamp type (bit 3).
    pub fn timestamp_type(self) -> TimestampType {
        if self.0 & Self::TIMESTAMP_TYPE != 0 {
            TimestampType::LogAppendTime
        } else {
            TimestampType::CreateTime
        }
    }

    /// Transactional batch (bit 4).
    pub fn is_transactional(self) -> bool {
        self.0 & Self::TRANSACTIONAL != 0
    }

    /// Control batch (bit 5).
    pub fn is_control(self) -> bool {
        self.0 & Self::CONTROL != 0
    }

    /// The base timestamp is the delete horizon set by compaction (bit 6).
    pub fn has_delete_horizon(self) -> bool {
        self.0 & Self::DELETE_HORIZON != 0
    }

    fn set(self, mask: i16, on: bool) -> Self {
        BatchAttributes(if on { self.0 | mask } else { self.0 & !mask })
    }

    /// With the compression bits set to `codec` (codes above 7 are truncated
    /// to 3 bits, as on the wire).
    pub fn with_compression(self, codec: Compression) -> Self {
        BatchAttributes(
            (self.0 & !Self::COMPRESSION_MASK) | (i16::from(codec.code()) & Self::COMPRESSION_MASK),
        )
    }

    /// With the timestamp type bit set.
    pub fn with_timestamp_type(self, t: TimestampType) -> Self {
        self.set(Self::TIMESTAMP_TYPE, t == TimestampType::LogAppendTime)
    }

    /// With the transactional bit set or cleared.
    pub fn with_transactional(self, on: bool) -> Self {
        self.set(Self::TRANSACTIONAL, on)
    }

    /// With the control bit set or cleared.
    pub fn with_control(self, on: bool) -> Self {
        self.set(Self::CONTROL, on)
    }

    /// With the delete-horizon bit set or cleared.
    pub fn with_delete_horizon(self, on: bool) -> Self {
        self.set(Self::DELETE_HORIZON, on)
    }
}

impl fmt::Debug for BatchAttributes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BatchAttributes")
            .field("raw", &format_args!("{:#06x}", self.0))
            .field("compression", &self.compression())
            .field("timestamp_type", &self.timestamp_type())
            .field("transactional", &self.is_transactional())
            .field("control", &self.is_control())
            .field("delete_horizon", &self.has_delete_horizon())
            .finish()
    }
}

/// A RecordBatch v2: every header field as it was on the wire, plus the raw
/// records section (compressed if the attributes say so).
///
/// Layout (big-endian, sizes in bytes):
///
/// ```text
/// baseOffset 8 | batchLength 4 | partitionLeaderEpoch 4 | magic 1 | crc 4 |
/// attributes 2 | lastOffsetDelta 4 | baseTimestamp 8 | maxTimestamp 8 |
/// producerId 8 | producerEpoch 2 | baseSequence 4 | recordCount 4 | records
/// ```
///
/// `batchLength` counts the bytes after itself; the CRC-32C covers
/// `attributes` to the end of the batch. Base offset and partition leader
/// epoch sit outside the CRC, so a broker can rewrite them in place.
///
/// [`RecordBatch::encode`] writes the fields back verbatim, so a decoded
/// batch re-encodes byte for byte, whatever its CRC, deltas or timestamps
/// say. After changing fields covered by the CRC, call
/// [`RecordBatch::refresh_length_and_crc`].
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RecordBatch {
    /// Offset of the first record (records carry deltas from it).
    pub base_offset: i64,
    /// Bytes after this field: `49 + records.len()`.
    pub batch_length: i32,
    /// Leader epoch stamped by the broker (-1 from producers).
    pub partition_leader_epoch: i32,
    /// Always 2 for this type.
    pub magic: i8,
    /// CRC-32C of attributes through the end, as stored.
    pub crc: u32,
    /// Codec, timestamp type, transactional, control, delete horizon.
    pub attributes: BatchAttributes,
    /// Offset delta of the last record (compaction may remove it; then it
    /// no longer follows from the records).
    pub last_offset_delta: i32,
    /// Timestamp of the first record (or the delete horizon, see attributes).
    pub base_timestamp: i64,
    /// Largest timestamp in the batch (or the log append time).
    pub max_timestamp: i64,
    /// Idempotent producer id, or -1.
    pub producer_id: i64,
    /// Producer epoch, or -1.
    pub producer_epoch: i16,
    /// Sequence of the first record, or -1.
    pub base_sequence: i32,
    /// Number of records in the records section.
    pub record_count: i32,
    /// The records section as on the wire (compressed if the codec is not none).
    pub records: Bytes,
}

impl fmt::Debug for RecordBatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RecordBatch")
            .field("base_offset", &self.base_offset)
            .field("batch_length", &self.batch_length)
            .field("partition_leader_epoch", &self.partition_leader_epoch)
            .field("magic", &self.magic)
            .field("crc", &format_args!("{:#010x}", self.crc))
            .field("attributes", &self.attributes)
            .field("last_offset_delta", &self.last_offset_delta)
            .field("base_timestamp", &self.base_timestamp)
            .field("max_timestamp", &self.max_timestamp)
            .field("producer_id", &self.producer_id)
            .field("producer_epoch", &self.producer_epoch)
            .field("base_sequence", &self.base_sequence)
            .field("record_count", &self.record_count)
            .field("records_len", &self.records.len())
            .finish()
    }
}

impl RecordBatch {
    /// Decodes one batch from the front of `input`, advancing it past the
    /// batch. The size limit is enforced right after the length is read.
    ///
    /// Checks the framing only (length, magic); the CRC and the records are
    /// checked on demand ([`RecordBatch::verify_crc`], [`RecordBatch::validate`]).
    pub fn decode(input: &mut Bytes, options: &ReadOptions) -> Result<RecordBatch> {
        let mut r = Reader::new(input.clone());
        let base_offset = r.i64("batch.base_offset")?;
        let batch_length = r.i32("batch.batch_length")?;
        let len = check_batch_length(batch_length, options, &r)?;
        if r.remaining() < len {
            return Err(r.error(
                ErrorKind::UnexpectedEof {
                    needed: len,
                    remaining: r.remaining(),
                },
                "batch",
            ));
        }
        let mut body = Reader::new(r.bytes(len, "batch")?);
        let batch = Self::decode_body(base_offset, batch_length, &mut body)
            .map_err(|e| e.offset_by(LOG_OVERHEAD))?;
        *input = r.rest();
        Ok(batch)
    }

    /// Decodes the fields after `batchLength` from a reader holding exactly them.
    fn decode_body(base_offset: i64, batch_length: i32, r: &mut Reader) -> Result<RecordBatch> {
        let partition_leader_epoch = r.i32("batch.partition_leader_epoch")?;
        let magic = r.i8("batch.magic")?;
        if magic != MAGIC_V2 {
            return Err(Error::new(
                ErrorKind::UnsupportedMagic(magic),
                "batch.magic",
                r.position().saturating_sub(1),
            ));
        }
        let crc = r.u32("batch.crc")?;
        let attributes = BatchAttributes(r.i16("batch.attributes")?);
        let last_offset_delta = r.i32("batch.last_offset_delta")?;
        let base_timestamp = r.i64("batch.base_timestamp")?;
        let max_timestamp = r.i64("batch.max_timestamp")?;
        let producer_id = r.i64("batch.producer_id")?;
        let producer_epoch = r.i16("batch.producer_epoch")?;
        let base_sequence = r.i32("batch.base_sequence")?;
        let record_count = r.i32("batch.record_count")?;
        let records = r.rest();
        Ok(RecordBatch {
            base_offset,
            batch_length,
            partition_leader_epoch,
            magic,
            crc,
            attributes,
            last_offset_delta,
            base_timestamp,
            max_timestamp,
            producer_id,
            producer_epoch,
            base_sequence,
            record_count,
            records,
        })
    }

    /// Total encoded size: `12 + 49 + records.len()`.
    pub fn encoded_len(&self) -> usize {
        BATCH_HEADER_LEN + self.records.len()
    }

    /// Writes the batch: every field as stored, then the records section.
    ///
    /// Fails with [`ErrorKind::LengthMismatch`] if `batch_length` does not
    /// frame `records` (the output would not be parseable).
    pub fn encode(&self, out: &mut impl BufMut) -> Result<()> {
        let actual = MIN_BATCH_LENGTH + self.records.len();
        if usize::try_from(self.batch_length).ok() != Some(actual) {
            return Err(Error::new(
                ErrorKind::LengthMismatch {
                    declared: i64::from(self.batch_length),
                    actual: actual as u64,
                },
                "batch.batch_length",
                8,
            ));
        }
        out.put_i64(self.base_offset);
        out.put_i32(self.batch_length);
        out.put_i32(self.partition_leader_epoch);
        out.put_i8(self.magic);
        out.put_u32(self.crc);
        out.put_slice(&self.crc_covered_header());
        out.put_slice(&self.records);
        Ok(())
    }

    /// The 40 header bytes the CRC covers (attributes through record count).
    fn crc_covered_header(&self) -> [u8; BATCH_HEADER_LEN - CRC_START] {
        let mut h = [0u8; BATCH_HEADER_LEN - CRC_START];
        let mut w = &mut h[..];
        w.put_i16(self.attributes.0);
        w.put_i32(self.last_offset_delta);
        w.put_i64(self.base_timestamp);
        w.put_i64(self.max_timestamp);
        w.put_i64(self.producer_id);
        w.put_i16(self.producer_epoch);
        w.put_i32(self.base_sequence);
        w.put_i32(self.record_count);
        h
    }

    /// CRC-32C over the stored fields and records, as it should be stored.
    pub fn computed_crc(&self) -> u32 {
        let crc = crc32c::crc32c(&self.crc_covered_header());
        crc32c::crc32c_append(crc, &self.records)
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
                "batch.crc",
                17,
            ))
        }
    }

    /// Recomputes `batch_length` from `records` and `crc` from the fields,
    /// after a caller changed them.
    pub fn refresh_length_and_crc(&mut self) -> Result<()> {
        self.batch_length = crate::wire::wire_len(
            MIN_BATCH_LENGTH.saturating_add(self.records.len()),
            "batch.batch_length",
        )?;
        self.crc = self.computed_crc();
        Ok(())
    }

    /// Compression codec from the attributes.
    pub fn compression(&self) -> Compression {
        self.attributes.compression()
    }

    /// True for a control batch (transaction markers, KRaft control records).
    pub fn is_control(&self) -> bool {
        self.attributes.is_control()
    }

    /// True for a transactional batch.
    pub fn is_transactional(&self) -> bool {
        self.attributes.is_transactional()
    }

    /// `base_offset + last_offset_delta` (wrapping, as the wire is not checked here).
    pub fn last_offset(&self) -> i64 {
        self.base_offset
            .wrapping_add(i64::from(self.last_offset_delta))
    }

    /// Offset the next batch should start at.
    pub fn next_offset(&self) -> i64 {
        self.last_offset().wrapping_add(1)
    }

    /// The records section, decompressed (at most `limit` bytes) if needed.
    /// For an uncompressed batch this is a zero-copy clone of `records`.
    pub fn uncompressed_records(&self, limit: usize) -> Result<Bytes> {
        let codec = self.compression();
        if codec == Compression::NONE {
            return Ok(self.records.clone());
        }
        compression::decompress(codec, &self.records, limit, "batch.records")
            .map_err(|e| e.offset_by(BATCH_HEADER_LEN))
    }

    /// The same batch with its records section recompressed with `codec`
    /// (at `level`), as a broker does when a topic's compression type
    /// differs from the producer's. The records bytes and every other
    /// header field are kept; the codec bits, the length and the CRC are
    /// updated. The input is decompressed at most once, within
    /// `options.max_decompressed_size`.
    pub fn recompress(
        &self,
        codec: Compression,
        level: Option<i32>,
        options: &ReadOptions,
    ) -> Result<RecordBatch> {
        let plain = self.uncompressed_records(options.max_decompressed_size)?;
        let records = if codec == Compression::NONE {
            plain
        } else {
            let mut out = Vec::with_capacity(plain.len() / 2 + 64);
            compression::compress(codec, level, &plain, &mut out, "batch.records")?;
            Bytes::from(out)
        };
        let mut batch = RecordBatch {
            attributes: self.attributes.with_compression(codec),
            records,
            ..self.clone()
        };
        batch.refresh_length_and_crc()?;
        Ok(batch)
    }

    /// Iterates the records lazily, borrowing keys, values and headers from
    /// the batch's buffer (or from the one decompressed buffer).
    pub fn records(&self, options: &ReadOptions) -> Result<RecordIter> {
        let data = self.uncompressed_records(options.max_decompressed_size)?;
        Ok(RecordIter::new(self, data))
    }

    /// Full check of a batch, as a broker does before accepting it: the
    /// CRC, then every record (count matches the header, offset deltas
    /// strictly increasing within `0..=last_offset_delta`, lengths and
    /// headers well formed, nothing left over).
    pub fn validate(&self, options: &ReadOptions) -> Result<()> {
        self.verify_crc()?;
        if self.record_count < 0 {
            return Err(Error::new(
                ErrorKind::InvalidLength(i64::from(self.record_count)),
                "batch.record_count",
                57,
            ));
        }
        let mut previous: i64 = -1;
        for record in self.records(options)? {
            let record = record?;
            let delta = i64::from(record.offset_delta);
            if delta <= previous || delta > i64::from(self.last_offset_delta) {
                return Err(Error::new(
                    ErrorKind::OffsetOutOfRange {
                        offset_delta: delta,
                        last_offset_delta: self.last_offset_delta,
                    },
                    "record.offset_delta",
                    0,
                ));
            }
            previous = delta;
        }
        Ok(())
    }

    /// The extra check for a batch fresh from a producer (no compaction yet):
    /// `last_offset_delta + 1 == record_count`, and at least one record.
    pub fn validate_producer_offsets(&self) -> Result<()> {
        if self.record_count <= 0
            || i64::from(self.last_offset_delta) + 1 != i64::from(self.record_count)
        {
            return Err(Error::new(
                ErrorKind::InconsistentOffsetRange {
                    last_offset_delta: self.last_offset_delta,
                    record_count: self.record_count,
                },
                "batch.last_offset_delta",
                23,
            ));
        }
        Ok(())
    }
}

/// Validates a v2 `batchLength` against the framing minimum and the limit.
pub(crate) fn check_batch_length(
    batch_length: i32,
    options: &ReadOptions,
    r: &Reader,
) -> Result<usize> {
    let at = r.position().saturating_sub(4);
    let Some(len) = usize::try_from(batch_length)
        .ok()
        .filter(|&l| l >= MIN_BATCH_LENGTH)
    else {
        return Err(Error::new(
            ErrorKind::InvalidLength(i64::from(batch_length)),
            "batch.batch_length",
            at,
        ));
    };
    let total = len.saturating_add(LOG_OVERHEAD);
    if total > options.max_batch_size {
        return Err(Error::new(
            ErrorKind::TooLarge {
                size: total as u64,
                limit: options.max_batch_size as u64,
            },
            "batch.batch_length",
            at,
        ));
    }
    Ok(len)
}

/// One record header. Keys may repeat; order is the wire order.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Header {
    /// Header key (not nullable on the wire).
    pub key: Bytes,
    /// Header value; `None` is null, distinct from empty.
    pub value: Option<Bytes>,
}

/// The headers of a record: a validated wire slice, iterated lazily.
#[derive(Clone, PartialEq, Eq, Hash, Default)]
pub struct Headers {
    count: usize,
    raw: Bytes,
}

impl Headers {
    /// Validates `count` headers at the reader's cursor (up to its limit,
    /// which must be reached exactly), without allocating, and keeps them
    /// as one slice.
    fn parse(count: i32, r: &mut Reader) -> Result<Headers> {
        let Ok(n) = usize::try_from(count) else {
            return Err(r.error(
                ErrorKind::InvalidLength(i64::from(count)),
                "record.header_count",
            ));
        };
        if n == 0 && r.is_empty() {
            return Ok(Headers::default());
        }
        let start = r.position();
        for _ in 0..n {
            let key_at = r.position();
            if !r.skip_varint_bytes("record.header.key")? {
                return Err(Error::new(
                    ErrorKind::InvalidLength(-1),
                    "record.header.key",
                    key_at,
                ));
            }
            r.skip_varint_bytes("record.header.value")?;
        }
        let raw = r.since(start);
        if !r.is_empty() {
            return Err(r.error(ErrorKind::TrailingBytes(r.remaining()), "record"));
        }
        Ok(Headers { count: n, raw })
    }

    /// Number of headers.
    pub fn len(&self) -> usize {
        self.count
    }

    /// True if there are none.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The headers in wire order.
    pub fn iter(&self) -> HeaderIter {
        HeaderIter {
            reader: Reader::new(self.raw.clone()),
            left: self.count,
        }
    }

    /// The header bytes as on the wire (without the count).
    pub fn raw(&self) -> &Bytes {
        &self.raw
    }
}

impl fmt::Debug for Headers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl IntoIterator for &Headers {
    type Item = Header;
    type IntoIter = HeaderIter;
    fn into_iter(self) -> HeaderIter {
        self.iter()
    }
}

/// Iterator over [`Headers`].
#[derive(Debug, Clone)]
pub struct HeaderIter {
    reader: Reader,
    left: usize,
}

impl Iterator for HeaderIter {
    type Item = Header;

    fn next(&mut self) -> Option<Header> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        // Validated when the record was read, so these cannot fail; if they
        // did, iteration would simply end.
        let key = self.reader.varint_bytes("record.header.key").ok()??;
        let value = self.reader.varint_bytes("record.header.value").ok()?;
        Some(Header { key, value })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (0, Some(self.left))
    }
}

/// One record of a RecordBatch v2, with payloads borrowed from the batch's buffer.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Record {
    /// Record attributes (unused by Kafka so far; kept as read).
    pub attributes: i8,
    /// Timestamp minus the batch's base timestamp.
    pub timestamp_delta: i64,
    /// Offset minus the batch's base offset.
    pub offset_delta: i32,
    /// Absolute offset: base offset + offset delta.
    pub offset: i64,
    /// Timestamp: base timestamp + delta, or the batch's max timestamp when
    /// the batch uses log append time (as Kafka reads it).
    pub timestamp: i64,
    /// Key; `None` is null, distinct from empty.
    pub key: Option<Bytes>,
    /// Value; `None` is null, distinct from empty.
    pub value: Option<Bytes>,
    /// Headers, in wire order.
    pub headers: Headers,
}

impl Record {
    /// Size of the record body (everything after its length varint).
    pub(crate) fn body_len(
        timestamp_delta: i64,
        offset_delta: i32,
        key: Option<&[u8]>,
        value: Option<&[u8]>,
        headers_len: usize,
        header_count: usize,
    ) -> Option<usize> {
        use crate::wire::{varint_len, varlong_len};
        let field = |b: Option<&[u8]>| -> Option<usize> {
            match b {
                None => Some(1),
                Some(b) => Some(varint_len(i32::try_from(b.len()).ok()?) + b.len()),
            }
        };
        1usize
            .checked_add(varlong_len(timestamp_delta))?
            .checked_add(varint_len(offset_delta))?
            .checked_add(field(key)?)?
            .checked_add(field(value)?)?
            .checked_add(varint_len(i32::try_from(header_count).ok()?))?
            .checked_add(headers_len)
    }

    /// Encodes this record canonically (shortest varints) into `out`.
    pub fn encode(&self, out: &mut Vec<u8>) -> Result<()> {
        let key = self.key.as_deref();
        let value = self.value.as_deref();
        write_record(
            out,
            self.attributes,
            self.timestamp_delta,
            self.offset_delta,
            key,
            value,
            HeaderSource::Raw(&self.headers),
        )
    }
}

/// Where a record's headers come from when writing.
pub(crate) enum HeaderSource<'a> {
    Raw(&'a Headers),
    Slice(&'a [(&'a [u8], Option<&'a [u8]>)]),
}

fn headers_wire_len(h: &HeaderSource<'_>) -> Option<(usize, usize)> {
    use crate::wire::varint_len;
    match h {
        HeaderSource::Raw(h) => Some((h.raw.len(), h.count)),
        HeaderSource::Slice(s) => {
            let mut n = 0usize;
            for (k, v) in s.iter() {
                n = n
                    .checked_add(varint_len(i32::try_from(k.len()).ok()?))?
                    .checked_add(k.len())?;
                n = n.checked_add(match v {
                    None => 1,
                    Some(v) => varint_len(i32::try_from(v.len()).ok()?).checked_add(v.len())?,
                })?;
            }
            Some((n, s.len()))
        }
    }
}

/// Writes one record (length varint first) in one pass.
pub(crate) fn write_record(
    out: &mut Vec<u8>,
    attributes: i8,
    timestamp_delta: i64,
    offset_delta: i32,
    key: Option<&[u8]>,
    value: Option<&[u8]>,
    headers: HeaderSource<'_>,
) -> Result<()> {
    use crate::wire::{put_varint, put_varlong};
    let overflow = || Error::new(ErrorKind::Overflow, "record", 0);
    let (headers_len, header_count) = headers_wire_len(&headers).ok_or_else(overflow)?;
    let body = Record::body_len(
        timestamp_delta,
        offset_delta,
        key,
        value,
        headers_len,
        header_count,
    )
    .ok_or_else(overflow)?;
    let body_i32 = i32::try_from(body).map_err(|_| overflow())?;
    out.reserve(body + 5);
    put_varint(out, body_i32);
    out.push(attributes as u8);
    put_varlong(out, timestamp_delta);
    put_varint(out, offset_delta);
    for b in [key, value] {
        match b {
            None => put_varint(out, -1),
            Some(b) => {
                put_varint(out, b.len() as i32);
                out.extend_from_slice(b);
            }
        }
    }
    put_varint(out, header_count as i32);
    match headers {
        HeaderSource::Raw(h) => out.extend_from_slice(&h.raw),
        HeaderSource::Slice(s) => {
            for (k, v) in s {
                put_varint(out, k.len() as i32);
                out.extend_from_slice(k);
                match v {
                    None => put_varint(out, -1),
                    Some(v) => {
                        put_varint(out, v.len() as i32);
                        out.extend_from_slice(v);
                    }
                }
            }
        }
    }
    Ok(())
}

/// Lazy iterator over the records of one batch. Yields at most
/// `record_count` records; a shortfall or leftover bytes end the iteration
/// with one error. Fused after an error.
#[derive(Debug, Clone)]
pub struct RecordIter {
    reader: Reader,
    left: i32,
    declared: i32,
    found: u64,
    base_offset: i64,
    base_timestamp: i64,
    log_append_time: Option<i64>,
    done: bool,
}

impl RecordIter {
    fn new(batch: &RecordBatch, data: Bytes) -> RecordIter {
        RecordIter {
            reader: Reader::new(data),
            left: batch.record_count.max(0),
            declared: batch.record_count,
            found: 0,
            base_offset: batch.base_offset,
            base_timestamp: batch.base_timestamp,
            log_append_time: (batch.attributes.timestamp_type() == TimestampType::LogAppendTime)
                .then_some(batch.max_timestamp),
            done: false,
        }
    }

    /// Records the header says are still to come.
    pub fn remaining_count(&self) -> usize {
        usize::try_from(self.left).unwrap_or(0)
    }

    fn read_record(&mut self) -> Result<Record> {
        let r = &mut self.reader;
        let start = r.position();
        let length = r.varint("record.length")?;
        let Ok(len) = usize::try_from(length) else {
            return Err(Error::new(
                ErrorKind::InvalidLength(i64::from(length)),
                "record.length",
                start,
            ));
        };
        // Read the body inside its declared length, then step back out.
        let outer_end = r.limit(len, "record")?;
        let body = Self::read_body(
            r,
            self.base_offset,
            self.base_timestamp,
            self.log_append_time,
        );
        r.unlimit(outer_end);
        body
    }

    fn read_body(
        r: &mut Reader,
        base_offset: i64,
        base_timestamp: i64,
        log_append_time: Option<i64>,
    ) -> Result<Record> {
        let attributes = r.i8("record.attributes")?;
        let timestamp_delta = r.varlong("record.timestamp_delta")?;
        let offset_delta = r.varint("record.offset_delta")?;
        let key = r.varint_bytes("record.key")?;
        let value = r.varint_bytes("record.value")?;
        let header_count = r.varint("record.header_count")?;
        let headers = Headers::parse(header_count, r)?;
        Ok(Record {
            attributes,
            timestamp_delta,
            offset_delta,
            offset: base_offset.wrapping_add(i64::from(offset_delta)),
            timestamp: log_append_time
                .unwrap_or_else(|| base_timestamp.wrapping_add(timestamp_delta)),
            key,
            value,
            headers,
        })
    }
}

impl Iterator for RecordIter {
    type Item = Result<Record>;

    fn next(&mut self) -> Option<Result<Record>> {
        if self.done {
            return None;
        }
        if self.left == 0 {
            self.done = true;
            if self.reader.is_empty() {
                return None;
            }
            return Some(Err(self.reader.error(
                ErrorKind::TrailingBytes(self.reader.remaining()),
                "batch.records",
            )));
        }
        if self.reader.is_empty() {
            self.done = true;
            return Some(Err(self.reader.error(
                ErrorKind::RecordCountMismatch {
                    declared: self.declared,
                    found: self.found,
                },
                "batch.record_count",
            )));
        }
        match self.read_record() {
            Ok(rec) => {
                self.left -= 1;
                self.found += 1;
                Some(Ok(rec))
            }
            Err(e) => {
                self.done = true;
                Some(Err(e))
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (0, Some(self.remaining_count().saturating_add(1)))
    }
}

impl std::iter::FusedIterator for RecordIter {}
