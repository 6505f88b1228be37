//! `cargo xtask regen --from` on the real Kafka release ladder, 3.7.0 to 4.4.0
//! (and 4.3.1 by way of the 4.4 trunk to 4.4.0), through the real binary, on
//! temporary copies of a schema root (the workspace's `schemas/` is only read).
//!
//! The releases come from `tests/data/ladder/`: 3.7.0 complete, then for each
//! later release only the files that changed and a `REMOVED` list (1.4 MB of
//! Kafka's Apache-2.0 schema files, byte for byte; `SOURCES.md` gives each
//! commit). Set `KAFKA_LADDER_BUILD=1` to also compile `kafkawire` and run
//! its test suite (the round trips) on every step; see [`ladder_build`].

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

const LADDER: &[(&str, &str)] = &[
    ("3.7.0", "2ae524ed625438c5fee89e78648bd73e64a3ada0"),
    ("3.8.0", "771b9576b00ecf5b64ab6e8bedf04156fbdb5cd6"),
    ("3.9.0", "c821449fb7c1e2c0f398eeb5cfc4a8abc210c0a4"),
    ("4.0.0", "985bc99521dd22bbf620591b8db8613c54f596b2"),
    ("4.0.1", "b31ce61fd68c51d1b9b964b09874148f14b75964"),
    ("4.1.0", "13f70256db3c994c590e5d262a7cc50b9e973204"),
    ("4.2.0", "a18251bae0b825c69794a50dffd4c3100cf5ca5b"),
    ("4.2.1", "18d5ecd939c8d510fdd72d0abb1f7099659dcd58"),
    ("4.3.1", "26b251a451ce941d3d7a55e6487bcb7f16b5ad48"),
    ("4.4.0", "1156b2752aaa28ea"),
];
/// The 4.4 branch point, before 4.4.0: its data folder is a delta against
/// 4.3.1, and 4.4.0's a delta against it.
const TRUNK: (&str, &str) = (
    "4.4-trunk-2026-08",
    "e5e26abb2741c678905a925ef535b6e8eaf967b0",
);
/// The order the data folders' deltas apply in.
const DELTAS: &[&str] = &[
    "3.7.0", "3.8.0", "3.9.0", "4.0.0", "4.0.1", "4.1.0", "4.2.0", "4.2.1", "4.3.1", TRUNK.0,
    "4.4.0",
];

fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/ladder")
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// A fresh temporary folder, removed on drop.
struct Temp(PathBuf);

impl Temp {
    fn new(name: &str) -> Temp {
        static N: AtomicUsize = AtomicUsize::new(0);
        let p = std::env::temp_dir().join(format!(
            "xtask-regen-test-{name}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        Temp(p)
    }
}

impl Drop for Temp {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        let dest = to.join(p.file_name().unwrap());
        if p.is_dir() {
            copy_dir(&p, &dest);
        } else {
            std::fs::copy(&p, &dest).unwrap();
        }
    }
}

/// Writes the complete files of `release` into `dir`, rebuilt from the deltas.
fn release_into(release: &str, dir: &Path) {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).unwrap();
    let upto = DELTAS.iter().position(|r| *r == release).unwrap();
    for r in &DELTAS[..=upto] {
        let delta = data().join(r);
        for e in std::fs::read_dir(&delta).unwrap() {
            let p = e.unwrap().path();
            if p.file_name().unwrap() != "REMOVED" {
                std::fs::copy(&p, dir.join(p.file_name().unwrap())).unwrap();
            }
        }
        if let Ok(removed) = std::fs::read_to_string(delta.join("REMOVED")) {
            for name in removed.lines().filter(|l| !l.is_empty()) {
                std::fs::remove_file(dir.join(name)).unwrap();
            }
        }
    }
}

/// A schema root holding 3.7.0 alone, as a project starting there would.
fn root_at_3_7(dir: &Path) {
    release_into("3.7.0", &dir.join("current"));
    std::fs::write(
        dir.join("manifest.json"),
        r#"{
  "release": "3.7.0",
  "commit": "2ae524ed625438c5fee89e78648bd73e64a3ada0",
  "source": "apache/kafka clients/src/main/resources/common/message/",
  "current": "current",
  "history": []
}
"#,
    )
    .unwrap();
}

fn xtask(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .output()
        .unwrap()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn import(root: &Path, from: &Path, release: &str, commit: &str, out: &Path) -> Output {
    xtask(&[
        "regen",
        "--schemas",
        s(root),
        "--from",
        s(from),
        "--release",
        release,
        "--commit",
        commit,
        "--out",
        s(out),
        "--no-build",
    ])
}

fn ok(o: &Output) -> String {
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(
        o.status.success(),
        "xtask failed:\n{out}\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    out
}

/// Every file under `dir` with its bytes, for "untouched" checks.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push((p.clone(), std::fs::read(&p).unwrap()));
            }
        }
    }
    out.sort();
    out
}

