//! A faithful mirror of Kafka's schema JSON, with Kafka's key names.
//!
//! Nothing is interpreted here beyond what Jackson does in Kafka's generator:
//! unknown keys are rejected, a single value is accepted where a list is
//! expected, and scalars are coerced the way Jackson coerces them (a number or
//! a boolean where Java declares a `String`, a string where it declares an
//! integer or a boolean). Meaning is given in [`crate::model`].

use serde::Deserialize;
use serde::de::{self, Deserializer};

/// One schema file.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct MessageSpec {
    /// `name`.
    pub name: String,
    /// `type`: request, response, header, metadata or data (validated later).
    #[serde(rename = "type")]
    pub kind: String,
    /// `apiKey`.
    #[serde(default, deserialize_with = "loose_opt_i64")]
    pub api_key: Option<i64>,
    /// `validVersions`.
    #[serde(default, deserialize_with = "loose_opt_string")]
    pub valid_versions: Option<String>,
    /// `flexibleVersions`.
    #[serde(default, deserialize_with = "loose_opt_string")]
    pub flexible_versions: Option<String>,
    /// `deprecatedVersions`.
    #[serde(default, deserialize_with = "loose_opt_string")]
    pub deprecated_versions: Option<String>,
    /// `latestVersionUnstable`.
    #[serde(default, deserialize_with = "loose_opt_bool")]
    pub latest_version_unstable: Option<bool>,
    /// `listeners` (a single string is accepted as a one-element list); each
    /// must be one of Kafka's `RequestListenerType` values.
    #[serde(default, deserialize_with = "listeners")]
    pub listeners: Option<Vec<String>>,
    /// `fields`.
    #[serde(default)]
    pub fields: Option<Vec<FieldSpec>>,
    /// `commonStructs`.
    #[serde(default)]
    pub common_structs: Option<Vec<StructSpec>>,
}

/// An entry of `commonStructs`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct StructSpec {
    /// `name`.
    pub name: String,
    /// `versions`.
    #[serde(default, deserialize_with = "loose_opt_string")]
    pub versions: Option<String>,
    /// `fields`.
    #[serde(default)]
    pub fields: Vec<FieldSpec>,
}

/// One field.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct FieldSpec {
    /// `name`.
    pub name: String,
    /// `type`.
    #[serde(rename = "type")]
    pub ty: String,
    /// `versions`.
    #[serde(default, deserialize_with = "loose_opt_string")]
    pub versions: Option<String>,
    /// `fields` (inline struct).
    #[serde(default)]
    pub fields: Option<Vec<FieldSpec>>,
    /// `nullableVersions`.
    #[serde(default, deserialize_with = "loose_opt_string")]
    pub nullable_versions: Option<String>,
    /// `default`; JSON `null` becomes `""` as in Java (see the semantics doc 1.6).
    #[serde(default, deserialize_with = "loose_default")]
    pub default: Option<String>,
    /// `ignorable`.
    #[serde(default, deserialize_with = "loose_opt_bool")]
    pub ignorable: Option<bool>,
    /// `entityType`.
    #[serde(default, deserialize_with = "loose_opt_string")]
    pub entity_type: Option<String>,
    /// `about`.
    #[serde(default, deserialize_with = "loose_opt_string")]
    pub about: Option<String>,
    /// `mapKey`.
    #[serde(default, deserialize_with = "loose_opt_bool")]
    pub map_key: Option<bool>,
    /// `taggedVersions`.
    #[serde(default, deserialize_with = "loose_opt_string")]
    pub tagged_versions: Option<String>,
    /// `tag`.
    #[serde(default, deserialize_with = "loose_opt_i64")]
    pub tag: Option<i64>,
    /// `flexibleVersions` (field-level override).
    #[serde(default, deserialize_with = "loose_opt_string")]
    pub flexible_versions: Option<String>,
    /// `zeroCopy`.
    #[serde(default, deserialize_with = "loose_opt_bool")]
    pub zero_copy: Option<bool>,
}

/// A JSON scalar as Jackson would coerce it.
#[derive(Deserialize)]
#[serde(untagged)]
enum Scalar {
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
}

impl Scalar {
    fn into_string(self) -> String {
        match self {
            Scalar::Str(s) => s,
            Scalar::Int(i) => i.to_string(),
            Scalar::Float(f) => f.to_string(),
            Scalar::Bool(b) => b.to_string(),
        }
    }
}

fn loose_opt_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(Option::<Scalar>::deserialize(d)?.map(Scalar::into_string))
}

