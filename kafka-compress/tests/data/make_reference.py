#!/usr/bin/env python3
"""Write reference-compressed fixtures of payload.jsonl with independent
implementations (pinned versions in README.md):

  zlib/gzip (CPython), lz4.frame (liblz4's LZ4F), zstandard (libzstd),
  kafka-python's codec module (the KAFKA-3160 magic-0 LZ4 header).

Every fixture is checked to decode back to its plaintext with the same
libraries before it is written.
"""
import gzip, json, random, struct
import lz4.frame as lz4f
import zstandard
from kafka import codec as kc

random.seed(20261120)
lines = []
for i in range(1000):
    lines.append(json.dumps({
        "id": i,
        "ts": 1700000000000 + i * 17,
        "user": "user-%d" % random.randrange(5000),
        "event": random.choice(["click", "view", "purchase", "scroll"]),
        "amount": round(random.random() * 1000, 2),
        "tags": random.sample(["a", "b", "c", "d", "e", "f"], 3),
        "note": "".join(random.choice("abcdefghij ") for _ in range(random.randrange(0, 60))),
    }))
payload = ("\n".join(lines) + "\n").encode()
assert len(payload) > 64 * 1024 * 1.5, len(payload)   # several 32 KiB / 64 KiB blocks
small = payload[:30000]                                 # one block
open("payload.jsonl", "wb").write(payload)

def w(name, data, plain, check):
    assert check(data) == plain, name
    open(name, "wb").write(data)
    print("%-40s %7d bytes -> %7d" % (name, len(data), len(plain)))

# gzip: single member and two concatenated members.
w("gzip-python-level6.gz", gzip.compress(payload, 6, mtime=0), payload, gzip.decompress)
half = len(payload) // 2
w("gzip-two-members.gz", gzip.compress(payload[:half], 1, mtime=0) + gzip.compress(payload[half:], 9, mtime=0),
  payload, gzip.decompress)

# snappy fixtures come from make_snappy.py (Debian's python3-snappy, Google's libsnappy).

# lz4 frames
w("lz4-java-layout.lz4", lz4f.compress(payload, block_size=lz4f.BLOCKSIZE_MAX64KB, block_linked=False,
  content_checksum=False, block_checksum=False, store_size=False), payload, lz4f.decompress)
w("lz4-size-and-checksums.lz4", lz4f.compress(payload, block_size=lz4f.BLOCKSIZE_MAX256KB, block_linked=False,
  content_checksum=True, block_checksum=True, store_size=True), payload, lz4f.decompress)
w("lz4-linked-blocks.lz4", lz4f.compress(payload, block_size=lz4f.BLOCKSIZE_MAX64KB, block_linked=True,
  content_checksum=True, store_size=True), payload, lz4f.decompress)
w("lz4-hc-level9-4mb-blocks.lz4", lz4f.compress(payload, block_size=lz4f.BLOCKSIZE_MAX4MB, block_linked=False,
  compression_level=9, store_size=False), payload, lz4f.decompress)
# KAFKA-3160: magic-0 messages (kafka-python's encoder for 0.8/0.9 brokers)
w("lz4-legacy-magic0-kafka-python.lz4", kc.lz4_encode_old_kafka(small), small, kc.lz4_decode_old_kafka)
open("lz4-legacy-magic0-kafka-python.expected", "wb").write(small)

# zstd
zd = lambda d: zstandard.ZstdDecompressor().decompressobj().decompress(d)
def zdm(d):  # all frames
    out = b""
    while d:
        o = zstandard.ZstdDecompressor().decompressobj()
        out += o.decompress(d)
        d = o.unused_data
    return out
w("zstd-with-content-size.zst", zstandard.ZstdCompressor(level=3, write_content_size=True, write_checksum=True).compress(payload), payload, zd)
cobj = zstandard.ZstdCompressor(level=19, write_content_size=False).compressobj()
w("zstd-streamed-no-content-size.zst", cobj.compress(payload) + cobj.flush(), payload, zd)
w("zstd-two-frames.zst", zstandard.ZstdCompressor(level=1).compress(payload[:half]) +
  zstandard.ZstdCompressor(level=-5, write_content_size=False).compress(payload[half:]), payload, zdm)
