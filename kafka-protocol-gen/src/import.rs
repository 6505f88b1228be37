//! Importing a new Kafka release into a schema root (`schemas/`), for
//! `cargo xtask regen --from`.
//!
//! An import is planned in full before anything in the schema root changes:
//! [`plan`] reads the root, checks the new files (unknown keys, wire shape of
//! versions earlier releases defined), builds the complete new tree in a
//! staging folder, loads and renders it, and verifies that no
//! `(message, version)` pair supported before is lost. Only then does
//! [`apply`] copy the staged tree over the root.
//!
//! History: the previous current release becomes `history/<release>/` (all its
//! files, byte for byte, so a history folder is always a real release) when it
//! defines a version or an API the new release does not; otherwise it is
//! dropped. Older history folders are kept while they contribute a version no
//! newer folder (or the current release) has, and dropped when they no longer
//! do. Re-importing the recorded release is the identity, which is what
//! `regen --check` verifies.

use crate::changelog::{self, Change, WireChange};
use crate::error::{Error, ErrorKind};
use crate::model::Message;
use crate::spec::UnknownKey;
use crate::{
    HistoryEntry, JarSource, Manifest, check_registry, load_message, load_release, read_manifest,
};
use std::fmt;
use std::path::{Path, PathBuf};

/// One file of a release: its file name and bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceFile {
    /// The file name (no folder).
    pub name: String,
    /// The contents, unchanged.
    pub bytes: Vec<u8>,
}

/// What the caller asks for.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// The release name (`4.3.1`); names the history folder later.
    pub release: String,
    /// The Apache Kafka commit, empty when unknown.
    pub commit: String,
    /// Proceed even though versions earlier releases defined change shape.
    pub allow_wire_change: bool,
    /// The jar the files were read from, recorded in the manifest (a
    /// re-import of the recorded release without one keeps the recorded jar).
    pub jar: Option<JarSource>,
}