fn pairs(root: &Path) -> Vec<(String, i16)> {
    let set = kafkawire_gen::load_schema_set(root).unwrap();
    kafkawire_gen::changelog::pairs(&set.messages)
}

/// The changelog section of one import.
fn section(changelog: &str, from: &str, to: &str) -> String {
    let head = format!("## Kafka {from} -> {to}\n");
    let start = changelog.find(&head).unwrap_or_else(|| panic!("no {head}"));
    let rest = &changelog[start + head.len()..];
    let end = rest.find("\n## Kafka ").map_or(rest.len(), |e| e + 1);
    rest[..end].to_string()
}

fn has(section: &str, line: &str) {
    assert!(
        section.lines().any(|l| l == line),
        "missing line {line:?} in:\n{section}"
    );
}

/// Imports the ladder step by step into `root`, checking after each step.
fn climb(root: &Path, tmp: &Path, steps: &[(&str, &str)], mut each: impl FnMut(&str, &Path)) {
    let src = tmp.join("src");
    let out = tmp.join("out");
    for (release, commit) in steps {
        let before = pairs(root);
        release_into(release, &src.join(release));
        let started = std::time::Instant::now();
        ok(&import(root, &src.join(release), release, commit, &out));
        let took = started.elapsed();
        let after = pairs(root);
        let lost: Vec<_> = before
            .iter()
            .filter(|p| after.binary_search(p).is_err())
            .collect();
        assert!(lost.is_empty(), "{release} lost {lost:?}");
        ok(&xtask(&["regen", "--check", "--schemas", s(root)]));
        eprintln!(
            "{release}: {} -> {} (message, version) pairs, import {took:?}",
            before.len(),
            after.len()
        );
        each(release, root);
    }
}

fn files_under(root: &Path, dir: &str) -> Vec<(PathBuf, Vec<u8>)> {
    snapshot(&root.join(dir))
        .into_iter()
        .map(|(p, b)| (p.strip_prefix(root).unwrap().to_path_buf(), b))
        .collect()
}

