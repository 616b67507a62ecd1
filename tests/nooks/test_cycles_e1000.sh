#!/bin/sh
# vm: --net e1000
# timeout: 400
# allow-dmesg: kernel BUG at .*inject\.c
# SPDX-License-Identifier: GPL-2.0
#
# Restart leaks (isolate mode, e1000): attach to the live driver, record
# the tracked objects per type and the kernel's slab and vmalloc usage,
# run 20 fault-and-restart cycles (NULL, #GP and BUG() in NAPI poll, in
# turn), and check that the driver holds exactly what it held before (DMA
# mappings within what the TX ring may have in flight) and that slab and
# vmalloc usage did not grow beyond measurement noise. Then detach and
# unload (shadowctl unload).
. /opt/shadowdrv/tests/lib.sh
DRIVER=e1000
S=/sys/kernel/shadow/e1000
O=/sys/kernel/debug/shadow/e1000/objects
POLL=$(driver_entry e1000 poll)		# e1000_clean
CYCLES=20

ping_peer() { ping -c 3 -W 2 192.0.2.2 > /dev/null 2>&1; }
# let in-flight packets complete
quiesce() { ping_peer; }
. /opt/shadowdrv/tests/lib_leak.sh

tap_plan $((CYCLES + 15))

tap_cmd "load nooks" modprobe nooks
tap_cmd "shadowctl enable e1000 isolate (live attach)" \
	shadowctl enable e1000 isolate
tap_cmd "isolated e1000 carries traffic" shadowdrv-net dut
leak_base

n=0
for c in $(seq $CYCLES); do
	case $((c % 3)) in
	1) kind=null ;; 2) kind=gpf ;; 0) kind=bug ;;
	esac
	shadowctl inject e1000 $kind --function "$POLL" --after 5
	ping -c 20 -i 0.05 -W 1 192.0.2.2 > /dev/null 2>&1
	n=$((n + 1))
	ok=0
	if wait_recovered e1000 $n && shadowdrv-net dut > /dev/null 2>&1 &&
	    ping_peer; then
		ok=1
	else
		echo "# last_fault: $(cat $S/last_fault); inject: $(cat /sys/kernel/debug/shadow/e1000/inject)"
		n=$(cat $S/recoveries)
	fi
	tap_ok $ok "cycle $c: $kind in $POLL contained, restarted in $(cat $S/last_recovery/total_us) us, traffic flows"
	if [ $c = $((CYCLES / 2)) ]; then
		settle
		snapshot "after cycle $c"
	fi
done

leak_cycles_end $CYCLES

# detach: the records are dropped (the driver keeps its resources)
echo off > $S/mode
tap_ok $([ "$(sed -n 's/^total //p' $O)" = 0 ] &&
	[ "$(cat $S/state)" = native ] && echo 1 || echo 0) \
	"mode off: e1000 native, no tracked objects"
tap_cmd "shadowctl disable e1000" shadowctl disable e1000
tap_ok $([ ! -e $S ] && [ ! -e /sys/kernel/debug/shadow/e1000 ] &&
	echo 1 || echo 0) "domain and its objects file gone"
tap_cmd "shadowctl unload" shadowctl unload
tap_ok $([ ! -e /sys/kernel/shadow ] && [ ! -e /sys/kernel/debug/shadow ] &&
	echo 1 || echo 0) "/sys/kernel/shadow and debugfs shadow gone"
tap_cmd "native e1000 carries traffic" sh -c 'shadowdrv-net dut && ping -c 3 -W 2 192.0.2.2 > /dev/null'
tap_done
