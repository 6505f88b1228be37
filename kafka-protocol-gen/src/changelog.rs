//! What changed in the protocol between two releases, for `cargo xtask regen`:
//! a user reads it to know what an upgrade means for their code. Also the
//! wire-compatibility check that refuses an import changing a version an
//! earlier release already defined.
//!
//! Messages are matched by identity, not by name: requests and responses by
//! API key (so a rename is a rename), every other schema by kind and name.
//! Fields are matched by their path of field names (`Topics.Partitions.Index`),
//! so a struct rename shows as a rename and not as a removal plus an addition.

use crate::model::{Field, Message, MessageKind, Type};
use crate::versions::VersionSet;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// The heading a change is listed under.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Section {
    /// A new API key.
    ApiAdded,
    /// Same API key, new name (the Rust module and type names change).
    ApiRenamed,
    /// An API the new release no longer defines (kept from history).
    ApiRemoved,
    /// A new header, data or metadata schema.
    SchemaAdded,
    /// A header, data or metadata schema the new release no longer defines.
    SchemaRemoved,
    /// New versions of an existing message.
    VersionsAdded,
    /// Versions the new release no longer defines (kept from history).
    VersionsRemoved,
    /// `latestVersionUnstable` switched on or off.
    UnstableFlip,
    /// A field added, or present in more versions.
    FieldAdded,
    /// A field removed, or present in fewer versions.
    FieldRemoved,
    /// A field that keeps its wire slot (position or tag) under a new name:
    /// its Rust field name changes.
    FieldRenamed,
    /// A field type changed (struct names aside).
    TypeChanged,
    /// A new tagged field, or a field tagged in more versions.
    TaggedFieldAdded,
    /// A struct renamed: its Rust type name changes.
    StructRenamed,
    /// Versions Kafka marks deprecated, or no longer deprecated.
    Deprecated,
    /// Flexible and nullable version changes.
    Other,
}

impl Section {
    /// The Markdown heading.
    pub fn title(self) -> &'static str {
        match self {
            Section::ApiAdded => "APIs added",
            Section::ApiRenamed => "APIs renamed",
            Section::ApiRemoved => "APIs removed (kept from history)",
            Section::SchemaAdded => "Other schemas added",
            Section::SchemaRemoved => "Other schemas removed (kept from history)",
            Section::VersionsAdded => "Versions added",
            Section::VersionsRemoved => "Versions removed (kept from history)",
            Section::UnstableFlip => "latestVersionUnstable flips",
            Section::FieldAdded => "Fields added",
            Section::FieldRemoved => "Fields removed",
            Section::FieldRenamed => "Fields renamed (Rust field names change)",
            Section::TypeChanged => "Type changes",
            Section::TaggedFieldAdded => "New tagged fields",
            Section::StructRenamed => "Struct renames (Rust type names change)",
            Section::Deprecated => "Deprecated versions (still encoded and decoded here)",
            Section::Other => "Other changes",
        }
    }
}

/// One changelog line.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Change {
    /// The heading.
    pub section: Section,
    /// The message (its name in the new release when it has one).
    pub message: String,
    /// What changed.
    pub detail: String,
    /// What code using `kafkawire` must change, when anything.
    pub code: Option<String>,
}

/// A stable identity for a message across releases.
pub fn message_id(m: &Message) -> String {
    match (m.kind, m.api_key) {
        (MessageKind::Request, Some(k)) => format!("request {k}"),
        (MessageKind::Response, Some(k)) => format!("response {k}"),
        (kind, _) => format!("{kind:?} {}", m.name),
    }
}

