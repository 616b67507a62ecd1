# SPDX-License-Identifier: GPL-2.0
# Helpers for guest test scripts: TAP output and common checks.
# Source it: . /opt/shadowdrv/tests/lib.sh
# It also sources the driver table's library (tools/lib-drivers.sh):
# driver_field DRIVER COLUMN and the others read tools/drivers.
. /opt/shadowdrv/bin/lib-drivers.sh
IP=/usr/bin/ip
TAP_N=0
TAP_FAIL=0

tap_plan() { echo "TAP version 13"; echo "1..$1"; }

# tap_ok 1|0 DESCRIPTION
tap_ok() {
	TAP_N=$((TAP_N + 1))
	if [ "$1" = 1 ]; then
		echo "ok $TAP_N - $2"
	else
		echo "not ok $TAP_N - $2"
		TAP_FAIL=$((TAP_FAIL + 1))
	fi
}

# tap_cmd DESCRIPTION COMMAND...: ok when COMMAND succeeds
tap_cmd() {
	d=$1; shift
	if "$@"; then tap_ok 1 "$d"; else tap_ok 0 "$d"; fi
}

tap_done() { [ "$TAP_FAIL" = 0 ]; exit $?; }

# in_peer COMMAND...: run in the peer network namespace
in_peer() { $IP netns exec peer "$@"; }

# kv KEY FILE: value of a "KEY=value" line
kv() { sed -n "s/^$1=//p" "$2" | head -n 1; }

# wait_for SECONDS COMMAND...: retry COMMAND every 0.1 s until it succeeds
wait_for() {
	_n=$(( $1 * 10 )); shift
	while [ $_n -gt 0 ]; do
		"$@" && return 0
		sleep 0.1
		_n=$((_n - 1))
	done
	return 1
}

# wait_recovered DRIVER N: until DRIVER has N recoveries and runs (10 s)
wait_recovered() {
	_s=/sys/kernel/shadow/$1
	for _i in $(seq 100); do
		[ "$(cat $_s/recoveries)" -ge "$2" ] &&
			[ "$(cat $_s/state)" = running ] && return 0
		sleep 0.1
	done
	echo "# state $(cat $_s/state), recoveries $(cat $_s/recoveries)"
	# an injection armed and not fired: where its probe is
	_d=/sys/kernel/debug
	[ -r $_d/shadow/$1/inject ] && sed 's/^/# inject: /' $_d/shadow/$1/inject
	[ -r $_d/kprobes/list ] && grep "\[$1\]" $_d/kprobes/list | sed 's/^/# kprobe: /'
	return 1
}

# quiet STEP: no oops, BUG, warning or lockup in the kernel log so far
# (but lines matching QUIET_ALLOW, a test's injected fault's own: the
# same pattern goes in its "# allow-dmesg:" header for guest-run)
quiet() {
	_bad=$(dmesg | grep -E "$(cat /opt/shadowdrv/bin/kernel-trouble.ere)" |
		grep -vE "${QUIET_ALLOW:-^$}")
	tap_ok $([ -z "$_bad" ] && echo 1 || echo 0) "$1: kernel log quiet"
	[ -z "$_bad" ] || printf '%s\n' "$_bad" | head -n 5 | sed 's/^/# | /'
}
