#!/bin/sh
# vm: --net e1000
# timeout: 120
# SPDX-License-Identifier: GPL-2.0
# A vlan stacked on e1000 survives a crash of the driver
# (tests/net/lib_stack.sh).
DRIVER=e1000 STACK=vlan
. /opt/shadowdrv/tests/net/lib_stack.sh
