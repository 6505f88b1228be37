//! Control records: the records of a control batch (attribute bit 5).
//!
//! A control record's key is `version: int16, type: int16` (later key
//! versions may append fields, which are ignored, as Kafka does). Its value
//! depends on the type: `EndTxnMarker` for abort and commit, and the KRaft
//! records (`LeaderChangeMessage`, `SnapshotHeaderRecord`,
//! `SnapshotFooterRecord`, `KRaftVersionRecord`, `VotersRecord`) for the
//! others. This module parses the key and exposes the value bytes
//! unchanged; with the `control-values` feature (on by default) it also
//! decodes and encodes the values with the types `kafkawire` generates
//! (`ControlValue`).
//!
//! A value is "version prefixed": an int16 schema version, then the message
//! at that version. As Kafka does, an end-transaction marker of a newer
//! version than known is read as the newest known one (newer versions only
//! add fields at the end); the KRaft records must have a known version.

use std::fmt;

use bytes::Bytes;

use crate::batch::Record;
use crate::error::{Error, ErrorKind, Result};

/// The type of a control record. Open: types from newer brokers survive.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct ControlRecordType(pub i16);

impl ControlRecordType {
    /// Transaction abort marker (value: `EndTxnMarker`).
    pub const ABORT: Self = ControlRecordType(0);
    /// Transaction commit marker (value: `EndTxnMarker`).
    pub const COMMIT: Self = ControlRecordType(1);
    /// KRaft leader change (value: `LeaderChangeMessage`).
    pub const LEADER_CHANGE: Self = ControlRecordType(2);
    /// KRaft snapshot header (value: `SnapshotHeaderRecord`).
    pub const SNAPSHOT_HEADER: Self = ControlRecordType(3);
    /// KRaft snapshot footer (value: `SnapshotFooterRecord`).
    pub const SNAPSHOT_FOOTER: Self = ControlRecordType(4);
    /// KRaft version (value: `KRaftVersionRecord`).
    pub const KRAFT_VERSION: Self = ControlRecordType(5);
    /// KRaft voters (value: `VotersRecord`).
    pub const KRAFT_VOTERS: Self = ControlRecordType(6);

    /// Kafka's name for the type, if known.
    pub fn name(self) -> Option<&'static str> {
        Some(match self.0 {
            0 => "ABORT",
            1 => "COMMIT",
            2 => "LEADER_CHANGE",
            3 => "SNAPSHOT_HEADER",
            4 => "SNAPSHOT_FOOTER",
            5 => "KRAFT_VERSION",
            6 => "KRAFT_VOTERS",
            _ => return None,
        })
    }
}

impl fmt::Debug for ControlRecordType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(n) => f.write_str(n),
            None => write!(f, "ControlRecordType({})", self.0),
        }
    }
}

/// Size of a version 0 control record key.
pub const CONTROL_KEY_LEN: usize = 4;

/// The key of a control record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ControlRecordKey {
    /// Key schema version (0 today).
    pub version: i16,
    /// Record type.
    pub record_type: ControlRecordType,
}

impl ControlRecordKey {
    /// A version 0 key of type `record_type`.
    pub fn new(record_type: ControlRecordType) -> Self {
        ControlRecordKey {
            version: 0,
            record_type,
        }
    }

    /// Parses a key: at least 4 bytes; bytes after the type (from newer
    /// key versions) are ignored.
    pub fn parse(key: &[u8]) -> Result<Self> {
        let pair = |r: std::ops::Range<usize>| key.get(r).and_then(|s| <[u8; 2]>::try_from(s).ok());
        let (Some(v), Some(t)) = (pair(0..2), pair(2..4)) else {
            return Err(Error::new(ErrorKind::InvalidControlKey, "control.key", 0));
        };
        Ok(ControlRecordKey {
            version: i16::from_be_bytes(v),
            record_type: ControlRecordType(i16::from_be_bytes(t)),
        })
    }

    /// The 4-byte wire form.
    pub fn to_bytes(self) -> [u8; CONTROL_KEY_LEN] {
        let v = self.version.to_be_bytes();
        let t = self.record_type.0.to_be_bytes();
        [v[0], v[1], t[0], t[1]]
    }
}

/// A control record: its parsed key and raw value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ControlRecord {
    /// The key.
    pub key: ControlRecordKey,
    /// The value bytes as on the wire (`None` if null), to be decoded with
    /// the `kafkawire` type for [`ControlRecordKey::record_type`].
    pub value: Option<Bytes>,
}

impl ControlRecord {
    /// Reads the control record in `record` (a record of a control batch).
    /// A missing key is an [`ErrorKind::InvalidControlKey`] error.
    pub fn from_record(record: &Record) -> Result<Self> {
        let Some(key) = &record.key else {
            return Err(Error::new(ErrorKind::InvalidControlKey, "control.key", 0));
        };
        Ok(ControlRecord {
            key: ControlRecordKey::parse(key)?,
            value: record.value.clone(),
        })
    }
}

#[cfg(feature = "control-values")]
pub use typed::ControlValue;

#[cfg(feature = "control-values")]
mod typed {
    use bytes::{BufMut, Bytes, BytesMut};
    use kafkawire::Message;
    use kafkawire::messages::{
        EndTxnMarker, KRaftVersionRecord, LeaderChangeMessage, SnapshotFooterRecord,
        SnapshotHeaderRecord, VotersRecord,
    };

    use super::{ControlRecord, ControlRecordKey, ControlRecordType};
    use crate::builder::RecordBatchBuilder;
    use crate::error::{Error, ErrorKind, Result};

