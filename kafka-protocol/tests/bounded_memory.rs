//! Decoding hostile input allocates no more than the input justifies: a
//! counting global allocator measures every byte allocated while decoding
//! inputs whose counts and lengths lie, and the bound is asserted.

use bytes::Bytes;
use kafkawire::Message;
use kafkawire::messages::{
    ApiVersionsRequest, FetchResponse, MetadataRequest, MetadataResponse, ProduceRequest,
};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};
use std::alloc::System;
use std::sync::Mutex;

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// Serializes the tests: the counters are global.
static LOCK: Mutex<()> = Mutex::new(());

/// Bytes allocated (in total, an upper bound of the peak) while decoding
/// `input` as `M` at `version`.
fn allocated_while_decoding<M: Message>(input: &Bytes, version: i16) -> usize {
    let mut b = input.clone();
    let region = Region::new(GLOBAL);
    let result = M::decode(&mut b, version);
    let allocated = region.change().bytes_allocated;
    drop(result);
    allocated
}

fn hex(s: &str) -> Bytes {
    let clean: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    Bytes::from(
        (0..clean.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&clean[i..i + 2], 16).unwrap())
            .collect::<Vec<u8>>(),
    )
}

/// The bound: a small constant factor of the input, plus a fixed allowance
/// for the error value and bookkeeping.
fn assert_bounded(what: &str, input: &Bytes, peak: usize) {
    let bound = 64 * input.len() + 1024;
    eprintln!(
        "{what}: {peak} bytes allocated for {} input bytes",
        input.len()
    );
    assert!(
        peak <= bound,
        "{what}: peak {peak} bytes for a {}-byte input (bound {bound})",
        input.len()
    );
}

#[test]
fn hostile_counts_and_lengths_allocate_little() {
    let _g = LOCK.lock().unwrap();
    type Decoder = Box<dyn Fn(&Bytes) -> usize>;
    let cases: Vec<(&str, Bytes, Decoder)> = vec![
        (
            "array count i32::MAX (int32)",
            hex("7f ff ff ff 00 00 00 00"),
            Box::new(|b| allocated_while_decoding::<MetadataRequest>(b, 0)),
        ),
        (
            "compact array count u32::MAX",
            hex("ff ff ff ff 0f 00 00"),
            Box::new(|b| allocated_while_decoding::<MetadataRequest>(b, 9)),
        ),
        (
            "bytes length past the end",
            hex(
                "ff ff 00 01 00 00 00 64 00 00 00 01 00 01 74 00 00 00 01 00 00 00 00 7f ff ff ff 00",
            ),
            Box::new(|b| allocated_while_decoding::<ProduceRequest>(b, 3)),
        ),
        (
            "nested arrays each claiming huge counts",
            hex("ff ff 00 01 00 00 00 64 00 00 00 01 00 01 74 7f ff ff ff"),
            Box::new(|b| allocated_while_decoding::<ProduceRequest>(b, 3)),
        ),
        (
            "tagged field claiming a huge size",
            hex("01 01 01 05 ff ff ff ff 0f 00"),
            Box::new(|b| allocated_while_decoding::<ApiVersionsRequest>(b, 3)),
        ),
        (
            "tag count claiming u32::MAX fields",
            hex("01 01 ff ff ff ff 0f"),
            Box::new(|b| allocated_while_decoding::<ApiVersionsRequest>(b, 3)),
        ),
    ];
    for (what, input, decode) in cases {
        let peak = decode(&input);
        assert_bounded(what, &input, peak);
    }
}

#[test]
fn many_small_elements_stay_within_a_constant_factor() {
    let _g = LOCK.lock().unwrap();
    // MetadataResponse v0 claiming 1000 brokers but carrying only 3 bytes of
    // them, and FetchResponse v4 with as many empty topics as the input allows.
    let mut body = hex("00 00 03 e8").to_vec();
    body.extend([0u8; 3]);
    let input = Bytes::from(body);
    assert_bounded(
        "metadata",
        &input,
        allocated_while_decoding::<MetadataResponse>(&input, 0),
    );

    // 4000 topics of the smallest wire size (empty name, no partitions: 6 bytes each).
    let mut body = vec![0, 0, 0, 0]; // throttle
    body.extend(4000u32.to_be_bytes());
    for _ in 0..4000 {
        body.extend([0, 0, 0, 0, 0, 0]);
    }
    let input = Bytes::from(body);
    let peak = allocated_while_decoding::<FetchResponse>(&input, 4);
    assert_bounded("fetch topics", &input, peak);
    // And the decode really succeeded with all of them.
    assert_eq!(
        FetchResponse::decode_exact(input, 4)
            .unwrap()
            .responses
            .len(),
        4000
    );
}