/// Every `(message id, version)` pair `messages` support.
pub fn pairs(messages: &[Message]) -> Vec<(String, i16)> {
    let mut out: Vec<(String, i16)> = messages
        .iter()
        .flat_map(|m| {
            let id = message_id(m);
            m.valid.iter().map(move |v| (id.clone(), v))
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

fn api_name(m: &Message) -> &str {
    m.name
        .strip_suffix("Request")
        .or_else(|| m.name.strip_suffix("Response"))
        .unwrap_or(&m.name)
}

/// What a field looks like, flattened out of its struct tree.
struct FieldInfo<'a> {
    field: &'a Field,
    /// The type with struct names left out.
    ty: String,
    /// The struct name, for struct and struct-array fields.
    struct_name: Option<String>,
}

fn type_text(ty: &Type) -> String {
    match ty {
        Type::Struct(_) => "struct".into(),
        Type::Array(inner) => format!("[]{}", type_text(inner)),
        other => other.kafka_name(&[]),
    }
}

fn struct_name(m: &Message, ty: &Type) -> Option<String> {
    match ty {
        Type::Struct(i) => m.structs.get(*i).map(|s| s.name.clone()),
        Type::Array(inner) => struct_name(m, inner),
        _ => None,
    }
}

fn walk<'a>(
    m: &'a Message,
    idx: usize,
    prefix: &str,
    depth: usize,
    out: &mut BTreeMap<String, FieldInfo<'a>>,
) {
    let Some(s) = m.structs.get(idx) else { return };
    if depth > 32 {
        return;
    }
    for f in &s.fields {
        let path = if prefix.is_empty() {
            f.name.clone()
        } else {
            format!("{prefix}.{}", f.name)
        };
        out.insert(
            path.clone(),
            FieldInfo {
                field: f,
                ty: type_text(&f.ty),
                struct_name: struct_name(m, &f.ty),
            },
        );
        if let Some(i) = crate::model::struct_of(&f.ty) {
            walk(m, i, &path, depth + 1, out);
        }
    }
}

fn fields(m: &Message) -> BTreeMap<String, FieldInfo<'_>> {
    let mut out = BTreeMap::new();
    walk(m, 0, "", 0, &mut out);
    out
}

/// The changes from `old` (one release's messages, not merged) to `new`.
pub fn diff(old: &[Message], new: &[Message]) -> Vec<Change> {
    let mut out = Vec::new();
    let old_by: BTreeMap<String, &Message> = old.iter().map(|m| (message_id(m), m)).collect();
    let new_by: BTreeMap<String, &Message> = new.iter().map(|m| (message_id(m), m)).collect();
    let mut push = |section, message: &str, detail: String, code: Option<String>| {
        out.push(Change {
            section,
            message: message.to_string(),
            detail,
            code,
        });
    };
    for (id, n) in &new_by {
        let Some(o) = old_by.get(id) else {
            match (n.kind, n.api_key) {
                (MessageKind::Request, Some(k)) => push(
                    Section::ApiAdded,
                    api_name(n),
                    format!(
                        "{} (key {k}), versions {}{}",
                        api_name(n),
                        n.valid,
                        if n.latest_unstable {
                            ", latest version unstable"
                        } else {
                            ""
                        }
                    ),
                    None,
                ),
                (MessageKind::Response, Some(_)) => {}
                _ => push(
                    Section::SchemaAdded,
                    &n.name,
                    format!("{} ({:?}), versions {}", n.name, n.kind, n.valid),
                    None,
                ),
            }
            continue;
        };
        if o.name != n.name {
            if n.kind == MessageKind::Request {
                push(
                    Section::ApiRenamed,
                    api_name(n),
                    format!(
                        "{} -> {} (key {}): Rust modules `{}`/`{}_response` -> `{}`/`{}_response`",
                        api_name(o),
                        api_name(n),
                        n.api_key.unwrap_or_default(),
                        o.module,
                        o.module.trim_end_matches("_request"),
                        n.module,
                        n.module.trim_end_matches("_request"),
                    ),
                    Some(format!(
                        "`{}Request`/`{}Response` are now `{}Request`/`{}Response` (modules `{}`, `{}_response`)",
                        api_name(o),
                        api_name(o),
                        api_name(n),
                        api_name(n),
                        n.module,
                        n.module.trim_end_matches("_request"),
                    )),
                );
            } else if n.kind != MessageKind::Response {
                push(
                    Section::ApiRenamed,
                    &n.name,
                    format!("{} -> {}", o.name, n.name),
                    Some(format!("`{}` is now `{}`", o.name, n.name)),
                );
            }
        }
        message_diff(o, n, &mut push);
    }
    for (id, o) in &old_by {
        if new_by.contains_key(id) {
            continue;
        }
        match (o.kind, o.api_key) {
            (MessageKind::Request, Some(k)) => push(
                Section::ApiRemoved,
                api_name(o),
                format!(
                    "{} (key {k}), versions {} stay available from history",
                    api_name(o),
                    o.valid
                ),
                None,
            ),
            (MessageKind::Response, Some(_)) => {}
            _ => push(
                Section::SchemaRemoved,
                &o.name,
                format!(
                    "{} ({:?}), versions {} stay available from history",
                    o.name, o.kind, o.valid
                ),
                None,
            ),
        }
    }
    out.sort();
    out
}

