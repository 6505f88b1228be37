//! Header versions per (API, version), header bytes (Kafka's `RequestHeaderTest`
//! and `ApiMessageTypeTest`), and the API table.

use super::{enc, hex, round_trip};
use crate::messages::*;
use crate::{ApiKey, Message, Request, Response};

fn headers(key: ApiKey, version: i16) -> (i16, i16) {
    (
        key.request_header_version(version).unwrap(),
        key.response_header_version(version).unwrap(),
    )
}

#[test]
fn header_version_truth_table() {
    assert_eq!(headers(ApiKey::PRODUCE, 0), (1, 0));
    assert_eq!(headers(ApiKey::PRODUCE, 1), (1, 0));
    assert_eq!(headers(ApiKey::PRODUCE, 9), (2, 1));
    assert_eq!(headers(ApiKey::CONTROLLED_SHUTDOWN, 0), (0, 0));
    assert_eq!(headers(ApiKey::CONTROLLED_SHUTDOWN, 1), (1, 0));
    assert_eq!(headers(ApiKey::CONTROLLED_SHUTDOWN, 3), (2, 1));
    assert_eq!(headers(ApiKey::CREATE_TOPICS, 4), (1, 0));
    assert_eq!(headers(ApiKey::CREATE_TOPICS, 5), (2, 1));
    for v in 0..=4 {
        assert_eq!(
            ApiKey::API_VERSIONS.response_header_version(v),
            Some(0),
            "v{v}"
        );
    }
    assert_eq!(ApiKey::API_VERSIONS.request_header_version(3), Some(2));
    assert_eq!(ApiKey::PRODUCE.request_header_version(14), None);
    assert_eq!(ApiKey(1000).request_header_version(0), None);
}

fn header(key: ApiKey, version: i16, client: Option<&str>) -> RequestHeader {
    let mut h = RequestHeader::default();
    h.request_api_key = key.0;
    h.request_api_version = version;
    h.correlation_id = 1;
    h.client_id = client.map(Into::into);
    h
}

#[test]
fn request_header_sizes_and_bytes() {
    // v0 has no ClientId; Kafka 3.9's schema (the last with header v0) makes
    // it ignorable, so a client id is dropped there, as Kafka drops it.
    let v0 = header(ApiKey::CONTROLLED_SHUTDOWN, 0, Some(""));
    assert_eq!(
        header(ApiKey::CONTROLLED_SHUTDOWN, 0, Some("x"))
            .to_bytes(0)
            .unwrap(),
        hex("00 07 00 00 00 00 00 01")
    );
    let bytes = enc(&v0, 0);
    assert_eq!(bytes, hex("00 07 00 00 00 00 00 01"));
    assert_eq!(bytes.len(), 8);
    assert_eq!(round_trip(&v0, 0), v0);

    assert_eq!(
        enc(&header(ApiKey::CONTROLLED_SHUTDOWN, 1, Some("")), 1).len(),
        10
    );
    assert_eq!(enc(&header(ApiKey::API_VERSIONS, 3, Some("")), 2).len(), 11);
    assert_eq!(
        enc(&header(ApiKey::API_VERSIONS, 0, Some("abc")), 1),
        hex("00 12 00 00 00 00 00 01 00 03 61 62 63")
    );
    // Header v2 keeps ClientId's int16 length (field-level flexibleVersions "none").
    assert_eq!(
        enc(&header(ApiKey::API_VERSIONS, 3, Some("abc")), 2),
        hex("00 12 00 03 00 00 00 01 00 03 61 62 63 00")
    );
}

#[test]
fn request_header_null_client_id_and_offset_parsing() {
    let h = RequestHeader::decode_exact(hex("00 12 00 00 00 00 00 01 ff ff"), 1).unwrap();
    assert_eq!(h.client_id, None);
    // Parsing from a buffer that does not start at the header.
    let mut buf = hex("aa bb 00 12 00 00 00 00 00 01 00 01 61");
    let _ = buf.split_to(2);
    let h = RequestHeader::decode(&mut buf, 1).unwrap();
    assert_eq!(h.client_id.as_deref(), Some("a"));
    assert!(buf.is_empty());
}

#[test]
fn response_header_bytes() {
    let mut h = ResponseHeader::default();
    h.correlation_id = 1;
    assert_eq!(enc(&h, 0), hex("00 00 00 01"));
    assert_eq!(enc(&h, 1), hex("00 00 00 01 00"));
}

