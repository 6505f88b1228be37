//! A stream of batches over the `records` bytes of a Produce request or a
//! Fetch response, in any mix of formats.

use bytes::Bytes;

use crate::batch::{LOG_OVERHEAD, MAGIC_OFFSET, MAGIC_V2, ReadOptions, RecordBatch};
use crate::error::{Error, ErrorKind, Result};
use crate::legacy::LegacyMessage;

/// One entry of a records blob: a v2 batch, or a legacy (magic 0 or 1)
/// message, which may be a compressed wrapper holding a message set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Batch {
    /// RecordBatch v2.
    V2(RecordBatch),
    /// Legacy message (MessageSet v0 or v1 entry).
    Legacy(LegacyMessage),
}

impl Batch {
    /// The magic byte.
    pub fn magic(&self) -> i8 {
        match self {
            Batch::V2(b) => b.magic,
            Batch::Legacy(m) => m.magic,
        }
    }

    /// Encoded size in bytes.
    pub fn encoded_len(&self) -> usize {
        match self {
            Batch::V2(b) => b.encoded_len(),
            Batch::Legacy(m) => m.encoded_len(),
        }
    }

    /// Writes the entry back exactly as decoded.
    pub fn encode(&self, out: &mut impl bytes::BufMut) -> Result<()> {
        match self {
            Batch::V2(b) => b.encode(out),
            Batch::Legacy(m) => m.encode(out),
        }
    }
}

/// Iterator over the complete batches of a records blob.
///
/// A Fetch response may end with a batch the broker cut at its byte limit.
/// The stream then ends normally and [`BatchStream::partial_tail`] returns
/// the incomplete bytes. Malformed framing (a negative or impossible
/// length, an unknown magic, a batch over the size limit) is an error, after
/// which the stream is fused.
///
/// ```
/// use bytes::Bytes;
/// use kafkawire_records::{Batch, BatchStream, RecordBatchBuilder};
/// let mut b = RecordBatchBuilder::new(0);
/// b.append(0, None, Some(b"hello"), &[])?;
/// let one = b.finish()?;
/// let mut blob = one.to_vec();
/// blob.extend_from_slice(&one[..20]); // a cut-off second batch
/// let mut stream = BatchStream::new(Bytes::from(blob));
/// assert!(matches!(stream.next(), Some(Ok(Batch::V2(_)))));
/// assert!(stream.next().is_none());
/// assert_eq!(stream.partial_tail().map(|t| t.len()), Some(20));
/// # Ok::<(), kafkawire_records::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct BatchStream {
    rest: Bytes,
    position: usize,
    options: ReadOptions,
    partial: Option<Bytes>,
    done: bool,
}

impl BatchStream {
    /// A stream over `records` with default options.
    pub fn new(records: Bytes) -> Self {
        Self::with_options(records, ReadOptions::default())
    }

    /// A stream over `records` with the given limits.
    pub fn with_options(records: Bytes, options: ReadOptions) -> Self {
        BatchStream {
            rest: records,
            position: 0,
            options,
            partial: None,
            done: false,
        }
    }

    /// The incomplete batch the blob ended with, once the stream has ended
    /// on one (`None` before that, or if the blob ended cleanly).
    pub fn partial_tail(&self) -> Option<&Bytes> {
        self.partial.as_ref()
    }

    /// Byte position of the next batch in the blob.
    pub fn position(&self) -> usize {
        self.position
    }

    fn step(&mut self) -> Result<Option<Batch>> {
        if self.rest.is_empty() {
            return Ok(None);
        }
        // The length and the magic sit at the same place in every format.
        let Some(len_bytes) = self.rest.get(8..LOG_OVERHEAD) else {
            self.partial = Some(std::mem::take(&mut self.rest));
            return Ok(None);
        };
        let mut len4 = [0u8; 4];
        len4.copy_from_slice(len_bytes);
        let len = i32::from_be_bytes(len4);
        if len < 0 {
            return Err(Error::new(
                ErrorKind::InvalidLength(i64::from(len)),
                "batch.batch_length",
                8,
            ));
        }
        // The size limit is enforced as soon as the size is known.
        let total = (len as usize).saturating_add(LOG_OVERHEAD);
        if total > self.options.max_batch_size {
            return Err(Error::new(
                ErrorKind::TooLarge {
                    size: total as u64,
                    limit: self.options.max_batch_size as u64,
                },
                "batch.batch_length",
                8,
            ));
        }
        let Some(&magic) = self
            .rest
            .get(MAGIC_OFFSET)
            .filter(|_| total <= self.rest.len())
        else {
            self.partial = Some(std::mem::take(&mut self.rest));
            return Ok(None);
        };
        let magic = magic as i8;
        let before = self.rest.len();
        let batch = match magic {
            MAGIC_V2 => Batch::V2(RecordBatch::decode(&mut self.rest, &self.options)?),
            0 | 1 => Batch::Legacy(LegacyMessage::decode(&mut self.rest, &self.options)?),
            m => {
                return Err(Error::new(
                    ErrorKind::UnsupportedMagic(m),
                    "batch.magic",
                    MAGIC_OFFSET,
                ));
            }
        };
        self.position += before - self.rest.len();
        Ok(Some(batch))
    }
}

impl Iterator for BatchStream {
    type Item = Result<Batch>;

    fn next(&mut self) -> Option<Result<Batch>> {
        if self.done {
            return None;
        }
        match self.step() {
            Ok(Some(b)) => Some(Ok(b)),
            Ok(None) => {
                self.done = true;
                None
            }
            Err(e) => {
                self.done = true;
                Some(Err(e.offset_by(self.position)))
            }
        }
    }
}

impl std::iter::FusedIterator for BatchStream {}
