#!/bin/sh
# vm: --net e1000
# timeout: 120
# The tracepoints tell the story of a recovery (tracefs events nooks:*
# and shadow:*): injection, containment, shadow active, every phase begun
# and ended, replayed operations, back to passive; the phase durations add
# up to the recovery's total. A switch of the running driver to off
# and back to isolate (live switches, devices kept) are traced too
# (nooks_switch), with the total last_switch/ shows.
. /opt/shadowdrv/tests/lib.sh
TR=/sys/kernel/tracing
S=/sys/kernel/shadow/e1000
POLL=$(driver_entry e1000 poll)		# e1000_clean
tap_plan 9
modprobe shadow_net
shadowctl enable e1000 shadow
shadowdrv-net dut > /dev/null
echo > $TR/trace
echo 1 > $TR/events/nooks/enable
echo 1 > $TR/events/shadow/enable
shadowctl inject e1000 null --function "$POLL" --after 5
ping -c 20 -i 0.05 -W 1 192.0.2.2 > /dev/null 2>&1
wait_for 20 sh -c "[ \$(cat $S/recoveries) = 1 ] && [ \$(cat $S/shadow_state) = passive ]"
echo 0 > $TR/events/nooks/enable
echo 0 > $TR/events/shadow/enable
# the events, in order, without the standin chatter
grep -E 'nooks_|shadow_' $TR/trace | grep -v shadow_standin |
	sed 's/.*\(nooks_[a-z_]*\|shadow_[a-z_]*\): /\1 /' > /tmp/events
sed 's/^/# /' /tmp/events
order=$(awk '{ print $1 }' /tmp/events | uniq | tr '\n' ' ')
echo "# order: $order"
first() { grep -n "$1" /tmp/events | head -n 1 | cut -d: -f1; }
before() { a=$(first "$1"); b=$(first "$2"); [ -n "$a" ] && [ -n "$b" ] && [ "$a" -lt "$b" ]; }
tap_cmd "injection traced before the fault" before nooks_inject nooks_fault
tap_cmd "fault traced, with driver, kind and context" grep -q 'nooks_fault driver=e1000 kind=page .*context=softirq' /tmp/events
tap_cmd "shadow goes passive -> active" grep -q 'shadow_state driver=e1000 passive -> active' /tmp/events
ok=1
for p in stop wait release reset restart replay; do
	grep -q "nooks_phase_begin driver=e1000 phase=$p " /tmp/events || ok=0
	grep -q "nooks_phase_end driver=e1000 phase=$p " /tmp/events || ok=0
done
tap_ok $ok "every phase begins and ends"
tap_cmd "replayed operations traced (open)" grep -q 'shadow_replay device=eth0 op=open' /tmp/events
tap_cmd "shadow back recovering -> passive" grep -q 'shadow_state driver=e1000 recovering -> passive' /tmp/events
sum=$(sed -n 's/.*nooks_phase_end driver=e1000 phase=[a-z]* ns=\([0-9]*\).*/\1/p' /tmp/events | awk '{ s += $1 } END { print s }')
total=$(sed -n 's/.*nooks_recovery driver=e1000 ok=1 total_ns=\([0-9]*\).*/\1/p' /tmp/events)
echo "# sum of phases $sum ns, recovery total $total ns"
tap_ok $([ -n "$total" ] && [ "$sum" = "$total" ] && echo 1 || echo 0) "phase durations add up to the total"
tap_cmd "recovery traced with ok=1" grep -q 'nooks_recovery driver=e1000 ok=1' /tmp/events

echo > $TR/trace
echo 1 > $TR/events/nooks/nooks_switch/enable
shadowctl disable e1000 && shadowctl enable e1000 isolate
echo 0 > $TR/events/nooks/nooks_switch/enable
grep -o 'nooks_switch: .*' $TR/trace > /tmp/switches
sed 's/^/# /' /tmp/switches
us=$(cat $S/last_switch/total_us 2> /dev/null)
ns=$(sed -n 's/.*mode=isolate .* total_ns=\([0-9]*\).*/\1/p' /tmp/switches)
tap_ok $(grep -q 'driver=e1000 method=live mode=off ok=1 stop_ns=[1-9]' /tmp/switches &&
	grep -q 'driver=e1000 method=live mode=isolate ok=1 stop_ns=[1-9]' /tmp/switches &&
	[ -n "$ns" ] && [ $((ns / 1000)) = "$us" ] && echo 1 || echo 0) \
	"live switches to off and back to isolate traced: method, mode, phases, total ${ns:-?} ns ($us us in last_switch)"
tap_done
