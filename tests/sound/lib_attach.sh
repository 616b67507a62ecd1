# SPDX-License-Identifier: GPL-2.0
# Shared body of the sound in-place switch tests (test_attach_snd_*.sh,
# deep_attach_snd_*.sh): enabling a sound driver's isolation while mpg123
# plays on it takes it over in place (classes/sound/adopt.c): no unbind,
# the same card, no error, and from then on its crashes are recovered:
#   - the driver loaded natively, the mixer set (Master 40%, MIXER2 70%),
#     mpg123 playing: "switch" reads in-place and `shadowctl enable
#     DRIVER shadow` needs no --force; last_switch says in-place, ok
#   - the card is a tracked object; a natively requested interrupt that
#     the driver frees itself an adopted one the tracker frees
#     (irq_adopted; ADOPTED_IRQS, default 1; 0 for a device-managed one)
#   - a crash in the adopted interrupt handler and one in the pointer op
#     are recovered under the same mpg123, which plays on with no error
#     and in time; the mixer values set before the switch (read at the
#     switch, never written since) are replayed
#   - same card, same /dev/snd nodes
#   - under a second mpg123: disabled in place (no --force), then enable
#     isolate, switch to shadow, disable, twice more: all in place, mpg123
#     exits 0 with no error; the kernel log is quiet; unloaded
#   - isolated from its load, then disabled in place under mpg123: no
#     error; unloaded with every project module
# The caller sets DRIVER (and MIXER2 when the card has no PCM control).
. /opt/shadowdrv/tests/lib.sh
S=/sys/kernel/shadow/$DRIVER
MIXER2=${MIXER2:-PCM}
SONG=/opt/shadowdrv/media/tone.mp3	# 4 s
LATE=1.5	# how much longer than the song a play may take (per gap)
tap_plan 18

modprobe "$DRIVER" || exit 1
shadowdrv-sound wait || { echo "# no sound card"; exit 1; }
card=$(shadowdrv-sound card)
mixer() { amixer -c "$card" sget "$1" | sed -n 's/.* [0-9]* \[\([0-9]*%\)\].*/\1/p' | head -n 1; }
amixer -q -c "$card" sset Master 40% && amixer -q -c "$card" sset "$MIXER2" 70% ||
	{ echo "# cannot set Master and $MIXER2"; exit 1; }
master=$(mixer Master) pcm=$(mixer "$MIXER2")
cards=$(cat /proc/asound/cards)
nodes=$(ls -l /dev/snd | awk '{ print $5 $6, $NF }')
modprobe nooks_sound && modprobe shadow_sound || exit 1
echo "$DRIVER" > /sys/kernel/shadow/add || exit 1
tap_ok $([ "$(cat $S/switch)" = in-place ] && echo 1 || echo 0) \
	"a natively running $DRIVER can be isolated in place (switch: $(cat $S/switch))"

# play LOOPS: mpg123 in the background, its start time in t0
play() {
	t0=$(cut -d' ' -f1 /proc/uptime)
	timeout 90 mpg123 -q -o alsa -a "plughw:$card,0" --loop "$1" "$SONG" \
		> /tmp/mpg123.out 2>&1 &
	pid=$!
}
# played LOOPS GAPS WHAT: wait for mpg123 and check it
played() {
	wait "$pid"; _rc=$?
	_took=$(awk "BEGIN { print $(cut -d' ' -f1 /proc/uptime) - $t0 }")
	tap_ok $([ $_rc = 0 ] && [ ! -s /tmp/mpg123.out ] &&
		awk "BEGIN { exit !($_took <= 4 * $1 + $LATE * $2) }" && echo 1 || echo 0) \
		"$3: mpg123 played $((4 * $1)) s in $_took s, exit $_rc$(head -c 200 /tmp/mpg123.out | tr '\n' ' ')"
}

play 4
sleep 1.5
shadowctl enable "$DRIVER" shadow > /tmp/enable.out 2>&1; rc=$?
tap_ok $([ $rc = 0 ] && [ "$(cat $S/mode)" = shadow ] && echo 1 || echo 0) \
	"shadowctl enable $DRIVER shadow while playing, no --force: exit $rc $(head -c 200 /tmp/enable.out)"
tap_ok $([ "$(cat $S/last_switch/method)" = in-place ] && [ "$(cat $S/last_switch/ok)" = 1 ] &&
	echo 1 || echo 0) \
	"last_switch: $(cat $S/last_switch/method), ok $(cat $S/last_switch/ok), bound in $(cat $S/last_switch/remove_us) us while running, then a pause of $(( $(cat $S/last_switch/stop_us) + $(cat $S/last_switch/probe_us) + $(cat $S/last_switch/replay_us) )) us (rest $(cat $S/last_switch/stop_us), adopt $(cat $S/last_switch/probe_us), release $(cat $S/last_switch/replay_us)), total $(cat $S/last_switch/total_us) us"
