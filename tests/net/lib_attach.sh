# SPDX-License-Identifier: GPL-2.0
# Shared body of test_attach_8139cp.sh and deep_attach_DRIVER.sh: shadowing is switched on and off
# under a NIC in use, and nothing notices (issue: transparent enable and
# disable). The driver is loaded natively and configured as a user would:
# 192.0.2.1/24, MTU 1300, a second address 192.0.2.51/24, a route to
# 198.51.100.0/24 via the peer. While a TCP transfer (sha256) and a
# 1 ms UDP ping run to the peer, each 1 MB of progress apart:
#   1. shadowctl enable DRIVER shadow     (off -> shadow: live switch)
#   2. shadowctl disable DRIVER           (shadow -> off: live switch)
#   3. shadowctl enable DRIVER isolate    (off -> isolate: live switch)
#   4. shadowctl enable DRIVER shadow     (isolate -> shadow: no restart)
# After each: the same eth0 (ifindex), MTU, addresses and route; the
# switch kept the devices (kernel log "devices kept", or no switch at all
# for step 4). Then a crash in the transmit path, still mid-transfer, is
# recovered (the re-isolated driver is protected). The transfer (large
# enough to outlast the switches: e1000's link comes back 2 s after each
# open, and TCP backs off meanwhile) completes intact, the
# ping sees no send error; its longest gap is reported and bounded by
# MAX_GAP_MS (default 5000). The caller sets DRIVER, and SIZE (MB, default
# 160: it must outlast four switches and a recovery; pcnet32 moves
# 64 MB in under 3 s between them).
# Each switch's phases (last_switch/) are printed, and, side by side, the
# interruption each step and the crash's recovery cost the ping (its
# longest gap that began while the step ran).
. /opt/shadowdrv/tests/lib.sh
S=/sys/kernel/shadow/$DRIVER
XMIT=$(driver_field "$DRIVER" hot | tr ' ' '\n' | grep -m1 'xmit')
SIZE=$((${SIZE:-160} * 1048576))
T=40
MAX_GAP_MS=${MAX_GAP_MS:-5000}
tap_plan 11

modprobe shadow_net && modprobe nooks_swifi || exit 1
shadowdrv-net dut || exit 1
shadowdrv-net wait || exit 1
$IP link set eth0 mtu 1300
$IP addr add 192.0.2.51/24 dev eth0
$IP route add 198.51.100.0/24 via 192.0.2.2 dev eth0
# what a user set up and must find unchanged
view() {
	echo "ifindex=$(cat /sys/class/net/eth0/ifindex 2> /dev/null)" \
		"mtu=$(cat /sys/class/net/eth0/mtu 2> /dev/null)" \
		"addr=$($IP -4 -o addr show dev eth0 2> /dev/null | awk '{ print $4 }' | sort | tr '\n' ,)" \
		"route=$($IP route show 198.51.100.0/24 | awk '{ print $3 }')"
}
before=$(view)
tap_ok $([ "$(cat /sys/class/net/eth0/mtu)" = 1300 ] && echo 1 || echo 0) \
	"$DRIVER loaded natively, configured: $before"

in_peer udpping echo -p 7777 &
head -c $SIZE /dev/urandom > /tmp/tx.bin
rm -f /tmp/rx.bin /tmp/nc.hold && mkfifo /tmp/nc.hold
in_peer nc -l -p 5002 > /tmp/rx.bin 0<> /tmp/nc.hold &
nc_server=$!
sleep 0.5
timeout $((T + 20)) udpping send -c 192.0.2.2 -p 7777 -t $T -w 2000 -g /tmp/gaps > /tmp/ping.out 2>&1 &
ping_pid=$!
(timeout 150 nc 192.0.2.2 5002 < /tmp/tx.bin; echo "rc=$?" > /tmp/nc.rc) &
nc_pid=$!
rx() { stat -c %s /tmp/rx.bin 2> /dev/null || echo 0; }
rx_at_least() { wait_for 20 sh -c "[ \$(stat -c %s /tmp/rx.bin) -ge $1 ]"; }
kept_lines() { dmesg | grep -c "$DRIVER: .*devices kept"; }
uptime_s() { cut -d' ' -f1 /proc/uptime; }
: > /tmp/windows

