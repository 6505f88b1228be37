//! Value types the generated messages use: strings backed by `Bytes`, Kafka's
//! UUID, raw tagged fields and version ranges.

use bytes::Bytes;
use std::fmt;
use std::ops::Deref;

/// A UTF-8 string backed by [`Bytes`]: decoding a message slices the input
/// buffer instead of copying each string.
///
/// The UTF-8 check happens once, when the value is made; the bytes are never
/// exposed mutably afterwards.
#[derive(Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ByteString(Bytes);

impl ByteString {
    /// The empty string.
    pub const fn new() -> Self {
        Self(Bytes::new())
    }

    /// A string from a `'static` literal (no allocation).
    pub const fn from_static(s: &'static str) -> Self {
        Self(Bytes::from_static(s.as_bytes()))
    }

    /// Validates `bytes` as UTF-8 and wraps it without copying.
    pub fn from_utf8(bytes: Bytes) -> Result<Self, std::str::Utf8Error> {
        std::str::from_utf8(&bytes)?;
        Ok(Self(bytes))
    }

    /// Wraps `bytes` without copying when it is UTF-8; otherwise replaces
    /// what is not UTF-8 with U+FFFD exactly as Java's `new String(bytes,
    /// UTF_8)` (Kafka's string reader) does, so both read the same string.
    pub fn from_utf8_lossy(bytes: Bytes) -> Self {
        if std::str::from_utf8(&bytes).is_ok() {
            Self(bytes)
        } else {
            Self(Bytes::from(java_utf8_lossy(&bytes)))
        }
    }

    /// The string.
    pub fn as_str(&self) -> &str {
        // Valid by construction (every constructor checks); the fallback is
        // never taken and keeps this free of `unsafe`.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }

    /// The UTF-8 bytes, shared with the buffer they were decoded from.
    pub fn as_bytes(&self) -> &Bytes {
        &self.0
    }

    /// The underlying buffer.
    pub fn into_bytes(self) -> Bytes {
        self.0
    }

    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True for the empty string.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Java's UTF-8 decoding with replacement (the JDK's `String` decoder):
/// how many bytes one U+FFFD stands for differs from Rust's
/// `String::from_utf8_lossy` (Java replaces a whole surrogate sequence
/// `ED A0..BF xx` with one U+FFFD, and a lead byte with one valid
/// continuation byte before an invalid one as a pair).
fn java_utf8_lossy(b: &[u8]) -> String {
    const REPL: char = '\u{fffd}';
    let cont = |x: u8| x & 0xc0 == 0x80;
    let mut out = String::with_capacity(b.len() + 8);
    let mut i = 0;
    while let Some(&b1) = b.get(i) {
        i += 1;
        let rest = b.get(i..).unwrap_or_default();
        match b1 {
            0x00..=0x7f => out.push(char::from(b1)),
            0xc2..=0xdf => match rest.first() {
                Some(&b2) if cont(b2) => {
                    let c = (u32::from(b1 & 0x1f) << 6) | u32::from(b2 & 0x3f);
                    out.push(char::from_u32(c).unwrap_or(REPL));
                    i += 1;
                }
                Some(_) => out.push(REPL),
                None => {
                    out.push(REPL);
                    break;
                }
            },
            0xe0..=0xef => {
                let bad2 = |b2: u8| (b1 == 0xe0 && b2 & 0xe0 == 0x80) || !cont(b2);
                match rest {
                    [b2, b3, ..] => {
                        if bad2(*b2) {
                            out.push(REPL);
                        } else if !cont(*b3) {
                            out.push(REPL);
                            i += 1;
                        } else {
                            let c = (u32::from(b1 & 0x0f) << 12)
                                | (u32::from(b2 & 0x3f) << 6)
                                | u32::from(b3 & 0x3f);
                            // A surrogate is one replacement for all three.
                            out.push(char::from_u32(c).unwrap_or(REPL));
                            i += 2;
                        }
                    }
                    [b2] if bad2(*b2) => out.push(REPL),
                    _ => {
                        out.push(REPL);
                        break;
                    }
                }
            }
            0xf0..=0xf7 => {
                let bad2 = |b2: u8| {
                    (b1 == 0xf0 && !(0x90..=0xbf).contains(&b2))
                        || (b1 == 0xf4 && b2 & 0xf0 != 0x80)
                        || !cont(b2)
                };
                match rest {
                    [b2, b3, b4, ..] => {
                        let c = (u32::from(b1 & 0x07) << 18)
                            | (u32::from(b2 & 0x3f) << 12)
                            | (u32::from(b3 & 0x3f) << 6)
                            | u32::from(b4 & 0x3f);
                        if cont(*b2) && cont(*b3) && cont(*b4) && (0x10000..=0x10ffff).contains(&c)
                        {
                            out.push(char::from_u32(c).unwrap_or(REPL));
                            i += 3;
                        } else {
                            out.push(REPL);
                            // How many more bytes the replacement stands for.
                            i += if b1 > 0xf4 || bad2(*b2) {
                                0
                            } else if !cont(*b3) {
                                1
                            } else {
                                2
                            };
                        }
                    }
                    _ => {
                        if b1 > 0xf4 || rest.first().is_some_and(|&b2| bad2(b2)) {
                            out.push(REPL);
                        } else if rest.get(1).is_some_and(|&b3| !cont(b3)) {
                            out.push(REPL);
                            i += 1;
                        } else {
                            out.push(REPL);
                            break;
                        }
                    }
                }
            }
            _ => out.push(REPL),
        }
    }
    out
}

impl Deref for ByteString {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for ByteString {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl From<String> for ByteString {
    fn from(s: String) -> Self {
        Self(Bytes::from(s.into_bytes()))
    }
}

impl From<&str> for ByteString {
    fn from(s: &str) -> Self {
        Self(Bytes::copy_from_slice(s.as_bytes()))
    }
}

impl From<ByteString> for String {
    fn from(s: ByteString) -> Self {
        s.as_str().to_owned()
    }
}

impl PartialEq<str> for ByteString {
    fn eq(&self, other: &str) -> bool {
        self.0 == other.as_bytes()
    }
}

impl PartialEq<&str> for ByteString {
    fn eq(&self, other: &&str) -> bool {
        self.0 == other.as_bytes()
    }
}

impl fmt::Display for ByteString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.as_str(), f)
    }
}

