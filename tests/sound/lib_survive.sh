# SPDX-License-Identifier: GPL-2.0
# Shared body of the sound survival tests (test_survive_snd_*.sh): an mp3
# player keeps playing, with no error, through three crashes of its sound
# driver in shadow mode:
#   irq      a fault in the interrupt handler (hardirq), mid-song
#   trigger  a fault in the trigger op as the second song starts (process
#            context, under the stream lock)
#   pointer  a fault in the pointer op, mid-song (called from the driver's
#            interrupt, nested in it, and from the player's ioctls)
# and the card stays the same: number, /dev/snd nodes, mixer settings.
# The caller sets DRIVER; the entry functions come from tools/drivers.
. /opt/shadowdrv/tests/lib.sh
S=/sys/kernel/shadow/$DRIVER
SONG=/opt/shadowdrv/media/tone.mp3	# 4 s
LATE=1.5	# how much longer than the song a play may take (the gap)

modprobe shadow_sound || exit 1
shadowctl enable "$DRIVER" shadow --force || exit 1
modprobe "$DRIVER" || exit 1
shadowdrv-sound wait || { echo "# no sound card"; exit 1; }
card=$(shadowdrv-sound card)
tap_plan 18

# mixer settings the shadow must carry across the restarts: two controls
# (MIXER2: PCM, or what the card has instead, e.g. HDA's Capture)
MIXER2=${MIXER2:-PCM}
mixer() { amixer -c "$card" sget "$1" | sed -n 's/.* [0-9]* \[\([0-9]*%\)\].*/\1/p' | head -n 1; }
amixer -q -c "$card" sset Master 40% && amixer -q -c "$card" sset "$MIXER2" 70% ||
	{ echo "# cannot set Master and $MIXER2"; exit 1; }
master=$(mixer Master) pcm=$(mixer "$MIXER2")
[ -n "$master" ] && [ -n "$pcm" ] ||
	{ echo "# mixer reads Master '$master', $MIXER2 '$pcm' after setting 40%, 70%"; exit 1; }
cards=$(cat /proc/asound/cards)
nodes=$(ls -l /dev/snd | awk '{ print $5 $6, $NF }')

# play LOOPS FAULT FUNCTION AFTER: play the song LOOPS times while FAULT
# is injected in FUNCTION on its call AFTER + 1; check mpg123's outcome
n=0
play() {
	_loops=$1 _fn=$(driver_entry "$DRIVER" "$2")
	n=$((n + 1))
	[ -n "$_fn" ] || { echo "# $DRIVER: no $2 function in tools/drivers"; exit 1; }
	[ "$2" = trigger ] && shadowctl inject "$DRIVER" null --function "$_fn" --after "$3"
	_t0=$(cut -d' ' -f1 /proc/uptime)
	timeout 60 mpg123 -q -o alsa -a "plughw:$card,0" --loop "$_loops" "$SONG" \
		> /tmp/mpg123.out 2>&1 &
	_pid=$!
	if [ "$2" != trigger ]; then
		sleep 1.5
		shadowctl inject "$DRIVER" null --function "$_fn" --after "$3"
	fi
	wait "$_pid"; _rc=$?
	_t1=$(cut -d' ' -f1 /proc/uptime)
	_len=$((4 * _loops))
	_took=$(awk "BEGIN { print $_t1 - $_t0 }")
	wait_recovered "$DRIVER" "$n"
	tap_ok $([ "$(cat $S/failures)" = $n ] && [ "$(cat $S/recoveries)" = $n ] && echo 1 || echo 0) \
		"$2: fault contained, driver restarted ($(cat $S/last_recovery/total_us) us)"
	tap_ok $([ $_rc = 0 ] && [ ! -s /tmp/mpg123.out ] && echo 1 || echo 0) \
		"$2: mpg123 played on with no error (exit $_rc$(head -c 200 /tmp/mpg123.out | tr '\n' ' '))"
	tap_ok $(awk "BEGIN { exit !($_took <= $_len + $LATE) }" && echo 1 || echo 0) \
		"$2: the ${_len} s song took ${_took} s"
	echo "# $2: $(cat $S/last_fault)"
	tap_ok $([ "$(cat $S/shadow_state)" = passive ] && echo 1 || echo 0) "$2: shadow back to passive"
}

play 2 irq 20
play 1 trigger 0
play 2 pointer 40

tap_ok $([ "$(cat /proc/asound/cards)" = "$cards" ] && echo 1 || echo 0) "same card: $(echo "$cards" | head -n 1)"
tap_ok $([ "$(ls -l /dev/snd | awk '{ print $5 $6, $NF }')" = "$nodes" ] && echo 1 || echo 0) "same /dev/snd nodes"
tap_ok $([ "$(mixer Master)" = "$master" ] && [ "$(mixer "$MIXER2")" = "$pcm" ] && echo 1 || echo 0) \
	"mixer settings replayed (Master $(mixer Master), $MIXER2 $(mixer "$MIXER2"); set $master, $pcm)"
quiet "three recoveries"
timeout 20 mpg123 -q -o alsa -a "plughw:$card,0" "$SONG" > /tmp/mpg123.out 2>&1
tap_ok $([ $? = 0 ] && [ ! -s /tmp/mpg123.out ] && echo 1 || echo 0) "a song after the recoveries plays"
{ shadowctl disable "$DRIVER" --force && rmmod "$DRIVER" && shadowctl unload; } > /tmp/unload.out 2>&1
_rc=$?
sed 's/^/# unload: /' /tmp/unload.out
_left=$(grep -E "^($DRIVER|nooks[a-z_]*|shadow[a-z_]*) " /proc/modules | cut -d' ' -f1 | tr '\n' ' ')
tap_ok $([ $_rc = 0 ] && [ -z "$_left" ] && echo 1 || echo 0) \
	"driver and project modules unloaded (exit $_rc; left: ${_left:-none})"
tap_done
