#!/bin/sh
# vm: --net rtl8139
# timeout: 240
# SPDX-License-Identifier: GPL-2.0
#
# No unprivileged access: with 8139cp shadowed and carrying traffic, a
# user other than root (nobody, through su) can change nothing. Every
# writable file under /sys/kernel/shadow and every parameter of the
# project's modules refuses its own current value (a valid one) and keeps
# it; no file there is writable by others; debugfs is closed to the user;
# every state-changing shadowctl command exits 1 with "run it as root"
# while shadowctl status works; afterwards the driver is still shadowed,
# with no failure, and traffic flows.
. /opt/shadowdrv/tests/lib.sh
DRV=8139cp
SYS=/sys/kernel/shadow
S=$SYS/$DRV
MODS="nooks nooks_net shadow shadow_net"

# as_nobody COMMAND: COMMAND with sh as nobody (uid and gid 65534)
as_nobody() { su -s /bin/sh nobody -c "$1" 2>&1; }

tap_plan 11
modprobe shadow_net
shadowctl enable $DRV shadow
shadowdrv-net dut > /dev/null
ping -c 3 -i 0.2 -W 1 192.0.2.2 > /dev/null 2>&1
tap_ok "$([ "$(cat $S/mode)" = shadow ] && echo 1 || echo 0)" "$DRV shadowed, traffic flows"
tap_ok "$([ "$(as_nobody 'id -u')" = 65534 ] && echo 1 || echo 0)" "su runs commands as uid 65534"

ping -c 60 -i 0.05 -W 1 192.0.2.2 > /tmp/ping.out 2>&1 & pinger=$!

# the files root can write: sysfs of the domains and the module parameters
files=$(find $SYS -type f -perm -u+w; for m in $MODS; do
	find /sys/module/$m/parameters -type f -perm -u+w 2> /dev/null; done)
n=0 took=0 changed=
for f in $files; do
	n=$((n + 1))
	before=$(cat "$f" 2> /dev/null)
	case $f in
	*/add|*/remove) val=$DRV ;;
	*) val=$before ;;
	esac
	as_nobody "echo '$val' > '$f'" > /dev/null && took=$((took + 1))
	[ "$(cat "$f" 2> /dev/null)" = "$before" ] || changed="$changed $f"
done
tap_ok "$([ $n -ge 15 ] && [ $took = 0 ] && echo 1 || echo 0)" \
	"$n root-writable files (sysfs, module parameters): $took writes by nobody taken"
tap_ok "$([ -z "$changed" ] && echo 1 || echo 0)" "none changed${changed:+:$changed}"
other=$(find $SYS ! -type l -perm -o+w; for m in $MODS; do
	find /sys/module/$m ! -type l -perm -o+w 2> /dev/null; done)
tap_ok "$([ -z "$other" ] && echo 1 || echo 0)" "no file writable by others${other:+: $other}"
tap_ok "$(as_nobody 'ls /sys/kernel/debug/shadow' > /dev/null && echo 0 || echo 1)" \
	"debugfs (inject, mutate, objects) is closed to nobody"

# shadowctl: state changes refused with a reason, the status open
bad=
for c in "enable $DRV isolate" "disable $DRV" "unload" "inject $DRV null --function cp_rx_poll" \
	"mutate $DRV nop --function cp_rx_poll" "set $DRV grace_ms=5" "policy apply"; do
	out=$(as_nobody "shadowctl $c")
	rc=$?
	{ [ $rc = 1 ] && echo "$out" | grep -q 'run it as root'; } || bad="$bad [$c: $rc $out]"
done
tap_ok "$([ -z "$bad" ] && echo 1 || echo 0)" \
	"shadowctl enable, disable, unload, inject, mutate, set, policy apply: exit 1, 'run it as root'${bad:+:$bad}"
out=$(as_nobody "shadowctl status")
tap_ok "$(echo "$out" | grep -q "^$DRV .*shadow" && echo 1 || echo 0)" "shadowctl status works for nobody"

wait $pinger
sent=$(sed -n 's/^\([0-9]*\) packets transmitted, \([0-9]*\) .*/\1/p' /tmp/ping.out)
recv=$(sed -n 's/^\([0-9]*\) packets transmitted, \([0-9]*\) .*/\2/p' /tmp/ping.out)
tap_ok "$([ "$(cat $S/mode)" = shadow ] && [ "$(cat $S/failures)" = 0 ] && [ "$(cat $S/state)" = running ] && echo 1 || echo 0)" \
	"$DRV still shadowed and running, no failure"
tap_ok "$([ "${sent:-0}" -gt 20 ] && [ $((sent - recv)) -le 1 ] && echo 1 || echo 0)" \
	"pings during the attempts: $recv of $sent answered"
quiet "after the attempts"
tap_done