/// Why an import was refused.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum ImportError {
    /// A file or folder could not be read or written.
    Io {
        /// The path.
        path: String,
        /// The error.
        message: String,
    },
    /// The new files hold no `*.json` schema.
    NoSchemas,
    /// A schema is not UTF-8.
    NotUtf8(String),
    /// Schema keys the generator does not know: `(file, key)`.
    UnknownKeys(Vec<(String, UnknownKey)>),
    /// Versions earlier releases defined would change their wire shape.
    WireChanges(Vec<WireChange>),
    /// `--allow-wire-change` cannot help: a kept history folder defines the
    /// changed message and versions the new release lacks, so both shapes
    /// would have to stay.
    WireChangeInHistory {
        /// The history folder.
        dir: String,
        /// The message.
        message: String,
    },
    /// `(message, version)` pairs supported before that the result lacks.
    LostVersions(Vec<(String, i16)>),
    /// The generator rejected the new files or the merged result.
    Generator(Error),
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImportError::Io { path, message } => write!(f, "{path}: {message}"),
            ImportError::NoSchemas => f.write_str("no *.json schema files in the source"),
            ImportError::NotUtf8(file) => write!(f, "{file}: not UTF-8"),
            ImportError::UnknownKeys(keys) => {
                writeln!(
                    f,
                    "{} schema key(s) the generator does not know (a newer Kafka may have added them; \
                     teach kafkawire-gen's spec and model their meaning before importing):",
                    keys.len()
                )?;
                for (file, k) in keys {
                    let at = if k.path.is_empty() {
                        "top level"
                    } else {
                        &k.path
                    };
                    writeln!(f, "  {file}: {at}: \"{}\": {}", k.key, k.value)?;
                }
                Ok(())
            }
            ImportError::WireChanges(list) => {
                writeln!(
                    f,
                    "the import changes the wire shape of {} version(s) an earlier release already \
                     defined (Kafka's rules: existing versions keep their fields and types); \
                     nothing was changed. Pass --allow-wire-change to import anyway:",
                    list.len()
                )?;
                for w in list {
                    writeln!(f, "  {} v{}: {}", w.message, w.version, w.detail)?;
                }
                Ok(())
            }
            ImportError::WireChangeInHistory { dir, message } => write!(
                f,
                "{dir} defines {message} with versions the new release lacks, and the import \
                 changes the shape of versions it shares with it: the merged codec cannot keep both"
            ),
            ImportError::LostVersions(list) => {
                writeln!(
                    f,
                    "the import would lose {} supported version(s):",
                    list.len()
                )?;
                for (m, v) in list {
                    writeln!(f, "  {m} v{v}")?;
                }
                Ok(())
            }
            ImportError::Generator(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for ImportError {}

impl From<Error> for ImportError {
    fn from(e: Error) -> Self {
        ImportError::Generator(e)
    }
}

fn io(path: &Path, e: std::io::Error) -> ImportError {
    ImportError::Io {
        path: path.display().to_string(),
        message: e.to_string(),
    }
}

/// A digest of a release folder's files, names and bytes, in name order
/// (64-bit FNV-1a, `fnv1a64:` and 16 hex digits): not a security measure, a
/// way for `regen --check` to notice a hand-edited schema.
pub fn digest(files: &[SourceFile]) -> String {
    let mut sorted: Vec<&SourceFile> = files.iter().collect();
    sorted.sort_by(|a, b| a.name.cmp(&b.name));
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |bytes: &[u8]| {
        for &b in bytes {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    };
    for f in sorted {
        eat(f.name.as_bytes());
        eat(&[0]);
        eat(&(f.bytes.len() as u64).to_le_bytes());
        eat(&f.bytes);
    }
    format!("fnv1a64:{h:016x}")
}

/// A planned import: the complete new tree sits in `staging`.
#[derive(Clone, Debug)]
pub struct Plan {
    /// The manifest before.
    pub old_manifest: Manifest,
    /// The manifest after.
    pub manifest: Manifest,
    /// The staging folder holding the new tree.
    pub staging: PathBuf,
    /// History folders added.
    pub history_added: Vec<HistoryEntry>,
    /// History folders dropped (they contribute nothing any more).
    pub history_dropped: Vec<HistoryEntry>,
    /// The protocol changes, previous current release to the new one.
    pub changes: Vec<Change>,
    /// Wire changes let through by `allow_wire_change`.
    pub wire_changes: Vec<WireChange>,
    /// `(message, version)` pairs before and after.
    pub pairs_before: usize,
    /// After.
    pub pairs_after: usize,
    /// The merged messages after the import.
    pub merged: Vec<Message>,
}

impl Plan {
    /// The changelog section for this import, in Markdown.
    pub fn changelog(&self) -> String {
        let mut out = changelog::render_markdown(
            &self.old_manifest.release,
            &self.manifest.release,
            &self.manifest.commit,
            &self.changes,
        );
        if !self.history_added.is_empty() || !self.history_dropped.is_empty() {
            out.push_str("### History\n\n");
            for h in &self.history_added {
                out.push_str(&format!("- kept `{}`: {}\n", h.dir, h.why));
            }
            for h in &self.history_dropped {
                out.push_str(&format!(
                    "- dropped `{}`: every version it defined is in a newer release\n",
                    h.dir
                ));
            }
            out.push('\n');
        }
        out.push_str(&changelog::render_code_changes(&self.changes));
        out
    }
}

/// Loads a release from files in memory (as [`load_release`] does from disk).
pub fn load_files(
    label: &str,
    release: &str,
    files: &[SourceFile],
) -> Result<Vec<Message>, ImportError> {
    let mut unknown = Vec::new();
    let mut messages = Vec::new();
    for f in files.iter().filter(|f| f.name.ends_with(".json")) {
        let file = format!("{label}/{}", f.name);
        let text = std::str::from_utf8(&f.bytes).map_err(|_| ImportError::NotUtf8(file.clone()))?;
        match crate::spec::unknown_keys(text) {
            Ok(keys) => unknown.extend(keys.into_iter().map(|k| (file.clone(), k))),
            Err(e) => {
                return Err(ImportError::Generator(Error::new(
                    &file,
                    "",
                    ErrorKind::Syntax(e),
                )));
            }
        }
        if unknown.is_empty() {
            messages.push(load_message(&file, release, text)?);
        }
    }
    if !unknown.is_empty() {
        return Err(ImportError::UnknownKeys(unknown));
    }
    if messages.is_empty() {
        return Err(ImportError::NoSchemas);
    }
    check_registry(label, &messages)?;
    crate::propagate_unstable(&mut messages);
    Ok(messages)
}

/// The files of a folder (not recursive), sorted by name.
pub fn read_dir_files(dir: &Path) -> Result<Vec<SourceFile>, ImportError> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(|e| io(dir, e))? {
        let p = entry.map_err(|e| io(dir, e))?.path();
        if p.is_file() {
            out.push(SourceFile {
                name: p
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                bytes: std::fs::read(&p).map_err(|e| io(&p, e))?,
            });
        }
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

fn write_files(dir: &Path, files: &[SourceFile]) -> Result<(), ImportError> {
    std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
    for f in files {
        let p = dir.join(&f.name);
        std::fs::write(&p, &f.bytes).map_err(|e| io(&p, e))?;
    }
    Ok(())
}

fn manifest_text(m: &Manifest) -> String {
    let mut s = serde_json::to_string_pretty(m).unwrap_or_default();
    s.push('\n');
    s
}

/// A history candidate: its entry, files and loaded messages.
struct Candidate {
    entry: HistoryEntry,
    files: Vec<SourceFile>,
    messages: Vec<Message>,
}

fn merged_pairs(
    current: &[Message],
    history: &[&Candidate],
) -> Result<Vec<(String, i16)>, ImportError> {
    let hist: Vec<(String, Vec<Message>)> = history
        .iter()
        .map(|c| (c.entry.release.clone(), c.messages.clone()))
        .collect();
    let merged = crate::merge::merge(current.to_vec(), &hist)?;
    Ok(changelog::pairs(&merged))
}

/// Plans importing `files` as release `opts.release` into the schema root
/// `root`, building the new tree in `staging` (emptied first). Nothing under
/// `root` is written.
pub fn plan(
    root: &Path,
    files: Vec<SourceFile>,
    opts: &Options,
    staging: &Path,
) -> Result<Plan, ImportError> {
    let old_manifest = read_manifest(root)?;
    let old_set = crate::load_schema_set(root)?;
    let old_current = load_release(
        &root.join(&old_manifest.current),
        &old_manifest.current,
        &old_manifest.release,
    )?;
    let new_msgs = load_files(&old_manifest.current, &opts.release, &files)?;
    let wire = changelog::wire_changes(&old_set.messages, &new_msgs);
    if !wire.is_empty() && !opts.allow_wire_change {
        return Err(ImportError::WireChanges(wire));
    }
    let changes = changelog::diff(&old_current, &new_msgs);
    let same_release = opts.release == old_manifest.release;

    // History candidates, newest first.
    let mut candidates = Vec::new();
    if !same_release {
        let dir = format!("history/{}", opts_dir_name(&old_manifest.release));
        let cur_files = read_dir_files(&root.join(&old_manifest.current))?;
        let messages = load_release(
            &root.join(&old_manifest.current),
            &dir,
            &old_manifest.release,
        )?;
        candidates.push(Candidate {
            entry: HistoryEntry {
                release: old_manifest.release.clone(),
                commit: old_manifest.commit.clone(),
                dir,
                why: String::new(),
                digest: digest(&cur_files),
            },
            files: cur_files,
            messages,
        });
    }
    for h in &old_manifest.history {
        if candidates.iter().any(|c| c.entry.dir == h.dir) {
            continue;
        }
        let messages = load_release(&root.join(&h.dir), &h.dir, &h.release)?;
        let files = read_dir_files(&root.join(&h.dir))?;
        let mut entry = h.clone();
        if entry.digest.is_empty() {
            entry.digest = digest(&files);
        }
        candidates.push(Candidate {
            entry,
            files,
            messages,
        });
    }
    if !wire.is_empty() {
        drop_overridden(&mut candidates, &new_msgs, &wire)?;
    }
    // Drop, oldest first, every candidate the others make redundant.
    let mut keep = vec![true; candidates.len()];
    for i in (0..candidates.len()).rev() {
        let with: Vec<&Candidate> = candidates
            .iter()
            .enumerate()
            .filter(|(j, _)| keep[*j])
            .map(|(_, c)| c)
            .collect();
        let without: Vec<&Candidate> = candidates
            .iter()
            .enumerate()
            .filter(|(j, _)| keep[*j] && *j != i)
            .map(|(_, c)| c)
            .collect();
        if merged_pairs(&new_msgs, &with)? == merged_pairs(&new_msgs, &without)? {
            keep[i] = false;
        }
    }
    let mut history_added = Vec::new();
    let mut history_dropped = Vec::new();
    let mut history = Vec::new();
    let mut kept: Vec<&Candidate> = Vec::new();
    for (i, c) in candidates.iter().enumerate() {
        let is_new = !same_release && i == 0;
        if keep[i] {
            let mut entry = c.entry.clone();
            if is_new {
                entry.why = why(&new_msgs, &c.messages, &opts.release);
                history_added.push(entry.clone());
            }
            history.push(entry);
            kept.push(c);
        } else if !is_new {
            history_dropped.push(c.entry.clone());
        }
    }
    let manifest = Manifest {
        release: opts.release.clone(),
        commit: if opts.commit.is_empty() && same_release {
            old_manifest.commit.clone()
        } else {
            opts.commit.clone()
        },
        source: old_manifest.source.clone(),
        current: old_manifest.current.clone(),
        history,
        digest: digest(&files),
        jar: match &opts.jar {
            Some(j) => Some(j.clone()),
            // The recorded jar still describes the files only if they are the same.
            None if same_release && digest(&files) == old_manifest.digest => {
                old_manifest.jar.clone()
            }
            None => None,
        },
    };

    // Stage the complete tree, then load it exactly as the build will.
    if staging.exists() {
        std::fs::remove_dir_all(staging).map_err(|e| io(staging, e))?;
    }
    write_files(&staging.join(&manifest.current), &files)?;
    for c in &kept {
        write_files(&staging.join(&c.entry.dir), &c.files)?;
    }
    let mpath = staging.join("manifest.json");
    std::fs::write(&mpath, manifest_text(&manifest)).map_err(|e| io(&mpath, e))?;
    let new_set = crate::load_schema_set(staging)?;
    crate::emit::render(&new_set, "crate::messages", "")?;

    let before = changelog::pairs(&old_set.messages);
    let after = changelog::pairs(&new_set.messages);
    let lost: Vec<(String, i16)> = before
        .iter()
        .filter(|p| after.binary_search(p).is_err())
        .cloned()
        .collect();
    if !lost.is_empty() {
        return Err(ImportError::LostVersions(lost));
    }
    Ok(Plan {
        old_manifest,
        manifest,
        staging: staging.to_path_buf(),
        history_added,
        history_dropped,
        changes,
        wire_changes: wire,
        pairs_before: before.len(),
        pairs_after: after.len(),
        merged: new_set.messages,
    })
}

/// With `--allow-wire-change`: leaves out of the history candidates the files
/// of the messages whose shape the new release changes (both halves of an
/// API), so the merge takes the new shape. Refused when such a file also
/// contributes versions the new release lacks.
fn drop_overridden(
    candidates: &mut [Candidate],
    new: &[Message],
    wire: &[WireChange],
) -> Result<(), ImportError> {
    let changed: Vec<&Message> = new
        .iter()
        .filter(|m| wire.iter().any(|w| w.message == m.name))
        .collect();
    let key = |m: &Message| match m.api_key {
        Some(k)
            if m.kind == crate::MessageKind::Request || m.kind == crate::MessageKind::Response =>
        {
            format!("api {k}")
        }
        _ => changelog::message_id(m),
    };
    let keys: Vec<String> = changed.iter().map(|m| key(m)).collect();
    for c in candidates.iter_mut() {
        let mut drop_files = Vec::new();
        for m in c.messages.iter().filter(|m| keys.contains(&key(m))) {
            let id = changelog::message_id(m);
            let newer = new.iter().find(|n| changelog::message_id(n) == id);
            if newer.is_none_or(|n| !m.valid.subtract(&n.valid).is_empty()) {
                return Err(ImportError::WireChangeInHistory {
                    dir: c.entry.dir.clone(),
                    message: m.name.clone(),
                });
            }
            drop_files.push(m.file.rsplit('/').next().unwrap_or_default().to_string());
        }
        if !drop_files.is_empty() {
            c.files.retain(|f| !drop_files.contains(&f.name));
            c.messages.retain(|m| !keys.contains(&key(m)));
            c.entry.digest = digest(&c.files);
        }
    }
    Ok(())
}

/// A release name as a folder name: anything but `[A-Za-z0-9._-]` becomes `_`.
fn opts_dir_name(release: &str) -> String {
    release
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// Why a release is kept in history: what it defines that `new` does not.
fn why(new: &[Message], old: &[Message], new_release: &str) -> String {
    let mut parts = Vec::new();
    for o in old
        .iter()
        .filter(|m| m.kind == crate::MessageKind::Request || m.api_key.is_none())
    {
        let id = changelog::message_id(o);
        match new.iter().find(|n| changelog::message_id(n) == id) {
            None => parts.push(format!("{} (all of {})", o.name, o.valid)),
            Some(n) => {
                let lost = o.valid.subtract(&n.valid);
                if !lost.is_empty() {
                    parts.push(format!("{} {lost}", o.name));
                }
            }
        }
    }
    format!(
        "defines what Kafka {new_release} no longer does: {}",
        if parts.is_empty() {
            "nothing (kept for reference)".to_string()
        } else {
            parts.join(", ")
        }
    )
}

/// Copies a planned import over the schema root: the current folder is
/// replaced, new history folders are added, dropped ones removed, the manifest
/// rewritten and the changelog section appended to `CHANGELOG.md`.
pub fn apply(root: &Path, plan: &Plan) -> Result<(), ImportError> {
    replace_dir(
        &plan.staging.join(&plan.manifest.current),
        &root.join(&plan.manifest.current),
    )?;
    // Every kept folder: an existing one changes only when
    // `--allow-wire-change` left files out of it.
    for h in &plan.manifest.history {
        replace_dir(&plan.staging.join(&h.dir), &root.join(&h.dir))?;
    }
    for h in &plan.history_dropped {
        let d = root.join(&h.dir);
        if d.exists() {
            std::fs::remove_dir_all(&d).map_err(|e| io(&d, e))?;
        }
    }
    let mpath = root.join("manifest.json");
    std::fs::write(&mpath, manifest_text(&plan.manifest)).map_err(|e| io(&mpath, e))?;
    if plan.manifest.release != plan.old_manifest.release {
        let cpath = root.join("CHANGELOG.md");
        let mut text =
            std::fs::read_to_string(&cpath).unwrap_or_else(|_| CHANGELOG_HEADER.to_string());
        if !text.ends_with('\n') {
            text.push('\n');
        }
        text.push('\n');
        text.push_str(&plan.changelog());
        let text = text.trim_end().to_string() + "\n";
        std::fs::write(&cpath, text).map_err(|e| io(&cpath, e))?;
    }
    Ok(())
}

/// The first lines of a new `CHANGELOG.md`.
pub const CHANGELOG_HEADER: &str = "# Protocol changelog\n\nOne section per `cargo xtask regen --from` import, oldest first: what the new \
Kafka release changes in the protocol and what that means for code using `kafkawire`.\n";

fn replace_dir(from: &Path, to: &Path) -> Result<(), ImportError> {
    let files = read_dir_files(from)?;
    if to.exists() {
        for old in read_dir_files(to)? {
            if !files.iter().any(|f| f.name == old.name) {
                let p = to.join(&old.name);
                std::fs::remove_file(&p).map_err(|e| io(&p, e))?;
            }
        }
    }
    std::fs::create_dir_all(to).map_err(|e| io(to, e))?;
    for f in &files {
        let p = to.join(&f.name);
        if std::fs::read(&p).ok().as_deref() != Some(f.bytes.as_slice()) {
            std::fs::write(&p, &f.bytes).map_err(|e| io(&p, e))?;
        }
    }
    Ok(())
}

/// Compares the schema root with a staged tree: the differences as text
/// (empty when the root is exactly what the staged import would produce).
pub fn compare(root: &Path, plan: &Plan) -> Result<Vec<String>, ImportError> {
    let mut out = Vec::new();
    if plan.old_manifest.digest != plan.manifest.digest {
        out.push(format!(
            "{}: files are not the imported release (digest {}, manifest {:?})",
            plan.manifest.current, plan.manifest.digest, plan.old_manifest.digest
        ));
    }
    let old = std::fs::read_to_string(root.join("manifest.json"))
        .map_err(|e| io(&root.join("manifest.json"), e))?;
    if old != manifest_text(&plan.manifest) {
        out.push(format!(
            "manifest.json differs from what a regen writes:\n{}",
            manifest_text(&plan.manifest)
        ));
    }
    let mut dirs = vec![plan.manifest.current.clone()];
    dirs.extend(plan.manifest.history.iter().map(|h| h.dir.clone()));
    for d in &dirs {
        let want = read_dir_files(&plan.staging.join(d))?;
        let have = read_dir_files(&root.join(d))?;
        for w in &want {
            match have.iter().find(|h| h.name == w.name) {
                None => out.push(format!("{d}/{} missing", w.name)),
                Some(h) if h.bytes != w.bytes => out.push(format!("{d}/{} differs", w.name)),
                Some(_) => {}
            }
        }
        for h in &have {
            if !want.iter().any(|w| w.name == h.name) {
                out.push(format!("{d}/{} is extra", h.name));
            }
        }
    }
    for h in &plan.manifest.history {
        let have = digest(&read_dir_files(&root.join(&h.dir))?);
        if have != h.digest {
            out.push(format!(
                "{}: files changed since the import (digest {have}, manifest {})",
                h.dir, h.digest
            ));
        }
    }
    for h in &plan.history_dropped {
        out.push(format!(
            "{} is in the manifest but contributes no version a newer release lacks",
            h.dir
        ));
    }
    // History folders on disk that the manifest does not list.
    let hist = root.join("history");
    if hist.is_dir() {
        for e in std::fs::read_dir(&hist).map_err(|e| io(&hist, e))? {
            let p = e.map_err(|e| io(&hist, e))?.path();
            let rel = format!(
                "history/{}",
                p.file_name()
                    .map(|n| n.to_string_lossy())
                    .unwrap_or_default()
            );
            if !dirs.contains(&rel) {
                out.push(format!("{rel} is not in the manifest"));
            }
        }
    }
    Ok(out)
}
