# SPDX-License-Identifier: GPL-2.0
# Shared body of the stacked-device tests (test_{vlan,bridge,bond,macvlan}_
# DRIVER.sh): an upper device on the shadowed NIC, configured as a user
# would with ip(8), carries a 20 MB TCP transfer checked by sha256 and a
# 1 ms UDP ping while the NIC's driver crashes in its transmit path.
# Nothing may notice: the transfer completes intact, the ping's echoes
# come back, the upper device keeps its ifindex and address and still
# carries traffic afterwards; nothing is configured again by the test.
# The caller sets DRIVER and STACK:
#   vlan     eth0.100 (VLAN 100, 192.0.2.129/25) to the peer's eth1.100:
#            the VLAN filter the kernel programmed is replayed
#   bridge   br0 (192.0.2.129/25) with eth0 as a port, and a namespace
#            "guest" on a veth port (192.0.2.140/25): eth0 stays a
#            forwarding port, the namespace keeps reaching the peer
#   bond     bond0 (active-backup, miimon 50 ms, 192.0.2.129/25) with eth0
#            its active slave: the bond sees no link failure and keeps
#            eth0 active (no test_bond_*.sh yet: the restarted driver
#            drops the carrier while it starts, and the bond counts a
#            link failure; issue 18)
#   macvlan  mv0 (bridge mode, its own MAC, 192.0.2.129/25): the NIC's
#            address filter keeps the macvlan's MAC
# The peer's address on that subnet is 192.0.2.130/25.
. /opt/shadowdrv/tests/lib.sh
S=/sys/kernel/shadow/$DRIVER
XMIT=$(driver_field "$DRIVER" hot | tr ' ' '\n' | grep -m1 'xmit')
T=12
tap_plan 9

modprobe shadow_net && modprobe nooks_swifi || exit 1
shadowctl enable "$DRIVER" shadow || exit 1
shadowdrv-net dut || exit 1
shadowdrv-net wait || exit 1
peer_dev=eth1
case $STACK in
vlan)
	modprobe 8021q
	$IP link add link eth0 name eth0.100 type vlan id 100
	UP=eth0.100
	in_peer $IP link add link eth1 name eth1.100 type vlan id 100
	in_peer $IP link set eth1.100 up
	peer_dev=eth1.100 ;;
bridge)
	modprobe bridge
	$IP link add br0 type bridge
	$IP addr flush dev eth0
	$IP link set eth0 master br0
	UP=br0 ;;
bond)
	modprobe bonding max_bonds=0
	$IP link add bond0 type bond mode active-backup miimon 50
	$IP link set eth0 down
	$IP addr flush dev eth0
	$IP link set eth0 master bond0
	UP=bond0 ;;
macvlan)
	modprobe macvlan
	$IP link add link eth0 name mv0 address 52:54:00:00:02:77 type macvlan mode bridge
	UP=mv0 ;;
esac
$IP addr add 192.0.2.129/25 dev $UP && $IP link set $UP up
in_peer $IP addr add 192.0.2.130/25 dev $peer_dev
if [ "$STACK" = bridge ]; then
	$IP netns add guest
	$IP link add veth0 type veth peer name veth1
	$IP link set veth1 netns guest
	$IP link set veth0 master br0 && $IP link set veth0 up
	$IP netns exec guest $IP addr add 192.0.2.140/25 dev veth1
	$IP netns exec guest $IP link set veth1 up
	$IP netns exec guest $IP link set lo up
fi
tap_ok $(wait_for 10 ping -c 1 -W 1 192.0.2.130 > /dev/null && echo 1 || echo 0) \
	"$UP ($STACK on eth0) reaches the peer"
index=$(cat /sys/class/net/$UP/ifindex)

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
shadowctl inject "$DRIVER" null --function "$XMIT"
wait_recovered "$DRIVER" 1
tap_ok $([ "$(cat $S/recoveries)" = 1 ] && echo 1 || echo 0) \
	"a crash in $XMIT recovered ($(cat $S/failures) failure)"
wait $nc_pid
sleep 1
kill $nc_server 2> /dev/null
tap_ok $(grep -q '^rc=0$' /tmp/nc.rc && echo 1 || echo 0) \
	"20 MB over $UP: nc finished with no error ($(cat /tmp/nc.rc))"
tap_ok $([ "$(sha256sum < /tmp/tx.bin)" = "$(sha256sum < /tmp/rx.bin)" ] && echo 1 || echo 0) \
	"20 MB arrived intact over $UP (sha256; $(wc -c < /tmp/rx.bin) bytes)"
wait $ping_pid; rc=$?
sed 's/^/# udpping: /' /tmp/ping.out | grep -E 'sent|received|max_gap|send_errors'
tap_ok $([ $rc = 0 ] && [ "$(kv send_errors /tmp/ping.out)" = 0 ] &&
	[ "$(kv received /tmp/ping.out)" -gt 0 ] && echo 1 || echo 0) \
	"UDP ping over $UP: no send error, echoes back (interruption $(kv max_gap_ms /tmp/ping.out) ms)"
tap_ok $([ "$(cat /sys/class/net/$UP/ifindex)" = "$index" ] &&
	$IP -4 addr show dev $UP | grep -q '192.0.2.129/25' && echo 1 || echo 0) \
	"$UP kept its ifindex ($index) and address"
tap_ok $(ping -c 3 -i 0.2 -W 1 192.0.2.130 > /dev/null && echo 1 || echo 0) \
	"$UP carries traffic after the recovery"
case $STACK in
vlan)
	tap_ok $([ -d /sys/class/net/eth0.100 ] && echo 1 || echo 0) "eth0.100 still on eth0" ;;
bridge)
	tap_ok $([ "$(cat /sys/class/net/eth0/brport/state)" = 3 ] &&
		$IP netns exec guest ping -c 3 -i 0.2 -W 1 192.0.2.130 > /dev/null && echo 1 || echo 0) \
		"eth0 still a forwarding port of br0 (state $(cat /sys/class/net/eth0/brport/state)); the namespace on br0 reaches the peer" ;;
bond)
	fails=$(awk '/^Slave Interface: eth0/ { s = 1 } s && /Link Failure Count/ { print $NF; exit }' /proc/net/bonding/bond0)
	tap_ok $([ "$(cat /sys/class/net/bond0/bonding/active_slave)" = eth0 ] && [ "$fails" = 0 ] &&
		echo 1 || echo 0) \
		"bond0 saw no link failure of eth0 ($fails) and keeps it active ($(cat /sys/class/net/bond0/bonding/active_slave))" ;;
macvlan)
	tap_ok $([ "$(cat /sys/class/net/mv0/address)" = 52:54:00:00:02:77 ] && echo 1 || echo 0) \
		"mv0 kept its MAC address" ;;
esac
quiet "$STACK"
tap_done
