#!/bin/sh
# vm: --sound ac97,es1370 --wav none
# timeout: 180
# SPDX-License-Identifier: GPL-2.0
#
# Shadow mode, capture: arecord records 4 s from each card (QEMU's silent
# capture source: tools/vm --wav none) while its driver crashes in the
# interrupt handler; arecord must exit 0 with no message and exactly 4 s
# of frames, and the driver must be restarted once.
. /opt/shadowdrv/tests/lib.sh
SECS=4
BYTES=$((44 + SECS * 44100 * 4))	# wav header + 16 bit stereo frames

card_of() { sed -n "s/^ *\([0-9][0-9]*\) \[.*$1.*/\1/p" /proc/asound/cards | head -n 1; }

modprobe nooks_swifi && modprobe shadow_sound || exit 1
tap_plan 8
for v in snd_intel8x0:ICH snd_ens1370:ENS1370; do
	drv=${v%%:*} name=${v##*:}
	S=/sys/kernel/shadow/$drv
	shadowctl enable "$drv" shadow && modprobe "$drv" && wait_for 10 sh -c "[ -n \"\$(sed -n '/$name/p' /proc/asound/cards)\" ]"
	card=$(card_of "$name")
	tap_ok $([ -n "$card" ] && echo 1 || echo 0) "$drv: card ${card:-none} in shadow mode"
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
