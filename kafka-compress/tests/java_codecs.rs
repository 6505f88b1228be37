//! This crate's streams against the codecs Kafka's Java client uses, called
//! through Kafka's own `Compression.wrapForOutput` and `wrapForInput`
//! (operations `c` and `d` of `interop/java/.../Records.java`): zstd-jni,
//! lz4-java in Kafka's LZ4 framing (`Lz4BlockOutputStream`), snappy-java's
//! xerial streams and `java.util.zip` GZIP. Both ways, every codec, several
//! levels and sizes, LZ4 at magic 0 (KAFKA-3160), 1 and 2.
//!
//! The table of what ran is printed at the end (`-- --nocapture`).
#![cfg(all(
    feature = "gzip",
    feature = "snappy",
    feature = "lz4",
    feature = "zstd"
))]

#[path = "../../interop/jvm.rs"]
mod jvm;

use std::collections::BTreeMap;
use std::fmt::Write as _;

use jvm::{Answer, CURRENT, Item, Jvm};
use kafkawire_compress::{Compression, compress, decompress, lz4};

fn json_like(len: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(len + 64);
    let mut i = 0u64;
    while out.len() < len {
        let _ = write!(
            Buf(&mut out),
            "{{\"id\":{i},\"user\":\"u{}\",\"score\":{}}}",
            i * 7 % 101,
            i * 31 % 997
        );
        i += 1;
    }
    out.truncate(len);
    out
}

/// `write!` into a `Vec<u8>` without `std::io`.
struct Buf<'a>(&'a mut Vec<u8>);

impl std::fmt::Write for Buf<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0.extend_from_slice(s.as_bytes());
        Ok(())
    }
}

fn noise(len: usize) -> Vec<u8> {
    let mut x = 0x2545_F491_4F6C_DD1Du64;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 32) as u8
        })
        .collect()
}

fn inputs() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("empty", Vec::new()),
        ("1 byte", b"x".to_vec()),
        ("json 1 KiB", json_like(1024)),
        ("json 64 KiB", json_like(64 * 1024)),
        ("json 200 KiB", json_like(200 * 1024)),
        ("json 1 MiB", json_like(1 << 20)),
        ("random 100 KiB", noise(100 * 1024)),
    ]
}

/// (codec, level, magic) combinations: levels Kafka accepts, LZ4 at every
/// magic (its frame checksum depends on it), the others at magic 2 (they do
/// not look at it).
fn settings() -> Vec<(Compression, Option<i32>, i8)> {
    let mut s = vec![
        (Compression::GZIP, None, 2),
        (Compression::GZIP, Some(1), 2),
        (Compression::GZIP, Some(9), 2),
        (Compression::SNAPPY, None, 2),
        (Compression::ZSTD, None, 2),
        (Compression::ZSTD, Some(-5), 2),
        (Compression::ZSTD, Some(1), 2),
        (Compression::ZSTD, Some(19), 2),
        (Compression::ZSTD, Some(22), 2),
    ];
    for magic in [0, 1, 2] {
        for level in [None, Some(1), Some(17)] {
            s.push((Compression::LZ4, level, magic));
        }
    }
    s
}

fn ours_compress(codec: Compression, level: Option<i32>, magic: i8, input: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    if codec == Compression::LZ4 && magic == 0 {
        lz4::compress_legacy_magic0(level, input, &mut out).unwrap();
    } else {
        compress(codec, level, input, &mut out).unwrap();
    }
    out
}

fn ours_decompress(codec: Compression, magic: i8, input: &[u8]) -> Result<Vec<u8>, String> {
    let r = if codec == Compression::LZ4 && magic == 0 {
        lz4::decompress_legacy_magic0(input, 64 << 20)
    } else {
        decompress(codec, input, 64 << 20)
    };
    r.map_err(|e| e.to_string())
}

fn java_name(codec: Compression, level: Option<i32>) -> String {
    match level {
        None => codec.to_string(),
        Some(l) => format!("{codec}:{l}"),
    }
}

fn item(op: u8, name: String, magic: i8, payload: Vec<u8>) -> Item {
    Item {
        op,
        name,
        version: i16::from(magic),
        payload,
    }
}

fn ok(answer: &Answer, what: &str) -> Vec<u8> {
    match answer {
        Answer::Ok(blobs) if blobs.len() == 1 => blobs[0].clone(),
        other => panic!("{what}: {other:?}"),
    }
}

