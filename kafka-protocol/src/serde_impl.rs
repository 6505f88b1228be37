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
use serde::ser::{self, Serializer};
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

/// A value serialized as Kafka's JSON converters write it at one version:
/// fields the version does not have are left out, at every depth, and so
/// are fields tagged in that version that hold their default (the wire
/// leaves those out too).
///
/// Plain `Serialize` writes every field, since a JSON document carries no
/// version; a field the version lacks then shows its default (for instance
/// `topicId` in a Produce v7 request). `AtVersion` writes what
/// `ProduceRequestDataJsonConverter.write(data, 7)` would. Reading either
/// back gives the same value: missing fields take their defaults.
///
/// It applies to the generated messages and the any-message enums. Request
/// and response headers have versions of their own, so their fields are
/// always written (in a frame too).
///
/// ```
/// use kafkawire::AtVersion;
/// use kafkawire::messages::ProduceRequest;
///
/// let request = ProduceRequest::default().with_acks(-1);
/// let all = serde_json::to_string(&request).unwrap();
/// assert!(all.contains("transactionalId")); // versions 3+
/// let v2 = serde_json::to_string(&AtVersion::new(&request, 2)).unwrap();
/// assert_eq!(v2, r#"{"acks":-1,"timeoutMs":0,"topicData":[]}"#);
/// let back: ProduceRequest = serde_json::from_str(&v2).unwrap();
/// assert_eq!(back, request);
/// ```
#[derive(Debug, Clone, Copy)]
pub struct AtVersion<'a, T: ?Sized> {
    value: &'a T,
    version: i16,
}

impl<'a, T: ?Sized> AtVersion<'a, T> {
    /// `value`, to be written at `version`.
    pub fn new(value: &'a T, version: i16) -> Self {
        AtVersion { value, version }
    }
}

std::thread_local! {
    /// The version an `AtVersion` on this thread is writing, for the
    /// generated `skip_serializing_if` functions of tagged fields (serde
    /// hands them the field alone).
    static JSON_VERSION: std::cell::Cell<Option<i16>> = const { std::cell::Cell::new(None) };
}

/// The version being written by `AtVersion` on this thread, if any.
pub(crate) fn json_version() -> Option<i16> {
    JSON_VERSION.with(|v| v.get())
}

/// Restores the previous [`json_version`] when dropped (also on unwinding).
struct RestoreVersion(Option<i16>);

impl Drop for RestoreVersion {
    fn drop(&mut self) {
        JSON_VERSION.with(|v| v.set(self.0));
    }
}

impl<T: ?Sized + Serialize> Serialize for AtVersion<'_, T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let _restore = RestoreVersion(JSON_VERSION.with(|v| v.replace(Some(self.version))));
        self.value.serialize(AtVersionSerializer {
            inner: s,
            version: self.version,
        })
    }
}

/// Forwards to `inner`, wrapping every nested value so that structs at any
/// depth skip the fields `version` lacks.
struct AtVersionSerializer<S> {
    inner: S,
    version: i16,
}

/// A compound serializer of `inner` whose elements are wrapped likewise.
struct Compound<C> {
    inner: C,
    version: i16,
}

/// A struct serializer that skips the fields its version lacks.
struct StructAtVersion<C> {
    inner: C,
    name: &'static str,
    version: i16,
}

macro_rules! forward {
    ($($method:ident($t:ty)),* $(,)?) => {$(
        fn $method(self, v: $t) -> Result<S::Ok, S::Error> {
            self.inner.$method(v)
        }
    )*};
}

impl<S: Serializer> Serializer for AtVersionSerializer<S> {
    type Ok = S::Ok;
    type Error = S::Error;
    type SerializeSeq = Compound<S::SerializeSeq>;
    type SerializeTuple = Compound<S::SerializeTuple>;
    type SerializeTupleStruct = Compound<S::SerializeTupleStruct>;
    type SerializeTupleVariant = Compound<S::SerializeTupleVariant>;
    type SerializeMap = Compound<S::SerializeMap>;
    type SerializeStruct = StructAtVersion<S::SerializeStruct>;
    type SerializeStructVariant = Compound<S::SerializeStructVariant>;

