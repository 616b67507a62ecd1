#!/bin/sh
# vm: --net rtl8139
# timeout: 600
# SPDX-License-Identifier: GPL-2.0
#
# Bad input on every control surface, with 8139cp shadowed and carrying
# a ping. Every writable file under /sys/kernel/shadow, every module
# parameter of the project's modules and every writable debugfs file under
# /sys/kernel/debug/shadow gets garbage: random binary blobs (16, 200 and
# 5000 bytes), 5000 letters, a negative number, an overflowing number, a
# bare "0x", blanks, a NUL before a number. Checks:
#  - sequentially: every garbage write is refused and changes nothing
#    (the file reads the same);
#  - then two writers at once on every file, while faults are injected
#    into the driver and recovered: no oops, nothing stuck;
#  - random shadowctl command lines: each exits (no hang), with 1 or 2
#    unless it is a valid read-only command;
#  - afterwards the driver is still shadowed and running, pings are
#    answered, the kernel log is quiet, and every project module unloads.
. /opt/shadowdrv/tests/lib.sh
DRV=8139cp
SYS=/sys/kernel/shadow
S=$SYS/$DRV
D=/sys/kernel/debug/shadow
MODS="nooks nooks_net shadow shadow_net nooks_swifi"

tap_plan 9
modprobe nooks_swifi
modprobe shadow_net
shadowctl enable $DRV shadow || exit 1
shadowdrv-net dut > /dev/null || exit 1

files=$( (find $SYS $D -type f -perm -u+w; for m in $MODS; do
	find /sys/module/$m/parameters -type f -perm -u+w 2> /dev/null; done) | sort -u)
n=$(echo "$files" | wc -l)
echo "# $n writable files"

# the garbage, one file per payload
G=/tmp/garbage
mkdir -p $G
head -c 16 /dev/urandom > $G/bin16
head -c 200 /dev/urandom > $G/bin200
head -c 5000 /dev/urandom > $G/bin5000
head -c 5000 /dev/zero | tr '\0' A > $G/letters
printf -- '-1\n' > $G/negative
printf '18446744073709551616\n' > $G/overflow
printf '0x\n' > $G/hex
printf '   \n' > $G/blanks
printf '\00017\n' > $G/nul

ping -c 400 -i 0.05 -W 1 192.0.2.2 > /tmp/ping.out 2>&1 &
pinger=$!

# sequential: refused, unchanged
took= changed=
for f in $files; do
	for p in $G/*; do
		before=$(cat "$f" 2> /dev/null)
		if cat "$p" > "$f" 2> /dev/null; then
			# "0x" and a long number are module names add and
			# remove may take (add, then remove, in file order)
			case $f:$(basename "$p") in
			*/add:hex|*/add:overflow|*/remove:hex|*/remove:overflow) continue ;;
			esac
			took="$took $f<$(basename "$p")"
			printf '%s\n' "$before" > "$f" 2> /dev/null
		elif [ "$(cat "$f" 2> /dev/null)" != "$before" ]; then
			changed="$changed $f<$(basename "$p")"
		fi
	done
done
tap_ok "$([ -z "$took" ] && echo 1 || echo 0)" \
	"$n files x $(ls $G | wc -l) garbage payloads: every write refused${took:+; taken:$took}"
tap_ok "$([ -z "$changed" ] && echo 1 || echo 0)" "no refused write changed a file${changed:+:$changed}"
wait $pinger
recv=$(sed -n 's/^[0-9]* packets transmitted, \([0-9]*\) .*/\1/p' /tmp/ping.out)
tap_ok "$([ "${recv:-0}" -ge 395 ] && echo 1 || echo 0)" "pings meanwhile: ${recv:-0} of 400 answered"

# concurrent: two writers per file while the driver crashes and recovers
snapshot() { for f in $files; do printf '%s=%s\n' "$f" "$(cat "$f" 2> /dev/null | head -c 200)"; done; }
snapshot > /tmp/before.txt
writer() {
	for i in 1 2 3; do
		for f in $files; do
			for p in $G/*; do cat "$p" > "$f" 2> /dev/null; done
		done
	done
}
writer & w1=$!
writer & w2=$!
for i in 1 2 3; do
	shadowctl inject $DRV null --function cp_rx_poll --after 5 > /dev/null
	ping -c 20 -i 0.05 -W 1 192.0.2.2 > /dev/null 2>&1
	wait_recovered $DRV "$i" > /dev/null
done
wait $w1 $w2
snapshot > /tmp/after.txt
diff /tmp/before.txt /tmp/after.txt | sed -n 's/^> /# changed: /p' | head -n 5
tap_ok "$([ "$(cat $S/recoveries)" = 3 ] && [ "$(cat $S/state)" = running ] && echo 1 || echo 0)" \
	"two writers of garbage on every file during 3 crashes: $(cat $S/recoveries) recoveries, state $(cat $S/state)"

# shadowctl with random arguments
words="enable disable status inject mutate set policy apply unload trace $DRV e1000 nosuch shadow isolate off null gpf --function --after --seed --json --help -x 0 -1 99999999999 '' /"
bad=
for i in $(seq 150); do
	args=$(echo "$words" | awk -v s="$i" '{ srand(s); k = s % 5 + 1
		for (j = 0; j < k; j++) printf "%s ", $(int(rand() * NF) + 1) }')
	# never a command that would legitimately change the driver
	case "$args" in
	*enable*|*disable*|*unload*|*inject*|*mutate*|*set*|*policy*) continue ;;
	esac
	timeout 10 shadowctl $args > /dev/null 2>&1
	rc=$?
	case $rc in 0|1|2) ;; *) bad="$bad [$args: $rc]" ;; esac
done
tap_ok "$([ -z "$bad" ] && echo 1 || echo 0)" "random read-only shadowctl command lines exit 0, 1 or 2${bad:+:$bad}"
for a in "enable $DRV bogus" "enable nosuch shadow" "inject $DRV frob --function cp_rx_poll" \
	"inject $DRV null --function nosuch_fn" "mutate $DRV text --function cp_rx_poll --seed x" \
	"set $DRV grace_ms=-5" "set $DRV nosuch=1" "enable" "inject"; do
	timeout 10 shadowctl $a > /dev/null 2>&1
	rc=$?
	[ $rc = 1 ] || [ $rc = 2 ] || bad="$bad [$a: $rc]"
done
tap_ok "$([ -z "$bad" ] && [ "$(cat $S/mode)" = shadow ] && [ "$(cat $S/recoveries)" = 3 ] &&
	echo 1 || echo 0)" "invalid state-changing commands exit 1 or 2 and change nothing${bad:+:$bad}"

ping -c 20 -i 0.05 -W 1 192.0.2.2 > /tmp/ping.out 2>&1
tap_ok "$([ $? = 0 ] && echo 1 || echo 0)" "$DRV shadowed, pings answered after the fuzzing"
quiet "after the fuzzing"
{ shadowctl disable $DRV && rmmod $DRV && shadowctl unload; } > /tmp/unload.out 2>&1
rc=$?
sed 's/^/# unload: /' /tmp/unload.out
left=$(grep -E "^($DRV|nooks[a-z_]*|shadow[a-z_]*) " /proc/modules | cut -d' ' -f1 | tr '\n' ' ')
tap_ok "$([ $rc = 0 ] && [ -z "$left" ] && echo 1 || echo 0)" \
	"driver and project modules unloaded (exit $rc; left: ${left:-none})"
tap_done
