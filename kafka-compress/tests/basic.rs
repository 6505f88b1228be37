//! Round trips through the public API and its error paths.
#![cfg(all(
    feature = "gzip",
    feature = "snappy",
    feature = "lz4",
    feature = "zstd"
))]

use kafkawire_compress::{Compression, CorruptKind, Error, compress, decompress};

const CODECS: [Compression; 5] = [
    Compression::NONE,
    Compression::GZIP,
    Compression::SNAPPY,
    Compression::LZ4,
    Compression::ZSTD,
];

fn sample(len: usize) -> Vec<u8> {
    let mut v = Vec::with_capacity(len);
    let mut i = 0u32;
    while v.len() < len {
        v.extend_from_slice(
            format!(
                "{{\"id\":{i},\"user\":\"u{}\",\"v\":{}}}",
                i % 97,
                i * 31 % 1000
            )
            .as_bytes(),
        );
        i += 1;
    }
    v.truncate(len);
    v
}

#[test]
fn round_trip_every_codec_and_size() {
    for codec in CODECS {
        for len in [0, 1, 100, 32 * 1024, 32 * 1024 + 1, 64 * 1024, 200_000] {
            let data = sample(len);
            let mut wire = vec![0xAA];
            compress(codec, None, &data, &mut wire).unwrap();
            assert_eq!(wire[0], 0xAA, "{codec}: prefix kept");
            let back = decompress(codec, &wire[1..], len).unwrap();
            assert_eq!(back, data, "{codec} len {len}");
            if codec != Compression::NONE && len >= 100 {
                assert!(wire.len() - 1 < len, "{codec} compresses JSON-like text");
            }
        }
    }
}

#[test]
fn output_one_byte_over_the_limit_is_refused() {
    let data = sample(10_000);
    for codec in CODECS {
        let mut wire = Vec::new();
        compress(codec, None, &data, &mut wire).unwrap();
        assert_eq!(
            decompress(codec, &wire, data.len() - 1),
            Err(Error::OutputLimitExceeded {
                limit: data.len() - 1
            }),
            "{codec}"
        );
    }
}

#[test]
fn unknown_codes_are_errors_not_panics() {
    for code in 5..=255u8 {
        let c = Compression::from_code(code);
        assert_eq!(c.name(), None);
        assert_eq!(c.to_string(), format!("unknown({code})"));
        assert_eq!(
            compress(c, None, b"x", &mut Vec::new()),
            Err(Error::UnknownCodec(c))
        );
        assert_eq!(decompress(c, b"x", 10), Err(Error::UnknownCodec(c)));
    }
}

#[test]
fn names_and_codes() {
    for (i, name) in ["none", "gzip", "snappy", "lz4", "zstd"]
        .into_iter()
        .enumerate()
    {
        let c = Compression::from_code(i as u8);
        assert_eq!(c.code(), i as u8);
        assert_eq!(c.name(), Some(name));
        assert_eq!(format!("{c:?}"), name);
        assert_eq!(Compression::from_name(name), Some(c));
    }
    assert_eq!(Compression::from_attributes(0x7ff8 | 3), Compression::LZ4);
}

#[test]
fn levels_follow_kafka_ranges() {
    let bad = |codec, level| Err(Error::InvalidLevel { codec, level });
    let mut out = Vec::new();
    assert_eq!(
        compress(Compression::GZIP, Some(0), b"x", &mut out),
        bad(Compression::GZIP, 0)
    );
    assert_eq!(
        compress(Compression::GZIP, Some(10), b"x", &mut out),
        bad(Compression::GZIP, 10)
    );
    assert_eq!(
        compress(Compression::LZ4, Some(0), b"x", &mut out),
        bad(Compression::LZ4, 0)
    );
    assert_eq!(
        compress(Compression::LZ4, Some(18), b"x", &mut out),
        bad(Compression::LZ4, 18)
    );
    assert_eq!(
        compress(Compression::ZSTD, Some(23), b"x", &mut out),
        bad(Compression::ZSTD, 23)
    );
    assert_eq!(
        compress(Compression::ZSTD, Some(-131_073), b"x", &mut out),
        bad(Compression::ZSTD, -131_073)
    );
    assert_eq!(
        compress(Compression::SNAPPY, Some(1), b"x", &mut out),
        bad(Compression::SNAPPY, 1)
    );
    assert_eq!(
        compress(Compression::NONE, Some(1), b"x", &mut out),
        bad(Compression::NONE, 1)
    );
    assert!(out.is_empty());
    for level in [-1, 1, 9] {
        compress(Compression::GZIP, Some(level), b"abc", &mut out).unwrap();
    }
    for level in [1, 9, 17] {
        compress(Compression::LZ4, Some(level), b"abc", &mut out).unwrap();
    }
    for level in [-131_072, -5, 1, 3, 22] {
        compress(Compression::ZSTD, Some(level), b"abc", &mut out).unwrap();
    }
}

