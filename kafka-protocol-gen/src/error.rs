//! Generator errors: each names the schema file and the field path where the
//! problem is, and says what is wrong as a typed [`ErrorKind`].

use std::fmt;

/// A generator error.
#[derive(Clone, Debug, PartialEq)]
pub struct Error {
    /// The schema file (relative to the schema root), or the release folder for
    /// errors that concern several files.
    pub file: String,
    /// The field path inside the file (`Topics.Partitions.Records`), empty for
    /// file-level problems.
    pub path: String,
    /// What went wrong.
    pub kind: ErrorKind,
}

/// What went wrong, with the values involved. Mirrors the checks of Kafka's
/// Java generator (`MessageDataGenerator`, `FieldSpec`, `StructSpec`,
/// `StructRegistry`), plus the history merge.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Reading the file failed.
    Io(String),
    /// Not valid JSON (after comments are removed), an unknown key, or a value of the wrong shape.
    Syntax(String),
    /// `type` is not one of request, response, header, metadata, data.
    UnknownMessageType(String),
    /// A required key is missing.
    MissingKey(&'static str),
    /// A version range that does not parse.
    BadVersions {
        /// The key holding it.
        key: &'static str,
        /// The text.
        text: String,
    },
    /// `validVersions` is open-ended.
    UnboundedValidVersions(String),
    /// `flexibleVersions` (or `taggedVersions`) is not `none` or `N+`.
    NotOpenEnded {
        /// The key holding it.
        key: &'static str,
        /// The text.
        text: String,
    },
    /// A key that is only allowed on requests.
    OnlyOnRequests(&'static str),
    /// Request/response names must end in `Request`/`Response`.
    BadApiName(String),
    /// `apiKey` missing, negative or out of the int16 range.
    BadApiKey(Option<i64>),
    /// Two messages of the same kind with the same `apiKey`.
    DuplicateApiKey(i16),
    /// An API key with a request but no response, or the reverse.
    UnpairedApiKey(i16),
    /// Two files define a message with the same name.
    DuplicateMessage(String),
    /// A field name that does not match `[A-Za-z][A-Za-z0-9]*`.
    BadFieldName(String),
    /// Two fields of one struct with the same name.
    DuplicateFieldName(String),
    /// Two fields whose Rust names collide.
    RustNameCollision(String),
    /// A type that does not parse.
    BadType(String),
    /// `[][]T`.
    ArrayOfArrays(String),
    /// `fields` on a field that is not a struct or an array of structs.
    FieldsOnNonStruct,
    /// Neither `versions` nor `taggedVersions`.
    NoVersions,
    /// `nullableVersions` on a type that cannot be null.
    NotNullableType(String),
    /// `entityType` does not match the field type.
    EntityTypeMismatch {
        /// The entity type.
        entity: String,
        /// The field type.
        ty: String,
    },
    /// Unknown `entityType`.
    UnknownEntityType(String),
    /// A field-level `flexibleVersions` on a type other than string or bytes, or not inside the message's.
    BadFieldFlexibleVersions(String),
    /// `zeroCopy` on a type other than bytes, or on a tagged field.
    BadZeroCopy,
    /// `mapKey` on a tagged field or in the top-level struct.
    BadMapKey,
    /// A negative tag.
    NegativeTag(i64),
    /// `tag` without `taggedVersions`.
    TagWithoutTaggedVersions,
    /// `taggedVersions` without `tag`.
    TaggedVersionsWithoutTag,
    /// `taggedVersions` not within `versions`.
    TaggedVersionsNotSubset {
        /// The tagged versions.
        tagged: String,
        /// The field versions.
        versions: String,
    },
    /// `taggedVersions` not within the message's `flexibleVersions`.
    TaggedVersionsNotFlexible(String),
    /// Nullable in some tagged versions but not all.
    PartiallyNullableTag,
    /// A `records` field cannot be tagged.
    TaggedRecords,
    /// Two fields with the same tag in one struct.
    DuplicateTag(u32),
    /// The tags of a struct are not 0, 1, 2, ...
    NonContiguousTags(Vec<u32>),
    /// A default that does not suit the type.
    BadDefault {
        /// The type.
        ty: String,
        /// The default text.
        default: String,
    },
    /// `"null"` default while not nullable in every version of the field.
    NullDefaultNotNullable,
    /// A struct name used twice in one file (inline or common).
    DuplicateStruct(String),
    /// A common struct re-specified inline.
    CommonStructRedefined(String),
    /// A struct type referenced but never defined.
    UnknownStruct(String),
    /// A struct (or message) name that does not start with an upper-case
    /// letter or has characters other than letters and digits.
    BadStructName(String),
    /// A field whose versions have nothing in common with its parent's.
    NoCommonVersions {
        /// The field's versions.
        field: String,
        /// The parent's versions.
        parent: String,
    },
    /// History and the current release disagree about a version both define.
    HistoryConflict {
        /// The version.
        version: i16,
        /// The release of the history file.
        history: String,
        /// What differs.
        detail: String,
    },
    /// A merged message whose wire shape differs from the release that defined the version.
    MergeShapeMismatch {
        /// The version.
        version: i16,
        /// What differs.
        detail: String,
    },
}

impl Error {
    pub(crate) fn new(file: &str, path: &str, kind: ErrorKind) -> Self {
        Self {
            file: file.to_string(),
            path: path.to_string(),
            kind,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "{}: {}", self.file, self.kind)
        } else {
            write!(f, "{}: field {}: {}", self.file, self.path, self.kind)
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use ErrorKind::*;
        match self {
            Io(e) => write!(f, "cannot read: {e}"),
            Syntax(e) => write!(f, "invalid schema JSON: {e}"),
            UnknownMessageType(t) => write!(f, "unknown message type {t:?}"),
            MissingKey(k) => write!(f, "you must specify {k}"),
            BadVersions { key, text } => write!(f, "invalid {key} {text:?}"),
            UnboundedValidVersions(t) => {
                write!(f, "validVersions {t:?} does not specify a maximum version")
            }
            NotOpenEnded { key, text } => write!(
                f,
                "{key} {text:?} must be either none, or an open-ended range (that ends with a plus sign)"
            ),
            OnlyOnRequests(k) => write!(f, "{k} is only valid for messages with type `request`"),
            BadApiName(n) => write!(f, "name {n:?} must end in Request or Response"),
            BadApiKey(k) => write!(f, "invalid apiKey {k:?}"),
            DuplicateApiKey(k) => write!(f, "API key {k} is used by two messages of the same type"),
            UnpairedApiKey(k) => write!(f, "API key {k} needs both a request and a response"),
            DuplicateMessage(n) => write!(f, "message {n} is defined twice"),
            BadFieldName(n) => write!(f, "invalid field name {n:?}"),
            DuplicateFieldName(n) => write!(f, "duplicate field name {n:?}"),
            RustNameCollision(n) => write!(f, "two fields map to the Rust name {n}"),
            BadType(t) => write!(f, "can't parse type {t:?}"),
            ArrayOfArrays(t) => write!(f, "arrays of arrays are not supported ({t:?})"),
            FieldsOnNonStruct => write!(f, "non-array or struct field cannot have fields"),
            NoVersions => write!(f, "you must specify the version of the field"),
            NotNullableType(t) => write!(f, "type {t} cannot be nullable"),
            EntityTypeMismatch { entity, ty } => {
                write!(
                    f,
                    "entity type {entity} cannot be used with field type {ty}"
                )
            }
            UnknownEntityType(e) => write!(f, "unknown entityType {e:?}"),
            BadFieldFlexibleVersions(why) => write!(f, "invalid field flexibleVersions: {why}"),
            BadZeroCopy => write!(f, "zeroCopy is only valid on untagged bytes fields"),
            BadMapKey => write!(
                f,
                "mapKey is not allowed on tagged fields or top-level fields"
            ),
            NegativeTag(t) => write!(f, "tag {t} is negative"),
            TagWithoutTaggedVersions => write!(f, "a tag was set but taggedVersions was not"),
            TaggedVersionsWithoutTag => write!(f, "taggedVersions was set but no tag"),
            TaggedVersionsNotSubset { tagged, versions } => write!(
                f,
                "taggedVersions {tagged} must be a subset of versions {versions}"
            ),
            TaggedVersionsNotFlexible(t) => write!(
                f,
                "taggedVersions {t} must be a subset of the message's flexibleVersions"
            ),
            PartiallyNullableTag => write!(
                f,
                "a tagged field must be nullable in all of its tagged versions or in none"
            ),
            TaggedRecords => write!(f, "records fields cannot be tagged"),
            DuplicateTag(t) => write!(f, "tag {t} is used twice in one struct"),
            NonContiguousTags(t) => write!(f, "tags must be contiguous from 0, found {t:?}"),
            BadDefault { ty, default } => write!(f, "invalid default {default:?} for {ty}"),
            NullDefaultNotNullable => write!(
                f,
                "default is null but not all versions of this field are nullable"
            ),
            DuplicateStruct(n) => write!(f, "struct {n} was specified twice"),
            CommonStructRedefined(n) => {
                write!(
                    f,
                    "struct {n} is a common struct and cannot be specified inline"
                )
            }
            UnknownStruct(n) => write!(f, "unable to locate a specification for the structure {n}"),
            BadStructName(n) => write!(
                f,
                "struct name {n:?} must start with an upper-case letter and contain only letters and digits"
            ),
            NoCommonVersions { field, parent } => write!(
                f,
                "version ranges {field} and {parent} have no versions in common"
            ),
            HistoryConflict {
                version,
                history,
                detail,
            } => write!(
                f,
                "version {version} is defined differently by history release {history}: {detail}"
            ),
            MergeShapeMismatch { version, detail } => write!(
                f,
                "merged version {version} does not match its defining release: {detail}"
            ),
        }
    }
}

impl std::error::Error for Error {}
