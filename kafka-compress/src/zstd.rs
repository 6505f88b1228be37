//! zstd through the `zstd` crate (libzstd).

use std::cell::RefCell;

use zstd::stream::raw::{DParameter, Decoder, InBuffer, Operation, OutBuffer};
use zstd::zstd_safe;

use crate::sink::initial_capacity;
use crate::{Compression, CorruptKind, Error};

/// The largest window a frame may ask for: libzstd's own default maximum
/// (128 MiB), which Kafka's Java consumer (zstd-jni) and librdkafka accept
/// whatever the batch size. A streaming writer that does not know the input
/// size (the Java client's `ZstdOutputStream`) gets a window from the level
/// alone: 8 MiB up to level 19, 32, 64 and 128 MiB at levels 20, 21 and 22,
/// all levels Kafka accepts. So the window is not bounded by the output
/// limit; the output still is.
const MAX_WINDOW_LOG: u32 = 27;

thread_local! {
    /// One compression and one decompression context per thread, reused:
    /// creating a context costs more than compressing a small batch.
    static CCTX: RefCell<Option<zstd_safe::CCtx<'static>>> = const { RefCell::new(None) };
    static DCTX: RefCell<Option<zstd_safe::DCtx<'static>>> = const { RefCell::new(None) };
}

/// Runs `f` with this thread's compression context (a fresh one if it is
/// somehow in use already).
fn with_cctx<R>(f: impl FnOnce(&mut zstd_safe::CCtx<'static>) -> R) -> R {
    CCTX.with(|cell| match cell.try_borrow_mut() {
        Ok(mut slot) => f(slot.get_or_insert_with(zstd_safe::CCtx::create)),
        Err(_) => f(&mut zstd_safe::CCtx::create()),
    })
}

/// Runs `f` with this thread's decompression context.
fn with_dctx<R>(f: impl FnOnce(&mut zstd_safe::DCtx<'static>) -> R) -> R {
    DCTX.with(|cell| match cell.try_borrow_mut() {
        Ok(mut slot) => f(slot.get_or_insert_with(zstd_safe::DCtx::create)),
        Err(_) => f(&mut zstd_safe::DCtx::create()),
    })
}

/// Compresses `input` as one frame, with its content size, at `level`
/// (`ZSTD_compressCCtx`: the level alone sets the parameters).
pub(crate) fn compress(level: i32, input: &[u8], out: &mut Vec<u8>) -> Result<(), Error> {
    let bound = zstd_safe::compress_bound(input.len());
    let failed = |_| Error::CompressFailed(Compression::ZSTD);
    with_cctx(|cctx| {
        if out.is_empty() {
            // libzstd writes straight into the spare capacity.
            out.reserve(bound);
            cctx.compress(out, input, level).map_err(failed)?;
        } else {
            // It writes from the start of a Vec, so go through a second one.
            let mut frame = Vec::with_capacity(bound);
            cctx.compress(&mut frame, input, level).map_err(failed)?;
            out.extend_from_slice(&frame);
        }
        Ok(())
    })
}

fn corrupt(kind: CorruptKind) -> Error {
    Error::corrupt(Compression::ZSTD, kind)
}

/// Whether `rest` starts with a zstd frame or skippable-frame magic number,
/// or could (it is shorter than a magic number).
fn starts_frame(rest: &[u8]) -> bool {
    match rest.first_chunk::<4>() {
        Some(m) => {
            let m = u32::from_le_bytes(*m);
            m == 0xFD2F_B528 || m & 0xFFFF_FFF0 == 0x184D_2A50
        }
        None => true,
    }
}

/// The most output the fast path allocates up front on the word of a frame
/// header: 64 times the input, or 1 MiB.
fn trusted_content_size(input_len: usize) -> usize {
    input_len.saturating_mul(64).max(1 << 20)
}

/// The fast path: an input that is exactly one frame declaring a modest
/// content size is decoded in one call into a buffer of that size. Returns
/// `None` when the path does not apply or the frame does not decode to its
/// declared size; the streaming path then decides (and names the error).
fn decompress_sized(input: &[u8], limit: usize) -> Result<Option<Vec<u8>>, Error> {
    let Ok(Some(size)) = zstd_safe::get_frame_content_size(input) else {
        return Ok(None);
    };
    let size = usize::try_from(size).unwrap_or(usize::MAX);
    if size > limit {
        return Err(Error::OutputLimitExceeded { limit });
    }
    if size > trusted_content_size(input.len())
        || zstd_safe::find_frame_compressed_size(input) != Ok(input.len())
    {
        return Ok(None);
    }
    let mut out = Vec::with_capacity(size);
    // ZSTD_decompressDCtx starts a new frame; no parameter is ever set on
    // the shared context.
    match with_dctx(|dctx| dctx.decompress(&mut out, input)) {
        Ok(n) if n == size => Ok(Some(out)),
        _ => Ok(None),
    }
}

/// Decompresses one or more frames (skippable frames are skipped), growing
/// the output only as it is produced.
pub(crate) fn decompress(input: &[u8], limit: usize) -> Result<Vec<u8>, Error> {
    if input.is_empty() {
        return Err(corrupt(CorruptKind::Truncated));
    }
    if let Some(out) = decompress_sized(input, limit)? {
        return Ok(out);
    }
    let mut dec = Decoder::new().map_err(|_| corrupt(CorruptKind::BadData))?;
    dec.set_parameter(DParameter::WindowLogMax(MAX_WINDOW_LOG))
        .map_err(|_| corrupt(CorruptKind::BadData))?;
    let hard_cap = limit.saturating_add(1);
    let mut out: Vec<u8> = Vec::with_capacity(initial_capacity(input.len(), limit));
    let mut src = InBuffer::around(input);
    loop {
        if out.len() == out.capacity() {
            // Grow geometrically, never past one byte over the limit.
            let want = out.len().max(64 * 1024).min(hard_cap - out.len());
            if want == 0 {
                return Err(Error::OutputLimitExceeded { limit });
            }
            out.reserve_exact(want);
        }
        let before_in = src.pos();
        let before_out = out.len();
        let hint = {
            let pos = out.len();
            let mut dst = OutBuffer::around_pos(&mut out, pos);
            dec.run(&mut src, &mut dst)
                .map_err(|_| corrupt(CorruptKind::BadData))?
        };
        if out.len() > limit {
            return Err(Error::OutputLimitExceeded { limit });
        }
        if hint == 0 {
            // A frame ended: either the input ends too, or another frame
            // (or a skippable frame) must follow.
            let rest = input.get(src.pos()..).unwrap_or_default();
            if rest.is_empty() {
                return Ok(out);
            }
            if !starts_frame(rest) {
                return Err(corrupt(CorruptKind::TrailingData));
            }
        }
        // There was room to write into, so no progress means the decoder is
        // waiting for input that is not there.
        if src.pos() == before_in && out.len() == before_out {
            return Err(corrupt(CorruptKind::Truncated));
        }
    }
}
