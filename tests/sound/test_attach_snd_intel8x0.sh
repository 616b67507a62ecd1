#!/bin/sh
# vm: --sound ac97
# timeout: 300
# snd_intel8x0 isolated and shadowed in place while mpg123 plays, crashes
# recovered, back to native in place (tests/sound/lib_attach.sh).
DRIVER=snd_intel8x0
. /opt/shadowdrv/tests/sound/lib_attach.sh
