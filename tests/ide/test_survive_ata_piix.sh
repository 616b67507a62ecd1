#!/bin/sh
# vm: --disk
# timeout: 300
# Shadow mode on ata_piix: an ext4 file system on the PIIX IDE disk keeps
# working through crashes of the driver's command path, with no I/O error
# and no byte lost:
#   issue  a fault in the port's qc_issue (libata's ata_bmdma_qc_issue,
#          process context) while a 24 MB copy is written and synced
#   irq    a fault in the interrupt handler (libata's ata_bmdma_interrupt,
#          hardirq) while the copy is read back with a cold cache
#   dma    a fault in the DMA engine start (ata_bmdma_start) once the
#          command is on the device, mid-copy: the restart resets the port
#          through libata's error handling before issuing the command again
#   eh     a fault in the error handler (libata's ata_bmdma_error_handler,
#          the SCSI error handler thread) while a rescan of the SCSI host
#          resets the port under a copy
#   mode   a fault in ata_piix's own mode setting (piix_set_dmamode),
#          which libata's error handling calls after the rescan's reset
#   stall  the interrupt handler's port service (ata_bmdma_port_intr)
#          returns at once, as if done, without completing the command:
#          nothing faults; the shadow's progress check finds the command
#          stalled (shadow_ide stall_ms, 2 s) and the restart issues it
#          again, long before the SCSI layer's 30 s timeout
# then four more crashes in turn; the disk stays the same device (same
# /dev/sda, same SCSI host, no new disk), keeps its DMA transfer mode and
# its file system stays read-write; the driver unloads cleanly.
. /opt/shadowdrv/tests/ide/lib_ide.sh
D=/mnt/disk
tap_plan 25
ide_setup shadow disk
dev=$(ls -l /dev/$DEV | awk '{ print $5 $6 }')
hosts=$(ls /sys/class/scsi_host | tr '\n' ' ')
disks=$(ls /sys/block | grep -c '^sd')
modes=$(cat /sys/class/ata_device/*/xfer_mode | tr '\n' ' ')
dd if=/dev/urandom of=/tmp/src bs=1M count=24 2>/dev/null
sum=$(sha256sum < /tmp/src | cut -d' ' -f1)

# same_file N: file N on the disk, read with a cold cache, is the source
same_file() {
	echo 3 > /proc/sys/vm/drop_caches
	[ "$(sha256sum < "$D/f$1" | cut -d' ' -f1)" = "$sum" ]
}

# crash CONTEXT COMMAND...: run COMMAND while a NULL dereference is
# injected (KIND, if set) in the driver's CONTEXT entry on its call
# AFTER + 1 (AFTER: 5 unless set); COMMAND must succeed and the driver be
# restarted in place
n=0
crash() {
	_ctx=$1; shift
	_fn=$(driver_entry "$DRIVER" "$_ctx")
	n=$((n + 1))
	shadowctl inject "$DRIVER" "${KIND:-null}" --function "$_fn" --after "${AFTER:-5}" || exit 1
	"$@"; _rc=$?
	wait_recovered "$DRIVER" "$n"
	_ok=0
	[ "$(cat $S/failures)" = $n ] && [ "$(cat $S/recoveries)" = $n ] && _ok=1
	echo "# $_ctx: $(cat $S/last_fault)"
	[ $_ok = 1 ] || shadowctl inject "$DRIVER" off 2>/dev/null
	return $_rc
}

copy() { cp /tmp/src "$D/f$1" && sync; }

crash issue copy 1; rc=$?
tap_ok $_ok "issue: fault in $_fn contained, driver restarted in place ($(cat $S/last_recovery/total_us) us)"
tap_ok $([ $rc = 0 ] && echo 1 || echo 0) "issue: cp and sync of 24 MB through the crash exit 0"
tap_ok $(same_file 1 && echo 1 || echo 0) "issue: the copy read back cold has the source's sha256"

crash irq same_file 1; rc=$?
tap_ok $_ok "irq: fault in $_fn contained, driver restarted in place ($(cat $S/last_recovery/total_us) us)"
tap_ok $([ $rc = 0 ] && echo 1 || echo 0) "irq: the copy read through the crash has the source's sha256"

crash dma copy 6; rc=$?
tap_ok $_ok "dma: fault in $_fn contained, driver restarted in place ($(cat $S/last_recovery/total_us) us)"
tap_ok $([ $rc = 0 ] && same_file 6 && echo 1 || echo 0) "dma: the copy through the crash (a port reset) reads back intact"

# a rescan makes libata's error handling reset the port and probe it
scan() {
	copy 7 & _cp=$!
	echo "- - -" > "$(ls -d /sys/class/scsi_host/host*/scan | head -n 1)"
	# the write's own status: libata refuses a rescan it cannot start
	# shellcheck disable=SC2320
	_rc=$?
	wait $_cp && [ $_rc = 0 ]
}
AFTER=0 crash eh scan; rc=$?
unset AFTER
tap_ok $_ok "eh: fault in $_fn contained, driver restarted in place ($(cat $S/last_recovery/total_us) us)"
tap_ok $([ $rc = 0 ] && echo 1 || echo 0) "eh: the rescan and the copy beside it exit 0"
tap_ok $(same_file 7 && echo 1 || echo 0) "eh: the copy reads back intact"