/// How a per-version property (field versions, tagged, nullable, flexible)
/// evolved, leaving out what merely follows the message's own versions: in the
/// versions both releases define it should be unchanged, and in the versions
/// the new release adds it should be as in the old latest version. Returns
/// `(versions where it is newly present, versions where it is newly absent)`.
fn evolve(
    o: &Message,
    n: &Message,
    old: &VersionSet,
    new: &VersionSet,
) -> (VersionSet, VersionSet) {
    let common = o.valid.intersect(&n.valid);
    let mut expected = old.intersect(&common);
    if let (Some(lo), Some(hi)) = (o.valid.lowest(), o.valid.highest()) {
        // A version added above the old range continues the old latest one; one
        // added below it (Kafka 4.0.1 brought JoinGroup v0-1 back) the oldest.
        for v in n.valid.subtract(&o.valid).iter() {
            let neighbour = if v > hi { hi } else { lo };
            if old.contains(neighbour) {
                expected = expected.union(&VersionSet::range(v, v));
            }
        }
    }
    let new = new.intersect(&n.valid);
    (new.subtract(&expected), expected.subtract(&new))
}

/// A field that kept its wire slot under another name.
struct Rename {
    /// The Rust type holding it (the new release's struct name).
    struct_name: String,
    old_ident: String,
    new_ident: String,
    /// Its type, struct names left out.
    ty: String,
    /// The versions both releases define in which the slot is renamed.
    versions: VersionSet,
}

