#!/bin/bash
# usage: runfetch.sh NAME [kcat consumer options]; ADDR: the mock cluster
name=$1; shift
rm -f $name.pcap
tshark -i lo -w $name.pcap -q 2>/dev/null &
TS=$!
sleep 2
timeout 20 kcat -C -b "$ADDR" -t f -p 0 -o beginning -e "$@" > $name.out 2> $name.log
sleep 1
kill $TS; wait $TS 2>/dev/null
