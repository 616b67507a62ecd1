#!/bin/sh
# vm: --net rtl8139
# timeout: 400
# allow-dmesg: kernel BUG at .*inject\.c
# Isolate mode on 8139cp: every fault kind in every context is contained and
# the driver restarted; traffic flows again each time (tests/nooks/lib_isolate.sh;
# the driver's entry functions come from tools/drivers).
DRIVER=8139cp
. /opt/shadowdrv/tests/nooks/lib_isolate.sh
