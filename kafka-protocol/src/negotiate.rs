//! Version negotiation against a broker's ApiVersions response.
//!
//! A client sends ApiVersions first, then uses, for every API, the highest
//! version both sides support. [`Negotiation::new`] computes that from the
//! versions this crate supports ([`ApiKey::info`]) and the broker's
//! [`ApiVersionsResponse`], and reports the APIs the broker lacks, those with
//! no version in common, and those the broker has that this crate does not
//! know. Unstable versions (Kafka's `latestVersionUnstable`) are left out
//! unless asked for.
//!
//! [`decode_api_versions_response`] reads the response itself with the v0
//! fallback of Kafka's clients: a broker that does not know the requested
//! ApiVersions version answers with a v0 body and error 35
//! (`UNSUPPORTED_VERSION`), listing the ApiVersions versions it does support.
//!
//! ```
//! use bytes::Bytes;
//! use kafkawire::messages::api_versions_response::ApiVersion;
//! use kafkawire::messages::ApiVersionsResponse;
//! use kafkawire::negotiate::{Negotiation, decode_api_versions_response};
//! use kafkawire::{ApiKey, ErrorCode, Message};
//!
//! // A broker that knows ApiVersions v0-2 answers a v3 request with a v0 body.
//! let old = ApiVersionsResponse::default()
//!     .with_error_code(35)
//!     .with_api_keys(vec![ApiVersion::default().with_api_key(18).with_max_version(2)]);
//! let (response, read_as) = decode_api_versions_response(old.to_bytes(0)?, 3)?;
//! assert_eq!((ErrorCode::from(response.error_code), read_as), (ErrorCode::UNSUPPORTED_VERSION, 0));
//! let retry = Negotiation::new(&response, false).version(ApiKey::API_VERSIONS);
//! assert_eq!(retry, Some(2));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use crate::api::ApiKey;
use crate::error::DecodeError;
use crate::error_code::ErrorCode;
use crate::message::Message;
use crate::messages::ApiVersionsResponse;
use crate::types::VersionRange;
use bytes::Bytes;

/// One API both sides support.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Agreed {
    /// The API.
    pub api_key: ApiKey,
    /// The highest version both sides support: the one to use.
    pub version: i16,
    /// What this crate supports (capped at the highest stable version unless
    /// unstable versions were asked for).
    pub ours: VersionRange,
    /// What the broker advertised.
    pub theirs: VersionRange,
}

/// An API both sides know with no version in common.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Disjoint {
    /// The API.
    pub api_key: ApiKey,
    /// What this crate supports.
    pub ours: VersionRange,
    /// What the broker advertised.
    pub theirs: VersionRange,
}

/// The outcome of negotiating with one broker.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Negotiation {
    agreed: Vec<Agreed>,
    missing: Vec<ApiKey>,
    disjoint: Vec<Disjoint>,
    unknown: Vec<(ApiKey, VersionRange)>,
}

impl Negotiation {
    /// Negotiates every API this crate knows against `response`'s `ApiKeys`.
    /// With `include_unstable` false, versions Kafka marks unstable are not
    /// chosen. The response's error code is not looked at: check it first (a
    /// v0 fallback answer carries error 35 and only the ApiVersions entry).
    pub fn new(response: &ApiVersionsResponse, include_unstable: bool) -> Self {
        let mut out = Negotiation::default();
        let mut theirs: Vec<(ApiKey, VersionRange)> = response
            .api_keys
            .iter()
            .map(|a| {
                (
                    ApiKey(a.api_key),
                    VersionRange::new(a.min_version, a.max_version),
                )
            })
            .collect();
        theirs.sort_by_key(|(k, _)| *k);
        for key in ApiKey::all() {
            let Some(info) = key.info() else { continue };
            let highest = if include_unstable {
                Some(info.versions.highest)
            } else {
                info.highest_stable()
            };
            // The first entry wins if a broker lists a key twice.
            let broker = theirs
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, range)| *range);
            let Some(broker) = broker else {
                out.missing.push(key);
                continue;
            };
            let ours = highest.map(|h| VersionRange::new(info.versions.lowest, h));
            let common = ours.and_then(|o| {
                let lo = o.lowest.max(broker.lowest);
                let hi = o.highest.min(broker.highest);
                (lo <= hi).then_some(hi)
            });
            match (ours, common) {
                (Some(ours), Some(version)) => out.agreed.push(Agreed {
                    api_key: key,
                    version,
                    ours,
                    theirs: broker,
                }),
                (ours, _) => out.disjoint.push(Disjoint {
                    api_key: key,
                    ours: ours.unwrap_or(info.versions),
                    theirs: broker,
                }),
            }
        }
        for (key, range) in theirs {
            if key.info().is_none() && !out.unknown.iter().any(|(k, _)| *k == key) {
                out.unknown.push((key, range));
            }
        }
        out
    }

    /// The version to use for `api`, `None` when the broker lacks it or no
    /// version is common.
    pub fn version(&self, api: ApiKey) -> Option<i16> {
        self.agreed(api).map(|a| a.version)
    }

    /// The agreement for `api`, if any.
    pub fn agreed(&self, api: ApiKey) -> Option<&Agreed> {
        self.agreed.iter().find(|a| a.api_key == api)
    }

    /// Every API both sides support, by key.
    pub fn all_agreed(&self) -> &[Agreed] {
        &self.agreed
    }

    /// APIs this crate knows that the broker did not advertise, by key.
    pub fn missing(&self) -> &[ApiKey] {
        &self.missing
    }

    /// APIs both know but with no version in common, by key.
    pub fn disjoint(&self) -> &[Disjoint] {
        &self.disjoint
    }

    /// APIs the broker advertised that this crate does not know, by key.
    pub fn unknown_to_us(&self) -> &[(ApiKey, VersionRange)] {
        &self.unknown
    }
}

