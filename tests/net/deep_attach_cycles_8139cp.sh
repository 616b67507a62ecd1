#!/bin/sh
# vm: --net rtl8139
# timeout: 400
# SPDX-License-Identifier: GPL-2.0
#
# Live switch leaks (8139cp under a 1 ms UDP ping): shadow the loaded
# driver, record the tracked objects per type and the kernel's slab and
# vmalloc usage, run 20 cycles of shadowctl disable (to native, devices
# kept) and enable shadow (devices kept), each checked (same ifindex, the
# peer reachable), and check that the driver holds what it held before
# and that slab and vmalloc usage did not grow beyond measurement noise
# (tests/lib_leak.sh). Then unload the driver and every project module.
. /opt/shadowdrv/tests/lib.sh
DRIVER=8139cp
S=/sys/kernel/shadow/$DRIVER
CYCLES=20

ping_peer() { wait_for 10 ping -c 1 -W 1 192.0.2.2 > /dev/null 2>&1; }
quiesce() { ping_peer; }
. /opt/shadowdrv/tests/lib_leak.sh

tap_plan $((CYCLES + 11))

modprobe shadow_net || exit 1
shadowdrv-net dut || exit 1
shadowdrv-net wait || exit 1
index=$(cat /sys/class/net/eth0/ifindex)
tap_cmd "shadowctl enable $DRIVER shadow (live)" shadowctl enable $DRIVER shadow
in_peer udpping echo -p 7777 &
echo=$!
leak_base

udpping send -c 192.0.2.2 -p 7777 -t 600 -w 2000 > /tmp/ping.out 2>&1 &
ping_pid=$!
for c in $(seq $CYCLES); do
	ok=0
	if shadowctl disable $DRIVER && ping_peer &&
	    shadowctl enable $DRIVER shadow && ping_peer &&
	    [ "$(cat /sys/class/net/eth0/ifindex)" = "$index" ] &&
	    [ "$(cat $S/last_switch/method) $(cat $S/mode)" = "live shadow" ]; then
		ok=1
	fi
	tap_ok $ok "cycle $c: native and shadowed again, eth0 kept (ifindex $(cat /sys/class/net/eth0/ifindex)), the peer reachable; last switch $(cat $S/last_switch/total_us 2> /dev/null) us"
	if [ $c = $((CYCLES / 2)) ]; then
		settle
		snapshot "after cycle $c"
	fi
done
kill -INT $ping_pid
wait $ping_pid
sed 's/^/# udpping: /' /tmp/ping.out | grep -E 'sent|received|max_gap|send_errors'
tap_ok $([ "$(kv send_errors /tmp/ping.out)" = 0 ] && [ "$(kv received /tmp/ping.out)" -gt 0 ] &&
	echo 1 || echo 0) "UDP ping through $((CYCLES * 2)) switches: no send error (longest gap $(kv max_gap_ms /tmp/ping.out) ms)"
tap_ok $([ "$(cat $S/failures)" = 0 ] && [ "$(cat $S/recoveries)" = 0 ] && echo 1 || echo 0) \
	"no failure, no recovery counted (failures $(cat $S/failures))"
leak_check $CYCLES
kill $echo 2> /dev/null
# unload in order: the driver first, then every project module
tap_cmd "rmmod $DRIVER while shadowed" rmmod $DRIVER
tap_cmd "shadowctl unload" shadowctl unload
quiet "cycles"
tap_done
