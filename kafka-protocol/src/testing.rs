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

// ------------------------------------------------------------ properties

/// A random, version-aware value of a generated type.
pub(crate) trait Generate: Sized {
    fn generate(g: &mut Gen, version: i16) -> Self;
}

/// A value with one field the version lacks set to a non-default value.
pub(crate) struct AbsentCase<T> {
    /// The field's Kafka name.
    pub(crate) field: &'static str,
    pub(crate) ignorable: bool,
    pub(crate) value: T,
    /// What decoding gives back when the field is ignorable and dropped.
    pub(crate) expected: T,
}

/// The absent-field cases of a type at a version, at any depth.
pub(crate) trait AbsentCases: Sized {
    fn absent_cases(version: i16) -> Vec<AbsentCase<Self>>;
}

/// The random source of generated values: splitmix64 seeded by proptest,
/// biased towards the values that break codecs (extremes, empty and long
/// strings, lengths whose varint takes two bytes, nulls, defaults).
pub(crate) struct Gen {
    state: u64,
    depth: u32,
}

impl Gen {
    pub(crate) fn new(seed: u64) -> Self {
        Self {
            state: seed ^ 0x5851_f42d_4c95_7f2d,
            depth: 0,
        }
    }

    pub(crate) fn next(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    pub(crate) fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next() % n }
    }

    pub(crate) fn bool(&mut self) -> bool {
        self.next() & 1 == 1
    }

    /// Null a quarter of the time (only called where null is allowed).
    pub(crate) fn null(&mut self) -> bool {
        self.below(4) == 0
    }

    /// Leave a tagged field at its default a third of the time.
    pub(crate) fn keep_default(&mut self) -> bool {
        self.below(3) == 0
    }

    fn int(&mut self, min: i64, max: i64) -> i64 {
        match self.below(8) {
            0 => 0,
            1 => -1i64.clamp(min, max),
            2 => 1,
            3 => min,
            4 => max,
            _ => {
                let span = (max as i128 - min as i128 + 1) as u128;
                (min as i128 + (u128::from(self.next()) % span) as i128) as i64
            }
        }
    }

    pub(crate) fn i8(&mut self) -> i8 {
        self.int(i8::MIN.into(), i8::MAX.into()) as i8
    }
    pub(crate) fn i16(&mut self) -> i16 {
        self.int(i16::MIN.into(), i16::MAX.into()) as i16
    }
    pub(crate) fn u16(&mut self) -> u16 {
        self.int(0, u16::MAX.into()) as u16
    }
    pub(crate) fn i32(&mut self) -> i32 {
        self.int(i32::MIN.into(), i32::MAX.into()) as i32
    }
    pub(crate) fn u32(&mut self) -> u32 {
        self.int(0, u32::MAX.into()) as u32
    }
    pub(crate) fn i64(&mut self) -> i64 {
        self.int(i64::MIN, i64::MAX)
    }
    pub(crate) fn f64(&mut self) -> f64 {
        // Finite values only: NaN is not equal to itself.
        match self.below(6) {
            0 => 0.0,
            1 => f64::MAX,
            2 => f64::MIN_POSITIVE,
            3 => -1.5e300,
            _ => (self.next() >> 11) as f64 / 1024.0 - 1e12,
        }
    }

    pub(crate) fn uuid(&mut self) -> Uuid {
        if self.below(4) == 0 {
            Uuid::ZERO
        } else {
            Uuid::from_u64_pair(self.next(), self.next())
        }
    }

    fn len(&mut self) -> usize {
        match self.below(16) {
            0..=3 => 0,
            4..=9 => 1 + self.below(8) as usize,
            10..=13 => 20 + self.below(40) as usize,
            14 => 127 + self.below(3) as usize, // compact length crosses a varint byte
            _ => 200 + self.below(400) as usize,
        }
    }

    pub(crate) fn string(&mut self) -> crate::ByteString {
        if self.below(64) == 0 {
            // Kafka's limit exactly.
            return crate::ByteString::from("k".repeat(0x7fff));
        }
        let n = self.len();
        let mut s = String::with_capacity(n);
        while s.len() < n {
            match self.below(10) {
                0 => s.push('é'),
                1 => s.push('€'),
                2 => s.push('😀'),
                _ => s.push((b'a' + self.below(26) as u8) as char),
            }
        }
        crate::ByteString::from(s)
    }

    pub(crate) fn bytes(&mut self) -> Bytes {
        let n = self.len();
        Bytes::from((0..n).map(|_| self.next() as u8).collect::<Vec<u8>>())
    }

    /// An array: shorter the deeper it is, so nested structs stay small.
    pub(crate) fn vec<T>(&mut self, mut elem: impl FnMut(&mut Self) -> T) -> Vec<T> {
        let n = match self.depth {
            0 => match self.below(12) {
                0..=2 => 0,
                11 => 130, // a count whose compact varint takes two bytes
                _ => 1 + self.below(4) as usize,
            },
            1 | 2 => self.below(4) as usize,
            _ => self.below(2) as usize,
        };
        (0..n).map(|_| elem(self)).collect()
    }

    pub(crate) fn nested<T>(&mut self, f: impl FnOnce(&mut Self) -> T) -> T {
        self.depth += 1;
        let v = f(self);
        self.depth -= 1;
        v
    }

    /// Unknown tagged fields with ascending tags from `first_free` on.
    pub(crate) fn unknown_tags(&mut self, first_free: u32) -> Vec<RawTaggedField> {
        let mut tag = first_free;
        let n = match self.below(4) {
            0 | 1 => 0,
            2 => 1,
            _ => 2,
        };
        (0..n)
            .map(|_| {
                tag += if self.bool() {
                    self.below(5) as u32
                } else {
                    200 + self.below(20_000) as u32
                };
                let f = RawTaggedField {
                    tag,
                    data: self.bytes(),
                };
                tag += 1;
                f
            })
            .collect()
    }

    /// Corrupts `bytes` a little: the inputs that reach deep into a decoder.
    pub(crate) fn mutate(&mut self, bytes: &mut Vec<u8>) {
        for _ in 0..=self.below(3) {
            let len = bytes.len() as u64;
            match self.below(6) {
                0 if len > 0 => {
                    let i = self.below(len) as usize;
                    bytes[i] = self.next() as u8;
                }
                1 if len > 0 => bytes.truncate(self.below(len) as usize),
                2 => {
                    let i = self.below(len + 1) as usize;
                    bytes.insert(i, self.next() as u8);
                }
                3 if len > 0 => {
                    bytes.remove(self.below(len) as usize);
                }
                _ if len > 0 => {
                    let i = self.below(len) as usize;
                    bytes[i] = [0x00, 0x01, 0x7f, 0x80, 0xff][self.below(5) as usize];
                }
                _ => bytes.push(self.next() as u8),
            }
        }
    }
}

