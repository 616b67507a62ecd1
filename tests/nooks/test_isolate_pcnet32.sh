#!/bin/sh
# vm: --net pcnet
# timeout: 400
# allow-dmesg: kernel BUG at .*inject\.c
# Isolate mode on pcnet32: every fault kind in every context is contained and
# the driver restarted; traffic flows again each time (tests/nooks/lib_isolate.sh).
DRIVER=pcnet32 F_OPEN=pcnet32_open F_INFO=pcnet32_get_drvinfo F_RXMODE=pcnet32_set_multicast_list F_POLL=pcnet32_poll F_IRQ=pcnet32_interrupt
. /opt/shadowdrv/tests/nooks/lib_isolate.sh
