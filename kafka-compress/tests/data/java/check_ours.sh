#!/bin/sh
# Compresses payload.jsonl with kafkawire-compress (every codec, lz4 at levels 9
# and 17 and in the magic-0 layout) and has the Java libraries the Kafka Java
# client uses read it back. Needs a JDK and Debian's libsnappy-java,
# liblz4-java and libzstd-jni-java. Run from the workspace root.
set -eu
DATA=kafka-compress/tests/data
OUT=$(mktemp -d)
cargo build -q -p kafkawire-compress --example compress_file
BIN=${CARGO_TARGET_DIR:-target}/debug/examples/compress_file
$BIN compress gzip < $DATA/payload.jsonl > $OUT/ours-gzip.bin
$BIN compress snappy < $DATA/payload.jsonl > $OUT/ours-snappy.bin
$BIN compress lz4 < $DATA/payload.jsonl > $OUT/ours-lz4.bin
$BIN compress lz4 9 < $DATA/payload.jsonl > $OUT/ours-lz4-9.bin
$BIN compress lz4 17 < $DATA/payload.jsonl > $OUT/ours-lz4-17.bin
$BIN compress lz4-magic0 < $DATA/payload.jsonl > $OUT/ours-lz4-magic0.bin
$BIN compress zstd < $DATA/payload.jsonl > $OUT/ours-zstd.bin
CP=/usr/share/java/snappy-java.jar:/usr/share/java/lz4-java.jar:/usr/share/java/zstd-jni.jar
java -cp $CP $DATA/java/Interop.java read $OUT $DATA/payload.jsonl
rm -r "$OUT"
