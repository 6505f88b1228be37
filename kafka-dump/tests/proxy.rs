//! `kafka-dump proxy` against a scripted broker on a real socket: frames
//! forwarded and printed, `--verify`, addresses rewritten, unknown APIs
//! passed through, bounded buffering under a client that stops reading,
//! and a broker that goes away and comes back. The real broker and real
//! clients are in `interop/tests/proxy_clients.rs`.

#[path = "support/proxy.rs"]
mod support;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};
use kafkawire::ApiKey;
use kafkawire::frame::{self, FrameCodec};
use kafkawire::messages::metadata_response::MetadataResponseBroker;
use kafkawire::messages::{
    ApiVersionsRequest, ApiVersionsResponse, MetadataRequest, MetadataResponse, RequestHeader,
};
use support::ProxyProcess;

fn read_frame(s: &mut TcpStream) -> std::io::Result<Bytes> {
    let mut size = [0u8; 4];
    s.read_exact(&mut size)?;
    let mut body = vec![0u8; usize::try_from(i32::from_be_bytes(size)).unwrap()];
    s.read_exact(&mut body)?;
    Ok(Bytes::from(body))
}

fn header(api: ApiKey, version: i16, id: i32) -> RequestHeader {
    RequestHeader::default()
        .with_request_api_key(api.0)
        .with_request_api_version(version)
        .with_correlation_id(id)
        .with_client_id(Some("proxy-test".into()))
}

fn send<R: kafkawire::Request>(s: &mut TcpStream, version: i16, id: i32, body: &R) {
    let mut wire = BytesMut::new();
    frame::encode_request(&mut wire, &header(R::API_KEY, version, id), body).unwrap();
    s.write_all(&wire).unwrap();
}

/// A scripted broker: answers ApiVersions and Metadata (naming itself at
/// `advertised`, and a second broker), echoes any other frame back with
/// the correlation id, until its listener is dropped.
fn scripted_broker(listener: TcpListener, advertised: SocketAddr) {
    thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(mut s) = conn else { return };
            thread::spawn(move || {
                while let Ok(mut f) = read_frame(&mut s) {
                    let whole = f.clone();
                    let Ok(h) = frame::decode_request_header(&mut f) else {
                        // Unknown API: echo the frame back under its id.
                        let mut out = BytesMut::new();
                        out.extend_from_slice(&u32::try_from(whole.len()).unwrap().to_be_bytes());
                        out.extend_from_slice(&whole[4..8]);
                        out.extend_from_slice(&whole[..4]);
                        out.extend_from_slice(&whole[8..]);
                        if s.write_all(&out).is_err() {
                            return;
                        }
                        continue;
                    };
                    let (v, id) = (h.request_api_version, h.correlation_id);
                    let mut out = BytesMut::new();
                    match ApiKey(h.request_api_key) {
                        ApiKey::API_VERSIONS => {
                            frame::encode_response(&mut out, id, v, &ApiVersionsResponse::default())
                                .unwrap()
                        }
                        ApiKey::METADATA => {
                            let brokers = vec![
                                MetadataResponseBroker::default()
                                    .with_node_id(1)
                                    .with_host(advertised.ip().to_string().into())
                                    .with_port(i32::from(advertised.port())),
                                MetadataResponseBroker::default()
                                    .with_node_id(2)
                                    .with_host("127.0.0.1".into())
                                    .with_port(1),
                            ];
                            let r = MetadataResponse::default().with_brokers(brokers);
                            frame::encode_response(&mut out, id, v, &r).unwrap()
                        }
                        other => panic!("the scripted broker got {other:?}"),
                    }
                    if s.write_all(&out).is_err() {
                        return;
                    }
                }
            });
        }
    });
}

