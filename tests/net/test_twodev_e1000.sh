#!/bin/sh
# vm: --net e1000 --net2
# timeout: 240
# SPDX-License-Identifier: GPL-2.0
#
# Two devices on one shadowed driver: two e1000 NICs, eth0 (MAC ...:01,
# 192.0.2.1/24) and eth2 (MAC ...:03, 198.51.100.1/24), each carrying a
# 32 MB TCP transfer (sha256) and a 1 ms UDP ping to the peer (192.0.2.2,
# 198.51.100.2). A crash in the transmit path while both carry traffic
# restarts the driver, which re-probes both NICs: each must get its own
# net_device back (same name, ifindex, MAC, PCI device), both transfers
# complete intact, both pings see no send error, and both devices carry
# traffic afterwards. Then a crash in the receive path (NAPI poll), the
# same again, and the kernel log is quiet.
. /opt/shadowdrv/tests/lib.sh
DRV=e1000
S=/sys/kernel/shadow/$DRV
XMIT=$(driver_field "$DRV" hot | tr ' ' '\n' | grep -m1 'xmit')
POLL=$(driver_entry "$DRV" poll)
SIZE=33554432
T=30
tap_plan 9

modprobe shadow_net && modprobe nooks_swifi || exit 1
shadowctl enable $DRV shadow || exit 1
shadowdrv-net dut || exit 1
# the second NIC: answers ARP only for its own address (one hub, one
# subnet per NIC)
sysctl -qw net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2
for d in /sys/class/net/*; do
	[ "$(cat "$d/address")" = 52:54:00:00:02:03 ] && two=$(basename "$d")
done
[ -n "$two" ] || { echo "# no second e1000"; exit 1; }
if [ "$two" != eth2 ]; then
	$IP link set "$two" down
	$IP link set "$two" name eth2
fi
$IP addr add 198.51.100.1/24 dev eth2
$IP link set eth2 up
in_peer $IP addr add 198.51.100.2/24 dev eth1
shadowdrv-net wait || exit 1
tap_ok $(wait_for 10 ping -c 1 -W 1 198.51.100.2 > /dev/null && echo 1 || echo 0) \
	"eth0 and eth2, two NICs of $DRV, reach the peer"

# what each device is: name, ifindex, MAC, PCI device
view() {
	for i in eth0 eth2; do
		printf '%s:%s:%s:%s ' $i "$(cat /sys/class/net/$i/ifindex)" \
			"$(cat /sys/class/net/$i/address)" \
			"$(basename "$(readlink /sys/class/net/$i/device)")"
	done
}
before=$(view)
echo "# $before"

in_peer udpping echo -p 7777 &
in_peer udpping echo -p 7778 &
head -c $SIZE /dev/urandom > /tmp/tx.bin
rm -f /tmp/rx0.bin /tmp/rx2.bin /tmp/hold0 /tmp/hold2
mkfifo /tmp/hold0 /tmp/hold2
in_peer nc -l -p 5000 > /tmp/rx0.bin 0<> /tmp/hold0 &
srv0=$!
in_peer nc -l -p 5002 > /tmp/rx2.bin 0<> /tmp/hold2 &
srv2=$!
sleep 0.5
timeout $((T + 20)) udpping send -c 192.0.2.2 -p 7777 -t $T -w 2000 > /tmp/ping0.out 2>&1 &
ping0=$!
timeout $((T + 20)) udpping send -c 198.51.100.2 -p 7778 -t $T -w 2000 > /tmp/ping2.out 2>&1 &
ping2=$!
(timeout $((T + 20)) nc 192.0.2.2 5000 < /tmp/tx.bin; echo "rc=$?" > /tmp/nc0.rc) &
nc0=$!
(timeout $((T + 20)) nc 198.51.100.2 5002 < /tmp/tx.bin; echo "rc=$?" > /tmp/nc2.rc) &
nc2=$!
size() { stat -c %s "$1" 2> /dev/null || echo 0; }
both_at_least() {
	wait_for 20 sh -c "[ \$(stat -c %s /tmp/rx0.bin) -ge $1 ] &&
		[ \$(stat -c %s /tmp/rx2.bin) -ge $1 ]"
}

# crash NUMBER FUNCTION AFTER: once both have 4 MB more
crash() {
	both_at_least $(( $(size /tmp/rx0.bin) + 4194304 ))
	_a0=$(size /tmp/rx0.bin) _a2=$(size /tmp/rx2.bin)
	shadowctl inject $DRV null --function "$2" --after "$3"
	wait_recovered $DRV "$1"
	tap_ok $([ "$(cat $S/recoveries)" = "$1" ] && [ "$_a0" -lt $SIZE ] &&
		[ "$_a2" -lt $SIZE ] && [ "$(view)" = "$before" ] && echo 1 || echo 0) \
		"crash $1 in $2 (eth0 at $_a0, eth2 at $_a2 of $SIZE bytes) recovered; each NIC has its own net_device: $(view)"
}
crash 1 "$XMIT" 0
crash 2 "$POLL" 20

wait $nc0
wait $nc2
sleep 1
kill $srv0 $srv2 2> /dev/null
for i in 0 2; do
	tap_ok $(grep -q '^rc=0$' /tmp/nc$i.rc &&
		[ "$(sha256sum < /tmp/tx.bin)" = "$(sha256sum < /tmp/rx$i.bin)" ] &&
		echo 1 || echo 0) \
		"eth$i: $SIZE bytes sent with no error ($(cat /tmp/nc$i.rc)) and arrived intact (sha256; $(size /tmp/rx$i.bin) bytes)"
done
wait $ping0; rc0=$?
wait $ping2; rc2=$?
for i in 0 2; do
	eval rc=\$rc$i
	tap_ok $([ "$rc" = 0 ] && [ "$(kv send_errors /tmp/ping$i.out)" = 0 ] &&
		[ "$(kv received /tmp/ping$i.out)" -gt 0 ] && echo 1 || echo 0) \
		"eth$i: UDP ping with no send error (sent $(kv sent /tmp/ping$i.out), received $(kv received /tmp/ping$i.out), longest gap $(kv max_gap_ms /tmp/ping$i.out) ms)"
done
tap_ok $(ping -c 3 -i 0.2 -W 1 192.0.2.2 > /dev/null &&
	ping -c 3 -i 0.2 -W 1 198.51.100.2 > /dev/null && echo 1 || echo 0) \
	"both NICs carry traffic afterwards"
quiet "two devices"
tap_done
