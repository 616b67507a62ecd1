#!/bin/sh
# vm: --lttng
# timeout: 120
# Every project module loads and unloads cleanly, three times over, with
# no kernel warning (guest-run checks dmesg) and nothing left loaded (the
# guest has LTTng, which the lttng-probe-* modules need). Then the stack,
# layer by layer: nooks, the classes' isolation interfaces (nooks_net),
# shadow, the classes' shadow drivers (shadow_net) load in that order and
# unload in the reverse one, three times; nooks cannot go while a class
# interface needs it; shadowctl unload takes the whole stack out.
. /opt/shadowdrv/tests/lib.sh

mods=$(cd "/lib/modules/$(uname -r)/extra" && ls *.ko | sed 's/\.ko$//')
[ -n "$mods" ] || { echo "no project modules in the guest"; exit 1; }
tap_plan $(( $(echo "$mods" | wc -l) * 2 + 4 ))
before=$(lsmod | wc -l)
lsmod | cut -d' ' -f1 | sort > /tmp/lsmod.before
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

# the stack of the supported classes (tools/drivers), in load order
classes=$(drivers_classes supported)
stack=nooks
for c in $classes; do stack="$stack nooks_$c"; done
stack="$stack shadow"
for c in $classes; do stack="$stack shadow_$c"; done
reverse=
for m in $stack; do reverse="$m${reverse:+ $reverse}"; done
loaded() { grep -q "^$1 " /proc/modules; }

ok=1
for i in 1 2 3; do
	for m in $stack; do
		if ! modprobe "$m" || ! loaded "$m"; then
			ok=0
			echo "# $m did not load"
		fi
	done
	for m in $reverse; do
		if ! rmmod "$m" || loaded "$m"; then
			ok=0
			echo "# $m did not unload"
		fi
	done
done
tap_ok $ok "$stack load in order and unload in reverse, 3 times"

# nooks is held by the class interfaces
for m in $stack; do modprobe "$m"; done
rmmod nooks 2> /dev/null
ok=$(loaded nooks && echo 1 || echo 0)
tap_ok "$ok" "nooks cannot be unloaded under$(for c in $classes; do printf ' nooks_%s' "$c"; done)"

ok=1
shadowctl unload || ok=0
for m in $stack; do
	loaded "$m" && { ok=0; echo "# $m still loaded after shadowctl unload"; }
done
tap_ok $ok "shadowctl unload removes $reverse"

# the class subsystems the classes pulled in (snd, snd-timer: modprobe -r
# takes only one level of a module's dependencies) must come out too:
# nothing may still hold them
for _ in 1 2 3; do
	lsmod | cut -d' ' -f1 | sort | diff /tmp/lsmod.before - |
		sed -n 's/^+\([a-z].*\)/\1/p' | while read -r m; do
			modprobe -r "$m" 2> /dev/null
		done
done
lsmod | cut -d' ' -f1 | sort | diff /tmp/lsmod.before - | sed -n 's/^[-+][a-z]/# &/p'
tap_ok $([ "$(lsmod | wc -l)" = "$before" ] && echo 1 || echo 0) "no module left behind"
tap_done