#[test]
fn frames_are_forwarded_printed_verified_and_addresses_rewritten() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let broker = listener.local_addr().unwrap();
    scripted_broker(listener, broker);
    let proxy = ProxyProcess::start(broker, &[]);

    let mut c = TcpStream::connect(proxy.addr).unwrap();
    send(&mut c, 3, 1, &ApiVersionsRequest::default());
    let (_, r) =
        frame::decode_response::<ApiVersionsResponse>(read_frame(&mut c).unwrap(), 3).unwrap();
    assert_eq!(r.error_code, 0);
    send(&mut c, 12, 2, &MetadataRequest::default());
    let (_, m) =
        frame::decode_response::<MetadataResponse>(read_frame(&mut c).unwrap(), 12).unwrap();
    // Broker 1 (the upstream) is the main listener; broker 2 got its own.
    assert_eq!(m.brokers[0].host, "127.0.0.1");
    assert_eq!(m.brokers[0].port, i32::from(proxy.addr.port()));
    assert_eq!(m.brokers[1].host, "127.0.0.1");
    assert_ne!(m.brokers[1].port, 1);
    assert_ne!(m.brokers[1].port, i32::from(proxy.addr.port()));
    // That listener forwards to broker 2's address (nothing there): the
    // client's connection is closed, the proxy says why.
    let mut to_two = TcpStream::connect(("127.0.0.1", u16::try_from(m.brokers[1].port).unwrap()))
        .expect("the proxy listens for broker 2");
    to_two
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    assert_eq!(to_two.read(&mut [0u8; 1]).unwrap_or(0), 0);

    // A vendor API key goes through untouched, both ways.
    let vendor: &[u8] = &[
        0, 0, 0, 14, 0x7f, 0x00, 0, 1, 0, 0, 0, 3, 0, 0, 0xca, 0xfe, 0xba, 0xbe,
    ];
    c.write_all(vendor).unwrap();
    let back = read_frame(&mut c).unwrap();
    assert_eq!(&back[..4], &[0, 0, 0, 3]);
    assert_eq!(&back[8..], &vendor[12..]);

    let mut printed = Vec::new();
    for _ in 0..6 {
        printed.push(proxy.line());
    }
    let field = |i: usize, k: &str| printed[i][k].clone();
    assert_eq!(field(0, "direction"), "request");
    assert_eq!(field(0, "api"), "ApiVersions");
    assert_eq!(field(0, "clientId"), "proxy-test");
    assert_eq!(field(0, "connection"), 1);
    assert!(field(0, "time").as_str().unwrap().ends_with('Z'));
    assert_eq!(field(1, "direction"), "response");
    for line in &printed[..4] {
        assert_eq!(line["reencoded"], "identical", "{line}");
    }
    assert_eq!(field(3, "api"), "Metadata");
    // The printed body is what the broker sent; `rewritten` says what changed.
    assert_eq!(field(3, "body")["brokers"][0]["port"], broker.port());
    let rewritten = field(3, "rewritten");
    assert_eq!(rewritten.as_array().unwrap().len(), 2, "{rewritten}");
    assert!(
        rewritten[0]
            .as_str()
            .unwrap()
            .starts_with(&format!("{broker} -> 127.0.0.1:{}", proxy.addr.port())),
        "{rewritten}"
    );
    // The vendor frames: printed with what could be read, not verified.
    assert_eq!(field(4, "apiKey"), 0x7f00);
    assert!(field(4, "error").is_string());
    assert!(field(4, "reencoded").is_null());
    assert_eq!(field(5, "direction"), "response");

    drop(c);
    let (code, stderr) = proxy.stop();
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stderr.contains("re-encoded byte for byte, 0 differ"),
        "{stderr}"
    );
    assert!(
        stderr.contains("cannot reach the broker at 127.0.0.1:1"),
        "{stderr}"
    );
}

