//! A one-pass RecordBatch v2 writer.

use bytes::{BufMut, Bytes};

use crate::batch::{
    BATCH_HEADER_LEN, BatchAttributes, CRC_START, HeaderSource, LOG_OVERHEAD, MAGIC_V2,
    NO_PARTITION_LEADER_EPOCH, NO_PRODUCER_EPOCH, NO_PRODUCER_ID, NO_SEQUENCE, NO_TIMESTAMP,
    ReadOptions, RecordBatch, TimestampType, write_record,
};
use crate::compression::{self, Compression};
use crate::error::{Error, ErrorKind, Result};

/// Builds one RecordBatch v2. Records are written as they are appended
/// (uncompressed batches straight into the output buffer); `finish` fills in
/// the header, the length and the CRC-32C, compressing first if asked.
///
/// ```
/// use kafkawire_records::{RecordBatchBuilder, ReadOptions};
/// let mut b = RecordBatchBuilder::new(100);
/// b.append(1_700_000_000_000, Some(b"k"), Some(b"v"), &[(b"h".as_slice(), None)])?;
/// b.append(1_700_000_000_005, None, Some(b""), &[])?;
/// let batch = b.finish_batch()?;
/// assert_eq!(batch.record_count, 2);
/// batch.validate(&ReadOptions::default())?;
/// # Ok::<(), kafkawire_records::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct RecordBatchBuilder {
    base_offset: i64,
    partition_leader_epoch: i32,
    attributes: BatchAttributes,
    level: Option<i32>,
    producer_id: i64,
    producer_epoch: i16,
    base_sequence: i32,
    base_timestamp: Option<i64>,
    max_timestamp: i64,
    max_timestamp_override: Option<i64>,
    last_offset_delta: Option<i32>,
    last_offset_delta_override: Option<i32>,
    count: i32,
    /// Uncompressed: 61 header bytes then the records. Compressed: records only.
    buf: Vec<u8>,
}

impl RecordBatchBuilder {
    /// A builder for an uncompressed, non-transactional batch starting at `base_offset`.
    pub fn new(base_offset: i64) -> Self {
        RecordBatchBuilder {
            base_offset,
            partition_leader_epoch: NO_PARTITION_LEADER_EPOCH,
            attributes: BatchAttributes::default(),
            level: None,
            producer_id: NO_PRODUCER_ID,
            producer_epoch: NO_PRODUCER_EPOCH,
            base_sequence: NO_SEQUENCE,
            base_timestamp: None,
            max_timestamp: NO_TIMESTAMP,
            max_timestamp_override: None,
            last_offset_delta: None,
            last_offset_delta_override: None,
            count: 0,
            buf: vec![0; BATCH_HEADER_LEN],
        }
    }

    /// Compresses the records with `codec` (and the codec's `level`, or its
    /// default). Call before appending.
    pub fn compression(mut self, codec: Compression, level: Option<i32>) -> Self {
        let was_plain = self.attributes.compression() == Compression::NONE;
        let plain = codec == Compression::NONE;
        if was_plain && !plain {
            self.buf.drain(..BATCH_HEADER_LEN.min(self.buf.len()));
        } else if !was_plain && plain {
            self.buf.splice(0..0, [0u8; BATCH_HEADER_LEN]);
        }
        self.attributes = self.attributes.with_compression(codec);
        self.level = level;
        self
    }

    /// Idempotent producer id, epoch and the sequence of the first record.
    pub fn producer(mut self, producer_id: i64, producer_epoch: i16, base_sequence: i32) -> Self {
        self.producer_id = producer_id;
        self.producer_epoch = producer_epoch;
        self.base_sequence = base_sequence;
        self
    }

    /// Marks the batch transactional.
    pub fn transactional(mut self, on: bool) -> Self {
        self.attributes = self.attributes.with_transactional(on);
        self
    }

    /// Marks the batch as a control batch.
    pub fn control(mut self, on: bool) -> Self {
        self.attributes = self.attributes.with_control(on);
        self
    }

    /// Partition leader epoch (brokers stamp it; producers leave -1).
    pub fn partition_leader_epoch(mut self, epoch: i32) -> Self {
        self.partition_leader_epoch = epoch;
        self
    }

    /// Log append time: sets the timestamp type and the batch's max timestamp.
    pub fn log_append_time(mut self, timestamp: i64) -> Self {
        self.attributes = self
            .attributes
            .with_timestamp_type(TimestampType::LogAppendTime);
        self.max_timestamp_override = Some(timestamp);
        self
    }

    /// Sets the delete-horizon bit; the base timestamp becomes `horizon` and
    /// record deltas are taken from it. Has no effect once a record was
    /// appended (their deltas are already written).
    pub fn delete_horizon(mut self, horizon: i64) -> Self {
        if self.count == 0 {
            self.attributes = self.attributes.with_delete_horizon(true);
            self.base_timestamp = Some(horizon);
        }
        self
    }

