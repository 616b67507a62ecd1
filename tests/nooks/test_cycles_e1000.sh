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
S=/sys/kernel/shadow/e1000
O=/sys/kernel/debug/shadow/e1000/objects
POLL=$(driver_entry e1000 poll)		# e1000_clean
CYCLES=20
DMA_SLACK=8
# Slab growth bound. Each measurement first drops caches, lets RCU frees
# run, purges lazily freed vmap areas and shrinks every slab cache; what
# is left is SLUB's granularity: a cache that gains one object may show
# a whole new slab (32 KB for kmalloc-4k), and the test's own processes
# keep several caches busy. Measured without a leak (2 vCPUs, TCG), over
# 20 and 40 cycles: SUnreclaim +12 to +184 KB, kmalloc-* -50 to +140 KB,
# VmallocUsed within +-32 KB, with no trend. A real leak per cycle is far
# above that over 20 cycles: a registered net_device (2.4 KB struct plus
# e1000_adapter in one kvzalloc, queues, ~80 sysfs nodes) is >= 15 KB,
# i.e. >= 300 KB; an RX ring's skbs 256 x 256 B of skbuff_head_cache =
# 1.3 MB; the rings' buffer_info arrays (vzalloc) 6 pages = 480 KB of
# VmallocUsed.
SLAB_BOUND_KB=256
VMALLOC_BOUND_KB=128

ping_peer() { ping -c 3 -W 2 192.0.2.2 > /dev/null 2>&1; }

# let in-flight packets complete, then free what is only cached
settle() {
	ping_peer
	sleep 2
	# vmap areas of freed task stacks and vmalloc memory are purged
	# lazily, in batches of ~64 MB; loading a module purges them
	modprobe nooks_selftest && rmmod nooks_selftest
	sync
	echo 3 > /proc/sys/vm/drop_caches
	sleep 3		# RCU-deferred frees
	for f in /sys/kernel/slab/*/shrink; do
		echo 1 > "$f" 2> /dev/null
	done
}

# objects: "type count" lines of the tracked objects (without total/lost)
objects() { grep -v -e '^total ' -e '^lost ' $O; }

meminfo() { awk -v k="$1:" '$1 == k { print $2 }' /proc/meminfo; }

# kmalloc_kb: bytes in active objects of the kmalloc-* caches, in KB
kmalloc_kb() {
	[ -r /proc/slabinfo ] || { echo 0; return; }
	awk '$1 ~ /^kmalloc-/ { b += $2 * $4 } END { print int(b / 1024) }' \
		/proc/slabinfo
}

kmalloc_objs() {
	[ -r /proc/slabinfo ] || { echo 0; return; }
	awk '$1 ~ /^kmalloc-/ { n += $2 } END { print n + 0 }' /proc/slabinfo
}

snapshot() {	# snapshot TAG: one line of slab numbers
	echo "# $1: Slab $(meminfo Slab) kB, SUnreclaim $(meminfo SUnreclaim) kB, kmalloc-* $(kmalloc_objs) objects $(kmalloc_kb) kB, VmallocUsed $(meminfo VmallocUsed) kB"
}

tap_plan $((CYCLES + 15))

tap_cmd "load nooks" modprobe nooks
tap_cmd "shadowctl enable e1000 isolate (live attach)" \
	shadowctl enable e1000 isolate
tap_cmd "isolated e1000 carries traffic" shadowdrv-net dut
settle
objects > /tmp/objects.base
sed 's/^/# base: /' /tmp/objects.base
base_slab=$(meminfo Slab)
base_sunr=$(meminfo SUnreclaim)
base_kmkb=$(kmalloc_kb)
base_vmal=$(meminfo VmallocUsed)
snapshot baseline

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

shadowctl inject e1000 off
settle
objects > /tmp/objects.after
end_slab=$(meminfo Slab)
end_sunr=$(meminfo SUnreclaim)
end_kmkb=$(kmalloc_kb)
end_vmal=$(meminfo VmallocUsed)
snapshot "after $CYCLES cycles"

tap_ok $([ "$(cat $S/failures)" = $CYCLES ] &&
	[ "$(cat $S/recoveries)" = $CYCLES ] && echo 1 || echo 0) \
	"failures $(cat $S/failures) = recoveries $(cat $S/recoveries) = $CYCLES"

bad=
while read -r type count; do
	after=$(awk -v t="$type" '$1 == t { print $2 }' /tmp/objects.after)
	echo "# $type: baseline $count, after $after"
	if [ "$type" = dma_map ]; then
		d=$((after - count))
		[ $d -lt 0 ] && d=$((-d))
		[ $d -le $DMA_SLACK ] || bad="$bad $type"
	elif [ "$count" != "$after" ]; then
		bad="$bad $type"
	fi
done < /tmp/objects.base
tap_ok $([ -z "$bad" ] && echo 1 || echo 0) \
	"tracked objects per type as at baseline (dma_map within $DMA_SLACK)${bad:+; differ:$bad}"
tap_ok $([ "$(sed -n 's/^lost //p' $O)" = 0 ] && echo 1 || echo 0) \
	"no tracking record lost"

g_slab=$((end_slab - base_slab))
g_sunr=$((end_sunr - base_sunr))
g_kmkb=$((end_kmkb - base_kmkb))
g_vmal=$((end_vmal - base_vmal))
echo "# growth over $CYCLES cycles: Slab $g_slab kB, SUnreclaim $g_sunr kB, kmalloc-* $g_kmkb kB (bound $SLAB_BOUND_KB kB), VmallocUsed $g_vmal kB (bound $VMALLOC_BOUND_KB kB)"
tap_ok $([ $g_sunr -lt $SLAB_BOUND_KB ] && echo 1 || echo 0) \
	"unreclaimable slab grew $g_sunr kB < $SLAB_BOUND_KB kB"
tap_ok $([ $g_kmkb -lt $SLAB_BOUND_KB ] && echo 1 || echo 0) \
	"kmalloc-* caches grew $g_kmkb kB < $SLAB_BOUND_KB kB"
tap_ok $([ $g_vmal -lt $VMALLOC_BOUND_KB ] && echo 1 || echo 0) \
	"vmalloc use grew $g_vmal kB < $VMALLOC_BOUND_KB kB"

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
