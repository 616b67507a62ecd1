#!/bin/bash
# timeout: 60
# SPDX-License-Identifier: GPL-2.0
#
# tools/shadowctl on the host against a made-up /sys/kernel/shadow
# (SHADOWDRV_SYSFS): status --json is valid JSON with every field of the
# files (a last_fault with quotes and a backslash included, the policy and
# the last recovery of a shadowed driver, none for an isolated one);
# --json DRIVER gives that driver only, an unknown one fails; no tree
# gives "loaded": false; help and COMMAND --help print that command's
# synopsis and exit 0, an unknown command's help exits 2; bash completion
# offers the commands, the drivers of the table, modes, faults and policy
# settings.
set -uo pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
CTL=$TOP/tools/shadowctl
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail=0
check() { if [ "$2" ]; then echo "ok - $1"; else echo "not ok - $1"; fail=1; fi; }

mk() {	# mk DIR FILE VALUE...
	local d=$1
	shift
	mkdir -p "$d"
	while [ $# -gt 1 ]; do
		printf '%s\n' "$2" > "$d/$1"
		shift 2
	done
}
S=$T/sys
mkdir -p "$S"
: > "$S/add"
mk "$S/e1000" mode shadow state running failures 2 recoveries 2 objects 31 \
	classes net members e1000 shadow_state passive \
	last_fault 'page at e1000_clean+0x1c "poll" \ napi'
mk "$S/e1000/policy" auto_recover 1 grace_ms 200 restart_budget 10 budget_window_s 600
mk "$S/e1000/last_recovery" stop_us 40 wait_us 3 release_us 90 reset_us 2100 \
	restart_us 5400 replay_us 800 total_us 8433 ok 1
mk "$S/snd_intel8x0" mode isolate state failstop failures 1 recoveries 0 objects 0 \
	classes sound members "snd_intel8x0 snd_ac97_codec" last_fault none

out=$(SHADOWDRV_SYSFS=$S "$CTL" status --json)
echo "# $out"
py() { python3 -c "import json, sys; d = json.loads(sys.argv[1]); $1" "$out"; }
check "status --json is valid JSON" "$(py 'print("y")' 2> /dev/null)"
check "two drivers, loaded" "$(py 'assert d["loaded"] and len(d["drivers"]) == 2; print("y")' 2> /dev/null)"
check "e1000: mode, state, counters, classes" "$(py '
e = [x for x in d["drivers"] if x["driver"] == "e1000"][0]
assert (e["mode"], e["state"], e["failures"], e["recoveries"], e["objects"]) == ("shadow", "running", 2, 2, 31)
assert e["classes"] == ["net"] and e["helpers"] == [] and e["shadow_state"] == "passive"
print("y")' 2> /dev/null)"
check "e1000: last_fault with quotes and a backslash kept" "$(py '
e = [x for x in d["drivers"] if x["driver"] == "e1000"][0]
assert e["last_fault"] == "page at e1000_clean+0x1c \"poll\" \\ napi", e["last_fault"]
print("y")' 2> /dev/null)"
check "e1000: policy and last recovery" "$(py '
e = [x for x in d["drivers"] if x["driver"] == "e1000"][0]
assert e["policy"] == {"auto_recover": 1, "grace_ms": 200, "restart_budget": 10, "budget_window_s": 600}
assert e["last_recovery"]["total_us"] == 8433 and e["last_recovery"]["ok"] == 1
print("y")' 2> /dev/null)"
check "snd_intel8x0: helpers, no policy or shadow state" "$(py '
s = [x for x in d["drivers"] if x["driver"] == "snd_intel8x0"][0]
assert s["helpers"] == ["snd_ac97_codec"] and "policy" not in s and "shadow_state" not in s
assert s["state"] == "failstop"
print("y")' 2> /dev/null)"
out=$(SHADOWDRV_SYSFS=$S "$CTL" status --json snd-intel8x0)
check "status --json snd-intel8x0: that driver only" \
	"$(py 'assert [x["driver"] for x in d["drivers"]] == ["snd_intel8x0"]; print("y")' 2> /dev/null)"
SHADOWDRV_SYSFS=$S "$CTL" status --json nosuch > /dev/null 2>&1
check "status --json of an unmanaged driver: exit 1" "$([ $? = 1 ] && echo y)"
out=$(SHADOWDRV_SYSFS=$T/none "$CTL" status --json)
check "no /sys/kernel/shadow: loaded false" \
	"$(py 'assert d == {"loaded": False, "drivers": []}; print("y")' 2> /dev/null)"

out=$("$CTL" enable --help)
check "enable --help: enable's synopsis, exit 0" \
	"$([ $? = 0 ] && [ "$(echo "$out" | head -n 1 | awk '{ print $1, $2 }')" = "shadowctl enable" ] && echo y)"
out=$("$CTL" help inject)
check "help inject: the inject lines and their continuation" \
	"$([ "$(echo "$out" | grep -c '^ *shadowctl inject')" = 2 ] && echo "$out" | grep -q 'FAULT: null' && echo y)"
"$CTL" help frobnicate > /dev/null 2>&1
check "help of an unknown command: exit 2" "$([ $? = 2 ] && echo y)"
"$CTL" > /dev/null 2>&1
check "no command: the synopsis, exit 2" "$([ $? = 2 ] && echo y)"

# bash completion, with the driver table beside shadowctl on PATH
comp() {
	PATH=$TOP/tools:$PATH bash -c '. "$1/tools/shadowctl.bash-completion"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); COMPREPLY=(); _shadowctl
		echo "${COMPREPLY[*]}"' _ "$TOP" "$@"
}
check "completion: commands (en -> enable)" "$([ "$(comp shadowctl en)" = enable ] && echo y)"
check "completion: drivers of the table (snd_ -> the three sound drivers)" \
	"$([ "$(comp shadowctl enable snd_ | wc -w)" = 3 ] && echo y)"
check "completion: modes, faults, settings, policy actions" \
	"$([ "$(comp shadowctl enable e1000 s)" = shadow ] && [ "$(comp shadowctl inject e1000 g)" = gpf ] &&
	[ "$(comp shadowctl set e1000 re)" = restart_budget= ] && [ "$(comp shadowctl policy a)" = apply ] && echo y)"
exit $fail
