#!/bin/sh
# vm: --disk
# timeout: 600
# SPDX-License-Identifier: GPL-2.0
#
# In-place switch leaks (ata_piix under copies to the mounted ext4 disk):
# enable shadow on the running driver (in place), record the tracked
# objects per type and the kernel's slab and vmalloc usage, run 20 cycles
# of shadowctl disable and enable shadow, both in place, each under a 4 MB
# copy that must read back intact on the same disk, and check that the
# driver holds what it held before and that slab and vmalloc usage did not
# grow beyond measurement noise (tests/lib_leak.sh). Then unmount, unload
# the driver and every project module; the kernel log stays quiet.
. /opt/shadowdrv/tests/ide/lib_ide.sh
D=/mnt/disk
CYCLES=20

quiesce() { sync; }
. /opt/shadowdrv/tests/lib_leak.sh

tap_plan $((CYCLES + 10))
ide_setup native disk
majmin=$(cat "/sys/block/$DEV/dev")
modprobe shadow_ide || exit 1
tap_cmd "shadowctl enable $DRIVER shadow (in place)" shadowctl enable $DRIVER shadow
dd if=/dev/urandom of=/tmp/src bs=1M count=4 2> /dev/null
sum=$(sha256sum < /tmp/src)
leak_base

for c in $(seq $CYCLES); do
	cp /tmp/src "$D/c" &
	cp_pid=$!
	ok=0
	if shadowctl disable $DRIVER && [ "$(cat /sys/block/$DEV/dev)" = "$majmin" ] &&
	    shadowctl enable $DRIVER shadow &&
	    [ "$(cat $S/last_switch/method) $(cat $S/mode)" = "in-place shadow" ] &&
	    wait $cp_pid && sync && echo 3 > /proc/sys/vm/drop_caches &&
	    [ "$(sha256sum < "$D/c")" = "$sum" ]; then
		ok=1
	fi
	wait $cp_pid 2> /dev/null
	tap_ok $ok "cycle $c: native and shadowed again in place, /dev/$DEV kept, the copy read back intact; last switch $(cat $S/last_switch/total_us 2> /dev/null) us"
	if [ $c = $((CYCLES / 2)) ]; then
		settle
		snapshot "after cycle $c"
	fi
done
tap_ok $([ "$(cat $S/failures)" = 0 ] && [ "$(cat $S/recoveries)" = 0 ] && echo 1 || echo 0) \
	"no failure, no recovery counted (failures $(cat $S/failures))"
leak_check $CYCLES
umount "$D"
tap_cmd "rmmod $DRIVER while shadowed" rmmod $DRIVER
tap_cmd "shadowctl unload" shadowctl unload
quiet "cycles"
tap_done
