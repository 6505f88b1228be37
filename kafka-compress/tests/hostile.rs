//! Hostile input: truncation, corrupt checksums, lying sizes, bombs,
//! trailing bytes. Every case must be an error (never a panic), and no lie
//! may cost memory: this test binary runs under a 1 GiB allocation cap, so a
//! decoder that allocated what an input merely claims (gigabytes) would
//! abort it.
#![cfg(all(
    feature = "gzip",
    feature = "snappy",
    feature = "lz4",
    feature = "zstd"
))]

use std::path::PathBuf;

use kafkawire_compress::{Compression, CorruptKind, Error, compress, decompress, lz4};

#[global_allocator]
static ALLOC: cap::Cap<std::alloc::System> = cap::Cap::new(std::alloc::System, 1 << 30);

fn data(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn corrupt(codec: Compression, kind: CorruptKind) -> Result<Vec<u8>, Error> {
    Err(Error::Corrupt { codec, kind })
}

const MIB: usize = 1 << 20;

/// Prefixes to try: every length up to 300 bytes, then a stride, then the
/// last 300.
fn prefix_lengths(len: usize) -> impl Iterator<Item = usize> {
    (0..len.min(300))
        .chain((300..len).step_by(997))
        .chain(len.saturating_sub(300)..len)
}

#[test]
fn truncated_streams_are_errors() {
    let payload = data("payload.jsonl");
    // Formats with an end marker or trailer: every strict prefix is an error.
    let strict = [
        (Compression::GZIP, "gzip-python-level6.gz"),
        (Compression::LZ4, "lz4-java-layout.lz4"),
        (Compression::LZ4, "lz4-size-and-checksums.lz4"),
        (Compression::LZ4, "lz4-linked-blocks.lz4"),
        (Compression::ZSTD, "zstd-with-content-size.zst"),
        (Compression::ZSTD, "zstd-streamed-no-content-size.zst"),
        (Compression::SNAPPY, "snappy-raw-block.bin"),
    ];
    for (codec, file) in strict {
        let full = data(file);
        for n in prefix_lengths(full.len()) {
            let r = decompress(codec, &full[..n], MIB);
            assert!(r.is_err(), "{file}: prefix of {n} bytes accepted");
        }
    }
    // xerial and the snappy framing format have no end marker: a cut at a
    // block boundary is a shorter valid stream. Anything else is an error,
    // and nothing decodes to more than the prefix of the payload it holds.
    for file in [
        "snappy-xerial-java-layout.bin",
        "snappy-framing-format.bin",
        "gzip-two-members.gz",
        "zstd-two-frames.zst",
    ] {
        let codec = match file.as_bytes()[0] {
            b's' => Compression::SNAPPY,
            b'g' => Compression::GZIP,
            _ => Compression::ZSTD,
        };
        let full = data(file);
        let mut accepted = 0;
        for n in prefix_lengths(full.len()) {
            if let Ok(out) = decompress(codec, &full[..n], MIB) {
                assert!(
                    out.len() < payload.len() && payload.starts_with(&out),
                    "{file}: {n}"
                );
                accepted += 1;
            }
        }
        assert!(accepted < 10, "{file}: {accepted} prefixes accepted");
    }
    // The magic-0 reader too.
    let full = data("lz4-legacy-magic0-kafka-python.lz4");
    for n in 0..full.len() {
        assert!(
            lz4::decompress_legacy_magic0(&full[..n], MIB).is_err(),
            "{n}"
        );
    }
}

#[test]
fn short_inputs_are_classified() {
    let xerial = [
        0x82, b'S', b'N', b'A', b'P', b'P', b'Y', 0, 0, 0, 0, 1, 0, 0, 0, 1,
    ];
    for n in 1..16 {
        assert_eq!(
            decompress(Compression::SNAPPY, &xerial[..n], MIB),
            corrupt(Compression::SNAPPY, CorruptKind::Truncated),
            "xerial header cut at {n}"
        );
    }
    // A full header and nothing else is an empty stream (as snappy-java reads it).
    assert_eq!(
        decompress(Compression::SNAPPY, &xerial, MIB),
        Ok(Vec::new())
    );
    // A block length cut short.
    let mut s = xerial.to_vec();
    s.extend_from_slice(&[0, 0]);
    assert_eq!(
        decompress(Compression::SNAPPY, &s, MIB),
        corrupt(Compression::SNAPPY, CorruptKind::Truncated)
    );
    // Raw blocks of one or two bytes are still raw blocks.
    assert_eq!(decompress(Compression::SNAPPY, &[0], MIB), Ok(Vec::new()));
    assert_eq!(
        decompress(Compression::SNAPPY, &[1, 0, b'z'], MIB),
        Ok(b"z".to_vec())
    );
    assert!(decompress(Compression::SNAPPY, &[0x05], MIB).is_err());
}

#[test]
fn corrupt_checksums_are_detected() {
    // gzip: CRC-32 in the trailer.
    let mut gz = data("gzip-python-level6.gz");
    let at = gz.len() - 8;
    gz[at] ^= 1;
    assert!(matches!(
        decompress(Compression::GZIP, &gz, MIB),
        Err(Error::Corrupt {
            codec: Compression::GZIP,
            ..
        })
    ));
    // lz4: content checksum, block checksum, descriptor checksum.
    let lz = data("lz4-size-and-checksums.lz4");
    let mut c = lz.clone();
    let last = c.len() - 1;
    c[last] ^= 0x10;
    assert_eq!(
        decompress(Compression::LZ4, &c, MIB),
        corrupt(Compression::LZ4, CorruptKind::BadChecksum)
    );
    let mut c = lz.clone();
    c[20] ^= 0x01; // inside the first block: its block checksum no longer matches
    assert_eq!(
        decompress(Compression::LZ4, &c, MIB),
        corrupt(Compression::LZ4, CorruptKind::BadChecksum)
    );
    let mut c = lz.clone();
    c[14] ^= 0xFF; // the descriptor checksum (after FLG, BD, 8-byte size)
    assert_eq!(
        decompress(Compression::LZ4, &c, MIB),
        corrupt(Compression::LZ4, CorruptKind::BadChecksum)
    );
    // snappy framing format: a masked CRC-32C.
    let mut sn = data("snappy-framing-format.bin");
    sn[14] ^= 1; // first byte of the first chunk's checksum
    assert_eq!(
        decompress(Compression::SNAPPY, &sn, MIB),
        corrupt(Compression::SNAPPY, CorruptKind::BadChecksum)
    );
    // zstd: the frame's XXH64 content checksum.
    let mut zs = data("zstd-with-content-size.zst");
    let last = zs.len() - 1;
    zs[last] ^= 1;
    assert!(matches!(
        decompress(Compression::ZSTD, &zs, MIB),
        Err(Error::Corrupt {
            codec: Compression::ZSTD,
            ..
        })
    ));
}

/// A raw snappy block whose length varint claims `claimed` bytes, followed
/// by a little real data.
fn snappy_claiming(claimed: u64) -> Vec<u8> {
    let mut v = Vec::new();
    let mut n = claimed;
    loop {
        let b = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            v.push(b);
            break;
        }
        v.push(b | 0x80);
    }
    v.extend_from_slice(&[0x0c, b'h', b'e', b'l', b'l', b'o']); // literal "hello"
    v
}

