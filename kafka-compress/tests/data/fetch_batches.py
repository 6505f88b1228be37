#!/usr/bin/env python3
"""Fetch raw record batches / message sets from a Kafka broker (librdkafka's
mock cluster) and write each compressed payload with its decompressed form.

Usage: fetch_batches.py HOST:PORT TOPIC OUT_PREFIX [FETCH_VERSION]

Speaks Fetch v4 (record batches, magic 2) or Fetch v0 (message sets, magic
0/1) by hand; no Kafka library involved. For every compressed batch it writes
OUT_PREFIX-N.bin (the compressed bytes exactly as the producer wrote them) and
OUT_PREFIX-N.expected (those bytes decompressed by an independent Python
implementation: zlib, python-snappy, lz4.frame, zstandard), and checks that
the decompressed records carry the values the producer sent (argument file
given by MSGS env var, one value per line).
"""
import os, socket, struct, sys, zlib, gzip

def req(sock, api_key, version, body, corr=1):
    client = b"fixture"
    hdr = struct.pack(">hhih", api_key, version, corr, len(client)) + client
    msg = hdr + body
    sock.sendall(struct.pack(">i", len(msg)) + msg)
    n = struct.unpack(">i", recvn(sock, 4))[0]
    resp = recvn(sock, n)
    assert struct.unpack(">i", resp[:4])[0] == corr
    return resp[4:]

def recvn(sock, n):
    buf = b""
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise EOFError
        buf += chunk
    return buf

def s16(b): return struct.pack(">h", len(b)) + b

def fetch(addr, topic, version):
    host, port = addr.split(":")
    sock = socket.create_connection((host, int(port)))
    t = topic.encode()
    body = struct.pack(">iii", -1, 100, 1)
    if version >= 3:
        body += struct.pack(">i", 10 << 20)
    if version >= 4:
        body += b"\x00"
    body += struct.pack(">i", 1) + s16(t) + struct.pack(">i", 1) + struct.pack(">iqi", 0, 0, 10 << 20)
    r = req(sock, 1, version, body)
    off = 0
    if version >= 1:
        off += 4  # throttle
    ntopics = struct.unpack_from(">i", r, off)[0]; off += 4
    assert ntopics == 1
    tl = struct.unpack_from(">h", r, off)[0]; off += 2 + tl
    nparts = struct.unpack_from(">i", r, off)[0]; off += 4
    assert nparts == 1
    part, err, hw = struct.unpack_from(">ihq", r, off); off += 14
    assert err == 0, err
    if version >= 4:
        off += 8  # last stable offset
        na = struct.unpack_from(">i", r, off)[0]; off += 4
        if na > 0:
            off += 16 * na
    size = struct.unpack_from(">i", r, off)[0]; off += 4
    return r[off:off + size]

def varint(b, off):
    shift = 0; result = 0
    while True:
        byte = b[off]; off += 1
        result |= (byte & 0x7f) << shift
        if not byte & 0x80:
            break
        shift += 7
    return (result >> 1) ^ -(result & 1), off

def records_v2(payload, count):
    values = []
    off = 0
    for _ in range(count):
        length, off = varint(payload, off)
        end = off + length
        off += 1  # attributes
        _, off = varint(payload, off)  # timestamp delta
        _, off = varint(payload, off)  # offset delta
        klen, off = varint(payload, off)
        if klen > 0: off += klen
        vlen, off = varint(payload, off)
        values.append(payload[off:off + vlen] if vlen >= 0 else None)
        off = end
    assert off == len(payload)
    return values

def messages_v01(data):
    """Inner messages of a decompressed message set: (magic, value)."""
    values = []
    off = 0
    while off < len(data):
        _, size = struct.unpack_from(">qi", data, off); off += 12
        m = data[off:off + size]; off += size
        magic = m[4]
        p = 6 + (8 if magic >= 1 else 0)
        klen = struct.unpack_from(">i", m, p)[0]; p += 4 + max(klen, 0)
        vlen = struct.unpack_from(">i", m, p)[0]; p += 4
        values.append(m[p:p + vlen])
    return values

def decompress(codec, data):
    if codec == 1:
        return gzip.decompress(data)
    if codec == 2:
        import snappy
        if data[:8] == b"\x82SNAPPY\x00":
            out = b""; off = 16
            while off < len(data):
                n = struct.unpack_from(">i", data, off)[0]; off += 4
                out += snappy.uncompress(data[off:off + n]); off += n
            return out
        return snappy.uncompress(data)
    if codec == 3:
        import lz4.frame
        return lz4.frame.decompress(data)
    if codec == 4:
        import zstandard
        return zstandard.ZstdDecompressor().decompressobj().decompress(data)
    raise ValueError(codec)

def fix_legacy_hc(data):
    """KAFKA-3160: magic-0 LZ4 frames carry a descriptor checksum computed over
    the magic too; recompute it the standard way so lz4.frame accepts it."""
    import xxhash
    flg = data[4]
    end = 6 + (8 if flg & 0x08 else 0)
    bad = (xxhash.xxh32(data[:end]).intdigest() >> 8) & 0xff
    good = (xxhash.xxh32(data[4:end]).intdigest() >> 8) & 0xff
    assert data[end] == bad and bad != good, (data[end], bad, good)
    return data[:end] + bytes([good]) + data[end + 1:]

def main():
    addr, topic, prefix = sys.argv[1:4]
    version = int(sys.argv[4]) if len(sys.argv) > 4 else 4
    expected_values = [l.rstrip(b"\n") for l in open(os.environ["MSGS"], "rb")]
    data = fetch(addr, topic, version)
    off = 0; n = 0; seen = []
    while off + 12 <= len(data):
        base, length = struct.unpack_from(">qi", data, off)
        batch = data[off + 12: off + 12 + length]
        off += 12 + length
        magic = batch[4]
        if magic == 2:
            attrs = struct.unpack_from(">h", batch, 9)[0]
            count = struct.unpack_from(">i", batch, 45)[0]
            payload = batch[49:]
        else:
            attrs = batch[5]
            p = 6 + (8 if magic == 1 else 0)
            klen = struct.unpack_from(">i", batch, p)[0]; p += 4 + max(klen, 0)
            vlen = struct.unpack_from(">i", batch, p)[0]; p += 4
            payload = batch[p:p + vlen]
        codec = attrs & 7
        assert codec != 0, "batch is not compressed"
        src = fix_legacy_hc(payload) if (codec == 3 and magic == 0) else payload
        plain = decompress(codec, src)
        values = records_v2(plain, count) if magic == 2 else messages_v01(plain)
        seen += values
        open("%s-%d.bin" % (prefix, n), "wb").write(payload)
        open("%s-%d.expected" % (prefix, n), "wb").write(plain)
        print("%s-%d: magic %d codec %d, %d bytes -> %d bytes, %d records" % (prefix, n, magic, codec, len(payload), len(plain), len(values)))
        n += 1
    assert seen == expected_values, "record values differ from what was produced"
    print("all %d values match" % len(seen))

main()
