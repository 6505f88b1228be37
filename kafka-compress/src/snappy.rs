//! snappy: snappy-java's xerial framing (written), raw blocks and the snappy
//! framing format (read too).

use std::io::ErrorKind;

use crate::sink::{check_len, initial_capacity, read_to_end_bounded};
use crate::{Compression, CorruptKind, Error};

/// snappy-java's stream magic: `0x82 "SNAPPY" 0x00`.
pub(crate) const XERIAL_MAGIC: [u8; 8] = [0x82, b'S', b'N', b'A', b'P', b'P', b'Y', 0];
/// Magic, then version and minimum compatible version as big-endian `i32`s.
pub(crate) const XERIAL_HEADER_LEN: usize = 16;
/// The version snappy-java writes (both fields).
const XERIAL_VERSION: i32 = 1;
/// snappy-java's default block size, which the Java client uses.
pub(crate) const XERIAL_BLOCK: usize = 32 * 1024;
/// The snappy framing format's stream identifier chunk.
const FRAMED_STREAM_ID: [u8; 10] = [0xff, 0x06, 0x00, 0x00, b's', b'N', b'a', b'P', b'p', b'Y'];

/// A raw snappy block expands at most 64 bytes per 3 input bytes (a copy
/// with a 2-byte offset); a claimed length beyond this is a lie.
fn max_raw_expansion(compressed_len: usize) -> usize {
    compressed_len.saturating_mul(22).saturating_add(32)
}

/// Compresses `input` in the xerial framing the Java client writes.
pub(crate) fn compress_xerial(input: &[u8], out: &mut Vec<u8>) {
    out.extend_from_slice(&XERIAL_MAGIC);
    out.extend_from_slice(&XERIAL_VERSION.to_be_bytes());
    out.extend_from_slice(&XERIAL_VERSION.to_be_bytes());
    let mut enc = snap::raw::Encoder::new();
    for chunk in input.chunks(XERIAL_BLOCK) {
        let len_at = out.len();
        out.extend_from_slice(&[0; 4]);
        compress_raw_with(&mut enc, chunk, out);
        let block_len = out.len() - len_at - 4;
        // A block is at most max_compress_len(32 KiB), far below i32::MAX.
        let block_len = u32::try_from(block_len).unwrap_or(u32::MAX);
        if let Some(slot) = out.get_mut(len_at..len_at + 4) {
            slot.copy_from_slice(&block_len.to_be_bytes());
        }
    }
}

fn compress_raw_with(enc: &mut snap::raw::Encoder, input: &[u8], out: &mut Vec<u8>) {
    let start = out.len();
    out.resize(start + snap::raw::max_compress_len(input.len()), 0);
    let dst = out.get_mut(start..).unwrap_or_default();
    // The destination is max_compress_len long, so this cannot fail for
    // inputs snappy accepts (under 4 GiB); a failure leaves nothing written.
    let written = enc.compress(input, dst).unwrap_or(0);
    out.truncate(start + written);
}

/// Which of the three snappy layouts an input uses.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Layout {
    Xerial,
    Framed,
    Raw,
}

/// Tells the layouts apart (see the crate docs for why this is unambiguous).
pub(crate) fn detect(input: &[u8]) -> Layout {
    if input.starts_with(&FRAMED_STREAM_ID) {
        Layout::Framed
    } else if !input.is_empty() && XERIAL_MAGIC.starts_with(input.get(..8).unwrap_or(input)) {
        // A full magic, or a non-empty prefix of it (a truncated xerial stream:
        // as a raw block it would be invalid anyway).
        Layout::Xerial
    } else {
        Layout::Raw
    }
}

/// Decompresses any of the three layouts.
pub(crate) fn decompress(input: &[u8], limit: usize) -> Result<Vec<u8>, Error> {
    match detect(input) {
        Layout::Xerial => decompress_xerial(input, limit),
        Layout::Framed => decompress_framed(input, limit),
        Layout::Raw => {
            let mut out = Vec::new();
            decompress_raw_into(input, limit, &mut out)?;
            Ok(out)
        }
    }
}

