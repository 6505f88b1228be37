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
    // Room for the worst case up front (snappy's bound, 32 + n + n/6 per
    // block, plus the block lengths and the header), as the LZ4 and zstd
    // writers do: growing by doubling instead copied the output about twice
    // over and made incompressible 1 MiB inputs a third slower than the
    // direct calls (`cargo bench -p kafkawire-compress --bench codecs`).
    let blocks = input.len().div_ceil(XERIAL_BLOCK);
    out.reserve(
        input
            .len()
            .saturating_add(input.len() / 6)
            .saturating_add(blocks.saturating_mul(36))
            .saturating_add(XERIAL_HEADER_LEN),
    );
    out.extend_from_slice(&XERIAL_MAGIC);
    out.extend_from_slice(&XERIAL_VERSION.to_be_bytes());
    out.extend_from_slice(&XERIAL_VERSION.to_be_bytes());
    let mut enc = snap::raw::Encoder::new();
    // One scratch block, reused; only what snappy wrote is copied out.
    let mut scratch = vec![0; snap::raw::max_compress_len(input.len().min(XERIAL_BLOCK))];
    for chunk in input.chunks(XERIAL_BLOCK) {
        // The scratch block is max_compress_len of the largest chunk, so this cannot
        // fail; if it did, an empty block would be written and decoding
        // would report the stream as corrupt rather than lose data silently.
        let n = enc.compress(chunk, &mut scratch).unwrap_or(0);
        let block = scratch.get(..n).unwrap_or_default();
        // n is at most max_compress_len(32 KiB), far below i32::MAX.
        out.extend_from_slice(&(n as u32).to_be_bytes());
        out.extend_from_slice(block);
    }
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
    // The common case first, without the general walk: a xerial stream of a
    // single block, which is what the Java client writes for every batch up
    // to 32 KiB. It is the same stream `decompress_xerial` would accept.
    if let Some(block) = single_xerial_block(input) {
        return decode_block(block, limit);
    }
    match detect(input) {
        Layout::Xerial => decompress_xerial(input, limit),
        Layout::Framed => decompress_framed(input, limit),
        Layout::Raw => decode_block(input, limit),
    }
}

/// The block of a xerial stream that holds exactly one, non-empty block.
fn single_xerial_block(input: &[u8]) -> Option<&[u8]> {
    let (header, rest) = input.split_first_chunk::<XERIAL_HEADER_LEN>()?;
    let (magic, _) = header.split_first_chunk::<8>()?;
    if *magic != XERIAL_MAGIC {
        return None;
    }
    let (len, block) = rest.split_first_chunk::<4>()?;
    let len = usize::try_from(i32::from_be_bytes(*len)).ok()?;
    (len != 0 && len == block.len()).then_some(block)
}

/// Decodes one raw block into a buffer of its claimed length.
fn decode_block(block: &[u8], limit: usize) -> Result<Vec<u8>, Error> {
    let len = claimed_len(block)?;
    check_len(len, limit)?;
    let mut out = vec![0; len];
    decode_raw(&mut snap::raw::Decoder::new(), block, &mut out)?;
    Ok(out)
}

fn corrupt(kind: CorruptKind) -> Error {
    Error::corrupt(Compression::SNAPPY, kind)
}

/// The length a raw block's header claims, refused if the block could not
/// possibly expand that far.
fn claimed_len(block: &[u8]) -> Result<usize, Error> {
    let claimed = snap::raw::decompress_len(block).map_err(map_snap)?;
    if claimed > max_raw_expansion(block.len()) {
        return Err(corrupt(CorruptKind::BadLength));
    }
    Ok(claimed)
}

/// Decodes a raw block into `dst`, which is exactly its claimed length.
fn decode_raw(dec: &mut snap::raw::Decoder, block: &[u8], dst: &mut [u8]) -> Result<(), Error> {
    match dec.decompress(block, dst) {
        Ok(n) if n == dst.len() => Ok(()),
        Ok(_) => Err(corrupt(CorruptKind::BadLength)),
        Err(e) => Err(map_snap(e)),
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

/// The next block of a xerial stream (after its header), or `None` at the
/// end. Like snappy-java, a second stream header where a block length is
/// expected starts a concatenated stream and is skipped.
fn next_xerial_block<'a>(rest: &mut &'a [u8]) -> Result<Option<&'a [u8]>, Error> {
    while rest.starts_with(&XERIAL_MAGIC) {
        *rest = rest
            .get(XERIAL_HEADER_LEN..)
            .ok_or(corrupt(CorruptKind::Truncated))?;
    }
    if rest.is_empty() {
        return Ok(None);
    }
    let (len, tail) = rest
        .split_first_chunk::<4>()
        .ok_or(corrupt(CorruptKind::Truncated))?;
    let len =
        usize::try_from(i32::from_be_bytes(*len)).map_err(|_| corrupt(CorruptKind::BadLength))?;
    if len == 0 {
        return Err(corrupt(CorruptKind::BadLength));
    }
    if tail.len() < len {
        return Err(corrupt(CorruptKind::Truncated));
    }
    let (block, tail) = tail.split_at(len);
    *rest = tail;
    Ok(Some(block))
}

