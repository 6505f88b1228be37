//! Wire primitives the generated code calls. Every reader checks what is left
//! before it takes anything, never panics, and never allocates more than the
//! input can justify; every writer appends to a `BytesMut`.

use crate::error::{DecodeError, DecodeErrorKind, EncodeError, EncodeErrorKind};
use crate::types::{ByteString, RawTaggedField, Uuid};
use bytes::{Buf, Bytes, BytesMut};

/// The encode/decode methods every generated struct has. Public only so the
/// public [`crate::Message`] trait can require it; it cannot be named outside
/// the crate (a sealed trait).
#[allow(unreachable_pub)]
pub trait Wire: Sized {
    /// Appends the struct at `version`.
    fn write(&self, w: &mut BytesMut, version: i16) -> Result<(), EncodeError>;
    /// The exact number of bytes [`Wire::write`] appends.
    fn wire_len(&self, version: i16) -> usize;
    /// Reads the struct at `version`.
    fn read(r: &mut Bytes, version: i16) -> Result<Self, DecodeError>;
}

/// Kafka's limit on string length, in both encodings.
pub(crate) const MAX_STRING: usize = 0x7fff;

#[inline]
pub(crate) fn at<T>(r: Result<T, DecodeError>, field: &'static str) -> Result<T, DecodeError> {
    r.map_err(|e| e.at(field))
}

#[inline]
pub(crate) fn enc_at<T>(r: Result<T, EncodeError>, field: &'static str) -> Result<T, EncodeError> {
    r.map_err(|e| e.at(field))
}

#[inline]
fn need(r: &Bytes, n: usize) -> Result<(), DecodeError> {
    if r.remaining() < n {
        Err(DecodeError::new(DecodeErrorKind::UnexpectedEof {
            needed: n,
            remaining: r.remaining(),
        }))
    } else {
        Ok(())
    }
}

// ------------------------------------------------------------------ reading

pub(crate) fn read_bool(r: &mut Bytes) -> Result<bool, DecodeError> {
    need(r, 1)?;
    Ok(r.get_u8() != 0)
}

pub(crate) fn read_i8(r: &mut Bytes) -> Result<i8, DecodeError> {
    need(r, 1)?;
    Ok(r.get_i8())
}

pub(crate) fn read_i16(r: &mut Bytes) -> Result<i16, DecodeError> {
    need(r, 2)?;
    Ok(r.get_i16())
}

pub(crate) fn read_u16(r: &mut Bytes) -> Result<u16, DecodeError> {
    need(r, 2)?;
    Ok(r.get_u16())
}

pub(crate) fn read_i32(r: &mut Bytes) -> Result<i32, DecodeError> {
    need(r, 4)?;
    Ok(r.get_i32())
}

// No schema of the bundled releases has this type; Kafka's own test schemas do, and
// the generator emits calls to it for schemas that use it.
#[allow(dead_code)]
pub(crate) fn read_u32(r: &mut Bytes) -> Result<u32, DecodeError> {
    need(r, 4)?;
    Ok(r.get_u32())
}

pub(crate) fn read_i64(r: &mut Bytes) -> Result<i64, DecodeError> {
    need(r, 8)?;
    Ok(r.get_i64())
}

pub(crate) fn read_f64(r: &mut Bytes) -> Result<f64, DecodeError> {
    need(r, 8)?;
    Ok(r.get_f64())
}

pub(crate) fn read_uuid(r: &mut Bytes) -> Result<Uuid, DecodeError> {
    need(r, 16)?;
    let mut b = [0u8; 16];
    r.copy_to_slice(&mut b);
    Ok(Uuid::from_bytes(b))
}

/// An unsigned LEB128 varint of at most 5 bytes, read as Kafka's
/// `ByteUtils.readUnsignedVarint` reads it: the fifth byte must end the
/// varint, and its bits above the 32nd are dropped.
pub(crate) fn read_uvarint(r: &mut Bytes) -> Result<u32, DecodeError> {
    // One byte: most lengths, counts and tag counts.
    if let Some(&b) = r.first()
        && b < 0x80
    {
        r.advance(1);
        return Ok(u32::from(b));
    }
    let mut value: u32 = 0;
    for i in 0..5 {
        need(r, 1)?;
        let b = r.get_u8();
        value |= u32::from(b & 0x7f).wrapping_shl(7 * i);
        if b & 0x80 == 0 {
            return Ok(value);
        }
    }
    Err(DecodeErrorKind::InvalidVarint.into())
}

