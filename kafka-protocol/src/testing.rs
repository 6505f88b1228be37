//! Test support: values with every field of a version set to a non-default
//! value (generated `Populate` impls), and the checks run for every message.

use crate::{Message, RawTaggedField, Uuid};
use bytes::{Bytes, BytesMut};

/// A value of the message with every field present in `version` set to
/// something other than its default.
pub(crate) trait Populate {
    fn populated(version: i16) -> Self;
}

/// A value different from `self`.
pub(crate) trait NonDefault {
    fn non_default(self) -> Self;
}

macro_rules! non_default_int {
    ($($t:ty => $x:expr),*) => {$(
        impl NonDefault for $t {
            fn non_default(self) -> Self { self ^ $x }
        }
    )*};
}
non_default_int!(i8 => 0x5a, i16 => 0x5a5a, u16 => 0xa5a5, i32 => 0x5a5a_5a5a, u32 => 0xa5a5_a5a5, i64 => 0x5a5a_5a5a_5a5a_5a5a);

impl NonDefault for bool {
    fn non_default(self) -> Self {
        !self
    }
}

impl NonDefault for f64 {
    fn non_default(self) -> Self {
        self + 1.25
    }
}

impl NonDefault for Uuid {
    fn non_default(self) -> Self {
        let mut b = *self.as_bytes();
        for (i, x) in b.iter_mut().enumerate() {
            *x ^= 0x11 + i as u8;
        }
        Uuid::from_bytes(b)
    }
}

/// Unknown tagged fields for a flexible struct: a high tag no schema uses,
/// with a value whose size needs a two-byte varint.
pub(crate) fn unknown_tags() -> Vec<RawTaggedField> {
    vec![
        RawTaggedField {
            tag: 90,
            data: Bytes::from_static(b"\x01\x02\x03"),
        },
        RawTaggedField {
            tag: 1000,
            data: Bytes::from(vec![0xab; 200]),
        },
    ]
}

fn round_trip<M: Message>(value: &M, version: i16, what: &str) -> Bytes {
    let name = M::NAME;
    let mut buf = BytesMut::new();
    value
        .encode(&mut buf, version)
        .unwrap_or_else(|e| panic!("{name} v{version} {what}: encode failed: {e}"));
    let bytes = buf.freeze();
    assert_eq!(
        value.encoded_len(version),
        bytes.len(),
        "{name} v{version} {what}: encoded_len differs from the bytes written"
    );
    let mut input = bytes.clone();
    let decoded = M::decode(&mut input, version)
        .unwrap_or_else(|e| panic!("{name} v{version} {what}: decode failed: {e}"));
    assert!(
        input.is_empty(),
        "{name} v{version} {what}: decode consumed {} of {} bytes",
        bytes.len() - input.len(),
        bytes.len()
    );
    assert_eq!(
        &decoded, value,
        "{name} v{version} {what}: decoded value differs"
    );
    let again = decoded.to_bytes(version).expect("re-encode");
    assert_eq!(
        again, bytes,
        "{name} v{version} {what}: decode-encode is not byte-exact"
    );
    bytes
}

/// The checks run for every message at every version:
/// - the default value round-trips;
/// - a value with every field of the version set to a non-default value (and
///   unknown tagged fields in flexible versions) round-trips, with
///   `encoded_len` = bytes written = bytes read, and re-encodes byte for byte;
/// - every truncation of it fails to decode (and never panics);
/// - a trailing byte is reported by `decode_exact`.
pub(crate) fn check_message<M: Message + Populate>() {
    for version in M::VERSIONS.iter() {
        round_trip(&M::default(), version, "default");
        let populated = M::populated(version);
        if populated == M::default() {
            // Only a version with no fields at all has nothing to populate
            // (ApiVersionsRequest v0-2, ListGroupsRequest v0-2): its body is empty.
            assert_eq!(
                M::default().encoded_len(version),
                0,
                "{} v{version}: populated equals default but the version has fields",
                M::NAME
            );
        }
        let bytes = round_trip(&populated, version, "populated");
        for cut in 0..bytes.len() {
            let mut prefix = bytes.slice(..cut);
            assert!(
                M::decode(&mut prefix, version).is_err(),
                "{} v{version}: a prefix of {cut} of {} bytes decoded",
                M::NAME,
                bytes.len()
            );
        }
        let mut extended = BytesMut::from(&bytes[..]);
        extended.extend_from_slice(&[0]);
        let err = M::decode_exact(extended.freeze(), version).unwrap_err();
        assert_eq!(err.kind(), crate::DecodeErrorKind::TrailingBytes(1));
    }
}

/// A request, its response type and the API table agree: same key, same
/// versions, same flexible versions, and header versions for every version.
pub(crate) fn check_request<R: crate::Request>() {
    use crate::Response;
    let info = R::API_KEY.info().expect("API in the table");
    assert_eq!(<R::Response as Response>::API_KEY, R::API_KEY);
    assert_eq!(info.versions, R::VERSIONS, "{}", R::NAME);
    assert_eq!(
        <R::Response as Message>::VERSIONS,
        R::VERSIONS,
        "{}",
        R::NAME
    );
    assert_eq!(info.flexible_from, R::FLEXIBLE_FROM, "{}", R::NAME);
    assert_eq!(
        <R::Response as Message>::FLEXIBLE_FROM,
        R::FLEXIBLE_FROM,
        "{}",
        R::NAME
    );
    assert_eq!(info.unstable_version, R::UNSTABLE_VERSION, "{}", R::NAME);
    for v in R::VERSIONS.iter() {
        let req = R::API_KEY
            .request_header_version(v)
            .expect("request header");
        let resp = R::API_KEY
            .response_header_version(v)
            .expect("response header");
        assert!((0..=2).contains(&req) && (0..=1).contains(&resp));
    }
}