/// Cases per (message, version): `PROPTEST_CASES` if set, else 24.
fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(24)
}

/// The properties run for every message at every version, on random values:
/// - value -> encode -> decode equals the value; `encoded_len` = bytes
///   written = bytes consumed;
/// - decode -> encode reproduces the bytes exactly;
/// - mutated encodings and random bytes either fail to decode or decode to a
///   value that re-encodes to bytes decoding to the same value (or that
///   Kafka's writer refuses too); never a panic.
pub(crate) fn check_properties<M: Message + Generate>() {
    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestRunner};
    for version in M::VERSIONS.iter() {
        let config = Config {
            cases: cases(),
            failure_persistence: None,
            ..Config::default()
        };
        let mut runner = TestRunner::new(config);
        let result = runner.run(&any::<u64>(), |seed| {
            let mut g = Gen::new(seed);
            let value = M::generate(&mut g, version);
            let bytes = value
                .to_bytes(version)
                .map_err(|e| TestCaseError::fail(format!("encode: {e}")))?;
            prop_assert_eq!(value.encoded_len(version), bytes.len());
            let mut input = bytes.clone();
            let decoded = M::decode(&mut input, version)
                .map_err(|e| TestCaseError::fail(format!("decode: {e}")))?;
            prop_assert!(input.is_empty(), "{} bytes not consumed", input.len());
            prop_assert_eq!(&decoded, &value);
            prop_assert_eq!(decoded.to_bytes(version).unwrap(), bytes.clone());

            // Bytes first: corrupted encodings and noise.
            let mut corrupt = bytes.to_vec();
            g.mutate(&mut corrupt);
            let noise: Vec<u8> = (0..g.below(48)).map(|_| g.next() as u8).collect();
            for input in [corrupt, noise] {
                if let Ok(m) = M::decode(&mut Bytes::from(input), version) {
                    // What Kafka's reader accepts but its writer refuses, and
                    // so does ours: unknown tags out of order or repeated, a
                    // string that outgrew the limit when its invalid UTF-8
                    // was replaced.
                    let again = match m.to_bytes(version) {
                        Ok(again) => again,
                        Err(e)
                            if matches!(
                                e.kind(),
                                crate::EncodeErrorKind::UnknownTagOrder(_)
                                    | crate::EncodeErrorKind::StringTooLong(_)
                            ) =>
                        {
                            continue;
                        }
                        Err(e) => {
                            return Err(TestCaseError::fail(format!(
                                "decoded value does not re-encode: {e}"
                            )));
                        }
                    };
                    let back = M::decode_exact(again.clone(), version).map_err(|e| {
                        TestCaseError::fail(format!("re-encoded value does not decode: {e}"))
                    })?;
                    if back != m {
                        // A float64 NaN (AlterClientQuotas) is never equal to
                        // itself: then the bytes must agree.
                        prop_assert_eq!(back.to_bytes(version).ok(), Some(again));
                    }
                }
            }
            Ok(())
        });
        if let Err(e) = result {
            panic!("{} v{version}: {e}", M::NAME);
        }
    }
}

