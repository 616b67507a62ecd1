#!/bin/sh
# vm: --net pcnet
# timeout: 400
# allow-dmesg: kernel BUG at .*inject\.c
# Isolate mode on pcnet32: every fault kind in every context is contained and
# the driver restarted; traffic flows again each time (tests/nooks/lib_isolate.sh;
# the driver's entry functions come from tools/drivers).
DRIVER=pcnet32
. /opt/shadowdrv/tests/nooks/lib_isolate.sh
