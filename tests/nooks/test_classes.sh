#!/bin/sh
# vm: --net e1000
# timeout: 300
# SPDX-License-Identifier: GPL-2.0
#
# Driver classes plug into nooks.ko and shadow.ko without either knowing
# them (issue 11): nooks.ko alone pulls in no class subsystem; the net
# class (nooks_net.ko) brings the net interposition, and a driver bound
# with it lists it in /sys/kernel/shadow/<driver>/classes; removing the
# class module returns its drivers to native first; the recovery layer
# can be removed while faults are being contained (the dom->ops race),
# with the kernel quiet throughout.
. /opt/shadowdrv/tests/lib.sh
POLL=$(driver_entry e1000 poll)
SYS=/sys/kernel/shadow
S=$SYS/e1000

tap_plan 20

mods() { cut -d' ' -f1 /proc/modules | sort; }
loaded() { grep -q "^$1 " /proc/modules; }
ping_peer() { ping -c 3 -W 2 192.0.2.2 > /dev/null 2>&1; }

# ---------------------------------------------- nooks alone is class-free
before=$(mods)
modprobe nooks
new=$(mods | grep -vxF "$before")
echo "# modules nooks brought: $(echo $new)"
tap_ok $([ "$new" = nooks ] && echo 1 || echo 0) \
	"modprobe nooks loads nooks alone (no class, sound, SCSI or SWIFI module)"

# ------------------------------------------- the net class, by shadowctl
shadowdrv-net dut > /dev/null 2>&1
tap_cmd "shadowctl enable e1000 isolate loads the net class" \
	sh -c 'shadowctl enable e1000 isolate && grep -q "^nooks_net " /proc/modules'
tap_ok $([ "$(cat $S/classes)" = net ] && echo 1 || echo 0) \
	"classes of e1000: net ($(cat $S/classes))"
tap_ok $(loaded nooks_swifi && echo 0 || echo 1) \
	"no fault-injection module (nooks_swifi) until a fault is asked for"
shadowdrv-net dut > /dev/null 2>&1
tap_cmd "isolated e1000 carries traffic" ping_peer
objs=$(sed -n 's/^netdev_registration //p' /sys/kernel/debug/shadow/e1000/objects)
tap_ok $([ "$objs" = 1 ] && echo 1 || echo 0) \
	"the net class tracks the registered net device ($objs)"

# ------------------------------------- removing the class: native first
tap_cmd "rmmod nooks_net while e1000 is isolated" rmmod nooks_net
tap_ok $([ "$(cat $S/mode)" = off ] && [ "$(cat $S/state)" = native ] &&
	[ -z "$(cat $S/classes)" ] && echo 1 || echo 0) \
	"e1000 is native again (mode $(cat $S/mode), state $(cat $S/state))"
shadowdrv-net dut > /dev/null 2>&1
tap_cmd "native e1000 carries traffic" ping_peer
quiet "class removal"

# ------------------------------- recovery layer removed during recoveries
# A fault every few polls while shadow.ko comes and goes: a failed hook
# must never run once shadow.ko is unloaded (nooks_shadow_unregister
# waits for an RCU grace period).
tap_cmd "shadowctl enable e1000 shadow" shadowctl enable e1000 shadow
ok=1
for i in 1 2 3 4 5 6; do
	shadowdrv-net dut > /dev/null 2>&1
	shadowctl inject e1000 null --function "$POLL" --after 3 ||
		{ ok=0; echo "# inject failed"; }
	ping -c 20 -i 0.05 -W 1 192.0.2.2 > /dev/null 2>&1 &
	pid=$!
	sleep 0.$i
	# rmmod, not modprobe -r: that would also unload nooks_net and nooks
	rmmod shadow_net shadow 2>/dev/null
	wait $pid
	wait_for 10 sh -c "[ \"\$(cat $S/state)\" = running ]" ||
		{ ok=0; echo "# round $i: state $(cat $S/state)"; }
	shadowctl inject e1000 off
	shadowctl enable e1000 shadow > /dev/null ||
		{ ok=0; echo "# round $i: shadow mode refused"; }
done
tap_ok $ok "six rounds of fault + rmmod shadow: driver back running each time"
tap_ok $(loaded nooks_swifi && echo 1 || echo 0) \
	"shadowctl inject loaded nooks_swifi"
echo "# failures $(cat $S/failures), recoveries $(cat $S/recoveries)"
tap_ok $([ "$(cat $S/failures)" -ge 1 ] && echo 1 || echo 0) \
	"faults were contained during the rounds"
shadowdrv-net dut > /dev/null 2>&1
tap_cmd "traffic flows after the rounds" \
	wait_for 10 ping -c 1 -W 1 192.0.2.2
quiet "rmmod shadow during recoveries"

# ------------------------------------------------ everything unloads
tap_cmd "shadowctl unload" shadowctl unload
left=$(mods | grep -E '^(nooks|nooks_net|shadow|shadow_net|nooks_swifi)$')
tap_ok $([ -z "$left" ] && echo 1 || echo 0) "no shadowdrv module left ($left)"
shadowdrv-net dut > /dev/null 2>&1
tap_cmd "native e1000 carries traffic after unload" ping_peer
quiet "unload"
tap_done
