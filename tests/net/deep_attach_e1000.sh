#!/bin/sh
# vm: --net e1000
# timeout: 240
# SPDX-License-Identifier: GPL-2.0
# Shadowing switched on and off under a busy e1000 NIC: the same net
# device, configuration and connections throughout
# (tests/net/lib_attach.sh).
DRIVER=e1000
. /opt/shadowdrv/tests/net/lib_attach.sh
