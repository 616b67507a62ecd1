#!/bin/sh
# vm: --net e1000
# timeout: 120
# Self-test of the guest network tools the recovery tests rely on, over a
# healthy eth0: udpping (1 ms UDP echo, interruption time), mcast (group
# listener) and a bulk TCP transfer with busybox nc checked by sha256sum.
. /opt/shadowdrv/tests/lib.sh
tap_plan 7

val() { sed -n "s/^$1=//p" "$2" | head -n 1; }

# udpping: echo server in the peer namespace, sender through eth0
$IP netns exec peer udpping echo -p 7777 2> /tmp/echo.err &
echo_pid=$!
udpping send -c 192.0.2.2 -p 7777 -t 5 -w 3000 -g /tmp/udpping.gaps > /tmp/udpping.out
rc=$?
kill "$echo_pid" 2> /dev/null
sed 's/^/# udpping: /' /tmp/udpping.out
tap_ok $([ $rc = 0 ] && echo 1 || echo 0) "udpping send completes"
sent=$(val sent /tmp/udpping.out)
recv=$(val received /tmp/udpping.out)
gap=$(val max_gap_ms /tmp/udpping.out)
tap_ok $(awk "BEGIN { print (${sent:-0} > 0 && ${recv:-0} * 100 >= ${sent:-0} * 95) ? 1 : 0 }") \
	"udpping received >= 95% of sent ($recv/$sent)"
tap_ok $(awk "BEGIN { print (\"$gap\" != \"\" && ${gap:-0} < 500) ? 1 : 0 }") \
	"udpping max gap below 500 ms ($gap ms)"

# multicast: listener in the peer namespace, sender out of eth0
$IP netns exec peer mcast recv -g 239.1.1.1 -p 5000 -I 192.0.2.2 -t 4 > /tmp/mcast.out &
mc_pid=$!
sleep 0.5
mcast send -g 239.1.1.1 -p 5000 -I 192.0.2.1 -t 2 > /tmp/mcast-send.out
wait "$mc_pid"
rc=$?
sed 's/^/# mcast recv: /' /tmp/mcast.out
sed 's/^/# mcast send: /' /tmp/mcast-send.out
mrecv=$(val received /tmp/mcast.out)
tap_ok $([ $rc = 0 ] && [ "${mrecv:-0}" -gt 0 ] && echo 1 || echo 0) \
	"multicast listener receives ($mrecv datagrams)"
tap_ok $([ "$(val lost /tmp/mcast.out)" = 0 ] && echo 1 || echo 0) \
	"multicast sequence has no gaps"

# bulk TCP: 20 MB of random data from the root namespace to the peer.
# busybox nc half-closes when its stdin ends, so the server's stdin is a
# FIFO held open read-write, which never ends.
head -c 20971520 /dev/urandom > /tmp/tx.bin
rm -f /tmp/rx.bin /tmp/nc.hold
mkfifo /tmp/nc.hold
$IP netns exec peer nc -l -p 5002 > /tmp/rx.bin 0<> /tmp/nc.hold &
nc_pid=$!
ok=0
for i in 1 2 3 4 5 6 7 8 9 10; do
	sleep 0.3
	if nc 192.0.2.2 5002 < /tmp/tx.bin; then
		ok=1
		break
	fi
done
[ $ok = 1 ] || kill "$nc_pid" 2> /dev/null
wait "$nc_pid"
tap_ok $ok "nc transfer of 20 MB completes"
tx=$(sha256sum < /tmp/tx.bin | cut -d' ' -f1)
rx=$($IP netns exec peer sha256sum < /tmp/rx.bin | cut -d' ' -f1)
echo "# sha256 sent $tx received $rx ($(wc -c < /tmp/rx.bin) bytes)"
tap_ok $([ "$tx" = "$rx" ] && echo 1 || echo 0) "received data matches (sha256)"
rm -f /tmp/tx.bin /tmp/rx.bin /tmp/nc.hold
tap_done
