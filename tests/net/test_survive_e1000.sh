#!/bin/sh
# vm: --net e1000
# timeout: 180
# Shadow mode on e1000: five network applications survive a driver crash
# without noticing (tests/net/lib_survive.sh).
DRIVER=e1000 MODE=shadow
. /opt/shadowdrv/tests/net/lib_survive.sh
