//! The LZ4 frame format as Kafka uses it, including the KAFKA-3160 legacy
//! header checksum of magic-0 messages.
//!
//! Kafka writes LZ4 frames (not raw blocks) with independent 64 KiB blocks,
//! no block or content checksums and no content size; a block that does not
//! shrink is stored uncompressed. This crate writes exactly that. It reads
//! any LZ4 frame: with or without content size, block checksums and content
//! checksum, with independent or linked blocks, and skips skippable frames.
//! Frames that need a dictionary are refused as unsupported.
//!
//! The record-batch path goes through [`crate::compress`] and
//! [`crate::decompress`]; this module adds the two functions a reader and
//! writer of message format v0 needs.

#[cfg(feature = "lz4")]
use crate::sink::{check_len, initial_capacity};
#[cfg(feature = "lz4")]
use crate::{Compression, CorruptKind};

/// Compresses `input` as an LZ4 frame whose descriptor checksum is computed
/// the way Kafka before 0.10 did it (KAFKA-3160): over the magic number and
/// the descriptor, instead of the descriptor alone. Message format v0
/// (magic 0) requires this; the Java client and librdkafka write it for v0.
///
/// Appends to `out`, at `level` as [`crate::compress`] takes it (`None`:
/// the default, 9); Kafka's Java producer honours the level at magic 0 too.
///
/// # Errors
///
/// [`crate::Error::CodecDisabled`] if the `lz4` feature is off.
pub fn compress_legacy_magic0(
    level: Option<i32>,
    input: &[u8],
    out: &mut Vec<u8>,
) -> Result<(), crate::Error> {
    #[cfg(feature = "lz4")]
    {
        compress_frame(level.unwrap_or(9), true, input, out)
    }
    #[cfg(not(feature = "lz4"))]
    {
        let _ = (level, input, out);
        Err(crate::Error::CodecDisabled(crate::Compression::LZ4))
    }
}

/// Decompresses an LZ4 frame from a magic-0 message, ignoring the frame
/// descriptor checksum as the Java client does for magic 0 (old writers
/// computed it over the wrong bytes, see [`compress_legacy_magic0`]).
/// Everything else is checked as in [`crate::decompress`].
///
/// # Errors
///
/// As [`crate::decompress`].
pub fn decompress_legacy_magic0(input: &[u8], limit: usize) -> Result<Vec<u8>, crate::Error> {
    #[cfg(feature = "lz4")]
    {
        decompress_frames(input, limit, true)
    }
    #[cfg(not(feature = "lz4"))]
    {
        let _ = (input, limit);
        Err(crate::Error::CodecDisabled(crate::Compression::LZ4))
    }
}

#[cfg(feature = "lz4")]
pub(crate) use imp::{compress_frame, decompress_frames};

#[cfg(feature = "lz4")]
mod imp {
    use xxhash_rust::xxh32::xxh32;

    use std::cell::Cell;

    use super::{Compression, CorruptKind, check_len, initial_capacity};
    use crate::Error;

    /// The LZ4 frame magic number (little-endian on the wire).
    const MAGIC: u32 = 0x184D_2204;
    /// Skippable frames use magics `0x184D2A50` to `0x184D2A5F`.
    const SKIPPABLE_MASK: u32 = 0xFFFF_FFF0;
    const SKIPPABLE: u32 = 0x184D_2A50;
    /// FLG: version 01, independent blocks, nothing else (what Kafka writes).
    const FLG_KAFKA: u8 = 0x60;
    /// BD: 64 KiB maximum block size.
    const BD_64K: u8 = 0x40;
    const BLOCK_64K: usize = 64 * 1024;
    /// The high bit of a block size marks a stored (uncompressed) block.
    const UNCOMPRESSED: u32 = 0x8000_0000;
    /// Linked blocks may refer to the previous 64 KiB of output.
    const WINDOW: usize = 64 * 1024;
    /// The descriptor checksum of `FLG_KAFKA, BD_64K`: what Kafka's Java
    /// client, librdkafka and this crate write, so it is not hashed again on
    /// every call (a test checks it against [`header_checksum`]).
    const KAFKA_DESCRIPTOR_CHECKSUM: u8 = 0x82;
    /// The largest block scratch buffer kept between calls: frames with
    /// larger blocks (256 KiB to 4 MiB) get a scratch buffer that is freed
    /// after the call.
    const SCRATCH_KEEP: usize = 256 * 1024;

