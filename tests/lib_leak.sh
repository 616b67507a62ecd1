# SPDX-License-Identifier: GPL-2.0
# Restart leak checks (tests/*/test_cycles_*.sh): the tracked objects of a
# driver per type, and the kernel's slab and vmalloc use, before and after
# fault-and-restart cycles. The caller sets DRIVER and defines quiesce
# (let the device's work in flight complete); leak_check prints 5 results,
# leak_cycles_end 6.
#
# Slab growth bound. Each measurement first drops caches, lets RCU frees
# run, purges lazily freed vmap areas and shrinks every slab cache; what
# is left is SLUB's granularity: a cache that gains one object may show
# a whole new slab (32 KB for kmalloc-4k), and the test's own processes
# keep several caches busy. Measured without a leak (2 vCPUs, TCG), over
# 20 and 40 cycles of e1000: SUnreclaim +12 to +184 KB, kmalloc-* -50 to
# +140 KB, VmallocUsed within +-32 KB, with no trend. A real leak per
# cycle is far above that over 20 cycles: a registered net_device (2.4 KB
# struct plus e1000_adapter in one kvzalloc, queues, ~80 sysfs nodes) is
# >= 15 KB, i.e. >= 300 KB; an RX ring's skbs 256 x 256 B of
# skbuff_head_cache = 1.3 MB; a sound card with its PCM, control and
# codec devices and their sysfs and proc nodes, well over 15 KB.
SLAB_BOUND_KB=256
VMALLOC_BOUND_KB=128
DMA_SLACK=${DMA_SLACK:-8}
LEAK_O=/sys/kernel/debug/shadow/$DRIVER/objects

settle() {
	quiesce
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
objects() { grep -v -e '^total ' -e '^lost ' "$LEAK_O"; }

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

# leak_base: settle and record the baseline
leak_base() {
	settle
	objects > /tmp/objects.base
	sed 's/^/# base: /' /tmp/objects.base
	base_sunr=$(meminfo SUnreclaim)
	base_kmkb=$(kmalloc_kb)
	base_vmal=$(meminfo VmallocUsed)
	snapshot baseline
}

# leak_check CYCLES: settle and compare with the baseline (5 results)
leak_check() {
	settle
	objects > /tmp/objects.after
	snapshot "after $1 cycles"
	bad=
	while read -r type count; do
		after=$(awk -v t="$type" '$1 == t { print $2 }' /tmp/objects.after)
		echo "# $type: baseline $count, after $after"
		if [ "$type" = quarantine ]; then
			# freed by the driver, held back: bounded, not a leak
			[ "$after" -le 64 ] || bad="$bad $type"
		elif [ "$type" = dma_map ]; then
			d=$((after - count))
			[ $d -lt 0 ] && d=$((-d))
			[ $d -le "$DMA_SLACK" ] || bad="$bad $type"
		elif [ "$count" != "$after" ]; then
			bad="$bad $type"
		fi
	done < /tmp/objects.base
	tap_ok $([ -z "$bad" ] && echo 1 || echo 0) \
		"tracked objects per type as at baseline (dma_map within $DMA_SLACK)${bad:+; differ:$bad}"
	tap_ok $([ "$(sed -n 's/^lost //p' "$LEAK_O")" = 0 ] && echo 1 || echo 0) \
		"no tracking record lost"
	g_sunr=$(($(meminfo SUnreclaim) - base_sunr))
	g_kmkb=$(($(kmalloc_kb) - base_kmkb))
	g_vmal=$(($(meminfo VmallocUsed) - base_vmal))
	echo "# growth over $1 cycles: SUnreclaim $g_sunr kB, kmalloc-* $g_kmkb kB (bound $SLAB_BOUND_KB kB), VmallocUsed $g_vmal kB (bound $VMALLOC_BOUND_KB kB)"
	tap_ok $([ $g_sunr -lt $SLAB_BOUND_KB ] && echo 1 || echo 0) \
		"unreclaimable slab grew $g_sunr kB < $SLAB_BOUND_KB kB"
	tap_ok $([ $g_kmkb -lt $SLAB_BOUND_KB ] && echo 1 || echo 0) \
		"kmalloc-* caches grew $g_kmkb kB < $SLAB_BOUND_KB kB"
	tap_ok $([ $g_vmal -lt $VMALLOC_BOUND_KB ] && echo 1 || echo 0) \
		"vmalloc use grew $g_vmal kB < $VMALLOC_BOUND_KB kB"
}

# leak_cycles_end CYCLES: after CYCLES fault-and-restart cycles, each of
# which must have been one failure and one recovery: disarm the injector,
# check the counts and leak_check (6 results)
leak_cycles_end() {
	_s=/sys/kernel/shadow/$DRIVER
	shadowctl inject "$DRIVER" off
	tap_ok $([ "$(cat $_s/failures)" = "$1" ] &&
		[ "$(cat $_s/recoveries)" = "$1" ] && echo 1 || echo 0) \
		"failures $(cat $_s/failures) = recoveries $(cat $_s/recoveries) = $1"
	leak_check "$1"
}
