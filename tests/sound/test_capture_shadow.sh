#!/bin/sh
# vm: --sound ac97,es1370,hda --wav none
# timeout: 180
# SPDX-License-Identifier: GPL-2.0
#
# Shadow mode, capture: arecord records 4 s from each card (QEMU's silent
# capture source: tools/vm --wav none) while its driver crashes in the
# interrupt handler; arecord must exit 0 with no message and exactly 4 s
# of frames, and the driver must be restarted once.
. /opt/shadowdrv/tests/lib.sh
. /opt/shadowdrv/tests/sound/lib_cards.sh
SECS=4
BYTES=$((44 + SECS * 44100 * 4))	# wav header + 16 bit stereo frames

cards_plan 3
for drv in $drivers; do
	card_shadow "$drv"
	rm -f /tmp/rec.wav
	timeout 30 arecord -q -D "hw:$card,0" -f S16_LE -r 44100 -c 2 -d $SECS /tmp/rec.wav > /tmp/rec.out 2>&1 &
	app=$!
	sleep 1.5
	shadowctl inject "$drv" null --function "$(driver_entry "$drv" irq)"
	wait $app; rc=$?
	wait_recovered "$drv" 1
	tap_ok $([ "$(cat $S/recoveries)" = 1 ] && echo 1 || echo 0) \
		"$drv: fault in the interrupt handler contained, restarted ($(cat $S/last_recovery/total_us) us)"
	tap_ok $([ $rc = 0 ] && [ ! -s /tmp/rec.out ] && echo 1 || echo 0) \
		"$drv: arecord recorded on with no error (exit $rc$(head -c 200 /tmp/rec.out | tr '\n' ' '))"
	got=$(wc -c < /tmp/rec.wav)
	tap_ok $([ "$got" = $BYTES ] && echo 1 || echo 0) \
		"$drv: exactly $SECS s of frames ($got bytes, want $BYTES)"
done
tap_done
