//! API keys, their versions, and which header version each (API, version) uses.

use crate::types::VersionRange;
use std::fmt;

/// A Kafka API key. Open: a key from a newer broker is representable and
/// printable; [`ApiKey::info`] tells whether this crate knows it.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ApiKey(pub i16);

/// What this crate knows about an API.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ApiInfo {
    /// The key.
    pub key: ApiKey,
    /// Kafka's name for it (`Produce`).
    pub name: &'static str,
    /// Every version the codec supports, including those removed by newer
    /// Kafka releases.
    pub versions: VersionRange,
    /// The first flexible version (KIP-482), if any.
    pub flexible_from: Option<i16>,
    /// The highest version, when Kafka marks it unstable (`latestVersionUnstable`).
    pub unstable_version: Option<i16>,
    /// Versions Kafka marks deprecated, if any.
    pub deprecated: Option<VersionRange>,
    /// Where brokers accept it (`broker`, `controller`, `zkBroker`).
    pub listeners: &'static [&'static str],
}

impl ApiInfo {
    /// True when `version` uses the flexible encoding.
    pub fn is_flexible(&self, version: i16) -> bool {
        self.flexible_from.is_some_and(|f| version >= f)
    }

    /// The highest stable version (the highest, unless Kafka marks it unstable).
    /// `None` when the only version is unstable.
    pub fn highest_stable(&self) -> Option<i16> {
        match self.unstable_version {
            Some(u) if u == self.versions.highest => (u > self.versions.lowest).then_some(u - 1),
            _ => Some(self.versions.highest),
        }
    }
}

include!(concat!(env!("OUT_DIR"), "/api_keys.rs"));

impl ApiKey {
    /// Everything known about this API, or `None` for a key this crate does not know.
    pub fn info(self) -> Option<&'static ApiInfo> {
        APIS.binary_search_by_key(&self, |a| a.key)
            .ok()
            .and_then(|i| APIS.get(i))
    }

    /// Kafka's name for the API.
    pub fn name(self) -> Option<&'static str> {
        self.info().map(|i| i.name)
    }

    /// The versions this crate supports.
    pub fn versions(self) -> Option<VersionRange> {
        self.info().map(|i| i.versions)
    }

    /// Every API this crate knows, by key.
    pub fn all() -> impl Iterator<Item = ApiKey> {
        APIS.iter().map(|a| a.key)
    }

    /// The request header version for `version` of this API: 2 for flexible
    /// versions, else 1, except ControlledShutdown v0, which uses header 0 (no
    /// client id). `None` for an unknown API or version.
    pub fn request_header_version(self, version: i16) -> Option<i16> {
        let info = self.info().filter(|i| i.versions.contains(version))?;
        Some(if self == ApiKey::CONTROLLED_SHUTDOWN && version == 0 {
            0
        } else if info.is_flexible(version) {
            2
        } else {
            1
        })
    }

    /// The response header version for `version` of this API: 1 for flexible
    /// versions, else 0, except ApiVersions, whose response header is always 0
    /// (KIP-511: a client must be able to read it before it knows the version).
    pub fn response_header_version(self, version: i16) -> Option<i16> {
        let info = self.info().filter(|i| i.versions.contains(version))?;
        Some(
            if self == ApiKey::API_VERSIONS || !info.is_flexible(version) {
                0
            } else {
                1
            },
        )
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(n) => write!(f, "{n}({})", self.0),
            None => write!(f, "ApiKey({})", self.0),
        }
    }
}

impl fmt::Display for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(n) => f.write_str(n),
            None => write!(f, "unknown API {}", self.0),
        }
    }
}

impl From<i16> for ApiKey {
    fn from(k: i16) -> Self {
        ApiKey(k)
    }
}

impl From<ApiKey> for i16 {
    fn from(k: ApiKey) -> Self {
        k.0
    }
}
