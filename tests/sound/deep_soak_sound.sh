#!/bin/sh
# vm: --sound ac97,es1370,hda --wav none
# timeout: 900
# SPDX-License-Identifier: GPL-2.0
#
# No false alarm from the sound shadow's progress checks (a running stream
# whose position stands still: shadow_sound stall_ms; a position that
# jumps: the pointer wrapper): the sound drivers the guest loaded,
# shadowed in place and never faulted, for SOAK_S seconds (default 600)
# of what a desktop's cards see, on every card at once: raw-ioctl
# playback paused by the user every 3 s (sndplay), a song through
# plughw (mpg123: alsa-lib's plug, mmap), a song stopped halfway, a
# recording, mixer changes, idle gaps. Not one failure may be detected,
# every program must end well, and the kernel log must stay quiet.
# A driver with the pause-underrun quirk (tools/drivers: snd_intel8x0)
# plays unpaused: on QEMU's AC97 the first write after a pause release
# fails with -EPIPE natively too (sndplay 7 3 on the unshadowed driver:
# an underrun at each release).
. /opt/shadowdrv/tests/lib.sh
. /opt/shadowdrv/tests/sound/lib_cards.sh
SOAK_S=${SOAK_S:-600}
SONG=/opt/shadowdrv/media/tone.mp3	# 4 s

# soak_card DRIVER CARD END: rounds on CARD until uptime END; "rounds=N
# bad=N" and a line per bad program in /tmp/soak.DRIVER
soak_card() {
	_out=/tmp/soak.$1 _rounds=0 _bad=0 _pause=3
	driver_quirk "$1" pause-underrun && _pause=
	: > "$_out.log"
	while [ "$(cut -d. -f1 /proc/uptime)" -lt "$3" ]; do
		_rounds=$((_rounds + 1))
		sndplay "$2" 12 $_pause > /tmp/soak.$1.play 2>&1 ||
			{ _bad=$((_bad + 1)); tr '\n' ' ' < /tmp/soak.$1.play >> "$_out.log"; echo >> "$_out.log"; }
		timeout 30 mpg123 -q -o alsa -a "plughw:$2,0" "$SONG" > /tmp/soak.$1.mp3 2>&1
		[ $? = 0 ] && [ ! -s /tmp/soak.$1.mp3 ] ||
			{ _bad=$((_bad + 1)); echo "mpg123: $(head -c 200 /tmp/soak.$1.mp3)" >> "$_out.log"; }
		timeout -s INT 2 mpg123 -q -o alsa -a "plughw:$2,0" "$SONG" > /dev/null 2>&1
		amixer -q -c "$2" sset Master 40% 2> /dev/null
		timeout 20 arecord -q -D "plughw:$2,0" -f cd -d 3 /tmp/soak.$1.wav 2> /tmp/soak.$1.rec ||
			{ _bad=$((_bad + 1)); echo "arecord: $(head -c 200 /tmp/soak.$1.rec)" >> "$_out.log"; }
		amixer -q -c "$2" sset Master 70% 2> /dev/null
		sleep 10			# idle
	done
	echo "rounds=$_rounds bad=$_bad" > "$_out"
}

modprobe shadow_sound || exit 1
drivers=$(drivers_of_class sound supported)
tap_plan $(($(echo $drivers | wc -w) * 3 + 1))
end=$(($(cut -d. -f1 /proc/uptime) + SOAK_S))
t0=$(cut -d' ' -f1 /proc/uptime)
xrun_watch			# every underrun reported with its caller
pids=
for drv in $drivers; do
	card_shadow "$drv"
	soak_card "$drv" "$card" "$end" &
	pids="$pids $!"
done
wait $pids
xrun_report "$t0"
for drv in $drivers; do
	S=/sys/kernel/shadow/$drv
	rounds=$(sed -n 's/^rounds=\([0-9]*\) .*/\1/p' "/tmp/soak.$drv" 2> /dev/null)
	bad=$(sed -n 's/.* bad=\([0-9]*\)$/\1/p' "/tmp/soak.$drv" 2> /dev/null)
	sed 's/^/# /' "/tmp/soak.$drv.log"
	tap_ok "$([ "${rounds:-0}" -gt 0 ] && [ "$bad" = 0 ] && echo 1 || echo 0)" \
		"$drv: $rounds rounds of paused playback, songs, a stopped song, a recording, mixer changes, idle: all ended well ($bad bad)"
	tap_ok "$([ "$(cat $S/failures)" = 0 ] && [ "$(cat $S/state)" = running ] && echo 1 || echo 0)" \
		"$drv: no failure detected in $SOAK_S s ($(cat $S/failures)), last fault: $(cat $S/last_fault)"
done
quiet "soak"
tap_done