/// A compact length or count as Kafka's reader computes it: the uvarint as a
/// Java `int`, minus one. Negative means null.
fn compact_len(r: &mut Bytes) -> Result<i64, DecodeError> {
    Ok(i64::from((read_uvarint(r)? as i32).wrapping_sub(1)))
}

/// A length: int16/int32 or compact uvarint N+1. Returns `None` for null:
/// like Kafka's reader, any negative length is null (the field's nullability
/// is checked by the caller). The length is checked against what is left.
fn read_len(r: &mut Bytes, compact: bool, wide: bool) -> Result<Option<usize>, DecodeError> {
    let len: i64 = if compact {
        compact_len(r)?
    } else if wide {
        i64::from(read_i32(r)?)
    } else {
        i64::from(read_i16(r)?)
    };
    let Ok(n) = usize::try_from(len) else {
        return Ok(None);
    };
    if n > r.remaining() {
        return Err(DecodeErrorKind::LengthPastEnd {
            length: n,
            remaining: r.remaining(),
        }
        .into());
    }
    Ok(Some(n))
}

/// A (nullable) string; zero-copy.
pub(crate) fn read_string(r: &mut Bytes, compact: bool) -> Result<Option<ByteString>, DecodeError> {
    let Some(n) = read_len(r, compact, false)? else {
        return Ok(None);
    };
    if n > MAX_STRING {
        return Err(DecodeErrorKind::StringTooLong(n).into());
    }
    // Kafka decodes with `new String(bytes, UTF_8)`, which replaces what is
    // not UTF-8; so does this (zero-copy when the bytes are valid).
    Ok(Some(ByteString::from_utf8_lossy(r.split_to(n))))
}

/// (Nullable) bytes or records; zero-copy.
pub(crate) fn read_bytes(r: &mut Bytes, compact: bool) -> Result<Option<Bytes>, DecodeError> {
    Ok(read_len(r, compact, true)?.map(|n| r.split_to(n)))
}

/// Java's `Math.min(count, 64)`-style caution: never pre-allocate more than
/// this many elements from a count read off the wire.
const MAX_PREALLOC: usize = 64;

/// A (nullable) array. The count is checked against what is left (each element
/// takes at least `min_elem` bytes, and at least one) before anything is
/// allocated; elements are read one by one.
pub(crate) fn read_array<T>(
    r: &mut Bytes,
    compact: bool,
    min_elem: usize,
    mut elem: impl FnMut(&mut Bytes) -> Result<T, DecodeError>,
) -> Result<Option<Vec<T>>, DecodeError> {
    let Some(count) = read_count(r, compact, min_elem)? else {
        return Ok(None);
    };
    let mut out = Vec::with_capacity(count.min(MAX_PREALLOC));
    for i in 0..count {
        out.push(elem(r).map_err(|e| e.at_index(i))?);
    }
    Ok(Some(out))
}

/// An array count (`None` for null), checked against what is left: every
/// element takes at least `min_elem` bytes (and at least one).
#[inline]
fn read_count(r: &mut Bytes, compact: bool, min_elem: usize) -> Result<Option<usize>, DecodeError> {
    let count: i64 = if compact {
        compact_len(r)?
    } else {
        i64::from(read_i32(r)?)
    };
    // Any negative count is null, as in Kafka's reader.
    let Ok(count) = usize::try_from(count) else {
        return Ok(None);
    };
    let remaining = r.remaining();
    if count.saturating_mul(min_elem.max(1)) > remaining {
        return Err(DecodeErrorKind::ArrayTooLarge { count, remaining }.into());
    }
    Ok(Some(count))
}

