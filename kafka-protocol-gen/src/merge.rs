//! Merging the current release with kept history: every version any release
//! defined, each with the wire shape of the release that defined it.
//!
//! For each message of the current release, the newest history release that
//! defines versions the current one lacks contributes them. Versions defined by
//! both must have the same wire shape, except a version the history release
//! marked unstable (Kafka does not freeze those); a difference is an error.
//! After merging, the wire shape of every version is compared with the shape in
//! its defining release, so a merge can never silently change a version.

use crate::error::{Error, ErrorKind};
use crate::model::{Field, Message, MessageKind, Origin, Struct, Type, struct_of};
use crate::versions::VersionSet;
use std::collections::HashMap;
use std::fmt::Write as _;

/// A canonical description of the wire shape of struct `idx` at `version`:
/// untagged fields in order with their encodings, then the tag section. With
/// `names`, field names are part of it (a rename is not a wire change, so the
/// comparison between releases leaves them out).
pub fn shape(msg: &Message, idx: usize, version: i16, names: bool) -> String {
    let mut out = String::new();
    let Some(s) = msg.structs.get(idx) else {
        return out;
    };
    for f in &s.fields {
        if f.mandatory().contains(version) {
            let name = if names { f.name.as_str() } else { "" };
            let _ = write!(out, "{name}:{};", field_shape(msg, f, version, names));
        }
    }
    if msg.flexible.contains(version) {
        let mut tagged: Vec<&Field> = s
            .fields
            .iter()
            .filter(|f| f.tagged.contains(version))
            .collect();
        tagged.sort_by_key(|f| f.tag);
        out.push_str("tags{");
        for f in tagged {
            let name = if names { f.name.as_str() } else { "" };
            let _ = write!(
                out,
                "{}={name}:{};",
                f.tag.unwrap_or_default(),
                field_shape(msg, f, version, names)
            );
        }
        out.push('}');
    }
    out
}

fn field_shape(msg: &Message, f: &Field, version: i16, names: bool) -> String {
    let null = if f.nullable.contains(version) {
        "?"
    } else {
        ""
    };
    let compact = if f.compact.contains(version) { "c" } else { "" };
    format!("{}{null}{compact}", type_shape(msg, &f.ty, version, names))
}

fn type_shape(msg: &Message, ty: &Type, version: i16, names: bool) -> String {
    match ty {
        Type::Struct(i) => format!("{{{}}}", shape(msg, *i, version, names)),
        Type::Array(inner) => format!("[]{}", type_shape(msg, inner, version, names)),
        other => other.kafka_name(&[]),
    }
}

/// The versions of `m` that Kafka considers unstable (not frozen).
fn unstable_versions(m: &Message) -> VersionSet {
    match (m.latest_unstable, m.valid.highest()) {
        (true, Some(h)) => VersionSet::range(h, h),
        _ => VersionSet::none(),
    }
}

/// True when two messages describe the same API or data schema.
fn same_message(a: &Message, b: &Message) -> bool {
    match (a.kind, b.kind) {
        (MessageKind::Request, MessageKind::Request)
        | (MessageKind::Response, MessageKind::Response) => a.api_key == b.api_key,
        (x, y) => x == y && a.name == b.name,
    }
}

