#!/bin/sh
# vm: --sound hda
# timeout: 300
# allow-dmesg: kernel BUG at .*inject\.c
# Isolate mode on snd_hda_intel: every fault kind in its interrupt handler (the one
# entry the sound class protects so far) is contained in hardirq context,
# the driver restarted as a new card that plays (tests/lib_faults.sh).
DRIVER=snd_hda_intel
. /opt/shadowdrv/tests/lib_faults.sh