/// An array of fixed-width values of `N` bytes each (`int32`, `int64`,
/// `uuid`, ...): the count is checked against what is left exactly as
/// [`read_array`] does, then every element is converted from one slice, into
/// one allocation of exactly the count (the bytes are there, so the count is
/// justified by the input).
pub(crate) fn read_fixed_array<T, const N: usize>(
    r: &mut Bytes,
    compact: bool,
    conv: impl Fn([u8; N]) -> T,
) -> Result<Option<Vec<T>>, DecodeError> {
    let Some(count) = read_count(r, compact, N)? else {
        return Ok(None);
    };
    let n = count * N; // no overflow: checked against `remaining` above
    let out = match r.get(..n) {
        Some(s) => s
            .chunks_exact(N)
            .map(|c| conv(<[u8; N]>::try_from(c).unwrap_or([0; N])))
            .collect(),
        None => {
            return Err(DecodeErrorKind::ArrayTooLarge {
                count,
                remaining: r.len(),
            }
            .into());
        }
    };
    r.advance(n);
    Ok(Some(out))
}

/// An untagged nullable struct: an int8 marker (negative is null) then the struct.
pub(crate) fn read_nullable_struct<T>(
    r: &mut Bytes,
    read: impl FnOnce(&mut Bytes) -> Result<T, DecodeError>,
) -> Result<Option<T>, DecodeError> {
    if read_i8(r)? < 0 {
        Ok(None)
    } else {
        read(r).map(Some)
    }
}

/// A tagged nullable struct: a uvarint marker (0 is null) then the struct.
// No schema of the bundled releases has this type; Kafka's own test schemas do, and
// the generator emits calls to it for schemas that use it.
#[allow(dead_code)]
pub(crate) fn read_tagged_nullable_struct<T>(
    r: &mut Bytes,
    read: impl FnOnce(&mut Bytes) -> Result<T, DecodeError>,
) -> Result<Option<T>, DecodeError> {
    if read_uvarint(r)? == 0 {
        Ok(None)
    } else {
        read(r).map(Some)
    }
}

pub(crate) fn non_null<T>(v: Option<T>) -> Result<T, DecodeError> {
    v.ok_or_else(|| DecodeErrorKind::UnexpectedNull.into())
}

pub(crate) fn null_check<T>(v: Option<T>, allowed: bool) -> Result<Option<T>, DecodeError> {
    if v.is_none() && !allowed {
        Err(DecodeErrorKind::UnexpectedNull.into())
    } else {
        Ok(v)
    }
}

/// The number of tagged fields; each takes at least two bytes. Kafka reads
/// the count as a Java `int`: a count of 2^31 or more is negative there,
/// which Kafka 4.4.0 refuses ("Invalid negative number of tagged fields"; up
/// to 4.3 its loop read no tag at all).
pub(crate) fn read_tag_count(r: &mut Bytes) -> Result<usize, DecodeError> {
    let count = read_uvarint(r)?;
    let Ok(n) = usize::try_from(count as i32) else {
        return Err(DecodeErrorKind::NegativeTagCount(count).into());
    };
    if n.saturating_mul(2) > r.remaining() {
        return Err(DecodeErrorKind::ArrayTooLarge {
            count: n,
            remaining: r.remaining(),
        }
        .into());
    }
    Ok(n)
}

/// One tagged field's header: its tag and declared size. As in Kafka's
/// reader, tags may come in any order and repeat (a repeated known tag:
/// the last one wins), and a known tag's value is read in place, whatever
/// size it declares.
pub(crate) fn read_tag(r: &mut Bytes) -> Result<(u32, usize), DecodeError> {
    let tag = read_uvarint(r)?;
    let size = read_uvarint(r)? as usize;
    Ok((tag, size))
}

/// An unknown tagged field's value: `size` bytes, kept as they are.
pub(crate) fn read_unknown_tag(
    r: &mut Bytes,
    tag: u32,
    size: usize,
) -> Result<RawTaggedField, DecodeError> {
    if size > r.remaining() {
        return Err(DecodeErrorKind::LengthPastEnd {
            length: size,
            remaining: r.remaining(),
        }
        .into());
    }
    Ok(RawTaggedField {
        tag,
        data: r.split_to(size),
    })
}

// ------------------------------------------------------------------ writing

/// Appends a number big-endian. `extend_from_slice` with a constant length
/// inlines to a capacity check and one store; `BufMut::put_i32` and friends
/// go through `BytesMut::put_slice`, which is not `#[inline]`, so each 4-byte
/// write was a call and a `memmove`. Measured with `cd benchmarks && cargo
/// bench --bench codec`: encoding the benchmark's MetadataResponse took 57 µs
/// at v1 and 78 µs at v12 before, 28 µs and 42 µs after.
macro_rules! put_be {
    ($w:expr, $v:expr $(,)?) => {
        $w.extend_from_slice(&($v).to_be_bytes())
    };
}