fn corrupt(kind: CorruptKind) -> Error {
    Error::corrupt(Compression::SNAPPY, kind)
}

/// Decompresses one raw block, appending to `out`; `out.len() + decoded`
/// must stay within `limit`.
pub(crate) fn decompress_raw_into(
    block: &[u8],
    limit: usize,
    out: &mut Vec<u8>,
) -> Result<(), Error> {
    let claimed = snap::raw::decompress_len(block).map_err(map_snap)?;
    if claimed > max_raw_expansion(block.len()) {
        return Err(corrupt(CorruptKind::BadLength));
    }
    check_len(out.len().saturating_add(claimed), limit)?;
    let start = out.len();
    out.resize(start + claimed, 0);
    let dst = out.get_mut(start..).unwrap_or_default();
    match snap::raw::Decoder::new().decompress(block, dst) {
        Ok(n) if n == claimed => Ok(()),
        Ok(_) => {
            out.truncate(start);
            Err(corrupt(CorruptKind::BadLength))
        }
        Err(e) => {
            out.truncate(start);
            Err(map_snap(e))
        }
    }
}

fn map_snap(e: snap::Error) -> Error {
    corrupt(match e {
        snap::Error::Empty | snap::Error::Header => CorruptKind::Truncated,
        snap::Error::TooBig { .. } | snap::Error::HeaderMismatch { .. } => CorruptKind::BadLength,
        snap::Error::Checksum { .. } => CorruptKind::BadChecksum,
        snap::Error::StreamHeader { .. } | snap::Error::StreamHeaderMismatch { .. } => {
            CorruptKind::BadHeader
        }
        snap::Error::UnsupportedChunkType { .. } | snap::Error::UnsupportedChunkLength { .. } => {
            CorruptKind::BadHeader
        }
        _ => CorruptKind::BadData,
    })
}

/// snappy-java's framing: a 16-byte header, then blocks each prefixed by a
/// big-endian `i32` length. Like snappy-java, a second header where a block
/// length is expected starts a concatenated stream.
fn decompress_xerial(input: &[u8], limit: usize) -> Result<Vec<u8>, Error> {
    if input.len() < XERIAL_HEADER_LEN {
        return Err(corrupt(CorruptKind::Truncated));
    }
    let mut out = Vec::with_capacity(initial_capacity(input.len(), limit));
    let mut rest = input.get(XERIAL_HEADER_LEN..).unwrap_or_default();
    while !rest.is_empty() {
        if rest.starts_with(&XERIAL_MAGIC) {
            rest = rest
                .get(XERIAL_HEADER_LEN..)
                .ok_or(corrupt(CorruptKind::Truncated))?;
            continue;
        }
        let (len, tail) = rest
            .split_first_chunk::<4>()
            .ok_or(corrupt(CorruptKind::Truncated))?;
        let len = usize::try_from(i32::from_be_bytes(*len))
            .map_err(|_| corrupt(CorruptKind::BadLength))?;
        if len == 0 {
            return Err(corrupt(CorruptKind::BadLength));
        }
        if tail.len() < len {
            return Err(corrupt(CorruptKind::Truncated));
        }
        let (block, tail) = tail.split_at(len);
        decompress_raw_into(block, limit, &mut out)?;
        rest = tail;
    }
    Ok(out)
}

/// The snappy framing format, through `snap`'s reader (which checks the
/// masked CRC-32C of every chunk and caps chunks at 64 KiB).
fn decompress_framed(input: &[u8], limit: usize) -> Result<Vec<u8>, Error> {
    let mut out = Vec::with_capacity(initial_capacity(input.len(), limit));
    read_to_end_bounded(snap::read::FrameDecoder::new(input), &mut out, limit, |e| {
        if e.kind() == ErrorKind::UnexpectedEof {
            return corrupt(CorruptKind::Truncated);
        }
        match e.into_inner().map(|inner| inner.downcast::<snap::Error>()) {
            Some(Ok(snap_err)) => map_snap(*snap_err),
            _ => corrupt(CorruptKind::BadData),
        }
    })?;
    Ok(out)
}
