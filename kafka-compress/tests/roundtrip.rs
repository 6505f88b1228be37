//! Property tests: compress then decompress is the identity, for random
//! inputs of every size and every level; random bytes never panic a decoder.
//!
//! Case counts are small so CI stays fast; set `KAFKA_COMPRESS_CASES` to
//! run more (e.g. `KAFKA_COMPRESS_CASES=2000 cargo test -p kafkawire-compress
//! --test roundtrip`).
#![cfg(all(
    feature = "gzip",
    feature = "snappy",
    feature = "lz4",
    feature = "zstd"
))]

use kafkawire_compress::{Compression, compress, decompress, lz4};
use proptest::prelude::*;

fn cases(default: u32) -> u32 {
    std::env::var("KAFKA_COMPRESS_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Inputs of every size class: tiny, around block boundaries (32 KiB for
/// xerial, 64 KiB for lz4), and larger; random bytes or repetitive text.
fn input() -> impl Strategy<Value = Vec<u8>> {
    let len = prop_oneof![
        0usize..64,
        64usize..4096,
        (32usize * 1024 - 8)..(32 * 1024 + 8),
        (64usize * 1024 - 8)..(64 * 1024 + 8),
        4096usize..300_000,
    ];
    (len, any::<u64>(), 0u8..3).prop_map(|(len, seed, kind)| make(len, seed, kind))
}

fn make(len: usize, seed: u64, kind: u8) -> Vec<u8> {
    let mut x = seed | 1;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    match kind {
        // Incompressible.
        0 => (0..len).map(|_| next() as u8).collect(),
        // Text from a small vocabulary (compressible, like JSON records).
        1 => {
            let words: [&[u8]; 8] = [
                b"{\"id\":",
                b"\"user\"",
                b"click",
                b",",
                b"}",
                b"\n",
                b"42",
                b" ",
            ];
            let mut v = Vec::with_capacity(len);
            while v.len() < len {
                v.extend_from_slice(words[(next() % 8) as usize]);
            }
            v.truncate(len);
            v
        }
        // Long runs.
        _ => {
            let mut v = Vec::with_capacity(len);
            while v.len() < len {
                let b = next() as u8;
                let run = (next() % 2000) as usize;
                v.extend(std::iter::repeat_n(b, run.min(len - v.len())));
            }
            v
        }
    }
}

fn level(codec: Compression) -> BoxedStrategy<Option<i32>> {
    match codec {
        Compression::GZIP => {
            prop_oneof![Just(None), Just(Some(-1)), (1..=9).prop_map(Some)].boxed()
        }
        Compression::LZ4 => prop_oneof![Just(None), (1..=17).prop_map(Some)].boxed(),
        Compression::ZSTD => prop_oneof![
            Just(None),
            Just(Some(-131_072)),
            (-20..=12).prop_map(Some),
            (13..=22).prop_map(Some),
        ]
        .boxed(),
        _ => Just(None).boxed(),
    }
}

fn codec_and_level() -> impl Strategy<Value = (Compression, Option<i32>)> {
    prop_oneof![
        Just(Compression::NONE),
        Just(Compression::GZIP),
        Just(Compression::SNAPPY),
        Just(Compression::LZ4),
        Just(Compression::ZSTD),
    ]
    .prop_flat_map(|c| (Just(c), level(c)))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(48)))]

    #[test]
    fn round_trip((codec, level) in codec_and_level(), data in input()) {
        let mut wire = b"prefix".to_vec();
        compress(codec, level, &data, &mut wire).unwrap();
        prop_assert_eq!(&wire[..6], b"prefix");
        let back = decompress(codec, &wire[6..], data.len()).unwrap();
        prop_assert!(back == data);
        if !data.is_empty() {
            prop_assert!(decompress(codec, &wire[6..], data.len() - 1).is_err());
        }
    }

    #[test]
    fn legacy_magic0_round_trip(data in input()) {
        let mut wire = Vec::new();
        lz4::compress_legacy_magic0(None, &data, &mut wire).unwrap();
        prop_assert!(lz4::decompress_legacy_magic0(&wire, data.len()).unwrap() == data);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(256)))]

    /// Random bytes, and valid streams with random damage, give a result or
    /// an error, within the limit; never a panic.
    #[test]
    fn decoders_never_panic(
        garbage in proptest::collection::vec(any::<u8>(), 0..2048),
        seed in any::<u64>(),
        flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..4),
        prefix in 0u8..6,
    ) {
        let limit = 100_000;
        for code in 0..=5u8 {
            let codec = Compression::from_code(code);
            // Garbage, optionally behind a real magic number so the decoders get
            // past their first check.
            let mut g = match (code, prefix) {
                (1, 1) => vec![0x1f, 0x8b, 8, 0],
                (2, 1) => b"\x82SNAPPY\0\0\0\0\x01\0\0\0\x01".to_vec(),
                (2, 2) => b"\xff\x06\0\0sNaPpY".to_vec(),
                (3, 1) => vec![0x04, 0x22, 0x4d, 0x18, 0x60, 0x40, 0x82],
                (4, 1) => vec![0x28, 0xb5, 0x2f, 0xfd],
                _ => Vec::new(),
            };
            g.extend_from_slice(&garbage);
            if let Ok(out) = decompress(codec, &g, limit) {
                prop_assert!(out.len() <= limit);
            }
            if code == 3 {
                let _ = lz4::decompress_legacy_magic0(&g, limit);
            }
            // A valid stream with a few bytes changed.
            if (1..=4).contains(&code) {
                let data = make(5000, seed, 1);
                let mut wire = Vec::new();
                compress(codec, None, &data, &mut wire).unwrap();
                for (i, b) in &flips {
                    let at = i.index(wire.len());
                    wire[at] ^= b | 1;
                }
                if let Ok(out) = decompress(codec, &wire, limit) {
                    prop_assert!(out.len() <= limit);
                }
            }
        }
    }
}

