//! The validated model: every schema rule checked, every version range
//! resolved, every Rust identifier chosen. Emitters read only this.

use crate::error::{Error, ErrorKind};
use crate::spec::{FieldSpec, MessageSpec, StructSpec};
use crate::versions::VersionSet;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// What a schema file describes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MessageKind {
    /// An API request body.
    Request,
    /// An API response body.
    Response,
    /// A request or response header.
    Header,
    /// A KRaft metadata record.
    Metadata,
    /// Any other data schema (consumer protocol, control records, ...).
    Data,
}

impl MessageKind {
    fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "request" => Self::Request,
            "response" => Self::Response,
            "header" => Self::Header,
            "metadata" => Self::Metadata,
            "data" => Self::Data,
            _ => return None,
        })
    }
}

/// Which release defined which versions of a message.
#[derive(Clone, Debug, PartialEq)]
pub struct Origin {
    /// The Kafka release.
    pub release: String,
    /// The schema file, relative to the schema root.
    pub file: String,
    /// The versions taken from it.
    pub versions: VersionSet,
}

/// One message (one schema file, or several merged across releases).
#[derive(Clone, Debug, PartialEq)]
pub struct Message {
    /// Kafka's name (`ProduceRequest`).
    pub name: String,
    /// The Rust module name (`produce_request`).
    pub module: String,
    /// The file it was read from (the current release's, when merged).
    pub file: String,
    /// Request, response, ...
    pub kind: MessageKind,
    /// The API key, for requests, responses and metadata records.
    pub api_key: Option<i16>,
    /// Every version the codec supports (after the history merge).
    pub valid: VersionSet,
    /// Flexible versions.
    pub flexible: VersionSet,
    /// Deprecated versions (informational).
    pub deprecated: VersionSet,
    /// Whether the highest version is unstable (`latestVersionUnstable`).
    pub latest_unstable: bool,
    /// Listeners (informational).
    pub listeners: Vec<String>,
    /// Struct 0 is the message itself; the others are nested or common structs.
    pub structs: Vec<Struct>,
    /// Releases the versions came from.
    pub origins: Vec<Origin>,
}

/// A struct: the message root, an inline struct or a common struct.
#[derive(Clone, Debug, PartialEq)]
pub struct Struct {
    /// The Rust type name (Kafka's struct name).
    pub name: String,
    /// The versions in which the struct can appear.
    pub versions: VersionSet,
    /// Fields in declaration (= wire) order.
    pub fields: Vec<Field>,
    /// Declared in `commonStructs`.
    pub common: bool,
}

/// A field type.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Type {
    /// `bool`
    Bool,
    /// `int8`
    Int8,
    /// `int16`
    Int16,
    /// `uint16`
    Uint16,
    /// `int32`
    Int32,
    /// `uint32`
    Uint32,
    /// `int64`
    Int64,
    /// `float64`
    Float64,
    /// `string`
    String,
    /// `bytes`
    Bytes,
    /// `records`
    Records,
    /// `uuid`
    Uuid,
    /// A struct (index into [`Message::structs`]).
    Struct(usize),
    /// `[]T`
    Array(Box<Type>),
}

impl Type {
    /// Whether `nullableVersions` may be set.
    pub fn can_be_nullable(&self) -> bool {
        matches!(
            self,
            Type::String | Type::Bytes | Type::Records | Type::Struct(_) | Type::Array(_)
        )
    }

    /// Kafka's spelling, for messages.
    pub fn kafka_name(&self, structs: &[Struct]) -> String {
        match self {
            Type::Bool => "bool".into(),
            Type::Int8 => "int8".into(),
            Type::Int16 => "int16".into(),
            Type::Uint16 => "uint16".into(),
            Type::Int32 => "int32".into(),
            Type::Uint32 => "uint32".into(),
            Type::Int64 => "int64".into(),
            Type::Float64 => "float64".into(),
            Type::String => "string".into(),
            Type::Bytes => "bytes".into(),
            Type::Records => "records".into(),
            Type::Uuid => "uuid".into(),
            Type::Struct(i) => structs.get(*i).map(|s| s.name.clone()).unwrap_or_default(),
            Type::Array(t) => format!("[]{}", t.kafka_name(structs)),
        }
    }

