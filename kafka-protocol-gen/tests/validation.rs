//! Schema validation: one test per rule of Kafka's Java generator (the cases of
//! `MessageDataGeneratorTest`, `StructSpecTest`, `StructRegistryTest`,
//! `EntityTypeTest` and the full list of the semantics doc, section 1.10).
//! Every negative test checks the exact error kind with its values, the file
//! and the field path.

use kafkawire_gen::model::{DefaultValue, Field, Struct, Type, field_ident};
use kafkawire_gen::{Error, ErrorKind, Message, VersionSet, check_registry, load_message};

const FILE: &str = "current/FooBarRequest.json";

/// A request schema with the given versions and fields, with a licence-style
/// comment header as in Kafka's files.
fn request(valid: &str, flexible: &str, fields: &str) -> String {
    format!(
        r#"// Licensed to the Apache Software Foundation (ASF).
// A test schema.
{{
  "apiKey": 1000,
  "type": "request",
  "listeners": ["broker"],
  "name": "FooBarRequest",
  "validVersions": "{valid}",
  "flexibleVersions": "{flexible}",
  "fields": [
    {fields}
  ]
}}"#
    )
}

fn load(text: &str) -> Message {
    match load_message(FILE, "test", text) {
        Ok(m) => m,
        Err(e) => panic!("schema rejected: {e}\n{text}"),
    }
}

#[track_caller]
fn rejects(text: &str, path: &str, kind: ErrorKind) {
    match load_message(FILE, "test", text) {
        Ok(_) => panic!("schema accepted, expected {kind:?}:\n{text}"),
        Err(e) => assert_eq!(
            e,
            Error {
                file: FILE.to_string(),
                path: path.to_string(),
                kind
            },
            "{text}"
        ),
    }
}

fn strukt<'a>(m: &'a Message, name: &str) -> &'a Struct {
    m.structs
        .iter()
        .find(|s| s.name == name)
        .unwrap_or_else(|| panic!("no struct {name}"))
}

fn field<'a>(s: &'a Struct, name: &str) -> &'a Field {
    s.fields
        .iter()
        .find(|f| f.name == name)
        .unwrap_or_else(|| panic!("no field {name} in {}", s.name))
}

fn root(m: &Message) -> &Struct {
    &m.structs[0]
}

fn vs(text: &str) -> VersionSet {
    VersionSet::parse(text).unwrap()
}

fn bad_default(ty: &str, default: &str) -> ErrorKind {
    ErrorKind::BadDefault {
        ty: ty.into(),
        default: default.into(),
    }
}

// ---------------------------------------------------------------------------
// MessageDataGeneratorTest
// ---------------------------------------------------------------------------

const NULL_DEFAULT_FIELDS: &str = r#"
    { "name": "field1", "type": "int32", "versions": "0+" },
    { "name": "field2", "type": "[]TestStruct", "versions": "1+",
      "nullableVersions": "1+", "default": "null", "fields": [
        { "name": "field1", "type": "int32", "versions": "0+" }
    ]},
    { "name": "field3", "type": "bytes", "versions": "2+",
      "nullableVersions": "2+", "default": "null" }"#;

fn assert_null_defaults(m: &Message) {
    let r = root(m);
    let f2 = field(r, "field2");
    assert_eq!(f2.default, DefaultValue::Null);
    assert!(f2.is_optional());
    assert_eq!(f2.versions, vs("1-2"));
    let f3 = field(r, "field3");
    assert_eq!(f3.default, DefaultValue::Null);
    assert_eq!(f3.ty, Type::Bytes);
    assert_eq!(f3.nullable, vs("2"));
    // A field without a default is the type's zero.
    assert_eq!(field(r, "field1").default, DefaultValue::Int(0));
}

#[test]
fn null_defaults_are_valid_on_nullable_arrays_and_bytes() {
    let m = load(&request("0-2", "none", NULL_DEFAULT_FIELDS));
    assert_null_defaults(&m);
    assert!(m.deprecated.is_empty());
}

#[test]
fn null_defaults_are_valid_with_deprecated_versions() {
    let text = request("0-2", "none", NULL_DEFAULT_FIELDS).replace(
        r#""validVersions": "0-2","#,
        r#""validVersions": "0-2", "deprecatedVersions": "0-1","#,
    );
    assert!(text.contains("deprecatedVersions"));
    let m = load(&text);
    assert_null_defaults(&m);
    assert_eq!(m.deprecated, vs("0-1"));
}

#[test]
fn null_default_on_int32_is_a_bad_default() {
    rejects(
        &request(
            "0-2",
            "none",
            r#"{ "name": "field1", "type": "int32", "versions": "0+", "default": "null" }"#,
        ),
        "field1",
        bad_default("int32", "null"),
    );
}

#[test]
fn null_default_on_array_not_nullable_in_all_versions() {
    rejects(
        &request(
            "0-2",
            "none",
            r#"{ "name": "field1", "type": "[]int32", "versions": "0+", "nullableVersions": "1+",
                 "default": "null" }"#,
        ),
        "field1",
        ErrorKind::NullDefaultNotNullable,
    );
}

#[test]
fn null_default_on_struct_not_nullable_in_all_versions() {
    rejects(
        &request(
            "0-2",
            "none",
            r#"{ "name": "field1", "type": "TestStruct", "versions": "0+", "nullableVersions": "1+",
                 "default": "null", "fields": [
                   { "name": "Inner", "type": "int32", "versions": "0+" } ] }"#,
        ),
        "field1",
        ErrorKind::NullDefaultNotNullable,
    );
}

#[test]
fn null_default_on_nullable_struct_and_string_is_accepted() {
    let m = load(&request(
        "0-2",
        "none",
        r#"{ "name": "field1", "type": "TestStruct", "versions": "0+", "nullableVersions": "0+",
             "default": "null", "fields": [
               { "name": "Inner", "type": "int32", "versions": "0+" } ] },
           { "name": "field2", "type": "string", "versions": "1+", "nullableVersions": "0+",
             "default": "null" }"#,
    ));
    assert_eq!(field(root(&m), "field1").default, DefaultValue::Null);
    assert_eq!(field(root(&m), "field2").default, DefaultValue::Null);
}

#[test]
fn invalid_field_name() {
    rejects(
        &request(
            "0-2",
            "none",
            r#"{ "name": "_badName", "type": "[]int32", "versions": "0+" }"#,
        ),
        "_badName",
        ErrorKind::BadFieldName("_badName".into()),
    );
    rejects(
        &request(
            "0-2",
            "none",
            r#"{ "name": "Topics", "type": "[]Topic", "versions": "0+", "fields": [
                 { "name": "Bad-Name", "type": "int32", "versions": "0+" } ] }"#,
        ),
        "Topics.Bad-Name",
        ErrorKind::BadFieldName("Bad-Name".into()),
    );
}

