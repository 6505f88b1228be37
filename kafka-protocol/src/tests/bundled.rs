//! What the bundled schemas define, read from the JSON files themselves (the
//! current release and every history folder `schemas/manifest.json` lists),
//! not from the generated code: tests that list APIs, schemas and version
//! ranges compare the codec with these, so they follow whatever release
//! `cargo xtask regen` imported without being edited.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

/// One schema file's facts.
#[derive(Debug)]
pub(crate) struct SchemaFile {
    /// `name`: `FetchRequest`, `RequestHeader`.
    pub(crate) name: String,
    /// `type`: `request`, `response`, `header`, `data`.
    pub(crate) kind: String,
    /// `apiKey`, for requests and responses.
    pub(crate) api_key: Option<i16>,
    /// `validVersions` as `(lowest, highest)`; `None` for `"none"` (a
    /// tombstone Kafka leaves for a removed API).
    pub(crate) versions: Option<(i16, i16)>,
    /// `latestVersionUnstable`.
    pub(crate) latest_unstable: bool,
    /// The file is the current release's (not a kept history release's).
    pub(crate) current: bool,
}

/// The schema root the build script generated from: the crate's `schemas/`
/// (a symlink in the workspace, a copy in a packaged crate) or the
/// workspace's.
fn root() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let packaged = dir.join("schemas");
    if packaged.join("manifest.json").exists() {
        packaged
    } else {
        dir.join("..").join("schemas")
    }
}

fn read_json(path: &std::path::Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&strip_comments(&text))
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Kafka's schemas are JSON with `//` and `/* */` comments: blank them out
/// (outside string literals) so `serde_json` reads the rest.
fn strip_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let mut in_string = false;
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            match c {
                '\\' => out.extend(chars.next()),
                '"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match (c, chars.peek()) {
            ('"', _) => {
                in_string = true;
                out.push(c);
            }
            ('/', Some('/')) => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            ('/', Some('*')) => {
                chars.next();
                let mut last = ' ';
                for c in chars.by_ref() {
                    if last == '*' && c == '/' {
                        break;
                    }
                    last = c;
                }
                out.push(' ');
            }
            _ => out.push(c),
        }
    }
    out
}

/// `"0-13"`, `"3"` or `"none"` (Kafka's `validVersions`, always bounded).
fn version_range(s: &str) -> Option<(i16, i16)> {
    let s = s.trim();
    if s == "none" {
        return None;
    }
    let (lo, hi) = s.split_once('-').unwrap_or((s, s));
    Some((
        lo.trim()
            .parse()
            .unwrap_or_else(|_| panic!("validVersions {s:?}")),
        hi.trim()
            .parse()
            .unwrap_or_else(|_| panic!("validVersions {s:?}")),
    ))
}

/// An integer Kafka may write as a JSON number or a string (Jackson accepts both).
fn int(v: &serde_json::Value) -> Option<i64> {
    v.as_i64().or_else(|| v.as_str()?.trim().parse().ok())
}

/// Every schema file of the current release and of the kept history folders.
pub(crate) fn files() -> Vec<SchemaFile> {
    let root = root();
    let manifest = read_json(&root.join("manifest.json"));
    let mut dirs = vec![(manifest["current"].as_str().expect("current"), true)];
    for h in manifest["history"].as_array().expect("history") {
        dirs.push((h["dir"].as_str().expect("history dir"), false));
    }
    let mut out = Vec::new();
    for (dir, current) in dirs {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(root.join(dir))
            .unwrap_or_else(|e| panic!("{dir}: {e}"))
            .map(|e| e.expect("entry").path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        paths.sort();
        for p in paths {
            let v = read_json(&p);
            out.push(SchemaFile {
                name: v["name"].as_str().expect("name").to_string(),
                kind: v["type"].as_str().expect("type").to_string(),
                api_key: int(&v["apiKey"]).map(|k| i16::try_from(k).expect("apiKey")),
                versions: version_range(v["validVersions"].as_str().expect("validVersions")),
                latest_unstable: v["latestVersionUnstable"].as_bool().unwrap_or(false),
                current,
            });
        }
    }
    assert!(!out.is_empty(), "no schema files under {}", root.display());
    out
}

/// Every API some bundled release defines versions of: key -> (name as the
/// newest release defining it spells it, lowest and highest version over all
/// releases).
pub(crate) fn apis() -> BTreeMap<i16, (String, i16, i16)> {
    let mut out: BTreeMap<i16, (String, i16, i16)> = BTreeMap::new();
    // Current first, then history newest first: the first name seen wins.
    for f in files().iter().filter(|f| f.kind == "request") {
        let (Some(key), Some((lo, hi))) = (f.api_key, f.versions) else {
            continue;
        };
        let name = f
            .name
            .strip_suffix("Request")
            .unwrap_or(&f.name)
            .to_string();
        let e = out.entry(key).or_insert((name, lo, hi));
        e.1 = e.1.min(lo);
        e.2 = e.2.max(hi);
    }
    out
}

/// The header and data schemas (every schema but requests and responses).
pub(crate) fn other_schemas() -> BTreeSet<String> {
    files()
        .into_iter()
        .filter(|f| f.kind != "request" && f.kind != "response" && f.versions.is_some())
        .map(|f| f.name)
        .collect()
}

#[test]
fn strip_comments_keeps_strings() {
    let text = "// licence\n{ \"a\": \"x // y /* z */\", /* c */ \"b\": 1 // end\n}";
    let v: serde_json::Value = serde_json::from_str(&strip_comments(text)).unwrap();
    assert_eq!(v["a"], "x // y /* z */");
    assert_eq!(v["b"], 1);
    assert_eq!(version_range("0-13"), Some((0, 13)));
    assert_eq!(version_range("3"), Some((3, 3)));
    assert_eq!(version_range("none"), None);
}
