//! Control records: the records of a control batch (attribute bit 5).
//!
//! A control record's key is `version: int16, type: int16` (later key
//! versions may append fields, which are ignored, as Kafka does). Its value
//! depends on the type: `EndTxnMarker` for abort and commit, and the KRaft
//! records (`LeaderChangeMessage`, `SnapshotHeaderRecord`,
//! `SnapshotFooterRecord`, `KRaftVersionRecord`, `VotersRecord`) for the
//! others. This module parses the key and exposes the value bytes
//! unchanged; the value's schema is `kafka-protocol`'s.

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
    /// the `kafka-protocol` type for [`ControlRecordKey::record_type`].
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