objs=$(awk '$1 ~ /^(snd_card|irq)/ { printf "%s %s ", $1, $2 }' "/sys/kernel/debug/shadow/$DRIVER/objects")
# an interrupt the driver frees itself is tracked, a device-managed one not
tap_ok $(echo "$objs" | grep -Eq "snd_card(_devm)? 1" &&
	echo "$objs" | grep -q "irq_adopted ${ADOPTED_IRQS:-1}" && echo 1 || echo 0) \
	"the card is tracked, ${ADOPTED_IRQS:-1} adopted interrupt ($objs)"

sleep 1
shadowctl inject "$DRIVER" null --function "$(driver_entry $DRIVER irq)" --after 20 || exit 1
wait_recovered "$DRIVER" 1
sleep 1
shadowctl inject "$DRIVER" null --function "$(driver_entry $DRIVER pointer)" --after 40 || exit 1
wait_recovered "$DRIVER" 2
tap_ok $([ "$(cat $S/failures)" = 2 ] && [ "$(cat $S/recoveries)" = 2 ] && echo 1 || echo 0) \
	"faults in the adopted interrupt handler and in pointer contained and recovered ($(cat $S/failures) failures, $(cat $S/recoveries) recoveries)"
played 4 2 "through the switch and both crashes"
tap_ok $([ "$(mixer Master)" = "$master" ] && [ "$(mixer "$MIXER2")" = "$pcm" ] && echo 1 || echo 0) \
	"mixer settings from before the switch replayed (Master $(mixer Master), $MIXER2 $(mixer "$MIXER2"); set $master, $pcm)"
tap_ok $([ "$(cat /proc/asound/cards)" = "$cards" ] &&
	[ "$(ls -l /dev/snd | awk '{ print $5 $6, $NF }')" = "$nodes" ] && echo 1 || echo 0) \
	"same card, same /dev/snd nodes: $(echo "$cards" | head -n 1)"

# back to native in place while playing, then around the modes again
play 4
sleep 1.5
shadowctl disable "$DRIVER" > /tmp/disable.out 2>&1; rc=$?
tap_ok $([ $rc = 0 ] && [ ! -d "$S" ] && echo 1 || echo 0) \
	"shadowctl disable $DRIVER while playing, no --force: exit $rc $(head -c 200 /tmp/disable.out)"
tap_ok $(dmesg | grep -q "$DRIVER: native in place, devices kept" && echo 1 || echo 0) \
	"the kernel log says the driver went native in place"
ok=1
for i in 1 2; do
	shadowctl enable "$DRIVER" isolate > /dev/null 2>&1 || ok=0
	[ "$(cat $S/last_switch/method 2> /dev/null)" = in-place ] || ok=0
	shadowctl enable "$DRIVER" shadow > /dev/null 2>&1 || ok=0
	[ "$(cat $S/mode 2> /dev/null)" = shadow ] || ok=0
	shadowctl disable "$DRIVER" > /dev/null 2>&1 || ok=0
done
tap_ok $ok "2 more enable (isolate), shadow, disable rounds in place while playing"
played 4 1 "through the switches"
tap_ok $([ "$(cat /proc/asound/cards)" = "$cards" ] && [ "$(mixer Master)" = "$master" ] &&
	echo 1 || echo 0) "same card, mixer as set"
quiet "attach"
rmmod "$DRIVER"; rc=$?
tap_ok $([ $rc = 0 ] && echo 1 || echo 0) "unloaded after the in-place switches: exit $rc"

# a driver isolated from its load (interrupt through the wrappers) goes
# native in place as well
shadowctl enable "$DRIVER" shadow && modprobe "$DRIVER" || exit 1
shadowdrv-sound wait || { echo "# no sound card"; exit 1; }
card=$(shadowdrv-sound card)
play 2
sleep 1.5
shadowctl disable "$DRIVER" > /tmp/disable.out 2>&1; rc=$?
tap_ok $([ $rc = 0 ] && echo 1 || echo 0) \
	"isolated from its load, disabled in place while playing: exit $rc $(head -c 200 /tmp/disable.out)"
played 2 1 "through the disable"
{ rmmod "$DRIVER" && shadowctl unload; } > /tmp/unload.out 2>&1; rc=$?
sed 's/^/# unload: /' /tmp/unload.out
left=$(grep -E "^($DRIVER|nooks[a-z_]*|shadow[a-z_]*) " /proc/modules | cut -d' ' -f1 | tr '\n' ' ')
tap_ok $([ $rc = 0 ] && [ -z "$left" ] && echo 1 || echo 0) \
	"driver and project modules unloaded (exit $rc; left: ${left:-none})"
tap_done
