//! Wire primitives: a checked reader over `Bytes` and writers into `Vec<u8>`.
//!
//! Every read compares with what is left before touching the buffer, so no
//! read can panic, and every length is checked against the bytes left before
//! anything is split off or allocated.

use bytes::{Buf, Bytes};

use crate::error::{Error, ErrorKind, Result};

/// A reader that never panics. `position` counts from the start of the
/// buffer it was made from.
#[derive(Debug, Clone)]
pub(crate) struct Reader {
    buf: Bytes,
    start_len: usize,
}

impl Reader {
    pub(crate) fn new(buf: Bytes) -> Self {
        let start_len = buf.len();
        Reader { buf, start_len }
    }

    pub(crate) fn position(&self) -> usize {
        self.start_len - self.buf.len()
    }

    pub(crate) fn remaining(&self) -> usize {
        self.buf.len()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    pub(crate) fn error(&self, kind: ErrorKind, field: &'static str) -> Error {
        Error::new(kind, field, self.position())
    }

    fn need(&self, n: usize, field: &'static str) -> Result<()> {
        if self.buf.len() < n {
            Err(self.error(
                ErrorKind::UnexpectedEof {
                    needed: n,
                    remaining: self.buf.len(),
                },
                field,
            ))
        } else {
            Ok(())
        }
    }

    pub(crate) fn i8(&mut self, field: &'static str) -> Result<i8> {
        self.need(1, field)?;
        Ok(self.buf.get_i8())
    }

    pub(crate) fn i16(&mut self, field: &'static str) -> Result<i16> {
        self.need(2, field)?;
        Ok(self.buf.get_i16())
    }

    pub(crate) fn i32(&mut self, field: &'static str) -> Result<i32> {
        self.need(4, field)?;
        Ok(self.buf.get_i32())
    }

    pub(crate) fn u32(&mut self, field: &'static str) -> Result<u32> {
        self.need(4, field)?;
        Ok(self.buf.get_u32())
    }

    pub(crate) fn i64(&mut self, field: &'static str) -> Result<i64> {
        self.need(8, field)?;
        Ok(self.buf.get_i64())
    }

    /// Splits off `n` bytes (zero copy) after checking they are there.
    pub(crate) fn bytes(&mut self, n: usize, field: &'static str) -> Result<Bytes> {
        self.need(n, field)?;
        Ok(self.buf.split_to(n))
    }

    /// Reads an unsigned LEB128 value of at most `max_bytes` bytes whose
    /// value fits in `bits` bits.
    fn uvarint(&mut self, max_bytes: usize, bits: u32, field: &'static str) -> Result<u64> {
        let start = self.position();
        let mut value: u64 = 0;
        for i in 0..max_bytes {
            let Some(&b) = self.buf.first() else {
                return Err(Error::new(
                    ErrorKind::UnexpectedEof {
                        needed: i + 1,
                        remaining: i,
                    },
                    field,
                    start,
                ));
            };
            self.buf.advance(1);
            let shift = 7 * i as u32;
            let chunk = u64::from(b & 0x7f);
            // Bits that would land past `bits` make the value overflow.
            if shift + 7 > bits && (chunk >> (bits - shift)) != 0 {
                return Err(Error::new(ErrorKind::VarintTooLong, field, start));
            }
            value |= chunk << shift;
            if b & 0x80 == 0 {
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

    /// Nullable bytes with a varint length (-1 is null).
    pub(crate) fn varint_bytes(&mut self, field: &'static str) -> Result<Option<Bytes>> {
        let at = self.position();
        let len = self.varint(field)?;
        self.sized(i64::from(len), at, field)
    }

    /// Nullable bytes with an int32 length (-1 is null).
    pub(crate) fn int32_bytes(&mut self, field: &'static str) -> Result<Option<Bytes>> {
        let at = self.position();
        let len = self.i32(field)?;
        self.sized(i64::from(len), at, field)
    }

    fn sized(&mut self, len: i64, at: usize, field: &'static str) -> Result<Option<Bytes>> {
        if len == -1 {
            return Ok(None);
        }
        let Ok(n) = usize::try_from(len) else {
            return Err(Error::new(ErrorKind::InvalidLength(len), field, at));
        };
        self.bytes(n, field).map(Some)
    }

    /// Everything left.
    pub(crate) fn rest(&mut self) -> Bytes {
        std::mem::take(&mut self.buf)
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
