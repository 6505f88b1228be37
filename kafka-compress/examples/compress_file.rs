//! Compresses or decompresses stdin to stdout, for checking this crate
//! against other implementations from the shell.
//!
//! ```sh
//! cargo run --example compress_file -- compress lz4 [LEVEL] < in > out
//! cargo run --example compress_file -- compress lz4-magic0 < in > out
//! cargo run --example compress_file -- decompress snappy < in > out
//! ```

use std::io::{Read, Write};
use std::process::ExitCode;

use kafkawire_compress::{Compression, compress, decompress, lz4};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(mode), Some(codec)) = (args.first(), args.get(1)) else {
        eprintln!("usage: compress_file compress|decompress CODEC [LEVEL]");
        return ExitCode::FAILURE;
    };
    let level = match args.get(2).map(|l| l.parse::<i32>()) {
        None => None,
        Some(Ok(l)) => Some(l),
        Some(Err(e)) => {
            eprintln!("bad level: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut input = Vec::new();
    if let Err(e) = std::io::stdin().read_to_end(&mut input) {
        eprintln!("reading stdin: {e}");
        return ExitCode::FAILURE;
    }
    let result = match (mode.as_str(), codec.as_str()) {
        ("compress", "lz4-magic0") => {
            let mut out = Vec::new();
            lz4::compress_legacy_magic0(None, &input, &mut out).map(|()| out)
        }
        ("decompress", "lz4-magic0") => lz4::decompress_legacy_magic0(&input, 1 << 30),
        (mode, name) => {
            let Some(c) = Compression::from_name(name) else {
                eprintln!("unknown codec {name}");
                return ExitCode::FAILURE;
            };
            if mode == "compress" {
                let mut out = Vec::new();
                compress(c, level, &input, &mut out).map(|()| out)
            } else {
                decompress(c, &input, 1 << 30)
            }
        }
    };
    match result {
        Ok(out) => match std::io::stdout().write_all(&out) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("writing stdout: {e}");
                ExitCode::FAILURE
            }
        },
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}
