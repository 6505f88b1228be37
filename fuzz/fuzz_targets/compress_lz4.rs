//! LZ4 frame decoders of kafkawire-compress (standard and magic-0 legacy): any
//! input gives a result within the limit or an error, never a panic; the two
//! readers agree whenever the standard one accepts.
#![no_main]

use kafkawire_compress::{Compression, compress, decompress, lz4};
use libfuzzer_sys::fuzz_target;

const LIMIT: usize = 1 << 20;

fuzz_target!(|data: &[u8]| {
    let standard = decompress(Compression::LZ4, data, LIMIT);
    let legacy = lz4::decompress_legacy_magic0(data, LIMIT);
    if let Ok(out) = &standard {
        assert!(out.len() <= LIMIT);
        // The legacy reader only skips the descriptor checksum.
        assert_eq!(legacy.as_ref().ok(), Some(out));
        let mut again = Vec::new();
        compress(Compression::LZ4, None, out, &mut again).expect("compress");
        assert_eq!(
            decompress(Compression::LZ4, &again, LIMIT).as_ref(),
            Ok(out)
        );
    }
    if let Ok(out) = &legacy {
        assert!(out.len() <= LIMIT);
    }
});
