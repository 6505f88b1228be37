#!/bin/sh
# Compares kafka-dump with Wireshark's Kafka dissector on a capture (pcap or
# pcapng): (connection, correlation id, direction, api name, version) of every
# frame Wireshark understands. Usage: compare-with-tshark.sh CAPTURE PORT
# (kafka-dump on PATH: cargo build -p kafka-dump). kafka-dump's test
# tests/tshark.rs checks the same and more (packet numbers, API keys, Wireshark's
# version limits) against the committed *.tshark.tsv files and tshark itself.
set -e
PCAP=$1; PORT=$2
tshark -r "$PCAP" -d tcp.port=="$PORT",kafka -Y kafka -T fields \
    -e tcp.stream -e kafka.correlation_id -e _ws.col.Info 2>/dev/null |
  sed -nE 's/^([0-9]+)\t([0-9]+)\tKafka ([A-Za-z]+) v([0-9]+) (Request|Response).*/\1 \2 \5 \3 v\4/p' |
  sed -E 's/ Offsets v/ ListOffsets v/' |   # Wireshark's name for ListOffsets
  awk '{print $1+1, $2, tolower($3), $4, $5}' > /tmp/kafka-dump-wireshark.txt
kafka-dump --text "$PCAP" |
  sed -nE 's/^#([0-9]+) (request|response) +([A-Za-z]+) v([0-9]+) correlation_id=([0-9]+).*/\1 \5 \2 \3 v\4/p' \
  > /tmp/kafka-dump-ours.txt
echo "wireshark: $(wc -l < /tmp/kafka-dump-wireshark.txt) frames, kafka-dump: $(wc -l < /tmp/kafka-dump-ours.txt) frames"
diff /tmp/kafka-dump-wireshark.txt /tmp/kafka-dump-ours.txt && echo "api names and versions agree"
