# SPDX-License-Identifier: GPL-2.0
# Shared body of the survival tests (test_survive_*.sh): five network
# applications run at once through the device under test while its driver
# crashes (an injected fault in its NAPI poll, halfway through):
#   iperf3 TCP for 30 s, a 100 MB TCP transfer checked by sha256, tcpdump
#   in promiscuous mode, a multicast listener, and a 1 ms UDP ping that
#   measures the interruption.
# MODE=shadow: every application must finish without noticing, and the
# device keeps its name, ifindex, addresses and configuration.
# MODE=isolate: the contrast (Nooks restart): the fault must be contained
# and the driver restarted; what the applications saw is reported.
# The caller sets DRIVER and MODE; POLL, the driver's NAPI poll function,
# comes from the driver table (tools/drivers) unless the caller sets it.
. /opt/shadowdrv/tests/lib.sh
S=/sys/kernel/shadow/$DRIVER
POLL=${POLL:-$(driver_entry "$DRIVER" poll)}
[ -n "$POLL" ] || { echo "# $DRIVER: no NAPI poll function in tools/drivers"; exit 1; }
T=30
CRASH_AT=8

modprobe shadow_net
shadowctl enable "$DRIVER" "$MODE" || exit 1
shadowdrv-net dut || exit 1
# configuration the shadow must carry across the restart (some drivers
# take a new address only while down)
$IP link set eth0 down
$IP link set eth0 mtu 1400
$IP link set eth0 address 52:54:00:5e:00:01
$IP link set eth0 up
shadowdrv-net wait || exit 1
ifindex=$(cat /sys/class/net/eth0/ifindex)

if [ "$MODE" = shadow ]; then
	tap_plan 15
else
	tap_plan 3
fi

# servers in the peer namespace
in_peer udpping echo -p 7777 &
in_peer iperf3 -s -D -p 5201 --logfile /tmp/iperf3-server.log
in_peer mcast send -g 239.1.1.1 -p 5003 -I 192.0.2.2 -i 10 -t $((T + 4)) > /dev/null &
head -c 104857600 /dev/urandom > /tmp/tx.bin
rm -f /tmp/rx.bin /tmp/nc.hold && mkfifo /tmp/nc.hold
in_peer nc -l -p 5002 > /tmp/rx.bin 0<> /tmp/nc.hold &
nc_server=$!
sleep 1

# the applications, each bounded: under Nooks restart (isolate) they may
# never finish on their own
B=$((T + 20))
tcpdump -s 96 -i eth0 -n -U -w /tmp/cap.pcap 2> /tmp/tcpdump.err &
tcpdump_pid=$!
timeout $B mcast recv -g 239.1.1.1 -p 5003 -I 192.0.2.1 -t $T > /tmp/mcast.out 2>&1 &
mcast_pid=$!
timeout $B udpping send -c 192.0.2.2 -p 7777 -t $T -w 2000 -g /tmp/gaps > /tmp/ping.out 2>&1 &
ping_pid=$!
timeout $B iperf3 -c 192.0.2.2 -p 5201 -t $T -i 1 --forceflush > /tmp/iperf.out 2>&1 &
iperf_pid=$!
(timeout $B nc 192.0.2.2 5002 < /tmp/tx.bin; echo "rc=$?" > /tmp/nc.rc) &

sleep $CRASH_AT
shadowctl inject "$DRIVER" null --function "$POLL" --after 50
wait_for 20 sh -c "[ \$(cat $S/recoveries) -ge 1 ] && [ \$(cat $S/state) = running ]"
recovered=$?
t_back=$(cut -d' ' -f1 /proc/uptime)
echo "# fault: $(cat $S/last_fault)"
echo "# recovery: $(cat $S/last_recovery/total_us) us (restart $(cat $S/last_recovery/restart_us) us, replay $(cat $S/last_recovery/replay_us) us)"
sleep 2
# after the recovery: a marked ping (tcpdump must still capture), and
# frames to a foreign MAC address from the peer (captured only if the
# restarted driver put the hardware back in promiscuous mode)
ping -c 3 -s 1111 -W 1 192.0.2.2 > /dev/null 2>&1
in_peer $IP neigh replace 192.0.2.99 lladdr 02:00:00:00:00:99 dev eth1
in_peer ping -c 3 -W 1 192.0.2.99 > /dev/null 2>&1
sleep 3

