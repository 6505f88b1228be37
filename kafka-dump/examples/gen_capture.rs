//! Writes a synthetic capture for measuring kafka-dump: many connections
//! producing and fetching record batches with every codec.
//!
//! `cargo run --release -p kafka-dump --example gen_capture -- OUT.pcap MEGABYTES [CONNECTIONS]`

use std::io::BufWriter;
use std::process::ExitCode;

use kafka_dump::synth::{PcapWriter, SynthError, Workload, write_workload};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(path), Some(mb)) = (
        args.first(),
        args.get(1).and_then(|m| m.parse::<u64>().ok()),
    ) else {
        eprintln!("usage: gen_capture OUT.pcap MEGABYTES [CONNECTIONS]");
        return ExitCode::from(2);
    };
    let connections = args.get(2).and_then(|c| c.parse().ok()).unwrap_or(50);
    let file = match std::fs::File::create(path) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("gen_capture: {path}: {e}");
            return ExitCode::from(2);
        }
    };
    let workload = Workload {
        connections,
        target_bytes: mb << 20,
        ..Workload::default()
    };
    let result = PcapWriter::new(BufWriter::with_capacity(1 << 20, file))
        .map_err(SynthError::from)
        .and_then(|mut w| {
            let frames = write_workload(&mut w, &workload)?;
            Ok((frames, w.written()))
        });
    match result {
        Ok((frames, bytes)) => {
            eprintln!(
                "gen_capture: {path}: {bytes} bytes, {frames} frames, {connections} connections"
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("gen_capture: {path}: {e}");
            ExitCode::FAILURE
        }
    }
}
