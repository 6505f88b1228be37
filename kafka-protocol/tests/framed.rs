//! The `tokio` feature's codecs: framing limits, unknown APIs passed through,
//! request/response matching, over a real `Framed` pair.

use bytes::{BufMut, Bytes, BytesMut};
use futures_util::{SinkExt, StreamExt};
use kafkawire::any::{AnyRequest, AnyResponse};
use kafkawire::frame::{FrameCodec, RequestFrame, ResponseFrame};
use kafkawire::framed::{
    ClientCodec, FrameError, IncomingRequest, IncomingResponse, RawRequest, RawResponse,
    ServerCodec,
};
use kafkawire::messages::{
    ApiVersionsRequest, ApiVersionsResponse, MetadataRequest, ProduceRequest, RequestHeader,
    ResponseHeader,
};
use kafkawire::{ApiKey, DecodeErrorKind, EncodeErrorKind, Message};
use tokio_util::codec::{Decoder, Encoder, Framed};

fn header(api: ApiKey, version: i16, id: i32) -> RequestHeader {
    RequestHeader::default()
        .with_request_api_key(api.0)
        .with_request_api_version(version)
        .with_correlation_id(id)
        .with_client_id(Some("framed-test".into()))
}

/// A frame of an API key nobody defines: key 999, version 4, correlation 77,
/// client id "vendor", then a body.
fn vendor_frame() -> Bytes {
    let mut b = BytesMut::new();
    b.put_i16(999);
    b.put_i16(4);
    b.put_i32(77);
    b.put_i16(6);
    b.put_slice(b"vendor");
    b.put_slice(&[0xde, 0xad, 0xbe, 0xef]);
    b.freeze()
}

fn sized(frame: &[u8]) -> BytesMut {
    let mut b = BytesMut::new();
    b.put_i32(i32::try_from(frame.len()).unwrap());
    b.put_slice(frame);
    b
}

#[test]
fn oversized_frames_are_refused_from_their_size_prefix() {
    let mut codec = ServerCodec::with_frames(FrameCodec::with_max_frame_size(1024));
    // Exactly the maximum is fine: incomplete, so nothing yet, and the buffer
    // grows by at most the frame.
    let mut buf = BytesMut::from(&1024i32.to_be_bytes()[..]);
    assert!(codec.decode(&mut buf).unwrap().is_none());
    // One more byte announced is refused from the four size bytes alone.
    let mut buf = BytesMut::from(&1025i32.to_be_bytes()[..]);
    let err = codec.decode(&mut buf).unwrap_err();
    let FrameError::Decode(e) = err else {
        panic!("a decode error, not {err:?}")
    };
    assert_eq!(e.kind(), DecodeErrorKind::BadFrameSize(1025));
    // A hostile size does not reserve the memory it announces.
    let mut codec = ServerCodec::new();
    let mut buf = BytesMut::from(&100_000_000i32.to_be_bytes()[..]);
    assert!(codec.decode(&mut buf).unwrap().is_none());
    assert!(buf.capacity() <= 128 * 1024, "{}", buf.capacity());
    // Zero and negative sizes.
    for size in [0i32, -1] {
        let mut buf = BytesMut::from(&size.to_be_bytes()[..]);
        assert!(matches!(
            ServerCodec::new().decode(&mut buf),
            Err(FrameError::Decode(e)) if e.kind() == DecodeErrorKind::BadFrameSize(size.into())
        ));
    }
}

#[test]
fn encoding_past_the_maximum_is_refused_and_leaves_the_buffer() {
    let mut codec = ClientCodec::with_frames(FrameCodec::with_max_frame_size(16));
    let mut dst = BytesMut::from(&b"before"[..]);
    let frame = RequestFrame::new(
        header(ApiKey::METADATA, 12, 1),
        AnyRequest::Metadata(MetadataRequest::default()),
    );
    let err = codec.encode(frame, &mut dst).unwrap_err();
    assert!(matches!(
        err,
        FrameError::Encode(e) if matches!(e.kind(), EncodeErrorKind::FrameTooLarge { max: 16, .. })
    ));
    assert_eq!(&dst[..], b"before");
    assert!(codec.in_flight().is_empty());
    let mut raw = FrameCodec::with_max_frame_size(3);
    assert!(raw.encode(Bytes::from_static(b"four"), &mut dst).is_err());
    raw.encode(Bytes::from_static(b"abc"), &mut dst).unwrap();
    assert_eq!(&dst[6..], b"\0\0\0\x03abc");
}

#[test]
fn unknown_api_keys_and_versions_pass_through_with_their_header() {
    let mut codec = ServerCodec::new();
    let mut buf = sized(&vendor_frame());
    let Some(IncomingRequest::Unknown(raw)) = codec.decode(&mut buf).unwrap() else {
        panic!("a raw request")
    };
    assert_eq!(raw.api_key, ApiKey(999));
    assert_eq!(raw.api_version, 4);
    assert_eq!(raw.correlation_id, 77);
    assert_eq!(raw.client_id.as_deref(), Some("vendor"));
    assert_eq!(raw.frame, vendor_frame());
    assert!(buf.is_empty());

    // A known API at a version no release defined.
    let mut frame = BytesMut::new();
    frame.put_i16(ApiKey::METADATA.0);
    frame.put_i16(999);
    frame.put_i32(5);
    frame.put_i16(-1);
    let mut buf = sized(&frame);
    let Some(IncomingRequest::Unknown(raw)) = codec.decode(&mut buf).unwrap() else {
        panic!("a raw request")
    };
    assert_eq!((raw.api_key, raw.api_version), (ApiKey::METADATA, 999));
    assert_eq!(raw.client_id, None);

    // Too short even for the correlation id: an error.
    let mut buf = sized(&[0, 1, 0, 0, 0]);
    assert!(matches!(
        codec.decode(&mut buf),
        Err(FrameError::Decode(e)) if matches!(e.kind(), DecodeErrorKind::UnexpectedEof { .. })
    ));
}

