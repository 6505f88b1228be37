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
