#!/bin/sh
# vm: --net e1000
# timeout: 300
# SPDX-License-Identifier: GPL-2.0
#
# The control interface of nooks (/sys/kernel/shadow, the debugfs inject
# file of nooks_swifi) refuses bad requests with the right error and
# without side effects; a domain made before its driver loads isolates it
# as it loads; and every unload order is safe: the driver while isolated,
# the isolation layer (nooks_swifi, nooks_net, then nooks) while it
# isolates a driver, both after a fail-stop, and the driver in the middle
# of a recovery. The kernel stays quiet throughout.
. /opt/shadowdrv/tests/lib.sh
SYS=/sys/kernel/shadow
S=$SYS/e1000
POLL=$(driver_entry e1000 poll)		# e1000_clean
DBG=/sys/kernel/debug/shadow
BB=/usr/local/bb/busybox

echo "TAP version 13"

# wr VALUE FILE: write VALUE with busybox sh, which prints the kernel's
# error text; returns the shell's status
wr() { $BB sh -c 'echo "$1" > "$2"' wr "$1" "$2" 2>&1; }

# refused DESCRIPTION ERRTEXT VALUE FILE: the write fails with ERRTEXT
# (an extended regular expression)
refused() {
	out=$(wr "$3" "$4")
	rc=$?
	if [ $rc != 0 ] && echo "$out" | grep -Eq "$2"; then
		tap_ok 1 "$1"
	else
		tap_ok 0 "$1"
		echo "# status $rc, output: $out"
	fi
}

# is FILE VALUE DESCRIPTION
is() {
	v=$(cat "$1" 2> /dev/null)
	tap_ok $([ "$v" = "$2" ] && echo 1 || echo 0) "$3"
	[ "$v" = "$2" ] || echo "# $1: '$v', expected '$2'"
}

objects_total() { sed -n 's/^total //p' $DBG/e1000/objects; }
ping_peer() { ping -c 3 -W 2 192.0.2.2 > /dev/null 2>&1; }

# rmmod_stack: remove fault injection, the net class and nooks, in that
# order, each if loaded (rmmod, not busybox modprobe -r, which also tries
# to remove a module's dependencies and fails while others use them)
rmmod_stack() {
	for m in nooks_swifi nooks_net nooks; do
		grep -q "^$m " /proc/modules || continue
		rmmod "$m" || return 1
	done
}

wait_state() {	# wait_state STATE: up to 10 s
	for i in $(seq 100); do
		[ "$(cat $S/state)" = "$1" ] && return 0
		sleep 0.1
	done
	echo "# state $(cat $S/state), expected $1"
	return 1
}

# ------------------------------------------------------------------ control
# the net class's isolation interface too: e1000 is isolated at load
# below by writing the mode directly, without shadowctl
tap_cmd "load nooks, nooks_net and nooks_swifi" \
	sh -c 'modprobe nooks && modprobe nooks_net && modprobe nooks_swifi'
tap_ok $([ ! -d /sys/module/shadow ] && echo 1 || echo 0) \
	"shadow layer not loaded"
tap_cmd "add e1000" wr e1000 $SYS/add
is $S/mode off "new domain: mode off"
is $S/state native "new domain of a loaded driver: state native"

refused "mode 'bogus': EINVAL" "Invalid argument" bogus $S/mode
refused "mode '': EINVAL" "Invalid argument" "" $S/mode
is $S/mode off "bad mode writes change nothing: mode off"
is $S/state native "bad mode writes change nothing: state native"
refused "mode shadow without the shadow layer: EOPNOTSUPP" \
	"Not supported|Operation not supported" shadow $S/mode
is $S/mode off "refused shadow mode changes nothing"

refused "add 'a/b': EINVAL" "Invalid argument" a/b $SYS/add
refused "add '': EINVAL" "Invalid argument" "" $SYS/add
long=$(printf '%070d' 0 | tr 0 x)
refused "add a 70-character name: EINVAL" "Invalid argument" "$long" $SYS/add
refused "add 'nooks' itself: EINVAL" "Invalid argument" nooks $SYS/add
refused "add e1000 twice: EEXIST" "File exists" e1000 $SYS/add
refused "remove an unknown name: ENOENT" "No such file or directory" \
	nosuchdriver $SYS/remove
