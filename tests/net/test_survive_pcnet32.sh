#!/bin/sh
# vm: --net pcnet
# timeout: 180
# Shadow mode on pcnet32: five network applications survive a driver crash
# without noticing (tests/net/lib_survive.sh).
DRIVER=pcnet32 MODE=shadow
. /opt/shadowdrv/tests/net/lib_survive.sh