    /// Overrides the last offset delta written in the header (as after
    /// compaction removed the last records).
    pub fn last_offset_delta(mut self, delta: i32) -> Self {
        self.last_offset_delta_override = Some(delta);
        self
    }

    /// Number of records appended so far.
    pub fn len(&self) -> usize {
        self.count as usize
    }

    /// True before the first append.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Bytes written so far (records, plus the header when uncompressed).
    pub fn written_bytes(&self) -> usize {
        self.buf.len()
    }

    /// Appends a record at the next offset. Returns its offset.
    pub fn append(
        &mut self,
        timestamp: i64,
        key: Option<&[u8]>,
        value: Option<&[u8]>,
        headers: &[(&[u8], Option<&[u8]>)],
    ) -> Result<i64> {
        let delta = match self.last_offset_delta {
            None => 0,
            Some(d) => d
                .checked_add(1)
                .ok_or_else(overflow("record.offset_delta"))?,
        };
        self.append_at_delta(delta, timestamp, key, value, headers)
    }

    /// Appends a record at `base_offset + offset_delta`, which must be past
    /// the previous record's (gaps are allowed, as after compaction).
    pub fn append_at_delta(
        &mut self,
        offset_delta: i32,
        timestamp: i64,
        key: Option<&[u8]>,
        value: Option<&[u8]>,
        headers: &[(&[u8], Option<&[u8]>)],
    ) -> Result<i64> {
        if offset_delta < 0 || self.last_offset_delta.is_some_and(|d| offset_delta <= d) {
            return Err(Error::new(
                ErrorKind::OffsetOutOfRange {
                    offset_delta: i64::from(offset_delta),
                    last_offset_delta: self.last_offset_delta.unwrap_or(-1),
                },
                "record.offset_delta",
                0,
            ));
        }
        let count = self
            .count
            .checked_add(1)
            .ok_or_else(overflow("batch.record_count"))?;
        let base_timestamp = *self.base_timestamp.get_or_insert(timestamp);
        let timestamp_delta = timestamp
            .checked_sub(base_timestamp)
            .ok_or_else(overflow("record.timestamp_delta"))?;
        let mark = self.buf.len();
        if let Err(e) = write_record(
            &mut self.buf,
            0,
            timestamp_delta,
            offset_delta,
            key,
            value,
            HeaderSource::Slice(headers),
        ) {
            self.buf.truncate(mark);
            if self.count == 0 && !self.attributes.has_delete_horizon() {
                self.base_timestamp = None;
            }
            return Err(e);
        }
        self.count = count;
        self.last_offset_delta = Some(offset_delta);
        self.max_timestamp = if count == 1 {
            timestamp
        } else {
            self.max_timestamp.max(timestamp)
        };
        Ok(self.base_offset.wrapping_add(i64::from(offset_delta)))
    }

    /// Writes the header, compresses if needed, and returns the batch bytes.
    pub fn finish(self) -> Result<Bytes> {
        let codec = self.attributes.compression();
        let mut out = if codec == Compression::NONE {
            self.buf
        } else {
            let mut out = Vec::with_capacity(BATCH_HEADER_LEN + self.buf.len() / 2 + 64);
            out.resize(BATCH_HEADER_LEN, 0);
            compression::compress(codec, self.level, &self.buf, &mut out, "batch.records")?;
            out
        };
        let batch_length = i32::try_from(out.len() - LOG_OVERHEAD)
            .map_err(|_| overflow("batch.batch_length")())?;
        let last_offset_delta = self
            .last_offset_delta_override
            .or(self.last_offset_delta)
            .unwrap_or(0);
        let base_timestamp = self.base_timestamp.unwrap_or(NO_TIMESTAMP);
        let max_timestamp = self.max_timestamp_override.unwrap_or(self.max_timestamp);
        let Some(mut h) = out.get_mut(..BATCH_HEADER_LEN) else {
            return Err(overflow("batch")());
        };
        h.put_i64(self.base_offset);
        h.put_i32(batch_length);
        h.put_i32(self.partition_leader_epoch);
        h.put_i8(MAGIC_V2);
        h.put_u32(0);
        h.put_i16(self.attributes.0);
        h.put_i32(last_offset_delta);
        h.put_i64(base_timestamp);
        h.put_i64(max_timestamp);
        h.put_i64(self.producer_id);
        h.put_i16(self.producer_epoch);
        h.put_i32(self.base_sequence);
        h.put_i32(self.count);
        let crc = crc32c::crc32c(out.get(CRC_START..).unwrap_or_default());
        crate::wire::patch_u32(&mut out, CRC_START - 4, crc);
        Ok(Bytes::from(out))
    }

    /// Like [`RecordBatchBuilder::finish`], decoded back into a [`RecordBatch`]
    /// (zero copy: the batch's records borrow the written buffer).
    pub fn finish_batch(self) -> Result<RecordBatch> {
        let mut bytes = self.finish()?;
        RecordBatch::decode(&mut bytes, &ReadOptions::default())
    }
}

fn overflow(field: &'static str) -> impl Fn() -> Error {
    move || Error::new(ErrorKind::Overflow, field, 0)
}