AFTER=0 crash mode scan; rc=$?
unset AFTER
tap_ok $_ok "mode: fault in $_fn (error handling) contained, driver restarted in place ($(cat $S/last_recovery/total_us) us)"
tap_ok $([ $rc = 0 ] && same_file 7 && echo 1 || echo 0) "mode: the rescan and the copy beside it exit 0, the copy intact"

t0=$(cut -d' ' -f1 /proc/uptime)
KIND=error crash stall copy 8; rc=$?
unset KIND
took=$(awk -v a="$t0" -v b="$(cut -d' ' -f1 /proc/uptime)" 'BEGIN { printf "%.1f", b - a }')
tap_ok $_ok "stall: lost completion (error in $_fn) detected, driver restarted in place ($(cat $S/last_recovery/total_us) us)"
tap_ok $([ $rc = 0 ] && same_file 8 && echo 1 || echo 0) "stall: the copy through it reads back intact"
tap_ok $(awk "BEGIN { exit !($took < 15) }" && echo 1 || echo 0) "stall: the copy took $took s, not the SCSI timeout's 30 s"

# four more, alternating: no retry budget spent, no speed-down
all=1
for i in 2 3 4 5; do
	if [ $((i % 2)) = 0 ]; then crash issue copy $i; else crash irq same_file 1; fi || all=0
	[ $_ok = 1 ] || all=0
	same_file $i 2>/dev/null || [ $((i % 2)) = 1 ] || all=0
done
tap_ok $all "four more crashes (issue, irq): every one contained and restarted, every copy intact"
tap_ok $([ "$(cat $S/shadow_state)" = passive ] && echo 1 || echo 0) "shadow back to passive"

tap_ok $([ "$(ls -l /dev/$DEV | awk '{ print $5 $6 }')" = "$dev" ] &&
	[ "$(ls /sys/class/scsi_host | tr '\n' ' ')" = "$hosts" ] &&
	[ "$(ls /sys/block | grep -c '^sd')" = "$disks" ] && echo 1 || echo 0) \
	"the same disk: /dev/$DEV $dev, SCSI hosts $hosts, no new disk"
tap_ok $([ "$(cat /sys/class/ata_device/*/xfer_mode | tr '\n' ' ')" = "$modes" ] && echo 1 || echo 0) \
	"transfer modes kept: $modes"
errs=$(dmesg | grep -E "I/O error|EXT4-fs error|Remounting filesystem read-only|Buffer I/O" | head -n 3)
tap_ok $([ -z "$errs" ] && echo 1 || echo 0) "no I/O or file system error in the kernel log"
[ -z "$errs" ] || printf '%s\n' "$errs" | sed 's/^/# | /'
tap_ok $(grep " $D " /proc/mounts | grep -q '[ ,]rw[ ,]' && echo 1 || echo 0) "the file system is still mounted read-write"
quiet "crashes"

umount "$D"
tap_ok $([ $? = 0 ] && echo 1 || echo 0) "unmounted"
modprobe -r "$DRIVER"
tap_ok $([ ! -d /sys/module/$DRIVER ] && echo 1 || echo 0) "$DRIVER unloaded"
quiet "unload"
tap_done
