#!/bin/bash
# timeout: 150
# SPDX-License-Identifier: GPL-2.0
#
# The boot-time policy at boot: a guest boots with an
# /etc/shadowdrv/drivers.conf that names e1000 (tools/vm --policy); its
# init applies the policy before any device driver loads, then loads the
# NIC driver with modprobe as early boot does. e1000 must be in shadow
# mode from its first probe: nooks isolated it before the probe registered
# eth0 (kernel log order), the domain's counters exist from boot at 0, its
# objects are tracked, the policy's settings are in sysfs; a crash
# injected right after boot is recovered and eth0 reaches the peer.
set -uo pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

printf '# the NIC, from boot on\ne1000 shadow restart_budget=4 grace_ms=250\n' \
	> "$T/drivers.conf"
cat > "$T/check.sh" << 'GUEST'
. /opt/shadowdrv/tests/lib.sh
S=/sys/kernel/shadow/e1000
tap_plan 6
tap_ok $(dmesg | grep -q "shadowdrv-vm: policy: apply exit 0" && [ -s /etc/modprobe.d/shadowdrv.conf ] &&
	echo 1 || echo 0) "init applied the policy: $(dmesg | sed -n 's/.*shadowdrv-vm: policy: //p' | head -n 1)"
iso=$(dmesg | grep -n 'nooks: e1000: isolated' | head -n 1 | cut -d: -f1)
probe='eth0: Intel(R) PRO/1000 Network Connection'
reg=$(dmesg | grep -n "$probe" | head -n 1 | cut -d: -f1)
tap_ok $([ -n "$iso" ] && [ -n "$reg" ] && [ "$iso" -lt "$reg" ] &&
	[ "$(dmesg | grep -c "$probe")" = 1 ] && echo 1 || echo 0) \
	"e1000 isolated before its first probe (kernel log lines $iso < $reg), probed once"
tap_ok $([ "$(cat $S/mode)" = shadow ] && [ "$(cat $S/failures)" = 0 ] &&
	[ "$(cat $S/recoveries)" = 0 ] && [ "$(cat $S/objects)" -gt 0 ] && echo 1 || echo 0) \
	"from boot: mode $(cat $S/mode), failures $(cat $S/failures), recoveries $(cat $S/recoveries), $(cat $S/objects) objects tracked"
tap_ok $([ "$(cat $S/policy/restart_budget)" = 4 ] && [ "$(cat $S/policy/grace_ms)" = 250 ] &&
	echo 1 || echo 0) "the policy's settings: restart_budget $(cat $S/policy/restart_budget), grace_ms $(cat $S/policy/grace_ms)"
modprobe nooks_swifi
shadowctl inject e1000 null --function "$(driver_entry e1000 poll)" --after 5
wait_for 5 ping -c 1 -W 1 192.0.2.2 > /dev/null
wait_recovered e1000 1
tap_ok $([ "$(cat $S/recoveries)" = 1 ] && [ "$(cat $S/failures)" = 1 ] && echo 1 || echo 0) \
	"a crash right after boot recovered ($(cat $S/failures) failure, $(cat $S/recoveries) recovery)"
tap_ok $(wait_for 10 ping -c 1 -W 1 192.0.2.2 > /dev/null && echo 1 || echo 0) \
	"eth0 reaches the peer after the recovery"
tap_done
GUEST
out=$("$TOP/tools/vm" --net e1000 --policy "$T/drivers.conf" --share "$T" \
	--timeout 120 --log "$TOP/build/logs/host_boot_policy.console.log" \
	-- sh /mnt/host/check.sh 2>&1)
rc=$?
printf '%s\n' "$out" | grep -E '^(TAP|1\.\.|ok|not ok|#)'
exit $rc