refused "remove '': EINVAL" "Invalid argument" "" $SYS/remove
tap_ok $([ "$(ls $SYS | grep -v -e '^add$' -e '^remove$')" = e1000 ] &&
	echo 1 || echo 0) "only the e1000 domain exists"

tap_cmd "add notloaded" wr notloaded $SYS/add
is $SYS/notloaded/state unloaded "domain of a driver not loaded: state unloaded"
tap_cmd "mode isolate for a driver not loaded" wr isolate $SYS/notloaded/mode
is $SYS/notloaded/state unloaded "... still unloaded"
tap_cmd "remove notloaded" wr notloaded $SYS/remove
tap_ok $([ ! -e $SYS/notloaded ] && [ ! -e $DBG/notloaded ] && echo 1 || echo 0) \
	"notloaded domain gone"

# isolated from its first instruction: domain first, then load
tap_cmd "unload e1000" modprobe -r e1000
is $S/state unloaded "e1000 domain: state unloaded"
tap_cmd "mode isolate while e1000 is not loaded" wr isolate $S/mode
tap_cmd "load e1000: carries traffic" shadowdrv-net dut
is $S/state running "e1000 isolated as it loaded: state running"
tap_ok $([ "$(objects_total)" -gt 0 ] && echo 1 || echo 0) \
	"tracked objects: $(objects_total)"

# injection requests that name no fault or no function of the driver
I=$DBG/e1000/inject
refused "inject 'bogus $POLL': EINVAL" "Invalid argument" \
	"bogus $POLL" $I
refused "inject 'null printk': EINVAL" "Invalid argument" "null printk" $I
refused "inject 'null kfree' (not the driver's): EINVAL" "Invalid argument" \
	"null kfree 0" $I
refused "inject 'null no_such_function': EINVAL" "Invalid argument" \
	"null no_such_function" $I
refused "inject 'null' (no function): EINVAL" "Invalid argument" null $I
is $I off "refused injections arm nothing"
ping_peer
tap_ok $([ $? = 0 ] && [ "$(cat $S/failures)" = 0 ] && echo 1 || echo 0) \
	"no failure, traffic flows"

# several injections armed at once; "off" disarms all
tap_cmd "arm error e1000_get_drvinfo after 1000" \
	wr "error e1000_get_drvinfo 1000" $I
tap_cmd "add null e1000_get_regs after 1000" \
	wr "add null e1000_get_regs 1000" $I
tap_ok $([ "$(grep -c armed $I)" = 2 ] && echo 1 || echo 0) "two injections armed"
sed 's/^/# inject: /' $I
refused "bad request with two armed: EINVAL" "Invalid argument" "null kfree" $I
tap_ok $([ "$(grep -c armed $I)" = 2 ] && echo 1 || echo 0) \
	"... both still armed"
tap_cmd "replace both by one" wr "error e1000_get_drvinfo 1000" $I
tap_ok $([ "$(wc -l < $I)" = 1 ] && echo 1 || echo 0) "one injection armed"
tap_cmd "inject off" wr off $I
is $I off "nothing armed"
quiet "control"

# ------------------------------------------- (a) unload the isolated driver
tap_cmd "(a) rmmod e1000 while isolated and running" modprobe -r e1000
is $S/state unloaded "(a) state unloaded"
is $S/objects 0 "(a) no tracked objects"
is $S/mode isolate "(a) mode kept for the next load"
quiet "(a)"

# ----------------------------- (b) unload nooks_net and nooks under a driver
tap_cmd "(b) load e1000 isolated" shadowdrv-net dut
is $S/state running "(b) state running"
tap_cmd "(b) rmmod nooks_swifi, nooks_net and nooks while e1000 is isolated" \
	rmmod_stack
tap_ok $([ ! -e $SYS ] && [ ! -d /sys/module/nooks_net ] &&
	[ ! -d /sys/module/nooks ] && [ -d /sys/module/e1000 ] && echo 1 || echo 0) \
	"(b) nooks_net and nooks gone, e1000 still loaded"
