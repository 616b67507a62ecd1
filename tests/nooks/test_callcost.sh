#!/bin/sh
# vm:
# timeout: 300
# SPDX-License-Identifier: GPL-2.0
#
# Cost of a protected call (nooks_call_begin/nooks_call_end around a
# trivial function) against a direct call of the same function, measured
# in the kernel by nooks_selftest's bench file. The numbers are reported
# as TAP comments; only their sanity is asserted (emulated guests make
# the ratio meaningless as a pass/fail bound).
. /opt/shadowdrv/tests/lib.sh
B=/sys/kernel/debug/nooks_selftest/bench

# field NAME LINE: value of NAME=... in LINE
field() { echo "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
positive() { awk -v x="$1" 'BEGIN { exit !(x + 0 > 0) }'; }

tap_plan 6

tap_cmd "load nooks and nooks_selftest" \
	sh -c 'modprobe nooks && modprobe nooks_selftest'
line=$(cat $B 2> /dev/null)
echo "# $line"
n=$(field n "$line")
d=$(field direct_ns_per_call "$line")
p=$(field protected_ns_per_call "$line")
r=$(field ratio "$line")
f=$(field faults "$line")
tap_ok $([ "$n" = 1000000 ] && echo 1 || echo 0) "bench ran $n calls of each kind"
tap_ok $(positive "$d" && echo 1 || echo 0) "direct call: $d ns"
tap_ok $(positive "$p" && echo 1 || echo 0) "protected call: $p ns (ratio $r)"
tap_ok $([ "$f" = 0 ] && echo 1 || echo 0) \
	"every protected call completed and returned the callee's value"
tap_cmd "unload nooks_selftest and nooks" \
	sh -c 'rmmod nooks_selftest && rmmod nooks'
tap_done
