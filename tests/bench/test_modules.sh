#!/bin/sh
# vm: --lttng
# timeout: 120
# Every project module loads and unloads cleanly, three times over, with
# no kernel warning (guest-run checks dmesg) and nothing left loaded (the
# guest has LTTng, which the lttng-probe-* modules need).
. /opt/shadowdrv/tests/lib.sh

mods=$(cd "/lib/modules/$(uname -r)/extra" && ls *.ko | sed 's/\.ko$//')
[ -n "$mods" ] || { echo "no project modules in the guest"; exit 1; }
tap_plan $(( $(echo "$mods" | wc -l) * 2 + 1 ))
before=$(lsmod | wc -l)
for m in $mods; do
	ok=1
	for i in 1 2 3; do
		modprobe "$m" || ok=0
		grep -q "^$(echo "$m" | tr - _) " /proc/modules || ok=0
		modprobe -r "$m" || ok=0
	done
	tap_ok $ok "$m loads and unloads 3 times"
	grep -q "^$(echo "$m" | tr - _) " /proc/modules && ok=0 || ok=1
	tap_ok $ok "$m is gone after unload"
done
tap_ok $([ "$(lsmod | wc -l)" = "$before" ] && echo 1 || echo 0) "no module left behind"
tap_done
