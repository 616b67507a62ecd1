#!/bin/sh
# vm: --net e1000
# timeout: 400
# allow-dmesg: kernel BUG at .*inject\.c
# Isolate mode on e1000: every fault kind in every context is contained and
# the driver restarted; traffic flows again each time (tests/nooks/lib_isolate.sh).
DRIVER=e1000 F_OPEN=e1000_open F_INFO=e1000_get_drvinfo F_RXMODE=e1000_set_rx_mode F_POLL=e1000_clean F_IRQ=e1000_intr
. /opt/shadowdrv/tests/nooks/lib_isolate.sh
