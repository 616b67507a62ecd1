#!/bin/sh
# vm: --net rtl8139
# timeout: 180
# SPDX-License-Identifier: GPL-2.0
#
# The net shadow's progress checks (classes/net/watchdog.c) turn failures
# that fault nowhere into recoveries. Two SWIFI faults that the campaign
# 8139cp-udpping-1 found silent in shadow mode (trials 43 and 37), each
# under a 1 ms UDP ping:
#   leak  in cp_interrupt (seed 149): the transmit completion frees no
#         packet; the socket's send buffer fills and the ping stops;
#   alloc in cp_rx_poll (seed 157): the receive refill fails for good;
#         every frame that arrives is dropped.
# Each must be detected ("transmit stall", "receive stall"), the driver
# restarted, and the ping must go on to the end with no send error and
# echoes in its last second. Then a 20 MB TCP transfer (sha256) and an
# idle minute of the device must trigger no recovery, and the kernel log
# must be quiet.
. /opt/shadowdrv/tests/lib.sh
DRV=8139cp
S=/sys/kernel/shadow/$DRV

tap_plan 8
modprobe nooks_swifi
modprobe shadow_net
shadowctl enable $DRV shadow || exit 1
shadowdrv-net dut > /dev/null || exit 1
in_peer udpping echo -p 7777 > /dev/null 2>&1 &

# ping_through N FAULT FUNCTION SEED WHAT: a 1 ms ping for 8 s with the
# mutation applied after 2 s; recovery N must follow, found as WHAT
ping_through() {
	(sleep 2; shadowctl mutate $DRV "$2" --function "$3" --seed "$4" > /dev/null) &
	mutator=$!
	udpping send -c 192.0.2.2 -p 7777 -t 8 > /tmp/ping.out 2>&1
	rc=$?
	wait $mutator
	wait_recovered $DRV "$1" > /dev/null
	echo "# $2 $3 $4: $(cat $S/last_fault); recovery $(cat $S/last_recovery/total_us) us"
	tap_ok "$(grep -q "$5" $S/last_fault && [ "$(cat $S/recoveries)" = "$1" ] &&
		echo 1 || echo 0)" "$2 in $3: detected as a $5 and recovered"
	tr '\n' ' ' < /tmp/ping.out | sed 's/^/# /'; echo
	tap_ok "$([ $rc = 0 ] && awk -F= '/^lost=/ { l = $2 } /^sent=/ { s = $2 }
		/^send_errors=/ { e = $2 } /^tail_gap_ms=/ { g = $2 }
		END { exit !(s > 0 && l < s / 2 && e == 0 && g < 1000) }' /tmp/ping.out &&
		echo 1 || echo 0)" "the ping goes on to the end (no send error, echoes in its last second)"
	echo off > /sys/kernel/debug/shadow/$DRV/mutate
}

ping_through 1 leak cp_interrupt 149 "transmit stall"
ping_through 2 alloc cp_rx_poll 157 "receive stall"

# no false alarm: a busy device, then an idle one
head -c 20971520 /dev/urandom > /tmp/tx.bin
rm -f /tmp/rx.bin /tmp/nc.hold && mkfifo /tmp/nc.hold
in_peer nc -l -p 5002 > /tmp/rx.bin 0<> /tmp/nc.hold &
nc_server=$!
sleep 0.5
timeout 60 nc 192.0.2.2 5002 < /tmp/tx.bin
rc=$?
wait_for 10 sh -c '[ "$(wc -c < /tmp/rx.bin)" = 20971520 ]'
kill $nc_server 2> /dev/null; wait $nc_server 2> /dev/null
tap_ok "$([ $rc = 0 ] && [ "$(sha256sum < /tmp/tx.bin)" = "$(sha256sum < /tmp/rx.bin)" ] &&
	echo 1 || echo 0)" "20 MB TCP transfer intact (nc exit $rc, $(wc -c < /tmp/rx.bin) bytes)"
sleep 60
ping -c 3 -i 0.2 -W 1 192.0.2.2 > /dev/null 2>&1
tap_ok "$([ $? = 0 ] && echo 1 || echo 0)" "pings answered after an idle minute"
tap_ok "$([ "$(cat $S/recoveries)" = 2 ] && [ "$(cat $S/failures)" = 2 ] && echo 1 || echo 0)" \
	"no recovery in a busy and an idle minute ($(cat $S/failures) failures)"
quiet "the end"
tap_done
