//! Typed decode and encode errors. Each carries what went wrong (a kind) and
//! where: the message, its version and the field path, recorded only on the
//! error path so the success path pays nothing.

use std::fmt;

/// One step of a field path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PathSegment {
    /// A field, by its Kafka name.
    Field(&'static str),
    /// An array element.
    Index(usize),
}

#[derive(Clone, Debug, PartialEq, Eq, Default)]
struct Location {
    message: Option<&'static str>,
    version: Option<i16>,
    /// Innermost first (segments are pushed while the error travels outwards).
    path: Vec<PathSegment>,
}

impl Location {
    /// `TopicData[0].PartitionData[1].Records`: outermost first.
    fn path_string(&self) -> String {
        let mut s = String::new();
        for seg in self.path.iter().rev() {
            match seg {
                PathSegment::Field(n) => {
                    if !s.is_empty() {
                        s.push('.');
                    }
                    s.push_str(n);
                }
                PathSegment::Index(i) => s.push_str(&format!("[{i}]")),
            }
        }
        s
    }

    fn fmt_prefix(&self, f: &mut fmt::Formatter<'_>, verb: &str) -> fmt::Result {
        if let Some(m) = self.message {
            write!(f, "{verb} {m}")?;
            if let Some(v) = self.version {
                write!(f, " v{v}")?;
            }
        }
        if !self.path.is_empty() {
            f.write_str(if self.message.is_some() {
                " at "
            } else {
                "at "
            })?;
            let mut first = true;
            for seg in self.path.iter().rev() {
                match seg {
                    PathSegment::Field(name) => {
                        if !first {
                            f.write_str(".")?;
                        }
                        f.write_str(name)?;
                    }
                    PathSegment::Index(i) => write!(f, "[{i}]")?,
                }
                first = false;
            }
        }
        if self.message.is_some() || !self.path.is_empty() {
            f.write_str(": ")?;
        }
        Ok(())
    }
}

/// What made decoding fail.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum DecodeErrorKind {
    /// The input ended: `needed` bytes were required, `remaining` were left.
    UnexpectedEof {
        /// Bytes needed.
        needed: usize,
        /// Bytes left.
        remaining: usize,
    },
    /// An unsigned varint longer than 5 bytes or above `u32::MAX`, or a
    /// varlong longer than 10 bytes.
    InvalidVarint,
    /// A string or bytes length larger than what is left.
    LengthPastEnd {
        /// The declared length.
        length: usize,
        /// Bytes left.
        remaining: usize,
    },
    /// An array count that cannot fit in what is left (checked before any allocation).
    ArrayTooLarge {
        /// The declared count.
        count: usize,
        /// Bytes left.
        remaining: usize,
    },
    /// A string longer than Kafka's limit of 32767 bytes.
    StringTooLong(usize),
    /// Null in a version where the field is not nullable.
    UnexpectedNull,
    /// A known tag sent in a version where it is not valid (Kafka rejects it too).
    TagNotValid {
        /// The tag.
        tag: u32,
        /// The version being decoded.
        version: i16,
    },
    /// The version is not one this message has.
    UnsupportedVersion(i16),
    /// Bytes left after a complete message.
    TrailingBytes(usize),
    /// The input decodes, but is not the canonical encoding of its value
    /// (only [`Message::decode_strict`](crate::Message::decode_strict) and a
    /// strict [`FrameCodec`](crate::frame::FrameCodec) check this): writing
    /// the value back gives other bytes from `offset` on. Kafka's reader
    /// accepts such input: tags repeated or out of order, a known tag whose
    /// value does not fill its declared size, negative lengths other than
    /// -1, strings that are not UTF-8, booleans other than 0 and 1, varints
    /// longer than needed. `offset` is 0 when the value cannot be written
    /// back at all (unknown tags out of order).
    NotCanonical {
        /// The first byte where the canonical encoding differs.
        offset: usize,
    },
    /// An unknown API key.
    UnknownApiKey(i16),
    /// A frame larger than the configured maximum, or with a negative size.
    BadFrameSize(i64),
    /// A response whose correlation id matches no request in flight.
    UnknownCorrelationId(i32),
    /// A count of tagged fields of 2^31 or more: a negative `int` in Kafka's
    /// reader, which refuses it from 4.4.0 on (earlier releases read no tags).
    NegativeTagCount(u32),
}

/// A decoding error: a [`DecodeErrorKind`] and where it happened.
#[derive(Clone, PartialEq, Eq)]
pub struct DecodeError(Box<(DecodeErrorKind, Location)>);