    /// Fixed wire width, for the fixed-width primitives.
    pub fn fixed_width(&self) -> Option<usize> {
        Some(match self {
            Type::Bool | Type::Int8 => 1,
            Type::Int16 | Type::Uint16 => 2,
            Type::Int32 | Type::Uint32 => 4,
            Type::Int64 | Type::Float64 => 8,
            Type::Uuid => 16,
            _ => return None,
        })
    }
}

/// A resolved default value.
#[derive(Clone, Debug, PartialEq)]
pub enum DefaultValue {
    /// `null`.
    Null,
    /// A boolean.
    Bool(bool),
    /// An integer (any integer type).
    Int(i64),
    /// A float64, as written in the schema.
    Float(f64),
    /// A string.
    Str(String),
    /// A UUID.
    Uuid([u8; 16]),
    /// Empty bytes, an empty array or a default struct.
    Empty,
}

/// A field.
#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    /// Kafka's name.
    pub name: String,
    /// The Rust identifier (`r#type` for `Type`).
    pub ident: String,
    /// The type.
    pub ty: Type,
    /// Every version in which the field exists (as a mandatory or tagged field).
    pub versions: VersionSet,
    /// Versions in which it is sent in the tagged-field section.
    pub tagged: VersionSet,
    /// The tag, for tagged fields.
    pub tag: Option<u32>,
    /// Versions in which it may be null.
    pub nullable: VersionSet,
    /// Versions in which lengths use the compact (flexible) encoding.
    pub compact: VersionSet,
    /// The default.
    pub default: DefaultValue,
    /// Dropped silently when written in a version that lacks it.
    pub ignorable: bool,
    /// Documentation.
    pub about: String,
    /// Part of the element key of a keyed collection (a lookup hint; no wire effect).
    pub map_key: bool,
    /// Kafka's `entityType`.
    pub entity_type: Option<String>,
    /// Kafka's `zeroCopy` hint (our bytes are always zero-copy).
    pub zero_copy: bool,
}

impl Field {
    /// Versions in which the field is written in place (not tagged).
    pub fn mandatory(&self) -> VersionSet {
        self.versions.subtract(&self.tagged)
    }

    /// Whether any version allows null: the Rust type is an `Option`.
    pub fn is_optional(&self) -> bool {
        !self.nullable.intersect(&self.versions).is_empty() || self.default == DefaultValue::Null
    }
}

/// The result of building all messages of one release.
#[derive(Clone, Debug, PartialEq)]
pub struct Release {
    /// The release name.
    pub release: String,
    /// The messages, sorted by name.
    pub messages: Vec<Message>,
}

/// Java's `MessageGenerator.toSnakeCase`: no underscore inside a run of capitals.
pub fn to_snake_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    let mut prev_capital = true;
    for c in name.chars() {
        if c.is_ascii_uppercase() {
            if !prev_capital {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
            prev_capital = true;
        } else {
            out.push(c);
            prev_capital = false;
        }
    }
    out
}

const RUST_KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
    "pub", "ref", "return", "self", "static", "struct", "super", "trait", "true", "try", "type",
    "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual", "yield",
];

/// Keywords that cannot be raw identifiers (`r#self` is not valid Rust).
const NON_RAW_KEYWORDS: &[&str] = &["self", "super", "crate"];

/// The Rust identifier for a field name: snake case, keywords as raw
/// identifiers, and `self_`, `super_`, `crate_` for the keywords that cannot be
/// raw. (Schema field names have no underscores, so a trailing one cannot
/// collide with another field.)
pub fn field_ident(name: &str) -> String {
    let snake = to_snake_case(name);
    if NON_RAW_KEYWORDS.contains(&snake.as_str()) {
        format!("{snake}_")
    } else if RUST_KEYWORDS.contains(&snake.as_str()) {
        format!("r#{snake}")
    } else {
        snake
    }
}

/// Names the generated code uses for itself inside a message module; a struct
/// may not take them.
const RESERVED_TYPE_NAMES: &[&str] = &[
    "Option", "Some", "None", "Vec", "Result", "Ok", "Err", "String", "Box", "Default", "Self",
];

