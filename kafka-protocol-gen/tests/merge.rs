//! The history merge: versions only a kept release defines are added with that
//! release's wire shape; versions both define must agree.

use kafkawire_gen::merge::{merge, shape};
use kafkawire_gen::model::{Field, Type};
use kafkawire_gen::{Error, ErrorKind, Message, VersionSet, load_message};

const CUR_FILE: &str = "current/FooRequest.json";
const OLD_FILE: &str = "history/3.9.0/FooRequest.json";
const OLD: &str = "3.9.0";

fn vs(text: &str) -> VersionSet {
    VersionSet::parse(text).unwrap()
}

fn message(file: &str, release: &str, valid: &str, extra: &str, fields: &str) -> Message {
    let text = format!(
        r#"// test schema
        {{ "apiKey": 1000, "type": "request", "name": "FooRequest", "validVersions": "{valid}",
           "flexibleVersions": "3+", {extra}
           "fields": [ {fields} ] }}"#
    );
    load_message(file, release, &text).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

/// Kafka 3.9-like history: versions 0-3; `Old` exists only in 0-1.
const HISTORY_FIELDS: &str = r#"
    { "name": "A", "type": "int32", "versions": "0+" },
    { "name": "Old", "type": "string", "versions": "0-1" },
    { "name": "Topics", "type": "[]Topic", "versions": "0+", "fields": [
      { "name": "Name", "type": "string", "versions": "0+" },
      { "name": "Legacy", "type": "int16", "versions": "0" },
      { "name": "Index", "type": "int32", "versions": "0+" } ] },
    { "name": "B", "type": "int64", "versions": "0+" }"#;

/// The current release: versions 2-5, identical to history in 2-3, `New` from 4.
const CURRENT_FIELDS: &str = r#"
    { "name": "A", "type": "int32", "versions": "0+" },
    { "name": "Topics", "type": "[]Topic", "versions": "0+", "fields": [
      { "name": "Name", "type": "string", "versions": "0+" },
      { "name": "Index", "type": "int32", "versions": "0+" } ] },
    { "name": "B", "type": "int64", "versions": "0+" },
    { "name": "New", "type": "uuid", "versions": "4+" }"#;

fn history() -> Message {
    message(OLD_FILE, OLD, "0-3", "", HISTORY_FIELDS)
}

fn current() -> Message {
    message(CUR_FILE, "4.3.1", "2-5", "", CURRENT_FIELDS)
}

fn field<'a>(m: &'a Message, s: usize, name: &str) -> &'a Field {
    m.structs[s]
        .fields
        .iter()
        .find(|f| f.name == name)
        .unwrap_or_else(|| panic!("no field {name}"))
}

fn names(m: &Message, s: usize) -> Vec<&str> {
    m.structs[s]
        .fields
        .iter()
        .map(|f| f.name.as_str())
        .collect()
}

fn merge_one(cur: Message, old: Message) -> Result<Message, Error> {
    let mut out = merge(vec![cur], &[(OLD.to_string(), vec![old])])?;
    assert_eq!(out.len(), 1);
    Ok(out.remove(0))
}

#[test]
fn history_versions_are_added() {
    let (cur, old) = (current(), history());
    let m = merge_one(cur.clone(), old.clone()).unwrap();
    assert_eq!(m.valid, vs("0-5"));
    assert_eq!(m.flexible, vs("3-5"));
    assert_eq!(m.file, CUR_FILE);
    // Field order is kept: the history-only field stays after the field it followed.
    assert_eq!(names(&m, 0), ["A", "Old", "Topics", "B", "New"]);
    assert_eq!(field(&m, 0, "Old").versions, vs("0-1"));
    assert_eq!(field(&m, 0, "A").versions, vs("0-5"));
    assert_eq!(field(&m, 0, "New").versions, vs("4-5"));
    // Nested structs merge the same way.
    let Type::Array(inner) = &field(&m, 0, "Topics").ty else {
        panic!("Topics is not an array");
    };
    let Type::Struct(topic) = **inner else {
        panic!("Topics is not an array of structs");
    };
    assert_eq!(names(&m, topic), ["Name", "Legacy", "Index"]);
    assert_eq!(field(&m, topic, "Legacy").versions, vs("0"));
    assert_eq!(field(&m, topic, "Index").versions, vs("0-5"));
    // Every version keeps the wire shape of the release that defined it.
    for v in 0..=5 {
        let source = if v >= 2 { &cur } else { &old };
        assert_eq!(shape(&m, 0, v, true), shape(source, 0, v, true), "v{v}");
    }
    // Provenance.
    let origins: Vec<(&str, &str, VersionSet)> = m
        .origins
        .iter()
        .map(|o| (o.release.as_str(), o.file.as_str(), o.versions.clone()))
        .collect();
    assert_eq!(
        origins,
        [("4.3.1", CUR_FILE, vs("2-5")), (OLD, OLD_FILE, vs("0-1"))]
    );
}

