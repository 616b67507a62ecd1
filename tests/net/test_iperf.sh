#!/bin/sh
# vm: --net e1000
# timeout: 120
# iperf3 between the device under test (eth0, root namespace) and the
# virtio peer (namespace "peer") over the QEMU hub, both directions.
. /opt/shadowdrv/tests/lib.sh
tap_plan 4
in_peer iperf3 -s -D -p 5201 --logfile /tmp/iperf3-server.log
sleep 0.5
iperf3 -c 192.0.2.2 -t 5 -J > /tmp/tx.json 2> /tmp/tx.err
tap_ok $([ $? = 0 ] && echo 1 || echo 0) "iperf3 transmit through eth0 completes"
tx=$(sed -n '/"sum_received"/,/}/s/.*"bits_per_second":[[:space:]]*\([0-9.e+]*\).*/\1/p' /tmp/tx.json | head -n 1)
echo "# transmit: $tx bit/s"
tap_ok $(awk "BEGIN { print (${tx:-0} > 10e6) ? 1 : 0 }") "transmit above 10 Mbit/s"
iperf3 -c 192.0.2.2 -t 5 -R -J > /tmp/rx.json
tap_ok $([ $? = 0 ] && echo 1 || echo 0) "iperf3 receive through eth0 completes"
rx=$(sed -n '/"sum_received"/,/}/s/.*"bits_per_second":[[:space:]]*\([0-9.e+]*\).*/\1/p' /tmp/rx.json | head -n 1)
echo "# receive: $rx bit/s"
tap_ok $(awk "BEGIN { print (${rx:-0} > 10e6) ? 1 : 0 }") "receive above 10 Mbit/s"
tap_done