/// The Rust name reserved for unknown tagged fields in every flexible struct.
pub const UNKNOWN_TAGGED_FIELDS: &str = "unknown_tagged_fields";

fn valid_field_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric())
}

/// A struct name: upper-case first, then letters and digits (the shape a field
/// `type` must have to name a struct, so it is also a valid Rust type name).
fn valid_struct_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_uppercase()) && valid_field_name(name)
}

struct Ctx<'a> {
    file: &'a str,
    flexible: VersionSet,
    valid: VersionSet,
    /// Common struct name -> index (assigned before fields are walked).
    common: HashMap<String, usize>,
    common_specs: Vec<&'a StructSpec>,
    /// Every struct name defined so far in the file.
    names: BTreeSet<String>,
    structs: Vec<Option<Struct>>,
}

impl Ctx<'_> {
    fn err(&self, path: &str, kind: ErrorKind) -> Error {
        Error::new(self.file, path, kind)
    }
}

fn parse_versions(
    ctx: &Ctx<'_>,
    path: &str,
    key: &'static str,
    text: &str,
) -> Result<VersionSet, Error> {
    VersionSet::parse(text).map_err(|_| {
        ctx.err(
            path,
            ErrorKind::BadVersions {
                key,
                text: text.to_string(),
            },
        )
    })
}

