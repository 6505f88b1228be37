//! The one error type of this crate: a kind, the field being read or written,
//! and the byte position where it happened.

use std::fmt;

use crate::Compression;

/// What went wrong. Match on it through [`Error::kind`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The input ended before a field was complete.
    UnexpectedEof {
        /// Bytes the field needed.
        needed: usize,
        /// Bytes that were left.
        remaining: usize,
    },
    /// A length or count on the wire is negative (other than the null marker
    /// where null is allowed) or cannot be right.
    InvalidLength(i64),
    /// A varint ran over 5 bytes (or a varlong over 10), or its value overflows.
    VarintTooLong,
    /// The magic byte is not one this crate reads at this place.
    UnsupportedMagic(i8),
    /// The stored CRC does not match the bytes it covers.
    CrcMismatch {
        /// CRC stored in the batch or message.
        stored: u32,
        /// CRC computed over the bytes.
        computed: u32,
    },
    /// A batch or message is larger than the configured limit; nothing after
    /// its size field was looked at.
    TooLarge {
        /// Declared size in bytes.
        size: u64,
        /// Configured limit in bytes.
        limit: u64,
    },
    /// The record count in the header does not match the records found.
    RecordCountMismatch {
        /// Count from the batch header.
        declared: i32,
        /// Records actually found (stops counting one past the declared count).
        found: u64,
    },
    /// A declared length does not match the bytes its content used.
    LengthMismatch {
        /// Length declared on the wire.
        declared: i64,
        /// Bytes the content actually used.
        actual: u64,
    },
    /// Bytes were left over after the last record of a batch.
    TrailingBytes(usize),
    /// A record's offset is outside the batch's range or not increasing.
    OffsetOutOfRange {
        /// The record's offset delta.
        offset_delta: i64,
        /// The batch's last offset delta.
        last_offset_delta: i32,
    },
    /// The batch header's offsets and count disagree (a producer batch must
    /// have `last_offset_delta + 1 == record_count`).
    InconsistentOffsetRange {
        /// Last offset delta from the header.
        last_offset_delta: i32,
        /// Record count from the header.
        record_count: i32,
    },
    /// The compression codec is not known, not allowed for this format, or
    /// not available in this build.
    UnsupportedCompression(Compression),
    /// The codec failed: corrupt input, output past the limit, or a codec
    /// unknown to or disabled in `kafkawire-compress`.
    Compression(kafkawire_compress::Error),
    /// A value is too large or out of range to be written in this format.
    Overflow,
    /// A control record key is shorter than 4 bytes or missing.
    InvalidControlKey,
    /// A control record value is null, shorter than its version, or has a
    /// negative version.
    InvalidControlValue,
    /// `kafkawire` could not decode a control record value.
    #[cfg(feature = "control-values")]
    ControlValueDecode(kafkawire::DecodeError),
    /// `kafkawire` could not encode a control record value.
    #[cfg(feature = "control-values")]
    ControlValueEncode(kafkawire::EncodeError),
}

/// An error from decoding, encoding or checking records.
///
/// Boxed so that `Result<T, Error>` stays one pointer wide on the happy path.
#[derive(Clone, PartialEq, Eq)]
pub struct Error(Box<Inner>);

#[derive(Clone, PartialEq, Eq)]
struct Inner {
    kind: ErrorKind,
    field: &'static str,
    position: usize,
}

impl Error {
    pub(crate) fn new(kind: ErrorKind, field: &'static str, position: usize) -> Self {
        Error(Box::new(Inner {
            kind,
            field,
            position,
        }))
    }

    /// The kind of failure.
    pub fn kind(&self) -> &ErrorKind {
        &self.0.kind
    }

    /// The field being read or written, such as `"record.key"` or `"batch.crc"`.
    pub fn field(&self) -> &'static str {
        self.0.field
    }

    /// Byte position, relative to the start of the buffer given to the
    /// decoder that failed (for records: the start of the records section,
    /// decompressed if the batch was compressed).
    pub fn position(&self) -> usize {
        self.0.position
    }

    /// True if the input simply ended too early (a truncated buffer).
    pub fn is_eof(&self) -> bool {
        matches!(self.0.kind, ErrorKind::UnexpectedEof { .. })
    }

    /// Shifts the position by `base` (used when an inner buffer sits inside an outer one).
    pub(crate) fn offset_by(mut self, base: usize) -> Self {
        self.0.position = self.0.position.saturating_add(base);
        self
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("kind", &self.0.kind)
            .field("field", &self.0.field)
            .field("position", &self.0.position)
            .finish()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0.kind {
            ErrorKind::UnexpectedEof { needed, remaining } => write!(
                f,
                "unexpected end of input: {needed} bytes needed, {remaining} left"
            )?,
            ErrorKind::InvalidLength(n) => write!(f, "invalid length {n}")?,
            ErrorKind::VarintTooLong => f.write_str("varint too long")?,
            ErrorKind::UnsupportedMagic(m) => write!(f, "unsupported magic {m}")?,
            ErrorKind::CrcMismatch { stored, computed } => write!(
                f,
                "CRC mismatch: stored {stored:#010x}, computed {computed:#010x}"
            )?,
            ErrorKind::TooLarge { size, limit } => {
                write!(f, "size {size} exceeds the limit of {limit} bytes")?
            }
            ErrorKind::RecordCountMismatch { declared, found } => write!(
                f,
                "record count mismatch: header says {declared}, found {found}"
            )?,
            ErrorKind::LengthMismatch { declared, actual } => {
                write!(f, "length mismatch: declared {declared}, used {actual}")?
            }
            ErrorKind::TrailingBytes(n) => write!(f, "{n} trailing bytes")?,
            ErrorKind::OffsetOutOfRange {
                offset_delta,
                last_offset_delta,
            } => write!(
                f,
                "offset delta {offset_delta} out of range (last offset delta {last_offset_delta})"
            )?,
            ErrorKind::InconsistentOffsetRange {
                last_offset_delta,
                record_count,
            } => write!(
                f,
                "last offset delta {last_offset_delta} inconsistent with record count {record_count}"
            )?,
            ErrorKind::UnsupportedCompression(c) => write!(f, "unsupported compression {c:?}")?,
            ErrorKind::Compression(e) => write!(f, "compression: {e}")?,
            ErrorKind::Overflow => f.write_str("value out of range for the format")?,
            ErrorKind::InvalidControlKey => f.write_str("invalid control record key")?,
            ErrorKind::InvalidControlValue => f.write_str("invalid control record value")?,
            #[cfg(feature = "control-values")]
            ErrorKind::ControlValueDecode(e) => write!(f, "control record value: {e}")?,
            #[cfg(feature = "control-values")]
            ErrorKind::ControlValueEncode(e) => write!(f, "control record value: {e}")?,
        }
        write!(f, " (at {} byte {})", self.0.field, self.0.position)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.0.kind {
            ErrorKind::Compression(e) => Some(e),
            #[cfg(feature = "control-values")]
            ErrorKind::ControlValueDecode(e) => Some(e),
            #[cfg(feature = "control-values")]
            ErrorKind::ControlValueEncode(e) => Some(e),
            _ => None,
        }
    }
}

impl From<Error> for std::io::Error {
    fn from(e: Error) -> Self {
        std::io::Error::new(std::io::ErrorKind::InvalidData, e)
    }
}

/// Result alias for this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