impl fmt::Debug for ByteString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

/// Kafka's 128-bit UUID. Its text form is Kafka's: 22 characters of unpadded
/// URL-safe base64 (`Uuid.toString()` in Java), not the 8-4-4-4-12 hex form.
#[derive(Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Uuid([u8; 16]);

/// Why a UUID text did not parse.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ParseUuidError;

impl fmt::Display for ParseUuidError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not a Kafka UUID (22 characters of URL-safe base64)")
    }
}

impl std::error::Error for ParseUuidError {}

impl Uuid {
    /// The all-zero UUID Kafka uses for "no topic id".
    pub const ZERO: Self = Self([0; 16]);

    /// From the 16 wire bytes (most significant first).
    pub const fn from_bytes(b: [u8; 16]) -> Self {
        Self(b)
    }

    /// The 16 wire bytes.
    pub const fn as_bytes(&self) -> &[u8; 16] {
        &self.0
    }

    /// From the two 64-bit halves, as Java's `new Uuid(msb, lsb)`.
    pub fn from_u64_pair(msb: u64, lsb: u64) -> Self {
        let mut b = [0u8; 16];
        let (hi, lo) = b.split_at_mut(8);
        hi.copy_from_slice(&msb.to_be_bytes());
        lo.copy_from_slice(&lsb.to_be_bytes());
        Self(b)
    }
}

impl fmt::Display for Uuid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut text = String::with_capacity(22);
        crate::base64::encode(&self.0, crate::base64::URL_SAFE, false, &mut text);
        f.write_str(&text)
    }
}

impl fmt::Debug for Uuid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Uuid({self})")
    }
}

impl std::str::FromStr for Uuid {
    type Err = ParseUuidError;
    fn from_str(s: &str) -> Result<Self, ParseUuidError> {
        // Java's URL decoder also takes the padded form.
        let t = s.trim_end_matches('=');
        if t.len() != 22 {
            return Err(ParseUuidError);
        }
        crate::base64::decode(t, crate::base64::URL_SAFE, false)
            .and_then(|b| <[u8; 16]>::try_from(b).ok())
            .map(Self)
            .ok_or(ParseUuidError)
    }
}