/// 3.7.0 -> ... -> 4.3.1 -> 4.4.0: every step is accepted, loses nothing,
/// passes `--check`, and the end result is exactly the workspace's `schemas/`
/// (same current files, same single history folder `history/3.9.0` with all
/// of 3.9.0's files), so CI's `cargo test --workspace` runs the round-trip
/// suite on the ladder's final step. Then 4.3.1 -> 4.4 trunk -> 4.4.0 ends in
/// the same files: what the trunk had and the release changed is the release's.
#[test]
fn ladder_3_7_to_4_4_and_by_trunk() {
    let tmp = Temp::new("ladder");
    let root = tmp.0.join("schemas");
    root_at_3_7(&root);
    climb(&root, &tmp.0, &LADDER[1..], |release, root| {
        let m = kafkawire_gen::read_manifest(root).unwrap();
        assert_eq!(m.release, release);
        let hist: Vec<&str> = m.history.iter().map(|h| h.release.as_str()).collect();
        // KIP-896 (4.0.0) removed versions: from then on 3.9.0 is kept, and
        // nothing else is (4.0.0's only extra, JoinGroup v0-1, came back in 4.0.1).
        if release.starts_with('4') {
            assert_eq!(hist, ["3.9.0"], "{release}");
        } else {
            assert!(hist.is_empty(), "{release}: {hist:?}");
        }
    });
    let ws = workspace().join("schemas");
    assert_eq!(
        files_under(&root, "current"),
        files_under(&ws, "current"),
        "the ladder's last release is the bundled current release"
    );
    assert_eq!(
        files_under(&root, "history"),
        files_under(&ws, "history"),
        "the ladder's history is the bundled history"
    );
    assert_eq!(pairs(&root), pairs(&ws));

    let log = std::fs::read_to_string(root.join("CHANGELOG.md")).unwrap();
    // 4.2.1 -> 4.3.1, checked by hand against the two releases' files:
    // BrokerHeartbeatRequest.json: validVersions 0-1 -> 0-2, new tagged field
    // CordonedLogDirs (tag 1, versions 2+); DescribeLogDirsResponse.json: v5 adds
    // IsCordoned; ControlRecordTypeSchema.json is new; nothing is removed.
    let s43 = section(&log, "4.2.1", "4.3.1");
    has(&s43, "- BrokerHeartbeatRequest: 2 (now 0-2)");
    has(&s43, "- DescribeLogDirsResponse: 5 (now 1-5)");
    has(
        &s43,
        "- BrokerHeartbeatRequest.CordonedLogDirs: []uuid tag 1 in versions 2",
    );
    has(
        &s43,
        "- DescribeLogDirsResponse.Results.IsCordoned: bool in versions 5",
    );
    has(&s43, "- ControlRecordTypeSchema (Data), versions 0");
    has(
        &s43,
        "None: every version the previous release defined is still defined, and none is newly deprecated.",
    );
    assert!(!s43.contains("### Fields removed"), "{s43}");
    has(
        &s43,
        "Nothing: every change is an addition. New fields start at their defaults (the generated structs are `#[non_exhaustive]` and built with `Default` and the `with_` setters), and new versions are negotiated only by code that asks for them.",
    );
    // 3.9.0 -> 4.0.0 (KIP-896), by hand: ProduceRequest.json validVersions 0-12
    // -> 3-12; FetchRequest.json 0-17 -> 4-17; ControlledShutdownRequest
    // (key 7) keeps only a tombstone (validVersions none), so its versions 0-3
    // stay from history;
    // ConsumerGroupHeartbeatRequest v0 was unstable in 3.9 and stable in 4.0;
    // ProduceResponse gains v12, where the NodeEndpoints tag keeps going.
    let s40 = section(&log, "3.9.0", "4.0.0");
    has(
        &s40,
        "- ProduceRequest: 0-2 (now 3-12; the removed ones stay from history)",
    );
    has(
        &s40,
        "- FetchRequest: 0-3 (now 4-17; the removed ones stay from history)",
    );
    has(
        &s40,
        "- ControlledShutdownRequest: 0-3 (now none; the removed ones stay from history)",
    );
    assert!(s40.contains("kept `history/3.9.0`"), "{s40}");

    // 4.3.1 -> 4.4.0, checked by hand against the two releases' files
    // (diff of the folders): two new APIs (93, 94) and AbortedTxn; new versions
    // of ApiVersions (5), DeleteGroups (3), StreamsGroupDescribe (1),
    // StreamsGroupHeartbeat (1), TxnOffsetCommit (6); TxnOffsetCommitRequest's
    // GenerationId (int32, 3+) renamed GenerationIdOrMemberEpoch; in
    // StreamsGroupHeartbeatResponse the v0 int32 AcceptableRecoveryLag is now
    // AcceptableRecoveryLagLegacy and AcceptableRecoveryLag an int64 in 1+;
    // Topics.Name stops at v5 where v6 brings TopicId.
    let s44 = section(&log, "4.3.1", "4.4.0");
    has(
        &s44,
        "Imported from Apache Kafka commit `1156b2752aaa28ea`.",
    );
    has(
        &s44,
        "- StreamsGroupTopologyDescriptionUpdate (key 93), versions 0",
    );
    has(&s44, "- UnregisterController (key 94), versions 0");
    has(&s44, "- AbortedTxn (Data), versions 0");
    has(&s44, "- TxnOffsetCommitRequest: 6 (now 0-6)");
    has(
        &s44,
        "- ApiVersionsRequest.ClusterId: string in versions 5, nullable in 5",
    );
    has(
        &s44,
        "- TxnOffsetCommitRequest.Topics.Name: not in the new versions 6 (still in versions 0-5)",
    );
    has(
        &s44,
        "- TxnOffsetCommitRequest.GenerationId -> GenerationIdOrMemberEpoch: int32 in versions 3-5 keeps its wire slot",
    );
    has(
        &s44,
        "- `TxnOffsetCommitRequest::generation_id` -> `generation_id_or_member_epoch` (TxnOffsetCommitRequest versions 3-5)",
    );
    has(
        &s44,
        "- StreamsGroupHeartbeatResponse.AcceptableRecoveryLag: int32 -> int64",
    );
    has(
        &s44,
        "- `StreamsGroupHeartbeatResponse::acceptable_recovery_lag` -> `acceptable_recovery_lag_legacy` (StreamsGroupHeartbeatResponse versions 0)",
    );
    // Not an addition plus a removal.
    assert!(
        !s44.contains("- TxnOffsetCommitRequest.GenerationIdOrMemberEpoch:"),
        "{s44}"
    );
    assert!(!s44.contains("GenerationId: int32 (was"), "{s44}");

    // By way of the trunk: the same end, and trunk -> 4.4.0 changes no wire.
    let tmp2 = Temp::new("ladder-trunk");
    let root2 = tmp2.0.join("schemas");
    root_at_3_7(&root2);
    let upto_4_3 = LADDER.iter().position(|(r, _)| *r == "4.3.1").unwrap();
    climb(&root2, &tmp2.0, &LADDER[1..=upto_4_3], |_, _| {});
    climb(&root2, &tmp2.0, &[TRUNK, LADDER[upto_4_3 + 1]], |_, _| {});
    let log2 = std::fs::read_to_string(root2.join("CHANGELOG.md")).unwrap();
    let st = section(&log2, "4.3.1", TRUNK.0);
    assert!(st.contains("(key 93)") && st.contains("(key 94)"), "{st}");
    let released = section(&log2, TRUNK.0, "4.4.0");
    assert!(released.contains("No protocol changes."), "{released}");
    assert_eq!(files_under(&root2, "current"), files_under(&ws, "current"));
    assert_eq!(files_under(&root2, "history"), files_under(&ws, "history"));
}