/// Decodes an ApiVersions response body (after the response header, which is
/// always v0 for ApiVersions) answering a request at `version`, with the v0
/// fallback of Kafka's clients. Returns the response and the version it was
/// read at.
///
/// A broker that does not support `version` answers with a v0 body and error
/// 35 (`UNSUPPORTED_VERSION`). So: the body is read at `version`; if that
/// fails, or yields error 35, it is read again as v0 and that reading is
/// returned if it succeeds. Failing that, a reading at `version` that ignores
/// bytes after the body (as Kafka's Java reader does) is returned when it
/// carries an error code, so the caller still learns the error; otherwise the
/// first error is returned.
pub fn decode_api_versions_response(
    body: Bytes,
    version: i16,
) -> Result<(ApiVersionsResponse, i16), DecodeError> {
    let first = ApiVersionsResponse::decode_exact(body.clone(), version);
    if let Ok(r) = &first {
        if version == 0 || ErrorCode::from(r.error_code) != ErrorCode::UNSUPPORTED_VERSION {
            return first.map(|r| (r, version));
        }
    }
    if version != 0 {
        if let Ok(r) = ApiVersionsResponse::decode_exact(body.clone(), 0) {
            return Ok((r, 0));
        }
    }
    match first {
        Ok(r) => Ok((r, version)),
        Err(e) => {
            let mut lenient = body;
            match ApiVersionsResponse::decode(&mut lenient, version) {
                Ok(r) if r.error_code != 0 => Ok((r, version)),
                _ => Err(e),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::{FrameCodec, InFlight};
    use crate::messages::api_versions_response::ApiVersion;
    use bytes::BytesMut;

    fn capture(name: &str) -> Bytes {
        let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
        Bytes::from(std::fs::read(&path).unwrap())
    }

    /// The body of a captured ApiVersions response frame (size prefix and
    /// response header v0 stripped), checking the correlation id.
    fn body(name: &str, correlation_id: i32) -> Bytes {
        let mut read = BytesMut::from(&capture(name)[..]);
        let mut frame = FrameCodec::new().decode_frame(&mut read).unwrap().unwrap();
        assert!(read.is_empty());
        let mut in_flight = InFlight::new();
        in_flight.insert_id(correlation_id, ApiKey::API_VERSIONS, 3);
        let (_, _, h) = in_flight.decode_response_header(&mut frame).unwrap();
        assert_eq!(h.correlation_id, correlation_id);
        frame
    }

    fn entry(key: i16, min: i16, max: i16) -> ApiVersion {
        ApiVersion::default()
            .with_api_key(key)
            .with_min_version(min)
            .with_max_version(max)
    }

    #[test]
    fn librdkafka_2_0_2_mock() {
        // The v3 request was refused with error 35: the mock supports v0-2.
        let (r, read_as) = decode_api_versions_response(
            body("librdkafka-2.0.2-mock-apiversions-v3-error.bin", 1),
            3,
        )
        .unwrap();
        assert_eq!(
            ErrorCode::from(r.error_code),
            ErrorCode::UNSUPPORTED_VERSION
        );
        assert_eq!(read_as, 3, "the mock's v3 error body is not a v0 body");

        // The v0 retry: 17 APIs.
        let b = body("librdkafka-2.0.2-mock-apiversions-v0.bin", 2);
        let (r, read_as) = decode_api_versions_response(b.clone(), 0).unwrap();
        assert_eq!((r.error_code, read_as, r.api_keys.len()), (0, 0, 17));
        assert_eq!(r, ApiVersionsResponse::decode_exact(b, 0).unwrap());
        assert_eq!(r.api_keys[0], entry(0, 0, 7));

        let n = Negotiation::new(&r, false);
        assert_eq!(n.version(ApiKey::PRODUCE), Some(7));
        assert_eq!(n.version(ApiKey::FETCH), Some(11));
        assert_eq!(n.version(ApiKey::METADATA), Some(2));
        assert_eq!(n.version(ApiKey::OFFSET_COMMIT), Some(7));
        assert_eq!(n.version(ApiKey::API_VERSIONS), Some(2));
        assert_eq!(n.version(ApiKey::INIT_PRODUCER_ID), Some(4));
        assert_eq!(n.version(ApiKey::CREATE_TOPICS), None);
        assert_eq!(n.all_agreed().len(), 17);
        assert!(n.missing().contains(&ApiKey::CREATE_TOPICS));
        assert_eq!(
            n.all_agreed().len() + n.missing().len(),
            ApiKey::all().count()
        );
        assert!(n.disjoint().is_empty() && n.unknown_to_us().is_empty());
        let p = n.agreed(ApiKey::PRODUCE).unwrap();
        assert_eq!((p.theirs, p.ours.highest), (VersionRange::new(0, 7), 13));
    }

    #[test]
    fn librdkafka_2_16_mock() {
        let (r, _) = decode_api_versions_response(
            body("librdkafka-2.16.0-mock-apiversions-v3-error.bin", 1),
            3,
        )
        .unwrap();
        assert_eq!(r.error_code, 35);

        let (r, _) =
            decode_api_versions_response(body("librdkafka-2.16.0-mock-apiversions-v0.bin", 2), 0)
                .unwrap();
        assert_eq!((r.error_code, r.api_keys.len()), (0, 24));
        let n = Negotiation::new(&r, false);
        assert_eq!(n.version(ApiKey::PRODUCE), Some(10));
        assert_eq!(n.version(ApiKey::FETCH), Some(16));
        assert_eq!(n.version(ApiKey::METADATA), Some(13));
        assert_eq!(n.version(ApiKey::OFFSET_COMMIT), Some(9));
        assert_eq!(
            n.all_agreed().len() + n.missing().len(),
            ApiKey::all().count()
        );
        for a in n.all_agreed() {
            assert!(a.version <= a.theirs.highest && a.version <= a.ours.highest);
            assert!(a.version >= a.theirs.lowest && a.version >= a.ours.lowest);
        }
    }

    #[test]
    fn v0_fallback_like_kafkas_client() {
        // A real broker's refusal: a v0 body (int32 array) with error 35.
        let refusal = ApiVersionsResponse::default()
            .with_error_code(35)
            .with_api_keys(vec![entry(18, 0, 2)]);
        let v0 = refusal.to_bytes(0).unwrap();
        for asked in [1, 2, 3, 4] {
            let (r, read_as) = decode_api_versions_response(v0.clone(), asked).unwrap();
            assert_eq!((r.clone(), read_as), (refusal.clone(), 0), "asked v{asked}");
            assert_eq!(
                Negotiation::new(&r, false).version(ApiKey::API_VERSIONS),
                Some(2)
            );
        }
        // A good answer at the asked version is not re-read.
        let good = ApiVersionsResponse::default()
            .with_api_keys(vec![entry(0, 3, 9), entry(18, 0, 4)])
            .with_throttle_time_ms(5);
        let (r, read_as) = decode_api_versions_response(good.to_bytes(3).unwrap(), 3).unwrap();
        assert_eq!((r, read_as), (good, 3));
        // Garbage is an error, at the asked version.
        let err = decode_api_versions_response(Bytes::from_static(&[0, 0, 0xff]), 3).unwrap_err();
        assert_eq!(err.version(), Some(3));
    }

    #[test]
    fn highest_common_missing_disjoint_unknown_unstable() {
        let produce_hi = ApiKey::PRODUCE.info().unwrap().versions.highest;
        let response = ApiVersionsResponse::default().with_api_keys(vec![
            entry(0, 0, produce_hi + 5), // newer broker: ours caps it
            entry(1, 0, 2),              // older broker: theirs caps it
            entry(3, 20, 30),            // no overlap
            entry(18, 0, 3),
            entry(2000, 0, 1), // unknown to us
        ]);
        let n = Negotiation::new(&response, true);
        assert_eq!(n.version(ApiKey::PRODUCE), Some(produce_hi));
        assert_eq!(n.version(ApiKey::FETCH), Some(2));
        assert_eq!(n.version(ApiKey::METADATA), None);
        assert_eq!(n.disjoint().len(), 1);
        assert_eq!(n.disjoint()[0].api_key, ApiKey::METADATA);
        assert_eq!(
            n.unknown_to_us(),
            &[(ApiKey(2000), VersionRange::new(0, 1))]
        );
        assert_eq!(n.missing().len(), ApiKey::all().count() - 4);
        assert!(!n.missing().contains(&ApiKey::API_VERSIONS));

        // Unstable versions are chosen only when asked for.
        let unstable: Vec<_> = ApiKey::all()
            .filter_map(|k| k.info())
            .filter(|i| i.unstable_version.is_some())
            .collect();
        for info in unstable {
            let r =
                ApiVersionsResponse::default().with_api_keys(vec![entry(info.key.0, 0, i16::MAX)]);
            assert_eq!(
                Negotiation::new(&r, true).version(info.key),
                Some(info.versions.highest),
                "{}",
                info.name
            );
            assert_eq!(
                Negotiation::new(&r, false).version(info.key),
                info.highest_stable(),
                "{}",
                info.name
            );
        }
    }
}
