//! Wire primitives: a checked reader over `Bytes` and writers into `Vec<u8>`.
//!
//! Every read compares with what is left before touching the buffer, so no
//! read can panic, and every length is checked against the bytes left before
//! anything is split off or allocated.

use bytes::Bytes;

use crate::error::{Error, ErrorKind, Result};

/// A reader that never panics. It keeps the whole buffer and a cursor, so
/// reading fixed-size fields and varints touches no reference count; only
/// [`Reader::bytes`] and [`Reader::rest`] make (zero-copy) `Bytes` slices.
/// `position` counts from the start of the buffer it was made from.
#[derive(Debug, Clone)]
pub(crate) struct Reader {
    buf: Bytes,
    pos: usize,
    end: usize,
}

impl Reader {
    pub(crate) fn new(buf: Bytes) -> Self {
        let end = buf.len();
        Reader { buf, pos: 0, end }
    }

    pub(crate) fn position(&self) -> usize {
        self.pos
    }

    pub(crate) fn remaining(&self) -> usize {
        self.end - self.pos
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.pos >= self.end
    }

    pub(crate) fn error(&self, kind: ErrorKind, field: &'static str) -> Error {
        Error::new(kind, field, self.pos)
    }

    fn eof(&self, n: usize, field: &'static str) -> Error {
        self.error(
            ErrorKind::UnexpectedEof {
                needed: n,
                remaining: self.remaining(),
            },
            field,
        )
    }

    fn array<const N: usize>(&mut self, field: &'static str) -> Result<[u8; N]> {
        let bytes = self
            .buf
            .get(self.pos..self.end)
            .and_then(|s| s.get(..N))
            .and_then(|s| <[u8; N]>::try_from(s).ok())
            .ok_or_else(|| self.eof(N, field))?;
        self.pos += N;
        Ok(bytes)
    }

    pub(crate) fn i8(&mut self, field: &'static str) -> Result<i8> {
        self.array::<1>(field).map(i8::from_be_bytes)
    }

    pub(crate) fn i16(&mut self, field: &'static str) -> Result<i16> {
        self.array::<2>(field).map(i16::from_be_bytes)
    }

    pub(crate) fn i32(&mut self, field: &'static str) -> Result<i32> {
        self.array::<4>(field).map(i32::from_be_bytes)
    }

    pub(crate) fn u32(&mut self, field: &'static str) -> Result<u32> {
        self.array::<4>(field).map(u32::from_be_bytes)
    }

    pub(crate) fn i64(&mut self, field: &'static str) -> Result<i64> {
        self.array::<8>(field).map(i64::from_be_bytes)
    }

    /// Checks that `n` bytes are left and steps over them.
    pub(crate) fn skip(&mut self, n: usize, field: &'static str) -> Result<()> {
        if self.remaining() < n {
            return Err(self.eof(n, field));
        }
        self.pos += n;
        Ok(())
    }

    /// Splits off `n` bytes (zero copy) after checking they are there.
    pub(crate) fn bytes(&mut self, n: usize, field: &'static str) -> Result<Bytes> {
        let start = self.pos;
        self.skip(n, field)?;
        Ok(self.buf.slice(start..self.pos))
    }

    /// The bytes from `start` (a position this reader passed) to the cursor.
    pub(crate) fn since(&self, start: usize) -> Bytes {
        if start >= self.pos {
            Bytes::new()
        } else {
            self.buf.slice(start..self.pos)
        }
    }

    /// Limits reading to the next `n` bytes; returns the previous end, to
    /// give back to [`Reader::unlimit`].
    pub(crate) fn limit(&mut self, n: usize, field: &'static str) -> Result<usize> {
        if self.remaining() < n {
            return Err(self.eof(n, field));
        }
        let old = self.end;
        self.end = self.pos + n;
        Ok(old)
    }

    /// Restores the end saved by [`Reader::limit`].
    pub(crate) fn unlimit(&mut self, old_end: usize) {
        self.end = old_end.min(self.buf.len()).max(self.pos);
    }

