#!/bin/sh
# vm: --net rtl8139
# timeout: 240
# SPDX-License-Identifier: GPL-2.0
# Shadowing switched on and off under a busy 8139cp NIC: the same net
# device, configuration and connections throughout
# (tests/net/lib_attach.sh).
DRIVER=8139cp
. /opt/shadowdrv/tests/net/lib_attach.sh
