//! The committed captures: every frame decodes, the JSON has the fields
//! promised, pcap and pcapng of the same packets give the same output, and
//! the text form is one line per frame.

mod common;

use common::{CAPTURES, data, json, run};
use serde_json::Value;

fn path(name: &str) -> String {
    data(name).to_str().unwrap().to_owned()
}

/// A capture, its number of frames, and the (packet, API) of the frames
/// that carry a note.
type Expected = (&'static str, usize, &'static [(u64, &'static str)]);

#[test]
fn every_frame_of_every_capture_decodes() {
    // (capture, frames, notes): the notes are the mocks' ApiVersions refusals
    // (read as Kafka's client does) and, from librdkafka 2.16.0, Metadata
    // v13 frames with bytes after the body (Wireshark calls them malformed).
    let expected: &[Expected] = &[
        (
            "kcat-2.0.2-produce-consume-mock.pcap",
            23,
            &[(6, "ApiVersions"), (22, "ApiVersions")],
        ),
        (
            "kcat-2.0.2-lz4-produce-consume-mock.pcapng",
            27,
            &[(6, "ApiVersions"), (24, "ApiVersions")],
        ),
        (
            "kcat-2.0.2-lz4-produce-consume-mock.pcap",
            27,
            &[(6, "ApiVersions"), (24, "ApiVersions")],
        ),
        (
            "librdkafka-2.0.2-mock-apiversions.pcap",
            8,
            &[(6, "ApiVersions")],
        ),
        (
            "librdkafka-2.16.0-mock-apiversions.pcap",
            8,
            &[
                (6, "ApiVersions"),
                (11, "Metadata"),
                (12, "Metadata"),
                (13, "Metadata"),
            ],
        ),
    ];
    assert_eq!(expected.len(), CAPTURES.len());
    for &(name, count, notes) in expected {
        let frames = json(&[&path(name)], 0);
        assert_eq!(frames.len(), count, "{name}");
        let mut noted = Vec::new();
        for f in &frames {
            assert!(f.get("error").is_none(), "{name}: {f}");
            for field in [
                "connection",
                "packet",
                "apiKey",
                "apiVersion",
                "correlationId",
                "size",
            ] {
                assert!(f[field].is_u64(), "{name}: {field} in {f}");
            }
            for field in ["client", "server", "api"] {
                assert!(f[field].is_string(), "{name}: {field} in {f}");
            }
            assert!(f["body"].is_object(), "{name}: {f}");
            match f["direction"].as_str() {
                Some("request") => assert_eq!(f["clientId"], "rdkafka", "{name}: {f}"),
                Some("response") => assert!(f.get("clientId").is_none()),
                _ => panic!("{name}: direction of {f}"),
            }
            if let Some(note) = f.get("note") {
                assert!(note.is_string());
                noted.push((f["packet"].as_u64().unwrap(), f["api"].as_str().unwrap()));
            }
        }
        assert_eq!(noted, notes, "{name}");
    }
}

#[test]
fn the_first_frames_in_full() {
    let frames = json(&[&path("kcat-2.0.2-produce-consume-mock.pcap")], 0);
    let strip_body = |f: &Value| {
        let mut f = f.clone();
        f.as_object_mut().unwrap().remove("body");
        f
    };
    assert_eq!(
        strip_body(&frames[0]),
        serde_json::json!({
            "connection": 1, "client": "127.0.0.1:33472", "server": "127.0.0.1:42109",
            "packet": 4, "time": "2026-11-21T01:36:52.447674Z",
            "direction": "request", "api": "ApiVersions", "apiKey": 18,
            "apiVersion": 3, "correlationId": 1, "clientId": "rdkafka", "size": 36,
        })
    );
    assert_eq!(
        strip_body(&frames[1]),
        serde_json::json!({
            "connection": 1, "client": "127.0.0.1:33472", "server": "127.0.0.1:42109",
            "packet": 6, "time": "2026-11-21T01:36:52.447798Z",
            "direction": "response", "api": "ApiVersions", "apiKey": 18,
            "apiVersion": 3, "correlationId": 1, "size": 17, "bodyReadAs": 3,
            "trailingBytes": 5,
            "note": "5 bytes after the body: read as Kafka's client reads ApiVersions responses, at v3",
        })
    );
    assert_eq!(
        frames[0]["body"],
        serde_json::json!({"clientSoftwareName": "librdkafka", "clientSoftwareVersion": "2.0.2"})
    );
    assert_eq!(frames[1]["body"]["errorCode"], 35);
    assert_eq!(frames[3]["body"]["errorCode"], 0);
    assert_eq!(
        frames[3]["body"]["apiKeys"][0],
        serde_json::json!({"apiKey": 0, "minVersion": 0, "maxVersion": 7})
    );
    // Bodies hold the fields of their version only, as Kafka's JSON
    // converters write them: ApiVersions v0 has no throttleTimeMs, Produce
    // v7 topics are named, with no topicId (v13+).
    let keys = |v: &Value| {
        let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
        k.sort();
        k
    };
    assert_eq!(keys(&frames[3]["body"]), ["apiKeys", "errorCode"]);
    let produce = frames.iter().find(|f| f["api"] == "Produce").unwrap();
    assert_eq!(produce["apiVersion"], 7);
    assert_eq!(
        keys(&produce["body"]),
        ["acks", "timeoutMs", "topicData", "transactionalId"]
    );
    assert_eq!(
        keys(&produce["body"]["topicData"][0]),
        ["name", "partitionData"]
    );
    // Connection 2 is the consumer.
    let fetch = frames.iter().find(|f| f["api"] == "Fetch").unwrap();
    assert_eq!(fetch["connection"], 2);
    assert_eq!(fetch["packet"], 32);
    assert_eq!(fetch["apiVersion"], 11);
}

#[test]
fn pcap_and_pcapng_of_the_same_packets_agree() {
    // The pcap (editcap's conversion) counts microseconds where the pcapng
    // counts nanoseconds: times agree once cut to microseconds.
    let mut pcapng = json(&[&path("kcat-2.0.2-lz4-produce-consume-mock.pcapng")], 0);
    let pcap = json(&[&path("kcat-2.0.2-lz4-produce-consume-mock.pcap")], 0);
    for f in &mut pcapng {
        let t = f["time"].as_str().unwrap();
        assert_eq!(t.len(), "2026-11-21T02:55:36.298180485Z".len(), "{t}");
        f["time"] = Value::from(format!("{}Z", &t[..t.len() - 4]));
    }
    assert_eq!(pcapng, pcap);
    let text_ng = run(
        &[
            "--text",
            &path("kcat-2.0.2-lz4-produce-consume-mock.pcapng"),
        ],
        b"",
    );
    let text = run(
        &["--text", &path("kcat-2.0.2-lz4-produce-consume-mock.pcap")],
        b"",
    );
    // "..., 2026-11-21T02:55:36.298180485Z)" -> "...36.298180Z)"
    let cut = |out: &[u8]| -> Vec<String> {
        let text = String::from_utf8(out.to_vec()).unwrap();
        text.lines()
            .map(|l| match l.find("Z)") {
                Some(z) if l[..z].rsplit('.').next().is_some_and(|f| f.len() == 9) => {
                    format!("{}{}", &l[..z - 3], &l[z..])
                }
                _ => l.to_owned(),
            })
            .collect()
    };
    assert_eq!(cut(&text_ng.stdout), cut(&text.stdout));
}

#[test]
fn text_is_one_line_per_frame() {
    let out = run(
        &["--text", &path("kcat-2.0.2-produce-consume-mock.pcap")],
        b"",
    );
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 23);
    assert_eq!(
        lines[0],
        r#"#1 request  ApiVersions v3 correlation_id=1 client_id="rdkafka" (36 bytes, packet 4, 2026-11-21T01:36:52.447674Z)"#
    );
    assert_eq!(
        lines[3],
        "#1 response ApiVersions v0 correlation_id=2 (112 bytes, packet 9, 2026-11-21T01:36:52.447856Z)"
    );
    assert_eq!(
        lines[22],
        r#"#2 request  Fetch v11 correlation_id=8 client_id="rdkafka" (88 bytes, packet 37, 2026-11-21T01:36:52.968279Z)"#
    );
    // The shape compare-with-tshark.sh reads.
    for line in &lines {
        let (conn, rest) = line.split_once(' ').unwrap();
        assert!(
            conn.starts_with('#') && conn[1..].parse::<u32>().is_ok(),
            "{line}"
        );
        let words: Vec<&str> = rest.split_whitespace().collect();
        assert!(matches!(words[0], "request" | "response"), "{line}");
        assert!(
            words[2].starts_with('v') && words[2][1..].parse::<u16>().is_ok(),
            "{line}"
        );
        assert!(words[3].starts_with("correlation_id="), "{line}");
    }
}

#[test]
fn port_filter() {
    let all = json(&[&path("kcat-2.0.2-produce-consume-mock.pcap")], 0);
    assert_eq!(
        json(
            &[
                "--port",
                "42109",
                &path("kcat-2.0.2-produce-consume-mock.pcap")
            ],
            0
        ),
        all
    );
    // The consumer's client port: connection 2 only.
    let conn2 = json(
        &[
            "--port",
            "33478",
            &path("kcat-2.0.2-produce-consume-mock.pcap"),
        ],
        0,
    );
    assert!(!conn2.is_empty());
    assert!(conn2.iter().all(|f| f["client"] == "127.0.0.1:33478"));
    assert_eq!(
        conn2.len(),
        all.iter().filter(|f| f["connection"] == 2).count()
    );
    assert!(
        json(
            &[
                "--port",
                "9092",
                &path("kcat-2.0.2-produce-consume-mock.pcap")
            ],
            0
        )
        .is_empty()
    );
}

#[test]
fn pretty_is_the_same_json() {
    let out = run(
        &["--pretty", &path("librdkafka-2.0.2-mock-apiversions.pcap")],
        b"",
    );
    assert_eq!(out.status.code(), Some(0));
    let pretty: Vec<Value> = serde_json::Deserializer::from_slice(&out.stdout)
        .into_iter()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        pretty,
        json(&[&path("librdkafka-2.0.2-mock-apiversions.pcap")], 0)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("\n  \"connection\": 1,\n"));
}
