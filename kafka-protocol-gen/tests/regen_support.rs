//! Library pieces behind `cargo xtask regen`: the registry's Rust module check,
//! unknown-key reporting, the wire-compatibility check and the changelog diff.

use kafkawire_gen::changelog::{self, Section};
use kafkawire_gen::{ErrorKind, load_message};

fn msg(text: &str) -> kafkawire_gen::Message {
    load_message("t.json", "test", text).unwrap()
}

#[test]
fn two_messages_with_one_rust_module_are_rejected() {
    let a = msg(
        r#"{ "name": "FooBar", "type": "data", "validVersions": "0", "flexibleVersions": "none", "fields": [] }"#,
    );
    let b = msg(
        r#"{ "name": "FooBAR", "type": "data", "validVersions": "0", "flexibleVersions": "none", "fields": [] }"#,
    );
    assert_eq!(a.module, b.module);
    let e = kafkawire_gen::check_registry("t", &[a, b]).unwrap_err();
    match e.kind {
        ErrorKind::DuplicateMessage(text) => assert!(text.contains("foo_bar"), "{text}"),
        other => panic!("{other:?}"),
    }
}

const V0: &str = r#"{ "apiKey": 70, "type": "request", "name": "XRequest", "validVersions": "0-1",
  "flexibleVersions": "1+", "fields": [
    { "name": "A", "type": "int32", "versions": "0+" },
    { "name": "Items", "type": "[]Item", "versions": "0+", "fields": [
      { "name": "B", "type": "string", "versions": "0+" } ] } ] }"#;

#[test]
fn wire_changes_allow_new_versions_and_tagged_fields_only() {
    let old = [msg(V0)];
    // A new version with a new field, and a new tagged field in version 1.
    let grown = msg(
        &V0.replace(r#""validVersions": "0-1""#, r#""validVersions": "0-2""#)
            .replace(
                r#"{ "name": "A", "type": "int32", "versions": "0+" }"#,
                r#"{ "name": "A", "type": "int32", "versions": "0+" },
                   { "name": "C", "type": "int8", "versions": "2+" },
                   { "name": "T", "type": "int8", "versions": "1+", "taggedVersions": "1+", "tag": 0 }"#,
            ),
    );
    assert_eq!(
        changelog::wire_changes(&old, std::slice::from_ref(&grown)),
        []
    );
    let log = changelog::diff(&old, &[grown]);
    let lines: Vec<(Section, &str)> = log.iter().map(|c| (c.section, c.detail.as_str())).collect();
    assert!(
        lines.contains(&(Section::VersionsAdded, "XRequest: 2 (now 0-2)")),
        "{lines:?}"
    );
    assert!(
        lines.contains(&(Section::FieldAdded, "XRequest.C: int8 in versions 2")),
        "{lines:?}"
    );
    assert!(
        lines.contains(&(
            Section::TaggedFieldAdded,
            "XRequest.T: int8 tag 0 in versions 1-2"
        )),
        "{lines:?}"
    );
    // A nested type change in an existing version is refused.
    let changed = msg(&V0.replace(r#""type": "string""#, r#""type": "bytes""#));
    let w = changelog::wire_changes(&old, &[changed]);
    assert_eq!(w.len(), 2, "{w:?}");
    assert_eq!(w[0].detail, "Items.B: type string became bytes");
    // Unless the version was unstable.
    let unstable = msg(&V0.replace(
        r#""flexibleVersions""#,
        r#""latestVersionUnstable": true, "flexibleVersions""#,
    ));
    let changed = msg(&V0.replace(r#""type": "string""#, r#""type": "bytes""#));
    let w = changelog::wire_changes(&[unstable], &[changed]);
    assert_eq!(w.iter().map(|w| w.version).collect::<Vec<_>>(), [0]);
}

#[test]
fn struct_rename_is_reported_with_rust_names() {
    let renamed = msg(&V0.replace("[]Item", "[]Entry"));
    let log = changelog::diff(&[msg(V0)], &[renamed]);
    assert_eq!(log.len(), 1, "{log:?}");
    assert_eq!(log[0].section, Section::StructRenamed);
    assert_eq!(
        log[0].detail,
        "XRequest.Items: struct Item -> Entry (Rust type `xrequest::Item` -> `xrequest::Entry`)"
    );
}

#[test]
fn unknown_keys_found_at_any_depth() {
    let keys = kafkawire_gen::spec::unknown_keys(
        &V0.replace(r#""name": "B","#, r#""name": "B", "sinceKip": 1234,"#),
    )
    .unwrap();
    assert_eq!(keys.len(), 1);
    assert_eq!(keys[0].path, "fields[Items].fields[B]");
    assert_eq!(keys[0].key, "sinceKip");
    assert_eq!(keys[0].value, "1234");
}
