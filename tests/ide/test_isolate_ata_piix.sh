#!/bin/sh
# vm: --disk
# timeout: 240
# Isolate mode on ata_piix, the contrast to the shadow: a fault in the
# command path (qc_issue) during a write is contained and the kernel
# survives, but the restart is an unbind and a new probe: the disk under
# the mounted file system goes away (I/O errors, the file system fails)
# and comes back as a new disk, which works. (Natively the same fault is
# an oops in the block layer's dispatch: not run, it takes the guest down.)
. /opt/shadowdrv/tests/ide/lib_ide.sh
D=/mnt/disk
tap_plan 7
ide_setup isolate disk
echo "shadowdrv-vm: allow I/O error|EXT4-fs|Buffer I/O|JBD2|lost async page write|disable device" > /dev/kmsg
dd if=/dev/urandom of=/tmp/src bs=1M count=8 2>/dev/null

shadowctl inject "$DRIVER" null --function "$(driver_entry $DRIVER issue)" --after 20 || exit 1
cp /tmp/src "$D/f" && sync; rc=$?
wait_recovered "$DRIVER" 1
echo "# $(cat $S/last_fault)"
tap_ok $([ "$(cat $S/failures)" = 1 ] && [ "$(cat $S/recoveries)" = 1 ] && echo 1 || echo 0) \
	"fault contained, driver restarted ($(cat $S/last_recovery/total_us) us)"
tap_ok $(dmesg | grep -q "I/O error" && echo 1 || echo 0) \
	"I/O errors reached the file system (cp/sync exit $rc): isolation alone cannot keep the disk"
old=$DEV
wait_for 10 sh -c "ls /sys/block | grep '^sd' | grep -qv '^$old\$'"
new=$(ls /sys/block | grep '^sd' | grep -v "^$old\$" | head -n 1)
tap_ok $([ -n "$new" ] && echo 1 || echo 0) "the disk came back as a new one: /dev/$new (was /dev/$old)"
umount -l "$D"
mkdir -p /mnt/new
mount -t ext4 "/dev/$new" /mnt/new && cp /tmp/src /mnt/new/g && sync &&
	echo 3 > /proc/sys/vm/drop_caches && cmp -s /tmp/src /mnt/new/g
tap_ok $([ $? = 0 ] && echo 1 || echo 0) "the restarted driver works: a copy on /dev/$new reads back intact"
umount /mnt/new
quiet "isolate"
modprobe -r "$DRIVER"
tap_ok $([ ! -d /sys/module/$DRIVER ] && echo 1 || echo 0) "$DRIVER unloaded"
quiet "unload"
tap_done
