#!/bin/bash
# What each feature costs to build, as a user of the crates sees it: a new
# crate depending on one package by path with some features, built from
# scratch in its own target directory. Prints wall, user and sys seconds.
# Usage: bash xtask/feature-costs.sh [SCRATCH_DIR]   (default /tmp/feature-costs)
set -u
ws=$(cd "$(dirname "$0")/.." && pwd)
scratch=${1:-/tmp/feature-costs}
run() { # name, dependency line, [release]
  d=$scratch/$1
  rm -rf "$d"; mkdir -p "$d/src"; echo 'fn main() {}' > "$d/src/main.rs"
  printf '[package]\nname = "consumer"\nversion = "0.0.0"\nedition = "2024"\n[workspace]\n[dependencies]\n%s\n' "$2" > "$d/Cargo.toml"
  (cd "$d" && cargo fetch -q
   /usr/bin/time -f "$1 debug: %e s wall, %U s user, %S s sys" cargo build -q --offline 2>&1 | tail -1
   if [ "${3:-}" = release ]; then
     /usr/bin/time -f "$1 release: %e s wall, %U s user, %S s sys" cargo build -q --offline --release 2>&1 | tail -1
   fi)
}
run kafkawire "kafkawire = { path = \"$ws/kafka-protocol\" }" release
run kafkawire+serde "kafkawire = { path = \"$ws/kafka-protocol\", features = [\"serde\"] }" release
run kafkawire+tokio "kafkawire = { path = \"$ws/kafka-protocol\", features = [\"tokio\"] }"
run records "kafkawire-records = { path = \"$ws/kafka-records\" }"
run records-without-control-values "kafkawire-records = { path = \"$ws/kafka-records\", default-features = false }"
run compress "kafkawire-compress = { path = \"$ws/kafka-compress\" }"
run compress-pure-rust "kafkawire-compress = { path = \"$ws/kafka-compress\", default-features = false, features = [\"gzip\", \"snappy\", \"lz4\"] }"
run compress-zstd "kafkawire-compress = { path = \"$ws/kafka-compress\", default-features = false, features = [\"zstd\"] }"