/// Builds and validates one message. `release` is recorded as the origin.
pub fn build_message(file: &str, release: &str, spec: &MessageSpec) -> Result<Message, Error> {
    let kind = MessageKind::parse(&spec.kind)
        .ok_or_else(|| Error::new(file, "", ErrorKind::UnknownMessageType(spec.kind.clone())))?;
    let mut ctx = Ctx {
        file,
        flexible: VersionSet::none(),
        valid: VersionSet::none(),
        common: HashMap::new(),
        common_specs: Vec::new(),
        names: BTreeSet::new(),
        structs: vec![None],
    };
    let valid_text = spec
        .valid_versions
        .as_deref()
        .ok_or_else(|| ctx.err("", ErrorKind::MissingKey("validVersions")))?;
    let valid = parse_versions(&ctx, "", "validVersions", valid_text)?;
    if valid.highest() == Some(crate::versions::MAX_VERSION) {
        return Err(ctx.err("", ErrorKind::UnboundedValidVersions(valid_text.into())));
    }
    // A release may keep a removed API's file with `"validVersions": "none"` and
    // nothing else (Kafka 4.0 does this for LeaderAndIsr and friends).
    let removed = valid.is_empty();
    let flexible = match spec.flexible_versions.as_deref() {
        Some(t) => {
            let f = parse_versions(&ctx, "", "flexibleVersions", t)?;
            if !f.is_open_ended_or_none() {
                return Err(ctx.err(
                    "",
                    ErrorKind::NotOpenEnded {
                        key: "flexibleVersions",
                        text: t.into(),
                    },
                ));
            }
            f
        }
        None if removed => VersionSet::none(),
        None => return Err(ctx.err("", ErrorKind::MissingKey("flexibleVersions"))),
    };
    let deprecated = match spec.deprecated_versions.as_deref() {
        Some(t) => parse_versions(&ctx, "", "deprecatedVersions", t)?,
        None => VersionSet::none(),
    };
    if kind != MessageKind::Request {
        if spec.listeners.is_some() {
            return Err(ctx.err("", ErrorKind::OnlyOnRequests("listeners")));
        }
        if spec.latest_version_unstable.is_some() {
            return Err(ctx.err("", ErrorKind::OnlyOnRequests("latestVersionUnstable")));
        }
    }
    let api_key = match kind {
        MessageKind::Request | MessageKind::Response | MessageKind::Metadata => {
            let k = spec
                .api_key
                .filter(|k| (0..=i64::from(i16::MAX)).contains(k))
                .ok_or_else(|| ctx.err("", ErrorKind::BadApiKey(spec.api_key)))?;
            Some(k as i16)
        }
        _ => match spec.api_key {
            None => None,
            Some(k) => Some(
                i16::try_from(k)
                    .ok()
                    .filter(|k| *k >= 0)
                    .ok_or_else(|| ctx.err("", ErrorKind::BadApiKey(Some(k))))?,
            ),
        },
    };
    let suffix_ok = match kind {
        MessageKind::Request => spec.name.ends_with("Request"),
        MessageKind::Response => spec.name.ends_with("Response"),
        _ => true,
    };
    if !suffix_ok {
        return Err(ctx.err("", ErrorKind::BadApiName(spec.name.clone())));
    }
    // The name is the root struct's type name (and Java's class name).
    if !valid_struct_name(&spec.name) {
        return Err(ctx.err("", ErrorKind::BadStructName(spec.name.clone())));
    }
    ctx.flexible = flexible.clone();
    ctx.valid = valid.clone();

    // Common structs get their indices first, so fields can refer to them in any order.
    for cs in spec.common_structs.iter().flatten() {
        if !valid_struct_name(&cs.name) {
            return Err(ctx.err(&cs.name, ErrorKind::BadStructName(cs.name.clone())));
        }
        if !ctx.names.insert(cs.name.clone()) {
            return Err(ctx.err(&cs.name, ErrorKind::DuplicateStruct(cs.name.clone())));
        }
        ctx.common.insert(cs.name.clone(), ctx.structs.len());
        ctx.structs.push(None);
        ctx.common_specs.push(cs);
    }
    let fields = build_fields(
        &mut ctx,
        "",
        spec.fields.as_deref().unwrap_or(&[]),
        &valid,
        true,
    )?;
    ctx.structs[0] = Some(Struct {
        name: spec.name.clone(),
        versions: valid.clone(),
        fields,
        common: false,
    });
    for cs in ctx.common_specs.clone() {
        let versions_text = cs
            .versions
            .as_deref()
            .ok_or_else(|| ctx.err(&cs.name, ErrorKind::MissingKey("versions")))?;
        let versions = parse_versions(&ctx, &cs.name, "versions", versions_text)?;
        let fields = build_fields(&mut ctx, &cs.name, &cs.fields, &versions, false)?;
        let idx = ctx.common[&cs.name];
        ctx.structs[idx] = Some(Struct {
            name: cs.name.clone(),
            versions,
            fields,
            common: true,
        });
    }
    let mut structs: Vec<Struct> = ctx.structs.into_iter().flatten().collect();
    if RESERVED_TYPE_NAMES.contains(&spec.name.as_str()) {
        return Err(Error::new(
            file,
            "",
            ErrorKind::BadStructName(spec.name.clone()),
        ));
    }
    for s in &structs {
        if RESERVED_TYPE_NAMES.contains(&s.name.as_str()) {
            return Err(Error::new(
                file,
                &s.name,
                ErrorKind::BadStructName(s.name.clone()),
            ));
        }
    }
    // A nested struct named like the message would shadow it.
    if structs.iter().skip(1).any(|s| s.name == spec.name) {
        return Err(Error::new(
            file,
            "",
            ErrorKind::DuplicateStruct(spec.name.clone()),
        ));
    }
    clamp_to_valid(&mut structs, &valid);
    Ok(Message {
        name: spec.name.clone(),
        module: to_snake_case(&spec.name),
        file: file.to_string(),
        kind,
        api_key,
        valid: valid.clone(),
        flexible: flexible.intersect(&valid),
        deprecated,
        latest_unstable: spec.latest_version_unstable.unwrap_or(false),
        listeners: spec.listeners.clone().unwrap_or_default(),
        structs,
        origins: vec![Origin {
            release: release.to_string(),
            file: file.to_string(),
            versions: valid,
        }],
    })
}

/// Restricts every version set to the message's valid versions, and each
/// struct's versions to the union of the fields that reference it.
fn clamp_to_valid(structs: &mut [Struct], valid: &VersionSet) {
    let mut reach: Vec<VersionSet> = vec![VersionSet::none(); structs.len()];
    if let Some(r) = reach.first_mut() {
        *r = valid.clone();
    }
    // Structs form a DAG rooted at 0; propagate reachability to a fixed point.
    let mut changed = true;
    while changed {
        changed = false;
        for i in 0..structs.len() {
            let here = reach[i].clone();
            for f in &structs[i].fields {
                if let Some(t) = struct_of(&f.ty) {
                    let add = f.versions.intersect(&here);
                    let merged = reach[t].union(&add);
                    if merged != reach[t] {
                        reach[t] = merged;
                        changed = true;
                    }
                }
            }
        }
    }
    for (s, r) in structs.iter_mut().zip(reach) {
        s.versions = r.clone();
        for f in &mut s.fields {
            f.versions = f.versions.intersect(&r);
            f.tagged = f.tagged.intersect(&r);
            f.nullable = f.nullable.intersect(&f.versions);
            f.compact = f.compact.intersect(&f.versions);
        }
    }
}

