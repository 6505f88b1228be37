//! Kafka record formats: RecordBatch v2 and the legacy MessageSet v0/v1,
//! the payload of Produce requests and Fetch responses.
//!
//! - **Lossless.** [`RecordBatch`] and [`LegacyMessage`] keep every field as
//!   read and write it back byte for byte, even when the CRC, the last offset
//!   delta or the max timestamp do not follow from the records.
//! - **Zero copy.** Records are iterated lazily ([`RecordIter`]); keys, values
//!   and headers are `Bytes` slices of the input (or of the one buffer a
//!   compressed batch is decompressed into, with an output limit).
//! - **Safe on hostile input.** No panics, no allocation sized by the wire,
//!   typed [`Error`]s with a kind, the field and the byte position.
//! - **One-pass writers.** [`RecordBatchBuilder`] and [`MessageSetBuilder`].
//! - **Streams.** [`BatchStream`] walks a Produce or Fetch `records` blob and
//!   reports a partial tail instead of failing.
//! - **Conversions** between the formats ([`up_convert`], [`down_convert`]) and
//!   [control records](control).
//!
//! Checks are on demand: decoding checks framing only, so a proxy can pass
//! batches through cheaply; [`RecordBatch::verify_crc`] and
//! [`RecordBatch::validate`] do what a broker must.
//!
//! ```
//! use kafkawire_records::{BatchStream, Batch, Compression, ReadOptions, RecordBatchBuilder};
//!
//! let mut builder = RecordBatchBuilder::new(0).compression(Compression::ZSTD, None);
//! builder.append(1_700_000_000_000, Some(b"key"), Some(b"value"), &[(b"trace".as_slice(), None)])?;
//! let records = builder.finish()?;
//!
//! let options = ReadOptions::default().max_batch_size(1 << 20);
//! for batch in BatchStream::with_options(records, options) {
//!     let Batch::V2(batch) = batch? else { continue };
//!     batch.validate(&options)?; // CRC, count, offsets, lengths
//!     for record in batch.records(&options)? {
//!         let record = record?;
//!         assert_eq!(record.value.as_deref(), Some(&b"value"[..]));
//!         assert_eq!(record.headers.iter().next().map(|h| h.value), Some(None));
//!     }
//! }
//! # Ok::<(), kafkawire_records::Error>(())
//! ```
//!
//! # Decisions
//!
//! - Limits ([`ReadOptions`]): no batch size limit unless set (a broker sets
//!   its `max.message.bytes`); decompression stops at 64 MiB unless set.
//! - Varints: non-canonical (padded) encodings are accepted, as Kafka does;
//!   more than 5 (varint) or 10 (varlong) bytes, or a value that overflows,
//!   is an error. A batch keeps its records section raw, so it re-encodes
//!   byte for byte; [`Record::encode`] writes canonical varints.
//! - The record reader stops at the header's record count: fewer records is a
//!   [`ErrorKind::RecordCountMismatch`], leftover bytes a
//!   [`ErrorKind::TrailingBytes`]. A negative count reads as zero records
//!   ([`RecordBatch::validate`] rejects it).
//! - Timestamps: a record of a log-append-time batch reports the batch's max
//!   timestamp (Kafka's reading); the wire delta is kept in
//!   [`Record::timestamp_delta`].
//! - Legacy wrappers: nested compression and inner messages whose magic
//!   differs from the wrapper's are errors, as in Kafka.
//! - Features: `control-values` (default) decodes control record values
//!   with `kafkawire`'s generated types (`ControlValue` in [`control`]).
// docs.rs (`--cfg docsrs`): each feature-gated item says which feature.
#![cfg_attr(docsrs, feature(doc_cfg))]
#![cfg_attr(
    not(test),
    deny(
        clippy::indexing_slicing,
        clippy::unwrap_used,
        clippy::panic,
        clippy::expect_used
    )
)]

mod batch;
mod builder;
mod compression;
pub mod control;
mod convert;
mod error;
mod legacy;
mod stream;
mod wire;

pub use batch::{
    BATCH_HEADER_LEN, BatchAttributes, DEFAULT_MAX_DECOMPRESSED, Header, HeaderIter, Headers,
    LOG_OVERHEAD, MAGIC_OFFSET, MAGIC_V2, NO_PARTITION_LEADER_EPOCH, NO_PRODUCER_EPOCH,
    NO_PRODUCER_ID, NO_SEQUENCE, NO_TIMESTAMP, ReadOptions, Record, RecordBatch, RecordIter,
    TimestampType,
};
pub use builder::RecordBatchBuilder;
pub use compression::Compression;
pub use convert::{down_convert, up_convert};
pub use error::{Error, ErrorKind, Result};
pub use legacy::{
    LegacyAttributes, LegacyMessage, LegacyMessages, MESSAGE_OVERHEAD_V0, MESSAGE_OVERHEAD_V1,
    MessageSetBuilder, ResolvedMessage,
};
pub use stream::{Batch, BatchStream};