/// An import that changes the type of a field in a version 3.7.0 already
/// defined is refused, and the schema root stays byte for byte as it was;
/// `--allow-wire-change` is the explicit override.
#[test]
fn tampered_import_is_refused_and_changes_nothing() {
    let tmp = Temp::new("tampered");
    let root = tmp.0.join("schemas");
    root_at_3_7(&root);
    let src = tmp.0.join("3.8.0");
    release_into("3.8.0", &src);
    // FindCoordinatorRequest v0: "Key" is a string; make it an int32.
    let f = src.join("FindCoordinatorRequest.json");
    let text = std::fs::read_to_string(&f).unwrap();
    let tampered = text.replacen(
        r#"{ "name": "Key", "type": "string""#,
        r#"{ "name": "Key", "type": "int32""#,
        1,
    );
    assert_ne!(text, tampered, "the test edit must apply");
    std::fs::write(&f, tampered).unwrap();
    let before = snapshot(&root);
    let o = import(&root, &src, "3.8.0", "", &tmp.0.join("out"));
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("changes the wire shape"), "{err}");
    assert!(
        err.contains("FindCoordinatorRequest v0: Key: type string became int32"),
        "{err}"
    );
    assert!(err.contains("--allow-wire-change"), "{err}");
    assert_eq!(snapshot(&root), before, "schemas/ must be untouched");

    // The explicit override imports it, and says what it let through.
    let o = xtask(&[
        "regen",
        "--schemas",
        s(&root),
        "--from",
        s(&src),
        "--release",
        "3.8.0",
        "--allow-wire-change",
        "--out",
        s(&tmp.0.join("out")),
        "--no-build",
    ]);
    let out = ok(&o);
    assert!(
        out.contains("wire change let through by --allow-wire-change: FindCoordinatorRequest v0"),
        "{out}"
    );
    assert_eq!(
        kafkawire_gen::read_manifest(&root).unwrap().release,
        "3.8.0"
    );
    ok(&xtask(&["regen", "--check", "--schemas", s(&root)]));
}

/// Keys a newer Kafka might add are reported (file, where, key, value), and
/// the import is refused without touching anything.
#[test]
fn unknown_schema_keys_are_reported() {
    let tmp = Temp::new("unknown");
    let root = tmp.0.join("schemas");
    root_at_3_7(&root);
    let src = tmp.0.join("3.8.0");
    release_into("3.8.0", &src);
    let f = src.join("ListGroupsRequest.json");
    let text = std::fs::read_to_string(&f).unwrap();
    std::fs::write(
        &f,
        text.replacen(
            r#""type": "request","#,
            r#""type": "request", "brokerOnly": true,"#,
            1,
        ),
    )
    .unwrap();
    let before = snapshot(&root);
    let o = import(&root, &src, "3.8.0", "", &tmp.0.join("out"));
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("current/ListGroupsRequest.json: top level: \"brokerOnly\": true"),
        "{err}"
    );
    assert_eq!(snapshot(&root), before);
}

