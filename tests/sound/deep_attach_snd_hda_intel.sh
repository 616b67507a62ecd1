#!/bin/sh
# vm: --sound hda
# timeout: 300
# snd_hda_intel isolated and shadowed in place while mpg123 plays, crashes
# recovered, back to native in place (tests/sound/lib_attach.sh). Its
# codec's timers and work set up natively run unprotected until the first
# restart.
DRIVER=snd_hda_intel
MIXER2=Capture	# the generic codec's controls: Master and Capture
. /opt/shadowdrv/tests/sound/lib_attach.sh