#[test]
fn changed_type_in_an_overlapping_version_is_a_conflict() {
    let cur = message(
        CUR_FILE,
        "4.3.1",
        "2-5",
        "",
        &CURRENT_FIELDS.replace(
            r#"{ "name": "B", "type": "int64""#,
            r#"{ "name": "B", "type": "int32""#,
        ),
    );
    let err = merge_one(cur, history()).unwrap_err();
    assert_eq!((err.file.as_str(), err.path.as_str()), (CUR_FILE, ""));
    match &err.kind {
        ErrorKind::HistoryConflict {
            version,
            history,
            detail,
        } => {
            assert_eq!((*version, history.as_str()), (2, OLD));
            assert!(
                detail.contains("int32") && detail.contains("int64"),
                "{detail}"
            );
        }
        other => panic!("expected HistoryConflict, got {other:?}"),
    }
}

#[test]
fn changed_nested_field_in_an_overlapping_version_is_a_conflict() {
    // Version 3 only: the current release makes Topics.Name nullable from 3.
    let cur = message(
        CUR_FILE,
        "4.3.1",
        "2-5",
        "",
        &CURRENT_FIELDS.replace(
            r#"{ "name": "Name", "type": "string", "versions": "0+" }"#,
            r#"{ "name": "Name", "type": "string", "versions": "0+", "nullableVersions": "3+" }"#,
        ),
    );
    let err = merge_one(cur, history()).unwrap_err();
    assert!(
        matches!(err.kind, ErrorKind::HistoryConflict { version: 3, .. }),
        "{err:?}"
    );
    assert_eq!(err.file, CUR_FILE);
}

#[test]
fn changed_default_is_a_conflict() {
    let cur = message(
        CUR_FILE,
        "4.3.1",
        "2-5",
        "",
        &CURRENT_FIELDS.replace(
            r#"{ "name": "A", "type": "int32", "versions": "0+" }"#,
            r#"{ "name": "A", "type": "int32", "versions": "0+", "default": "-1" }"#,
        ),
    );
    let err = merge_one(cur, history()).unwrap_err();
    assert_eq!((err.file.as_str(), err.path.as_str()), (CUR_FILE, "A"));
    assert!(
        matches!(&err.kind, ErrorKind::HistoryConflict { history, .. } if history == OLD),
        "{err:?}"
    );
}

#[test]
fn removed_api_tombstone_takes_the_history_whole() {
    let tombstone = load_message(
        CUR_FILE,
        "4.3.1",
        r#"{ "apiKey": 1000, "type": "request", "name": "FooRequest", "validVersions": "none",
             "fields": [] }"#,
    )
    .unwrap();
    let old = history();
    let m = merge_one(tombstone, old.clone()).unwrap();
    assert_eq!(m, old);
    assert_eq!(m.valid, vs("0-3"));
    assert_eq!(m.file, OLD_FILE);
}

#[test]
fn unstable_history_version_may_differ() {
    // History marked its version 3 unstable and had an experimental field there.
    let unstable_fields = format!(
        r#"{HISTORY_FIELDS},
        {{ "name": "Experimental", "type": "int32", "versions": "3+" }}"#
    );
    let old = message(
        OLD_FILE,
        OLD,
        "0-3",
        r#""latestVersionUnstable": true,"#,
        &unstable_fields,
    );
    assert!(old.latest_unstable);
    let m = merge_one(current(), old).unwrap();
    assert_eq!(m.valid, vs("0-5"));
    // Version 3 is the current release's: the experimental field is gone.
    assert!(!names(&m, 0).contains(&"Experimental"));
    assert_eq!(shape(&m, 0, 3, true), shape(&current(), 0, 3, true));
    assert!(!m.latest_unstable);

    // The same difference in a stable history version is a conflict.
    let stable = message(OLD_FILE, OLD, "0-3", "", &unstable_fields);
    let err = merge_one(current(), stable).unwrap_err();
    assert!(
        matches!(err.kind, ErrorKind::HistoryConflict { version: 3, .. }),
        "{err:?}"
    );
}

#[test]
fn history_only_messages_are_kept() {
    let gone = load_message(
        "history/3.9.0/GoneRequest.json",
        OLD,
        r#"{ "apiKey": 1001, "type": "request", "name": "GoneRequest", "validVersions": "0-1",
             "flexibleVersions": "none", "fields": [ { "name": "X", "type": "int8", "versions": "0+" } ] }"#,
    )
    .unwrap();
    let out = merge(
        vec![current()],
        &[(OLD.to_string(), vec![history(), gone.clone()])],
    )
    .unwrap();
    let names: Vec<&str> = out.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, ["FooRequest", "GoneRequest"]);
    assert_eq!(out[1], gone);
    assert_eq!(out[0].valid, vs("0-5"));
}

#[test]
fn current_only_messages_pass_through() {
    let cur = current();
    let out = merge(vec![cur.clone()], &[]).unwrap();
    assert_eq!(out, [cur]);
}