wait $iperf_pid; iperf_rc=$?
wait $ping_pid; ping_rc=$?
wait $mcast_pid; mcast_rc=$?
for i in $(seq $((B * 5))); do [ -f /tmp/nc.rc ] && break; sleep 0.2; done
kill $nc_server 2> /dev/null; wait $nc_server 2> /dev/null
kill -INT $tcpdump_pid; wait $tcpdump_pid; tcpdump_rc=$?
tx=$(sha256sum < /tmp/tx.bin | cut -d' ' -f1)
rx=$(in_peer sha256sum < /tmp/rx.bin | cut -d' ' -f1)
after=$(tcpdump -r /tmp/cap.pcap -n 'icmp and greater 1100' 2> /dev/null | wc -l)
promisc=$(tcpdump -r /tmp/cap.pcap -n -e 'ether dst 02:00:00:00:00:99' 2> /dev/null | wc -l)
last_iv=$(grep -E '^\[ *[0-9]+\] +[0-9.]+-[0-9.]+ +sec' /tmp/iperf.out | grep -v 'sender\|receiver' | tail -n 1)

echo "# iperf3: exit $iperf_rc; last interval: $last_iv"
echo "# tcp transfer: $(cat /tmp/nc.rc 2>/dev/null); sha256 sent $tx received $rx ($(wc -c < /tmp/rx.bin) bytes)"
echo "# tcpdump: exit $tcpdump_rc, $(tail -n 3 /tmp/tcpdump.err | tr '\n' ' '); $after marked packets captured after the recovery; $promisc frames to a foreign MAC captured after the recovery"
echo "# multicast: $(tr '\n' ' ' < /tmp/mcast.out)"
echo "# udp ping: $(tr '\n' ' ' < /tmp/ping.out)"
echo "# interruption (largest gap between echoes): $(kv max_gap_ms /tmp/ping.out) ms"
# every failure the wrapper detected, with the time it was seen (a second
# one is a defect of its own: the log says what it was)
dmesg | grep -E '(nooks|shadow_net): .*(contained|detected|driver failed|fail-stopped|restarted|held by|dropped|timeout)' | sed 's/^/# /'

tap_ok $([ $recovered = 0 ] && echo 1 || echo 0) "$MODE: fault contained, driver restarted"
tap_ok $([ "$(cat $S/failures)" = 1 ] && echo 1 || echo 0) "$MODE: exactly one failure"
tap_ok $([ -z "$(dmesg | grep -E 'Oops|BUG: ')" ] && echo 1 || echo 0) "$MODE: the kernel survived"
if [ "$MODE" = shadow ]; then
	tap_ok $([ "$(cat $S/shadow_state)" = passive ] && echo 1 || echo 0) "shadow back to passive"
	tap_ok $([ "$(cat /sys/class/net/eth0/ifindex 2>/dev/null)" = "$ifindex" ] && echo 1 || echo 0) "same device: eth0, ifindex $ifindex"
	tap_ok $($IP addr show eth0 | grep -q 'inet 192.0.2.1/24' && echo 1 || echo 0) "address kept"
	tap_ok $([ "$(cat /sys/class/net/eth0/address)" = 52:54:00:5e:00:01 ] && [ "$(cat /sys/class/net/eth0/mtu)" = 1400 ] && echo 1 || echo 0) "MAC and MTU set by the user replayed"
	tap_ok $([ $iperf_rc = 0 ] && echo "$last_iv" | grep -qv ' 0.00 Bytes' && echo 1 || echo 0) "iperf3 finished with no error, still carrying traffic at the end"
	tap_ok $([ "$(cat /tmp/nc.rc)" = rc=0 ] && echo 1 || echo 0) "100 MB TCP transfer finished with no error"
	tap_ok $([ "$tx" = "$rx" ] && echo 1 || echo 0) "100 MB arrived intact (sha256)"
	tap_ok $([ $tcpdump_rc = 0 ] && [ "$after" -gt 0 ] && echo 1 || echo 0) "tcpdump kept capturing"
	tap_ok $([ "$promisc" -gt 0 ] && echo 1 || echo 0) "promiscuous mode replayed to the hardware"
	last=$(kv last_seq /tmp/mcast.out)
	tap_ok $([ $mcast_rc = 0 ] && [ "${last:-0}" -ge $(( (T - 4) * 100 )) ] && echo 1 || echo 0) "multicast listener kept receiving (last seq ${last:-none})"
	gap=$(kv max_gap_ms /tmp/ping.out)
	tap_ok $([ $ping_rc = 0 ] && awk "BEGIN { exit !(${gap:-99999} < 10000) }" && echo 1 || echo 0) "UDP ping kept getting echoes (interruption ${gap:-?} ms)"
	tap_ok $([ "$(cat $S/recoveries)" = 1 ] && echo 1 || echo 0) "one recovery"
fi
shadowctl disable "$DRIVER"
tap_done
