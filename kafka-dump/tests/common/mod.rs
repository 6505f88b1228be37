//! Helpers shared by the integration tests: running the binary, the data
//! files, reading its JSON Lines output.
#![allow(dead_code)] // each test file uses a different part

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

/// A file in kafkawire's test data (the captures and frames).
pub(crate) fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../kafka-protocol/tests/data")
        .join(name)
}

/// A file in this crate's test data (hex dumps).
pub(crate) fn own_data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

/// Runs kafka-dump with `args`, `stdin` on its standard input.
pub(crate) fn run(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kafka-dump"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start kafka-dump");
    let mut input = child.stdin.take().expect("stdin");
    // A write error means the tool stopped reading early: its output says why.
    let _ = input.write_all(stdin);
    drop(input);
    child.wait_with_output().expect("wait for kafka-dump")
}

/// Runs kafka-dump on a file and returns its JSON output, one value per line,
/// asserting that it exited with `code`.
pub(crate) fn json(args: &[&str], code: i32) -> Vec<Value> {
    let out = run(args, b"");
    assert_eq!(
        out.status.code(),
        Some(code),
        "kafka-dump {args:?}: stderr {}",
        String::from_utf8_lossy(&out.stderr)
    );
    parse_lines(&out.stdout)
}

/// Parses JSON Lines, failing on any line that is not one JSON object.
pub(crate) fn parse_lines(stdout: &[u8]) -> Vec<Value> {
    let text = std::str::from_utf8(stdout).expect("UTF-8 output");
    text.lines()
        .enumerate()
        .map(|(i, line)| {
            let v: Value = serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("line {}: not JSON ({e}): {line}", i + 1));
            assert!(v.is_object(), "line {}: not an object: {line}", i + 1);
            v
        })
        .collect()
}

/// The committed captures and the port of the mock broker in each.
pub(crate) const CAPTURES: &[(&str, u16)] = &[
    ("kcat-2.0.2-produce-consume-mock.pcap", 42109),
    ("kcat-2.0.2-lz4-produce-consume-mock.pcapng", 43505),
    ("kcat-2.0.2-lz4-produce-consume-mock.pcap", 43505),
    ("librdkafka-2.0.2-mock-apiversions.pcap", 42109),
    ("librdkafka-2.16.0-mock-apiversions.pcap", 38169),
];
