//! Output-size bookkeeping shared by the decoders.

#![allow(dead_code)] // Which helpers are used depends on the codec features.

use std::io::Read;

use crate::Error;

/// The most any decoder pre-allocates before it has produced output (4 MiB).
const MAX_INITIAL: usize = 4 << 20;

/// A first capacity for the output of decompressing `input_len` bytes: a
/// guess from the input (typical ratios are under 4), never above `limit`
/// nor [`MAX_INITIAL`].
pub(crate) fn initial_capacity(input_len: usize, limit: usize) -> usize {
    input_len
        .saturating_mul(4)
        .max(256)
        .min(limit)
        .min(MAX_INITIAL)
}

/// Reads `reader` to its end into `out`, failing once `out` would hold more
/// than `limit` bytes. At most `limit + 1` bytes are ever read.
///
/// `map` turns the backend's I/O errors into this crate's error.
pub(crate) fn read_to_end_bounded<R: Read>(
    reader: R,
    out: &mut Vec<u8>,
    limit: usize,
    map: impl Fn(std::io::Error) -> Error,
) -> Result<(), Error> {
    let cap = u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1);
    let mut take = reader.take(cap.saturating_sub(out.len() as u64));
    take.read_to_end(out).map_err(map)?;
    if out.len() > limit {
        return Err(Error::OutputLimitExceeded { limit });
    }
    Ok(())
}

/// An output buffer whose spare room is already initialised, so block
/// decoders (which need a `&mut [u8]`) can write into it without the buffer
/// being zeroed again for every block. The first room comes from
/// `vec![0; n]`, which the allocator can hand out pre-zeroed.
pub(crate) struct ZeroedOut {
    buf: Vec<u8>,
    filled: usize,
}

impl ZeroedOut {
    /// A buffer with `room` zeroed bytes of spare room.
    pub(crate) fn new(room: usize) -> Self {
        Self {
            buf: vec![0; room],
            filled: 0,
        }
    }

    /// The bytes written so far.
    pub(crate) fn filled(&self) -> &[u8] {
        self.buf.get(..self.filled).unwrap_or_default()
    }

    /// How many bytes have been written.
    pub(crate) fn len(&self) -> usize {
        self.filled
    }

    /// The written bytes and at least `room` bytes of spare room after them.
    /// When the buffer has to grow it at most doubles, and never past
    /// `filled + max(room, cap)`.
    pub(crate) fn split_spare(&mut self, room: usize, cap: usize) -> (&[u8], &mut [u8]) {
        let need = self.filled.saturating_add(room);
        if self.buf.len() < need {
            let doubled = self.buf.len().saturating_mul(2).min(cap);
            // `resize` reallocates (in place or by remapping when it can)
            // and zeroes only the new part.
            self.buf.resize(need.max(doubled), 0);
        }
        let (done, spare) = self.buf.split_at_mut(self.filled);
        (done, spare)
    }

    /// Marks `n` more bytes of the spare room as written.
    pub(crate) fn advance(&mut self, n: usize) {
        self.filled = self.filled.saturating_add(n).min(self.buf.len());
    }

    /// Appends `data`.
    pub(crate) fn extend_from_slice(&mut self, data: &[u8], cap: usize) {
        let (_, spare) = self.split_spare(data.len(), cap);
        if let Some(dst) = spare.get_mut(..data.len()) {
            dst.copy_from_slice(data);
        }
        self.advance(data.len());
    }

    /// The written bytes.
    pub(crate) fn into_vec(mut self) -> Vec<u8> {
        self.buf.truncate(self.filled);
        self.buf
    }
}

/// Fails if `len` bytes of output would exceed `limit`.
pub(crate) fn check_len(len: usize, limit: usize) -> Result<(), Error> {
    if len > limit {
        Err(Error::OutputLimitExceeded { limit })
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initial_capacity_is_capped_by_limit_and_constant() {
        assert_eq!(initial_capacity(10, 100), 100);
        assert_eq!(initial_capacity(1000, 100_000), 4000);
        assert_eq!(initial_capacity(usize::MAX, usize::MAX), MAX_INITIAL);
        assert_eq!(initial_capacity(0, 0), 0);
    }

    #[test]
    fn zeroed_out_grows_within_its_cap() {
        let mut out = ZeroedOut::new(4);
        out.extend_from_slice(b"abc", 100);
        assert_eq!(out.filled(), b"abc");
        let (done, spare) = out.split_spare(10, 16);
        assert_eq!(done, b"abc");
        assert!(spare.len() >= 10 && spare.iter().all(|&b| b == 0));
        spare[..2].copy_from_slice(b"de");
        out.advance(2);
        assert_eq!(out.len(), 5);
        // Doubling is capped; the request itself is always honoured.
        let (_, spare) = out.split_spare(1000, 16);
        assert_eq!(spare.len(), 1000);
        assert_eq!(out.into_vec(), b"abcde");
    }

    #[test]
    fn read_to_end_bounded_stops_one_past_the_limit() {
        let data = [7u8; 100];
        let mut out = Vec::new();
        let err = read_to_end_bounded(&data[..], &mut out, 10, |_| unreachable!()).unwrap_err();
        assert_eq!(err, Error::OutputLimitExceeded { limit: 10 });
        assert_eq!(out.len(), 11);
        let mut out = Vec::new();
        read_to_end_bounded(&data[..], &mut out, 100, |_| unreachable!()).unwrap();
        assert_eq!(out, data);
    }
}
