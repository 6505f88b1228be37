//! Records derived from the fuzz input go through RecordBatchBuilder and
//! back through the reader: every field must come back, and the batch must
//! re-encode to the builder's bytes.
#![no_main]

use bytes::Bytes;
use kafkawire_records::{Compression, ReadOptions, RecordBatch, RecordBatchBuilder};
use libfuzzer_sys::fuzz_target;

/// Splits the input into fields: a one-byte tag chooses null, empty or the
/// next `len` bytes.
fn field<'a>(data: &mut &'a [u8]) -> Option<&'a [u8]> {
    let (&tag, rest) = data.split_first()?;
    *data = rest;
    match tag % 4 {
        0 => None,
        1 => Some(&[]),
        _ => {
            let n = usize::from(tag / 4).min(data.len());
            let (f, rest) = data.split_at(n);
            *data = rest;
            Some(f)
        }
    }
}

fuzz_target!(|input: &[u8]| {
    let Some((&flags, mut data)) = input.split_first() else {
        return;
    };
    let codec = Compression::from_code(flags % 5);
    let mut builder = RecordBatchBuilder::new(i64::from(flags) << 20)
        .compression(codec, None)
        .transactional(flags & 0x10 != 0)
        .control(flags & 0x20 != 0);
    let mut expected = Vec::new();
    let mut ts: i64 = 1_700_000_000_000;
    while !data.is_empty() && expected.len() < 64 {
        let key = field(&mut data);
        let value = field(&mut data);
        let mut headers = Vec::new();
        while let Some((&h, rest)) = data.split_first() {
            if h & 0x80 == 0 || headers.len() >= 4 {
                break;
            }
            data = rest;
            let k = field(&mut data).unwrap_or(b"k");
            headers.push((k, field(&mut data)));
        }
        ts = ts.wrapping_add(i64::from(data.first().copied().unwrap_or(0)) << 30);
        builder.append(ts, key, value, &headers).expect("append");
        expected.push((ts, key, value, headers));
    }
    let bytes = builder.finish().expect("finish");
    let opts = ReadOptions::default();
    let batch = RecordBatch::decode(&mut bytes.clone(), &opts).expect("decode");
    batch.validate(&opts).expect("valid");
    let mut out = Vec::new();
    batch.encode(&mut out).expect("encode");
    assert_eq!(Bytes::from(out), bytes);
    let mut n = 0;
    for (r, (ts, key, value, headers)) in batch.records(&opts).expect("records").zip(&expected) {
        let r = r.expect("record");
        assert_eq!(r.timestamp, *ts);
        assert_eq!(r.key.as_deref(), *key);
        assert_eq!(r.value.as_deref(), *value);
        let got: Vec<_> = r.headers.iter().collect();
        assert_eq!(got.len(), headers.len());
        for (g, (k, v)) in got.iter().zip(headers) {
            assert_eq!(&g.key[..], *k);
            assert_eq!(g.value.as_deref(), *v);
        }
        n += 1;
    }
    assert_eq!(n, expected.len());
});
