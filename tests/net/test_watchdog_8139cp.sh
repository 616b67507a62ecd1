#!/bin/sh
# vm: --net rtl8139
# timeout: 240
# allow-dmesg: WARNING: .* at include/linux/dma-mapping\.h:[0-9]+ cp_start_xmit
# SPDX-License-Identifier: GPL-2.0
#
# The net shadow's progress checks (classes/net/watchdog.c) turn failures
# that fault nowhere into recoveries. SWIFI faults that the campaigns
# 8139cp-udpping-1 found silent in shadow mode (trials 43 and 37), each
# under a 1 ms UDP ping:
#   leak  in cp_interrupt (seed 149): the transmit completion frees no
#         packet; the socket's send buffer fills and the ping stops;
#   alloc in cp_rx_poll (seed 157): the receive refill fails for good;
#         every frame that arrives is dropped.
#   loop  in cp_rx_poll (seed 182, trial 226): every descriptor is read as
#         a receive error; nothing is dropped, rx_errors grows;
#   loop  in cp_rx_poll (seed 18, trial 116): the poll returns less than
#         its budget without completing its NAPI instance, which then
#         stays scheduled and is never polled again;
#   while1 in cp_interrupt (seed 169, trial 104): a hang in the interrupt
#         handler, aborted between napi_schedule_prep() and
#         __napi_schedule(): the NAPI instance is scheduled and on no
#         list, and a release that waited for it in napi_disable() would
#         never end;
#   loop  in cp_start_xmit (seed 139, trial 927 of the 1,000-fault run):
#         every packet sent is dropped (tx_dropped grows, tx_packets not);
#         the mutated code hands the DMA API a bad buffer, whose warning
#         is the fault's own (QUIET_ALLOW);
# (ptr in cp_interrupt, seed 183, trial 204, is deep_watchdog_ptr_8139cp.sh:
# its bad pointer may also corrupt kernel memory, which kills the guest.)
# Each must be detected ("transmit stall", "receive stall", "NAPI
# instance left scheduled", "hang"), the driver restarted, and the ping
# must go on to the end with no send error and echoes in its last second.
# Then a 20 MB TCP transfer (sha256) and an idle minute of the device
# must trigger no recovery, and the kernel log must be quiet.
. /opt/shadowdrv/tests/lib.sh
DRV=8139cp
S=/sys/kernel/shadow/$DRV
QUIET_ALLOW='WARNING: .* at include/linux/dma-mapping\.h:[0-9]+ cp_start_xmit'

tap_plan 17
modprobe nooks_swifi
modprobe shadow_net
shadowctl enable $DRV shadow || exit 1
shadowdrv-net dut > /dev/null || exit 1
. /opt/shadowdrv/tests/net/lib_mutate.sh

mutate_under_ping 1 leak cp_interrupt 149 8 2 "transmit stall"
mutate_under_ping 2 alloc cp_rx_poll 157 8 2 "receive stall"
mutate_under_ping 3 loop cp_rx_poll 182 8 2 "receive stall"
mutate_under_ping 4 loop cp_rx_poll 18 8 2 "NAPI instance left scheduled"
mutate_under_ping 5 while1 cp_interrupt 169 8 2 "^hang"
mutate_under_ping 6 loop cp_start_xmit 139 8 2 "transmit stall"
tap_ok "$(dmesg | grep -q 'NAPI instance cp_rx_poll .* taken over' && echo 1 || echo 0)" \
	"the NAPI instance the aborted handler had scheduled was taken over"

# no false alarm: a busy device, then an idle one
tcp_intact 20
sleep 60
ping -c 3 -i 0.2 -W 1 192.0.2.2 > /dev/null 2>&1
tap_ok "$([ $? = 0 ] && echo 1 || echo 0)" "pings answered after an idle minute"
tap_ok "$([ "$(cat $S/recoveries)" = 6 ] && [ "$(cat $S/failures)" = 6 ] && echo 1 || echo 0)" \
	"no recovery in a busy and an idle minute ($(cat $S/failures) failures)"
quiet "the end"
tap_done
