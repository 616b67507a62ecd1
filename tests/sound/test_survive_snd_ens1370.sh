#!/bin/sh
# vm: --sound es1370
# timeout: 180
# Shadow mode on snd_ens1370: mpg123 plays through three driver crashes
# (interrupt handler, trigger, pointer) with no error; the card, its
# devices and its mixer settings stay (tests/sound/lib_survive.sh).
DRIVER=snd_ens1370
. /opt/shadowdrv/tests/sound/lib_survive.sh
