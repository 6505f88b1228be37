#!/bin/bash
# usage: run1.sh NAME [kcat args...]
name=$1; shift
rm -f $name.pcap
tshark -i lo -w $name.pcap -q 2>/dev/null &
TS=$!
sleep 2
printf 'key1:value1\nkey2:\n:value3\nkey4:value4\n' | timeout 20 kcat -P -b 127.0.0.1:1 -X test.mock.num.brokers=1 -t t -p 0 -K: -X linger.ms=200 "$@" 2> $name.log
sleep 1
kill $TS; wait $TS 2>/dev/null
ls -la $name.pcap