/// The struct a field refers to, directly or as array elements.
pub fn struct_of(ty: &Type) -> Option<usize> {
    match ty {
        Type::Struct(i) => Some(*i),
        Type::Array(inner) => struct_of(inner),
        _ => None,
    }
}

fn join(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_string()
    } else {
        format!("{path}.{name}")
    }
}

fn build_fields(
    ctx: &mut Ctx<'_>,
    path: &str,
    specs: &[FieldSpec],
    parent_versions: &VersionSet,
    top_level: bool,
) -> Result<Vec<Field>, Error> {
    let mut out: Vec<Field> = Vec::with_capacity(specs.len());
    let mut names = BTreeSet::new();
    let mut idents = BTreeSet::new();
    let mut tags: BTreeMap<u32, ()> = BTreeMap::new();
    for fs in specs {
        let fpath = join(path, &fs.name);
        if !valid_field_name(&fs.name) {
            return Err(ctx.err(&fpath, ErrorKind::BadFieldName(fs.name.clone())));
        }
        if !names.insert(fs.name.clone()) {
            return Err(ctx.err(&fpath, ErrorKind::DuplicateFieldName(fs.name.clone())));
        }
        let field = build_field(ctx, &fpath, fs, parent_versions, top_level)?;
        let bare = field.ident.trim_start_matches("r#").to_string();
        if bare == UNKNOWN_TAGGED_FIELDS || !idents.insert(bare.clone()) {
            return Err(ctx.err(&fpath, ErrorKind::RustNameCollision(bare)));
        }
        if let Some(t) = field.tag
            && tags.insert(t, ()).is_some()
        {
            return Err(ctx.err(&fpath, ErrorKind::DuplicateTag(t)));
        }
        out.push(field);
    }
    let tag_list: Vec<u32> = tags.keys().copied().collect();
    if tag_list.iter().enumerate().any(|(i, t)| *t as usize != i) {
        return Err(ctx.err(path, ErrorKind::NonContiguousTags(tag_list)));
    }
    Ok(out)
}

fn parse_type(ctx: &Ctx<'_>, path: &str, text: &str) -> Result<(Type, Option<String>), Error> {
    let t = text.trim();
    if let Some(inner) = t.strip_prefix("[]") {
        if inner.trim_start().starts_with("[]") {
            return Err(ctx.err(path, ErrorKind::ArrayOfArrays(text.into())));
        }
        let (ty, s) = parse_type(ctx, path, inner)?;
        return Ok((Type::Array(Box::new(ty)), s));
    }
    let ty = match t {
        "bool" => Type::Bool,
        "int8" => Type::Int8,
        "int16" => Type::Int16,
        "uint16" => Type::Uint16,
        "int32" => Type::Int32,
        "uint32" => Type::Uint32,
        "int64" => Type::Int64,
        "float64" => Type::Float64,
        "string" => Type::String,
        "bytes" => Type::Bytes,
        "records" => Type::Records,
        "uuid" => Type::Uuid,
        s if s.starts_with(|c: char| c.is_ascii_uppercase())
            && s.chars().all(|c| c.is_ascii_alphanumeric()) =>
        {
            return Ok((Type::Struct(usize::MAX), Some(s.to_string())));
        }
        _ => return Err(ctx.err(path, ErrorKind::BadType(text.into()))),
    };
    Ok((ty, None))
}

fn replace_struct(ty: Type, idx: usize) -> Type {
    match ty {
        Type::Struct(_) => Type::Struct(idx),
        Type::Array(inner) => Type::Array(Box::new(replace_struct(*inner, idx))),
        other => other,
    }
}