/// snappy-java's framing: a 16-byte header, then blocks each prefixed by a
/// big-endian `i32` length. A first pass checks the layout and adds up the
/// blocks' claimed lengths (each bounded by what its bytes can expand to, the
/// total by `limit`); the second decodes into one buffer of that size.
fn decompress_xerial(input: &[u8], limit: usize) -> Result<Vec<u8>, Error> {
    let body = input
        .get(XERIAL_HEADER_LEN..)
        .ok_or(corrupt(CorruptKind::Truncated))?;
    let mut dec = snap::raw::Decoder::new();
    let mut total = 0usize;
    let mut rest = body;
    while let Some(block) = next_xerial_block(&mut rest)? {
        total = total.saturating_add(claimed_len(block)?);
        check_len(total, limit)?;
    }
    let mut out = vec![0; total];
    let mut at = 0;
    let mut rest = body;
    while let Some(block) = next_xerial_block(&mut rest)? {
        let end = at + claimed_len(block)?;
        let dst = out
            .get_mut(at..end)
            .ok_or(corrupt(CorruptKind::BadLength))?;
        decode_raw(&mut dec, block, dst)?;
        at = end;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detect_tells_layouts_apart() {
        let mut xerial = Vec::new();
        compress_xerial(b"hello hello hello", &mut xerial);
        assert_eq!(detect(&xerial), Layout::Xerial);
        for n in 1..XERIAL_MAGIC.len() {
            assert_eq!(detect(&XERIAL_MAGIC[..n]), Layout::Xerial, "prefix {n}");
        }
        assert_eq!(detect(&FRAMED_STREAM_ID), Layout::Framed);
        // A partial stream identifier is a (broken) raw block, never framed.
        assert_eq!(detect(&FRAMED_STREAM_ID[..4]), Layout::Raw);
        assert_eq!(detect(&[]), Layout::Raw);
        let mut raw = vec![0; snap::raw::max_compress_len(5)];
        let n = snap::raw::Encoder::new()
            .compress(b"hello", &mut raw)
            .unwrap();
        assert_eq!(detect(&raw[..n]), Layout::Raw);
        // 0x82 followed by something other than 'S' is a raw varint.
        assert_eq!(detect(&[0x82, 0x01, 0x00]), Layout::Raw);
    }

    /// The one-block shortcut takes exactly the streams of one non-empty
    /// block, and on those (and on every corruption of their first bytes)
    /// answers as the general walk does.
    #[test]
    fn single_block_shortcut_agrees_with_the_walk() {
        for len in [0, 1, 100, XERIAL_BLOCK, XERIAL_BLOCK + 1, 3 * XERIAL_BLOCK] {
            let input: Vec<u8> = (0..len).map(|i| (i * 7 % 251) as u8).collect();
            let mut stream = Vec::new();
            compress_xerial(&input, &mut stream);
            let blocks = len.div_ceil(XERIAL_BLOCK);
            assert_eq!(single_xerial_block(&stream).is_some(), blocks == 1, "{len}");
            assert_eq!(decompress(&stream, 1 << 20), Ok(input.clone()), "{len}");
            if blocks != 1 {
                continue;
            }
            let mut bad = stream.clone();
            bad.push(0); // a trailing byte: no longer one exact block
            assert!(single_xerial_block(&bad).is_none());
            assert!(decompress(&bad, 1 << 20).is_err());
            for at in 0..stream.len().min(40) {
                for flip in [0x01, 0x80, 0xff] {
                    let mut bad = stream.clone();
                    bad[at] ^= flip;
                    if detect(&bad) == Layout::Xerial {
                        assert_eq!(
                            decompress(&bad, 1 << 20),
                            decompress_xerial(&bad, 1 << 20),
                            "{len}: byte {at} ^ {flip:#x}"
                        );
                    }
                }
            }
            // The limit applies on the shortcut too.
            assert_eq!(
                decompress(&stream, len - 1),
                Err(Error::OutputLimitExceeded { limit: len - 1 })
            );
        }
    }

    /// Why the detection is sound: no valid raw block starts with the xerial
    /// magic or the framing stream identifier.
    #[test]
    fn magic_numbers_are_not_valid_raw_blocks() {
        let mut buf = vec![0u8; 1 << 20];
        let mut dec = snap::raw::Decoder::new();
        for prefix in [&XERIAL_MAGIC[..3], &XERIAL_MAGIC[..], &FRAMED_STREAM_ID[..]] {
            // Whatever follows, the block is invalid.
            for tail in [
                &[][..],
                &[0u8; 64][..],
                &[0xffu8; 64][..],
                b"anything at all",
            ] {
                let mut input = prefix.to_vec();
                input.extend_from_slice(tail);
                assert!(dec.decompress(&input, &mut buf).is_err(), "{input:?}");
            }
        }
    }

    #[test]
    fn xerial_blocks_are_32_kib() {
        let data = vec![7u8; XERIAL_BLOCK * 2 + 5];
        let mut out = Vec::new();
        compress_xerial(&data, &mut out);
        assert_eq!(out[..8], XERIAL_MAGIC);
        assert_eq!(out[8..16], [0, 0, 0, 1, 0, 0, 0, 1]);
        let mut rest = &out[16..];
        let mut sizes = Vec::new();
        while !rest.is_empty() {
            let n = u32::from_be_bytes(rest[..4].try_into().unwrap()) as usize;
            sizes.push(snap::raw::decompress_len(&rest[4..4 + n]).unwrap());
            rest = &rest[4 + n..];
        }
        assert_eq!(sizes, [XERIAL_BLOCK, XERIAL_BLOCK, 5]);
    }

    #[test]
    fn raw_expansion_bound_holds_for_the_best_case() {
        // Long runs are snappy's best case; the bound must admit them.
        let zeros = vec![0u8; 1 << 20];
        let mut raw = vec![0; snap::raw::max_compress_len(zeros.len())];
        let n = snap::raw::Encoder::new()
            .compress(&zeros, &mut raw)
            .unwrap();
        assert!(
            zeros.len() <= max_raw_expansion(n),
            "{} from {n}",
            zeros.len()
        );
        assert_eq!(decompress(&raw[..n], zeros.len()).unwrap(), zeros);
    }
}
