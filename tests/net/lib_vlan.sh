# SPDX-License-Identifier: GPL-2.0
# Shared body of the VLAN stack tests (test_vlan_*.sh): eth0.100, a VLAN
# on the shadowed NIC with its own address (192.0.2.129/25; the peer's
# eth1.100 is 192.0.2.130/25), carries a 20 MB TCP transfer checked by
# sha256 and a 1 ms UDP ping while the NIC's driver crashes in its
# transmit path; nothing may notice: the transfer completes intact, the
# ping's echoes come back, eth0.100 keeps its ifindex and address, and the
# VLAN still carries traffic after the recovery (the shadow replays the
# VLAN filter the kernel programmed into the NIC). The caller sets DRIVER.
. /opt/shadowdrv/tests/lib.sh
S=/sys/kernel/shadow/$DRIVER
XMIT=$(driver_field "$DRIVER" hot | tr ' ' '\n' | grep -m1 'xmit\|start_xmit')
T=12
tap_plan 8

modprobe shadow_net && modprobe nooks_swifi && modprobe 8021q || exit 1
shadowctl enable "$DRIVER" shadow || exit 1
shadowdrv-net dut || exit 1
shadowdrv-net wait || exit 1
$IP link add link eth0 name eth0.100 type vlan id 100 &&
	$IP addr add 192.0.2.129/25 dev eth0.100 && $IP link set eth0.100 up &&
	in_peer $IP link add link eth1 name eth1.100 type vlan id 100 &&
	in_peer $IP addr add 192.0.2.130/25 dev eth1.100 && in_peer $IP link set eth1.100 up
tap_ok $(wait_for 5 ping -c 1 -W 1 192.0.2.130 > /dev/null && echo 1 || echo 0) \
	"eth0.100 reaches the peer's eth1.100 (VLAN 100)"
vindex=$(cat /sys/class/net/eth0.100/ifindex)

in_peer udpping echo -p 7777 &
head -c 20971520 /dev/urandom > /tmp/tx.bin
rm -f /tmp/rx.bin /tmp/nc.hold && mkfifo /tmp/nc.hold
in_peer nc -l -p 5002 > /tmp/rx.bin 0<> /tmp/nc.hold &
nc_server=$!
sleep 0.5
timeout $((T + 20)) udpping send -c 192.0.2.130 -p 7777 -t $T -w 2000 > /tmp/ping.out 2>&1 &
ping_pid=$!
(timeout $((T + 20)) nc 192.0.2.130 5002 < /tmp/tx.bin; echo "rc=$?" > /tmp/nc.rc) &
nc_pid=$!
sleep 3
shadowctl inject "$DRIVER" null --function "${XMIT:-$(driver_entry "$DRIVER" poll)}"
wait_recovered "$DRIVER" 1
tap_ok $([ "$(cat $S/recoveries)" = 1 ] && echo 1 || echo 0) \
	"a crash in ${XMIT:-the poll} recovered ($(cat $S/failures) failure)"
wait $nc_pid
sleep 1
kill $nc_server 2> /dev/null
tap_ok $(grep -q '^rc=0$' /tmp/nc.rc && echo 1 || echo 0) "20 MB over the VLAN: nc finished with no error ($(cat /tmp/nc.rc))"
tap_ok $([ "$(sha256sum < /tmp/tx.bin)" = "$(sha256sum < /tmp/rx.bin)" ] && echo 1 || echo 0) \
	"20 MB arrived intact over the VLAN (sha256; $(wc -c < /tmp/rx.bin) bytes)"
wait $ping_pid; rc=$?
sed 's/^/# udpping: /' /tmp/ping.out | grep -E 'sent|received|max_gap|send_errors'
tap_ok $([ $rc = 0 ] && [ "$(kv send_errors /tmp/ping.out)" = 0 ] &&
	[ "$(kv received /tmp/ping.out)" -gt 0 ] && echo 1 || echo 0) \
	"UDP ping over the VLAN: no send error, echoes back (interruption $(kv max_gap_ms /tmp/ping.out) ms)"
tap_ok $([ "$(cat /sys/class/net/eth0.100/ifindex)" = "$vindex" ] &&
	$IP -4 addr show dev eth0.100 | grep -q '192.0.2.129/25' && echo 1 || echo 0) \
	"eth0.100 kept its ifindex ($vindex) and address"
tap_ok $(ping -c 3 -i 0.2 -W 1 192.0.2.130 > /dev/null && echo 1 || echo 0) \
	"the VLAN carries traffic after the recovery"
quiet "vlan"
tap_done
