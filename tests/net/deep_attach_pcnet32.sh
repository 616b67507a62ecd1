#!/bin/sh
# vm: --net pcnet
# timeout: 240
# SPDX-License-Identifier: GPL-2.0
# Shadowing switched on and off under a busy pcnet32 NIC: the same net
# device, configuration and connections throughout
# (tests/net/lib_attach.sh).
DRIVER=pcnet32
. /opt/shadowdrv/tests/net/lib_attach.sh