/// A tagged field the codec does not know: its tag and its raw value, kept so
/// it can be written back unchanged.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct RawTaggedField {
    /// The tag.
    pub tag: u32,
    /// The value bytes (without the tag and size prefixes).
    pub data: Bytes,
}

/// An inclusive range of versions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct VersionRange {
    /// The lowest version.
    pub lowest: i16,
    /// The highest version.
    pub highest: i16,
}

impl VersionRange {
    /// `lowest..=highest`.
    pub const fn new(lowest: i16, highest: i16) -> Self {
        Self { lowest, highest }
    }

    /// True when `v` is in the range.
    pub const fn contains(&self, v: i16) -> bool {
        self.lowest <= v && v <= self.highest
    }

    /// Every version, lowest first.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = i16> + use<> {
        self.lowest..=self.highest
    }

    /// The versions both ranges have, if any.
    pub fn intersect(&self, other: &Self) -> Option<Self> {
        let r = Self::new(
            self.lowest.max(other.lowest),
            self.highest.min(other.highest),
        );
        (r.lowest <= r.highest).then_some(r)
    }
}

impl fmt::Display for VersionRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.lowest == self.highest {
            write!(f, "{}", self.lowest)
        } else {
            write!(f, "{}-{}", self.lowest, self.highest)
        }
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn invalid_utf8_is_replaced_as_java_replaces_it() {
        let lossy = |b: &[u8]| ByteString::from_utf8_lossy(Bytes::copy_from_slice(b));
        let r = '\u{fffd}';
        // Valid input is kept without copying.
        let valid = Bytes::from_static("caf\u{e9}".as_bytes());
        assert_eq!(
            ByteString::from_utf8_lossy(valid.clone())
                .as_bytes()
                .as_ptr(),
            valid.as_ptr()
        );
        for (input, want) in [
            (&b"caf\xe9"[..], format!("caf{r}")),
            // A surrogate's three bytes are one replacement in Java (three
            // in Rust's from_utf8_lossy).
            (b"\xed\xa0\x80x", format!("{r}x")),
            // A lead byte and one continuation byte, then an invalid byte.
            (b"\xed\xa9s", format!("{r}s")),
            (b"\xe2\x82A", format!("{r}A")),
            (b"\xe0\x80\x80", format!("{r}{r}{r}")),
            // Cut at the end: one replacement for the rest.
            (b"a\xe2\x82", format!("a{r}")),
            (b"a\xf0\x9f\x98", format!("a{r}")),
            (b"\xf0\x9f\x98x", format!("{r}x")),
            (b"\xf5\x80\x80\x80", format!("{r}{r}{r}{r}")),
            (b"\xc0\xaf", format!("{r}{r}")),
            (b"\xff\xfe", format!("{r}{r}")),
        ] {
            assert_eq!(lossy(input).as_str(), want, "{input:02x?}");
        }
    }
    use super::*;

    #[test]
    fn uuid_text_is_kafka_base64url() {
        assert_eq!(Uuid::ZERO.to_string(), "AAAAAAAAAAAAAAAAAAAAAA");
        let u: Uuid = "H3KKO4NTRPaCWtEmm3vW7A".parse().unwrap();
        assert_eq!(u.to_string(), "H3KKO4NTRPaCWtEmm3vW7A");
        assert_eq!(u.as_bytes()[0], 0x1f);
        assert!("H3KKO4NTRPaCWtEmm3vW7B".parse::<Uuid>().is_err());
        assert!("short".parse::<Uuid>().is_err());
        let all = Uuid::from_bytes([0xff; 16]);
        assert_eq!(all.to_string().parse::<Uuid>().unwrap(), all);
        assert_eq!(Uuid::from_u64_pair(1, 2).as_bytes()[7], 1);
    }

    #[test]
    fn byte_string_checks_utf8_and_shares_bytes() {
        let b = Bytes::from_static(b"topic");
        let s = ByteString::from_utf8(b.clone()).unwrap();
        assert_eq!(s, "topic");
        assert_eq!(s.as_bytes().as_ptr(), b.as_ptr());
        assert!(ByteString::from_utf8(Bytes::from_static(&[0xff])).is_err());
    }
}