/// The fields that keep their wire slot (the same position among a version's
/// untagged fields, or the same tag) in versions both releases define, under
/// a new name, keyed by `(old path, new path)`. Kafka renames fields freely:
/// the wire does not carry names, the generated code does.
fn renames(o: &Message, n: &Message) -> BTreeMap<(String, String), Rename> {
    let mut out = BTreeMap::new();
    for v in o.valid.intersect(&n.valid).iter() {
        rename_walk(o, 0, "", n, 0, "", v, 0, &mut out);
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn rename_walk(
    o: &Message,
    oi: usize,
    opath: &str,
    n: &Message,
    ni: usize,
    npath: &str,
    v: i16,
    depth: usize,
    out: &mut BTreeMap<(String, String), Rename>,
) {
    let (Some(os), Some(ns)) = (o.structs.get(oi), n.structs.get(ni)) else {
        return;
    };
    if depth > 32 {
        return;
    }
    let of: Vec<&Field> = os
        .fields
        .iter()
        .filter(|f| f.mandatory().contains(v))
        .collect();
    let nf: Vec<&Field> = ns
        .fields
        .iter()
        .filter(|f| f.mandatory().contains(v))
        .collect();
    let mut pairs: Vec<(&Field, &Field)> = Vec::new();
    if of.len() == nf.len() {
        pairs.extend(
            of.iter()
                .zip(&nf)
                .filter(|(a, b)| type_text(&a.ty) == type_text(&b.ty))
                .map(|(a, b)| (*a, *b)),
        );
    }
    if o.flexible.contains(v) && n.flexible.contains(v) {
        for a in os.fields.iter().filter(|f| f.tagged.contains(v)) {
            if let Some(b) = ns
                .fields
                .iter()
                .find(|f| f.tagged.contains(v) && f.tag == a.tag)
                && type_text(&a.ty) == type_text(&b.ty)
            {
                pairs.push((a, b));
            }
        }
    }
    for (a, b) in pairs {
        let (op, np) = (join(opath, &a.name), join(npath, &b.name));
        if a.name != b.name {
            let e = out
                .entry((op.clone(), np.clone()))
                .or_insert_with(|| Rename {
                    struct_name: ns.name.clone(),
                    old_ident: a.ident.clone(),
                    new_ident: b.ident.clone(),
                    ty: type_text(&b.ty),
                    versions: VersionSet::none(),
                });
            e.versions = e.versions.union(&VersionSet::range(v, v));
        }
        if let (Some(x), Some(y)) = (
            crate::model::struct_of(&a.ty),
            crate::model::struct_of(&b.ty),
        ) {
            rename_walk(o, x, &op, n, y, &np, v, depth + 1, out);
        }
    }
}

type Push<'a> = dyn FnMut(Section, &str, String, Option<String>) + 'a;

fn message_diff(o: &Message, n: &Message, push: &mut Push<'_>) {
    let name = n.name.as_str();
    let added = n.valid.subtract(&o.valid);
    if !added.is_empty() {
        push(
            Section::VersionsAdded,
            name,
            format!("{name}: {added} (now {})", n.valid),
            None,
        );
    }
    let removed = o.valid.subtract(&n.valid);
    if !removed.is_empty() {
        push(
            Section::VersionsRemoved,
            name,
            format!(
                "{name}: {removed} (now {}; the removed ones stay from history)",
                n.valid
            ),
            None,
        );
    }
    if o.latest_unstable != n.latest_unstable {
        let detail = if n.latest_unstable {
            format!(
                "{name}: latest version {} is now unstable",
                n.valid.highest().unwrap_or_default()
            )
        } else {
            format!(
                "{name}: latest version {} was unstable, now stable (latest {})",
                o.valid.highest().unwrap_or_default(),
                n.valid.highest().unwrap_or_default()
            )
        };
        push(Section::UnstableFlip, name, detail, None);
    }
    let (flex_extra, flex_missing) = evolve(o, n, &o.flexible, &n.flexible);
    if !flex_extra.is_empty() || !flex_missing.is_empty() {
        push(
            Section::Other,
            name,
            format!("{name}: flexibleVersions {} -> {}", o.flexible, n.flexible),
            None,
        );
    }
    let (dep_extra, dep_missing) = evolve(o, n, &o.deprecated, &n.deprecated);
    if !dep_extra.is_empty() || !dep_missing.is_empty() {
        let what = match (dep_extra.is_empty(), dep_missing.is_empty()) {
            (false, true) => format!("{dep_extra} now deprecated"),
            (true, false) => format!("{dep_missing} no longer deprecated"),
            _ => format!("{dep_extra} now deprecated, {dep_missing} no longer"),
        };
        push(
            Section::Deprecated,
            name,
            format!(
                "{name}: {what} (deprecatedVersions {} -> {})",
                o.deprecated, n.deprecated
            ),
            None,
        );
    }
    let of = fields(o);
    let nf = fields(n);
    let renamed = renames(o, n);
    // A rename whose old name is gone: the new path (and its subfields) read
    // the old one's history.
    let full: Vec<(&str, &str)> = renamed
        .keys()
        .filter(|(op, _)| !nf.contains_key(op))
        .map(|(op, np)| (op.as_str(), np.as_str()))
        .collect();
    let old_path_of = |path: &str| -> String {
        for (op, np) in &full {
            if path == *np {
                return op.to_string();
            }
            if let Some(rest) = path.strip_prefix(np).and_then(|r| r.strip_prefix('.')) {
                return format!("{op}.{rest}");
            }
        }
        path.to_string()
    };
    let new_path_of = |path: &str| -> Option<String> {
        for (op, np) in &full {
            if path == *op {
                return Some(np.to_string());
            }
            if let Some(rest) = path.strip_prefix(op).and_then(|r| r.strip_prefix('.')) {
                return Some(format!("{np}.{rest}"));
            }
        }
        None
    };
    for ((op, np), r) in &renamed {
        let still = if nf.contains_key(op) {
            format!(
                "; {} remains, in versions {}",
                op.rsplit('.').next().unwrap_or(op),
                nf.get(op)
                    .map(|f| f.field.versions.to_string())
                    .unwrap_or_default()
            )
        } else {
            String::new()
        };
        push(
            Section::FieldRenamed,
            name,
            format!(
                "{name}.{op} -> {}: {} in versions {} keeps its wire slot{still}",
                np.rsplit('.').next().unwrap_or(np),
                r.ty,
                r.versions
            ),
            Some(format!(
                "`{}::{}` -> `{}` ({name} versions {})",
                r.struct_name, r.old_ident, r.new_ident, r.versions
            )),
        );
    }
    for (path, nfi) in &nf {
        let f = nfi.field;
        let old_path = old_path_of(path);
        let Some(ofi) = of.get(&old_path) else {
            if renamed.keys().any(|(_, np)| np == path) {
                // Listed as a rename; nothing else to say unless it is also
                // in versions the old release did not define it in, which
                // the versions-added line covers.
                continue;
            }
            if f.mandatory().is_empty() && !f.tagged.is_empty() {
                push(
                    Section::TaggedFieldAdded,
                    name,
                    format!(
                        "{name}.{path}: {} tag {} in versions {}",
                        nfi.ty,
                        f.tag.unwrap_or_default(),
                        f.tagged
                    ),
                    None,
                );
            } else {
                // A new struct's fields are listed with it, not one by one.
                if let Some((parent, _)) = path.rsplit_once('.')
                    && nf.contains_key(parent)
                    && !of.contains_key(&old_path_of(parent))
                {
                    continue;
                }
                push(
                    Section::FieldAdded,
                    name,
                    format!(
                        "{name}.{path}: {} in versions {}{}",
                        added_type(n, nfi),
                        f.versions,
                        if f.nullable.intersect(&f.versions).is_empty() {
                            String::new()
                        } else {
                            format!(", nullable in {}", f.nullable.intersect(&f.versions))
                        }
                    ),
                    None,
                );
            }
            continue;
        };
        let g = ofi.field;
        let (extra, missing) = evolve(o, n, &g.versions, &f.versions);
        let (tag_extra, _) = evolve(o, n, &g.tagged, &f.tagged);
        if !tag_extra.is_empty() {
            push(
                Section::TaggedFieldAdded,
                name,
                format!(
                    "{name}.{path}: {} tag {} now tagged in {tag_extra} (taggedVersions {} -> {})",
                    nfi.ty,
                    f.tag.unwrap_or_default(),
                    g.tagged,
                    f.tagged
                ),
                None,
            );
        } else if !extra.is_empty() {
            push(
                Section::FieldAdded,
                name,
                format!(
                    "{name}.{path}: added to versions {extra} (versions {} -> {})",
                    g.versions, f.versions
                ),
                None,
            );
        }
        // Versions where the slot went to a renamed field are listed there.
        let moved = renamed
            .iter()
            .filter(|((op, _), _)| *op == old_path)
            .fold(VersionSet::none(), |acc, (_, r)| acc.union(&r.versions));
        let missing = missing.subtract(&moved);
        if !missing.is_empty() {
            let detail = if g.versions == f.versions {
                // The field stops where it stopped: the new versions lack it.
                format!(
                    "{name}.{path}: not in the new versions {missing} (still in versions {})",
                    f.versions
                )
            } else {
                format!(
                    "{name}.{path}: removed from versions {missing} (versions {} -> {})",
                    g.versions, f.versions
                )
            };
            push(Section::FieldRemoved, name, detail, None);
        }
        if ofi.ty != nfi.ty {
            let owner = struct_owner(n, path);
            push(
                Section::TypeChanged,
                name,
                format!("{name}.{path}: {} -> {}", ofi.ty, nfi.ty),
                Some(format!(
                    "`{owner}::{}` is now {} (was {}), so its Rust type changes",
                    f.ident, nfi.ty, ofi.ty
                )),
            );
        }
        if let (Some(a), Some(b)) = (&ofi.struct_name, &nfi.struct_name)
            && a != b
        {
            push(
                Section::StructRenamed,
                name,
                format!(
                    "{name}.{path}: struct {a} -> {b} (Rust type `{}::{a}` -> `{}::{b}`)",
                    o.module, n.module
                ),
                Some(format!("`{}::{a}` is now `{}::{b}`", o.module, n.module)),
            );
        }
        let (null_extra, null_missing) = evolve(o, n, &g.nullable, &f.nullable);
        if !null_extra.is_empty() || !null_missing.is_empty() {
            push(
                Section::Other,
                name,
                format!(
                    "{name}.{path}: nullableVersions {} -> {}",
                    g.nullable, f.nullable
                ),
                None,
            );
        }
    }
    for (path, ofi) in &of {
        if nf.contains_key(path) || new_path_of(path).is_some_and(|p| nf.contains_key(&p)) {
            continue;
        }
        let owner = struct_owner(o, path);
        push(
            Section::FieldRemoved,
            name,
            format!(
                "{name}.{path}: {} (was versions {}) no longer in the schema",
                ofi.ty, ofi.field.versions
            ),
            Some(format!(
                "`{owner}::{}` goes away unless a kept history release still defines it",
                ofi.field.ident
            )),
        );
    }
}

/// A new field's type for the changelog: a struct with its name and fields.
fn added_type(m: &Message, fi: &FieldInfo<'_>) -> String {
    match (crate::model::struct_of(&fi.field.ty), &fi.struct_name) {
        (Some(i), Some(sname)) => {
            let fields: Vec<&str> = m
                .structs
                .get(i)
                .map(|s| s.fields.iter().map(|f| f.name.as_str()).collect())
                .unwrap_or_default();
            let outer = fi.ty.trim_end_matches("struct");
            format!("{outer}{sname} (struct: {})", fields.join(", "))
        }
        _ => fi.ty.clone(),
    }
}

/// The Rust type holding the field at `path` (`Topics.Partitions.Index`).
fn struct_owner(m: &Message, path: &str) -> String {
    let mut idx = 0;
    let mut parts: Vec<&str> = path.split('.').collect();
    parts.pop();
    for p in parts {
        let next = m
            .structs
            .get(idx)
            .and_then(|s| s.fields.iter().find(|f| f.name == p))
            .and_then(|f| crate::model::struct_of(&f.ty));
        match next {
            Some(i) => idx = i,
            None => break,
        }
    }
    m.structs
        .get(idx)
        .map_or_else(|| m.name.clone(), |s| s.name.clone())
}

/// Renders one changelog section in Markdown (without
/// [`render_code_changes`], which the import appends after its history notes).
pub fn render_markdown(from: &str, to: &str, commit: &str, changes: &[Change]) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "## Kafka {from} -> {to}");
    out.push('\n');
    if !commit.is_empty() {
        let _ = writeln!(out, "Imported from Apache Kafka commit `{commit}`.");
        out.push('\n');
    }
    if changes.is_empty() {
        out.push_str("No protocol changes.\n\n");
        return out;
    }
    let mut current = None;
    let removals = [
        Section::ApiRemoved,
        Section::SchemaRemoved,
        Section::VersionsRemoved,
        Section::Deprecated,
    ];
    let mut removals_said = false;
    for c in changes {
        if !removals_said
            && c.section > Section::VersionsRemoved
            && c.section != Section::Deprecated
        {
            removals_said = true;
            if !changes.iter().any(|c| removals.contains(&c.section)) {
                if current.is_some() {
                    out.push('\n');
                }
                out.push_str(
                    "### Versions removed or deprecated\n\nNone: every version the previous release \
                     defined is still defined, and none is newly deprecated.\n",
                );
                current = Some(Section::VersionsRemoved);
            }
        }
        if current != Some(c.section) {
            if current.is_some() {
                out.push('\n');
            }
            let _ = writeln!(out, "### {}\n", c.section.title());
            current = Some(c.section);
        }
        let _ = writeln!(out, "- {}", c.detail);
    }
    if !removals_said && !changes.iter().any(|c| removals.contains(&c.section)) {
        out.push_str(
            "\n### Versions removed or deprecated\n\nNone: every version the previous release \
             defined is still defined, and none is newly deprecated.\n",
        );
    }
    out.push('\n');
    out
}

