#!/bin/sh
# vm: --sound ac97
# timeout: 600
# SPDX-License-Identifier: GPL-2.0
#
# In-place switch leaks (snd_intel8x0 under a playing mpg123): enable
# shadow on the running driver (in place), record the tracked objects per
# type and the kernel's slab and vmalloc usage, run 20 cycles of shadowctl
# disable and enable shadow, both in place, while one mpg123 plays through
# all of them, and check that mpg123 exits 0 with no error, the card stays
# the same, the driver holds what it held before and that slab and vmalloc
# usage did not grow beyond measurement noise (tests/lib_leak.sh). Then
# unload the driver and every project module; the kernel log stays quiet.
DRIVER=snd_intel8x0
. /opt/shadowdrv/tests/lib.sh
S=/sys/kernel/shadow/$DRIVER
SONG=/opt/shadowdrv/media/tone.mp3	# 4 s
CYCLES=20

quiesce() { :; }
. /opt/shadowdrv/tests/lib_leak.sh

tap_plan $((CYCLES + 11))
modprobe "$DRIVER" || exit 1
shadowdrv-sound wait || { echo "# no sound card"; exit 1; }
card=$(shadowdrv-sound card)
cards=$(cat /proc/asound/cards)
modprobe shadow_sound || exit 1
tap_cmd "shadowctl enable $DRIVER shadow (in place)" shadowctl enable $DRIVER shadow
leak_base

# one player through every cycle (a cycle takes about a second)
timeout 120 mpg123 -q -o alsa -a "plughw:$card,0" --loop $((CYCLES / 2 + 2)) "$SONG" \
	> /tmp/mpg123.out 2>&1 &
pid=$!
sleep 1
for c in $(seq $CYCLES); do
	ok=0
	if shadowctl disable $DRIVER && [ "$(cat /proc/asound/cards)" = "$cards" ] &&
	    shadowctl enable $DRIVER shadow &&
	    [ "$(cat $S/last_switch/method) $(cat $S/mode)" = "in-place shadow" ]; then
		ok=1
	fi
	tap_ok $ok "cycle $c: native and shadowed again in place, the same card; last switch $(cat $S/last_switch/total_us 2> /dev/null) us"
done
wait $pid; rc=$?
tap_ok $([ $rc = 0 ] && [ ! -s /tmp/mpg123.out ] && echo 1 || echo 0) \
	"mpg123 played through the $CYCLES cycles: exit $rc $(head -c 200 /tmp/mpg123.out | tr '\n' ' ')"
settle
snapshot "after the cycles"
tap_ok $([ "$(cat $S/failures)" = 0 ] && [ "$(cat $S/recoveries)" = 0 ] && echo 1 || echo 0) \
	"no failure, no recovery counted (failures $(cat $S/failures))"
leak_check $CYCLES
tap_cmd "rmmod $DRIVER while shadowed" rmmod $DRIVER
tap_cmd "shadowctl unload" shadowctl unload
quiet "cycles"
tap_done
