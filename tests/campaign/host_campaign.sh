#!/bin/bash
# timeout: 600
# A 10-trial fault-injection campaign (tools/campaign): the same five
# NULL-dereference faults into e1000's hot paths under iperf3, natively and
# under the shadow driver. The classification must see them as kernel
# crashes natively and as recoveries the application never noticed when
# shadowed. Then the campaign is cut short (the last three trials
# dropped from trials.csv) and resumed: only those run again.
set -uo pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
out=$(mktemp -d)
# where tools/campaign keeps the guests' consoles and outputs
logs=$TOP/build/campaign-logs/$(basename "$out")
trap 'rm -rf "$out" "$logs"' EXIT
"$TOP/tools/campaign" --driver e1000 --workload iperf3 --faults 5 --seed 7 \
	--types null --modes native,shadow --out "$out" || exit 1
csv=$out/trials.csv
cat "$csv"
count() { awk -F, -v m="$1" -v o="$2" '$1 == m && $6 == o { k++ } END { print k + 0 }' "$csv"; }
fail=0
check() { if [ "$2" ]; then echo "ok - $1"; else echo "not ok - $1"; fail=1; fi; }
check "10 trials classified" "$([ "$(($(wc -l < "$csv") - 1))" = 10 ] && echo y)"
check "native: the injected faults crash the kernel ($(count native crash)/5)" \
	"$([ "$(count native crash)" -ge 4 ] && echo y)"
check "shadow: recovered with iperf3 unaware ($(count shadow recovered)/5)" \
	"$([ "$(count shadow recovered)" -ge 4 ] && echo y)"
check "shadow: no crash, no hang" \
	"$([ "$(count shadow crash)" = 0 ] && [ "$(count shadow hang)" = 0 ] && echo y)"

# --resume runs only what trials.csv lacks
head -n 8 "$csv" > "$csv.cut" && mv "$csv.cut" "$csv"
ls "$logs"/*.out > "$out/outs.before"
"$TOP/tools/campaign" --driver e1000 --workload iperf3 --faults 5 --seed 7 \
	--types null --modes native,shadow --out "$out" --resume || exit 1
pairs=$(tail -n +2 "$csv" | cut -d, -f1,2 | sort -u | wc -l)
check "resumed: 10 distinct trials again ($pairs)" \
	"$([ "$(($(wc -l < "$csv") - 1))" = 10 ] && [ "$pairs" = 10 ] && echo y)"
new=$(ls "$logs"/*.out | grep -vxFf "$out/outs.before" | wc -l)
check "resumed: the missing trials ran in $new new guest(s), no more than 2" \
	"$([ "$new" -ge 1 ] && [ "$new" -le 2 ] && echo y)"
check "resumed: shadow still recovered ($(count shadow recovered)/5)" \
	"$([ "$(count shadow recovered)" -ge 4 ] && echo y)"
exit $fail
