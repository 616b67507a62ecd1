#!/bin/sh
# vm: --net rtl8139
# timeout: 900
# SPDX-License-Identifier: GPL-2.0
#
# No false alarm from the net shadow's progress checks (transmit stall,
# receive stall, transmit timeout, NAPI left scheduled): 8139cp shadowed
# and never faulted, for SOAK_S seconds (default 600) of what a server's
# NIC sees: bulk TCP transfers (sha256-checked), a 1 ms UDP ping, idle
# gaps, the link taken down and up by the user, the MTU changed and back.
# Not one failure may be detected, and the kernel log stays quiet.
. /opt/shadowdrv/tests/lib.sh
DRV=8139cp
S=/sys/kernel/shadow/$DRV
SOAK_S=${SOAK_S:-600}

modprobe shadow_net
shadowctl enable $DRV shadow || exit 1
shadowdrv-net dut > /dev/null || exit 1
. /opt/shadowdrv/tests/net/lib_mutate.sh

rounds=0 bad=0
end=$(($(cut -d. -f1 /proc/uptime) + SOAK_S))
while [ "$(cut -d. -f1 /proc/uptime)" -lt $end ]; do
	rounds=$((rounds + 1))
	(tcp_intact 8) > /tmp/soak.tcp
	grep -q '^ok' /tmp/soak.tcp || { bad=$((bad + 1)); cat /tmp/soak.tcp; }
	udpping send -c 192.0.2.2 -p 7777 -t 5 > /tmp/ping.out 2>&1 ||
		{ bad=$((bad + 1)); echo "# round $rounds: ping failed"; }
	sleep 20			# idle
	ip link set eth0 down; sleep 3; ip link set eth0 up
	wait_for 15 sh -c "ip link show eth0 | grep -q LOWER_UP"
	ip link set eth0 mtu 1200; sleep 1; ip link set eth0 mtu 1500
	sleep 10			# idle again, link back
	echo "# round $rounds: failures $(cat $S/failures), state $(cat $S/state)"
done

tap_plan 3
tap_ok "$([ $bad = 0 ] && echo 1 || echo 0)" \
	"$rounds rounds of transfers, pings, idle gaps, link and MTU changes: all intact ($bad bad)"
tap_ok "$([ "$(cat $S/failures)" = 0 ] && [ "$(cat $S/state)" = running ] && echo 1 || echo 0)" \
	"no failure detected in ${SOAK_S} s ($(cat $S/failures)), last fault: $(cat $S/last_fault)"
quiet "soak"
tap_done