/// Merges `current` with `history` (newest release first).
pub fn merge(
    current: Vec<Message>,
    history: &[(String, Vec<Message>)],
) -> Result<Vec<Message>, Error> {
    let mut out = Vec::new();
    let mut used: Vec<Vec<bool>> = history.iter().map(|(_, m)| vec![false; m.len()]).collect();
    for mut cur in current {
        for (hi, (release, msgs)) in history.iter().enumerate() {
            let Some(mi) = msgs.iter().position(|m| same_message(&cur, m)) else {
                continue;
            };
            used[hi][mi] = true;
            let old = &msgs[mi];
            if cur.valid.is_empty() {
                // The current release only keeps a tombstone: take the history whole.
                let mut whole = old.clone();
                whole.file = old.file.clone();
                cur = whole;
                continue;
            }
            check_overlap(&cur, old, release)?;
            let hist_only = old.valid.subtract(&cur.valid);
            if !hist_only.is_empty() {
                cur = merge_pair(&cur, old, &hist_only)?;
            }
        }
        if !cur.valid.is_empty() {
            out.push(cur);
        }
    }
    // History messages the current release does not know at all.
    for (hi, (_, msgs)) in history.iter().enumerate() {
        for (mi, m) in msgs.iter().enumerate() {
            if !used[hi][mi] && !m.valid.is_empty() && !out.iter().any(|o| same_message(o, m)) {
                out.push(m.clone());
            }
        }
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

fn check_overlap(cur: &Message, old: &Message, release: &str) -> Result<(), Error> {
    let overlap = cur
        .valid
        .intersect(&old.valid)
        .subtract(&unstable_versions(old));
    for v in overlap.iter() {
        let (a, b) = (shape(cur, 0, v, false), shape(old, 0, v, false));
        if a != b {
            return Err(Error::new(
                &cur.file,
                "",
                ErrorKind::HistoryConflict {
                    version: v,
                    history: release.to_string(),
                    detail: format!("current {a} / history {b}"),
                },
            ));
        }
    }
    Ok(())
}

struct Merger<'a> {
    cur: &'a Message,
    old: &'a Message,
    hist_only: &'a VersionSet,
    memo: HashMap<(Option<usize>, Option<usize>), usize>,
    structs: Vec<Option<Struct>>,
}

fn merge_pair(cur: &Message, old: &Message, hist_only: &VersionSet) -> Result<Message, Error> {
    let mut m = Merger {
        cur,
        old,
        hist_only,
        memo: HashMap::new(),
        structs: Vec::new(),
    };
    m.merge_struct(Some(0), Some(0), "")?;
    let structs: Vec<Struct> = m.structs.into_iter().flatten().collect();
    let mut merged = Message {
        valid: cur.valid.union(hist_only),
        flexible: cur.flexible.union(&old.flexible.intersect(hist_only)),
        deprecated: cur.deprecated.union(&old.deprecated.intersect(hist_only)),
        structs,
        origins: cur.origins.clone(),
        ..cur.clone()
    };
    merged.origins.push(Origin {
        release: old
            .origins
            .first()
            .map(|o| o.release.clone())
            .unwrap_or_default(),
        file: old.file.clone(),
        versions: hist_only.clone(),
    });
    // Struct names must stay unique within the module.
    let mut seen = HashMap::new();
    for s in &merged.structs {
        if seen.insert(s.name.clone(), ()).is_some() {
            return Err(Error::new(
                &cur.file,
                &s.name,
                ErrorKind::DuplicateStruct(s.name.clone()),
            ));
        }
    }
    // Every version must keep the shape of the release that defined it.
    for v in merged.valid.iter() {
        let source = if cur.valid.contains(v) { cur } else { old };
        let (a, b) = (shape(&merged, 0, v, true), shape(source, 0, v, true));
        if a != b {
            return Err(Error::new(
                &cur.file,
                "",
                ErrorKind::MergeShapeMismatch {
                    version: v,
                    detail: format!("merged {a} / defining release {b}"),
                },
            ));
        }
    }
    Ok(merged)
}

impl Merger<'_> {
    fn conflict(&self, path: &str, detail: String) -> Error {
        Error::new(
            &self.cur.file,
            path,
            ErrorKind::HistoryConflict {
                version: self.hist_only.lowest().unwrap_or_default(),
                history: self
                    .old
                    .origins
                    .first()
                    .map(|o| o.release.clone())
                    .unwrap_or_default(),
                detail,
            },
        )
    }

    /// Merges struct `c` of the current message with struct `o` of the history
    /// message; returns the index in the merged message.
    fn merge_struct(
        &mut self,
        c: Option<usize>,
        o: Option<usize>,
        path: &str,
    ) -> Result<usize, Error> {
        if let Some(&i) = self.memo.get(&(c, o)) {
            return Ok(i);
        }
        let idx = self.structs.len();
        self.memo.insert((c, o), idx);
        self.structs.push(None);
        let cs = c.and_then(|i| self.cur.structs.get(i));
        let os = o.and_then(|i| self.old.structs.get(i));
        // History fields restricted to the versions history contributes.
        let old_fields: Vec<Field> = os
            .map(|s| {
                s.fields
                    .iter()
                    .filter_map(|f| restrict(f, self.hist_only))
                    .collect()
            })
            .unwrap_or_default();
        let cur_fields: Vec<Field> = cs.map(|s| s.fields.clone()).unwrap_or_default();
        // Order: the current order, with history-only fields placed after the
        // field that precedes them in the history order.
        let mut order: Vec<(Option<Field>, Option<Field>)> =
            cur_fields.iter().map(|f| (Some(f.clone()), None)).collect();
        let mut last_pos: Option<usize> = None;
        for of in old_fields {
            if let Some(p) = order
                .iter()
                .position(|(cf, _)| cf.as_ref().is_some_and(|cf| cf.name == of.name))
            {
                order[p].1 = Some(of);
                last_pos = Some(p);
            } else {
                let at = last_pos.map_or(0, |p| p + 1);
                order.insert(at, (None, Some(of)));
                last_pos = Some(at);
            }
        }
        let mut fields = Vec::with_capacity(order.len());
        for (cf, of) in order {
            fields.push(self.merge_field(cf, of, path)?);
        }
        // `ignorable` only matters in the versions that lack the field, and a
        // release that drops those versions may drop the flag with them (4.0
        // dropped RequestHeader v0 and ClientId's `"ignorable": true`): a
        // field ignorable in history stays ignorable. The Java oracle checks
        // the result against both releases.
        for f in &mut fields {
            if os.is_some_and(|s| s.fields.iter().any(|h| h.name == f.name && h.ignorable)) {
                f.ignorable = true;
            }
        }
        let name = cs.or(os).map(|s| s.name.clone()).unwrap_or_default();
        let versions = cs.map(|s| s.versions.clone()).unwrap_or_default().union(
            &os.map(|s| s.versions.intersect(self.hist_only))
                .unwrap_or_default(),
        );
        self.structs[idx] = Some(Struct {
            name,
            versions,
            fields,
            common: cs.or(os).is_some_and(|s| s.common),
        });
        Ok(idx)
    }

    fn merge_type(
        &mut self,
        c: Option<&Type>,
        o: Option<&Type>,
        path: &str,
    ) -> Result<Type, Error> {
        Ok(match (c, o) {
            (Some(Type::Array(ci)), Some(Type::Array(oi))) => {
                Type::Array(Box::new(self.merge_type(Some(ci), Some(oi), path)?))
            }
            (Some(Type::Array(ci)), None) => {
                Type::Array(Box::new(self.merge_type(Some(ci), None, path)?))
            }
            (None, Some(Type::Array(oi))) => {
                Type::Array(Box::new(self.merge_type(None, Some(oi), path)?))
            }
            (Some(Type::Struct(ci)), Some(Type::Struct(oi))) => {
                Type::Struct(self.merge_struct(Some(*ci), Some(*oi), path)?)
            }
            (Some(Type::Struct(ci)), None) => {
                Type::Struct(self.merge_struct(Some(*ci), None, path)?)
            }
            (None, Some(Type::Struct(oi))) => {
                Type::Struct(self.merge_struct(None, Some(*oi), path)?)
            }
            (Some(a), Some(b)) if a == b => a.clone(),
            (Some(a), None) => a.clone(),
            (None, Some(b)) => b.clone(),
            (a, b) => {
                return Err(self.conflict(
                    path,
                    format!(
                        "type {} became {}",
                        b.map(|t| t.kafka_name(&self.old.structs))
                            .unwrap_or_default(),
                        a.map(|t| t.kafka_name(&self.cur.structs))
                            .unwrap_or_default()
                    ),
                ));
            }
        })
    }

    fn merge_field(
        &mut self,
        cf: Option<Field>,
        of: Option<Field>,
        path: &str,
    ) -> Result<Field, Error> {
        let name = cf
            .as_ref()
            .or(of.as_ref())
            .map(|f| f.name.clone())
            .unwrap_or_default();
        let fpath = if path.is_empty() {
            name.clone()
        } else {
            format!("{path}.{name}")
        };
        let ty = self.merge_type(
            cf.as_ref().map(|f| &f.ty),
            of.as_ref().map(|f| &f.ty),
            &fpath,
        )?;
        Ok(match (cf, of) {
            (Some(c), Some(o)) => {
                if c.default != o.default {
                    return Err(self.conflict(
                        &fpath,
                        format!("default {:?} became {:?}", o.default, c.default),
                    ));
                }
                if c.tag.is_some() && o.tag.is_some() && c.tag != o.tag {
                    return Err(
                        self.conflict(&fpath, format!("tag {:?} became {:?}", o.tag, c.tag))
                    );
                }
                Field {
                    ty,
                    versions: c.versions.union(&o.versions),
                    tagged: c.tagged.union(&o.tagged),
                    tag: c.tag.or(o.tag),
                    nullable: c.nullable.union(&o.nullable),
                    compact: c.compact.union(&o.compact),
                    ..c
                }
            }
            (Some(c), None) => Field { ty, ..c },
            (None, Some(o)) => Field { ty, ..o },
            (None, None) => unreachable_field(),
        })
    }
}

fn unreachable_field() -> Field {
    // `order` never holds a pair of Nones; an empty field is harmless if it did.
    Field {
        name: String::new(),
        ident: String::new(),
        ty: Type::Bool,
        versions: VersionSet::none(),
        tagged: VersionSet::none(),
        tag: None,
        nullable: VersionSet::none(),
        compact: VersionSet::none(),
        default: crate::model::DefaultValue::Bool(false),
        ignorable: true,
        about: String::new(),
        map_key: false,
        entity_type: None,
        zero_copy: false,
    }
}

/// A history field limited to the versions history contributes, or `None` if
/// it has none of them.
fn restrict(f: &Field, hist_only: &VersionSet) -> Option<Field> {
    let versions = f.versions.intersect(hist_only);
    if versions.is_empty() {
        return None;
    }
    let _ = struct_of(&f.ty);
    Some(Field {
        versions,
        tagged: f.tagged.intersect(hist_only),
        nullable: f.nullable.intersect(hist_only),
        compact: f.compact.intersect(hist_only),
        ..f.clone()
    })
}
