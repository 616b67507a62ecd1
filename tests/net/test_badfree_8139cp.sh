#!/bin/sh
# vm: --net rtl8139
# timeout: 150
# SPDX-License-Identifier: GPL-2.0
#
# Bad frees are contained at the wrapper (nooks/quarantine.c). Two SWIFI
# "free" faults of the campaign 8139cp-udpping-1 (trials 71 and 24; 71
# crashed the kernel in shadow mode): a receive buffer cp_rx_poll
# allocated is freed behind the driver's back 0-255 ms later. Under a
# 1 ms UDP ping each must be found as a fault of kind "free" (a free of a
# buffer the driver had passed up the stack, or a hand-over of one the
# quarantine holds: which one depends on when the free comes), the
# driver restarted, and the ping go on to the
# end with no send error. Then a 20 MB TCP transfer arrives intact (the quarantine
# holds freed buffers, it must not corrupt live ones), the quarantine
# holds at most 64 objects, and the kernel log is quiet.
. /opt/shadowdrv/tests/lib.sh
DRV=8139cp
S=/sys/kernel/shadow/$DRV

tap_plan 7
modprobe nooks_swifi
modprobe shadow_net
shadowctl enable $DRV shadow || exit 1
shadowdrv-net dut > /dev/null || exit 1
. /opt/shadowdrv/tests/net/lib_mutate.sh

mutate_under_ping 1 free cp_rx_poll 125 6 1 '^free at '
mutate_under_ping 2 free '*' 7 6 1 '^free at '
tcp_intact 20
dmesg | grep -E 'nooks: 8139cp: (free of memory handed over|hand-over of freed memory)' |
	sed 's/^/# /'
q=$(sed -n 's/^quarantine //p' /sys/kernel/debug/shadow/$DRV/objects)
tap_ok "$([ -n "$q" ] && [ "$q" -le 64 ] && echo 1 || echo 0)" "quarantine holds $q objects (at most 64)"
quiet "the end"
tap_done
