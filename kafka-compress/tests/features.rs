//! A codec whose Cargo feature is off is a clear error at run time.
//!
//! Run with `cargo test -p kafkawire-compress --no-default-features --test
//! features` (and with single features on) to exercise the disabled paths.

use kafkawire_compress::{Compression, Error, compress, decompress, lz4};

fn enabled(codec: Compression) -> bool {
    let features = [
        (Compression::GZIP, cfg!(feature = "gzip")),
        (Compression::SNAPPY, cfg!(feature = "snappy")),
        (Compression::LZ4, cfg!(feature = "lz4")),
        (Compression::ZSTD, cfg!(feature = "zstd")),
    ];
    features
        .iter()
        .find(|(c, _)| *c == codec)
        .is_none_or(|&(_, on)| on)
}

#[test]
fn disabled_codecs_say_so_and_enabled_ones_work() {
    for codec in [
        Compression::NONE,
        Compression::GZIP,
        Compression::SNAPPY,
        Compression::LZ4,
        Compression::ZSTD,
    ] {
        assert_eq!(codec.is_enabled(), enabled(codec), "{codec}");
        let mut out = Vec::new();
        let c = compress(codec, None, b"some bytes", &mut out);
        if enabled(codec) {
            c.unwrap();
            assert_eq!(decompress(codec, &out, 100).unwrap(), b"some bytes");
        } else {
            assert_eq!(c, Err(Error::CodecDisabled(codec)));
            assert!(out.is_empty());
            assert_eq!(
                decompress(codec, b"x", 100),
                Err(Error::CodecDisabled(codec))
            );
            let msg = Error::CodecDisabled(codec).to_string();
            assert!(msg.contains("feature"), "{msg}");
        }
    }
    let mut out = Vec::new();
    let legacy = lz4::compress_legacy_magic0(None, b"abc", &mut out);
    if enabled(Compression::LZ4) {
        legacy.unwrap();
        assert_eq!(lz4::decompress_legacy_magic0(&out, 3).unwrap(), b"abc");
    } else {
        assert_eq!(legacy, Err(Error::CodecDisabled(Compression::LZ4)));
    }
}
