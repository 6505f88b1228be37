//! The one error type of this crate.

use core::fmt;

use crate::Compression;

/// Why compressing or decompressing failed.
///
/// The type carries no strings and no `std::io::Error`: every variant is a
/// small value a caller can match on. Backend messages are not kept; the
/// [`CorruptKind`] says what was wrong with the input.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
#[non_exhaustive]
pub enum Error {
    /// The code is not one Kafka defines (0 to 4), so no codec can handle it.
    UnknownCodec(Compression),
    /// The codec is known but this build left out its Cargo feature.
    CodecDisabled(Compression),
    /// Decompressing would produce more than `limit` bytes.
    OutputLimitExceeded {
        /// The limit the caller passed.
        limit: usize,
    },
    /// The codec has no such level, or no levels at all.
    InvalidLevel {
        /// The codec the level was given for.
        codec: Compression,
        /// The level that was refused.
        level: i32,
    },
    /// The compressed input is not a valid stream of this codec.
    Corrupt {
        /// The codec whose decoder refused the input.
        codec: Compression,
        /// What was wrong.
        kind: CorruptKind,
    },
    /// The backend library failed while compressing (for instance it could
    /// not allocate its context). Compression of valid input does not
    /// otherwise fail.
    CompressFailed(Compression),
}

/// What was wrong with a compressed input.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
#[non_exhaustive]
pub enum CorruptKind {
    /// The input ended before the stream did.
    Truncated,
    /// The input does not start with the codec's magic number.
    BadMagic,
    /// A frame or stream header has invalid or unsupported fields.
    BadHeader,
    /// A header, block or content checksum does not match.
    BadChecksum,
    /// Compressed data inside a block is invalid.
    BadData,
    /// A length or size field is impossible: larger than the format allows,
    /// larger than the data that follows could produce, or different from the
    /// size actually decoded.
    BadLength,
    /// The stream uses a feature this crate does not implement (for example an
    /// LZ4 dictionary id or a zstd dictionary).
    Unsupported,
    /// Bytes follow the end of the last complete stream.
    TrailingData,
}

impl Error {
    #[cfg_attr(
        not(any(
            feature = "gzip",
            feature = "snappy",
            feature = "lz4",
            feature = "zstd"
        )),
        allow(dead_code)
    )]
    pub(crate) const fn corrupt(codec: Compression, kind: CorruptKind) -> Self {
        Error::Corrupt { codec, kind }
    }
}

impl fmt::Display for CorruptKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CorruptKind::Truncated => "input is truncated",
            CorruptKind::BadMagic => "bad magic number",
            CorruptKind::BadHeader => "invalid header",
            CorruptKind::BadChecksum => "checksum mismatch",
            CorruptKind::BadData => "invalid compressed data",
            CorruptKind::BadLength => "impossible length",
            CorruptKind::Unsupported => "unsupported feature",
            CorruptKind::TrailingData => "trailing bytes after the end of the stream",
        })
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::UnknownCodec(c) => write!(f, "unknown compression codec {c}"),
            Error::CodecDisabled(c) => write!(
                f,
                "compression codec {c} is disabled in this build (enable the `{c}` feature of kafkawire-compress)"
            ),
            Error::OutputLimitExceeded { limit } => {
                write!(f, "decompressed output exceeds the limit of {limit} bytes")
            }
            Error::InvalidLevel { codec, level } => {
                write!(f, "compression level {level} is not valid for {codec}")
            }
            Error::Corrupt { codec, kind } => write!(f, "corrupt {codec} input: {kind}"),
            Error::CompressFailed(c) => write!(f, "{c} compression failed in the backend"),
        }
    }
}

impl std::error::Error for Error {}

impl From<Error> for std::io::Error {
    fn from(e: Error) -> Self {
        let kind = match e {
            Error::Corrupt { .. } | Error::OutputLimitExceeded { .. } => {
                std::io::ErrorKind::InvalidData
            }
            Error::CompressFailed(_) => std::io::ErrorKind::Other,
            _ => std::io::ErrorKind::InvalidInput,
        };
        std::io::Error::new(kind, e)
    }
}