#[test]
fn tag_without_tagged_versions() {
    rejects(
        &request(
            "0-2",
            "0+",
            r#"{ "name": "field1", "type": "int32", "versions": "0+", "tag": 0 }"#,
        ),
        "field1",
        ErrorKind::TagWithoutTaggedVersions,
    );
}

#[test]
fn negative_tag() {
    rejects(
        &request(
            "0-2",
            "0+",
            r#"{ "name": "field1", "type": "int32", "versions": "0+", "tag": -1, "taggedVersions": "0+" }"#,
        ),
        "field1",
        ErrorKind::NegativeTag(-1),
    );
}

#[test]
fn flexible_versions_must_be_open_ended() {
    rejects(
        &request(
            "0-2",
            "0-2",
            r#"{ "name": "field1", "type": "int32", "versions": "0+" }"#,
        ),
        "",
        ErrorKind::NotOpenEnded {
            key: "flexibleVersions",
            text: "0-2".into(),
        },
    );
}

#[test]
fn tagged_field_nullable_in_only_some_tagged_versions() {
    rejects(
        &request(
            "0-2",
            "0+",
            r#"{ "name": "field1", "type": "string", "versions": "0+",
                 "tag": 0, "taggedVersions": "0+", "nullableVersions": "1+" }"#,
        ),
        "field1",
        ErrorKind::PartiallyNullableTag,
    );
}

#[test]
fn tagged_versions_not_a_subset_of_versions() {
    rejects(
        &request(
            "0-2",
            "0+",
            r#"{ "name": "field1", "type": "string", "versions": "0-2",
                 "tag": 0, "taggedVersions": "1+" }"#,
        ),
        "field1",
        ErrorKind::TaggedVersionsNotSubset {
            tagged: "1+".into(),
            versions: "0-2".into(),
        },
    );
}

#[test]
fn tagged_versions_without_tag() {
    rejects(
        &request(
            "0-2",
            "0+",
            r#"{ "name": "field1", "type": "string", "versions": "0+", "taggedVersions": "1+" }"#,
        ),
        "field1",
        ErrorKind::TaggedVersionsWithoutTag,
    );
}

#[test]
fn tagged_versions_must_be_open_ended() {
    rejects(
        &request(
            "0-2",
            "0+",
            r#"{ "name": "field1", "type": "string", "versions": "0+",
                 "tag": 0, "taggedVersions": "1-2" }"#,
        ),
        "field1",
        ErrorKind::NotOpenEnded {
            key: "taggedVersions",
            text: "1-2".into(),
        },
    );
}

#[test]
fn duplicate_tags() {
    rejects(
        &request(
            "0-2",
            "0+",
            r#"{ "name": "field1", "type": "string", "versions": "0+", "tag": 0, "taggedVersions": "0+" },
               { "name": "field2", "type": "int64", "versions": "0+", "tag": 0, "taggedVersions": "0+" }"#,
        ),
        "field2",
        ErrorKind::DuplicateTag(0),
    );
}

#[test]
fn struct_default_must_be_empty_or_null() {
    rejects(
        &request(
            "0-2",
            "none",
            r#"{ "name": "field1", "type": "TestStruct", "versions": "0+", "default": "{}",
                 "fields": [ { "name": "Inner", "type": "int32", "versions": "0+" } ] }"#,
        ),
        "field1",
        bad_default("TestStruct", "{}"),
    );
    let m = load(&request(
        "0-2",
        "none",
        r#"{ "name": "field1", "type": "TestStruct", "versions": "0+", "default": "",
             "fields": [ { "name": "Inner", "type": "int32", "versions": "0+", "default": "7" } ] }"#,
    ));
    assert_eq!(field(root(&m), "field1").default, DefaultValue::Empty);
    assert_eq!(
        field(strukt(&m, "TestStruct"), "Inner").default,
        DefaultValue::Int(7)
    );
}

// ---------------------------------------------------------------------------
// StructSpecTest
// ---------------------------------------------------------------------------

#[test]
fn duplicate_field_name() {
    rejects(
        &request(
            "0-2",
            "none",
            r#"{ "name": "field1", "type": "int32", "versions": "0+" },
               { "name": "field1", "type": "int64", "versions": "0+" }"#,
        ),
        "field1",
        ErrorKind::DuplicateFieldName("field1".into()),
    );
    rejects(
        &request(
            "0-2",
            "none",
            r#"{ "name": "Topics", "type": "[]Topic", "versions": "0+", "fields": [
                 { "name": "Name", "type": "string", "versions": "0+" },
                 { "name": "Partitions", "type": "[]Partition", "versions": "0+", "fields": [
                   { "name": "Index", "type": "int32", "versions": "0+" },
                   { "name": "Index", "type": "int32", "versions": "1+" } ] } ] }"#,
        ),
        "Topics.Partitions.Index",
        ErrorKind::DuplicateFieldName("Index".into()),
    );
}

#[test]
fn duplicate_tag_in_nested_struct() {
    rejects(
        &request(
            "0-2",
            "0+",
            r#"{ "name": "Topics", "type": "[]Topic", "versions": "0+", "fields": [
                 { "name": "A", "type": "int32", "versions": "0+", "tag": 0, "taggedVersions": "0+" },
                 { "name": "B", "type": "int32", "versions": "0+", "tag": 0, "taggedVersions": "0+" } ] }"#,
        ),
        "Topics.B",
        ErrorKind::DuplicateTag(0),
    );
}

#[test]
fn tags_are_numbered_per_struct() {
    // Each struct numbers its tags from 0, independently of its parent.
    let m = load(&request(
        "0-2",
        "0+",
        r#"{ "name": "A", "type": "int32", "versions": "0+", "tag": 0, "taggedVersions": "0+" },
           { "name": "Topics", "type": "[]Topic", "versions": "0+", "fields": [
             { "name": "B", "type": "int32", "versions": "0+", "tag": 0, "taggedVersions": "0+" },
             { "name": "C", "type": "int32", "versions": "0+", "tag": 1, "taggedVersions": "1+" } ] }"#,
    ));
    let topic = strukt(&m, "Topic");
    assert_eq!(field(topic, "B").tag, Some(0));
    assert_eq!(field(topic, "C").tag, Some(1));
    assert_eq!(field(topic, "C").tagged, vs("1-2"));
    // Mandatory in version 0, tagged from 1.
    assert_eq!(field(topic, "C").mandatory(), vs("0"));
}

// ---------------------------------------------------------------------------
// StructRegistryTest
// ---------------------------------------------------------------------------

