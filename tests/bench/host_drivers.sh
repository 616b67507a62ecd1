#!/bin/bash
# timeout: 60
# The driver table (tools/drivers) is well formed and lib-drivers.sh reads
# it alike in dash, bash and busybox sh; every supported net driver has
# its isolate and survive tests, whose "vm:" header gives the driver's
# device; shadowctl, tools/vm and tools/campaign refuse a driver not in
# the table, one whose class is only planned, and shadow mode for one
# whose class has no shadow yet, before loading anything
# (modprobe is a stub that fails the test if called). No guest boots.
set -uo pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
export DRIVERS_TABLE=$TOP/tools/drivers
# shellcheck source=tools/lib-drivers.sh
. "$TOP/tools/lib-drivers.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
check() {	# check DESC COMMAND...
	if "${@:2}"; then echo "ok - $1"; else echo "not ok - $1"; fail=1; fi
}

# --- the table
bad=$(awk '{ sub(/#.*/, "") } NF == 0 { next }
	!n { n = NF; for (i = 1; i <= NF; i++) c[$i] = i; next }
	NF != n { print NR ": " NF " fields, not " n; next }
	$1 ~ /-/ { print NR ": module name with a dash: " $1 }
	seen[$1]++ { print NR ": " $1 " twice" }
	$c["CLASS"] !~ /^(net|sound|ide)$/ { print NR ": class " $c["CLASS"] }
	$c["STATUS"] !~ /^(supported|isolate|planned)$/ { print NR ": status " $c["STATUS"] }
	$c["VM"] !~ /^--[a-z]+(=[a-z0-9]+)?$/ { print NR ": vm " $c["VM"] }
	$c["STATUS"] == "supported" && $c["CLASS"] == "net" {
		for (k in c)
			if (k != "QUIRKS" && $c[k] == "-")
				print NR ": " $1 ": " k " is -"
	}' "$DRIVERS_TABLE")
[ -z "$bad" ] || printf '# tools/drivers:%s\n' "$bad"
check "tools/drivers: rows well formed, supported net rows complete" test -z "$bad"

# --- the library, in every shell the tools and the guest use
# shellcheck disable=SC2016 # expanded by the shells under test
probe='. "$1"
for d in $(drivers_list); do
	echo "$d|$(driver_class $d)|$(driver_field $d status)|$(driver_vm $d)|$(driver_entry $d poll)|$(driver_field $d hot)"
done
echo "net: $(drivers_of_class net supported | tr "\n" " ")"
echo "classes: $(drivers_classes | tr "\n" " ")"
echo "vm: $(driver_of_vm --net rtl8139) $(driver_of_vm --sound ac97) $(driver_of_vm --disk)"
echo "dashed: $(driver_field snd-hda-intel class)"
echo "quirks: $(driver_field snd_intel8x0 quirks)|$(driver_quirk snd_intel8x0 pause-underrun; echo $?)$(driver_quirk e1000 pause-underrun; echo $?)"
driver_field e1000 nosuchcolumn; echo "bad column: $?"
driver_field nosuchdriver class; echo "bad driver: $?"'
sh -c "$probe" sh "$TOP/tools/lib-drivers.sh" > "$tmp/dash" 2>&1
bash -c "$probe" bash "$TOP/tools/lib-drivers.sh" > "$tmp/bash" 2>&1
sed 's/^/# /' "$tmp/dash"
check "lib-drivers.sh: the same answers in sh and bash" cmp -s "$tmp/dash" "$tmp/bash"
if bb=$(command -v busybox); then
	mkdir "$tmp/bb"
	for a in sh awk sed tr cat; do ln -s "$bb" "$tmp/bb/$a"; done
	PATH=$tmp/bb "$bb" sh -c "$probe" sh "$TOP/tools/lib-drivers.sh" > "$tmp/busybox" 2>&1
	check "lib-drivers.sh: the same answers in busybox sh and awk (the guest)" \
		cmp -s "$tmp/dash" "$tmp/busybox"
fi
check "lib-drivers.sh: e1000 poll, 8139cp vm, snd-hda-intel class, errors" \
	grep -qxF -e 'e1000|net|supported|--net e1000|e1000_clean|e1000_clean e1000_intr e1000_xmit_frame e1000_clean_rx_irq e1000_alloc_rx_buffers' "$tmp/dash"
check "lib-drivers.sh: lookups by tools/vm option, bad column 2, bad driver 1" \
	test "$(grep -E '^(vm|dashed|bad)' "$tmp/dash" | tr '\n' '/')" = \
	"vm: 8139cp snd_intel8x0 ata_piix/dashed: sound/bad column: 2/bad driver: 1/"

# --- the per-driver tests agree with the table
header() { head -n 20 "$1" | sed -n "s/^# *$2: *//p" | head -n 1; }
for d in $(drivers_list supported); do
	vm=$(driver_vm "$d") c=$(driver_class "$d")
	iso=tests/$c/test_isolate_$d.sh
	[ "$c" = net ] && iso=tests/nooks/test_isolate_$d.sh
	# a long one runs in make deep (deep_isolate_DRIVER) or make matrix
	# (matrix_isolate_DRIVER) instead
	[ -f "$TOP/$iso" ] || iso=${iso/test_isolate_/deep_isolate_}
	[ -f "$TOP/$iso" ] || iso=${iso/deep_isolate_/matrix_isolate_}
	for t in "$iso" "tests/$c/test_survive_$d.sh"; do
		check "$t exists, its guest has $vm" \
			test "$(header "$TOP/$t" vm 2> /dev/null)" = "$vm"
	done
done
# drivers of the classes without a shadow yet: their isolate tests
for d in $(drivers_list isolate); do
	vm=$(driver_vm "$d")
	t=tests/$(driver_class "$d")/test_isolate_$d.sh
	check "$t exists, its guest has $vm" \
		test "$(header "$TOP/$t" vm 2> /dev/null)" = "$vm"
done

# --- refusals, before any module is loaded
mkdir "$tmp/bin"
printf '#!/bin/sh\necho "modprobe $*" >> %s/modprobe.called\nexit 1\n' "$tmp" > "$tmp/bin/modprobe"
chmod +x "$tmp/bin/modprobe"
refused() {	# refused DESC EXPECTED-MESSAGE COMMAND...
	local out rc
	out=$(PATH=$tmp/bin:$PATH "${@:3}" 2>&1)
	rc=$?
	echo "# ${*:3}: exit $rc: $out"
	check "$1" test "$rc" != 0 -a "$out" = "$2" -a ! -e "$tmp/modprobe.called"
}
refused "shadowctl enable: a driver not in the table is refused" \
	"shadowctl: nosuchdriver: no shadowdrv class supports this driver" \
	"$TOP/tools/shadowctl" enable nosuchdriver isolate
# no driver is planned today either: a table in which one is
sed 's/^\(snd_hda_intel *sound *\)supported/\1planned  /' "$TOP/tools/drivers" > "$tmp/planned"
refused "shadowctl enable: a planned class is refused (snd-hda-intel as snd_hda_intel)" \
	"shadowctl: snd_hda_intel: its class, sound, is planned in tools/drivers, not supported yet" \
	env DRIVERS_TABLE="$tmp/planned" "$TOP/tools/shadowctl" enable snd-hda-intel isolate
# no driver is isolate-only today: a table in which one is
sed 's/^\(snd_ens1370 *sound *\)supported/\1isolate  /' "$TOP/tools/drivers" > "$tmp/drivers"
refused "shadowctl enable: shadow mode is refused for an isolate-only driver" \
	"shadowctl: snd_ens1370: its class, sound, isolates it but has no shadow yet: isolate mode only" \
	env DRIVERS_TABLE="$tmp/drivers" "$TOP/tools/shadowctl" enable snd_ens1370 shadow
refused "tools/campaign: a planned class is refused" \
	"tools/campaign: snd_hda_intel: its class, sound, is planned in tools/drivers, not supported yet" \
	env DRIVERS_TABLE="$tmp/planned" "$TOP/tools/campaign" --driver snd_hda_intel --workload mpg123 --faults 1
refused "tools/vm: an unknown --net device is refused" \
	"tools/vm: --net must be one of: $(drivers_vm_values --net | paste -sd ' ' -)" \
	"$TOP/tools/vm" --net nosuchnic -- true
exit $fail
