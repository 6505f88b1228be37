#!/usr/bin/env python3
"""Extracts the records field of every Fetch response (v4-v11) in a pcap.

usage: extract_fetch.py PCAP OUTNAME BROKER_PORT
Requests (client to broker) give each correlation id's api key and version;
responses (broker to client) are matched by correlation id.
"""
import subprocess, struct, sys
from collections import defaultdict

pcap, out, broker = sys.argv[1], sys.argv[2], int(sys.argv[3])
rows = subprocess.run(['tshark', '-r', pcap, '-T', 'fields', '-e', 'tcp.stream',
                       '-e', 'tcp.srcport', '-e', 'tcp.dstport', '-e', 'tcp.payload',
                       '-Y', 'tcp.len>0'], capture_output=True, text=True, check=True).stdout
streams = defaultdict(list)
for line in rows.splitlines():
    s, sp, dp, payload = line.split('\t')
    streams[s].append((int(sp), int(dp), bytes.fromhex(payload)))

def frames(data):
    off = 0
    while off + 4 <= len(data):
        (size,) = struct.unpack_from('>i', data, off)
        if off + 4 + size > len(data):
            return
        yield data[off + 4: off + 4 + size]
        off += 4 + size

found = 0
for s, segs in streams.items():
    if not any(dp == broker for _, dp, _ in segs):
        continue
    req = b''.join(p for sp, dp, p in segs if dp == broker)
    resp = b''.join(p for sp, dp, p in segs if sp == broker)
    versions = {}
    for f in frames(req):
        key, ver, corr = struct.unpack_from('>hhi', f, 0)
        versions[corr] = (key, ver)
    for f in frames(resp):
        (corr,) = struct.unpack_from('>i', f, 0)
        key, ver = versions.get(corr, (None, None))
        if key != 1:
            continue
        assert 4 <= ver <= 11, ver
        p = 4 + 4  # correlation id, throttle time
        if ver >= 7:
            p += 2 + 4  # error code, session id
        (nt,) = struct.unpack_from('>i', f, p); p += 4
        for _ in range(nt):
            (nl,) = struct.unpack_from('>h', f, p); p += 2 + nl
            (np_,) = struct.unpack_from('>i', f, p); p += 4
            for _ in range(np_):
                p += 4 + 2 + 8 + 8  # index, error, high watermark, last stable offset
                if ver >= 5:
                    p += 8  # log start offset
                (na,) = struct.unpack_from('>i', f, p); p += 4
                p += max(na, 0) * 16
                if ver >= 11:
                    p += 4  # preferred read replica
                (rl,) = struct.unpack_from('>i', f, p); p += 4
                rec = f[p:p + max(rl, 0)]; p += max(rl, 0)
                if rl <= 0:
                    continue
                name = out if found == 0 else f'{out}.{found}'
                open(name + '.bin', 'wb').write(rec)
                print(f'{name}.bin fetch_v{ver} {len(rec)} bytes')
                found += 1
if not found:
    sys.exit('no Fetch response with records found')
