//! Vectors written by other software (see `tests/data/README.md` for how
//! each was made) decode to the bytes that went in.
#![cfg(all(
    feature = "gzip",
    feature = "snappy",
    feature = "lz4",
    feature = "zstd"
))]

use std::path::PathBuf;

use kafkawire_compress::{Compression, CorruptKind, Error, decompress, lz4};

fn data(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

const LIMIT: usize = 1 << 20;

fn check(codec: Compression, file: &str, expected: &[u8]) {
    let got = decompress(codec, &data(file), LIMIT).unwrap_or_else(|e| panic!("{file}: {e}"));
    assert_eq!(got.len(), expected.len(), "{file}: length");
    assert!(got == expected, "{file}: content differs");
    // The exact length is enough; one byte less is not.
    assert_eq!(
        decompress(codec, &data(file), expected.len() - 1),
        Err(Error::OutputLimitExceeded {
            limit: expected.len() - 1
        }),
        "{file}: limit"
    );
    assert!(decompress(codec, &data(file), expected.len()).is_ok());
}

#[test]
fn reference_implementations_decode_to_the_payload() {
    let payload = data("payload.jsonl");
    let cases = [
        (Compression::GZIP, "gzip-python-level6.gz"),
        (Compression::GZIP, "gzip-two-members.gz"),
        (Compression::SNAPPY, "snappy-xerial-java-layout.bin"),
        (Compression::SNAPPY, "snappy-raw-block.bin"),
        (Compression::SNAPPY, "snappy-framing-format.bin"),
        (Compression::LZ4, "lz4-java-layout.lz4"),
        (Compression::LZ4, "lz4-size-and-checksums.lz4"),
        (Compression::LZ4, "lz4-linked-blocks.lz4"),
        (Compression::LZ4, "lz4-hc-level9-4mb-blocks.lz4"),
        (Compression::ZSTD, "zstd-with-content-size.zst"),
        (Compression::ZSTD, "zstd-streamed-no-content-size.zst"),
        (Compression::ZSTD, "zstd-two-frames.zst"),
        // The Java libraries the Kafka Java client uses.
        (Compression::GZIP, "java-gzip-GZIPOutputStream.gz"),
        (Compression::SNAPPY, "java-snappy-SnappyOutputStream.bin"),
        (Compression::ZSTD, "java-zstd-jni-ZstdOutputStream.zst"),
        (Compression::LZ4, "java-lz4-kafka-layout-fast.lz4"),
        (Compression::LZ4, "java-lz4-kafka-layout-hc17.lz4"),
    ];
    for (codec, file) in cases {
        check(codec, file, &payload);
    }
}

/// Record sections produced by librdkafka 2.0.2 (`kcat -z CODEC`) and fetched
/// back from its mock cluster.
#[test]
fn librdkafka_batches_decode_to_their_records() {
    let values = data("kcat-values.txt");
    let values: Vec<&[u8]> = values
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .collect();
    assert_eq!(values.len(), 300);
    for codec in ["gzip", "snappy", "lz4", "zstd"] {
        let c = Compression::from_name(codec).unwrap();
        let expected = data(&format!("kcat-{codec}.expected"));
        check(c, &format!("kcat-{codec}.bin"), &expected);
        // Every value the producer sent is in the records, in order.
        let mut at = 0;
        for v in &values {
            let found = expected[at..]
                .windows(v.len())
                .position(|w| w == *v)
                .unwrap_or_else(|| panic!("{codec}: value missing"));
            at += found + v.len();
        }
    }
}

#[test]
fn librdkafka_lz4_header_is_the_one_this_crate_writes() {
    let theirs = data("kcat-lz4.bin");
    let mut ours = Vec::new();
    kafkawire_compress::compress(Compression::LZ4, None, b"x", &mut ours).unwrap();
    assert_eq!(ours[..7], theirs[..7], "magic, FLG, BD, HC");
}

/// snappy-java's `SnappyOutputStream` (what the Java client writes) and this
/// crate agree on the stream header and the 32 KiB block boundaries.
#[test]
fn xerial_layout_matches_snappy_java() {
    let payload = data("payload.jsonl");
    let java = data("java-snappy-SnappyOutputStream.bin");
    let mut ours = Vec::new();
    kafkawire_compress::compress(Compression::SNAPPY, None, &payload, &mut ours).unwrap();
    assert_eq!(ours[..16], java[..16], "header");
    for stream in [&java, &ours] {
        let mut rest = &stream[16..];
        let mut sizes = Vec::new();
        while !rest.is_empty() {
            let n = u32::from_be_bytes(rest[..4].try_into().unwrap()) as usize;
            let block = decompress(Compression::SNAPPY, &rest[4..4 + n], LIMIT).unwrap();
            sizes.push(block.len());
            rest = &rest[4 + n..];
        }
        let full = payload.len() / 32768;
        assert_eq!(sizes.len(), full + 1);
        assert!(sizes[..full].iter().all(|&s| s == 32768));
        assert_eq!(sizes[full], payload.len() % 32768);
    }
}

/// The magic-0 layout written with lz4-java (Kafka's own layout, see
/// `java/Interop.java`) and by this crate have the same header.
#[test]
fn legacy_magic0_lz4_from_java_layout() {
    let payload = data("payload.jsonl");
    let file = data("java-lz4-kafka-layout-magic0.lz4");
    assert_eq!(
        lz4::decompress_legacy_magic0(&file, LIMIT).unwrap(),
        payload
    );
    let mut ours = Vec::new();
    lz4::compress_legacy_magic0(None, b"", &mut ours).unwrap();
    assert_eq!(ours[..7], file[..7]);
    // Known answers from Python's xxhash 4.1.0: XXH32(04 22 4D 18 60 40) is
    // 0xC8581A3A, so the legacy checksum byte (bits 8..16) is 0x1A; the
    // standard one, XXH32(60 40) = 0x301A8268, gives 0x82.
    assert_eq!(ours[6], 0x1A);
}

/// kafka-python's encoder for magic-0 messages: the KAFKA-3160 header.
#[test]
fn legacy_magic0_lz4_from_kafka_python() {
    let file = data("lz4-legacy-magic0-kafka-python.lz4");
    let expected = data("lz4-legacy-magic0-kafka-python.expected");
    assert_eq!(
        lz4::decompress_legacy_magic0(&file, LIMIT).unwrap(),
        expected
    );
    // The standard reader refuses the wrong descriptor checksum.
    assert_eq!(
        decompress(Compression::LZ4, &file, LIMIT),
        Err(Error::Corrupt {
            codec: Compression::LZ4,
            kind: CorruptKind::BadChecksum
        })
    );
}
