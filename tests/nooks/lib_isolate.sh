# SPDX-License-Identifier: GPL-2.0
# Shared body of the per-driver isolate-mode tests (test_isolate_*.sh):
# every fault kind in every context is contained and the driver is
# restarted (Nooks restart), for the driver named by DRIVER. The caller
# sets DRIVER; the driver's functions for each context come from the
# driver table (tools/drivers, columns OPEN INFO RXMODE POLL IRQ) unless
# the caller sets them:
#   F_OPEN (ndo_open, process), F_INFO (ethtool get_drvinfo, process),
#   F_RXMODE (set_rx_mode, process, BH off), F_POLL (NAPI poll, softirq),
#   F_IRQ (interrupt handler, hardirq).
. /opt/shadowdrv/tests/lib.sh
S=/sys/kernel/shadow/$DRIVER
F_OPEN=${F_OPEN:-$(driver_field "$DRIVER" open)}
F_INFO=${F_INFO:-$(driver_field "$DRIVER" info)}
F_RXMODE=${F_RXMODE:-$(driver_field "$DRIVER" rxmode)}
F_POLL=${F_POLL:-$(driver_field "$DRIVER" poll)}
F_IRQ=${F_IRQ:-$(driver_field "$DRIVER" irq)}
if [ -z "$F_OPEN" ] || [ -z "$F_INFO" ] || [ -z "$F_RXMODE" ] ||
    [ -z "$F_POLL" ] || [ -z "$F_IRQ" ]; then
	echo "# $DRIVER: an entry function is missing in tools/drivers:" \
		"open '$F_OPEN' info '$F_INFO' rxmode '$F_RXMODE' poll '$F_POLL' irq '$F_IRQ'"
	exit 1
fi

# trigger CONTEXT: make the kernel call the driver in that context
trigger() {
	case $1 in
	open)	$IP link set eth0 down; $IP link set eth0 up 2>/dev/null ;;
	info)	ethtool -i eth0 > /dev/null 2>&1 ;;
	rxmode)	$IP link set eth0 promisc on 2>/dev/null
		$IP link set eth0 promisc off 2>/dev/null ;;
	poll|irq) ping -c 20 -i 0.05 -W 1 192.0.2.2 > /dev/null 2>&1 ;;
	esac
}

func_of() {
	case $1 in
	open) echo "$F_OPEN" ;; info) echo "$F_INFO" ;;
	rxmode) echo "$F_RXMODE" ;; poll) echo "$F_POLL" ;; irq) echo "$F_IRQ" ;;
	esac
}

CASES="null:open null:info null:rxmode null:poll null:irq
gpf:open gpf:info gpf:rxmode gpf:poll gpf:irq
bug:open bug:info bug:rxmode bug:poll bug:irq
hang:open hang:info hang:rxmode hang:poll hang:irq
corrupt:open corrupt:info corrupt:rxmode corrupt:poll"

tap_plan $(( $(echo $CASES | wc -w) * 2 + 7 ))

# isolated from its first instruction: domain first, then load
modprobe -r "$DRIVER"
modprobe nooks
tap_cmd "shadowctl enable $DRIVER isolate before load" shadowctl enable "$DRIVER" isolate
tap_cmd "$DRIVER loads isolated and carries traffic" shadowdrv-net dut
tap_ok $([ "$(cat $S/state)" = running ] && echo 1 || echo 0) "state is running"

n=0
for c in $CASES; do
	fault=${c%%:*} ctx=${c##*:}
	after=0
	case $ctx in poll|irq) after=5 ;; esac
	before=$(cat $S/failures)
	shadowctl inject "$DRIVER" "$fault" --function "$(func_of $ctx)" --after $after
	trigger "$ctx"
	n=$((n + 1))
	if wait_recovered "$DRIVER" $n; then
		tap_ok 1 "$fault in $ctx ($(func_of $ctx)): contained, restarted in $(cat $S/last_recovery/total_us) us"
	else
		tap_ok 0 "$fault in $ctx ($(func_of $ctx)): contained and restarted"
		echo "# last_fault: $(cat $S/last_fault); inject: $(cat /sys/kernel/debug/shadow/$DRIVER/inject)"
		n=$(cat $S/recoveries)
	fi
	echo "# last_fault: $(cat $S/last_fault)"
	shadowdrv-net dut > /dev/null 2>&1
	ping -c 3 -W 2 192.0.2.2 > /dev/null 2>&1
	tap_ok $([ $? = 0 ] && [ "$(cat $S/failures)" = $((before + 1)) ] && echo 1 || echo 0) \
		"traffic flows again after $fault in $ctx"
done

# an injected error is an error, not a failure: no restart
before=$(cat $S/failures)
shadowctl inject "$DRIVER" error --function "$F_OPEN"
$IP link set eth0 down
$IP link set eth0 up 2>/dev/null && ok=0 || ok=1
tap_ok $ok "error injection: ndo_open fails with an error"
tap_ok $([ "$(cat $S/failures)" = "$before" ] && echo 1 || echo 0) "error injection: no failure counted"
$IP link set eth0 up

# after all those restarts, the interface carries iperf3
in_peer iperf3 -s -D -1 -p 5201
sleep 0.5
tap_cmd "iperf3 runs through the restarted $DRIVER" sh -c 'iperf3 -c 192.0.2.2 -p 5201 -t 3 > /tmp/iperf.out && tail -n 4 /tmp/iperf.out | sed "s/^/# /"'

# the kernel stays quiet for 10 s (guest-run then checks dmesg)
sleep 10
tap_cmd "disable returns $DRIVER to native, traffic flows" sh -c "shadowctl disable $DRIVER && shadowdrv-net dut"
shadowctl unload
tap_done
