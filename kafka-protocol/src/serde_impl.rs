//! JSON (and any other serde format) for the generated types, behind the
//! `serde` feature.
//!
//! The shapes follow Kafka's own `JsonConverter`s where Kafka has one, so a
//! dump reads like Kafka's request log:
//! - field names are Kafka's with the first letter lower-cased (`topicData`);
//! - `bytes` and `records` fields are standard base64 with padding (RFC 4648
//!   section 4), `null` when absent;
//! - UUIDs are Kafka's text form (22 characters of URL-safe base64);
//! - strings are JSON strings;
//! - `float64` values are numbers, except NaN and the infinities, which JSON
//!   numbers cannot hold: they are the strings `"NaN"`, `"Infinity"` and
//!   `"-Infinity"` (Java's spelling), so every value survives a round trip;
//! - unknown tagged fields are `_unknownTaggedFields`, a list of
//!   `{"tag": n, "data": base64}`, left out when empty.
//!
//! Deserializing is forgiving where that loses nothing: a missing field takes
//! its schema default. It is strict where a typo would otherwise vanish
//! silently: an unknown field name is an error.

use crate::{ByteString, RawTaggedField, Uuid};
use bytes::Bytes;
use serde::de::{self, Deserializer, Visitor};
use serde::ser::Serializer;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Standard base64 with padding.
fn encode_base64(data: &[u8]) -> String {
    let mut out = String::new();
    crate::base64::encode(data, crate::base64::STANDARD, true, &mut out);
    out
}

struct Base64Visitor;

impl Visitor<'_> for Base64Visitor {
    type Value = Bytes;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("standard base64 with padding")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Bytes, E> {
        crate::base64::decode(v, crate::base64::STANDARD, true)
            .map(Bytes::from)
            .ok_or_else(|| E::invalid_value(de::Unexpected::Str(v), &self))
    }
}

/// `bytes` and `records` fields: a base64 string.
pub(crate) mod base64 {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(v: &Bytes, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&encode_base64(v))
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Bytes, D::Error> {
        d.deserialize_str(Base64Visitor)
    }
}

/// Nullable `bytes` and `records` fields: a base64 string or `null`.
pub(crate) mod opt_base64 {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(v: &Option<Bytes>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(b) => s.serialize_some(&encode_base64(b)),
            None => s.serialize_none(),
        }
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Bytes>, D::Error> {
        Option::<Base64Bytes>::deserialize(d).map(|o| o.map(|b| b.0))
    }
}

/// A `Bytes` that (de)serializes as base64, for the containers above.
#[derive(Debug)]
struct Base64Bytes(Bytes);

impl Serialize for Base64Bytes {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        base64::serialize(&self.0, s)
    }
}

impl<'de> Deserialize<'de> for Base64Bytes {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        base64::deserialize(d).map(Base64Bytes)
    }
}

/// Arrays of `bytes`: a list of base64 strings. No schema of the bundled
/// release has one, but the schema language allows it and the generator emits
/// this path for it, so a release that adds one still compiles.
#[allow(dead_code)]
pub(crate) mod vec_base64 {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(v: &[Bytes], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(v.iter().map(|b| Base64Bytes(b.clone())))
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Bytes>, D::Error> {
        Vec::<Base64Bytes>::deserialize(d).map(|v| v.into_iter().map(|b| b.0).collect())
    }
}

/// Nullable arrays of `bytes` (see [`vec_base64`]).
#[allow(dead_code)]
pub(crate) mod opt_vec_base64 {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(
        v: &Option<Vec<Bytes>>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match v {
            Some(v) => s.collect_seq(v.iter().map(|b| Base64Bytes(b.clone()))),
            None => s.serialize_none(),
        }
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Vec<Bytes>>, D::Error> {
        Option::<Vec<Base64Bytes>>::deserialize(d)
            .map(|o| o.map(|v| v.into_iter().map(|b| b.0).collect()))
    }
}

/// `float64` fields: a number, or `"NaN"`, `"Infinity"`, `"-Infinity"`.
pub(crate) mod float {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
        if v.is_nan() {
            s.serialize_str("NaN")
        } else if v.is_infinite() {
            s.serialize_str(if *v > 0.0 { "Infinity" } else { "-Infinity" })
        } else {
            s.serialize_f64(*v)
        }
    }

    struct FloatVisitor;

