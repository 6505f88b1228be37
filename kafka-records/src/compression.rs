//! The bridge to `kafkawire-compress`: every codec call of this crate goes
//! through here, with the output limit applied and errors mapped.

use bytes::Bytes;

use crate::error::{Error, ErrorKind, Result};

pub use kafkawire_compress::Compression;

fn map(field: &'static str) -> impl Fn(kafkawire_compress::Error) -> Error {
    move |e| Error::new(ErrorKind::Compression(e), field, 0)
}

/// Decompresses a RecordBatch v2 payload (or a legacy magic 1 wrapper value),
/// producing at most `limit` bytes.
pub(crate) fn decompress(
    codec: Compression,
    input: &[u8],
    limit: usize,
    field: &'static str,
) -> Result<Bytes> {
    kafkawire_compress::decompress(codec, input, limit)
        .map(Bytes::from)
        .map_err(map(field))
}

/// Decompresses a legacy magic 0 wrapper value; LZ4 there uses Kafka's
/// broken frame checksum (KAFKA-3160).
pub(crate) fn decompress_magic0(
    codec: Compression,
    input: &[u8],
    limit: usize,
    field: &'static str,
) -> Result<Bytes> {
    if codec == Compression::LZ4 {
        kafkawire_compress::lz4::decompress_legacy_magic0(input, limit)
            .map(Bytes::from)
            .map_err(map(field))
    } else {
        decompress(codec, input, limit, field)
    }
}

/// Compresses `input`, appending to `out`.
pub(crate) fn compress(
    codec: Compression,
    level: Option<i32>,
    input: &[u8],
    out: &mut Vec<u8>,
    field: &'static str,
) -> Result<()> {
    kafkawire_compress::compress(codec, level, input, out).map_err(map(field))
}

/// Compresses a legacy magic 0 wrapper value (KAFKA-3160 LZ4 framing).
pub(crate) fn compress_magic0(
    codec: Compression,
    level: Option<i32>,
    input: &[u8],
    out: &mut Vec<u8>,
    field: &'static str,
) -> Result<()> {
    if codec == Compression::LZ4 {
        kafkawire_compress::lz4::compress_legacy_magic0(level, input, out).map_err(map(field))
    } else {
        compress(codec, level, input, out, field)
    }
}