#[test]
fn lying_sizes_cost_nothing() {
    // snappy: a length varint claiming 4 GiB - 1 over 7 bytes.
    let lie = snappy_claiming(u32::MAX as u64);
    assert_eq!(
        decompress(Compression::SNAPPY, &lie, usize::MAX),
        corrupt(Compression::SNAPPY, CorruptKind::BadLength)
    );
    // ... and one that is possible for its size but over the limit.
    assert_eq!(
        decompress(Compression::SNAPPY, &snappy_claiming(100), 50),
        Err(Error::OutputLimitExceeded { limit: 50 })
    );
    // ... and one that is small enough but not what the data holds.
    assert!(decompress(Compression::SNAPPY, &snappy_claiming(100), MIB).is_err());
    // xerial: a block length of i32::MAX, and a negative one.
    let mut x = vec![
        0x82, b'S', b'N', b'A', b'P', b'P', b'Y', 0, 0, 0, 0, 1, 0, 0, 0, 1,
    ];
    let header = x.clone();
    x.extend_from_slice(&i32::MAX.to_be_bytes());
    x.extend_from_slice(&snappy_claiming(5));
    assert_eq!(
        decompress(Compression::SNAPPY, &x, usize::MAX),
        corrupt(Compression::SNAPPY, CorruptKind::Truncated)
    );
    let mut x = header.clone();
    x.extend_from_slice(&(-8i32).to_be_bytes());
    assert_eq!(
        decompress(Compression::SNAPPY, &x, usize::MAX),
        corrupt(Compression::SNAPPY, CorruptKind::BadLength)
    );

    // lz4: a content size of 2^62 (refused against the limit before any
    // block is read) and one that is smaller than the content.
    let lz = data("lz4-size-and-checksums.lz4");
    let with_size = |size: u64| {
        let mut f = lz.clone();
        f[6..14].copy_from_slice(&size.to_le_bytes());
        f[14] = lz4_header_checksum(&f[4..14]);
        f
    };
    assert_eq!(
        decompress(Compression::LZ4, &with_size(1 << 62), usize::MAX >> 1),
        corrupt(Compression::LZ4, CorruptKind::BadLength)
    );
    assert_eq!(
        decompress(Compression::LZ4, &with_size(1 << 62), 100 * MIB),
        Err(Error::OutputLimitExceeded { limit: 100 * MIB })
    );
    assert_eq!(
        decompress(Compression::LZ4, &with_size(10), MIB),
        corrupt(Compression::LZ4, CorruptKind::BadLength)
    );
    // lz4: a block size over the frame's maximum, and one claiming 2 GiB.
    let mut f = data("lz4-java-layout.lz4");
    f[7..11].copy_from_slice(&(64 * 1024 + 1u32).to_le_bytes());
    assert_eq!(
        decompress(Compression::LZ4, &f, usize::MAX),
        corrupt(Compression::LZ4, CorruptKind::BadLength)
    );
    f[7..11].copy_from_slice(&0x7fff_ffffu32.to_le_bytes());
    assert_eq!(
        decompress(Compression::LZ4, &f, usize::MAX),
        corrupt(Compression::LZ4, CorruptKind::BadLength)
    );

    // zstd: a single-segment frame header claiming 2^40 bytes of content
    // (which is also its window): refused, nothing allocated.
    let mut z = vec![0x28, 0xb5, 0x2f, 0xfd];
    z.push(0b1110_0000); // FCS field 8 bytes, single segment, no checksum
    z.extend_from_slice(&(1u64 << 40).to_le_bytes());
    z.extend_from_slice(&[0x01, 0x00, 0x00]); // a last raw block of 0 bytes
    assert!(matches!(
        decompress(Compression::ZSTD, &z, usize::MAX),
        Err(Error::Corrupt {
            codec: Compression::ZSTD,
            ..
        })
    ));
    // A content size that is possible but wrong.
    let mut z = vec![0x28, 0xb5, 0x2f, 0xfd, 0b0010_0000, 200];
    z.extend_from_slice(&[0x29, 0x00, 0x00]); // last raw block of 5 bytes
    z.extend_from_slice(b"hello");
    assert!(matches!(
        decompress(Compression::ZSTD, &z, MIB),
        Err(Error::Corrupt {
            codec: Compression::ZSTD,
            ..
        })
    ));
    z[5] = 5;
    assert_eq!(
        decompress(Compression::ZSTD, &z, MIB),
        Ok(b"hello".to_vec())
    );
}

