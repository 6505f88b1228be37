//! Maintenance commands (in progress).
fn main() {}
