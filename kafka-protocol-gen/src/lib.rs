//! The generator behind `kafkawire`: reads Apache Kafka's JSON message
//! schemas and emits the Rust codec.
//!
//! The pipeline is a straight line, each stage a pure function of the previous:
//!
//! 1. [`json`]: comment-aware loading (Kafka's files are JSON with `//` and
//!    `/* */` comments).
//! 2. [`spec`]: a faithful serde mirror of the JSON, Kafka's key names, the
//!    loose scalars Jackson accepts.
//! 3. [`model`]: the validated model; every rule of Kafka's Java generator is
//!    checked, every Rust identifier chosen and every version range resolved.
//! 4. [`merge`]: the current release merged with kept history, so versions a
//!    newer Kafka removed keep their exact wire shape.
//! 5. [`emit`]: `quote!` token emitters, one per output file.
//!
//! Errors name the schema file and the field path ([`Error`]).

pub mod changelog;
pub mod emit;
pub mod error;
pub mod import;
pub mod json;
pub mod merge;
pub mod model;
pub mod spec;
pub mod versions;

pub use error::{Error, ErrorKind};
pub use model::{Message, MessageKind};
pub use versions::VersionSet;

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// `schemas/manifest.json`: where the bundled schemas came from.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// The Kafka release of the current files.
    pub release: String,
    /// The Apache Kafka commit they were taken from.
    pub commit: String,
    /// Where inside Kafka's tree they live.
    pub source: String,
    /// The folder of the current files, relative to the schema root.
    pub current: String,
    /// Kept history, newest first.
    pub history: Vec<HistoryEntry>,
    /// A digest of the current folder's files ([`import::digest`]), written by
    /// `cargo xtask regen` so `regen --check` notices hand edits.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub digest: String,
    /// The jar the current files were read from, when they came from one
    /// (`cargo xtask regen --from kafka-clients:VERSION` or a jar's path).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jar: Option<JarSource>,
}

/// The `kafka-clients` jar a release was imported from.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct JarSource {
    /// Its Maven coordinates (`org.apache.kafka:kafka-clients:4.4.0`) when
    /// it was fetched by version, else its file name.
    pub artifact: String,
    /// The SHA-256 of the jar's bytes, 64 lower-case hex digits.
    pub sha256: String,
}

/// One kept release in the manifest.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct HistoryEntry {
    /// The Kafka release.
    pub release: String,
    /// Its commit.
    pub commit: String,
    /// The folder, relative to the schema root.
    pub dir: String,
    /// Why it is kept.
    pub why: String,
    /// A digest of the folder's files ([`import::digest`]).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub digest: String,
}

/// Every message of the codec, merged, with its provenance.
#[derive(Clone, Debug, PartialEq)]
pub struct SchemaSet {
    /// The manifest.
    pub manifest: Manifest,
    /// Merged messages, sorted by name.
    pub messages: Vec<Message>,
}

/// Reads `root/manifest.json`.
pub fn read_manifest(root: &Path) -> Result<Manifest, Error> {
    let path = root.join("manifest.json");
    let text = std::fs::read_to_string(&path)
        .map_err(|e| Error::new("manifest.json", "", ErrorKind::Io(e.to_string())))?;
    serde_json::from_str(&text)
        .map_err(|e| Error::new("manifest.json", "", ErrorKind::Syntax(e.to_string())))
}

/// The `*.json` files of a folder, sorted.
pub fn schema_files(dir: &Path) -> Result<Vec<PathBuf>, Error> {
    let shown = dir.display().to_string();
    let rd =
        std::fs::read_dir(dir).map_err(|e| Error::new(&shown, "", ErrorKind::Io(e.to_string())))?;
    let mut files = Vec::new();
    for entry in rd {
        let p = entry
            .map_err(|e| Error::new(&shown, "", ErrorKind::Io(e.to_string())))?
            .path();
        if p.extension().is_some_and(|e| e == "json") {
            files.push(p);
        }
    }
    files.sort();
    Ok(files)
}

/// Parses and validates one schema text. `file` is used in errors.
pub fn load_message(file: &str, release: &str, text: &str) -> Result<Message, Error> {
    let spec = spec::parse_message(text).map_err(|e| Error::new(file, "", ErrorKind::Syntax(e)))?;
    model::build_message(file, release, &spec)
}

/// Loads every schema of a folder and checks the API registry rules (unique
/// keys per kind, a response for every request). `label` prefixes file names
/// in errors.
pub fn load_release(dir: &Path, label: &str, release: &str) -> Result<Vec<Message>, Error> {
    let mut messages = Vec::new();
    for path in schema_files(dir)? {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let file = format!("{label}/{name}");
        let text = std::fs::read_to_string(&path)
            .map_err(|e| Error::new(&file, "", ErrorKind::Io(e.to_string())))?;
        messages.push(load_message(&file, release, &text)?);
    }
    check_registry(label, &messages)?;
    propagate_unstable(&mut messages);
    Ok(messages)
}

/// Kafka marks `latestVersionUnstable` on requests only; the response of an
/// unstable request version is just as unstable, so responses inherit it.
pub(crate) fn propagate_unstable(messages: &mut [Message]) {
    let unstable: Vec<i16> = messages
        .iter()
        .filter(|m| m.kind == MessageKind::Request && m.latest_unstable)
        .filter_map(|m| m.api_key)
        .collect();
    for m in messages.iter_mut() {
        if m.kind == MessageKind::Response && m.api_key.is_some_and(|k| unstable.contains(&k)) {
            m.latest_unstable = true;
        }
    }
}