    thread_local! {
        /// Where compressed blocks are decoded before being appended to the
        /// output: kept per thread, so the room a block may need (up to its
        /// frame's block size) is zeroed once per thread, not once per call.
        static SCRATCH: Cell<Vec<u8>> = const { Cell::new(Vec::new()) };
    }

    fn corrupt(kind: CorruptKind) -> Error {
        Error::corrupt(Compression::LZ4, kind)
    }

    /// The descriptor checksum byte: the second byte of the XXH32 (seed 0).
    fn header_checksum(bytes: &[u8]) -> u8 {
        if bytes == [FLG_KAFKA, BD_64K] {
            KAFKA_DESCRIPTOR_CHECKSUM
        } else {
            (xxh32(bytes, 0) >> 8) as u8
        }
    }

    /// An LZ4 block expands at most 255 times (each extra match-length byte
    /// adds at most 255 output bytes).
    fn max_block_expansion(compressed_len: usize) -> usize {
        compressed_len.saturating_mul(255).saturating_add(16)
    }

    /// Writes one frame the way Kafka's `Lz4BlockOutputStream` does.
    ///
    /// `level` has been validated; see the crate docs for how levels map to
    /// the backend. `legacy_hc` selects the KAFKA-3160 descriptor checksum.
    pub(crate) fn compress_frame(
        level: i32,
        legacy_hc: bool,
        input: &[u8],
        out: &mut Vec<u8>,
    ) -> Result<(), Error> {
        let frame_start = out.len();
        out.extend_from_slice(&MAGIC.to_le_bytes());
        out.push(FLG_KAFKA);
        out.push(BD_64K);
        let hc = if legacy_hc {
            header_checksum(out.get(frame_start..).unwrap_or_default())
        } else {
            KAFKA_DESCRIPTOR_CHECKSUM
        };
        out.push(hc);
        // The frame is never longer than the input plus 4 bytes per block and
        // the end mark, because a block that does not shrink is stored.
        let blocks = input.len().div_ceil(BLOCK_64K);
        out.reserve(input.len() + 4 * blocks + 4);
        // One scratch block, reused: each block is compressed into it and
        // then either it or the input block is copied out.
        let mut scratch =
            vec![0; lz4_flex::block::get_maximum_output_size(input.len().min(BLOCK_64K))];
        for block in input.chunks(BLOCK_64K) {
            let compressed = compress_block(level, block, &mut scratch)?;
            match scratch.get(..compressed) {
                Some(packed) if compressed < block.len() => {
                    out.extend_from_slice(&(compressed as u32).to_le_bytes());
                    out.extend_from_slice(packed);
                }
                _ => {
                    // Stored, as Kafka does when compression does not help.
                    out.extend_from_slice(&(block.len() as u32 | UNCOMPRESSED).to_le_bytes());
                    out.extend_from_slice(block);
                }
            }
        }
        out.extend_from_slice(&0u32.to_le_bytes());
        Ok(())
    }

    /// Kafka's default level, which uses the fast compressor; every other
    /// level uses LZ4 HC at that level (as `Lz4BlockOutputStream` does).
    #[cfg_attr(not(feature = "lz4-hc"), allow(dead_code))]
    pub(crate) const DEFAULT_LEVEL: i32 = 9;

    /// Compresses one block into `dst`, which is at least
    /// `get_maximum_output_size(block.len())` long.
    fn compress_block(level: i32, block: &[u8], dst: &mut [u8]) -> Result<usize, Error> {
        #[cfg(feature = "lz4-hc")]
        if level != DEFAULT_LEVEL {
            let mode = ::lz4::block::CompressionMode::HIGHCOMPRESSION(level);
            return ::lz4::block::compress_to_buffer(block, Some(mode), false, dst)
                .map_err(|_| Error::CompressFailed(Compression::LZ4));
        }
        #[cfg(not(feature = "lz4-hc"))]
        let _ = level;
        lz4_flex::block::compress_into(block, dst)
            .map_err(|_| Error::CompressFailed(Compression::LZ4))
    }

