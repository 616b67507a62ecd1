#!/bin/sh
# vm: --net e1000
# timeout: 120
# SPDX-License-Identifier: GPL-2.0
# A bond stacked on e1000 survives a crash of the driver
# (tests/net/lib_stack.sh). e1000 reports its link from its watchdog, 2 s
# after every open (a restart's as well as `ip link set eth0 up`), and its
# carrier is off meanwhile: the bond's MII monitor asks ethtool for the
# link (use_carrier 0), which the shadow answers with the link it holds
# for the kernel through the restart. No downdelay.
DRIVER=e1000 STACK=bond BOND_USE_CARRIER=0
. /opt/shadowdrv/tests/net/lib_stack.sh
