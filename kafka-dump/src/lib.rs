//! `kafka-dump`: prints the Kafka frames in a capture or a file of frames.
//!
//! The binary's `--help` says how to use it; this library is what it is
//! made of, public so that its parts can be tested on their own:
//!
//! - [`capture`]: classic pcap and pcapng files, packet by packet, and the
//!   TCP segment in a link-layer frame;
//! - [`hex`]: hex dumps (`xxd`, `xxd -p`, `hexdump -C`, plain hex) to bytes;
//! - [`dump`]: TCP reassembly, framing, responses matched to requests by
//!   correlation id, JSON and text output;
//! - [`records`]: `records` fields expanded into batches and records;
//! - [`proxy`]: the live proxy (`kafka-dump proxy`);
//! - [`synth`]: synthetic captures (made-up connections producing and
//!   fetching batches) for the tests and the measurements.
#![cfg_attr(
    not(test),
    deny(
        clippy::indexing_slicing,
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic
    )
)]

pub mod capture;
pub mod dump;
pub mod hex;
pub mod proxy;
pub mod records;
pub mod synth;
