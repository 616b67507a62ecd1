#!/bin/sh
# vm: --net e1000
# timeout: 180
# SPDX-License-Identifier: GPL-2.0
#
# The boot-time policy (shadowctl policy, Documentation/install.rst): a
# bad /etc/shadowdrv/drivers.conf is refused with its line named and
# nothing written; a good one becomes a modprobe install rule, so that
# e1000, loaded by modprobe as udev loads it at boot, is in shadow mode
# from its first instruction (nothing of shadowdrv loaded before); a
# crash right after is recovered; an empty policy removes the rule.
. /opt/shadowdrv/tests/lib.sh
POLICY=/etc/shadowdrv/drivers.conf
RULES=/etc/modprobe.d/shadowdrv.conf
S=/sys/kernel/shadow/e1000
tap_plan 11
mkdir -p /etc/shadowdrv
# later tests in this guest load e1000 as they always do
trap 'rm -f $POLICY $RULES' EXIT

printf '# the NIC\ne1000 shadowed\n' > $POLICY
shadowctl policy apply > /tmp/policy.out 2>&1; rc=$?
tap_ok $([ $rc = 1 ] && grep -q "drivers.conf:2: e1000: mode 'shadowed'" /tmp/policy.out &&
	[ ! -e $RULES ] && echo 1 || echo 0) \
	"a bad mode is refused with its line, nothing written (exit $rc: $(cat /tmp/policy.out))"
printf 'e1000 shadow\nfoo_nic isolate\n' > $POLICY
shadowctl policy apply > /tmp/policy.out 2>&1; rc=$?
tap_ok $([ $rc = 1 ] && grep -q "drivers.conf:2: foo_nic: no shadowdrv class" /tmp/policy.out &&
	[ ! -e $RULES ] && echo 1 || echo 0) \
	"an unknown driver is refused, nothing written (exit $rc: $(cat /tmp/policy.out))"

printf '# shadow the NIC from boot on\ne1000 shadow restart_budget=5 grace_ms=300  # eth0\n' > $POLICY
tap_cmd "shadowctl policy apply" shadowctl policy apply
tap_ok $(grep -q '^install e1000 .*shadowctl enable e1000 shadow && .*shadowctl set e1000 restart_budget=5 grace_ms=300; .*modprobe --ignore-install e1000' $RULES &&
	echo 1 || echo 0) "an install rule for e1000 in $RULES"

# what boot does: nothing of shadowdrv loaded, then modprobe of the driver
modprobe -r e1000
shadowctl unload
tap_ok $([ ! -d /sys/module/e1000 ] && [ ! -d /sys/module/nooks ] && echo 1 || echo 0) \
	"e1000 and shadowdrv unloaded"
# kmod's modprobe (udev loads drivers through libkmod, which runs install
# rules; the busybox applet a test shell may pick does not)
/usr/sbin/modprobe e1000; rc=$?
tap_ok $([ $rc = 0 ] && [ "$(cat $S/mode 2> /dev/null)" = shadow ] &&
	[ "$(cat $S/state)" = running ] && [ "$(cat $S/failures)" = 0 ] &&
	[ "$(cat $S/policy/restart_budget)" = 5 ] && [ "$(cat $S/policy/grace_ms)" = 300 ] &&
	echo 1 || echo 0) \
	"modprobe e1000 (exit $rc): shadow mode from its first load, running, no failure, its recovery policy set"
tap_ok $(shadowctl policy show | grep -q '^e1000 *shadow *shadow *installed' && echo 1 || echo 0) \
	"shadowctl policy show: e1000 shadow, now shadow, rule installed"

# a crash right after the load is recovered behind the same eth0
shadowdrv-net dut && wait_for 5 ping -c 1 -W 1 192.0.2.2 > /dev/null
ifindex=$(cat /sys/class/net/eth0/ifindex)
shadowctl inject e1000 null --function e1000_xmit_frame
ping -c 3 -i 0.2 -W 1 192.0.2.2 > /dev/null 2>&1
wait_recovered e1000 1
tap_ok $([ "$(cat $S/recoveries)" = 1 ] && echo 1 || echo 0) \
	"a crash in e1000_xmit_frame recovered ($(cat $S/failures) failure, $(cat $S/recoveries) recovery)"
tap_ok $(wait_for 5 ping -c 1 -W 1 192.0.2.2 > /dev/null &&
	[ "$(cat /sys/class/net/eth0/ifindex)" = "$ifindex" ] && echo 1 || echo 0) \
	"eth0 (ifindex $ifindex) reaches the peer again"

printf '# nothing\n' > $POLICY
shadowctl policy apply > /dev/null
tap_ok $([ ! -e $RULES ] && echo 1 || echo 0) "an empty policy removes the rule"
quiet "policy"
tap_done
