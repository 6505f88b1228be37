//! gzip, snappy, lz4 and zstd exactly as Apache Kafka frames them, with
//! bounded decompression.
//!
//! A record batch (or a legacy wrapper message) names its codec in the low
//! three bits of its attributes. [`Compression`] is that code, open to values
//! Kafka does not define; [`compress`] and [`decompress`] turn a batch's
//! records section into the bytes Kafka clients put on the wire and back.
//!
//! ```
//! use kafkawire_compress::{compress, decompress, Compression};
//!
//! let records = b"{\"id\":1,\"name\":\"a\"}{\"id\":2,\"name\":\"b\"}".repeat(20);
//! let mut wire = Vec::new();
//! compress(Compression::LZ4, None, &records, &mut wire)?;
//! let back = decompress(Compression::LZ4, &wire, 1 << 20)?;
//! assert_eq!(back, records);
//! # Ok::<(), kafkawire_compress::Error>(())
//! ```
//!
//! # Formats
//!
//! | code | codec  | written                                   | read |
//! |------|--------|-------------------------------------------|------|
//! | 0    | none   | the input                                 | the input (within the limit) |
//! | 1    | gzip   | one gzip member (RFC 1952)                | one or more concatenated members |
//! | 2    | snappy | snappy-java's "xerial" framing, 32 KiB blocks (what the Java client writes) | xerial framing, raw snappy blocks (librdkafka before 1.x, sarama, franz-go write raw), and the snappy framing format |
//! | 3    | lz4    | LZ4 frame, independent 64 KiB blocks, no checksums (what the Java client writes) | LZ4 frames with or without content size, block and content checksums, linked or independent blocks; skippable frames |
//! | 4    | zstd   | one zstd frame with its content size      | one or more frames, with or without content size |
//!
//! Every decoder rejects bytes after the last complete stream, as librdkafka
//! does for lz4 (gzip, lz4 and zstd say [`CorruptKind::TrailingData`]; in the
//! snappy layouts, which have no end marker, the extra bytes fail as a
//! malformed block or chunk).
//!
//! ## Telling the snappy framings apart
//!
//! The xerial header starts `82 53 4E` (`\x82SN`), and the snappy framing
//! format's stream identifier starts `FF 06 00 00 73 4E 61 50 70 59`. Neither
//! can begin a valid raw snappy block: a raw block starts with the varint of
//! its length and then a literal, and after `82 53` the next tag (`4E`) is a
//! copy, which cannot come first; after `FF 06 00 00` the tag `73` is a copy
//! with an offset past the output. So an input starting with a full xerial
//! magic or a full stream identifier is read as that framing, an input that
//! is a shorter prefix of the xerial magic is a truncated xerial stream, and
//! anything else is a raw block.
//!
//! ## The magic-0 LZ4 quirk (KAFKA-3160)
//!
//! Kafka before 0.10 computed the LZ4 frame descriptor checksum over the wrong
//! bytes: starting at the magic number instead of after it. Message format v0
//! keeps that behaviour for compatibility; [`lz4::compress_legacy_magic0`]
//! writes it and [`lz4::decompress_legacy_magic0`] reads it, ignoring the
//! descriptor checksum as the Java client does for magic 0.
//!
//! # Levels
//!
//! `level: None` means the codec's Kafka default. Kafka's ranges (KIP-390,
//! `CompressionType` in the Java client) are enforced; a level for a codec
//! without levels (none, snappy) is an [`Error::InvalidLevel`].
//!
//! | codec | range | default |
//! |-------|-------|---------|
//! | gzip  | 1 to 9, or -1 | -1 (zlib's default, level 6) |
//! | lz4   | 1 to 17 | 9 |
//! | zstd  | -131072 to 22 | 3 |
//!
//! # Bounded decompression
//!
//! Every decompression takes a `limit` and fails with
//! [`Error::OutputLimitExceeded`] as soon as the output would be larger. No
//! size an input claims is allocated on trust:
//!
//! - a snappy length varint is refused if its block could not expand that
//!   far (snappy expands at most 64 bytes per 3 input bytes) and checked
//!   against the limit before anything is allocated;
//! - an LZ4 content size is only compared with the limit and, at the end,
//!   with what was decoded; each block gets the least of its frame's block
//!   size, 255 times its compressed length and the room left under the limit;
//! - a zstd content size is used to size the output in one go only if it is
//!   at most 64 times the input (or 1 MiB); otherwise the output grows as
//!   libzstd produces it. A zstd frame may ask for a window of up to
//!   128 MiB, libzstd's own default maximum and what Kafka's Java consumer
//!   and librdkafka accept; larger windows are refused. The window does not
//!   follow the limit: a streaming writer that does not know the input size
//!   (the Java client's) picks it from the level alone, 128 MiB at level 22,
//!   whatever the batch size. libzstd reserves the window with `malloc` and
//!   writes only as much of it as the frame produces.
//!
//! Output buffers grow geometrically as output is produced, so memory stays
//! within about twice the limit whatever the input says (plus, for zstd, the
//! window libzstd reserves). LZ4 blocks are
//! decoded into a per-thread scratch buffer of at most that room (kept
//! between calls only up to 256 KiB: Kafka's frames need 64 KiB) and copied
//! out, so a block's room is not zero-filled on every call.
//!
//! # Overhead over the backends
//!
//! `benches/codecs.rs` runs every codec (gzip 1 and 6, snappy, lz4 9 and 1,
//! zstd 1 and 3) on JSON-like records and on random bytes, each of 1 KiB,
//! 64 KiB and 1 MiB, through this crate and through the backend called
//! by hand to produce or read the same format, timed in thread CPU time. On
//! the development machine (full run of 2026-11-21, `cargo bench -p
//! kafkawire-compress --bench codecs`, about 30 minutes) the geometric mean of
//! this crate's throughput over the direct calls is 1.10 for gzip, snappy
//! and lz4 (60 pairs; single pairs move by about 10 % between runs on the
//! shared machine). 59 of the 60 pairs are at 0.96 or above. The exception
//! was snappy decompression of 1 KiB of incompressible bytes, 55 ns against
//! 43 ns: a fixed cost per call of telling the three snappy layouts apart,
//! walking the xerial header and checking the block's claimed length, where
//! the direct path is handed the output length and checks nothing. A
//! xerial stream of one block (every batch up to 32 KiB) now takes a
//! shortcut, and the codec is matched before it is validated, which cut
//! the instructions per call from 978 to 885 against the direct path's 729
//! (callgrind). In timings the pair moves between 39 and 51 ns against
//! 40 to 44 ns (0.8 to 1.1 over four runs; the allocator's state decides
//! most of it). Against `snap`'s own `decompress_vec`, which reads the
//! length from the block as a Kafka consumer must (the `direct-vec` rows),
//! it is level at 1 KiB and faster above (2.4 µs against 3.6 µs on 64 KiB).
//! From 64 KiB up the pair is at 1.00. Snappy compression of
//! incompressible 1 MiB was at 0.74 until the output was reserved up front
//! (now 0.98).
//!
//! LZ4 decompression is at 1.01 to 1.13 of the direct path on JSON from
//! 1 KiB to 1 MiB and on 1 KiB of random bytes, and 1.2 to 1.6 on
//! incompressible 64 KiB and 1 MiB, both with the payload's length as the
//! limit and with the 64 MiB limit `kafkawire-records` uses. The direct path
//! walks the frame by hand without reading the descriptor or checking
//! anything, and decodes into a zero-filled `Vec` of the exact length it
//! is given; this crate validates the descriptor and its checksum (a
//! constant comparison for Kafka's and librdkafka's `60 40` descriptor),
//! every block size, the limit and trailing bytes, and hashes data only
//! when the frame asks for block or content checksums (Kafka's do not).
//! It used to trail on 1 KiB payloads (0.81 to 0.94): the descriptor's
//! XXH32 (about 5 ns), lz4_flex's decoder inlined into the frame walker (6
//! to 8 % slower than out of line), and, under a realistic limit, 64 KiB of
//! output zero-filled per call whatever the payload (1.29 µs for 1 KiB of
//! JSON where the direct path takes 0.28 µs; 200 µs against 44 µs for
//! 1 MiB of random bytes, whose first guess of 4 MiB was zero-filled).
//!
//! zstd is faster than calling `zstd::bulk` (4 to 11 times on small or
//! incompressible payloads, equal at 1 MiB) because one libzstd context
//! per thread is reused. The full tables are in the benchmark's source.
//!
//! # How this is tested
//!
//! `tests/fixtures.rs` decodes vectors written by librdkafka (kcat), the
//! Java client's libraries (snappy-java, zstd-jni, `java.util.zip`, lz4-java
//! in Kafka's frame layout), liblz4, libzstd, Google's snappy and
//! kafka-python; `tests/data/README.md` says how each was made. Files this
//! crate writes were read back by the Java libraries (same README).
//! `tests/roundtrip.rs` holds the property tests (`KAFKA_COMPRESS_CASES`
//! raises the case count), `tests/hostile.rs` the truncated, corrupt, lying
//! and bomb inputs under a 1 GiB allocation cap, and `fuzz/` (outside the
//! workspace) one cargo-fuzz target per decoder.
//!
//! # Features
//!
//! `gzip`, `snappy`, `lz4`, `lz4-hc` and `zstd`, all on by default. A codec
//! whose feature is off is an [`Error::CodecDisabled`] at run time; its
//! [`Compression`] value and the [`lz4`] module still exist. `lz4-hc` adds
//! liblz4 (C) for LZ4 levels other than 9, which Kafka compresses with LZ4 HC;
//! without it those levels are accepted and use the fast compressor.
//!
//! # Backends, and why
//!
//! | codec | backend | language |
//! |-------|---------|----------|
//! | gzip | `flate2` with the `zlib-rs` backend | Rust |
//! | snappy | `snap` | Rust |
//! | lz4 | `lz4_flex` blocks (safe encoder and decoder) + this crate's frame code; liblz4 via `lz4` for HC levels | Rust (+ C for HC) |
//! | zstd | `zstd` (libzstd 1.5.7), one compression and one decompression context cached per thread | C |
//!
//! Measured on the development machine (2 shared cores, x86-64), single
//! thread, best of five rounds of 0.2 s of thread CPU time, MB/s of
//! uncompressed data, with `kafka-compress/tools/backend-shootout`:
//!
//! ```sh
//! cd kafka-compress/tools/backend-shootout
//! cargo run --release                                              # zlib-rs
//! cargo run --release --no-default-features --features gzip-miniz # miniz_oxide
//! cargo run --release --no-default-features --features gzip-zlib  # zlib (C)
//! ```
//!
//! gzip (`flate2`, the same code with each backend):
//!
//! | payload | backend | level | compress | decompress | ratio |
//! |---------|---------|-------|---------:|-----------:|------:|
//! | JSON 64 KiB | zlib-rs | 6 | 103 | 953 | 0.149 |
//! | JSON 64 KiB | miniz_oxide | 6 | 44 | 851 | 0.141 |
//! | JSON 64 KiB | zlib (C) | 6 | 95 | 740 | 0.144 |
//! | JSON 1 MiB | zlib-rs | 6 | 96 | 945 | 0.141 |
//! | JSON 1 MiB | miniz_oxide | 6 | 41 | 817 | 0.133 |
//! | JSON 1 MiB | zlib (C) | 6 | 87 | 685 | 0.137 |
//! | JSON 1 MiB | zlib-rs | 1 | 517 | 848 | 0.223 |
//! | JSON 1 MiB | miniz_oxide | 1 | 308 | 503 | 0.221 |
//! | JSON 1 MiB | zlib (C) | 1 | 220 | 548 | 0.184 |
//! | random 64 KiB | zlib-rs | 6 | 63 | 3010 | 1.001 |
//! | random 64 KiB | miniz_oxide | 6 | 52 | 3036 | 1.001 |
//! | random 64 KiB | zlib-rs | 1 | 128 | 353 | 1.055 |
//!
//! zlib-rs compresses twice as fast as miniz_oxide at Kafka's default level
//! and decodes 10-15 % faster, in Rust, with no C toolchain needed.
//! Its one weak spot is level 1 on incompressible data (5 % larger output).
//!
//! lz4 (64 KiB blocks, as Kafka frames them) and zstd (level 3):
//!
//! | payload | candidate | compress | decompress | ratio |
//! |---------|-----------|---------:|-----------:|------:|
//! | JSON 64 KiB | lz4_flex 0.11, safe | 1473 | 5216 | 0.242 |
//! | JSON 64 KiB | liblz4 (`lz4` 1.28) | 1372 | 4972 | 0.266 |
//! | JSON 1 MiB | lz4_flex 0.11, safe | 981 | 3399 | 0.241 |
//! | JSON 1 MiB | liblz4 (`lz4` 1.28) | 1043 | 4209 | 0.264 |
//! | random 64 KiB | lz4_flex 0.11, safe | 10326 | 37860 | 1.004 |
//! | random 64 KiB | liblz4 (`lz4` 1.28) | 11295 | 38192 | 1.004 |
//! | JSON 1 MiB | liblz4 HC level 1 | 584 | - | 0.215 |
//! | JSON 1 MiB | liblz4 HC level 12 | 16 | - | 0.195 |
//! | JSON 64 KiB | libzstd (`zstd` 0.13) | 633 | 1499 | 0.121 |
//! | JSON 64 KiB | ruzstd 0.8 (decoder only) | - | 418 | 0.121 |
//! | JSON 1 MiB | libzstd (`zstd` 0.13) | 709 | 2037 | 0.107 |
//! | JSON 1 MiB | ruzstd 0.8 (decoder only) | - | 379 | 0.107 |
//!
//! For lz4 the two are level on speed on 64 KiB payloads; liblz4 decodes a
//! 1 MiB payload about 20 % faster, lz4_flex compresses 10 % smaller. The
//! decoder is `lz4_flex` in its safe mode anyway: hostile frames are decoded
//! by bounds-checked Rust, and its typed "output too small" error is what
//! lets a block be decoded into exactly the room left under the limit.
//! liblz4 is used only where lz4_flex has nothing: the HC levels. For zstd
//! the only Rust candidate decodes 4-5 times slower and cannot compress, so
//! libzstd it is. For snappy `snap` is the only maintained Rust
//! implementation; Google's C++ snappy would need a system library.
// docs.rs (`--cfg docsrs`): each feature-gated item says which feature.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod error;
#[cfg(feature = "gzip")]
mod gzip;
pub mod lz4;
mod sink;
#[cfg(feature = "snappy")]
mod snappy;
#[cfg(feature = "zstd")]
mod zstd;

