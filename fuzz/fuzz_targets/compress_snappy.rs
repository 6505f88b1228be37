//! Decoder of kafkawire-compress for snappy: any input gives a result within the
//! limit or an error, never a panic; what it accepts re-encodes and decodes
//! back to the same bytes.
#![no_main]

use kafkawire_compress::{Compression, compress, decompress};
use libfuzzer_sys::fuzz_target;

const LIMIT: usize = 1 << 20;

fuzz_target!(|data: &[u8]| {
    if let Ok(out) = decompress(Compression::SNAPPY, data, LIMIT) {
        assert!(out.len() <= LIMIT);
        let mut again = Vec::new();
        compress(Compression::SNAPPY, None, &out, &mut again).expect("compress");
        assert_eq!(
            decompress(Compression::SNAPPY, &again, LIMIT).expect("round trip"),
            out
        );
    }
});
