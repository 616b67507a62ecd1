#!/bin/bash
# timeout: 300
# tools/vm returns the guest command's output and exit status, and fails
# fast (keeping the console log) when the guest oopses, warns, panics or
# hangs: what make check relies on to never hang CI.
set -uo pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
VM=$TOP/tools/vm
LOG=$TOP/build/logs/host_vm_failfast.console.log
fail=0
check() {	# check DESC EXPECTED_RC ACTUAL_RC
	if [ "$2" = "$3" ]; then echo "ok - $1"; else echo "not ok - $1 (exit $3, want $2)"; fail=1; fi
}

out=$("$VM" --timeout 60 --log "$LOG" -- 'echo hello from the guest; exit 7' 2>/dev/null)
check "exit status comes back" 7 $?
[ "$out" = "hello from the guest" ] && echo "ok - output comes back" ||
	{ echo "not ok - output comes back (got '$out')"; fail=1; }

start=$(date +%s)
"$VM" --timeout 120 --log "$LOG" -- 'echo c > /proc/sysrq-trigger; sleep 100' 2>/dev/null
check "a crash fails the run" 125 $?
t=$(( $(date +%s) - start ))
[ $t -lt 60 ] && echo "ok - crash detected in ${t}s" || { echo "not ok - crash took ${t}s"; fail=1; }
grep -q 'sysrq triggered crash' "$LOG" && echo "ok - console log kept" ||
	{ echo "not ok - console log lacks the crash"; fail=1; }

# a kernel warning line that no test announced, then the same announced
"$VM" --timeout 60 --log "$LOG" -- 'echo "<4>WARNING: CPU: 0 PID: 1 at fake.c:1 injected" > /dev/kmsg; exit 0' 2>/dev/null
check "an unannounced WARNING fails the run" 125 $?
"$VM" --timeout 60 --log "$LOG" -- 'echo "shadowdrv-vm: allow injected" > /dev/kmsg; echo "<4>WARNING: CPU: 0 PID: 1 at fake.c:1 injected" > /dev/kmsg; exit 0' 2>/dev/null
check "an announced message passes" 0 $?

start=$(date +%s)
"$VM" --timeout 25 --log "$LOG" -- 'sleep 1000' 2>/dev/null
check "a hung guest times out" 124 $?
t=$(( $(date +%s) - start ))
[ $t -lt 45 ] && echo "ok - timeout honoured (${t}s)" || { echo "not ok - timeout took ${t}s"; fail=1; }
exit $fail
