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

#[test]
fn every_api_key_from_0_to_92_is_known() {
    let keys: Vec<i16> = ApiKey::all().map(|k| k.0).collect();
    assert_eq!(keys, (0..=92).collect::<Vec<i16>>());
    for k in ApiKey::all() {
        let info = k.info().unwrap();
        assert_eq!(info.key, k);
        assert!(!info.name.is_empty());
    }
    assert_eq!(ApiKey::LIST_CONFIG_RESOURCES, ApiKey(74));
    assert_eq!(ApiKey(74).name(), Some("ListConfigResources"));
    assert_eq!(format!("{:?}", ApiKey(0)), "Produce(0)");
    assert_eq!(format!("{:?}", ApiKey(1000)), "ApiKey(1000)");
    assert_eq!(ApiKey(1000).to_string(), "unknown API 1000");
    assert!(ApiKey(-1).info().is_none());
}

#[test]
fn every_version_ever_defined() {
    let expect = [
        (ApiKey::PRODUCE, 0, 13),
        (ApiKey::FETCH, 0, 18),
        (ApiKey::LIST_OFFSETS, 0, 11),
        (ApiKey::METADATA, 0, 13),
        (ApiKey::OFFSET_COMMIT, 0, 10),
        (ApiKey::LEADER_AND_ISR, 0, 7),
        (ApiKey::STOP_REPLICA, 0, 4),
        (ApiKey::UPDATE_METADATA, 0, 8),
        (ApiKey::CONTROLLED_SHUTDOWN, 0, 3),
    ];
    for (key, lo, hi) in expect {
        let v = key.versions().unwrap();
        assert_eq!((v.lowest, v.highest), (lo, hi), "{key:?}");
    }
    assert_eq!(ProduceRequest::VERSIONS.highest, 13);
    assert_eq!(ProduceResponse::VERSIONS.highest, 13);
    assert_eq!(ControlledShutdownRequest::VERSIONS.lowest, 0);
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

#[test]
fn unstable_latest_versions_are_marked() {
    let unstable: Vec<ApiKey> = ApiKey::all()
        .filter(|k| k.info().unwrap().unstable_version.is_some())
        .collect();
    assert!(!unstable.is_empty());
    for k in unstable {
        let info = k.info().unwrap();
        assert_eq!(info.unstable_version, Some(info.versions.highest));
    }
    let info = ApiKey::INIT_PRODUCER_ID.info().unwrap();
    assert_eq!(info.unstable_version, Some(6));
    assert_eq!(info.highest_stable(), Some(5));
    assert_eq!(InitProducerIdRequest::UNSTABLE_VERSION, Some(6));
    assert_eq!(InitProducerIdResponse::UNSTABLE_VERSION, Some(6));
    assert_eq!(ProduceRequest::UNSTABLE_VERSION, None);
}
