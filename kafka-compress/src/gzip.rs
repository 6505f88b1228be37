//! gzip (RFC 1952) through `flate2`.

use std::io::{ErrorKind, Write};

use flate2::bufread::GzDecoder;
use flate2::write::GzEncoder;

use crate::sink::{initial_capacity, read_to_end_bounded};
use crate::{Compression, CorruptKind, Error};

const MAGIC: [u8; 2] = [0x1f, 0x8b];

/// Compresses `input` as one gzip member at `level` (1 to 9, or -1 for
/// zlib's default, 6, as `java.util.zip.Deflater` does).
pub(crate) fn compress(level: i32, input: &[u8], out: &mut Vec<u8>) -> Result<(), Error> {
    let level = u32::try_from(level).unwrap_or(6);
    let mut enc = GzEncoder::new(out, flate2::Compression::new(level));
    enc.write_all(input)
        .map_err(|_| Error::CompressFailed(Compression::GZIP))?;
    enc.finish()
        .map_err(|_| Error::CompressFailed(Compression::GZIP))?;
    Ok(())
}

/// Decompresses one or more concatenated gzip members.
pub(crate) fn decompress(input: &[u8], limit: usize) -> Result<Vec<u8>, Error> {
    if input.is_empty() {
        return Err(corrupt(CorruptKind::Truncated));
    }
    let mut out = Vec::with_capacity(initial_capacity(input.len(), limit));
    let mut rest = input;
    loop {
        if rest.len() < MAGIC.len() {
            return Err(corrupt(CorruptKind::Truncated));
        }
        if !rest.starts_with(&MAGIC) {
            return Err(corrupt(if out.is_empty() && rest.len() == input.len() {
                CorruptKind::BadMagic
            } else {
                CorruptKind::TrailingData
            }));
        }
        // The bufread decoder consumes exactly one member from `rest`.
        read_to_end_bounded(GzDecoder::new(&mut rest), &mut out, limit, map_io)?;
        if rest.is_empty() {
            return Ok(out);
        }
    }
}

fn corrupt(kind: CorruptKind) -> Error {
    Error::corrupt(Compression::GZIP, kind)
}

fn map_io(e: std::io::Error) -> Error {
    corrupt(match e.kind() {
        ErrorKind::UnexpectedEof => CorruptKind::Truncated,
        _ => CorruptKind::BadData,
    })
}
