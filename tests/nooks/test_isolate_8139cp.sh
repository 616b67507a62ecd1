#!/bin/sh
# vm: --net rtl8139
# timeout: 400
# allow-dmesg: kernel BUG at .*inject\.c
# Isolate mode on 8139cp: every fault kind in every context is contained and
# the driver restarted; traffic flows again each time (tests/nooks/lib_isolate.sh).
DRIVER=8139cp F_OPEN=cp_open F_INFO=cp_get_drvinfo F_RXMODE=cp_set_rx_mode F_POLL=cp_rx_poll F_IRQ=cp_interrupt
. /opt/shadowdrv/tests/nooks/lib_isolate.sh
