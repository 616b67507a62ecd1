# SPDX-License-Identifier: GPL-2.0
# Shared body of the sound cycle tests (test_cycles_snd_*.sh): shadow mode
# on DRIVER, over and over: 20 fault-and-restart cycles (NULL, #GP and
# BUG() in the interrupt handler, in turn), each under aplay, which must
# finish with no error; the driver then holds exactly the tracked objects
# it held before and slab and vmalloc use did not grow (tests/lib_leak.sh).
# Then the project's modules are unloaded in each state a user may catch
# them in: while a stream plays through the shadow, with the driver left
# fail-stopped (restart budget spent), and in the middle of a recovery;
# the kernel log stays quiet. The caller sets DRIVER.
. /opt/shadowdrv/tests/lib.sh
S=/sys/kernel/shadow/$DRIVER
IRQ=$(driver_entry $DRIVER irq)
CYCLES=20

play() { shadowdrv-sound play "$1" > /tmp/aplay.out 2>&1; }
quiesce() { play 1; }
. /opt/shadowdrv/tests/lib_leak.sh

# set up: the driver (loaded anew: a fail-stop leaves its device unbound)
# in shadow mode, playing
setup() {
	rmmod $DRIVER 2> /dev/null
	modprobe nooks_swifi && modprobe shadow_sound &&
		shadowctl enable $DRIVER shadow --force && modprobe $DRIVER &&
		shadowdrv-sound wait && play 1
}

tap_plan $((CYCLES + 16))
tap_cmd "$DRIVER in shadow mode plays" setup
leak_base

for c in $(seq $CYCLES); do
	case $((c % 3)) in
	1) kind=null ;; 2) kind=gpf ;; 0) kind=bug ;;
	esac
	shadowdrv-sound play 2 > /tmp/aplay.out 2>&1 &
	app=$!
	sleep 0.5
	shadowctl inject $DRIVER $kind --function "$IRQ" --after 5
	wait $app; rc=$?
	ok=0
	wait_recovered $DRIVER "$c" && [ $rc = 0 ] && ok=1
	[ $ok = 1 ] || echo "# aplay exit $rc: $(head -c 200 /tmp/aplay.out); state $(cat $S/state)"
	tap_ok $ok "cycle $c: $kind in $IRQ, restarted in $(cat $S/last_recovery/total_us) us, aplay played on (exit $rc)"
done
leak_cycles_end $CYCLES
# the injected BUG()s are in the log (guest-run checks it whole); from
# here on nothing may appear
dmesg -c > /dev/null

# unloading while a stream plays through the shadow: the stream goes on
# natively or ends with an error, nothing else
shadowdrv-sound play 3 > /dev/null 2>&1 &
app=$!
sleep 1
tap_cmd "unload while playing" shadowctl unload
wait $app
quiet "unload while playing"

# unloading with the driver fail-stopped: one restart allowed, two faults
tap_cmd "set up again" setup
echo 1 > $S/policy/restart_budget
for i in 1 2; do
	shadowctl inject $DRIVER null --function "$IRQ" --after 2
	shadowdrv-sound play 1 > /dev/null 2>&1
	sleep 0.5
done
wait_for 10 sh -c "[ \"\$(cat $S/state)\" = failstop ]"
tap_ok $([ "$(cat $S/state)" = failstop ] && echo 1 || echo 0) \
	"restart budget spent: driver fail-stopped ($(cat $S/state))"
tap_cmd "unload with the driver fail-stopped" shadowctl unload
quiet "unload after a fail-stop"

# unloading in the middle of a recovery
tap_cmd "set up again" setup
shadowdrv-sound play 2 > /dev/null 2>&1 &
app=$!
sleep 0.5
shadowctl inject $DRIVER null --function "$IRQ" --after 2
wait_for 5 sh -c "[ \"\$(cat $S/failures)\" -ge 1 ]"
tap_cmd "unload during a recovery" shadowctl unload
wait $app
quiet "unload during a recovery"
tap_done
