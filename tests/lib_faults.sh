# SPDX-License-Identifier: GPL-2.0
# The isolation fault matrix, for a driver of any class: every fault kind
# in each of the driver's entry contexts is contained and the driver is
# restarted (isolate mode, Nooks restart), and the device works again each
# time. The caller sets DRIVER and sources this file; the contexts and
# the function faulted in each are the driver's ENTRIES in tools/drivers,
# and the class says how to use its devices: tests/CLASS/lib_class.sh
# defines
#   class_start            load DRIVER (isolated from its first
#                          instruction: the domain is made before) and
#                          make its device work
#   class_trigger CONTEXT  make the kernel call the driver in CONTEXT
#   class_after CONTEXT    calls to let pass before the fault fires
#   class_skip FAULT CONTEXT  true for a pair that is not tested
#   class_works            after a restart: make the device work again,
#                          true when it does
#   class_error            (optional) an injected error in the first
#                          context reaches the application as an error:
#                          true when it does
#   class_final            a longer workload through the restarted driver
. /opt/shadowdrv/tests/lib.sh
S=/sys/kernel/shadow/$DRIVER
CLASS=$(driver_class "$DRIVER")
. "/opt/shadowdrv/tests/$CLASS/lib_class.sh"
CONTEXTS=$(driver_contexts "$DRIVER" | tr '\n' ' ')
[ -n "$CONTEXTS" ] || { echo "# $DRIVER: no ENTRIES in tools/drivers"; exit 1; }
FAULTS="null gpf bug hang double corrupt"

CASES=
for fault in $FAULTS; do
	for ctx in $CONTEXTS; do
		class_skip "$fault" "$ctx" || CASES="$CASES $fault:$ctx"
	done
done

tap_plan $(( $(echo $CASES | wc -w) * 2 + 7 ))

modprobe -r "$DRIVER"
modprobe nooks
tap_cmd "shadowctl enable $DRIVER isolate before load" shadowctl enable "$DRIVER" isolate
tap_cmd "$DRIVER loads isolated and its device works" class_start
tap_ok $([ "$(cat $S/state)" = running ] && echo 1 || echo 0) "state is running"

n=0
for c in $CASES; do
	fault=${c%%:*} ctx=${c##*:}
	func=$(driver_entry "$DRIVER" "$ctx")
	before=$(cat $S/failures)
	shadowctl inject "$DRIVER" "$fault" --function "$func" --after "$(class_after "$ctx")"
	class_trigger "$ctx"
	n=$((n + 1))
	if wait_recovered "$DRIVER" $n; then
		tap_ok 1 "$fault in $ctx ($func): contained, restarted in $(cat $S/last_recovery/total_us) us"
	else
		tap_ok 0 "$fault in $ctx ($func): contained and restarted"
		echo "# last_fault: $(cat $S/last_fault); inject: $(cat /sys/kernel/debug/shadow/$DRIVER/inject)"
		n=$(cat $S/recoveries)
	fi
	echo "# last_fault: $(cat $S/last_fault)"
	class_works && ok=1 || ok=0
	tap_ok $([ $ok = 1 ] && [ "$(cat $S/failures)" = $((before + 1)) ] && echo 1 || echo 0) \
		"$DRIVER works again after $fault in $ctx"
done

# an injected error is an error, not a failure: no restart (for a class
# whose first context has an error path: class_error)
before=$(cat $S/failures)
first=${CONTEXTS%% *}
if command -v class_error > /dev/null; then
	shadowctl inject "$DRIVER" error --function "$(driver_entry "$DRIVER" "$first")"
	class_error && ok=1 || ok=0
	tap_ok $ok "error injection in $first: the caller gets an error"
	tap_ok $([ "$(cat $S/failures)" = "$before" ] && echo 1 || echo 0) \
		"error injection: no failure counted"
else
	tap_ok 1 "error injection # SKIP $first has no error path"
	tap_ok 1 "error injection: no failure counted # SKIP"
fi

tap_cmd "a longer workload runs through the restarted $DRIVER" class_final

# the kernel stays quiet for 10 s (guest-run then checks dmesg)
sleep 10
# --force: a sound or ide driver is unbound and bound again natively
disable_works() { shadowctl disable "$DRIVER" --force && class_works; }
tap_cmd "disable returns $DRIVER to native, it works" disable_works
shadowctl unload
tap_done