use core::fmt;

pub use error::{CorruptKind, Error};

/// The compression code in the low three bits of a record batch's attributes.
///
/// An open newtype: every `u8` is representable, so a code from a newer
/// producer (or a corrupt one) can be carried around and reported; using an
/// unknown code to compress or decompress is an [`Error::UnknownCodec`].
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Compression(u8);

/// A codec's compression levels as Kafka defines them.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
#[non_exhaustive]
pub struct Levels {
    /// The lowest level accepted.
    pub min: i32,
    /// The highest level accepted.
    pub max: i32,
    /// The level used when none is given. It may lie outside `min..=max`
    /// (gzip's `-1`), and is accepted as a level too.
    pub default: i32,
}

impl Compression {
    /// No compression (code 0).
    pub const NONE: Self = Self(0);
    /// gzip (code 1).
    pub const GZIP: Self = Self(1);
    /// snappy (code 2).
    pub const SNAPPY: Self = Self(2);
    /// lz4 (code 3).
    pub const LZ4: Self = Self(3);
    /// zstd (code 4), since Kafka 2.1.
    pub const ZSTD: Self = Self(4);

    /// The codec with this code; any value is accepted.
    pub const fn from_code(code: u8) -> Self {
        Self(code)
    }

    /// The codec taken from a batch's attributes (the low three bits).
    pub const fn from_attributes(attributes: i16) -> Self {
        Self((attributes & 0x07) as u8)
    }