fn build_field(
    ctx: &mut Ctx<'_>,
    path: &str,
    fs: &FieldSpec,
    parent_versions: &VersionSet,
    top_level: bool,
) -> Result<Field, Error> {
    let (ty, struct_name) = parse_type(ctx, path, &fs.ty)?;
    let tagged = match fs.tagged_versions.as_deref() {
        Some(t) => {
            let v = parse_versions(ctx, path, "taggedVersions", t)?;
            if !v.is_open_ended_or_none() {
                return Err(ctx.err(
                    path,
                    ErrorKind::NotOpenEnded {
                        key: "taggedVersions",
                        text: t.into(),
                    },
                ));
            }
            Some(v)
        }
        None => None,
    };
    let versions = match (fs.versions.as_deref(), &tagged) {
        (Some(t), _) => parse_versions(ctx, path, "versions", t)?,
        (None, Some(tv)) => tv.clone(),
        (None, None) => return Err(ctx.err(path, ErrorKind::NoVersions)),
    };
    let tagged = tagged.unwrap_or_default();
    let nullable = match fs.nullable_versions.as_deref() {
        Some(t) => parse_versions(ctx, path, "nullableVersions", t)?,
        None => VersionSet::none(),
    };
    if !nullable.is_empty() && !ty.can_be_nullable() {
        return Err(ctx.err(path, ErrorKind::NotNullableType(fs.ty.clone())));
    }
    // Tags.
    let tag = match (fs.tag, tagged.is_empty()) {
        (Some(t), _) if t < 0 => return Err(ctx.err(path, ErrorKind::NegativeTag(t))),
        (Some(_), true) => return Err(ctx.err(path, ErrorKind::TagWithoutTaggedVersions)),
        (None, false) => return Err(ctx.err(path, ErrorKind::TaggedVersionsWithoutTag)),
        (Some(t), false) => {
            Some(u32::try_from(t).map_err(|_| ctx.err(path, ErrorKind::NegativeTag(t)))?)
        }
        (None, true) => None,
    };
    if tag.is_some() {
        if !versions.is_superset(&tagged) {
            return Err(ctx.err(
                path,
                ErrorKind::TaggedVersionsNotSubset {
                    tagged: tagged.to_string(),
                    versions: versions.to_string(),
                },
            ));
        }
        let tn = tagged.intersect(&nullable);
        if !tn.is_empty() && tn != tagged {
            return Err(ctx.err(path, ErrorKind::PartiallyNullableTag));
        }
        if ty == Type::Records {
            return Err(ctx.err(path, ErrorKind::TaggedRecords));
        }
        if !ctx.flexible.is_superset(&tagged) {
            return Err(ctx.err(
                path,
                ErrorKind::TaggedVersionsNotFlexible(tagged.to_string()),
            ));
        }
        if fs.map_key == Some(true) {
            return Err(ctx.err(path, ErrorKind::BadMapKey));
        }
    }
    if top_level && fs.map_key == Some(true) {
        return Err(ctx.err(path, ErrorKind::BadMapKey));
    }
    let zero_copy = fs.zero_copy.unwrap_or(false);
    if zero_copy && (ty != Type::Bytes || tag.is_some()) {
        return Err(ctx.err(path, ErrorKind::BadZeroCopy));
    }
    // Field-level flexibleVersions (length encoding only).
    let compact = match fs.flexible_versions.as_deref() {
        Some(t) => {
            if !matches!(ty, Type::String | Type::Bytes) {
                return Err(ctx.err(
                    path,
                    ErrorKind::BadFieldFlexibleVersions(format!("not allowed on {}", fs.ty)),
                ));
            }
            let f = parse_versions(ctx, path, "flexibleVersions", t)?;
            if !f.is_open_ended_or_none() {
                return Err(ctx.err(
                    path,
                    ErrorKind::NotOpenEnded {
                        key: "flexibleVersions",
                        text: t.into(),
                    },
                ));
            }
            if !ctx.flexible.is_superset(&f) {
                return Err(ctx.err(
                    path,
                    ErrorKind::BadFieldFlexibleVersions(format!(
                        "{f} is not within the message's {}",
                        ctx.flexible
                    )),
                ));
            }
            f
        }
        None => ctx.flexible.clone(),
    };
    // Entity types.
    if let Some(e) = fs.entity_type.as_deref() {
        let want = match e {
            "transactionalId" | "groupId" | "topicName" => Some(Type::String),
            "producerId" => Some(Type::Int64),
            "brokerId" => Some(Type::Int32),
            "unknown" => None,
            _ => return Err(ctx.err(path, ErrorKind::UnknownEntityType(e.into()))),
        };
        let elem = match &ty {
            Type::Array(inner) => inner.as_ref(),
            t => t,
        };
        if let Some(w) = want
            && *elem != w
        {
            return Err(ctx.err(
                path,
                ErrorKind::EntityTypeMismatch {
                    entity: e.into(),
                    ty: fs.ty.clone(),
                },
            ));
        }
    }
    // Versions must meet the parent's.
    if versions.intersect(parent_versions).is_empty() {
        return Err(ctx.err(
            path,
            ErrorKind::NoCommonVersions {
                field: versions.to_string(),
                parent: parent_versions.to_string(),
            },
        ));
    }
    // Struct registry.
    let ty = match struct_name {
        None => {
            if fs.fields.is_some() {
                return Err(ctx.err(path, ErrorKind::FieldsOnNonStruct));
            }
            ty
        }
        Some(name) => {
            let idx = match &fs.fields {
                Some(sub) => {
                    if ctx.common.contains_key(&name) {
                        return Err(ctx.err(path, ErrorKind::CommonStructRedefined(name)));
                    }
                    if !ctx.names.insert(name.clone()) {
                        return Err(ctx.err(path, ErrorKind::DuplicateStruct(name)));
                    }
                    let idx = ctx.structs.len();
                    ctx.structs.push(None);
                    let fields = build_fields(ctx, path, sub, &versions, false)?;
                    ctx.structs[idx] = Some(Struct {
                        name,
                        versions: versions.clone(),
                        fields,
                        common: false,
                    });
                    idx
                }
                None => *ctx
                    .common
                    .get(&name)
                    .ok_or_else(|| ctx.err(path, ErrorKind::UnknownStruct(name.clone())))?,
            };
            replace_struct(ty, idx)
        }
    };
    let default = parse_default(ctx, path, fs, &ty, &versions, &nullable)?;
    Ok(Field {
        name: fs.name.clone(),
        ident: field_ident(&fs.name),
        ty,
        versions,
        tagged,
        tag,
        nullable,
        compact,
        default,
        ignorable: fs.ignorable.unwrap_or(false),
        about: fs.about.clone().unwrap_or_default(),
        map_key: fs.map_key.unwrap_or(false),
        entity_type: fs.entity_type.clone(),
        zero_copy,
    })
}

