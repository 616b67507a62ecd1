#!/bin/sh
# vm: --sound ac97
# timeout: 300
# SPDX-License-Identifier: GPL-2.0
#
# Group domains (issue 11): snd_intel8x0's domain covers the codec library
# it hands its mixer to, snd_ac97_codec (the sound class names it a helper,
# the module dependency graph finds it). The library's mixer controls call
# the driver's codec accessors: a fault in the library under a mixer write
# is contained and counted as the driver's, the card comes back, and the
# library's own kernel calls are interposed (its call sites are bound).
# A function outside the domain cannot be faulted. A helper that also
# serves another loaded driver (snd_intel8x0m) is left out of the domain,
# with a message, and the driver is still isolated.
. /opt/shadowdrv/tests/lib.sh
. /opt/shadowdrv/tests/sound/lib_class.sh	# card, has_card, play, mixer
SYS=/sys/kernel/shadow
S=$SYS/snd_intel8x0
DRIVER=snd_intel8x0
FUNC=snd_ac97_put_volsw

tap_plan 15

modprobe -r snd_intel8x0
tap_cmd "shadowctl enable snd_intel8x0 isolate" shadowctl enable snd_intel8x0 isolate
tap_cmd "snd_intel8x0 loads isolated and plays" class_start
members=$(cat $S/members)
echo "# members: $members"
tap_ok $([ "$members" = "snd_intel8x0 snd_ac97_codec" ] && echo 1 || echo 0) \
	"the domain covers snd_intel8x0 and snd_ac97_codec"
st=$(shadowctl status snd_intel8x0 | tail -n 1)
echo "# $st"
tap_ok $(echo "$st" | awk '$8 == "snd_ac97_codec" { ok = 1 } END { print ok + 0 }') \
	"shadowctl status lists the helper"
sites=$(dmesg | sed -n 's/.*snd_ac97_codec: bound \([0-9]*\) sites.*/\1/p' | tail -n 1)
tap_ok $([ "${sites:-0}" -gt 0 ] && echo 1 || echo 0) \
	"snd_ac97_codec's call sites are bound (${sites:-0})"
tap_cmd "the isolated mixer works" mixer 70%

tap_ok $(shadowctl inject snd_intel8x0 null --function snd_pcm_period_elapsed \
	2> /dev/null && echo 0 || echo 1) \
	"a function outside the domain (snd_pcm_period_elapsed) cannot be faulted"

# ------------------------------------------------- a fault in the helper
before=$(cat $S/failures)
shadowctl inject snd_intel8x0 null --function $FUNC
tap_ok $(mixer 40% 2> /dev/null && echo 0 || echo 1) \
	"the mixer write that faults in $FUNC gets an error"
wait_recovered snd_intel8x0 1 && ok=1 || ok=0
fault=$(cat $S/last_fault)
echo "# last_fault: $fault"
tap_ok $ok "the fault in snd_ac97_codec is contained and snd_intel8x0 restarted"
case $fault in
*put*process*) ok=1 ;;
*) ok=0 ;;
esac
tap_ok $([ $ok = 1 ] && [ "$(cat $S/failures)" = $((before + 1)) ] && echo 1 || echo 0) \
	"counted as snd_intel8x0's failure, in the control's put (process context)"
tap_cmd "the restarted card plays and its mixer works" class_works
quiet "helper fault"

# ---------------------------------------------- a helper shared elsewhere
modprobe snd_intel8x0m
shadowctl disable snd_intel8x0 --force
dmesg -c > /dev/null
tap_cmd "isolated again while snd_intel8x0m uses snd_ac97_codec" \
	shadowctl enable snd_intel8x0 isolate --force
members=$(cat $S/members)
echo "# members: $members; $(dmesg | grep 'also serves')"
tap_ok $([ "$members" = snd_intel8x0 ] &&
	dmesg | grep -q 'snd_ac97_codec also serves snd_intel8x0m' &&
	echo 1 || echo 0) \
	"snd_ac97_codec is left out, with a message"
tap_cmd "the driver still plays" class_works
shadowctl unload
modprobe -r snd_intel8x0m	# the next test in this guest wants the group
tap_done