impl DecodeError {
    /// A new error of `kind`.
    pub fn new(kind: DecodeErrorKind) -> Self {
        Self(Box::new((kind, Location::default())))
    }

    /// What went wrong.
    pub fn kind(&self) -> DecodeErrorKind {
        self.0.0
    }

    /// True when the input ended too early (more bytes might complete it).
    pub fn is_eof(&self) -> bool {
        matches!(self.0.0, DecodeErrorKind::UnexpectedEof { .. })
    }

    /// The message being decoded, if known.
    pub fn message(&self) -> Option<&'static str> {
        self.0.1.message
    }

    /// The version being decoded, if known.
    pub fn version(&self) -> Option<i16> {
        self.0.1.version
    }

    /// The field path, outermost first.
    pub fn path(&self) -> impl Iterator<Item = PathSegment> + '_ {
        self.0.1.path.iter().rev().copied()
    }

    /// The path as text: `TopicData[0].PartitionData[1].Records`.
    pub fn path_string(&self) -> String {
        self.0.1.path_string()
    }

    /// Adds an outer field to the path.
    pub(crate) fn at(mut self, field: &'static str) -> Self {
        self.0.1.path.push(PathSegment::Field(field));
        self
    }

    /// Adds an array index to the path.
    pub(crate) fn at_index(mut self, index: usize) -> Self {
        self.0.1.path.push(PathSegment::Index(index));
        self
    }

    /// Records the message and version.
    pub(crate) fn in_message(mut self, message: &'static str, version: i16) -> Self {
        if self.0.1.message.is_none() {
            self.0.1.message = Some(message);
            self.0.1.version = Some(version);
        }
        self
    }

    pub(crate) fn tag_not_valid(tag: u32, version: i16) -> Self {
        Self::new(DecodeErrorKind::TagNotValid { tag, version })
    }
}

impl fmt::Display for DecodeErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use DecodeErrorKind::*;
        match *self {
            UnexpectedEof { needed, remaining } => {
                write!(f, "input ended: needed {needed} bytes, {remaining} left")
            }
            InvalidVarint => f.write_str("invalid varint (too long or out of range)"),
            LengthPastEnd { length, remaining } => {
                write!(
                    f,
                    "length {length} is past the end ({remaining} bytes left)"
                )
            }
            ArrayTooLarge { count, remaining } => write!(
                f,
                "tried to allocate a collection of size {count}, but there are only {remaining} bytes remaining"
            ),
            StringTooLong(n) => write!(f, "string of {n} bytes is longer than 32767"),
            UnexpectedNull => f.write_str("null in a version where the field is not nullable"),
            TagNotValid { tag, version } => {
                write!(f, "tag {tag} is not valid for version {version}")
            }
            UnsupportedVersion(v) => write!(f, "version {v} is not supported"),
            TrailingBytes(n) => write!(f, "{n} bytes left after the message"),
            NotCanonical { offset } => write!(
                f,
                "not the canonical encoding of its value (it differs from byte {offset})"
            ),
            UnknownApiKey(k) => write!(f, "unknown API key {k}"),
            BadFrameSize(n) => write!(f, "invalid frame size {n}"),
            NegativeTagCount(n) => write!(
                f,
                "tagged field count {n} is negative as a 32-bit int (Kafka refuses it)"
            ),
            UnknownCorrelationId(c) => {
                write!(f, "correlation id {c} matches no request in flight")
            }
        }
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.1.fmt_prefix(f, "decoding")?;
        fmt::Display::fmt(&self.0.0, f)
    }
}

impl fmt::Debug for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DecodeError({self})")
    }
}

impl std::error::Error for DecodeError {}

impl From<DecodeErrorKind> for DecodeError {
    fn from(kind: DecodeErrorKind) -> Self {
        Self::new(kind)
    }
}

impl From<DecodeError> for std::io::Error {
    fn from(e: DecodeError) -> Self {
        let kind = if e.is_eof() {
            std::io::ErrorKind::UnexpectedEof
        } else {
            std::io::ErrorKind::InvalidData
        };
        std::io::Error::new(kind, e)
    }
}

