#!/bin/sh
# vm: --cdrom
# timeout: 240
# Shadow mode on ata_piix with the PIIX CD-ROM: every file of the mounted
# ISO 9660 disc, read with a cold cache through crashes of the driver's
# command path (ATAPI packet commands: qc_issue, process context; the
# interrupt handler, hardirq), matches the disc's SHA256SUMS; /dev/sr0
# stays the same device, with no I/O error; the driver unloads cleanly.
. /opt/shadowdrv/tests/ide/lib_ide.sh
C=/mnt/cdrom
tap_plan 9
ide_setup shadow cdrom
dev=$(ls -l /dev/$DEV | awk '{ print $5 $6 }')

# verify: the disc's files, read cold, match its SHA256SUMS
verify() {
	echo 3 > /proc/sys/vm/drop_caches
	(cd "$C" && sha256sum -c SHA256SUMS > /dev/null)
}

n=0
for ctx in issue irq; do
	n=$((n + 1))
	fn=$(driver_entry "$DRIVER" "$ctx")
	shadowctl inject "$DRIVER" null --function "$fn" --after 10 || exit 1
	verify; rc=$?
	wait_recovered "$DRIVER" "$n"
	echo "# $ctx: $(cat $S/last_fault)"
	tap_ok $([ "$(cat $S/failures)" = $n ] && [ "$(cat $S/recoveries)" = $n ] && echo 1 || echo 0) \
		"$ctx: fault in $fn contained, driver restarted in place ($(cat $S/last_recovery/total_us) us)"
	tap_ok $([ $rc = 0 ] && echo 1 || echo 0) "$ctx: every file read through the crash matches SHA256SUMS"
done
tap_ok $([ "$(ls -l /dev/$DEV | awk '{ print $5 $6 }')" = "$dev" ] &&
	[ "$(ls /sys/block | grep -c '^sr')" = 1 ] && echo 1 || echo 0) \
	"the same CD-ROM: /dev/$DEV $dev, no new one"
errs=$(dmesg | grep -E "I/O error|isofs.*error|Buffer I/O" | head -n 3)
tap_ok $([ -z "$errs" ] && echo 1 || echo 0) "no I/O error in the kernel log"
[ -z "$errs" ] || printf '%s\n' "$errs" | sed 's/^/# | /'
quiet "crashes"
umount "$C"
modprobe -r sr_mod "$DRIVER"
tap_ok $([ ! -d /sys/module/$DRIVER ] && echo 1 || echo 0) "$DRIVER unloaded"
quiet "unload"
tap_done
