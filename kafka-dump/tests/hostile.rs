//! Truncated, corrupted and garbage input: errors are printed, nothing panics,
//! and what could be read before the problem is still printed.

mod common;

use common::{data, parse_lines, run};
use kafka_dump::dump::{Dumper, Format, Options};

fn path(name: &str) -> String {
    data(name).to_str().unwrap().to_owned()
}

/// Dumps `bytes` in-process (a panic fails the test), as JSON, which must
/// parse, and as text when `text`. Returns the number of problems reported.
fn dump_with(bytes: &[u8], text: bool) -> usize {
    let formats: &[Format] = if text {
        &[Format::Json, Format::Text]
    } else {
        &[Format::Json]
    };
    let mut problems = 0;
    for &format in formats {
        let options = Options {
            format,
            ..Options::default()
        };
        let mut d = Dumper::new(Vec::new(), options);
        let read = d.dump_capture(bytes).expect("writing to memory");
        problems = d.problems();
        if read.is_err() {
            assert!(problems > 0, "a capture error not counted");
        }
        let out = d.into_inner();
        if format == Format::Json {
            parse_lines(&out);
        }
    }
    problems
}

fn dump(bytes: &[u8]) -> usize {
    dump_with(bytes, true)
}

/// The JSON frames (not the problems) of a dump of `bytes`.
fn frames(bytes: &[u8]) -> Vec<serde_json::Value> {
    let mut d = Dumper::new(Vec::new(), Options::default());
    d.dump_capture(bytes).expect("writing to memory").ok();
    parse_lines(&d.into_inner())
        .into_iter()
        .filter(|f| f.get("error").is_none())
        .collect()
}

/// Where each block (pcapng) or record (pcap) of a little-endian capture ends.
fn boundaries(file: &[u8], pcapng: bool) -> Vec<usize> {
    let u32_at = |at: usize| u32::from_le_bytes(file[at..at + 4].try_into().unwrap()) as usize;
    let mut at = if pcapng { 0 } else { 24 };
    let mut ends = vec![at];
    while at < file.len() {
        at += if pcapng {
            u32_at(at + 4)
        } else {
            16 + u32_at(at + 8)
        };
        ends.push(at);
    }
    assert_eq!(at, file.len());
    ends
}

#[test]
fn every_truncation_of_the_captures() {
    for (name, pcapng) in [
        ("kcat-2.0.2-lz4-produce-consume-mock.pcapng", true),
        ("kcat-2.0.2-produce-consume-mock.pcap", false),
    ] {
        let whole = std::fs::read(data(name)).unwrap();
        assert_eq!(dump(&whole), 0, "{name}");
        let all = frames(&whole);
        let ends = boundaries(&whole, pcapng);
        for len in 0..whole.len() {
            let cut = &whole[..len];
            let problems = dump(cut);
            // A cut inside a block or record is always reported.
            if !ends.contains(&len) {
                assert!(problems > 0, "{name} cut at {len}: no problem reported");
            }
            // What is printed is what the whole file gives, up to the cut.
            let got = frames(cut);
            assert_eq!(got[..], all[..got.len()], "{name} cut at {len}");
        }
    }
}

#[test]
fn corrupted_bytes() {
    let whole = std::fs::read(data("kcat-2.0.2-lz4-produce-consume-mock.pcapng")).unwrap();
    // Every byte set to 0 and to 0xff; and four bytes flipped, picked by a
    // simple LCG, as many times.
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    for at in 0..whole.len() {
        for value in [0x00, 0xff] {
            let mut bad = whole.clone();
            bad[at] = value;
            dump_with(&bad, false);
        }
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        let mut bad = whole.clone();
        for k in 0..4 {
            let i = (seed >> (16 * k)) as usize % bad.len();
            bad[i] ^= (seed >> (8 * k)) as u8 | 1;
        }
        dump_with(&bad, at % 8 == 0);
    }
}

#[test]
fn garbage_and_truncated_files_through_the_binary() {
    // Not a capture at all.
    let out = run(&["-"], b"GET / HTTP/1.1\r\n\r\n");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("not a pcap or pcapng file"), "{err}");
    assert!(out.stdout.is_empty());

    // Empty input.
    let out = run(&["-"], b"");
    assert_eq!(out.status.code(), Some(1));

    // A pcapng cut inside its Produce response (packet 15): the frames
    // before it are printed, then the error.
    let whole = std::fs::read(data("kcat-2.0.2-lz4-produce-consume-mock.pcapng")).unwrap();
    let full =
        parse_lines(&run(&[&path("kcat-2.0.2-lz4-produce-consume-mock.pcapng")], b"").stdout);
    let cut = whole.len() * 2 / 5;
    let out = run(&["-"], &whole[..cut]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("truncated pcapng block"), "{err}");
    assert!(err.contains("at byte"), "{err}");
    let got = parse_lines(&out.stdout);
    assert!(
        !got.is_empty() && got.len() < full.len(),
        "{} frames",
        got.len()
    );
    let frames: Vec<_> = got.iter().filter(|f| f.get("error").is_none()).collect();
    assert_eq!(frames[..], full.iter().collect::<Vec<_>>()[..frames.len()]);

    // The same for a classic pcap.
    let pcap = std::fs::read(data("kcat-2.0.2-produce-consume-mock.pcap")).unwrap();
    let out = run(&["--text", "-"], &pcap[..pcap.len() - 10]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("truncated pcap record"), "{err}");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.lines().count() >= 20, "{text}");
}