/// Kafka's `ApiMessageTypeGenerator` and `MetadataRecordTypeGenerator` checks.
pub fn check_registry(label: &str, messages: &[Message]) -> Result<(), Error> {
    let mut names = BTreeMap::new();
    let mut modules: BTreeMap<&str, &str> = BTreeMap::new();
    let mut keys: BTreeMap<(MessageKind, i16), &str> = BTreeMap::new();
    for m in messages {
        if names.insert(m.name.clone(), ()).is_some() {
            return Err(Error::new(
                &m.file,
                "",
                ErrorKind::DuplicateMessage(m.name.clone()),
            ));
        }
        // Two names may differ only in case (`FooBar` and `FooBAR`) and still
        // become one Rust module.
        if let Some(other) = modules.insert(&m.module, &m.name) {
            return Err(Error::new(
                &m.file,
                "",
                ErrorKind::DuplicateMessage(format!(
                    "{} and {other} both become the Rust module `{}`",
                    m.name, m.module
                )),
            ));
        }
        if let (Some(k), MessageKind::Request | MessageKind::Response | MessageKind::Metadata) =
            (m.api_key, m.kind)
            && keys.insert((m.kind, k), &m.file).is_some()
        {
            return Err(Error::new(&m.file, "", ErrorKind::DuplicateApiKey(k)));
        }
    }
    for (&(kind, key), file) in &keys {
        let other = match kind {
            MessageKind::Request => MessageKind::Response,
            MessageKind::Response => MessageKind::Request,
            _ => continue,
        };
        if !keys.contains_key(&(other, key)) {
            return Err(Error::new(file, "", ErrorKind::UnpairedApiKey(key)));
        }
    }
    let _ = label;
    Ok(())
}

/// Loads the schema root (`manifest.json`, the current folder and the kept
/// history) and merges it.
pub fn load_schema_set(root: &Path) -> Result<SchemaSet, Error> {
    let manifest = read_manifest(root)?;
    let current = load_release(
        &root.join(&manifest.current),
        &manifest.current,
        &manifest.release,
    )?;
    let mut history = Vec::new();
    for h in &manifest.history {
        history.push((
            h.release.clone(),
            load_release(&root.join(&h.dir), &h.dir, &h.release)?,
        ));
    }
    let messages = merge::merge(current, &history)?;
    check_registry("merged", &messages)?;
    Ok(SchemaSet { manifest, messages })
}

/// What a generation run produced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    /// `(api key, request name, versions, flexible from, unstable)` per API.
    pub apis: Vec<(i16, String, String, String, bool)>,
    /// Number of generated messages (requests, responses, headers, data).
    pub messages: usize,
    /// Number of generated structs, nested ones included.
    pub structs: usize,
    /// (message, version) pairs covered.
    pub message_versions: usize,
    /// Files written.
    pub files: Vec<PathBuf>,
}

/// Generates the codec from the schema root into `out_dir`, for mounting at
/// `crate::messages`.
pub fn generate(root: &Path, out_dir: &Path) -> Result<Report, Error> {
    let set = load_schema_set(root)?;
    write_files(&set, out_dir, "crate::messages", "")
}

/// Generates code for a plain folder of schemas (no manifest, no history),
/// such as test schemas: the files go to `out_dir/<sub>/`, for mounting at
/// `module_path`. The API table (`api_keys.rs`) is written but is only
/// meaningful for a full release.
pub fn generate_dir(
    dir: &Path,
    out_dir: &Path,
    sub: &str,
    module_path: &str,
) -> Result<Report, Error> {
    let messages = load_release(dir, sub, "test")?;
    let set = SchemaSet {
        manifest: Manifest {
            release: "test".into(),
            commit: String::new(),
            source: dir.display().to_string(),
            current: sub.into(),
            history: Vec::new(),
            digest: String::new(),
            jar: None,
        },
        messages,
    };
    write_files(&set, &out_dir.join(sub), module_path, &format!("{sub}/"))
}

fn write_files(
    set: &SchemaSet,
    out_dir: &Path,
    module_path: &str,
    include_dir: &str,
) -> Result<Report, Error> {
    let files = emit::render(set, module_path, include_dir)?;
    std::fs::create_dir_all(out_dir).map_err(|e| {
        Error::new(
            &out_dir.display().to_string(),
            "",
            ErrorKind::Io(e.to_string()),
        )
    })?;
    let mut written = Vec::new();
    for (name, text) in files {
        let path = out_dir.join(&name);
        // Leave unchanged files alone so their timestamps do not trigger rebuilds.
        if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            std::fs::write(&path, text)
                .map_err(|e| Error::new(&name, "", ErrorKind::Io(e.to_string())))?;
        }
        written.push(path);
    }
    Ok(report(set, written))
}

fn report(set: &SchemaSet, files: Vec<PathBuf>) -> Report {
    let mut apis = Vec::new();
    for m in &set.messages {
        if m.kind == MessageKind::Request
            && let Some(k) = m.api_key
        {
            apis.push((
                k,
                m.name.trim_end_matches("Request").to_string(),
                m.valid.to_string(),
                m.flexible
                    .lowest()
                    .map_or("none".to_string(), |v| format!("{v}+")),
                m.latest_unstable,
            ));
        }
    }
    apis.sort();
    Report {
        apis,
        messages: set.messages.len(),
        structs: set.messages.iter().map(|m| m.structs.len()).sum(),
        message_versions: set.messages.iter().map(|m| m.valid.iter().count()).sum(),
        files,
    }
}