#[test]
fn a_malformed_frame_of_a_known_api_is_an_error() {
    // Metadata v12 whose body stops after the header.
    let mut wire = BytesMut::new();
    kafkawire::frame::encode_request(
        &mut wire,
        &header(ApiKey::METADATA, 12, 3),
        &MetadataRequest::default(),
    )
    .unwrap();
    let cut = wire.len() - 3;
    let mut frame = wire.split_to(cut);
    frame[..4].copy_from_slice(&i32::try_from(cut - 4).unwrap().to_be_bytes());
    assert!(matches!(
        ServerCodec::new().decode(&mut frame),
        Err(FrameError::Decode(_))
    ));
}

#[tokio::test(flavor = "current_thread")]
async fn client_and_server_over_a_pipe() {
    let (client_io, server_io) = tokio::io::duplex(1 << 16);
    let mut client = Framed::new(client_io, ClientCodec::new());
    let mut server = Framed::new(server_io, ServerCodec::new());

    // A Produce with acks=0 expects no answer, a Metadata request one, and a
    // vendor request a raw one.
    let produce = ProduceRequest::default().with_acks(0);
    client
        .send(RequestFrame::new(
            header(ApiKey::PRODUCE, 9, 1),
            AnyRequest::Produce(produce.clone()),
        ))
        .await
        .unwrap();
    client
        .send(RequestFrame::new(
            header(ApiKey::METADATA, 12, 2),
            AnyRequest::Metadata(MetadataRequest::default()),
        ))
        .await
        .unwrap();
    client
        .send(RawRequest::parse(vendor_frame()).unwrap())
        .await
        .unwrap();
    assert_eq!(client.codec().in_flight().len(), 2);

    let mut got = Vec::new();
    for _ in 0..3 {
        got.push(server.next().await.unwrap().unwrap());
    }
    assert!(
        matches!(&got[0], IncomingRequest::Known(f) if f.body == AnyRequest::Produce(produce.clone()))
    );
    assert!(
        matches!(&got[1], IncomingRequest::Known(f) if f.api_key() == ApiKey::METADATA && f.version() == 12)
    );
    assert!(matches!(&got[2], IncomingRequest::Unknown(r) if r.correlation_id == 77));

    // Answers out of order: the vendor one first, then Metadata.
    let vendor_answer = {
        let mut b = BytesMut::new();
        b.put_i32(77);
        b.put_slice(b"opaque");
        b.freeze()
    };
    server
        .send(RawResponse {
            api_key: ApiKey(999),
            api_version: 4,
            correlation_id: 77,
            frame: vendor_answer.clone(),
        })
        .await
        .unwrap();
    let metadata = kafkawire::messages::MetadataResponse::default().with_throttle_time_ms(5);
    server
        .send(ResponseFrame::new(
            ResponseHeader::default().with_correlation_id(2),
            12,
            AnyResponse::Metadata(metadata.clone()),
        ))
        .await
        .unwrap();

    let Some(Ok(IncomingResponse::Unknown(raw))) = client.next().await else {
        panic!("the raw answer")
    };
    assert_eq!((raw.api_key, raw.api_version), (ApiKey(999), 4));
    assert_eq!(raw.frame, vendor_answer);
    let Some(Ok(IncomingResponse::Known(f))) = client.next().await else {
        panic!("the Metadata answer")
    };
    assert_eq!(f.version, 12);
    assert_eq!(f.body, AnyResponse::Metadata(metadata));
    assert!(client.codec().in_flight().is_empty());

    // An answer nobody asked for.
    server
        .send(ResponseFrame::new(
            ResponseHeader::default().with_correlation_id(41),
            12,
            AnyResponse::Metadata(Default::default()),
        ))
        .await
        .unwrap();
    let Some(Err(FrameError::Decode(e))) = client.next().await else {
        panic!("an error")
    };
    assert_eq!(e.kind(), DecodeErrorKind::UnknownCorrelationId(41));
}

#[test]
fn a_refused_api_versions_request_is_read_at_version_zero() {
    // The broker answers an ApiVersions version it does not support with a
    // v0 body (error 35) and a v0 header, whatever version was asked.
    let mut client = ClientCodec::new();
    let mut dst = BytesMut::new();
    client
        .encode(
            RequestFrame::new(
                header(ApiKey::API_VERSIONS, 4, 9),
                AnyRequest::ApiVersions(ApiVersionsRequest::default()),
            ),
            &mut dst,
        )
        .unwrap();
    let refusal = ApiVersionsResponse::default().with_error_code(35);
    let mut body = BytesMut::new();
    body.put_i32(9);
    refusal.encode(&mut body, 0).unwrap();
    let mut wire = sized(&body);
    let Some(IncomingResponse::Known(f)) = client.decode(&mut wire).unwrap() else {
        panic!("a decoded response")
    };
    assert_eq!(f.version, 0);
    assert_eq!(f.body, AnyResponse::ApiVersions(refusal));
}
