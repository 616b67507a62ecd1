#!/bin/sh
# vm: --sound hda
# timeout: 180
# Shadow mode on snd_hda_intel (its controller code in snd_hda_codec and
# snd_hda_core, and the generic codec driver, in its domain): mpg123
# plays through three driver crashes (interrupt handler, trigger,
# pointer) with no error; the card, its devices and its mixer settings
# stay (tests/sound/lib_survive.sh). The re-probe is asynchronous (probe
# work, codec binding): each recovery waits for the card to be
# registered again.
DRIVER=snd_hda_intel
MIXER2=Capture	# the generic codec's controls: Master and Capture
. /opt/shadowdrv/tests/sound/lib_survive.sh
