#!/bin/sh
# vm: --disk
# timeout: 400
# allow-dmesg: kernel BUG at .*inject\.c
# SPDX-License-Identifier: GPL-2.0
#
# Shadow mode on ata_piix, over and over: 20 fault-and-restart cycles
# (NULL, #GP and BUG() in turn, in qc_issue and in the interrupt handler
# in turn), each under a 4 MB copy to the ext4 disk that must read back
# intact; the driver then holds exactly the tracked objects it held
# before and slab and vmalloc use did not grow (tests/lib_leak.sh). Then
# the project's modules are unloaded in each state a user may catch them
# in (the file system unmounted first: unloading returns the driver to
# native, which rebinds it): idle, with the driver left fail-stopped
# (restart budget spent), and in the middle of a recovery under raw I/O;
# the kernel log stays quiet.
. /opt/shadowdrv/tests/ide/lib_ide.sh
D=/mnt/disk
CYCLES=20

quiesce() { sync; }
. /opt/shadowdrv/tests/lib_leak.sh

setup() { modprobe nooks_swifi && ide_setup shadow disk; }

tap_plan $((CYCLES + 14))
setup
tap_ok 1 "ata_piix in shadow mode, /dev/$DEV mounted"
dd if=/dev/urandom of=/tmp/src bs=1M count=4 2>/dev/null
leak_base

for c in $(seq $CYCLES); do
	case $((c % 3)) in
	1) kind=null ;; 2) kind=gpf ;; 0) kind=bug ;;
	esac
	ctx=issue
	[ $((c % 2)) = 0 ] && ctx=irq
	shadowctl inject $DRIVER $kind --function "$(driver_entry $DRIVER $ctx)" --after 5
	cp /tmp/src $D/c && sync; rc=$?
	ok=0
	echo 3 > /proc/sys/vm/drop_caches
	wait_recovered $DRIVER "$c" && [ $rc = 0 ] && cmp -s /tmp/src $D/c && ok=1
	tap_ok $ok "cycle $c: $kind in $ctx, restarted in $(cat $S/last_recovery/total_us) us, the copy intact"
done
leak_cycles_end $CYCLES
# the injected BUG()s are in the log (guest-run checks it whole); from
# here on nothing may appear
dmesg -c > /dev/null

shadowdrv-disk umount
tap_cmd "unload, idle" shadowctl unload
quiet "unload, idle"

# the driver fail-stopped: one restart allowed, two faults; the second
# is refused, the driver unbound and its disk gone (I/O errors)
setup
echo "shadowdrv-vm: allow I/O error|EXT4-fs|Buffer I/O|JBD2|lost async page write" > /dev/kmsg
echo 1 > $S/policy/restart_budget
for i in 1 2; do
	shadowctl inject $DRIVER null --function "$(driver_entry $DRIVER issue)" --after 2
	cp /tmp/src $D/f$i 2> /dev/null; sync
	sleep 0.5
done
wait_for 10 sh -c "[ \"\$(cat $S/state)\" = failstop ]"
tap_ok $([ "$(cat $S/state)" = failstop ] && echo 1 || echo 0) \
	"restart budget spent: driver fail-stopped ($(cat $S/state))"
umount -l $D
tap_cmd "unload with the driver fail-stopped" shadowctl unload
quiet "unload after a fail-stop"

# in the middle of a recovery, under raw reads of the disk
modprobe -r $DRIVER 2> /dev/null
setup
shadowdrv-disk umount
dd if=/dev/$DEV of=/dev/null bs=64k count=2000 iflag=direct 2> /dev/null &
app=$!
shadowctl inject $DRIVER null --function "$(driver_entry $DRIVER irq)" --after 20
wait_for 5 sh -c "[ \"\$(cat $S/failures)\" -ge 1 ]"
tap_cmd "unload during a recovery" shadowctl unload
wait $app
quiet "unload during a recovery"
tap_done