# step DESCRIPTION KEPT MODE COMMAND...: run COMMAND once 2 MB more have
# arrived; KEPT: 1 if the step is a switch that keeps the devices, 0 if it
# is none; MODE: the domain's mode after it ("-": no domain)
step() {
	_d=$1 _kept=$2 _mode=$3
	shift 3
	rx_at_least $(( $(rx) + 1048576 ))
	_at=$(rx)
	_k0=$(kept_lines)
	_t0=$(uptime_s)
	"$@"
	_rc=$?
	echo "$_t0 $(uptime_s) $_d" >> /tmp/windows
	_k=$(( $(kept_lines) - _k0 ))
	_now=$(view)
	_m=$(cat "$S/mode" 2> /dev/null || echo -)
	_how=$(cd "$S/last_switch" 2> /dev/null &&
		echo "$(cat method):" "stop $(cat stop_us)" "remove $(cat remove_us)" \
			"probe $(cat probe_us)" "replay $(cat replay_us)" "total $(cat total_us) us")
	tap_ok $([ $_rc = 0 ] && [ "$_k" = "$_kept" ] && [ "$_m" = "$_mode" ] &&
		[ "$_now" = "$before" ] && [ "$_at" -lt $SIZE ] && echo 1 || echo 0) \
		"$_d at $_at of $SIZE bytes: exit $_rc, mode $_m; $_now"
	echo "# switch ${_how:-(domain gone)}"
}
step "enable $DRIVER shadow" 1 shadow shadowctl enable "$DRIVER" shadow
step "disable $DRIVER" 1 - shadowctl disable "$DRIVER"
step "enable $DRIVER isolate" 1 isolate shadowctl enable "$DRIVER" isolate
step "isolate to shadow" 0 shadow shadowctl enable "$DRIVER" shadow
rx_at_least $(( $(rx) + 1048576 ))
at_fault=$(rx)
_t0=$(uptime_s)
shadowctl inject "$DRIVER" null --function "$XMIT"
wait_recovered "$DRIVER" 1
echo "$_t0 $(uptime_s) crash recovery" >> /tmp/windows
tap_ok $([ "$(cat $S/recoveries)" = 1 ] && [ "$at_fault" -lt $SIZE ] && echo 1 || echo 0) \
	"then a crash in $XMIT (at $at_fault bytes) is contained and recovered ($(cat $S/recoveries) recoveries)"

wait $nc_pid
sleep 1
kill $nc_server 2> /dev/null
tap_ok $(grep -q '^rc=0$' /tmp/nc.rc && echo 1 || echo 0) \
	"$SIZE bytes sent through the switches: nc finished with no error ($(cat /tmp/nc.rc))"
tap_ok $([ "$(sha256sum < /tmp/tx.bin)" = "$(sha256sum < /tmp/rx.bin)" ] && echo 1 || echo 0) \
	"$SIZE bytes arrived intact (sha256; $(wc -c < /tmp/rx.bin) bytes)"
wait $ping_pid; rc=$?
sed 's/^/# udpping: /' /tmp/ping.out | grep -E 'sent|received|max_gap|send_errors'
sort -k2 -n -r /tmp/gaps 2> /dev/null | head -n 8 | sed 's/^/# gap (start_s ms): /'
# each step's interruption: the longest gap (over 5 ms) that began while
# it ran (udpping's start_s is seconds after its t0_s, uptime's clock)
awk -v t0="$(kv t0_s /tmp/ping.out)" 'NR == FNR { s[NR] = t0 + $1; g[NR] = $2; n = NR; next }
	{ m = 0; for (i = 1; i <= n; i++) if (s[i] >= $1 - 0.01 && s[i] <= $2 && g[i] > m) m = g[i]
	  $1 = $2 = ""; printf "# interruption:%s: %.1f ms\n", $0, m }' /tmp/gaps /tmp/windows
gap=$(kv max_gap_ms /tmp/ping.out)
tap_ok $([ $rc = 0 ] && [ "$(kv send_errors /tmp/ping.out)" = 0 ] &&
	[ "${gap%.*}" -le "$MAX_GAP_MS" ] && echo 1 || echo 0) \
	"UDP ping: no send error, longest gap ${gap} ms (at most $MAX_GAP_MS)"
tap_ok $(wait_for 10 ping -c 1 -W 1 192.0.2.2 > /dev/null && echo 1 || echo 0) \
	"eth0 carries traffic afterwards"
quiet "switches"
tap_done