pub(crate) fn write_bool(w: &mut BytesMut, v: bool) {
    put_be!(w, u8::from(v));
}
pub(crate) fn write_i8(w: &mut BytesMut, v: i8) {
    put_be!(w, v);
}
pub(crate) fn write_i16(w: &mut BytesMut, v: i16) {
    put_be!(w, v);
}
pub(crate) fn write_u16(w: &mut BytesMut, v: u16) {
    put_be!(w, v);
}
pub(crate) fn write_i32(w: &mut BytesMut, v: i32) {
    put_be!(w, v);
}
// No schema of the bundled releases has this type; Kafka's own test schemas do, and
// the generator emits calls to it for schemas that use it.
#[allow(dead_code)]
pub(crate) fn write_u32(w: &mut BytesMut, v: u32) {
    put_be!(w, v);
}
pub(crate) fn write_i64(w: &mut BytesMut, v: i64) {
    put_be!(w, v);
}
pub(crate) fn write_f64(w: &mut BytesMut, v: f64) {
    put_be!(w, v);
}
pub(crate) fn write_uuid(w: &mut BytesMut, v: &Uuid) {
    w.extend_from_slice(v.as_bytes());
}

pub(crate) fn write_uvarint(w: &mut BytesMut, mut v: u32) {
    while v >= 0x80 {
        put_be!(w, (v as u8) | 0x80);
        v >>= 7;
    }
    put_be!(w, v as u8);
}

/// A size or count that must fit a uvarint.
pub(crate) fn write_size(w: &mut BytesMut, n: usize) -> Result<(), EncodeError> {
    let v = u32::try_from(n).map_err(|_| EncodeError::new(EncodeErrorKind::TooLong(n)))?;
    write_uvarint(w, v);
    Ok(())
}

pub(crate) const fn uvarint_len(v: u32) -> usize {
    match v {
        0..=0x7f => 1,
        0x80..=0x3fff => 2,
        0x4000..=0x1f_ffff => 3,
        0x20_0000..=0x0fff_ffff => 4,
        _ => 5,
    }
}

pub(crate) fn uvarint_len_usize(v: usize) -> usize {
    uvarint_len(u32::try_from(v).unwrap_or(u32::MAX))
}

/// A length prefix (null when `len` is `None`).
fn write_len(
    w: &mut BytesMut,
    len: Option<usize>,
    compact: bool,
    wide: bool,
) -> Result<(), EncodeError> {
    match (len, compact) {
        (None, true) => write_uvarint(w, 0),
        (None, false) if wide => put_be!(w, -1i32),
        (None, false) => put_be!(w, -1i16),
        (Some(n), true) => {
            let v = u32::try_from(n)
                .ok()
                .and_then(|n| n.checked_add(1))
                .filter(|&v| v <= i32::MAX as u32)
                .ok_or_else(|| EncodeError::new(EncodeErrorKind::TooLong(n)))?;
            write_uvarint(w, v);
        }
        (Some(n), false) if wide => {
            put_be!(
                w,
                i32::try_from(n).map_err(|_| EncodeError::new(EncodeErrorKind::TooLong(n)))?
            )
        }
        (Some(n), false) => put_be!(
            w,
            i16::try_from(n).map_err(|_| EncodeError::new(EncodeErrorKind::StringTooLong(n)))?,
        ),
    }
    Ok(())
}

pub(crate) fn write_string(
    w: &mut BytesMut,
    s: Option<&ByteString>,
    compact: bool,
) -> Result<(), EncodeError> {
    if let Some(s) = s
        && s.len() > MAX_STRING
    {
        return Err(EncodeErrorKind::StringTooLong(s.len()).into());
    }
    write_len(w, s.map(ByteString::len), compact, false)?;
    if let Some(s) = s {
        w.extend_from_slice(s.as_bytes());
    }
    Ok(())
}

pub(crate) fn write_bytes(
    w: &mut BytesMut,
    b: Option<&Bytes>,
    compact: bool,
) -> Result<(), EncodeError> {
    write_len(w, b.map(Bytes::len), compact, true)?;
    if let Some(b) = b {
        w.extend_from_slice(b);
    }
    Ok(())
}