fn loose_default<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    // Present-but-null is Java's null String, which FieldSpec turns into "".
    Ok(Some(
        Option::<Scalar>::deserialize(d)?
            .map(Scalar::into_string)
            .unwrap_or_default(),
    ))
}

fn loose_opt_i64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    match Option::<Scalar>::deserialize(d)? {
        None => Ok(None),
        Some(Scalar::Int(i)) => Ok(Some(i)),
        Some(Scalar::Str(s)) => s
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| de::Error::custom(format!("expected an integer, found {s:?}"))),
        Some(other) => Err(de::Error::custom(format!(
            "expected an integer, found {}",
            other.into_string()
        ))),
    }
}

fn loose_opt_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    match Option::<Scalar>::deserialize(d)? {
        None => Ok(None),
        Some(Scalar::Bool(b)) => Ok(Some(b)),
        Some(Scalar::Str(s)) if s.eq_ignore_ascii_case("true") => Ok(Some(true)),
        Some(Scalar::Str(s)) if s.eq_ignore_ascii_case("false") => Ok(Some(false)),
        Some(other) => Err(de::Error::custom(format!(
            "expected a boolean, found {}",
            other.into_string()
        ))),
    }
}

fn one_or_many<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<String>>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(Scalar),
        Many(Vec<Scalar>),
    }
    Ok(Option::<OneOrMany>::deserialize(d)?.map(|v| match v {
        OneOrMany::One(s) => vec![s.into_string()],
        OneOrMany::Many(v) => v.into_iter().map(Scalar::into_string).collect(),
    }))
}

/// Kafka's `RequestListenerType` JSON values (Jackson rejects any other).
const LISTENERS: &[&str] = &["zkBroker", "broker", "controller"];

fn listeners<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<String>>, D::Error> {
    let list = one_or_many(d)?;
    if let Some(bad) = list
        .iter()
        .flatten()
        .find(|l| !LISTENERS.contains(&l.as_str()))
    {
        return Err(de::Error::custom(format!(
            "unknown listener {bad:?}, expected one of {LISTENERS:?}"
        )));
    }
    Ok(list)
}

/// Parses one schema file's text (comments allowed).
pub fn parse_message(text: &str) -> Result<MessageSpec, String> {
    let stripped = crate::json::strip_comments(text).map_err(|e| format!("{e:?}"))?;
    // Through a `Value` first: like Jackson, a repeated key keeps its last value
    // (Kafka 3.9.0's DescribeTopicPartitionsRequest.json repeats "versions").
    let value: serde_json::Value = serde_json::from_str(&stripped).map_err(|e| e.to_string())?;
    serde_json::from_value(value).map_err(|e| e.to_string())
}

/// A schema key the generator does not know, found by [`unknown_keys`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownKey {
    /// Where: `""` for the top level, else `fields[Name].fields[Inner]` or
    /// `commonStructs[Name]`.
    pub path: String,
    /// The key.
    pub key: String,
    /// Its value, as JSON.
    pub value: String,
}

/// Top-level keys of [`MessageSpec`], in Kafka's spelling.
pub const MESSAGE_KEYS: &[&str] = &[
    "name",
    "type",
    "apiKey",
    "validVersions",
    "flexibleVersions",
    "deprecatedVersions",
    "latestVersionUnstable",
    "listeners",
    "fields",
    "commonStructs",
];

/// Keys of a `commonStructs` entry ([`StructSpec`]).
pub const STRUCT_KEYS: &[&str] = &["name", "versions", "fields"];

/// Keys of a field ([`FieldSpec`]).
pub const FIELD_KEYS: &[&str] = &[
    "name",
    "type",
    "versions",
    "fields",
    "nullableVersions",
    "default",
    "ignorable",
    "entityType",
    "about",
    "mapKey",
    "taggedVersions",
    "tag",
    "flexibleVersions",
    "zeroCopy",
];

/// Lists the keys of a schema text that the serde mirror does not know (a newer
/// Kafka may add some), so a caller can report them all at once instead of
/// failing on the first with a bare serde error. `Err` when the text is not
/// JSON (comments allowed).
pub fn unknown_keys(text: &str) -> Result<Vec<UnknownKey>, String> {
    let stripped = crate::json::strip_comments(text).map_err(|e| format!("{e:?}"))?;
    let value: serde_json::Value = serde_json::from_str(&stripped).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    let Some(top) = value.as_object() else {
        return Ok(out);
    };
    collect_unknown(top, MESSAGE_KEYS, "", &mut out);
    if let Some(fields) = top.get("fields") {
        unknown_in_fields(fields, "", &mut out);
    }
    if let Some(structs) = top.get("commonStructs").and_then(|v| v.as_array()) {
        for s in structs {
            if let Some(obj) = s.as_object() {
                let path = format!("commonStructs[{}]", name_of(obj));
                collect_unknown(obj, STRUCT_KEYS, &path, &mut out);
                if let Some(fields) = obj.get("fields") {
                    unknown_in_fields(fields, &path, &mut out);
                }
            }
        }
    }
    Ok(out)
}