tap_cmd "(b) native e1000 carries traffic" sh -c 'shadowdrv-net dut && ping -c 3 -W 2 192.0.2.2 > /dev/null'
quiet "(b)"

# --------------------------------------------------------- (c) fail-stop
tap_cmd "(c) shadowctl enable e1000 isolate (live)" shadowctl enable e1000 isolate
tap_cmd "(c) isolated e1000 carries traffic" shadowdrv-net dut
# a fault in the poll routine, and another in probe: the restart fails
tap_cmd "(c) arm null $POLL after 5" \
	shadowctl inject e1000 null --function "$POLL" --after 5
tap_cmd "(c) add null e1000_probe" \
	shadowctl inject e1000 null --function e1000_probe --add
ping -c 20 -i 0.05 -W 1 192.0.2.2 > /dev/null 2>&1
tap_cmd "(c) state failstop" wait_state failstop
sed 's/^/# inject: /' $I
echo "# last_fault: $(cat $S/last_fault); failures $(cat $S/failures)"
is $S/last_recovery/ok 0 "(c) last_recovery/ok 0"
is $S/recoveries 0 "(c) no recovery counted"
is $S/objects 0 "(c) nothing tracked after the fail-stop"
tap_cmd "(c) rmmod e1000 after fail-stop" modprobe -r e1000
is $S/state unloaded "(c) state unloaded"
tap_cmd "(c) rmmod nooks_swifi, nooks_net and nooks" \
	rmmod_stack
quiet "(c)"

# ------------------------------------------ (d) unload in the middle of recovery
tap_cmd "(d) load nooks, isolate e1000" \
	sh -c 'modprobe nooks && shadowctl enable e1000 isolate'
for delay in 0 0.2 0.5; do
	if ! shadowdrv-net dut > /dev/null 2>&1; then
		tap_ok 0 "(d) delay $delay: e1000 up"
		continue
	fi
	before=$(cat $S/failures)
	shadowctl inject e1000 null --function "$POLL" --after 5
	ping -c 40 -i 0.05 -W 1 192.0.2.2 > /dev/null 2>&1 &
	pid=$!
	for i in $(seq 100); do
		[ "$(cat $S/failures)" != "$before" ] && break
		sleep 0.05
	done
	sleep $delay
	st=$(cat $S/state)
	out=$(rmmod e1000 2>&1)
	rc=$?
	wait $pid
	echo "# delay $delay: state at rmmod $st; rmmod status $rc $out"
	if [ $rc = 0 ]; then
		ok=$([ "$(cat $S/state)" = unloaded ] && [ "$(cat $S/objects)" = 0 ] &&
			echo 1 || echo 0)
		tap_ok $ok "(d) delay $delay: rmmod e1000 during recovery succeeded, state unloaded, nothing tracked"
	else
		# EWOULDBLOCK: the recovery holds a reference on the module
		ok=$(echo "$out" | grep -Eq "in use|temporarily unavailable" &&
			echo 1 || echo 0)
		tap_ok $ok "(d) delay $delay: rmmod e1000 during recovery refused: in use"
		wait_state running > /dev/null
		echo "# state after the refused rmmod: $(cat $S/state)"
		# unload for the next round, once the recovery is over
		for i in $(seq 50); do
			rmmod e1000 2> /dev/null && break
			sleep 0.2
		done
		is $S/state unloaded "(d) delay $delay: e1000 unloaded after the recovery"
	fi
	quiet "(d) delay $delay"
done
tap_cmd "(d) rmmod nooks_swifi, nooks_net and nooks" \
	rmmod_stack
tap_ok $([ ! -e $SYS ] && [ ! -e $DBG ] && [ ! -d /sys/module/nooks_net ] &&
	echo 1 || echo 0) "everything unloaded"
tap_cmd "native e1000 loads and carries traffic" \
	sh -c 'shadowdrv-net dut && ping -c 3 -W 2 192.0.2.2 > /dev/null'
quiet "end"

echo "1..$TAP_N"
tap_done
