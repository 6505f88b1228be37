#!/usr/bin/python3
"""Snappy fixtures of payload.jsonl (written by make_reference.py), made with
Debian's python3-snappy 0.5.3, a binding to Google's libsnappy 1.1.9 (C++),
so that none of them comes from the Rust `snap` crate this crate uses.

- snappy-xerial-java-layout.bin: snappy-java's stream layout built by hand
  from its specification: magic 0x82 "SNAPPY" 0x00, version 1 and minimum
  compatible version 1 (big-endian int32), then for each 32 KiB of input a
  big-endian int32 length and a raw snappy block. This is what the Java
  client's SnappyOutputStream writes.
- snappy-raw-block.bin: one raw block.
- snappy-framing-format.bin: the snappy framing format (framing_format.txt
  in google/snappy) built by hand: stream identifier, compressed chunks of at
  most 64 KiB of input each with the masked CRC-32C of its uncompressed data,
  plus one uncompressed chunk, one padding chunk and one skippable chunk so a
  reader's handling of every chunk kind is exercised. (The binding's own
  stream compressor is broken on Python 3.11.) Cross-checked with cramjam's
  framed decoder, see README.md.
"""
import io, struct, snappy

payload = open("payload.jsonl", "rb").read()

def write(name, data, check):
    assert check(data) == payload, name
    open(name, "wb").write(data)
    print("%-40s %7d bytes -> %7d" % (name, len(data), len(payload)))

def xerial(data, block=32 * 1024):
    out = b"\x82SNAPPY\x00" + struct.pack(">ii", 1, 1)
    for i in range(0, len(data), block):
        b = snappy.compress(data[i:i + block])
        out += struct.pack(">i", len(b)) + b
    return out

def unxerial(data):
    assert data[:8] == b"\x82SNAPPY\x00"
    out, off = b"", 16
    while off < len(data):
        n = struct.unpack_from(">i", data, off)[0]
        out += snappy.uncompress(data[off + 4:off + 4 + n])
        off += 4 + n
    return out

write("snappy-xerial-java-layout.bin", xerial(payload), unxerial)
write("snappy-raw-block.bin", snappy.compress(payload), snappy.uncompress)

CRC_TABLE = []
for n in range(256):
    c = n
    for _ in range(8):
        c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
    CRC_TABLE.append(c)

def crc32c(data):
    c = 0xFFFFFFFF
    for b in data:
        c = CRC_TABLE[(c ^ b) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFF

def masked(data):
    c = crc32c(data)
    return (((c >> 15) | (c << 17)) + 0xA282EAD8) & 0xFFFFFFFF

def chunk(kind, body):
    return bytes([kind]) + struct.pack("<I", len(body))[:3] + body

def framed(data):
    out = chunk(0xFF, b"sNaPpY")
    pieces = [data[i:i + 65536] for i in range(0, len(data), 65536)]
    for i, piece in enumerate(pieces):
        crc = struct.pack("<I", masked(piece))
        if i == 1:
            out += chunk(0xFE, b"\0" * 7)                 # padding
            out += chunk(0x80, b"skip me")                 # reserved skippable
            out += chunk(0x01, crc + piece)                # uncompressed
        else:
            out += chunk(0x00, crc + snappy.compress(piece))
    return out

def unframed(data):
    assert data[:10] == b"\xff\x06\x00\x00sNaPpY"
    out, off = b"", 10
    while off < len(data):
        kind = data[off]
        n = int.from_bytes(data[off + 1:off + 4], "little")
        body = data[off + 4:off + 4 + n]
        off += 4 + n
        if kind in (0x00, 0x01):
            piece = snappy.uncompress(body[4:]) if kind == 0 else body[4:]
            assert struct.unpack("<I", body[:4])[0] == masked(piece)
            out += piece
    return out

assert crc32c(b"123456789") == 0xE3069283
write("snappy-framing-format.bin", framed(payload), unframed)
