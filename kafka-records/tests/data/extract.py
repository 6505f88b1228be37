#!/usr/bin/env python3
"""Extracts the records field of every Produce request in a pcap.

Reassembles each TCP stream's client-to-broker bytes (the broker port is
the one that answers), splits Kafka request frames, and parses Produce
request bodies (non-flexible versions 0-8). Writes NAME.bin (the records
bytes) and prints the api version.
"""
import subprocess, struct, sys
from collections import defaultdict

pcap, out = sys.argv[1], sys.argv[2]
broker = int(sys.argv[3]) if len(sys.argv) > 3 else None
rows = subprocess.run(['tshark', '-r', pcap, '-T', 'fields', '-e', 'tcp.stream',
                       '-e', 'tcp.srcport', '-e', 'tcp.dstport', '-e', 'tcp.payload',
                       '-Y', 'tcp.len>0'], capture_output=True, text=True, check=True).stdout
streams = defaultdict(list)
for line in rows.splitlines():
    s, sp, dp, payload = line.split('\t')
    streams[s].append((int(sp), int(dp), bytes.fromhex(payload)))
found = 0
for s, segs in streams.items():
    # The client is the side that is not the broker (or, without a broker
    # port, the first sender).
    client = next((sp for sp, dp, p in segs if dp == broker), None) if broker else segs[0][0]
    if client is None:
        continue
    if broker and segs[0][1] != broker and segs[0][0] != broker:
        continue
    data = b''.join(p for sp, dp, p in segs if sp == client)
    off = 0
    while off + 4 <= len(data):
        (size,) = struct.unpack_from('>i', data, off)
        frame = data[off + 4: off + 4 + size]
        off += 4 + size
        api_key, ver = struct.unpack_from('>hh', frame, 0)
        if api_key != 0:
            continue
        if ver > 8:
            break  # not a frame boundary (stream captured mid-way) or flexible
        p = 8
        (cl,) = struct.unpack_from('>h', frame, p); p += 2 + max(cl, 0)
        if ver >= 3:
            (tl,) = struct.unpack_from('>h', frame, p); p += 2 + max(tl, 0)
        p += 2 + 4  # acks, timeout
        (nt,) = struct.unpack_from('>i', frame, p); p += 4
        for _ in range(nt):
            (nl,) = struct.unpack_from('>h', frame, p); p += 2 + nl
            (np_,) = struct.unpack_from('>i', frame, p); p += 4
            for _ in range(np_):
                p += 4
                (rl,) = struct.unpack_from('>i', frame, p); p += 4
                rec = frame[p:p + rl]; p += rl
                name = out if found == 0 else f'{out}.{found}'
                open(name + '.bin', 'wb').write(rec)
                print(f'{name}.bin produce_v{ver} {len(rec)} bytes')
                found += 1
if not found:
    sys.exit('no Produce request found')