/// With the `serde` feature, for every version: the default, the populated
/// value and generated values survive JSON (value -> JSON -> value, and the
/// JSON text is stable: value -> JSON -> value -> JSON gives the same text);
/// `{}` is the default; an unknown field name is an error.
#[cfg(feature = "serde")]
pub(crate) fn check_serde<M>()
where
    M: Message + Populate + Generate + serde::Serialize + serde::de::DeserializeOwned,
{
    fn json_round_trip<M>(value: &M, what: &str)
    where
        M: Message + serde::Serialize + serde::de::DeserializeOwned,
    {
        let name = M::NAME;
        let text = serde_json::to_string(value)
            .unwrap_or_else(|e| panic!("{name} {what}: to JSON failed: {e}"));
        let back: M = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{name} {what}: from JSON failed: {e}\n{text}"));
        assert_eq!(
            &back, value,
            "{name} {what}: JSON round trip differs\n{text}"
        );
        let again = serde_json::to_string(&back).expect("to JSON");
        assert_eq!(again, text, "{name} {what}: JSON text is not stable");
    }
    let empty: M = serde_json::from_str("{}")
        .unwrap_or_else(|e| panic!("{}: {{}} does not deserialize: {e}", M::NAME));
    assert_eq!(empty, M::default(), "{}: {{}} is not the default", M::NAME);
    assert!(
        serde_json::from_str::<M>(r#"{"noSuchField": 1}"#).is_err(),
        "{}: an unknown field was accepted",
        M::NAME
    );
    json_round_trip(&M::default(), "default");
    let default_json = serde_json::to_value(M::default()).expect("to JSON");
    for version in M::VERSIONS.iter() {
        json_round_trip(&M::populated(version), &format!("v{version} populated"));
        check_at_version(&M::populated(version), version, &default_json);
        let mut g = Gen::new(u64::from(version as u16) ^ 0x5e7d_e000);
        for i in 0..cases().min(8) {
            let value = M::generate(&mut g, version);
            json_round_trip(&value, &format!("v{version} generated #{i}"));
            // What the version carries, written at that version, reads back
            // as the same value.
            let carried =
                M::decode_exact(value.to_bytes(version).expect("encode"), version).expect("decode");
            let text =
                serde_json::to_string(&crate::AtVersion::new(&carried, version)).expect("to JSON");
            let back: M = serde_json::from_str(&text)
                .unwrap_or_else(|e| panic!("{} v{version}: {e}\n{text}", M::NAME));
            assert_eq!(back, carried, "{} v{version} at version: {text}", M::NAME);
        }
    }
}

/// `AtVersion` on a value whose every field of `version` is set: the
/// top-level fields written are exactly those that differ from the
/// default (those the version has), and it reads back as the same value.
#[cfg(feature = "serde")]
fn check_at_version<M>(populated: &M, version: i16, default_json: &serde_json::Value)
where
    M: Message + serde::Serialize + serde::de::DeserializeOwned,
{
    let all = serde_json::to_value(populated).expect("to JSON");
    let at = serde_json::to_value(crate::AtVersion::new(populated, version)).expect("to JSON");
    let keys = |v: &serde_json::Value| -> Vec<String> {
        v.as_object()
            .map(|o| o.keys().cloned().collect())
            .unwrap_or_default()
    };
    let want: Vec<String> = keys(&all)
        .into_iter()
        .filter(|k| all.get(k) != default_json.get(k))
        .collect();
    if matches!(M::NAME, "RequestHeader" | "ResponseHeader") {
        // Header fields are always written (their versions are not the body's).
        assert_eq!(at, all, "{} v{version}", M::NAME);
    } else {
        assert_eq!(keys(&at), want, "{} v{version}: fields written", M::NAME);
    }
    let back: M = serde_json::from_value(at).expect("from JSON");
    assert_eq!(&back, populated, "{} v{version} at version", M::NAME);
}

/// A non-default value in a field the version lacks: an error naming the
/// field if it is not ignorable; dropped (decodes back as the default) if it is.
pub(crate) fn check_absent_fields<M: Message + AbsentCases>() {
    for version in M::VERSIONS.iter() {
        for case in M::absent_cases(version) {
            let result = case.value.to_bytes(version);
            if case.ignorable {
                let bytes = result.unwrap_or_else(|e| {
                    panic!(
                        "{} v{version}: ignorable {} should be dropped: {e}",
                        M::NAME,
                        case.field
                    )
                });
                assert_eq!(
                    M::decode_exact(bytes, version).unwrap(),
                    case.expected,
                    "{} v{version}: {} not dropped",
                    M::NAME,
                    case.field
                );
            } else {
                let err = result.expect_err(case.field);
                assert_eq!(
                    err.kind(),
                    crate::EncodeErrorKind::NonDefaultField {
                        field: case.field,
                        version
                    },
                    "{} v{version}",
                    M::NAME
                );
                assert!(err.to_string().contains(case.field));
            }
        }
    }
}

#[cfg(test)]
mod coverage {
    //! The generators reach what the properties are meant to exercise.
    use super::*;
    use crate::messages::*;

    #[test]
    fn generated_values_cover_nulls_long_strings_and_unknown_tags() {
        let (mut null, mut some, mut long, mut unknown, mut empty_arr, mut multi) =
            (0, 0, 0, 0, 0, 0);
        for seed in 0..400 {
            let mut g = Gen::new(seed);
            let m = MetadataRequest::generate(&mut g, 12);
            match &m.topics {
                None => null += 1,
                Some(t) if t.is_empty() => empty_arr += 1,
                Some(t) => {
                    some += 1;
                    if t.len() > 1 {
                        multi += 1;
                    }
                    if t.iter()
                        .any(|x| x.name.as_ref().is_some_and(|n| n.len() > 127))
                    {
                        long += 1;
                    }
                }
            }
            if !m.unknown_tagged_fields.is_empty() {
                unknown += 1;
            }
        }
        assert!(
            null > 20 && some > 100 && long > 0 && unknown > 50 && empty_arr > 0 && multi > 0,
            "null {null} some {some} long {long} unknown {unknown} empty {empty_arr} multi {multi}"
        );
        // v0 never generates null topics (not nullable there).
        for seed in 0..100 {
            assert!(
                MetadataRequest::generate(&mut Gen::new(seed), 0)
                    .topics
                    .is_some()
            );
        }
    }

    #[test]
    fn tagged_fields_are_generated_at_and_away_from_default() {
        let (mut at, mut away) = (0, 0);
        for seed in 0..200 {
            let r = ApiVersionsResponse::generate(&mut Gen::new(seed), 3);
            if r.finalized_features_epoch == -1 {
                at += 1
            } else {
                away += 1
            }
        }
        assert!(at > 20 && away > 20, "at {at} away {away}");
    }

    #[test]
    fn absent_field_cases_reach_nested_fields() {
        fn names<T>(v: Vec<AbsentCase<T>>) -> Vec<(&'static str, bool)> {
            v.iter().map(|c| (c.field, c.ignorable)).collect()
        }
        assert!(names(CreateTopicsRequest::absent_cases(0)).contains(&("validateOnly", false)));
        assert!(names(FetchRequest::absent_cases(5)).contains(&("ForgottenTopicsData", false)));
        // Nested: LeaderAndIsr v2 partition states lack AddingReplicas (ignorable).
        assert!(names(LeaderAndIsrRequest::absent_cases(2)).contains(&("AddingReplicas", true)));
        // Its latest version has every field, so no cases at the top level;
        // an older one lacks the newer fields.
        assert!(ApiVersionsRequest::absent_cases(ApiVersionsRequest::VERSIONS.highest).is_empty());
        assert!(names(ApiVersionsRequest::absent_cases(2)).contains(&("ClientSoftwareName", true)));
    }
}

#[cfg(test)]
mod registry {
    //! Every message has its generated tests: the per-message test list is
    //! checked against the API table and the data schemas the crate promises.
    use crate::ApiKey;
    use crate::message_tests::TESTED;

    #[test]
    fn every_request_and_response_has_property_tests() {
        for key in ApiKey::all() {
            let name = key.name().unwrap();
            for suffix in ["Request", "Response"] {
                let full = format!("{name}{suffix}");
                assert!(
                    TESTED.contains(&full.as_str()),
                    "{full} has no generated tests"
                );
            }
        }
        // Every header and data schema of the bundled releases, read from
        // the schema files themselves.
        let data = crate::tests::bundled::other_schemas();
        assert!(data.contains("RequestHeader") && data.contains("ResponseHeader"));
        for d in &data {
            assert!(TESTED.contains(&d.as_str()), "{d} has no generated tests");
        }
        assert_eq!(TESTED.len(), 2 * ApiKey::all().count() + data.len());
    }
}