fn with_common_structs(fields: &str, common: &str) -> String {
    format!(
        r#"{{ "apiKey": 1000, "type": "request", "name": "FooBarRequest", "validVersions": "0-2",
             "flexibleVersions": "0+",
             "fields": [ {fields} ],
             "commonStructs": [ {common} ] }}"#
    )
}

const TEST_COMMON_STRUCT: &str = r#"
    { "name": "TestCommonStruct", "versions": "0+", "fields": [
        { "name": "foo", "type": "int32", "versions": "0+" } ] }"#;

#[test]
fn common_structs_are_registered() {
    let m = load(&with_common_structs(
        r#"{ "name": "field1", "type": "[]TestCommonStruct", "versions": "0+" },
           { "name": "field2", "type": "TestInlineStruct", "versions": "0+", "fields": [
             { "name": "bar", "type": "int32", "versions": "0+" } ] },
           { "name": "field3", "type": "TestCommonStruct", "versions": "1+" }"#,
        TEST_COMMON_STRUCT,
    ));
    let common = m
        .structs
        .iter()
        .position(|s| s.name == "TestCommonStruct")
        .unwrap();
    let inline = m
        .structs
        .iter()
        .position(|s| s.name == "TestInlineStruct")
        .unwrap();
    assert!(m.structs[common].common);
    assert!(!m.structs[inline].common);
    assert_eq!(m.structs.len(), 3, "root, common and inline struct");
    let r = root(&m);
    assert_eq!(
        field(r, "field1").ty,
        Type::Array(Box::new(Type::Struct(common)))
    );
    assert_eq!(field(r, "field2").ty, Type::Struct(inline));
    assert_eq!(field(r, "field3").ty, Type::Struct(common));
    assert_eq!(field(&m.structs[common], "foo").ty, Type::Int32);
}

#[test]
fn common_struct_can_reference_another_common_struct() {
    let m = load(&with_common_structs(
        r#"{ "name": "Outer", "type": "[]A", "versions": "0+" }"#,
        r#"{ "name": "A", "versions": "0+", "fields": [
             { "name": "Inner", "type": "[]B", "versions": "0+" } ] },
           { "name": "B", "versions": "0+", "fields": [
             { "name": "X", "type": "int8", "versions": "0+" } ] }"#,
    ));
    let b = m.structs.iter().position(|s| s.name == "B").unwrap();
    assert_eq!(
        field(strukt(&m, "A"), "Inner").ty,
        Type::Array(Box::new(Type::Struct(b)))
    );
}

#[test]
fn common_struct_respecified_inline_is_rejected() {
    rejects(
        &with_common_structs(
            r#"{ "name": "field1", "type": "[]TestCommonStruct", "versions": "0+", "fields": [
                 { "name": "foo", "type": "int32", "versions": "0+" } ] }"#,
            TEST_COMMON_STRUCT,
        ),
        "field1",
        ErrorKind::CommonStructRedefined("TestCommonStruct".into()),
    );
}

#[test]
fn duplicate_common_struct_is_rejected() {
    rejects(
        &with_common_structs(
            r#"{ "name": "field1", "type": "[]TestCommonStruct", "versions": "0+" }"#,
            &format!("{TEST_COMMON_STRUCT}, {TEST_COMMON_STRUCT}"),
        ),
        "TestCommonStruct",
        ErrorKind::DuplicateStruct("TestCommonStruct".into()),
    );
}

#[test]
fn unknown_struct_is_rejected() {
    rejects(
        &request(
            "0-2",
            "none",
            r#"{ "name": "Topics", "type": "[]Topic", "versions": "0+", "fields": [
                 { "name": "Partitions", "type": "[]NoSuchStruct", "versions": "0+" } ] }"#,
        ),
        "Topics.Partitions",
        ErrorKind::UnknownStruct("NoSuchStruct".into()),
    );
}

#[test]
fn inline_struct_defined_twice_in_one_file() {
    rejects(
        &request(
            "0-2",
            "none",
            r#"{ "name": "A", "type": "[]Foo", "versions": "0+", "fields": [
                 { "name": "X", "type": "int32", "versions": "0+" } ] },
               { "name": "B", "type": "Foo", "versions": "0+", "fields": [
                 { "name": "X", "type": "int32", "versions": "0+" } ] }"#,
        ),
        "B",
        ErrorKind::DuplicateStruct("Foo".into()),
    );
    // Also when the second definition is nested in another struct.
    rejects(
        &request(
            "0-2",
            "none",
            r#"{ "name": "A", "type": "[]Foo", "versions": "0+", "fields": [
                 { "name": "X", "type": "int32", "versions": "0+" } ] },
               { "name": "B", "type": "Bar", "versions": "0+", "fields": [
                 { "name": "C", "type": "[]Foo", "versions": "0+", "fields": [
                   { "name": "Y", "type": "int32", "versions": "0+" } ] } ] }"#,
        ),
        "B.C",
        ErrorKind::DuplicateStruct("Foo".into()),
    );
}

#[test]
fn common_struct_with_lower_case_name() {
    rejects(
        &with_common_structs(
            r#"{ "name": "field1", "type": "int32", "versions": "0+" }"#,
            r#"{ "name": "lowerCase", "versions": "0+", "fields": [] }"#,
        ),
        "lowerCase",
        ErrorKind::BadStructName("lowerCase".into()),
    );
}

#[test]
fn struct_names_must_be_identifiers() {
    for name in ["Foo_Bar", "Foo Bar", "Foo-Bar"] {
        rejects(
            &with_common_structs(
                r#"{ "name": "field1", "type": "int32", "versions": "0+" }"#,
                &format!(r#"{{ "name": "{name}", "versions": "0+", "fields": [] }}"#),
            ),
            name,
            ErrorKind::BadStructName(name.into()),
        );
    }
    for name in ["fooData", "Foo-Data", "Foo.Data"] {
        rejects(
            &format!(
                r#"{{ "type": "data", "name": "{name}", "validVersions": "0",
                     "flexibleVersions": "none", "fields": [] }}"#
            ),
            "",
            ErrorKind::BadStructName(name.into()),
        );
    }
}

