//! Captures read as a stream: through a pipe in small pieces (the output
//! is the file's, and the first frame comes out before the input ends), with
//! TCP segments lost (the stream resynchronises at the next frame and the
//! gap is reported), and large (memory stays flat).

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use common::{data, parse_lines, run};
use kafka_dump::dump::{Dumper, Format, Limits, Options};
use kafka_dump::synth::{PcapWriter, TcpConn, Workload, batch, round_frames, write_workload};
use kafkawire_records::Compression;
use serde_json::Value;

fn path(name: &str) -> String {
    data(name).to_str().unwrap().to_owned()
}

/// Starts kafka-dump reading standard input. A watchdog kills it after two
/// minutes, so a regression that stops it from finishing fails the test
/// (its output ends early) instead of hanging the suite.
fn spawn(args: &[&str], stdout: Stdio) -> std::process::Child {
    let child = Command::new(env!("CARGO_BIN_EXE_kafka-dump"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(stdout)
        .stderr(Stdio::piped())
        .spawn()
        .expect("start kafka-dump");
    let pid = child.id().to_string();
    std::thread::spawn(move || {
        std::thread::sleep(Duration::from_secs(120));
        let _ = Command::new("kill").args(["-9", &pid]).status();
    });
    child
}

#[test]
fn a_capture_piped_in_7_byte_pieces_is_dumped_as_it_comes() {
    for (name, format) in [
        ("kcat-2.0.2-lz4-produce-consume-mock.pcapng", "--json"),
        ("kcat-2.0.2-produce-consume-mock.pcap", "--text"),
    ] {
        let whole = std::fs::read(data(name)).unwrap();
        let from_file = run(&[format, &path(name)], b"");
        assert_eq!(from_file.status.code(), Some(0));

        let mut child = spawn(&[format, "-"], Stdio::piped());
        let mut stdin = child.stdin.take().unwrap();
        let (first_line_tx, first_line_rx) = mpsc::channel::<()>();
        let half = whole.len() / 2;
        let writer = std::thread::spawn(move || {
            for (i, piece) in whole.chunks(7).enumerate() {
                stdin.write_all(piece).unwrap();
                stdin.flush().unwrap();
                if i % 8 == 0 {
                    std::thread::sleep(Duration::from_millis(1));
                }
                if (i + 1) * 7 == half.next_multiple_of(7) {
                    // Half the capture is in: the first frame must be out
                    // before any more comes.
                    let early = first_line_rx.recv_timeout(Duration::from_secs(20)).is_ok();
                    if !early {
                        return false;
                    }
                }
            }
            true // stdin dropped here: the end of the input
        });
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut first = String::new();
        stdout.read_line(&mut first).unwrap();
        assert!(!first.is_empty(), "{name}: no output at all");
        let _ = first_line_tx.send(());
        let mut rest = Vec::new();
        stdout.read_to_end(&mut rest).unwrap();
        let early = writer.join().unwrap();
        let status = child.wait().unwrap();
        let mut stderr = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut stderr)
            .unwrap();
        assert!(
            early,
            "{name}: the first frame came only after half the input"
        );
        assert_eq!(status.code(), Some(0), "{name}: {stderr}");
        let mut streamed = first.into_bytes();
        streamed.extend_from_slice(&rest);
        assert_eq!(
            String::from_utf8_lossy(&streamed),
            String::from_utf8_lossy(&from_file.stdout),
            "{name}"
        );
        assert!(
            stderr.contains(" frames, 0 problems, 2 connections"),
            "{stderr}"
        );
    }
}

/// A synthetic connection of `rounds` rounds (Produce, its response, Fetch,
/// its response: correlation ids 2r+1 and 2r+2), in segments of 64 bytes,
/// without the segments at the indices of `drop` (counted over the whole
/// capture). Returns the capture, the length of each frame in order
/// (size prefix included), and the length of every dropped segment.
fn lossy_capture(rounds: i32, drop: &[usize]) -> (Vec<u8>, Vec<usize>, Vec<usize>) {
    let mut w = PcapWriter::new(Vec::new()).unwrap();
    let mut conn = TcpConn::new(30_000);
    let mut packets = conn.open();
    let mut lengths = Vec::new();
    let mut seed = 7;
    for round in 0..rounds {
        let offset = i64::from(round) * 3;
        let records = batch(Compression::NONE, offset, 3, 60, &mut seed).unwrap();
        for (to_server, frame) in round_frames(round, offset, records).unwrap() {
            lengths.push(frame.len());
            packets.extend(conn.send(to_server, &frame, 64));
        }
    }
    packets.extend(conn.close());
    let mut dropped = Vec::new();
    for (i, p) in packets.iter().enumerate() {
        if drop.contains(&i) {
            dropped.push(p.len() - 40);
        } else {
            w.packet(p).unwrap();
        }
    }
    (w.into_inner(), lengths, dropped)
}

/// Index of the `k`th packet of frame `frame` in [`lossy_capture`]'s
/// packets (3 packets open the connection).
fn packet_of(lengths: &[usize], frame: usize, k: usize) -> usize {
    3 + lengths[..frame]
        .iter()
        .map(|l| l.div_ceil(64))
        .sum::<usize>()
        + k
}

#[test]
fn lost_segments_are_skipped_and_reported() {
    // Round 2's Produce request (frame 8) and round 3's Fetch response
    // (frame 15) each lose their second segment.
    let (_, lengths, _) = lossy_capture(6, &[]);
    let drop = [packet_of(&lengths, 8, 1), packet_of(&lengths, 15, 1)];
    let (capture, lengths, dropped) = lossy_capture(6, &drop);
    assert_eq!(dropped, [64, 64]);
    let (full, _, _) = lossy_capture(6, &[]);
    let all = parse_lines(&run(&["-"], &full).stdout);
    assert_eq!(all.len(), 24);

    let out = run(&["-"], &capture);
    assert_eq!(out.status.code(), Some(1));
    let got = parse_lines(&out.stdout);
    let (frames, problems): (Vec<&Value>, Vec<&Value>) =
        got.iter().partition(|f| f.get("error").is_none());
    // Every frame but the two cut ones, and the Produce response whose
    // request was lost (an unmatched response is a problem).
    let key = |f: &Value| {
        (
            f["direction"].as_str().unwrap().to_owned(),
            f["correlationId"].as_i64().unwrap(),
        )
    };
    let mut expected: Vec<_> = all.iter().map(key).collect();
    expected.retain(|k| {
        *k != ("request".into(), 5) && *k != ("response".into(), 5) && *k != ("response".into(), 8)
    });
    let mut found: Vec<_> = frames.iter().map(|f| key(f)).collect();
    found.sort_by_key(|(d, id)| (*id, d.clone()));
    expected.sort_by_key(|(d, id)| (*id, d.clone()));
    assert_eq!(found, expected);
    // Frames after the gaps are the file's, byte for byte in JSON.
    for f in &frames {
        let same = all.iter().find(|a| key(a) == key(f)).unwrap();
        let strip = |v: &Value| {
            let mut v = v.clone();
            v.as_object_mut().unwrap().remove("packet");
            v.as_object_mut().unwrap().remove("time");
            v
        };
        assert_eq!(strip(f), strip(same));
    }
    let gaps: Vec<&&Value> = problems
        .iter()
        .filter(|p| p.get("missingBytes").is_some())
        .collect();
    assert_eq!(gaps.len(), 2, "{problems:?}");
    for (gap, (direction, frame)) in gaps.iter().zip([("request", 8), ("response", 15)]) {
        assert_eq!(gap["direction"], direction);
        assert_eq!(gap["missingBytes"], 64);
        // The rest of the cut frame: its first segment and what follows
        // the lost one.
        assert_eq!(gap["skippedBytes"], lengths[frame] as u64 - 64, "{gap}");
        assert!(
            gap["error"]
                .as_str()
                .unwrap()
                .starts_with("gap in the stream: 64 bytes missing"),
            "{gap}"
        );
    }
    let unmatched: Vec<_> = problems
        .iter()
        .filter(|p| p.get("missingBytes").is_none())
        .collect();
    assert_eq!(unmatched.len(), 1, "{unmatched:?}");
    assert_eq!(unmatched[0]["correlationId"], 5);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let skipped = lengths[8] + lengths[15] - 128;
    assert!(
        stderr.contains(&format!(
            "21 frames, 3 problems, 1 connections, 2 gaps (128 bytes missing, {skipped} bytes skipped to the next frame)"
        )),
        "{stderr}"
    );

    // With a small wait for retransmissions, the gap is given up on
    // mid-stream: its report comes in order, just before the first frame
    // after it in that direction.
    let options = Options {
        format: Format::Text,
        limits: Limits {
            pending_segments: 3,
            ..Limits::default()
        },
        ..Options::default()
    };
    let mut d = Dumper::new(Vec::new(), options);
    d.dump_capture(&capture).unwrap().unwrap();
    let summary = d.summary();
    assert_eq!((summary.gaps, summary.missing_bytes), (2, 128));
    assert_eq!(summary.skipped_bytes, skipped as u64);
    let text = String::from_utf8(d.into_inner()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let gap = lines
        .iter()
        .position(|l| l.contains("gap in the stream"))
        .unwrap();
    assert!(
        lines[gap + 1].contains("request  Fetch v12 correlation_id=6"),
        "{text}"
    );
    let gap2 = lines
        .iter()
        .rposition(|l| l.contains("gap in the stream"))
        .unwrap();
    assert!(lines[gap2].starts_with("#1 response"), "{text}");
    assert!(
        lines[gap2 + 1..]
            .iter()
            .find(|l| l.starts_with("#1 response"))
            .unwrap()
            .contains("correlation_id=9"),
        "{text}"
    );
}

/// Peak resident memory of process `pid` (VmHWM), in KiB.
#[cfg(target_os = "linux")]
fn peak_rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

#[cfg(target_os = "linux")]
#[test]
fn memory_stays_flat_on_a_large_capture() {
    // 64 MiB of capture, written to the tool's standard input as it is
    // generated: peak memory must stay far below it.
    let mut child = spawn(&["--no-records", "-"], Stdio::null());
    let pid = child.id();
    let stdin = std::io::BufWriter::new(child.stdin.take().unwrap());
    let mut w = PcapWriter::new(stdin).unwrap();
    let workload = Workload {
        connections: 40,
        target_bytes: 64 << 20,
        ..Workload::default()
    };
    let frames = write_workload(&mut w, &workload).unwrap();
    let written = w.written();
    let mut stdin = w.into_inner();
    stdin.flush().unwrap();
    // Near the end, before the input closes (the process still runs).
    std::thread::sleep(Duration::from_millis(200));
    let peak = peak_rss_kib(pid);
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains(&format!("{frames} frames, 0 problems, 40 connections")),
        "{stderr}"
    );
    assert!(written >= 64 << 20);
    assert!(
        peak < 32 * 1024,
        "peak RSS {peak} KiB for a {written}-byte capture"
    );
}

#[cfg(unix)]
#[test]
fn ctrl_c_ends_a_live_dump_with_its_summary() {
    // A capture that has not ended (its writer keeps the pipe open), then
    // SIGINT: the frames so far are out, the summary says so, exit 0.
    let whole = std::fs::read(data("kcat-2.0.2-produce-consume-mock.pcap")).unwrap();
    let mut child = spawn(&["--text", "-"], Stdio::piped());
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(&whole).unwrap();
    stdin.flush().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    for _ in 0..23 {
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        assert!(line.starts_with('#'), "{line:?}");
    }
    let killed = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("run kill");
    assert!(killed.success());
    let status = child.wait().unwrap();
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    drop(stdin);
    assert_eq!(status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("kafka-dump: 23 frames, 0 problems, 2 connections (interrupted)"),
        "{stderr}"
    );
}

#[test]
fn a_file_of_frames_is_dumped_as_it_comes() {
    // Two request frames; the second is written only once the first has
    // been printed.
    let frame = std::fs::read(data("librdkafka-2.16.0-apiversions-v3-request.bin")).unwrap();
    let mut child = spawn(&["--requests", "--text", "-"], Stdio::piped());
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    stdin.write_all(&frame).unwrap();
    stdin.flush().unwrap();
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    assert!(
        first.starts_with("#0 request  ApiVersions v3 correlation_id=1")
            && first.contains("offset 0"),
        "{first:?}"
    );
    stdin.write_all(&frame).unwrap();
    drop(stdin);
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).unwrap();
    assert!(child.wait().unwrap().success());
    assert!(rest.contains(&format!("offset {}", frame.len())), "{rest}");
    assert_eq!(rest.lines().count(), 1);
}