fn name_of(obj: &serde_json::Map<String, serde_json::Value>) -> String {
    obj.get("name")
        .and_then(|n| n.as_str())
        .unwrap_or("?")
        .to_string()
}

fn collect_unknown(
    obj: &serde_json::Map<String, serde_json::Value>,
    known: &[&str],
    path: &str,
    out: &mut Vec<UnknownKey>,
) {
    for (k, v) in obj {
        if !known.contains(&k.as_str()) {
            out.push(UnknownKey {
                path: path.to_string(),
                key: k.clone(),
                value: v.to_string(),
            });
        }
    }
}

fn unknown_in_fields(fields: &serde_json::Value, path: &str, out: &mut Vec<UnknownKey>) {
    for f in fields.as_array().into_iter().flatten() {
        if let Some(obj) = f.as_object() {
            let p = if path.is_empty() {
                format!("fields[{}]", name_of(obj))
            } else {
                format!("{path}.fields[{}]", name_of(obj))
            };
            collect_unknown(obj, FIELD_KEYS, &p, out);
            if let Some(inner) = obj.get("fields") {
                unknown_in_fields(inner, &p, out);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jackson_coercions_are_accepted() {
        let m = parse_message(
            r#"// header
            { "apiKey": 1, "type": "request", "name": "XRequest", "validVersions": "0",
              "flexibleVersions": "0+", "listeners": "broker",
              "fields": [
                { "name": "A", "type": "int8", "versions": "0+", "default": 0 },
                { "name": "B", "type": "bool", "versions": "0+", "default": false, "ignorable": "false" },
                { "name": "C", "type": "[]int32", "versions": "0+", "taggedVersions": "0+", "tag": "0" },
                { "name": "D", "type": "string", "versions": "0+", "nullableVersions": "0+", "default": null }
              ] }"#,
        )
        .unwrap();
        assert_eq!(m.listeners.as_deref(), Some(&["broker".to_string()][..]));
        let f = m.fields.unwrap();
        assert_eq!(f[0].default.as_deref(), Some("0"));
        assert_eq!(f[1].default.as_deref(), Some("false"));
        assert_eq!(f[1].ignorable, Some(false));
        assert_eq!(f[2].tag, Some(0));
        assert_eq!(f[3].default.as_deref(), Some(""));
    }

    #[test]
    fn repeated_key_keeps_last_value_like_jackson() {
        let m = parse_message(
            r#"{ "name": "X", "type": "data", "validVersions": "0", "flexibleVersions": "none",
                "fields": [ { "name": "A", "type": "int8", "versions": "0+", "versions": "1+" } ] }"#,
        )
        .unwrap();
        assert_eq!(m.fields.unwrap()[0].versions.as_deref(), Some("1+"));
    }

    #[test]
    fn unknown_keys_and_trailing_tokens_are_rejected() {
        let e =
            parse_message(r#"{ "name": "X", "type": "data", "validVersions": "0", "bogus": 1 }"#)
                .unwrap_err();
        assert!(e.contains("bogus"), "{e}");
        assert!(parse_message(r#"{ "name": "X", "type": "data" } {}"#).is_err());
    }

    #[test]
    fn unknown_keys_are_listed_with_their_path() {
        let u = unknown_keys(
            r#"// c
            { "name": "X", "type": "data", "validVersions": "0", "newTop": true,
              "fields": [ { "name": "A", "type": "[]S", "versions": "0+", "fields": [
                  { "name": "B", "type": "int8", "versions": "0+", "newField": "x" } ] } ],
              "commonStructs": [ { "name": "C", "versions": "0+", "extra": 1, "fields": [] } ] }"#,
        )
        .unwrap();
        let got: Vec<(&str, &str)> = u
            .iter()
            .map(|k| (k.path.as_str(), k.key.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("", "newTop"),
                ("fields[A].fields[B]", "newField"),
                ("commonStructs[C]", "extra")
            ]
        );
        assert_eq!(u[1].value, "\"x\"");
    }
}