#[test]
fn empty_input_is_not_a_stream() {
    for codec in [
        Compression::GZIP,
        Compression::SNAPPY,
        Compression::LZ4,
        Compression::ZSTD,
    ] {
        assert!(
            matches!(
                decompress(codec, &[], 100),
                Err(Error::Corrupt {
                    kind: CorruptKind::Truncated,
                    ..
                })
            ),
            "{codec}: {:?}",
            decompress(codec, &[], 100)
        );
    }
}

/// zstd contexts are reused per thread: a level used before must not leak
/// into the next call, and a failed decode must not spoil the next one.
#[test]
fn zstd_context_reuse_keeps_calls_independent() {
    let data = sample(50_000);
    let mut fresh = Vec::new();
    compress(Compression::ZSTD, Some(1), &data, &mut fresh).unwrap();
    let mut other = Vec::new();
    compress(Compression::ZSTD, Some(22), &data, &mut other).unwrap();
    assert!(other.len() < fresh.len());
    let mut again = Vec::new();
    compress(Compression::ZSTD, Some(1), &data, &mut again).unwrap();
    assert_eq!(again, fresh, "level 22 leaked into a level 1 call");
    // The same bytes libzstd writes with a context of its own.
    assert_eq!(again, zstd::bulk::compress(&data, 1).unwrap());

    let mut broken = fresh.clone();
    let mid = broken.len() / 2;
    broken[mid] ^= 0xff;
    assert!(decompress(Compression::ZSTD, &broken, data.len()).is_err());
    assert!(decompress(Compression::ZSTD, &fresh[..mid], data.len()).is_err());
    assert_eq!(
        decompress(Compression::ZSTD, &fresh, data.len()).unwrap(),
        data
    );
    // From another thread too.
    let handle = std::thread::spawn(move || decompress(Compression::ZSTD, &fresh, 50_000));
    assert_eq!(handle.join().unwrap().unwrap(), data);
}

/// Found against Kafka 4.3.1's Java producer (`kafka-records/tests/java_records.rs`,
/// case `level/zstd:22`): zstd-jni's `ZstdOutputStream` does not know the
/// input size, so at level 22 libzstd picks a 128 MiB window (2^27), and at
/// 20 and 21 32 and 64 MiB. Kafka's consumer (zstd-jni) and librdkafka accept
/// windows up to libzstd's default maximum of 2^27 whatever the batch size;
/// this crate refused any window over the output limit (so a 64 MiB limit
/// refused level 22, a 1 MiB limit levels 20 to 22) as corrupt data.
#[test]
fn zstd_level_22_streamed_without_content_size() {
    use std::io::Write;
    let input = sample(100_000);
    for level in [19, 20, 21, 22] {
        let mut enc = zstd::stream::Encoder::new(Vec::new(), level).unwrap();
        enc.write_all(&input).unwrap();
        let frame = enc.finish().unwrap();
        // No content size in the frame header, as zstd-jni's stream writes it.
        assert_eq!(frame[4] & 0xC0, 0, "level {level}");
        for limit in [100_000, 1 << 20, 64 << 20] {
            let out = decompress(Compression::ZSTD, &frame, limit);
            assert!(
                out.as_deref() == Ok(&input[..]),
                "level {level}, limit {limit}: {:?}",
                out.map(|o| o.len())
            );
        }
    }
}
