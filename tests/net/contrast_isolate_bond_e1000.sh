#!/bin/sh
# vm: --net e1000
# timeout: 120
# SPDX-License-Identifier: GPL-2.0
# Contrast (make contrast): test_bond_e1000.sh's crash under Nooks restart
# (isolate mode): contained, the kernel survives; what the bond and the
# applications on it see is reported, not asserted (tests/net/lib_stack.sh).
DRIVER=e1000 STACK=bond MODE=isolate BOND_DOWNDELAY=3000
. /opt/shadowdrv/tests/net/lib_stack.sh
