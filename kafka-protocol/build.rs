//! Generates the codec from `../schemas` (Kafka's message JSON) into `OUT_DIR`.

use std::path::PathBuf;

fn main() {
    let manifest_dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    // The schemas travel with the crate when packaged (a copy under the crate);
    // in the workspace they live at the root.
    let packaged = manifest_dir.join("schemas");
    let root = if packaged.join("manifest.json").exists() {
        packaged
    } else {
        manifest_dir.join("..").join("schemas")
    };
    println!("cargo::rerun-if-changed={}", root.display());
    let out = PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_default());
    if let Err(e) = kafka_protocol_gen::generate(&root, &out) {
        eprintln!("kafka-protocol: code generation failed: {e}");
        std::process::exit(1);
    }
}
