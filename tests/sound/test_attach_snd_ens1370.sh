#!/bin/sh
# vm: --sound es1370
# timeout: 300
# snd_ens1370 isolated and shadowed in place while mpg123 plays, crashes
# recovered, back to native in place (tests/sound/lib_attach.sh); its
# interrupt is device-managed: adopted, not tracked.
DRIVER=snd_ens1370
ADOPTED_IRQS=0
. /opt/shadowdrv/tests/sound/lib_attach.sh