#[test]
fn struct_names_the_generated_code_uses_are_reserved() {
    rejects(
        r#"{ "type": "data", "name": "Option", "validVersions": "0",
             "flexibleVersions": "none", "fields": [] }"#,
        "",
        ErrorKind::BadStructName("Option".into()),
    );
    rejects(
        &request(
            "0-2",
            "none",
            r#"{ "name": "Items", "type": "[]Vec", "versions": "0+", "fields": [
                 { "name": "X", "type": "int8", "versions": "0+" } ] }"#,
        ),
        "Vec",
        ErrorKind::BadStructName("Vec".into()),
    );
    // A nested struct named like the message would shadow it.
    rejects(
        &request(
            "0-2",
            "none",
            r#"{ "name": "Items", "type": "[]FooBarRequest", "versions": "0+", "fields": [
                 { "name": "X", "type": "int8", "versions": "0+" } ] }"#,
        ),
        "",
        ErrorKind::DuplicateStruct("FooBarRequest".into()),
    );
}

#[test]
fn common_struct_without_versions() {
    rejects(
        &with_common_structs(
            r#"{ "name": "field1", "type": "Common", "versions": "0+" }"#,
            r#"{ "name": "Common", "fields": [ { "name": "X", "type": "int8", "versions": "0+" } ] }"#,
        ),
        "Common",
        ErrorKind::MissingKey("versions"),
    );
}

// ---------------------------------------------------------------------------
// File-level rules
// ---------------------------------------------------------------------------

#[test]
fn unknown_message_type() {
    rejects(
        r#"{ "type": "coordinator-key", "name": "FooKey", "validVersions": "0",
             "flexibleVersions": "none", "fields": [] }"#,
        "",
        ErrorKind::UnknownMessageType("coordinator-key".into()),
    );
    rejects(
        r#"{ "type": "Request", "name": "FooRequest", "validVersions": "0",
             "flexibleVersions": "none", "fields": [] }"#,
        "",
        ErrorKind::UnknownMessageType("Request".into()),
    );
}

#[test]
fn missing_valid_versions() {
    rejects(
        r#"{ "apiKey": 1000, "type": "request", "name": "FooBarRequest",
             "flexibleVersions": "none", "fields": [] }"#,
        "",
        ErrorKind::MissingKey("validVersions"),
    );
}

#[test]
fn unbounded_valid_versions() {
    rejects(
        &request(
            "0+",
            "none",
            r#"{ "name": "A", "type": "int32", "versions": "0+" }"#,
        ),
        "",
        ErrorKind::UnboundedValidVersions("0+".into()),
    );
}

#[test]
fn missing_flexible_versions() {
    rejects(
        r#"{ "apiKey": 1000, "type": "request", "name": "FooBarRequest", "validVersions": "0-2",
             "fields": [ { "name": "A", "type": "int32", "versions": "0+" } ] }"#,
        "",
        ErrorKind::MissingKey("flexibleVersions"),
    );
}

#[test]
fn bad_version_ranges() {
    rejects(
        &request(
            "0-2",
            "none",
            r#"{ "name": "A", "type": "int32", "versions": "2-1" }"#,
        ),
        "A",
        ErrorKind::BadVersions {
            key: "versions",
            text: "2-1".into(),
        },
    );
    rejects(
        &request(
            "0-x",
            "none",
            r#"{ "name": "A", "type": "int32", "versions": "0+" }"#,
        ),
        "",
        ErrorKind::BadVersions {
            key: "validVersions",
            text: "0-x".into(),
        },
    );
}

#[test]
fn removed_api_tombstone_loads() {
    // Kafka keeps a removed API's file with no valid versions, no flexibleVersions and no fields.
    let m = load(
        r#"{ "apiKey": 1000, "type": "request", "name": "FooBarRequest", "validVersions": "none",
             "fields": [] }"#,
    );
    assert!(m.valid.is_empty());
    assert!(m.flexible.is_empty());
    assert!(root(&m).fields.is_empty());
}

#[test]
fn listeners_only_on_requests() {
    rejects(
        r#"{ "apiKey": 1000, "type": "response", "name": "FooBarResponse", "validVersions": "0",
             "flexibleVersions": "none", "listeners": ["broker"], "fields": [] }"#,
        "",
        ErrorKind::OnlyOnRequests("listeners"),
    );
}

#[test]
fn latest_version_unstable_only_on_requests() {
    rejects(
        r#"{ "apiKey": 1000, "type": "response", "name": "FooBarResponse", "validVersions": "0",
             "flexibleVersions": "none", "latestVersionUnstable": true, "fields": [] }"#,
        "",
        ErrorKind::OnlyOnRequests("latestVersionUnstable"),
    );
    let m = load(
        r#"{ "apiKey": 1000, "type": "request", "name": "FooBarRequest", "validVersions": "0-1",
             "flexibleVersions": "none", "latestVersionUnstable": true, "fields": [] }"#,
    );
    assert!(m.latest_unstable);
}

#[test]
fn unknown_listener_is_rejected() {
    let text = request(
        "0-2",
        "none",
        r#"{ "name": "A", "type": "int32", "versions": "0+" }"#,
    )
    .replace(r#"["broker"]"#, r#"["broker", "bogusListener"]"#);
    assert!(text.contains("bogusListener"));
    let err = load_message(FILE, "test", &text).unwrap_err();
    assert_eq!((err.file.as_str(), err.path.as_str()), (FILE, ""));
    assert!(
        matches!(&err.kind, ErrorKind::Syntax(s) if s.contains("bogusListener")),
        "{err:?}"
    );
    // The three listener types Kafka knows are accepted.
    let m = load(
        &request(
            "0-2",
            "none",
            r#"{ "name": "A", "type": "int32", "versions": "0+" }"#,
        )
        .replace(r#"["broker"]"#, r#"["zkBroker", "broker", "controller"]"#),
    );
    assert_eq!(m.listeners, ["zkBroker", "broker", "controller"]);
}

#[test]
fn request_and_response_names_need_their_suffix() {
    rejects(
        r#"{ "apiKey": 1000, "type": "request", "name": "FooBar", "validVersions": "0",
             "flexibleVersions": "none", "fields": [] }"#,
        "",
        ErrorKind::BadApiName("FooBar".into()),
    );
    rejects(
        r#"{ "apiKey": 1000, "type": "response", "name": "FooBarRequest", "validVersions": "0",
             "flexibleVersions": "none", "fields": [] }"#,
        "",
        ErrorKind::BadApiName("FooBarRequest".into()),
    );
}

#[test]
fn api_key_required_on_requests() {
    rejects(
        r#"{ "type": "request", "name": "FooBarRequest", "validVersions": "0",
             "flexibleVersions": "none", "fields": [] }"#,
        "",
        ErrorKind::BadApiKey(None),
    );
    rejects(
        r#"{ "apiKey": -1, "type": "request", "name": "FooBarRequest", "validVersions": "0",
             "flexibleVersions": "none", "fields": [] }"#,
        "",
        ErrorKind::BadApiKey(Some(-1)),
    );
    rejects(
        r#"{ "apiKey": 40000, "type": "response", "name": "FooBarResponse", "validVersions": "0",
             "flexibleVersions": "none", "fields": [] }"#,
        "",
        ErrorKind::BadApiKey(Some(40000)),
    );
    // Data schemas need none.
    let m = load(
        r#"{ "type": "data", "name": "FooData", "validVersions": "0",
             "flexibleVersions": "none", "fields": [] }"#,
    );
    assert_eq!(m.api_key, None);
}

