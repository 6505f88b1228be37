//! Backend shoot-out: MB/s of uncompressed data, single thread.
//!
//! `cargo run --release` (zlib-rs), `--no-default-features --features
//! gzip-miniz`, or `--no-default-features --features gzip-zlib`.
use cpu_time::ThreadTime;
use std::hint::black_box;
use std::io::{Read, Write};

fn json(len: usize) -> Vec<u8> {
    let mut v = Vec::new();
    let mut i = 0u64;
    let mut x = 0x9E37_79B9_7F4A_7C15u64;
    while v.len() < len {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let event = ["click", "view", "purchase", "scroll"][(x % 4) as usize];
        v.extend_from_slice(
            format!(
                "{{\"id\":{i},\"ts\":{},\"user\":\"user-{}\",\"event\":\"{event}\",\"amount\":{}.{:02},\"tags\":[\"a{}\",\"b{}\"]}}\n",
                1_700_000_000_000u64 + i * 17, x % 5000, x % 1000, x % 100, x % 13, x % 7
            )
            .as_bytes(),
        );
        i += 1;
    }
    v.truncate(len);
    v
}

fn random(len: usize) -> Vec<u8> {
    let mut x = 0x243F_6A88_85A3_08D3u64;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

/// Best of 5 rounds of ~0.2 s of this thread's CPU time each, in MB/s of
/// `bytes` (CPU time rather than wall-clock time, because the machine is
/// shared).
fn speed<F: FnMut()>(bytes: usize, mut f: F) -> f64 {
    let mut best = 0f64;
    for _ in 0..5 {
        let start = ThreadTime::now();
        let mut n = 0u64;
        while start.elapsed().as_secs_f64() < 0.2 {
            f();
            n += 1;
        }
        best = best.max(bytes as f64 * n as f64 / start.elapsed().as_secs_f64() / 1e6);
    }
    best
}

fn main() {
    let backend = if cfg!(feature = "gzip-zlib-rs") {
        "zlib-rs"
    } else if cfg!(feature = "gzip-miniz") {
        "miniz_oxide"
    } else {
        "zlib (C)"
    };
    println!("| payload | candidate | compress MB/s | decompress MB/s | ratio |");
    println!("|---|---|---|---|---|");
    for (name, data) in [
        ("json 64 KiB", json(64 << 10)),
        ("json 1 MiB", json(1 << 20)),
        ("random 64 KiB", random(64 << 10)),
    ] {
        let len = data.len();
        let mut buf = vec![0u8; len];
        let row = |who: &str, c: f64, d: f64, size: usize| {
            println!(
                "| {name} | {who} | {c:.0} | {d:.0} | {:.3} |",
                size as f64 / len as f64
            )
        };
        // gzip through flate2 at Kafka's default level (6) and at 1.
        for level in [1u32, 6] {
            let gz = {
                let mut e =
                    flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(level));
                e.write_all(&data).unwrap();
                e.finish().unwrap()
            };
            let c = speed(len, || {
                let mut e = flate2::write::GzEncoder::new(
                    Vec::with_capacity(len),
                    flate2::Compression::new(level),
                );
                e.write_all(black_box(&data)).unwrap();
                black_box(e.finish().unwrap());
            });
            let d = speed(len, || {
                let mut out = Vec::with_capacity(len);
                flate2::read::GzDecoder::new(black_box(&gz[..]))
                    .read_to_end(&mut out)
                    .unwrap();
                black_box(out);
            });
            row(&format!("gzip {level}, flate2 + {backend}"), c, d, gz.len());
        }
        // LZ4 blocks of 64 KiB, as Kafka frames them.
        let blocks: Vec<&[u8]> = data.chunks(64 << 10).collect();
        let flex: Vec<Vec<u8>> = blocks
            .iter()
            .map(|b| lz4_flex::block::compress(b))
            .collect();
        let c = speed(len, || {
            for b in &blocks {
                black_box(lz4_flex::block::compress(black_box(b)));
            }
        });
        let d = speed(len, || {
            let mut at = 0;
            for (b, c) in blocks.iter().zip(&flex) {
                at += lz4_flex::block::decompress_into(black_box(c), &mut buf[at..at + b.len()])
                    .unwrap();
            }
        });
        row(
            "lz4 lz4_flex 0.11 (safe)",
            c,
            d,
            flex.iter().map(Vec::len).sum(),
        );
        let cl: Vec<Vec<u8>> = blocks
            .iter()
            .map(|b| lz4::block::compress(b, None, false).unwrap())
            .collect();
        let c = speed(len, || {
            for b in &blocks {
                black_box(lz4::block::compress(black_box(b), None, false).unwrap());
            }
        });
        let d = speed(len, || {
            let mut at = 0;
            for (b, c) in blocks.iter().zip(&cl) {
                at += lz4::block::decompress_to_buffer(
                    black_box(c),
                    Some(b.len() as i32),
                    &mut buf[at..at + b.len()],
                )
                .unwrap();
            }
        });
        row("lz4 liblz4 (lz4 1.28)", c, d, cl.iter().map(Vec::len).sum());
        let hc = |level| {
            move |b: &&[u8]| {
                lz4::block::compress(
                    b,
                    Some(lz4::block::CompressionMode::HIGHCOMPRESSION(level)),
                    false,
                )
                .unwrap()
            }
        };
        for level in [1, 12] {
            let sizes: usize = blocks.iter().map(hc(level)).map(|v| v.len()).sum();
            let c = speed(len, || {
                for b in &blocks {
                    black_box(hc(level)(b));
                }
            });
            row(&format!("lz4 HC {level} liblz4"), c, f64::NAN, sizes);
        }
        // zstd: libzstd vs ruzstd (decoder only).
        let z = zstd::bulk::compress(&data, 3).unwrap();
        let c = speed(len, || {
            black_box(zstd::bulk::compress(black_box(&data), 3).unwrap());
        });
        let d = speed(len, || {
            black_box(zstd::bulk::decompress(black_box(&z), len).unwrap());
        });
        row("zstd 3 libzstd (zstd 0.13)", c, d, z.len());
        let d = speed(len, || {
            let mut out = Vec::with_capacity(len);
            ruzstd::decoding::StreamingDecoder::new(black_box(&z[..]))
                .unwrap()
                .read_to_end(&mut out)
                .unwrap();
            black_box(out);
        });
        row("zstd 3 ruzstd 0.8 (decode only)", f64::NAN, d, z.len());
    }
}