fn parse_int(text: &str, min: i64, max: i64) -> Option<i64> {
    let v = if let Some(hex) = text.strip_prefix("0x") {
        if hex.is_empty() || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        i64::from_str_radix(hex, 16).ok()?
    } else {
        let digits = text.strip_prefix('-').unwrap_or(text);
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        // Java emits the text verbatim, where a leading zero means octal: reject it.
        if digits.len() > 1 && digits.starts_with('0') {
            return None;
        }
        text.parse::<i64>().ok()?
    };
    (min..=max).contains(&v).then_some(v)
}

/// Decodes Kafka's UUID text form: 22 characters of unpadded base64url.
pub fn parse_kafka_uuid(text: &str) -> Option<[u8; 16]> {
    fn val(c: u8) -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' => 62,
            b'_' => 63,
            _ => return None,
        } as u32)
    }
    let t = text.trim_end_matches('=');
    if t.len() != 22 {
        return None;
    }
    let mut out = [0u8; 16];
    let mut acc: u32 = 0;
    let mut bits = 0;
    let mut n = 0;
    for c in t.bytes() {
        acc = (acc << 6) | val(c)?;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            *out.get_mut(n)? = (acc >> bits) as u8;
            n += 1;
            acc &= (1 << bits) - 1;
        }
    }
    // 22 chars carry 132 bits: the 4 spare bits must be zero.
    (n == 16 && acc == 0).then_some(out)
}