// ---------------------------------------------------------------------------
// API registry
// ---------------------------------------------------------------------------

fn api(file: &str, kind: &str, name: &str, key: i16) -> Message {
    let text = format!(
        r#"{{ "apiKey": {key}, "type": "{kind}", "name": "{name}", "validVersions": "0",
             "flexibleVersions": "none", "fields": [] }}"#
    );
    load_message(file, "test", &text).unwrap()
}

#[test]
fn registry_accepts_paired_keys() {
    let msgs = [
        api("r/ARequest.json", "request", "ARequest", 1),
        api("r/AResponse.json", "response", "AResponse", 1),
        api("r/BRequest.json", "request", "BRequest", 2),
        api("r/BResponse.json", "response", "BResponse", 2),
        api("r/ARecord.json", "metadata", "ARecord", 1),
    ];
    assert_eq!(check_registry("r", &msgs), Ok(()));
}

#[test]
fn duplicate_api_key() {
    let msgs = [
        api("r/ARequest.json", "request", "ARequest", 7),
        api("r/AResponse.json", "response", "AResponse", 7),
        api("r/BRequest.json", "request", "BRequest", 7),
        api("r/BResponse.json", "response", "BResponse", 8),
    ];
    assert_eq!(
        check_registry("r", &msgs),
        Err(Error {
            file: "r/BRequest.json".into(),
            path: String::new(),
            kind: ErrorKind::DuplicateApiKey(7),
        })
    );
    let records = [
        api("r/ARecord.json", "metadata", "ARecord", 3),
        api("r/BRecord.json", "metadata", "BRecord", 3),
    ];
    assert_eq!(
        check_registry("r", &records).unwrap_err().kind,
        ErrorKind::DuplicateApiKey(3)
    );
}

#[test]
fn unpaired_api_key() {
    let msgs = [
        api("r/ARequest.json", "request", "ARequest", 1),
        api("r/AResponse.json", "response", "AResponse", 1),
        api("r/BRequest.json", "request", "BRequest", 2),
    ];
    assert_eq!(
        check_registry("r", &msgs),
        Err(Error {
            file: "r/BRequest.json".into(),
            path: String::new(),
            kind: ErrorKind::UnpairedApiKey(2),
        })
    );
    let msgs = [api("r/CResponse.json", "response", "CResponse", 5)];
    assert_eq!(
        check_registry("r", &msgs),
        Err(Error {
            file: "r/CResponse.json".into(),
            path: String::new(),
            kind: ErrorKind::UnpairedApiKey(5),
        })
    );
}

#[test]
fn duplicate_message_name() {
    let msgs = [
        api("r/ARequest.json", "request", "ARequest", 1),
        api("r/AResponse.json", "response", "AResponse", 1),
        api("r/Copy.json", "request", "ARequest", 2),
    ];
    assert_eq!(
        check_registry("r", &msgs),
        Err(Error {
            file: "r/Copy.json".into(),
            path: String::new(),
            kind: ErrorKind::DuplicateMessage("ARequest".into()),
        })
    );
}

// ---------------------------------------------------------------------------
// Field names and types
// ---------------------------------------------------------------------------

#[test]
fn arrays_of_arrays() {
    rejects(
        &request(
            "0-2",
            "none",
            r#"{ "name": "A", "type": "[][]int32", "versions": "0+" }"#,
        ),
        "A",
        ErrorKind::ArrayOfArrays("[][]int32".into()),
    );
}

#[test]
fn unknown_lower_case_type() {
    rejects(
        &request(
            "0-2",
            "none",
            r#"{ "name": "A", "type": "int128", "versions": "0+" }"#,
        ),
        "A",
        ErrorKind::BadType("int128".into()),
    );
}

#[test]
fn fields_on_non_struct() {
    for ty in ["int32", "[]int32", "string"] {
        rejects(
            &request(
                "0-2",
                "none",
                &format!(
                    r#"{{ "name": "A", "type": "{ty}", "versions": "0+", "fields": [
                         {{ "name": "X", "type": "int8", "versions": "0+" }} ] }}"#
                ),
            ),
            "A",
            ErrorKind::FieldsOnNonStruct,
        );
    }
}

