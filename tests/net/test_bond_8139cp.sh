#!/bin/sh
# vm: --net rtl8139
# timeout: 120
# SPDX-License-Identifier: GPL-2.0
# A bond stacked on 8139cp survives a crash of the driver
# (tests/net/lib_stack.sh).
DRIVER=8139cp STACK=bond
. /opt/shadowdrv/tests/net/lib_stack.sh