fn parse_default(
    ctx: &Ctx<'_>,
    path: &str,
    fs: &FieldSpec,
    ty: &Type,
    versions: &VersionSet,
    nullable: &VersionSet,
) -> Result<DefaultValue, Error> {
    let text = fs.default.as_deref().unwrap_or("");
    let bad = || {
        ctx.err(
            path,
            ErrorKind::BadDefault {
                ty: fs.ty.clone(),
                default: text.to_string(),
            },
        )
    };
    let null = || {
        if nullable.is_superset(versions) {
            Ok(DefaultValue::Null)
        } else {
            Err(ctx.err(path, ErrorKind::NullDefaultNotNullable))
        }
    };
    let int = |min: i64, max: i64| -> Result<DefaultValue, Error> {
        if text.is_empty() {
            return Ok(DefaultValue::Int(0));
        }
        parse_int(text, min, max)
            .map(DefaultValue::Int)
            .ok_or_else(bad)
    };
    match ty {
        Type::Bool => match text.to_ascii_lowercase().as_str() {
            "" | "false" => Ok(DefaultValue::Bool(false)),
            "true" => Ok(DefaultValue::Bool(true)),
            _ => Err(bad()),
        },
        Type::Int8 => int(i8::MIN.into(), i8::MAX.into()),
        Type::Int16 => int(i16::MIN.into(), i16::MAX.into()),
        Type::Int32 => int(i32::MIN.into(), i32::MAX.into()),
        Type::Int64 => int(i64::MIN, i64::MAX),
        Type::Uint16 => int(0, u16::MAX.into()),
        Type::Uint32 => int(0, u32::MAX.into()),
        Type::Float64 => {
            if text.is_empty() {
                return Ok(DefaultValue::Float(0.0));
            }
            // Only finite numbers: the codec has no literal for NaN or infinity
            // (and Rust's parser takes spellings Java's does not, like "inf").
            text.trim()
                .parse::<f64>()
                .ok()
                .filter(|x| x.is_finite())
                .map(DefaultValue::Float)
                .ok_or_else(bad)
        }
        Type::Uuid => {
            if text.is_empty() {
                return Ok(DefaultValue::Uuid([0; 16]));
            }
            parse_kafka_uuid(text)
                .map(DefaultValue::Uuid)
                .ok_or_else(bad)
        }
        Type::String => match text {
            "null" => null(),
            s => Ok(DefaultValue::Str(s.to_string())),
        },
        // Kafka ignores a records default: null where nullable, else empty.
        Type::Records => Ok(if nullable.is_empty() {
            DefaultValue::Empty
        } else {
            DefaultValue::Null
        }),
        Type::Bytes | Type::Struct(_) | Type::Array(_) => match text {
            "" => Ok(DefaultValue::Empty),
            "null" => null(),
            _ => Err(bad()),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_case_matches_java() {
        assert_eq!(to_snake_case("isKRaftController"), "is_kraft_controller");
        assert_eq!(to_snake_case("V3AndBelowTopics"), "v3_and_below_topics");
        assert_eq!(to_snake_case("ThrottleTimeMs"), "throttle_time_ms");
        assert_eq!(to_snake_case("validateOnly"), "validate_only");
        assert_eq!(field_ident("Type"), "r#type");
        assert_eq!(field_ident("Match"), "r#match");
    }

    #[test]
    fn kafka_uuid_text() {
        assert_eq!(parse_kafka_uuid("AAAAAAAAAAAAAAAAAAAAAA"), Some([0; 16]));
        let u = parse_kafka_uuid("H3KKO4NTRPaCWtEmm3vW7A").unwrap();
        assert_eq!(u[0], 0x1f);
        assert_eq!(u[15], 0xec);
        assert_eq!(parse_kafka_uuid("short"), None);
        assert_eq!(
            parse_kafka_uuid("H3KKO4NTRPaCWtEmm3vW7B"),
            None,
            "spare bits set"
        );
    }

    #[test]
    fn int_defaults() {
        assert_eq!(
            parse_int("0x7fffffff", i32::MIN.into(), i32::MAX.into()),
            Some(0x7fff_ffff)
        );
        assert_eq!(parse_int("-0x1", -10, 10), None);
        assert_eq!(parse_int("010", -100, 100), None);
        assert_eq!(
            parse_int("-2147483648", i32::MIN.into(), i32::MAX.into()),
            Some(i32::MIN.into())
        );
        assert_eq!(parse_int("128", i8::MIN.into(), i8::MAX.into()), None);
    }
}
