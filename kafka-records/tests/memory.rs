//! Memory bounded by the input: hostile inputs are read under an allocator
//! cap a little above what is allocated already. Going over the cap makes
//! the allocation fail, which aborts this test binary.
//!
//! One test function, so no other test allocates at the same time.

use bytes::Bytes;
use kafkawire_records::{BatchStream, Compression, ReadOptions, RecordBatch, RecordBatchBuilder};

#[global_allocator]
static ALLOC: cap::Cap<std::alloc::System> = cap::Cap::new(std::alloc::System, usize::MAX);

fn within<T>(budget: usize, f: impl FnOnce() -> T) -> T {
    ALLOC.set_limit(ALLOC.allocated() + budget).unwrap();
    let out = f();
    ALLOC.set_limit(usize::MAX).unwrap();
    out
}

fn hostile_batch(records: Vec<u8>, count: i32) -> RecordBatch {
    let mut b = RecordBatchBuilder::new(0);
    b.append(0, None, Some(b"x"), &[]).unwrap();
    let mut batch = b.finish_batch().unwrap();
    batch.records = Bytes::from(records);
    batch.record_count = count;
    batch.refresh_length_and_crc().unwrap();
    batch
}

fn read_all(batch: &RecordBatch, opts: &ReadOptions) -> usize {
    let mut errors = 0;
    match batch.records(opts) {
        Ok(it) => {
            for r in it {
                match r {
                    Ok(r) => {
                        let _ = r.headers.iter().count();
                    }
                    Err(_) => errors += 1,
                }
            }
        }
        Err(_) => errors += 1,
    }
    errors + usize::from(batch.validate(opts).is_err())
}

#[test]
fn hostile_inputs_stay_within_memory_bounds() {
    let opts = ReadOptions::default().max_decompressed_size(1 << 20);

    // Record count i32::MAX over one real record, CRC valid.
    let mut one = RecordBatchBuilder::new(0);
    one.append(0, Some(b"k"), Some(b"v"), &[]).unwrap();
    let one = one.finish_batch().unwrap();
    let batch = hostile_batch(one.records.to_vec(), i32::MAX);
    assert_eq!(within(16 << 10, || read_all(&batch, &opts)), 2);

    // Header count i32::MAX.
    let mut body = vec![0u8, 0, 0, 1, 1, 0xfe, 0xff, 0xff, 0xff, 0x0f, 2, b'k', 0];
    body.insert(0, ((body.len()) as u8) << 1);
    let batch = hostile_batch(body, 1);
    assert_eq!(within(16 << 10, || read_all(&batch, &opts)), 2);

    // A stream whose first batch claims 2 GiB.
    let mut blob = vec![0u8; 8];
    blob.extend_from_slice(&i32::MAX.to_be_bytes());
    blob.extend_from_slice(&[0, 0, 0, 0, 2]);
    let blob = Bytes::from(blob);
    within(16 << 10, || {
        let mut s = BatchStream::new(blob.clone());
        assert!(s.next().is_none());
        assert!(s.partial_tail().is_some());
    });

    // A 64 MiB gzip bomb against a 1 MiB output limit.
    let zeros = vec![0u8; 64 << 20];
    let mut b = RecordBatchBuilder::new(0).compression(Compression::GZIP, None);
    b.append(0, None, Some(&zeros), &[]).unwrap();
    drop(zeros);
    let bomb = b.finish_batch().unwrap();
    assert!(bomb.records.len() < 256 << 10);
    assert!(within(4 << 20, || read_all(&bomb, &opts)) > 0);
}
