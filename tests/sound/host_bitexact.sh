#!/bin/bash
# timeout: 400
# SPDX-License-Identifier: GPL-2.0
#
# Bit-exact playback through a crash, per sound driver in shadow mode: the
# guest plays 4 s of frames whose samples count (tools/guest/sndcount) at
# the device's own rate and format, so that QEMU passes them unchanged,
# while the driver's interrupt handler crashes; QEMU's wav backend records
# what the device played, read through a FIFO (the backend starts its
# file anew each time the device opens its voice, as a restart does).
# The capture must hold every frame in order and unaltered: a gap (frames
# the recovery lost) is reported and bounded, a frame played twice fails
# the test beyond a bound per device:
#   - snd_hda_intel: 48 frames, one tick of QEMU's HDA transfer timer
#     (1 ms at 48 kHz): QEMU's HDA moves its DMA position with its clock,
#     but in steps of that timer, so the shadow's estimate of what played
#     past ALSA's last position, from the time since, can be behind the
#     frames fetched by up to one step (CI under load repeated 41);
#   - snd_ens1370: 441 frames, one period of QEMU's audio timer at 44.1 kHz:
#     QEMU's ES1370 fetches frames when the audio backend asks, a timer
#     period's worth at a time, so the position at the fault is ahead of
#     the time estimate by up to that much or behind it (a gap);
#   - snd_intel8x0: 4800 frames: its emulated DMA engine plays on from its
#     old position between the restart's re-enabling of bus mastering and
#     the probe's engine reset (no function reset on QEMU's AC97).
set -uo pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
SNDCOUNT=$TOP/build/guest/tools/guest/sndcount
tmp=$(mktemp -d)
reader=
cleanup() {
	[ -z "$reader" ] || { touch "$tmp/stop"; kill "$reader" 2> /dev/null; }
	rm -rf "$tmp"
}
trap cleanup EXIT
fail=0
n=0
MAX_GAP_MS=20

# the guest side: shadow mode, 4 s of counted frames, a crash at the
# driver's third interrupt 1.5 s in
cat > "$tmp/play.sh" << 'GUEST'
. /opt/shadowdrv/bin/lib-drivers.sh
drv=$1 rate=$2
modprobe shadow_sound && shadowctl enable "$drv" shadow --force && modprobe "$drv" &&
	shadowdrv-sound wait "$drv" || exit 1
# unity gain, unmuted (HDA's codec scales and mutes in QEMU's mixer)
amixer -q -c 0 sset Master 100% unmute 2> /dev/null
sndcount gen $((rate * 4)) |
	aplay -q -D hw:0,0 -t raw -f S16_LE -r "$rate" -c 2 > /tmp/aplay.out 2>&1 &
app=$!
sleep 1.5
shadowctl inject "$drv" null --function "$(driver_entry "$drv" irq)" --after 3
wait $app
echo "aplay=$? recoveries=$(cat /sys/kernel/shadow/$drv/recoveries) $(head -c 200 /tmp/aplay.out)"
GUEST

# DRIVER SOUND RATE MAX_DUP_FRAMES
check_driver() {
	local drv=$1 snd=$2 rate=$3 maxdup=$4 fifo=$tmp/$1.fifo out=$tmp/$1.raw
	local res guest gap_ms
	rm -f "$tmp/stop"
	mkfifo "$fifo"
	( while [ ! -e "$tmp/stop" ]; do cat "$fifo"; done > "$out" ) &
	reader=$!
	guest=$("$TOP/tools/vm" --sound "$snd" --wav "$fifo" --share "$tmp" \
		--timeout 120 --log "$TOP/build/logs/host_bitexact-$drv.console.log" \
		-- sh /mnt/host/play.sh "$drv" "$rate" 2> /dev/null | tail -n 1)
	touch "$tmp/stop"
	timeout 5 sh -c ": > '$fifo'"
	wait "$reader"
	reader=
	res=$("$SNDCOUNT" check "$out" $((rate * 4)))
	echo "# $drv: guest: $guest"
	echo "# $drv: capture: $res"
	n=$((n + 1))
	if [ "$guest" != "aplay=0 recoveries=1 " ]; then
		echo "not ok $n - $drv: aplay played through one recovery"; fail=1
	else
		echo "ok $n - $drv: aplay played through one recovery"
	fi
	eval "$(echo "$res" | tr ' ' '\n' | sed -n 's/^\([a-z_]*\)=\([0-9]*\)$/c_\1=\2/p')"
	gap_ms=$(( ${c_max_gap:-999999} * 1000 / rate ))
	n=$((n + 1))
	if [ "${c_altered:-1}" = 0 ] && [ "${c_dups:-1}" -le "$maxdup" ] &&
	   [ "$gap_ms" -le $MAX_GAP_MS ] &&
	   [ "${c_frames:-0}" -ge $((rate * 4 - ${c_missing:-0})) ]; then
		echo "ok $n - $drv: every frame in order, unaltered; gap ${c_max_gap} frames (${gap_ms} ms), ${c_dups} played twice (at most $maxdup)"
	else
		echo "not ok $n - $drv: frames in order, unaltered, gap <= $MAX_GAP_MS ms, at most $maxdup played twice"; fail=1
	fi
	unset c_frames c_gaps c_missing c_max_gap c_dups c_altered c_pause
}

echo "1..6"
check_driver snd_ens1370 es1370 44100 441
check_driver snd_hda_intel hda 48000 48
check_driver snd_intel8x0 ac97 48000 4800
exit $fail