pub(crate) fn write_array<T>(
    w: &mut BytesMut,
    a: Option<&Vec<T>>,
    compact: bool,
    mut elem: impl FnMut(&mut BytesMut, &T) -> Result<(), EncodeError>,
) -> Result<(), EncodeError> {
    write_len(w, a.map(Vec::len), compact, true)?;
    for e in a.into_iter().flatten() {
        elem(w, e)?;
    }
    Ok(())
}

fn len_prefix(len: Option<usize>, compact: bool, wide: bool) -> usize {
    match (len, compact) {
        (None, true) => 1,
        (Some(n), true) => uvarint_len_usize(n.saturating_add(1)),
        (_, false) if wide => 4,
        (_, false) => 2,
    }
}

pub(crate) fn string_len(s: Option<&ByteString>, compact: bool) -> usize {
    len_prefix(s.map(ByteString::len), compact, false) + s.map_or(0, ByteString::len)
}

pub(crate) fn bytes_len(b: Option<&Bytes>, compact: bool) -> usize {
    len_prefix(b.map(Bytes::len), compact, true) + b.map_or(0, Bytes::len)
}

pub(crate) fn array_len<T>(a: Option<&Vec<T>>, compact: bool, elem: impl Fn(&T) -> usize) -> usize {
    len_prefix(a.map(Vec::len), compact, true) + a.map_or(0, |a| a.iter().map(elem).sum())
}

/// The length of an array of fixed-width elements.
pub(crate) fn fixed_array_len<T>(a: Option<&Vec<T>>, compact: bool, width: usize) -> usize {
    len_prefix(a.map(Vec::len), compact, true) + a.map_or(0, |a| a.len() * width)
}

// ---------------------------------------------------------- unknown tags

/// Unknown tags must strictly ascend (they are written back in order).
pub(crate) fn check_unknown_order(fields: &[RawTaggedField]) -> Result<(), EncodeError> {
    for pair in fields.windows(2) {
        if let [a, b] = pair
            && b.tag <= a.tag
        {
            return Err(EncodeErrorKind::UnknownTagOrder(b.tag).into());
        }
    }
    Ok(())
}

/// An unknown tagged field may not reuse a tag the version defines.
pub(crate) fn check_tag_free(fields: &[RawTaggedField], tag: u32) -> Result<(), EncodeError> {
    if fields.iter().any(|f| f.tag == tag) {
        Err(EncodeErrorKind::UnknownTagCollision(tag).into())
    } else {
        Ok(())
    }
}

/// Writes the unknown fields from `*next` whose tag is below `before`.
pub(crate) fn write_unknown_until(
    w: &mut BytesMut,
    fields: &[RawTaggedField],
    next: &mut usize,
    before: u32,
) {
    while let Some(f) = fields.get(*next) {
        if f.tag >= before && before != u32::MAX {
            break;
        }
        write_uvarint(w, f.tag);
        write_uvarint(w, u32::try_from(f.data.len()).unwrap_or(u32::MAX));
        w.extend_from_slice(&f.data);
        *next += 1;
    }
}

