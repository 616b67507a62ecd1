#!/bin/sh
# vm: --net e1000
# timeout: 120
# SPDX-License-Identifier: GPL-2.0
# A bond stacked on e1000 survives a crash of the driver
# (tests/net/lib_stack.sh). e1000 reports its link from its watchdog, 2 s
# after every open (a restart's as well as `ip link set eth0 up`): the bond
# rides that out with a downdelay longer than it.
DRIVER=e1000 STACK=bond BOND_DOWNDELAY=3000
. /opt/shadowdrv/tests/net/lib_stack.sh
