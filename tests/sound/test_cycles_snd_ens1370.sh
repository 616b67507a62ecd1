#!/bin/sh
# vm: --sound es1370
# timeout: 400
# allow-dmesg: kernel BUG at .*inject\.c
# SPDX-License-Identifier: GPL-2.0
#
# Shadow mode on snd_ens1370, over and over: 20 fault-and-restart cycles under
# aplay, a leak check, and unloading in every state
# (tests/sound/lib_cycles.sh).
DRIVER=snd_ens1370
. /opt/shadowdrv/tests/sound/lib_cycles.sh
