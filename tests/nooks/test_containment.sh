# vm:
# timeout: 180
# allow-dmesg: kernel BUG at .*nooks_selftest
# SPDX-License-Identifier: GPL-2.0
#
# Fault containment engine of nooks.ko, driven by nooks_selftest: every
# fault kind (NULL read, #GP, BUG, #DE, fault inside a kernel helper,
# endless loop with IRQs on and off) in every context (process, timer
# softirq, hard hrtimer, process context holding a spinlock, RCU, a
# spinlock with IRQs off, or BH disabled, a protected call made from
# inside another, a hardirq interrupting a protected call) must abort the
# innermost call of the faulting context with the right kind and leave
# preempt count, RCU nesting and IRQ flags as they were.
# Then the hang_ms parameter, a quiet kernel log, and module unload.
. /opt/shadowdrv/tests/lib.sh

D=/sys/kernel/debug/nooks_selftest/run
P=/sys/module/nooks/parameters/hang_ms
MARK="nooks-containment: start $$"

# Only BUG() is allowed to print: its "kernel BUG at" line comes before
# the die chain is consulted.
echo "shadowdrv-vm: allow kernel BUG at .*nooks_selftest" > /dev/kmsg
echo "$MARK" > /dev/kmsg

echo "TAP version 13"

tap_cmd "load nooks and nooks_selftest" \
	sh -c 'modprobe nooks && modprobe nooks_selftest'

expect_kind() {
	case $1 in
	null|helper|sleepnull|badsp) echo page ;;
	gpf) echo gp ;;
	bug) echo bug ;;
	divide) echo divide ;;
	hang|hangirqoff) echo hang ;;
	none|sleep) echo none ;;
	esac
}

expect_ctx() {
	case $1 in
	softirq|hardirq) echo "$1" ;;
	interrupt) echo hardirq ;;
	*) echo process ;;
	esac
}

# field NAME LINE: value of NAME=... in LINE
field() { echo "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"; }

# run KIND CTX [MIN_US MAX_US]: one protected call, checked
run() {
	kind=$1 ctx=$2
	if ! echo "$kind $ctx" > $D 2> /dev/null; then
		tap_ok 0 "$kind $ctx: write to selftest failed"
		return
	fi
	line=$(cat $D)
	echo "# $line"
	want=$(expect_kind "$kind")
	frame=single
	[ "$ctx" = nested ] && frame=inner
	[ "$ctx" = interrupt ] && frame=irq
	[ "$want" = none ] && frame=none
	ok=1
	[ "$(field frame "$line")" = "$frame" ] || ok=0
	[ "$(field ran "$line")" = "$(expect_ctx "$ctx")" ] || ok=0
	[ "$(field fault "$line")" = "$want" ] || ok=0
	[ "$(field state "$line")" = ok ] || ok=0
	if [ "$want" = none ]; then
		[ "$(field contained "$line")" = 0 ] || ok=0
	else
		[ "$(field contained "$line")" = 1 ] || ok=0
		case $(field handler "$line") in 1|-1) ;; *) ok=0 ;; esac
	fi
	case $line in *timeout*) ok=0 ;; esac
	us=$(field us "$line")
	if [ -n "${3:-}" ]; then
		[ "${us:-0}" -ge "$3" ] && [ "${us:-0}" -lt "$4" ] || ok=0
	fi
	tap_ok $ok "$kind in $ctx: contained as $want${3:+ after ${us}us}"
}

run none process
# sleeping is not running: a call that sleeps 3 * hang_ms is not a hang
run sleep process
run sleep nested
# a process-context call may sleep (and move to another CPU) then fault
run sleepnull process
run sleepnull nested

hang_ms=$(cat $P)
# process-context calls have a bound of their own (hang_process_ms, 2 s by
# default, for probes that spin on slow hardware): make it hang_ms here
PP=/sys/module/nooks/parameters/hang_process_ms
hang_process_ms=$(cat $PP)
echo "$hang_ms" > $PP
for ctx in process softirq hardirq spinlock rcu irqsave bh nested; do
	for kind in null gpf bug divide helper badsp; do
		run $kind $ctx
	done
	# detected after hang_ms, well before the selftest's 5 s give-up
	for kind in hang hangirqoff; do
		run $kind $ctx $((hang_ms * 1000)) 1000000
	done
done

# a hardirq's own protected call faults while it interrupts a process
# one on the same CPU: only the hardirq's call is aborted
for kind in null gpf bug divide helper; do
	run $kind interrupt
done

# hang_ms: bounds enforced, a new value takes effect
tap_ok $(echo 0 > $P 2> /dev/null && echo 0 || echo 1) "hang_ms rejects 0"
tap_ok $(echo 60001 > $P 2> /dev/null && echo 0 || echo 1) "hang_ms rejects 60001"
tap_ok $(echo 300 > $P 2> /dev/null && [ "$(cat $P)" = 300 ] &&
	echo 1 || echo 0) "hang_ms accepts 300"
tap_ok $(echo 0 > $PP 2> /dev/null && echo 0 || echo 1) "hang_process_ms rejects 0"
tap_ok $(echo 300 > $PP 2> /dev/null && [ "$(cat $PP)" = 300 ] &&
	echo 1 || echo 0) "hang_process_ms accepts 300"
run hang process 300000 1000000
run hangirqoff hardirq 300000 1000000
echo "$hang_ms" > $P
echo "$hang_process_ms" > $PP

# nothing but the BUG() lines in the kernel log, also a while later
sleep 10
bad=$(dmesg | sed -n "/$MARK/,\$p" | grep -v 'kernel BUG at' |
	grep -E 'Oops|BUG: |general protection|RCU stall|rcu_.*stall|scheduling while atomic|soft lockup|hard LOCKUP|WARNING: |unknown reason|invalid opcode|divide error|Call Trace')
[ -n "$bad" ] && echo "$bad" | sed 's/^/# dmesg: /'
tap_ok $([ -z "$bad" ] && echo 1 || echo 0) "kernel log clean"

tap_cmd "unload nooks_selftest" rmmod nooks_selftest
tap_cmd "unload nooks" rmmod nooks

echo "1..$TAP_N"
tap_done