/// XXH32-based descriptor checksum, computed here with a small independent
/// XXH32 so the test does not trust the crate's.
fn lz4_header_checksum(descriptor: &[u8]) -> u8 {
    (xxh32(descriptor) >> 8) as u8
}

fn xxh32(input: &[u8]) -> u32 {
    const P1: u32 = 0x9E37_79B1;
    const P2: u32 = 0x85EB_CA77;
    const P3: u32 = 0xC2B2_AE3D;
    const P4: u32 = 0x27D4_EB2F;
    const P5: u32 = 0x1656_67B1;
    // Descriptors are under 16 bytes: only the short path is needed.
    assert!(input.len() < 16);
    let mut h = P5.wrapping_add(input.len() as u32);
    let mut rest = input;
    while rest.len() >= 4 {
        let w = u32::from_le_bytes(rest[..4].try_into().unwrap());
        h = h
            .wrapping_add(w.wrapping_mul(P3))
            .rotate_left(17)
            .wrapping_mul(P4);
        rest = &rest[4..];
    }
    for &b in rest {
        h = h
            .wrapping_add(u32::from(b).wrapping_mul(P5))
            .rotate_left(11)
            .wrapping_mul(P1);
    }
    h ^= h >> 15;
    h = h.wrapping_mul(P2);
    h ^= h >> 13;
    h = h.wrapping_mul(P3);
    h ^ (h >> 16)
}

