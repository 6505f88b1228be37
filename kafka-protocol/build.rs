//! Generates the codec from `schemas/` (Kafka's message JSON) into `OUT_DIR`.

use std::path::PathBuf;

fn main() {
    let manifest_dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    // The schemas travel with the crate when packaged (`schemas/` under the
    // crate); in the workspace they live at the root.
    let packaged = manifest_dir.join("schemas");
    // In the workspace `kafka-protocol/schemas` is a symlink to the root's
    // `schemas/` (which `cargo package` follows, so the files travel as a
    // copy); where symlinks are not checked out (Windows without
    // `core.symlinks`) it is a small file and the root is used directly.
    let root = if packaged.join("manifest.json").exists() {
        packaged
    } else {
        manifest_dir.join("..").join("schemas")
    };
    // Watch and report the real folder, not the path through the symlink.
    let root = root.canonicalize().unwrap_or(root);
    println!("cargo::rerun-if-changed={}", root.display());
    let out = PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_default());
    if let Err(e) = kafkawire_gen::generate(&root, &out) {
        eprintln!("kafkawire: code generation failed: {e}");
        std::process::exit(1);
    }
    // Small schemas for the crate's own tests (Kafka's test schemas and ours);
    // compiled only under `cfg(test)`. Absent from a packaged crate.
    let test_schemas = manifest_dir.join("tests").join("schemas");
    if test_schemas.is_dir() {
        println!("cargo::rerun-if-changed={}", test_schemas.display());
        if let Err(e) =
            kafkawire_gen::generate_dir(&test_schemas, &out, "test_schemas", "crate::test_messages")
        {
            eprintln!("kafkawire: test schema generation failed: {e}");
            std::process::exit(1);
        }
    } else {
        // Keep the `cfg(test)` include paths valid without the test schemas.
        let dir = out.join("test_schemas");
        let _ = std::fs::create_dir_all(&dir);
        let _ = std::fs::write(dir.join("messages.rs"), "");
        let _ = std::fs::write(dir.join("message_tests.rs"), "");
    }
}
