#!/bin/bash
# usage: runpy.sh NAME CODEC API_VERSION   (mock cluster kept up by a kcat consumer)
name=$1; codec=$2; api=$3
rm -f $name.pcap
tshark -i lo -w $name.pcap -q 2>/dev/null &
TS=$!
sleep 2
timeout 30 python3 kp.py "$ADDR" $codec $api 2> $name.log
sleep 1
kill $TS; wait $TS 2>/dev/null
