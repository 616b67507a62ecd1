#!/bin/sh
# vm: --sound ac97
# timeout: 180
# Shadow mode on snd_intel8x0: mpg123 plays through three driver crashes
# (interrupt handler, trigger, pointer) with no error; the card, its
# devices and its mixer settings stay (tests/sound/lib_survive.sh).
DRIVER=snd_intel8x0
. /opt/shadowdrv/tests/sound/lib_survive.sh