    /// A decoded control record value.
    #[derive(Debug, Clone, PartialEq, Eq)]
    #[non_exhaustive]
    pub enum ControlValue {
        /// Abort marker (type 0).
        Abort(EndTxnMarker),
        /// Commit marker (type 1).
        Commit(EndTxnMarker),
        /// KRaft leader change (type 2).
        LeaderChange(LeaderChangeMessage),
        /// KRaft snapshot header (type 3).
        SnapshotHeader(SnapshotHeaderRecord),
        /// KRaft snapshot footer (type 4).
        SnapshotFooter(SnapshotFooterRecord),
        /// KRaft version (type 5).
        KRaftVersion(KRaftVersionRecord),
        /// KRaft voters (type 6).
        KRaftVoters(VotersRecord),
    }

    fn read<T: Message>(mut body: Bytes, version: i16, clamp: bool) -> Result<T> {
        let version = if clamp {
            version.min(T::VERSIONS.highest)
        } else {
            version
        };
        T::decode(&mut body, version)
            .map_err(|e| Error::new(ErrorKind::ControlValueDecode(e), "control.value", 2))
    }

    impl ControlValue {
        /// The control record type this value belongs to.
        pub fn record_type(&self) -> ControlRecordType {
            match self {
                ControlValue::Abort(_) => ControlRecordType::ABORT,
                ControlValue::Commit(_) => ControlRecordType::COMMIT,
                ControlValue::LeaderChange(_) => ControlRecordType::LEADER_CHANGE,
                ControlValue::SnapshotHeader(_) => ControlRecordType::SNAPSHOT_HEADER,
                ControlValue::SnapshotFooter(_) => ControlRecordType::SNAPSHOT_FOOTER,
                ControlValue::KRaftVersion(_) => ControlRecordType::KRAFT_VERSION,
                ControlValue::KRaftVoters(_) => ControlRecordType::KRAFT_VOTERS,
            }
        }

        /// Decodes a version-prefixed value of type `record_type`. Returns
        /// the version read and the value; `Ok(None)` for a type this crate
        /// does not know (its bytes stay available raw).
        pub fn decode(
            record_type: ControlRecordType,
            value: &Bytes,
        ) -> Result<Option<(i16, ControlValue)>> {
            let invalid = || Error::new(ErrorKind::InvalidControlValue, "control.value", 0);
            let Some(v) = value.get(..2).and_then(|v| <[u8; 2]>::try_from(v).ok()) else {
                return Err(invalid());
            };
            let version = i16::from_be_bytes(v);
            if version < 0 {
                return Err(invalid());
            }
            let body = value.slice(2..);
            let decoded = match record_type {
                ControlRecordType::ABORT => ControlValue::Abort(read(body, version, true)?),
                ControlRecordType::COMMIT => ControlValue::Commit(read(body, version, true)?),
                ControlRecordType::LEADER_CHANGE => {
                    ControlValue::LeaderChange(read(body, version, false)?)
                }
                ControlRecordType::SNAPSHOT_HEADER => {
                    ControlValue::SnapshotHeader(read(body, version, false)?)
                }
                ControlRecordType::SNAPSHOT_FOOTER => {
                    ControlValue::SnapshotFooter(read(body, version, false)?)
                }
                ControlRecordType::KRAFT_VERSION => {
                    ControlValue::KRaftVersion(read(body, version, false)?)
                }
                ControlRecordType::KRAFT_VOTERS => {
                    ControlValue::KRaftVoters(read(body, version, false)?)
                }
                _ => return Ok(None),
            };
            Ok(Some((version, decoded)))
        }

        /// Encodes the value at `version`, version prefix included.
        pub fn encode(&self, version: i16) -> Result<Bytes> {
            let mut buf = BytesMut::new();
            buf.put_i16(version);
            let r = match self {
                ControlValue::Abort(m) | ControlValue::Commit(m) => m.encode(&mut buf, version),
                ControlValue::LeaderChange(m) => m.encode(&mut buf, version),
                ControlValue::SnapshotHeader(m) => m.encode(&mut buf, version),
                ControlValue::SnapshotFooter(m) => m.encode(&mut buf, version),
                ControlValue::KRaftVersion(m) => m.encode(&mut buf, version),
                ControlValue::KRaftVoters(m) => m.encode(&mut buf, version),
            };
            r.map_err(|e| Error::new(ErrorKind::ControlValueEncode(e), "control.value", 0))?;
            Ok(buf.freeze())
        }
    }

    impl ControlRecord {
        /// Decodes the value with `kafkawire`'s type for this record's
        /// type: the version read and the value, or `Ok(None)` for an unknown
        /// type. A null value is an [`ErrorKind::InvalidControlValue`] error.
        pub fn decode_value(&self) -> Result<Option<(i16, ControlValue)>> {
            let Some(value) = &self.value else {
                return Err(Error::new(
                    ErrorKind::InvalidControlValue,
                    "control.value",
                    0,
                ));
            };
            ControlValue::decode(self.key.record_type, value)
        }
    }

    impl RecordBatchBuilder {
        /// Appends a control record: a version 0 key of the value's type and
        /// the value encoded at `version`. Use on a builder with
        /// [`RecordBatchBuilder::control`] set (transactional too for
        /// commit and abort markers).
        pub fn append_control(
            &mut self,
            timestamp: i64,
            value: &ControlValue,
            version: i16,
        ) -> Result<i64> {
            let key = ControlRecordKey::new(value.record_type()).to_bytes();
            let value = value.encode(version)?;
            self.append(timestamp, Some(&key), Some(&value), &[])
        }
    }
}