#[test]
fn a_broker_that_goes_away_and_comes_back() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let broker = listener.local_addr().unwrap();
    // A broker that accepts one connection, then dies.
    let first = thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        let _ = read_frame(&mut s);
        // Dropping the socket and the listener: a crash mid-request.
    });
    let proxy = ProxyProcess::start(broker, &[]);
    let mut c = TcpStream::connect(proxy.addr).unwrap();
    c.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    send(&mut c, 3, 1, &ApiVersionsRequest::default());
    first.join().unwrap();
    // The client sees its connection end, not a hang.
    assert_eq!(c.read(&mut [0u8; 1]).unwrap_or(0), 0);
    // While the broker is down, a new client is refused cleanly.
    let mut c = TcpStream::connect(proxy.addr).unwrap();
    c.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    assert_eq!(c.read(&mut [0u8; 1]).unwrap_or(0), 0);
    // The broker comes back on the same port; the proxy carries on.
    let listener = TcpListener::bind(broker).unwrap();
    scripted_broker(listener, broker);
    let mut c = TcpStream::connect(proxy.addr).unwrap();
    send(&mut c, 3, 7, &ApiVersionsRequest::default());
    let (h, _) =
        frame::decode_response::<ApiVersionsResponse>(read_frame(&mut c).unwrap(), 3).unwrap();
    assert_eq!(h.correlation_id, 7);
    let stderr = proxy.stderr();
    assert!(stderr.contains("cannot reach the broker"), "{stderr}");
    let (code, stderr) = proxy.stop();
    assert_eq!(code, Some(0), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn a_client_that_stops_reading_cannot_make_the_proxy_buffer_without_limit() {
    // The broker answers one request with 1 MiB frames as fast as the proxy
    // takes them; the client never reads. What the broker manages to write
    // is bounded by the socket buffers and one frame in the proxy.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let broker = listener.local_addr().unwrap();
    let written = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&written);
    thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        let mut f = read_frame(&mut s).unwrap();
        let h = frame::decode_request_header(&mut f).unwrap();
        // ApiVersions v0 responses: correlation id, then a body the proxy
        // prints as an error (it is not an ApiVersions body); the size is
        // what matters.
        let mut big = vec![0u8; 1 << 20];
        let size = u32::try_from(big.len() - 4).unwrap();
        big[..4].copy_from_slice(&size.to_be_bytes());
        big[4..8].copy_from_slice(&h.correlation_id.to_be_bytes());
        while s.write_all(&big).is_ok() {
            counter.fetch_add(big.len(), Ordering::Relaxed);
        }
    });
    let proxy = ProxyProcess::start(broker, &["--no-records", "--text"]);
    let mut c = TcpStream::connect(proxy.addr).unwrap();
    send(&mut c, 0, 1, &ApiVersionsRequest::default());
    thread::sleep(Duration::from_secs(3));
    let stalled = written.load(Ordering::Relaxed);
    thread::sleep(Duration::from_secs(1));
    assert_eq!(
        written.load(Ordering::Relaxed),
        stalled,
        "the broker is still writing: the proxy buffers"
    );
    assert!(
        stalled < 64 << 20,
        "{stalled} bytes written towards a client that reads nothing"
    );
    // The proxy's memory stays near one frame, not what was offered.
    let status = std::fs::read_to_string(format!("/proc/{}/status", proxy.child.id())).unwrap();
    let rss_kib: usize = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap();
    assert!(rss_kib < 64 * 1024, "peak RSS {rss_kib} KiB");
    // Reading now drains it.
    let mut buf = vec![0u8; 1 << 20];
    let mut got = 0;
    c.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    while got < 8 << 20 {
        got += c.read(&mut buf).unwrap();
    }
    assert!(written.load(Ordering::Relaxed) > stalled);
    drop(c);
    let (_, stderr) = proxy.stop();
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn frames_above_the_maximum_close_the_connection() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let broker = listener.local_addr().unwrap();
    scripted_broker(listener, broker);
    let proxy = ProxyProcess::start(broker, &["--max-frame-size", "1024"]);
    let mut c = TcpStream::connect(proxy.addr).unwrap();
    c.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    c.write_all(&2000i32.to_be_bytes()).unwrap();
    assert_eq!(c.read(&mut [0u8; 1]).unwrap_or(0), 0);
    let deadline = Instant::now() + Duration::from_secs(5);
    while !proxy.stderr().contains("frame") && Instant::now() < deadline {
        thread::sleep(Duration::from_millis(20));
    }
    let stderr = proxy.stderr();
    assert!(stderr.contains("client side"), "{stderr}");
    assert!(stderr.contains("2000"), "{stderr}");
    let codec = FrameCodec::with_max_frame_size(1024);
    assert!(codec.peek_size(&2000i32.to_be_bytes()).is_err());
}

#[test]
fn verify_reports_a_frame_that_does_not_re_encode_byte_for_byte() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let broker = listener.local_addr().unwrap();
    scripted_broker(listener, broker);
    let proxy = ProxyProcess::start(broker, &[]);
    let mut c = TcpStream::connect(proxy.addr).unwrap();
    // ApiVersions v3 whose ClientSoftwareName length is the two-byte varint
    // 0x82 0x00 (2, "a" + 1): Kafka's reader accepts it, the canonical
    // encoding is the one byte 0x02.
    let frame: &[u8] = &[
        0, 18, 0, 3, 0, 0, 0, 9, 0, 1, b'c', 0, // header v2
        0x82, 0x00, b'a', 0x02, b'1', 0, // body
    ];
    let mut wire = u32::try_from(frame.len()).unwrap().to_be_bytes().to_vec();
    wire.extend_from_slice(frame);
    c.write_all(&wire).unwrap();
    let (h, r) =
        frame::decode_response::<ApiVersionsResponse>(read_frame(&mut c).unwrap(), 3).unwrap();
    assert_eq!((h.correlation_id, r.error_code), (9, 0));
    let request = proxy.line();
    assert_eq!(request["api"], "ApiVersions");
    assert_eq!(request["body"]["clientSoftwareName"], "a");
    let how = request["reencoded"].as_str().unwrap();
    assert!(how.starts_with("differs at byte 12"), "{how}");
    assert_eq!(proxy.line()["reencoded"], "identical");
    drop(c);
    let (code, stderr) = proxy.stop();
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("request ApiVersions v3 correlation id 9: re-encoding differs at byte 12"),
        "{stderr}"
    );
    assert!(
        stderr.contains("1 re-encoded byte for byte, 1 differ"),
        "{stderr}"
    );
}
