#!/bin/sh
# vm: --net e1000
# timeout: 180
# Call-site binding (nooks/bind.c) with the nooks_bindtest counting
# wrappers: bind a live e1000 and check its calls reach the wrappers while
# traffic flows, unbind and check they no longer do; then bind e1000 while
# it loads (init text too), unload it while bound, and unload everything
# without kernel warnings.
. /opt/shadowdrv/tests/lib.sh
D=/sys/kernel/debug/nooks_bindtest

calls() { sed -n "s/^calls $1 //p" $D/counts; }
sites() { awk -v s="$1" '$1 == s { print $2 }' $D/counts; }
bound() { sed -n 's/^module \([^ ]*\) \([a-z]*\) sites \([0-9]*\).*/\1 \2 \3/p' $D/counts; }
ping_peer() { ping -c 3 -W 2 192.0.2.2 > /dev/null 2>&1; }
ctl() { echo "$1" > $D/bind 2> /dev/null; }
# ge A B: 1 if A >= B (A may be empty), else 0
ge() { [ "${1:-0}" -ge "$2" ] && echo 1 || echo 0; }
show() { sed 's/^/# /' $D/counts; }

tap_plan 31

tap_cmd "load nooks and nooks_bindtest" \
	sh -c 'modprobe nooks && modprobe nooks_bindtest'

# --- live module -----------------------------------------------------------
tap_cmd "bind live e1000" ctl e1000
show
set -- $(bound)
tap_ok $([ "$1 $2" = "e1000 bound" ] && [ "${3:-0}" -gt 0 ] && echo 1 || echo 0) \
	"e1000 bound with $3 sites"
tap_ok $([ "$(ge "$(sites request_threaded_irq)" 1)$(ge "$(sites free_irq)" 1)$(ge "$(sites kfree)" 1)" = 111 ] && echo 1 || echo 0) \
	"request_threaded_irq, free_irq and kfree call sites bound"
tap_ok $(ge "$(sed -n 's/^queue_work_on .* jmp \([0-9]*\) .*/\1/p' $D/counts)" 1) \
	"tail calls (jmp) to queue_work_on bound"
tap_ok $([ "$(sites __pci_register_driver)" = 0 ] && echo 1 || echo 0) \
	"init text (__pci_register_driver) not patched on a live module"
ctl e1000
tap_ok $([ $? != 0 ] && echo 1 || echo 0) "second binding of e1000 refused"

tap_cmd "ping peer while bound" ping_peer
napi0=$(calls __napi_schedule)
tap_ok $(ge "$napi0" 1) "__napi_schedule through wrapper ($napi0 calls)"

irq0=$(calls request_threaded_irq) fir0=$(calls free_irq)
dma0=$(calls dma_alloc_attrs) vz0=$(calls vzalloc)
$IP link set eth0 down && $IP link set eth0 up
tap_cmd "link down/up while bound, peer reachable again" shadowdrv-net wait
show
tap_ok $([ "$(calls request_threaded_irq)" -gt "$irq0" ] &&
	 [ "$(calls free_irq)" -gt "$fir0" ] && echo 1 || echo 0) \
	"request_threaded_irq/free_irq counted on down/up"
tap_ok $([ "$(calls dma_alloc_attrs)" -gt "$dma0" ] &&
	 [ "$(calls vzalloc)" -gt "$vz0" ] && echo 1 || echo 0) \
	"dma_alloc_attrs/vzalloc counted on down/up"

tap_cmd "unbind e1000" ctl unbind
tap_ok $([ "$(bound)" = "" ] && echo 1 || echo 0) "binding gone"
napi1=$(calls __napi_schedule)
tap_cmd "ping peer after unbind" ping_peer
tap_ok $([ "$(calls __napi_schedule)" = "$napi1" ] && echo 1 || echo 0) \
	"no wrapper calls after unbind"

# --- live rebinding while the driver runs flat out -------------------------
in_peer iperf3 -s -D -p 5201 --logfile /tmp/iperf3-bind.log
sleep 0.5
iperf3 -c 192.0.2.2 -t 8 > /tmp/iperf3-bind.out 2>&1 &
ipid=$!
sleep 1
cyc=0
for i in 1 2 3 4 5 6; do
	ctl e1000 || break
	sleep 0.3
	ctl unbind || break
	sleep 0.3
	cyc=$i
done
tap_ok $([ "$cyc" = 6 ] && echo 1 || echo 0) \
	"6 bind/unbind cycles under iperf3 traffic ($cyc done)"
wait $ipid
tap_ok $([ $? = 0 ] && echo 1 || echo 0) "iperf3 through eth0 unharmed by rebinding"
sed -n 's/^\(.*receiver\)$/# \1/p' /tmp/iperf3-bind.out

# --- module loading (COMING): core and init text ------------------------
pci0=$(calls __pci_register_driver) add0=$(calls netif_napi_add_weight)
ctl "arm e1000"
rmmod e1000
tap_cmd "reload e1000 armed for binding" shadowdrv-net dut
show
set -- $(bound)
tap_ok $([ "$1 $2" = "e1000 bound" ] &&
	 [ "$(sed -n 's/^__pci_register_driver .* init_dropped \([0-9]*\) .*/\1/p' $D/counts)" = 1 ] &&
	 echo 1 || echo 0) "bound at load; init site dropped when live"
tap_ok $([ "$(calls __pci_register_driver)" -gt "$pci0" ] &&
	 [ "$(calls netif_napi_add_weight)" -gt "$add0" ] && echo 1 || echo 0) \
	"init text and probe calls went through wrappers"
tap_cmd "ping peer, bound since load" ping_peer

rmmod e1000
tap_ok $([ "$(bound)" = "e1000 gone 0" ] && echo 1 || echo 0) \
	"unloading the bound module restores and detaches the binding"
napi2=$(calls __napi_schedule)
tap_cmd "reload e1000 unbound, peer reachable" shadowdrv-net dut
tap_ok $([ "$(calls __napi_schedule)" = "$napi2" ] && echo 1 || echo 0) \
	"reloaded e1000 does not reach the wrappers"
tap_cmd "free the detached binding" ctl unbind

# --- teardown --------------------------------------------------------------
tap_cmd "bind live e1000 again" ctl e1000
tap_cmd "unload nooks_bindtest while bound (exit unbinds)" rmmod nooks_bindtest
tap_cmd "ping peer after unloading the wrappers" ping_peer
tap_cmd "unload nooks" rmmod nooks
dmesg | sed -n '/nooks/s/^/# /p'
bad=$(dmesg | grep -E "$(cat /opt/shadowdrv/bin/kernel-trouble.ere)")
[ -n "$bad" ] && printf '%s\n' "$bad" | sed 's/^/# /'
tap_ok $([ -z "$bad" ] && echo 1 || echo 0) "no Oops/BUG/WARNING in dmesg"
tap_done