#[test]
fn independent_xxh32_matches_known_answers() {
    // From Python's xxhash 4.1.0.
    assert_eq!(xxh32(&[0x04, 0x22, 0x4d, 0x18, 0x60, 0x40]), 0xC858_1A3A);
    assert_eq!(xxh32(&[0x60, 0x40]), 0x301A_8268);
}

/// A zstd frame of `blocks` RLE blocks of 128 KiB each: 4 bytes of input per
/// 128 KiB of output.
fn zstd_rle_bomb(blocks: usize) -> Vec<u8> {
    let mut z = vec![0x28, 0xb5, 0x2f, 0xfd];
    z.push(0x00); // no content size, not single segment, no checksum
    z.push(0x38); // window descriptor: exponent 7 -> 2^(10+7) = 128 KiB
    for i in 0..blocks {
        let last = u32::from(i + 1 == blocks);
        let header = last | (1 << 1) | ((128 * 1024) << 3); // RLE, size 128 KiB
        z.extend_from_slice(&header.to_le_bytes()[..3]);
        z.push(b'A');
    }
    z
}

#[test]
fn bombs_stop_at_the_limit() {
    // zstd: 1 GiB from 32 KiB.
    let bomb = zstd_rle_bomb(8192);
    assert_eq!(
        decompress(Compression::ZSTD, &bomb, MIB),
        Err(Error::OutputLimitExceeded { limit: MIB })
    );
    assert_eq!(
        decompress(Compression::ZSTD, &zstd_rle_bomb(8), MIB),
        Ok(vec![b'A'; MIB])
    );
    // Every codec: 64 MiB of zeros compressed with this crate.
    let zeros = vec![0u8; 64 * MIB];
    for codec in [
        Compression::GZIP,
        Compression::SNAPPY,
        Compression::LZ4,
        Compression::ZSTD,
    ] {
        let mut bomb = Vec::new();
        compress(codec, None, &zeros, &mut bomb).unwrap();
        assert!(bomb.len() < 4 * MIB, "{codec}");
        assert_eq!(
            decompress(codec, &bomb, MIB),
            Err(Error::OutputLimitExceeded { limit: MIB }),
            "{codec}"
        );
    }
    // Raw snappy: one block of 2 MiB of zeros, limit 1 MiB.
    let mut raw = vec![0; snap::raw::max_compress_len(2 * MIB)];
    let n = snap::raw::Encoder::new()
        .compress(&zeros[..2 * MIB], &mut raw)
        .unwrap();
    raw.truncate(n);
    assert_eq!(
        decompress(Compression::SNAPPY, &raw, MIB),
        Err(Error::OutputLimitExceeded { limit: MIB })
    );
}