    impl Visitor<'_> for FloatVisitor {
        type Value = f64;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a number, \"NaN\", \"Infinity\" or \"-Infinity\"")
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<f64, E> {
            Ok(v)
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<f64, E> {
            Ok(v as f64)
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<f64, E> {
            Ok(v as f64)
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<f64, E> {
            match v {
                "NaN" => Ok(f64::NAN),
                "Infinity" => Ok(f64::INFINITY),
                "-Infinity" => Ok(f64::NEG_INFINITY),
                _ => Err(E::invalid_value(de::Unexpected::Str(v), &self)),
            }
        }
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
        d.deserialize_any(FloatVisitor)
    }
}

impl Serialize for ByteString {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for ByteString {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(ByteString::from)
    }
}

impl Serialize for Uuid {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Uuid {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct UuidVisitor;
        impl Visitor<'_> for UuidVisitor {
            type Value = Uuid;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a Kafka UUID (22 characters of URL-safe base64)")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Uuid, E> {
                v.parse()
                    .map_err(|_| E::invalid_value(de::Unexpected::Str(v), &self))
            }
        }
        d.deserialize_str(UuidVisitor)
    }
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct TaggedFieldJson {
    tag: u32,
    #[serde(with = "base64")]
    data: Bytes,
}

impl Serialize for RawTaggedField {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        TaggedFieldJson {
            tag: self.tag,
            data: self.data.clone(),
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for RawTaggedField {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let t = TaggedFieldJson::deserialize(d)?;
        Ok(RawTaggedField {
            tag: t.tag,
            data: t.data,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Shapes {
        #[serde(with = "vec_base64")]
        list: Vec<Bytes>,
        #[serde(with = "opt_vec_base64")]
        opt_list: Option<Vec<Bytes>>,
        #[serde(with = "opt_base64")]
        opt: Option<Bytes>,
        #[serde(with = "float")]
        x: f64,
        tags: Vec<RawTaggedField>,
        id: Uuid,
        s: ByteString,
    }

    #[test]
    fn field_shapes_have_their_json_form() {
        let v = Shapes {
            list: vec![Bytes::from_static(b"f"), Bytes::new()],
            opt_list: None,
            opt: Some(Bytes::from_static(b"foo")),
            x: f64::NEG_INFINITY,
            tags: vec![RawTaggedField {
                tag: 7,
                data: Bytes::from_static(b"fo"),
            }],
            id: Uuid::from_u64_pair(0x0123_4567_89ab_cdef, 0xfedc_ba98_7654_3210),
            s: ByteString::from("héllo"),
        };
        let text = serde_json::to_string(&v).unwrap();
        assert_eq!(
            text,
            r#"{"list":["Zg==",""],"opt_list":null,"opt":"Zm9v","x":"-Infinity","tags":[{"tag":7,"data":"Zm8="}],"id":"ASNFZ4mrze_-3LqYdlQyEA","s":"héllo"}"#
        );
        assert_eq!(serde_json::from_str::<Shapes>(&text).unwrap(), v);
        let some = text.replace(r#""opt_list":null"#, r#""opt_list":["AAE="]"#);
        let back: Shapes = serde_json::from_str(&some).unwrap();
        assert_eq!(back.opt_list, Some(vec![Bytes::from_static(&[0, 1])]));
    }

    #[test]
    fn floats_keep_non_finite_values_and_accept_integers() {
        #[derive(Serialize, Deserialize)]
        struct F(#[serde(with = "float")] f64);
        for (x, text) in [
            (f64::INFINITY, r#""Infinity""#),
            (f64::NEG_INFINITY, r#""-Infinity""#),
            (1.5, "1.5"),
        ] {
            assert_eq!(serde_json::to_string(&F(x)).unwrap(), text);
            assert_eq!(serde_json::from_str::<F>(text).unwrap().0, x);
        }
        assert!(serde_json::from_str::<F>(r#""NaN""#).unwrap().0.is_nan());
        assert_eq!(serde_json::to_string(&F(f64::NAN)).unwrap(), r#""NaN""#);
        assert_eq!(serde_json::from_str::<F>("3").unwrap().0, 3.0);
        assert_eq!(serde_json::from_str::<F>("-3").unwrap().0, -3.0);
        assert!(serde_json::from_str::<F>(r#""nan""#).is_err());
    }

    #[test]
    fn bad_text_is_an_error_not_a_panic() {
        assert!(serde_json::from_str::<Uuid>(r#""not-a-uuid""#).is_err());
        assert!(serde_json::from_str::<Uuid>("12").is_err());
        #[derive(Debug, Deserialize)]
        struct B(
            #[allow(dead_code)]
            #[serde(with = "base64")]
            Bytes,
        );
        assert!(serde_json::from_str::<B>(r#""Zm9""#).is_err());
        assert!(serde_json::from_str::<B>("[1,2]").is_err());
        assert!(serde_json::from_str::<RawTaggedField>(r#"{"tag":1,"data":"","x":0}"#).is_err());
        assert!(serde_json::from_str::<RawTaggedField>(r#"{"tag":-1,"data":""}"#).is_err());
    }
}
