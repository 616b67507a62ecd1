#!/bin/bash
# timeout: 400
# SPDX-License-Identifier: GPL-2.0
#
# The guest tests as a kselftest collection (tools/kselftest-install, the
# kernel's kselftest-install layout): every guest test of tests/ is in
# kselftest-list.txt and has its entry; the kernel's run_kselftest.sh,
# in a guest, runs a real test (nooks/test_callcost.sh) to "ok", skips one
# whose device the guest lacks (e1000) with "# SKIP", and reports a test
# that fails as "not ok", in TAP.
set -uo pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
DIR=$TOP/build/kselftest-host-test
fail=0
check() { if [ "$2" ]; then echo "ok - $1"; else echo "not ok - $1"; fail=1; fi; }

"$TOP/tools/kselftest-install" "$DIR" > /dev/null
check "tools/kselftest-install lays out run_kselftest.sh and the runner" \
	"$([ -x "$DIR/run_kselftest.sh" ] && [ -f "$DIR/kselftest/runner.sh" ] && echo y)"
want=$(cd "$TOP" && ls tests/*/test_*.sh tests/*/test_*.c tests/*/matrix_*.sh tests/*/deep_*.sh | wc -l)
have=$(grep -c '^shadowdrv:' "$DIR/kselftest-list.txt")
missing=0
while IFS=: read -r _ t; do
	[ -x "$DIR/shadowdrv/$t" ] || missing=$((missing + 1))
done < "$DIR/kselftest-list.txt"
check "kselftest-list.txt: $have of $want guest tests, each with its entry ($missing missing)" \
	"$([ "$have" = "$want" ] && [ $missing = 0 ] && echo y)"

# a test that fails, run as the others are (the share is /mnt/host in the
# guest, three levels above /opt/shadowdrv/tests)
printf '#!/bin/sh\necho "not ok 1 - made to fail"\nexit 1\n' > "$DIR/fails.sh"
printf '#!/bin/sh\nexec "$(dirname "$0")/ksft-run" ../../../mnt/host/fails.sh\n' \
	> "$DIR/shadowdrv/zz_fails.sh"
chmod 0755 "$DIR/shadowdrv/zz_fails.sh"
echo "shadowdrv:zz_fails.sh" >> "$DIR/kselftest-list.txt"

"$TOP/tools/vm" --share "$DIR" --timeout 300 -- \
	'/mnt/host/run_kselftest.sh -t shadowdrv:nooks_test_callcost.sh -t shadowdrv:net_test_survive_e1000.sh -t shadowdrv:zz_fails.sh' \
	> "$DIR.out" 2>&1
sed 's/^/# /' "$DIR.out"
check "TAP from run_kselftest.sh: 3 tests" \
	"$(grep -qx 'TAP version 13' "$DIR.out" && grep -qx '1\.\.3' "$DIR.out" && echo y)"
check "a real test passes: ok 1 selftests: shadowdrv: nooks_test_callcost.sh" \
	"$(grep -qx 'ok 1 selftests: shadowdrv: nooks_test_callcost.sh' "$DIR.out" && echo y)"
check "its own TAP is in the output (# ok 3 - direct call)" \
	"$(grep -q '^# ok 3 - direct call' "$DIR.out" && echo y)"
check "a test whose device is missing is skipped: ok 2 ... # SKIP (no e1000)" \
	"$(grep -qx 'ok 2 selftests: shadowdrv: net_test_survive_e1000.sh # SKIP' "$DIR.out" &&
		grep -q 'SKIP: no e1000 device' "$DIR.out" && echo y)"
check "a failing test is not ok: not ok 3 selftests: shadowdrv: zz_fails.sh" \
	"$(grep -q '^not ok 3 selftests: shadowdrv: zz_fails.sh' "$DIR.out" && echo y)"
rm -rf "$DIR" "$DIR.out"
exit $fail
