#!/bin/sh
# vm: --net rtl8139
# timeout: 180
# Shadow mode on 8139cp: five network applications survive a driver crash
# without noticing (tests/net/lib_survive.sh).
DRIVER=8139cp MODE=shadow
. /opt/shadowdrv/tests/net/lib_survive.sh
