//! kafka-dump against Wireshark's Kafka dissector: the frames Wireshark
//! understands must have the same API, version, correlation id, direction,
//! connection, packet and capture time in both.
//!
//! The golden files (`*.tshark.tsv` next to the captures) are tshark's output,
//! made with the command in kafka-protocol/tests/data/README.md;
//! `live_tshark_agrees` runs tshark itself when it is installed.

mod common;

use std::collections::HashMap;
use std::process::Command;

use common::{data, json};

/// What both tools say about one frame.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Frame {
    connection: u64,
    packet: u64,
    /// Seconds since the epoch with 9 decimals, as tshark's
    /// `frame.time_epoch` prints them.
    time: String,
    correlation_id: i64,
    direction: String,
    api: String,
    api_key: i64,
    version: i64,
}

/// What Wireshark 4.0's dissector reads: API keys 0-47, Produce up to v8,
/// Fetch up to v11, Metadata up to v9.
fn wireshark_understands(api_key: i64, version: i64) -> bool {
    match api_key {
        0 => version <= 8,
        1 => version <= 11,
        3 => version <= 9,
        k => (0..=47).contains(&k),
    }
}

/// The tshark field list of the golden files.
const FIELDS: &[&str] = &[
    "frame.number",
    "tcp.stream",
    "kafka.correlation_id",
    "kafka.request_key",
    "kafka.api_version",
    "kafka.request_frame",
    "_ws.col.Info",
    "frame.time_epoch",
];

/// Reads `tshark -T fields -E header=y` output with [`FIELDS`].
fn parse_tshark(tsv: &str) -> Vec<Frame> {
    let mut lines = tsv.lines();
    let header: Vec<&str> = lines.next().expect("header line").split('\t').collect();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| *h == name)
            .unwrap_or_else(|| panic!("no column {name} in {header:?}"))
    };
    let [
        number,
        stream,
        correlation,
        key,
        version,
        request_frame,
        info,
        time,
    ] = [0, 1, 2, 3, 4, 5, 6, 7].map(|i| col(FIELDS[i]));
    // Requests by packet number, for the responses that point at them.
    let mut requests: HashMap<u64, (i64, i64)> = HashMap::new();
    let mut frames = Vec::new();
    for line in lines {
        let f: Vec<&str> = line.split('\t').collect();
        let field = |i: usize| f.get(i).copied().unwrap_or("");
        assert!(
            !field(correlation).contains(','),
            "a packet with several Kafka PDUs, which this reader does not split: {line}"
        );
        if field(info).contains("(Undecoded") {
            continue; // Wireshark did not read it (a response to a request it did not understand)
        }
        let int = |i: usize| -> i64 {
            field(i)
                .parse()
                .unwrap_or_else(|_| panic!("field {i} of {line:?} is not a number"))
        };
        // "Kafka Fetch v11 Request" (and "[Unsupported version]" after it).
        let words: Vec<&str> = field(info).split_whitespace().collect();
        let [kafka, name, v, direction, ..] = words.as_slice() else {
            panic!("unexpected Info column: {line}");
        };
        assert_eq!(*kafka, "Kafka", "{line}");
        let info_version: i64 = v
            .strip_prefix('v')
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("no version in {line}"));
        let packet = int(number) as u64;
        let (api_key, version) = match *direction {
            "Request" => {
                let kv = (int(key), int(version));
                requests.insert(packet, kv);
                kv
            }
            "Response" => *requests
                .get(&(int(request_frame) as u64))
                .unwrap_or_else(|| panic!("response to an unknown request: {line}")),
            other => panic!("direction {other} in {line}"),
        };
        assert_eq!(version, info_version, "{line}");
        // Wireshark's name for ListOffsets; its other names for keys 0-47
        // are Kafka's (`tshark -G values`).
        let api = if *name == "Offsets" {
            "ListOffsets"
        } else {
            name
        };
        frames.push(Frame {
            connection: int(stream) as u64 + 1,
            packet,
            time: field(time).to_owned(),
            correlation_id: int(correlation),
            direction: direction.to_lowercase(),
            api: api.to_owned(),
            api_key,
            version,
        });
    }
    frames
}

/// RFC 3339 times as seconds since the epoch with 9 decimals, converted by
/// GNU date (coreutils), which shares no code with kafka-dump.
fn epoch_seconds(times: &[String]) -> Vec<String> {
    let mut child = Command::new("date")
        .args(["-u", "-f", "-", "+%s.%N"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("run date (coreutils)");
    let mut input = times.join("\n");
    input.push('\n');
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), input.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "date could not read {times:?}");
    let lines: Vec<String> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect();
    assert_eq!(lines.len(), times.len());
    lines
}