    /// The code.
    pub const fn code(self) -> u8 {
        self.0
    }

    /// Kafka's name (`compression.type`), or `None` for an unknown code.
    pub fn name(self) -> Option<&'static str> {
        match self {
            Self::NONE => Some("none"),
            Self::GZIP => Some("gzip"),
            Self::SNAPPY => Some("snappy"),
            Self::LZ4 => Some("lz4"),
            Self::ZSTD => Some("zstd"),
            _ => None,
        }
    }

    /// The codec with this Kafka name (`none`, `gzip`, `snappy`, `lz4`,
    /// `zstd`).
    pub fn from_name(name: &str) -> Option<Self> {
        [Self::NONE, Self::GZIP, Self::SNAPPY, Self::LZ4, Self::ZSTD]
            .into_iter()
            .find(|c| c.name() == Some(name))
    }

    /// Whether Kafka defines this code.
    pub fn is_known(self) -> bool {
        self.name().is_some()
    }

    /// Whether this build can compress and decompress with this codec (the
    /// codec is known and its feature is on).
    pub fn is_enabled(self) -> bool {
        let enabled = [
            true,
            cfg!(feature = "gzip"),
            cfg!(feature = "snappy"),
            cfg!(feature = "lz4"),
            cfg!(feature = "zstd"),
        ];
        enabled.get(usize::from(self.0)).copied().unwrap_or(false)
    }

    /// The levels Kafka accepts for this codec, or `None` if it has none.
    pub const fn levels(self) -> Option<Levels> {
        match self.0 {
            1 => Some(Levels {
                min: 1,
                max: 9,
                default: -1,
            }),
            3 => Some(Levels {
                min: 1,
                max: 17,
                default: 9,
            }),
            4 => Some(Levels {
                min: -131_072,
                max: 22,
                default: 3,
            }),
            _ => None,
        }
    }

    /// Checks `level` against Kafka's range and resolves `None` to the
    /// default.
    ///
    /// Returns `Ok(None)` for a codec without levels when no level is given.
    pub fn resolve_level(self, level: Option<i32>) -> Result<Option<i32>, Error> {
        match (self.levels(), level) {
            (None, None) => Ok(None),
            (None, Some(level)) => Err(Error::InvalidLevel { codec: self, level }),
            (Some(l), None) => Ok(Some(l.default)),
            (Some(l), Some(level)) => {
                if (l.min..=l.max).contains(&level) || level == l.default {
                    Ok(Some(level))
                } else {
                    Err(Error::InvalidLevel { codec: self, level })
                }
            }
        }
    }
}

