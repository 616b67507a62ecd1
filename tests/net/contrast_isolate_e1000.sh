#!/bin/sh
# vm: --net e1000
# timeout: 180
# Contrast (make contrast): the same crash as test_survive_e1000.sh under Nooks restart
# (isolate mode). The fault is contained and the driver restarted, but the
# restarted driver brings up a new device: the applications' fate is
# reported, not asserted (tests/net/lib_survive.sh).
DRIVER=e1000 MODE=isolate
. /opt/shadowdrv/tests/net/lib_survive.sh
