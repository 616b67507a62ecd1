#!/bin/sh
# vm: --sound hda
# timeout: 400
# allow-dmesg: kernel BUG at .*inject\.c
# SPDX-License-Identifier: GPL-2.0
#
# Shadow mode on snd_hda_intel, over and over: 20 fault-and-restart cycles under
# aplay, a leak check, and unloading in every state
# (tests/sound/lib_cycles.sh). Its re-probe is
# asynchronous: each cycle also proves the recovery waits for it.
DRIVER=snd_hda_intel
. /opt/shadowdrv/tests/sound/lib_cycles.sh