#[test]
fn trailing_bytes_are_refused() {
    for (codec, file) in [
        (Compression::GZIP, "gzip-python-level6.gz"),
        (Compression::LZ4, "lz4-java-layout.lz4"),
        (Compression::ZSTD, "zstd-with-content-size.zst"),
    ] {
        let mut f = data(file);
        f.extend_from_slice(b"junk");
        assert_eq!(
            decompress(codec, &f, MIB),
            corrupt(codec, CorruptKind::TrailingData),
            "{file}"
        );
    }
    for file in [
        "snappy-raw-block.bin",
        "snappy-xerial-java-layout.bin",
        "snappy-framing-format.bin",
    ] {
        let mut f = data(file);
        f.extend_from_slice(b"junk");
        assert!(
            matches!(
                decompress(Compression::SNAPPY, &f, MIB),
                Err(Error::Corrupt {
                    codec: Compression::SNAPPY,
                    ..
                })
            ),
            "{file}"
        );
    }
    let mut f = data("lz4-legacy-magic0-kafka-python.lz4");
    f.push(0);
    assert_eq!(
        lz4::decompress_legacy_magic0(&f, MIB),
        corrupt(Compression::LZ4, CorruptKind::TrailingData)
    );
}

#[test]
fn lz4_header_fields_are_checked() {
    let good = data("lz4-java-layout.lz4");
    let with = |flg: u8, bd: u8| {
        let mut f = good.clone();
        f[4] = flg;
        f[5] = bd;
        f[6] = lz4_header_checksum(&[flg, bd]);
        f
    };
    let bad_header = corrupt(Compression::LZ4, CorruptKind::BadHeader);
    assert_eq!(
        decompress(Compression::LZ4, &with(0xA0, 0x40), MIB),
        bad_header,
        "version 2"
    );
    assert_eq!(
        decompress(Compression::LZ4, &with(0x62, 0x40), MIB),
        bad_header,
        "reserved FLG bit"
    );
    assert_eq!(
        decompress(Compression::LZ4, &with(0x60, 0x30), MIB),
        bad_header,
        "block size id 3"
    );
    assert_eq!(
        decompress(Compression::LZ4, &with(0x60, 0xC0), MIB),
        bad_header,
        "reserved BD bit"
    );
    assert_eq!(
        decompress(Compression::LZ4, &with(0x60, 0x41), MIB),
        bad_header,
        "reserved BD bits"
    );
    // A dictionary id: 4 more header bytes, refused as unsupported.
    let mut f = good[..6].to_vec();
    f[4] = 0x61;
    f.extend_from_slice(&[1, 2, 3, 4]);
    f.push(lz4_header_checksum(&f[4..10]));
    f.extend_from_slice(&good[7..]);
    assert_eq!(
        decompress(Compression::LZ4, &f, MIB),
        corrupt(Compression::LZ4, CorruptKind::Unsupported)
    );
    // Not an LZ4 frame at all (the legacy lz4 format's magic).
    assert_eq!(
        decompress(Compression::LZ4, &[0x02, 0x21, 0x4c, 0x18, 0, 0, 0, 0], MIB),
        corrupt(Compression::LZ4, CorruptKind::BadMagic)
    );
    // A skippable frame before the real one is skipped.
    let mut f = vec![0x5a, 0x2a, 0x4d, 0x18, 3, 0, 0, 0, 9, 9, 9];
    f.extend_from_slice(&good);
    assert_eq!(
        decompress(Compression::LZ4, &f, MIB),
        Ok(data("payload.jsonl"))
    );
}
