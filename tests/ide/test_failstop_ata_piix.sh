#!/bin/sh
# vm: --disk
# timeout: 240
# allow-dmesg: I/O error|EXT4-fs|Buffer I/O|JBD2|lost async page write|lost sync page write
# SPDX-License-Identifier: GPL-2.0
#
# Shadow mode on ata_piix, a restart in place that fails: a SWIFI "stack"
# mutation of ata_bmdma_setup (seed 143, trial 6 of the ata_piix sqlite
# campaign) faults under writes, and the re-issued command faults again
# inside the restart; the driver is left fail-stopped with its ports
# unloaded. Its removal must then take the ATA host's SCSI hosts and disk
# away before the unbind frees the host (the driver's own remove is not
# called): unloading every module works with no BUG (libata's exit found
# transport devices left, before the fix), and the driver loaded again
# natively brings the disk back as sda, mountable.
. /opt/shadowdrv/tests/ide/lib_ide.sh
D=/mnt/disk
tap_plan 7
modprobe nooks_swifi
ide_setup shadow disk

tap_cmd "mutate ata_bmdma_setup (stack, seed 143)" \
	shadowctl mutate $DRIVER stack --function ata_bmdma_setup --seed 143
# synced transactions, as in the campaign's trial
for tx in $(seq 0 39); do
	{
		echo "PRAGMA synchronous=FULL; CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, v TEXT); BEGIN;"
		seq $((tx * 100 + 1)) $((tx * 100 + 100)) |
			sed "s/.*/INSERT INTO t VALUES (&, printf('%0200d', &));/"
		echo "COMMIT;"
	} | timeout 30 sqlite3 $D/t.db > /dev/null 2>&1 || break
	[ "$(cat $S/state)" = failstop ] && break
done
wait_for 20 sh -c "[ \"\$(cat $S/state)\" = failstop ]"
tap_ok $([ "$(cat $S/state)" = failstop ] && [ "$(cat $S/failures)" -ge 2 ] &&
	dmesg | grep -q "ata_piix: restart in place failed" && echo 1 || echo 0) \
	"a fault inside the restart in place: driver fail-stopped ($(cat $S/state), $(cat $S/failures) failures)"
umount -l $D
tap_cmd "unload with the driver fail-stopped in place" shadowctl unload
tap_cmd "rmmod ata_piix" /usr/sbin/modprobe -r $DRIVER
tap_ok $(! dmesg | grep -qE 'kernel BUG|Oops|general protection|transport_class' && echo 1 || echo 0) \
	"no BUG on the way out"
tap_cmd "the driver loaded again natively, the disk mounted" shadowdrv-disk native disk
quiet "fail-stop in place, then unload"
tap_done
