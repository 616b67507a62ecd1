#!/bin/sh
# vm: --net e1000
# timeout: 120
# SPDX-License-Identifier: GPL-2.0
# Contrast (make contrast): test_macvlan_e1000.sh's crash under Nooks restart
# (isolate mode): contained, the kernel survives; what the macvlan and the
# applications on it see is reported, not asserted (tests/net/lib_stack.sh).
DRIVER=e1000 STACK=macvlan MODE=isolate
. /opt/shadowdrv/tests/net/lib_stack.sh