/// The API table is exactly the APIs the bundled schemas define (the current
/// release and the kept history), under the names the newest release gives them.
#[test]
fn every_api_key_in_the_bundled_schemas_is_known() {
    let want = super::bundled::apis();
    let keys: Vec<i16> = ApiKey::all().map(|k| k.0).collect();
    assert_eq!(keys, want.keys().copied().collect::<Vec<i16>>());
    for k in ApiKey::all() {
        let info = k.info().unwrap();
        assert_eq!(info.key, k);
        assert_eq!(Some(info.name), want.get(&k.0).map(|w| w.0.as_str()));
    }
    assert_eq!(ApiKey::LIST_CONFIG_RESOURCES, ApiKey(74));
    assert_eq!(ApiKey(74).name(), Some("ListConfigResources"));
    assert_eq!(format!("{:?}", ApiKey(0)), "Produce(0)");
    assert_eq!(format!("{:?}", ApiKey(1000)), "ApiKey(1000)");
    assert_eq!(ApiKey(1000).to_string(), "unknown API 1000");
    assert!(ApiKey(-1).info().is_none());
}

/// Every API's versions are the union of what the bundled releases define:
/// versions Kafka 4.0 removed stay (from history), and the newest are there.
#[test]
fn every_version_ever_defined() {
    for (key, (name, lo, hi)) in super::bundled::apis() {
        let v = ApiKey(key).versions().unwrap();
        assert_eq!((v.lowest, v.highest), (lo, hi), "{name} ({key})");
    }
    // Kafka 4.0 dropped these; the 3.9.0 history keeps them.
    assert_eq!(ProduceRequest::VERSIONS.lowest, 0);
    assert_eq!(FetchRequest::VERSIONS.lowest, 0);
    assert_eq!(ControlledShutdownRequest::VERSIONS.lowest, 0);
    assert_eq!(
        ProduceRequest::VERSIONS.highest,
        ProduceResponse::VERSIONS.highest
    );
}

#[test]
fn request_and_response_types_are_linked() {
    fn same<T>(_: std::marker::PhantomData<T>, _: std::marker::PhantomData<T>) {}
    same(
        std::marker::PhantomData::<<ProduceRequest as Request>::Response>,
        std::marker::PhantomData::<ProduceResponse>,
    );
    same(
        std::marker::PhantomData::<<FetchResponse as Response>::Request>,
        std::marker::PhantomData::<FetchRequest>,
    );
    assert_eq!(
        <ListConfigResourcesResponse as Response>::API_KEY,
        ApiKey(74)
    );
}

/// Exactly the requests the current release marks `latestVersionUnstable`
/// have an unstable (latest) version, on both halves of the API.
#[test]
fn unstable_latest_versions_are_marked() {
    let want: Vec<i16> = super::bundled::files()
        .iter()
        .filter(|f| f.current && f.kind == "request" && f.latest_unstable)
        .filter_map(|f| f.api_key)
        .collect();
    let mut unstable: Vec<i16> = ApiKey::all()
        .filter(|k| k.info().unwrap().unstable_version.is_some())
        .map(|k| k.0)
        .collect();
    unstable.sort();
    let mut want_sorted = want.clone();
    want_sorted.sort();
    assert_eq!(unstable, want_sorted);
    for k in ApiKey::all() {
        let info = k.info().unwrap();
        match info.unstable_version {
            Some(v) => {
                assert_eq!(v, info.versions.highest, "{k:?}");
                assert!(info.highest_stable().is_none_or(|s| s < v), "{k:?}");
            }
            None => assert_eq!(info.highest_stable(), Some(info.versions.highest), "{k:?}"),
        }
    }
    // The generated constants agree with the table on both halves.
    let info = ApiKey::INIT_PRODUCER_ID.info().unwrap();
    assert_eq!(
        InitProducerIdRequest::UNSTABLE_VERSION,
        info.unstable_version
    );
    assert_eq!(
        InitProducerIdResponse::UNSTABLE_VERSION,
        info.unstable_version
    );
    let info = ApiKey::PRODUCE.info().unwrap();
    assert_eq!(ProduceRequest::UNSTABLE_VERSION, info.unstable_version);
}