#[test]
fn field_without_versions() {
    rejects(
        &request("0-2", "none", r#"{ "name": "A", "type": "int32" }"#),
        "A",
        ErrorKind::NoVersions,
    );
    // taggedVersions supplies the default.
    let m = load(&request(
        "0-2",
        "1+",
        r#"{ "name": "A", "type": "int32", "taggedVersions": "1+", "tag": 0 }"#,
    ));
    let a = field(root(&m), "A");
    assert_eq!(
        (a.versions.clone(), a.tagged.clone()),
        (vs("1-2"), vs("1-2"))
    );
}

#[test]
fn nullable_versions_on_types_that_cannot_be_null() {
    for ty in ["int32", "uuid", "bool", "float64"] {
        rejects(
            &request(
                "0-2",
                "none",
                &format!(
                    r#"{{ "name": "A", "type": "{ty}", "versions": "0+", "nullableVersions": "0+" }}"#
                ),
            ),
            "A",
            ErrorKind::NotNullableType(ty.into()),
        );
    }
    let m = load(&request(
        "0-2",
        "none",
        r#"{ "name": "S", "type": "string", "versions": "0+", "nullableVersions": "0+" },
           { "name": "B", "type": "bytes", "versions": "0+", "nullableVersions": "1+" },
           { "name": "R", "type": "records", "versions": "0+", "nullableVersions": "0+" },
           { "name": "A", "type": "[]int32", "versions": "0+", "nullableVersions": "0+" }"#,
    ));
    assert_eq!(field(root(&m), "B").nullable, vs("1-2"));
}

// ---------------------------------------------------------------------------
// entityType (EntityTypeTest)
// ---------------------------------------------------------------------------

#[test]
fn entity_type_must_match_the_type() {
    for (entity, ty) in [
        ("topicName", "int32"),
        ("transactionalId", "int64"),
        ("groupId", "[]int32"),
        ("producerId", "int32"),
        ("brokerId", "[]int64"),
        ("brokerId", "string"),
    ] {
        rejects(
            &request(
                "0-2",
                "none",
                &format!(
                    r#"{{ "name": "A", "type": "{ty}", "versions": "0+", "entityType": "{entity}" }}"#
                ),
            ),
            "A",
            ErrorKind::EntityTypeMismatch {
                entity: entity.into(),
                ty: ty.into(),
            },
        );
    }
    let m = load(&request(
        "0-2",
        "none",
        r#"{ "name": "T", "type": "string", "versions": "0+", "entityType": "topicName" },
           { "name": "Ts", "type": "[]string", "versions": "0+", "entityType": "topicName" },
           { "name": "G", "type": "string", "versions": "0+", "entityType": "groupId" },
           { "name": "X", "type": "string", "versions": "0+", "entityType": "transactionalId" },
           { "name": "P", "type": "int64", "versions": "0+", "entityType": "producerId" },
           { "name": "Bs", "type": "[]int32", "versions": "0+", "entityType": "brokerId" },
           { "name": "U", "type": "float64", "versions": "0+", "entityType": "unknown" }"#,
    ));
    assert_eq!(
        field(root(&m), "Bs").entity_type.as_deref(),
        Some("brokerId")
    );
}

#[test]
fn unknown_entity_type() {
    rejects(
        &request(
            "0-2",
            "none",
            r#"{ "name": "A", "type": "string", "versions": "0+", "entityType": "clusterId" }"#,
        ),
        "A",
        ErrorKind::UnknownEntityType("clusterId".into()),
    );
}

// ---------------------------------------------------------------------------
// Field-level flexibleVersions, zeroCopy, mapKey
// ---------------------------------------------------------------------------

#[test]
fn field_flexible_versions_only_on_string_and_bytes() {
    rejects(
        &request(
            "0-2",
            "0+",
            r#"{ "name": "A", "type": "int32", "versions": "0+", "flexibleVersions": "none" }"#,
        ),
        "A",
        ErrorKind::BadFieldFlexibleVersions("not allowed on int32".into()),
    );
}

#[test]
fn field_flexible_versions_within_the_messages() {
    rejects(
        &request(
            "0-5",
            "2+",
            r#"{ "name": "A", "type": "string", "versions": "0+", "flexibleVersions": "0+" }"#,
        ),
        "A",
        ErrorKind::BadFieldFlexibleVersions("0+ is not within the message's 2+".into()),
    );
    rejects(
        &request(
            "0-5",
            "2+",
            r#"{ "name": "A", "type": "bytes", "versions": "0+", "flexibleVersions": "3-4" }"#,
        ),
        "A",
        ErrorKind::NotOpenEnded {
            key: "flexibleVersions",
            text: "3-4".into(),
        },
    );
}

#[test]
fn field_flexible_versions_none_keeps_int16_lengths() {
    // Kafka's RequestHeader.ClientId.
    let m = load(
        r#"{ "type": "header", "name": "RequestHeader", "validVersions": "1-2",
             "flexibleVersions": "2+",
             "fields": [
               { "name": "RequestApiKey", "type": "int16", "versions": "0+" },
               { "name": "ClientId", "type": "string", "versions": "1+", "nullableVersions": "1+",
                 "flexibleVersions": "none" },
               { "name": "Other", "type": "string", "versions": "1+" },
               { "name": "Later", "type": "bytes", "versions": "1+", "flexibleVersions": "3+" }
             ] }"#,
    );
    let r = root(&m);
    assert_eq!(m.flexible, vs("2"));
    assert_eq!(field(r, "ClientId").compact, VersionSet::none());
    assert_eq!(field(r, "Other").compact, vs("2"));
    assert_eq!(field(r, "Later").compact, VersionSet::none());
}

#[test]
fn zero_copy_only_on_untagged_bytes() {
    rejects(
        &request(
            "0-2",
            "0+",
            r#"{ "name": "A", "type": "string", "versions": "0+", "zeroCopy": true }"#,
        ),
        "A",
        ErrorKind::BadZeroCopy,
    );
    rejects(
        &request(
            "0-2",
            "0+",
            r#"{ "name": "A", "type": "bytes", "versions": "0+", "zeroCopy": true,
                 "tag": 0, "taggedVersions": "0+" }"#,
        ),
        "A",
        ErrorKind::BadZeroCopy,
    );
    let m = load(&request(
        "0-2",
        "0+",
        r#"{ "name": "A", "type": "bytes", "versions": "0+", "zeroCopy": true }"#,
    ));
    assert!(field(root(&m), "A").zero_copy);
}

#[test]
fn map_key_on_tagged_field() {
    rejects(
        &request(
            "0-2",
            "0+",
            r#"{ "name": "Topics", "type": "[]Topic", "versions": "0+", "fields": [
                 { "name": "Name", "type": "string", "versions": "0+", "mapKey": true,
                   "tag": 0, "taggedVersions": "0+" } ] }"#,
        ),
        "Topics.Name",
        ErrorKind::BadMapKey,
    );
}

#[test]
fn map_key_on_top_level_field() {
    rejects(
        &request(
            "0-2",
            "0+",
            r#"{ "name": "Name", "type": "string", "versions": "0+", "mapKey": true }"#,
        ),
        "Name",
        ErrorKind::BadMapKey,
    );
    let m = load(&request(
        "0-2",
        "0+",
        r#"{ "name": "Topics", "type": "[]Topic", "versions": "0+", "fields": [
             { "name": "Name", "type": "string", "versions": "0+", "mapKey": true } ] }"#,
    ));
    assert!(field(strukt(&m, "Topic"), "Name").map_key);
}

// ---------------------------------------------------------------------------
// Tags
// ---------------------------------------------------------------------------

#[test]
fn records_cannot_be_tagged() {
    rejects(
        &request(
            "0-2",
            "0+",
            r#"{ "name": "Records", "type": "records", "versions": "0+",
                 "tag": 0, "taggedVersions": "0+" }"#,
        ),
        "Records",
        ErrorKind::TaggedRecords,
    );
}

#[test]
fn tagged_versions_within_flexible_versions() {
    rejects(
        &request(
            "0-5",
            "2+",
            r#"{ "name": "A", "type": "int32", "versions": "1+", "tag": 0, "taggedVersions": "1+" }"#,
        ),
        "A",
        ErrorKind::TaggedVersionsNotFlexible("1+".into()),
    );
    rejects(
        &request(
            "0-5",
            "none",
            r#"{ "name": "Topics", "type": "[]Topic", "versions": "0+", "fields": [
                 { "name": "A", "type": "int32", "versions": "3+", "tag": 0, "taggedVersions": "3+" } ] }"#,
        ),
        "Topics.A",
        ErrorKind::TaggedVersionsNotFlexible("3+".into()),
    );
}