    /// A little cursor over the input that never panics.
    struct Reader<'a>(&'a [u8]);

    impl<'a> Reader<'a> {
        fn take(&mut self, n: usize) -> Result<&'a [u8], Error> {
            if self.0.len() < n {
                return Err(corrupt(CorruptKind::Truncated));
            }
            let (head, tail) = self.0.split_at(n);
            self.0 = tail;
            Ok(head)
        }

        fn u8(&mut self) -> Result<u8, Error> {
            let (&b, tail) = self
                .0
                .split_first()
                .ok_or(corrupt(CorruptKind::Truncated))?;
            self.0 = tail;
            Ok(b)
        }

        fn u32_le(&mut self) -> Result<u32, Error> {
            let (b, tail) = self
                .0
                .split_first_chunk::<4>()
                .ok_or(corrupt(CorruptKind::Truncated))?;
            self.0 = tail;
            Ok(u32::from_le_bytes(*b))
        }

        fn u64_le(&mut self) -> Result<u64, Error> {
            let (b, tail) = self
                .0
                .split_first_chunk::<8>()
                .ok_or(corrupt(CorruptKind::Truncated))?;
            self.0 = tail;
            Ok(u64::from_le_bytes(*b))
        }
    }

    /// Decompresses one or more frames (skippable frames are skipped).
    /// `legacy_hc` ignores the descriptor checksum (magic-0 messages).
    pub(crate) fn decompress_frames(
        input: &[u8],
        limit: usize,
        legacy_hc: bool,
    ) -> Result<Vec<u8>, Error> {
        let mut scratch = SCRATCH.try_with(Cell::take).unwrap_or_default();
        let result = decode_frames(input, limit, legacy_hc, &mut scratch);
        if scratch.len() <= SCRATCH_KEEP {
            let _ = SCRATCH.try_with(|cell| cell.set(scratch));
        }
        result
    }

    fn decode_frames(
        input: &[u8],
        limit: usize,
        legacy_hc: bool,
        scratch: &mut Vec<u8>,
    ) -> Result<Vec<u8>, Error> {
        // Nothing is allocated before the first block is decoded: see
        // `append`.
        let mut out = Vec::new();
        let guess = initial_capacity(input.len(), limit);
        let mut r = Reader(input);
        let mut frames = 0usize;
        loop {
            let magic = match r.u32_le() {
                Ok(m) => m,
                Err(e) if frames == 0 => return Err(e),
                Err(_) => return Err(corrupt(CorruptKind::TrailingData)),
            };
            if magic & SKIPPABLE_MASK == SKIPPABLE {
                let len = r.u32_le()?;
                r.take(usize::try_from(len).unwrap_or(usize::MAX))?;
            } else if magic == MAGIC {
                decode_frame(&mut r, &mut out, scratch, limit, legacy_hc, guess)?;
            } else if frames == 0 {
                return Err(corrupt(CorruptKind::BadMagic));
            } else {
                return Err(corrupt(CorruptKind::TrailingData));
            }
            frames += 1;
            if r.0.is_empty() {
                return Ok(out);
            }
        }
    }

    /// Appends `data` to `out`. The first data of a frame that will have
    /// more (`more`) reserves `guess` (from the input length, at most 4 MiB
    /// and the limit); otherwise the output grows as a `Vec` does, so a
    /// one-block payload is allocated exactly once, at its size.
    fn append(out: &mut Vec<u8>, data: &[u8], more: bool, guess: usize) {
        if out.capacity() == 0 {
            *out = Vec::with_capacity(if more {
                guess.max(data.len())
            } else {
                data.len()
            });
        }
        out.extend_from_slice(data);
    }

    fn decode_frame(
        r: &mut Reader<'_>,
        out: &mut Vec<u8>,
        scratch: &mut Vec<u8>,
        limit: usize,
        legacy_hc: bool,
        guess: usize,
    ) -> Result<(), Error> {
        let descriptor_start = r.0;
        let flg = r.u8()?;
        let bd = r.u8()?;
        if flg >> 6 != 1 || flg & 0x02 != 0 || bd & 0x8F != 0 {
            return Err(corrupt(CorruptKind::BadHeader));
        }
        let independent = flg & 0x20 != 0;
        let block_checksum = flg & 0x10 != 0;
        let has_content_size = flg & 0x08 != 0;
        let content_checksum = flg & 0x04 != 0;
        let has_dict_id = flg & 0x01 != 0;
        let max_block = match (bd >> 4) & 0x07 {
            4 => 64 << 10,
            5 => 256 << 10,
            6 => 1 << 20,
            7 => 4 << 20,
            _ => return Err(corrupt(CorruptKind::BadHeader)),
        };
        let content_size = if has_content_size {
            Some(r.u64_le()?)
        } else {
            None
        };
        if has_dict_id {
            r.u32_le()?;
        }
        let descriptor_len = descriptor_start.len() - r.0.len();
        let hc = r.u8()?;
        if !legacy_hc {
            let descriptor = descriptor_start.get(..descriptor_len).unwrap_or_default();
            if header_checksum(descriptor) != hc {
                return Err(corrupt(CorruptKind::BadChecksum));
            }
        }
        if has_dict_id {
            return Err(corrupt(CorruptKind::Unsupported));
        }
        let frame_start = out.len();
        if let Some(size) = content_size {
            let size = usize::try_from(size).unwrap_or(usize::MAX);
            check_len(frame_start.saturating_add(size), limit)?;
        }
        loop {
            let header = r.u32_le()?;
            if header == 0 {
                break;
            }
            let stored = header & UNCOMPRESSED != 0;
            let size = (header & !UNCOMPRESSED) as usize;
            if size > max_block {
                return Err(corrupt(CorruptKind::BadLength));
            }
            let block = r.take(size)?;
            if block_checksum {
                let sum = r.u32_le()?;
                if xxh32(block, 0) != sum {
                    return Err(corrupt(CorruptKind::BadChecksum));
                }
            }
            // Whether another block follows (anything but the end mark).
            let more = r.0.first_chunk::<4>().is_some_and(|h| *h != [0; 4]);
            if stored {
                check_len(out.len().saturating_add(size), limit)?;
                append(out, block, more, guess);
            } else {
                let frame = Frame {
                    start: frame_start,
                    independent,
                    max_block,
                };
                decode_block(block, out, scratch, &frame, limit, more, guess)?;
            }
        }
        if content_checksum {
            let sum = r.u32_le()?;
            if xxh32(out.get(frame_start..).unwrap_or_default(), 0) != sum {
                return Err(corrupt(CorruptKind::BadChecksum));
            }
        }
        if let Some(size) = content_size {
            if (out.len() - frame_start) as u64 != size {
                return Err(corrupt(CorruptKind::BadLength));
            }
        }
        Ok(())
    }

    /// What a block decoder needs to know of its frame.
    struct Frame {
        /// Where the frame's output starts in `out`.
        start: usize,
        /// Independent blocks (else linked: a block may refer to the
        /// previous 64 KiB of the frame's output).
        independent: bool,
        /// The frame's maximum block size.
        max_block: usize,
    }

    /// Decodes one compressed block, appending to `out`. The room given to
    /// the decoder is the least of the frame's block size, what the block can
    /// expand to, and what is left under `limit`.
    ///
    /// The block is decoded into `scratch` (this thread's, kept between
    /// calls) and then copied: the safe decoder needs an initialised
    /// `&mut [u8]`, and zeroing that room in the output on every call
    /// (64 KiB for a Kafka frame, whatever the payload) costs more than
    /// copying what was decoded.
    fn decode_block(
        block: &[u8],
        out: &mut Vec<u8>,
        scratch: &mut Vec<u8>,
        frame: &Frame,
        limit: usize,
        more: bool,
        guess: usize,
    ) -> Result<(), Error> {
        use lz4_flex::block::DecompressError;

        let left = limit.saturating_sub(out.len());
        let natural = frame.max_block.min(max_block_expansion(block.len()));
        let room = natural.min(left);
        if scratch.len() < room {
            scratch.resize(room, 0);
        }
        let dst = scratch.get_mut(..room).unwrap_or_default();
        let result = if frame.independent {
            decode_independent(block, dst)
        } else {
            let frame_out = out.get(frame.start..).unwrap_or_default();
            let dict = frame_out
                .get(frame_out.len().saturating_sub(WINDOW)..)
                .unwrap_or_default();
            decode_linked(block, dst, dict)
        };
        match result {
            Ok(n) => {
                append(out, dst.get(..n).unwrap_or_default(), more, guess);
                Ok(())
            }
            Err(DecompressError::OutputTooSmall { .. }) if room < natural => {
                Err(Error::OutputLimitExceeded { limit })
            }
            Err(DecompressError::OutputTooSmall { .. }) => Err(corrupt(CorruptKind::BadLength)),
            Err(_) => Err(corrupt(CorruptKind::BadData)),
        }
    }

    // lz4_flex's block decoder is kept out of line, as a function of its
    // own: inlined into the frame walker it ran 6 to 8 % slower on 1 KiB
    // payloads (`benches/codecs.rs`, decompress/lz4-*/json-1K).
    #[inline(never)]
    fn decode_independent(
        block: &[u8],
        dst: &mut [u8],
    ) -> Result<usize, lz4_flex::block::DecompressError> {
        lz4_flex::block::decompress_into(block, dst)
    }

    #[inline(never)]
    fn decode_linked(
        block: &[u8],
        dst: &mut [u8],
        dict: &[u8],
    ) -> Result<usize, lz4_flex::block::DecompressError> {
        lz4_flex::block::decompress_into_with_dict(block, dst, dict)
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        /// A frame with descriptor `flg, bd` holding `blocks` (each a
        /// compressed block), no checksums.
        fn frame(flg: u8, bd: u8, blocks: &[&[u8]]) -> Vec<u8> {
            let mut f = MAGIC.to_le_bytes().to_vec();
            f.extend_from_slice(&[flg, bd, (xxh32(&[flg, bd], 0) >> 8) as u8]);
            for b in blocks {
                f.extend_from_slice(&(b.len() as u32).to_le_bytes());
                f.extend_from_slice(b);
            }
            f.extend_from_slice(&[0; 4]);
            f
        }

        fn scratch_capacity() -> usize {
            SCRATCH.with(|cell| {
                let v = cell.take();
                let n = v.capacity();
                cell.set(v);
                n
            })
        }

        #[test]
        fn kafka_descriptor_checksum_is_the_xxh32_byte() {
            assert_eq!(
                (xxh32(&[FLG_KAFKA, BD_64K], 0) >> 8) as u8,
                KAFKA_DESCRIPTOR_CHECKSUM
            );
            assert_eq!(header_checksum(&[FLG_KAFKA, BD_64K]), 0x82);
            // Any other descriptor is hashed.
            assert_eq!(
                header_checksum(&[0x64, 0x40]),
                (xxh32(&[0x64, 0x40], 0) >> 8) as u8
            );
            // And a wrong checksum on the Kafka descriptor is still refused.
            let mut f = frame(FLG_KAFKA, BD_64K, &[&lz4_flex::block::compress(b"abc")]);
            assert_eq!(decompress_frames(&f, 100, false), Ok(b"abc".to_vec()));
            f[6] ^= 1;
            assert_eq!(
                decompress_frames(&f, 100, false),
                Err(corrupt(CorruptKind::BadChecksum))
            );
        }

        #[test]
        fn the_scratch_buffer_leaks_nothing_between_calls() {
            // Fill this thread's scratch with non-zero bytes.
            let noise: Vec<u8> = (0..60_000u32).map(|i| (i * 7 + 1) as u8).collect();
            let f = frame(FLG_KAFKA, BD_64K, &[&lz4_flex::block::compress(&noise)]);
            assert_eq!(decompress_frames(&f, 1 << 20, false).unwrap(), noise);
            assert!(scratch_capacity() >= 60_000, "the scratch is kept");
            // A block whose match reaches 256 bytes back from output
            // position 1: an error, not bytes of the previous call.
            let bad = [0x10, b'x', 0x00, 0x01, 0x50, b'a', b'b', b'c', b'd', b'e'];
            let f = frame(FLG_KAFKA, BD_64K, &[&bad]);
            assert_eq!(
                decompress_frames(&f, 1 << 20, false),
                Err(corrupt(CorruptKind::BadData))
            );
            // The same shape with a valid offset decodes to exactly its bytes.
            let good = [0x10, b'x', 0x01, 0x00, 0x50, b'a', b'b', b'c', b'd', b'e'];
            let f = frame(FLG_KAFKA, BD_64K, &[&good]);
            assert_eq!(
                decompress_frames(&f, 1 << 20, false),
                Ok(b"xxxxxabcde".to_vec())
            );
        }

        #[test]
        fn a_large_scratch_buffer_is_not_kept() {
            // 4 MiB blocks: a 1 MiB block of text needs more room than is kept.
            let text = b"{\"id\":1,\"event\":\"click\"}\n".repeat(40_000);
            let block = lz4_flex::block::compress(&text);
            let f = frame(0x60, 0x70, &[&block]);
            assert_eq!(decompress_frames(&f, 64 << 20, false).unwrap(), text);
            assert!(scratch_capacity() <= SCRATCH_KEEP);
            // A Kafka frame's scratch (64 KiB at most) is kept.
            let f = frame(
                FLG_KAFKA,
                BD_64K,
                &[&lz4_flex::block::compress(&text[..50_000])],
            );
            assert_eq!(
                decompress_frames(&f, 64 << 20, false).unwrap(),
                &text[..50_000]
            );
            let kept = scratch_capacity();
            assert!((50_000..=BLOCK_64K).contains(&kept), "{kept}");
        }
    }
}
