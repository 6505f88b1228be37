//! Maintenance commands for the workspace.
//!
//! `cargo xtask regen` validates the bundled schemas (`schemas/`), merges the
//! current release with kept history, renders the codec and prints what it
//! generated. `kafka-protocol`'s build script runs the same generator on every
//! build; this command shows the result and fails early with a clear message
//! when a schema is wrong.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

fn usage() -> ExitCode {
    eprintln!("usage: cargo xtask regen [--out DIR]");
    ExitCode::from(2)
}

fn regen(args: &[String]) -> ExitCode {
    let root = workspace_root();
    let mut out = root.join("target").join("kafka-protocol-generated");
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--out" => match it.next() {
                Some(d) => out = PathBuf::from(d),
                None => return usage(),
            },
            _ => return usage(),
        }
    }
    let schemas = root.join("schemas");
    let report = match kafka_protocol_gen::generate(&schemas, &out) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let manifest = match kafka_protocol_gen::read_manifest(&schemas) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!(
        "Kafka {} ({}), history: {}",
        manifest.release,
        manifest.commit,
        manifest
            .history
            .iter()
            .map(|h| h.release.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    println!(
        "{:>4}  {:<32} {:<10} {:<9} note",
        "key", "api", "versions", "flexible"
    );
    for (key, name, versions, flexible, unstable) in &report.apis {
        let note = if *unstable {
            "latest version unstable"
        } else {
            ""
        };
        println!("{key:>4}  {name:<32} {versions:<10} {flexible:<9} {note}");
    }
    println!(
        "{} APIs, {} messages (requests, responses, headers, data), {} structs, {} (message, version) pairs",
        report.apis.len(),
        report.messages,
        report.structs,
        report.message_versions
    );
    println!("{} files written to {}", report.files.len(), out.display());
    ExitCode::SUCCESS
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("regen") => regen(&args[1..]),
        _ => usage(),
    }
}