    /// Reads an unsigned LEB128 value of at most `max_bytes` bytes whose
    /// value fits in `bits` bits.
    fn uvarint(&mut self, max_bytes: usize, bits: u32, field: &'static str) -> Result<u64> {
        let start = self.pos;
        let window = self.buf.get(start..self.end).unwrap_or_default();
        // One- and two-byte fast paths: the common cases for lengths,
        // deltas and counts (both fit any `bits` this is called with).
        match *window {
            [b0, ..] if b0 & 0x80 == 0 => {
                self.pos += 1;
                return Ok(u64::from(b0));
            }
            [b0, b1, ..] if b1 & 0x80 == 0 => {
                self.pos += 2;
                return Ok(u64::from(b0 & 0x7f) | (u64::from(b1) << 7));
            }
            _ => {}
        }
        let mut value: u64 = 0;
        for i in 0..max_bytes {
            let Some(&b) = window.get(i) else {
                return Err(Error::new(
                    ErrorKind::UnexpectedEof {
                        needed: i + 1,
                        remaining: i,
                    },
                    field,
                    start,
                ));
            };
            let shift = 7 * i as u32;
            let chunk = u64::from(b & 0x7f);
            // Bits that would land past `bits` make the value overflow.
            if shift + 7 > bits && (chunk >> (bits - shift)) != 0 {
                return Err(Error::new(ErrorKind::VarintTooLong, field, start));
            }
            value |= chunk << shift;
            if b & 0x80 == 0 {
                self.pos = start + i + 1;
                return Ok(value);
            }
        }
        Err(Error::new(ErrorKind::VarintTooLong, field, start))
    }

    /// A zigzag varint (Kafka's `varint`, at most 5 bytes).
    pub(crate) fn varint(&mut self, field: &'static str) -> Result<i32> {
        let raw = self.uvarint(5, 32, field)? as u32;
        Ok(((raw >> 1) as i32) ^ -((raw & 1) as i32))
    }

    /// A zigzag varlong (Kafka's `varlong`, at most 10 bytes).
    pub(crate) fn varlong(&mut self, field: &'static str) -> Result<i64> {
        let raw = self.uvarint(10, 64, field)?;
        Ok(((raw >> 1) as i64) ^ -((raw & 1) as i64))
    }

    /// Reads a varint length: `None` for -1 (null), an error for other negatives.
    fn varint_len(&mut self, field: &'static str) -> Result<Option<usize>> {
        let at = self.pos;
        let len = self.varint(field)?;
        match len {
            -1 => Ok(None),
            n => usize::try_from(n)
                .map(Some)
                .map_err(|_| Error::new(ErrorKind::InvalidLength(i64::from(n)), field, at)),
        }
    }

    /// Nullable bytes with a varint length (-1 is null).
    pub(crate) fn varint_bytes(&mut self, field: &'static str) -> Result<Option<Bytes>> {
        match self.varint_len(field)? {
            None => Ok(None),
            Some(n) => self.bytes(n, field).map(Some),
        }
    }

    /// Steps over nullable varint-length bytes; returns whether they were non-null.
    pub(crate) fn skip_varint_bytes(&mut self, field: &'static str) -> Result<bool> {
        match self.varint_len(field)? {
            None => Ok(false),
            Some(n) => self.skip(n, field).map(|()| true),
        }
    }

    /// Nullable bytes with an int32 length (-1 is null).
    pub(crate) fn int32_bytes(&mut self, field: &'static str) -> Result<Option<Bytes>> {
        let at = self.pos;
        let len = self.i32(field)?;
        match len {
            -1 => Ok(None),
            n => {
                let n = usize::try_from(n)
                    .map_err(|_| Error::new(ErrorKind::InvalidLength(i64::from(n)), field, at))?;
                self.bytes(n, field).map(Some)
            }
        }
    }

    /// Everything left.
    pub(crate) fn rest(&mut self) -> Bytes {
        let start = self.pos;
        self.pos = self.end;
        self.since(start)
    }
}

/// Zigzag-encodes and writes a varint.
pub(crate) fn put_varint(out: &mut Vec<u8>, v: i32) {
    put_uvarint(out, ((v << 1) ^ (v >> 31)) as u32 as u64);
}

/// Zigzag-encodes and writes a varlong.
pub(crate) fn put_varlong(out: &mut Vec<u8>, v: i64) {
    put_uvarint(out, ((v << 1) ^ (v >> 63)) as u64);
}

fn put_uvarint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// Encoded size of a zigzag varint.
pub(crate) fn varint_len(v: i32) -> usize {
    uvarint_len(((v << 1) ^ (v >> 31)) as u32 as u64)
}

/// Encoded size of a zigzag varlong.
pub(crate) fn varlong_len(v: i64) -> usize {
    uvarint_len(((v << 1) ^ (v >> 63)) as u64)
}

fn uvarint_len(v: u64) -> usize {
    let bits = 64 - (v | 1).leading_zeros() as usize;
    bits.div_ceil(7)
}

