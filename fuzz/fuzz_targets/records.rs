//! Any bytes as a Produce/Fetch `records` blob: every reader of
//! kafkawire-records must return errors, never panic, and whatever decodes
//! must re-encode to the exact bytes it came from.
#![no_main]

use bytes::Bytes;
use kafkawire_records::{Batch, BatchStream, Compression, ReadOptions, down_convert, up_convert};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let input = Bytes::copy_from_slice(data);
    let opts = ReadOptions::default()
        .max_batch_size(1 << 20)
        .max_decompressed_size(1 << 20);
    let mut stream = BatchStream::with_options(input.clone(), opts);
    let mut at = 0;
    while let Some(entry) = stream.next() {
        let Ok(entry) = entry else { break };
        // Lossless: the entry re-encodes to the bytes it was read from.
        let mut out = Vec::new();
        entry.encode(&mut out).expect("decoded entry encodes");
        assert_eq!(&out[..], &data[at..at + out.len()]);
        at += out.len();
        match entry {
            Batch::V2(b) => {
                let _ = b.verify_crc();
                let _ = b.validate(&opts);
                let _ = b.validate_producer_offsets();
                if let Ok(records) = b.records(&opts) {
                    for r in records {
                        let Ok(r) = r else { break };
                        for h in r.headers.iter() {
                            std::hint::black_box(h);
                        }
                        if let Ok(c) = kafkawire_records::control::ControlRecord::from_record(&r) {
                            let _ = c.decode_value();
                        }
                        let mut again = Vec::new();
                        r.encode(&mut again).expect("decoded record encodes");
                    }
                }
            }
            Batch::Legacy(m) => {
                let _ = m.verify_crc();
                if let Ok(messages) = m.messages(&opts) {
                    for r in messages {
                        if r.is_err() {
                            break;
                        }
                    }
                }
            }
        }
    }
    assert_eq!(at, stream.position());
    if let Some(tail) = stream.partial_tail() {
        assert_eq!(at + tail.len(), data.len());
    }
    let _ = up_convert(input.clone(), Compression::NONE, None, &opts);
    let _ = down_convert(input, 1, &opts);
});
