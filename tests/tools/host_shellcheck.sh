#!/bin/bash
# timeout: 120
# SPDX-License-Identifier: GPL-2.0
#
# Runs shellcheck (severity warning, the .shellcheckrc of the tree) on every shell
# script in tools/, tests/ and .ci/ (found by their #!/bin/sh or
# #!/bin/bash line) and on the bash completion: no finding. A script with
# a known mistake is checked first, so that a shellcheck that finds
# nothing at all cannot pass.
set -uo pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail=0
check() { if [ "$2" ]; then echo "ok - $1"; else echo "not ok - $1"; fail=1; fi; }
command -v shellcheck > /dev/null || { echo "not ok - shellcheck is not installed (tools/setup)"; exit 1; }

# an unquoted variable in a test and a cd that may fail: two findings
printf '#!/bin/sh\nf=$1\n[ -n $f ] && cd /nonexistent\necho "$f"\n' > "$T/bad.sh"
(cd "$T" && shellcheck -S warning -f gcc bad.sh) > "$T/bad.out" 2>&1
check "shellcheck finds the mistakes of a bad script ($(wc -l < "$T/bad.out") findings)" \
	"$([ "$(wc -l < "$T/bad.out")" -ge 2 ] && echo y)"

cd "$TOP" || exit 1
mapfile -t files < <(grep -rlE '^#!/bin/(ba)?sh' tools tests .ci | sort)
shellcheck -S warning -f gcc "${files[@]}" > "$T/tree.out" 2>&1
shellcheck -S warning -f gcc -s bash tools/shadowctl.bash-completion >> "$T/tree.out" 2>&1
sed 's/^/# /' "$T/tree.out"
check "shellcheck: no warning in ${#files[@]} scripts and the bash completion" \
	"$([ ! -s "$T/tree.out" ] && echo y)"
exit $fail