/// Writes a zip: each entry deflated or stored (a jar uses both).
fn write_zip(path: &Path, entries: &[(String, Vec<u8>)]) {
    use std::io::Write as _;
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (i, (name, data)) in entries.iter().enumerate() {
        let deflate = i % 2 == 0;
        let body = if deflate {
            let mut e =
                flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
            e.write_all(data).unwrap();
            e.finish().unwrap()
        } else {
            data.clone()
        };
        let method: u16 = if deflate { 8 } else { 0 };
        let crc = crc32fast::hash(data);
        let offset = out.len() as u32;
        let mut common = Vec::new();
        common.extend_from_slice(&20u16.to_le_bytes()); // version needed
        common.extend_from_slice(&0u16.to_le_bytes()); // flags
        common.extend_from_slice(&method.to_le_bytes());
        common.extend_from_slice(&0u32.to_le_bytes()); // time, date
        common.extend_from_slice(&crc.to_le_bytes());
        common.extend_from_slice(&(body.len() as u32).to_le_bytes());
        common.extend_from_slice(&(data.len() as u32).to_le_bytes());
        common.extend_from_slice(&(name.len() as u16).to_le_bytes());
        common.extend_from_slice(&0u16.to_le_bytes()); // extra
        out.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        out.extend_from_slice(&common);
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(&body);
        central.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
        central.extend_from_slice(&20u16.to_le_bytes()); // made by
        central.extend_from_slice(&common);
        central.extend_from_slice(&[0; 6]); // comment len, disk, internal attrs
        central.extend_from_slice(&0u32.to_le_bytes()); // external attrs
        central.extend_from_slice(&offset.to_le_bytes());
        central.extend_from_slice(name.as_bytes());
    }
    let cd_offset = out.len() as u32;
    out.extend_from_slice(&central);
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    out.extend_from_slice(&[0; 4]);
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    out.extend_from_slice(&(central.len() as u32).to_le_bytes());
    out.extend_from_slice(&cd_offset.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    std::fs::write(path, out).unwrap();
}

/// A kafka-clients jar of `release`'s schemas (and its README), saying it is
/// `version` with `commit` in `kafka/kafka-version.properties`, as Kafka's
/// build writes them, next to entries an import must skip.
fn jar_of(release: &str, version: &str, commit: &str, jar: &Path) -> Vec<String> {
    let src = jar.with_extension("src");
    release_into(release, &src);
    let mut entries = vec![
        (
            "META-INF/MANIFEST.MF".to_string(),
            b"Manifest-Version: 1.0\n".to_vec(),
        ),
        ("common/message/".to_string(), Vec::new()),
        (
            "kafka/kafka-version.properties".to_string(),
            format!("commitId={commit}\nversion={version}\ncommitTimestamp=0\n").into_bytes(),
        ),
        (
            "org/apache/kafka/common/message/FetchRequestData.class".to_string(),
            vec![0xca, 0xfe, 0xba, 0xbe],
        ),
    ];
    let mut names: Vec<String> = std::fs::read_dir(&src)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".json") || n == "README.md")
        .collect();
    names.sort();
    for n in &names {
        entries.push((
            format!("common/message/{n}"),
            std::fs::read(src.join(n)).unwrap(),
        ));
    }
    write_zip(jar, &entries);
    names
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest as _;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A kafka-clients jar built from 3.8.0's schemas imports like the folder,
/// with the release and commit read from `kafka/kafka-version.properties`
/// and the jar's name and SHA-256 recorded in the manifest.
#[test]
fn jar_input() {
    let tmp = Temp::new("jar");
    let root = tmp.0.join("schemas");
    root_at_3_7(&root);
    let jar = tmp.0.join("kafka-clients-3.8.0.jar");
    let names = jar_of("3.8.0", "3.8.0", LADDER[1].1, &jar);
    assert!(names.contains(&"README.md".to_string()));
    let out = ok(&xtask(&[
        "regen",
        "--schemas",
        s(&root),
        "--from",
        s(&jar),
        "--out",
        s(&tmp.0.join("out")),
        "--no-build",
    ]));
    assert!(out.contains("kafka-clients jar"), "{out}");
    let m = kafkawire_gen::read_manifest(&root).unwrap();
    assert_eq!(m.release, "3.8.0");
    assert_eq!(m.commit, "771b9576b00ecf5b64ab6e8bedf04156fbdb5cd6");
    let sha = sha256_hex(&std::fs::read(&jar).unwrap());
    assert_eq!(
        m.jar,
        Some(kafkawire_gen::JarSource {
            artifact: "kafka-clients-3.8.0.jar".into(),
            sha256: sha.clone()
        })
    );
    assert!(out.contains(&format!("sha256 {sha}")), "{out}");
    let src = jar.with_extension("src");
    for n in &names {
        assert_eq!(
            std::fs::read(root.join("current").join(n)).unwrap(),
            std::fs::read(src.join(n)).unwrap(),
            "{n} copied unchanged"
        );
    }
    let log = std::fs::read_to_string(root.join("CHANGELOG.md")).unwrap();
    has(
        &section(&log, "3.7.0", "3.8.0"),
        "- DescribeTopicPartitions (key 75), versions 0",
    );
    ok(&xtask(&["regen", "--check", "--schemas", s(&root)]));
}

/// A stand-in for `mvn` (through `XTASK_MVN`): logs its arguments to
/// `mvn.args` next to it and, like `dependency:copy`, copies `jar` into the
/// `-DoutputDirectory` as `kafka-clients-<version>.jar`; exits 1 with Maven's
/// message when `jar` does not exist.
fn fake_mvn(dir: &Path, jar: &Path) -> PathBuf {
    use std::os::unix::fs::PermissionsExt as _;
    let script = dir.join("mvn");
    std::fs::write(
        &script,
        format!(
            r#"#!/bin/sh
printf '%s\n' "$@" > '{log}'
out=; version=
for a in "$@"; do
  case "$a" in
    -DoutputDirectory=*) out="${{a#-DoutputDirectory=}}" ;;
    -Dartifact=*) version=$(echo "${{a#-Dartifact=}}" | cut -d: -f3) ;;
  esac
done
if [ ! -f '{jar}' ]; then
  echo "[ERROR] Could not resolve artifact org.apache.kafka:kafka-clients:jar:$version"
  exit 1
fi
cp '{jar}' "$out/kafka-clients-$version.jar"
"#,
            log = dir.join("mvn.args").display(),
            jar = jar.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    script
}

