#!/bin/sh
# vm: --net e1000
# timeout: 180
# SPDX-License-Identifier: GPL-2.0
#
# The per-driver recovery policy (/sys/kernel/shadow/<driver>/policy/,
# shadow/policy.c): a shadowed driver gets the module parameters' values;
# bad writes are refused with nothing changed; changing a parameter later
# changes new drivers only; shadowctl set writes several settings;
# auto_recover=0 leaves a failed driver fail-stopped (reported, not
# restarted); restart_budget=1 allows one restart and refuses the next.
. /opt/shadowdrv/tests/lib.sh
S=/sys/kernel/shadow/e1000
P=$S/policy
M=/sys/module/shadow/parameters
tap_plan 14

modprobe nooks_swifi
tap_cmd "shadowctl enable e1000 shadow" shadowctl enable e1000 shadow
shadowdrv-net dut > /dev/null
got=$(cat $P/auto_recover $P/grace_ms $P/restart_budget $P/budget_window_s | tr '\n' ' ')
want=$(for f in auto_recover grace_ms restart_budget budget_window_s; do cat $M/$f; done |
	sed 's/^Y$/1/; s/^N$/0/' | tr '\n' ' ')
tap_ok $([ "$got" = "$want" ] && echo 1 || echo 0) "policy/ holds the defaults ($got; parameters: $want)"

bad=0
for w in "grace_ms abc" "grace_ms -1" "restart_budget 4294967296" "budget_window_s 0" \
	"auto_recover maybe"; do
	set -- $w
	before=$(cat $P/$1)
	if echo "$2" > $P/$1 2> /dev/null || [ "$(cat $P/$1)" != "$before" ]; then
		echo "# $1 took '$2'"
		bad=1
	fi
done
tap_ok $([ $bad = 0 ] && echo 1 || echo 0) "bad values refused, nothing changed"

old=$(cat $M/grace_ms)
echo 777 > $M/grace_ms
tap_ok $([ "$(cat $P/grace_ms)" = "$old" ] && echo 1 || echo 0) \
	"a parameter changed later leaves the shadowed driver's value ($(cat $P/grace_ms))"
shadowctl disable e1000 && shadowctl enable e1000 shadow && shadowdrv-net dut > /dev/null
tap_ok $([ "$(cat $P/grace_ms)" = 777 ] && echo 1 || echo 0) \
	"... and is the value of a driver shadowed afterwards ($(cat $P/grace_ms))"
echo "$old" > $M/grace_ms

tap_cmd "shadowctl set e1000 grace_ms=0 restart_budget=1 budget_window_s=600" \
	shadowctl set e1000 grace_ms=0 restart_budget=1 budget_window_s=600
tap_ok $([ "$(cat $P/grace_ms $P/restart_budget $P/budget_window_s | tr '\n' ' ')" = "0 1 600 " ] &&
	echo 1 || echo 0) "shadowctl set wrote the three settings"
json=$(shadowctl status --json e1000)
tap_ok $(echo "$json" | grep -q '"driver":"e1000","mode":"shadow","state":"running".*"policy":{"auto_recover":1,"grace_ms":0,"restart_budget":1,"budget_window_s":600}' &&
	echo 1 || echo 0) "shadowctl status --json shows the policy ($(echo "$json" | cut -c1-300))"
shadowctl set e1000 grace_ms=10 bogus=1 2> /tmp/set.err; rc=$?
tap_ok $([ $rc = 1 ] && [ "$(cat $P/grace_ms)" = 0 ] && grep -q "unknown setting 'bogus'" /tmp/set.err &&
	echo 1 || echo 0) "shadowctl set with an unknown setting: exit $rc, nothing written"

# restart_budget=1: the first failure is recovered, the second is not
crash() {
	shadowctl inject e1000 null --function e1000_xmit_frame
	ping -c 3 -i 0.2 -W 1 192.0.2.2 > /dev/null 2>&1
}
crash
wait_recovered e1000 1 > /dev/null
tap_ok $([ "$(cat $S/recoveries)" = 1 ] && echo 1 || echo 0) "budget 1: the first failure recovered"
crash
wait_for 10 sh -c "[ \"\$(cat $S/state)\" = failstop ]"
tap_ok $([ "$(cat $S/state)" = failstop ] && [ "$(cat $S/recoveries)" = 1 ] &&
	dmesg | grep -q "e1000: restart budget used up: driver left fail-stopped" && echo 1 || echo 0) \
	"budget 1: the second left fail-stopped, reported ($(cat $S/state))"

# auto_recover=0: reported, not restarted (a fresh e1000: the
# fail-stopped one left its device unbound)
modprobe -r e1000 && shadowctl disable e1000 && shadowctl enable e1000 shadow &&
	shadowdrv-net dut > /dev/null
tap_cmd "shadowctl set e1000 auto_recover=0" shadowctl set e1000 auto_recover=0
crash
wait_for 10 sh -c "[ \"\$(cat $S/state)\" = failstop ]"
tap_ok $([ "$(cat $S/state)" = failstop ] && [ "$(cat $S/recoveries)" = 0 ] &&
	dmesg | grep -q "e1000: automatic recovery is off: driver left fail-stopped" && echo 1 || echo 0) \
	"auto_recover=0: the failure is reported and the driver left fail-stopped ($(cat $S/state))"
quiet "recovery policy"
tap_done