#[test]
fn mandatory_then_tagged_is_accepted() {
    let m = load(&request(
        "0-5",
        "2+",
        r#"{ "name": "A", "type": "int32", "versions": "0+", "tag": 0, "taggedVersions": "3+" }"#,
    ));
    let a = field(root(&m), "A");
    assert_eq!(a.mandatory(), vs("0-2"));
    assert_eq!(a.tagged, vs("3-5"));
}

#[test]
fn tags_must_be_contiguous_from_zero() {
    rejects(
        &request(
            "0-2",
            "0+",
            r#"{ "name": "A", "type": "int32", "versions": "0+", "tag": 0, "taggedVersions": "0+" },
               { "name": "B", "type": "int32", "versions": "0+", "tag": 2, "taggedVersions": "0+" }"#,
        ),
        "",
        ErrorKind::NonContiguousTags(vec![0, 2]),
    );
    rejects(
        &request(
            "0-2",
            "0+",
            r#"{ "name": "Topics", "type": "[]Topic", "versions": "0+", "fields": [
                 { "name": "A", "type": "int32", "versions": "0+", "tag": 1, "taggedVersions": "0+" } ] }"#,
        ),
        "Topics",
        ErrorKind::NonContiguousTags(vec![1]),
    );
}

// ---------------------------------------------------------------------------
// Defaults
// ---------------------------------------------------------------------------

fn one_field(ty: &str, default: &str) -> String {
    request(
        "0-2",
        "none",
        &format!(r#"{{ "name": "A", "type": "{ty}", "versions": "0+", "default": "{default}" }}"#),
    )
}

#[test]
fn bad_defaults_per_type() {
    for (ty, default) in [
        ("bool", "maybe"),
        ("bool", "1"),
        ("int8", "128"),
        ("int8", "-129"),
        ("int16", "32768"),
        ("int32", "-0x1"),
        ("int32", "0x80000000"),
        ("int32", "0x"),
        ("int32", "010"),
        ("int32", "1.5"),
        ("int32", " 1"),
        ("int64", "9223372036854775808"),
        ("uint16", "-1"),
        ("uint16", "65536"),
        ("uint32", "4294967296"),
        ("float64", "abc"),
        ("float64", "NaN"),
        ("float64", "inf"),
        ("float64", "1e999"),
        ("uuid", "not-a-uuid"),
        ("uuid", "00000000-0000-0000-0000-000000000000"),
        ("bytes", "x"),
        ("[]int32", "x"),
        ("[]int32", "[]"),
    ] {
        rejects(&one_field(ty, default), "A", bad_default(ty, default));
    }
}

#[test]
fn good_defaults_per_type() {
    for (ty, default, want) in [
        ("bool", "TRUE", DefaultValue::Bool(true)),
        ("bool", "false", DefaultValue::Bool(false)),
        ("bool", "", DefaultValue::Bool(false)),
        ("int8", "-128", DefaultValue::Int(-128)),
        ("int16", "0x7fff", DefaultValue::Int(0x7fff)),
        ("int32", "0", DefaultValue::Int(0)),
        ("int32", "0x7fffffff", DefaultValue::Int(0x7fff_ffff)),
        ("int64", "-9223372036854775808", DefaultValue::Int(i64::MIN)),
        ("uint16", "65535", DefaultValue::Int(65535)),
        ("uint32", "4294967295", DefaultValue::Int(4_294_967_295)),
        ("float64", "12.34", DefaultValue::Float(12.34)),
        ("float64", "-1e3", DefaultValue::Float(-1000.0)),
        ("string", "hello", DefaultValue::Str("hello".into())),
        ("bytes", "", DefaultValue::Empty),
        ("[]int32", "", DefaultValue::Empty),
        ("uuid", "", DefaultValue::Uuid([0; 16])),
        (
            "uuid",
            "AAAAAAAAAAAAAAAAAAAAAA",
            DefaultValue::Uuid([0; 16]),
        ),
    ] {
        let m = load(&one_field(ty, default));
        assert_eq!(field(root(&m), "A").default, want, "{ty} {default:?}");
    }
}

// ---------------------------------------------------------------------------
// Versions of nested fields
// ---------------------------------------------------------------------------

#[test]
fn struct_field_without_common_versions() {
    rejects(
        &request(
            "0-5",
            "none",
            r#"{ "name": "Topics", "type": "[]Topic", "versions": "0-1", "fields": [
                 { "name": "Name", "type": "string", "versions": "0+" },
                 { "name": "Late", "type": "int32", "versions": "3+" } ] }"#,
        ),
        "Topics.Late",
        ErrorKind::NoCommonVersions {
            field: "3+".into(),
            parent: "0-1".into(),
        },
    );
}

#[test]
fn nested_field_versions_are_clamped_to_the_parent() {
    // FetchResponse.SnapshotId: a 12+ struct whose fields are 0+.
    let m = load(&request(
        "0-5",
        "none",
        r#"{ "name": "Snapshot", "type": "Snap", "versions": "3+", "fields": [
             { "name": "Epoch", "type": "int32", "versions": "0+" } ] }"#,
    ));
    let snap = strukt(&m, "Snap");
    assert_eq!(snap.versions, vs("3-5"));
    assert_eq!(field(snap, "Epoch").versions, vs("3-5"));
}

// ---------------------------------------------------------------------------
// Parsing (Jackson configuration)
// ---------------------------------------------------------------------------

#[test]
fn unknown_json_keys_are_rejected() {
    for (text, key) in [
        (
            request(
                "0-2",
                "none",
                r#"{ "name": "A", "type": "int32", "versions": "0+", "nullable": "0+" }"#,
            ),
            "nullable",
        ),
        (
            r#"{ "apiKey": 1, "type": "request", "name": "FooBarRequest", "validVersions": "0",
                 "flexibleVersions": "none", "fields": [], "requestScope": "broker" }"#
                .to_string(),
            "requestScope",
        ),
    ] {
        let err = load_message(FILE, "test", &text).unwrap_err();
        assert_eq!((err.file.as_str(), err.path.as_str()), (FILE, ""));
        assert!(
            matches!(&err.kind, ErrorKind::Syntax(s) if s.contains(key)),
            "{err:?}"
        );
    }
}

#[test]
fn trailing_tokens_are_rejected() {
    let text = format!(
        "{} {{}}",
        request(
            "0-2",
            "none",
            r#"{ "name": "A", "type": "int32", "versions": "0+" }"#
        )
    );
    let err = load_message(FILE, "test", &text).unwrap_err();
    assert_eq!((err.file.as_str(), err.path.as_str()), (FILE, ""));
    assert!(matches!(err.kind, ErrorKind::Syntax(_)), "{err:?}");
    // Comments after the object are not tokens.
    load(&format!(
        "{}\n// trailing comment\n/* and a block */\n",
        request(
            "0-2",
            "none",
            r#"{ "name": "A", "type": "int32", "versions": "0+" }"#
        )
    ));
}