#[test]
fn codecs_both_ways_against_kafkas_java_codecs() {
    let mut jvm = Jvm::start(CURRENT).unwrap_or_else(|e| panic!("{e}"));
    let inputs = inputs();
    let settings = settings();
    // (codec, magic, direction) -> (cases, identical streams)
    let mut table: BTreeMap<(u8, i8, &str), (usize, usize)> = BTreeMap::new();

    // Java reads ours.
    let mut items = Vec::new();
    let mut labels = Vec::new();
    for &(codec, level, magic) in &settings {
        for (name, input) in &inputs {
            let ours = ours_compress(codec, level, magic, input);
            items.push(item(b'd', codec.to_string(), magic, ours));
            labels.push((codec, level, magic, *name, input));
        }
    }
    let answers = jvm.batch(&items);
    for ((codec, level, magic, name, input), answer) in labels.iter().zip(&answers) {
        let what = format!(
            "Java reading our {} (magic {magic}) of {name}",
            java_name(*codec, *level)
        );
        assert!(ok(answer, &what) == **input, "{what}: different bytes");
        table
            .entry((codec.code(), *magic, "Java reads ours"))
            .or_default()
            .0 += 1;
    }

    // We read Java's, and compare the streams.
    let items: Vec<Item> = labels
        .iter()
        .map(|(codec, level, magic, _, input)| {
            item(b'c', java_name(*codec, *level), *magic, input.to_vec())
        })
        .collect();
    let answers = jvm.batch(&items);
    for ((codec, level, magic, name, input), answer) in labels.iter().zip(&answers) {
        let what = format!(
            "our reading of Java's {} (magic {magic}) of {name}",
            java_name(*codec, *level)
        );
        let java = ok(answer, &what);
        let back = ours_decompress(*codec, *magic, &java).unwrap_or_else(|e| panic!("{what}: {e}"));
        assert!(back == **input, "{what}: different bytes");
        let ours = ours_compress(*codec, *level, *magic, input);
        if *codec == Compression::LZ4 {
            // Kafka's frame descriptor, KAFKA-3160 checksum included.
            assert_eq!(ours[..7], java[..7], "{what}: LZ4 frame descriptor");
        }
        let cell = table
            .entry((codec.code(), *magic, "ours reads Java"))
            .or_default();
        cell.0 += 1;
        cell.1 += usize::from(ours == java);
    }

    // KAFKA-3160: magic 0 LZ4 frames carry a descriptor checksum over the
    // magic number too. Java checks it from magic 1 on and ignores it at
    // magic 0; we check it at every magic and read magic 0 frames with
    // `decompress_legacy_magic0`, which, like Java, ignores it.
    let sample = json_like(10_000);
    let ours0 = ours_compress(Compression::LZ4, None, 0, &sample);
    let ours2 = ours_compress(Compression::LZ4, None, 2, &sample);
    assert_ne!(
        ours0[6], ours2[6],
        "the magic 0 descriptor checksum differs"
    );
    let answers = jvm.batch(&[
        item(b'd', "lz4".into(), 1, ours0.clone()),
        item(b'd', "lz4".into(), 0, ours2.clone()),
    ]);
    assert!(
        matches!(&answers[0], Answer::Refused(why) if why.contains("checksum") || why.contains("descriptor")),
        "Java at magic 1 refuses a magic 0 frame: {:?}",
        answers[0]
    );
    assert!(ok(&answers[1], "Java at magic 0 reading a magic 2 frame") == sample);
    assert!(decompress(Compression::LZ4, &ours0, 1 << 20).is_err());
    assert!(lz4::decompress_legacy_magic0(&ours2, 1 << 20).unwrap() == sample);

    let mut out = format!(
        "\ncodec matrix: streams per codec x magic x direction (Kafka's Java codecs, kafka-clients \
         {CURRENT}); \"ours reads Java\": `n (=k)`, k streams identical to ours\n\n\
         | codec | magic | Java reads ours | ours reads Java |\n|---|---|---|---|\n",
    );
    let mut rows: Vec<(u8, i8)> = table.keys().map(|(c, m, _)| (*c, *m)).collect();
    rows.dedup();
    for (code, magic) in rows {
        let a = table
            .get(&(code, magic, "Java reads ours"))
            .copied()
            .unwrap_or_default();
        let b = table
            .get(&(code, magic, "ours reads Java"))
            .copied()
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "| {} | {magic} | {} | {} (={}) |",
            Compression::from_code(code),
            a.0,
            b.0,
            b.1
        );
    }
    jvm::report("codecs-matrix", &out);
}
