#!/bin/sh
# vm: --net e1000
# timeout: 120
# An interrupt storm is a failure too: with the storm threshold lowered
# below e1000's interrupt rate under a fast ping, nooks fails the domain,
# restarts the driver, and the interface carries traffic again.
. /opt/shadowdrv/tests/lib.sh
P=/sys/module/nooks/parameters/storm_limit
S=/sys/kernel/shadow/e1000
tap_plan 4
modprobe nooks
shadowctl enable e1000 isolate
shadowdrv-net dut > /dev/null
limit=$(cat $P)
echo 20 > $P
ping -c 200 -i 0.002 -W 1 192.0.2.2 > /dev/null 2>&1
tap_cmd "storm detected, driver restarted" wait_recovered e1000 1
echo "$limit" > $P
echo "# last_fault: $(cat $S/last_fault)"
tap_cmd "the failure is an interrupt storm" grep -q '^storm' $S/last_fault
tap_cmd "traffic flows again" shadowdrv-net dut
tap_ok $([ "$(cat $S/failures)" = 1 ] && echo 1 || echo 0) "one failure"
tap_done