    forward!(
        serialize_bool(bool),
        serialize_i8(i8),
        serialize_i16(i16),
        serialize_i32(i32),
        serialize_i64(i64),
        serialize_i128(i128),
        serialize_u8(u8),
        serialize_u16(u16),
        serialize_u32(u32),
        serialize_u64(u64),
        serialize_u128(u128),
        serialize_f32(f32),
        serialize_f64(f64),
        serialize_char(char),
        serialize_str(&str),
        serialize_bytes(&[u8]),
        serialize_unit_struct(&'static str),
    );

    fn serialize_none(self) -> Result<S::Ok, S::Error> {
        self.inner.serialize_none()
    }
    fn serialize_unit(self) -> Result<S::Ok, S::Error> {
        self.inner.serialize_unit()
    }
    fn serialize_some<T: ?Sized + Serialize>(self, v: &T) -> Result<S::Ok, S::Error> {
        self.inner.serialize_some(&AtVersion::new(v, self.version))
    }
    fn serialize_unit_variant(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
    ) -> Result<S::Ok, S::Error> {
        self.inner.serialize_unit_variant(name, index, variant)
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        name: &'static str,
        v: &T,
    ) -> Result<S::Ok, S::Error> {
        self.inner
            .serialize_newtype_struct(name, &AtVersion::new(v, self.version))
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        v: &T,
    ) -> Result<S::Ok, S::Error> {
        self.inner
            .serialize_newtype_variant(name, index, variant, &AtVersion::new(v, self.version))
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<Self::SerializeSeq, S::Error> {
        let version = self.version;
        self.inner
            .serialize_seq(len)
            .map(|inner| Compound { inner, version })
    }
    fn serialize_tuple(self, len: usize) -> Result<Self::SerializeTuple, S::Error> {
        let version = self.version;
        self.inner
            .serialize_tuple(len)
            .map(|inner| Compound { inner, version })
    }
    fn serialize_tuple_struct(
        self,
        name: &'static str,
        len: usize,
    ) -> Result<Self::SerializeTupleStruct, S::Error> {
        let version = self.version;
        self.inner
            .serialize_tuple_struct(name, len)
            .map(|inner| Compound { inner, version })
    }
    fn serialize_tuple_variant(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Self::SerializeTupleVariant, S::Error> {
        let version = self.version;
        self.inner
            .serialize_tuple_variant(name, index, variant, len)
            .map(|inner| Compound { inner, version })
    }
    fn serialize_map(self, len: Option<usize>) -> Result<Self::SerializeMap, S::Error> {
        let version = self.version;
        self.inner
            .serialize_map(len)
            .map(|inner| Compound { inner, version })
    }
    fn serialize_struct(
        self,
        name: &'static str,
        len: usize,
    ) -> Result<Self::SerializeStruct, S::Error> {
        let inner = self.inner.serialize_struct(name, len)?;
        Ok(StructAtVersion {
            inner,
            name,
            version: self.version,
        })
    }
    fn serialize_struct_variant(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Self::SerializeStructVariant, S::Error> {
        let version = self.version;
        self.inner
            .serialize_struct_variant(name, index, variant, len)
            .map(|inner| Compound { inner, version })
    }
    fn is_human_readable(&self) -> bool {
        self.inner.is_human_readable()
    }
}

/// The compound serializers whose only method wraps one value.
macro_rules! wrap_elements {
    ($($tr:ident::$method:ident),* $(,)?) => {$(
        impl<C: ser::$tr> ser::$tr for Compound<C> {
            type Ok = C::Ok;
            type Error = C::Error;
            fn $method<T: ?Sized + Serialize>(&mut self, v: &T) -> Result<(), C::Error> {
                self.inner.$method(&AtVersion::new(v, self.version))
            }
            fn end(self) -> Result<C::Ok, C::Error> {
                self.inner.end()
            }
        }
    )*};
}

wrap_elements!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field,
);

impl<C: ser::SerializeMap> ser::SerializeMap for Compound<C> {
    type Ok = C::Ok;
    type Error = C::Error;
    fn serialize_key<T: ?Sized + Serialize>(&mut self, k: &T) -> Result<(), C::Error> {
        self.inner.serialize_key(k)
    }
    fn serialize_value<T: ?Sized + Serialize>(&mut self, v: &T) -> Result<(), C::Error> {
        self.inner.serialize_value(&AtVersion::new(v, self.version))
    }
    fn end(self) -> Result<C::Ok, C::Error> {
        self.inner.end()
    }
}

impl<C: ser::SerializeStructVariant> ser::SerializeStructVariant for Compound<C> {
    type Ok = C::Ok;
    type Error = C::Error;
    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        key: &'static str,
        v: &T,
    ) -> Result<(), C::Error> {
        self.inner
            .serialize_field(key, &AtVersion::new(v, self.version))
    }
    fn end(self) -> Result<C::Ok, C::Error> {
        self.inner.end()
    }
}

/// Whether a JSON field of a generated struct exists in a version (`None`
/// when the struct or the field is not a generated message's, and for the
/// request and response headers, whose versions are not the body's).
fn field_in_version(structure: &str, field: &str, version: i16) -> Option<bool> {
    if structure.starts_with("request_header::") || structure.starts_with("response_header::") {
        return None;
    }
    let found = crate::messages::json_field_in_version(structure, field, version);
    // The crate's tests also generate messages from test schemas.
    #[cfg(test)]
    let found =
        found.or_else(|| crate::test_messages::json_field_in_version(structure, field, version));
    found
}

impl<C: ser::SerializeStruct> ser::SerializeStruct for StructAtVersion<C> {
    type Ok = C::Ok;
    type Error = C::Error;
    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        key: &'static str,
        v: &T,
    ) -> Result<(), C::Error> {
        match field_in_version(self.name, key, self.version) {
            Some(false) => self.inner.skip_field(key),
            // In the version, or not a field of a generated message (a
            // header's, a frame's, `_unknownTaggedFields`): written.
            _ => self
                .inner
                .serialize_field(key, &AtVersion::new(v, self.version)),
        }
    }
    fn skip_field(&mut self, key: &'static str) -> Result<(), C::Error> {
        self.inner.skip_field(key)
    }
    fn end(self) -> Result<C::Ok, C::Error> {
        self.inner.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Tagged fields holding their default are left out at a version where
    /// they are tagged, as Kafka's converters and the wire leave them out;
    /// plain `Serialize` still writes them.
    #[test]
    fn at_version_leaves_out_tagged_defaults() {
        use crate::messages::ApiVersionsResponse;
        let keys = |v: serde_json::Value| {
            let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
            k.sort();
            k
        };
        let response = ApiVersionsResponse::default();
        let at3 = || serde_json::to_value(AtVersion::new(&response, 3)).unwrap();
        assert_eq!(keys(at3()), ["apiKeys", "errorCode", "throttleTimeMs"]);
        assert_eq!(
            keys(serde_json::to_value(&response).unwrap()),
            [
                "apiKeys",
                "errorCode",
                "finalizedFeatures",
                "finalizedFeaturesEpoch",
                "supportedFeatures",
                "throttleTimeMs",
                "zkMigrationReady"
            ]
        );
        // Not the default (-1, false): written.
        let response = response
            .with_finalized_features_epoch(0)
            .with_zk_migration_ready(true);
        let json = serde_json::to_value(AtVersion::new(&response, 3)).unwrap();
        assert_eq!(json["finalizedFeaturesEpoch"], 0);
        assert_eq!(json["zkMigrationReady"], true);
        assert!(json.get("supportedFeatures").is_none());
        // The version is only in force while an AtVersion is writing.
        assert_eq!(json_version(), None);
    }

    /// Nested structs follow the version too (ProduceRequest's topics are
    /// named up to v12 and carry a topic id from v13, in Kafka's schema),
    /// through the any-message enum and inside a frame, whose header keeps
    /// every field.
    #[test]
    fn at_version_reaches_nested_structs_and_keeps_headers() {
        use crate::any::AnyRequest;
        use crate::frame::RequestFrame;
        use crate::messages::ProduceRequest;
        use crate::messages::RequestHeader;
        use crate::messages::produce_request::{PartitionProduceData, TopicProduceData};
        let request = ProduceRequest::default().with_topic_data(vec![
            TopicProduceData::default()
                .with_name("t".into())
                .with_topic_id(Uuid::from_u64_pair(0, 1))
                .with_partition_data(vec![PartitionProduceData::default()]),
        ]);
        let topic = |version: i16| {
            let json = serde_json::to_value(AtVersion::new(&request, version)).unwrap();
            let topic = json["topicData"][0].as_object().unwrap().clone();
            let mut keys: Vec<String> = topic.keys().cloned().collect();
            keys.sort();
            keys
        };
        assert_eq!(topic(12), ["name", "partitionData"]);
        assert_eq!(topic(13), ["partitionData", "topicId"]);
        let unversioned = serde_json::to_value(&request).unwrap();
        assert!(unversioned["topicData"][0].get("name").is_some());
        assert!(unversioned["topicData"][0].get("topicId").is_some());

        let any = AnyRequest::Produce(request.clone());
        let json = serde_json::to_value(AtVersion::new(&any, 2)).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"Produce": {"acks": 0, "timeoutMs": 0, "topicData": [
                {"name": "t", "partitionData": [{"index": 0, "records": null}]}
            ]}})
        );
        // The header schema's version 0 has no client id, yet a frame
        // written at body version 0 keeps every header field.
        let header = RequestHeader::default().with_client_id(Some("c".into()));
        let frame = RequestFrame::new(header, any);
        let json = serde_json::to_value(AtVersion::new(&frame, 0)).unwrap();
        assert_eq!(json["header"], serde_json::to_value(&frame.header).unwrap());
        assert_eq!(json["header"]["clientId"], "c");
        assert!(
            json["body"]["Produce"]["topicData"][0]
                .get("topicId")
                .is_none()
        );
    }

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
