#!/bin/sh
# vm: --net pcnet
# timeout: 120
# SPDX-License-Identifier: GPL-2.0
# A VLAN on pcnet32 survives a crash of the driver (tests/net/lib_vlan.sh).
DRIVER=pcnet32
. /opt/shadowdrv/tests/net/lib_vlan.sh