#[test]
fn a_capture_that_ends_inside_a_frame() {
    // Cut 50 bytes off the end of packet 33 (the first Fetch response, 165
    // bytes of Kafka frame) as a small snapshot length would.
    let pcap = std::fs::read(data("kcat-2.0.2-produce-consume-mock.pcap")).unwrap();
    let ends = boundaries(&pcap, false);
    let start = ends[32]; // packet 33's record
    let caplen = u32::from_le_bytes(pcap[start + 8..start + 12].try_into().unwrap());
    let mut bad = pcap[..start].to_vec();
    bad.extend_from_slice(&pcap[start..start + 8]);
    bad.extend_from_slice(&(caplen - 50).to_le_bytes());
    bad.extend_from_slice(&pcap[start + 12..start + 16 + caplen as usize - 50]);
    bad.extend_from_slice(&pcap[ends[33]..]);

    let out = run(&["-"], &bad);
    assert_eq!(out.status.code(), Some(1));
    let got = parse_lines(&out.stdout);
    let full = parse_lines(&run(&[&path("kcat-2.0.2-produce-consume-mock.pcap")], b"").stdout);
    // The 50 missing bytes are a gap: the Fetch response they cut is lost,
    // the next response (correlation id 7) is found after it.
    let lost = |f: &serde_json::Value| {
        f["connection"] == 2 && f["direction"] == "response" && f["packet"].as_u64() == Some(33)
    };
    let kept: Vec<_> = full.iter().filter(|f| !lost(f)).collect();
    assert_eq!(kept.len(), full.len() - 1);
    // The client's next packet acknowledges the missing bytes: the gap is
    // given up on there, and the frames come out in the file's order.
    let (frames, problems): (Vec<_>, Vec<_>) = got.iter().partition(|f| f.get("error").is_none());
    assert_eq!(frames, kept);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0]["connection"], 2);
    assert_eq!(problems[0]["direction"], "response");
    // 50 bytes missing; the 4-byte size and 115 bytes of the cut frame
    // skipped.
    assert_eq!(problems[0]["missingBytes"], 50);
    assert_eq!(problems[0]["skippedBytes"], 119);
    let msg = problems[0]["error"].as_str().unwrap();
    assert!(msg.contains("gap in the stream: 50 bytes missing"), "{msg}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("1 gaps (50 bytes missing, 119 bytes skipped to the next frame)"),
        "{err}"
    );
}

#[test]
fn frame_files_with_bad_or_cut_frames() {
    let bin = std::fs::read(data("librdkafka-2.16.0-apiversions-v3-request.bin")).unwrap();
    // Cut short: the frame is reported as incomplete.
    let out = run(&["--requests", "-"], &bin[..bin.len() - 1]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("67 bytes at offset 0 are an incomplete frame"),
        "{err}"
    );
    // A negative size.
    let out = run(&["--requests", "-"], &[0xff, 0xff, 0xff, 0xfe, 1, 2]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("offset 0"));
    // A whole frame whose body is wrong: reported on stdout, the next frame
    // still read.
    let mut two = bin.clone();
    two[5] = 200; // API key 200
    two.extend_from_slice(&bin);
    let out = run(&["--requests", "-"], &two);
    assert_eq!(out.status.code(), Some(1));
    let got = parse_lines(&out.stdout);
    assert_eq!(got.len(), 2);
    assert!(
        got[0]["error"].as_str().unwrap().contains("200"),
        "{}",
        got[0]
    );
    assert_eq!(got[0]["apiKey"], 200);
    assert!(got[1].get("error").is_none());
    assert_eq!(got[1]["offset"], 68);
    // A response to an unknown API version.
    let resp = std::fs::read(data("librdkafka-2.0.2-mock-apiversions-v0.bin")).unwrap();
    let out = run(&["--responses", "Fetch:99", "-"], &resp);
    assert_eq!(out.status.code(), Some(1));
    let got = parse_lines(&out.stdout);
    assert!(got[0]["error"].is_string(), "{}", got[0]);
}

#[test]
fn usage_errors() {
    for args in [&["--responses", "Nope:1", "x"][..], &["--bogus", "x"], &[]] {
        let out = run(args, b"");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("--help"));
    }
    let out = run(&["/nonexistent/file.pcap"], b"");
    assert_eq!(out.status.code(), Some(2));
    let out = run(&["--help"], b"");
    assert_eq!(out.status.code(), Some(0));
    let help = String::from_utf8_lossy(&out.stdout);
    for flag in [
        "--requests",
        "--responses API:VERSION",
        "--hex",
        "--text",
        "--pretty",
        "--no-records",
        "pcapng",
        "xxd",
        "hexdump -C",
    ] {
        assert!(help.contains(flag), "{flag} missing from --help");
    }
}
