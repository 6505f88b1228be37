//! Hex dumps of frames and captures give exactly what the bytes give.
//!
//! The dumps in tests/data were made with the real tools (see
//! tests/data/README.md): `xxd`, `xxd -p`, `hexdump -C`.

mod common;

use common::{data, json, own_data, parse_lines, run};

fn path(p: std::path::PathBuf) -> String {
    p.to_str().unwrap().to_owned()
}

#[test]
fn xxd_of_a_request_frame() {
    let hex = json(
        &[
            "--hex",
            "--requests",
            &path(own_data("apiversions-v3-request.xxd")),
        ],
        0,
    );
    let bin = json(
        &[
            "--requests",
            &path(data("librdkafka-2.16.0-apiversions-v3-request.bin")),
        ],
        0,
    );
    assert_eq!(hex, bin);
    assert_eq!(hex.len(), 1);
    let f = &hex[0];
    assert_eq!(f["direction"], "request");
    assert_eq!(f["api"], "ApiVersions");
    assert_eq!(f["apiKey"], 18);
    assert_eq!(f["apiVersion"], 3);
    assert_eq!(f["correlationId"], 1);
    assert_eq!(f["clientId"], "rdkafka");
    assert_eq!(f["offset"], 0);
    assert_eq!(f["size"], 64);
    assert_eq!(f["body"]["clientSoftwareName"], "confluent-kafka-python");
    assert_eq!(f["body"]["clientSoftwareVersion"], "2.16.1-rdkafka-2.16.0");
}

#[test]
fn hexdump_c_and_xxd_p_of_two_response_frames() {
    let mut both = std::fs::read(data("librdkafka-2.0.2-mock-apiversions-v0.bin")).unwrap();
    both.extend(std::fs::read(data("librdkafka-2.16.0-mock-apiversions-v0.bin")).unwrap());
    let out = run(&["--responses", "ApiVersions:0", "-"], &both);
    assert_eq!(out.status.code(), Some(0));
    let bin = parse_lines(&out.stdout);
    assert_eq!(bin.len(), 2);
    assert_eq!(bin[0]["offset"], 0);
    assert_eq!(bin[1]["offset"], 116);
    for f in &bin {
        assert_eq!(f["api"], "ApiVersions");
        assert_eq!(f["apiVersion"], 0);
        assert_eq!(f["correlationId"], 2);
        assert!(f.get("error").is_none(), "{f}");
    }
    assert_eq!(bin[0]["body"]["apiKeys"].as_array().unwrap().len(), 17);
    assert_eq!(bin[1]["body"]["apiKeys"].as_array().unwrap().len(), 24);
    for dump in [
        "apiversions-v0-responses.hexdump-C",
        "apiversions-v0-responses.xxd-p",
    ] {
        let hex = json(&["--hex", "--responses", "18:0", &path(own_data(dump))], 0);
        assert_eq!(hex, bin, "{dump}");
    }
}

#[test]
fn plain_hex_of_a_capture_on_stdin() {
    let pcap = std::fs::read(data("kcat-2.0.2-produce-consume-mock.pcap")).unwrap();
    // Pairs separated by spaces, 32 bytes a line (as `tshark -x` or `od` would
    // leave it once the offsets are cut).
    let mut text = String::new();
    for line in pcap.chunks(32) {
        let pairs: Vec<String> = line.iter().map(|b| format!("{b:02X}")).collect();
        text.push_str(&pairs.join(" "));
        text.push('\n');
    }
    let out = run(&["--hex", "-"], text.as_bytes());
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let direct = json(&[&path(data("kcat-2.0.2-produce-consume-mock.pcap"))], 0);
    assert_eq!(parse_lines(&out.stdout), direct);
    assert_eq!(direct.len(), 23);
}

#[test]
fn bad_hex_is_an_error_naming_the_line() {
    let out = run(&["--hex", "--requests", "-"], b"0000 0040\n0012 00zz\n");
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("hex dump line 2"), "{err}");
    assert!(err.contains("'z' is not a hex digit"), "{err}");
}