/// The closing part of a changelog section: what code using `kafkawire`
/// must change (renamed types and fields, changed types), or that nothing must.
pub fn render_code_changes(changes: &[Change]) -> String {
    let mut out = String::new();
    out.push_str("### What code using kafkawire must change\n\n");
    let code: Vec<&str> = changes.iter().filter_map(|c| c.code.as_deref()).collect();
    if code.is_empty() {
        out.push_str(
            "Nothing: every change is an addition. New fields start at their defaults (the \
             generated structs are `#[non_exhaustive]` and built with `Default` and the `with_` \
             setters), and new versions are negotiated only by code that asks for them.\n",
        );
    } else {
        for c in code {
            let _ = writeln!(out, "- {c}");
        }
    }
    out.push('\n');
    out
}

/// A version whose wire shape an import would change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WireChange {
    /// The message.
    pub message: String,
    /// The version.
    pub version: i16,
    /// The field path and what changed.
    pub detail: String,
}

fn unstable(m: &Message) -> VersionSet {
    match (m.latest_unstable, m.valid.highest()) {
        (true, Some(h)) => VersionSet::range(h, h),
        _ => VersionSet::none(),
    }
}

/// The versions of `new` whose wire shape differs from the one `old` (the
/// merged set of the releases so far) gives them. Kafka's evolution rules
/// allow new versions, new APIs and new tagged fields in existing versions;
/// everything else an existing version has (untagged fields, their order,
/// types, nullability, the tags already assigned) is frozen. Versions the old
/// set marks unstable may change.
pub fn wire_changes(old: &[Message], new: &[Message]) -> Vec<WireChange> {
    let mut out = Vec::new();
    for n in new {
        let id = message_id(n);
        let Some(o) = old.iter().find(|o| message_id(o) == id) else {
            continue;
        };
        let shared = n.valid.intersect(&o.valid).subtract(&unstable(o));
        for v in shared.iter() {
            if let Err(detail) = struct_compat(o, 0, n, 0, v, "") {
                out.push(WireChange {
                    message: n.name.clone(),
                    version: v,
                    detail,
                });
            }
        }
    }
    out
}

