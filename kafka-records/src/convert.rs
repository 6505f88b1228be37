//! Conversions between the legacy MessageSet and RecordBatch v2, as a broker
//! performs them for clients of different ages.
//!
//! Decisions, written down:
//!
//! - Offsets are kept (a broker assigns its own afterwards by rewriting
//!   base offsets), so the input's offsets must increase.
//! - Up-conversion groups consecutive messages into one v2 batch while their
//!   effective timestamp type (and log append time) stays the same and the
//!   offset delta fits; magic 0 messages get timestamp -1 (no timestamp).
//!   v2 batches already in the input are copied unchanged. The input must be
//!   complete: a partial tail is an error (it comes from a producer).
//! - Down-conversion writes one legacy message per record; a compressed v2
//!   batch becomes one wrapper with the same codec (zstd cannot be
//!   down-converted: an error, as Kafka answers `UNSUPPORTED_COMPRESSION_TYPE`).
//!   Record headers have no legacy form and are dropped; control batches are
//!   skipped; magic 0 drops timestamps. Legacy entries whose magic is not
//!   above the target are copied unchanged. A partial tail (a Fetch
//!   response cut at its byte limit) is dropped.

use bytes::{BufMut, Bytes};

use crate::batch::{NO_TIMESTAMP, ReadOptions, TimestampType};
use crate::builder::RecordBatchBuilder;
use crate::compression::Compression;
use crate::error::{Error, ErrorKind, Result};
use crate::legacy::MessageSetBuilder;
use crate::stream::{Batch, BatchStream};

struct Group {
    builder: RecordBatchBuilder,
    base: i64,
    log_append_time: Option<i64>,
}

/// Up-converts the legacy messages of `message_set` into RecordBatch v2
/// batches compressed with `codec` (at `level`), returning the new records blob.
///
/// Decisions, written down:
///
/// - Offsets are kept (a broker assigns its own afterwards by rewriting
///   base offsets), so the input's offsets must increase.
/// - Up-conversion groups consecutive messages into one v2 batch while their
///   effective timestamp type (and log append time) stays the same and the
///   offset delta fits; magic 0 messages get timestamp -1 (no timestamp).
///   v2 batches already in the input are copied unchanged. The input must be
///   complete: a partial tail is an error (it comes from a producer).
/// - Down-conversion writes one legacy message per record; a compressed v2
///   batch becomes one wrapper with the same codec (zstd cannot be
///   down-converted: an error, as Kafka answers `UNSUPPORTED_COMPRESSION_TYPE`).
///   Record headers have no legacy form and are dropped; control batches are
///   skipped; magic 0 drops timestamps. Legacy entries whose magic is not
///   above the target are copied unchanged. A partial tail (a Fetch
///   response cut at its byte limit) is dropped.
pub fn up_convert(
    message_set: Bytes,
    codec: Compression,
    level: Option<i32>,
    options: &ReadOptions,
) -> Result<Bytes> {
    let mut out = Vec::with_capacity(message_set.len().saturating_add(64));
    let mut group: Option<Group> = None;
    let mut stream = BatchStream::with_options(message_set, *options);
    for entry in stream.by_ref() {
        match entry? {
            Batch::V2(b) => {
                flush(&mut group, &mut out)?;
                b.encode(&mut out)?;
            }
            Batch::Legacy(m) => {
                for resolved in m.messages(options)? {
                    let resolved = resolved?;
                    let lat = (resolved.timestamp_type == TimestampType::LogAppendTime)
                        .then_some(resolved.timestamp.unwrap_or(NO_TIMESTAMP));
                    let delta = group.as_ref().and_then(|g| {
                        resolved
                            .offset
                            .checked_sub(g.base)
                            .and_then(|d| i32::try_from(d).ok())
                            .filter(|_| g.log_append_time == lat)
                    });
                    let delta = match delta {
                        Some(d) => d,
                        None => {
                            flush(&mut group, &mut out)?;
                            let mut builder =
                                RecordBatchBuilder::new(resolved.offset).compression(codec, level);
                            if let Some(t) = lat {
                                builder = builder.log_append_time(t);
                            }
                            group = Some(Group {
                                builder,
                                base: resolved.offset,
                                log_append_time: lat,
                            });
                            0
                        }
                    };
                    if let Some(g) = group.as_mut() {
                        g.builder.append_at_delta(
                            delta,
                            resolved.timestamp.unwrap_or(NO_TIMESTAMP),
                            resolved.message.key.as_deref(),
                            resolved.message.value.as_deref(),
                            &[],
                        )?;
                    }
                }
            }
        }
    }
    if let Some(tail) = stream.partial_tail() {
        return Err(Error::new(
            ErrorKind::UnexpectedEof {
                needed: tail.len().saturating_add(1),
                remaining: tail.len(),
            },
            "message_set",
            stream.position(),
        ));
    }
    flush(&mut group, &mut out)?;
    Ok(Bytes::from(out))
}

fn flush(group: &mut Option<Group>, out: &mut Vec<u8>) -> Result<()> {
    if let Some(g) = group.take() {
        out.put_slice(&g.builder.finish()?);
    }
    Ok(())
}

/// Down-converts `records` to legacy messages of magic `magic` (0 or 1).
///
/// See [`up_convert`] for the rules both directions follow.
pub fn down_convert(records: Bytes, magic: i8, options: &ReadOptions) -> Result<Bytes> {
    if magic != 0 && magic != 1 {
        return Err(Error::new(ErrorKind::UnsupportedMagic(magic), "magic", 0));
    }
    let mut out = Vec::with_capacity(records.len().saturating_add(64));
    for entry in BatchStream::with_options(records, *options) {
        match entry? {
            Batch::V2(b) => {
                if b.is_control() {
                    continue;
                }
                let mut builder = MessageSetBuilder::new(magic)?;
                let codec = b.compression();
                if codec != Compression::NONE {
                    builder = builder.compression(codec, None)?;
                }
                if b.attributes.timestamp_type() == TimestampType::LogAppendTime {
                    builder = builder.log_append_time(b.max_timestamp);
                }
                for record in b.records(options)? {
                    let record = record?;
                    builder.append(
                        record.offset,
                        record.timestamp,
                        record.key.as_deref(),
                        record.value.as_deref(),
                    )?;
                }
                out.put_slice(&builder.finish()?);
            }
            Batch::Legacy(m) if m.magic <= magic => m.encode(&mut out)?,
            Batch::Legacy(m) => {
                let mut builder = MessageSetBuilder::new(magic)?;
                if m.is_wrapper() {
                    builder = builder.compression(m.compression(), None)?;
                }
                for resolved in m.messages(options)? {
                    let resolved = resolved?;
                    builder.append(
                        resolved.offset,
                        resolved.timestamp.unwrap_or(NO_TIMESTAMP),
                        resolved.message.key.as_deref(),
                        resolved.message.value.as_deref(),
                    )?;
                }
                out.put_slice(&builder.finish()?);
            }
        }
    }
    Ok(Bytes::from(out))
}
