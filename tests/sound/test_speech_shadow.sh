#!/bin/sh
# vm: --sound ac97,es1370,hda
# timeout: 240
# SPDX-License-Identifier: GPL-2.0
#
# Shadow mode, speech: espeak-ng synthesizes about 11 s of English and
# pipes it to aplay (through plughw: 22.05 kHz mono converted for the
# card) on each card, once with no fault and once while the driver
# crashes in the interrupt handler. The crashed run must exit 0, print
# nothing but aplay's "Playing WAVE" line (an underrun would be reported
# there), play about as long as the run with no fault (QEMU's audio
# backends consume a format they were not opened for faster than real
# time, so the run with no fault is the yardstick, not the speech's
# length), and the driver must be restarted once.
. /opt/shadowdrv/tests/lib.sh
. /opt/shadowdrv/tests/sound/lib_cards.sh
TEXT="Shadow drivers keep applications running while the sound driver under
them crashes and restarts. This sentence is said again: shadow drivers keep
applications running while the sound driver under them crashes."

uptime_cs() { cut -d' ' -f1 /proc/uptime | tr -d .; }

# say TAG CARD: the text spoken on CARD; its stderr in /tmp/TAG.err,
# the time it took (ms) in $took, aplay's status in $rc
say() {
	t0=$(uptime_cs)
	{ espeak-ng --stdout "$TEXT" | timeout 60 aplay -D "plughw:$2,0"; } 2> /tmp/$1.err
	rc=$?
	took=$(( ($(uptime_cs) - t0) * 10 ))
}

# nothing on stderr but aplay's announcement of what it plays
quiet_app() {
	! grep -qv "^Playing WAVE 'stdin' : Signed 16 bit Little Endian, Rate 22050 Hz, Mono$" \
		/tmp/$1.err
}

cards_plan 4
for drv in $drivers; do
	card_shadow "$drv"
	say ref "$card"
	ref=$took
	tap_ok $([ $rc = 0 ] && quiet_app ref && echo 1 || echo 0) \
		"$drv: espeak-ng | aplay with no fault: exit $rc in $ref ms $(head -c 200 /tmp/ref.err | tr '\n' ' ')"
	xrun_watch
	(sleep 2; cut -d' ' -f1 /proc/uptime > /tmp/injected
	 shadowctl inject "$drv" null --function "$(driver_entry "$drv" irq)") &
	say crash "$card"
	wait
	xrun_report "$(cat /tmp/injected)"
	wait_recovered "$drv" 1
	tap_ok $([ "$(cat $S/recoveries)" = 1 ] && echo 1 || echo 0) \
		"$drv: fault in the interrupt handler contained, restarted ($(cat $S/last_recovery/total_us) us)"
	tap_ok $([ $rc = 0 ] && quiet_app crash && echo 1 || echo 0) \
		"$drv: espeak-ng | aplay spoke on through the crash with no error (exit $rc) $(head -c 200 /tmp/crash.err | tr '\n' ' ')"
	# not cut short by the crash, nor held up for long
	tap_ok $([ "$took" -ge $((ref * 9 / 10)) ] && [ "$took" -le $((ref + 2000)) ] && echo 1 || echo 0) \
		"$drv: played for $took ms through the crash, $ref ms with no fault"
done
tap_done