#[test]
fn comments_are_allowed_everywhere() {
    let m = load(
        r#"// licence
        /* block */
        { "apiKey": 1000, "type": "request", "name": "FooBarRequest",
          // Version 1 adds B.
          "validVersions": "0-1", "flexibleVersions": "none",
          "fields": [
            { "name": "A", "type": "string", "versions": "0+", "about": "not // a comment, nor /* this */" },
            /* removed */
            { "name": "B", "type": "int32", "versions": "1+" } // trailing
          ] }"#,
    );
    assert_eq!(
        field(root(&m), "A").about,
        "not // a comment, nor /* this */"
    );
    assert_eq!(root(&m).fields.len(), 2);
}

#[test]
fn jackson_coercions_are_accepted() {
    let m = load(
        r#"{ "apiKey": "1000", "type": "request", "name": "FooBarRequest", "validVersions": "0-3",
             "flexibleVersions": "2+", "listeners": "broker",
             "fields": [
               { "name": "OfflineLogDirs", "type": "[]uuid", "versions": "2+", "taggedVersions": "2+",
                 "tag": "0" },
               { "name": "ReplicaId", "type": "int32", "versions": "0+", "default": -2 },
               { "name": "VerifyOnly", "type": "bool", "versions": "0+", "default": false },
               { "name": "Enabled", "type": "bool", "versions": "0+", "default": true, "ignorable": "false" },
               { "name": "Ratio", "type": "float64", "versions": "0+", "default": 1.5, "ignorable": true },
               { "name": "Meta", "type": "Meta", "versions": "0+", "nullableVersions": "0+",
                 "default": null, "fields": [ { "name": "X", "type": "int8", "versions": "0+" } ] }
             ] }"#,
    );
    assert_eq!(m.api_key, Some(1000));
    assert_eq!(m.listeners, ["broker"]);
    let r = root(&m);
    assert_eq!(field(r, "OfflineLogDirs").tag, Some(0));
    assert_eq!(field(r, "ReplicaId").default, DefaultValue::Int(-2));
    assert_eq!(field(r, "VerifyOnly").default, DefaultValue::Bool(false));
    assert_eq!(field(r, "Enabled").default, DefaultValue::Bool(true));
    assert!(!field(r, "Enabled").ignorable);
    assert!(field(r, "Ratio").ignorable);
    assert_eq!(field(r, "Ratio").default, DefaultValue::Float(1.5));
    // JSON null is Java's null String, which is "" (an empty struct), not "null".
    assert_eq!(field(r, "Meta").default, DefaultValue::Empty);
}

#[test]
fn non_integer_tag_is_a_syntax_error() {
    let err = load_message(
        FILE,
        "test",
        &request(
            "0-2",
            "0+",
            r#"{ "name": "A", "type": "int32", "versions": "0+", "tag": "zero", "taggedVersions": "0+" }"#,
        ),
    )
    .unwrap_err();
    assert_eq!(err.file, FILE);
    assert!(
        matches!(&err.kind, ErrorKind::Syntax(s) if s.contains("zero")),
        "{err:?}"
    );
}

// ---------------------------------------------------------------------------
// Rust names (MessageGeneratorTest.toSnakeCase)
// ---------------------------------------------------------------------------

#[test]
fn snake_case_collisions_are_rejected() {
    rejects(
        &request(
            "0-2",
            "none",
            r#"{ "name": "FooBar", "type": "int32", "versions": "0+" },
               { "name": "fooBar", "type": "int32", "versions": "0+" }"#,
        ),
        "fooBar",
        ErrorKind::RustNameCollision("foo_bar".into()),
    );
    rejects(
        &request(
            "0-2",
            "none",
            r#"{ "name": "Topics", "type": "[]Topic", "versions": "0+", "fields": [
                 { "name": "isKRaft", "type": "bool", "versions": "0+" },
                 { "name": "IsKraft", "type": "bool", "versions": "0+" } ] }"#,
        ),
        "Topics.IsKraft",
        ErrorKind::RustNameCollision("is_kraft".into()),
    );
    // The name generated structs use for unknown tagged fields is reserved.
    rejects(
        &request(
            "0-2",
            "0+",
            r#"{ "name": "UnknownTaggedFields", "type": "int32", "versions": "0+" }"#,
        ),
        "UnknownTaggedFields",
        ErrorKind::RustNameCollision("unknown_tagged_fields".into()),
    );
}

#[test]
fn keywords_become_raw_identifiers() {
    let m = load(&request(
        "0-2",
        "none",
        r#"{ "name": "Type", "type": "int8", "versions": "0+" },
           { "name": "Components", "type": "[]Component", "versions": "0+", "fields": [
             { "name": "Match", "type": "string", "versions": "0+" } ] },
           { "name": "isKRaftController", "type": "bool", "versions": "0+" },
           { "name": "V3AndBelowTopics", "type": "[]string", "versions": "0+" },
           { "name": "ThrottleTimeMs", "type": "int32", "versions": "0+" }"#,
    ));
    let r = root(&m);
    assert_eq!(field(r, "Type").ident, "r#type");
    assert_eq!(field(strukt(&m, "Component"), "Match").ident, "r#match");
    assert_eq!(field(r, "isKRaftController").ident, "is_kraft_controller");
    assert_eq!(field(r, "V3AndBelowTopics").ident, "v3_and_below_topics");
    assert_eq!(field(r, "ThrottleTimeMs").ident, "throttle_time_ms");
    assert_eq!(m.module, "foo_bar_request");
}

#[test]
fn keywords_that_cannot_be_raw_identifiers() {
    // `self`, `super` and `crate` cannot be written `r#self` etc.; they get a suffix.
    for (name, want) in [("Self", "self_"), ("Super", "super_"), ("Crate", "crate_")] {
        let ident = field_ident(name);
        assert_eq!(ident, want);
        assert!(syn::parse_str::<syn::Ident>(&ident).is_ok(), "{ident}");
    }
    for name in ["Type", "Match", "Async", "Gen", "Yield"] {
        let ident = field_ident(name);
        assert!(syn::parse_str::<syn::Ident>(&ident).is_ok(), "{ident}");
    }
    let m = load(&request(
        "0-2",
        "none",
        r#"{ "name": "Self", "type": "int8", "versions": "0+" },
           { "name": "Super", "type": "int8", "versions": "0+" }"#,
    ));
    assert_eq!(field(root(&m), "Self").ident, "self_");
}
