#!/bin/sh
# vm: --net pcnet
# timeout: 120
# SPDX-License-Identifier: GPL-2.0
# A bond stacked on pcnet32 survives a crash of the driver
# (tests/net/lib_stack.sh).
DRIVER=pcnet32 STACK=bond
. /opt/shadowdrv/tests/net/lib_stack.sh