#[test]
fn a_hex_dump_is_decoded_as_it_comes() {
    // `xxd -p` of two request frames; the second frame's lines are written
    // only once the first frame has been printed.
    let frame = std::fs::read(data("librdkafka-2.16.0-apiversions-v3-request.bin")).unwrap();
    let hex_lines = |bytes: &[u8]| -> String {
        bytes
            .chunks(30)
            .map(|c| c.iter().map(|b| format!("{b:02x}")).collect::<String>() + "\n")
            .collect()
    };
    let mut child = spawn(&["--hex", "--requests", "--text", "-"], Stdio::piped());
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    // Three lines of 30 bytes: the first frame (68 bytes) and the start of
    // the second.
    let mut two = frame.clone();
    two.extend_from_slice(&frame);
    let text = hex_lines(&two);
    let first_part: String = text.lines().take(3).map(|l| format!("{l}\n")).collect();
    stdin.write_all(first_part.as_bytes()).unwrap();
    stdin.flush().unwrap();
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    assert!(
        first.starts_with("#0 request  ApiVersions v3 correlation_id=1"),
        "{first:?}"
    );
    stdin
        .write_all(&text.as_bytes()[first_part.len()..])
        .unwrap();
    drop(stdin);
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).unwrap();
    assert!(child.wait().unwrap().success());
    assert!(rest.contains(&format!("offset {}", frame.len())), "{rest}");
}