fn xtask_with_mvn(mvn: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .env("XTASK_MVN", mvn)
        .output()
        .unwrap()
}

fn regen_maven(root: &Path, out: &Path, spec: &str) -> Vec<String> {
    [
        "regen",
        "--schemas",
        s(root),
        "--from",
        spec,
        "--out",
        s(out),
        "--no-build",
    ]
    .map(String::from)
    .to_vec()
}

/// `--from kafka-clients:VERSION` asks Maven for that release's jar (checksums
/// enforced, the dependency plugin pinned), imports it as a jar, and records
/// the Maven coordinates and the jar's SHA-256; a jar that says it is another
/// release, a Maven that fails and a missing Maven are refused, saying why,
/// with the schema root untouched. Maven here is a stand-in; the real one is
/// `bundled_release_from_maven`.
#[test]
fn maven_release_input() {
    let tmp = Temp::new("maven");
    let root = tmp.0.join("schemas");
    root_at_3_7(&root);
    let jar = tmp.0.join("built.jar");
    jar_of("3.8.0", "3.8.0", LADDER[1].1, &jar);
    let mvn = fake_mvn(&tmp.0, &jar);
    let out_dir = tmp.0.join("out");

    // The jar says it is 3.8.0: asking for 3.8.1 gets it refused.
    let before = snapshot(&root);
    let args = regen_maven(&root, &out_dir, "kafka-clients:3.8.1");
    let o = xtask_with_mvn(&mvn, &args.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("the jar says it is Kafka 3.8.0, not 3.8.1"),
        "{err}"
    );
    assert_eq!(snapshot(&root), before);

    let args = regen_maven(&root, &out_dir, "kafka-clients:3.8.0");
    let out = ok(&xtask_with_mvn(
        &mvn,
        &args.iter().map(String::as_str).collect::<Vec<_>>(),
    ));
    let mvn_args = std::fs::read_to_string(tmp.0.join("mvn.args")).unwrap();
    for a in [
        "--strict-checksums",
        "org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy",
        "-Dartifact=org.apache.kafka:kafka-clients:3.8.0:jar",
    ] {
        assert!(mvn_args.lines().any(|l| l == a), "{a} not in {mvn_args}");
    }
    assert!(out.contains("kafka-clients jar from Maven"), "{out}");
    let m = kafkawire_gen::read_manifest(&root).unwrap();
    assert_eq!(
        (m.release.as_str(), m.commit.as_str()),
        ("3.8.0", LADDER[1].1)
    );
    let sha = sha256_hex(&std::fs::read(&jar).unwrap());
    assert_eq!(
        m.jar,
        Some(kafkawire_gen::JarSource {
            artifact: "org.apache.kafka:kafka-clients:3.8.0".into(),
            sha256: sha.clone(),
        })
    );
    let text = std::fs::read_to_string(root.join("manifest.json")).unwrap();
    assert!(text.contains(&format!(r#""sha256": "{sha}""#)), "{text}");
    let log = std::fs::read_to_string(root.join("CHANGELOG.md")).unwrap();
    has(
        &section(&log, "3.7.0", "3.8.0"),
        "- DescribeTopicPartitions (key 75), versions 0",
    );
    assert!(out.contains("## Kafka 3.7.0 -> 3.8.0"), "{out}");
    ok(&xtask(&["regen", "--check", "--schemas", s(&root)]));

    // Maven fails (here: no such artifact): its message is passed on.
    std::fs::remove_file(&jar).unwrap();
    let before = snapshot(&root);
    let args = regen_maven(&root, &out_dir, "kafka-clients:3.9.0");
    let o = xtask_with_mvn(&mvn, &args.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("Maven could not fetch org.apache.kafka:kafka-clients:3.9.0")
            && err.contains("Could not resolve artifact"),
        "{err}"
    );
    assert_eq!(snapshot(&root), before);

    // No Maven at all.
    let o = xtask_with_mvn(
        &tmp.0.join("no-such-mvn"),
        &args.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("not found: Maven is needed to fetch org.apache.kafka:kafka-clients:3.9.0")
            && err.contains("pass its path to --from"),
        "{err}"
    );
    assert_eq!(snapshot(&root), before);
}

/// The real thing: `regen --from kafka-clients:<bundled release>` with the real
/// Maven and Maven Central, on a copy of the workspace's `schemas/`, changes
/// nothing: the bundled files are that release's jar, byte for byte, with the
/// recorded SHA-256. Needs `mvn` and Maven Central (or a local repository
/// holding the jar); fails saying so when they are missing.
#[test]
fn bundled_release_from_maven() {
    let mvn = std::env::var_os("XTASK_MVN").unwrap_or_else(|| "mvn".into());
    match Command::new(&mvn).arg("--version").output() {
        Ok(o) if o.status.success() => {}
        Ok(o) => panic!(
            "`{} --version` failed ({}): this test needs Maven to fetch the bundled release's jar",
            mvn.to_string_lossy(),
            o.status
        ),
        Err(e) => panic!(
            "this test needs Maven (`{}`: {e}) to fetch the bundled release's kafka-clients jar \
             from Maven Central: install it (`apt-get install maven`, or `cargo xtask test` does)",
            mvn.to_string_lossy()
        ),
    }
    let ws = workspace().join("schemas");
    let bundled = kafkawire_gen::read_manifest(&ws).unwrap();
    let jar = bundled
        .jar
        .clone()
        .expect("the bundled release was imported from its kafka-clients jar");
    assert_eq!(
        jar.artifact,
        format!("org.apache.kafka:kafka-clients:{}", bundled.release)
    );
    let tmp = Temp::new("maven-real");
    let root = tmp.0.join("schemas");
    copy_dir(&ws, &root);
    let before = snapshot(&root);
    let spec = format!("kafka-clients:{}", bundled.release);
    let out = ok(&xtask(&[
        "regen",
        "--schemas",
        s(&root),
        "--from",
        &spec,
        "--out",
        s(&tmp.0.join("out")),
        "--no-build",
    ]));
    assert!(out.contains(&format!("sha256 {}", jar.sha256)), "{out}");
    assert_eq!(
        snapshot(&root),
        before,
        "a re-import of the bundled release changes nothing"
    );
}

/// A Kafka source checkout: schemas found under `clients/src/...`, release
/// from `gradle.properties`, commit from `.git`.
#[test]
fn checkout_input() {
    let tmp = Temp::new("checkout");
    let root = tmp.0.join("schemas");
    root_at_3_7(&root);
    let kafka = tmp.0.join("kafka");
    release_into(
        "3.8.0",
        &kafka.join("clients/src/main/resources/common/message"),
    );
    std::fs::write(
        kafka.join("gradle.properties"),
        "group=org.apache.kafka\nversion=3.8.0\n",
    )
    .unwrap();
    std::fs::create_dir_all(kafka.join(".git/refs/heads")).unwrap();
    std::fs::write(kafka.join(".git/HEAD"), "ref: refs/heads/trunk\n").unwrap();
    std::fs::write(
        kafka.join(".git/packed-refs"),
        "# pack-refs with: peeled\n771b9576b00ecf5b64ab6e8bedf04156fbdb5cd6 refs/heads/trunk\n",
    )
    .unwrap();
    ok(&xtask(&[
        "regen",
        "--schemas",
        s(&root),
        "--from",
        s(&kafka),
        "--out",
        s(&tmp.0.join("out")),
        "--no-build",
    ]));
    let m = kafkawire_gen::read_manifest(&root).unwrap();
    assert_eq!(
        (m.release.as_str(), m.commit.as_str()),
        ("3.8.0", "771b9576b00ecf5b64ab6e8bedf04156fbdb5cd6")
    );
}

/// `--check` passes on the workspace's schemas and fails on a hand edit, an
/// unlisted history folder and a broken manifest.
#[test]
fn check_detects_drift() {
    ok(&xtask(&["regen", "--check"]));
    let tmp = Temp::new("check");
    let root = tmp.0.join("schemas");
    copy_dir(&workspace().join("schemas"), &root);
    ok(&xtask(&["regen", "--check", "--schemas", s(&root)]));

    let f = root.join("current/FetchRequest.json");
    let text = std::fs::read_to_string(&f).unwrap();
    std::fs::write(&f, text.replacen("//", "// edited", 1)).unwrap();
    let o = xtask(&["regen", "--check", "--schemas", s(&root)]);
    assert!(!o.status.success());
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("not the imported release"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    std::fs::write(&f, text).unwrap();

    std::fs::create_dir_all(root.join("history/1.0.0")).unwrap();
    let o = xtask(&["regen", "--check", "--schemas", s(&root)]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("history/1.0.0 is not in the manifest"));
    std::fs::remove_dir(root.join("history/1.0.0")).unwrap();
    ok(&xtask(&["regen", "--check", "--schemas", s(&root)]));

    std::fs::remove_file(root.join("history/3.9.0/FetchRequest.json")).unwrap();
    assert!(
        !xtask(&["regen", "--check", "--schemas", s(&root)])
            .status
            .success()
    );
}

/// `expand Fetch` writes the Fetch request and response modules only.
#[test]
fn expand_one_api() {
    let tmp = Temp::new("expand");
    let out = ok(&xtask(&["expand", "Fetch", "--out", s(&tmp.0)]));
    let mut files: Vec<String> = std::fs::read_dir(&tmp.0)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(files, ["fetch_request.rs", "fetch_response.rs"], "{out}");
    let text = std::fs::read_to_string(tmp.0.join("fetch_request.rs")).unwrap();
    assert!(text.contains("pub struct FetchRequest"), "{text:.400}");
}

/// `KAFKA_LADDER_BUILD=1 cargo test -p xtask --test regen ladder_build -- --ignored`:
/// every ladder step (and the 4.4 trunk) is imported into a copy of the
/// workspace, then `kafkawire` is built on it, and from 4.1.0 on its unit
/// tests (the generated per-message round trips and the codec tests) run too.
/// `KAFKA_LADDER_STEP=<release>` builds only that step (all are imported).
/// Slow: the generated codec is compiled once per step; timings in
/// `xtask/README.md`.
#[test]
#[ignore = "slow: builds and tests kafkawire once per ladder step; set KAFKA_LADDER_BUILD=1"]
fn ladder_build() {
    if std::env::var_os("KAFKA_LADDER_BUILD").is_none() {
        eprintln!("KAFKA_LADDER_BUILD is not set: skipped");
        return;
    }
    let tmp = Temp::new("ladder-build");
    let ws = tmp.0.join("ws");
    for member in [
        "kafka-protocol-gen",
        "kafka-protocol",
        "kafka-records",
        "kafka-compress",
        "xtask",
    ] {
        copy_dir_filtered(&workspace().join(member), &ws.join(member));
    }
    for f in ["Cargo.toml", "Cargo.lock"] {
        std::fs::copy(workspace().join(f), ws.join(f)).unwrap();
    }
    let root = ws.join("schemas");
    root_at_3_7(&root);
    let only: Option<String> = std::env::var("KAFKA_LADDER_STEP").ok();
    // 4.3.1 -> trunk -> 4.4.0: the trunk is a step of its own here.
    let upto_4_3 = LADDER.iter().position(|(r, _)| *r == "4.3.1").unwrap();
    let steps: Vec<(&str, &str)> = LADDER[1..=upto_4_3]
        .iter()
        .copied()
        .chain([TRUNK])
        .chain(LADDER[upto_4_3 + 1..].iter().copied())
        .collect();
    let mut failed = Vec::new();
    climb(&root, &tmp.0, &steps, |release, _| {
        if only.as_deref().is_some_and(|o| o != release) {
            return;
        }
        let started = std::time::Instant::now();
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        // By manifest path: the lock may also hold the crates.io kafka-protocol.
        let manifest = ws.join("kafka-protocol/Cargo.toml");
        let built = Command::new(&cargo)
            .args(["build", "--lib", "--manifest-path", s(&manifest)])
            .current_dir(&ws)
            .status()
            .unwrap()
            .success();
        eprintln!(
            "{release}: kafkawire build {} in {:?}",
            if built { "passed" } else { "FAILED" },
            started.elapsed()
        );
        if !built {
            failed.push(format!("{release} (build)"));
            return;
        }
        // kafkawire's own unit tests name APIs Kafka 4.1 introduced
        // (ListConfigResources), so before 4.1 they do not compile: there the
        // step is the build above. From 4.1 on every test runs: the ones that
        // list APIs, schemas and versions read them from the schemas.
        if ["3.8.0", "3.9.0", "4.0.0", "4.0.1"].contains(&release) {
            return;
        }
        let started = std::time::Instant::now();
        let status = Command::new(&cargo)
            .args(["test", "--lib", "--manifest-path", s(&manifest)])
            .current_dir(&ws)
            .status()
            .unwrap();
        eprintln!(
            "{release}: kafkawire tests {} in {:?}",
            if status.success() { "passed" } else { "FAILED" },
            started.elapsed()
        );
        if !status.success() {
            failed.push(format!("{release} (tests)"));
        }
    });
    assert!(failed.is_empty(), "failed steps: {failed:?}");
}

fn copy_dir_filtered(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap();
        if name == "target"
            || name == "data"
                && from.ends_with("tests")
                && from.parent().is_some_and(|p| p.ends_with("xtask"))
        {
            continue;
        }
        let dest = to.join(name);
        if p.is_dir() {
            copy_dir_filtered(&p, &dest);
        } else {
            std::fs::copy(&p, &dest).unwrap();
        }
    }
}