impl fmt::Debug for Compression {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => f.write_str(name),
            None => write!(f, "unknown({})", self.0),
        }
    }
}

impl fmt::Display for Compression {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

impl From<u8> for Compression {
    fn from(code: u8) -> Self {
        Self(code)
    }
}

impl From<Compression> for u8 {
    fn from(c: Compression) -> Self {
        c.0
    }
}

/// Compresses `input` with `codec`, appending to `out`.
///
/// `level: None` is the codec's Kafka default (see the [crate docs](crate)).
/// On error `out` is left as it was.
///
/// # Errors
///
/// [`Error::UnknownCodec`], [`Error::CodecDisabled`], [`Error::InvalidLevel`],
/// or [`Error::CompressFailed`] if the backend fails.
pub fn compress(
    codec: Compression,
    level: Option<i32>,
    input: &[u8],
    out: &mut Vec<u8>,
) -> Result<(), Error> {
    check_enabled(codec)?;
    let level = codec.resolve_level(level)?;
    let start = out.len();
    let result = compress_enabled(codec, level, input, out);
    if result.is_err() {
        out.truncate(start);
    }
    result
}

#[allow(unused_variables)] // `level` and `input` are unused when codecs are off.
fn compress_enabled(
    codec: Compression,
    level: Option<i32>,
    input: &[u8],
    out: &mut Vec<u8>,
) -> Result<(), Error> {
    match codec {
        Compression::NONE => {
            out.extend_from_slice(input);
            Ok(())
        }
        #[cfg(feature = "gzip")]
        Compression::GZIP => gzip::compress(level.unwrap_or(-1), input, out),
        #[cfg(feature = "snappy")]
        Compression::SNAPPY => {
            snappy::compress_xerial(input, out);
            Ok(())
        }
        #[cfg(feature = "lz4")]
        Compression::LZ4 => lz4::compress_frame(level.unwrap_or(9), false, input, out),
        #[cfg(feature = "zstd")]
        Compression::ZSTD => zstd::compress(level.unwrap_or(3), input, out),
        _ => Err(Error::CodecDisabled(codec)),
    }
}

/// Decompresses `input`, which was compressed with `codec`.
///
/// Fails with [`Error::OutputLimitExceeded`] if the output would be longer
/// than `limit` bytes. Memory use is bounded by the limit, never by a size
/// the input claims (see [Bounded decompression](crate#bounded-decompression)).
///
/// # Errors
///
/// [`Error::UnknownCodec`], [`Error::CodecDisabled`],
/// [`Error::OutputLimitExceeded`], or [`Error::Corrupt`] with what was wrong.
pub fn decompress(codec: Compression, input: &[u8], limit: usize) -> Result<Vec<u8>, Error> {
    // The codes this build handles are matched first; everything else is
    // told apart (unknown or disabled) only on the way to the error.
    match codec {
        Compression::NONE => {
            if input.len() > limit {
                return Err(Error::OutputLimitExceeded { limit });
            }
            Ok(input.to_vec())
        }
        #[cfg(feature = "gzip")]
        Compression::GZIP => gzip::decompress(input, limit),
        #[cfg(feature = "snappy")]
        Compression::SNAPPY => snappy::decompress(input, limit),
        #[cfg(feature = "lz4")]
        Compression::LZ4 => lz4::decompress_frames(input, limit, false),
        #[cfg(feature = "zstd")]
        Compression::ZSTD => zstd::decompress(input, limit),
        _ if !codec.is_known() => Err(Error::UnknownCodec(codec)),
        _ => Err(Error::CodecDisabled(codec)),
    }
}

fn check_enabled(codec: Compression) -> Result<(), Error> {
    if !codec.is_known() {
        Err(Error::UnknownCodec(codec))
    } else if !codec.is_enabled() {
        Err(Error::CodecDisabled(codec))
    } else {
        Ok(())
    }
}