fn join(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_string()
    } else {
        format!("{path}.{name}")
    }
}

fn struct_compat(
    o: &Message,
    oi: usize,
    n: &Message,
    ni: usize,
    v: i16,
    path: &str,
) -> Result<(), String> {
    let (Some(os), Some(ns)) = (o.structs.get(oi), n.structs.get(ni)) else {
        return Err(format!("{path}: struct missing"));
    };
    let of: Vec<&Field> = os
        .fields
        .iter()
        .filter(|f| f.mandatory().contains(v))
        .collect();
    let nf: Vec<&Field> = ns
        .fields
        .iter()
        .filter(|f| f.mandatory().contains(v))
        .collect();
    let names = |fs: &[&Field]| fs.iter().map(|f| f.name.clone()).collect::<Vec<_>>();
    if of.len() != nf.len() {
        return Err(format!(
            "{}: fields [{}] became [{}]",
            if path.is_empty() { "top level" } else { path },
            names(&of).join(", "),
            names(&nf).join(", ")
        ));
    }
    for (a, b) in of.iter().zip(&nf) {
        field_compat(o, a, n, b, v, &join(path, &b.name))?;
    }
    let (oflex, nflex) = (o.flexible.contains(v), n.flexible.contains(v));
    if oflex != nflex {
        return Err(format!(
            "{}: flexible {oflex} became {nflex}",
            if path.is_empty() { "message" } else { path }
        ));
    }
    if oflex {
        for a in os.fields.iter().filter(|f| f.tagged.contains(v)) {
            let Some(b) = ns
                .fields
                .iter()
                .find(|f| f.tagged.contains(v) && f.tag == a.tag)
            else {
                return Err(format!(
                    "{}: tagged field (tag {}) removed",
                    join(path, &a.name),
                    a.tag.unwrap_or_default()
                ));
            };
            field_compat(o, a, n, b, v, &join(path, &b.name))?;
        }
    }
    Ok(())
}

fn field_compat(
    o: &Message,
    a: &Field,
    n: &Message,
    b: &Field,
    v: i16,
    path: &str,
) -> Result<(), String> {
    let (an, bn) = (a.nullable.contains(v), b.nullable.contains(v));
    if an != bn {
        return Err(format!("{path}: nullable {an} became {bn}"));
    }
    if a.compact.contains(v) != b.compact.contains(v) {
        return Err(format!("{path}: compact encoding changed"));
    }
    type_compat(o, &a.ty, n, &b.ty, v, path)
}

fn type_compat(
    o: &Message,
    a: &Type,
    n: &Message,
    b: &Type,
    v: i16,
    path: &str,
) -> Result<(), String> {
    match (a, b) {
        (Type::Struct(x), Type::Struct(y)) => struct_compat(o, *x, n, *y, v, path),
        (Type::Array(x), Type::Array(y)) => type_compat(o, x, n, y, v, path),
        _ if type_text(a) == type_text(b) => Ok(()),
        _ => Err(format!(
            "{path}: type {} became {}",
            a.kafka_name(&o.structs),
            b.kafka_name(&n.structs)
        )),
    }
}