pub(crate) fn unknown_len(fields: &[RawTaggedField]) -> usize {
    fields
        .iter()
        .map(|f| uvarint_len(f.tag) + uvarint_len_usize(f.data.len()) + f.data.len())
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b(v: &[u8]) -> Bytes {
        Bytes::copy_from_slice(v)
    }

    #[test]
    fn fixed_width_arrays_read_like_element_by_element() {
        // Legacy and compact counts, null, empty, and a count the bytes cannot hold.
        let mut r = b(&[0, 0, 0, 2, 0, 0, 0, 1, 0xff, 0xff, 0xff, 0xfe, 9]);
        assert_eq!(
            read_fixed_array(&mut r, false, i32::from_be_bytes),
            Ok(Some(vec![1, -2]))
        );
        assert_eq!(&r[..], &[9]);
        let mut r = b(&[3, 0, 7, 0x80, 0]);
        assert_eq!(
            read_fixed_array(&mut r, true, i16::from_be_bytes),
            Ok(Some(vec![7, i16::MIN]))
        );
        assert!(r.is_empty());
        assert_eq!(
            read_fixed_array(&mut b(&[0]), true, i64::from_be_bytes),
            Ok(None)
        );
        assert_eq!(
            read_fixed_array(&mut b(&[0xff, 0xff, 0xff, 0xff]), false, i64::from_be_bytes),
            Ok(None)
        );
        assert_eq!(
            read_fixed_array(&mut b(&[1]), true, i64::from_be_bytes),
            Ok(Some(vec![]))
        );
        let mut r = b(&[0, 0, 0, 3, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0]);
        let err = read_fixed_array(&mut r, false, i32::from_be_bytes).unwrap_err();
        assert_eq!(
            err.kind(),
            DecodeErrorKind::ArrayTooLarge {
                count: 3,
                remaining: 11
            }
        );
        let err = read_fixed_array(
            &mut b(&[0x80, 0x80, 0x80, 0x80, 0x07]),
            true,
            |x: [u8; 16]| x,
        )
        .unwrap_err();
        assert!(matches!(err.kind(), DecodeErrorKind::ArrayTooLarge { .. }));
        // Any negative count is null, as in Kafka's reader.
        assert_eq!(
            read_fixed_array(&mut b(&[0xff, 0xff, 0xff, 0xfe]), false, i32::from_be_bytes).unwrap(),
            None
        );
    }

    #[test]
    fn numbers_are_written_big_endian() {
        let mut w = BytesMut::new();
        write_i16(&mut w, -2);
        write_i32(&mut w, 0x0102_0304);
        write_i64(&mut w, -1);
        write_f64(&mut w, 1.0);
        write_bool(&mut w, true);
        write_uvarint(&mut w, 300);
        assert_eq!(
            &w[..],
            &[
                0xff, 0xfe, 1, 2, 3, 4, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x3f, 0xf0,
                0, 0, 0, 0, 0, 0, 1, 0xac, 0x02
            ]
        );
    }

    #[test]
    fn uvarint_vectors() {
        for (v, enc) in [
            (0u32, &[0x00][..]),
            (1, &[0x01]),
            (127, &[0x7f]),
            (128, &[0x80, 0x01]),
            (300, &[0xac, 0x02]),
            (u32::MAX, &[0xff, 0xff, 0xff, 0xff, 0x0f]),
        ] {
            let mut w = BytesMut::new();
            write_uvarint(&mut w, v);
            assert_eq!(&w[..], enc);
            assert_eq!(uvarint_len(v), enc.len());
            assert_eq!(read_uvarint(&mut b(enc)).unwrap(), v);
        }
    }

    #[test]
    fn varints_read_as_kafka_reads_them() {
        // A fifth byte must end the varint; its bits above the 32nd are
        // dropped, as Kafka's ByteUtils.readUnsignedVarint drops them.
        assert_eq!(
            read_uvarint(&mut b(&[0xff, 0xff, 0xff, 0xff, 0x1f])).unwrap(),
            u32::MAX
        );
        assert_eq!(
            read_uvarint(&mut b(&[0x80, 0x80, 0x80, 0x80, 0x7f])).unwrap(),
            0xf000_0000
        );
        // Longer than needed is fine too.
        assert_eq!(read_uvarint(&mut b(&[0x81, 0x00])).unwrap(), 1);
        assert_eq!(
            read_uvarint(&mut b(&[0x80, 0x80, 0x80, 0x80, 0x80, 0x01]))
                .unwrap_err()
                .kind(),
            DecodeErrorKind::InvalidVarint
        );
        assert!(read_uvarint(&mut b(&[0x80])).unwrap_err().is_eof());
    }

    #[test]
    fn string_encodings() {
        let abc = ByteString::from_static("abc");
        let cases: [(Option<&ByteString>, bool, &[u8]); 6] = [
            (Some(&abc), false, &[0, 3, b'a', b'b', b'c']),
            (None, false, &[0xff, 0xff]),
            (Some(&ByteString::new()), false, &[0, 0]),
            (Some(&abc), true, &[4, b'a', b'b', b'c']),
            (None, true, &[0]),
            (Some(&ByteString::new()), true, &[1]),
        ];
        for (s, compact, enc) in cases {
            let mut w = BytesMut::new();
            write_string(&mut w, s, compact).unwrap();
            assert_eq!(&w[..], enc);
            assert_eq!(string_len(s, compact), enc.len());
            assert_eq!(read_string(&mut b(enc), compact).unwrap().as_ref(), s);
        }
    }

    #[test]
    fn every_negative_length_is_null() {
        // Kafka's reader takes any negative length as null.
        assert_eq!(read_string(&mut b(&[0xff, 0xfe]), false).unwrap(), None);
        assert_eq!(read_string(&mut b(&[0x80, 0x00]), false).unwrap(), None);
        assert_eq!(
            read_bytes(&mut b(&[0xff, 0xff, 0xff, 0xfe]), false).unwrap(),
            None
        );
        assert_eq!(
            read_array(&mut b(&[0x80, 0, 0, 0]), false, 1, read_i8).unwrap(),
            None
        );
        // A compact length whose uvarint is 2^31 or more is negative as a
        // Java int.
        assert_eq!(
            read_string(&mut b(&[0xff, 0xff, 0xff, 0xff, 0x0f]), true).unwrap(),
            None
        );
    }

    #[test]
    fn lengths_past_the_end_are_rejected_without_allocation() {
        let e = read_bytes(&mut b(&[0x7f, 0xff, 0xff, 0xff, 1, 2]), false).unwrap_err();
        assert_eq!(
            e.kind(),
            DecodeErrorKind::LengthPastEnd {
                length: 0x7fff_ffff,
                remaining: 2
            }
        );
        let e = read_array(
            &mut b(&[0x7f, 0xff, 0xff, 0xff, 0, 0, 0, 0]),
            false,
            4,
            read_i32,
        )
        .unwrap_err();
        assert_eq!(
            e.kind(),
            DecodeErrorKind::ArrayTooLarge {
                count: 0x7fff_ffff,
                remaining: 4
            }
        );
        // A compact count of 2^28 elements.
        let e = read_array(&mut b(&[0x81, 0x80, 0x80, 0x80, 0x01]), true, 1, read_i8).unwrap_err();
        assert!(matches!(e.kind(), DecodeErrorKind::ArrayTooLarge { .. }));
        // A compact count of u32::MAX - 1 is negative as a Java int: null.
        assert_eq!(
            read_array(&mut b(&[0xff, 0xff, 0xff, 0xff, 0x0f]), true, 1, read_i8).unwrap(),
            None
        );
    }

    #[test]
    fn invalid_utf8_is_replaced_and_overlong_strings_refused() {
        // Java's `new String(bytes, UTF_8)`: each invalid sequence is U+FFFD.
        assert_eq!(
            read_string(&mut b(&[0, 4, b'c', b'a', b'f', 0xe9]), false)
                .unwrap()
                .unwrap()
                .as_str(),
            "caf\u{fffd}"
        );
        // Compact length 0x8000 (uvarint 0x8001).
        let mut long = vec![0x81, 0x80, 0x02];
        long.extend(std::iter::repeat_n(b'a', 0x8000));
        assert_eq!(
            read_string(&mut Bytes::from(long), true)
                .unwrap_err()
                .kind(),
            DecodeErrorKind::StringTooLong(0x8000)
        );
        let big = ByteString::from("a".repeat(0x8000));
        assert_eq!(
            write_string(&mut BytesMut::new(), Some(&big), true)
                .unwrap_err()
                .kind(),
            EncodeErrorKind::StringTooLong(0x8000)
        );
    }

    #[test]
    fn tags_in_any_order_and_unknown_values_must_fit() {
        let mut r = b(&[1, 1, 9, 1, 1, 9]);
        assert_eq!(read_tag(&mut r).unwrap(), (1, 1));
        r.advance(1);
        assert_eq!(read_tag(&mut r).unwrap(), (1, 1));
        let e = read_unknown_tag(&mut b(&[1]), 0, 5).unwrap_err();
        assert_eq!(
            e.kind(),
            DecodeErrorKind::LengthPastEnd {
                length: 5,
                remaining: 1
            }
        );
        assert!(read_tag_count(&mut b(&[3, 0, 0])).is_err());
        // A count that is negative as a Java int is refused, as Kafka 4.4 does.
        assert_eq!(
            read_tag_count(&mut b(&[0x80, 0x80, 0x80, 0x80, 0x08]))
                .unwrap_err()
                .kind(),
            DecodeErrorKind::NegativeTagCount(1 << 31)
        );
    }
}
