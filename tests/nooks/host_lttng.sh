#!/bin/bash
# timeout: 240
# A recovery recorded with LTTng (lttng/lttng-probe-{nooks,shadow}.ko) in
# a guest: lttng-sessiond loads the probes, a kernel session records the
# nooks_* and shadow_* events while an injected NULL dereference in
# e1000's NAPI poll is recovered in shadow mode, and the trace comes back
# to the host through --share. babeltrace2 must read it and show the
# events in order (injection, fault, shadow passive -> active, the six
# phases begun and ended in order, replayed operations during replay,
# shadow back to passive, recovery ok); tools/shadow-trace must find one
# recovery whose phase durations add up exactly to its total.
set -uo pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
LOG=$TOP/build/logs/host_lttng.console.log
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
fail=0 n=0
check() {	# check DESC COMMAND...
	n=$((n + 1))
	if "${@:2}"; then echo "ok $n - $1"; else echo "not ok $n - $1"; fail=1; fi
}
echo "TAP version 13"
echo "1..12"

# The guest: record with LTTng, then copy the trace to the host.
"$TOP/tools/vm" --lttng --net e1000 --share "$out" --timeout 180 --log "$LOG" -- '
set -e
S=/sys/kernel/shadow/e1000
. /opt/shadowdrv/bin/lib-drivers.sh	# driver_field: the NAPI poll of e1000
export LTTNG_KMOD_PROBES=nooks,shadow	# our probes only
lttng-sessiond -d
lttng create s --output=/tmp/trace > /dev/null
lttng enable-event -k "nooks_*,shadow_*" > /dev/null
lttng start > /dev/null
modprobe shadow_net
shadowctl enable e1000 shadow
shadowdrv-net dut > /dev/null
shadowctl inject e1000 null --function "$(driver_entry e1000 poll)" --after 5
ping -c 20 -i 0.05 -W 1 192.0.2.2 > /dev/null 2>&1 || true
for i in $(seq 200); do
	[ "$(cat $S/recoveries)" = 1 ] && [ "$(cat $S/shadow_state)" = passive ] && break
	sleep 0.1
done
lttng stop > /dev/null
lttng destroy > /dev/null
cp -r /tmp/trace /mnt/host/trace
echo "recoveries $(cat $S/recoveries), shadow $(cat $S/shadow_state)"
' > "$out/guest.out" 2>&1
rc=$?
sed 's/^/# guest: /' "$out/guest.out"
check "guest recorded a recovery with LTTng (exit $rc)" \
	grep -q '^recoveries 1, shadow passive' "$out/guest.out"
check "trace brought back to the host" test -f "$out/trace/kernel/metadata"

babeltrace2 --clock-seconds --no-delta "$out/trace" > "$out/events" 2> "$out/bt.err"
check "babeltrace2 reads the trace" test -s "$out/events"
sed 's/^/# /' "$out/bt.err"

# one token per event, in trace order, without the stand-in answers:
# inject fault state:FROM>TO begin:PHASE end:PHASE replay:OP recovery:OK
awk '
function f(name) {
	if (!match($0, "[{,] " name " = (\"[^\"]*\"|[^,} ]+)"))
		return "";
	v = substr($0, RSTART, RLENGTH);
	sub(/^[{,] [a-z_]+ = "?/, "", v);
	sub(/"$/, "", v);
	return v;
}
/ nooks_inject: /	{ print "inject" }
/ nooks_fault: /	{ print "fault:" f("kind") ":" f("ip_sym") }
/ shadow_state: /	{ print "state:" f("from") ">" f("to") }
/ nooks_phase_begin: /	{ print "begin:" f("phase") }
/ nooks_phase_end: /	{ print "end:" f("phase") }
/ shadow_replay: /	{ print "replay:" f("op") }
/ nooks_recovery: /	{ print "recovery:" f("ok") }
' "$out/events" > "$out/seq"
echo "# events: $(tr '\n' ' ' < "$out/seq")"
at() { grep -n -m 1 -x -e "$1" "$out/seq" | cut -d: -f1; }
# in_order TOKEN...: each found after the previous one (the first after
# it: a live switch before the fault has shadow states and replays too)
in_order() {
	local prev=0 p
	for t in "$@"; do
		p=$(tail -n +$((prev + 1)) "$out/seq" | grep -n -m 1 -x -e "$t" | cut -d: -f1)
		[ -n "$p" ] || { echo "# out of order or missing: $t"; return 1; }
		prev=$((prev + p))
	done
}
check "the injection precedes the fault" in_order inject 'fault:.*'
check "the fault is a page fault at nooks_inject_do_null (symbolised)" \
	grep -q -x 'fault:page:nooks_inject_do_null+0x[0-9a-f]*/0x[0-9a-f]* \[nooks_swifi\]' "$out/seq"
phases=()
for p in stop wait release reset restart replay; do phases+=("begin:$p" "end:$p"); done
check "the six phases begin and end in order" in_order 'fault:.*' "${phases[@]}" 'recovery:1'
check "shadow: passive -> active -> recovering -> passive, around the phases" \
	in_order 'fault:.*' 'state:passive>active' 'end:stop' 'state:active>recovering' \
	'end:release' 'begin:replay' 'state:recovering>passive' 'recovery:1'
check "operations replayed during the replay phase (open among them)" \
	in_order begin:replay replay:open end:replay
check "one fault, one recovery, ok" \
	test "$(grep -c '^fault:' "$out/seq") $(grep -c '^recovery:' "$out/seq") $(at recovery:1)" \
	= "1 1 $(wc -l < "$out/seq")"

sum=$(awk '/ nooks_phase_end: / { match($0, /ns = [0-9]+/); s += substr($0, RSTART + 5, RLENGTH - 5) }
	END { printf "%d", s }' "$out/events")
total=$(sed -n 's/.* nooks_recovery: .*total_ns = \([0-9]*\).*/\1/p' "$out/events")
echo "# babeltrace2: sum of the phases $sum ns, recovery total ${total:-none} ns"
check "the phase durations add up exactly to the total (babeltrace2)" \
	test -n "$total" -a "$sum" = "${total:-x}"

"$TOP/tools/shadow-trace" "$out/trace" > "$out/timeline" 2>&1
strc=$?
sed 's/^/# /' "$out/timeline"
check "tools/shadow-trace: phases add up exactly (exit $strc)" \
	grep -q "^  total: .*($total ns): the phases add up exactly" "$out/timeline"
check "tools/shadow-trace: one recovery of e1000, ok, six phases in order" \
	test "$(sed -n 's/^recovery 1 of \(.*\)$/\1/p;/^ *+[0-9.]* *[0-9.]*  [a-z]*$/s/.*  //p' "$out/timeline" | tr '\n' ' ')" \
	= "e1000: ok stop wait release reset restart replay "
exit $fail
