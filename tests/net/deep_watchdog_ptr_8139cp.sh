#!/bin/sh
# vm: --net rtl8139
# timeout: 120
# allow-dmesg: kernel BUG at lib/dynamic_queue_limits\.c:[0-9]+!
# SPDX-License-Identifier: GPL-2.0
#
# A progress check the net shadow makes (classes/net/watchdog.c), on the
# fault of campaign trial 204 (ptr in cp_interrupt, seed 183) under a 1 ms
# UDP ping: what was sent is freed without being reported to byte queue
# limits; the queue stays stopped with nothing in the driver, the qdisc
# fills: a "transmit stall". When the completion reports more than was
# queued instead, byte queue limits' own BUG_ON() fires in the interrupt
# handler: a fault, contained like any other (its "kernel BUG at" line
# is allowed). Either way the driver is restarted, the ping goes on to
# the end, and a 20 MB TCP transfer (sha256) follows.
#
# Not in make check (make deep): the mutated pointer depends on what the
# register held, and in one CI run (2026-12-07) the bad free it makes
# corrupted page structures: the guest died 6 s after the recovery, in
# shmem's truncation (list_del corruption in release_pages()). A free of
# memory the driver no longer owns is not caught yet (issue 15, section 2).
. /opt/shadowdrv/tests/lib.sh
DRV=8139cp
S=/sys/kernel/shadow/$DRV
QUIET_ALLOW='kernel BUG at lib/dynamic_queue_limits\.c:[0-9]+!'

tap_plan 4
modprobe nooks_swifi
modprobe shadow_net
shadowctl enable $DRV shadow || exit 1
shadowdrv-net dut > /dev/null || exit 1
. /opt/shadowdrv/tests/net/lib_mutate.sh

mutate_under_ping 1 ptr cp_interrupt 183 8 2 "transmit stall|^bug at dql_completed"
tcp_intact 20
quiet "the end"
tap_done