/// Length of a slice as an `i32` for the wire, or an overflow error.
pub(crate) fn wire_len(len: usize, field: &'static str) -> Result<i32> {
    i32::try_from(len).map_err(|_| Error::new(ErrorKind::Overflow, field, 0))
}

/// Overwrites 4 bytes at `at` (a position the writer itself reserved).
pub(crate) fn patch_u32(out: &mut [u8], at: usize, v: u32) {
    if let Some(dst) = out.get_mut(at..at + 4) {
        dst.copy_from_slice(&v.to_be_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn read_varint(bytes: &[u8]) -> Result<i32> {
        Reader::new(Bytes::copy_from_slice(bytes)).varint("t")
    }

    #[test]
    fn varint_known_encodings() {
        // Zigzag: 0 -> 0, -1 -> 1, 1 -> 2, -2 -> 3, 63 -> 126, -64 -> 127, 64 -> 128 (two bytes).
        for (v, enc) in [
            (0, vec![0x00]),
            (-1, vec![0x01]),
            (1, vec![0x02]),
            (-2, vec![0x03]),
            (63, vec![0x7e]),
            (-64, vec![0x7f]),
            (64, vec![0x80, 0x01]),
            (i32::MAX, vec![0xfe, 0xff, 0xff, 0xff, 0x0f]),
            (i32::MIN, vec![0xff, 0xff, 0xff, 0xff, 0x0f]),
        ] {
            let mut out = Vec::new();
            put_varint(&mut out, v);
            assert_eq!(out, enc, "encoding of {v}");
            assert_eq!(varint_len(v), enc.len());
            assert_eq!(read_varint(&enc), Ok(v));
        }
    }

    #[test]
    fn varint_overlong_is_rejected() {
        // 6 bytes: continuation bit on the fifth byte.
        let e = read_varint(&[0x80, 0x80, 0x80, 0x80, 0x80, 0x00]).unwrap_err();
        assert_eq!(e.kind(), &ErrorKind::VarintTooLong);
        // 5 bytes whose value overflows 32 bits.
        let e = read_varint(&[0xff, 0xff, 0xff, 0xff, 0x1f]).unwrap_err();
        assert_eq!(e.kind(), &ErrorKind::VarintTooLong);
        // An 11-byte varlong.
        let mut r = Reader::new(Bytes::from_static(&[0x80; 11]));
        assert_eq!(
            r.varlong("t").unwrap_err().kind(),
            &ErrorKind::VarintTooLong
        );
        // A 10-byte varlong whose last byte carries more than one bit overflows.
        let mut bytes = vec![0xff; 9];
        bytes.push(0x02);
        let mut r = Reader::new(Bytes::from(bytes));
        assert_eq!(
            r.varlong("t").unwrap_err().kind(),
            &ErrorKind::VarintTooLong
        );
    }

    #[test]
    fn varint_truncated_is_eof() {
        assert!(read_varint(&[0x80, 0x80]).unwrap_err().is_eof());
        assert!(read_varint(&[]).unwrap_err().is_eof());
    }

    #[test]
    fn non_canonical_varint_is_accepted() {
        // Kafka's reader accepts padded encodings; so do we (the raw bytes are kept).
        assert_eq!(read_varint(&[0x82, 0x80, 0x00]), Ok(1));
    }

    #[test]
    fn negative_length_other_than_null_is_rejected() {
        let mut r = Reader::new(Bytes::from_static(&[0x03])); // zigzag -2
        assert_eq!(
            r.varint_bytes("t").unwrap_err().kind(),
            &ErrorKind::InvalidLength(-2)
        );
        let mut r = Reader::new(Bytes::from_static(&[0x01])); // -1: null
        assert_eq!(r.varint_bytes("t"), Ok(None));
    }

    proptest! {
        #[test]
        fn varint_round_trip(v in any::<i32>()) {
            let mut out = Vec::new();
            put_varint(&mut out, v);
            prop_assert_eq!(out.len(), varint_len(v));
            prop_assert_eq!(read_varint(&out), Ok(v));
        }

        #[test]
        fn varlong_round_trip(v in any::<i64>()) {
            let mut out = Vec::new();
            put_varlong(&mut out, v);
            prop_assert_eq!(out.len(), varlong_len(v));
            let mut r = Reader::new(Bytes::from(out));
            prop_assert_eq!(r.varlong("t"), Ok(v));
            prop_assert!(r.is_empty());
        }
    }
}
