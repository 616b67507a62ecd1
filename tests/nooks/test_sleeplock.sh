#!/bin/sh
# vm: --net e1000
# timeout: 180
# SPDX-License-Identifier: GPL-2.0
#
# A mutex the failed driver held is released (nooks/wrap_mutex.c). e1000
# reads its EEPROM under a mutex that is a static of its module
# (e1000_read_eeprom() around e1000_do_read_eeprom()). A fault injected
# into the EEPROM read of an "ethtool -e" aborts the call with that mutex
# held; the restart re-probes the driver, whose probe reads the EEPROM
# under the same mutex: unless the abort released it, the probe sleeps
# forever and the driver never comes back. Checks: the fault is contained,
# the mutex release is logged, the driver recovers, the EEPROM reads the
# same bytes as before, traffic flows and the kernel log is quiet.
. /opt/shadowdrv/tests/lib.sh
DRV=e1000
S=/sys/kernel/shadow/$DRV

tap_plan 8
modprobe shadow_net
shadowctl enable $DRV shadow || exit 1
shadowdrv-net dut > /dev/null || exit 1
ethtool -e eth0 raw on > /tmp/eeprom.before 2> /dev/null
n=$(wc -c < /tmp/eeprom.before)
tap_ok "$([ "$n" -ge 64 ] && echo 1 || echo 0)" "ethtool -e reads the EEPROM ($n bytes)"

shadowctl inject $DRV null --function e1000_do_read_eeprom
timeout 30 ethtool -e eth0 raw on > /dev/null 2>&1
rc=$?
tap_ok "$([ $rc != 124 ] && echo 1 || echo 0)" "ethtool -e with the fault returns (exit $rc)"
echo "# fault: $(cat $S/last_fault)"
tap_ok "$(grep -q 'in get_eeprom' $S/last_fault && echo 1 || echo 0)" \
	"the injected fault was contained in the ethtool call"
wait_recovered $DRV 1
tap_ok "$([ $? = 0 ] && echo 1 || echo 0)" \
	"the driver restarted: its probe took the EEPROM mutex ($(cat $S/recoveries) recoveries)"
msg=$(dmesg | grep "released mutex .* its failed driver held")
echo "# $msg"
tap_ok "$([ -n "$msg" ] && echo 1 || echo 0)" "the abort released the mutex"

shadowdrv-net wait > /dev/null
ethtool -e eth0 raw on > /tmp/eeprom.after 2> /dev/null
tap_ok "$(cmp -s /tmp/eeprom.before /tmp/eeprom.after && echo 1 || echo 0)" \
	"the EEPROM reads the same bytes after the recovery"
ping -c 5 -i 0.2 -W 1 192.0.2.2 > /tmp/ping.out 2>&1
tap_ok "$([ $? = 0 ] && echo 1 || echo 0)" "traffic flows: $(grep -o '[0-9]* .*received' /tmp/ping.out)"
quiet "after the recovery"
tap_done