/// What made encoding fail.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum EncodeErrorKind {
    /// The version is not one this message has.
    UnsupportedVersion(i16),
    /// A non-ignorable field holds a non-default value in a version that lacks
    /// it (Kafka: "Attempted to write a non-default X at version V").
    NonDefaultField {
        /// The field's Kafka name.
        field: &'static str,
        /// The version being written.
        version: i16,
    },
    /// Null in a version where the field is not nullable.
    NullNotAllowed {
        /// The field's Kafka name.
        field: &'static str,
        /// The version being written.
        version: i16,
    },
    /// A string longer than 32767 bytes.
    StringTooLong(usize),
    /// Bytes, records or an array longer than the wire format can say.
    TooLong(usize),
    /// Unknown tagged fields set on a version that has no tagged fields.
    TaggedFieldsUnsupported(i16),
    /// Unknown tagged fields not in strictly ascending tag order.
    UnknownTagOrder(u32),
    /// An unknown tagged field uses a tag this version defines.
    UnknownTagCollision(u32),
    /// A frame larger than the codec's maximum frame size.
    FrameTooLarge {
        /// The frame's size, size prefix not counted.
        size: usize,
        /// The maximum.
        max: usize,
    },
    /// A frame's header names a different API than its body.
    ApiKeyMismatch {
        /// The API key in the header.
        header: i16,
        /// The API key of the body.
        body: i16,
    },
}

/// An encoding error: an [`EncodeErrorKind`] and where it happened.
#[derive(Clone, PartialEq, Eq)]
pub struct EncodeError(Box<(EncodeErrorKind, Location)>);

impl EncodeError {
    /// A new error of `kind`.
    pub fn new(kind: EncodeErrorKind) -> Self {
        Self(Box::new((kind, Location::default())))
    }

    /// What went wrong.
    pub fn kind(&self) -> EncodeErrorKind {
        self.0.0
    }

    /// The message being encoded, if known.
    pub fn message(&self) -> Option<&'static str> {
        self.0.1.message
    }

    /// The field path as text, outermost first.
    pub fn path_string(&self) -> String {
        self.0.1.path_string()
    }

    pub(crate) fn at(mut self, field: &'static str) -> Self {
        self.0.1.path.push(PathSegment::Field(field));
        self
    }

    pub(crate) fn in_message(mut self, message: &'static str, version: i16) -> Self {
        if self.0.1.message.is_none() {
            self.0.1.message = Some(message);
            self.0.1.version = Some(version);
        }
        self
    }

    pub(crate) fn non_default(field: &'static str, version: i16) -> Self {
        Self::new(EncodeErrorKind::NonDefaultField { field, version }).at(field)
    }

    pub(crate) fn null_not_allowed(field: &'static str, version: i16) -> Self {
        Self::new(EncodeErrorKind::NullNotAllowed { field, version }).at(field)
    }

    pub(crate) fn tagged_fields_unsupported(version: i16) -> Self {
        Self::new(EncodeErrorKind::TaggedFieldsUnsupported(version))
    }
}

impl fmt::Display for EncodeErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use EncodeErrorKind::*;
        match *self {
            UnsupportedVersion(v) => write!(f, "version {v} is not supported"),
            NonDefaultField { field, version } => {
                write!(
                    f,
                    "attempted to write a non-default {field} at version {version}"
                )
            }
            NullNotAllowed { field, version } => {
                write!(
                    f,
                    "{field} is null, but it is not nullable in version {version}"
                )
            }
            StringTooLong(n) => write!(f, "string of {n} bytes is too long to be serialized"),
            TooLong(n) => write!(f, "{n} is too long to be serialized"),
            FrameTooLarge { size, max } => {
                write!(
                    f,
                    "a frame of {size} bytes is larger than the maximum of {max}"
                )
            }
            TaggedFieldsUnsupported(v) => write!(
                f,
                "tagged fields were set, but version {v} of this message does not support them"
            ),
            UnknownTagOrder(t) => write!(f, "unknown tagged field {t} is out of ascending order"),
            UnknownTagCollision(t) => {
                write!(
                    f,
                    "attempted to use tag {t} as an undefined tag, but this version defines it"
                )
            }
            ApiKeyMismatch { header, body } => {
                write!(
                    f,
                    "the header names API key {header}, the body is API key {body}"
                )
            }
        }
    }
}

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.1.fmt_prefix(f, "encoding")?;
        fmt::Display::fmt(&self.0.0, f)
    }
}

impl fmt::Debug for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EncodeError({self})")
    }
}

impl std::error::Error for EncodeError {}

impl From<EncodeErrorKind> for EncodeError {
    fn from(kind: EncodeErrorKind) -> Self {
        Self::new(kind)
    }
}

impl From<EncodeError> for std::io::Error {
    fn from(e: EncodeError) -> Self {
        std::io::Error::new(std::io::ErrorKind::InvalidInput, e)
    }
}