/// kafka-dump's frames of `capture` that Wireshark understands; fails if any
/// frame does not decode.
fn ours(capture: &str) -> Vec<Frame> {
    let path = data(capture);
    let lines = json(&[path.to_str().unwrap()], 0);
    assert!(!lines.is_empty());
    let times: Vec<String> = lines
        .iter()
        .map(|v| {
            v["time"]
                .as_str()
                .unwrap_or_else(|| panic!("{capture}: no time in {v}"))
                .to_owned()
        })
        .collect();
    let epochs = epoch_seconds(&times);
    lines
        .iter()
        .zip(epochs)
        .map(|(v, time)| {
            assert!(v.get("error").is_none(), "{capture}: {v}");
            let int = |name: &str| {
                v[name]
                    .as_i64()
                    .unwrap_or_else(|| panic!("{capture}: no {name} in {v}"))
            };
            Frame {
                connection: int("connection") as u64,
                packet: int("packet") as u64,
                time,
                correlation_id: int("correlationId"),
                direction: v["direction"].as_str().unwrap().to_owned(),
                api: v["api"].as_str().unwrap().to_owned(),
                api_key: int("apiKey"),
                version: int("apiVersion"),
            }
        })
        .filter(|f| wireshark_understands(f.api_key, f.version))
        .collect()
}

fn compare(capture: &str, tshark_output: &str) {
    compare_times_cut(capture, tshark_output, 9);
}

/// [`compare`], with tshark's times cut to `digits` decimals (a capture
/// converted to a coarser clock; editcap truncates).
fn compare_times_cut(capture: &str, tshark_output: &str, digits: usize) {
    let mut theirs: Vec<Frame> = parse_tshark(tshark_output)
        .into_iter()
        .filter(|f| wireshark_understands(f.api_key, f.version))
        .map(|mut f| {
            let (secs, frac) = f.time.split_once('.').expect("decimals");
            assert_eq!(frac.len(), 9, "{}", f.time);
            f.time = format!("{secs}.{:0<9}", &frac[..digits]);
            f
        })
        .collect();
    let mut ours = ours(capture);
    theirs.sort();
    ours.sort();
    assert!(!theirs.is_empty(), "{capture}: Wireshark found no frames");
    assert_eq!(
        ours, theirs,
        "{capture}: kafka-dump (left) and Wireshark (right) differ"
    );
}

#[test]
fn golden_kcat_produce_consume() {
    let golden =
        include_str!("../../kafka-protocol/tests/data/kcat-2.0.2-produce-consume-mock.tshark.tsv");
    compare("kcat-2.0.2-produce-consume-mock.pcap", golden);
    // 23 frames: ApiVersions v3 and v0, Metadata v2, Produce v7, ListOffsets
    // v2, Fetch v11 (the last without a response).
    assert_eq!(parse_tshark(golden).len(), 23);
}

#[test]
fn golden_kcat_lz4_pcapng_and_its_pcap() {
    let golden = include_str!(
        "../../kafka-protocol/tests/data/kcat-2.0.2-lz4-produce-consume-mock.tshark.tsv"
    );
    assert_eq!(parse_tshark(golden).len(), 27);
    compare("kcat-2.0.2-lz4-produce-consume-mock.pcapng", golden);
    // `editcap -F pcap` of it: same packets, same numbers, times in
    // microseconds (the pcapng's interface counts nanoseconds).
    compare_times_cut("kcat-2.0.2-lz4-produce-consume-mock.pcap", golden, 6);
}

/// tshark on the committed captures, now. Without tshark this fails, unless
/// KAFKA_WIRE_SKIP_PEERS=1 says to skip the tests that need other programs.
#[test]
fn live_tshark_agrees() {
    let found = Command::new("tshark").arg("--version").output();
    if found.is_err() {
        if std::env::var("KAFKA_WIRE_SKIP_PEERS").as_deref() == Ok("1") {
            println!("SKIPPED: tshark is not installed (KAFKA_WIRE_SKIP_PEERS=1)");
            return;
        }
        panic!(
            "tshark is not installed: install the Debian package `tshark` \
             (apt-get install tshark), or set KAFKA_WIRE_SKIP_PEERS=1 to skip this test"
        );
    }
    for &(capture, port) in common::CAPTURES {
        let mut args = vec![
            "-r".to_owned(),
            data(capture).to_str().unwrap().to_owned(),
            "-d".to_owned(),
            format!("tcp.port=={port},kafka"),
            "-Y".to_owned(),
            "kafka".to_owned(),
            "-T".to_owned(),
            "fields".to_owned(),
            "-E".to_owned(),
            "header=y".to_owned(),
        ];
        for f in FIELDS {
            args.push("-e".to_owned());
            args.push((*f).to_owned());
        }
        let out = Command::new("tshark")
            .args(&args)
            .output()
            .expect("run tshark");
        assert!(
            out.status.success(),
            "tshark {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        compare(capture, &String::from_utf8(out.stdout).expect("UTF-8"));
    }
}