/// Every level of every codec, on inputs of a few sizes (deterministic).
#[test]
fn every_level_round_trips() {
    let inputs = [
        make(0, 1, 1),
        make(1000, 2, 1),
        make(70_000, 3, 1),
        make(70_000, 4, 0),
    ];
    let mut levels: Vec<(Compression, i32)> = Vec::new();
    levels.extend([-1, 1, 2, 3, 4, 5, 6, 7, 8, 9].map(|l| (Compression::GZIP, l)));
    levels.extend((1..=17).map(|l| (Compression::LZ4, l)));
    levels.extend([-131_072, -65_536, -1000, -100].map(|l| (Compression::ZSTD, l)));
    levels.extend((-10..=22).map(|l| (Compression::ZSTD, l)));
    for (codec, level) in levels {
        for data in &inputs {
            let mut wire = Vec::new();
            compress(codec, Some(level), data, &mut wire).unwrap();
            let back = decompress(codec, &wire, data.len()).unwrap();
            assert!(back == *data, "{codec} level {level} len {}", data.len());
        }
    }
}

/// Higher levels compress better, so levels do reach the backends.
#[test]
fn levels_change_the_output() {
    let data = make(200_000, 9, 1);
    let size = |codec, level| {
        let mut wire = Vec::new();
        compress(codec, Some(level), &data, &mut wire).unwrap();
        wire.len()
    };
    assert!(size(Compression::GZIP, 9) < size(Compression::GZIP, 1));
    assert!(size(Compression::ZSTD, 19) < size(Compression::ZSTD, -5));
    if cfg!(feature = "lz4-hc") {
        // Kafka: level 9 is the fast compressor, any other level is LZ4 HC.
        assert!(size(Compression::LZ4, 12) < size(Compression::LZ4, 9));
    }
}
