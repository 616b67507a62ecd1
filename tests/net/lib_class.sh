# SPDX-License-Identifier: GPL-2.0
# The net class in the isolation fault matrix (tests/lib_faults.sh): the
# device under test is eth0 at 192.0.2.1, the peer 192.0.2.2 in netns
# "peer" (tools/guest/shadowdrv-net).

class_start() { shadowdrv-net dut; }

class_trigger() {
	case $1 in
	open)	$IP link set eth0 down; $IP link set eth0 up 2>/dev/null ;;
	info)	ethtool -i eth0 > /dev/null 2>&1 ;;
	rxmode)	$IP link set eth0 promisc on 2>/dev/null
		$IP link set eth0 promisc off 2>/dev/null ;;
	poll|irq) ping -c 20 -i 0.05 -W 1 192.0.2.2 > /dev/null 2>&1 ;;
	esac
}

# traffic runs a little before a fault fires in the data path
class_after() {
	case $1 in poll|irq) echo 5 ;; *) echo 0 ;; esac
}

# corrupt spoils the first argument, a pointer: an interrupt handler's is
# the interrupt number
class_skip() { [ "$1:$2" = corrupt:irq ]; }

# a Nooks restart makes a new interface: configure it again
class_works() {
	shadowdrv-net dut > /dev/null 2>&1
	ping -c 3 -W 2 192.0.2.2 > /dev/null 2>&1
}

# the first context is open: bringing the interface up fails
class_error() {
	$IP link set eth0 down
	if $IP link set eth0 up 2> /dev/null; then
		return 1
	fi
	$IP link set eth0 up
	return 0
}

class_final() {
	in_peer iperf3 -s -D -1 -p 5201
	sleep 0.5
	iperf3 -c 192.0.2.2 -p 5201 -t 3 > /tmp/iperf.out &&
		tail -n 4 /tmp/iperf.out | sed "s/^/# /"
}
